"""Publishing a build without ever showing a half-built site, or losing anything else.

A build writes into a fresh folder beside the target (`.site.build-*`), and only a
complete build is swapped in, with one atomic `renameat2(RENAME_EXCHANGE)` where Linux
offers it. A lock beside the target serialises builds: a second build fails fast. What a
killed build leaves behind (`.site.build-*`, `.site.old-*`, the work folder
`.site.work-*`) is removed by the next one, which holds the lock.

Every published site holds a marker file (`MARKER`); `check_site_dir` refuses to replace
a folder that a build did not make, or one that holds the inputs, the project, a home.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from filelock import FileLock, Timeout

from site_builder.errors import EnvironmentFault, SiteBusy, UnsafeSiteDir
from site_builder.files import remove_tree

MARKER = ".site-builder"
"""The file that marks a folder as a site made by a build, and so replaceable by the next."""

_MARKER_TEXT = (
    "This folder was made by `python -m site_builder build`; each build replaces it whole.\n"
)

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def _homes() -> set[Path]:
    homes = {Path.home()}
    try:
        import pwd
    except ImportError:  # not on Unix
        return homes
    homes |= {Path(entry.pw_dir) for entry in pwd.getpwall() if entry.pw_dir not in ("", "/")}
    return homes


def _same_or_inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


class _Place(NamedTuple):
    """A folder the build writes, as its messages name it."""

    what: str
    why: str
    """Why a wrong choice matters."""
    example: str
    instead: str
    """How to choose another: the option that names it."""


_SITE = _Place(
    "the site folder", "each build replaces it whole", "site/", "choose another with --site-dir"
)
_PROJECTS = _Place(
    "the engine projects folder",
    "each render writes over the projects in it",
    "projects/",
    "choose another with --out",
)
PROJECTS_MARKER = ".site-builder-projects"
"""The file that a folder `render` wrote its engine projects into holds."""
_CACHE = _Place(
    "the build cache",
    "the build writes and removes files in it",
    ".site-cache/",
    "choose another with --cache-dir, or --no-cache",
)


def check_site_dir(target: Path, keep: Iterable[Path] = (), inputs: Iterable[Path] = ()) -> None:
    """Raise UnsafeSiteDir unless replacing `target` whole can lose nothing but a site that
    an earlier build made.

    Refused: `/`, a home folder, the current folder, a folder holding `.git`, any folder
    that is or holds one of `keep` (the roadmaps, the project root) or one of `inputs`; a
    folder inside one of `inputs` (`--site-dir roadmaps/fr`); a parent that is not a
    folder; a target that is not a folder, or a non-empty folder without the marker file.
    Paths are compared with symbolic links resolved. Touches nothing."""
    _check_made_by_us(target, _SITE, MARKER, f"replace {target}", keep, inputs)


def check_projects_dir(
    target: Path, keep: Iterable[Path] = (), inputs: Iterable[Path] = ()
) -> None:
    """Raise UnsafeSiteDir unless `render` may write its engine projects into `target`,
    where it replaces their files and removes what they no longer hold: refused as
    `check_site_dir` refuses a site folder, a folder without PROJECTS_MARKER taking the
    place of one without the site's marker. Touches nothing."""
    _check_made_by_us(target, _PROJECTS, PROJECTS_MARKER, f"write into {target}", keep, inputs)


def mark_projects(target: Path) -> None:
    """Make `target` a folder of engine projects (see `check_projects_dir`), with its
    marker. Raises EnvironmentFault when it cannot be written."""
    _mark(target, _PROJECTS, PROJECTS_MARKER, "Engine projects written by diaspora-roadmaps.")


def _mark(folder: Path, place: _Place, marker: str, text: str) -> None:
    """Make `folder`, with its `marker` file (a link there is replaced, never followed)."""
    with _writing(folder, place):
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / marker).is_file() or (folder / marker).is_symlink():
            remove_tree(folder / marker)
            (folder / marker).write_text(f"{text}\n")


