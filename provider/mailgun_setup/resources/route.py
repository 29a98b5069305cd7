"""``ReceiverRoute``: a Mailgun route for one sender of a subdomain whose receiver records are verified.

The expression is ``match_recipient("<login>")``. Routes are account-wide but region-bound,
so an EU domain's routes live on the EU host. A route another stack already created with the
same expression and actions is adopted instead of duplicated, and left in place on destroy
while that stack still declares it. With ``dns="manual"`` the route waits (recorded as
waiting) until a ``pulumi up`` finds the receiver records Verified.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Optional, Sequence, Union

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from .. import rules
from ..cache import ListCache
from ..errors import UsageError
from ..fields import URL_PATTERN, Field, inputs_class, integer, text
from ..mailgun import dates
from ..mailgun.facts import MAX_DESCRIPTION, PRIORITY_RANGE, match_recipient, recipient_of
from ..ownership import claimed_route
from ..rules import Problem
from ..verify import service
from .common import BaseProvider, failures, held_props, may_resume, stack_of
from .inputs import Inputs, checked_arguments, checked_inputs, cleaned

if TYPE_CHECKING:
    from .sender import SenderIdentity

_ROUTES = ListCache()
TWIN_SETTLE_SECONDS = 1.0


_ACTION = (r'^\s*(forward\s*\(\s*"(' + URL_PATTERN + "|" + rules.LOCAL_PART_PATTERN + r'@[^"@\s]+\.[^"@\s]+)"\s*\)'
           r'|store\s*\(\s*(notify\s*=\s*"' + URL_PATTERN + r'"\s*)?\)|stop\s*\(\s*\))\s*$')


def _actions(value, path, found, _values):
    checked = rules.actions(value, path, found)
    return None if checked is None else list(checked)


# ReceiverRoute's inputs, declared once (see mailgun_setup.fields): the constructor, check(), the stack-config
# reader (a route of ``domains[i].routes``), RouteInputs, the JSON Schema and the docs come from here. The
# fields without a key are filled in from the sender and its MailgunDomain. That a recipient is one of the
# domain's senders is a rule of the list (the stack-config reader) or of the ``sender=`` argument.
FIELDS: tuple[Field, ...] = (
    Field("domain", required=True),
    Field("region", required=True),
    Field("recipient", key="recipient", required=True, schema={"type": "string"},
          rule=lambda v, p, found, values: rules.username(v, p, values.get("domain"), found),
          doc="One of this domain's senders: mail to it is routed."),
    Field("actions", key="action", required=True, rule=_actions, schema={"oneOf": [
        {"type": "string", "pattern": _ACTION},
        {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": _ACTION}}]},
          doc='`forward("https://…")`, `forward("someone@…")`, `store()`, `store(notify="https://…")` or '
              '`stop()`; one or a list (`stop()` last).'),
    Field("description", key="description", default="", **text(MAX_DESCRIPTION),
          doc=f"At most {MAX_DESCRIPTION} characters."),
    Field("priority", key="priority", default=0, **integer(*PRIORITY_RANGE), doc="Lower runs first."),
    Field("receiver_status"),
    Field("mode", default="automatic"),
    Field("owner", default=""),
    Field("shared"),  # the domain was adopted: another stack may be creating too
)
RouteInputs = inputs_class("RouteInputs", FIELDS, Inputs, __name__)
RouteInputs.__doc__ = "The ``mailgun:ReceiverRoute`` resource's inputs (declared in ``FIELDS``)."


def _remember(region: str, route: Optional[dict]) -> None:
    """This run made or changed ``route``: the cached list of the region shows it from now on."""
    if route is None:
        _ROUTES.forget((region,))
    else:
        _ROUTES.record((region,), lambda routes: [r for r in routes if r["id"] != route["id"]] + [route])


def _actions_of(route: dict) -> list[str]:
    actions = route.get("actions") or route.get("action") or []
    return [actions] if isinstance(actions, str) else list(actions)


class ReceiverRouteProvider(BaseProvider):
    kind = "route"
    fields = ("region", "recipient", "actions", "description", "priority")
    replace_on = {"region": "changed: routes are region-bound, a new one is created"}

    def label(self, props: dict) -> str:
        return f"route for {props.get('recipient')}"

    def object_key(self, props: dict) -> tuple:
        return ("route", props["region"], match_recipient(props["recipient"]), tuple(props["actions"]))

    def check(self, _olds: dict, news: dict) -> CheckResult:
        news = RouteInputs.completed(news)
        clean, found = checked_inputs(FIELDS, news)
        news = cleaned(news, clean)
        if not found:
            self.declare(news)
        return CheckResult(news, failures(found))

    def diff(self, id_: str, olds: dict, news: dict) -> DiffResult:
        result = super().diff(id_, olds, news)
        if not result.changes and may_resume(olds, news.get("receiver_status")):
            return DiffResult(changes=True, replaces=[], delete_before_replace=True)  # the route can be made now
        return result

    def _routes(self, region: str) -> list[dict]:
        client = self.mailgun(region)
        return _ROUTES.get((region,), client.list_routes)

    def _outputs(self, props: dict, route: dict) -> dict:
        return {**props, "route_id": route["id"], "expression": route["expression"],
                "actions": _actions_of(route), "description": route.get("description", ""),
                "priority": int(route.get("priority", 0)), "waiting": None}

    def _make(self, props: dict) -> dict:
        waiting = service.gate(props.get("receiver_status"), "receiver", props["domain"],
                               f"route for {props['recipient']}", props.get("mode") == "manual",
                               stack_of(props.get("owner")))
        if waiting:
            pulumi.log.warn(waiting)
            return {**props, "route_id": None, "expression": match_recipient(props["recipient"]), "waiting": waiting}
        client, expression = self.mailgun(props["region"]), match_recipient(props["recipient"])
        # One list per region per run, kept current with this run's own writes (ListCache.record).
        same = [r for r in self._routes(props["region"])
                if r["expression"] == expression and _actions_of(r) == list(props["actions"])]
        if same:
            client.update_route(same[0]["id"], int(props["priority"]), props["description"], expression,
                                list(props["actions"]))
            route = client.get_route(same[0]["id"])
        else:
            route = client.create_route(int(props["priority"]), props["description"], expression,
                                        list(props["actions"]))
            if props.get("shared"):
                route = self._yield_to_twin(client, props["region"], route)
        _remember(props["region"], route)
        return self._outputs(props, route)

    @staticmethod
    def _yield_to_twin(client, region: str, route: dict) -> dict:
        """Two stacks sharing a subdomain that both found no such route a moment ago (UAT and Prod started
        by one merge) have both created one. The stack that adopted the domain (it lost the race for the
        domain, or found it there) yields: after a short pause, so the other's route is visible, it takes
        the oldest identical route over and removes its own, as if that route had been there before. The
        stack that created the domain never yields, so one route is left, held by both. Should the route
        yielded to be gone by then (two adopting stacks yielding to each other), ours is made again."""
        time.sleep(TWIN_SETTLE_SECONDS)
        _ROUTES.forget((region,))
        twins = [r for r in _ROUTES.get((region,), client.list_routes) if r["id"] != route["id"]
                 and r["expression"] == route["expression"] and _actions_of(r) == _actions_of(route)]
        if not twins:
            return route
        first = min(twins, key=lambda r: (dates.timestamp(r.get("created_at")), r["id"]))
        client.delete_route(route["id"])
        _ROUTES.forget((region,))
        kept = client.get_route(first["id"])
        if kept is None:
            return client.create_route(int(route.get("priority", 0)), route.get("description", ""),
                                       route["expression"], _actions_of(route))
        pulumi.log.info(f"route for {recipient_of(route['expression'])}: another stack created the same route at "
                        f"the same moment; that route is taken over and ours removed")
        return kept

    def create(self, props: dict) -> CreateResult:
        made = self._make(props)
        return CreateResult(made["route_id"] or f"{props['domain']}/{props['recipient']}", made)

    @staticmethod
    def _route_id(id_: str, props: dict) -> str:
        """Mailgun's id: the resource id, unless the route was made after waiting (then an output)."""
        return props.get("route_id") or id_

    def read(self, id_: str, props: dict) -> ReadResult:
        if props.get("waiting"):
            return ReadResult(id_, props)  # nothing at Mailgun yet
        route_id, region = self._route_id(id_, props), props.get("region")
        for candidate in ([region] if region else ["us", "eu"]):
            route = next((r for r in self._routes(candidate) if r["id"] == route_id), None)
            if route:
                recipient = recipient_of(route["expression"])
                base = {"recipient": recipient, "domain": recipient.partition("@")[2], **props, "region": candidate}
                return ReadResult(id_, self._outputs(base, route))
        return ReadResult(None, {})

    def update(self, id_: str, olds: dict, news: dict) -> UpdateResult:
        if olds.get("waiting"):
            return UpdateResult(self._make(news))
        route_id, client = self._route_id(id_, olds), self.mailgun(news["region"])
        client.update_route(route_id, int(news["priority"]), news["description"],
                            match_recipient(news["recipient"]), list(news["actions"]))
        route = client.get_route(route_id)
        _remember(news["region"], route)
        return UpdateResult(self._outputs(news, route))

    def delete(self, id_: str, props: dict) -> None:
        if props.get("waiting") or self.held_elsewhere(id_, props):
            return
        if claimed_route(self.other_stacks(props["domain"], props), props["recipient"]):
            pulumi.log.info(f"route for {props['recipient']}: kept, still declared by another stack")
            return
        route_id = self._route_id(id_, props)
        self.mailgun(props["region"]).delete_route(route_id)
        _ROUTES.record((props["region"],), lambda routes: [r for r in routes if r["id"] != route_id])


