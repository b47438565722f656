"""Publishing a build without ever showing a half-built site.

A build writes into a fresh folder beside the target (`.site.build-*`), and only a
complete build is swapped in, with one atomic `renameat2(RENAME_EXCHANGE)` where Linux
offers it. A lock beside the target serialises builds: a second build fails fast. What a
killed build leaves behind is removed by the next one, which holds the lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from site_builder.errors import BuildFailed, SiteBusy

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


class Publisher:
    """`with Publisher(site) as pub:` build into `pub.staging`, then `pub.publish()`."""

    def __init__(self, target: Path):
        self.target = target.absolute()
        self.parent = self.target.parent
        self.prefix = f".{self.target.name}."
        self.staging = self.target  # set on entry
        self._lock_fd: int | None = None
        self._published = False

    def __enter__(self) -> Publisher:
        self.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(self.parent / f"{self.prefix}lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            self._lock_fd = None
            raise SiteBusy(
                f"another build is writing {self.target}; try again when it ends"
            ) from None
        self._remove_leftovers()
        self.staging = Path(tempfile.mkdtemp(prefix=f"{self.prefix}build-", dir=self.parent))
        self.staging.chmod(0o755)
        return self

    def _remove_leftovers(self) -> None:
        for entry in self.parent.iterdir():
            if entry.name.startswith((f"{self.prefix}build-", f"{self.prefix}old-")):
                shutil.rmtree(entry, ignore_errors=True)

    def publish(self) -> None:
        """Put the staging folder in the target's place, in one step where possible."""
        if self.target.exists() and not self.target.is_dir():
            raise BuildFailed(f"{self.target} exists and is not a folder")
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
        if self.staging != self.target:
            shutil.rmtree(self.staging, ignore_errors=True)
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None
