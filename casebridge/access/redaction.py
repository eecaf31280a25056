"""Restricted values never leave through free text, whatever field they were typed into.

A confidential address or a refuge's address is shown as a structured field only to those
entitled to it (``policy``). The same words typed into a referral reason, an action, minutes or a
note would bypass that, so every text Casebridge renders or serialises for a viewer passes through
one redactor that knows every restricted value and which of them this viewer may see:

* the apps that hold restricted values register them here (``register``), from their
  ``AppConfig.ready``, with a cheap fingerprint that changes whenever the values do;
* the values are indexed once per process by their words (again when a fingerprint moves);
* ``redactor_for(user).redact(text)`` replaces every value the user may not see.

``RedactRestrictedValuesMiddleware`` applies it to every text response (pages, the API, CSV
exports); documents built outside a response's text (PDFs, e-mails) call ``redact`` on each piece
of text they print. docs/security.md says what is matched and why.
"""

import html
import json
import re
import threading
from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import dataclass, field

from casebridge.accounts.models import User

WITHHELD = "[address withheld]"
# Shorter texts ("Flat 3", "Rear") are too common to withhold wherever they occur.
SHORTEST_VALUE = 6
# Values are matched as sequences of words, so spacing and punctuation between them don't
# matter ("NB1 9ZZ", "nb1  9zz", "NB1-9ZZ") and a value is never found inside a longer word.
_WORD = re.compile(r"\w+")
Words = tuple[str, ...]
# What a page is first scanned for, faster than ``_WORD`` can: its words as UTF-8, split at
# each character that is no part of a word (``\w`` takes a text's letters and digits, as
# ``str.isalnum`` tells them, and ``_``). ASCII ones become spaces by a byte table; the few
# others a page holds are found by a scan for non-ASCII characters and replaced first.
_ASCII_NON_WORD = bytes(c for c in range(128) if not (chr(c).isalnum() or chr(c) == "_"))
_SPACES = bytes.maketrans(_ASCII_NON_WORD, b" " * len(_ASCII_NON_WORD))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _encoded_words(text: str) -> set[bytes]:
    """The words ``_WORD`` finds in ``text``, each as UTF-8: a third of the CPU of its scan (a
    regular expression's scan of a whole page, 0.3 ms for a case page)."""
    for character in set(_NON_ASCII.findall(text)):
        if not (character.isalnum() or character == "_"):
            text = text.replace(character, " ")
    return set(text.encode("utf-8", "surrogatepass").translate(_SPACES).split())


@dataclass(frozen=True)
class RestrictedValues:
    """One kind of restricted value, registered by the app that holds it.

    Attributes:
        name: what the values are, for messages ("confidential address").
        fingerprint: a value that changes whenever the values do (the apps' read from
            ``casebridge.core.fingerprints``, with the others, in one statement a request).
        values: every (owner, texts) pair: the record the texts belong to and its texts.
        visible_owners: of the given owners, those whose texts the user may see.
    """

    name: str
    fingerprint: Callable[[], Hashable]
    values: Callable[[], Iterable[tuple[Hashable, Iterable[str]]]]
    visible_owners: Callable[[User, Collection[Hashable]], Collection[Hashable]]


_sources: list[RestrictedValues] = []


def register(source: RestrictedValues) -> None:
    """Add a kind of restricted value (call from ``AppConfig.ready``; idempotent by name)."""
    _sources[:] = [s for s in _sources if s.name != source.name] + [source]


def _words(text: str) -> Words:
    return tuple(word.casefold() for word in _WORD.findall(text))


def _forms(value: str) -> set[Words]:
    """The value's words as plain text, HTML and JSON print them, and run together."""
    plain = " ".join(value.split())
    printed = {plain, html.escape(plain), html.escape(plain, quote=False), json.dumps(plain)}
    forms = {_words(text) for text in printed}
    return forms | {("".join(words),) for words in forms}


