#!/usr/bin/env python3
"""Golden timeline steps (issue 12 "Tests"): every step of a table such as
tests/data/timeline/cn-telecom-steps.yaml must appear in `kaifang timeline
--json` on its day, naming its measure among the measures that entered, with
the answer from that day on and the answer of the period before.

  steps.py KAIFANG RULEBOOK TABLE     (prints "N passed, M failed")
"""
import json
import subprocess
import sys

K, RB, TABLE = sys.argv[1:4]


def load_yaml(path):
    try:
        import yaml
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)
    except ImportError:
        out = subprocess.run(["yq", ".", path], capture_output=True, text=True, check=True)
        return json.loads(out.stdout)


def text(v):
    return None if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v))


passed = failed = 0
for s in load_yaml(TABLE)["steps"]:
    name = "%s: %s in %s on %s" % (s["measure"], s["service"], s["region"], text(s["date"]))
    args = [K, "timeline", "-R", RB, "--service", s["service"], "--region", s["region"], "--json"]
    if s.get("investor"):
        args += ["--investor", s["investor"]]
    if s.get("outside_zones"):
        args.append("--outside-zones")
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        failed += 1
        print("FAIL: %s: exit %d: %s" % (name, p.returncode, p.stderr.strip()), file=sys.stderr)
        continue
    t = json.loads(p.stdout, parse_float=str, parse_int=str)
    periods = t["timelines"][0]["periods"]
    at = [i for i, x in enumerate(periods) if x["from"] == text(s["date"])]
    problems = []
    if not at or at[0] == 0:
        problems.append("no step on that day (steps: %s)" % ", ".join(x["from"] for x in periods[1:]))
    else:
        x, before = periods[at[0]], periods[at[0] - 1]
        if x["outcome"] != s["outcome"]:
            problems.append("outcome %s, expected %s" % (x["outcome"], s["outcome"]))
        if x["max_foreign_share"] != text(s["max_foreign_share"]):
            problems.append("max_foreign_share %s, expected %s" % (x["max_foreign_share"], s["max_foreign_share"]))
        if s["measure"] not in x["entered"] or s["measure"] not in t["measure_refs"]:
            problems.append("%s not among the measures entered %s (or not in measure_refs)" % (s["measure"], x["entered"]))
        if before["outcome"] != s["before"]:
            problems.append("before: %s, expected %s" % (before["outcome"], s["before"]))
        if before["until"] != x["from"]:
            problems.append("the period before ends %s" % before["until"])
    if problems:
        failed += 1
        print("FAIL: %s: %s" % (name, "; ".join(problems)), file=sys.stderr)
    else:
        passed += 1
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
