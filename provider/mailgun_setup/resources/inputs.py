"""Each resource's inputs, declared once: a tuple of :class:`mailgun_setup.fields.Field` per resource,
and the ``Inputs`` dataclass made from it (:func:`mailgun_setup.fields.inputs_class`).

From one declaration come the properties a resource registers (inputs plus its outputs as
``None`` placeholders, so the engine knows every output name at preview), the defaults its
``check()`` fills in, and the state ``mailgun-setup import`` must build to match ``pulumi up``;
and the two ways the rules are applied here: to a constructor's arguments (:func:`checked_arguments`)
and to the inputs a provider's ``check()`` gets (:func:`checked_inputs`).
A resource's outputs are declared once too: its ``pulumi.Output`` annotations (:func:`outputs_of`).
"""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Optional

import pulumi

from ..errors import UsageError
from ..fields import Field, validate
from ..problem import Problem
from .common import known


def _unresolved(value: Any) -> bool:
    """An Output, or a list or mapping holding one: judged by ``check()`` once it is resolved."""
    if isinstance(value, (list, tuple)):
        return any(_unresolved(v) for v in value)
    if isinstance(value, dict):
        return any(_unresolved(v) for v in value.values())
    return isinstance(value, pulumi.Output)


def checked_arguments(where: str, fields: tuple[Field, ...], arguments: Mapping[str, Any],
                      found: Optional[list[Problem]] = None) -> dict[str, Any]:
    """A constructor's validation: the rules of the ``fields`` named in ``arguments`` (an Output is
    checked at apply), raised at once under ``where`` (``SenderIdentity('x')``) with any problem already
    ``found``; the clean values."""
    found = list(found or ())
    clean = validate(tuple(f for f in fields if f.name in arguments), arguments, found, skip=_unresolved)
    if found:
        raise UsageError([p.under(where) for p in found])
    return clean


def checked_inputs(fields: tuple[Field, ...], props: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """A provider's ``check()``: the rules of the stored ``fields`` applied to the known ``props`` (the
    unknown ones are checked again at apply); the clean values and every problem."""
    found: list[Problem] = []
    clean = validate(tuple(f for f in fields if f.stored), props, found, skip=lambda value: not known(value))
    return clean, found


def cleaned(props: Mapping[str, Any], clean: Mapping[str, Any]) -> dict[str, Any]:
    """``props`` with each known value that passed its rule in its clean form (an action list normalised,
    a role lower-cased, a JSON number made an integer)."""
    return {**props, **{k: v for k, v in clean.items() if v is not None and known(props.get(k))}}


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
