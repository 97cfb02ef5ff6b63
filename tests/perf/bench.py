"""Benchmark: whole-process commands on synthetic organisations, each figure of issue 16 beside its target.

    python tests/perf/bench.py [--sizes small,large,double,quad] [--runs 5] [--big-runs 3]

Every figure is the CPU time (user + system, from the kernel's rusage of the
process and its children) of whole processes, the median of several runs, and
the commands compared in a ratio are run in alternation (paired runs), so a
shared machine's load weighs on both sides alike. Memory is the largest peak
RSS of the runs. The floor is the time to only parse the same YAML files with
PyYAML's C loader in one process. Not a unit test: it prints, it does not fail;
run it on a quiet machine and say which.

Sizes: small (2 teams), large (500 teams, 3,000 services, 20,000 alerts),
double and quad (twice and four times large; quad/double is the linearity test).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
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
PYTHON = [sys.executable]
OWNERSHIP = [sys.executable, "-m", "checker"]
REPORT_FORMATS = ["markdown", "html", "json"]


@dataclass
class Figure:
    cpu: float  # seconds, median
    memory: int  # MB, largest peak RSS
    code: int  # exit code of the last run


def run_once(command: list[str], cwd: Path) -> tuple[float, int, int]:
    """CPU seconds, peak RSS in MB and exit code of one whole process."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def paired(commands: dict[str, list[str]], cwd: Path, runs: int,
           before_each: Callable[[str, int], None] | None = None) -> dict[str, Figure]:
    """Each command `runs` times, in alternation; before_each(name, run) prepares a run (e.g. edits a file)."""
    samples: dict[str, list[tuple[float, int, int]]] = {name: [] for name in commands}
    for index in range(runs):
        for name, command in commands.items():
            if before_each:
                before_each(name, index)
            samples[name].append(run_once(command, cwd))
    return {name: Figure(statistics.median(s[0] for s in found), max(s[1] for s in found), found[-1][2])
            for name, found in samples.items()}


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


_CACHE_OPTIONS: list[bool] = []  # whether this checker has --cache-dir/--no-cache (so main can be measured too)


def check_command(*options: str) -> list[str]:
    if not _CACHE_OPTIONS:
        _CACHE_OPTIONS.append(has_option("check", "--no-cache"))
    if not _CACHE_OPTIONS[0]:  # a checker without the cache: every run is cold
        dropped, kept = False, []
        for option in options:
            if dropped:
                dropped = False
            elif option == "--cache-dir":
                dropped = True
            elif option != "--no-cache":
                kept.append(option)
        options = tuple(kept)
    return [*OWNERSHIP, "check", "--now", NOW, *options]


def compile_bytecode() -> str:
    """Compile the checker's modules to bytecode first, as `pip install` does (PYTHONDONTWRITEBYTECODE
    would otherwise make every run compile them); returns where the checker is imported from."""
    package = subprocess.run([*PYTHON, "-c", "import checker, os; print(os.path.dirname(checker.__file__))"],
                             capture_output=True, text=True, check=True, cwd=NEUTRAL).stdout.strip()
    subprocess.run([*PYTHON, "-m", "compileall", "-q", package], check=False, stdout=subprocess.DEVNULL)
    return package


NEUTRAL = tempfile.gettempdir()  # helpers run here, so they import the checker the measured runs import


def has_option(command: str, option: str) -> bool:
    shown = subprocess.run([*OWNERSHIP, command, "--help"], capture_output=True, text=True, check=False,
                           cwd=NEUTRAL).stdout
    return option in shown


def bench_size(size: Size, runs: int, workdir: Path) -> dict[str, Figure]:
    root = make_repository(workdir / size.name, size)
    print(f"{size.name}: {size.teams} teams, {size.teams * 6} people, {size.teams * 2} rotations, "
          f"{size.teams * size.services_per_team} services, {size.alert_files * size.alerts_per_file} alerts "
          f"in {size.alert_files} files", flush=True)
    found = paired({"floor": [*PYTHON, "-c", FLOOR_SCRIPT, str(root)], "check": check_command("--no-cache")},
                   root, runs)
    found["base"] = paired({"base": check_command("--no-cache", "--base", "main")}, root, runs)["base"]
    if size.alert_files:
        found["warm"] = _warm_check(root, runs, workdir / f"{size.name}-cache")
    for fmt in REPORT_FORMATS:
        found[f"report {fmt}"] = paired({fmt: [*OWNERSHIP, "report", "--now", NOW, "--format", fmt, "--output",
                                               str(workdir / f"{size.name}.{fmt}")]}, root, runs)[fmt]
    found["calendar"] = paired({"calendar": [*OWNERSHIP, "calendar", "--from", NOW, "--output",
                                             str(workdir / f"{size.name}.ics")]}, root, runs)["calendar"]
    if size.name == "small":
        found.update(_start_up(root, runs))
    for name, figure in found.items():
        broken = "  (a usage error: this figure is not a measurement)" if figure.code == 2 else ""
        print(f"  {name:<24} {figure.cpu * 1000:8.0f} ms CPU  {figure.memory:5d} MB  exit {figure.code}{broken}",
              flush=True)
    return found


