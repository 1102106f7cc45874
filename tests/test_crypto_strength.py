"""Encryption, pinned where mutation testing showed a change would pass unnoticed (issue
#21): the limits on a key.json's scrypt settings, the exact errors a worker reads, the
passphrase prompt, and the keyed names the audit log uses."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.casefile import audit, crypto
from referral_cli.errors import ReferralError
from tests.conftest import TEST_PASSPHRASE

Run = Callable[..., Result]


def _key_json_with(**kdf: int) -> None:
    raw = json.loads(crypto.key_path().read_text())
    raw["kdf"].update(kdf)
    crypto.key_path().write_text(json.dumps(raw))


@pytest.mark.parametrize(
    ("n", "r", "p"),
    [
        (2**10, 1, 1),  # every lower limit
        (2**10, 32, 16),  # the largest r and p
        (2**22, 2, 1),  # the largest N, at exactly 1 GiB (128 * N * r)
        (2**21, 4, 16),
    ],
)
def test_scrypt_settings_at_the_limits_are_read(n: int, r: int, p: int) -> None:
    """Read only (never derived here: the largest would take a GiB and seconds)."""
    _key_json_with(n=n, r=r, p=p)
    keyfile = crypto.read_key_file()
    assert (keyfile.n, keyfile.r, keyfile.p) == (n, r, p)


@pytest.mark.parametrize(
    ("n", "r", "p"),
    [
        (2**9, 8, 1),  # N too small
        (2**23, 1, 1),  # N too large (yet only 1 GiB)
        (3 * 2**10, 8, 1),  # N not a power of two
        (2**10, 33, 1),
        (2**10, 8, 17),
        (2**22, 4, 1),  # 2 GiB
        (2**22, 8, 1),  # 4 GiB
    ],
)
def test_scrypt_settings_past_a_limit_are_refused(
    _private_home: Path, n: int, r: int, p: int
) -> None:
    """A damaged or hostile key.json must not make the tool hang or eat the memory."""
    _key_json_with(n=n, r=r, p=p)
    with pytest.raises(ReferralError) as caught:
        crypto.read_key_file()
    assert str(caught.value) == (
        f"{crypto.key_path()} has scrypt settings this tool never writes (n={n}, r={r}, "
        f"p={p}); it is damaged or was edited. Restore it from a backup of this folder."
    )


def test_a_salt_with_stray_characters_is_damaged_not_read_around() -> None:
    raw = json.loads(crypto.key_path().read_text())
    raw["salt"] = raw["salt"][:4] + "*" + raw["salt"][4:]
    crypto.key_path().write_text(json.dumps(raw))
    with pytest.raises(ReferralError) as caught:
        crypto.read_key_file()
    assert str(caught.value) == (
        f"{crypto.key_path()} is damaged (Error); without it the case files cannot be read. "
        "Restore it from a backup of this folder."
    )


def test_the_errors_a_worker_reads_in_full(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ReferralError) as caught:
        crypto.check_new_passphrase("short")
    assert str(caught.value) == (
        "Use a passphrase of at least 8 characters (several unrelated words are easy to "
        "remember and hard to guess)."
    )
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "not the passphrase")
    crypto.forget()
    with pytest.raises(crypto.WrongPassphrase) as wrong:
        crypto.data_key()
    assert str(wrong.value) == (
        "Wrong passphrase: the case files stay locked and nothing was changed."
    )
    key = bytes(32)
    with pytest.raises(ReferralError) as junk:
        crypto.decrypt(key, b"plain text, not ours", "AC-1")
    assert str(junk.value) == "not an encrypted referral-cli file"
    with pytest.raises(ReferralError) as other:
        crypto.decrypt(key, crypto.encrypt(key, b"x", "AC-1"), "AC-2")
    assert str(other.value) == "cannot be decrypted with this key (damaged or not this case)"
    crypto.key_path().unlink()
    with pytest.raises(crypto.NotSetUp) as not_set_up:
        crypto.read_key_file()
    assert str(not_set_up.value) == (
        "Case files are encrypted with a passphrase, and none is set up yet. "
        "Run `referral init` first."
    )


def test_init_asks_for_the_passphrase_twice_without_echo(
    run: Run, _private_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crypto.key_path().unlink()
    crypto.forget()
    monkeypatch.delenv(crypto.PASSPHRASE_ENV)
    result = run("init", input=f"{TEST_PASSPHRASE}\n{TEST_PASSPHRASE}\n")
    assert result.exit_code == 0, result.output
    assert "\nPassphrase: \nRepeat for confirmation: \n" in result.output
    assert TEST_PASSPHRASE not in result.output
    crypto.forget()
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, TEST_PASSPHRASE)
    assert crypto.data_key()  # the passphrase typed twice is the one that unlocks


def test_events_without_a_case_are_chained_once_the_key_is_unlocked() -> None:
    """A passphrase change (no case) is chained like the rest, so deleting its line shows;
    a failed unlock cannot be (there is no key), and says so by having no mac."""
    crypto.forget()
    audit.record("unlock-failed")
    crypto.data_key()
    audit.record("passphrase-changed")
    last_two = [json.loads(line) for line in audit.audit_path().read_text().splitlines()[-2:]]
    assert [e["event"] for e in last_two] == ["unlock-failed", "passphrase-changed"]
    assert "mac" not in last_two[0] and isinstance(last_two[1]["mac"], str)
    assert crypto.unlocked_key() == crypto.data_key()


def test_agency_pseudonyms_are_stable_keyed_and_per_case() -> None:
    """The revocation ledger names an agency this way: a change would make every earlier
    revocation name nobody, so the formula itself is pinned."""
    key, other = bytes(32), bytes([1] * 32)
    name = crypto.agency_pseudonym(key, "AC-1", "harbor")
    text = b"audit-agency:AC-1\0harbor"
    assert name == "agency-" + hmac.new(key, text, hashlib.sha256).hexdigest()[:12]
    assert name != crypto.agency_pseudonym(other, "AC-1", "harbor")
    assert name != crypto.agency_pseudonym(key, "AC-2", "harbor")  # never linked across cases
    assert crypto.agency_pseudonym(key, "AC-1", "0harbor") != crypto.agency_pseudonym(
        key, "AC-10", "harbor"
    )
