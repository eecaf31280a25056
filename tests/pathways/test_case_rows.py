"""A case's timeline shows what was typed as text, never run as markup."""

from datetime import UTC, datetime

from casebridge.pathways.models import CaseEvent
from casebridge.pathways.templatetags.case_rows import case_timeline_rows


def test_a_note_typed_with_markup_is_shown_as_text():
    event = CaseEvent(
        occurred_at=datetime(2022, 7, 1, 9, 5, tzinfo=UTC),
        kind=CaseEvent.Kind.NOTE,
        text='<img src=x onerror="alert(1)"> & more',
    )
    row = case_timeline_rows([event])
    assert "Note: &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; more" in row
    assert "1 Jul 2022 10:05" in row  # London's summer time, as the date filter writes it
    assert "<img" not in row
