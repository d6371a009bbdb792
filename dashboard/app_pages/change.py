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

from dashboard import auth, form_flow, forms
from dashboard.components import clear_data, current_view, engine, pick_by_search
from dashboard.failure_page import guarded
from dashboard.form_flow import Saved, in_the_language_shown
from dashboard.forms import FORMS, NO_PROBLEMS, REVISION_REASON, render_fields
from dashboard.tables import show_table
from tracker.figures.data import data_version
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import N_, _, ngettext
from tracker.records import announcements, commitments, deletion, deliveries, editing, milestones, quoted_money
from tracker.records.problems import NotFound, ServiceError, StaleEdit, ValidationFailed

me = auth.require("update_announcement", "update_commitment", "update_delivery", "update_milestone")

UPDATE: dict[str, Callable[..., int]] = {
    "announcement": announcements.update_announcement,
    "commitment": commitments.update_commitment,
    "delivery": deliveries.update_delivery,
    "milestone": milestones.update_milestone,
}
# The switch's choices: English labels (the widget's values, which the code compares), shown translated.
KINDS = {
    N_("Announcement"): "announcement",
    N_("Commitment"): "commitment",
    N_("Delivery"): "delivery",
    N_("Milestone"): "milestone",
}
PLURALS = {
    "announcement": N_("announcements"),
    "commitment": N_("commitments"),
    "delivery": N_("deliveries"),
    "milestone": N_("milestones"),
}
# What each kind of record says: whole sentences, one per kind (a translation may inflect each its own way).
TO_CHANGE = {
    "announcement": N_("Announcement to change"),
    "commitment": N_("Commitment to change"),
    "delivery": N_("Delivery to change"),
    "milestone": N_("Milestone to change"),
}
NONE_YET = {
    "announcement": N_("There is no announcement to change yet. Record one on the Record page."),
    "commitment": N_("There is no commitment to change yet. Record one on the Record page."),
    "delivery": N_("There is no delivery to change yet. Record one on the Record page."),
    "milestone": N_("There is no milestone to change yet. Record one on the Record page."),
}
SAVED = {
    "announcement": N_("Saved the change to announcement {ref}."),
    "commitment": N_("Saved the change to commitment {ref}. Its original profile is kept beside the new one."),
    "delivery": N_("Saved the change to delivery {ref}."),
    "milestone": N_("Saved the change to milestone {ref}."),
}
DELETED = {
    "announcement": N_(
        "Deleted announcement {ref}: it no longer counts in any total or list. "
        "An admin can restore it on the Deleted records page."
    ),
    "commitment": N_(
        "Deleted commitment {ref}: it no longer counts in any total or list. "
        "An admin can restore it on the Deleted records page."
    ),
    "delivery": N_(
        "Deleted delivery {ref}: it no longer counts in any total or list. "
        "An admin can restore it on the Deleted records page."
    ),
    "milestone": N_(
        "Deleted milestone {ref}: it no longer counts in any total or list. "
        "An admin can restore it on the Deleted records page."
    ),
}
DELETE = {
    "announcement": N_("Delete announcement {ref}"),
    "commitment": N_("Delete commitment {ref}"),
    "delivery": N_("Delete delivery {ref}"),
    "milestone": N_("Delete milestone {ref}"),
}


# Finance staff correct (and delete) deliveries only; editors (and admins) every kind.
KINDS = {label: kind for label, kind in KINDS.items() if auth.allows(me, f"update_{kind}")}
DEFAULT_KIND = "Commitment" if "Commitment" in KINDS else next(iter(KINDS))

db = engine()
state = st.session_state
version = data_version(db)
commitment_choices = form_flow.record_choices(db, "commitment", version)

st.title(_("Change a record"))
st.caption(
    _(
        "Pick a record, correct it and save. If someone else saves the same record after you open it, your save "
        "is refused and nothing is overwritten. Deleting takes a record out of every total and list; an admin "
        "can restore it."
    )
)

form_flow.show_saved("change_saved")

if state.get("change_kind") not in (None, *KINDS):  # a kind this user may no longer change
    state["change_kind"] = DEFAULT_KIND
kind_label = st.segmented_control(
    _("Kind of record"),
    list(KINDS),
    format_func={label: _(label) for label in KINDS}.__getitem__,
    default=DEFAULT_KIND,
    key="change_kind",
    on_change=lambda: _forget(),
)
entity = KINDS.get(kind_label or DEFAULT_KIND, KINDS[DEFAULT_KIND])
choices = form_flow.record_choices(db, entity, version)  # what can be changed: ref -> label
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
@in_the_language_shown
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
        state["change_error"] = err.said()
        return
    state["change_entity"], state["change_ref"] = entity, ref
    state["change_version"], state["change_original"] = editable.version, editable.value
    forms.fill(fields, FIELDS, editable.value)
    carried_by = form_flow.announcement_of(ref) if entity == "commitment" else None
    if carried_by:  # its quoted words, to check a recurring amount against
        state["change_announcement"] = editing.load_for_edit("announcement", carried_by, engine=db).value


