"""Stack config validation: defaults, every rule with its path, all problems at once, no secrets."""
import copy

import pytest
from hypothesis import given, strategies as st

from mailgun_setup.config import DNS_MODES, DomainSpec, RouteSpec, SenderSpec, StackConfig, parse_stack_config
from mailgun_setup.mailgun.facts import (
    DKIM_KEY_LENGTHS, MAX_DOMAINS, MAX_ROUTES, MAX_SENDERS, REGIONS, RETENTION_DAYS, retention_seconds,
)
from mailgun_setup.errors import ConfigError

SECRET = "s3cr3t-Pa55"


def minimal():
    return {"domains": [{"name": "mail.company.com"}]}


def full():
    return {
        "dns": "route53",
        "verifyTimeout": 600,
        "apiKey": "key-not-ours-to-check",
        "aws:region": "eu-west-1",
        "domains": [
            {
                "name": "Mail.Company.COM.",
                "region": "eu",
                "dkimKeyLength": 2048,
                "dkimSelector": "s1",
                "retentionDays": 7,
                "receiving": True,
                "tracking": True,
                "dns": "cloudflare",
                "zone": "company.com",
                "senders": [
                    {"username": "Alice@mail.company.com", "password": SECRET},
                    {"username": "bob@mail.company.com"},
                ],
                "routes": [
                    {"recipient": "ALICE@mail.company.com",
                     "action": [' forward( "https://hooks.example.org/in" ) ', 'store( notify = "http://h/n")',
                                "stop( )"],
                     "description": "inbound to the app", "priority": 5},
                    {"recipient": "bob@mail.company.com", "action": 'forward("ops@example.org")'},
                ],
            },
            {"name": "news.company.co.uk"},
        ],
    }


def problems_of(raw):
    with pytest.raises(ConfigError) as caught:
        parse_stack_config(raw)
    return [str(p) for p in caught.value.problems]


def only_problem(raw):
    problems = problems_of(raw)
    assert len(problems) == 1, problems
    return problems[0]


def with_domain(**fields):
    return {"domains": [{"name": "mail.company.com", **fields}]}


# --- valid configs -------------------------------------------------------------------

def test_full_config_round_trips():
    config = parse_stack_config(full())
    assert config == StackConfig(dns="route53", verify_timeout=600, domains=(
        DomainSpec(
            name="mail.company.com", region="eu", dkim_key_length=2048, dkim_selector="s1", retention_days=7,
            receiving=True, tracking=True, dns="cloudflare", zone="company.com",
            senders=(SenderSpec("alice@mail.company.com", SECRET), SenderSpec("bob@mail.company.com", None)),
            routes=(
                RouteSpec("alice@mail.company.com",
                          ('forward("https://hooks.example.org/in")', 'store(notify="http://h/n")', "stop()"),
                          "inbound to the app", 5),
                RouteSpec("bob@mail.company.com", ('forward("ops@example.org")',), "", 0),
            ),
        ),
        DomainSpec(name="news.company.co.uk", region="us", dkim_key_length=1024, dkim_selector="mg",
                   retention_days=None, receiving=False, tracking=False, dns="route53", zone=None,
                   senders=(), routes=()),
    ))


def test_defaults_applied():
    config = parse_stack_config(minimal())
    assert (config.dns, config.verify_timeout) == ("auto", 1800)
    (domain,) = config.domains
    assert domain == DomainSpec(name="mail.company.com", region="us", dkim_key_length=1024, dkim_selector="mg",
                                retention_days=None, receiving=False, tracking=False, dns="auto", zone=None,
                                senders=(), routes=())


def test_null_values_mean_default():
    config = parse_stack_config({"dns": None, "domains": [{"name": "mail.company.com", "region": None,
                                                           "senders": None, "routes": None}]})
    assert config.dns == "auto" and config.domains[0].region == "us" and config.domains[0].senders == ()


