"""One-time codes a person types on a phone: easy to read aloud, stored only as a keyed hash."""

import secrets

from django.utils.crypto import salted_hmac

# No 0/O, 1/I/L: letters and digits nobody mixes up when reading from paper or a small screen.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """The code as printed or texted: two groups of four, easier to copy."""
    return f"{code[:4]}-{code[4:]}"


def normalized(typed: str) -> str:
    """What the person typed, forgiving small letters, spaces and dashes."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())[:40]


def code_hash(code: str) -> str:
    """A keyed hash: a copy of the database alone is not enough to try every possible code.

    Keyed with the secret key rather than salted per row, because a code is looked up by what
    the person types, without a name to find their row first."""
    return salted_hmac("cairn.portal-code", code, algorithm="sha256").hexdigest()


def key_hash(scope: str, value: str) -> str:
    """The stored key of a throttle counter: never the network address or sign-in name itself."""
    return salted_hmac(
        f"cairn.code-throttle.{scope}", value.lower(), algorithm="sha256"
    ).hexdigest()
