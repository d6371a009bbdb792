"""Shared test settings.

Hypothesis runs on two shared cores here: no per-example deadline (timings
are noisy) and a modest number of examples. ``HYPOTHESIS_PROFILE=thorough``
runs many more when hunting for a bug.

Figures kept for sharing (``tracker.figures.shared``) are checked on every
read: a page or function that changes one in place fails its test.
"""

import os

from hypothesis import settings

from tracker.figures.shared import CHECK_VARIABLE

os.environ[CHECK_VARIABLE] = "1"

settings.register_profile("ci", deadline=None, max_examples=60)
settings.register_profile("thorough", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
