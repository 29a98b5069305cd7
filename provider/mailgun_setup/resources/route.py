"""``ReceiverRoute``: a Mailgun route for one recipient of a subdomain whose receiver records are verified.

The expression is ``match_recipient("<recipient>")``. Routes are account-wide but
region-bound, so an EU domain's routes live on the EU host. A route another stack already
created with the same expression and actions is adopted instead of duplicated, and left in
place on destroy while that stack still declares it.
"""
from __future__ import annotations

from typing import Optional

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, ReadResult, Resource, UpdateResult

from .. import config as rules
from ..errors import VerificationError
from ..config import match_recipient
from ..ownership import claimed_route
from ..cache import ListCache
from .common import VERIFIED, BaseProvider, failures, known

_ROUTES = ListCache()


def _actions_of(route: dict) -> list[str]:
    actions = route.get("actions") or route.get("action") or []
    return [actions] if isinstance(actions, str) else list(actions)


class ReceiverRouteProvider(BaseProvider):
    kind = "route"
    fields = ("region", "recipient", "actions", "description", "priority")
    replace_on = {"region": "changed: routes are region-bound, a new one is created"}

    def label(self, props: dict) -> str:
        return f"route for {props.get('recipient')}"

    def check(self, _olds: dict, news: dict) -> CheckResult:
        found: list[str] = []
        news = {"description": "", "priority": 0, **{k: v for k, v in news.items() if v is not None}}
        if known(news.get("recipient")) and known(news.get("domain")):
            rules.check_username(news.get("recipient"), "recipient", news.get("domain"), found)
        if known(news.get("actions")):
            checked = rules.check_actions(news.get("actions"), "actions", found)
            if checked:
                news["actions"] = list(checked)
        if known(news.get("priority")) and not (isinstance(news["priority"], (int, float))
                                                 and 0 <= news["priority"] <= 32767):
            found.append(f"priority: must be an integer from 0 to 32767, got {news['priority']!r}")
        return CheckResult(news, failures([tuple(p.split(": ", 1)) for p in found]))

    def _routes(self, region: str) -> list[dict]:
        client = self.mailgun(region)
        return _ROUTES.get((region,), client.list_routes)

    def _outputs(self, props: dict, route: dict) -> dict:
        return {**props, "route_id": route["id"], "expression": route["expression"],
                "actions": _actions_of(route), "description": route.get("description", ""),
                "priority": int(route.get("priority", 0))}

    def create(self, props: dict) -> CreateResult:
        if props.get("receiver_status") != VERIFIED:
            raise VerificationError(
                f"route for {props['recipient']}: the receiver records of {props['domain']} are "
                f"{props.get('receiver_status') or 'not verified'}; routes are added once they are Verified. "
                f"Publish the MX records (`mailgun-setup handoff --stack <stack>`), then run `pulumi up` again.")
        client, expression = self.mailgun(props["region"]), match_recipient(props["recipient"])
        _ROUTES.forget((props["region"],))  # a fresh list, not one cached before this run's writes
        same = [r for r in self._routes(props["region"])
                if r["expression"] == expression and _actions_of(r) == list(props["actions"])]
        if same:
            client.update_route(same[0]["id"], int(props["priority"]), props["description"], expression,
                                list(props["actions"]))
            route = client.get_route(same[0]["id"])
        else:
            route = client.create_route(int(props["priority"]), props["description"], expression,
                                        list(props["actions"]))
        return CreateResult(route["id"], self._outputs(props, route))

    def read(self, id_: str, props: dict) -> ReadResult:
        region = props.get("region")
        for candidate in ([region] if region else ["us", "eu"]):
            route = next((r for r in self._routes(candidate) if r["id"] == id_), None)
            if route:
                recipient = route["expression"].split('"')[1] if '"' in route["expression"] else ""
                base = {"recipient": recipient, "domain": recipient.partition("@")[2], **props, "region": candidate}
                return ReadResult(id_, self._outputs(base, route))
        return ReadResult(None, {})

    def update(self, id_: str, _olds: dict, news: dict) -> UpdateResult:
        client = self.mailgun(news["region"])
        client.update_route(id_, int(news["priority"]), news["description"], match_recipient(news["recipient"]),
                            list(news["actions"]))
        _ROUTES.forget((news["region"],))
        return UpdateResult(self._outputs(news, client.get_route(id_)))

    def delete(self, id_: str, props: dict) -> None:
        if claimed_route(self.other_stacks(props["domain"], props), props["recipient"]):
            pulumi.log.info(f"route for {props['recipient']}: kept, still declared by another stack")
            return
        self.mailgun(props["region"]).delete_route(id_)
        _ROUTES.forget((props["region"],))


class ReceiverRoute(Resource, module="mailgun", name="ReceiverRoute"):
    route_id: pulumi.Output[str]
    expression: pulumi.Output[str]

    def __init__(self, resource_name: str, domain: pulumi.Input[str], region: pulumi.Input[str],
                 recipient: pulumi.Input[str], actions: pulumi.Input[list], description: pulumi.Input[str] = "",
                 priority: pulumi.Input[int] = 0, receiver_status: pulumi.Input[str] = None,
                 owner: pulumi.Input[str] = "", nameservers: pulumi.Input[list] = None,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(ReceiverRouteProvider(), resource_name, {
            "domain": domain, "region": region, "recipient": recipient, "actions": actions,
            "description": description, "priority": priority, "receiver_status": receiver_status,
            "owner": owner, "nameservers": nameservers or [], "route_id": None, "expression": None}, opts)
