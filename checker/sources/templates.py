"""Helm/Go templates under a glob meant for plain YAML: found, so the message can say "render it"."""

from __future__ import annotations

import yaml

from ..diagnostics import Location


def template_marker(data: bytes, path: str) -> Location | None:
    """Where `{{` opens a YAML token (not inside a quoted, plain or block string), if anywhere.

    Only asked of files that already failed to read, so the usual file is scanned once."""
    scanner = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    text = data.decode("utf-8", "replace")
    try:
        for token in yaml.scan(text, Loader=scanner):
            if isinstance(token, yaml.FlowMappingStartToken):
                index = token.start_mark.index
                if text.startswith("{{", index):
                    return Location(path, token.start_mark.line + 1, token.start_mark.column + 1)
    except yaml.YAMLError:
        pass  # the template is found before the scanner gives up, or it is not a template
    return None
