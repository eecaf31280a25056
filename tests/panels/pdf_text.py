"""The text drawn in a PDF, without a PDF library: decode each stream, read the strings.

ReportLab writes page content as ASCII85 over Flate; text is shown with ``(...) Tj``.
"""

import base64
import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.S)
STRING = re.compile(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", re.S)


def _decode(raw: bytes) -> bytes:
    data = raw.strip()
    if data.endswith(b"~>"):
        data = base64.a85decode(data[:-2])
    try:
        return zlib.decompress(data)
    except zlib.error:
        return data


def pdf_text(content: bytes) -> str:
    parts = []
    for raw in STREAM.findall(content):
        for found in STRING.findall(_decode(raw)):
            parts.append(re.sub(rb"\\(.)", rb"\1", found).decode("latin-1"))
    return "\n".join(parts)
