import unicodedata


def name_key(name: str) -> str:
    """The form a name is searched by: lower-case ASCII letters only.

    "O'Brien-Smith" and "obrien smith" both give "obriensmith"; accents are dropped.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed.lower() if "a" <= ch <= "z")