def test_numeric_and_boolean_strings_accepted():
    raw = {"verifyTimeout": "2048", "domains": [{
        "name": "mail.company.com", "dkimKeyLength": "2048", "retentionDays": " 0 ", "receiving": "true",
        "tracking": "False", "senders": [{"username": "a@mail.company.com"}],
        "routes": [{"recipient": "a@mail.company.com", "action": "stop()", "priority": "32767"}]}]}
    config = parse_stack_config(raw)
    domain = config.domains[0]
    assert config.verify_timeout == 2048
    assert (domain.dkim_key_length, domain.retention_days, domain.receiving, domain.tracking) == (2048, 0, True, False)
    assert domain.routes[0].priority == 32767


def test_unknown_top_level_keys_ignored():
    raw = {**minimal(), "cloudflareApiToken": "tok", "somethingElse": {"x": 1}}
    assert parse_stack_config(raw).domains[0].name == "mail.company.com"


def test_stack_dns_is_inherited_and_overridable():
    raw = {"dns": "manual", "domains": [{"name": "a.company.com"}, {"name": "b.company.com", "dns": "Route53"}]}
    assert [d.dns for d in parse_stack_config(raw).domains] == ["manual", "route53"]


def test_zone_may_equal_the_domain_name():
    assert parse_stack_config(with_domain(zone="MAIL.company.com.")).domains[0].zone == "mail.company.com"


@pytest.mark.parametrize("zone,dns", [("Z0123456789ABC", "route53"), ("/hostedzone/Z0123456789ABC", "auto"),
                                      ("0123456789abcdef0123456789abcdef", "cloudflare")])
def test_zone_may_be_a_zone_id_of_the_chosen_backend(zone, dns):
    assert parse_stack_config(with_domain(zone=zone, dns=dns)).domains[0].zone == zone


def test_sender_repr_hides_password():
    text = repr(SenderSpec("a@mail.company.com", SECRET))
    assert SECRET not in text and "password=<secret>" in text and "a@mail.company.com" in text
    assert "password=None" in repr(SenderSpec("a@mail.company.com"))
    config = parse_stack_config(full())
    assert SECRET not in repr(config) and SECRET not in str(config)


def test_route_expression():
    assert RouteSpec("a@mail.company.com", ("stop()",)).expression == 'match_recipient("a@mail.company.com")'


def test_constants_and_retention_seconds():
    assert REGIONS == ("us", "eu")
    assert set(DNS_MODES) == {"route53", "cloudflare", "manual", "auto"}
    assert DKIM_KEY_LENGTHS == (1024, 2048) and RETENTION_DAYS == (0, 1, 3, 7)
    assert (MAX_DOMAINS, MAX_SENDERS, MAX_ROUTES) == (5, 10, 10)
    assert [retention_seconds(d) for d in RETENTION_DAYS] == [0, 86400, 259200, 604800]


def test_specs_are_frozen():
    config = parse_stack_config(minimal())
    with pytest.raises(AttributeError):
        config.domains[0].name = "x.company.com"


# --- every rule: exact path and a recognisable piece of the rule --------------------------

def sender(username="a@mail.company.com", **more):
    return {"username": username, **more}


def route(recipient="a@mail.company.com", action="stop()", **more):
    return {"recipient": recipient, "action": action, **more}


def receiving_domain(**fields):
    return with_domain(receiving=True, senders=[sender()], **fields)


