#!/usr/bin/env python3
"""bench/gen_zones.py — cn-services with N extra zones, to measure load time by region count.

Copies rulebooks/cn-services and rulebooks/common into OUT/zones-N/ (so the include
../common/regions.yaml still resolves) and adds a file extra-zones.yaml of N zones to cn-services' files:
  - id: "zz000001"
    kind: zone
    parents: ["110000"]
The answers of the shipped questions do not change (no measure names the new zones).

Usage: python3 bench/gen_zones.py [--out bench/out] [--sizes 10000,40000,100000]
Then:  build/release/bench_decide bench/out/zones-10000/cn-services --loads 3
   or: kaifang check --no-golden --quiet bench/out/zones-10000/cn-services
"""
import argparse
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--sizes", default="10000,40000,100000")
    a = ap.parse_args()
    for n in (int(s) for s in a.sizes.split(",") if s):
        top = os.path.join(a.out, f"zones-{n}")
        shutil.rmtree(top, ignore_errors=True)
        for name in ("cn-services", "common"):
            shutil.copytree(os.path.join(ROOT, "rulebooks", name), os.path.join(top, name))
        rb = os.path.join(top, "cn-services", "rulebook.yaml")
        with open(rb, encoding="utf-8") as f:
            text = f.read()
        with open(rb, "w", encoding="utf-8") as f:
            f.write(text.replace("    - zones.yaml\n", "    - zones.yaml\n    - extra-zones.yaml\n", 1))
        with open(os.path.join(top, "cn-services", "extra-zones.yaml"), "w", encoding="utf-8") as f:
            f.write("regions:\n")
            for i in range(1, n + 1):
                f.write(f"  - id: \"zz{i:06d}\"\n    kind: zone\n    name: {{en: \"Zone {i}\"}}\n"
                        f"    parents: [\"110000\"]\n")
        print(os.path.join(top, "cn-services"))


if __name__ == "__main__":
    main()
