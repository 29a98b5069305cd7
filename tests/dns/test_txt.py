from hypothesis import given, strategies as st

from mailgun_setup.dns.txt import quote_txt, unquote_txt


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=1200))
def test_quote_then_unquote_gives_the_value_back(value):
    assert unquote_txt(quote_txt(value)) == value


def test_long_value_is_split_into_255_byte_strings():
    value = "k=rsa; p=" + "B" * 400
    quoted = quote_txt(value)
    parts = quoted.split('" "')
    assert len(parts) == 2 and len(parts[0].lstrip('"')) == 255
    assert unquote_txt(quoted) == value


def test_quotes_and_backslashes_are_escaped():
    assert quote_txt('a"b\\c') == '"a\\"b\\\\c"'
    assert unquote_txt('"a\\"b\\\\c"') == 'a"b\\c'