RULES = [
    # top level
    ({"dns": "bind", **minimal()}, "dns", "must be one of route53, cloudflare, manual, auto"),
    ({"dns": 5, **minimal()}, "dns", "must be a string"),
    ({"verifyTimeout": 9, **minimal()}, "verifyTimeout", "between 10 and 86400"),
    ({"verifyTimeout": "86401", **minimal()}, "verifyTimeout", "between 10 and 86400"),
    ({"verifyTimeout": "soon", **minimal()}, "verifyTimeout", "must be an integer"),
    ({"verifyTimeout": 1.5, **minimal()}, "verifyTimeout", "must be an integer"),
    ({"verifyTimeout": True, **minimal()}, "verifyTimeout", "must be an integer"),
    ({}, "domains", "is required"),
    ({"domains": []}, "domains", "at least one domain"),
    ({"domains": {"name": "mail.company.com"}}, "domains", "must be a list"),
    ({"domains": [{"name": f"m{i}.company.com"} for i in range(6)]}, "domains", "at most 5 subdomains per stack"),
    ({"domains": ["mail.company.com"]}, "domains[0]", "must be a mapping"),
    # domain entry
    (with_domain(recieving=True), "domains[0].recieving", "unknown key; allowed keys are name, region"),
    ({"domains": [{"region": "us"}]}, "domains[0].name", "is required"),
    ({"domains": [{"name": 42}]}, "domains[0].name", "must be a string"),
    ({"domains": [{"name": "mail..company.com"}]}, "domains[0].name", "is not a valid hostname"),
    ({"domains": [{"name": "-mail.company.com"}]}, "domains[0].name", "is not a valid hostname"),
    ({"domains": [{"name": "mail_x.company.com"}]}, "domains[0].name", "is not a valid hostname"),
    ({"domains": [{"name": "a" * 64 + ".company.com"}]}, "domains[0].name", "is not a valid hostname"),
    ({"domains": [{"name": ("a" * 60 + ".") * 4 + "company.com"}]}, "domains[0].name", "is not a valid hostname"),
    ({"domains": [{"name": "company.com"}]}, "domains[0].name",
     "company.com is a registrable root domain; Mailgun needs a subdomain such as mail.company.com"),
    ({"domains": [{"name": "Company.CO.UK."}]}, "domains[0].name", "company.co.uk is a registrable root domain"),
    ({"domains": [{"name": "co.uk"}]}, "domains[0].name", "co.uk is a public suffix"),
    ({"domains": [{"name": "com"}]}, "domains[0].name", "com is a public suffix"),
    ({"domains": [{"name": "mail.company.com"}, {"name": "MAIL.company.com."}]}, "domains[1].name",
     "listed more than once (first at domains[0])"),
    (with_domain(region="ap"), "domains[0].region", "must be one of us, eu"),
    (with_domain(dkimKeyLength=4096), "domains[0].dkimKeyLength", "must be one of 1024, 2048"),
    (with_domain(dkimKeyLength="big"), "domains[0].dkimKeyLength", "must be an integer"),
    (with_domain(dkimSelector="mg.x"), "domains[0].dkimSelector", "single DNS label"),
    (with_domain(dkimSelector="s" * 64), "domains[0].dkimSelector", "single DNS label"),
    (with_domain(dkimSelector=""), "domains[0].dkimSelector", "single DNS label"),
    (with_domain(retentionDays=2), "domains[0].retentionDays", "must be one of 0, 1, 3, 7"),
    (with_domain(receiving="maybe"), "domains[0].receiving", "must be true or false, got 'maybe'"),
    (with_domain(tracking=1), "domains[0].tracking", "must be true or false"),
    (with_domain(dns="dyn"), "domains[0].dns", "must be one of route53, cloudflare, manual, auto"),
    (with_domain(zone="example.org"), "domains[0].zone", "must be mail.company.com or one of its parent domains"),
    (with_domain(zone="pany.com"), "domains[0].zone", "one of its parent domains"),
    (with_domain(zone="bad zone.com"), "domains[0].zone", "is not a valid hostname"),
    (with_domain(zone="bad zone"), "domains[0].zone", "is neither a zone name (a parent domain of the subdomain) "
                                                      "nor a zone id (route53: capitals and digits"),
    (with_domain(zone="Z0123456789ABC", dns="cloudflare"), "domains[0].zone",
     "is a route53 zone id, so dns must be route53 (or auto), got cloudflare"),
    (with_domain(zone="0123456789abcdef0123456789abcdef", dns="route53"), "domains[0].zone",
     "is a cloudflare zone id, so dns must be cloudflare (or auto), got route53"),
    # senders
    (with_domain(senders="a@mail.company.com"), "domains[0].senders", "must be a list"),
    (with_domain(senders=[sender(f"u{i}@mail.company.com") for i in range(11)]), "domains[0].senders",
     "at most 10 senders"),
    (with_domain(senders=["a@mail.company.com"]), "domains[0].senders[0]", "must be a mapping"),
    (with_domain(senders=[sender(pasword="x")]), "domains[0].senders[0].pasword",
     "unknown key; allowed keys are username, password"),
    (with_domain(senders=[{"password": SECRET}]), "domains[0].senders[0].username", "is required"),
    (with_domain(senders=[sender("alice")]), "domains[0].senders[0].username", "full address <local>@<domain>"),
    (with_domain(senders=[sender("al ice@mail.company.com")]), "domains[0].senders[0].username", "local part"),
    (with_domain(senders=[sender("a" * 65 + "@mail.company.com")]), "domains[0].senders[0].username", "1-64"),
    (with_domain(senders=[sender("alice@company.com")]), "domains[0].senders[0].username",
     "must be an address at this domain, mail.company.com"),
    (with_domain(senders=[sender("a@mail.company.com"), sender("A@Mail.company.com")]),
     "domains[0].senders[1].username", "listed more than once (first at domains[0].senders[0])"),
    (with_domain(senders=[sender(password="abcd")]), "domains[0].senders[0].password", "5 to 32 characters"),
    (with_domain(senders=[sender(password="x" * 33)]), "domains[0].senders[0].password", "5 to 32 characters"),
    (with_domain(senders=[sender(password=123456)]), "domains[0].senders[0].password", "must be a string"),
    # routes
    (with_domain(senders=[sender()], routes=[route()]), "domains[0].routes", "routes need receiving: true"),
    (receiving_domain(routes={"recipient": "a@mail.company.com"}), "domains[0].routes", "must be a list"),
    (receiving_domain(routes=[route()] * 11), "domains[0].routes", "at most 10 routes"),
    (receiving_domain(routes=["stop()"]), "domains[0].routes[0]", "must be a mapping"),
    (receiving_domain(routes=[route(prio=1)]), "domains[0].routes[0].prio",
     "unknown key; allowed keys are recipient, action, description, priority"),
    (receiving_domain(routes=[{"action": "stop()"}]), "domains[0].routes[0].recipient", "is required"),
    (receiving_domain(routes=[route("z@mail.company.com")]), "domains[0].routes[0].recipient",
     "z@mail.company.com is not one of this domain's senders (a@mail.company.com)"),
    (receiving_domain(routes=[{"recipient": "a@mail.company.com"}]), "domains[0].routes[0].action", "is required"),
    (receiving_domain(routes=[route(action=[])]), "domains[0].routes[0].action", "non-empty list of strings"),
    (receiving_domain(routes=[route(action=7)]), "domains[0].routes[0].action", "non-empty list of strings"),
    (receiving_domain(routes=[route(action=["store()", 7])]), "domains[0].routes[0].action[1]", "must be a string"),
    (receiving_domain(routes=[route(action="forward('http://x/y')")]), "domains[0].routes[0].action",
     "double quotes"),
    (receiving_domain(routes=[route(action="drop()")]), "domains[0].routes[0].action", "is not an action; use"),
    (receiving_domain(routes=[route(action='store(notify="x")', description="d")]),
     "domains[0].routes[0].action", "store notify 'x' must be an http(s) URL"),
    (receiving_domain(routes=[route(action='store(notify="ops@example.org")')]),
     "domains[0].routes[0].action", "must be an http(s) URL"),
    (receiving_domain(routes=[route(action='forward("ftp://x/y")')]), "domains[0].routes[0].action",
     "must be an http(s) URL or an e-mail address"),
    (receiving_domain(routes=[route(action='forward("not an address")')]), "domains[0].routes[0].action",
     "must be an http(s) URL or an e-mail address"),
    (receiving_domain(routes=[route(action=["stop()", "store()"])]), "domains[0].routes[0].action[0]",
     "stop() must be the last action"),
    (receiving_domain(routes=[route(action=["store()", 'forward "x"'])]), "domains[0].routes[0].action[1]",
     "is not an action"),
    (receiving_domain(routes=[route(description="x" * 256)]), "domains[0].routes[0].description",
     "at most 255 characters"),
    (receiving_domain(routes=[route(description=["x"])]), "domains[0].routes[0].description", "must be a string"),
    (receiving_domain(routes=[route(priority=-1)]), "domains[0].routes[0].priority", "between 0 and 32767"),
    (receiving_domain(routes=[route(priority="32768")]), "domains[0].routes[0].priority", "between 0 and 32767"),
]


