"""What the tracker adds to Streamlit's styles for WCAG 2.2 AA, drawn once per run (``frame.py``).

- Captions: Streamlit draws them in the text colour at 60% opacity, 3.88:1 on
  white (and code inside them 3.03:1; AA asks 4.5:1); here opaque, in
  ``CAPTION_TEXT``.
- A visible focus indicator on whatever has the keyboard's focus (WCAG 2.4.7,
  2.4.13's 3:1): a ``FOCUS_WIDTH_PX`` ring in ``FOCUS_RING``, outside the
  element. Widgets whose focusable part is hidden or clipped (a checkbox's,
  radio's or toggle's input, a text box's input inside its border) ring the
  part people see. The main area, which Streamlit makes a tab stop, is ringed
  inside its edge, and so are tabs and text areas (their boxes clip anything
  outside).
- Each table's toolbar (search, download, full screen) is shown without
  hovering, so a keyboard or touch user sees it is there, above the table
  (Streamlit lays it over the table's top right corner, under the grid, while
  nobody hovers); a chart's toolbar shows while the chart holds the focus.
- A page link's words wrap instead of being cut off with "…" (WCAG
  1.4.10: at 320 px "Every change in the Audit trail (set its dates ...)"
  lost most of its words).
- Targets at least ``MIN_TARGET_PX`` square (WCAG 2.5.8): the day and month
  of ``st.date_input``, which Streamlit draws 18 x 20 px.

Streamlit draws its own "Skip to main content" link first in every page (it
moves the focus to the main area); the ring above makes it visible when it
has the focus. ``tests/unit/test_accessible_style.py`` checks the colours'
contrast; ``tests/browser/test_accessibility_in_browser.py`` runs axe-core.
"""

import streamlit as st

# Backgrounds the tracker's text and rings are drawn on (Streamlit's light theme).
PAGE_BACKGROUND = "#ffffff"
SIDEBAR_BACKGROUND = "#f8f8f7"
CODE_BACKGROUND = "#fcfcfb"
BACKGROUNDS = (PAGE_BACKGROUND, SIDEBAR_BACKGROUND, CODE_BACKGROUND)

CAPTION_TEXT = "#5c5a57"  # 6.9:1 on white, 6.5:1 on the sidebar's grey
# The chosen segment of a segmented control (the language switch, Change a record's kinds): Streamlit draws
# its text in the theme's blue on a pale blue, 4.26:1; here in the focus ring's darker blue.
SELECTED_BACKGROUND = "#dfebf0"
SELECTED_TEXT = "#004b87"
FOCUS_RING = "#004b87"  # a darker shade of the theme's primary blue, #0072b2
FOCUS_WIDTH_PX = 3
MIN_TARGET_PX = 24

# Widgets whose focused part is hidden, tiny or clipped by its box: the ring
# goes on the part people see, and none on the part inside it.
RINGED = (
    '[data-testid="stTextInputRootElement"]:has(:focus-visible)',
    '[data-testid="stNumberInputContainer"]:has(:focus-visible)',
    '[data-testid="stTextAreaRootElement"]:has(:focus-visible)',
    '[data-testid="stDateInputField"]:has(:focus-visible)',
    '.react-aria-ComboBox > [role="group"]:has(:focus-visible)',  # st.selectbox, st.multiselect
    '[data-testid="stCheckbox"] label:has(input:focus-visible)',  # st.checkbox, st.toggle
    '[data-testid="stRadio"] label:has(input:focus-visible)',
    '[data-testid="stSlider"] :has(> * > input:focus-visible)',  # the thumb
    # The grid: its canvas is clipped by its scroller, and the cell Tab moves to
    # is focused by a script, which :focus-visible does not always match.
    '[data-testid="stDataFrame"]:focus-within',
)

STYLE = """<style>
[data-testid="stCaptionContainer"] { color: CAPTION_TEXT !important; opacity: 1 !important; }
[data-testid^="stPageLink"] span { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }
[data-testid="stButtonGroup"] button[data-selected="true"],
[data-testid="stButtonGroup"] button[data-selected="true"] p { color: SELECTED_TEXT !important; }

:focus-visible { outline: WIDTHpx solid FOCUS_RING !important; outline-offset: 2px !important; }
RINGED { outline: WIDTHpx solid FOCUS_RING !important; outline-offset: 2px !important; }
[data-testid="stMain"]:focus-visible, [data-testid="stTab"]:focus-visible,
[data-testid="stTextAreaRootElement"]:has(:focus-visible) { outline-offset: -WIDTHpx !important; }
INNER { outline: none !important; }
[data-testid="stHeaderActionElements"] a:focus-visible { opacity: 1 !important; transition: none !important; }

[data-testid="stDataFrame"]:has(> [data-testid="stElementToolbar"]) { margin-top: 1.75rem; }
[data-testid="stDataFrame"] > [data-testid="stElementToolbar"] { opacity: 1 !important; top: -2.75rem !important; }
.js-plotly-plot .plotly:focus-within .modebar { opacity: 1 !important; transition: none !important; }

[data-testid="stDateInputField"] [role="spinbutton"] { display: inline-block; min-width: TARGETpx;
  min-height: TARGETpx; line-height: TARGETpx; text-align: center; }
</style>"""
for name, value in {
    "RINGED": ",\n".join(RINGED),
    "INNER": ",\n".join(f"{box} :focus-visible" for box in RINGED if "label" not in box),
    "CAPTION_TEXT": CAPTION_TEXT,
    "SELECTED_TEXT": SELECTED_TEXT,
    "FOCUS_RING": FOCUS_RING,
    "WIDTH": str(FOCUS_WIDTH_PX),
    "TARGET": str(MIN_TARGET_PX),
}.items():
    STYLE = STYLE.replace(name, value)


def apply() -> None:
    st.html(STYLE)  # styles alone: Streamlit keeps them out of the page's flow
