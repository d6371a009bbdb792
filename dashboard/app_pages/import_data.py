"""Import: upload a commitments or deliveries file, see what it would change and every problem, then confirm.

All or nothing: a file with any problem imports nothing, and the confirm
button saves exactly the file previewed against the database previewed
(``tracker.imports``: the same plan and apply as ``funding-tracker import``). The sidebar's filters do not apply here.

Below, the recent imports, and undoing one as a unit (``tracker.imports.undo``,
as ``funding-tracker import undo`` does) for whoever may import such a file.
"""

import streamlit as st

from dashboard import auth
from dashboard.components import clear_data, engine
from dashboard.failure_page import guarded
from dashboard.import_problems import problems_table
from dashboard.tables import show_table
from tracker.core.vocabulary import GRANT_PLACING_LABELS, GRANT_PLACINGS, REVISION_REASON_LABELS, REVISION_REASONS
from tracker.figures.markdown_text import escape_markdown
from tracker.files.tabular import DataError
from tracker.i18n import N_, _, current, ngettext, speaking
from tracker.i18n.dates import long_moment
from tracker.imports import apply, history, reading
from tracker.imports import plan as planning
from tracker.imports.undo import UndoRefused, undo_import
from tracker.records.permissions import PermissionDenied
from tracker.records.problems import ServiceError

me = auth.require("import_commitments", "import_deliveries")
state = st.session_state

KIND_LABELS = {
    "commitments": N_("Commitments"),
    "deliveries": N_("Deliveries"),
    "360giving": N_("360Giving grants"),
    "iati": N_("IATI activities"),
}
# "Choose a CSV or XLSX file of commitments": what each kind's file holds, said in a sentence.
KIND_FILES = {
    "commitments": N_(
        "Choose a {formats} file of commitments (up to {most} MB) to see a preview. Nothing is saved until you confirm."
    ),
    "deliveries": N_(
        "Choose a {formats} file of deliveries (up to {most} MB) to see a preview. Nothing is saved until you confirm."
    ),
    "360giving": N_(
        "Choose a {formats} file of 360Giving grants (up to {most} MB) to see a preview. "
        "Nothing is saved until you confirm."
    ),
    "iati": N_(
        "Choose a {formats} file of IATI activities (up to {most} MB) to see a preview. "
        "Nothing is saved until you confirm."
    ),
}
KIND_UPLOADS = {
    "commitments": N_("Commitments file"),
    "deliveries": N_("Deliveries file"),
    "360giving": N_("360Giving grants file"),
    "iati": N_("IATI activities file"),
}
ACTION_LABELS = {"create": N_("create"), "update": N_("update"), "unchanged": N_("unchanged")}


def formats(kind: str) -> str:
    """The files a kind may be, as a sentence says them: "CSV or XLSX", "CSV, XLSX or JSON", "XML"."""
    types = [t.upper() for t in reading.KINDS[kind].file_types]
    if len(types) == 1:
        return types[0]
    return _("{some} or {last}", some=", ".join(types[:-1]), last=types[-1])


