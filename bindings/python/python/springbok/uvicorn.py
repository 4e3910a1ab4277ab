"""uvicorn's HTTP/1.1 protocol with Springbok parsing every request.

Run ``uvicorn app:app --http springbok.uvicorn:HttpProtocol`` (or pass
``http=springbok.uvicorn.HttpProtocol`` to ``uvicorn.Config``). httptools
need not be installed.

The protocol is uvicorn's own ``HttpToolsProtocol``, loaded from uvicorn's
``httptools_impl`` module with :mod:`springbok.httptools` bound to the name
``httptools`` in that module, so connection handling, flow control,
keep-alive, pipelining, ``Expect: 100-continue`` and WebSocket upgrades are
exactly uvicorn's: only the parser changes (headers arrive in one call, see
:class:`HttpProtocol`), and the response-header checks uvicorn makes with
two one-class regexes use the same classes as byte tables.
"""

import importlib.util
import sys

from . import _native
from . import httptools as _httptools

_IMPL = "uvicorn.protocols.http.httptools_impl"


def _load():
    spec = importlib.util.find_spec(_IMPL)
    if spec is None or spec.origin is None:
        raise ImportError("springbok.uvicorn needs uvicorn (uvicorn.protocols.http.httptools_impl)")
    name = __name__ + "._httptools_impl"
    module_spec = importlib.util.spec_from_file_location(name, spec.origin)
    module = importlib.util.module_from_spec(module_spec)
    # The module's `import httptools` must find Springbok's, whether or not
    # httptools is installed; the real entry (if any) is put back after.
    absent = object()
    saved = sys.modules.get("httptools", absent)
    sys.modules["httptools"] = _httptools
    try:
        module_spec.loader.exec_module(module)
    finally:
        if saved is absent:
            del sys.modules["httptools"]
        else:
            sys.modules["httptools"] = saved
    return module


_impl = _load()


def _single_class(regex):
    """The bytes a compiled regex matches when it is one character class
    (`[...]`), or None when it is anything else."""
    try:
        import re._parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover - Python < 3.11
        import sre_parse
    parsed = list(sre_parse.parse(regex.pattern.decode("latin-1") if isinstance(regex.pattern, bytes)
                                  else regex.pattern, regex.flags))
    if len(parsed) != 1 or str(parsed[0][0]) != "IN":
        return None
    return bytes(b for b in range(256) if regex.search(bytes([b])))


# uvicorn checks every response header name and value with a one-class
# regex; the same class as a byte table answers the same question at a
# fraction of the cost. Only done when the regex is exactly one class.
#: uvicorn's regexes that were replaced, by name (for the tests).
REPLACED_CHECKS = {}
for _name in ("HEADER_RE", "HEADER_VALUE_RE"):
    _regex = getattr(_impl, _name, None)
    _members = _single_class(_regex) if _regex is not None else None
    if _members is not None:
        REPLACED_CHECKS[_name] = _regex
        setattr(_impl, _name, _native.ByteClass(_members))


class HttpProtocol(_impl.HttpToolsProtocol):
    """uvicorn's ``HttpToolsProtocol`` on :mod:`springbok.httptools`.

    One callback differs: Springbok's parser hands over a head's headers in
    one ``on_headers`` call, names already lower-cased and values already
    trimmed (what uvicorn's ``on_header`` does to each), instead of one
    ``on_header`` call per header.
    """

    def on_headers(self, headers):
        self.headers.extend(headers)
        if self.parser.expect_continue():
            self.expect_100_continue = True


__all__ = ["HttpProtocol"]
