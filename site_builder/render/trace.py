"""The reads of one page recorded as it renders (render/memo.py says what for): proxies of
the build's data that record each read with a digest of the value it gave, and the same
reads made again on new data (`replay`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

from site_builder.format.model import Dataset, RoadmapFile
from site_builder.views.across import Views
from site_builder.views.context import SiteContext
from site_builder.views.listings import Listings

OPEN = (SiteContext, Dataset, Views, Listings)  # traced further, never digested whole
_PLAIN = (str, int, float, bool, type(None))
Read = tuple[Any, ...]
MISSING = "-"  # the digest of an absent mapping entry (never a hexadecimal digest)


class Digests(Protocol):
    """What a Trace digests values with (`memo.Digests`)."""

    reads: dict[Read, str | None]

    def of(self, value: object) -> str: ...


class Unsound(Exception):
    """A read that cannot be recorded so that it can be made again."""


class Trace:
    """The reads of one page, as they are made: JSON-encoded read → digest."""

    def __init__(self, digests: Digests, roadmaps: dict[str, RoadmapFile]):
        self.digests, self.roadmaps = digests, roadmaps
        self.reads: dict[Read, str] = {}
        self.sound = True

    def record(self, read: Read, value: object) -> None:
        """`read`: (kind, path) or (kind, path, argument: a mapping's key, or a call's
        arguments as JSON); see `_replay`."""
        if read in self.reads or not self.sound:
            return
        digest = self.digests.reads.get(read) if read[0] != "arg" else None
        if digest is None:
            try:
                digest = MISSING if value is ABSENT else self.digests.of(value)
            except Unsound:
                self.sound = False
                return
            if read[0] != "arg":
                self.digests.reads[read] = digest
        self.reads[read] = digest


ABSENT = object()


class Traced:
    """An object of the build's data (context, dataset, views, listings) whose every read
    is recorded in a Trace; reads through it give what the object gives."""

    __slots__ = ("_obj", "_path", "_trace")

    def __init__(self, obj: object, path: tuple[str, ...], trace: Trace):
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_trace", trace)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._obj, name)
        return _traced(value, (*self._path, name), self._trace, self._obj)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"the build's data is read only ({name})")


def _traced(value: Any, path: tuple[str, ...], trace: Trace, owner: object) -> Any:
    if isinstance(value, OPEN):
        return Traced(value, path, trace)
    if isinstance(value, dict):
        return TracedMapping(value, path, trace)
    if getattr(value, "__self__", None) is owner and callable(value):
        return _Call(value, path, trace)
    trace.record(("get", path), value)
    return value


class _Call:
    """A method of a traced object: each call is recorded with its arguments."""

    __slots__ = ("method", "path", "trace")

    def __init__(self, method: Callable[..., Any], path: tuple[str, ...], trace: Trace):
        self.method, self.path, self.trace = method, path, trace

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = self.method(*args, **kwargs)
        try:
            encoded = [_encode(a, self.trace.roadmaps) for a in args]
            named = {k: _encode(v, self.trace.roadmaps) for k, v in kwargs.items()}
        except Unsound:
            self.trace.sound = False
        else:
            arguments = json.dumps([encoded, named], ensure_ascii=False, sort_keys=True)
            self.trace.record(("call", self.path, arguments), result)
        return result


def _encode(value: object, roadmaps: dict[str, RoadmapFile]) -> object:
    """An argument as JSON that `_decode` turns back into it: a plain value, a roadmap of
    the dataset (by its id), or a list or tuple of these; raises Unsound otherwise."""
    if isinstance(value, _PLAIN):
        return value
    if type(value) is RoadmapFile and roadmaps.get(value.id) is value:
        return {"roadmap": value.id}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__: [_encode(v, roadmaps) for v in value]}
    raise Unsound(f"an argument of type {type(value).__name__}")


def _decode(value: Any, roadmaps: dict[str, RoadmapFile]) -> Any:
    if not isinstance(value, dict):
        return value
    if "roadmap" in value:
        return roadmaps[value["roadmap"]]
    items = [_decode(v, roadmaps) for v in value.get("list", value.get("tuple", []))]
    return items if "list" in value else tuple(items)


class TracedMapping(Mapping[Any, Any]):
    """A mapping of the build's data whose entries are recorded one by one as they are
    looked up, and whole when it is iterated or measured."""

    def __init__(self, mapping: dict[Any, Any], path: tuple[str, ...], trace: Trace):
        self._mapping, self._path, self._trace = mapping, path, trace

    def _item(self, key: object) -> object:
        value = self._mapping.get(key, ABSENT)  # type: ignore[arg-type]
        if isinstance(key, _PLAIN):
            self._trace.record(("item", self._path, key), value)
        else:
            self._trace.sound = False
        return value

    def __getitem__(self, key: object) -> Any:
        value = self._item(key)
        if value is ABSENT:
            raise KeyError(key)
        return value

    def get(self, key: object, default: Any = None) -> Any:
        value = self._item(key)
        return default if value is ABSENT else value

    def __contains__(self, key: object) -> bool:
        return self._item(key) is not ABSENT

    def _whole(self) -> dict[Any, Any]:
        self._trace.record(("all", self._path), self._mapping)
        return self._mapping

    def __iter__(self) -> Iterator[Any]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def keys(self) -> Any:
        return self._whole().keys()

    def values(self) -> Any:
        return self._whole().values()

    def items(self) -> Any:
        return self._whole().items()

    def __eq__(self, other: object) -> bool:
        return self._whole() == other

    __hash__ = None  # type: ignore[assignment]


def replay(read: Read, roots: dict[str, object], args: dict[str, object]) -> object:
    """The value a recorded read gives now (`ABSENT` for an absent entry); raises
    LookupError, AttributeError or TypeError when it cannot be made."""
    kind, path = read[0], read[1]
    if kind == "arg":
        return args[path]
    value = roots[path[0]]
    for name in path[1:]:
        value = getattr(value, name)
    if kind == "call":
        roadmaps = roots["context"].dataset.roadmaps  # type: ignore[attr-defined]
        encoded, named = json.loads(read[2])
        named = {k: _decode(v, roadmaps) for k, v in named.items()}
        return value(*[_decode(a, roadmaps) for a in encoded], **named)  # type: ignore[operator]
    if kind == "item":
        return value.get(read[2], ABSENT)  # type: ignore[attr-defined]
    return value
