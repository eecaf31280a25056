"""Printing the report's HTML as PDF, on its own so that a worker process can print documents
without loading Django (nothing here reads settings, models or templates)."""


def pdf_from_html(html: str) -> bytes:
    """The HTML edition printed as tagged PDF/UA-1: what a reader sees is what a screen reader
    reads. Everything is inline, so any attempt to fetch a resource stops the printing."""
    # Imported here: WeasyPrint costs a second of CPU to import and most processes never print.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    nothing = URLFetcher(allowed_protocols=frozenset(), fail_on_errors=True)
    return HTML(string=html, url_fetcher=nothing).write_pdf(pdf_variant="pdf/ua-1")
