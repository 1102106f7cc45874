"""The encryption layer: the passphrase unlocks the key, the key opens only its own files."""

from __future__ import annotations

import datetime as dt
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
