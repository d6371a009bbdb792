"""Change a record: pick an announcement, commitment, delivery or milestone,
correct it, and save; or delete it.

Each save hands back the version the record had when it was opened, so a
change someone else saved in between is never overwritten: the page says
who and when, and lists what you typed beside what is saved now so nothing
is lost. A change to a commitment's money needs a reason; the original
profile is kept beside the revised one (Delivery page).
"""

from dataclasses import dataclass, replace

import streamlit as st

from dashboard import auth
from dashboard.components import (
    NEW_ORGANISATION,
    clear_data,
    current_view,
    engine,
    field_problems,
    organisation_picker,
    picked_organisation,
)
from tracker.core import vocabulary
from tracker.records import listings as records
from tracker.core.vocabulary import REVISION_REASONS
from tracker.records import announcements, commitments, deletion, deliveries, editing, milestones
from tracker.records.problems import NotFound, ServiceError, StaleEdit, ValidationFailed

me = auth.require("update_announcement", "update_commitment", "update_delivery", "update_milestone")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    widget: str = "text"  # text | area | choice | organisation | commitment
    options: tuple[str, ...] = ()
    help: str | None = None


MONEY_HELP = "As you would type it: £1m, 500,000, £1,250.50."
FORMS: dict[str, list[Field]] = {
    "announcement": [
        Field("announced_on", "Date announced", help="2019-10-31 or 31/10/2019"),
        Field("title", "Title"),
        Field("funder", "Funder", "organisation"),
        Field("made_by", "Made by (optional)"),
        Field("source_url", "Source address"),
        Field("quote", "The words quoted", "area"),
        Field("notes", "Notes (optional)", "area"),
    ],
    "commitment": [
        Field("purpose", "What it pays for"),
        Field("recipient", "Recipient", "organisation"),
        Field("kind", "Kind", "choice", vocabulary.COMMITMENT_KINDS),
        Field("amount", "Amount", help=MONEY_HELP + " Recurring: per year. Profiled: the total (or blank)."),
        Field("qualifier", "The amount is", "choice", vocabulary.QUALIFIERS),
        Field("first_year", "First financial year", help="2020-21"),
        Field("years", "Years (recurring)"),
        Field("profile", "Profile (profiled)", help="2020-21=£1m;2021-22=500,000"),
        Field("uplift_pct", "Yearly uplift % (optional)"),
        Field("status", "Status", "choice", vocabulary.STATUSES),
        Field("programme", "Programme (optional)"),
        Field("reannounces", "Re-announces (optional)", "commitment",
              help="The earlier commitment this one restates: it adds no new money."),
    ],
    "delivery": [
        Field("commitment_ref", "Commitment", "commitment"),
        Field("paid_on", "Paid on", help="2021-03-31 or 31/03/2021"),
        Field("amount", "Amount", help=MONEY_HELP + " A negative amount corrects an earlier payment."),
        Field("kind", "Kind", "choice", vocabulary.DELIVERY_KINDS),
        Field("evidence_url", "Evidence address (optional)"),
        Field("note", "Note (optional)"),
    ],
    "milestone": [
        Field("commitment_ref", "Commitment", "commitment"),
        Field("title", "What will happen"),
        Field("due_on", "Due on (optional)"),
        Field("achieved_on", "Achieved on (optional)"),
        Field("achieved_note", "Note (optional)"),
        Field("source_url", "Source address (optional)"),
    ],
}
UPDATE = {
    "announcement": announcements.update_announcement,
    "commitment": commitments.update_commitment,
    "delivery": deliveries.update_delivery,
    "milestone": milestones.update_milestone,
}
KINDS = {"Announcement": "announcement", "Commitment": "commitment", "Delivery": "delivery",
         "Milestone": "milestone"}
# Finance staff correct (and delete) deliveries only; editors (and admins) every kind.
KINDS = {label: kind for label, kind in KINDS.items() if auth.allows(me, f"update_{kind}")}
DEFAULT_KIND = "Commitment" if "Commitment" in KINDS else next(iter(KINDS))

db = engine()
state = st.session_state
commitment_refs = list(current_view().everything.commitments["ref"])

st.title("Change a record")
st.caption(
    "Pick a record, correct it and save. If someone else saves the same record after you open it, your save is "
    "refused and nothing is overwritten. Deleting takes a record out of every total and list; an admin can "
    "restore it."
)

saved = state.pop("change_saved", None)
if saved:
    st.success(saved, icon=":material/check_circle:")

if state.get("change_kind") not in (None, *KINDS):  # a kind this user may no longer change
    state["change_kind"] = DEFAULT_KIND
kind_label = st.segmented_control("Kind of record", list(KINDS), default=DEFAULT_KIND, key="change_kind",
                                  on_change=lambda: _forget())
entity = KINDS.get(kind_label or DEFAULT_KIND, KINDS[DEFAULT_KIND])
choices = records.editable(db, entity)
# A new picker (new key) after each save or delete: Streamlit keeps a
# selectbox's value as the label it showed, and a save can change the label.
pick_key = f"change_pick_{entity}_{state.get('change_gen', 0)}"


def _key(field: str) -> str:
    return f"change_f_{field}"


def _forget() -> None:
    """Drop whatever record the form holds."""
    keep = ("change_kind", "change_saved", "change_gen")
    for key in [k for k in state if str(k).startswith("change_") and k not in keep
                and not str(k).startswith("change_pick_")]:
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
    for field in FORMS[entity]:
        value = getattr(editable.value, field.name)
        if field.widget in ("choice", "commitment"):
            value = value or None
        state[_key(field.name)] = value