@dataclass
class _Index:
    """Every form of every value, found from its first word (or its first two)."""

    fingerprint: tuple[Hashable, ...]
    owners: dict[Words, set[tuple[int, Hashable]]] = field(default_factory=dict)
    by_first_word: dict[str, set[Words]] = field(default_factory=dict)
    by_first_two: dict[Words, set[Words]] = field(default_factory=dict)
    # Each form's longest word (as UTF-8): a text holding none of them holds no value, which is
    # quick to tell with one set intersection, and true of nearly every response.
    telling_words: set[bytes] = field(default_factory=set)

    def add(self, form: Words, owner: tuple[int, Hashable]) -> None:
        self.owners.setdefault(form, set()).add(owner)
        # As the page's folded text is scanned: a word whose folded case holds a character that
        # is no part of a word ("İ" folds to "i" and a combining dot) is found there in pieces.
        longest = max(form, key=len)
        telling = max(_WORD.findall(longest), key=len, default=longest)
        self.telling_words.add(telling.encode("utf-8", "surrogatepass"))
        if len(form) == 1:
            self.by_first_word.setdefault(form[0], set()).add(form)
        else:
            self.by_first_two.setdefault(form[:2], set()).add(form)

    def may_hold_a_value(self, text: str) -> bool:
        return not self.telling_words.isdisjoint(_encoded_words(text.casefold()))

    def matches(self, words: list[str]) -> list[tuple[int, int, Words]]:
        """(first word, word after the last, form) of each value found, longest first."""
        found: list[tuple[int, int, Words]] = []
        position = 0
        while position < len(words):
            candidates = [
                *self.by_first_word.get(words[position], ()),
                *self.by_first_two.get(tuple(words[position : position + 2]), ()),
            ]
            hits = [
                form for form in candidates if tuple(words[position : position + len(form)]) == form
            ]
            if hits:
                form = max(hits, key=len)
                found.append((position, position + len(form), form))
                position += len(form)
            else:
                position += 1
        return found


_index: _Index | None = None
_index_lock = threading.Lock()


def _current_index() -> _Index:
    """The indexed values, rebuilt only when a source's fingerprint has moved."""
    global _index
    fingerprint = tuple(source.fingerprint() for source in _sources)
    index = _index
    if index is not None and index.fingerprint == fingerprint:
        return index
    with _index_lock:
        if _index is not None and _index.fingerprint == fingerprint:
            return _index
        index = _Index(fingerprint)
        for position, source in enumerate(_sources):
            for owner, texts in source.values():
                for text in texts:
                    if text and len("".join(text.split())) >= SHORTEST_VALUE:
                        for form in _forms(text):
                            index.add(form, (position, owner))
        _index = index
        return index


class Redactor:
    """Withholds from text the restricted values one user may not see (``None``: the public,
    who may see none)."""

    def __init__(self, user: User | None) -> None:
        self._user = user
        self._index = _current_index()
        self._seen: dict[Words, bool] = {}  # a value found: may this user see it?

    def redact(self, text: str) -> str:
        """``text`` with every restricted value this user may not see replaced by WITHHELD."""
        if not text or not self._index.may_hold_a_value(text):
            return text
        spans = list(_WORD.finditer(text))
        found = self._index.matches([span.group().casefold() for span in spans])
        if not found:
            return text
        self._decide({form for _, _, form in found})
        pieces: list[str] = []
        end = 0
        for first, after_last, form in found:
            if not self._seen[form]:
                pieces += [text[end : spans[first].start()], WITHHELD]
                end = spans[after_last - 1].end()
        return "".join(pieces) + text[end:] if pieces else text

    def _decide(self, keys: set[Words]) -> None:
        """Whether the user may see each value: yes if any record holding it is theirs to see
        (two women in one refuge share its address; seeing one's is no secret kept)."""
        keys -= self._seen.keys()
        if not keys:
            return
        wanted: dict[int, set[Hashable]] = {}
        for key in keys:
            for position, owner in self._index.owners.get(key, ()):
                wanted.setdefault(position, set()).add(owner)
        visible: set[tuple[int, Hashable]] = set()
        if self._user is not None and self._user.is_authenticated:
            for position, owners in wanted.items():
                shown = _sources[position].visible_owners(self._user, owners)
                visible |= {(position, owner) for owner in shown}
        for key in keys:
            self._seen[key] = bool(self._index.owners.get(key, set()) & visible)


def public_redactor() -> Redactor:
    """For what anyone may read, such as a published board report: every value withheld."""
    return Redactor(None)


def redactor_for(user: User) -> Redactor:
    """The user's redactor, kept on the user object for the rest of the request."""
    cached: Redactor | None = getattr(user, "_casebridge_redactor", None)
    if cached is None:
        cached = Redactor(user)
        setattr(user, "_casebridge_redactor", cached)  # noqa: B010  (a per-request cache)
    return cached
