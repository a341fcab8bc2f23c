#!/usr/bin/env python3
"""Turns bench results into docs: PNG plots in docs/perf/ and the tables of docs/performance.md.

Usage: python3 bench/plot.py <results dir> <plots dir> <performance.md>
Reads <results dir>/results.jsonl (one JSON object per run, written by bench/bench) and jmh*.json (JMH's JSON),
writes latency-vs-load.png, memory-vs-connections.png, fanout.png into <plots dir>, and replaces the part of
performance.md between '<!-- results:begin -->' and '<!-- results:end -->' with tables of medians over the runs.
"""
import json
import os
import statistics
import sys
from collections import OrderedDict, defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NAMES = {"herald": "Herald edge", "a": "peer A (ws relay)", "b": "peer B (Socket.IO)"}
COLORS = {"herald": "#1f6feb", "a": "#d1242f", "b": "#9a6700"}
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rows.append(json.loads(line))
    return rows


def median(values):
    values = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return statistics.median(values) if values else None


def groups(rows, keys):
    out = OrderedDict()
    for r in rows:
        out.setdefault(tuple(r.get(k) for k in keys), []).append(r)
    return out


def med(rs, field):
    return median([r.get(field) for r in rs])


def fmt(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int):
        return f"{v:,}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}" if abs(v) >= 1 else f"{v:.{max(digits, 2)}f}"


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def table(header, lines):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(line) + " |" for line in lines]
    return "\n".join(out)


def fanout_tables(rows):
    parts = []
    fan = [r for r in rows if r.get("scenario") == "fanout" and not str(r.get("label", "")).startswith(("sweep", "e2e"))]
    for label, rs in groups(fan, ["label"]).items():
        by = groups(rs, ["target"])
        a = by.get(("a",), [])
        lines = []
        for (target,), t in by.items():
            lines.append([NAMES.get(target, target), str(len(t)), fmt(med(t, "connected")),
                          t[0].get("channels", ""), fmt(med(t, "deliveriesPerSec")),
                          fmt(med(t, "p50"), 2), fmt(med(t, "p90"), 2), fmt(med(t, "p99"), 2), fmt(med(t, "p999"), 2),
                          fmt(med(t, "max"), 2), fmt(med(t, "lost")), fmt(med(t, "dups")),
                          fmt(med(t, "serverRssMB")), fmt(med(t, "serverHwmMB")), fmt(med(t, "serverCpuPct")),
                          fmt(med(t, "loadgenCpuPct")), fmt(med(t, "foreignCpuPct")),
                          fmt(ratio(med(t, "p99"), med(a, "p99")), 3) if a else "–",
                          fmt(ratio(med(t, "deliveriesPerSec"), med(a, "deliveriesPerSec")), 2) if a else "–"])
        parts.append(f"**{label[0]}** (medians of the runs; latency in ms; memory in MB; CPU in % of one core)\n\n" + table(
            ["server", "runs", "connected", "channels", "deliveries/s", "p50", "p90", "p99", "p99.9", "max", "lost",
             "dups", "RSS after connect", "RSS peak", "server CPU", "generator CPU", "foreign CPU",
             "p99 / A's", "deliveries/s / A's"], lines))
    return "\n\n".join(parts)


def sweep_rows(rows):
    return [r for r in rows if r.get("scenario") == "fanout" and str(r.get("label", "")).startswith("sweep")]


def sweep_table(rows):
    lines = []
    for (target, rate), rs in sorted(groups(sweep_rows(rows), ["target", "rate"]).items(),
                                     key=lambda kv: (kv[0][0], kv[0][1])):
        offered = rate * med(rs, "connected")
        lines.append([NAMES.get(target, target), fmt(rate), fmt(offered), fmt(med(rs, "deliveriesPerSec")),
                      fmt(med(rs, "p50"), 2), fmt(med(rs, "p99"), 2), fmt(med(rs, "lost")), fmt(med(rs, "serverCpuPct")),
                      fmt(med(rs, "foreignCpuPct"))])
    return table(["server", "msg/s", "offered deliveries/s", "deliveries/s", "p50 ms", "p99 ms", "lost", "server CPU",
                  "foreign CPU"], lines)


