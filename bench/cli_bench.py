"""Whole-process figures of the release CLI, each beside its yardstick in the same run
(called by scripts/bench.sh):
- PIR import of 500 … 10,000 timeline rows (yardstick: linear growth; goal 10,000 ≤ 1 s);
- appending a note to an incident of 0 / 500 / 4,000 / 10,000 entries (goal ≤ 1.2× the
  empty incident);
- the PIR PDF export of a 1,000-row review beside typst compiling the same content
  (typst's Python wheel, when installed: `pip install typst`).

Usage: python3 bench/cli_bench.py CLI [--runs N]"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from window_bench import long_review  # noqa: E402


def run(cli, env, *args):
    subprocess.run([cli, *args], env=env, check=True, stdout=subprocess.DEVNULL)


def timed(cli, env, *args):
    t0 = time.perf_counter()
    run(cli, env, *args)
    return time.perf_counter() - t0


def imports(cli, work):
    print("PIR import (whole CLI process, one fresh database each)")
    per_row = []
    for n in (500, 1_000, 2_000, 4_000, 10_000):
        review = work / f"review-{n}.yaml"
        long_review(review, n)
        env = dict(os.environ, FIREBREAK_DATA_DIR=str(work / f"import-{n}"), USER="bench")
        run(cli, env, "whoami")  # the database exists before the clock starts
        s = timed(cli, env, "pir", "import", str(review))
        per_row.append(s / n * 1e6)
        print(f"  {n:>6} rows: {s * 1000:8.0f} ms  ({s / n * 1e6:6.1f} µs/row)")
    print(f"  growth: µs/row at 10,000 is {per_row[-1] / per_row[0]:.2f}× that at 500 "
          "(yardstick: 1.0× for linear); goal: 10,000 rows ≤ 1,000 ms")


def appends(cli, work, runs):
    """Runs alternate between the incident sizes, so that the disk's and the machine's
    moods fall on every size alike."""
    print("append a note (whole CLI process, median of %d, sizes interleaved)" % runs)
    sizes = (0, 500, 4_000, 10_000)
    targets = {}
    for n in sizes:
        env = dict(os.environ, FIREBREAK_DATA_DIR=str(work / f"append-{n}"), USER="bench")
        if n:
            review = work / f"append-{n}.yaml"
            long_review(review, n)
            run(cli, env, "pir", "import", str(review))
            key = "INC-LONG"
        else:
            out = subprocess.run([cli, "incident", "declare", "--title", "Empty", "--severity", "SEV3"],
                                 env=env, check=True, capture_output=True, text=True).stdout
            key = next((w for w in out.split() if w.startswith("INC-")), "INC-1")
        targets[n] = (env, key)
    times = {n: [] for n in sizes}
    for i in range(runs):
        for n in sizes:
            env, key = targets[n]
            times[n].append(timed(cli, env, "timeline", "add", key, "--kind", "note", "--text", f"note {i}"))
    base = statistics.median(times[0]) * 1000
    for n in sizes:
        m = statistics.median(times[n]) * 1000
        print(f"  incident of {n:>6} entries: {m:6.1f} ms  ({m / base:.2f}× the empty incident; goal ≤ 1.2×)")


TYPST_ROW = '[{t}], [{e}],\n'


def typst_source(n_rows, n_items):
    rows = "".join(TYPST_ROW.format(t=f"{i // 60 % 24:02d}:{i % 60:02d}", e=f"Step {i}. Checked shard {i % 97}")
                   for i in range(n_rows))
    items = "".join(f"[AI-{i:03d}], [Alert on shard lag {i}], [\\@platform], [2026-03-09],\n" for i in range(n_items))
    return f"""#set page(paper: "a4", margin: 2cm, footer: context [Page #counter(page).display() of #counter(page).final().first()])
#set text(size: 10pt)
= Post-incident review: INC-LONG
== Summary
A long day. #lorem(120)
== Root cause
A slow leak. #lorem(80)
== Timeline
#table(columns: (auto, 1fr), [*Time*], [*Event*],
{rows})
== Action items
#table(columns: (auto, 1fr, auto, auto), [*ID*], [*Action*], [*Owner*], [*Due*],
{items})
"""


def pdf(cli, work, runs):
    print("PIR PDF, 1,000 timeline rows + 30 action items")
    env = dict(os.environ, FIREBREAK_DATA_DIR=str(work / "pdf"), USER="bench")
    review = work / "pdf.yaml"
    long_review(review, 1_000)
    run(cli, env, "pir", "import", str(review))
    out = work / "pir.pdf"
    times = [timed(cli, env, "pir", "export", "INC-LONG", "--format", "pdf", "-o", str(out)) for _ in range(runs)]
    print(f"  firebreak pir export (whole process): median {statistics.median(times) * 1000:.0f} ms, "
          f"{out.stat().st_size // 1024} KB")
    try:
        import typst  # the yardstick, when installed
    except ImportError:
        print("  typst: not installed (pip install typst) — no yardstick in this run")
        return
    src = work / "pir.typ"
    src.write_text(typst_source(1_000, 30))
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        typst.compile(str(src), output=str(work / "typst.pdf"))
        times.append(time.perf_counter() - t0)
    print(f"  yardstick typst (in-process, same rows): median {statistics.median(times) * 1000:.0f} ms, "
          f"{(work / 'typst.pdf').stat().st_size // 1024} KB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("--runs", type=int, default=15)
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fb-cli-bench-"))
    imports(a.cli, work)
    appends(a.cli, work, a.runs)
    pdf(a.cli, work, max(3, a.runs // 3))


if __name__ == "__main__":
    main()
