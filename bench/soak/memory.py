#!/usr/bin/env python3
"""Where a daemon's resident memory sits and which part grows (issue 17 §3: the soak's RSS slope).

One sample of a process: /proc/PID/smaps_rollup (RSS, anonymous, file-backed), its anonymous mappings sorted by what
holds them, the thread count, and the daemon's own metrics (prometheus-net's DotNetStats: GC.GetTotalMemory as
dotnet_total_memory_bytes, collections per generation). The anonymous mappings are told apart by their shape in
/proc/PID/smaps, no debugger needed:
  gc     the GC's regions: committed parts of one reserve of at least 1 GiB (contiguous anonymous mappings)
  arena  glibc malloc's thread arenas: 64 MiB-aligned reserves of 64 MiB (HEAP_MAX_SIZE), and [heap] (the main arena)
  other  the rest: thread stacks, the runtime's hydrated type data, small mmaps
A leak grows without bound in one of them (a managed leak in gc, and in the live heap after each collection); a
process settling grows and then stays flat: the report gives each series' slope over the first and the second half.
Used by bench/soak/run --memory-every N, and alone: bench/soak/memory.py PID [--ns NS] [--every 30] [--minutes 20].
"""
import re, subprocess, time

GIB = 1 << 30
ARENA = 64 << 20
FIELDS = ["rss", "anon", "file", "gc", "arena", "other", "threads", "heap", "gen0", "gen1", "gen2", "load"]
UNITS = {"rss": "MiB", "anon": "MiB", "file": "MiB", "gc": "MiB", "arena": "MiB", "other": "MiB", "heap": "MiB", "threads": "",
         "gen0": "", "gen1": "", "gen2": "", "load": ""}


def mappings(pid):
    """(start, end, name, rss KiB, anonymous KiB) of every mapping."""
    out, cur = [], None
    for line in open(f"/proc/{pid}/smaps"):
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$", line)
        if m:
            cur = [int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip(), 0, 0]
            out.append(cur)
        elif line.startswith("Rss:"):
            cur[3] = int(line.split()[1])
        elif line.startswith("Anonymous:"):
            cur[4] = int(line.split()[1])
    return out


def classify(maps):
    """Anonymous KiB in gc, arena and other (see the module's comment)."""
    kinds = {"gc": 0, "arena": 0, "other": 0}
    spans = []  # contiguous runs of unnamed mappings: [start, end, anonymous KiB]
    for start, end, name, rss, anon in maps:
        if name == "[heap]":
            kinds["arena"] += anon
        elif name == "":
            if spans and spans[-1][1] == start:
                spans[-1][1], spans[-1][2] = end, spans[-1][2] + anon
            else:
                spans.append([start, end, anon])
        else:
            kinds["other"] += anon  # anonymous pages of file mappings (written data, relocations), stacks
    for start, end, anon in spans:
        size = end - start
        if size >= GIB:
            kinds["gc"] += anon
        elif size == ARENA and start % ARENA == 0:
            kinds["arena"] += anon
        else:
            kinds["other"] += anon
    return kinds


def metric(text, name, label=None):
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            if label is None or label in line:
                total += float(line.rsplit(" ", 1)[1])
    return total


def sample(pid, metrics_text=""):
    """One sample: MiB for memory, counts for the rest (metrics missing: 0)."""
    roll = {}
    for line in open(f"/proc/{pid}/smaps_rollup"):
        parts = line.split()
        if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
            roll[parts[0][:-1]] = int(parts[1])
    threads = next(int(l.split()[1]) for l in open(f"/proc/{pid}/status") if l.startswith("Threads:"))
    kinds = classify(mappings(pid))
    return {
        "t": time.time(),
        "rss": roll.get("Rss", 0) / 1024,
        "anon": roll.get("Anonymous", 0) / 1024,
        "file": (roll.get("Rss", 0) - roll.get("Anonymous", 0)) / 1024,
        "gc": kinds["gc"] / 1024, "arena": kinds["arena"] / 1024, "other": kinds["other"] / 1024,
        "threads": threads,
        "heap": metric(metrics_text, "dotnet_total_memory_bytes") / (1 << 20),
        "gen0": metric(metrics_text, "dotnet_collection_count_total", 'generation="0"'),
        "gen1": metric(metrics_text, "dotnet_collection_count_total", 'generation="1"'),
        "gen2": metric(metrics_text, "dotnet_collection_count_total", 'generation="2"'),
        "load": float(open("/proc/loadavg").read().split()[0]),
    }


def slope_per_hour(points):
    """Least-squares slope of (t, v), per hour."""
    n = len(points)
    if n < 2:
        return 0.0
    mt, mv = sum(t for t, _ in points) / n, sum(v for _, v in points) / n
    den = sum((t - mt) ** 2 for t, _ in points)
    return 3600 * sum((t - mt) * (v - mv) for t, v in points) / den if den else 0.0


def report(name, samples):
    """Lines: every sample, then each series' first and last value and its slope per hour over each half."""
    if not samples:
        return [f"{name}: no memory samples"]
    t0 = samples[0]["t"]
    lines = [f"{name}: memory every {samples[1]['t'] - t0:.0f} s" if len(samples) > 1 else f"{name}: one memory sample",
             "   time   " + " ".join(f"{f:>7}" for f in FIELDS)]
    for s in samples:
        lines.append(f"  {s['t'] - t0:6.0f} s " + " ".join(f"{s[f]:7.2f}" if UNITS[f] == "MiB" or f == "load" else f"{s[f]:7.0f}"
                                                         for f in FIELDS))
    half = len(samples) // 2
    lines.append(f"  {'series':<8} {'first':>8} {'last':>8} {'slope/h, 1st half':>18} {'2nd half':>10} {'whole':>10}")
    for f in FIELDS[:8]:
        pts = [(s["t"], s[f]) for s in samples]
        lines.append(f"  {f:<8} {pts[0][1]:8.2f} {pts[-1][1]:8.2f} {slope_per_hour(pts[:half + 1]):+18.2f} "
                     f"{slope_per_hour(pts[half:]):+10.2f} {slope_per_hour(pts):+10.2f}  {UNITS[f]}")
    return lines


def fetch_metrics(ns, listen="127.0.0.1:9810"):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + ["curl", "-s", "--max-time", "5", f"http://{listen}/metrics"]
    return subprocess.run(cmd, capture_output=True, text=True).stdout


def main():
    import argparse
    ap = argparse.ArgumentParser(description="Samples one daemon's memory (see bench/soak/memory.py)")
    ap.add_argument("pid", type=int)
    ap.add_argument("--ns", help="the namespace its metrics endpoint listens in")
    ap.add_argument("--listen", default="127.0.0.1:9810")
    ap.add_argument("--every", type=float, default=30)
    ap.add_argument("--minutes", type=float, default=20)
    a = ap.parse_args()
    samples, end = [], time.time() + a.minutes * 60
    while time.time() < end:
        try:
            samples.append(sample(a.pid, fetch_metrics(a.ns, a.listen)))
        except OSError:
            break
        print(f"{time.strftime('%H:%M:%S')} rss {samples[-1]['rss']:.2f} MiB, anon {samples[-1]['anon']:.2f}, "
              f"gc {samples[-1]['gc']:.2f}, load {samples[-1]['load']:.1f}", flush=True)
        time.sleep(max(0, a.every - (time.time() - samples[-1]["t"])))
    print("\n".join(report(f"pid {a.pid}", samples)))


if __name__ == "__main__":
    main()
