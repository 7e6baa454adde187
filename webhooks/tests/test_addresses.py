"""Address safety: every class of inside address refused, IPv4 and IPv6 (IPv4-mapped too), by
literal and by a name that resolves to one; http:// refused unless private addresses are
allowed; and what an organization's allowance permits and never permits."""

import pytest

from webhooks import addresses
from webhooks.addresses import AddressRefused, check_receiver

INSIDE = {
    "loopback v4": "127.0.0.1",
    "loopback v4 elsewhere": "127.10.0.1",
    "private 10/8": "10.1.2.3",
    "private 172.16/12": "172.16.5.4",
    "private 192.168/16": "192.168.1.10",
    "shared 100.64/10": "100.64.0.1",
    "loopback v6": "::1",
    "unique local v6": "fd00::1",
    "mapped loopback": "::ffff:127.0.0.1",
    "mapped private": "::ffff:10.0.0.1",
    "6to4 of a private address": "2002:0a00:0001::1",
}
NEVER = {
    "link-local v4 (cloud metadata)": "169.254.169.254",
    "link-local v6": "fe80::1",
    "multicast v4": "224.0.0.1",
    "multicast v6": "ff02::1",
    "reserved v4": "240.0.0.1",
    "broadcast": "255.255.255.255",
    "unspecified v4": "0.0.0.0",  # noqa: S104 - the address under test
    "unspecified v6": "::",
    "mapped link-local": "::ffff:169.254.169.254",
}


ALL: dict[str, str] = {**INSIDE, **NEVER}


def _url(ip: str) -> str:
    return f"https://[{ip}]/in" if ":" in ip else f"https://{ip}/in"


@pytest.mark.parametrize("ip", list(ALL.values()), ids=list(ALL))
def test_an_inside_address_is_refused_by_default(ip: str) -> None:
    with pytest.raises(AddressRefused) as refused:
        check_receiver(_url(ip), allow_private=False)
    assert "private network" in str(refused.value) or "never sent to" in str(refused.value)


@pytest.mark.parametrize("ip", list(ALL.values()), ids=list(ALL))
def test_a_name_resolving_to_an_inside_address_is_refused(monkeypatch, ip: str) -> None:
    monkeypatch.setattr(addresses, "resolve", lambda host, port: ["93.184.216.34", ip])
    with pytest.raises(AddressRefused):
        check_receiver("https://hooks.example.org/in", allow_private=False)


@pytest.mark.parametrize("ip", list(INSIDE.values()), ids=list(INSIDE))
def test_an_organization_allowing_private_addresses_may_use_them(ip: str) -> None:
    receiver = check_receiver(_url(ip), allow_private=True)
    assert [str(a) for a in receiver.addresses] == [str(addresses.ipaddress.ip_address(ip))]


@pytest.mark.parametrize("ip", list(NEVER.values()), ids=list(NEVER))
def test_link_local_multicast_reserved_and_unspecified_are_never_allowed(ip: str) -> None:
    with pytest.raises(AddressRefused) as refused:
        check_receiver(_url(ip), allow_private=True)
    assert "never sent to" in str(refused.value)


def test_a_public_https_address_is_accepted(monkeypatch) -> None:
    monkeypatch.setattr(addresses, "resolve", lambda host, port: ["93.184.216.34"])
    receiver = check_receiver("https://hooks.example.org:8443/in?x=1", allow_private=False)
    assert (receiver.scheme, receiver.host, receiver.port, receiver.path) == (
        "https",
        "hooks.example.org",
        8443,
        "/in?x=1",
    )
    assert check_receiver("https://[2606:4700::1111]/", allow_private=False).port == 443


def test_http_is_refused_unless_private_addresses_are_allowed(monkeypatch) -> None:
    monkeypatch.setattr(addresses, "resolve", lambda host, port: ["93.184.216.34"])
    with pytest.raises(AddressRefused) as refused:
        check_receiver("http://hooks.example.org/in", allow_private=False)
    assert "https://" in str(refused.value)
    assert check_receiver("http://127.0.0.1:8080/in", allow_private=True).port == 8080


@pytest.mark.parametrize(
    "url",
    ["ftp://hooks.example.org/", "https://user:pw@hooks.example.org/", "https:///in", "file:///x"],
)
def test_other_schemes_credentials_and_missing_hosts_are_refused(url: str) -> None:
    with pytest.raises(AddressRefused):
        check_receiver(url, allow_private=True)


def test_a_name_that_cannot_be_found_is_refused_calmly(monkeypatch) -> None:
    def no_answer(host: str, port: int) -> list[str]:
        raise OSError("no such name")

    monkeypatch.setattr(addresses, "resolve", no_answer)
    with pytest.raises(AddressRefused) as refused:
        check_receiver("https://nowhere.example.org/", allow_private=False)
    assert refused.value.not_found
    assert "could not be found" in str(refused.value)
