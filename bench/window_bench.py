"""The window's figures of issue 13, each beside its yardstick in the same run: cold start
to an interactive list of 1,000 incidents vs a bare Tauri window to its first element,
PSS (app + its WebKit processes) and idle CPU vs the bare window, click to a 10,000-entry
timeline in the DOM, and a typed note shown. Driven through tauri-driver under Xvfb (run
by scripts/bench.sh, which builds the release binaries and passes their paths).

Usage: python3 bench/window_bench.py APP BARE CLI [--runs N] [--idle-seconds S]
Prints a table; exits non-zero only when a measurement could not be taken."""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.options import ArgOptions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from conftest import free_port_pair, wait_port  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


class Driver:
    """One tauri-driver per data directory; each `start` is a fresh app process."""

    def __init__(self, env):
        self.env = env
        self.port = free_port_pair()
        self.proc = subprocess.Popen(
            ["tauri-driver", "--port", str(self.port), "--native-port", str(self.port + 1)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_port(self.port)

    def start(self, binary):
        opts = ArgOptions()
        opts.set_capability("browserName", "wry")
        opts.set_capability("tauri:options", {"application": binary})
        for attempt in range(4):
            try:
                return webdriver.Remote(command_executor=f"http://127.0.0.1:{self.port}", options=opts)
            except Exception:
                if attempt == 3:
                    raise
                time.sleep(1.0)

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def wait_js(d, script, timeout=30.0, every=0.005):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if d.execute_script(script):
            return time.monotonic()
        time.sleep(every)
    raise RuntimeError(f"timed out waiting for: {script}")


def pids_of(binary):
    """The process running `binary` and every process below it (WebKit's web and network
    processes are the app's children)."""
    real = os.path.realpath(binary)
    parents, roots = {}, []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            stat = (p / "stat").read_text()
            parents[int(p.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
            if os.path.realpath(p / "exe") == real:
                roots.append(int(p.name))
        except OSError:
            continue
    tree = set(roots)
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sorted(tree)


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total


def pss_mb(pids):
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


MARKS_JS = "return performance.getEntriesByType('mark').map(m => [m.name, m.startTime])"


def cold_start(drv, binary, ready_js, runs, marks=None):
    """Seconds from asking for a window to `ready_js` being true, per run. The page's own
    start-up marks (ui/src/features/shell/app.ts), if any, are added to `marks`."""
    times = []
    for _ in range(runs):
        t0 = time.monotonic()
        d = drv.start(binary)
        t1 = wait_js(d, ready_js)
        times.append(t1 - t0)
        if marks is not None:
            for name, at in d.execute_script(MARKS_JS):
                marks.setdefault(name, []).append(at)
        d.quit()
        time.sleep(1.0)
    return times


def resources(drv, binary, ready_js, idle_seconds):
    d = drv.start(binary)
    wait_js(d, ready_js)
    time.sleep(5.0)  # let start-up work finish
    pids = pids_of(binary)
    before = cpu_ticks(pids)
    time.sleep(idle_seconds)
    after = cpu_ticks(pids)
    cpu = 100.0 * (after - before) / CLK_TCK / idle_seconds
    mem = pss_mb(pids)
    d.quit()
    time.sleep(1.0)
    return cpu, mem, len(pids)


def seed_incidents(cli, env, work, n, open_now=20):
    """A team's record: `n` incidents, of which `open_now` are open (declared now, with
    running clocks) and the rest past ones imported from their reviews (resolved, with a
    short timeline each)."""
    t0 = time.monotonic()
    for i in range(n - open_now):
        review = work / f"past-{i}.yaml"
        day = 1 + i % 28
        review.write_text("\n".join([
            f"incident_id: INC-PAST-{i:04d}", f"severity: SEV{1 + i % 4}", f"date: 2025-{1 + i % 12:02d}-{day:02d}",
            "duration: 2h", f"impact: past incident {i} - checkout latency", "timeline:",
            '  - {time: "10:00", event: "Alert fired"}', '  - {time: "10:05", event: "Acknowledged"}',
            '  - {time: "10:40", event: "Rolled back"}', '  - {time: "12:00", event: "Resolved"}',
            "root_cause: a bad deploy", "contributing_factors: [no canary]", "lessons_learned: [canary first]",
            "action_items: []", ""]))
        subprocess.run([cli, "pir", "import", str(review)], env=env, check=True, stdout=subprocess.DEVNULL)
    for i in range(open_now):
        subprocess.run(
            [cli, "incident", "declare", "--title", f"Open incident {i}: checkout latency",
             "--severity", ["SEV2", "SEV3", "SEV4"][i % 3], "--service", "api"],
            env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - t0


def long_review(path, entries):
    lines = ["incident_id: INC-LONG", "severity: SEV2", "date: 2026-03-02", "duration: 23h",
             "impact: a long day", "timeline:"]
    for i in range(entries):
        lines.append(f'  - time: "{i // 7 // 60 % 24:02d}:{i // 7 % 60:02d}"')
        lines.append(f'    event: "Step {i}. Checked shard {i % 97}"')
    lines += ["root_cause: a slow leak", "contributing_factors: [no lag alert]",
              "lessons_learned: [watch the shards]", "action_items:",
              '  - {id: AI-001, action: "Alert on shard lag", owner: "@platform", due: "2026-03-09"}']
    path.write_text("\n".join(lines) + "\n")


CLICK_JS = """
const [newest, done] = [arguments[0], arguments[arguments.length - 1]];
const rows = [...document.querySelectorAll('[data-testid="incident-row"]')];
const row = rows.find(r => r.textContent.includes('INC-LONG') || r.textContent.includes('long day'));
if (!row) { done(-1); return; }
const t0 = performance.now();
row.click();
(function look() {
  const first = document.querySelector('[data-testid="timeline-entry"] .text');
  if (first && first.textContent.startsWith(newest)) { done(performance.now() - t0); return; }
  if (performance.now() - t0 > 20000) { done(-2); return; }
  requestAnimationFrame(look);
})();
"""

AWAY_JS = """
const done = arguments[arguments.length - 1];
const row = [...document.querySelectorAll('[data-testid="incident-row"]')].find(r => !r.textContent.includes('long day') && !r.textContent.includes('INC-LONG'));
if (!row) { done(false); return; }
row.click();
(function look() {
  const t = document.querySelector('[data-testid="detail-title"]');
  if (t && t.textContent.includes('Other incident')) { done(true); return; }
  requestAnimationFrame(look);
})();
"""

NOTE_JS = """
const [text, done] = [arguments[0], arguments[arguments.length - 1]];
const input = document.getElementById('entry-text');
if (!input) { done(-1); return; }
input.value = text;
const t0 = performance.now();
input.form.requestSubmit();
(function look() {
  const hit = [...document.querySelectorAll('[data-testid="timeline-entry"] .text')].some(e => e.textContent === text);
  if (hit) { done(performance.now() - t0); return; }
  if (performance.now() - t0 > 20000) { done(-2); return; }
  requestAnimationFrame(look);
})();
"""


def big_timeline(drv, app, runs):
    d = drv.start(app)
    d.set_script_timeout(60)
    wait_js(d, "return document.querySelectorAll('[data-testid=\"incident-row\"]').length >= 2")
    clicks, notes = [], []
    newest = f"Step {ENTRIES - 1}."  # then each note typed below
    for i in range(runs):
        if not d.execute_async_script(AWAY_JS):
            raise RuntimeError("the other incident is not in the list")
        ms = d.execute_async_script(CLICK_JS, newest)
        if ms < 0:
            raise RuntimeError(f"the 10,000-entry timeline did not show its newest entry ({ms})")
        clicks.append(ms)
        time.sleep(0.3)
        newest = f"Bench note {i}: replica lag back under 1 s"
        ms = d.execute_async_script(NOTE_JS, newest)
        if ms < 0:
            raise RuntimeError(f"the typed note was not shown ({ms})")
        notes.append(ms)
    d.quit()
    return clicks, notes


ENTRIES = 10_000


def fmt(xs, unit="ms", scale=1.0):
    xs = [x * scale for x in xs]
    return f"median {statistics.median(xs):.0f} {unit} (min {min(xs):.0f}, max {max(xs):.0f}, n={len(xs)})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("app")
    ap.add_argument("bare")
    ap.add_argument("cli")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--idle-seconds", type=float, default=20.0)
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fb-window-bench-"))
    env = dict(os.environ, FIREBREAK_DATA_DIR=str(work / "thousand"), USER="bench")
    took = seed_incidents(a.cli, env, work, 1000)
    print(f"seeded 1,000 incidents (20 open, 980 past ones from their reviews) through the CLI in {took:.1f} s")

    drv = Driver(env)
    bare_env_drv = Driver(dict(os.environ, HOME=str(work / "bare-home")))
    try:
        list_ready = "return document.querySelectorAll('[data-testid=\"incident-row\"]').length > 0"
        bare_ready = "return document.getElementById('ready') !== null"
        # Alternate the two so that machine noise falls on both alike.
        app_starts, bare_starts, marks = [], [], {}
        for _ in range(a.runs):
            bare_starts += cold_start(bare_env_drv, a.bare, bare_ready, 1)
            app_starts += cold_start(drv, a.app, list_ready, 1, marks)
        app_cpu, app_mem, app_n = resources(drv, a.app, list_ready, a.idle_seconds)
        bare_cpu, bare_mem, bare_n = resources(bare_env_drv, a.bare, bare_ready, a.idle_seconds)
    finally:
        drv.close()
        bare_env_drv.close()

    env10k = dict(os.environ, FIREBREAK_DATA_DIR=str(work / "long"), USER="bench")
    review = work / "long.yaml"
    long_review(review, ENTRIES)
    subprocess.run([a.cli, "incident", "declare", "--title", "Other incident", "--severity", "SEV3"],
                   env=env10k, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([a.cli, "pir", "import", str(review)], env=env10k, check=True, stdout=subprocess.DEVNULL)
    drv = Driver(env10k)
    try:
        clicks, notes = big_timeline(drv, a.app, a.runs)
    finally:
        drv.close()

    ratio_start = statistics.median(app_starts) / statistics.median(bare_starts)
    print()
    print(f"{'measure':58} {'Firebreak':>12} {'yardstick':>12} {'ratio':>7}  goal")
    print(f"{'cold start to interactive list, 1,000 incidents (median)':58} "
          f"{statistics.median(app_starts) * 1000:>9.0f} ms {statistics.median(bare_starts) * 1000:>9.0f} ms "
          f"{ratio_start:>6.2f}x  <= 1.3x bare")
    print(f"{'memory PSS, app + WebKit processes, 1,000 incidents':58} {app_mem:>9.0f} MB {bare_mem:>9.0f} MB "
          f"{app_mem / bare_mem:>6.2f}x  <= 1.2x bare  ({app_n} vs {bare_n} processes)")
    print(f"{'idle CPU over %.0f s, 1,000 incidents (%% of one core)' % a.idle_seconds:58} "
          f"{app_cpu:>10.2f} % {bare_cpu:>10.2f} % {'':>7}  <= 1 %")
    print(f"{'click to a 10,000-entry timeline in the DOM':58} {statistics.median(clicks):>9.0f} ms "
          f"{'—':>12} {'':>7}  <= 150 ms  [{fmt(clicks)}]")
    print(f"{'typed note shown (10,000-entry incident)':58} {statistics.median(notes):>9.0f} ms "
          f"{'—':>12} {'':>7}  <= 50 ms   [{fmt(notes)}]")
    print(f"cold starts: app {fmt(app_starts, scale=1000)}; bare {fmt(bare_starts, scale=1000)}")
    if marks:
        steps = ", ".join(f"{name} {statistics.median(at):.0f} ms" for name, at in sorted(marks.items(), key=lambda kv: statistics.median(kv[1])))
        print(f"app start-up inside the page (medians from the page's start): {steps}")


if __name__ == "__main__":
    main()
