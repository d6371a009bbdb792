"""Shared test settings.

Hypothesis runs on two shared cores here: no per-example deadline (timings
are noisy) and a modest number of examples. ``HYPOTHESIS_PROFILE=thorough``
runs many more when hunting for a bug.
"""

import os

from hypothesis import settings

settings.register_profile("ci", deadline=None, max_examples=60)
settings.register_profile("thorough", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
