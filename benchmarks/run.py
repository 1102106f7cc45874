"""Measure issues #8 and #19's targets as ratios against their floors, side by side in one run.

    .venv/bin/python benchmarks/run.py                     # 1,000 and 10,000, both layouts
    .venv/bin/python benchmarks/run.py --sizes 50000 --repeat 3 --cold-repeat 2
    .venv/bin/python benchmarks/run.py --sizes 1000 10000 --layouts files --write /tmp/t.md

Every figure is the median of whole processes, both wall time and CPU time (user + system of
the process and its children, from os.wait4); targets are judged on CPU time, which other
work on a shared machine disturbs far less than wall time (hyperfine is not needed; peak
RSS comes from /usr/bin/time -f %M). Catalogs are
generated once into --bench-dir (default /tmp/referral-bench) by benchmarks/generate.py, in
each layout (single agencies.yaml, or agencies/<id>.yaml files: `agencies-N-files`); the
cache goes to a temp folder through REFERRAL_CACHE. "warm" = catalog unchanged since the last
run ("watcher running": the same with `referral catalog watch` running, either layout,
Linux); "edit" = one agency's email changed just before each run (in its own file, or in
agencies.yaml); "fresh" = no cache at all, as after a fresh clone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent
PY = str(BIN / "python")
REFERRAL = str(BIN / "referral")
TIME = Path("/usr/bin/time").is_file()
RACY_S = 3.5  # cache.RACY_NS, with a margin

BARE_PARSE = """
import gc, sys, yaml
from pathlib import Path
root = Path(sys.argv[1])
gc.disable()
files = [root / "services.yaml", root / "agencies.yaml", *sorted(root.glob("agencies/*.yaml"))]
files += sorted(root.glob("vettings/*.yaml"))
for f in files:
    yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)
