"""Secret values never reach the comment. ``pulumi preview --json`` shows them as ``[secret]``, or
(with ``--show-secrets``, or in a state file) as a signed object carrying the plaintext; both
become one opaque marker here, before any other code sees the preview."""
from __future__ import annotations

from typing import Any

SECRET_SIG = "4dabf18193072939515e22adb298388d"   # Pulumi's property-value signature key
SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270"  # …and the value that marks a secret
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"   # a value known only after apply
SECRET = "[secret]"
# Fields hidden by name too: `pulumi preview --json --show-secrets` prints secrets as plain strings.
SECRET_FIELDS = {"password", "smtp_password", "api_key", "apikey", "secret", "signing_key", "token", "key", "value_secret"}


class Secret:
    """A value that must not be shown, compared or logged."""

    def __repr__(self) -> str:
        return SECRET

    def __eq__(self, other) -> bool:
        return isinstance(other, Secret)

    __hash__ = object.__hash__


class Unknown:
    def __repr__(self) -> str:
        return "(known after apply)"

    def __eq__(self, other) -> bool:
        return isinstance(other, Unknown)

    __hash__ = object.__hash__


def scrub(value: Any) -> Any:
    """``value`` with every secret replaced by a ``Secret`` and every unknown by an ``Unknown``."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG) == SECRET_VALUE:
            return Secret()
        return {k: Secret() if k.lower() in SECRET_FIELDS and v not in (None, "") else scrub(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if value == SECRET:
        return Secret()
    if value == UNKNOWN:
        return Unknown()
    return value


def is_hidden(value: Any) -> bool:
    return isinstance(value, (Secret, Unknown))
