"""The interface's language for each run: chosen, remembered, carried in the address.

Which language a run speaks, first found of:

1. the one this session chose: with the switch, or by opening a link that
   names one (``?lang=cy``: it survives signing in, since the sign-in form
   leaves the address alone);
2. the one the signed-in user chose before (saved with their account);
3. the browser's own language, when it is one the tracker speaks;
4. English.

The address says ``lang=cy`` while the interface is Welsh (Streamlit clears the
query string on a change of page; it is written back, as the filters are), so
a link copied from a Welsh page opens in Welsh. The document's ``lang``
attribute follows the language (Streamlit writes ``lang="en"`` into its page;
a screen reader reads Welsh with English sounds unless told).
"""

from __future__ import annotations

import json

import streamlit as st

from dashboard.components import engine
from dashboard.failure_page import guarded
from tracker import accounts, i18n
from tracker.core import languages
from tracker.i18n import _

QUERY_KEY = "lang"
CHOSEN = "_language_chosen"  # st.session_state: the language this session chose (switch or link)
WRITTEN = "_language_written"  # st.session_state: the language this session last wrote into the address
SWITCH = "language_switch"  # the switch's widget key
USERNAME = "_language_username"  # st.session_state: who to save a choice for (None: nobody signed in)

# The document's language; Streamlit's own "skip to main content" link said in it; and each language's name in
# the switch marked as in that language, so a screen reader says "Cymraeg" with Welsh sounds.
_SET_LANG = """<script>
document.documentElement.lang = LANG;
function sayLanguage() {
  const skip = document.querySelector('[data-testid="stSkipToContent"]');
  if (skip && skip.textContent !== SKIP) skip.textContent = SKIP;
  for (const button of document.querySelectorAll('.st-key-language_switch button')) {
    const named = NAMES[button.innerText.trim()];
    if (named) button.lang = named;
  }
}
sayLanguage();
setTimeout(sayLanguage, 200);  // the switch is drawn just after this script
setTimeout(sayLanguage, 1000);
</script>"""


def _from_browser() -> str | None:
    locale = getattr(st.context, "locale", None)
    return languages.known(locale.split("-")[0]) if isinstance(locale, str) else None


def choose(signed_in: accounts.SignedIn | None) -> str:
    """Decide this run's language (the module's docstring says how) and speak it."""
    state = st.session_state
    asked = languages.known(st.query_params.get(QUERY_KEY))
    if asked and asked != state.get(WRITTEN):  # a link asked for it
        state[CHOSEN] = asked
    chosen = state.get(CHOSEN) or (signed_in.language if signed_in else None) or _from_browser() or languages.DEFAULT
    state[USERNAME] = signed_in.username if signed_in else None
    return i18n.use(chosen)


def write_to_address(language: str) -> None:
    """Make the address say the language (nothing for English, the default)."""
    if language != languages.DEFAULT:
        if st.query_params.get(QUERY_KEY) != language:
            st.query_params[QUERY_KEY] = language
    elif QUERY_KEY in st.query_params:
        del st.query_params[QUERY_KEY]
    st.session_state[WRITTEN] = language


@guarded  # a database that cannot be written is said in the tracker's words
def _switched() -> None:
    """The switch's callback: speak the language chosen, and remember it for the user signed in."""
    state = st.session_state
    chosen = languages.known(state.get(SWITCH))
    if chosen is None:  # the chosen segment clicked again: a segmented control then says None
        return
    state[CHOSEN] = chosen
    username = state.get(USERNAME)
    if username:
        accounts.choose_language(username, chosen, engine=engine())


def switch() -> None:
    """The language switch: each language named in itself ("English", "Cymraeg"), as buttons,
    so that on the sign-in page the username stays the first text field; and the document's
    ``lang`` made the language's (the switch is on every page, so this is too)."""
    language = i18n.current()
    names = {name: code for code, name in languages.NAMES.items()}
    script = (
        _SET_LANG.replace("LANG", json.dumps(language))
        .replace("SKIP", json.dumps(_("Skip to main content")))
        .replace("NAMES", json.dumps(names))
    )
    st.html(script, unsafe_allow_javascript=True)
    st.session_state[SWITCH] = language
    st.segmented_control(
        "Language / Iaith",
        options=languages.LANGUAGES,
        format_func=languages.NAMES.__getitem__,
        key=SWITCH,
        on_change=_switched,
    )
    if language in languages.AWAITING_REVIEW:
        st.caption(_("This translation is awaiting review by a Welsh speaker."))
