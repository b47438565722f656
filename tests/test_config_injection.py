"""Never inject via the configuration: every value that reaches the engine's configuration
or a theme template (the site's title and description in every language, navigation
titles, the base configuration's copyright, author and extra values, interface strings)
is shown as text, in text and in attributes, and runs nothing in a browser."""

from __future__ import annotations

import functools
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from markupsafe import escape

from site_builder.app.config import DEFAULTS, Project
from site_builder.engine.project import for_theme, write_project
from site_builder.render.output import LanguageInfo, RenderedLanguage
from tests.browser import ARGS, CHROMIUM, require_chromium, serve
from tests.conftest import CONTRACT, PROJECT_ROOT

# A double quote that leaves an attribute, angle brackets that open elements or close the
# title, a single quote, backticks and an entity: each in every configured value.
PAYLOAD = (
    'Q" autofocus onfocus="document.title=`PWNED`;window.pwned=1" x="'
    " <img src=x onerror=window.pwned=2> </title><script>window.pwned=3</script>"
    " ' onmouseover='window.pwned=4' `${window.pwned=5}` &"
)
LANGUAGES = ("en", "fr", "ar")


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The contract built with PAYLOAD in the site's title and description (every
    language), in every hand-written page's title and in the base configuration."""
    from site_builder import cli

    root = tmp_path_factory.mktemp("config-injection")
    data = root / "roadmaps"
    shutil.copytree(CONTRACT, data)
    site_yml = data / "site.yml"
    text = site_yml.read_text("utf-8")
    start, end = text.index("title:"), text.index("languages:")
    fields = "".join(
        f"{field}:\n" + "".join(f"  {lang}: {quoted(lang + ' ' + PAYLOAD)}\n" for lang in LANGUAGES)
        for field in ("title", "description")
    )
    site_yml.write_text(text[:start] + fields + text[end:], "utf-8")
    docs = root / "docs"
    shutil.copytree(DEFAULTS / "docs", docs)
    for page in docs.glob("*/about.md"):
        # The first heading names the page in the navigation; hidden in a comment here, as
        # the body of a hand-written page is the maintainers' own HTML.
        hidden = f"<!--\n# {page.parent.name} {PAYLOAD}\n-->\n"
        page.write_text(hidden + page.read_text("utf-8"), "utf-8")
    base = yaml.safe_load((DEFAULTS / "mkdocs.yml").read_text("utf-8"))
    base.update(copyright=PAYLOAD, site_author=PAYLOAD, extra={"note": PAYLOAD})
    (root / "mkdocs.yml").write_text(yaml.safe_dump(base, allow_unicode=True), "utf-8")
    project = functools.partial(Project, docs=docs, base_config=root / "mkdocs.yml")
    site = root / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "Project", project)
        patch.chdir(PROJECT_ROOT)
        args = ["build", "--quiet", "--roadmaps", str(data), "--site-dir", str(site)]
        assert cli.main(args) == 0
    return site


