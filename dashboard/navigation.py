"""The dashboard's pages, in the order the navigation lists them, with who
may open each and the address each lives at (``dashboard/app.py`` builds the
navigation from this list; tests and benchmarks visit every page from it).

Addresses are part of the tracker's contract (docs/links.md): a link someone
sent must keep working. The Overview is also ``/``; a page's own record and
the filters ride in the query string (``/announcements?ref=A1&fy=2021-22``)."""

from typing import NamedTuple


class Page(NamedTuple):
    section: str
    path: str  # the page's file
    title: str  # its name in the navigation and its heading
    icon: str
    actions: tuple[str, ...]  # any one of which opens it (none: any signed-in user); its first line requires them
    url_path: str  # where it lives: /<url_path>


OVERVIEW = "app_pages/overview.py"

PAGES = [
    Page("Figures", OVERVIEW, "Overview", ":material/dashboard:", ("view",), "overview"),
    Page("Figures", "app_pages/announcements.py", "Announcements", ":material/campaign:", ("view",), "announcements"),
    Page("Figures", "app_pages/delivery.py", "Delivery", ":material/payments:", ("view",), "delivery"),
    Page("Figures", "app_pages/review.py", "Review", ":material/fact_check:", ("view",), "review"),
    Page("Figures", "app_pages/finance.py", "Finance tables", ":material/table_view:", ("view",), "finance"),
    Page("Figures", "app_pages/areas.py", "Areas", ":material/map:", ("view",), "areas"),
    Page("Figures", "app_pages/organisations.py", "Organisations", ":material/domain:", ("view",), "organisations"),
    Page("Figures", "app_pages/search.py", "Search", ":material/search:", ("view",), "search"),
    Page(
        "Keep the data",
        "app_pages/record.py",
        "Record",
        ":material/edit_note:",
        ("create_announcement", "record_delivery", "create_milestone"),
        "record",
    ),
    Page(
        "Keep the data",
        "app_pages/change.py",
        "Change a record",
        ":material/edit:",
        ("update_announcement", "update_commitment", "update_delivery", "update_milestone"),
        "change",
    ),
    Page(
        "Keep the data",
        "app_pages/import_data.py",
        "Import",
        ":material/upload_file:",
        ("import_commitments", "import_deliveries"),
        "import",
    ),
    Page("Admin", "app_pages/audit.py", "Audit trail", ":material/history:", ("view_audit",), "audit"),
    Page(
        "Admin",
        "app_pages/deleted.py",
        "Deleted records",
        ":material/restore_from_trash:",
        ("view_deleted",),
        "deleted",
    ),
    Page(
        "Admin",
        "app_pages/manage_organisations.py",
        "Manage organisations",
        ":material/domain_add:",
        ("manage_organisations",),
        "manage-organisations",
    ),
    Page("Admin", "app_pages/users.py", "Users", ":material/group:", ("manage_users",), "users"),
    Page("You", "app_pages/account.py", "Account", ":material/account_circle:", (), "account"),
]
SIGN_OUT_PATH = "sign-out"
