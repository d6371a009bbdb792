"""Record: a new announcement with its commitments, a delivery, a milestone.

Every save goes through a use-case in tracker.records; the page only gathers what was
typed and shows the answer: problems beside their fields, or what was saved.
Changing or deleting what is already recorded is on the "Change a record"
page (dashboard/app_pages/change.py).
"""

import streamlit as st

from dashboard import auth
from dashboard.components import (
    NEW_ORGANISATION,
    clear_data,
    current_view,
    engine,
    field_problems,
    money_column,
    organisation_picker,
    picked_organisation,
)
from tracker.records import announcements, deliveries, milestones
from tracker.records.inputs import AnnouncementInput, CommitmentInput, DeliveryInput, MilestoneInput
from tracker.records.permissions import PermissionDenied
from tracker.records.problems import FieldProblem, ServiceError, ValidationFailed
from tracker.core import vocabulary
from tracker.core.money import to_decimal

me = auth.require("create_announcement", "record_delivery", "create_milestone")

shown = current_view()
db = engine()
commitment_refs = list(shown.everything.commitments["ref"])

KINDS = list(vocabulary.COMMITMENT_KINDS)
QUALIFIERS = list(vocabulary.QUALIFIERS)

st.title("Record")
st.caption(
    "Amounts as you would type them (`£1m`, `500,000`, `£1,250.50`); dates as `2019-10-31` or `31/10/2019`; "
    "financial years as `2020-21` (or `next financial year`, counted from the announcement date)."
)

saved = st.session_state.pop("record_saved", None)
if saved:
    st.success(saved, icon=":material/check_circle:")

# Finance staff record deliveries only; editors (and admins) all three.
TABS = {"New announcement": "create_announcement", "Delivery": "record_delivery", "Milestone": "create_milestone"}
offered = [label for label, action in TABS.items() if auth.allows(me, action)]
tabs = dict(zip(offered, st.tabs(offered)))


# --- new announcement ----------------------------------------------------------


def announcement_input() -> AnnouncementInput:
    state = st.session_state
    count = int(state.get("record_a_count", 1))
    funder = picked_organisation("record_a_funder")
    commitments = []
    for i in range(count):
        recipient = picked_organisation(f"record_c{i}_recipient")
        commitments.append(CommitmentInput(
            ref=state.get(f"record_c{i}_ref", ""), purpose=state.get(f"record_c{i}_purpose", ""),
            recipient=recipient, kind=state.get(f"record_c{i}_kind", "one-off"),
            amount=state.get(f"record_c{i}_amount", ""), first_year=state.get(f"record_c{i}_first_year", ""),
            years=state.get(f"record_c{i}_years", ""), qualifier=state.get(f"record_c{i}_qualifier", "exact"),
            status=state.get(f"record_c{i}_status", "confirmed"), programme=state.get(f"record_c{i}_programme", ""),
            uplift_pct=state.get(f"record_c{i}_uplift", ""), profile=state.get(f"record_c{i}_profile", ""),
            reannounces=state.get(f"record_c{i}_reannounces") or "",
        ))
    return AnnouncementInput(
        ref=state.get("record_a_ref", ""), announced_on=state.get("record_a_date", ""),
        title=state.get("record_a_title", ""), funder=funder, made_by=state.get("record_a_made_by", ""),
        source_url=state.get("record_a_source", ""), quote=state.get("record_a_quote", ""),
        notes=state.get("record_a_notes", ""), commitments=tuple(commitments),
    )


def new_organisations_ok() -> bool:
    state = st.session_state
    keys = ["record_a_funder"] + [f"record_c{i}_recipient" for i in range(int(state.get("record_a_count", 1)))]
    return any(state.get(k) == NEW_ORGANISATION for k in keys)


def preview_announcement() -> None:
    schedule, problems = announcements.preview_schedule(announcement_input(), engine=db,
                                                        new_organisations_ok=new_organisations_ok())
    st.session_state["record_a_problems"] = ValidationFailed(problems)
    st.session_state["record_a_schedule"] = schedule


