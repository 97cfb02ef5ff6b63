"""Every rule documents itself: what fires it, why it matters, a failing and a fixed example."""

from __future__ import annotations

import json
import re

import pytest

from checker.rules import CATALOGUE
from tests.conftest import REPO_ROOT

SPEC_IDS = re.compile(r"^[A-Z]{3}\d{3}$|^GH00\d$")


@pytest.mark.parametrize("rule_id", list(CATALOGUE))
def test_rule_doc_has_why_and_examples(rule_id: str) -> None:
    info = CATALOGUE[rule_id]
    assert SPEC_IDS.match(info.id)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", info.name)
    for section in ("Why:", "Fails:", "Fixed:"):
        assert section in info.doc, f"{rule_id} doc lacks {section}"
    assert len(info.summary) > 20


def test_schema_knows_every_rule_id_for_waivers_and_overrides() -> None:
    schema = json.loads((REPO_ROOT / "schemas" / "ownership.schema.json").read_text())
    assert set(CATALOGUE) <= set(schema["definitions"]["rule_id"]["enum"])


def test_packaged_schema_is_the_repository_schema() -> None:
    from checker.schema import schema_text

    assert json.loads(schema_text()) == json.loads((REPO_ROOT / "schemas/ownership.schema.json").read_text())
