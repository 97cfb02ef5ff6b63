"""The rule catalogue: importing this package registers every rule (see registry.py).

The order of the imports below is the order of `ownership rules` within a group.
"""

from . import (  # noqa: F401
    alerts,
    codeowners,
    config,
    drift,
    escalation,
    github,
    rotations,
    schedule,
    schedule_notice,
    schedule_people,
    services,
    waivers,
)
from .registry import (
    CATALOGUE,
    Check,
    Context,
    DiscoveredService,
    Finding,
    RuleInfo,
    as_configured,
    declare,
    effective_severity,
    in_spec_order,
    model_only_rules,
    per_alert_file_rules,
    rule,
    run_rules,
)

__all__ = [
    "CATALOGUE", "Check", "Context", "DiscoveredService", "Finding", "RuleInfo", "as_configured", "declare",
    "effective_severity", "in_spec_order", "model_only_rules", "per_alert_file_rules", "rule", "run_rules",
]
