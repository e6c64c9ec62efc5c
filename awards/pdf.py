"""HTML to PDF with WeasyPrint, for decisions, proposals and certificates.

Documents use Times New Roman as Decree 30/2020 asks; where it is not installed, Liberation
Serif (metric-compatible, installed by `make run`) stands in. Only `data:` URLs and the
project's own static files are read while rendering; nothing is fetched over the network.
In a template, link a stylesheet as `{% static "css/pdf.css" %}` or plainly `css/pdf.css`."""

import mimetypes

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# Relative and /static/ URLs resolve against this address, which the fetcher maps to files.
STATIC_BASE = "https://static.invalid/"


def _static_path(url: str) -> str | None:
    path = url.removeprefix(STATIC_BASE)
    static_prefix = settings.STATIC_URL.lstrip("/")
    if static_prefix and path.startswith(static_prefix):
        path = path[len(static_prefix):]
    if ".." in path.split("/"):
        return None
    return finders.find(path)


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(STATIC_BASE):
                path = _static_path(url)
                if path:
                    with open(path, "rb") as handle:
                        body = handle.read()
                    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=body, headers={"Content-Type": kind})
            raise ValueError(f"refused to fetch {url!r} while rendering a PDF")

    return LocalFetcher()


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=_fetcher()).write_pdf()
