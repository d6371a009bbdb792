"""Record: a new announcement with its commitments (typed, or found in a press release), a delivery, a milestone.

Every save goes through a use-case in tracker.records; the page only gathers
what was typed and shows the answer: the problems (listed at the top of the
form, each linking to its field, and each beside its field:
dashboard/form_errors.py), or what was saved. The fields are the forms of dashboard/forms.py, the same the
"Change a record" page (dashboard/app_pages/change.py) offers for changing or
deleting what is already recorded.

A save that fails keeps everything typed; one that succeeds empties the form
and links to what was saved. Each ref box starts with the next free ref, and
the preview gives each commitment's total and checks a recurring amount
against the quote (docs/recording.md). The "From a press release" tab is
dashboard/press_release.py (docs/press-releases.md).
"""

from typing import Any

import streamlit as st

from dashboard import auth, form_flow, forms, press_release
from dashboard.components import clear_data, engine, money_column
from dashboard.failure_page import guarded
from dashboard.form_flow import Saved, in_the_language_shown
from dashboard.forms import ANNOUNCEMENT, COMMITMENT, DELIVERY, MILESTONE, NO_PROBLEMS, read_input, render_fields
from dashboard.tables import show_table
from tracker.core.money import to_decimal
from tracker.figures.data import data_version
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import N_, _, ngettext
from tracker.records import announcements, deliveries, milestones, next_refs, quoted_money
from tracker.records.inputs import AnnouncementInput
from tracker.records.permissions import PermissionDenied
from tracker.records.problems import FieldProblem, ServiceError, ValidationFailed

me = auth.require("create_announcement", "record_delivery", "create_milestone")

db = engine()
state = st.session_state
version = data_version(db)
commitment_choices = form_flow.record_choices(db, "commitment", version)


@st.cache_resource(show_spinner=False, max_entries=8)
def _suggested(_db, url: str, entity: str, count: int, version: int) -> tuple[str, ...]:
    """The next free refs (tracker.records.next_refs), worked out once per change of the data."""
    return tuple(next_refs.suggested_refs(_db, entity, count))


def suggested(entity: str, count: int = 1) -> tuple[str, ...]:
    return _suggested(db, db.url.render_as_string(), entity, count, version)


st.title(_("Record"))
st.caption(
    _(
        "Amounts as you would type them (`£1m`, `500,000`, `£1,250.50`); dates as `2019-10-31` or `31/10/2019`; "
        "financial years as `2020-21` (or `next financial year`, counted from the announcement date)."
    )
)

form_flow.show_saved("record_saved")

# Finance staff record deliveries only; editors (and admins) all three.
# Keyed by the tab's English label (what the code below looks for); each shown in the language in use.
TABS = {
    N_("New announcement"): "create_announcement",
    N_("From a press release"): "create_announcement",
    N_("Delivery"): "record_delivery",
    N_("Milestone"): "create_milestone",
}
offered = [label for label, action in TABS.items() if auth.allows(me, action)]
tabs = dict(zip(offered, st.tabs([_(label) for label in offered])))


# --- new announcement ----------------------------------------------------------


def commitment_prefixes() -> list[str]:
    """The key prefix of each commitment the announcement carries."""
    return [f"record_c{i}_" for i in range(int(state.get("record_a_count", 1)))]


def announcement_typed() -> AnnouncementInput:
    carried = tuple(read_input(COMMITMENT, prefix) for prefix in commitment_prefixes())
    return read_input(ANNOUNCEMENT, "record_a_", commitments=carried)


def new_organisations_ok() -> bool:
    return forms.new_organisation_chosen(ANNOUNCEMENT.fields, "record_a_") or any(
        forms.new_organisation_chosen(COMMITMENT.fields, prefix) for prefix in commitment_prefixes()
    )


@guarded
@in_the_language_shown
def preview_announcement() -> None:
    schedule, problems = announcements.preview_schedule(
        announcement_typed(), engine=db, new_organisations_ok=new_organisations_ok()
    )
    state["record_a_problems"] = ValidationFailed(problems)
    state["record_a_schedule"] = schedule
    state["record_a_warnings"] = quoted_money.quote_warnings(announcement_typed())


@guarded
@in_the_language_shown
def save_announcement() -> None:
    inp = announcement_typed()
    try:
        announcements.create_announcement(
            inp, engine=db, new_organisations_ok=new_organisations_ok(), actor=auth.actor()
        )
    except ValidationFailed as failed:
        state["record_a_problems"] = failed
        state["record_a_schedule"] = announcements.preview_schedule(inp)[0]
        state["record_a_warnings"] = quoted_money.quote_warnings(inp)
        return
    except PermissionDenied as err:
        auth.refused(err)
        return
    except ServiceError as err:
        state["record_a_problems"] = ValidationFailed([FieldProblem("ref", "", err.said())])
        return
    clear_data()
    forms.blank(ANNOUNCEMENT.fields, "record_a_")
    for prefix in commitment_prefixes():
        forms.blank(COMMITMENT.fields, prefix)
    state["record_a_count"] = 1
    for shown in ("record_a_problems", "record_a_schedule", "record_a_warnings"):
        state.pop(shown, None)
    state["record_saved"] = Saved(
        ngettext(
            "Saved announcement {ref} with {n} commitment. The other pages now include it.",
            "Saved announcement {ref} with {n} commitments. The other pages now include it.",
            len(inp.commitments),
            ref=inp.ref,
        ),
        inp.ref,
        _("See announcement {ref}", ref=inp.ref),
    )


