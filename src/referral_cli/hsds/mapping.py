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

import fnmatch
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from referral_cli.errors import ReferralError
from referral_cli.hsds.phrases import find, words

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
    """How one of our ids is recognised: phrases (whole words), exact terms, code patterns,
    and words that, in the same name, mean the phrase is about something else."""

    target: str
    phrases: tuple[tuple[str, ...], ...]
    terms: frozenset[str]
    forms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    unless: tuple[tuple[str, ...], ...] = ()

    def by_term(self, code: str, name: str) -> str:
        """The term (code or name) that maps exactly or by pattern, or ""."""
        for key in (code, name):
            if key and key.casefold() in self.terms:
                return key
        if code and any(fnmatch.fnmatchcase(code.casefold(), p) for p in self.patterns):
            return code
        return ""


@dataclass(frozen=True)
class Match:
    """Why an HSDS name or term mapped to one of our ids, for the import summary."""

    target: str
    because: str
    forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What one HSDS service maps to, or why it maps to nothing (for the review list)."""

    matches: list[Match]
    why_not: str = ""


@dataclass(frozen=True)
class Mapping:
    """The parsed mapping file: service rules, sector rules, cues, language aliases, defaults."""

    source: str
    services: tuple[Rule, ...]
    sectors: tuple[Rule, ...]
    languages: dict[str, str]
    default_sector: str
    default_language: str
    not_services: tuple[tuple[str, ...], ...] = ()
    unsure: tuple[tuple[str, ...], ...] = ()
    # sector matches of each service name (directories repeat them thousands of times)
    service_sectors: dict[str, list[Match]] = field(default_factory=dict, compare=False)
    name_sectors: dict[tuple[str, ...], list[Match]] = field(default_factory=dict, compare=False)

    def match_services(self, names: list[str], terms: list[tuple[str, str]]) -> list[Match]:
        """Our service ids for one HSDS service (see `outcome` for why none)."""
        return self.outcome(names, terms).matches

    def outcome(self, names: list[str], terms: list[tuple[str, str]]) -> Outcome:
        """Exact terms and code patterns first, then phrases in names; a negative cue, a
        phrase set aside by its `unless` words, or a word too vague alone leaves it unmapped
        with the reason, never a guess."""
        found = _by_terms(self.services, terms)
        if found:
            return Outcome(found)
        texts = [n for n in names if n] + [name for _, name in terms if name]
        for text in texts:
            cue = _first(self.not_services, words(text))
            if cue:
                return Outcome([], f"not a service for a youth ('{cue}' in '{text}')")
        matches, set_aside = _by_phrases(self.services, texts)
        if matches:
            return Outcome(matches)
        if set_aside:
            return Outcome([], set_aside[0])
        for text in texts:
            vague = _first(self.unsure, words(text))
            if vague:
                return Outcome([], f"unsure: '{vague}' alone could mean several services")
        return Outcome([])

    def match_sector(self, names: list[str], terms: list[tuple[str, str]]) -> Match | None:
        """The sector the first matching name suggests (longest phrase wins), if any."""
        for name in names:
            found = _by_terms(self.sectors, terms) or _by_phrases(self.sectors, [name])[0]
            if found:
                return found[0]
        return None

    def sector_for(self, org_names: list[str], services: list[str]) -> tuple[Match | None, str]:
        """The sector an organization's name and its services as a whole suggest: the name
        counts twice, each service once; a tie between sectors is left for review."""
        score: dict[str, int] = {}
        why: dict[str, Match] = {}
        for weight, names in [(2, [n for n in org_names if n])] + [(1, [s]) for s in services]:
            if weight == 1:
                hits = self.service_sectors.get(names[0])
                if hits is None:
                    hits = self.service_sectors[names[0]] = _by_phrases(self.sectors, names)[0]
            else:  # organizations share names too ("Salvation Army"): each matched once
                key = tuple(names)
                hits = self.name_sectors.get(key)
                if hits is None:
                    hits = self.name_sectors[key] = _by_phrases(self.sectors, names)[0]
            seen = {m.target: m for m in hits}
            for target, found in seen.items():
                score[target] = score.get(target, 0) + weight
                why.setdefault(target, found)
        if not score:
            return None, ""
        best = max(score.values())
        top = [t for t, n in score.items() if n == best]
        if len(top) > 1:
            return None, " and ".join(sorted(top))
        return why[top[0]], ""


def _first(phrases: tuple[tuple[str, ...], ...], text: tuple[str, ...]) -> str:
    for phrase in phrases:
        if find(phrase, text):
            return " ".join(phrase)
    return ""


def _by_terms(rules: tuple[Rule, ...], terms: list[tuple[str, str]]) -> list[Match]:
    found: dict[str, Match] = {}
    for code, name in terms:
        for rule in rules:
            key = rule.by_term(code, name)
            if key and rule.target not in found:
                found[rule.target] = Match(rule.target, f"term '{key}'", rule.forms)
    return list(found.values())


def _index(rules: tuple[Rule, ...]) -> dict[str, list[tuple[tuple[str, ...], Rule]]]:
    """Each rule phrase under its first word, so a name is scanned once, not once a phrase."""
    index: dict[str, list[tuple[tuple[str, ...], Rule]]] = {}
    for rule in rules:
        for phrase in rule.phrases:
            index.setdefault(phrase[0], []).append((phrase, rule))
    return index


_INDEXES: dict[int, tuple[tuple[Rule, ...], dict[str, list[tuple[tuple[str, ...], Rule]]]]] = {}


def _indexed(rules: tuple[Rule, ...]) -> dict[str, list[tuple[tuple[str, ...], Rule]]]:
    known = _INDEXES.get(id(rules))
    if known is None or known[0] is not rules:
        known = (rules, _index(rules))
        _INDEXES[id(rules)] = known
    return known[1]


def _by_phrases(rules: tuple[Rule, ...], texts: list[str]) -> tuple[list[Match], list[str]]:
    """Matches of rule phrases in texts (longest first, no overlaps between targets), and the
    reasons for matches set aside by a rule's `unless` words."""
    index = _indexed(rules)
    found: dict[str, Match] = {}
    set_aside: list[str] = []
    for text in texts:
        tokens = words(text)
        spans = [
            (start, start + len(phrase), rule, phrase)
            for start, token in enumerate(tokens)
            for phrase, rule in index.get(token, ())
            if tokens[start : start + len(phrase)] == phrase
        ]
        spans.sort(key=lambda s: (s[0] - s[1], s[0]))  # longest first, then leftmost
        kept: list[tuple[int, int, Rule, tuple[str, ...]]] = []
        for start, end, rule, phrase in spans:
            if any(k[0] < end and start < k[1] and k[2].target != rule.target for k in kept):
                continue
            kept.append((start, end, rule, phrase))
        for _, _, rule, phrase in sorted(kept, key=lambda s: s[0]):
            shown = " ".join(phrase)
            cancel = _first(rule.unless, tokens)
            if cancel:
                set_aside.append(
                    f"unsure: '{shown}' set aside for {rule.target}, since '{cancel}' in "
                    f"'{text}' suggests another kind of service"
                )
            elif rule.target not in found:
                found[rule.target] = Match(rule.target, f"'{shown}' in '{text}'", rule.forms)
    return list(found.values()), set_aside


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


