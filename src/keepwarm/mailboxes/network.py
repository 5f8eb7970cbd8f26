"""Connecting to a mail host safely: refuse private addresses unless allowed, pin the address.

The host name is resolved once; the connection goes to that address while TLS still checks
the certificate against the host name, so a DNS answer that changes between the check and
the connection (DNS rebinding) cannot point Keepwarm at another machine.
"""

from __future__ import annotations

import contextlib
import imaplib
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from imapclient import IMAPClient
from imapclient.tls import create_default_context

from keepwarm.mailboxes.models import Security


class HostRefused(Exception):
    """The host is unknown or on an address the workspace does not allow."""


@dataclass(frozen=True)
class Target:
    """Where to connect: the name (for TLS) and the one address it resolved to."""

    host: str
    address: str
    port: int


def is_private(address: str) -> bool:
    """Return whether an address is private, loopback, link-local or otherwise not public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(host: str, port: int) -> list[str]:
    """Return the addresses `host` resolves to, in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def pin(host: str, port: int, *, allow_private: bool) -> Target:
    """Resolve `host` once and return the address to connect to, refusing private ones."""
    try:
        addresses = resolve(host, port)
    except (socket.gaierror, UnicodeError) as exc:
        raise HostRefused(f"The mail host {host} could not be found ({exc}).") from None
    if not addresses:
        raise HostRefused(f"The mail host {host} could not be found.")
    if not allow_private:
        private = [a for a in addresses if is_private(a)]
        if private:
            raise HostRefused(
                f"The mail host {host} is on a private or local address ({private[0]}). "
                "A workspace owner can allow private mail hosts under Settings → Mailboxes."
            )
    return Target(host=host, address=addresses[0], port=port)


def tls_context() -> ssl.SSLContext:
    """Return the context that checks mail servers' certificates (and KEEPWARM_MAIL_CA_FILE)."""
    context = create_default_context()
    if settings.MAIL_CA_FILE:
        context.load_verify_locations(cafile=settings.MAIL_CA_FILE)
    return context


class PinnedIMAP4(imaplib.IMAP4):
    """imaplib's IMAP4 that connects to a given address but keeps the host name for TLS."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        address: str,
        timeout: float | None,
        ssl_context: ssl.SSLContext | None,
    ) -> None:
        self._address = address
        self._connect_timeout = timeout
        self._ssl_context = ssl_context
        super().__init__(host, port, timeout=timeout)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        sock = socket.create_connection(
            (self._address, self.port),
            timeout if timeout is not None else self._connect_timeout,
        )
        if self._ssl_context is None:
            return sock
        # server_hostname: SNI and the certificate check use the name, not the address.
        return self._ssl_context.wrap_socket(sock, server_hostname=self.host)


class PinnedIMAPClient(IMAPClient):
    """IMAPClient over a PinnedIMAP4 (STARTTLS then also checks the certificate by name)."""

    def __init__(self, target: Target, *, use_ssl: bool, timeout: float) -> None:
        self._target = target
        super().__init__(
            target.host,
            port=target.port,
            ssl=use_ssl,
            ssl_context=tls_context() if use_ssl else None,
            timeout=timeout,
        )

    def _create_IMAP4(self) -> Any:
        return PinnedIMAP4(
            self.host,
            self.port,
            address=self._target.address,
            timeout=getattr(self._timeout, "connect", None),
            ssl_context=self.ssl_context if self.ssl else None,
        )

    @property
    def peer_address(self) -> str:
        """Return the address the connection really goes to."""
        return str(self.socket().getpeername()[0])


def connect(target: Target, *, security: str, username: str, password: str) -> PinnedIMAPClient:
    """Open a logged-in IMAP connection to the pinned target."""
    timeout = float(settings.MAIL_IMAP_TIMEOUT)
    client = PinnedIMAPClient(target, use_ssl=security == Security.TLS, timeout=timeout)
    try:
        if security == Security.STARTTLS:
            client.starttls(tls_context())
        client.login(username, password)
    except BaseException:
        # The first error is the one to report.
        with contextlib.suppress(Exception):
            client.shutdown()
        raise
    return client
