"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning, with the catalogue in tool.driver.rules."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from .. import __version__
from ..diagnostics import Diagnostic
from ..escape import uri_path
from ..rules import CATALOGUE, in_spec_order
from ..rules.docs import help_uri, rule_markdown
from . import Outcome, Reporter, register

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "ownershipSubject/v1"
_LEVEL = {"error": "error", "warning": "warning", "off": "none"}


def _rule_descriptor(info: Any) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.doc},
        "helpUri": help_uri(info),
        "help": {"text": info.doc, "markdown": rule_markdown(info)},
        "defaultConfiguration": {"level": _LEVEL[info.severity.value]},
        "properties": {"tags": ["ownership"]},
    }


def fingerprints(diagnostics: list[Diagnostic]) -> list[str]:
    """One partial fingerprint per diagnostic, unique within the run, so code scanning never merges
    two alerts (SPEC §11). Built from the rule, the subject and the rule's distinguishing detail
    (a person, an interval); diagnostics that still share all three are told apart by their rank
    among themselves, ordered by location then message: stable when lines move. A diagnostic
    alone with its (rule, subject) keeps the fingerprint of earlier releases, so existing alerts
    stay matched."""
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for index, d in enumerate(diagnostics):
        groups[(d.rule, d.subject, d.detail)].append(index)
    out = [""] * len(diagnostics)
    for (rule, subject, detail), members in groups.items():
        members.sort(key=lambda i: (diagnostics[i].location, diagnostics[i].message))
        for ordinal, index in enumerate(members):
            if not detail and ordinal == 0:
                identity = f"{rule}\0{subject}"
            else:  # JSON keeps the parts apart whatever characters a subject holds
                identity = json.dumps([rule, subject, detail, ordinal])
            out[index] = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return out


@register
class SarifReporter(Reporter):
    name = "sarif"

    def render(self, outcome: Outcome) -> str:
        ids = [info.id for info in in_spec_order()]
        results = []
        for d, fingerprint in zip(outcome.diagnostics, fingerprints(outcome.diagnostics), strict=True):
            result: dict[str, Any] = {
                "ruleId": d.rule,
                "ruleIndex": ids.index(d.rule),
                "level": "error" if outcome.blocking(d) else _LEVEL[d.severity.value],
                "message": {"text": f"{d.message} [{d.subject}]"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri_path(d.location.file), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": d.location.line, "startColumn": d.location.column},
                }}],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
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
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The git repository's root."}}},
                "results": results,
            }],
        }
        return json.dumps(log, indent=2) + "\n"
