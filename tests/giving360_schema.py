"""Validating 360Giving data packages against the standard's own JSON schemas
(local copies in tests/fixtures/360giving/schema: nothing is fetched).

The package schema names the grant schema by its 1.4.2 address while the
grant schema calls itself 1.4.3: both addresses resolve to the local copy.
``date-time`` is checked here (RFC 3339, as JSON Schema means it), since
jsonschema checks it only when an optional package is installed; without the
check a plain date would match both of ``awardDate``'s alternatives.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).resolve().parent / "fixtures" / "360giving" / "schema"
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")


def is_date_time(value: object) -> bool:
    """RFC 3339 ``date-time``: ``2014-07-24T00:00:00+00:00`` yes; ``2014-07-24`` or ``24/07/2014`` no."""
    if not isinstance(value, str):
        return True  # (the format applies to strings only)
    if _DATE_TIME.fullmatch(value) is None:
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@cache
def validator() -> Draft202012Validator:
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text(encoding="utf-8"))
    resource = DRAFT202012.create_resource(grant)
    named = package["properties"]["grants"]["items"]["$ref"]
    registry: Registry = Registry().with_resources([(named, resource), (grant["$id"], resource)])
    checker = FormatChecker()
    checker.checks("date-time")(is_date_time)
    return Draft202012Validator(package, registry=registry, format_checker=checker)


def problems(package: Any) -> list[str]:
    """Every way ``package`` breaks the schema, as ``path: message`` (none when valid)."""
    found = sorted(validator().iter_errors(package), key=lambda error: list(error.absolute_path))
    return [f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}" for error in found]