def show_schedule() -> None:
    schedule = state.get("record_a_schedule")
    if schedule is None or schedule.empty:
        return
    st.markdown(_("**The schedule these commitments make** (headline amounts, before saving)"))
    totalled = announcements.with_totals(schedule)
    table = totalled.map(lambda pence: to_decimal(int(pence))).reset_index()
    table["ref"] = table["ref"].replace({announcements.ALL_COMMITMENTS: _(announcements.ALL_COMMITMENTS)})
    config: dict[str, Any] = {"ref": _("Ref")}
    config.update({c: money_column(_(c)) for c in schedule.columns})  # financial years, and "Unphased"
    config["total"] = money_column(_("Total"), help=_("Across every year, unphased money included."))
    show_table(table, hide_index=True, width="stretch", column_config=config)
    for ref, warning in state.get("record_a_warnings", {}).items():
        st.warning(escape_markdown(_("{ref}: {warning}", ref=ref, warning=warning)), icon=":material/warning:")


if "New announcement" in tabs:
    with tabs["New announcement"]:
        errors = forms.errors_of(
            state.get("record_a_problems", NO_PROBLEMS),
            (ANNOUNCEMENT.fields, "record_a_", ""),
            *((COMMITMENT.fields, prefix, f"commitments[{i}].") for i, prefix in enumerate(commitment_prefixes())),
        )
        errors.summary()
        st.number_input(
            _("How many commitments does it carry?"), min_value=1, max_value=10, step=1, key="record_a_count"
        )
        form_flow.suggest("record_a_ref", suggested("announcement")[0])
        for prefix, ref in zip(commitment_prefixes(), suggested("commitment", len(commitment_prefixes()))):
            form_flow.suggest(f"{prefix}ref", ref)
        render_fields(ANNOUNCEMENT.fields, "record_a_", errors=errors)
        for i, prefix in enumerate(commitment_prefixes()):
            st.markdown(_("**Commitment {number}**", number=i + 1))
            render_fields(
                COMMITMENT.fields,
                prefix,
                errors=errors,
                path_prefix=f"commitments[{i}].",
                commitments=commitment_choices,
                columns=3,
            )
        preview_col, save_col = st.columns(2)
        preview_col.button(_("Show the year-by-year schedule"), on_click=preview_announcement, key="record_a_preview")
        save_col.button(_("Save the announcement"), on_click=save_announcement, type="primary", key="record_a_save")
        show_schedule()


if "From a press release" in tabs:
    with tabs["From a press release"]:
        press_release.draw(db, suggested)


# --- delivery and milestone ------------------------------------------------------------


def save(use_case, form, inp, prefix: str, message: str) -> None:
    """Save through a write use-case: problems go at the top of the form and
    beside their fields (and everything typed stays); saved, the form is emptied and what was saved
    said at the top, with a link to the commitment's announcement."""
    saved, _saved_as = auth.attempt(lambda: use_case(inp, engine=db, actor=auth.actor()), f"{prefix}problems")
    if saved:
        clear_data()
        forms.blank(form.fields, prefix)
        state["record_saved"] = Saved(
            message,
            form_flow.announcement_of(inp.commitment_ref),
            _("See commitment {ref} on its announcement", ref=inp.commitment_ref),
        )


@guarded
@in_the_language_shown
def save_delivery() -> None:
    inp = read_input(DELIVERY, "record_d_")
    save(
        deliveries.record_delivery,
        DELIVERY,
        inp,
        "record_d_",
        _("Saved delivery {ref} against {commitment}.", ref=inp.ref, commitment=inp.commitment_ref),
    )


@guarded
@in_the_language_shown
def save_milestone() -> None:
    inp = read_input(MILESTONE, "record_m_")
    save(
        milestones.create_milestone,
        MILESTONE,
        inp,
        "record_m_",
        _("Saved milestone {ref} on {commitment}.", ref=inp.ref, commitment=inp.commitment_ref),
    )


if "Delivery" in tabs:
    with tabs["Delivery"]:
        errors = forms.errors_of(state.get("record_d_problems", NO_PROBLEMS), (DELIVERY.fields, "record_d_", ""))
        errors.summary()
        form_flow.suggest("record_d_ref", suggested("delivery")[0])
        render_fields(DELIVERY.fields, "record_d_", errors=errors, commitments=commitment_choices)
        st.button(_("Save the delivery"), on_click=save_delivery, type="primary", key="record_d_save")

if "Milestone" in tabs:
    with tabs["Milestone"]:
        errors = forms.errors_of(state.get("record_m_problems", NO_PROBLEMS), (MILESTONE.fields, "record_m_", ""))
        errors.summary()
        form_flow.suggest("record_m_ref", suggested("milestone")[0])
        render_fields(MILESTONE.fields, "record_m_", errors=errors, commitments=commitment_choices)
        st.button(_("Save the milestone"), on_click=save_milestone, type="primary", key="record_m_save")
