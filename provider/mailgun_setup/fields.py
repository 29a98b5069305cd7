"""Each resource's inputs declared once: a tuple of :class:`Field` per resource.

A field says its Python keyword, its stack-config key, its default, its rule (a function of
:mod:`mailgun_setup.rules`), the JSON Schema of its value in a stack file and one line of
documentation. Everything that used to list the fields again is derived from that tuple:

- the constructor's validation (``MailgunDomain(...)``: paths are keyword names),
- the provider's ``check()`` (the engine's paths are the same keyword names),
- the YAML reader (``domains[0].dkimKeyLength``: paths are stack-config keys),
- the resource's ``Inputs`` dataclass and its defaults (:func:`inputs_class`),
- the JSON Schema of ``stacks/Pulumi.<stack>.yaml`` (:mod:`mailgun_setup.schema`) and the stack-config
  reference in the docs.

So one rule broken gives the same words from all three ways in; only the path is spelt the
way that way spells it (``dkim_key_length`` in code, ``dkimKeyLength`` in YAML).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from . import rules
from .problem import Problem

# rule(value, path, problems, values): the clean value, or None after appending a Problem. ``values``
# holds the fields declared before this one, already checked (for rules that relate two fields).
Rule = Callable[[Any, str, list, Mapping[str, Any]], Any]
PLAIN_RULE = "must be a plain value, not an Output: it decides which resources and record lines preview shows"


@dataclass(frozen=True)
class Field:
    name: str  # the Python keyword (and the engine's property name)
    rule: Optional[Rule] = None  # None: an internal input the program fills in, never user input
    default: Any = None
    key: Optional[str] = None  # the stack-config key; None: not read from a stack file
    doc: str = ""
    schema: Mapping[str, Any] = field(default_factory=dict)  # the value's JSON Schema in a stack file
    required: bool = False
    plain: bool = False  # in code, must not be an Output (it decides which resources preview shows)
    stored: bool = True  # an input of the provider resource itself (checked again by its check())
    group: str = ""  # "setting": a domain setting Mailgun keeps (None leaves Mailgun's value)
    factory: Optional[Callable[[], Any]] = None  # a default built per instance (a list)
    # A default that follows from the fields declared before (their clean values); ``default_doc`` says it.
    derive: Optional[Callable[[Mapping[str, Any]], Any]] = None
    default_doc: str = ""
    # Left out, whether the other values need it: the problem's words (None: they do not).
    needed: Optional[Callable[[Mapping[str, Any]], Optional[str]]] = None

    def check(self, value: Any, path: str, problems: list[Problem], values: Mapping[str, Any]) -> Any:
        if value is None:
            if self.required:
                problems.append(Problem(path, "is required"))
            elif self.needed and (words := self.needed(values)):
                problems.append(Problem(path, words))
            if self.derive is not None:
                return self.derive(values)
            return self.default_value()
        return self.rule(value, path, problems, values) if self.rule else value

    def default_value(self) -> Any:
        return self.factory() if self.factory else self.default


def validate(fields: tuple[Field, ...], values: Mapping[str, Any], problems: list[Problem],
             path: Callable[[Field], str] = lambda f: f.name,
             skip: Callable[[Any], bool] = lambda value: False) -> dict[str, Any]:
    """Every field's rule applied to ``values`` (by Python name), problems appended under ``path(field)``;
    returns the clean values (None where a rule failed; the default where a value is left out). A value
    ``skip`` says cannot be judged yet (an Output, an unknown at preview) is kept as it is.

    A rule relating fields sees the values judged before it: clean ones, those of fields without a rule
    as given, and any value of ``values`` that ``fields`` does not declare (what the entry lives in, such
    as a sender's domain in a stack file); None for one that failed or cannot be judged yet."""
    declared = {f.name for f in fields}
    judged: dict[str, Any] = {k: v for k, v in values.items() if k not in declared}
    clean: dict[str, Any] = {}
    for f in fields:
        value = values.get(f.name)
        unknown = value is not None and skip(value)
        if f.rule is None:
            judged[f.name] = None if unknown else value
            continue
        if unknown:
            if f.plain:
                problems.append(Problem(path(f), PLAIN_RULE))
            clean[f.name], judged[f.name] = None if f.plain else value, None
            continue
        clean[f.name] = judged[f.name] = f.check(value, path(f), problems, judged)
    return clean


def beside(path: str, name: str) -> str:
    """The path of field ``name`` next to the field at ``path`` (for a rule that blames another field;
    that field's stack-config key must be its Python name)."""
    head, dot, _ = path.rpartition(".")
    return f"{head}{dot}{name}"


def keys(fields: tuple[Field, ...]) -> tuple[str, ...]:
    """The stack-config keys, in declaration order."""
    return tuple(f.key for f in fields if f.key)


def in_config(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """The fields a stack file may set."""
    return tuple(f for f in fields if f.key)


def from_config(fields: tuple[Field, ...], entry: Mapping[str, Any]) -> dict[str, Any]:
    """A stack-config mapping's values by Python name (keys left out are None)."""
    return {f.name: entry.get(f.key) for f in fields if f.key}


def inputs_class(name: str, fields: tuple[Field, ...], base: type, module: str) -> type:
    """The ``Inputs`` dataclass of a provider resource: one attribute per stored field, with its default."""
    specs = []
    for f in fields:
        if not f.stored:
            continue
        if f.required:
            specs.append((f.name, Any))
        elif f.factory:
            specs.append((f.name, Any, dataclasses.field(default_factory=f.factory)))
        else:
            specs.append((f.name, Any, dataclasses.field(default=f.default)))
    cls = dataclasses.make_dataclass(name, specs, bases=(base,))
    cls.__module__ = module
    cls.FIELDS = fields
    return cls


# --- rules with their schema ----------------------------------------------------------------------
# Each returns the keyword arguments of a Field: the rule and the JSON Schema of what it accepts.

def choice(choices: tuple) -> dict:
    return {"rule": lambda v, p, found, _: rules.choice(v, p, found, choices), "schema": {"enum": list(choices)}}


def boolean() -> dict:
    return {"rule": lambda v, p, found, _: rules.boolean(v, p, found), "schema": {"type": "boolean"}}


def integer(low: int, high: int) -> dict:
    return {"rule": lambda v, p, found, _: rules.integer(v, p, found, low, high),
            "schema": {"type": "integer", "minimum": low, "maximum": high}}


def text(most: Optional[int] = None) -> dict:
    def rule(value, path, found, _):
        value = rules.string(value, path, found)
        if value is not None and most is not None and len(value) > most:
            found.append(Problem(path, f"must be at most {most} characters"))
            return None
        return value
    return {"rule": rule, "schema": {"type": "string", **({"maxLength": most} if most else {})}}


SECRET = {"type": "object", "required": ["secure"], "properties": {"secure": {"type": "string"}},
          "description": "a value encrypted by `pulumi config set --secret`"}
URL_PATTERN = r'https?://[^\s"/]+[^\s"]*'
HOSTNAME_PATTERN = r"^(?=.{1,253}\.?$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$"
SELECTOR_PATTERN = r"^[A-Za-z0-9-]{1,63}$"
