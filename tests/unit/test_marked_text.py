"""A press release's text with its amounts marked (dashboard.marked_text): every character escaped, the marks
the only markup, placed by offsets."""

from __future__ import annotations

from dashboard.marked_text import LEFT_OUT, Mark, marked


def _inside(html: str) -> str:
    return html[html.index('aria-label="words">') + len('aria-label="words">') : -len("</div>")]


def test_marks_go_where_their_offsets_say_and_every_character_is_escaped():
    text = "<b>£2m</b> & £5 a head"
    said = marked(text, [Mark(3, 6, "[1]"), Mark(13, 15, "[left out]", LEFT_OUT)], name="words")
    assert _inside(said) == (
        '&lt;b&gt;<mark class="press-draft">£2m<span class="press-label">[1]</span></mark>&lt;/b&gt; &amp; '
        '<mark class="press-left-out">£5<span class="press-label">[left out]</span></mark> a head'
    )


def test_a_mark_overlapping_the_one_before_or_outside_the_text_is_left_out_not_cut():
    text = "over £1.5 million"
    said = marked(text, [Mark(5, 17, "[1]"), Mark(5, 9, "[2]"), Mark(10, 99, "[3]")], name="words")
    assert _inside(said) == 'over <mark class="press-draft">£1.5 million<span class="press-label">[1]</span></mark>'


def test_the_box_is_named_and_reachable_by_keyboard_and_a_name_is_escaped_too():
    said = marked("£1", [], name='"quoted" <name>')
    assert '<div class="press-text" role="region" tabindex="0" aria-label="&quot;quoted&quot; &lt;name&gt;">' in said
