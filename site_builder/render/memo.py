"""Pages taken from the build cache without rendering them when nothing they read changed.

A verifying trace, as in Shake or Salsa ("Build systems à la carte"): while a page
renders, each read it makes of the build's data goes through a proxy (`Traced`,
`TracedMapping`) that records it, with a digest of the value it gave:

- an attribute of the context, the dataset, the views or the listings (`get`);
- a call of one of their methods, with its arguments (`call`; arguments are plain values,
  roadmaps of the dataset by id, or lists of these; a call with others makes the page one
  that is never stored);
- one entry of one of their mappings, or its absence (`item`: `dataset.roadmaps[id]`,
  `context.changes.get(file)`, `views.twinning_ends.get(id)`), and a whole mapping when it
  is iterated, measured or listed (`all`);
- each variable the page is given by name (`arg`: the roadmap, the page of a listing).

A value a read gives is digested whole (everything reachable from it), so that what the
template then reads of it is covered. Digests are BLAKE2b of the value's pickle, written
without the pickler's memo so that it depends on the values only, not on which of them
are the same object: pickling only writes bytes to digest; nothing is ever unpickled. A
roadmap inside a value is pickled as its own digest (computed once per build, `prime`),
and so is a roadmap's data or one of its frozen parts (`_PARTS`), digested once per
render. A value that cannot be pickled, or that holds the data itself, makes the page one
that is never stored.

The pages' texts and reads are stored as JSON, one file per language under a key of
`base`: what every page depends on without reading it through the proxies (the builder's
digest, which `app/build.py` takes from `engine.cache.render_digest`: every file of the
package, templates and catalogs included, Python's and every installed distribution's
version; the language, the site's URL, its languages and default language, and
SOURCE_DATE_EPOCH). On the next build, each stored read of a page is made again on the
new data; when every digest is the same, the page is the stored text. Reads are made
once per build however many pages made them.

The template reaches the data only through the proxies: `h` (the helpers), `dataset`,
`views`, `listings` and `json_ld` are made from the traced context, and the other
variables are the page's own (`arg`). What else a page depends on is in `base`: code,
the interface catalogs and the language's Localiser (made from the language and the
site's languages). Pages that are not rendered from a template (hand-written pages, the
feed, the map outlines) are made on every build.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from site_builder.files import SCRATCH, folder_of_its_own, read_plain
from site_builder.format.model import (
    AuthorityRoadmap,
    Commitment,
    CountryRoadmap,
    Dataset,
    DialogueModel,
    Institution,
    Organisation,
    RoadmapFile,
    TwinningLink,
)
from site_builder.render.trace import (
    ABSENT,
    MISSING,
    OPEN,
    Read,
    Trace,
    Traced,
    TracedMapping,
    Unsound,
    replay,
)
from site_builder.views.context import SiteContext


class Digests:
    """Digests of values, a roadmap's kept for the whole render (roadmaps do not change
    while pages are rendered), and those of the reads made (`reads`: the data does not
    change while pages are rendered, and reads are functions of the data)."""

    def __init__(self, dataset: Dataset) -> None:
        primed = _PRIMED[0] if _PRIMED and _PRIMED[0][0] is dataset else None
        self._roadmaps: dict[int, tuple[RoadmapFile, str]] = dict(primed[1]) if primed else {}
        # A part's digest is a function of its values: kept for every language's render.
        self._parts: dict[int, tuple[object, str]] = primed[2] if primed else {}
        self._bodies = {id(roadmap.data): roadmap for roadmap in dataset.roadmaps.values()}
        self.reads: dict[Read, str | None] = {}
        self._table: dict[type, Callable[[Any], Any]] = {RoadmapFile: self._reference}
        for body in (CountryRoadmap, AuthorityRoadmap):
            self._table[body] = self._body
        for part in _PARTS:
            self._table[part] = self._part
        for kind in (Traced, TracedMapping, *OPEN):
            self._table[kind] = _refuse

    def roadmap(self, roadmap: RoadmapFile) -> str:
        kept = self._roadmaps.get(id(roadmap))
        if kept is None:
            kept = (roadmap, _blake(_pickled(roadmap)))
            self._roadmaps[id(roadmap)] = kept  # holds it, so that its id stays its own
        return kept[1]

    def _reference(self, roadmap: RoadmapFile) -> tuple[Callable[[str], str], tuple[str]]:
        return _roadmap, (self.roadmap(roadmap),)

    def _body(self, body: CountryRoadmap | AuthorityRoadmap) -> Any:
        """A roadmap's data as a reference to its roadmap (`data` given to a page)."""
        roadmap = self._bodies.get(id(body))
        if roadmap is not None and roadmap.data is body:
            return _roadmap, ("data " + self.roadmap(roadmap),)
        return body.__reduce_ex__(5)

    def _part(self, part: object) -> tuple[Callable[[str], str], tuple[str]]:
        """A part of a roadmap (frozen, made of frozen values), digested once and kept
        (so that its id stays its own) for the whole render."""
        kept = self._parts.get(id(part))
        if kept is None:
            kept = (part, self.of(part.__reduce_ex__(5)))
            self._parts[id(part)] = kept
        return _roadmap, (kept[1],)

    def of(self, value: object) -> str:
        """The digest of `value` and of everything reachable from it; raises Unsound
        when it cannot be pickled or reaches a traced object."""
        try:
            return _blake(_pickled(value, self._table))  # a roadmap is pickled as its digest
        # ValueError: a value that holds itself (see _pickled)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError, ValueError) as e:
            raise Unsound(str(e)) from e


