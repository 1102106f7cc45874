"""Case files encrypted at rest with a key only the worker's passphrase unlocks.

A random 256-bit data key encrypts every case file with AES-256-GCM. The data key itself is
stored in `key.json`, wrapped (AES-GCM) under a key derived from the passphrase with scrypt.
So a wrong passphrase is detected before anything is read or written (the wrap's tag fails),
changing the passphrase rewraps one key instead of rewriting every file, and a lost passphrase
means the data is gone: there is no back door and no recovery.

`cryptography` is imported inside the functions that need it, so `referral --help` and the
catalog commands never pay for it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from referral_cli.errors import ReferralError

KEY_FILE = "key.json"
PASSPHRASE_ENV = "REFERRAL_PASSPHRASE"
# log2 of scrypt's N; only the test suite lowers it (a cheap key is a weak key).
COST_ENV = "REFERRAL_KDF_COST"
DEFAULT_COST = 17  # N = 2**17, r = 8, p = 1: OWASP's scrypt setting, ~128 MiB, well under 1 s
MIN_PASSPHRASE = 8
MAGIC = b"RCE1"  # referral-cli encrypted, format 1: MAGIC + 12-byte nonce + ciphertext+tag
NONCE = 12

_UNLOCKED: dict[tuple[str, str, str], bytes] = {}


class NotSetUp(ReferralError):
    """No key.json yet: case commands cannot run until `referral init`."""


class WrongPassphrase(ReferralError):
    """The passphrase does not unlock key.json; nothing was read or changed."""


@dataclass(frozen=True)
class KeyFile:
    """What key.json holds: scrypt parameters and salt, and the wrapped data key."""

    n: int
    r: int
    p: int
    salt: bytes
    wrapped: bytes
    created: str

    def as_json(self) -> str:
        """The file's text (base64 for bytes)."""
        return (
            json.dumps(
                {
                    "format": 1,
                    "kdf": {"name": "scrypt", "n": self.n, "r": self.r, "p": self.p},
                    "salt": _b64(self.salt),
                    "wrapped_key": _b64(self.wrapped),
                    "cipher": "AES-256-GCM",
                    "created": self.created,
                },
                indent=2,
            )
            + "\n"
        )


def key_path() -> Path:
    """home_dir()/key.json."""
    from referral_cli.casefile.files import home_dir

    return home_dir() / KEY_FILE


def is_set_up() -> bool:
    """Whether `referral init` has been run for this home folder."""
    return key_path().is_file()


