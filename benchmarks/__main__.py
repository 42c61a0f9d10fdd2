"""`make bench`: run every benchmark, print the table (figure, goal, baseline measured in the
same run, ratio) and write it to docs/benchmarks.md with the machine it ran on.

    .venv/bin/python -m benchmarks            # all
    .venv/bin/python -m benchmarks b2 b5      # some (docs/benchmarks.md is written only
                                              # when all ran, unless --write)
"""

import argparse
import dataclasses
import importlib
import json
import time
import traceback
from pathlib import Path

from benchmarks.common import Row, machine
from core.settings import PROJECT_ROOT

BENCHMARKS = {
    "b1": "benchmarks.b1_intake",
    "b1c": "benchmarks.b1_counters",  # intake's rate-limit counters, in-process
    "b2": "benchmarks.b2_decision_latency",
    "b3": "benchmarks.b3_throughput",
    "b4": "benchmarks.b4_waiting_at_scale",
    "b5": "benchmarks.b5_deadline_sweep",
    "b6": "benchmarks.b6_pdca_round",  # a PDCA reporting round and its consolidated report
    "b7": "benchmarks.b7_screening_round",  # a screening round of 2,900: assess → letters
    "b4c": "benchmarks.b4y_catchup",  # 1,260 complaints in a burst → every run suspended
    "b4y": "benchmarks.b4y_year_held",  # N suspended case runs held at once (B4')
    "pg": "benchmarks.scale_out",  # B2 and B3 on PostgreSQL with two workers
}
DOC = PROJECT_ROOT / "docs" / "benchmarks.md"
NOTES = PROJECT_ROOT / "benchmarks" / "NOTES.md"
LAST = PROJECT_ROOT / "benchmarks" / "last_run.json"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(rows: list[Row]) -> str:
    lines = [
        "| | figure | measured | goal | baseline (same run) | ratio | goal met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        met = {True: "yes", False: "**no**", None: "-"}[r.met]
        figure = r.figure + (f" — {r.note}" if r.note else "")
        lines.append(
            f"| {r.bench} | {cell(figure)} | {cell(r.value)} | {cell(r.goal)} | "
            f"{cell(r.baseline)} | {r.ratio} | {met} |"
        )
    return "\n".join(lines)


def write_doc(rows: list[Row], took: float, path: Path, when: str | None = None) -> None:
    """docs/benchmarks.md: machine, table, then benchmarks/NOTES.md (the reading of it)."""
    info = machine()
    when = when or time.strftime("%Y-%m-%d %H:%M %Z")
    LAST.write_text(
        json.dumps(
            {"when": when, "took": took, "rows": [dataclasses.asdict(r) for r in rows]},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    notes = NOTES.read_text(encoding="utf-8") if NOTES.exists() else ""
    text = (
        "# Benchmarks\n\n"
        "Written by `make bench` (`.venv/bin/python -m benchmarks`); each benchmark is a module "
        "in `benchmarks/` that can also run alone (`python -m benchmarks.b2_decision_latency "
        "--help`). Ratio: how many times better than the baseline measured in the same run "
        "(baseline time ÷ ours, or our rate ÷ baseline rate).\n\n"
        f"Latest run: {when}, {took / 60:.1f} min.\n\n"
        "Machine:\n\n"
        + "".join(f"- {k}: {v}\n" for k, v in info.items())
        + "\n"
        + table(rows)
        + "\n\n"
        + notes
    )
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("only", nargs="*", choices=[*BENCHMARKS, []], help="e.g. b2 b5")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md anyway")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="replace the chosen benchmarks' rows in the last full run and rewrite the page",
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="only rewrite docs/benchmarks.md from benchmarks/last_run.json and NOTES.md",
    )
    args = parser.parse_args()
    if args.render:
        last = json.loads(LAST.read_text(encoding="utf-8"))
        write_doc([Row(**r) for r in last["rows"]], last["took"], DOC, last["when"])
        return
    chosen = args.only or list(BENCHMARKS)
    rows: list[Row] = []
    failed = []
    t0 = time.monotonic()
    for name in chosen:
        print(f"== {name} ({BENCHMARKS[name]})", flush=True)
        t = time.monotonic()
        try:
            module = importlib.import_module(BENCHMARKS[name])
            got = module.run()
        except Exception as exc:  # one broken benchmark must not hide the others
            traceback.print_exc()
            failed.append(name)
            got = [
                Row(
                    name.upper(),
                    "benchmark failed",
                    f"{type(exc).__name__}: {exc}"[:200],
                    "-",
                    "-",
                    "-",
                    False,
                )
            ]
        for row in got:
            row.source = row.source or name
            row.print()
        rows.extend(got)
        print(f"   {name} took {time.monotonic() - t:.0f}s", flush=True)
    took = time.monotonic() - t0
    print()
    print(table(rows))
    if args.merge and LAST.exists():
        last = json.loads(LAST.read_text(encoding="utf-8"))
        kept = [Row(**r) for r in last["rows"]]
        merged: list[Row] = []
        for name in BENCHMARKS:
            source = rows if name in chosen else kept
            merged.extend(r for r in source if (r.source or r.bench.lower()) == name)
        write_doc(
            merged,
            last["took"],
            DOC,
            last["when"] + f" ({', '.join(chosen)} re-run {time.strftime('%H:%M %Z')})",
        )
        print(f"\nmerged into: {DOC.relative_to(PROJECT_ROOT)}")
    elif args.write or not args.only:
        write_doc(rows, took, DOC)
        print(f"\nwritten: {DOC.relative_to(PROJECT_ROOT)}")
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