@guarded
@in_the_language_shown
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
        state["change_stale"] = stale.said()
        state["change_yours"] = [
            {_("Field"): _(f.label), _("You typed"): values[f.name], _("Saved now"): str(getattr(now, f.name) or "")}
            for f in fields
            if values[f.name] != str(getattr(now, f.name) or "")
        ]
        state.pop("change_problems", None)
        return
    except ValidationFailed as failed:
        state["change_problems"] = failed
        return
    except ServiceError as err:
        state["change_error"] = err.said()
        return
    clear_data()
    _forget()  # the form empties: the next change starts from a fresh pick
    state["change_gen"] = state.get("change_gen", 0) + 1  # a new picker, with nothing chosen
    state["change_saved"] = Saved(_(SAVED[entity], ref=ref), *_shown_on(ref, values))


def _shown_on(ref: str, values: dict[str, str]) -> tuple[str | None, str]:
    """The announcement page that shows the record ``ref`` just saved, and the link's words."""
    if entity == "announcement":
        return ref, _("See announcement {ref}", ref=ref)
    commitment = ref if entity == "commitment" else values["commitment_ref"]
    return form_flow.announcement_of(commitment), _("See commitment {ref} on its announcement", ref=commitment)


@guarded
@in_the_language_shown
def reload_theirs() -> None:
    """Load the version saved now, keeping the list of what this user typed."""
    yours = state.get("change_yours")
    load()
    if yours:
        state["change_typed_before"] = yours


@guarded
@in_the_language_shown
def delete() -> None:
    ref = state["change_ref"]
    try:
        deletion.delete(entity, ref, expected_version=state["change_version"], engine=db, actor=auth.actor())
    except StaleEdit as stale:
        state["change_stale"] = stale.said()
        return
    except ServiceError as err:
        state["change_error"] = err.said()
        return
    clear_data()
    _forget()
    state["change_gen"] = state.get("change_gen", 0) + 1
    state["change_saved"] = Saved(_(DELETED[entity], ref=ref))


def delete_section(ref: str) -> None:
    # A key keeps the section open when a message above it comes or goes.
    with st.expander(escape_markdown(_(DELETE[entity], ref=ref)), key="change_delete_section"):
        if entity == "announcement":
            own = current_view().everything.commitments
            count = int((own["announcement_ref"] == ref).sum())
            if count:
                st.write(
                    ngettext(
                        "Its commitment and that commitment's deliveries leave the totals with it, and come back if "
                        "it is restored.",
                        "Its {n} commitments and their deliveries leave the totals with it, and come back if it is "
                        "restored.",
                        count,
                    )
                )
        st.checkbox(_("Yes, delete {ref}", ref=escape_markdown(ref)), key="change_confirm_delete")
        st.button(
            _("Delete {ref}", ref=escape_markdown(ref)),
            on_click=delete,
            key="change_delete",
            disabled=not state.get("change_confirm_delete"),
        )


if not choices:
    st.info(_(NONE_YET[entity]), icon=":material/info:")
    st.stop()
open_ref = state.get("change_ref") if state.get("change_entity") == entity else None
if pick_key not in state:  # a new picker (after a save) opens on the record still open
    if open_ref in choices:
        state[pick_key] = open_ref
elif state[pick_key] != picked():
    state[pick_key] = picked()
pick_by_search(
    _(TO_CHANGE[entity]),
    choices,
    pick_key,
    _(PLURALS[entity]),
    index=None,
    on_change=pick,
    placeholder=_("Choose one"),
)

if state.get("change_error"):
    st.error(escape_markdown(state.pop("change_error")), icon=":material/error:")
if state.get("change_ref") != state.get(pick_key) or state.get("change_entity") != entity:
    st.stop()

ref = state["change_ref"]
if state.get("change_stale"):
    st.warning(escape_markdown(state["change_stale"]), icon=":material/sync_problem:")  # names who changed it
    if state.get("change_yours"):
        st.markdown(_("**What you typed, beside what is saved now** (nothing of yours was saved)"))
        show_table(state["change_yours"], hide_index=True, width="stretch")
    st.button(_("Reload to see their change"), on_click=reload_theirs, key="change_reload")
    st.stop()
if state.get("change_typed_before"):
    with st.expander(_("What you had typed before reloading"), expanded=True):
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
st.button(_("Save the change"), on_click=save, type="primary", key="change_save")
delete_section(ref)