@pytest.mark.parametrize("raw, path, rule", RULES, ids=[f"{i}:{path}" for i, (_, path, _) in enumerate(RULES)])
def test_rule(raw, path, rule):
    problem = only_problem(raw)
    assert problem.startswith(f"{path}: "), problem
    assert rule in problem


def test_several_errors_reported_at_once():
    raw = copy.deepcopy(full())
    raw["dns"] = "bind"
    raw["verifyTimeout"] = 1
    first = raw["domains"][0]
    first["region"] = "asia"
    first["senders"][1]["password"] = "abc"
    first["routes"][0]["action"] = ["stop()", "store()"]
    raw["domains"][1] = {"name": "company.org", "sendrs": []}
    raw["domains"].append("oops")
    error = pytest.raises(ConfigError, parse_stack_config, raw).value
    paths = [problem.path for problem in error.problems]
    assert paths == ["dns", "verifyTimeout", "domains[0].region", "domains[0].senders[1].password",
                     "domains[0].routes[0].action[0]", "domains[1].sendrs", "domains[1].name", "domains[2]"]
    assert all(str(problem) in str(error) for problem in error.problems)


def test_dependent_checks_skipped_when_base_unusable():
    # the name is unusable, so the sender's domain part and the zone are not checked against it
    assert problems_of({"domains": [{"name": "company.com", "zone": "other.org",
                                     "senders": [sender("a@elsewhere.org")]}]}) == [
        "domains[0].name: company.com is a registrable root domain; "
        "Mailgun needs a subdomain such as mail.company.com"]
    # senders is unusable, so route recipients are not checked against it
    problem = only_problem(with_domain(receiving=True, senders="x", routes=[route("z@mail.company.com")]))
    assert problem.startswith("domains[0].senders: ")
    # receiving is unusable, so "routes need receiving" is not claimed
    problem = only_problem(with_domain(receiving="maybe", senders=[sender()], routes=[route()]))
    assert problem.startswith("domains[0].receiving: ")
    # an invalid sender still counts as a sender for its routes: one mistake, one problem
    problem = only_problem(with_domain(receiving=True, senders=[sender("a@company.com")],
                                       routes=[route("a@company.com")]))
    assert problem.startswith("domains[0].senders[0].username: ")


