"""The board report's PDF, rendered to page images and looked at: the contents first, with the
page each part starts on; every page marked and numbered; the tables ruled, the charts drawn in
the palette with their axes, and the appendix closing it.

The pages are rasterised with pypdfium2 (PDFium, as Chrome renders PDFs) at 2 pixels a point.
"""

import re

import pypdfium2 as pdfium
import pytest
from django.db import transaction
from PIL import Image

from casebridge.analytics.periods import parse_period
from casebridge.analytics.series_charts import PALETTE
from casebridge.reports.board import PUBLIC, build_report
from casebridge.reports.render import report_pdf
from tests.analytics.fixtures import at, engine_for, marac_referral, pathway_case
from tests.factories import AgencyFactory

pytestmark = [
    pytest.mark.django_db,  # the records are made once, by the module's fixture
    pytest.mark.same_on_either_database,
]

SCALE = 2  # pixels a point
MM = 72 / 25.4  # points a millimetre


def _borough():
    """A year of referrals from three agencies, advocacy, Sanctuary and One Stop Shop cases:
    every chart has at least one series of several non-nought values."""
    police, health, charity = (AgencyFactory(kind=k) for k in ("police", "health", "charity"))
    quarters = ((2021, 10), (2022, 1), (2022, 4), (2022, 7))
    for q, (year, month) in enumerate(quarters):
        for referrer, n in ((police, 10 + q), (health, 6), (charity, 2 + q)):
            for i in range(n):
                when = at(year, month + i % 3, 1 + i)
                marac_referral(when, repeat=i % 4 == 0, children=i % 3, referrer=referrer)
                if i % 2:
                    pathway_case("idva", when, referrer=referrer)
        for i in range(6 + q):
            pathway_case(
                "sanctuary", at(year, month, 3 + i), ("surveyed", at(year, month + 1, 3 + i))
            )
            pathway_case("one-stop-shop", at(year, month, 3 + i))


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker, tmp_path_factory):
    """The public edition's pages, rendered once for the module: (image, text, PDFium text
    page) each. The records are made in a transaction rolled back once the PDF is written."""
    with django_db_blocker.unblock(), transaction.atomic():
        _borough()
        engine = engine_for(tmp_path_factory.mktemp("snapshot"))
        report = build_report(engine=engine, period=parse_period("Q2 22/23"))
        transaction.set_rollback(True)
    assert report.edition == PUBLIC
    document = pdfium.PdfDocument(report_pdf(report))
    rendered, opened = [], []
    for page in document:
        text = page.get_textpage()
        image = page.render(scale=SCALE).to_pil().convert("RGB")
        rendered.append((image, text.get_text_range(), text))
        opened += [text, page]
    yield rendered
    for handle in opened:  # PDFium's objects are closed child first
        handle.close()
    document.close()


def _ink(image: Image.Image) -> float:
    """The share of the page that is not white."""
    histogram = image.convert("L").histogram()
    return 1 - sum(histogram[250:]) / sum(histogram)


def _where(pages, words: str) -> tuple[int, float]:
    """The page after the contents that ``words`` first appear on, and the top of its first
    letter in pixels."""
    for number, (image, _, text) in enumerate(pages):
        if number == 0:  # the title page, with the contents
            continue
        if (hit := text.search(words).get_next()) is not None:
            _, _, _, top = text.get_charbox(hit[0])
            return number, image.height - top * SCALE
    raise AssertionError(f"{words!r} is on no page")


def _colour_pixels(image: Image.Image, colour: str) -> int:
    wanted = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    counts = image.getcolors(maxcolors=image.width * image.height) or []
    return next((count for count, rgb in counts if rgb == wanted), 0)


def _grid_lines(image: Image.Image) -> int:
    """How many pixel rows are mostly grey line: a table's horizontal rules."""
    grey = image.convert("L").point(lambda level: 255 if 90 <= level <= 200 else 0)
    rows = 0
    for y in range(image.height):
        line = grey.crop((0, y, image.width, y + 1))
        if line.histogram()[255] > 0.6 * image.width:
            rows += 1
    return rows