MAX_UPLOAD_MB = st.get_option("server.maxUploadSize")  # .streamlit/config.toml
FILE_HELP = {
    "commitments": N_(
        "One row per line of money, recorded as the announcement says it, with a header row. "
        "**Required columns:** `ref`, `funder`, `purpose`, `kind` (one-off, recurring, profiled or multi-year), "
        "`amount` (0 is allowed). "
        "**Optional:** `announced_on` (blank: undated), `recipient` (blank: not stated), `first_year` and `years` "
        "(blank: not stated), `funder_id` and `recipient_id` (org-id identifiers such as `GB-CHC-1234567`), "
        "`currency` (GBP), `spread` (multi-year: none, even or planned-dates) with `planned_start` and "
        "`planned_end`, `areas` (GSS codes separated by `;`), `reannounces` (the ref it restates, or `earlier`), "
        "`part_of` (the ref of the pot it is a share of), `qualifier` (exact, over, up to, about), `programme`, "
        "`announcement_ref`, `title`, `source_url`, `quote`, `status`, `capital_or_revenue`, `uplift_pct`, "
        "`profile` (e.g. `2020-21=£1m;2021-22=500000`).\n\n"
        "Organisations are matched by identifier first, then by name: a name without an identifier that could be "
        "two organisations is a problem on its row, naming both.\n\n"
        "Common spellings of the headings work too (*Announcement date*, *Amount (£)*, *Financial year*, "
        "*No. of years*, *Recipient organisation*, *Reference*…). Rows are matched to stored commitments by `ref`."
    ),
    "deliveries": N_(
        "One row per delivery, with a header row. **Required columns:** `ref`, `commitment_ref` (the "
        "commitment it delivers), `amount` (negative for a correction), `kind` (disbursement, expenditure or "
        "refund; payment and spend are read as the first two); `paid_on` (blank when the date is not known). "
        "**Optional:** `note`, `illustrative` (yes/no), `evidence_url`.\n\n"
        "Common spellings of the headings work too (*Payment date*, *Amount paid*, *Reference*…). Rows are "
        "matched to stored deliveries by `ref`."
    ),
    "360giving": N_(
        "Grants in the [360Giving standard](https://standard.threesixtygiving.org/): the flattened form (CSV or "
        'XLSX with the standard\'s column titles, one grant a row) or a JSON data package (`{"grants": [...]}`). '
        "**Read:** `Identifier` (the commitment's ref), `Title`, `Description`, `Currency` (GBP), `Amount "
        "Awarded`, `Award Date`, `Funding Org:Identifier` and `:Name`, `Recipient Org:Identifier` and `:Name` "
        "(a grant to an individual is recorded as *individual recipient*, never a name), `Planned Dates:Start "
        "Date` and `:End Date`, `Beneficiary Location:Geographic Code` (GSS codes), `Grant Programme:Title`, "
        "`Amount Disbursed` (a disbursement delivery of the grant, undated unless the file gives dated "
        "disbursement transactions); other columns are left aside.\n\n"
        "Each grant is one announcement (the award) with one commitment: a one-off in the financial year of "
        "its award date, or, if you choose, spread over its planned dates (`Planned Dates:Duration (months)` "
        "counts from the planned start, else the award date), marked estimated. Dates may be `2014-07-24`, "
        "`24/07/2014` or `2014-07-24T00:00:00+00:00` (the date as written). Re-importing the same file changes "
        "nothing."
    ),
    "iati": N_(
        "Activities in the [IATI standard](https://iatistandard.org/) (activity XML, versions 1.0x and 2.0x). "
        "Each activity is one announcement (its `iati-identifier` the ref, its `title` the purpose, its "
        "`description` quoted, its `reporting-org` the funder, the `participating-org` with the implementing "
        "role the recipient) with one commitment: its **commitment** transactions summed by the financial year "
        "of their `transaction-date` (an activity with none is a £0 commitment). **Disbursement** and "
        "**expenditure** transactions become deliveries (negative ones are corrections); other transactions "
        "are left aside and counted in a note. **Budgets** (original and revised) are kept beside the "
        "commitment by the financial year of their `period-start`, never counted as committed; "
        "`related-activity` links (parent, child…) are kept, and each activity counts only its own "
        "transactions. Money must be in GBP. Re-importing the same file changes nothing."
    ),
}
# The later contract's columns, shown beside the rows when the file has them (tracker.imports.describe).
DETAIL_LABELS = {
    "funder_id": N_("Funder id"),
    "recipient_id": N_("Recipient id"),
    "currency": N_("Currency"),
    "spread": N_("Spread"),
    "planned_start": N_("Planned start"),
    "planned_end": N_("Planned end"),
    "areas": N_("Areas"),
    "part_of": N_("Part of"),
    "reannounces": N_("Re-announces"),
}
DETAIL_HELP = {
    "funder_id": N_("The row's identifier; blank in the file, the identifier of the organisation its name matched."),
    "recipient_id": N_("The row's identifier; blank in the file, the identifier of the organisation its name matched."),
    "reannounces": N_("The ref of the commitment it restates, or announced before (the original not recorded)."),
}
READING_RULES = N_(
    "Amounts: `1000000`, `£1,000,000.50`, `£1.5m`, `£500k` (at most two decimal places). "
    "Dates: `2019-10-31` or day-first `31/10/2019` (10/09/2019 is 10 September; write the year in full). "
    "Financial years: `2020-21`, `2020/21`, `FY2020-21`. A byte-order mark, Excel's Windows-1252 £ signs and "
    "blank rows at the end are fine. A value that could mean two things is refused, never guessed."
)