def test_not_a_mapping_at_all():
    assert problems_of(["domains"]) == ["config: must be a mapping, got list"]


@pytest.mark.parametrize("bad", ["Qw3", "Qw3rty" * 6, 987654, ["Qw3rtyuiop"]])
def test_bad_password_never_shown(bad):
    problem = only_problem(with_domain(senders=[sender(password=bad)]))
    assert problem.startswith("domains[0].senders[0].password: ")
    assert str(bad) not in problem and "Qw3" not in problem and "987" not in problem


@given(st.one_of(st.text(max_size=3), st.text(min_size=32, max_size=60)).map(lambda text: "\u00a7" + text))
def test_no_bad_password_appears_in_any_message(password):
    # the marker character occurs in no rule text, so finding it would mean the value leaked
    raw = with_domain(senders=[sender(password=password), sender("bad", password=password)],
                      routes=[route("nobody@x.org")])
    error = pytest.raises(ConfigError, parse_stack_config, raw).value
    assert len(error.problems) == 5
    assert "\u00a7" not in str(error)


@given(st.sampled_from(DNS_MODES), st.integers(10, 86400), st.sampled_from(REGIONS),
       st.sampled_from(DKIM_KEY_LENGTHS), st.sampled_from(RETENTION_DAYS), st.booleans())