def _phrases(value: Any, where: str, problems: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(w for w in (words(p) for p in _strings(value, where, problems)) if w)


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
    known = {
        "version",
        "default_sector",
        "default_language",
        "services",
        "sectors",
        "languages",
        "not_services",
        "unsure",
    }
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
            bad = [k for k in spec if k not in ("names", "terms", "forms", "unless")]
            problems.extend(f"{where}.{k}: is not a known field" for k in bad)
            forms = _strings(spec.get("forms"), f"{where}.forms", problems)
            if any(f not in ("emergency", "ongoing") for f in forms):
                problems.append(f"{where}.forms: must be emergency and/or ongoing")
            terms = [t.casefold() for t in _strings(spec.get("terms"), where, problems)]
            out.append(
                Rule(
                    str(target),
                    _phrases(spec.get("names"), where, problems),
                    frozenset(t for t in terms if "*" not in t and "?" not in t),
                    tuple(forms),
                    tuple(t for t in terms if "*" in t or "?" in t),
                    _phrases(spec.get("unless"), f"{where}.unless", problems),
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
    not_services = _phrases(data.get("not_services"), "not_services", problems)
    unsure = _phrases(data.get("unsure"), "unsure", problems)
    if problems:
        raise ReferralError(
            f"The mapping file {shown} has {len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''}:\n" + "\n".join(f"  {p}" for p in problems)
        )
    return Mapping(
        shown,
        services,
        sectors,
        languages,
        default_sector,
        default_language,
        not_services,
        unsure,
    )
