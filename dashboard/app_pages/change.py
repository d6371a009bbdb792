"""Change a record: pick an announcement, commitment, delivery or milestone,
correct it, and save; or delete it.

Each save hands back the version the record had when it was opened, so a
change someone else saved in between is never overwritten: the page says
who and when, and lists what you typed beside what is saved now so nothing
is lost. A change to a commitment's money needs a reason; the original
profile is kept beside the revised one (Delivery page). A save that succeeds
closes the record and links to it (docs/recording.md).
"""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import streamlit as st

from dashboard import auth, forms
from dashboard.components import clear_data, current_view, engine, pick_by_search
from dashboard.failure_page import guarded
from dashboard.forms import FORMS, NO_PROBLEMS, REVISION_REASON, Saved, render_fields
from dashboard.tables import show_table
from tracker.figures.data import data_version
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import _
from tracker.records import announcements, commitments, deletion, deliveries, editing, milestones, quoted_money
from tracker.records.problems import NotFound, ServiceError, StaleEdit, ValidationFailed

me = auth.require("update_announcement", "update_commitment", "update_delivery", "update_milestone")

UPDATE: dict[str, Callable[..., int]] = {
    "announcement": announcements.update_announcement,
    "commitment": commitments.update_commitment,
    "delivery": deliveries.update_delivery,
    "milestone": milestones.update_milestone,
}
KINDS = {"Announcement": "announcement", "Commitment": "commitment", "Delivery": "delivery", "Milestone": "milestone"}
PLURALS = {
    "announcement": "announcements",
    "commitment": "commitments",
    "delivery": "deliveries",
    "milestone": "milestones",
}


# Finance staff correct (and delete) deliveries only; editors (and admins) every kind.
KINDS = {label: kind for label, kind in KINDS.items() if auth.allows(me, f"update_{kind}")}
DEFAULT_KIND = "Commitment" if "Commitment" in KINDS else next(iter(KINDS))

db = engine()
state = st.session_state
version = data_version(db)
commitment_choices = forms.record_choices(db, "commitment", version)

st.title(_("Change a record"))
st.caption(
    "Pick a record, correct it and save. If someone else saves the same record after you open it, your save is "
    "refused and nothing is overwritten. Deleting takes a record out of every total and list; an admin can "
    "restore it."
)

forms.show_saved("change_saved")

if state.get("change_kind") not in (None, *KINDS):  # a kind this user may no longer change
    state["change_kind"] = DEFAULT_KIND
kind_label = st.segmented_control(
    "Kind of record", list(KINDS), default=DEFAULT_KIND, key="change_kind", on_change=lambda: _forget()
)
entity = KINDS.get(kind_label or DEFAULT_KIND, KINDS[DEFAULT_KIND])
choices = forms.record_choices(db, entity, version)  # what can be changed: ref -> label
# A new picker (new key) after each save or delete: Streamlit keeps a
# selectbox's value as the label it showed, and a save can change the label.
pick_key = f"change_pick_{entity}_{state.get('change_gen', 0)}"


FIELDS = "change_f_"  # the key prefix of the record's fields
fields = FORMS[entity].changeable


def _forget() -> None:
    """Drop whatever record the form holds."""
    keep = ("change_kind", "change_saved", "change_gen")
    for key in [
        k for k in state if str(k).startswith("change_") and k not in keep and not str(k).startswith("change_pick_")
    ]:
        del state[key]


def picked() -> str | None:
    """The ref chosen in the picker.

    When someone else saves the open record, its label changes (a new amount
    or title) and the picker hands back the old label instead of a ref: the
    record open in the form is still the one meant.
    """
    value = state.get(pick_key)
    if value is None or value in choices:
        return value
    return state.get("change_ref") if state.get("change_ref") in choices else None


@guarded
def pick() -> None:
    """A record was chosen: open it (unless it is the one already open)."""
    if picked() != state.get("change_ref") or state.get("change_entity") != entity:
        load()


def load() -> None:
    """Fill the form from the stored record, and remember its version."""
    ref = picked()
    _forget()
    if not ref:
        return
    try:
        editable = editing.load_for_edit(entity, ref, engine=db)
    except NotFound as err:
        state["change_error"] = str(err)
        return
    state["change_entity"], state["change_ref"] = entity, ref
    state["change_version"], state["change_original"] = editable.version, editable.value
    forms.fill(fields, FIELDS, editable.value)
    carried_by = forms.announcement_of(ref) if entity == "commitment" else None
    if carried_by:  # its quoted words, to check a recurring amount against
        state["change_announcement"] = editing.load_for_edit("announcement", carried_by, engine=db).value


