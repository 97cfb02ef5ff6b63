"""The fast validity check agrees with jsonschema, so skipping jsonschema for valid configs loses nothing."""

from __future__ import annotations

from typing import Any

import jsonschema
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.schema import conforms, schema
from tests.conftest import REPO_ROOT
from tests.test_robustness import ALL_PATHS, WRONG_VALUES, replaced

ACME = yaml.safe_load((REPO_ROOT / "examples/acme/ownership.yaml").read_text())
VALIDATOR = jsonschema.Draft7Validator(schema())


def agree(document: Any) -> None:
    assert conforms(document, schema()) == VALIDATOR.is_valid(document), document


def test_examples_agree() -> None:
    for path in ("examples/acme/ownership.yaml", "examples/broken/ownership.yaml"):
        agree(yaml.safe_load((REPO_ROOT / path).read_text()))


def test_every_wrong_value_everywhere_agrees() -> None:
    for path in ALL_PATHS:
        for wrong in WRONG_VALUES + [1.0, -1, "", "x" * 3, {"": 1}]:
            agree(replaced(ACME, path, wrong))


leaf_values = st.one_of(st.none(), st.booleans(), st.integers(-3, 30), st.floats(allow_nan=False, width=16),
                        st.sampled_from(["", "a", "1w", "0d", "12:00", "09:00-17:00", "2026-01-06T12:00", "UTC",
                                         "https://x", "production", "24x7", "error", "mon", "SVC001", "acme/x",
                                         "service/a", "A", "a b", "12-25", "critical"]))
keys = st.sampled_from(["version", "people", "teams", "rotations", "services", "policy", "rules", "team",
                        "members", "shift", "start", "oncall", "primary", "secondary", "escalation", "rotation",
                        "contact", "horizon", "a", "b", "SVC001", "runbook", "paths", "alerts", "type",
                        "discovery", "directories", "waivers", "rule", "subject", "reason", "expires", "x"])
documents = st.recursive(leaf_values, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(keys, inner, max_size=5), max_leaves=25)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(keys, documents, max_size=6))
def test_generated_documents_agree(document: dict) -> None:  # type: ignore[type-arg]
    agree({"version": 1, **document})
