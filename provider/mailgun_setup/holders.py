"""Which resource of this stack holds each Mailgun or DNS object, so a rename never deletes what it renames.

A resource renamed in code (``SenderIdentity("support")`` → ``SenderIdentity("support2")``), moved
under another parent or into a component gets a new URN: the engine creates the new resource (which
takes the existing object over) and, at the end of the same ``pulumi up``, deletes the old one. That
delete must leave the object alone.

How a delete tells a new holder from no holder: every resource the program declares passes through
its provider's ``check()`` in every ``preview`` and ``up``, in the one provider process that later
runs the deletes, and the engine only deletes a resource the program no longer declares once the
program has finished declaring. So ``check()`` records each object the program declares under the
declaring resource's URN (its ``holder`` input, computed in the program), and ``delete()`` skips an
object some *other* URN declared in this run. The same holds when the run that created the new holder
was interrupted before the delete (the next run declares it again), whichever order the program
declares them in, and for an old resource removed alone later while the new one is still declared.

A replacement keeps its URN: the new inputs are declared under the same holder, so the old object is
deleted as before. State written before holders existed carries none; ``diff()`` marks the ids it
replaces, so such a resource's replacement deletes too.

What no run of the program can tell: ``pulumi destroy --target <old urn>`` runs no program, so it
deletes. Pulumi's ``aliases`` option avoids the delete altogether (see the docs on renames).
"""
from __future__ import annotations

import threading
from typing import Hashable, Optional

import pulumi
from pulumi.runtime.settings import get_root_resource

_lock = threading.Lock()
_declared: dict[Hashable, set[str]] = {}
_replacing: set[tuple[str, str]] = set()


def declare(key: Hashable, holder: Optional[str]) -> None:
    """The program declares the object ``key`` under the resource ``holder`` (a URN) in this run."""
    if not holder or not isinstance(holder, str) or key is None:
        return
    with _lock:
        _declared.setdefault(key, set()).add(holder)


def replacing(kind: str, id_: str) -> None:
    """``diff()`` answered "replace" for the resource ``id_`` of ``kind``: its delete is a replacement's."""
    with _lock:
        _replacing.add((kind, id_))


def other_holder(key: Hashable, holder: Optional[str], kind: str = "", id_: str = "") -> Optional[str]:
    """The URN of another resource that declares ``key`` in this run, or None: then a delete may go ahead."""
    with _lock:
        if (kind, id_) in _replacing:  # a replacement's delete (a renamed resource gets no diff)
            return None
        others = sorted(h for h in _declared.get(key, ()) if h != holder)
    return others[0] if others else None


def urn_of(resource_type: str, name: str, parent: Optional[pulumi.Resource]) -> pulumi.Output[str]:
    """The URN the engine gives a resource of ``resource_type`` named ``name`` under ``parent`` (None: the
    stack), as an Output known at preview (a resource cannot take its own URN as an input)."""
    parent = parent or get_root_resource()
    if parent is None:
        return pulumi.Output.from_input(
            f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{resource_type}::{name}")

    def child(parent_urn: str) -> str:
        prefix, project, parent_type, _parent_name = parent_urn.split("::", 3)
        if parent_type == "pulumi:pulumi:Stack":
            return f"{prefix}::{project}::{resource_type}::{name}"
        return f"{prefix}::{project}::{parent_type}${resource_type}::{name}"

    # Only the parent's URN, not a dependency on the parent: a component waits for its children, so
    # a child depending on its component would be a cycle.
    urn = parent.urn
    return pulumi.Output(set(), urn.future(), urn.is_known(), urn.is_secret()).apply(child)


def holder_of(resource_class: type, name: str, opts: Optional[pulumi.ResourceOptions]) -> pulumi.Output[str]:
    """The ``holder`` input of a dynamic resource of ``resource_class`` about to be registered with ``opts``."""
    return urn_of(f"pulumi-python:{resource_class._resource_type_name}", name, opts.parent if opts else None)
