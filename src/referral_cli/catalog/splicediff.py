"""Where agencies.yaml differs from the baseline it was cached from, read 4 MB at a time.

At 58 MB, reading the whole file into one bytes object and comparing it cost 35 ms CPU (and
58 MB of memory); reading it into one reused 4 MB buffer and comparing each piece with the
mapped baseline copy costs 15 ms. Only the bytes in between the common prefix and suffix
(and the entries around them) are kept (`splice`).
"""

from __future__ import annotations

import os
from bisect import bisect_right

STEP = 1 << 22  # bytes read and compared at a time


class Text:
    """The baseline's text without joining it: pieces (of the mapped copy, or patches) in a row.

    `view(lo, hi)` is bytes lo to hi of the whole, a slice of one piece where it can be.
    """

    def __init__(self, pieces: list[memoryview]) -> None:
        self.pieces = [p for p in pieces if len(p)]
        self.offsets: list[int] = []
        at = 0
        for piece in self.pieces:
            self.offsets.append(at)
            at += len(piece)
        self.size = at

    def view(self, lo: int, hi: int) -> memoryview | bytes:
        """Bytes lo to hi (0 <= lo <= hi <= size)."""
        if lo == hi:
            return b""
        i = bisect_right(self.offsets, lo) - 1
        start = self.offsets[i]
        if hi <= start + len(self.pieces[i]):
            return self.pieces[i][lo - start : hi - start]
        parts = []
        while lo < hi:  # across pieces: only at a patched entry's ends
            start, piece = self.offsets[i], self.pieces[i]
            parts.append(piece[lo - start : min(hi, start + len(piece)) - start])
            lo = start + len(piece)
            i += 1
        return b"".join(parts)

    def pieces_to(self, hi: int) -> list[memoryview]:
        """The pieces of bytes 0 to hi, without copying them."""
        found = []
        for start, piece in zip(self.offsets, self.pieces, strict=True):
            if start >= hi:
                break
            found.append(piece[: hi - start])
        return found


def common_ends(fd: int, size: int, text: Text) -> tuple[int, int] | None:
    """(common prefix, common suffix) of the open file (`size` bytes) and the text; they do
    not overlap. None if the file holds a NUL byte (libyaml refuses it; a baseline copy cut
    short by a crash would hold zeros) or reads short (it changed meanwhile)."""
    buffer = bytearray(min(STEP, max(size, 1)))
    prefix = _prefix(fd, min(size, text.size), text, buffer)
    if prefix is None:
        return None
    suffix = _suffix(fd, size, text, buffer, min(size, text.size) - prefix)
    return None if suffix is None else (prefix, suffix)


def _prefix(fd: int, limit: int, text: Text, buffer: bytearray) -> int | None:
    pos = 0
    while pos < limit:
        n = min(os.preadv(fd, [buffer], pos), limit - pos)
        if n <= 0 or buffer.find(b"\0", 0, n) >= 0:
            return None
        if buffer.startswith(text.view(pos, pos + n)):
            pos += n
            continue
        lo, hi = 0, n  # the first lo bytes of the buffer agree, the first hi do not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if buffer.startswith(text.view(pos + lo, pos + mid), lo):
                lo = mid
            else:
                hi = mid
        return pos + lo
    return limit


def _suffix(fd: int, size: int, text: Text, buffer: bytearray, limit: int) -> int | None:
    got = 0
    while got < limit:
        n = min(len(buffer), limit - got)
        end, text_end = size - got, text.size - got
        if os.preadv(fd, [memoryview(buffer)[:n]], end - n) != n or buffer.find(b"\0", 0, n) >= 0:
            return None
        if buffer.startswith(text.view(text_end - n, text_end)):
            got += n
            continue
        lo, hi = 0, n  # the last lo bytes of the n read agree, the last hi do not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if buffer.startswith(text.view(text_end - mid, text_end - lo), n - mid):
                lo = mid
            else:
                hi = mid
        return got + lo
    return limit
