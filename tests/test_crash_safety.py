"""Kill -9 at any moment of a write leaves the old file or the new one, never a torn one."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from referral_cli.casefile.store import list_sessions, load_session, sessions_dir

WRITER = """
import hashlib, sys
from pathlib import Path
from referral_cli.casefile.store import atomic_write
path = Path(sys.argv[1])
i = 0
while True:
    body = (f"version {i}\\n" * 20000).encode()
    atomic_write(path, hashlib.sha256(body).hexdigest().encode() + b"\\n" + body)
    i += 1
"""

# Saves encrypted sessions in a loop, each big enough that a kill often lands mid-write.
SESSION_WRITER = """
import datetime as dt
from referral_cli.casefile.records import Session
from referral_cli.casefile.store import save_session
at = dt.datetime(2026, 11, 1, 9, 0)
def session(i):
    return Session(
        reference=f"AC-{i % 4 + 1}", worker="Sam", program="Outreach", created=at,
        updated=at + dt.timedelta(seconds=i),
        considerations=[f"note {i}.{j} " * 40 for j in range(200)],
    )
save_session(session(0))
print("ready", flush=True)
i = 1
while True:
    save_session(session(i))
    i += 1
"""


def _intact(path: Path) -> bool:
    digest, _, body = path.read_bytes().partition(b"\n")
    return hashlib.sha256(body).hexdigest().encode() == digest


def test_writer_killed_at_random_points_never_leaves_a_torn_file(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    folder.mkdir()
    target = folder / "case.json"
    rng = random.Random(7)
    for _ in range(12):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)])
        time.sleep(rng.uniform(0.15, 0.6))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        if target.exists():
            assert _intact(target)
            assert target.stat().st_mode & 0o777 == 0o600
    assert target.exists(), "the writer never finished a single write"
    leftovers = [p for p in folder.iterdir() if p.name != target.name]
    # A killed writer may leave its temp file behind; it is never mistaken for the real one.
    assert all(p.name.startswith(".case.json.") and p.suffix == ".tmp" for p in leftovers)


def test_killed_session_writer_leaves_every_encrypted_session_loadable() -> None:
    rng = random.Random(11)
    for _ in range(8):
        proc = subprocess.Popen(
            [sys.executable, "-c", SESSION_WRITER],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout is not None
        # Wait until the writer is past its imports and key unlock, then kill it mid-loop.
        # The lock file the last victim left behind must not stop the next writer.
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.3))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        files = sorted(sessions_dir().glob("*.json.enc"))
        assert files
        for path in files:
            session = load_session(path.name.removesuffix(".json.enc"))
            assert len(session.considerations) == 200
            assert path.stat().st_mode & 0o777 == 0o600
        assert len(list_sessions()) == len(files)
    others = {p.suffix for p in sessions_dir().iterdir() if not p.name.endswith(".json.enc")}
    assert others <= {".tmp", ".lock"}
