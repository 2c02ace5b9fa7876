#!/usr/bin/env python3
"""bench/report.py RESULTS.jsonl BATCH_1M.json PERFORMANCE.md — write the bench-peers table.

Replaces the text between <!-- bench-peers:begin --> and <!-- bench-peers:end --> in
PERFORMANCE.md (the rest of the page is written by hand) with the table of engine, size,
ns per decision, decisions per second and Kaifang's speed-up, then the batch run."""
import datetime
import json
import os
import platform
import subprocess
import sys


def fmt_ns(ns):
    return f"{ns:,.0f}" if ns >= 100 else f"{ns:.1f}"


def main():
    res = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    batch = json.load(open(sys.argv[2]))
    page = sys.argv[3]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), platform.processor())
    today = datetime.date.today().isoformat()
    load15 = os.getloadavg()[2]  # about the length of the run: how shared the machine was
    lines = [f"Measured {today} on {cpu}, {os.cpu_count()} cores (a VM shared with other jobs, "
             f"so figures are noisy; 15-minute load average {load15:.1f} at the end), "
             f"node {node}. Command: `make bench-peers`.", "",
             "| engine | size (measures) | questions compared | load + compile | ns/decision (Kaifang: first pass / warm) | decisions/s | Kaifang is faster by |",
             "|---|---|---|---|---|---|---|"]
    for r in res:
        k, p = r["kaifang"], r["peers"]
        size = f"{r['size']} ({k['measures']:,})"
        lines.append(f"| Kaifang (C, in-process) | {size} | {k['valid']:,} valid of {k['questions']:,} "
                     f"| {k['load_ms']:.1f} ms | {fmt_ns(k['first_ns']) + ' / ' if k.get('first_ns') else ''}{fmt_ns(k['decide_ns'])} | {k['decisions_per_s']:,.0f} | — |")
        for eng, label in (("zen", "GoRules ZEN 0.54.0 (Rust, node binding)"),
                           ("jre", "json-rules-engine 7.3.1 (node)")):
            e = p[eng]
            lines.append(f"| {label} | {size} | {p['compared']:,} | | {fmt_ns(e['ns'])} "
                         f"| {e['per_s']:,.1f} | {e['ns'] / k['decide_ns']:,.0f}× |")
    lines += ["",
              f"1,000,000-row CSV through `kaifang batch` (generated medium rulebook, "
              f"{batch['input_mb']:.0f} MB in; `bench/batch_1m.sh` under `/usr/bin/time -v`): "
              f"**{batch['seconds']:.2f} s** end to end ({batch['rows_per_s']:,.0f} rows/s), "
              f"peak RSS **{batch['max_rss_kb'] / 1024:.0f} MiB**."]
    text = open(page).read()
    b, e = "<!-- bench-peers:begin -->", "<!-- bench-peers:end -->"
    i, j = text.index(b) + len(b), text.index(e)
    open(page, "w").write(text[:i] + "\n" + "\n".join(lines) + "\n" + text[j:])


if __name__ == "__main__":
    main()
