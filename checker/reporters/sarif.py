"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning, with the catalogue in tool.driver.rules."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .. import __version__
from ..rules import CATALOGUE, in_spec_order
from . import Outcome, Reporter, register

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "off": "none"}


def _rule_descriptor(info: Any) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.doc},
        "help": {"text": info.doc},
        "defaultConfiguration": {"level": _LEVEL[info.severity.value]},
        "properties": {"tags": ["ownership"]},
    }


@register
class SarifReporter(Reporter):
    name = "sarif"

    def render(self, outcome: Outcome) -> str:
        ids = [info.id for info in in_spec_order()]
        results = []
        for d in outcome.diagnostics:
            # Stable across line moves: code scanning matches alerts by this, like diff mode does.
            fingerprint = hashlib.sha256(f"{d.rule}\0{d.subject}".encode()).hexdigest()[:32]
            result: dict[str, Any] = {
                "ruleId": d.rule,
                "ruleIndex": ids.index(d.rule),
                "level": "error" if outcome.blocking(d) else _LEVEL[d.severity.value],
                "message": {"text": f"{d.message} [{d.subject}]"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": d.location.file, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": d.location.line, "startColumn": d.location.column},
                }}],
                "partialFingerprints": {"ownershipSubject/v1": fingerprint},
            }
            if outcome.diff_mode:
                result["baselineState"] = "new" if d.new else "unchanged"
            results.append(result)
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "ownership-as-code",
                    "informationUri": "https://github.com/ownership-as-code/ownership-as-code",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "rules": [_rule_descriptor(CATALOGUE[i]) for i in ids],
                }},
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root."}}},
                "results": results,
            }],
        }
        return json.dumps(log, indent=2) + "\n"
