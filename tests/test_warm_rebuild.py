"""What a rebuild after one edit does less of, with the same output: the search index made
from pages linked rather than copied when folding leaves them as they are."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from site_builder.engine import pagefind


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


PAGES = {
    "index.html": "Home of the diaspora roadmaps",
    "fr/index.html": "L’extérieur et les cœurs",  # folded: ’ and œ
    "ml/index.html": "Mali, Kayes and Yélimané",
    "ml/kayes/index.html": "Kayes\r\nforum",  # a carriage return: read as a line break
    "ar/index.html": "خارطة طريق الجالية",
}


def _site(folder: Path) -> Path:
    for page, text in PAGES.items():
        (folder / page).parent.mkdir(parents=True, exist_ok=True)
        html = f"<html lang=en><body><article><p>{text}</p></article></body></html>"
        (folder / page).write_bytes(html.encode("utf-8"))
    return folder


def test_pages_that_folding_leaves_as_they_are_are_linked_and_index_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path / "site")
    (shard,) = pagefind.plan(site)
    before = _tree(site)
    linked: list[str] = []
    link = pagefind._linked

    def counted(source: Path, target: Path) -> bool:
        linked.append(source.relative_to(site).as_posix())
        return link(source, target)

    monkeypatch.setattr(pagefind, "_linked", counted)
    pagefind._make_index(site, shard, tmp_path / "copy", tmp_path / "linked")
    assert sorted(linked) == ["ar/index.html", "index.html", "ml/index.html"]
    monkeypatch.setattr(pagefind, "_linked", lambda source, target: False)
    pagefind._make_index(site, shard, tmp_path / "copy-2", tmp_path / "written")
    assert _tree(tmp_path / "linked") == _tree(tmp_path / "written")
    assert _tree(site) == before  # the pages themselves untouched
    assert any(name.startswith("fragment/") for name in _tree(tmp_path / "linked"))
    copy = tmp_path / "copy" / "fr" / "index.html"
    assert "l'extérieur et les coeurs" in copy.read_text("utf-8").lower()  # written folded