"""

PARSED_SIZE = """
import gc, sys, tracemalloc, yaml
from pathlib import Path
root = Path(sys.argv[1])
files = [root / "services.yaml", root / "agencies.yaml", *sorted(root.glob("agencies/*.yaml"))]
files += sorted(root.glob("vettings/*.yaml"))
gc.disable()
tracemalloc.start()
kept = [yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader) for f in files]
print(tracemalloc.get_traced_memory()[0])
"""


@dataclass
class Timing:
    """Median wall and CPU time (ms) and peak RSS (MB) of repeated runs of one command."""

    label: str
    ms: float
    rss_mb: float
    runs: int
    cpu_ms: float = 0.0


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """Wall ms, CPU ms (user + system), peak RSS MB and exit status of one whole process.

    CPU time is os.wait4's: the process's own and that of the children it waited for (the
    command under /usr/bin/time). Peak RSS comes from /usr/bin/time when present: os.wait4's
    ru_maxrss can report the parent's high-water mark for a child started with vfork.
    """
    with (
        tempfile.NamedTemporaryFile("r", suffix=".rss") as rss,
        tempfile.TemporaryFile("w+b") as err,
    ):
        timed = ["/usr/bin/time", "-f", "%M", "-o", rss.name, *argv] if TIME else argv
        start = time.perf_counter()
        proc = subprocess.Popen(timed, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = (time.perf_counter() - start) * 1000
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu = (usage.ru_utime + usage.ru_stime) * 1000
        text = rss.read().strip().splitlines()
        err.seek(0)
        message = err.read().decode(errors="replace")
    if proc.returncode != 0:
        print(f"  ! {' '.join(argv)} failed: {message[-300:]}", file=sys.stderr)
    peak_kb = float(text[-1]) if TIME and text else 0.0
    return elapsed, cpu, peak_kb / 1024, proc.returncode


def measure(
    label: str,
    argv: list[str],
    env: dict[str, str],
    repeat: int,
    before: object = None,
    warmup: int = 1,
) -> Timing:
    """Median of `repeat` runs after `warmup` unmeasured ones; `before` runs before each."""
    for _ in range(warmup):
        if callable(before):
            before()
        run_once(argv, env)
    times, cpus, peaks = [], [], []
    for _ in range(repeat):
        if callable(before):
            before()
        ms, cpu, rss, _ = run_once(argv, env)
        times.append(ms)
        cpus.append(cpu)
        peaks.append(rss)
    timing = Timing(label, statistics.median(times), max(peaks), repeat, statistics.median(cpus))
    print(
        f"  {label:<40} {timing.ms:9.1f} ms  {timing.cpu_ms:9.1f} ms CPU  {timing.rss_mb:7.1f} MB",
        file=sys.stderr,
    )
    return timing


def catalog_for(size: int, layout: str, bench_dir: Path) -> Path:
    """The generated catalog of `size` agencies in a layout, generating it on first use."""
    root = bench_dir / f"agencies-{size}{'-files' if layout == 'files' else ''}"
    if not (root / "agencies.yaml").is_file():
        argv = [PY, str(HERE / "generate.py"), str(size), str(root), "--layout", layout]
        subprocess.run(argv, check=True)
    return root


def middle_agency(root: Path) -> str:
    """An agency id from the middle of the catalog, so a scan cannot stop early."""
    files = sorted((root / "agencies").glob("*.yaml"))
    if files:
        return files[len(files) // 2].stem
    ids = [
        line.split(":", 1)[1].strip()
        for line in (root / "agencies.yaml").read_text().splitlines()
        if line.startswith("- id:")
    ]
    return ids[len(ids) // 2]


def editor(root: Path, agency: str) -> Callable[[], None]:
    """Edit one agency just before a run: its intake email changes back and forth.

    In the files layout that is the agency's own file; otherwise agencies.yaml.
    """
    own = root / "agencies" / f"{agency}.yaml"
    path = own if own.is_file() else root / "agencies.yaml"
    index = agency.rsplit("-", 1)[1]
    plain, edited = f"intake.{index}@", f"intake.{index}x@"

    def edit() -> None:
        text = path.read_text()
        old, new = (plain, edited) if plain in text else (edited, plain)
        path.write_text(text.replace(old, new, 1))

    return edit


def has_command(name: str, env: dict[str, str]) -> bool:
    """Whether this build of referral has a command (vet is being written in parallel)."""
    argv = [REFERRAL, name, "--help"]
    return subprocess.run(argv, env=env, capture_output=True).returncode == 0


def bench_size(
    size: int, layout: str, args: argparse.Namespace, env: dict[str, str]
) -> dict[str, Timing]:
    """Every per-catalog measurement at one size in one layout."""
    root = catalog_for(size, layout, args.bench_dir)
    agency = middle_agency(root)
    data = ["--data", str(root)]
    cache = Path(env["REFERRAL_CACHE"])

    def forget() -> None:
        for path in cache.glob("catalog-*"):
            path.unlink()

    print(f"{size} agencies, {layout} layout:", file=sys.stderr)
    cold = args.cold_repeat
    out: dict[str, Timing] = {}
    out["parse"] = measure("bare CSafeLoader parse", [PY, "-c", BARE_PARSE, str(root)], env, cold)
    commands = {
        "show": ["show", agency, *data],
        "agencies": ["agencies", "--service", "food", *data],
    }
    if has_command("vet", env):
        commands["vet"] = ["vet", agency, *data]
    # Warm = the catalog was last changed more than the cache's racy window (3 s) before:
    # build the cache, wait that long, and let one run settle the key.
    forget()
    run_once([REFERRAL, *commands["show"]], env)
    time.sleep(RACY_S)
    run_once([REFERRAL, *commands["show"]], env)
    for name, argv in commands.items():
        out[f"{name} warm"] = measure(f"{name} warm", [REFERRAL, *argv], env, args.repeat)
    if sys.platform.startswith("linux"):
        out.update(with_watcher(root, commands, env, args.repeat, editor(root, agency)))
    edits = args.repeat if layout == "files" else cold
    out["show edit"] = measure(
        "show after one edit",
        [REFERRAL, *commands["show"]],
        env,
        edits,
        before=editor(root, agency),
    )
    for name, argv in commands.items():
        out[f"{name} fresh"] = measure(
            f"{name} fresh", [REFERRAL, *argv], env, cold, before=forget, warmup=0
        )
    out["validate"] = measure(
        "catalog validate", [REFERRAL, "catalog", "validate", str(root)], env, cold, warmup=0
    )
    parsed = subprocess.run(
        [PY, "-c", PARSED_SIZE, str(root)], capture_output=True, text=True, check=True
    )
    out["parsed"] = Timing("parsed YAML objects", 0.0, int(parsed.stdout) / 2**20, 1)
    return out


def with_watcher(
    root: Path,
    commands: dict[str, list[str]],
    env: dict[str, str],
    repeat: int,
    edit: Callable[[], None],
) -> dict[str, Timing]:
    """The warm `agencies --service`, and `show` right after an edit, while `referral catalog
    watch` runs, with the watcher's own CPU per question it answered (from
    /proc/PID/schedstat: nanoseconds on the CPU)."""
    watcher = subprocess.Popen(
        [REFERRAL, "catalog", "watch", "--data", str(root)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if not serving(root, env, watcher):
            print("  ! the watcher did not start", file=sys.stderr)
            return {}
        out: dict[str, Timing] = {}
        for key, command, before in (
            ("agencies warm, watcher running", commands["agencies"], None),
            ("show edit, watcher running", commands["show"], edit),
        ):
            spent = on_cpu_ns(watcher.pid)
            out[key] = measure(key, [REFERRAL, *command], env, repeat, before=before)
            per_sync = (on_cpu_ns(watcher.pid) - spent) / 1e6 / (repeat + 1)  # + warm-up
            label = f"per answer ({key.split(',')[0]})"
            print(f"  {label:<40} {per_sync:9.2f} ms CPU", file=sys.stderr)
            out[f"watcher sync: {key}"] = Timing(label, 0.0, 0.0, repeat, per_sync)
        return out
    finally:
        watcher.terminate()  # SIGTERM stops it as Ctrl-C does (SIGINT may be ignored here)
        watcher.wait(timeout=60)


def serving(root: Path, env: dict[str, str], watcher: subprocess.Popen[bytes]) -> bool:
    """Wait until the watcher vouches for the cache (it checks every file first)."""
    from referral_cli.catalog import watchclient

    saved = os.environ.get("REFERRAL_CACHE")
    os.environ["REFERRAL_CACHE"] = env["REFERRAL_CACHE"]  # where the client looks for it
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and watcher.poll() is None:
            if watchclient.vouched_token(root) is not None:
                return True
            time.sleep(0.1)
        return False
    finally:
        if saved is None:
            del os.environ["REFERRAL_CACHE"]
        else:
            os.environ["REFERRAL_CACHE"] = saved


def on_cpu_ns(pid: int) -> int:
    """Nanoseconds a (single-threaded) process has run on a CPU so far."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