class ReceiverRoute(Resource, module="mailgun", name="ReceiverRoute"):
    """A Mailgun route for mail to ``sender``'s address, created once the receiver records are Verified.

    :param sender: the :class:`SenderIdentity` whose address the route matches; its domain
        must have ``receiving=True``.
    :param actions: one action or a list: ``forward("https://…")``, ``forward("a@b.c")``,
        ``store()``, ``store(notify="https://…")``, ``stop()`` (last).
    :param description: up to 255 characters.
    :param priority: 0 to 32767, lower first.
    :param opts: resource options; the parent defaults to the sender's domain.
    """

    route_id: pulumi.Output[str]
    expression: pulumi.Output[str]
    waiting: pulumi.Output[Optional[str]]  # manual DNS: why it waits; created once the records are Verified

    def __init__(self, resource_name: str, *, sender: "SenderIdentity",
                 actions: Union[pulumi.Input[str], pulumi.Input[Sequence[pulumi.Input[str]]]],
                 description: pulumi.Input[str] = "", priority: pulumi.Input[int] = 0,
                 opts: Optional[pulumi.ResourceOptions] = None):
        from .sender import SenderIdentity
        where = f"ReceiverRoute({resource_name!r})"
        if not isinstance(sender, SenderIdentity):
            raise UsageError(Problem(f"{where}.sender", f"must be a mailgun_setup.SenderIdentity, got "
                                                        f"{type(sender).__name__}"))
        domain = sender.mailgun_domain
        found: list[Problem] = []
        if not domain.receiving:
            found.append(Problem("sender", f"{sender.address} belongs to {domain.name}, which has receiving=False; "
                                           f"routes need receiving=True on the MailgunDomain"))
        clean = checked_arguments(where, FIELDS, {"actions": actions, "description": description,
                                                  "priority": priority}, found)
        actions = clean["actions"]  # a list, normalised; or an Output, or a list holding one (checked at apply)
        try:
            domain.register_route(sender.address)
        except UsageError as exc:
            raise UsageError([p.under(where) for p in exc.problems]) from None
        opts = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(parent=domain, depends_on=[sender]), opts)
        super().__init__(ReceiverRouteProvider(), resource_name, held_props(ReceiverRoute, resource_name, RouteInputs(
            domain=domain.name, region=domain.region, recipient=sender.address, actions=actions,
            description=description, priority=priority, receiver_status=domain.receiver_status,
            mode=domain.record_mode, owner=domain.owner, shared=domain.adopted), opts), opts)
        self.sender = sender
