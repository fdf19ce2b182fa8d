"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives: the calendar's
invitation tests and the mailing tests start one each."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager


class Keep:
    """Keeps every envelope; `delay` seconds per message slows it down (a real server is not
    instant, and a worker can then be killed inside a batch)."""

    def __init__(self, delay: float = 0) -> None:
        self.received: list = []
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.received.append(envelope)
        return "250 OK"


@contextmanager
def smtp_sink(delay: float = 0) -> Iterator[tuple[Keep, int]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Keep(delay)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
