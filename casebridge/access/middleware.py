"""Every text response is passed through the viewer's redactor on its way out."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase

from casebridge.access.redaction import Redactor
from casebridge.core import fingerprints

# Pages, the API, CSV and plain-text exports. Binary documents (PDF) redact as they are built.
TEXT_TYPES = ("text/", "application/json", "application/problem+json", "application/xml")


def _is_text(response: HttpResponseBase) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type.startswith(TEXT_TYPES) or content_type.endswith(("+json", "+xml"))


class RedactRestrictedValuesMiddleware:
    """Withholds confidential and refuge addresses the viewer may not see from every text
    response, wherever in the page a user typed them (see ``casebridge.access.redaction``).

    It sits outside the views and the middleware that turns refusals into pages, so nothing a
    view or template renders reaches the browser without passing through it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path.startswith("/static/") or not _is_text(response):
            return response
        if response.streaming:
            response = _materialised(response)
        assert isinstance(response, HttpResponse)
        charset = response.charset or "utf-8"
        text = response.content.decode(charset, errors="replace")
        # Judged by the restricted values as they are now, not as the request first read them:
        # a note loaded after another process restricted an address must not show it.
        fingerprints.read_again()
        redacted = Redactor(request.user).redact(text)  # type: ignore[arg-type]
        if redacted is not text:
            response.content = redacted.encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


def _materialised(streamed: HttpResponseBase) -> HttpResponse:
    """A streamed text response read whole, so a value split across chunks is still found."""
    response = HttpResponse(
        b"".join(streamed.streaming_content),  # type: ignore[attr-defined]
        status=streamed.status_code,
    )
    for header, value in streamed.items():
        response[header] = value
    return response
