"""A search result's names are shown as typed, never run as markup."""

from datetime import date
from uuid import uuid4

from casebridge.people.selectors import PersonMatch
from casebridge.people.templatetags.people_rows import person_search_rows


def test_a_name_typed_with_markup_is_shown_as_text():
    person = PersonMatch(
        id=uuid4(),
        name='<script>alert("x")</script> O\'Neil & Sons',
        other_names=["<b>Jo</b>", "Jo & Co"],
        date_of_birth=date(1990, 2, 1),
    )
    row = person_search_rows([person])
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#x27;Neil &amp; Sons" in row
    assert "&lt;b&gt;Jo&lt;/b&gt;<br>Jo &amp; Co" in row
    assert f'href="/people/{person.id}/"' in row
    assert "1 February 1990" in row
    assert "<script>" not in row
