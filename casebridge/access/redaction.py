"""Restricted values never leave through free text, whatever field they were typed into.

A confidential address or a refuge's address is shown as a structured field only to those
entitled to it (``policy``). The same words typed into a referral reason, an action, minutes or a
note would bypass that, so every text Casebridge renders or serialises for a viewer passes through
one redactor that knows every restricted value and which of them this viewer may see:

* the apps that hold restricted values register them here (``register``), from their
  ``AppConfig.ready``, with a cheap fingerprint that changes whenever the values do;
* the values are compiled once per process into one matcher (rebuilt when a fingerprint moves);
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
_SPACE = object()  # whitespace in a value matches any whitespace, or none, in the text
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RestrictedValues:
    """One kind of restricted value, registered by the app that holds it.

    Attributes:
        name: what the values are, for messages ("confidential address").
        fingerprint: one cheap query whose answer changes whenever the values do.
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


def _key(text: str) -> str:
    return _WHITESPACE.sub("", text).casefold()


def _forms(value: str) -> set[str]:
    """The value as it appears in HTML, JSON and CSV, so an escaped copy is found too."""
    plain = " ".join(value.split())
    escaped_json = json.dumps(plain)[1:-1]
    return {plain, html.escape(plain), html.escape(plain, quote=False), escaped_json}


def _pattern(forms: Iterable[str]) -> re.Pattern[str] | None:
    """One regular expression for all forms, shaped as a trie so matching stays linear."""
    trie: dict[object, dict] = {}
    for form in forms:
        node = trie
        for char in form.casefold():
            node = node.setdefault(_SPACE if char.isspace() else char, {})
        node[None] = {}
    if not trie:
        return None

    def alternation(node: dict[object, dict]) -> str:
        ends = None in node
        branches = [
            (r"\s*" if char is _SPACE else re.escape(str(char))) + alternation(child)
            for char, child in node.items()
            if char is not None
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if ends else body

    # Whole words only: "12 High Street" is not withheld from "112 High Street".
    return re.compile(rf"(?<!\w){alternation(trie)}(?!\w)", re.IGNORECASE)


@dataclass
class _Index:
    fingerprint: tuple[Hashable, ...]
    pattern: re.Pattern[str] | None
    owners: dict[str, set[tuple[int, Hashable]]] = field(default_factory=dict)


_index: _Index | None = None
_index_lock = threading.Lock()


def _current_index() -> _Index:
    """The compiled values, rebuilt only when a source's fingerprint has moved."""
    global _index
    fingerprint = tuple(source.fingerprint() for source in _sources)
    index = _index
    if index is not None and index.fingerprint == fingerprint:
        return index
    with _index_lock:
        if _index is not None and _index.fingerprint == fingerprint:
            return _index
        forms: set[str] = set()
        owners: dict[str, set[tuple[int, Hashable]]] = {}
        for position, source in enumerate(_sources):
            for owner, texts in source.values():
                for text in texts:
                    if text and len(_key(text)) >= SHORTEST_VALUE:
                        for form in _forms(text):
                            forms.add(form)
                            owners.setdefault(_key(form), set()).add((position, owner))
        _index = _Index(fingerprint, _pattern(forms), owners)
        return _index


class Redactor:
    """Withholds from text the restricted values one user may not see (``None``: the public,
    who may see none)."""

    def __init__(self, user: User | None) -> None:
        self._user = user
        self._index = _current_index()
        self._seen: dict[str, bool] = {}  # a matched value's key: may this user see it?

    def redact(self, text: str) -> str:
        """``text`` with every restricted value this user may not see replaced by WITHHELD."""
        pattern = self._index.pattern
        if not text or pattern is None:
            return text
        matches = list(pattern.finditer(text))
        if not matches:
            return text
        self._decide({_key(match.group()) for match in matches})
        pieces: list[str] = []
        end = 0
        for match in matches:
            if not self._seen.get(_key(match.group()), False):
                pieces += [text[end : match.start()], WITHHELD]
                end = match.end()
        return "".join(pieces) + text[end:] if pieces else text

    def _decide(self, keys: set[str]) -> None:
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
