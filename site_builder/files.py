"""Reading, writing and removing files in folders that anyone may have put links in: the
build's scratch folders, the build cache, the site a build replaces.

Guarantees: nothing is written or removed through a symbolic link, and nothing is read
through one where it says so. A link found where a file or a folder is expected is
removed itself, never what it points to; a file that another name shares (a hard link)
is replaced by a file of its own before it is written. Folders are opened without
following links (`O_NOFOLLOW`), and what is in them is removed relative to the open
folder, so that a folder swapped for a link meanwhile leads nowhere else.

Limits: the folder given to each function is taken as it is named (a cache folder that
is itself a link, as the user may choose, is followed); errors while removing are
ignored, as `shutil.rmtree(ignore_errors=True)` does.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import stat
import time
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REMOVING_THREADS = 4
"""How many folders `remove_tree` removes at once. Removing a site is mostly waiting for
the file system, one entry after another: the previous site of 500 roadmaps (about 4800
files in 2500 folders) took half a second to remove with `shutil.rmtree`, and about half
that with four threads, on the 2 cores of `docs/benchmarks.md`."""

_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def remove_tree(path: Path) -> None:
    """Remove `path`: a folder with everything in it, a file, or a link (the link only).
    The folders two levels down are removed by REMOVING_THREADS threads at once."""
    try:
        status = os.lstat(path)
    except OSError:
        return
    if not stat.S_ISDIR(status.st_mode):
        with contextlib.suppress(OSError):
            os.unlink(path)
        return
    opened: list[int] = []
    parts: list[tuple[int, str]] = []
    try:
        top = _open_folder(path)
        if top is None:
            return
        opened.append(top)
        for name in _names_in(top, folders_only=True):
            inner = _open_folder(name, top)
            if inner is not None:
                opened.append(inner)
                parts += [(inner, entry) for entry in _names_in(inner)]
        if len(parts) > 1:
            with ThreadPoolExecutor(REMOVING_THREADS) as pool:
                list(pool.map(lambda part: _remove_at(*part), parts))
    finally:
        for descriptor in opened:
            os.close(descriptor)
    shutil.rmtree(path, ignore_errors=True)


def _open_folder(path: Path | str, folder: int | None = None) -> int | None:
    try:
        return os.open(path, _FOLDER_FLAGS, dir_fd=folder)
    except OSError:  # gone, not a folder, or a link
        return None


def _names_in(folder: int, folders_only: bool = False) -> list[str]:
    """The names in the open `folder` (only its folders, never a link, with `folders_only`)."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        return [e.name for e in entries if not folders_only or e.is_dir(follow_symlinks=False)]
    return []


def _remove_at(folder: int, name: str) -> None:
    """Remove the entry `name` of the open `folder`: a folder with what it holds (by
    `shutil.rmtree`, which follows no link), or a file or link."""
    try:
        status = os.lstat(name, dir_fd=folder)
    except OSError:
        return
    if stat.S_ISDIR(status.st_mode):
        shutil.rmtree(name, ignore_errors=True, dir_fd=folder)
    else:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=folder)


SCRATCH = ".new-"
"""How the name of every file or folder that a build writes into the build cache begins
until it is renamed into place: what a killed build left is found by it
(`remove_scratch`)."""

SCRATCH_AGE = 3600.0
"""Seconds after its last change from which scratch is taken for left by a killed build:
a write lasts seconds, so scratch this old is no build's, even one sharing the cache."""


def remove_scratch(folder: Path, skip: Collection[str] = (), depth: int = 3) -> int:
    """Remove the scratch (SCRATCH) older than SCRATCH_AGE in `folder` and the folders in
    it down to `depth` levels, but for those named in `skip` at the top; no link is
    followed or removed. Returns how many entries were removed; never raises OSError."""
    top = _open_folder(folder)
    if top is None:
        return 0
    try:
        return _remove_scratch_in(top, set(skip), depth, time.time() - SCRATCH_AGE)
    finally:
        os.close(top)


def _remove_scratch_in(folder: int, skip: set[str], depth: int, before: float) -> int:
    removed = 0
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(SCRATCH):
                if entry.stat(follow_symlinks=False).st_mtime < before:
                    _remove_at(folder, entry.name)
                    removed += 1
            elif depth > 0 and entry.name not in skip and entry.is_dir(follow_symlinks=False):
                inner = _open_folder(entry.name, folder)
                if inner is not None:
                    try:
                        removed += _remove_scratch_in(inner, set(), depth - 1, before)
                    finally:
                        os.close(inner)
    return removed


def folder_of_its_own(path: Path) -> None:
    """Make `path` a folder (with its parents): whatever else is there, a file or a link
    (to a folder too), is removed first."""
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            remove_tree(path)
    path.mkdir(parents=True, exist_ok=True)