# Parts of roadmaps that listings give many pages, whose digests are kept: every model
# dataclass is frozen and holds only tuples and frozen values.
_PARTS = (Commitment, DialogueModel, TwinningLink, Organisation, Institution)

_PRIMED: list[
    tuple[Dataset, dict[int, tuple[RoadmapFile, str]], dict[int, tuple[object, str]]]
] = []
_READS: list[tuple[SiteContext, dict[Read, str | None]]] = []


def prime(dataset: Dataset) -> None:
    """Digest every roadmap of `dataset` now, for the renders of every language, whose
    digests of roadmaps' parts are then kept for all of them; nothing when done already.
    Only the latest dataset is kept."""
    if _PRIMED and _PRIMED[0][0] is dataset:
        return
    digests = Digests(dataset)
    for roadmap in dataset.roadmaps.values():
        digests.roadmap(roadmap)
    _PRIMED[:] = [(dataset, digests._roadmaps, {})]


def _reads_of(context: SiteContext) -> dict[Read, str | None]:
    """The digests of the reads made of `context`, for the renders of every language: a
    read other than a page's own variables (`arg`) is a function of the context alone
    (`trace.replay`), whatever the language. Only the latest context's are kept."""
    if not (_READS and _READS[0][0] is context):
        _READS[:] = [(context, {})]
    return _READS[0][1]


def roadmap_digests(dataset: Dataset) -> Callable[[RoadmapFile], str]:
    """The digest of a roadmap of `dataset` (hex): a function of its values alone, the
    same whether it was read from its file or from the build cache. Those `prime` made
    are not made again."""
    return Digests(dataset).roadmap