def typed() -> dict[str, str]:
    values = {}
    for field in FORMS[entity]:
        if field.widget == "organisation":
            values[field.name] = picked_organisation(_key(field.name))
        else:
            values[field.name] = state.get(_key(field.name)) or ""
    return values


def save() -> None:
    ref, original = state["change_ref"], state["change_original"]
    values = typed()
    extra = {}
    if entity in ("announcement", "commitment"):
        extra["new_organisations_ok"] = any(state.get(_key(f.name)) == NEW_ORGANISATION
                                            for f in FORMS[entity] if f.widget == "organisation")
    if entity == "commitment":
        extra.update(reason=state.get("change_reason"), reason_text=state.get("change_reason_text", ""))
    try:
        UPDATE[entity](ref, replace(original, **values), expected_version=state["change_version"], engine=db,
                       actor=auth.actor(), **extra)
    except StaleEdit as stale:
        now = editing.load_for_edit(entity, ref, engine=db).value
        state["change_stale"] = str(stale)
        state["change_yours"] = [
            {"Field": f.label, "You typed": values[f.name], "Saved now": str(getattr(now, f.name) or "")}
            for f in FORMS[entity] if values[f.name] != str(getattr(now, f.name) or "")
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
    load()
    state["change_gen"] = state.get("change_gen", 0) + 1  # the picker shows the new label
    state["change_saved"] = f"Saved the change to {entity} {ref}." + (
        " Its original profile is kept beside the new one." if entity == "commitment" else "")


def reload_theirs() -> None:
    """Load the version saved now, keeping the list of what this user typed."""
    yours = state.get("change_yours")
    load()
    if yours:
        state["change_typed_before"] = yours


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
    state["change_saved"] = (f"Deleted {entity} {ref}: it no longer counts in any total or list. "
                             "An admin can restore it on the Deleted records page.")


def widget(field: Field) -> None:
    key = _key(field.name)
    if field.widget == "text":
        st.text_input(field.label, key=key, help=field.help)
    elif field.widget == "area":
        st.text_area(field.label, key=key, help=field.help)
    elif field.widget == "choice":
        st.selectbox(field.label, field.options, key=key, help=field.help)
    elif field.widget == "commitment":
        options = [ref for ref in commitment_refs if ref != state.get("change_ref") or entity != "commitment"]
        st.selectbox(field.label, options, index=None, key=key, help=field.help, placeholder="None")
    else:
        organisation_picker(field.label, key, field.help or "")
    show(field.name)


if not choices:
    st.info(f"There is no {entity} to change yet. Record one on the Record page.", icon=":material/info:")
    st.stop()
if pick_key in state and state[pick_key] != picked():
    state[pick_key] = picked()
open_ref = state.get("change_ref") if state.get("change_entity") == entity else None
st.selectbox(f"{kind_label or DEFAULT_KIND} to change", list(choices), key=pick_key,
             index=list(choices).index(open_ref) if pick_key not in state and open_ref in choices else None,
             format_func=choices.get, on_change=pick, placeholder="Choose one")

if state.get("change_error"):
    st.error(state.pop("change_error"), icon=":material/error:")
if state.get("change_ref") != state.get(pick_key) or state.get("change_entity") != entity:
    st.stop()

ref = state["change_ref"]
if state.get("change_stale"):
    st.warning(state["change_stale"], icon=":material/sync_problem:")
    if state.get("change_yours"):
        st.markdown("**What you typed, beside what is saved now** (nothing of yours was saved)")
        st.dataframe(state["change_yours"], hide_index=True, width="stretch")
    st.button("Reload to see their change", on_click=reload_theirs, key="change_reload")
    st.stop()
if state.get("change_typed_before"):
    with st.expander("What you had typed before reloading", expanded=True):
        st.dataframe(state["change_typed_before"], hide_index=True, width="stretch")

problems = state.get("change_problems", ValidationFailed([]))
show = field_problems(problems)
fields = FORMS[entity]
half = (len(fields) + 1) // 2
left, right = st.columns(2)
with left:
    for field in fields[:half]:
        widget(field)
with right:
    for field in fields[half:]:
        widget(field)
if entity == "commitment":
    st.selectbox("Why the money changed", REVISION_REASONS, index=None, key="change_reason",
                 help="Needed when the kind, amount, years, first year, profile or uplift change.")
    show("reason")
    st.text_input("Say more (needed for 'other')", key="change_reason_text")
    show("reason_text")
if problems.problems:
    st.error(f"Nothing was saved: {len(problems.problems)} problem(s) to put right, shown beside each field.")
st.button("Save the change", on_click=save, type="primary", key="change_save")

# A key keeps the section open when a message above it comes or goes.
with st.expander(f"Delete {entity} {ref}", key="change_delete_section"):
    if entity == "announcement":
        own = current_view().everything.commitments
        count = int((own["announcement_ref"] == ref).sum())
        if count:
            what = "Its commitment and that commitment's" if count == 1 else f"Its {count} commitments and their"
            st.write(f"{what} deliveries leave the totals with it, and come back if it is restored.")
    st.checkbox(f"Yes, delete {ref}", key="change_confirm_delete")
    st.button(f"Delete {ref}", on_click=delete, key="change_delete",
              disabled=not state.get("change_confirm_delete"))
