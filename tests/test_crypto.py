"""The encryption layer: the passphrase unlocks the key, the key opens only its own files."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import shutil
from pathlib import Path

import pytest

from referral_cli.casefile import crypto
from referral_cli.casefile.records import Session
from referral_cli.casefile.store import load_session, save_session, session_path
from referral_cli.errors import ReferralError

AT = dt.datetime(2026, 11, 1, 9, 0)


def session(ref: str) -> Session:
    return Session(
        reference=ref,
        worker="Sam Rivera",
        program="Outreach",
        created=AT,
        updated=AT,
        considerations=["Prefers a female staff member"],
    )


def test_round_trip_and_tamper_detection() -> None:
    key = bytes(range(32))
    blob = crypto.encrypt(key, b"secret text", "AC-1")
    assert blob.startswith(crypto.MAGIC) and b"secret" not in blob
    assert crypto.decrypt(key, blob, "AC-1") == b"secret text"
    assert crypto.encrypt(key, b"secret text", "AC-1") != blob  # a fresh nonce every time
    damaged = blob[:-1] + bytes([blob[-1] ^ 1])
    for bad, label in ((damaged, "AC-1"), (blob, "AC-2"), (b"{plain json}", "AC-1")):
        with pytest.raises(ReferralError):
            crypto.decrypt(key, bad, label)
    with pytest.raises(ReferralError):
        crypto.decrypt(bytes(32), blob, "AC-1")


def test_session_file_holds_no_readable_content(_private_home: Path) -> None:
    saved = session("AC-1")
    path = save_session(saved)
    raw = path.read_bytes()
    assert path.name == "AC-1.json.enc"
    for text in (b"Sam Rivera", b"Outreach", b"female", b"reference", b"AC-1"):
        assert text not in raw
    assert load_session("AC-1") == saved


def test_key_file_is_private_and_holds_no_secret(_private_home: Path, _case_key: str) -> None:
    path = _private_home / "key.json"
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text()
    assert _case_key not in text
    data = json.loads(text)
    assert data["kdf"] == {"name": "scrypt", "n": 2**10, "r": 8, "p": 1}
    assert data["cipher"] == "AES-256-GCM"


def test_default_kdf_cost_is_strong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REFERRAL_KDF_COST")
    assert crypto.kdf_cost() == 17
    monkeypatch.setenv("REFERRAL_KDF_COST", "3")
    with pytest.raises(ReferralError, match="10 to 22"):
        crypto.kdf_cost()


def test_wrong_passphrase_opens_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    save_session(session("AC-1"))
    monkeypatch.setenv("REFERRAL_PASSPHRASE", "not the passphrase")
    with pytest.raises(crypto.WrongPassphrase, match="nothing was changed"):
        load_session("AC-1")


def test_a_file_renamed_to_another_case_does_not_open() -> None:
    save_session(session("AC-1"))
    shutil.copy(session_path("AC-1"), session_path("AC-2"))
    with pytest.raises(ReferralError, match="cannot be decrypted"):
        load_session("AC-2")


def test_files_from_another_key_do_not_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_session(session("AC-1"))
    stolen = session_path("AC-1").read_bytes()
    other = tmp_path / "other-home"
    monkeypatch.setenv("REFERRAL_HOME", str(other))
    crypto.create_key("correct horse battery staple")  # same passphrase, new key
    session_path("AC-1").write_bytes(stolen)
    with pytest.raises(ReferralError, match="cannot be decrypted"):
        load_session("AC-1")


def test_create_key_never_replaces_an_existing_key() -> None:
    with pytest.raises(ReferralError, match="would lose every case file"):
        crypto.create_key("another long passphrase")


# --- the key file and the cipher, at their limits ------------------------------------------


def test_key_file_layout_and_what_describe_says(_private_home: Path, _case_key: str) -> None:
    text = crypto.key_path().read_text()
    raw = json.loads(text)
    assert text.startswith('{\n  "format": 1,\n  "kdf": {')  # indented, readable by a person
    assert raw["kdf"] == {"name": "scrypt", "n": 2**10, "r": 8, "p": 1}
    assert raw["cipher"] == "AES-256-GCM"
    assert len(crypto.read_key_file().salt) == 16
    created = raw["created"]
    assert "." not in created and dt.datetime.fromisoformat(created)  # to the second
    assert crypto.describe() == {"created": created, "scrypt_log2_n": 10}
    crypto.rewrap(_case_key, "another long passphrase")
    assert crypto.describe()["created"] == created  # a new passphrase, the same key's birthday
    del raw["created"]
    crypto.key_path().write_text(json.dumps(raw))
    assert crypto.read_key_file().created == ""


@pytest.mark.parametrize(
    "change",
    [
        {"kdf": {"name": "argon2", "n": 1024, "r": 8, "p": 1}},
        {"format": 2},
        {"salt": "not base64!"},
        {"wrapped_key": "%%%%"},
    ],
)
def test_a_key_file_of_another_kind_is_damaged(
    _private_home: Path, change: dict[str, object]
) -> None:
    raw = json.loads(crypto.key_path().read_text()) | change
    crypto.key_path().write_text(json.dumps(raw))
    with pytest.raises(ReferralError, match="is damaged") as caught:
        crypto.read_key_file()
    assert "Restore it from a backup of this folder" in str(caught.value)


def test_no_key_file_says_run_init(_private_home: Path) -> None:
    crypto.key_path().unlink()
    with pytest.raises(crypto.NotSetUp, match="Run `referral init` first"):
        crypto.read_key_file()


def test_kdf_cost_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for good in ("10", "22"):
        monkeypatch.setenv(crypto.COST_ENV, good)
        assert crypto.kdf_cost() == int(good)
    for bad in ("9", "23", "x", "-12"):
        monkeypatch.setenv(crypto.COST_ENV, bad)
        with pytest.raises(ReferralError, match="whole number from 10 to 22"):
            crypto.kdf_cost()


def test_passphrase_length_limit() -> None:
    assert crypto.check_new_passphrase("8 chars!") == "8 chars!"
    with pytest.raises(ReferralError, match="at least 8 characters"):
        crypto.check_new_passphrase("7 chars")


def test_cipher_limits() -> None:
    key = bytes(range(32))
    empty = crypto.encrypt(key, b"", "AC-1")
    assert len(empty) == len(crypto.MAGIC) + crypto.NONCE + 16  # the shortest valid file
    assert crypto.decrypt(key, empty, "AC-1") == b""
    for junk in (empty[:-1], b"XXXX" + empty[4:], b""):
        with pytest.raises(ReferralError, match="not an encrypted referral-cli file"):
            crypto.decrypt(key, junk, "AC-1")
    blob = crypto.encrypt(key, "é".encode(), "AC-é")
    assert crypto.decrypt(key, blob, "AC-é") == "é".encode()
    assert crypto.encrypt(key, b"same", "AC-1") != crypto.encrypt(key, b"same", "AC-1")


def test_pseudonyms_name_a_case_only_with_the_key() -> None:
    key, other = bytes(32), bytes([1] * 32)
    name = crypto.pseudonym(key, "AC-1")
    assert name.startswith("case-") and len(name) == len("case-") + 12
    assert int(name[5:], 16) >= 0
    assert name == crypto.pseudonym(key, "AC-1")
    assert name != crypto.pseudonym(key, "AC-2") and name != crypto.pseudonym(other, "AC-1")
    expected = hmac.new(key, b"audit-case:AC-1", hashlib.sha256).hexdigest()[:12]
    assert name == f"case-{expected}"  # so `audit --case` finds events from older versions


def test_unlocked_key_is_kept_per_passphrase(
    _private_home: Path, monkeypatch: pytest.MonkeyPatch, _case_key: str
) -> None:
    first = crypto.data_key()
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "guessing wrong")
    with pytest.raises(crypto.WrongPassphrase, match="nothing was changed"):
        crypto.data_key()  # a cached key never answers for another passphrase
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, _case_key)
    assert crypto.data_key() == first
