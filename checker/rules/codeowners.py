"""COD rules: CODEOWNERS agrees with the config, and GitHub really applies it (checker/codeowners/).

COD001 and COD002 are raised by `ownership codeowners --check`, which reads
CODEOWNERS; COD003 runs with every `ownership check` as well.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Severity
from .registry import Context, Finding, declare, rule

declare("COD001", "codeowners-out-of-sync", Severity.ERROR, """
    (`ownership codeowners --check`) CODEOWNERS differs from what the config
    implies, is missing, or two services claim the same path.

    Why: CODEOWNERS routes reviews; if it drifts from ownership.yaml, code
    is merged without the owning team's review. A path claimed by two
    services has no single owner, however it is written
    (`services/checkout`, `services/checkout/`, `/services/checkout/`), so
    no line is written for it.

    Fails:
        services:
          checkout-api: {team: payments, paths: ["services/checkout/"]}
        # .github/CODEOWNERS has no line for /services/checkout/
    Fixed:
        # run `ownership codeowners` and commit .github/CODEOWNERS:
        /services/checkout/ @acme/payments
""")

declare("COD002", "codeowners-overridden", Severity.ERROR, """
    (`ownership codeowners --check`) A hand-written CODEOWNERS line after the
    managed block takes a service's files from its declared team.

    Why: GitHub gives each file to the last line that matches it, in the
    whole file. A broad line below the block (`/services/ @acme/platform`,
    `*.go @alice`, or a pattern with no owners at all) silently decides who
    must review the service's code, while the block and ownership.yaml
    still name the declared team. The message names the line, the service,
    how many files it takes and one of them.

    Fails:
        # BEGIN ownership-as-code ...
        /services/checkout/ @acme/payments
        # END ownership-as-code
        /services/ @acme/platform
    Fixed:
        /services/ @acme/platform
        # BEGIN ownership-as-code ...
        /services/checkout/ @acme/payments
        # END ownership-as-code
""")


@rule("COD003", "codeowners-path-matches-nothing", Severity.WARNING)
def codeowners_path_matches_nothing(ctx: Context) -> Iterator[Finding]:
    """A service's `paths` entry matches no file in the repository.

    Why: the path is written into CODEOWNERS as a line that owns nothing,
    so the service's real code is reviewed by whoever a broader line names.
    It is usually a typo, a directory that moved, or a path written relative
    to something other than the repository root. The path is read as GitHub
    reads its CODEOWNERS line (`*` within a segment, `**` across them, a
    trailing `/` for a directory).

    Fails:
        services:
          checkout-api: {team: payments, paths: ["service/checkout/"]}   # the directory is services/checkout/
    Fixed:
        services:
          checkout-api: {team: payments, paths: ["services/checkout/"]}
    """
    if not any(service.paths for service in ctx.model.services.values()):
        return
    from ..codeowners.audit import sorted_files  # imported only when some service has `paths`
    from ..codeowners.sync import unmatched_paths

    for diagnostic in unmatched_paths(ctx.model, sorted_files(ctx.repo.files())):
        yield Finding(diagnostic.subject, diagnostic.location, diagnostic.message)