def test_valid_values_in_any_spelling(dns, timeout, region, key_length, days, receiving):
    raw = {"dns": dns.upper(), "verifyTimeout": str(timeout), "domains": [{
        "name": "mail.company.com", "region": f" {region.upper()} ", "dkimKeyLength": str(key_length),
        "retentionDays": days, "receiving": str(receiving).lower()}]}
    config = parse_stack_config(raw)
    domain = config.domains[0]
    assert (config.dns, config.verify_timeout) == (dns, timeout)
    assert (domain.region, domain.dkim_key_length, domain.retention_days, domain.receiving) == (
        region, key_length, days, receiving)


# --- webhooks and API keys (the runbook's extras) ----------------------------------------

def test_webhooks_and_api_keys_parse():
    raw = {"domains": [{"name": "mail.company.com", "webhooks": [
        {"kind": "permanent_fail", "urls": ["https://hooks.example/fail"]},
        {"kind": "DELIVERED", "urls": "https://hooks.example/ok"}]}],
        "apiKeys": [{"name": "exporter", "description": "metrics"},
                    {"name": "app", "role": "sending", "domain": "mail.company.com", "expiration": "86400"}]}
    config = parse_stack_config(raw)
    from mailgun_setup.config import ApiKeySpec, WebhookSpec
    assert config.domains[0].webhooks == (WebhookSpec("permanent_fail", ("https://hooks.example/fail",)),
                                          WebhookSpec("delivered", ("https://hooks.example/ok",)))
    assert config.api_keys == (ApiKeySpec("exporter", "basic", "metrics"),
                               ApiKeySpec("app", "sending", "", "mail.company.com", 86400))


def test_webhook_and_api_key_rules_name_every_path():
    raw = {"domains": [{"name": "mail.company.com", "webhooks": [
        {"kind": "bounced", "urls": ["https://a/1", "https://a/2", "https://a/3", "https://a/4"]},
        {"kind": "opened", "urls": ["ftp://x"]}, {"kind": "opened", "urls": ["https://x"]}]}],
        "apiKeys": [{"name": "k", "role": "root"}, {"name": "s", "role": "sending"},
                    {"name": "b", "role": "basic", "domain": "mail.company.com"},
                    {"name": "o", "role": "sending", "domain": "other.company.com"}, {"name": "k"}]}
    problems = problems_of(raw)
    paths = [p.split(": ", 1)[0] for p in problems]
    for expected in ("domains[0].webhooks[0].kind", "domains[0].webhooks[0].urls", "domains[0].webhooks[1].urls[0]",
                     "domains[0].webhooks[2].kind", "apiKeys[0].role", "apiKeys[1].domain", "apiKeys[2].role",
                     "apiKeys[3].domain", "apiKeys[4].name"):
        assert expected in paths, (expected, problems)


def test_webhook_signing_key_is_optional_and_takes_only_rotate():
    from mailgun_setup.config import SigningKeySpec
    base = {"domains": [{"name": "mail.company.com"}]}
    assert parse_stack_config(base).webhook_signing_key is None
    assert parse_stack_config({**base, "webhookSigningKey": {}}).webhook_signing_key == SigningKeySpec()
    assert parse_stack_config({**base, "webhookSigningKey": {"rotate": "2026-12"}}).webhook_signing_key.rotate == \
        "2026-12"
    with pytest.raises(ConfigError) as bad:
        parse_stack_config({**base, "webhookSigningKey": {"rotate": 3, "key": "x"}})
    text = str(bad.value)
    assert "webhookSigningKey.rotate" in text and "webhookSigningKey.key: unknown key" in text