@guarded
def save() -> None:
    ref, original = state["change_ref"], state["change_original"]
    values = forms.typed(fields, FIELDS)
    extra: dict[str, Any] = {}
    if entity in ("announcement", "commitment"):
        extra["new_organisations_ok"] = forms.new_organisation_chosen(fields, FIELDS)
    if entity == "commitment":
        reason = forms.typed(REVISION_REASON, "change_")
        extra.update(reason=reason["reason"] or None, reason_text=reason["reason_text"])
    try:
        UPDATE[entity](
            ref,
            replace(original, **values),
            expected_version=state["change_version"],
            engine=db,
            actor=auth.actor(),
            **extra,
        )
    except StaleEdit as stale:
        now = editing.load_for_edit(entity, ref, engine=db).value
        state["change_stale"] = str(stale)
        state["change_yours"] = [
            {"Field": f.label, "You typed": values[f.name], "Saved now": str(getattr(now, f.name) or "")}
            for f in fields
            if values[f.name] != str(getattr(now, f.name) or "")
        ]
        state.pop("change_problems", None)
        return
    except ValidationFailed as failed:
        state["change_problems"] = failed
        return
    except ServiceError as err:
        state["change_error"] = str(err)
        return
    clear_data()
    _forget()  # the form empties: the next change starts from a fresh pick
    state["change_gen"] = state.get("change_gen", 0) + 1  # a new picker, with nothing chosen
    state["change_saved"] = Saved(
        f"Saved the change to {entity} {ref}."
        + (" Its original profile is kept beside the new one." if entity == "commitment" else ""),
        *_shown_on(ref, values),
    )


def _shown_on(ref: str, values: dict[str, str]) -> tuple[str | None, str]:
    """The announcement page that shows the record ``ref`` just saved, and the link's words."""
    if entity == "announcement":
        return ref, f"See announcement {ref}"
    commitment = ref if entity == "commitment" else values["commitment_ref"]
    return forms.announcement_of(commitment), f"See commitment {commitment} on its announcement"


@guarded
def reload_theirs() -> None:
    """Load the version saved now, keeping the list of what this user typed."""
    yours = state.get("change_yours")
    load()
    if yours:
        state["change_typed_before"] = yours


@guarded
def delete() -> None:
    ref = state["change_ref"]
    try:
        deletion.delete(entity, ref, expected_version=state["change_version"], engine=db, actor=auth.actor())
    except StaleEdit as stale:
        state["change_stale"] = str(stale)
        return
    except ServiceError as err:
        state["change_error"] = str(err)
        return
    clear_data()
    _forget()
    state["change_gen"] = state.get("change_gen", 0) + 1
    state["change_saved"] = Saved(
        f"Deleted {entity} {ref}: it no longer counts in any total or list. "
        "An admin can restore it on the Deleted records page."
    )


def delete_section(ref: str) -> None:
    # A key keeps the section open when a message above it comes or goes.
    with st.expander(escape_markdown(f"Delete {entity} {ref}"), key="change_delete_section"):
        if entity == "announcement":
            own = current_view().everything.commitments
            count = int((own["announcement_ref"] == ref).sum())
            if count:
                what = "Its commitment and that commitment's" if count == 1 else f"Its {count} commitments and their"
                st.write(f"{what} deliveries leave the totals with it, and come back if it is restored.")
        st.checkbox(f"Yes, delete {escape_markdown(ref)}", key="change_confirm_delete")
        st.button(
            f"Delete {escape_markdown(ref)}",
            on_click=delete,
            key="change_delete",
            disabled=not state.get("change_confirm_delete"),
        )


if not choices:
    st.info(f"There is no {entity} to change yet. Record one on the Record page.", icon=":material/info:")
    st.stop()
open_ref = state.get("change_ref") if state.get("change_entity") == entity else None
if pick_key not in state:  # a new picker (after a save) opens on the record still open
    if open_ref in choices:
        state[pick_key] = open_ref
elif state[pick_key] != picked():
    state[pick_key] = picked()
pick_by_search(
    f"{kind_label or DEFAULT_KIND} to change",
    choices,
    pick_key,
    PLURALS[entity],
    index=None,
    on_change=pick,
    placeholder="Choose one",
)

if state.get("change_error"):
    st.error(escape_markdown(state.pop("change_error")), icon=":material/error:")
if state.get("change_ref") != state.get(pick_key) or state.get("change_entity") != entity:
    st.stop()

ref = state["change_ref"]
if state.get("change_stale"):
    st.warning(escape_markdown(state["change_stale"]), icon=":material/sync_problem:")  # names who changed it
    if state.get("change_yours"):
        st.markdown("**What you typed, beside what is saved now** (nothing of yours was saved)")
        show_table(state["change_yours"], hide_index=True, width="stretch")
    st.button("Reload to see their change", on_click=reload_theirs, key="change_reload")
    st.stop()
if state.get("change_typed_before"):
    with st.expander("What you had typed before reloading", expanded=True):
        show_table(state["change_typed_before"], hide_index=True, width="stretch")

reason_fields = REVISION_REASON if entity == "commitment" else ()
errors = forms.errors_of(
    state.get("change_problems", NO_PROBLEMS), (fields, FIELDS, ""), (reason_fields, "change_", "")
)
errors.summary()
# A commitment may not re-announce itself, nor be part of itself.
offered = commitment_choices
if entity == "commitment":
    offered = {r: label for r, label in commitment_choices.items() if r != ref}
typed_now = render_fields(fields, FIELDS, errors=errors, commitments=offered)
if entity == "commitment":
    if state.get("change_announcement"):
        as_typed = replace(state["change_original"], **typed_now)
        warned = quoted_money.quote_warnings(replace(state["change_announcement"], commitments=(as_typed,)))
        if ref in warned:
            st.warning(escape_markdown(warned[ref]), icon=":material/warning:")
    render_fields(reason_fields, "change_", errors=errors)
st.button("Save the change", on_click=save, type="primary", key="change_save")
delete_section(ref)
