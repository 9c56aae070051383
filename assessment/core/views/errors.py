"""The server-error handler: a database outage gets its own, friendlier page (HTTP 503).

Django calls this while the exception is being handled, wherever it was raised (a view, the
session or authentication middleware, a template), so `sys.exc_info()` tells what happened.
Neither page touches the database: it is the thing that may be away. Django's connection
health checks reconnect on a later request once the database is back; no restart is needed.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(render_to_string("500.html"))
