"""The live preview's server: MkDocs' live-reload server over a built folder."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path


def serve_folder(
    root: Path,
    rebuild: Callable[[], None],
    watched: list[Path],
    host: str,
    port: int,
    banner: Callable[[], str] | None = None,
    ready: Callable[[], None] | None = None,
) -> None:
    """Serve `root` with live reload; `rebuild` runs when a watched path changes.

    `banner` gives HTML put at the top of every page served (the preview's problems), or
    "" for none; pages reload after every rebuild, so it appears and goes with them.
    `ready` is called once the server listens (its socket is bound in the constructor)."""
    from mkdocs.livereload import LiveReloadServer

    class _Server(LiveReloadServer):
        def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
            content = super()._inject_js_into_html(content, epoch)
            shown = banner() if banner else ""
            if not shown:
                return content
            body = re.search(rb"<body[^>]*>", content)
            at = body.end() if body else 0
            return content[:at] + shown.encode("utf-8") + content[at:]

    server = _Server(builder=rebuild, host=host, port=port, root=str(root))
    for path in watched:
        if path.exists():
            server.watch(str(path))
    if ready is not None:
        ready()
    try:
        server.serve()  # blocks, rebuilding on changes, until interrupted
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
