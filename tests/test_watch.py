"""With `referral catalog watch` running, a warm `agencies --service` asks it instead of checking
each agency file, and still sees every edit at once; without it (or with a watcher it cannot
trust) the command checks each file as before and answers the same.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from referral_cli.catalog import cachekey, layout, warm, watchclient
from referral_cli.commands import hotpath
from referral_cli.vetting.rules import load_catalog

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify: Linux")

Run = Callable[..., Result]
PANTRY = "agencies/alder-community-pantry.yaml"
SERVICE = "repatriation"  # no agency of the example offers it
LIMIT_S = 30.0  # the watcher starts in about a second; this only bounds a broken run


@contextlib.contextmanager
def cached(root: Path, monkeypatch: pytest.MonkeyPatch, split: bool = True) -> Iterator[Path]:
    """The catalog (in the files layout if `split`), cached, its files old enough to trust by
    stat; the cache in a short folder (a Unix socket path has at most 107 bytes)."""
    short = Path(tempfile.mkdtemp(prefix="rw-"))
    monkeypatch.setenv("REFERRAL_CACHE", str(short))
    monkeypatch.setenv("REFERRAL_TODAY", "2026-11-23")
    if split:
        layout.split(root)
    old = time.time() - 3600
    for path in [root, *root.rglob("*")]:
        os.utime(path, (old, old))
    load_catalog(root)
    try:
        yield root
    finally:
        shutil.rmtree(short, ignore_errors=True)


@pytest.fixture
def files(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The example catalog in the files layout, cached (see `cached`)."""
    with cached(data_copy, monkeypatch) as root:
        yield root


def served(root: Path) -> bool:
    """The watcher vouches for the cache (waiting for it to start)."""
    deadline = time.monotonic() + LIMIT_S
    while time.monotonic() < deadline:
        if watchclient.vouched_token(root) is not None:
            return True
        time.sleep(0.05)
    return False


@contextlib.contextmanager
def watcher(root: Path) -> Iterator[subprocess.Popen[str]]:
    """`referral catalog watch` running on the catalog, as a user starts it."""
    argv = [sys.executable, "-m", "referral_cli", "catalog", "watch", "--data", str(root)]
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as in a terminal, where Ctrl-C reaches it (a shell's background job ignores SIGINT)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert served(root), proc.stderr.read() if proc.poll() is not None else "no answer"
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=LIMIT_S)


@pytest.fixture
def stat_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The per-file checks the warm path makes from here on (their SQL)."""
    seen: list[str] = []
    real = warm.Quick._unchanged

    def counted(self: warm.Quick, sql: str, args: tuple[str, ...]) -> bool:
        seen.append(sql)
        return real(self, sql, args)

    monkeypatch.setattr(warm.Quick, "_unchanged", counted)
    return seen


def offering(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """`agencies --service SERVICE` through the warm path, as `referral` answers it."""
    assert hotpath.answer(["agencies", "--service", SERVICE, "--data", str(root)])
    return capsys.readouterr().out


def referral(*argv: str) -> subprocess.CompletedProcess[str]:
    """The `referral` command in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "referral_cli", *argv],
        capture_output=True,
        text=True,
        timeout=LIMIT_S,
        check=False,
    )


def edit(path: Path, old: str, new: str) -> None:
    """Change a file in place (same inode), as an editor saving over it does."""
    text = path.read_text()
    assert old in text
    with path.open("r+") as handle:
        handle.write(text.replace(old, new, 1))
        handle.truncate()


def test_an_edit_in_place_that_adds_or_removes_the_service_is_seen_at_once(
    files: Path, capsys: pytest.CaptureFixture[str], stat_checks: list[str]
) -> None:
    with watcher(files) as proc:
        assert "alder-community-pantry" not in offering(files, capsys)
        edit(files / PANTRY, "services:\n", f"services:\n  - {SERVICE}\n")
        assert "alder-community-pantry" in offering(files, capsys)
        by_user = referral("agencies", "--service", SERVICE, "--data", str(files))
        assert by_user.returncode == 0 and "alder-community-pantry" in by_user.stdout
        edit(files / PANTRY, f"services:\n  - {SERVICE}\n", "services:\n")
        assert "alder-community-pantry" not in offering(files, capsys)
        assert stat_checks == []  # the watcher vouched each time: no file was checked
    assert proc.returncode == 0
    out, err = proc.communicate()
    assert out.startswith(f"Watching {files.resolve()}: while this runs, show, vet and agencies")
    assert f"Read in {PANTRY}." in out  # so the coordinator sees it working
    assert "Traceback" not in err
    assert not watchclient.socket_path(files).exists()


