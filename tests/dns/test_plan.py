"""The planning rules every backend shares: merge, never clobber; take back only ours."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailgun_setup.dns import plan, spf
from mailgun_setup.dns.types import RecordSet
from mailgun_setup.errors import RecordConflictError

OURS = "v=spf1 include:mailgun.org ~all"
mechanism = st.sampled_from(["a", "mx", "ip4:192.0.2.1", "include:_spf.google.com", "include:spf.protection.outlook.com"])


@given(st.lists(mechanism, unique=True, max_size=4), st.sampled_from(["~all", "-all", "?all"]))
def test_spf_merge_then_unmerge_gives_back_the_foreign_record(terms, all_term):
    foreign = " ".join(["v=spf1", *terms, all_term])
    before = RecordSet(300, (foreign, "site-verification=1"))
    published = plan.publish("mail.x.com", "TXT", 300, before, [OURS])
    (merged,) = [v for v in published.after if spf.is_spf(v)]
    assert merged.split()[-1] == all_term and "include:mailgun.org" in merged.split()
    assert spf.contains(merged, OURS)
    keep = tuple(plan.preexisting(before, [OURS], "TXT"))
    withdrawn = plan.withdraw("mail.x.com", "TXT", RecordSet(300, tuple(published.after)), [OURS], keep)
    assert withdrawn.after == [foreign, "site-verification=1"]  # even `v=spf1 ~all`, merged into exactly ours


def test_our_own_spf_alone_is_removed_on_withdraw():
    before = RecordSet(300, ("site-verification=1",))
    published = plan.publish("mail.x.com", "TXT", 300, before, [OURS])
    assert plan.preexisting(before, [OURS], "TXT") == []
    withdrawn = plan.withdraw("mail.x.com", "TXT", RecordSet(300, tuple(published.after)), [OURS])
    assert withdrawn.after == ["site-verification=1"]


def test_a_second_spf_record_is_never_added():
    before = RecordSet(300, ("v=spf1 mx -all", "site-verification=1"))
    change = plan.publish("mail.x.com", "TXT", 300, before, [OURS])
    assert change.add == () and change.after == ["v=spf1 mx include:mailgun.org -all", "site-verification=1"]


def test_a_cname_in_the_way_is_a_conflict():
    with pytest.raises(RecordConflictError, match="already has a CNAME to ghs.example"):
        plan.publish("email.mail.x.com", "CNAME", 300, RecordSet(300, ("ghs.example",)), ["mailgun.org"])


def test_withdraw_keeps_values_that_were_there_before_us():
    before = RecordSet(300, ("10 mxa.mailgun.org", "10 mxb.mailgun.org"))
    change = plan.withdraw("mail.x.com", "MX", before, ["10 mxa.mailgun.org", "10 mxb.mailgun.org"],
                           keep=("10 mxa.mailgun.org",))
    assert change.after == ["10 mxa.mailgun.org"]


def test_a_foreign_dmarc_policy_is_kept_in_place_of_ours():
    ours = "v=DMARC1; p=none; rua=mailto:d@x.com"
    theirs = "v=DMARC1; p=reject"
    before = RecordSet(300, (theirs, "other-txt=1"))
    assert plan.publish("_dmarc.mail.x.com", "TXT", 300, before, [ours]) is None  # never a second DMARC
    assert plan.preexisting(before, [ours], "TXT") == [theirs]  # reported, and kept on destroy
    assert plan.withdraw("_dmarc.mail.x.com", "TXT", before, [ours], keep=(theirs,)) is None
    change = plan.publish("_dmarc.mail.x.com", "TXT", 300, RecordSet(300, ("other-txt=1",)), [ours])
    assert change.add == (ours,)


def test_an_include_after_all_is_not_served_and_the_merge_moves_it_before_all():
    ours = "v=spf1 include:mailgun.org ~all"
    late = "v=spf1 ip4:192.0.2.1 ~all include:mailgun.org"
    assert not spf.contains(late, ours)  # receivers stop at ~all (RFC 7208 §5.1)
    assert spf.merge(late, ours) == "v=spf1 ip4:192.0.2.1 include:mailgun.org ~all"  # foreign terms kept
    assert spf.contains(spf.merge(late, ours), ours)


def test_another_key_at_our_dkim_selector_is_taken_out_when_ours_is_published():
    ours = "k=rsa; p=OURS"
    before = RecordSet(300, ("k=rsa; p=TAMPERED", ours))
    change = plan.publish("mg._domainkey.mail.company.com", "TXT", 300, before, [ours])
    assert change.after == [ours]
    assert plan.publish("mail.company.com", "TXT", 300, RecordSet(300, ("google-site-verification=x",)),
                        ["v=spf1 include:mailgun.org ~all"]).after[0] == "google-site-verification=x"


def test_a_sync_takes_another_key_at_our_selector_out_too():
    ours = "k=rsa; p=OURS"
    change = plan.sync("mg._domainkey.mail.company.com", "TXT", 300, RecordSet(300, ("k=rsa; p=TAMPERED",)), [],
                       [ours])
    assert change.after == [ours]
