"""Which file systems the watcher can vouch for: inotify sees only changes made through this
machine's kernel, so on a network or FUSE file system an edit made elsewhere (another
coordinator's laptop, the file server itself) raises no event at all."""

from __future__ import annotations

import re
from pathlib import Path

# Shared or user-space file systems whose changes can come from outside this kernel.
REMOTE = re.compile(
    r"(nfs\d*|cifs|smb\d*|smbfs|9p|ceph|glusterfs|afs|lustre|gpfs|virtiofs|davfs|fuse(\..*)?|"
    r"fuseblk|sshfs|ncpfs|coda|orangefs|beegfs)"
)
MOUNTINFO = Path("/proc/self/mountinfo")


def remote_type(folder: Path, mountinfo: str | None = None) -> str | None:
    """The file system type of `folder` when edits could bypass inotify there, else None.

    Unknown counts as remote: without /proc/self/mountinfo nothing can be vouched for.
    """
    try:
        text = MOUNTINFO.read_text() if mountinfo is None else mountinfo
    except OSError:
        return "unknown"
    path = str(folder.resolve())
    best, kind = "", "unknown"
    for line in text.splitlines():
        fields, _, tail = line.partition(" - ")
        parts = fields.split()
        if len(parts) < 5 or not tail:
            continue
        point = _unescape(parts[4])
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, tail.split()[0]
    return kind if kind == "unknown" or REMOTE.fullmatch(kind) else None


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash as octal escapes (\\040...)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)
