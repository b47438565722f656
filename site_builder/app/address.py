"""The preview's address: `--dev-addr HOST:PORT` read and checked before anything is built."""

from __future__ import annotations

import socket

from site_builder.errors import BadArgument, EnvironmentFault


def dev_address(value: str) -> tuple[str, int]:
    """`HOST:PORT` as (host, port); raises BadArgument without a port from 1 to 65535."""
    host, _, port = value.rpartition(":")
    if not host or not (port.isascii() and port.isdigit()) or not 0 < int(port) < 65536:
        raise BadArgument(
            "--dev-addr",
            f"must be HOST:PORT with a port number from 1 to 65535, "
            f"such as 127.0.0.1:8000: {value!r}",
        )
    return host, int(port)


def check_free(host: str, port: int) -> None:
    """Fail before building the preview when the address cannot be served on."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host.strip("[]"), port))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise EnvironmentFault(f"cannot serve on {host}:{port}: {reason}") from None