def _warm_check(root: Path, runs: int, cache_dir: Path) -> Figure:
    """`check` with the cache filled by an earlier run, after one rule file changed (a new line each run)."""
    command = check_command("--cache-dir", str(cache_dir))
    run_once(command, root)
    rule_file = min((root / "monitoring").rglob("*.yaml"))
    original = rule_file.read_bytes()

    def edit(_name: str, index: int) -> None:
        rule_file.write_bytes(original + f"# edit {index}\n".encode())

    try:
        return paired({"warm": command}, root, runs, before_each=edit)["warm"]
    finally:
        rule_file.write_bytes(original)


def _start_up(root: Path, runs: int) -> dict[str, Figure]:
    """The small repository's check, and the pre-commit exit when nothing relevant is staged, beside
    `python -c "import yaml"`. The hook as it is today: `check --staged` if the tool has it, else
    `check FILE...` with the staged names (pre-commit's pass_filenames)."""
    (root / "NOTES.txt").write_text("nothing the check reads\n")
    subprocess.run(["git", "add", "NOTES.txt"], cwd=root, check=True)
    cache = ["--cache-dir", str(root.parent / "small-start-up-cache")]  # warm, as before every commit
    hook = check_command(*cache, "--staged") if has_option("check", "--staged") else \
        check_command(*cache, "NOTES.txt")
    run_once(check_command(*cache), root)
    found = paired({"import yaml": [*PYTHON, "-c", "import yaml"], "small check": check_command(*cache),
                    "small check, no cache": check_command("--no-cache"), "nothing staged": hook}, root, runs)
    subprocess.run(["git", "reset", "-q", "NOTES.txt"], cwd=root, check=True)
    return found


def verdict(value: float, target: float, places: int) -> str:
    """Judged on the figure as printed, so a line never shows 2.10x beside a 2.1x target and says MISSED."""
    return "OK" if round(value, places) <= target else "MISSED"


def targets(results: dict[str, dict[str, Figure]]) -> None:
    print("issue 16 targets:")

    def line(what: str, value: float, target: float, unit: str = "x") -> None:
        shown = f"{value:7.2f}x" if unit == "x" else f"{value:6.0f} {unit}"
        limit = f"<= {target:g}x" if unit == "x" else f"<= {target:g} {unit}"
        print(f"  {what:<48} {shown}  {limit:<10} {verdict(value, target, 2 if unit == 'x' else 0)}")

    large, double, quad, small = (results.get(n) for n in ("large", "double", "quad", "small"))
    if large:
        floor, check = large["floor"].cpu, large["check"].cpu
        line("large: cold check / parse floor (first stop 1.2)", check / floor, 1.0)
        if "warm" in large:
            line("large: warm check, one rule file changed / floor", large["warm"].cpu / floor, 0.3)
        line("large: calendar, every rotation", large["calendar"].cpu * 1000, 1500, "ms")
        line("large: calendar peak memory", large["calendar"].memory, 200, "MB")
        for fmt in REPORT_FORMATS:
            line(f"large: report {fmt} / check", large[f"report {fmt}"].cpu / check, 1.5)
        line("large: check --base / check", large["base"].cpu / check, 1.5)
        line("large: check --base peak memory", large["base"].memory, 300, "MB")
    if double and quad:
        for fmt in REPORT_FORMATS:
            line(f"report {fmt}: quad / double", quad[f"report {fmt}"].cpu / double[f"report {fmt}"].cpu, 2.1)
        line("check: quad / double", quad["check"].cpu / double["check"].cpu, 2.1)
        line("check --base: quad / double", quad["base"].cpu / double["base"].cpu, 2.1)
        line("check --base peak memory: quad / double", quad["base"].memory / double["base"].memory, 2.1)
    if small:
        floor = small["import yaml"].cpu
        line("small: check / python -c 'import yaml'", small["small check"].cpu / floor, 3.0)
        line("small: check, no cache / import yaml", small["small check, no cache"].cpu / floor, 3.0)
        line("small: pre-commit, nothing staged / import yaml", small["nothing staged"].cpu / floor, 1.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="small,large,double,quad")
    parser.add_argument("--runs", type=int, default=5, help="runs per command, small and large")
    parser.add_argument("--big-runs", type=int, default=3, help="runs per command, double and quad")
    arguments = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; load average {_load()} at the start; CPU time (user + "
          f"system), median of {arguments.runs} runs ({arguments.big_runs} for double and quad)", flush=True)
    print(f"checker: {compile_bytecode()}", flush=True)
    results: dict[str, dict[str, Figure]] = {}
    with tempfile.TemporaryDirectory(prefix="ownership-bench-") as temporary:
        for name in arguments.sizes.split(","):
            runs = arguments.big_runs if name in ("double", "quad") else arguments.runs
            results[name] = bench_size(SIZES[name], runs, Path(temporary))
    targets(results)
    print(f"load average {_load()} at the end")


def _load() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
