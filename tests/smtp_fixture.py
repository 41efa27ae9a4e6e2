"""A real SMTP server (aiosmtpd) on loopback for the tests, and the app pointed at it."""
import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

# Recipients at this domain are refused with a permanent error (to test failures).
REFUSED_DOMAIN = "refused.example"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CollectingHandler:
    """Keeps every message received, parsed with the email package."""

    def __init__(self):
        self.messages = []
        self.envelopes = []
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(parsed)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, handler: CollectingHandler, port: int):
        self.handler = handler
        self.port = port

    @property
    def messages(self):
        return self.handler.messages

    def to(self, address: str):
        return [message for message in self.messages if message["To"] == address]


@pytest.fixture
def smtp_server(app):
    handler = CollectingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    names = ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_TIMEOUT")
    saved = {name: app.config[name] for name in names}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none", SMTP_USERNAME="",
                      SMTP_PASSWORD="", SMTP_TIMEOUT=5)
    try:
        yield SMTPServer(handler, port)
    finally:
        app.config.update(saved)
        controller.stop()