def save_announcement() -> None:
    inp = announcement_input()
    try:
        announcements.create_announcement(inp, engine=db, new_organisations_ok=new_organisations_ok(),
                                          actor=auth.actor())
    except ValidationFailed as failed:
        st.session_state["record_a_problems"] = failed
        st.session_state["record_a_schedule"] = announcements.preview_schedule(inp)[0]
        return
    except PermissionDenied as err:
        auth.refused(err)
        return
    except ServiceError as err:
        st.session_state["record_a_problems"] = ValidationFailed([FieldProblem("ref", "", str(err))])
        return
    clear_data()
    for key in [k for k in st.session_state if str(k).startswith(("record_a_", "record_c"))]:
        del st.session_state[key]
    st.session_state["record_saved"] = (
        f"Saved announcement {inp.ref} with {len(inp.commitments)} commitment"
        f"{'' if len(inp.commitments) == 1 else 's'}. The other pages now include it."
    )


if "New announcement" in tabs:
    with tabs["New announcement"]:
        problems = st.session_state.get("record_a_problems", ValidationFailed([]))
        show = field_problems(problems)
        st.number_input("How many commitments does it carry?", min_value=1, max_value=10, step=1, key="record_a_count")
        left, right = st.columns(2)
        with left:
            st.text_input("Reference", key="record_a_ref", placeholder="e.g. A7")
            show("ref")
            st.text_input("Date announced", key="record_a_date", placeholder="31/10/2019")
            show("announced_on")
            st.text_input("Title", key="record_a_title")
            show("title")
        with right:
            organisation_picker("Funder", "record_a_funder", "Who is giving the money.")
            show("funder")
            st.text_input("Made by (optional)", key="record_a_made_by", placeholder="e.g. the Minister")
            st.text_input("Source address", key="record_a_source", placeholder="https://…")
            show("source_url")
        st.text_area("The words quoted", key="record_a_quote",
                     help="Exactly as published, so the figure can be checked.")
        st.text_area("Notes (optional)", key="record_a_notes")

        for i in range(int(st.session_state.get("record_a_count", 1))):
            st.markdown(f"**Commitment {i + 1}**")
            show_c = field_problems(problems, prefix=f"commitments[{i}].")
            a, b, c = st.columns(3)
            with a:
                st.text_input("Reference", key=f"record_c{i}_ref", placeholder="e.g. W8")
                show_c("ref")
                st.text_input("What it pays for", key=f"record_c{i}_purpose")
                show_c("purpose")
                organisation_picker("Recipient", f"record_c{i}_recipient", "Who receives the money.")
                show_c("recipient")
            with b:
                st.selectbox("Kind", KINDS, key=f"record_c{i}_kind",
                             help="One-off: in one year. Recurring: the same each year. Profiled: an amount per year.")
                show_c("kind")
                st.text_input("Amount", key=f"record_c{i}_amount", placeholder="£500,000",
                              help="Recurring: per year. One-off: the total. Profiled: the total (or leave blank).")
                show_c("amount")
                st.selectbox("The amount is", QUALIFIERS, key=f"record_c{i}_qualifier",
                             help="'over' is a floor, 'up to' a ceiling.")
            with c:
                st.text_input("First financial year", key=f"record_c{i}_first_year", placeholder="2020-21")
                show_c("first_year")
                st.text_input("Years (recurring)", key=f"record_c{i}_years", placeholder="3")
                show_c("years")
                st.text_input("Profile (profiled)", key=f"record_c{i}_profile",
                              placeholder="2020-21=£1m;2021-22=500,000")
                show_c("profile")
            d, e, f = st.columns(3)
            d.selectbox("Status", list(vocabulary.STATUSES), key=f"record_c{i}_status")
            e.text_input("Programme (optional)", key=f"record_c{i}_programme")
            f.selectbox("Re-announces (optional)", commitment_refs, index=None, key=f"record_c{i}_reannounces",
                        help="The earlier commitment this one restates: it adds no new money.")
            show_c("reannounces")
            show_c("uplift_pct")

        preview_col, save_col = st.columns(2)
        preview_col.button("Show the year-by-year schedule", on_click=preview_announcement, key="record_a_preview")
        save_col.button("Save the announcement", on_click=save_announcement, type="primary", key="record_a_save")
        if problems.problems:
            st.error(f"Nothing was saved: {len(problems.problems)} problem(s) to put right, shown beside each field.")
        schedule = st.session_state.get("record_a_schedule")
        if schedule is not None and not schedule.empty:
            st.markdown("**The schedule these commitments make** (headline amounts, before saving)")
            table = schedule.map(lambda pence: to_decimal(int(pence))).reset_index()
            st.dataframe(table, hide_index=True, width="stretch",
                         column_config={c: money_column(c) for c in schedule.columns})