def _check_made_by_us(
    target: Path,
    place: _Place,
    marker: str,
    action: str,
    keep: Iterable[Path],
    inputs: Iterable[Path],
) -> None:
    """What `check_site_dir` checks, for any `place` a command empties or writes over,
    `marker` being the file its command leaves there; `action` says what is refused."""
    site = _check_place(target, place, keep, inputs)
    if not (site.exists() or site.is_symlink()):
        return
    if not site.is_dir():
        what = "a symbolic link to nothing" if not site.exists() else "not a folder"
        raise UnsafeSiteDir(f"refusing to {action}: it is {what}; {place.instead}")
    if (site / ".git").exists():
        raise UnsafeSiteDir(
            f"refusing to {action}: it holds a git repository (.git); {place.instead}"
        )
    if any(site.iterdir()) and not (site / marker).is_file():
        raise UnsafeSiteDir(
            f"refusing to {action}: it is not empty and no build made it "
            f"(it has no {marker} file); remove it yourself, or {place.instead}"
        )


def _check_place(target: Path, place: _Place, keep: Iterable[Path], inputs: Iterable[Path]) -> Path:
    """Raise UnsafeSiteDir when `target` is a place no build may write as `place`: `/`, a
    home folder, the current folder, one that is or holds one of `keep` or `inputs`, or
    inside one of `inputs`; or when a parent is not a folder, or it or a parent is a loop
    of symbolic links. Returns `target` made absolute."""
    what, why, example, instead = place
    site = target.absolute()
    try:
        real = site.resolve()
    except (RuntimeError, OSError):  # a loop of links (RuntimeError before Python 3.13)
        raise UnsafeSiteDir(
            f"refusing to use {target} as {what}: it or a folder above it is a loop of "
            f"symbolic links; {instead}"
        ) from None
    inputs = [p.absolute() for p in inputs]
    guarded = [(home, "a home folder") for home in _homes()]
    guarded.append((Path.cwd(), "the current folder"))
    guarded += [(p.absolute(), f"the project folder {p.absolute()}") for p in keep]
    guarded += [(p, f"{p}, which the build reads") for p in inputs]
    if site.parent == site or real.parent == real:
        raise UnsafeSiteDir(
            f"refusing to use {target} as {what}: it is the root folder; "
            f"{instead}, such as {example}"
        )
    for folder, name in guarded:
        for candidate in {folder, folder.resolve()}:
            if _same_or_inside(candidate, site) or _same_or_inside(candidate, real):
                how = "is" if candidate in (site, real) else "holds"
                raise UnsafeSiteDir(
                    f"refusing to use {target} as {what}: {why}, and it {how} {name}; "
                    f"{instead}, a folder of its own such as {example}"
                )
    for folder in inputs:
        if _same_or_inside(site, folder) or _same_or_inside(real, folder.resolve()):
            raise UnsafeSiteDir(
                f"refusing to use {target} as {what}: it is inside {folder}, "
                f"which the build reads; {instead}, outside it, such as {example}"
            )
    for parent in site.parents:
        if parent.is_symlink() and not parent.exists():  # it would be made where it points
            raise UnsafeSiteDir(
                f"cannot make {what} {target}: {parent} is a symbolic link to nothing; {instead}"
            )
        if parent.exists() and not parent.is_dir():
            raise UnsafeSiteDir(f"cannot make {what} {target}: {parent} is not a folder; {instead}")
    return site


CACHE_MARKER = ".site-builder-cache"
"""The file that every build cache holds (`mark_cache`), as every site holds MARKER."""

CACHE_ENTRIES = re.compile(r"read|data|projects|[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")
"""The names at the top of a build cache: folders, one per language and three more."""


def mark_cache(cache: Path) -> None:
    """Make `cache` a build cache (see `check_cache_dir`): the folder, with its marker.
    Raises EnvironmentFault when it cannot be written."""
    _mark(
        cache,
        _CACHE,
        CACHE_MARKER,
        "A build cache of diaspora-roadmaps: a build may remove any of it.",
    )


@contextlib.contextmanager
def _writing(folder: Path, place: _Place) -> Iterator[None]:
    """An OSError raised by the block, writing `folder` (or beside it), made an
    EnvironmentFault that names the folder as `place`, what failed, and what to do."""
    try:
        yield
    except OSError as exc:
        failed = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(folder) else ""
        raise EnvironmentFault(
            f"cannot write {place.what} {folder}: {exc.strerror or exc}{failed}; {place.instead}"
        ) from None


