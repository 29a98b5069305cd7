"""The baseline: the resource graph of a benchmarked stack, made of resources that do nothing.

``bench:graph`` names a JSON file written by the bench from our stack's state: every resource
with its type, name, parent and dependencies. Components keep their type; custom resources are
dynamic resources of a provider that makes no call and returns its inputs. Same counts, same
parents, same dependencies: timing this program is timing the engine and the dynamic-provider
machinery alone. ``bench:bump`` is given to one resource (the benchmarked sender's stand-in),
so the "password change" phase updates exactly one resource here too.
"""
import json

import pulumi
from pulumi.dynamic import Resource
from pulumi.runtime.config import get_config

from null_provider import NullProvider  # importable: pickled by reference, see null_provider.py


_CLASSES: dict[str, type] = {}


def null_class(type_: str) -> type:
    """A dynamic resource class whose type token is ``type_`` (``pulumi-python:dynamic/dns:Record``)."""
    if type_ not in _CLASSES:
        module_part, name = type_.split(":", 1)[1].split(":")  # "dynamic/dns", "Record"
        module = module_part.partition("/")[2]

        class NullResource(Resource, module=module, name=name):
            def __init__(self, name, bump, opts):
                super().__init__(NullProvider(), name, {"bump": bump}, opts)

        _CLASSES[type_] = NullResource
    return _CLASSES[type_]


class NullComponent(pulumi.ComponentResource):
    def __init__(self, type_, name, opts):
        super().__init__(type_, name, None, opts)
        self.register_outputs({})


with open(get_config("bench:graph")) as handle:
    graph = json.load(handle)
bump_urn, bump = graph.get("bump_urn"), get_config("bench:bump") or "0"
made: dict[str, pulumi.Resource] = {}
for node in graph["resources"]:  # in state order: parents and dependencies come first
    opts = pulumi.ResourceOptions(parent=made.get(node["parent"]),
                                  depends_on=[made[d] for d in node["dependencies"] if d in made])
    if node["custom"]:
        made[node["urn"]] = null_class(node["type"])(node["name"], bump if node["urn"] == bump_urn else "0", opts)
    else:
        made[node["urn"]] = NullComponent(node["type"], node["name"], opts)
pulumi.export("resources", len(made))