def _pickled(value: object, table: dict[type, Callable[[Any], Any]] | None = None) -> bytes:
    """The pickle of `value` (`table`: the pickler's dispatch table), a function of the
    values alone: written without the pickler's memo, an object reached twice is written
    twice, so that equal data gives the same bytes whether its parts are shared or not
    (roadmaps read from their files or from the build cache's JSON share different
    strings). Raises ValueError for a value that holds itself."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo
    if table is not None:
        pickler.dispatch_table = table
    pickler.dump(value)
    return buffer.getvalue()


def _roadmap(digest: str) -> str:
    """What a roadmap is pickled as, for its digest (never called: nothing is unpickled)."""
    return digest


def _refuse(value: object) -> Any:
    raise Unsound(f"a value holds the data itself ({type(value).__name__})")


def _blake(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


Render = Callable[[Traced], str]
"""Renders a page with the (traced) context it is given."""


class PageMemo:
    """The pages of one language kept with their traces: one JSON file in `folder` per
    builder and site settings (`base`), holding the pages of the last build."""

    def __init__(self, folder: Path, base: list[str | None], context: SiteContext):
        """`base`: what every page depends on without reading it through the proxies
        (the builder's digest, the language, the site's URL...); the site's languages
        and SOURCE_DATE_EPOCH are added here."""
        self.roots: dict[str, object] = {"context": context}
        self.digests = Digests(context.dataset)
        self.digests.reads = _reads_of(context)
        languages = list(context.dataset.languages)
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        base_key = _blake(json.dumps([*base, languages, epoch]).encode())
        self.file = folder / f"{base_key}.json"
        self.stored = _load(self.file)
        self.pages: dict[str, dict[str, Any]] = {}  # this build's, by template and path
        self.reused = 0  # pages taken as stored
        self.rendered: list[str] = []  # the paths of the pages rendered

    @classmethod
    def of(
        cls,
        memo: tuple[Path, str] | None,
        language: str,
        site_url: str | None,
        context: SiteContext,
    ) -> PageMemo | None:
        """The memo of one language's render, from `memo` = (the cache folder of the
        language's pages, the builder's digest); None without it."""
        if memo is None:
            return None
        folder, builder = memo
        base = [builder, language, site_url, context.dataset.default_language]
        return cls(folder, base, context)

    def page(self, template: str, path: str, args: dict[str, object], render: Render) -> str:
        """The page's text: the stored one when every read it made gives the same again,
        else `render(context)`'s, stored with its trace when it can be."""
        key = f"{template}\0{path}"
        stored = self.stored.get(key)
        if stored is not None and self._still(stored["reads"], args):
            self.reused += 1
            self.pages[key] = stored
            return str(stored["text"])
        trace = Trace(self.digests, self.roots["context"].dataset.roadmaps)  # type: ignore[attr-defined]
        for name, value in args.items():
            trace.record(("arg", name), value)
        text = render(Traced(self.roots["context"], ("context",), trace))
        self.rendered.append(path)
        if trace.sound:
            reads = [
                [*read[:1], list(read[1]) if read[0] != "arg" else read[1], *read[2:], d]
                for read, d in trace.reads.items()
            ]
            self.pages[key] = {"reads": reads, "text": text}
        return text

    def _still(self, reads: list[list[Any]], args: dict[str, object]) -> bool:
        """Whether every read gives the digest stored with it (False for a read that is
        not as `page` stores it: a cache file is not trusted to be well formed)."""
        try:
            names = {read[1] for read in reads if read[0] == "arg"}
            if not names.issuperset(args):
                return False
            for entry in reads:
                kind, path = entry[0], entry[1]
                read: Read = (kind, path if kind == "arg" else tuple(path), *entry[2:-1])
                if kind == "arg":
                    now = self._digest(read, args)
                else:
                    if read not in self.digests.reads:
                        self.digests.reads[read] = self._digest(read, args)
                    now = self.digests.reads[read]
                if now != entry[-1]:
                    return False
        except (TypeError, IndexError):  # unhashable, not a sequence, too short
            return False
        return True

    def _digest(self, read: Read, args: dict[str, object]) -> str | None:
        try:
            value = replay(read, self.roots, args)
            return MISSING if value is ABSENT else self.digests.of(value)
        except (LookupError, AttributeError, TypeError, ValueError, Unsound):
            return None

    def save(self) -> None:
        """Keep this build's pages for the next (unless they are all as they were), and
        only them: the files of other builders or settings are removed, so that the cache
        does not grow with every version of the builder."""
        if not self.rendered and self.pages.keys() == self.stored.keys():
            return
        try:
            folder_of_its_own(self.file.parent)
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=self.file.parent, prefix=SCRATCH, delete=False
            ) as handle:
                # One page at a time: the whole file as one string would be held at once.
                handle.write("{")
                for number, (key, entry) in enumerate(self.pages.items()):
                    handle.write(", " if number else "")
                    handle.write(json.dumps(key, ensure_ascii=False) + ": ")
                    handle.write(json.dumps(entry, ensure_ascii=False))
                handle.write("}")
            os.replace(handle.name, self.file)
            for other in self.file.parent.glob("*.json"):  # another builder's, or settings'
                if other != self.file:
                    other.unlink(missing_ok=True)
        except OSError:
            pass  # a cache that cannot be written is only a slower next build


def _load(file: Path) -> dict[str, dict[str, Any]]:
    """The stored pages, or none when the file is missing or not as `save` writes it."""
    data = read_plain(file)  # a link, a folder or a FIFO put there is no file
    if data is None:
        return {}
    try:
        text = data.decode("utf-8")
        # The bytes let go before parsing: held with the text and what is parsed from
        # it, they were one more copy of the file (65 MB a language at 2000 roadmaps).
        del data
        stored = json.loads(text)
        del text
    except ValueError:  # UnicodeDecodeError included
        return {}
    if not isinstance(stored, dict):
        return {}
    return {
        key: entry
        for key, entry in stored.items()
        if isinstance(entry, dict)
        and isinstance(entry.get("text"), str)
        and isinstance(entry.get("reads"), list)
        and all(isinstance(read, list) and len(read) >= 3 for read in entry["reads"])
    }