def show_problems(problems, heading: str) -> None:
    st.error(heading, icon=":material/error:")
    problems_table(problems)


def save(plan: planning.ImportPlan, data: bytes, reason: str | None, reason_text: str) -> bool:
    """Apply the previewed plan with a progress bar; say what happened. True if saved."""
    bar = st.progress(0.0, text=_("Saving…"))

    def progress(done: int, total: int) -> None:
        bar.progress(
            done / total if total else 1.0,
            text=_("Saving: {done} of {total} rows", done=format(done, ","), total=format(total, ",")),
        )

    try:
        outcome = apply.apply_plan(
            plan, data, engine=engine(), progress=progress, reason=reason, reason_text=reason_text, actor=auth.actor()
        )
    except DataError as err:
        bar.empty()
        show_problems(err.problems, _("**Nothing was imported.**"))
    except PermissionDenied as err:
        bar.empty()
        st.error(_("Nothing was imported: {why}", why=escape_markdown(err.said())), icon=":material/block:")
    else:
        bar.empty()
        st.cache_data.clear()  # the other pages show the new figures at once
        said = {"file": escape_markdown(plan.filename), "outcome": escape_markdown(str(outcome))}
        st.success(
            _("Imported {file}: {outcome} (import {number}: it can be undone below).", number=outcome.import_id, **said)
            if outcome.import_id
            else _("Imported {file}: {outcome}.", **said),
            icon=":material/check_circle:",
        )
        return True
    return False


@guarded
def undo(language: str) -> None:
    """Undo the import picked (the confirm box is ticked: the button is enabled only then), saying
    what happened in ``language``: the run that drew the button's (a callback runs before a run sets it)."""
    with speaking(language):
        _undo()


def _undo() -> None:
    import_id = state.get("import_undo_pick")
    if import_id is None or not state.get("import_undo_sure"):
        return
    try:
        outcome = undo_import(import_id, engine=engine(), actor=auth.actor())
    except UndoRefused as err:
        state["import_undo_error"] = [
            _("Import {number} cannot be undone; nothing was changed:", number=import_id),
            *err.reasons,
        ]
        return
    except ServiceError as err:
        state["import_undo_error"] = [err.said()]
        return
    clear_data()
    st.cache_data.clear()  # the other pages show the figures without it at once
    state["import_undo_pick"], state["import_undo_sure"] = None, False
    state["import_undo_done"] = f"{str(outcome)[0].upper()}{str(outcome)[1:]}."


