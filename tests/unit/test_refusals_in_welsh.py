"""Refusals said in Welsh where a page shows them, English everywhere else:
a permission refused (``permissions.NotPermitted``), a sign-in refused or
throttled (``accounts.SignInFailed``), and what is wrong with a new password;
and the audit trail's words about a change (its values as stored).

``str(err)`` stays English whatever the language in use (the CLI, the API and
the logs read it); ``said()`` is in the language in use when it is called,
so a page that keeps a refusal from a callback says it in the language of
the run that shows it.
"""

from __future__ import annotations

import pytest

from tracker import accounts, audit
from tracker.i18n import _, speaking
from tracker.records import permissions
from tracker.records.permissions import Actor, NotPermitted, PermissionDenied, authorise

VIEWER = Actor("test:viewer", frozenset({"viewer"}))


def _refused(actor: Actor, action: str) -> PermissionDenied:
    with pytest.raises(PermissionDenied) as raised:
        authorise(actor, action)
    return raised.value


def test_a_refused_action_is_said_in_welsh_and_stays_english_as_text() -> None:
    refused = _refused(VIEWER, "record_delivery")
    assert isinstance(refused, NotPermitted)
    with speaking("cy"):
        said = refused.said()
        text = str(refused)
    assert said == "nid yw test:viewer yn cael cofnodi cyflawniad: mae angen y rôl cyllid neu golygydd"
    assert text == "test:viewer may not record delivery: it needs the finance or editor role"
    assert refused.said() == text  # outside ``speaking``: English


def test_a_refusal_made_while_speaking_welsh_is_english_as_text() -> None:
    with speaking("cy"):
        refused = _refused(VIEWER, "restore")
    assert str(refused) == "test:viewer may not restore: it needs the admin role"
    with speaking("cy"):
        assert refused.said() == "nid yw test:viewer yn cael adfer: mae angen y rôl gweinyddu"


def test_every_action_has_its_words_and_they_are_the_english_the_cli_has_always_said() -> None:
    assert set(permissions.ACTION_WORDS) == set(permissions.PERMISSIONS)
    assert all(words == action.replace("_", " ") for action, words in permissions.ACTION_WORDS.items())
    with speaking("cy"):
        untranslated = [words for words in permissions.ACTION_WORDS.values() if _(words) == words]
    assert untranslated == []


def test_roles_any_one_of_which_will_do_in_words() -> None:
    assert permissions.roles_in_words(("admin",)) == "admin"
    assert permissions.roles_in_words(("finance", "editor")) == "finance or editor"
    with speaking("cy"):
        assert permissions.roles_in_words(("reviewer",)) == "adolygydd"
        assert permissions.roles_in_words(("viewer", "finance", "editor")) == "gwyliwr, cyllid neu golygydd"


def test_a_refused_sign_in_is_said_in_welsh_and_stays_english_as_text() -> None:
    failed = accounts.SignInFailed()
    with speaking("cy"):
        assert failed.said().startswith("Ni weithiodd yr enw defnyddiwr a'r cyfrinair hynny.")
        assert str(failed) == accounts.SIGN_IN_FAILED
    no_access = accounts.SignInFailed(accounts.SSO_NO_ACCESS, email="mallory@example.org")
    assert str(no_access) == accounts.SSO_NO_ACCESS.format(email="mallory@example.org")
    with speaking("cy"):
        assert no_access.said().startswith("Rydych wedi mewngofnodi fel mallory@example.org, ond nid oes gan")


@pytest.mark.parametrize(
    ("seconds", "english", "welsh"),
    [
        (1, "wait 1 second, then", "arhoswch 1 eiliad, yna"),
        (8, "wait 8 seconds, then", "arhoswch 8 eiliad, yna"),
        (120, "wait 2 minutes, then", "arhoswch 2 funud, yna"),
        (900, "wait 15 minutes, then", "arhoswch 15 munud, yna"),
    ],
)
def test_a_throttled_sign_in_says_how_long_to_wait_in_either_language(seconds, english, welsh) -> None:
    with speaking("cy"):
        throttled = accounts.SignInThrottled(seconds)
        said = throttled.said()
    assert english in str(throttled) and str(throttled).startswith("Too many failed sign-ins from your address:")
    assert welsh in said and said.startswith("Gormod o ymdrechion aflwyddiannus i fewngofnodi o'ch cyfeiriad:")


def test_what_is_wrong_with_a_new_password_is_said_in_welsh() -> None:
    with speaking("cy"):
        problems = accounts.password_problems("alice1", "alice")
    assert [p.expected for p in problems] == [
        "disgwyliwyd o leiaf 12 nod (mae gan hwn 6); mae ymadrodd byr yn hawdd i'w gofio",
        "disgwyliwyd cyfrinair nad yw'n cynnwys yr enw defnyddiwr",
    ]
    assert [p.expected for p in accounts.password_problems("alice1", "alice")] == [
        "expected at least 12 characters (this has 6); a short phrase is easy to remember",
        "expected a password that does not contain the username",
    ]


# --- the audit trail's words (its stored values stay as stored) -----------------------------------------------


def test_an_audit_change_is_said_in_welsh_with_its_values_as_stored() -> None:
    before = {"ref": "W1", "amount_pence": 100_000_000, "first_year": 2020, "org_identifier": None, "version": 1}
    after = {**before, "amount_pence": 120_000_000, "first_year": 2021, "org_identifier": "GB-CHC-1", "version": 2}
    with speaking("cy"):
        said = audit.describe_changes("commitments", before, after)
    assert said == (
        "Swm: newidiodd o £1,000,000 i £1,200,000; Blwyddyn ariannol gyntaf: newidiodd o 2020 i 2021; "
        "Dynodydd: newidiodd o (gwag) i GB-CHC-1"
    )


def test_a_new_record_a_restore_and_a_deletion_are_said_in_welsh() -> None:
    kept = {"id": 3, "ref": "D3", "paid_on": "2026-01-05", "amount_pence": 50_000_000, "kind": "disbursement"}
    with speaking("cy"):
        assert audit.describe_changes("deliveries", None, kept) == (
            "Cyfeirnod: D3; Talwyd ar: 2026-01-05; Swm: £500,000; Math: disbursement"  # the kind as stored
        )
        assert audit.describe_changes("deliveries", {**kept, "deleted_at": "2026-01-06"}, kept) == "Adferwyd"
        assert audit.describe_changes("deliveries", kept, {**kept, "deleted_at": "2026-01-06"}) == "Dilëwyd"
        assert audit.describe_changes("users", None, {"username": "erin", "disabled": False}) == (
            "Enw defnyddiwr: erin; Wedi'i analluogi: na"
        )


def test_every_field_label_has_welsh() -> None:
    with speaking("cy"):
        untranslated = [label for label in audit.FIELD_LABELS.values() if _(label) == label]
    assert untranslated == []
