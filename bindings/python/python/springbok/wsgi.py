"""WSGI environ building on Springbok's parser.

``environ(head)`` parses the request head at the start of ``head`` (bytes)
and returns ``(environ, head_len)``, or ``None`` while the head is
incomplete. The dict has PEP 3333's CGI keys (``REQUEST_METHOD``,
``SCRIPT_NAME`` = ``""``, ``PATH_INFO`` percent-decoded, ``QUERY_STRING``,
``SERVER_PROTOCOL``, ``CONTENT_TYPE``, ``CONTENT_LENGTH``, ``HTTP_*``,
plus ``REQUEST_URI``), every value a latin-1 ``str``. ``SERVER_NAME``,
``SERVER_PORT`` and the ``wsgi.*`` keys are the server's to add. An invalid
head or an unsafe body framing (Content-Length with Transfer-Encoding, …)
raises :class:`BadRequest`, whose ``status`` is the HTTP status to answer.
Headers whose names contain ``_`` are dropped by default
(``underscores="drop"``; ``"reject"`` raises, ``"allow"`` keeps them): they
would be indistinguishable from ``-`` spellings in the environ.
"""

from ._native import BadRequest, environ

__all__ = ["environ", "BadRequest"]
