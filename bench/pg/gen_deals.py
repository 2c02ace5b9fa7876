#!/usr/bin/env python3
"""bench/pg/gen_deals.py N OUT.csv — N deals, deterministically, in the shape of
docs/examples/deals.csv with every question field and an enterprise id:

  enterprise,service,region,date,investor,foreign_share,outside_zones

Row i cycles through services, places (codes, English and Chinese names), dates
from 2018 to 2025 and investor classes of rulebooks/cn-telecom, with a share on
six rows in seven (0 to 100 in steps of 0.1) and every fifth row outside the
zones, so the outcomes are mixed (permitted, exceeds_cap, prohibited, closed,
indeterminate). Every row is a question the rulebook answers (none is refused),
so a SQL query over them never stops on an error. The same pools as
ext/postgres/sql/parallel.sql.
"""
import sys

SERVICES = ["ip-vpn", "idc", "cdn", "app-store", "isp-end-user", "online-data-processing",
            "search-query", "internet-news", "e-commerce"]
REGIONS = ["330100", "310115", "110000", "440300", "610100", "460000", "140000",
           "Hangzhou", "浦东"]
DATES = ["2018-07-28", "2020-01-01", "2021-10-18", "2024-06-01", "2024-11-01", "2025-06-01"]
INVESTORS = ["foreign", "hk-cepa", "mainland", "tw"]


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("enterprise,service,region,date,investor,foreign_share,outside_zones\n")
        for i in range(1, n + 1):
            share = "" if i % 7 == 0 else "%d.%d" % divmod((i * 37) % 1001, 10)
            f.write("E%08d,%s,%s,%s,%s,%s,%s\n" % (
                i, SERVICES[i % 9], REGIONS[(i // 9) % 9], DATES[(i // 81) % 6],
                INVESTORS[(i // 486) % 4], share, "true" if i % 5 == 0 else "false"))


main()