# --- delivery ------------------------------------------------------------------------


def save(use_case, inp, problems_key: str, message: str) -> None:
    """Save through a write use-case: problems go beside their fields, success to the top."""
    saved, _ = auth.attempt(lambda: use_case(inp, engine=db, actor=auth.actor()), problems_key)
    if saved:
        clear_data()
        st.session_state["record_saved"] = message


def save_delivery() -> None:
    state = st.session_state
    inp = DeliveryInput(
        ref=state.get("record_d_ref", ""), commitment_ref=state.get("record_d_commitment") or "",
        paid_on=state.get("record_d_paid_on", ""), amount=state.get("record_d_amount", ""),
        kind=state.get("record_d_kind", "payment"), note=state.get("record_d_note", ""),
        evidence_url=state.get("record_d_evidence", ""),
    )
    save(deliveries.record_delivery, inp, "record_d_problems",
         f"Saved delivery {inp.ref} against {inp.commitment_ref}.")


if "Delivery" in tabs:
    with tabs["Delivery"]:
        show = field_problems(st.session_state.get("record_d_problems", ValidationFailed([])))
        a, b = st.columns(2)
        with a:
            st.selectbox("Commitment", commitment_refs, index=None, key="record_d_commitment")
            show("commitment_ref")
            st.text_input("Reference", key="record_d_ref", placeholder="e.g. D8")
            show("ref")
            st.text_input("Paid on", key="record_d_paid_on", placeholder="31/03/2021")
            show("paid_on")
        with b:
            st.text_input("Amount", key="record_d_amount", placeholder="£250,000",
                          help="A negative amount (-£500) corrects an earlier payment.")
            show("amount")
            st.selectbox("Kind", ["payment", "spend"], key="record_d_kind")
            st.text_input("Evidence address (optional)", key="record_d_evidence")
        st.text_input("Note (optional)", key="record_d_note")
        st.button("Save the delivery", on_click=save_delivery, type="primary", key="record_d_save")


# --- milestone ----------------------------------------------------------------------


def save_milestone() -> None:
    state = st.session_state
    inp = MilestoneInput(
        ref=state.get("record_m_ref", ""), commitment_ref=state.get("record_m_commitment") or "",
        title=state.get("record_m_title", ""), due_on=state.get("record_m_due", ""),
        achieved_on=state.get("record_m_achieved", ""), achieved_note=state.get("record_m_note", ""),
    )
    save(milestones.create_milestone, inp, "record_m_problems", f"Saved milestone {inp.ref} on {inp.commitment_ref}.")


if "Milestone" in tabs:
    with tabs["Milestone"]:
        show = field_problems(st.session_state.get("record_m_problems", ValidationFailed([])))
        a, b = st.columns(2)
        with a:
            st.selectbox("Commitment", commitment_refs, index=None, key="record_m_commitment")
            show("commitment_ref")
            st.text_input("Reference", key="record_m_ref", placeholder="e.g. M3")
            show("ref")
            st.text_input("What will happen", key="record_m_title", placeholder="e.g. Delivery Unit fully staffed")
            show("title")
        with b:
            st.text_input("Due on (optional)", key="record_m_due", placeholder="01/04/2021")
            show("due_on")
            st.text_input("Achieved on (optional)", key="record_m_achieved")
            show("achieved_on")
            st.text_input("Note (optional)", key="record_m_note")
        st.button("Save the milestone", on_click=save_milestone, type="primary", key="record_m_save")
