"""Deflators (admins): the deflator releases real-terms figures may use, loading a newer one,
and choosing the default.

A release is a named series of index numbers by financial year. The one
shipped with the tracker is always listed; a release loaded here is kept
beside the others and never replaced or changed. A file with any problem
shows every one and saves nothing. Every change goes through
``tracker.records.deflator_releases`` (audited; admin only); docs/deflators.md.
"""

import streamlit as st

from dashboard import auth
from dashboard.components import engine
from dashboard.import_problems import problems_table
from dashboard.tables import show_table
from tracker.figures.deflator_releases import releases_frame
from tracker.figures.markdown_text import escape_markdown
from tracker.files import limits
from tracker.i18n import _
from tracker.records import deflator_releases as store

auth.require("manage_deflators")
db = engine()
state = st.session_state


def _uploader_key() -> str:
    return f"deflators_file_{state.get('deflators_round', 0)}"  # a new key empties the uploader once saved


def load() -> None:
    uploaded, name = state.get(_uploader_key()), state.get("deflators_name", "")
    make_default = bool(state.get("deflators_make_default"))
    state.pop("deflators_problems", None)
    state["deflators_no_file"] = uploaded is None
    if uploaded is None:
        return

    def write() -> int | list:
        try:
            return store.load_release_bytes(
                db, uploaded.getvalue(), name, actor=auth.actor(), make_default=make_default
            )
        except store.ReleaseNotLoaded as refused:
            return refused.problems

    saved, result = auth.attempt(write, "deflators_load_problems")
    if not saved:
        return
    if isinstance(result, list):
        state["deflators_problems"] = result
        return
    state["deflators_loaded"] = (name.strip(), result, make_default)
    state.update(deflators_name="", deflators_make_default=False, deflators_round=state.get("deflators_round", 0) + 1)


def choose_default() -> None:
    name = state.get("deflators_default_pick")
    if name is None:
        return
    saved, changed = auth.attempt(lambda: store.set_default(db, name, actor=auth.actor()), "deflators_default_problems")
    if saved:
        state["deflators_default_saved"] = (name, bool(changed))


st.title(_("Deflators"))
st.caption(
    _(
        "A deflator release is a named series of index numbers by financial year, from which figures in real "
        "terms are worked. The release shipped with the tracker is always here; a release loaded here is kept "
        "beside the others and never replaced or changed, so a figure worked with it can always be worked again. "
        "The default release is the one figures use unless another is chosen."
    )
)

loaded = state.pop("deflators_loaded", None)
if loaded:
    name, years, made_default = loaded
    st.success(
        escape_markdown(store.loaded_sentence(name, years, made_default=made_default)), icon=":material/check_circle:"
    )
chosen = state.pop("deflators_default_saved", None)
if chosen:
    name, changed = chosen
    said = (
        _("{name} is now the default release.", name=name)
        if changed
        else _("{name} was already the default release.", name=name)
    )
    st.success(escape_markdown(said), icon=":material/check_circle:")

table = releases_frame(db)
show_table(
    table,
    hide_index=True,
    width="stretch",
    placeholder="—",
    column_config={
        "name": st.column_config.TextColumn(_("Release"), width="large"),
        "first_year": _("First year"),
        "last_year": _("Last year"),
        "is_default": st.column_config.CheckboxColumn(_("Default")),
        "shipped": st.column_config.CheckboxColumn(_("Shipped with the tracker")),
        "loaded_at": st.column_config.DatetimeColumn(_("Loaded (UTC)"), format="D MMM YYYY, HH:mm"),
        "loaded_by": _("Loaded by"),
    },
    key="deflators_table",
)

st.header(_("Make another release the default"))
names = list(table["name"])
current = names[int(table["is_default"].to_numpy().argmax())]
st.selectbox(_("Default release"), names, index=names.index(current), key="deflators_default_pick")
st.button(_("Make it the default"), on_click=choose_default, key="deflators_make_it_default", icon=":material/done:")

st.header(_("Load a release"))
st.markdown(
    _(
        "A CSV file with the header `financial_year,index` and one row for each financial year, e.g. "
        "`2024-25,102.5`: the years contiguous, every index a positive number, each year once. Name the release "
        "by whose series it is and when, e.g. *HM Treasury GDP deflators, December 2025*: a name already used "
        "is refused. Up to {most} KB; UTF-8, Excel's Windows-1252 or UTF-16.",
        most=format(limits.MAX_DEFLATOR_BYTES // 1024, ","),
    )
)
problems = state.get("deflators_problems")
if state.get("deflators_no_file"):
    st.error(_("Choose a file to load."), icon=":material/error:")
elif problems:
    st.error(_("**Nothing was saved.** Correct the file or the name and load it again."), icon=":material/error:")
    problems_table(
        problems,
        columns={"release": _("Release name"), "financial_year": "financial_year", "index": "index"},
    )
st.file_uploader(_("The release's file"), type=["csv"], key=_uploader_key())
st.text_input(
    _("Release name"),
    key="deflators_name",
    placeholder=_("e.g. {example}", example="HM Treasury GDP deflators, December 2025"),
)
st.checkbox(_("Make it the default"), key="deflators_make_default")
st.button(_("Load the release"), on_click=load, type="primary", key="deflators_load", icon=":material/upload_file:")
