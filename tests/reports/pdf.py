"""What a PDF holds, read with PDFium (pypdfium2) as a reader's viewer would: each page's text,
the document's title and language, whether it is tagged, its outline and its figures' alt text."""

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


@dataclass(frozen=True)
class PdfFacts:
    pages: list[str]  # each page's text
    title: str
    language: str
    tagged: bool  # a structure tree, and marked as tagged
    outline: list[tuple[int, str]]  # each bookmark's level and title
    figures: list[tuple[str, str]]  # each figure's structure type and alt text, page by page


def _utf16(get) -> str:
    """A PDFium string getter's value (it is called for the length, then to fill a buffer)."""
    length = get(None, 0)
    if length <= 2:
        return ""
    buffer = ctypes.create_string_buffer(length)
    get(ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), length)
    return buffer.raw[: length - 2].decode("utf-16-le")


def _figures(element, found: list[tuple[str, str]]) -> None:
    kind = _utf16(lambda buffer, size: pdfium_c.FPDF_StructElement_GetType(element, buffer, size))
    if kind == "Figure":
        alt = _utf16(
            lambda buffer, size: pdfium_c.FPDF_StructElement_GetAltText(element, buffer, size)
        )
        found.append((kind, alt))
    for index in range(pdfium_c.FPDF_StructElement_CountChildren(element)):
        child = pdfium_c.FPDF_StructElement_GetChildAtIndex(element, index)
        if child:
            _figures(child, found)


def read_pdf(data: bytes) -> PdfFacts:
    document = pdfium.PdfDocument(data)
    try:
        pages, figures = [], []
        for page in document:
            text = page.get_textpage()
            pages.append(text.get_text_range())
            tree = pdfium_c.FPDF_StructTree_GetForPage(page)
            for index in range(pdfium_c.FPDF_StructTree_CountChildren(tree)):
                _figures(pdfium_c.FPDF_StructTree_GetChildAtIndex(tree, index), figures)
            pdfium_c.FPDF_StructTree_Close(tree)
            text.close()
            page.close()
        language = _utf16(
            lambda buffer, size: pdfium_c.FPDFCatalog_GetLanguage(document, buffer, size)
        )
        return PdfFacts(
            pages=pages,
            title=document.get_metadata_dict().get("Title", ""),
            language=language,
            tagged=bool(pdfium_c.FPDFCatalog_IsTagged(document)),
            outline=[(item.level, item.get_title()) for item in document.get_toc()],
            figures=figures,
        )
    finally:
        document.close()