def write_text(target: Path, text: str, only_changed: bool = False) -> bool:
    """Write `text` (UTF-8) to `target` as a file of its own: whatever was there (a file,
    a link, a file with another name, a folder) is removed first. With `only_changed`, a
    plain file that holds these bytes already is left as it is. Returns whether it
    wrote."""
    data = text.encode("utf-8")
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        status = None
    if status is not None:
        plain = stat.S_ISREG(status.st_mode) and status.st_nlink == 1
        if only_changed and plain and status.st_size == len(data) and _holds(target, data):
            return False
        remove_tree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    with os.fdopen(os.open(target, flags, 0o666), "wb") as handle:
        handle.write(data)
    return True


def _holds(target: Path, data: bytes) -> bool:
    try:
        with os.fdopen(os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC), "rb") as f:
            return f.read(len(data) + 1) == data
    except OSError:
        return False


def keep_only(folder: Path, kept: Collection[str]) -> None:
    """Remove from `folder` every entry that is not a plain file named in `kept` (paths
    relative to `folder`, with `/`): files not kept, links of every kind, files that
    another name shares, and whatever is neither a file nor a folder. Folders left
    empty stay."""
    for root, folders, names in os.walk(folder):  # never into a linked folder
        for name in [*folders, *names]:
            path = Path(root, name)
            try:
                status = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISDIR(status.st_mode):
                continue
            relative = path.relative_to(folder).as_posix()
            plain = stat.S_ISREG(status.st_mode) and status.st_nlink == 1
            if not plain or relative not in kept:
                with contextlib.suppress(OSError):
                    os.unlink(path)


def link_tree(folder: Path, target: Path | None, leave: str = "") -> str | None:
    """Put every file under `folder` (but `leave`, at its top) at the same place under
    `target`, as a hard link (a copy where the file system has none), and return a
    SHA-256 of them all (relative path and bytes, in order) as read meanwhile; None,
    `target` then half made, when `folder` holds anything but plain folders and files or
    cannot be read. With `target` None, only the digest."""
    digest = hashlib.sha256()
    try:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            status = os.lstat(path)
            if stat.S_ISDIR(status.st_mode) or relative.as_posix() == leave:
                continue
            if not stat.S_ISREG(status.st_mode):
                return None
            digest.update(relative.as_posix().encode() + b"\0")
            with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC), "rb") as f:
                data = f.read()
            digest.update(f"{len(data)}\0".encode() + data)
            if target is not None:
                (target / relative).parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(path, target / relative, follow_symlinks=False)
                except OSError:  # another file system, or no hard links there
                    (target / relative).write_bytes(data)
    except OSError:
        return None
    return digest.hexdigest()


def entry_kind(path: Path, root: Path, folder: str) -> tuple[str, str | None]:
    """What an entry of the input folder `root` (the roadmaps, the hand-written pages,
    the theme's overrides) is, without opening it: `file`, `folder` or `other`, and why
    it must not be read, if so: a symbolic link out of `root`, dangling or looping, or
    neither a regular file nor a folder (a FIFO, a socket, a device). `folder` names
    `root` in that reason ("the roadmaps folder"). Raises nothing."""
    name = path.name
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
                return "other", f"'{name}' is a loop of symbolic links"
            return "other", f"'{name}' is a symbolic link to nothing (dangling)"
        if not target.is_relative_to(root.resolve()):
            return "other", f"'{name}' is a symbolic link out of {folder}: not read"
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return "other", f"cannot read '{name}': {exc.strerror}"
    if stat.S_ISDIR(mode):
        return "folder", None
    if stat.S_ISREG(mode):
        return "file", None
    return "other", f"'{name}' is not a regular file (a FIFO, socket or device): not read"


def refused_entries(root: Path, folder: str) -> list[tuple[Path, str]]:
    """Every entry under `root` that must not be read (see `entry_kind`), with why, in
    the order of its path; links are not followed into, so what lies past one is not
    listed. `root` need not exist."""
    refused = []
    for where, folders, files in os.walk(root):
        for name in sorted(folders + files):
            path = Path(where) / name
            kind, why = entry_kind(path, root, folder)
            if why is not None:
                refused.append((path, why))
        folders.sort()
    return sorted(refused)


def readable_file(path: Path, root: Path) -> bool:
    """Whether `path`, under the input folder `root`, is a file that may be read: a
    regular file, or a link to one inside `root` (see `entry_kind`)."""
    return entry_kind(path, root, "") == ("file", None)


def read_plain(path: Path) -> bytes | None:
    """The bytes of `path` when it is a plain file (not a link, not a folder nor a
    device); None otherwise, or when it cannot be read."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read()
    except OSError:
        return None
    finally:
        os.close(descriptor)
