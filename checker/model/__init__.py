"""The resolved config: dataclasses (entities), and the builder that reads them from YAML documents."""

from .builder import ModelBuilder
from .entities import (
    Alert,
    AlertSource,
    DiscoverySource,
    EscalationLevel,
    Leave,
    Model,
    Node,
    OnCall,
    Override,
    Person,
    Policy,
    RosterChange,
    Rotation,
    RotationPolicy,
    Routing,
    Service,
    ServicePolicy,
    Team,
    Waiver,
    is_templated,
)

__all__ = [
    "Alert", "AlertSource", "DiscoverySource", "EscalationLevel", "Leave", "Model", "ModelBuilder", "Node",
    "OnCall", "Override", "Person", "Policy", "RosterChange", "Rotation", "RotationPolicy", "Routing", "Service",
    "ServicePolicy", "Team", "Waiver", "is_templated",
]
