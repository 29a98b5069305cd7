"""Each resource's inputs, declared once as a dataclass.

From one declaration come the properties a resource registers (inputs plus its outputs as
``None`` placeholders, so the engine knows every output name at preview), the defaults its
``check()`` fills in, and the state ``mailgun-setup import`` must build to match ``pulumi up``.
"""
from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Mapping


@dataclasses.dataclass
class Inputs:
    OUTPUTS: ClassVar[tuple[str, ...]] = ()
    # The URN of the resource that declares these inputs (see mailgun_setup.holders); set on registration.
    holder: Any = dataclasses.field(default=None, kw_only=True)

    def props(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {**values, **dict.fromkeys(self.OUTPUTS)}

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
        return {**cls.defaults(), **{k: v for k, v in news.items() if v is not None}}