def check_cache_dir(
    cache: Path, site: Path, keep: Iterable[Path] = (), inputs: Iterable[Path] = ()
) -> None:
    """Raise UnsafeSiteDir unless `cache` can be the build cache, in which a build writes
    and removes files: not a place `check_site_dir` refuses for the same reasons, neither
    the site folder nor inside or around it, and, when it exists, a folder that holds
    its marker (CACHE_MARKER), or else nothing but what a build cache holds (folders
    named by CACHE_ENTRIES: a cache made before the marker). Touches nothing."""
    folder = _check_place(cache, _CACHE, keep, inputs)
    site = site.absolute()
    for a, b in ((folder, site), (folder.resolve(), site.resolve())):
        if _same_or_inside(a, b) or _same_or_inside(b, a):
            raise UnsafeSiteDir(
                f"refusing to use {cache} as the build cache: it is, holds or is inside "
                f"the site folder {site}; {_CACHE.instead}, a folder of its own such as "
                f"{_CACHE.example}"
            )
    if not (folder.exists() or folder.is_symlink()):
        return
    if not folder.is_dir():
        raise UnsafeSiteDir(
            f"refusing to use {cache} as the build cache: it is not a folder; {_CACHE.instead}"
        )
    marker = folder / CACHE_MARKER
    if marker.is_file() and not marker.is_symlink():
        return  # a build made it: what was put in it is removed, never followed
    for entry in folder.iterdir():
        if not (CACHE_ENTRIES.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink()):
            raise UnsafeSiteDir(
                f"refusing to use {cache} as the build cache: it holds {entry.name}, which "
                f"no build made; remove it yourself, or {_CACHE.instead}"
            )


# Where the system has it: a lock's file that is a link is refused, never followed.
_NO_LINK = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class Publisher:
    """`with Publisher(site) as pub:` build into `pub.staging` (using `pub.work` for
    scratch files), then `pub.publish()`.

    `keep` and `inputs` are checked by `check_site_dir` on entry and again just before the
    swap; UnsafeSiteDir is raised before anything is written."""

    def __init__(self, target: Path, keep: Iterable[Path] = (), inputs: Iterable[Path] = ()):
        # A symbolic link given as the site folder is followed: the site it points to is
        # replaced, and the link, which no build made, is kept.
        self.target = target.resolve()
        self.parent = self.target.parent
        self.prefix = f".{self.target.name}."
        self.staging = self.target  # set on entry
        self.work = self.target  # set on entry
        self.keep, self.inputs = tuple(keep), tuple(inputs)
        self._lock: FileLock | None = None
        self._published = False

    def __enter__(self) -> Publisher:
        check_site_dir(self.target, self.keep, self.inputs)
        lock_file = self.parent / f"{self.prefix}lock"
        with _writing(self.target, _SITE):
            self.parent.mkdir(parents=True, exist_ok=True)
            # The lock's file opened here first: filelock takes a file it cannot open
            # (a folder that cannot be written) for one another process has locked.
            os.close(os.open(lock_file, os.O_RDWR | os.O_CREAT | _NO_LINK, 0o644))
        # filelock: flock on POSIX, msvcrt on Windows; importing needs neither.
        lock = FileLock(lock_file, mode=0o644)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise SiteBusy(
                f"another build is writing {self.target}; try again when it ends"
            ) from None
        self._lock = lock
        try:
            with _writing(self.target, _SITE):
                self._remove_leftovers()
                self.staging = Path(
                    tempfile.mkdtemp(prefix=f"{self.prefix}build-", dir=self.parent)
                )
                self.staging.chmod(0o755)
                (self.staging / MARKER).write_text(_MARKER_TEXT, "utf-8")
                self.work = Path(tempfile.mkdtemp(prefix=f"{self.prefix}work-", dir=self.parent))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _remove_leftovers(self) -> None:
        kinds = tuple(f"{self.prefix}{kind}-" for kind in ("build", "old", "work"))
        for entry in self.parent.iterdir():
            if entry.name.startswith(kinds):
                remove_tree(entry)

    def publish(self) -> None:
        """Put the staging folder in the target's place, in one step where possible."""
        check_site_dir(self.target, self.keep, self.inputs)
        if self.target.exists():
            if not _exchange(self.staging, self.target):
                old = Path(tempfile.mkdtemp(prefix=f"{self.prefix}old-", dir=self.parent))
                os.rename(self.target, old / "site")
                os.rename(self.staging, self.target)
                self.staging = old
        else:
            os.rename(self.staging, self.target)
        self._published = True

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # After an exchange, staging holds the previous site; either way it goes.
        for scratch in (self.staging, self.work):
            if scratch != self.target:
                remove_tree(scratch)
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._lock.release()
            self._lock = None
