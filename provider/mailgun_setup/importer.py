"""``mailgun-setup import``: put an existing Mailgun domain under a stack, through ``pulumi import``.

Pulumi's ``pulumi import TYPE NAME ID`` and the ``import_`` resource option cannot reach a Python
dynamic provider: the engine's Read for an import carries no properties, and the SDK needs the
pickled provider (``__provider``) from them to know whom to ask (pulumi/pulumi#16175). An import
*file* may instead carry the resource's whole state (``outputs``); the engine then skips Read. So
this module reads the domain with our own provider, builds the state ``pulumi up`` would have
stored for the declaration in the stack config, and hands it to ``pulumi import --file``.
The next ``pulumi up`` then finds the domain in state and writes only what is missing around it.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, Optional

import yaml
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider

from .config import DomainSpec, parse_stack_config
from .pulumi_cli import PulumiCli
from .errors import ConfigError, MailgunSetupError
from .rules import Problem
from .program import collect_config
from .resources.domain import Domain, DomainInputs, DomainProvider
from .resources.mailgun_domain import COMPONENT_TYPE
from .dns.names import bare

DOMAIN_TYPE = f"pulumi-python:{Domain._resource_type_name}"


def project_name(cwd: Path) -> str:
    try:
        return yaml.safe_load((cwd / "Pulumi.yaml").read_text(encoding="utf-8"))["name"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise MailgunSetupError(f"{cwd}: not a Pulumi project folder (Pulumi.yaml: {exc})") from None


def stack_config(pulumi: PulumiCli, stack: str) -> dict[str, Any]:
    """The stack's config as the program sees it (secure values decrypted in memory, never shown)."""
    listed = json.loads(pulumi.run("config", "--json", "--show-secrets", "--stack", stack,
                                   secret_output=True).stdout or "{}")

    def lookup(key: str) -> Any:
        entry = listed.get(key)
        return None if entry is None else entry.get("objectValue", entry.get("value"))
    return collect_config(lookup)


def _urns(pulumi: PulumiCli, stack: str) -> set[str]:
    exported = json.loads(pulumi.run("stack", "export", "--stack", stack).stdout or "{}")
    return {r["urn"] for r in (exported.get("deployment") or {}).get("resources") or []}


def component_urn(stack: str, project: str, domain: str) -> str:
    return f"urn:pulumi:{stack}::{project}::{COMPONENT_TYPE}::{domain}"


def domain_urn(stack: str, project: str, domain: str) -> str:
    return f"urn:pulumi:{stack}::{project}::{COMPONENT_TYPE}${DOMAIN_TYPE}::{domain}"


def read_domain_state(spec: DomainSpec, owner: str, raw_config: dict, project: str) -> tuple[dict, dict]:
    """(inputs, outputs) of the ``Domain`` resource for ``spec``, read from Mailgun. Raises when the
    domain is missing, lives in the other region, or was made with another DKIM selector."""
    provider = DomainProvider()
    provider.configure(ConfigureRequest(Config({f"{project}:{k}": v for k, v in raw_config.items()}, project)))
    checked = provider.check({}, DomainInputs(
        name=spec.name, region=spec.region, dkim_key_length=spec.dkim_key_length, dkim_selector=spec.dkim_selector,
        retention_days=spec.retention_days, tracking=spec.tracking, receiving=spec.receiving, owner=owner,
        automatic_sender_security=spec.automatic_sender_security).props(Domain))
    if checked.failures:
        raise ConfigError([Problem(f.property, f.reason) for f in checked.failures])
    body = provider.existing(checked.inputs)
    if body is None:
        raise MailgunSetupError(f"{spec.name} does not exist in Mailgun's {spec.region.upper()} region: "
                                f"nothing to import (`pulumi up` creates it)")
    outputs = provider.outputs(checked.inputs, body, adopted=True)  # it existed before this stack managed it
    # The pickled provider, as `Domain` stores it. It holds no credentials, and the engine hands a
    # secret-marked value to the dynamic provider unwrapped on import, which the SDK cannot read.
    blob = serialize_provider(DomainProvider())
    return {**checked.inputs, "__provider": blob}, {**outputs, "__provider": blob}


def import_file(spec: DomainSpec, inputs: dict, outputs: dict, existing_component: Optional[str]) -> dict:
    domain = {"type": DOMAIN_TYPE, "name": "domain", "logicalName": spec.name, "id": spec.name,
              "parent": "component", "inputs": inputs, "outputs": outputs}
    if existing_component:
        return {"nameTable": {"component": existing_component}, "resources": [domain]}
    component = {"type": COMPONENT_TYPE, "name": "component", "logicalName": spec.name, "component": True}
    return {"resources": [component, domain]}


def import_domain(pulumi: PulumiCli, stack: str, name: str, preview_only: bool = False) -> str:
    """Import Mailgun domain ``name`` into ``stack``; returns what ``pulumi import`` printed."""
    project = project_name(pulumi.cwd)
    stack = pulumi.run("stack", "--show-name", "--stack", stack).stdout.strip()  # org/project/name -> name
    raw = stack_config(pulumi, stack)
    config = parse_stack_config(raw)
    spec = next((d for d in config.domains if d.name == bare(name)), None)
    if spec is None:
        raise ConfigError(Problem("domains", f"{name} is not declared in stack {stack}; add it under `domains` "
                                             f"(with its region and DKIM selector) first, then import it"))
    urns = _urns(pulumi, stack)
    if domain_urn(stack, project, spec.name) in urns:
        raise MailgunSetupError(f"{spec.name} is already managed by stack {stack}: nothing to import")
    owner = f"{project}/{stack}"
    inputs, outputs = read_domain_state(spec, owner, raw, project)
    component = component_urn(stack, project, spec.name)
    body = import_file(spec, inputs, outputs, component if component in urns else None)
    with tempfile.TemporaryDirectory(prefix="mailgun-setup-import-") as folder:
        path = Path(folder) / "import.json"
        path.write_text(json.dumps(body), encoding="utf-8")
        args = ["import", "--file", str(path), "--stack", stack, "--generate-code=false", "--protect=false"]
        result = pulumi.run(*args, *(["--preview-only"] if preview_only else ["--yes"]))
    return result.stdout
