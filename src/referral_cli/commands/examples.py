"""The examples that end every command's --help, and the referral statuses in words.

Kept in one table so that `tests/test_help.py` can check that no command is without one, and
attached by the root group when it builds a command (cli.py), so the command modules stay thin.
"""

from __future__ import annotations

REF = "AC-2041"
AGENCY = "alder-county-youth-harbor"

EXAMPLES: dict[str, tuple[str, ...]] = {
    "init": ("referral init", "referral init --retention-days 60"),
    "audit": ("referral audit", f"referral audit --case {REF} --format json"),
    "start": ("referral start", "referral start --answers docs/answers-example.yaml --no-input"),
    "resume": (f"referral resume {REF}",),
    "sessions": ("referral sessions", "referral sessions --format json"),
    "summary": (
        f"referral summary {REF} --for {AGENCY} --format html -o exports/",
        f"referral summary {REF} --youth --language es -o exports/",
    ),
    "contacts": ("referral contacts", "referral contacts --format json"),
    "contacts add-to-catalog": (
        "referral contacts add-to-catalog eastside --sector runaway-homeless-youth --data DIR",
    ),
    "profile": (
        'referral profile --name "Sam R." --program "Youth Outreach" --phone 503-555-0100',
        "referral profile --show",
    ),
    "checklist": ("referral checklist --format html -o checklist.html",),
    "purge": (f"referral purge {REF}", "referral purge --older-than 90 --yes"),
    "consent": (f"referral consent revoke {REF} {AGENCY}",),
    "consent revoke": (f"referral consent revoke {REF} {AGENCY} --on 2026-11-20",),
    "vet": (
        f"referral vet {AGENCY} --format html -o scorecard.html",
        "referral vet --blank --format html -o worksheet.html",
    ),
    "vettings": ("referral vettings", "referral vettings --outcome verify --stale"),
    "services": ("referral services", "referral services --format json"),
    "agencies": (
        "referral agencies --service shelter",
        "referral agencies --language es --lgbtq --format markdown",
    ),
    "show": (f"referral show {AGENCY}", "referral show cedar --format json"),
    "hotlines": ("referral hotlines", "referral hotlines --format html -o hotlines.html"),
    "gaps": ("referral gaps", "referral gaps --language es --format markdown -o gaps.md"),
    "coverage": ("referral coverage", "referral coverage --format json"),
    "consultations": (
        "referral consultations --since 2026-01-01",
        "referral consultations --format markdown -o consultations.md",
    ),
    "followups": ("referral followups", "referral followups --format json"),
    "status": (
        f'referral status {REF} in_progress --note "first visit done"',
        f"referral status {REF} --from-fhir task-update.json",
    ),
    "activity": ("referral activity --since 2026-01-01 --format markdown",),
    "catalog": ("referral catalog validate", "referral catalog init my-catalog"),
    "catalog validate": ("referral catalog validate", "referral catalog validate my-catalog"),
    "catalog init": (
        "referral catalog init coalition-catalog",
        "referral catalog init big-catalog --layout files",
    ),
    "catalog split": ("referral catalog split coalition-catalog",),
    "catalog join": ("referral catalog join big-catalog",),
    "catalog watch": ("referral catalog watch --data big-catalog",),
    "catalog import-hsds": (
        "referral catalog import-hsds export/ --dry-run",
        "referral catalog import-hsds organizations.json --data my-catalog",
    ),
    "catalog export-hsds": ("referral catalog export-hsds hsds-out",),
}

# The referral lifecycle in words, with the ids `referral status` takes (tests compare this
# with casefile.records.STATUS_LABELS, which --help does not import: it would load pydantic).
STATUS_WORDS: tuple[tuple[str, str], ...] = (
    ("needs_identified", "needs identified"),
    ("options_discussed", "options discussed"),
    ("consent_pending", "consent pending"),
    ("requested", "requested"),
    ("accepted", "accepted by agency"),
    ("rejected", "rejected by agency"),
    ("handoff_scheduled", "hand-off scheduled"),
    ("in_progress", "in progress"),
    ("on_hold", "on hold"),
    ("completed", "completed"),
    ("failed", "failed"),
    ("cancelled", "cancelled"),
    ("entered_in_error", "entered in error"),
)


def epilog(path: str) -> str | None:
    """The end of one command's --help: statuses for `status`, then its examples.

    Each block starts with click's no-rewrap mark, so the lines stay as written.
    """
    lines = EXAMPLES.get(path)
    if lines is None:
        return None
    parts = []
    if path == "status":
        width = max(len(i) for i, _ in STATUS_WORDS)
        rows = "\n".join(f"  {i.ljust(width)}  {words}" for i, words in STATUS_WORDS)
        parts.append(f"Statuses (the id to type, then what it means):\n\n\b\n{rows}")
    label = "Example" if len(lines) == 1 else "Examples"
    parts.append(f"{label}:\n\n\b\n" + "\n".join(f"  {line}" for line in lines))
    return "\n\n".join(parts)
