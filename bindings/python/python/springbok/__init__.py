"""Springbok: a strict, fast HTTP/1.1 hot path in Rust, for Python servers.

Submodules offer the interfaces Python servers already plug in:

* :mod:`springbok.httptools` -- httptools' ``HttpRequestParser`` /
  ``HttpResponseParser`` / ``parse_url``;
* :mod:`springbok.uvicorn` -- ``HttpProtocol`` for ``uvicorn --http
  springbok.uvicorn:HttpProtocol``;
* :mod:`springbok.multipart` -- python-multipart's ``MultipartParser``
  callback interface, ``parse_options_header`` and an iterator API;
* :mod:`springbok.wsgi` -- ``environ(head)`` for WSGI servers.

:func:`parse_qsl` and :func:`parse_qs` take ``urllib.parse``'s arguments and
give its results.
"""

from ._forms import parse_qs, parse_qsl

__version__ = "0.1.0"
__all__ = ["parse_qs", "parse_qsl", "__version__"]
