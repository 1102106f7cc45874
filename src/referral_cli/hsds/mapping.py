"""Open Referral HSDS 3.0: what import and export share (ids, the extension field, the mapping).

HSDS (the Human Services Data Specification) is how 211 systems and resource directories
exchange organizations and services. Our catalog holds more than HSDS can say (sector,
LGBTQ-affirming, after-hours line, vetting), and HSDS holds things we deliberately never
keep (street addresses). The split:

* standard HSDS fields carry what they can (names, phones, contacts, languages, ages,
  schedules, required documents, coarse location), so any HSDS consumer can use them;
* one extension property, `x_referral`, on organizations and services carries the rest.
  HSDS 3.0 schemas allow additional properties, so the export stays schema-valid;
* each of our services is a term of the "referral-cli services" taxonomy attached to the
  HSDS service as an attribute (the HSDS-native classification path).

Reading is in `read`, `tabular` and `assemble`, mapping one organization in `convert`,
writing in `export`.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from referral_cli.errors import ReferralError

EXTENSION = "x_referral"
TAXONOMY_NAME = "referral-cli services"
# A fixed namespace so that our ids always give the same HSDS UUIDs (stable diffs, re-import).
NAMESPACE = uuid.UUID("6f1c2d0e-8a8b-5b4e-9a77-3c1b0f4e9d21")
TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "taxonomy:" + TAXONOMY_NAME))


def hsds_id(*parts: str) -> str:
    """A stable UUID for one of our objects, e.g. hsds_id("organization", agency_id)."""
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def slug(text: str, fallback: str) -> str:
    """An id of lowercase letters, digits and hyphens from a name (fallback when none is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > 60:
            break
        out = candidate
    return out or fallback


@dataclass(frozen=True)
class HsdsProblem:
    """One problem in the HSDS input, located by file and row or JSON path."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        """Machine-readable form for `--format json`."""
        return {"where": self.where, "message": self.message}


class HsdsError(ReferralError):
    """The HSDS input is not usable; holds every problem found."""

    def __init__(self, problems: list[HsdsProblem], hint: str = "") -> None:
        self.problems = problems
        count = len(problems)
        head = f"The HSDS data has {count} problem{'s' if count != 1 else ''}:"
        lines = [head, *(f"  {p}" for p in problems[:200])]
        if count > 200:
            lines.append(f"  ... and {count - 200} more")
        if hint:
            lines.append(hint)
        super().__init__("\n".join(lines))


# --- the mapping file ----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """How one of our ids is recognised: phrases (whole words) and exact taxonomy terms."""

    target: str
    phrases: tuple[str, ...]
    terms: frozenset[str]
    forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """Why an HSDS name or term mapped to one of our ids, for the import summary."""

    target: str
    because: str
    forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mapping:
    """The parsed mapping file: service rules, sector rules, language aliases and defaults."""

    source: str
    services: tuple[Rule, ...]
    sectors: tuple[Rule, ...]
    languages: dict[str, str]
    default_sector: str
    default_language: str

    def match_services(self, names: list[str], terms: list[tuple[str, str]]) -> list[Match]:
        """Our service ids for one HSDS service: exact terms first, then phrases in names."""
        return _match(self.services, names, terms)

    def match_sector(self, names: list[str], terms: list[tuple[str, str]]) -> Match | None:
        """The sector the first matching name suggests (longest phrase wins), if any."""
        for name in names:
            found = _match(self.sectors, [name], terms)
            if found:
                return found[0]
        return None


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])" + re.escape(phrase.casefold()) + r"(?![\w])")


def _match(rules: tuple[Rule, ...], names: list[str], terms: list[tuple[str, str]]) -> list[Match]:
    found: dict[str, Match] = {}
    for code, name in terms:
        for rule in rules:
            for key in (code, name):
                if key and key.casefold() in rule.terms and rule.target not in found:
                    found[rule.target] = Match(rule.target, f"term '{key}'", rule.forms)
    texts = [n for n in names if n] + [name for _, name in terms if name]
    for text in texts:
        folded = text.casefold()
        spans: list[tuple[int, int, Rule, str]] = []
        for rule in rules:
            for phrase in rule.phrases:
                for hit in _phrase_pattern(phrase).finditer(folded):
                    spans.append((hit.start(), hit.end(), rule, phrase))
        spans.sort(key=lambda s: s[0] - s[1])  # longest first
        kept: list[tuple[int, int, Rule, str]] = []
        for start, end, rule, phrase in spans:
            overlaps = [k for k in kept if k[0] < end and start < k[1]]
            if any(k[2].target != rule.target for k in overlaps):
                continue
            kept.append((start, end, rule, phrase))
        for _, _, rule, phrase in sorted(kept, key=lambda s: s[0]):
            if rule.target not in found:
                found[rule.target] = Match(rule.target, f"'{phrase}' in '{text}'", rule.forms)
    return list(found.values())


def default_mapping_path() -> Path:
    """The mapping shipped with the tool (seed categories of services.yaml)."""
    return Path(__file__).resolve().parent / "mapping.yaml"


def _strings(value: Any, where: str, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        problems.append(f"{where}: must be a list of words or phrases")
        return []
    return [str(v).strip() for v in value if str(v).strip()]


def load_mapping(path: Path | None, service_ids: set[str], language_codes: set[str]) -> Mapping:
    """Read and check a mapping file: every id it names must exist in this catalog."""
    from referral_cli.catalog.load import parse_yaml
    from referral_cli.catalog.models import SECTORS

    strict = path is not None  # the shipped file may name ids a coalition's catalog dropped
    path = path or default_mapping_path()
    shown = str(path)
    data, found = parse_yaml(path, shown)
    if data is None:
        raise ReferralError(f"Cannot use the mapping file: {found[0]}")
    problems: list[str] = []
    known = {"version", "default_sector", "default_language", "services", "sectors", "languages"}
    problems += [f"{key}: is not a known field" for key in data if key not in known]

    def rules(section: str, valid: set[str], what: str) -> tuple[Rule, ...]:
        raw = data.get(section) or {}
        if not isinstance(raw, dict):
            problems.append(f"{section}: must be a mapping of ids")
            return ()
        out = []
        for target, spec in raw.items():
            where = f"{section}.{target}"
            if str(target) not in valid:
                if strict:
                    problems.append(f"{where}: unknown {what} id '{target}'")
                continue
            spec = spec or {}
            if not isinstance(spec, dict):
                problems.append(f"{where}: must have names and/or terms")
                continue
            bad = [k for k in spec if k not in ("names", "terms", "forms")]
            problems.extend(f"{where}.{k}: is not a known field" for k in bad)
            forms = _strings(spec.get("forms"), f"{where}.forms", problems)
            if any(f not in ("emergency", "ongoing") for f in forms):
                problems.append(f"{where}.forms: must be emergency and/or ongoing")
            out.append(
                Rule(
                    str(target),
                    tuple(p.casefold() for p in _strings(spec.get("names"), where, problems)),
                    frozenset(t.casefold() for t in _strings(spec.get("terms"), where, problems)),
                    tuple(forms),
                )
            )
        return tuple(out)

    services = rules("services", service_ids, "service")
    sectors = rules("sectors", set(SECTORS), "sector")
    raw_languages = data.get("languages") or {}
    languages: dict[str, str] = {}
    if not isinstance(raw_languages, dict):
        problems.append("languages: must map names or codes to language codes")
    else:
        for alias, code in raw_languages.items():
            if language_codes and str(code) not in language_codes:
                if strict:
                    problems.append(
                        f"languages.{alias}: '{code}' is not in services.yaml languages"
                    )
                continue
            languages[str(alias).casefold()] = str(code)
    default_sector = str(data.get("default_sector") or "community")
    if default_sector not in SECTORS:
        problems.append(f"default_sector: unknown sector '{default_sector}'")
    default_language = str(data.get("default_language") or "en")
    if language_codes and default_language not in language_codes:
        problems.append(f"default_language: '{default_language}' is not in services.yaml languages")
    if problems:
        raise ReferralError(
            f"The mapping file {shown} has {len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''}:\n" + "\n".join(f"  {p}" for p in problems)
        )
    return Mapping(shown, services, sectors, languages, default_sector, default_language)
