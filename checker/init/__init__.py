"""`ownership init`: a starting ownership.yaml from what the repository already holds.

It looks for Kubernetes workloads, Backstage components, service directories
and Prometheus rule files (scan.py), declares every service it found with TODO
placeholders and writes the globs that read exactly what it found (render.py),
and leaves the rest to `ownership check`, whose diagnostics then say, one by
one, what to fill in.
"""

from __future__ import annotations

from ..sources import Source
from .render import render
from .scan import Findings, scan

__all__ = ["Findings", "initial_config"]


def initial_config(source: Source) -> tuple[str, Findings]:
    findings = scan(source)
    return render(findings), findings
