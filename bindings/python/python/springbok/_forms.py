"""``parse_qsl`` / ``parse_qs`` with ``urllib.parse``'s signature and results."""

import urllib.parse as _urllib

from . import _native

_AMP = ("&", b"&")


def parse_qsl(qs, keep_blank_values=False, strict_parsing=False,
              encoding="utf-8", errors="replace", max_num_fields=None,
              separator="&"):
    """Parse a query string into a list of ``(name, value)`` pairs.

    Same arguments and results as :func:`urllib.parse.parse_qsl`: ``str`` in,
    ``str`` pairs out; bytes in, bytes pairs out (percent-decoded bytes, as
    Python 3.13 returns them). ``strict_parsing`` and separators other than
    ``&`` are handed to ``urllib.parse`` itself.
    """
    if strict_parsing or separator not in _AMP:
        return _urllib.parse_qsl(qs, keep_blank_values, strict_parsing, encoding,
                                 errors, max_num_fields, separator)
    if max_num_fields is not None:
        count = qs.count(b"&" if isinstance(qs, (bytes, bytearray)) else "&") if qs else 0
        if max_num_fields < 1 + count:
            raise ValueError("Max number of fields exceeded")
    if not qs:
        return []
    if isinstance(qs, str):
        if qs.isascii():
            raw = qs.encode("ascii")
        else:
            if encoding.lower().replace("-", "").replace("_", "") != "utf8":
                return _urllib.parse_qsl(qs, keep_blank_values, strict_parsing,
                                         encoding, errors, max_num_fields, separator)
            try:
                raw = qs.encode("utf-8")
            except UnicodeEncodeError:  # lone surrogates: urllib keeps them
                return _urllib.parse_qsl(qs, keep_blank_values, strict_parsing,
                                         encoding, errors, max_num_fields, separator)
        if errors == "replace" and encoding.lower().replace("-", "").replace("_", "") == "utf8":
            return _native.qsl_str(raw, bool(keep_blank_values))
        return [(k.decode(encoding, errors), v.decode(encoding, errors))
                for k, v in _native.qsl_bytes(raw, bool(keep_blank_values))]
    return _native.qsl_bytes(bytes(qs), bool(keep_blank_values))


def parse_qs(qs, keep_blank_values=False, strict_parsing=False,
             encoding="utf-8", errors="replace", max_num_fields=None,
             separator="&"):
    """Parse a query string into a dict of name -> list of values, as
    :func:`urllib.parse.parse_qs` does."""
    result = {}
    for name, value in parse_qsl(qs, keep_blank_values, strict_parsing, encoding,
                                 errors, max_num_fields, separator):
        if name in result:
            result[name].append(value)
        else:
            result[name] = [value]
    return result
