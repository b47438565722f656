"""Open-data records kept in the build cache for the next build.

A roadmap's record in the open data (`views/open_data.roadmap_record` written as
indented JSON, which Python's `json` encodes in Python, not in C) took 1.2 ms a roadmap,
most of the open data's time, and after one roadmap's edit every other record is the
same as the build before. `StoredRecords` keeps each roadmap's record text under a key
of what makes it: the builder's digest (its code makes the records) and the roadmap's
digest (`render.memo.roadmap_digests`, a function of its values alone).

One file per roadmap (`<folder>/<digest of the id>.json`) holds its latest record, so
the folder never holds more than the roadmaps ever built. The file's first line is a
digest of the key and of the text: an entry for another key, or edited, cut short or put
there by hand, is a miss, never an error, and the record is made again.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from pathlib import Path

from site_builder.format.model import RoadmapFile
from site_builder.load.stored import read_entry, write_entry

FORMAT = "stored-record-1"
"""Changes when the layout of an entry changes."""


class StoredRecords:
    """The open-data records of roadmaps kept in a folder of the build cache."""

    def __init__(self, folder: Path, builder: str, digest: Callable[[RoadmapFile], str]):
        """`folder`: where entries are kept (created when the first is written);
        `builder`: a digest of the builder (its code and version, its packages');
        `digest`: a roadmap's digest, a function of its values."""
        self.folder = folder
        self._base = hashlib.sha256(f"{FORMAT}\0{builder}\0".encode())
        self._digest = digest
        self.hits = 0
        self.misses = 0

    def text(self, roadmap: RoadmapFile, make: Callable[[RoadmapFile], str]) -> str:
        """The record of `roadmap` as `make` writes it: kept from an earlier build when
        its key is the same, otherwise made and kept (a folder that cannot be written
        only means a miss next time)."""
        key = self._base.copy()
        key.update(self._digest(roadmap).encode())
        path = self.folder / f"{hashlib.sha256(roadmap.id.encode()).hexdigest()[:40]}.json"
        entry = None
        with contextlib.suppress(OSError):
            entry = read_entry(path)
        if entry is not None:
            check, _, payload = entry.partition(b"\n")
            if check == _check(key, payload):
                with contextlib.suppress(UnicodeDecodeError):
                    text = payload.decode("utf-8")
                    self.hits += 1
                    return text
        self.misses += 1
        text = make(roadmap)
        payload = text.encode("utf-8")
        write_entry(self.folder, path, _check(key, payload) + b"\n" + payload)
        return text


def _check(key: hashlib._Hash, payload: bytes) -> bytes:
    digest = key.copy()
    digest.update(b"\0" + payload)
    return digest.hexdigest().encode()
