"""UK postcodes in free text: what people type, found loosely (a space or none, any case)."""

import re

POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)


def postcodes_in(text: str) -> list[str]:
    """Each postcode in the text once, written as Royal Mail writes it (``TW1 2AB``), in order."""
    found = (f"{outward} {inward}".upper() for outward, inward in POSTCODE.findall(text))
    return list(dict.fromkeys(found))
