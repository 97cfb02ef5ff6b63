"""Benchmark: whole-process `ownership check`, `check --base`, `report` and `calendar` on synthetic organisations,
beside the floor (parsing the same YAML files with PyYAML's C loader in one process).

    python tests/perf/bench.py [--sizes small,large,double] [--runs 5]

Prints, per size, the median wall time of several runs of each command, the
floor, their ratios against the targets, and each command's peak memory.
Not a unit test: timings depend on the machine; run it on a quiet one.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.perf.generate import SIZES, Size, generate

NOW = "2026-03-02T09:00Z"  # away from the holidays, so every size is a healthy organisation
FLOOR_SCRIPT = """
import sys, yaml
from pathlib import Path
root = Path(sys.argv[1])
files = [root / "ownership.yaml"] + sorted((root / "monitoring").rglob("*.yaml"))
for path in files:
    list(yaml.load_all(path.read_bytes(), Loader=yaml.CSafeLoader))
"""


def timed(command: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in MB, and exit code of one whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def median_of(command: list[str], cwd: Path, runs: int) -> tuple[float, int, int]:
    results = [timed(command, cwd) for _ in range(runs)]
    return (statistics.median(r[0] for r in results), max(r[1] for r in results), results[-1][2])


def make_repository(root: Path, size: Size) -> Path:
    """The organisation committed on main, then a branch that adds one service."""
    generate(root, size)
    git = ["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], cwd=root, check=True)
    subprocess.run(["git", "checkout", "-q", "-b", "change"], cwd=root, check=True)
    generate(root, size, extra_service=True)
    (root / "docs/runbooks/svc-new.md").write_text("# svc-new\n\nRestart it.\n")
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one more service"], cwd=root, check=True)
    return root


def bench(size: Size, runs: int, workdir: Path) -> dict[str, float]:
    root = make_repository(workdir / size.name, size)
    ownership = [sys.executable, "-m", "checker"]
    floor, floor_mem, _ = median_of([sys.executable, "-c", FLOOR_SCRIPT, str(root)], root, runs)
    check, check_mem, code = median_of([*ownership, "check", "--now", NOW], root, runs)
    base, base_mem, base_code = median_of([*ownership, "check", "--now", NOW, "--base", "main"], root, runs)
    report, report_mem, _ = median_of([*ownership, "report", "--now", NOW, "--format", "html", "--output",
                                       str(workdir / f"{size.name}.html")], root, runs)
    print(f"{size.name:>6}: {size.teams} teams, {size.teams * 6} people, {size.teams * 2} rotations, "
          f"{size.teams * size.services_per_team} services, {size.alert_files * size.alerts_per_file} alerts "
          f"in {size.alert_files} files")
    print(f"        parse floor (C loader) {floor * 1000:8.0f} ms  {floor_mem:5d} MB")
    print(f"        check                  {check * 1000:8.0f} ms  {check_mem:5d} MB  exit {code}  "
          f"= {check / floor:.2f}x floor (target <= 2)")
    print(f"        check --base           {base * 1000:8.0f} ms  {base_mem:5d} MB  exit {base_code}  "
          f"= {base / check:.2f}x check (target <= 2)")
    print(f"        report --format html   {report * 1000:8.0f} ms  {report_mem:5d} MB")
    calendar, calendar_mem, calendar_code = median_of([*ownership, "calendar", "--from", NOW, "--output",
                                                       str(workdir / f"{size.name}.ics")], root, runs)
    print(f"        calendar (every rotation) {calendar * 1000:5.0f} ms  {calendar_mem:5d} MB  exit {calendar_code}")
    return {"floor": floor, "check": check, "base": base, "report": report, "calendar": calendar,
            "check_mem": check_mem, "base_mem": base_mem, "report_mem": report_mem, "calendar_mem": calendar_mem}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="small,large,double")
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; median of {arguments.runs} runs")
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="ownership-bench-") as temporary:
        for name in arguments.sizes.split(","):
            results[name] = bench(SIZES[name], arguments.runs, Path(temporary))
    print("targets:")
    if "small" in results:
        small = results["small"]["check"]
        print(f"  small check (pre-commit)   {small * 1000:6.0f} ms   target < 300 ms   "
              f"{'OK' if small < 0.3 else 'MISSED'}")
    if "large" in results:
        large = results["large"]
        ratio, base_ratio = large["check"] / large["floor"], large["base"] / large["check"]
        peak = max(large["check_mem"], large["base_mem"], large["report_mem"])
        print(f"  large check / parse floor  {ratio:6.2f}x     target <= 2      {'OK' if ratio <= 2 else 'MISSED'}")
        print(f"  large check --base / check {base_ratio:6.2f}x     target <= 2      "
              f"{'OK' if base_ratio <= 2 else 'MISSED'}")
        print(f"  large peak memory          {peak:6d} MB   target < 500 MB  {'OK' if peak < 500 else 'MISSED'}")
        calendar, calendar_mem = large["calendar"], large["calendar_mem"]
        print(f"  large calendar             {calendar * 1000:6.0f} ms   target <= 1.5 s  "
              f"{'OK' if calendar <= 1.5 else 'MISSED'}")
        print(f"  large calendar peak memory {calendar_mem:6d} MB   target <= 200 MB "
              f"{'OK' if calendar_mem <= 200 else 'MISSED'}")
    if "large" in results and "double" in results:
        scaling = results["double"]["check"] / results["large"]["check"]
        print(f"  double / large check       {scaling:6.2f}x     target <= 2.2    "
              f"{'OK' if scaling <= 2.2 else 'MISSED'}")


if __name__ == "__main__":
    main()