def test_added_and_deleted_agency_files_are_seen(files: Path) -> None:
    text = (files / PANTRY).read_text().replace("alder-community-pantry", "alder-new-pantry")
    new = files / "agencies/alder-new-pantry.yaml"
    with watcher(files):
        new.write_text(text.replace("services:\n", f"services:\n  - {SERVICE}\n", 1))
        assert watchclient.vouched_token(files) is not None
        assert cached_offers(files) == ["alder-new-pantry"]  # applied by the watcher
        assert "alder-new-pantry" in listed(files)
        new.unlink()
        assert watchclient.vouched_token(files) is not None
        assert cached_offers(files) == []
        assert "alder-new-pantry" not in listed(files)


def listed(root: Path) -> str:
    """What a user sees from `referral agencies --service SERVICE` (by whichever path: a new
    folder's time is too recent to trust, so the warm path steps aside for a moment)."""
    done = referral("agencies", "--service", SERVICE, "--data", str(root))
    assert done.returncode == 0, done.stderr
    return done.stdout


def cached_offers(root: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(cachekey.cache_path(root))) as db:
        rows = db.execute("SELECT agency FROM offer WHERE service = ?", (SERVICE,))
        return [row[0] for row in rows]


def test_with_the_watcher_gone_the_command_checks_each_file(
    files: Path, capsys: pytest.CaptureFixture[str], stat_checks: list[str]
) -> None:
    with watcher(files) as proc:
        proc.kill()  # no chance to remove its socket
        proc.wait(timeout=LIMIT_S)
    assert watchclient.socket_path(files).exists()
    edit(files / PANTRY, "services:\n", f"services:\n  - {SERVICE}\n")
    by_user = referral("agencies", "--service", SERVICE, "--data", str(files))
    assert by_user.returncode == 0 and "alder-community-pantry" in by_user.stdout
    assert "alder-community-pantry" in offering(files, capsys)
    assert stat_checks  # checked file by file


@pytest.mark.parametrize(
    "reply",
    [
        b"current " + b"0" * 32 + b"\n",  # not the token in the cache
        b"current {token}",  # no end of line
        b"current {token}\nand more\n",
        b"current {token}0\n",
        b"CURRENT {token}\n",
        b"unknown\n",
        b"\xff\xfe garbage\n",
        b"",
        None,  # never answers
    ],
)
def test_a_reply_that_is_not_exactly_current_with_the_token_is_not_trusted(
    files: Path,
    capsys: pytest.CaptureFixture[str],
    stat_checks: list[str],
    reply: bytes | None,
) -> None:
    with watcher(files):
        token = watchclient.vouched_token(files)
    assert token is not None
    with fake_watcher(files, reply and reply.replace(b"{token}", token.encode())):
        assert "alder-community-pantry" not in offering(files, capsys)
        assert stat_checks  # not trusted: every file checked
        edit(files / PANTRY, "services:\n", f"services:\n  - {SERVICE}\n")
        assert hotpath.answer(["agencies", "--service", SERVICE, "--data", str(files)]) is False


@contextlib.contextmanager
def fake_watcher(root: Path, reply: bytes | None) -> Iterator[None]:
    """Something else listening at the watcher's socket, giving one reply to every client."""
    path = watchclient.socket_path(root)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(4)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(4096)
                if reply is None:
                    stop.wait(watchclient.TIMEOUT_S * 2)
                else:
                    conn.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        server.shutdown(socket.SHUT_RDWR)
        server.close()
        thread.join(timeout=LIMIT_S)
        path.unlink()


def test_a_second_watcher_is_refused(files: Path) -> None:
    with watcher(files):
        second = referral("catalog", "watch", "--data", str(files))
    assert second.returncode == 1
    assert second.stderr.strip() == "Error: Another watcher is already running for this catalog."


def test_the_socket_is_private_and_sigterm_stops_it_cleanly(files: Path) -> None:
    path = watchclient.socket_path(files)
    with watcher(files) as proc:
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.parent.stat().st_mode & 0o777 == 0o700
        proc.terminate()
        out, err = proc.communicate(timeout=LIMIT_S)
    assert proc.returncode == 0 and out.endswith("Stopped watching.\n") and err == ""
    assert not path.exists()


def test_show_after_an_edit_in_place_is_answered_from_what_the_watcher_reread(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reread_here: list[str] = []
    monkeypatch.setattr(
        "referral_cli.catalog.update.refresh_agency",
        lambda root, ident, names, rules: reread_here.append(ident) or False,
    )
    with watcher(files):
        edit(files / PANTRY, "name: Alder Community Pantry", "name: Alder Pantry Renamed")
        assert hotpath.answer(["show", "alder-community-pantry", "--data", str(files)])
        assert "Alder Pantry Renamed" in capsys.readouterr().out
    assert reread_here == []  # the watcher re-read it, not this command
    edit(files / PANTRY, "name: Alder Pantry Renamed", "name: Alder Pantry Again")
    by_user = referral("show", "alder-community-pantry", "--data", str(files))
    assert by_user.returncode == 0 and "Alder Pantry Again" in by_user.stdout  # no watcher
