"""HTML to PDF with WeasyPrint, for decisions, proposals and certificates.

Documents use Times New Roman as Decree 30/2020 asks; where it is not installed, Liberation
Serif (metric-compatible, installed by `make run`) stands in. Static files (CSS) are read from
the static folders, never fetched over the network."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def _fetch_local(url: str, *args, **kwargs):
    """Only data: URLs and the project's static files; anything else is refused."""
    from weasyprint.urls import default_url_fetcher

    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    if url.startswith("static:"):
        path = finders.find(url.removeprefix("static:"))
        if path:
            return {"file_obj": open(path, "rb"), "filename": path}
    raise ValueError(f"refused to fetch {url!r} while rendering a PDF")


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url="static:", url_fetcher=_fetch_local).write_pdf()
