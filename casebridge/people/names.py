import unicodedata
from functools import lru_cache


# Names repeat (an import names thousands of Smiths), and the key is a pure function of one.
@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """The form a name is searched by: lower-case ASCII letters only.

    "O'Brien-Smith" and "obrien smith" both give "obriensmith"; accents are dropped.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed.lower() if "a" <= ch <= "z")
