"""Shared helpers: the peers (required when SPRINGBOK_REQUIRE_PEERS is set,
as the CI script sets it, so that a missing peer fails instead of skipping)
and a recording protocol for httptools-style parsers."""

import importlib
import os

import pytest

REQUIRE_PEERS = bool(os.environ.get("SPRINGBOK_REQUIRE_PEERS"))


def peer(name):
    """Imports a peer module, or skips (fails under SPRINGBOK_REQUIRE_PEERS)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        if REQUIRE_PEERS:
            raise
        pytest.skip(f"{name} is not installed")


def version(module):
    """A module's version as a tuple of ints (0s for what is not a number)."""
    v = getattr(module, "__version__", "0")
    return tuple(int(x) if x.isdigit() else 0 for x in v.split(".")[:3])


class Recorder:
    """A protocol with every httptools callback; records the calls and, at
    on_headers_complete, the getters (what uvicorn reads there)."""

    def __init__(self):
        self.events = []
        self.parser = None

    def on_message_begin(self):
        self.events.append(("begin",))

    def on_url(self, url):
        self.events.append(("url", url))

    def on_status(self, status):
        self.events.append(("status", status))

    def on_header(self, name, value):
        self.events.append(("header", name, value))

    def on_headers_complete(self):
        p = self.parser
        snap = [p.get_http_version(), p.should_keep_alive(), p.should_upgrade()]
        snap.append(p.get_method() if hasattr(p, "get_method") else p.get_status_code())
        self.events.append(("headers_complete", *snap))

    def on_body(self, body):
        self.events.append(("body", body))

    def on_message_complete(self):
        self.events.append(("message_complete",))

    def on_chunk_header(self):
        self.events.append(("chunk_header",))

    def on_chunk_complete(self):
        self.events.append(("chunk_complete",))


def normalize(events):
    """Joins what either parser may split differently (the URL, the status
    and body pieces) and drops trailing OWS from header values (llhttp keeps
    it, Springbok trims it; both listed in the README)."""
    out = []
    for e in events:
        kind = e[0]
        if kind == "header":
            e = ("header", e[1], e[2].rstrip(b" \t"))
        if kind in ("url", "status", "body") and out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + e[1])
            continue
        out.append(e)
    return out


def run_parser(module, data_pieces, response=False, leniencies=None):
    """Feeds `data_pieces` to a new parser of `module`; returns
    (normalized events, outcome) where outcome is None, ("upgrade", offset
    from the start of the whole input) or ("error", class name)."""
    rec = Recorder()
    cls = module.HttpResponseParser if response else module.HttpRequestParser
    p = cls(rec)
    rec.parser = p
    if leniencies:
        p.set_dangerous_leniencies(**leniencies)
    fed = 0
    outcome = None
    for piece in data_pieces:
        try:
            p.feed_data(piece)
        except module.HttpParserUpgrade as e:
            outcome = ("upgrade", fed + e.args[0])
            break
        except module.HttpParserError as e:
            outcome = ("error", type(e).__name__)
            break
        fed += len(piece)
    return normalize(rec.events), outcome
