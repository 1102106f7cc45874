"""An audit log of what happened to case files, holding no content and no case references,
and the ledger of revoked consents that no restored case file can undo.

One JSON line per event in home_dir()/audit.log (0600): when, what (session created,
exported, consent revoked, purged, a failed unlock), and for case events a keyed pseudonym
of the reference (`crypto.pseudonym`) instead of the reference itself. So the log can stay
readable without the passphrase, survives the purges it records, and still says nothing
about which case a line is about to anyone who lacks the key.

Every line written with the key unlocked is numbered and carries a MAC chained to the line
before it (keyed from the data key), and audit.head holds a sealed copy of the highest entry.
So an edited or deleted line breaks the chain, and a cut-off tail falls short of the head.
A revocation line also names the agency (by a per-case pseudonym) and the day: exports read
them (`revoked_in_ledger`), so a case file restored from an older backup cannot re-open a
consent the youth revoked, and while the chain is broken nothing is shared with an agency.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from referral_cli.errors import ReferralError

AUDIT_FILE = "audit.log"
HEAD_FILE = "audit.head"
GENESIS = "genesis"
RESEALED = "ledger-resealed"
EVENTS: dict[str, str] = {
    "init": "encryption set up",
    "passphrase-changed": "passphrase changed",
    "migrated": "plaintext session encrypted",
    "unlock-failed": "wrong passphrase given",
    "session-created": "session created",
    "exported": "summary written to a file",
    "consent-revoked": "consent revoked",
    "purged": "session purged",
    "purged-retention": "session purged by retention",
    RESEALED: "audit log re-anchored after damage was reported",
}


class LedgerDamaged(ReferralError):
    """The audit log was cut short or edited: a revocation may be missing."""


def audit_path() -> Path:
    """home_dir()/audit.log."""
    from referral_cli.casefile.files import home_dir

    return home_dir() / AUDIT_FILE


def _head_path() -> Path:
    return audit_path().with_name(HEAD_FILE)


def _mac(key: bytes, prev: str, entry: dict[str, Any]) -> str:
    chain_key = hmac.new(key, b"audit-chain-v1", hashlib.sha256).digest()
    body = json.dumps({k: v for k, v in entry.items() if k != "mac"}, sort_keys=True)
    return hmac.new(chain_key, f"{prev}\n{body}".encode(), hashlib.sha256).hexdigest()


def _seal(key: bytes, n: int, mac: str) -> str:
    return _mac(key, "head", {"n": n, "mac": mac})


def _read_head(key: bytes) -> tuple[int, str] | None:
    """(entry number, its MAC) from audit.head; None if there is none. A forged or damaged
    head is reported as a head at an impossible entry, so it reads as damage."""
    try:
        raw = json.loads(_head_path().read_text(encoding="utf-8"))
        n, mac = int(raw["n"]), str(raw["mac"])
        if hmac.compare_digest(str(raw["seal"]), _seal(key, n, mac)):
            return n, mac
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return -1, "damaged"


def _entries(text: str) -> list[tuple[int, dict[str, Any]]]:
    """(line number, entry) for every readable line (a damaged line is skipped, not fatal)."""
    events: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if isinstance(entry, dict) and isinstance(entry.get("event"), str):
                events.append((number, entry))
    return events


def _tail(text: str) -> tuple[int, str]:
    """The number and MAC of the last chained entry, or (0, GENESIS) for a new chain."""
    for _, entry in reversed(_entries(text)):
        if isinstance(entry.get("mac"), str) and isinstance(entry.get("n"), int):
            return entry["n"], entry["mac"]
    return 0, GENESIS


def record(
    event: str,
    reference: str | None = None,
    at: dt.datetime | None = None,
    *,
    agency: str | None = None,
    on: dt.date | None = None,
) -> None:
    """Append one event, chained when the key is unlocked. Never raises for a log problem:
    the case work matters more (a revocation is also in the case file)."""
    from referral_cli.casefile.crypto import agency_pseudonym, data_key, pseudonym, unlocked_key
    from referral_cli.clock import real_now

    entry: dict[str, Any] = {"at": (at or real_now()).replace(microsecond=0).isoformat()}
    entry["event"] = event
    key = unlocked_key()
    if reference is not None:
        key = data_key()
        entry["case"] = pseudonym(key, reference)
        if agency is not None:
            entry["agency"] = agency_pseudonym(key, reference, agency)
    if on is not None:
        entry["on"] = on.isoformat()
    with contextlib.suppress(OSError):
        _append(entry, key)


def _append(entry: dict[str, Any], key: bytes | None) -> None:
    """Write one line under an exclusive lock on the log, so two processes chain in turn."""
    import fcntl

    from referral_cli.casefile.files import atomic_write_text, private_home

    private_home()
    path = audit_path()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        head = None
        if key is not None:
            n, prev = _tail(path.read_text(encoding="utf-8", errors="replace"))
            if entry["event"] == RESEALED:
                n, prev = 0, GENESIS
            entry["n"] = n + 1
            entry["mac"] = _mac(key, prev, entry)
            old = _read_head(key)  # a missing or forged head is left for `ledger` to report
            fresh = old is None and n == 0
            if fresh or (old is not None and 0 <= old[0] <= n + 1) or entry["event"] == RESEALED:
                head = {"n": n + 1, "mac": entry["mac"], "seal": _seal(key, n + 1, entry["mac"])}
        os.write(fd, (json.dumps(entry, sort_keys=True) + "\n").encode("utf-8"))
        os.fsync(fd)
        if head is not None:  # never lowered: a cut-off log stays short of its head
            atomic_write_text(_head_path(), json.dumps(head) + "\n")
    finally:
        os.close(fd)


def read() -> list[dict[str, Any]]:
    """Every readable event, oldest first (a damaged line is skipped, not fatal)."""
    try:
        text = audit_path().read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    return [entry for _, entry in _entries(text)]


@dataclass
class Ledger:
    """What the chained log says: revocations by (case, agency) pseudonym, and damage."""

    revocations: dict[tuple[str, str], dt.date] = field(default_factory=dict)
    entries: int = 0
    problem: str | None = None


def ledger(key: bytes) -> Ledger:
    """Check the chain and collect every revocation (even from a damaged part: a line there
    can only withhold more, never share more)."""
    try:
        text = audit_path().read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        text = ""
    found = Ledger()
    n, prev, macs = 0, GENESIS, {0: GENESIS}
    for number, entry in _entries(text):
        _note_revocation(found, entry)
        mac = entry.get("mac")
        if not isinstance(mac, str):
            continue  # unchained: a failed unlock, or a line from before the chain
        if entry.get("event") == RESEALED and mac == _mac(key, GENESIS, entry):
            n, prev, macs, found.problem = 0, GENESIS, {0: GENESIS}, None
        if found.problem is None and (entry.get("n") != n + 1 or mac != _mac(key, prev, entry)):
            found.problem = f"line {number} was edited, or a line before it was deleted"
        n, prev = n + 1, mac
        macs[n] = mac
    found.entries = n
    head = _read_head(key)
    if found.problem is None and head is not None and macs.get(head[0]) != head[1]:
        found.problem = (
            "its end was cut off or rewritten"
            if head[0] >= 0
            else f"{HEAD_FILE} is damaged or was edited"
        )
    if found.problem is None and head is None and n > 0:
        found.problem = f"{HEAD_FILE} is missing"
    return found


def _note_revocation(found: Ledger, entry: dict[str, Any]) -> None:
    case, agency, on = entry.get("case"), entry.get("agency"), entry.get("on")
    if entry.get("event") != "consent-revoked" or not isinstance(case, str):
        return
    if not isinstance(agency, str) or not isinstance(on, str):
        return
    with contextlib.suppress(ValueError):
        day = dt.date.fromisoformat(on)
        slot = (case, agency)
        found.revocations[slot] = min(day, found.revocations.get(slot, day))


def revoked_in_ledger(reference: str, agency: str) -> dt.date | None:
    """The earliest revocation of consent to `agency` the ledger holds for this case; or
    LedgerDamaged (nothing may be shared) while the chain is broken."""
    from referral_cli.casefile.crypto import agency_pseudonym, pseudonym

    key = unlock()
    found = ledger(key)
    if found.problem is not None:
        raise LedgerDamaged(
            f"The audit log {audit_path()} is damaged ({found.problem}), so a revoked "
            "consent may be missing from it: nothing is shared with an agency. Restore it "
            "from a backup; or check every consent with the youth, then run "
            "`referral audit --reseal`."
        )
    slot = (pseudonym(key, reference), agency_pseudonym(key, reference, agency))
    return found.revocations.get(slot)


def unlock() -> bytes:
    """The data key (see `crypto.data_key`); a wrong passphrase is logged before it is refused."""
    from referral_cli.casefile.crypto import WrongPassphrase, data_key

    try:
        return data_key()
    except WrongPassphrase:
        record("unlock-failed")
        raise