def recent_imports() -> None:
    """The recent imports, and an Undo for each that the signed-in user may undo."""
    st.header(_("Recent imports"))
    done = state.pop("import_undo_done", None)
    if done:
        st.success(escape_markdown(done), icon=":material/undo:")
    error = state.pop("import_undo_error", None)
    if error:
        head, *reasons = error
        st.error(
            "\n".join([escape_markdown(head), *(f"- {escape_markdown(r)}" for r in reasons)]), icon=":material/error:"
        )
    found = history.recent(engine())  # not cached: an import or undo shows at once
    if not found:
        st.caption(_("No file has been imported yet."))
        return
    show_table(
        [
            {
                "import": one.id,
                "started_at": one.started_at,
                "actor": one.actor,
                "kind": _(KIND_LABELS[one.kind]) if one.kind in KIND_LABELS else one.kind,
                "file_name": one.file_name,
                "created": one.created,
                "updated": one.updated,
                "undone": _("{moment} by {who}", moment=long_moment(one.undone_at), who=one.undone_by)
                if one.undone_at
                else "",
            }
            for one in found
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "import": st.column_config.NumberColumn(_("Import"), format="%d"),
            "started_at": st.column_config.DatetimeColumn(_("Started (UTC)"), format="D MMM YYYY, HH:mm"),
            "actor": _("Who"),
            "kind": _("Kind"),
            "file_name": _("File"),
            "created": st.column_config.NumberColumn(_("Created"), format="%d"),
            "updated": st.column_config.NumberColumn(_("Updated"), format="%d"),
            "undone": _("Undone (UTC)"),
        },
    )
    undoable = {one.id: one for one in found if one.undone_at is None and auth.allows(me, one.permission)}
    if not undoable:
        return
    if state.get("import_undo_pick") not in (None, *undoable):  # undone meanwhile, or no longer listed
        state["import_undo_pick"] = None
    st.selectbox(
        _("Import to undo"),
        list(undoable),
        index=None,
        format_func=lambda number: _(
            "{number}: {kind}, {file} ({created} created, {updated} updated)",
            number=number,
            kind=_(KIND_LABELS[undoable[number].kind])
            if undoable[number].kind in KIND_LABELS
            else undoable[number].kind,
            file=undoable[number].file_name,
            created=format(undoable[number].created, ","),
            updated=format(undoable[number].updated, ","),
        ),
        key="import_undo_pick",
        on_change=lambda: state.update(import_undo_sure=False),  # each import is confirmed afresh
        placeholder=_("Choose an import"),
        help=_(
            "Undoing deletes what the import created (an admin can restore each record) and puts back what it "
            "changed, in one step, audited. It is refused, changing nothing, if anyone changed those records since."
        ),
    )
    st.checkbox(
        _("Yes, undo it: delete what it created and put back what it changed"),
        key="import_undo_sure",
        disabled=state.get("import_undo_pick") is None,
    )
    st.button(
        _("Undo the import"),
        on_click=undo,
        args=(current(),),
        key="import_undo",
        icon=":material/undo:",
        disabled=not (state.get("import_undo_pick") is not None and state.get("import_undo_sure")),
    )


st.title(_("Import"))
st.caption(
    _(
        "Add or update commitments and deliveries from a CSV or Excel (XLSX) file, grants published in the "
        "360Giving standard or aid activities in IATI XML. You see what will change before anything is saved, "
        "and a file with any problem imports nothing."
    )
)

# Finance staff import deliveries only; editors (and admins) both kinds.
offered = [name for name, found in reading.KINDS.items() if auth.allows(me, found.permission)]
if st.session_state.get("import_kind") not in (None, *offered):  # a kind this user may no longer import
    st.session_state["import_kind"] = offered[0]
kind = st.segmented_control(
    _("The file holds"),
    options=offered,
    format_func=lambda name: _(KIND_LABELS[name]),
    default=offered[0],
    required=True,
    key="import_kind",
)
with st.expander(_("What the file should look like"), icon=":material/help:"):
    st.markdown(_(FILE_HELP[kind]))
    st.markdown(_(READING_RULES))

uploaded = st.file_uploader(
    _(KIND_UPLOADS[kind]),
    type=list(reading.KINDS[kind].file_types),
    key="import_file",
    help=_(
        "{formats}, up to {most} MB. For a bigger file, split it or use `{command}`.",
        formats=formats(kind),
        most=MAX_UPLOAD_MB,
        command=" ".join(("funding-tracker import", kind, "FILE")),
    ),
)
options = reading.Options()
if kind == "360giving":
    placing = st.radio(
        _("Place each grant's money"),
        GRANT_PLACINGS,
        format_func=lambda placing: _(GRANT_PLACING_LABELS[placing]),
        key="import_grants_placing",
        horizontal=True,
        help=_(
            "A spread over the planned dates is an estimate: the grant states no yearly split. A grant with no "
            "planned dates stays in the year of its award."
        ),
    )
    options = reading.Options(grants=placing or GRANT_PLACINGS[0])
