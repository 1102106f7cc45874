"""Ask a running `referral catalog watch` whether the cache matches the catalog on disk.

At 50,000 agency files a warm `agencies --service` spent most of its time on one os.stat per
file (any of them could have gained the service). The watcher (`catalog.watch`) sees every
change through inotify, so one question on a Unix socket can replace those stats. This side
is on the warm path: it imports only the socket module, waits at most TIMEOUT_S, and answers
None on anything it does not fully understand, so the caller checks each file as before.

Protocol: the client sends `sync <catalog folder>\\n`; the watcher answers `current TOKEN\\n`
once every change made before the question is in the cache, where TOKEN is the value it
wrote into the cache's meta table (name `watcher`), or `unknown\\n`. The client trusts the
cache only if its own open cache holds that same token (`warm.Quick`), so a cache rebuilt
or replaced meanwhile is never vouched for by mistake.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import TYPE_CHECKING

from referral_cli.catalog import cachekey

if TYPE_CHECKING:
    import socket

TIMEOUT_S = 0.2  # a sync normally takes a millisecond; past this, stat every file instead
TOKEN_META = "watcher"  # the meta row holding the token of the watcher that vouches
TOKEN_CHARS = 32  # hex digits
MAX_SOCKET_PATH = 107  # AF_UNIX: sun_path is 108 bytes with its terminating NUL
_CURRENT = b"current "
_PEERCRED = struct.Struct("3i")  # struct ucred: pid, uid, gid


def socket_path(root: Path) -> Path:
    """The watcher's socket, beside the catalog's cache file (the cache folder is 0700)."""
    return cachekey.cache_path(root).with_suffix(".sock")


def request(root: Path) -> bytes:
    """What a client sends: the folder named, so a watcher of another catalog says unknown."""
    return b"sync " + os.fsencode(cachekey.folder_path(root)) + b"\n"


def same_user(sock: socket.socket) -> bool:
    """The process at the other end of a Unix socket runs as this user (SO_PEERCRED)."""
    import socket

    try:
        raw = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _PEERCRED.size)
    except (OSError, AttributeError):  # AttributeError: no SO_PEERCRED on this system
        return False
    return bool(_PEERCRED.unpack(raw)[1] == os.getuid())


def vouched_token(root: Path) -> str | None:
    """The token of a watcher that has every change to this catalog in the cache, or None."""
    where = socket_path(root)
    path = os.fsencode(where)
    if len(path) > MAX_SOCKET_PATH or not hasattr(os, "getuid") or not where.exists():
        return None  # no watcher: spare the socket module's import (~2 ms) too
    import socket

    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(TIMEOUT_S)
            sock.connect(path)
            if not same_user(sock):
                return None
            sock.sendall(request(root))
            reply = b""
            while not reply.endswith(b"\n") and len(reply) <= len(_CURRENT) + TOKEN_CHARS:
                part = sock.recv(64)
                if not part:
                    break
                reply += part
    except (OSError, ValueError):  # no socket, refused, timed out, not a socket...
        return None
    return parse_reply(reply)


def parse_reply(reply: bytes) -> str | None:
    """The token in a `current TOKEN` line; None for `unknown` or anything malformed."""
    token = reply.removeprefix(_CURRENT).removesuffix(b"\n")
    if (
        len(reply) != len(_CURRENT) + TOKEN_CHARS + 1
        or not reply.startswith(_CURRENT)
        or not reply.endswith(b"\n")
        or any(c not in b"0123456789abcdef" for c in token)
    ):
        return None
    return token.decode("ascii")