def plot_sweep(rows, path):
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for (target,), rs in groups(sweep_rows(rows), ["target"]).items():
        pts = sorted(((r["rate"] * r["connected"], r) for r in rs), key=lambda p: p[0])
        xs = [p[0] / 1000 for p in pts]
        ax1.plot(xs, [p[1].get("p99") for p in pts], "o-", color=COLORS.get(target), label=NAMES.get(target) + " p99")
        ax1.plot(xs, [p[1].get("p50") for p in pts], "s--", color=COLORS.get(target), alpha=0.6,
                 label=NAMES.get(target) + " p50")
        ax2.plot(xs, [p[1].get("deliveriesPerSec", 0) / 1000 for p in pts], "o-", color=COLORS.get(target),
                 label=NAMES.get(target))
    ax1.set_yscale("log")
    ax1.set_xlabel("offered deliveries/s (thousands): 1,000 clients x msg/s")
    ax1.set_ylabel("latency (ms, log)")
    ax1.set_title("Latency against load (one broadcast channel)")
    ax1.grid(True, which="both", alpha=0.3)
    ax1.legend(fontsize=7)
    lim = max([1] + [r["rate"] * r["connected"] / 1000 for r in sweep_rows(rows)])
    ax2.plot([0, lim], [0, lim], ":", color="gray", label="offered")
    ax2.set_xlabel("offered deliveries/s (thousands)")
    ax2.set_ylabel("achieved deliveries/s (thousands)")
    ax2.set_title("Throughput against load")
    ax2.grid(True, alpha=0.3)
    ax2.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def idle_rows(rows):
    return [r for r in rows if r.get("scenario") == "idle"]


def idle_table(rows):
    lines = []
    for (target,), rs in groups(idle_rows(rows), ["target"]).items():
        for r in sorted(rs, key=lambda r: r["connections"]):
            lines.append([NAMES.get(target, target), fmt(r["connections"]), fmt(r.get("open")), fmt(r.get("serverRssMB")),
                          fmt(r.get("serverHeapMB")), fmt(r.get("rssKBPerConn"), 1), fmt(r.get("heapKBPerConn"), 1)])
    return table(["server", "connections", "open", "RSS MB", "live heap MB (after full GC)", "RSS KB/conn",
                  "heap KB/conn"], lines)


