"""Each resource's inputs, declared once as a dataclass (``MailgunDomain``'s from :mod:`mailgun_setup.fields`).

From one declaration come the properties a resource registers (inputs plus its outputs as
``None`` placeholders, so the engine knows every output name at preview), the defaults its
``check()`` fills in, and the state ``mailgun-setup import`` must build to match ``pulumi up``.
A resource's outputs are declared once too: its ``pulumi.Output`` annotations (:func:`outputs_of`).
"""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping


def outputs_of(resource_class: type) -> tuple[str, ...]:
    """The outputs a resource class declares: its ``name: pulumi.Output[...]`` annotations."""
    annotations = vars(resource_class).get("__annotations__", {})
    return tuple(name for name, kind in annotations.items() if "Output" in str(kind))


@dataclasses.dataclass
class Inputs:
    # The URN of the resource that declares these inputs (see mailgun_setup.holders); set on registration.
    holder: Any = dataclasses.field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        for name, value in self.derived(vars(self)).items():
            setattr(self, name, value)

    @classmethod
    def derived(cls, values: Mapping[str, Any]) -> dict[str, Any]:
        """The fields left out (None) whose default follows from other fields (``Field.derive``)."""
        found = {}
        for f in getattr(cls, "FIELDS", ()):
            if f.stored and f.derive is not None and values.get(f.name) is None:
                found[f.name] = f.derive({**values, **found})
        return found

    def props(self, resource_class: type) -> dict[str, Any]:
        """The properties to register a ``resource_class`` with: these inputs, and a placeholder for each of
        its declared outputs that is not an input."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {**values, **{name: None for name in outputs_of(resource_class) if name not in values}}

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        found = {}
        for f in dataclasses.fields(cls):
            if f.default is not dataclasses.MISSING:
                found[f.name] = f.default
            elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
                found[f.name] = f.default_factory()  # type: ignore[misc]
        return found

    @classmethod
    def completed(cls, news: Mapping[str, Any]) -> dict[str, Any]:
        """``news`` with every input left out (or null) set to its declared default."""
        values = {**cls.defaults(), **{k: v for k, v in news.items() if v is not None}}
        return {**values, **cls.derived(values)}
