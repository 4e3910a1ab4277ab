"""springbok.parse_qsl / parse_qs against urllib.parse on the same inputs
and arguments."""

import random
import sys
import urllib.parse as up

import pytest

import springbok

CORPUS = [
    "", "a=1", "a=1&b=2", "a=1&&b=2&", "&", "=", "=x", "a", "a=", "a==b", "a=1;b=2", "a+b=c+d",
    "%41%42=%43", "%zz=%4", "%=%%", "a=%E2%82%AC", "a=%ff", "a=%E2%82", "a=%C3", "x=%2B%26%3D",
    "q=HTTP%3A%3ARequest&ie=UTF-8; x=1", "caf\u00e9=cr\u00e8me&\u20ac=1", "%C3\u00a9=%",
    "ref=home&utm_source=feed&utm_medium=rss&utm_campaign=springbok&x=%20y",
]

ARGS = [dict(), dict(keep_blank_values=True), dict(max_num_fields=2), dict(max_num_fields=10),
        dict(strict_parsing=True), dict(separator=";"), dict(encoding="latin-1"),
        dict(errors="strict"), dict(errors="ignore"), dict(keep_blank_values=True, max_num_fields=3)]


def outcome(f, qs, kw):
    try:
        return f(qs, **kw)
    except (ValueError, UnicodeError) as e:
        return type(e).__name__


def random_queries(n):
    rng = random.Random(4)
    alphabet = "ab=&%+;2fFE\u00e9 \x00\t"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16))) for _ in range(n)]


@pytest.mark.parametrize("kw", ARGS, ids=[repr(a) for a in ARGS])
def test_str_matches_urllib(kw):
    for qs in CORPUS + random_queries(3000):
        assert outcome(springbok.parse_qsl, qs, kw) == outcome(up.parse_qsl, qs, kw), qs
        assert outcome(springbok.parse_qs, qs, kw) == outcome(up.parse_qs, qs, kw), qs


def test_bytes_match_urllib_where_it_answers():
    """Bytes in, percent-decoded bytes out (Python 3.13's results). Before
    3.13 urllib raises for non-ASCII results; elsewhere the results agree."""
    for qs in CORPUS + random_queries(3000):
        b = qs.encode("utf-8")
        ours = springbok.parse_qsl(b, keep_blank_values=True)
        theirs = outcome(up.parse_qsl, b, dict(keep_blank_values=True))
        if isinstance(theirs, list):
            assert ours == theirs, b
        else:
            assert sys.version_info < (3, 13)
            assert ours == [(k.encode("latin-1"), v.encode("latin-1")) for k, v in
                            up.parse_qsl(b.decode("latin-1"), keep_blank_values=True, encoding="latin-1")]
    assert springbok.parse_qsl(bytearray(b"a=%C3%A9")) == [(b"a", b"\xc3\xa9")]


def test_surrogates_and_none():
    assert springbok.parse_qsl("a=\udcff") == up.parse_qsl("a=\udcff")
    assert springbok.parse_qsl(None) == [] and springbok.parse_qs(b"") == {}
    with pytest.raises(ValueError, match="Max number of fields exceeded"):
        springbok.parse_qsl("", max_num_fields=0)


def test_large_query():
    qs = "&".join(f"key{i}=value%20{i}+x" for i in range(20000))
    assert springbok.parse_qsl(qs) == up.parse_qsl(qs)
    assert springbok.parse_qs(qs) == up.parse_qs(qs)
