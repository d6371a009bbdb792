"""The Finance page offers the 360Giving data package of the whole tracker
(not the filtered view: a year filter would cut grants short) when asked
for (choosing what can be published reads every commitment), and says in one
line what it holds and what it leaves out."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
LABEL = "Download the 360Giving grants (JSON data package)"
SAID = (
    "360Giving data package of the whole tracker, not filtered: 5 grants worth £13,300,000; left out: "
    "1 commitment (a re-announcement: its money is counted once, in the grant of the commitment it re-announces); "
    "7 deliveries (illustrative: demo figures, never published); 2 milestones (360Giving has no place for milestones)."
)


def _button(at: AppTest):
    return next(button for button in at.get("download_button") if button.proto.label == LABEL)


def test_the_360giving_package_is_offered_beside_the_workbook_whatever_the_filters(monkeypatch):
    monkeypatch.delenv("TRACKER_360G_PREFIX", raising=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/finance.py").run()
    assert not at.exception
    labels = [button.proto.label for button in at.get("download_button")]
    assert LABEL not in labels and SAID not in [caption.value for caption in at.caption]  # not until asked for
    at.toggle(key="finance_360giving_wanted").set_value(True).run()
    assert not at.exception
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels[:2] == ["Download every table as an Excel workbook (XLSX)", LABEL]
    assert not _button(at).proto.disabled
    assert SAID in [caption.value for caption in at.caption]

    at.multiselect(key="filter_recipients").set_value(["Welsh councils"]).run()
    assert not at.exception
    assert SAID in [caption.value for caption in at.caption]  # still every grant


def test_a_bad_prefix_is_said_and_nothing_is_offered(monkeypatch):
    monkeypatch.setenv("TRACKER_360G_PREFIX", "wlga")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/finance.py").run()
    assert not at.exception
    assert LABEL not in [button.proto.label for button in at.get("download_button")]
    assert not at.get("toggle")  # nothing to ask for
    assert any("TRACKER_360G_PREFIX 'wlga': expected a 360Giving prefix" in caption.value for caption in at.caption)
