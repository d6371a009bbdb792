"""The dashboard's pages, in the order the navigation lists them, with who
may open each and the address each lives at (``dashboard/app.py`` builds the
navigation from this list; tests and benchmarks visit every page from it).

Addresses are part of the tracker's contract (docs/links.md): a link someone
sent must keep working. The Overview is also ``/``; a page's own record and
the filters ride in the query string (``/announcements?ref=A1&fy=2021-22``)."""

from typing import NamedTuple

from tracker.i18n import N_


class Page(NamedTuple):
    section: str  # in English, marked for the catalogue: translated where shown
    path: str  # the page's file
    title: str  # its name in the navigation and its heading (in English, as section)
    icon: str
    actions: tuple[str, ...]  # any one of which opens it (none: any signed-in user); its first line requires them
    url_path: str  # where it lives: /<url_path>


OVERVIEW = "app_pages/overview.py"

PAGES = [
    Page(N_("Figures"), OVERVIEW, N_("Overview"), ":material/dashboard:", ("view",), "overview"),
    Page(
        N_("Figures"),
        "app_pages/announcements.py",
        N_("Announcements"),
        ":material/campaign:",
        ("view",),
        "announcements",
    ),
    Page(N_("Figures"), "app_pages/headlines.py", N_("Headlines"), ":material/rule:", ("view",), "headlines"),
    Page(
        N_("Figures"),
        "app_pages/new_and_recycled.py",
        N_("New and recycled"),
        ":material/recycling:",
        ("view",),
        "new-and-recycled",
    ),
    Page(N_("Figures"), "app_pages/delivery.py", N_("Delivery"), ":material/payments:", ("view",), "delivery"),
    Page(N_("Figures"), "app_pages/review.py", N_("Review"), ":material/fact_check:", ("view",), "review"),
    Page(N_("Figures"), "app_pages/finance.py", N_("Finance tables"), ":material/table_view:", ("view",), "finance"),
    Page(N_("Figures"), "app_pages/areas.py", N_("Areas"), ":material/map:", ("view",), "areas"),
    Page(
        N_("Figures"),
        "app_pages/organisations.py",
        N_("Organisations"),
        ":material/domain:",
        ("view",),
        "organisations",
    ),
    Page(N_("Figures"), "app_pages/search.py", N_("Search"), ":material/search:", ("view",), "search"),
    Page(
        N_("Keep the data"),
        "app_pages/record.py",
        N_("Record"),
        ":material/edit_note:",
        ("create_announcement", "record_delivery", "create_milestone"),
        "record",
    ),
    Page(
        N_("Keep the data"),
        "app_pages/change.py",
        N_("Change a record"),
        ":material/edit:",
        ("update_announcement", "update_commitment", "update_delivery", "update_milestone"),
        "change",
    ),
    Page(
        N_("Keep the data"),
        "app_pages/import_data.py",
        N_("Import"),
        ":material/upload_file:",
        ("import_commitments", "import_deliveries"),
        "import",
    ),
    Page(N_("Admin"), "app_pages/audit.py", N_("Audit trail"), ":material/history:", ("view_audit",), "audit"),
    Page(
        N_("Admin"),
        "app_pages/deleted.py",
        N_("Deleted records"),
        ":material/restore_from_trash:",
        ("view_deleted",),
        "deleted",
    ),
    Page(
        N_("Admin"),
        "app_pages/manage_organisations.py",
        N_("Manage organisations"),
        ":material/domain_add:",
        ("manage_organisations",),
        "manage-organisations",
    ),
    Page(N_("Admin"), "app_pages/users.py", N_("Users"), ":material/group:", ("manage_users",), "users"),
    Page(
        N_("Admin"),
        "app_pages/deflators.py",
        N_("Deflators"),
        ":material/trending_down:",
        ("manage_deflators",),
        "deflators",
    ),
    Page(N_("You"), "app_pages/account.py", N_("Account"), ":material/account_circle:", (), "account"),
]
SIGN_OUT_PATH = "sign-out"
# Open to everyone, signed in or not, and in no navigation list: linked from the sign-in page and the sidebar's foot.
STATEMENT = Page(
    N_("Help"),
    "app_pages/accessibility.py",
    N_("Accessibility statement"),
    ":material/accessibility:",
    (),
    "accessibility",
)
