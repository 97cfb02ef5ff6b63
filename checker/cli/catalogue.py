"""`ownership rules`, `ownership explain` and `ownership schema`: the catalogue and the schema."""

from __future__ import annotations

import click

from .common import fail
from .group import cli


@cli.command("rules")
def list_rules() -> None:
    """List every rule: ID, name, default severity, summary."""
    from ..rules import in_spec_order

    for info in in_spec_order():
        click.echo(f"{info.id}  {info.name:<32} {info.severity.value:<8} {info.summary}")


@cli.command()
@click.argument("rule_id", metavar="RULE")
def explain(rule_id: str) -> None:
    """Print one rule's documentation, with a failing and a fixed example."""
    from ..rules import CATALOGUE

    wanted = rule_id.upper()
    info = CATALOGUE.get(wanted) or next((i for i in CATALOGUE.values() if i.name == rule_id.lower()), None)
    if info is None:
        fail(f"unknown rule {rule_id!r}; `ownership rules` lists them")
    click.echo(f"{info.id} {info.name} (default: {info.severity.value})\n")
    click.echo(info.doc)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of ownership.yaml (draft-07)."""
    from ..schema import schema_text

    click.echo(schema_text(), nl=False)