def read_key_file() -> KeyFile:
    """key.json, or NotSetUp telling the worker to run `referral init`."""
    path = key_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        kdf = raw["kdf"]
        if kdf["name"] != "scrypt" or raw.get("format") != 1:
            raise ValueError("unknown format")
        keyfile = KeyFile(
            n=int(kdf["n"]),
            r=int(kdf["r"]),
            p=int(kdf["p"]),
            salt=base64.b64decode(raw["salt"], validate=True),
            wrapped=base64.b64decode(raw["wrapped_key"], validate=True),
            created=str(raw.get("created", "")),
        )
    except FileNotFoundError:
        raise NotSetUp(
            "Case files are encrypted with a passphrase, and none is set up yet. "
            "Run `referral init` first."
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReferralError(
            f"{path} is damaged ({exc.__class__.__name__}); without it the case files "
            "cannot be read. Restore it from a backup of this folder."
        ) from None
    _check_kdf(keyfile, path)
    return keyfile


def _check_kdf(keyfile: KeyFile, path: Path) -> None:
    """Refuse scrypt settings this tool never writes (N a power of two from 2^10 to 2^22,
    r 1-32, p 1-16): a damaged or hostile key.json must not hang, crash or eat memory."""
    n, r, p = keyfile.n, keyfile.r, keyfile.p
    good_n = 2**10 <= n <= 2**22 and n & (n - 1) == 0
    if not (good_n and 1 <= r <= 32 and 1 <= p <= 16 and 128 * n * r <= 2**30):
        raise ReferralError(
            f"{path} has scrypt settings this tool never writes (n={n}, r={r}, p={p}); it is "
            "damaged or was edited. Restore it from a backup of this folder."
        )


def kdf_cost() -> int:
    """log2 of scrypt's N for a new key: DEFAULT_COST unless the test suite lowers it."""
    raw = os.environ.get(COST_ENV)
    if not raw:
        return DEFAULT_COST
    if not raw.isdigit() or not 10 <= int(raw) <= 22:
        raise ReferralError(f"{COST_ENV} must be a whole number from 10 to 22, not '{raw}'.")
    return int(raw)


def check_new_passphrase(passphrase: str) -> str:
    """A passphrase long enough to resist guessing; returned unchanged."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ReferralError(
            f"Use a passphrase of at least {MIN_PASSPHRASE} characters "
            "(several unrelated words are easy to remember and hard to guess)."
        )
    return passphrase


def _derive(passphrase: str, n: int, r: int, p: int, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _wrap(passphrase: str, data_key: bytes, cost: int, created: str) -> KeyFile:
    salt = os.urandom(16)
    kek = _derive(passphrase, 2**cost, 8, 1, salt)
    return KeyFile(
        n=2**cost,
        r=8,
        p=1,
        salt=salt,
        wrapped=encrypt(kek, data_key, "key"),
        created=created,
    )


def create_key(passphrase: str) -> bytes:
    """Write a new key.json (owner-only) for `passphrase`; the new data key.

    Refuses to replace an existing key.json: that would make every case file unreadable.
    """
    from referral_cli.casefile.files import atomic_write_text, folder_lock, private_home

    check_new_passphrase(passphrase)
    path = key_path()
    with folder_lock(private_home()):  # a second `init` at the same moment sees this one's key
        if path.exists():
            raise ReferralError(f"{path} already exists; replacing it would lose every case file.")
        data_key = os.urandom(32)
        created = dt.datetime.now().replace(microsecond=0).isoformat()
        keyfile = _wrap(passphrase, data_key, kdf_cost(), created)
        atomic_write_text(path, keyfile.as_json())
    _UNLOCKED[_slot(keyfile)] = data_key  # init goes on to encrypt earlier sessions
    return data_key


def rewrap(old: str, new: str) -> None:
    """Change the passphrase: the same data key, wrapped under the new one."""
    from referral_cli.casefile.files import atomic_write_text, folder_lock, private_home

    check_new_passphrase(new)
    with folder_lock(private_home()):  # a change at the same moment must unwrap this one's
        current = read_key_file()
        data_key = _unwrap(current, old)
        new_file = _wrap(new, data_key, kdf_cost(), current.created)
        atomic_write_text(key_path(), new_file.as_json())
    _UNLOCKED.clear()


def _unwrap(keyfile: KeyFile, passphrase: str) -> bytes:
    kek = _derive(passphrase, keyfile.n, keyfile.r, keyfile.p, keyfile.salt)
    try:
        return decrypt(kek, keyfile.wrapped, "key")
    except ReferralError:
        raise WrongPassphrase(
            "Wrong passphrase: the case files stay locked and nothing was changed."
        ) from None


def passphrase(confirm: bool = False, prompt: str = "Passphrase") -> str:
    """$REFERRAL_PASSPHRASE (scripts, tests), else asked for once without echo."""
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env
    import typer

    try:
        answer: str = typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
    except (EOFError, typer.Abort):
        raise ReferralError(
            f"A passphrase is needed: type it at the prompt, or set {PASSPHRASE_ENV} in scripts."
        ) from None
    return answer


def data_key() -> bytes:
    """The data key, unlocked once per process (the passphrase is asked for at most once).

    Commands unlock through `audit.unlock`, which also logs a wrong passphrase.
    """
    keyfile = read_key_file()
    slot = _slot(keyfile)
    if slot not in _UNLOCKED:
        _UNLOCKED[slot] = _unwrap(keyfile, passphrase())
    return _UNLOCKED[slot]


def unlocked_key() -> bytes | None:
    """The data key if this process has already unlocked it, else None (never asks)."""
    try:
        keyfile = read_key_file()
    except ReferralError:
        return None
    return _UNLOCKED.get(_slot(keyfile))


def _slot(keyfile: KeyFile) -> tuple[str, str, str]:
    """Where an unlocked key is cached: per key file, and per $REFERRAL_PASSPHRASE value."""
    env = os.environ.get(PASSPHRASE_ENV)
    tag = hashlib.sha256(env.encode("utf-8")).hexdigest() if env else "prompt"
    return (str(key_path()), _b64(keyfile.wrapped), tag)


def forget() -> None:
    """Drop unlocked keys from this process (tests, and after a passphrase change)."""
    _UNLOCKED.clear()


def encrypt(key: bytes, plaintext: bytes, label: str) -> bytes:
    """AES-256-GCM with a fresh nonce; `label` (e.g. the case reference) is authenticated,
    so a file renamed to another case's name fails to open instead of showing the wrong case."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE)
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, plaintext, label.encode("utf-8"))


def decrypt(key: bytes, blob: bytes, label: str) -> bytes:
    """The plaintext, or ReferralError if the data is damaged, renamed or from another key."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + NONCE + 16:
        raise ReferralError("not an encrypted referral-cli file")
    nonce = blob[len(MAGIC) : len(MAGIC) + NONCE]
    try:
        return AESGCM(key).decrypt(nonce, blob[len(MAGIC) + NONCE :], label.encode("utf-8"))
    except InvalidTag:
        raise ReferralError(
            "cannot be decrypted with this key (damaged or not this case)"
        ) from None


def pseudonym(key: bytes, reference: str) -> str:
    """A keyed stand-in for a case reference, for the audit log: without the key it names
    nothing; with it, `referral audit --case REF` can still find a purged case's events."""
    digest = hmac.new(key, b"audit-case:" + reference.encode("utf-8"), hashlib.sha256)
    return "case-" + digest.hexdigest()[:12]


def agency_pseudonym(key: bytes, reference: str, agency: str) -> str:
    """A keyed stand-in for one agency within one case (so the log never links agencies
    across cases): how the revocation ledger names whom a consent was revoked for."""
    text = b"audit-agency:" + reference.encode("utf-8") + b"\0" + agency.encode("utf-8")
    return "agency-" + hmac.new(key, text, hashlib.sha256).hexdigest()[:12]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def describe() -> dict[str, Any]:
    """What key.json says, without secrets: for `referral init` on an existing setup."""
    keyfile = read_key_file()
    return {"created": keyfile.created, "scrypt_log2_n": keyfile.n.bit_length() - 1}
