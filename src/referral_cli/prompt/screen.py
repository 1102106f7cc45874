"""Free text screened for a person's identity: full name, birth date, address, phone, e-mail.

Case files hold only what judges fit and what the worker needs, never who the youth is. Each
free-text answer of a session (notes, considerations, the youth's words) is checked here;
interactively the worker is warned and asked to rephrase, or to confirm that it is not about
the youth (an agency's phone in a note is fine); from an answers file with --no-input it is
an error naming the answer's key. Values the tool knows are not the youth's (the catalog's
phones, e-mails and contact names, the worker's own) pass without a question.

Libraries: phonenumbers (Google's libphonenumber port) finds phone numbers in running text;
usaddress (a trained parser of US addresses) finds street addresses; catalog/names.py holds
a small list of given names and surnames.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import typer
from pydantic import BaseModel, ConfigDict

from referral_cli.catalog.names import is_given_name, is_surname
from referral_cli.errors import ReferralError
from referral_cli.prompt.asker import Asker
from referral_cli.text import clip, one_line

# Keys whose answers are the worker's or an agency's, never the youth's words.
NOT_SCREENED = (
    "opening.*",
    "worker.*",
    "profile.*",
    "contact.*.role",
    "contact.*.name",
    "*.not_about_youth",
    "*.screen",
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_MONTH = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    r"septiembre|octubre|noviembre|diciembre)"
)
_DATES = (
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](?P<y>\d{2}|\d{4})(?!\d)"),
    re.compile(rf"\b{_MONTH}\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(rf"\b\d{{1,2}}\s+(de\s+)?{_MONTH}\.?,?\s+(de(l)?\s+)?(?P<y>\d{{4}})\b", re.I),
)
_BIRTH = re.compile(
    r"\b(born|dob|d\.o\.b|birth\s?day|birth\s?date|nacid[oa]|naci[oó]|cumplea[nñ]os)\b\W{0,3}"
    r"(on|in|el|en)?\s*\w*\s*\d",
    re.I,
)
_CAP = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+"
_PAIR = re.compile(rf"\b({_CAP}|[A-Z]\.)\s+({_CAP})\b")
_NOT_A_PERSON = frozenset(
    {
        *("county", "street", "st", "avenue", "ave", "road", "rd", "boulevard", "drive"),
        *("lane", "house", "center", "centre", "clinic", "hospital", "school", "park"),
        *("hall", "home", "church", "shelter", "program", "youth", "services", "line"),
    }
)


class Finding(BaseModel):
    """One thing that looks like a person's identity, and the text that looks so."""

    model_config = ConfigDict(frozen=True)

    kind: str
    text: str


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _names(text: str, known: str) -> list[Finding]:
    found = []
    for m in _PAIR.finditer(text):
        first, last = m.group(1), m.group(2)
        if last.casefold() in _NOT_A_PERSON or m.group(0).casefold() in known:
            continue
        if is_given_name(first.rstrip(".")) or is_surname(last):
            found.append(Finding(kind="a full name", text=m.group(0)))
    return found


def _dates(text: str, today: dt.date) -> list[Finding]:
    found = [Finding(kind="a birth date", text=m.group(0)) for m in _BIRTH.finditer(text)]
    for pattern in _DATES:
        for m in pattern.finditer(text):
            year = int(m.group("y"))
            year += 2000 if year < 100 and year <= today.year % 100 else 1900 if year < 100 else 0
            if today.year - 30 <= year <= today.year - 4:
                found.append(Finding(kind="a birth date", text=m.group(0)))
    return found


_SUFFIX = re.compile(
    r"(st|street|ave|avenue|rd|road|blvd|boulevard|ln|lane|dr|drive|ct|court|way|pl|place|"
    r"ter|terrace|pkwy|parkway|hwy|highway|cir|circle|calle|avenida)\.?,?",
    re.I,
)


def _addresses(text: str, known: str) -> list[Finding]:
    """A house number, a street name and a street type, as usaddress labels running text."""
    import usaddress

    try:
        parsed = usaddress.parse(text)
    except Exception:  # the parser's own errors on odd input: nothing to report
        return []
    for i, (token, label) in enumerate(parsed):
        if label != "AddressNumber" or not any(c.isdigit() for c in token):
            continue
        after = parsed[i + 1 : i + 5]
        for j, (word, lab) in enumerate(after):
            if not lab.startswith("StreetName"):
                break
            if j > 0 and (lab == "StreetNamePostType" or _SUFFIX.fullmatch(word)):
                shown = " ".join([token, *(w for w, _ in after[: j + 1])]).strip(",.")
                if shown.casefold() not in known:
                    return [Finding(kind="a street address", text=shown)]
                break
    return []


