"""multipart/form-data and urlencoded form bodies, python-multipart style.

* :class:`MultipartParser` -- python-multipart's streaming callback parser
  (``MultipartParser(boundary, callbacks, max_size)``, ``write``,
  ``finalize``), as Starlette and FastAPI drive it.
* :class:`QuerystringParser` -- python-multipart's urlencoded callback
  parser, on Springbok's form splitter.
* :func:`parse_options_header` -- ``(type, {param: value})`` of a
  Content-Type or Content-Disposition value.
* :func:`iter_events` and :func:`iter_parts` -- the same parser as Python
  iterators.
* :func:`install` -- makes ``import python_multipart`` resolve here, so that
  Starlette's ``request.form()`` parses with Springbok.

Every limit of the parser is a keyword argument (``max_parts``,
``max_header_bytes``, ``max_headers``, ``max_preamble_bytes``,
``max_epilogue_bytes``, ``max_field_bytes``, ``max_file_bytes``,
``max_files``, ``max_fields``, ``max_total_bytes``); a body over one raises
:class:`LimitExceeded`, whose ``limit`` attribute names it.
"""

import sys

from . import _native
from ._native import (
    END,
    PART_END,
    EventParser,
    FormParserError,
    LimitExceeded,
    MultipartParseError,
    MultipartParser,
    ParseError,
    PartHeaders,
    QuerystringParseError,
    basename,
    boundary,
    parse_options_header,
)

__all__ = [
    "MultipartParser",
    "QuerystringParser",
    "EventParser",
    "PartHeaders",
    "Part",
    "PART_END",
    "END",
    "FormParserError",
    "ParseError",
    "MultipartParseError",
    "QuerystringParseError",
    "LimitExceeded",
    "basename",
    "boundary",
    "parse_options_header",
    "iter_events",
    "iter_parts",
    "install",
]

#: Default bound on a buffered urlencoded body (Rack's), when ``max_size``
#: is not given.
DEFAULT_MAX_QUERYSTRING_BYTES = 4 << 20


class QuerystringParser:
    """python-multipart's ``QuerystringParser(callbacks, strict_parsing,
    max_size)``: ``on_field_start``, ``on_field_name(data, start, end)``,
    ``on_field_data(data, start, end)`` (raw, still percent-encoded, as
    python-multipart gives them), ``on_field_end`` and ``on_end``.

    The body is buffered and split at :meth:`finalize` (fields are short;
    the buffer is bounded by ``max_size``, 4 MiB by default, and a body over
    it raises :class:`LimitExceeded` rather than being truncated).
    """

    def __init__(self, callbacks=None, strict_parsing=False, max_size=None):
        self.callbacks = callbacks or {}
        self.strict_parsing = strict_parsing
        if max_size is None or max_size == float("inf"):
            max_size = DEFAULT_MAX_QUERYSTRING_BYTES if max_size is None else sys.maxsize
        self.max_size = int(max_size)
        self._buf = bytearray()

    def write(self, data):
        if len(self._buf) + len(data) > self.max_size:
            err = LimitExceeded(f"max_size={self.max_size} exceeded: urlencoded body too large")
            err.limit, err.value, err.status = "max_size", self.max_size, 413
            raise err
        self._buf += data
        return len(data)

    def finalize(self):
        data = bytes(self._buf)
        self._buf = bytearray()
        get = self.callbacks.get
        start, name, value, end = (get("on_field_start"), get("on_field_name"),
                                   get("on_field_data"), get("on_field_end"))
        for ks, ke, vs, ve in _native.raw_pair_spans(data):
            if self.strict_parsing and (ke == ks or data[ke:ke + 1] != b"="):
                raise QuerystringParseError(f"invalid urlencoded field at byte {ks}")
            if start:
                start()
            if name and ke > ks:
                name(data, ks, ke)
            if value and ve > vs:
                value(data, vs, ve)
            if end:
                end()
        on_end = get("on_end")
        if on_end:
            on_end()


class Part:
    """A part read whole by :func:`iter_parts`: its headers (see
    :class:`PartHeaders`) and its data."""

    __slots__ = ("headers", "data")

    def __init__(self, headers, data):
        self.headers = headers
        self.data = data

    @property
    def name(self):
        return self.headers.name

    @property
    def filename(self):
        return self.headers.filename

    @property
    def content_type(self):
        return self.headers.content_type

    def __repr__(self):
        return f"<Part name={self.name!r} filename={self.filename!r} {len(self.data)} bytes>"


def _boundary_of(boundary=None, content_type=None):
    if (boundary is None) == (content_type is None):
        raise TypeError("give exactly one of boundary= and content_type=")
    return boundary if boundary is not None else _native.boundary(content_type)


def iter_events(chunks, boundary=None, *, content_type=None, **limits):
    """Yields the events of a body given as an iterable of bytes chunks:
    a :class:`PartHeaders` when a part starts, ``bytes`` for its data (in
    pieces), ``PART_END`` and, at the close delimiter, ``END``. Raises when
    the body is invalid, over a limit, or ends before its close delimiter.
    """
    parser = EventParser(_boundary_of(boundary, content_type), **limits)
    for chunk in chunks:
        yield from parser.feed(chunk)
    parser.finish()


def iter_parts(chunks, boundary=None, *, content_type=None, **limits):
    """Yields each :class:`Part` with its data joined (the limits bound it:
    ``max_field_bytes`` for fields, ``max_total_bytes`` for the body)."""
    headers, data = None, []
    for event in iter_events(chunks, boundary, content_type=content_type, **limits):
        if isinstance(event, bytes):
            data.append(event)
        elif isinstance(event, PartHeaders):
            headers, data = event, []
        elif event == PART_END:
            yield Part(headers, b"".join(data))


def install():
    """Makes ``import python_multipart`` (and its ``multipart`` and
    ``exceptions`` submodules) give this module, so that code written for
    python-multipart, such as Starlette's form parsing, uses Springbok.
    Call it before that code is imported. Returns the replaced modules."""
    me = sys.modules[__name__]
    names = ["python_multipart", "python_multipart.multipart", "python_multipart.exceptions"]
    previous = {n: sys.modules.get(n) for n in names}
    for n in names:
        sys.modules[n] = me
    return previous