def test_the_pages_follow_contents_then_tables_then_charts_then_the_appendix(pages):
    assert "Contents" in pages[0][1]
    charts, _ = _where(pages, "Referrals by quarter")
    breakdown, _ = _where(pages, "MARAC referrals by referring agency")
    appendix, _ = _where(pages, "Appendix: where each figure comes from")
    assert 0 < breakdown <= charts < appendix < len(pages)
    # The appendix runs to the last page, and its table goes on there.
    assert "Indicator Definition Records" in pages[-1][1] or appendix == len(pages) - 1
    # The four sections (a page each at least) and the appendix, but no more than they fill.
    assert 12 <= len(pages) <= 30
    assert all(_ink(image) > 0.01 for image, _, _ in pages), [_ink(p[0]) for p in pages]


def _tops(image: Image.Image, text, words: str) -> list[float]:
    """Where on the page (pixels from its top) each occurrence of ``words`` starts."""
    search, tops = text.search(words), []
    while (hit := search.get_next()) is not None:
        tops.append(image.height - text.get_charbox(hit[0])[3] * SCALE)
    return tops


def test_every_page_is_marked_top_and_bottom_and_numbered(pages):
    for number, (image, words, text) in enumerate(pages, start=1):
        assert "SENSITIVE" not in words  # the public edition is OFFICIAL
        top, bottom = sorted(_tops(image, text, "OFFICIAL"))
        assert top < 20 * MM * SCALE and bottom > image.height - 24 * MM * SCALE, number
        assert f"Page {number} of {len(pages)}" in words


def test_the_contents_give_the_page_each_part_starts_on(pages):
    contents = " ".join(pages[0][1].split())
    for title in ("Domestic abuse and violence against women and girls", "Reducing reoffending"):
        listed = int(re.search(re.escape(title) + r"[ .]*(\d+)", contents).group(1))
        assert " ".join(pages[listed - 1][1].split()).startswith(title)


def test_the_charts_are_drawn_in_the_palette_inside_their_plot_areas(pages):
    for title, series in (("Referrals by quarter", 3), ("Sanctuary scheme by quarter", 2)):
        number, top = _where(pages, title)
        image = pages[number][0]
        # The plot lies under the title, within the 74 mm of the drawing; the legend follows.
        plot = image.crop((0, int(top + 6 * MM * SCALE), image.width, int(top + 66 * MM * SCALE)))
        drawn = [colour for colour in PALETTE if _colour_pixels(plot, colour) > 200]
        assert len(drawn) >= series, (title, drawn)
        assert _colour_pixels(plot, PALETTE[0]) > 200  # the first series, always non-nought
        text = pages[number][1]
        assert "Quarter" in text and "Number" in text  # both axes are titled
        assert "The figures in the chart" in text


def test_the_tables_have_their_rules(pages):
    marac, _ = _where(pages, "MARAC repeat rate")
    # The MARAC table's rules alone are more than ten; a page of narrative has none.
    assert _grid_lines(pages[marac][0]) > 10
    breakdown, _ = _where(pages, "MARAC referrals by referring agency")
    assert _grid_lines(pages[breakdown][0]) >= 5


def test_the_public_breakdown_prints_the_symbol_and_its_footnote(pages):
    number, _ = _where(pages, "MARAC referrals by referring agency")
    text = pages[number][1]
    assert "[c]" in text and "All agencies" in text and "[c]: confidential" in text


def test_the_appendix_page_is_not_blank(pages):
    number, _ = _where(pages, "Appendix: where each figure comes from")
    image, text, _ = pages[number]
    assert _ink(image) > 0.02
    assert "MARAC referrals" in text and "Records" in text
    assert _grid_lines(image) > 10
