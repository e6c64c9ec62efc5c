"""HTML to PDF with WeasyPrint: the one renderer of every generated document (decisions,
proposals, certificates, council minutes, summary reports; architecture §10).

Documents use Times New Roman as Decree 30/2020 asks; where it is not installed, Liberation
Serif (metric-compatible, installed by `make run`) stands in. Only `data:` URLs and the
project's own static files are read while rendering; nothing is fetched over the network.
In a template, link a stylesheet as `{% static "css/pdf.css" %}` or plainly `css/pdf.css`."""

import gc
import logging
import mimetypes

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

PROGRESS_LOG = logging.getLogger("weasyprint.progress")
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


class _PageProgress(logging.Handler):
    """Turns WeasyPrint's "Creating layout - Page N" log records into `progress` calls (every
    fifth page), so that the job page of a long report moves while the pages are laid out."""

    def __init__(self, progress, expected_pages: int):
        super().__init__(logging.INFO)
        self.progress, self.expected = progress, max(1, expected_pages)

    def emit(self, record):
        if record.msg.startswith("Step 5") and record.args:
            page = record.args[0]
            if page % 5 == 0:
                share = min(1.0, page / self.expected)
                self.progress(30 + int(45 * share), "page %d" % page)


def write_pdf_from_html(html: str, progress=None, expected_pages: int = 0) -> bytes:
    """The bare WeasyPrint step: HTML text → PDF bytes, with the local-only fetcher. Kept apart
    from the template rendering so that a benchmark can time exactly this. `progress(percent,
    stage)` is told as pages are laid out (when `expected_pages` is given) and when the layout
    is done, before the PDF is written."""
    from weasyprint import HTML

    from clusters.imports.base import without_cyclic_gc

    if progress and expected_pages:
        handler = _PageProgress(progress, expected_pages)
        PROGRESS_LOG.addHandler(handler)
        try:
            return write_pdf_from_html(html, progress)
        finally:
            PROGRESS_LOG.removeHandler(handler)

    # Layout builds a box per element and line of a long annex; the collector re-walking that
    # heap took a third of a 2,000-row render (bench/RESULTS.md §11). Reference counting still
    # frees it; cycles are collected when the collector resumes.
    try:
        with without_cyclic_gc():
            document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=_fetcher()).render()
            if progress:
                progress(80, "layout")
            return document.write_pdf()
    finally:
        # The layout's boxes hold reference cycles: free them now, not at the next automatic
        # collection, so a worker rendering report after report does not grow.
        document = None
        gc.collect()


def render_pdf(template: str, context: dict) -> bytes:
    return write_pdf_from_html(render_to_string(template, context))
