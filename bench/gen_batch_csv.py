#!/usr/bin/env python3
"""bench/gen_batch_csv.py RULEBOOK ROWS OUT [--seed N] — a batch CSV of ROWS
questions on RULEBOOK's own services, places and investors (read through
`kaifang list ... --json`, KAIFANG names the binary), mostly distinct: each row
draws a service, a place (in the rulebook's scope), a date in 2015-2026, an
investor class, and a share (0-100 with up to two decimals, or none) from a
seeded generator, so the file is the same on every machine. Columns: id,
service, region, date, investor, foreign_share, outside_zones."""
import argparse
import datetime
import json
import os
import random
import subprocess

ap = argparse.ArgumentParser()
ap.add_argument("rulebook")
ap.add_argument("rows", type=int)
ap.add_argument("out")
ap.add_argument("--seed", type=int, default=12)
a = ap.parse_args()
K = os.environ.get("KAIFANG", "build/kaifang")


def ids(what):
    out = subprocess.run([K, "list", what, "--json", "--rulebook", a.rulebook],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


services = [s["id"] for s in ids("services")]
regions = [r["id"] for r in ids("regions") if not r.get("out_of_scope")]
investors = [i["id"] for i in ids("investors")]
rnd = random.Random(a.seed)
day0 = datetime.date(2015, 1, 1).toordinal()
span = datetime.date(2026, 12, 31).toordinal() - day0
with open(a.out, "w") as f:
    f.write("id,service,region,date,investor,foreign_share,outside_zones\n")
    for i in range(a.rows):
        d = datetime.date.fromordinal(day0 + rnd.randrange(span))
        share = "" if rnd.random() < 0.2 else "%g" % (rnd.randrange(10001) / 100)
        f.write("%d,%s,%s,%s,%s,%s,%s\n" % (
            i, rnd.choice(services), rnd.choice(regions), d.isoformat(), rnd.choice(investors),
            share, "true" if rnd.random() < 0.1 else ""))
