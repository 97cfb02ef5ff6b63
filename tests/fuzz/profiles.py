"""How long the fuzz tests run: `ci` (default) is small, fixed and reproducible; `long` explores.

    OWNERSHIP_FUZZ=long OWNERSHIP_FUZZ_EXAMPLES=20000 python -m pytest tests/fuzz -q

The profiles are registered under their own names and applied per test, so the rest of the
suite keeps hypothesis's defaults.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_DATA = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
              HealthCheck.filter_too_much]
# A long run is chosen by the environment; CI runs the same few examples every time (derandomize, no database).
LONG = os.environ.get("OWNERSHIP_FUZZ", "ci") == "long"
LONG_EXAMPLES = int(os.environ.get("OWNERSHIP_FUZZ_EXAMPLES", "20000"))

settings.register_profile("ownership-fuzz-ci", max_examples=250, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_SLOW_DATA)
settings.register_profile("ownership-fuzz-long", max_examples=LONG_EXAMPLES, deadline=None,
                          suppress_health_check=_SLOW_DATA, print_blob=True)
IN_PROCESS = settings.get_profile("ownership-fuzz-long" if LONG else "ownership-fuzz-ci")
# Driving the CLI writes a repository to disk and runs a dozen commands: a twentieth as many examples.
THROUGH_CLI = settings(IN_PROCESS, max_examples=max(8, IN_PROCESS.max_examples // 20))