class _Page(HTMLParser):
    """Elements, attributes, the title's text and script texts of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.title = ""
        self.title_lang: str | None = None
        self.scripts: list[str] = []
        self.data_blocks: list[str] = []  # JSON-LD: data the browser never runs
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        if tag == "title" and not self.title:  # the document's, not a chart's
            self.title_lang = dict(attrs).get("lang")
        self._in = tag if tag in ("title", "script") else None
        if tag == "script" and ("type", "application/ld+json") in attrs:
            self._in = "data"

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.scripts.append(data)
        elif self._in == "data":
            self.data_blocks.append(data)


def parse(page: Path) -> _Page:
    parsed = _Page()
    parsed.feed(page.read_text("utf-8"))
    return parsed


@pytest.mark.parametrize("lang", LANGUAGES)
def test_configured_values_stay_text_in_every_page(injected: Path, lang: str) -> None:
    pages = sorted((injected / lang).rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        parsed = parse(page)
        names = {name for _, name, _ in parsed.attributes}
        assert not {"autofocus", "onfocus", "onerror", "onmouseover"} & names, page
        assert "img" not in parsed.tags, page
        assert not any("pwned" in script for script in parsed.scripts), page
        for block in parsed.data_blocks:  # the payload stays a JSON string
            assert f"{lang} {PAYLOAD}" in json.loads(block)["name"], page
        # The title is the whole payload, as text; but a page title in another language
        # than the page's stands alone, marked with its language (themes/main.html).
        if parsed.title_lang in (None, lang):
            assert f"{lang} {PAYLOAD}" in parsed.title, (page, parsed.title)
        # And so are the attributes Material fills with the site's name, escaped once.
        logo = [v for tag, name, v in parsed.attributes if tag == "a" and name == "aria-label"]
        assert f"{lang} {PAYLOAD}" in logo, page
        assert "&amp;amp;" not in page.read_text("utf-8"), page  # never escaped twice


@pytest.mark.parametrize("lang", LANGUAGES)
def test_description_nav_titles_and_base_configuration(injected: Path, lang: str) -> None:
    page = injected / lang / "index.html"
    parsed = parse(page)
    described = [v for tag, name, v in parsed.attributes if tag == "meta" and name == "content"]
    assert f"{lang} {PAYLOAD}" in described
    about = parse(injected / lang / "about" / "index.html")
    assert about.title.startswith(f"{lang} {PAYLOAD}")
    text = page.read_text("utf-8")
    assert escape(f"{lang} {PAYLOAD}") in text  # the navigation entry, as text
    assert f'<meta name="author" content="{escape(PAYLOAD)}">' in text
    assert escape(PAYLOAD) in text.split('class="md-copyright__highlight"')[1][:800]


def test_every_string_of_the_engine_configuration_is_escaped(tmp_path: Path) -> None:
    rendered = RenderedLanguage(
        language="ar",
        default_language="en",
        direction="rtl",
        site_name=PAYLOAD,
        site_description=PAYLOAD,
        languages=[LanguageInfo("ar", PAYLOAD, "rtl"), LanguageInfo("en", "English", "ltr")],
        pages={"index.md": "# x\n"},
        nav=[(PAYLOAD, "index.md")],
        strings={"languages": PAYLOAD, "feed": PAYLOAD},
    )
    base = tmp_path / "base.yml"
    base.write_text(
        yaml.safe_dump({"site_name": "x", "copyright": PAYLOAD, "extra": {"a": [PAYLOAD]}}),
        "utf-8",
    )
    settings = yaml.safe_load(base.read_text("utf-8"))
    config_file = write_project(rendered, settings, [DEFAULTS / "themes"], tmp_path / "out")
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    escaped = str(escape(PAYLOAD))
    assert config.site_name == escaped and config.site_description == escaped
    assert config.copyright == escaped
    assert next(iter(config.nav[0])) == escaped
    assert config.extra["strings"] == {"languages": escaped, "feed": escaped}
    assert config.extra["languages"][0]["name"] == escaped
    assert config.extra["a"] == [escaped]
    assert for_theme(for_theme(PAYLOAD)) == escaped  # never escaped twice


def test_no_handler_runs_in_a_browser(injected: Path) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, serve(injected) as url:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        dialogs: list[str] = []
        try:
            context = browser.new_context(java_script_enabled=True)
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(f"{url}/", wait_until="networkidle")  # the language chooser
            assert page.evaluate("window.pwned") is None and dialogs == []
            context.close()
            for lang in LANGUAGES:
                for path in ("", "ml/", "about/", "404.html"):
                    context = browser.new_context()
                    page = context.new_page()
                    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                    page.goto(f"{url}/{lang}/{path}", wait_until="networkidle")
                    page.hover(".md-header__button.md-logo")
                    page.keyboard.press("Tab")
                    page.wait_for_timeout(100)
                    title = page.evaluate("document.title")
                    assert title != "PWNED" and f"{lang} {PAYLOAD}" in title, title
                    assert page.evaluate("window.pwned") is None, (lang, path)
                    assert dialogs == []
                    context.close()
        finally:
            browser.close()


def test_root_page_and_feeds_keep_the_title_as_text(injected: Path) -> None:
    import xml.etree.ElementTree as ET

    root = parse(injected / "index.html")
    assert not {"autofocus", "onfocus", "onerror", "onmouseover"} & {
        name for _, name, _ in root.attributes
    }
    assert "img" not in root.tags and f"en {PAYLOAD}" in root.title
    for lang in LANGUAGES:
        feed = ET.parse(injected / lang / "feed.xml").getroot()  # well-formed XML
        title = feed.find("{http://www.w3.org/2005/Atom}title")
        assert title is not None and f"{lang} {PAYLOAD}" in (title.text or "")
