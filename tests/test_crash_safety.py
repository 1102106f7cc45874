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

WRITER = """
import hashlib, sys
from pathlib import Path
from referral_cli.store import atomic_write
path = Path(sys.argv[1])
i = 0
while True:
    body = (f"version {i}\\n" * 20000).encode()
    atomic_write(path, hashlib.sha256(body).hexdigest().encode() + b"\\n" + body)
    i += 1
"""


def _intact(path: Path) -> bool:
    digest, _, body = path.read_bytes().partition(b"\n")
    return hashlib.sha256(body).hexdigest().encode() == digest


def test_writer_killed_at_random_points_never_leaves_a_torn_file(tmp_path: Path) -> None:
    target = tmp_path / "case.json"
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
    leftovers = [p for p in tmp_path.iterdir() if p.name != target.name]
    # A killed writer may leave its temp file behind; it is never mistaken for the real one.
    assert all(p.name.startswith(".case.json.") and p.suffix == ".tmp" for p in leftovers)
