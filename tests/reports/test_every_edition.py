"""Every edition of every quarter's board report renders, as HTML and as PDF: the tiny demo
borough's two financial years, each quarter, public and restricted (the borough loaded and each
report built once for the session: tests/tiny_borough.py). (The default borough's
sixteen reports for 22/23 are run by bench/report_render.py: generating it takes minutes.)"""

import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor

import pytest
from django.db import connection

from casebridge.reports.board import PUBLIC, RESTRICTED
from casebridge.reports.printing import pdf_from_html
from casebridge.reports.render import MARKINGS, report_html, report_parts
from tests.reports.pdf import read_pdf

pytestmark = [
    pytest.mark.django_db,
    # A report is built from the borough's Parquet snapshot (DuckDB), not from the database:
    # rendering all sixteen once (in the SQLite run) is enough. The PostgreSQL run still builds
    # reports from a snapshot of its borough (test_board_content, the dashboard's agreement).
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="the editions are rendered in the SQLite run"
    ),
]
QUARTERS = [f"Q{n} {year}" for year in ("21/22", "22/23") for n in range(1, 5)]
EDITIONS = [PUBLIC, RESTRICTED]
PRINTERS = 2  # the machine's cores: printing is most of the time, and each print is separate


@pytest.fixture(scope="module")
def printed(tiny_borough, django_db_blocker):
    """Every report's HTML, and each printed as PDF, the printing shared between processes
    that load no Django (``printing.pdf_from_html``)."""
    with django_db_blocker.unblock():
        html = {
            (quarter, edition): report_html(tiny_borough.report(quarter, edition))
            for quarter in QUARTERS
            for edition in EDITIONS
        }
    spawn = multiprocessing.get_context("spawn")  # not fork: the parent holds threads
    with ProcessPoolExecutor(max_workers=PRINTERS, mp_context=spawn) as printers:
        pdfs = dict(zip(html, printers.map(pdf_from_html, html.values()), strict=True))
    return {key: (html[key], pdfs[key]) for key in html}


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("quarter", QUARTERS)
def test_every_quarter_and_edition_renders_as_html_and_as_pdf(
    tiny_borough, printed, quarter, edition
):
    report = tiny_borough.report(quarter, edition)
    title, marking = f"{report.title}: {quarter}", MARKINGS[edition]
    parts = report_parts(report)
    charts = [view for part in parts for view in part.context.get("charts", [])]

    html, pdf = printed[quarter, edition]
    assert f"<title>{title}</title>" in html and '<html lang="en-GB">' in html
    assert html.count(f'<p class="marking marking-top">{marking}</p>') == 1
    assert html.count(f'<p class="marking marking-bottom">{marking}</p>') == 1
    for part in parts:
        assert f'<li><a href="#{part.anchor}">{part.title}</a></li>' in html
        assert f'<section class="part" id="{part.anchor}"' in html

    pdf = read_pdf(pdf)
    assert (pdf.title, pdf.language, pdf.tagged) == (title, "en-GB", True)
    assert len(pdf.pages) >= len(parts) + 1  # the contents, then each part on its own pages
    for number, text in enumerate(pdf.pages, start=1):
        assert text.count(marking) == 2, (number, text[-200:])  # at the top and at the foot
        assert (edition == RESTRICTED) == ("OFFICIAL-SENSITIVE" in text)
        assert f"Page {number} of {len(pdf.pages)}" in text
    contents = _words(pdf.pages[0])
    for part in parts:
        page = int(re.search(re.escape(part.title) + r"[ .]*(\d+)", contents).group(1))
        assert _words(pdf.pages[page - 1]).startswith(part.title)
    assert [text for level, text in pdf.outline if level == 1] == [
        "Contents",
        *(part.title for part in parts),
    ]
    drawn = [view for view in charts if not view.drawing.empty]
    assert [alt for _, alt in pdf.figures] == [view.alt for view in drawn]
    for view in charts:  # a value not shown is said under its chart
        assert all(sentence in html for sentence in view.drawing.hidden)
