"""COD rules: CODEOWNERS agrees with the config. Raised by `ownership codeowners --check` (checker/codeowners.py)."""

from ..diagnostics import Severity
from .registry import declare

declare("COD001", "codeowners-out-of-sync", Severity.ERROR, """
    (`ownership codeowners --check`) CODEOWNERS differs from what the config
    implies, is missing, or two services claim the same path.

    Why: CODEOWNERS routes reviews; if it drifts from ownership.yaml, code
    is merged without the owning team's review. A path claimed by two
    services has no single owner, so neither line is written.

    Fails:
        services:
          checkout-api: {team: payments, paths: ["services/checkout/"]}
        # .github/CODEOWNERS has no line for /services/checkout/
    Fixed:
        # run `ownership codeowners` and commit .github/CODEOWNERS:
        /services/checkout/ @acme/payments
""")
