"""What reading a roadmap file gave, kept in the build cache for the next build.

Reading a file (YAML composed into nodes, every value converted to the type of its
field) is most of validation's time, and after one roadmap's edit every other file reads
as it did the build before. `StoredReads` keeps, for each roadmap, the model object and
the position of each field that reading its file gave, in plain data (`plain.py`: JSON,
never pickle, decoded through the model's field descriptions), under a key of everything
the reading depends on: the file's bytes, the roadmap's id (which says what the file
is), the site's languages and default language, and a digest of the builder given by
its caller (its code, version and the packages it uses). Only files read without any
problem are kept (no error, and no warning about the file alone: `quality.check_texts`
runs as a file is read): a file with a problem is read again every time, so its messages
are made as they always are. The checks that look across files (references, twinning,
places) or at the date run on what is read, kept or not.

One file per roadmap (`<folder>/<digest of the id>.json`) holds its latest reading, so
the folder never holds more than the roadmaps ever built. The file's first line is a
digest of the key and of the rest of the file: an entry for other bytes, languages or
builder, an entry edited or cut short, or anything else that does not decode to the
model is a miss, never an error, and the file is read as if there were no cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path

from site_builder.files import SCRATCH, folder_of_its_own, remove_tree
from site_builder.format.model import AuthorityRoadmap, CountryRoadmap, RoadmapFile
from site_builder.load.plain import Unreadable, from_plain, to_plain
from site_builder.load.source import MAX_FILE_BYTES

FORMAT = "stored-read-1"
"""Changes when the layout of an entry changes (the builder's digest changes with it too)."""


class StoredReads:
    """The readings of roadmap files kept in a folder of the build cache."""

    def __init__(self, folder: Path, builder: str):
        """`folder`: where entries are kept (created when the first is written);
        `builder`: a digest of what reading depends on besides the file and the site's
        languages (the builder's code and version, the versions of its packages)."""
        self.folder = folder
        self._base = hashlib.sha256(f"{FORMAT}\0{builder}\0".encode())
        self.hits = 0
        self.misses = 0

    def key(
        self, roadmap_id: str, languages: tuple[str, ...] | None, default: str, data: bytes
    ) -> str:
        """The key of reading `data` as roadmap `roadmap_id` of a site in `languages`
        (None: site.yml could not be read) whose default is `default`."""
        digest = self._base.copy()
        digest.update(json.dumps([roadmap_id, languages, default]).encode() + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _path(self, roadmap_id: str) -> Path:
        return self.folder / f"{hashlib.sha256(roadmap_id.encode()).hexdigest()[:40]}.json"

    def get(self, key: str, roadmap_id: str, display: str) -> RoadmapFile | None:
        """The roadmap kept under `key`, its file shown as `display`; None on a miss."""
        found = None
        with contextlib.suppress(OSError, Unreadable):
            entry = read_entry(self._path(roadmap_id))
            found = _decode(entry, key, roadmap_id, display) if entry is not None else None
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, key: str, roadmap: RoadmapFile) -> None:
        """Keep `roadmap` (read without any problem) under `key`; a folder that cannot
        be written only means a miss next time. Written at once (whatever process
        reads the file: the reading may be spread over several)."""
        payload = json.dumps(
            {
                "data": to_plain(roadmap.data, _model(roadmap.id)),
                "fields": list(roadmap.positions),
                "places": [n for place in roadmap.positions.values() for n in place],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        entry = _check(key, payload) + b"\n" + payload
        write_entry(self.folder, self._path(roadmap.id), entry)


def write_entry(folder: Path, target: Path, entry: bytes) -> None:
    """Write `entry` to `target` atomically (a temporary file renamed), or nothing."""
    with contextlib.suppress(OSError):
        folder_of_its_own(folder)  # a link or a file put there: removed, never followed
        remove_tree(target)
        descriptor, name = tempfile.mkstemp(dir=folder, prefix=SCRATCH)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(entry)
            os.replace(name, target)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(name)


MAX_ENTRY_BYTES = 64 * MAX_FILE_BYTES
"""The largest entry read: far more than any file of at most MAX_FILE_BYTES gives."""


def read_entry(path: Path) -> bytes | None:
    """The bytes of the entry at `path`, or None when it is not a regular file of at most
    MAX_ENTRY_BYTES (a FIFO put there is never waited on). Raises OSError when it cannot
    be opened."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOFOLLOW
    descriptor = os.open(path, flags)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read(MAX_ENTRY_BYTES + 1)
    finally:
        os.close(descriptor)


def _model(roadmap_id: str) -> type[CountryRoadmap | AuthorityRoadmap]:
    return CountryRoadmap if "/" not in roadmap_id else AuthorityRoadmap


def _check(key: str, payload: bytes) -> bytes:
    return hashlib.sha256(key.encode() + b"\n" + payload).hexdigest().encode()


def _decode(entry: bytes, key: str, roadmap_id: str, display: str) -> RoadmapFile | None:
    """The roadmap an entry holds, None when it is not the entry of `key`; raises
    Unreadable when it is, but does not decode (which its check makes unlikely)."""
    check, _, payload = entry.partition(b"\n")
    if check != _check(key, payload):
        return None
    try:
        plain = json.loads(payload)
    except (ValueError, RecursionError) as exc:
        raise Unreadable(str(exc)) from None
    if type(plain) is not dict or plain.keys() != {"data", "fields", "places"}:
        raise Unreadable("not an entry")
    data = from_plain(plain["data"], _model(roadmap_id))
    return RoadmapFile(roadmap_id, display, data, _positions(plain["fields"], plain["places"]))


def _positions(fields: object, places: object) -> dict[str, tuple[int, int]]:
    """Field paths and their (line, column), from the list of paths and the flat list of
    their lines and columns."""
    if type(fields) is not list or type(places) is not list or len(places) != 2 * len(fields):
        raise Unreadable("positions are not lists of fields and places")
    if set(map(type, fields)) - {str} or set(map(type, places)) - {int}:
        raise Unreadable("positions are not field paths and numbers")
    numbers = iter(places)
    return dict(zip(fields, zip(numbers, numbers, strict=True), strict=True))