def plot_idle(rows, path):
    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    for (target, label), rs in groups(idle_rows(rows), ["target", "label"]).items():
        rs = sorted((r for r in rs if r.get("open")), key=lambda r: r["open"]) or rs
        name = NAMES.get(target, target) + ("" if label in ("idle", "") else " " + label.replace("idle+", "+"))
        style = "-" if label in ("idle", "") else ":"
        xs = [r.get("open", r["connections"]) / 1000 for r in rs]
        ax.plot(xs, [r.get("serverRssMB") for r in rs], "o" + style, color=COLORS.get(target), label=name + " RSS")
        if any(r.get("serverHeapMB") is not None for r in rs):
            ax.plot(xs, [r.get("serverHeapMB") for r in rs], "s--" if style == "-" else "s-.", color=COLORS.get(target),
                    alpha=0.7, label=name + " live heap")
    ax.set_xlabel("open idle connections (thousands)")
    ax.set_ylabel("MB")
    ax.set_title("Memory against connections")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_fanout(rows, path):
    fan = [r for r in rows if r.get("scenario") == "fanout" and not str(r.get("label", "")).startswith(("sweep", "e2e"))]
    labels = list(groups(fan, ["label"]).keys())
    if not labels:
        return
    fig, axes = plt.subplots(1, len(labels), figsize=(5.5 * len(labels), 4.2), squeeze=False)
    for ax, label in zip(axes[0], labels):
        rs = [r for r in fan if r.get("label") == label[0]]
        targets = list(groups(rs, ["target"]).keys())
        p99 = [med([r for r in rs if r["target"] == t[0]], "p99") or 0 for t in targets]
        ax.bar([NAMES.get(t[0], t[0]) for t in targets], p99, color=[COLORS.get(t[0]) for t in targets])
        ax.set_yscale("log")
        ax.set_ylabel("p99 latency (ms, log)")
        ax.set_title(label[0])
        for i, v in enumerate(p99):
            ax.annotate(fmt(v, 1), (i, v), ha="center", va="bottom", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def resume_table(rows):
    lines = []
    for (label, target), rs in groups([r for r in rows if r.get("scenario") == "resume"], ["label", "target"]).items():
        lines.append([NAMES.get(target, target), str(len(rs)), fmt(med(rs, "awayClients")), fmt(med(rs, "k")),
                      fmt(med(rs, "clientsWithAllK")), fmt(med(rs, "missedRecvTotal")), fmt(med(rs, "reconnectFailed")),
                      fmt(med(rs, "reconnectMs")), fmt(med(rs, "replayMs")), fmt(med(rs, "dups")),
                      fmt(med(rs, "stayersLost")), fmt(med(rs, "serverHwmMB")), fmt(med(rs, "foreignCpuPct"))])
    return table(["server", "runs", "clients away", "behind by", "clients with all", "missed received",
                  "reconnect failed", "reconnect ms", "time to recover all (ms)", "dups", "stayers lost",
                  "RSS peak MB", "foreign CPU"], lines)


def e2e_table(rows):
    """One block of runs per label (a variant's label names what differs, e.g. +kafka-cpu1: the broker off the
    servers' core), in the order measured, each with its median."""
    lines = []
    for label, rs in groups([r for r in rows if r.get("scenario") == "fanout"
                             and str(r.get("label", "")).startswith("e2e")], ["label"]).items():
        name = label[0] if isinstance(label, tuple) else label
        for i, r in enumerate(rs):
            lines.append([name, str(i + 1), fmt(r.get("connected")), fmt(r.get("pubRate")), fmt(r.get("delivered")),
                          fmt(r.get("lost")), fmt(r.get("dups")), fmt(r.get("p50"), 2), fmt(r.get("p90"), 2),
                          fmt(r.get("p99"), 2), fmt(r.get("p999"), 2), fmt(r.get("max"), 2),
                          fmt(r.get("foreignCpuPct"))])
        lines.append([name, "**median**", fmt(med(rs, "connected")), fmt(med(rs, "pubRate")),
                      fmt(med(rs, "delivered")), fmt(med(rs, "lost")), fmt(med(rs, "dups")), fmt(med(rs, "p50"), 2),
                      fmt(med(rs, "p90"), 2), fmt(med(rs, "p99"), 2), fmt(med(rs, "p999"), 2),
                      fmt(med(rs, "max"), 2), fmt(med(rs, "foreignCpuPct"))])
    return table(["setup", "run", "clients", "published/s", "delivered", "lost", "dups", "p50 ms", "p90 ms", "p99 ms",
                  "p99.9 ms", "max ms", "foreign CPU"], lines)


def dispatcher_tables(rows):
    apply = [r for r in rows if r.get("scenario") == "apply"]
    lines = [[str(i + 1), fmt(r.get("appliesPerSec")), fmt(r.get("redisBenchmarkPerSec")),
              fmt(r.get("ratioToRedisBenchmark"), 2), fmt(r.get("redisCpuPct")), fmt(r.get("failedBatches"))]
             for i, r in enumerate(apply)]
    if apply:
        lines.append(["**median**", fmt(med(apply, "appliesPerSec")), fmt(med(apply, "redisBenchmarkPerSec")),
                      fmt(med(apply, "ratioToRedisBenchmark"), 2), fmt(med(apply, "redisCpuPct")), ""])
    out = table(["run", "BatchApplier applies/s (1 thread, batch 500)", "redis-benchmark EVALSHA/s (50 conns, pipeline 16)",
                 "ratio", "redis CPU %", "failed batches"], lines)
    drain = [r for r in rows if r.get("scenario") == "drain"]
    dl = []
    for (label,), rs in groups(drain, ["label"]).items():
        dl.append([label, str(len(rs)), fmt(med(rs, "backlog")), fmt(med(rs, "appliesPerSec")),
                   fmt(med(rs, "sustainedSeconds"), 1), fmt(med(rs, "startToFirstCommitMs")),
                   str(all(r.get("complete") for r in rs)), fmt(med(rs, "dispatcherRssMB")), fmt(med(rs, "foreignCpuPct"))])
    return out + "\n\n" + table(["dispatcher process", "runs", "backlog", "applied/s (median)", "seconds",
                                 "start to first commit ms", "complete", "RSS MB", "foreign CPU"], dl)


def jmh_table(data):
    paths = sorted(os.path.join(data, f) for f in os.listdir(data) if f.startswith("jmh") and f.endswith(".json"))
    if not paths:
        return "(no JMH results)"
    lines = []
    for b in [b for p in paths for b in json.load(open(p))]:
        params = ", ".join(f"{k}={v}" for k, v in (b.get("params") or {}).items())
        m = b["primaryMetric"]
        lines.append([b["benchmark"].replace("io.herald.bench.micro.", ""), params, b["mode"], fmt(m["score"], 3),
                      fmt(m.get("scoreError"), 3), m["scoreUnit"]])
    return table(["benchmark", "params", "mode", "score", "error (99.9%)", "unit"], lines)


def machine():
    def read(p):
        try:
            return open(p).read()
        except OSError:
            return ""
    cpu = next((l.split(":", 1)[1].strip() for l in read("/proc/cpuinfo").splitlines() if l.startswith("model name")), "?")
    mem = next((l.split(":", 1)[1].strip() for l in read("/proc/meminfo").splitlines() if l.startswith("MemTotal")), "?")
    return f"{os.cpu_count()} CPUs ({cpu}), {mem} memory"


def main():
    data, plots, doc = sys.argv[1], sys.argv[2], sys.argv[3]
    rows = load(os.path.join(data, "results.jsonl"))
    # variants of the edge measured with VARIANT=... (bench/run.sh) and copied here: plotted beside, not tabled
    tuning = os.path.join(data, "tuning.jsonl")
    variants = load(tuning) if os.path.exists(tuning) else []
    os.makedirs(plots, exist_ok=True)
    plot_sweep(rows, os.path.join(plots, "latency-vs-load.png"))
    plot_idle(rows + [r for r in variants if r.get("scenario") == "idle"], os.path.join(plots, "memory-vs-connections.png"))
    plot_fanout(rows, os.path.join(plots, "fanout-p99.png"))
    quiet = sum(1 for r in rows if r.get("quietHost") is False)
    body = "\n\n".join([
        f"_Generated by `bench/plot.py` from `{os.path.relpath(data, os.path.dirname(doc))}/results.jsonl` "
        f"({len(rows)} result rows; {quiet} measured without a quiet host). Machine: {machine()}._",
        "### Fan-out, side by side\n\n" + fanout_tables(rows) + "\n\n![p99 per scenario](perf/fanout-p99.png)",
        "### Latency against load\n\n" + sweep_table(rows) + "\n\n![latency against load](perf/latency-vs-load.png)",
        "### Memory against connections\n\n" + idle_table(rows) + "\n\n![memory against connections](perf/memory-vs-connections.png)",
        "### Resume storm\n\n" + resume_table(rows),
        "### End to end through Kafka\n\n" + e2e_table(rows),
        "### Dispatcher\n\n" + dispatcher_tables(rows),
        "### Micro-benchmarks (JMH)\n\n" + jmh_table(data),
    ])
    text = open(doc).read() if os.path.exists(doc) else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text += f"\n\n## Results\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(doc, "w") as f:
        f.write(head + BEGIN + "\n" + body + "\n" + END + tail)


if __name__ == "__main__":
    main()
