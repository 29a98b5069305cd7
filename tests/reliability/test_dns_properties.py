"""Point 5, properties: TXT quoting/splitting and name normalisation hold for any input hypothesis
finds, not only for the examples in tests/dns. Each property is one entry in the results file."""
from __future__ import annotations

import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from mailgun_setup import rules
from mailgun_setup.dns import names
from mailgun_setup.dns.route53 import from_wire_value, to_wire_value
from mailgun_setup.dns.txt import MAX_STRING, quote_txt, unquote_txt

POINT = "properties"
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Any printable Unicode text. Control characters are left out: a zone file and Route 53 spell them
# as numeric escapes (decimal and octal respectively), which no value this tool writes contains.
# A run of ASCII first, so multi-byte characters land on the 255-byte boundary often.
ANY_TEXT = st.builds(lambda n, text: "k" * n + text, st.integers(min_value=0, max_value=260),
                     st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=600))
ASCII = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=1200)
LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
SUFFIX = st.sampled_from(["com", "org", "co.uk", "com.au", "io", "de"])


@pytest.fixture
def prove(ledger):
    """Run a hypothesis property and record whether it held."""
    def run(name: str, prop) -> None:
        ledger.expect(POINT, [name])
        try:
            prop()
        except Exception as exc:
            ledger.record(POINT, name, False, str(exc).splitlines()[0][:200])
            raise
        ledger.record(POINT, name, True)
    return run


def _strings(presentation: str) -> list[bytes]:
    return list(dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, presentation).strings)


def test_txt_quoting_round_trips_any_text(prove):
    @SETTINGS
    @given(ANY_TEXT)
    def prop(value):
        assert unquote_txt(quote_txt(value)) == value
        assert from_wire_value("TXT", to_wire_value("TXT", value)) == value  # what Route 53 stores and gives back
    prove("TXT: quote then unquote gives any printable Unicode value back (Route 53 wire form too)", prop)


def test_txt_strings_are_at_most_255_bytes_and_minimal_for_ascii(prove):
    @SETTINGS
    @given(ASCII)
    def prop(value):
        strings = _strings(quote_txt(value))
        assert all(len(s) <= MAX_STRING for s in strings)
        assert len(strings) == max(1, -(-len(value) // MAX_STRING))  # as few strings as the limit allows
    prove("TXT: every character-string ≤ 255 bytes, and no more strings than needed", prop)


def test_txt_strings_never_split_a_character(prove):
    @SETTINGS
    @given(ANY_TEXT)
    def prop(value):
        for raw in _strings(quote_txt(value)):
            assert len(raw) <= MAX_STRING
            raw.decode("utf-8")  # each string is whole UTF-8 on its own: no character cut in two
    prove("TXT: a multi-byte character is never cut between two strings", prop)


def test_txt_unquote_joins_a_split_made_by_someone_else(prove):
    @SETTINGS
    @given(ASCII, st.lists(st.integers(min_value=0, max_value=1200), max_size=6))
    def prop(value, cuts):
        points = sorted({c for c in cuts if 0 < c < len(value)})
        pieces = [value[a:b] for a, b in zip([0] + points, points + [len(value)])]
        foreign = " ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in pieces)
        assert unquote_txt(foreign) == value
    prove("TXT: a value split anywhere by another tool (Cloudflare, a zone file) reads back joined", prop)


def _variants(name: str):
    return st.sampled_from([name, name.upper(), name.title(), f"{name}.", f"  {name.upper()}. "])


def test_name_normalisation_is_stable(prove):
    @SETTINGS
    @given(st.lists(LABEL, min_size=1, max_size=4), SUFFIX, st.data())
    def prop(labels, suffix, data):
        name = ".".join(labels + [suffix])
        variant = data.draw(_variants(name))
        assert names.bare(variant) == name == names.bare(names.bare(variant))
        assert names.fqdn(variant) == name + "." and names.bare(names.fqdn(name)) == name
        assert rules.hostname(variant.strip(), "name", []) == name  # the config reads it the same way
        assert names.registrable(variant) == names.registrable(name)
    prove("names: case, whitespace and a trailing dot never change a name, its FQDN or its registrable domain", prop)


def test_a_subdomain_is_accepted_and_its_root_refused(prove):
    @SETTINGS
    @given(st.lists(LABEL, min_size=2, max_size=4), SUFFIX)
    def prop(labels, suffix):
        root = f"{labels[-1]}.{suffix}"
        assume(names.public_suffix_list().publicsuffix(root) == suffix)  # uk.com is itself a (private) suffix
        name = ".".join(labels[:-1] + [root])
        assert names.registrable(name) == root
        assert names.in_zone(name, names.zone_for(name, None))
        problems: list = []
        assert rules.domain_name(name, "name", problems) == name and not problems
        assert rules.domain_name(root, "name", problems) is None
        assert [p.rule for p in problems] == [f"{root} is a registrable root domain; Mailgun needs a subdomain such "
                                              f"as mail.{root}"]
    prove("names: any subdomain of a registrable domain is accepted, the registrable domain itself refused", prop)


def test_zone_membership_respects_label_boundaries(prove):
    @SETTINGS
    @given(st.lists(LABEL, min_size=1, max_size=3), LABEL, SUFFIX)
    def prop(host, glued, suffix):
        zone = f"{glued}.{suffix}"
        name = ".".join(host + [zone])
        assert names.in_zone(name, zone) and names.relative(name, zone) == ".".join(host)
        assert not names.in_zone(f"x{zone}", zone)  # xcompany.com is not in company.com
        with pytest.raises(ValueError):
            names.relative(f"x{zone}", zone)
    prove("names: zone membership and relative hosts follow label boundaries", prop)
