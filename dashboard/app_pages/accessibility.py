"""Accessibility statement: open to everyone, signed in or not (``/accessibility``).

In the form the 2018 Regulations ask for (the GOV.UK model statement): how
accessible the tracker is, what is not yet and why, how to report a problem,
the enforcement procedure, and how it was tested. Its facts live in
``tracker/accessibility.py``.
"""

import streamlit as st

from dashboard.navigation import PAGES
from tracker import accessibility
from tracker.i18n import _
from tracker.i18n.dates import long_date

st.title(_("Accessibility statement"))
st.markdown(
    _(
        "This statement applies to the funding tracker: the dashboard that tracks public funding commitments "
        "against what was delivered. We want as many people as possible to be able to use it. You should be able "
        "to change colours, contrast levels and fonts using your browser or device; zoom in up to 400% without the "
        "text spilling off the screen; move through every page using just a keyboard; use every page with a "
        "screen reader; and use the whole tracker in English or in Welsh."
    )
)

st.header(_("How accessible this tracker is"))
st.markdown(
    _(
        "This tracker is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA "
        "standard, because of the things listed below in markup the tracker does not draw itself."
    )
)

st.header(_("What is not yet accessible"))
for issue in accessibility.KNOWN_ISSUES:
    st.markdown(
        _(
            "- **{what}** {why} ([the issue that tracks it]({upstream}))",
            what=_(issue.what),
            why=_(issue.why),
            upstream=issue.upstream,
        )
    )
st.markdown(_("The Welsh translation has not yet been reviewed by a Welsh speaker."))

st.header(_("Reporting accessibility problems"))
contact = accessibility.contact()
if contact:
    st.markdown(
        _(
            "If you find a problem not listed on this page, or you need information in a different format, "
            "contact: {contact}. We will reply within 5 working days.",
            contact=contact,
        )
    )
else:
    st.markdown(
        _(
            "If you find a problem not listed on this page, or you need information in a different format, tell "
            "the administrator who runs this tracker for your organisation."
        )
    )

st.header(_("Enforcement procedure"))
st.markdown(
    _(
        "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies "
        "(Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the accessibility regulations). "
        "If you are not happy with how we respond to your complaint, contact the "
        "[Equality Advisory and Support Service (EASS)](https://www.equalityadvisoryservice.com/)."
    )
)

st.header(_("How this tracker was tested"))
st.markdown(
    _(
        "We tested every page ({pages}) and the sign-in page on {day}, signed in as each role that may open it: "
        "{methods}. The tests run again on every change to the tracker.",
        pages=", ".join(_(page.title) for page in PAGES),
        day=long_date(accessibility.TESTED_ON),
        methods="; ".join(_(method, axe=accessibility.AXE_VERSION) for method in accessibility.METHODS),
    )
)
st.caption(
    _(
        "This statement was prepared on {prepared}. It was last reviewed on {reviewed}.",
        prepared=long_date(accessibility.PREPARED_ON),
        reviewed=long_date(accessibility.TESTED_ON),
    )
)
