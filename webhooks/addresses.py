"""Which receiver addresses a webhook may reach (against server-side request forgery).

A receiver's address is checked when a subscription is saved and again at every delivery, after
the name is resolved; the delivery then connects to the very address that was checked, so a name
that resolves differently a moment later (DNS rebinding) cannot swap it for an inside one.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The receiver's address may not be reached; `reason` says why in plain words."""

    def __init__(self, reason: str | Promise, *, not_found: bool = False) -> None:
        super().__init__(str(reason))
        self.reason = reason
        self.not_found = not_found


@dataclass(frozen=True)
class Receiver:
    scheme: str
    host: str  # as written (brackets stripped from an IPv6 literal)
    port: int
    path: str  # path and query, as sent in the request line
    addresses: tuple[IPAddress, ...]


def resolve(host: str, port: int) -> list[str]:
    """The addresses a name resolves to now (tests replace this to answer without DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped ::ffff:a.b.c.d, 6to4, Teredo), if any."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip.teredo is not None:
            return ip.teredo[1]
    return None


def never_allowed(ip: IPAddress) -> bool:
    """Addresses no receiver has: link-local (where cloud metadata services answer), multicast,
    reserved and unspecified ones, whatever the organization allows."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return never_allowed(ip.ipv4_mapped)  # judged as the IPv4 address it is
    inner = _embedded_ipv4(ip)
    if inner is not None and never_allowed(inner):
        return True
    if ip.is_loopback:
        return False  # ::1 sits in IPv6's reserved ::/8, but it is loopback
    return ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified


def is_public(ip: IPAddress) -> bool:
    """Reachable on the public internet: not loopback, private, shared or any of the above."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return is_public(ip.ipv4_mapped)
    inner = _embedded_ipv4(ip)
    if inner is not None and not is_public(inner):
        return False
    return not never_allowed(ip) and not ip.is_loopback and not ip.is_private and ip.is_global


def allowed(ip: IPAddress, *, allow_private: bool) -> bool:
    return is_public(ip) or (allow_private and not never_allowed(ip))


def _addresses_of(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolve(host, port)]
    except (OSError, UnicodeError, ValueError):
        found = []
    if not found:
        raise AddressRefused(
            _("The server name %(host)s could not be found.") % {"host": host}, not_found=True
        )
    return found


def _port_of(scheme: str, port: int | None) -> int:
    return port or (443 if scheme == "https" else 80)


def check_receiver(url: str, *, allow_private: bool) -> Receiver:
    """Parse, resolve and check a receiver URL; raises AddressRefused with the reason."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and allow_private):
        raise AddressRefused(
            _(
                "The address must start with https:// (http:// is allowed only where private "
                "addresses are allowed)."
            )
        )
    if parts.username or parts.password:
        raise AddressRefused(_("The address may not carry a user name or password."))
    host = parts.hostname or ""
    if not host:
        raise AddressRefused(_("The address has no server name."))
    try:
        port = _port_of(scheme, parts.port)
    except ValueError:
        raise AddressRefused(_("The address has a port that is not a number.")) from None
    found = _addresses_of(host, port)
    # Every address the name gives must be allowed: the connection may go to any of them.
    refused = [ip for ip in found if not allowed(ip, allow_private=allow_private)]
    if refused:
        if allow_private or any(never_allowed(ip) for ip in refused):
            raise AddressRefused(
                _(
                    "The address %(address)s is link-local, multicast, reserved or unspecified, "
                    "and is never sent to."
                )
                % {"address": refused[0]}
            )
        raise AddressRefused(
            _(
                "The address %(address)s is inside a private network (loopback or private). "
                "Only an organization that allows private addresses may send there."
            )
            % {"address": refused[0]}
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Receiver(scheme=scheme, host=host, port=port, path=path, addresses=tuple(found))