def _phones(text: str, known_digits: set[str]) -> list[Finding]:
    import phonenumbers

    found = []
    for m in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.POSSIBLE):
        digits = _digits(m.raw_string)
        if not any(digits.endswith(k[-10:]) for k in known_digits if len(k) >= 7):
            found.append(Finding(kind="a phone number", text=m.raw_string))
    return found


def screen(text: str, today: dt.date, known: Iterable[str] = ()) -> list[Finding]:
    """What in `text` looks like a person's identity; `known` values are not the youth's."""
    known = [k for k in known if k]
    known_text = " | ".join(k.casefold() for k in known)
    known_digits = {_digits(k) for k in known if len(_digits(k)) >= 7}
    emails = [
        Finding(kind="an e-mail address", text=m.group(0))
        for m in _EMAIL.finditer(text)
        if m.group(0).casefold() not in known_text
    ]
    found = [
        *_names(text, known_text),
        *_dates(text, today),
        *_addresses(text, known_text),
        *_phones(_EMAIL.sub(" ", text), known_digits),
        *emails,
    ]
    return list({f.kind: f for f in reversed(found)}.values())[::-1]  # the first of each kind


def describe(findings: Iterable[Finding]) -> str:
    """'a phone number (503-555-0110); a full name (Maria Lopez)' for a warning."""
    return "; ".join(f"{f.kind} ({clip(f.text, 40)})" for f in findings)


class ScreeningAsker(Asker):
    """The session's Asker: every free-text answer is screened before it is kept."""

    def __init__(
        self,
        answers: Mapping[str, Any] | None = None,
        interactive: bool = True,
        *,
        today: dt.date,
        known: Iterable[str] = (),
    ) -> None:
        super().__init__(answers, interactive)
        self.today = today
        self.known: set[str] = set(known)

    def text(
        self,
        key: str,
        question: str,
        default: str | None = None,
        check: Callable[[str], str] | None = None,
    ) -> str:
        """Free text, screened unless the key is the worker's or an agency's."""
        value = Asker.text(self, key, question, default, check)
        if value == default or not _screens(key):
            return value
        return self._screened(key, value, lambda: Asker.text(self, key, question, default, check))

    def _answered(self, key: str, value: Any) -> None:
        """Saved for a paused draft only once it passes the screen or the worker keeps it: a
        flagged answer saved at once stayed on disk after "rephrase", and on resume it was
        replayed, flagged and rephrased again, for ever."""
        if isinstance(value, str) and _screens(key) and screen(value, self.today, self.known):
            return  # `_screened` saves it if the worker keeps it
        if key.endswith(".screen") and value == "rephrase":
            return  # nothing to replay: the question is simply asked again
        super()._answered(key, value)

    def lines(self, key: str, question: str) -> list[str]:
        """Several lines, each screened; a file's list is named by its one key."""
        from_file = key in self.answers
        kept = []
        for n, line in enumerate(Asker.lines(self, key, question), 1):
            name = key if from_file else f"{key}.{n}"

            def again(name: str = name, n: int = n) -> str:
                return Asker.text(self, name, f"  {n}", "")

            kept.append(self._screened(name, line, again))
        return kept

    def _screened(self, key: str, value: str, again: Callable[[], str]) -> str:
        while True:
            findings = screen(value, self.today, self.known)
            if not findings:
                return value
            said = describe(findings)
            keep = f"{key}.not_about_youth"
            if keep in self.answers or key in self.answers:
                if keep not in self.answers and not self.interactive:
                    raise ReferralError(
                        f"The answer for '{key}' looks like it holds {said}. Never record the "
                        "youth's name, birth date, address, phone or e-mail: rephrase it, or if "
                        f"it is not about the youth (an agency's number), add '{keep}: yes'."
                    )
                typer.echo(f"Careful: the answer for '{key}' looks like it holds {one_line(said)}.")
                if self.confirm(keep, "It is not about the youth: keep it as it is?", False):
                    super()._answered(key, value)
                    return value
                raise ReferralError(f"Rephrase the answer for '{key}' in the answers file.")
            typer.echo(
                f"Careful: that looks like {one_line(said)}. Never record the youth's name, "
                "birth date, address, phone or e-mail."
            )
            what = self.choice(
                f"{key}.screen",
                "Rephrase it, or keep it (it is not about the youth)",
                ["rephrase", "keep"],
                "rephrase",
            )
            if what == "keep":
                super()._answered(key, value)
                return value
            for asked in (key, f"{key}.screen"):  # a draft saved before this was fixed
                self.replay.pop(asked, None)
            value = again()


def _screens(key: str) -> bool:
    """Whether answers to this key are screened (not the worker's own or an agency's)."""
    return not any(fnmatch.fnmatchcase(key, p) for p in NOT_SCREENED)
