"""ownership-as-code: every production service has an owner who can be paged."""

__version__ = "0.1.0"
