"""The dashboard's pages, in the order the navigation lists them, with who
may open each (``dashboard/app.py`` builds the navigation from this list;
tests and benchmarks visit every page from it)."""

# section, file, title, icon, the actions any one of which opens it (none: any signed-in user).
# Each page's first line calls auth.require with the same actions.
PAGES = [
    ("Figures", "app_pages/overview.py", "Overview", ":material/dashboard:", ("view",)),
    ("Figures", "app_pages/announcements.py", "Announcements", ":material/campaign:", ("view",)),
    ("Figures", "app_pages/delivery.py", "Delivery", ":material/payments:", ("view",)),
    ("Figures", "app_pages/review.py", "Review", ":material/fact_check:", ("view",)),
    ("Figures", "app_pages/finance.py", "Finance tables", ":material/table_view:", ("view",)),
    ("Figures", "app_pages/areas.py", "Areas", ":material/map:", ("view",)),
    (
        "Keep the data",
        "app_pages/record.py",
        "Record",
        ":material/edit_note:",
        ("create_announcement", "record_delivery", "create_milestone"),
    ),
    (
        "Keep the data",
        "app_pages/change.py",
        "Change a record",
        ":material/edit:",
        ("update_announcement", "update_commitment", "update_delivery", "update_milestone"),
    ),
    (
        "Keep the data",
        "app_pages/import_data.py",
        "Import",
        ":material/upload_file:",
        ("import_commitments", "import_deliveries"),
    ),
    ("Admin", "app_pages/audit.py", "Audit trail", ":material/history:", ("view_audit",)),
    ("Admin", "app_pages/deleted.py", "Deleted records", ":material/restore_from_trash:", ("view_deleted",)),
    ("Admin", "app_pages/organisations.py", "Organisations", ":material/domain:", ("manage_organisations",)),
    ("Admin", "app_pages/users.py", "Users", ":material/group:", ("manage_users",)),
    ("You", "app_pages/account.py", "Account", ":material/account_circle:", ()),
]
