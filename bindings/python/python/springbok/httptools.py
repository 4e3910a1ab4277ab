"""httptools 0.9's parser interface on Springbok's strict HTTP/1.1 parser.

``HttpRequestParser(protocol)`` and ``HttpResponseParser(protocol)`` call the
protocol's ``on_message_begin``, ``on_url``, ``on_status``, ``on_header``,
``on_headers_complete``, ``on_body``, ``on_message_complete``,
``on_chunk_header`` and ``on_chunk_complete`` (each only when the protocol
has it), exactly as httptools does, with the differences listed in the
package README.
"""

from ._native import (
    URL,
    HttpParserCallbackError,
    HttpParserError,
    HttpParserInvalidMethodError,
    HttpParserInvalidStatusError,
    HttpParserInvalidURLError,
    HttpParserUpgrade,
    HttpRequestParser,
    HttpResponseParser,
    parse_url,
)

__all__ = (
    "HttpRequestParser",
    "HttpResponseParser",
    "HttpParserError",
    "HttpParserCallbackError",
    "HttpParserInvalidStatusError",
    "HttpParserInvalidMethodError",
    "HttpParserInvalidURLError",
    "HttpParserUpgrade",
    "URL",
    "parse_url",
)