WARM_LIMIT = 1.5  # x `import typer` (issue #19)
EDIT_LIMIT = 3.0  # x the warm `show` of the same catalog
PARSE_LIMIT = 1.2  # x the bare parse of the same files
RSS_LIMIT = 3.0  # x the parsed objects


def _verdict(ratio: float, limit: float, floor: str) -> str:
    return f"<= {limit} {floor}: {'met' if ratio <= limit else 'NOT met'}"


def _ratios(t: Timing, floor: Timing) -> tuple[float, float]:
    """(CPU ratio, wall ratio) of a timing against its floor."""
    return t.cpu_ms / floor.cpu_ms, t.ms / floor.ms


def table(
    floors: dict[str, Timing],
    sizes: dict[tuple[int, str], dict[str, Timing]],
    load: tuple[float, float] = (0.0, 0.0),
) -> str:
    """The results as Markdown: medians, ratios against their floors, and targets met.

    Targets are judged on the CPU-time ratio; the wall-time ratio is shown beside it.
    """
    typer = floors["typer"]
    lines = [
        f"Machine: {platform.node() or 'unknown'}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.release()}. Date: {dt.date.today().isoformat()}. "
        f"Load average (1 min): {load[0]:.1f} at the start, {load[1]:.1f} at the end.",
        "",
        "| Start-up | wall ms | CPU ms | ratio to `import typer` (CPU) | (wall) | target (CPU) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for key, label in (("pass", "`python -c pass`"), ("typer", "`python -c 'import typer'`")):
        t = floors[key]
        cpu, wall = _ratios(t, typer)
        floor = " (floor)" if key == "typer" else ""
        lines.append(f"| {label}{floor} | {t.ms:.0f} | {t.cpu_ms:.0f} | {cpu:.2f} | {wall:.2f} | |")
    for key in ("help", "version"):
        t = floors[key]
        cpu, wall = _ratios(t, typer)
        verdict = _verdict(cpu, 1.25, "x typer")
        lines.append(
            f"| `referral --{key}` | {t.ms:.0f} | {t.cpu_ms:.0f} | {cpu:.2f} | {wall:.2f} | "
            f"{verdict} |"
        )
    lines += [
        "",
        "| Agencies | layout | command | wall ms | CPU ms | ratio (CPU) | (wall) | target (CPU) "
        "| peak RSS MB |",
        "|---:|---|---|---:|---:|---:|---:|---|---:|",
    ]
    for (size, layout), found in sizes.items():
        parse = found["parse"]
        parsed_mb = found["parsed"].rss_mb
        lines.append(
            f"| {size} | {layout} | bare CSafeLoader parse (floor) | {parse.ms:.0f} | "
            f"{parse.cpu_ms:.0f} | 1.00 | 1.00 | | {parse.rss_mb:.0f} |"
        )
        for key, t in found.items():
            if key in ("parse", "parsed"):
                continue
            if key.startswith("watcher sync"):
                lines.append(
                    f"| {size} | {layout} | the watcher's own CPU: {t.label} | | "
                    f"{t.cpu_ms:.2f} | | | | |"
                )
                continue
            if "warm" in key:
                base, limit, floor = typer, WARM_LIMIT, "x typer"
            elif "edit" in key:
                base, limit, floor = found["show warm"], EDIT_LIMIT, "x warm show"
            else:
                base, limit, floor = parse, PARSE_LIMIT, "x parse"
            cpu, wall = _ratios(t, base)
            lines.append(
                f"| {size} | {layout} | `{key}` | {t.ms:.0f} | {t.cpu_ms:.0f} | {cpu:.2f} | "
                f"{wall:.2f} | {_verdict(cpu, limit, floor)} | {t.rss_mb:.0f} |"
            )
        worst = max(
            t.rss_mb
            for k, t in found.items()
            if k not in ("parse", "parsed") and not k.startswith("watcher sync")
        )
        lines.append(
            f"| {size} | {layout} | parsed YAML objects (tracemalloc) | | | | | peak RSS "
            f"{_verdict(worst / parsed_mb, RSS_LIMIT, 'x')} ({worst / parsed_mb:.1f}x) | "
            f"{parsed_mb:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print (or write) the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--layouts", nargs="+", choices=("single", "files"), default=["single", "files"]
    )
    parser.add_argument("--bench-dir", type=Path, default=Path("/tmp/referral-bench"))
    parser.add_argument("--repeat", type=int, default=7, help="runs of each fast command")
    parser.add_argument("--cold-repeat", type=int, default=3, help="runs of each slow command")
    parser.add_argument("--write", type=Path, help="also write the table into this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="referral-cache-") as cache:
        env = dict(os.environ)
        env.update(
            REFERRAL_CACHE=cache,
            NO_COLOR="1",
            COLUMNS="100",
            REFERRAL_TODAY="2026-11-01",
            REFERRAL_HOME=str(Path(cache) / "home"),
        )
        env.pop("REFERRAL_DATA", None)
        # Measure what an installed copy does: with bytecode cached, as for typer itself.
        # (Some sandboxes set this; then every run recompiles referral_cli from source.)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        load_before = os.getloadavg()[0]
        print("start-up:", file=sys.stderr)
        floors = {
            "pass": measure("python -c pass", [PY, "-c", "pass"], env, args.repeat * 2),
            "typer": measure("import typer", [PY, "-c", "import typer"], env, args.repeat * 2),
            "help": measure("referral --help", [REFERRAL, "--help"], env, args.repeat * 2),
            "version": measure("referral --version", [REFERRAL, "--version"], env, args.repeat * 2),
        }
        sizes = {
            (size, layout): bench_size(size, layout, args, env)
            for size in args.sizes
            for layout in args.layouts
        }
    text = table(floors, sizes, (load_before, os.getloadavg()[0]))
    print(text)
    if args.write:
        args.write.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
