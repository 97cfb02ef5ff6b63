"""The `ownership` click group; each command module registers itself on it."""

from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ownership")
def cli() -> None:
    """Every production service has an owner who can be paged: check ownership.yaml."""