if uploaded is None:
    st.info(
        _(KIND_FILES[kind], formats=formats(kind), most=MAX_UPLOAD_MB),
        icon=":material/upload_file:",
    )
    recent_imports()
    st.stop()

data = uploaded.getvalue()
previewed = st.session_state.get("import_previewed")
saved = False
if (
    st.session_state.get("import_confirm")
    and previewed is not None
    and (previewed.kind, previewed.options) == (kind, options)
    and previewed.content_hash == reading.content_hash(data)
):
    saved = save(previewed, data, st.session_state.get("import_reason"), st.session_state.get("import_reason_text", ""))

with st.spinner(_("Checking every row…")):
    plan = planning.plan_import(kind, data, uploaded.name, engine=engine(), previous=previewed, options=options)
st.session_state["import_previewed"] = plan  # what the confirm button will save

st.header(_("Preview of {file}", file=escape_markdown(uploaded.name)))  # a file's name is the uploader's text
if plan.sheet:
    st.caption(_("Read the sheet “{sheet}” of the workbook.", sheet=escape_markdown(plan.sheet)))
to_create, to_update, unchanged, problem_count = st.columns(4)
to_create.metric(_("To create"), format(plan.counts["create"], ","))
to_update.metric(_("To update"), format(plan.counts["update"], ","))
unchanged.metric(_("Unchanged"), format(plan.counts["unchanged"], ","))
problem_count.metric(_("Problems"), format(plan.counts["problems"], ","))

if plan.problems:
    show_problems(
        plan.problems,
        ngettext(
            "**{count} problem: nothing can be imported.** Correct the file and upload it again.",
            "**{count} problems: nothing can be imported.** Correct the file and upload it again.",
            len(plan.problems),
            count=format(len(plan.problems), ","),
        ),
    )
elif plan.to_apply == 0 and len(plan.rows) and not saved:
    st.success(_("Nothing to import: every row is already in the database, unchanged."), icon=":material/check:")
if plan.notes:
    st.warning(
        "\n".join(f"- {escape_markdown(said)}" for said in reading.notes_said(plan.notes)), icon=":material/info:"
    )
    if len(plan.notes) > reading.NOTES_SHOWN:
        with st.expander(_("All {count} notes", count=format(len(plan.notes), ","))):
            problems_table(plan.notes)

if len(plan.rows):
    rows = plan.table()  # the rows, then the later contract's columns the file has
    show_table(
        rows.assign(action=[_(ACTION_LABELS[action]) for action in rows["action"]]),
        hide_index=True,
        width="stretch",
        column_config={
            "line": st.column_config.NumberColumn(_("Line"), format="%d"),
            "ref": _("Ref"),
            "action": _("Action"),
            "summary": st.column_config.TextColumn(_("What"), width="large"),
            "changes": st.column_config.TextColumn(_("Changes"), width="large"),
            **{
                name: st.column_config.TextColumn(_(label), help=_(DETAIL_HELP[name]) if name in DETAIL_HELP else None)
                for name, label in DETAIL_LABELS.items()
            },
        },
    )

reason, reason_text = None, ""
if plan.needs_reason and not plan.problems:
    st.warning(
        _(
            "This file changes the money of commitments already recorded. The original profile is kept "
            "beside the revised one; say why it changed."
        ),
        icon=":material/edit_note:",
    )
    reason = st.selectbox(
        _("Why the money changed"),
        REVISION_REASONS,
        index=None,
        format_func=lambda reason: _(REVISION_REASON_LABELS[reason]),
        placeholder=_("Choose a reason"),
        key="import_reason",
    )
    if reason == "other":
        reason_text = st.text_input(_("Say why"), key="import_reason_text")

ready = plan.can_apply and (not plan.needs_reason or (reason and (reason != "other" or reason_text.strip())))
st.button(
    ngettext("Import {count} row", "Import {count} rows", plan.to_apply, count=format(plan.to_apply, ",")),
    key="import_confirm",
    type="primary",
    icon=":material/upload:",
    disabled=not ready,
)

recent_imports()
