"""The database tables, as SQLAlchemy 2.x typed declarative models.

One module per group of tables (``base`` holds the declarative ``Base``, its
naming convention and the ``Timestamps`` mixin). This package re-exports
every model, so ``from db.models import Commitment`` is the way to import
one; importing the package maps them all, so relationships that name
another module's model by string always resolve. The modules import each
other only under ``TYPE_CHECKING``.

Rules these models keep (docs/architecture.md):

- Money is ``BigInteger`` integer pence, never Float or Numeric: SQLite stores
  Numeric via float, and a finance table must add up to the penny.
- A financial year is stored as the integer year it starts in, but the Python
  value is always ``tracker.core.fiscal.FinancialYear`` (``FinancialYearType``).
- Timestamps are timezone-aware UTC on every database (``UTCDateTime``).
- Every editable table carries a ``version`` column that SQLAlchemy checks on
  UPDATE and DELETE (optimistic concurrency): two people editing the same row
  cannot silently overwrite each other; the second save raises
  ``sqlalchemy.orm.exc.StaleDataError``.
- Rows people edit are soft-deleted (``deleted_at``) so the audit trail and
  the totals of past reports can still point at them.
- ``audit_events`` is append-only; the initial migration adds triggers that
  refuse UPDATE and DELETE.
- Enumerations are short strings guarded by named CHECK constraints, which
  read plainly in SQL and need no ALTER TYPE on PostgreSQL to extend.
- Every ``String`` column is as long as ``tracker.core.limits.LIMITS`` allows
  its field, and ``Text`` columns hold fields with a limit there too: forms,
  files and the command line check text against that table, so text that
  passes always fits.

The schema itself is created by the Alembic migrations in ``db/migrations``;
a test checks that these models and the migrations agree.
"""

# isort: off
# In the order the tables were declared when they shared one module, so that
# Base.metadata holds them in the same order as before.
from db.models.base import NAMING_CONVENTION, Base, Timestamps, utc_now
from db.models.organisations import Organisation, OrganisationName
from db.models.announcements import Announcement
from db.models.commitments import Commitment, CommitmentArea, ProfileLine
from db.models.deliveries import Delivery, Milestone
from db.models.audit import AuditEvent
from db.models.revisions import CommitmentBaseline, CommitmentRevision
from db.models.review import ProgressStatus, ReviewMeeting, ReviewSnapshot
from db.models.accounts import SignInFailure, SignInSession, User, UserRole
from db.models.activities import ActivityLink, PlannedBudget
from db.models.api_access import ApiToken, AppSetting
from db.models.imports import Import
from db.models.deflators import DeflatorIndex, DeflatorRelease
# isort: on

__all__ = [
    "NAMING_CONVENTION",
    "ActivityLink",
    "Announcement",
    "ApiToken",
    "AppSetting",
    "AuditEvent",
    "Base",
    "Commitment",
    "CommitmentArea",
    "CommitmentBaseline",
    "CommitmentRevision",
    "DeflatorIndex",
    "DeflatorRelease",
    "Delivery",
    "Import",
    "Milestone",
    "Organisation",
    "OrganisationName",
    "PlannedBudget",
    "ProfileLine",
    "ProgressStatus",
    "ReviewMeeting",
    "ReviewSnapshot",
    "SignInFailure",
    "SignInSession",
    "Timestamps",
    "User",
    "UserRole",
    "utc_now",
]
