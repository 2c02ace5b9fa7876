#!/usr/bin/env python3
"""tests/ext/golden_sql.py — every golden case of a rulebook through SQL equals
the CLI (issue 13): `kaifang decide --json` and the extension on one server.

The questions come from `kaifang check --questions RULEBOOK` (the golden cases
as the library's reader reads them, one JSON line each; no YAML is read here).
For each case the CLI answers, then one SQL query asks the same question through
kf_decide_text (compared byte for byte with the CLI's line), kf_decide (jsonb,
compared as jsonb), kf_decide_pinned, kf_outcome (= the JSON's outcome) and,
without a share, kf_max_foreign_share (= max_foreign_share). A question the CLI
refuses, every function refuses, with an SQLSTATE of class 22 and the message
the CLI prints (its "--option:" prefix read as the field name), which contains
the case's expected error text.

  golden_sql.py RULEBOOK CONNINFO     (KAIFANG names the binary, PSQL psql)
Prints "N passed, M failed"; exit 1 on any failure.
"""
import concurrent.futures
import csv
import io
import json
import os
import subprocess
import sys

K = os.environ.get("KAIFANG", "build/kaifang")
PSQL = os.environ.get("PSQL", "psql")
RB, CONN = sys.argv[1], sys.argv[2]
FIELDS = ["service", "region", "date", "investor", "foreign_share", "outside_zones"]
OPTION = {"service": "--service", "region": "--region", "date": "--date",
          "investor": "--investor", "foreign_share": "--foreign-share"}
passed = failed = 0


def bad(msg):
    global failed
    failed += 1
    print("FAIL: " + msg, file=sys.stderr)


def cli(case):
    """The CLI's answer: (json line, None) or (None, message as SQL gives it)."""
    q = case["question"]
    args = [K, "decide", "--json", "--rulebook", RB]
    for f, opt in OPTION.items():
        if q[f] is not None:
            args += [opt, q[f]]
    if q["outside_zones"] == "true":
        args.append("--outside-zones")
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode == 0:
        return p.stdout.rstrip("\n"), None
    msg = p.stderr.strip().splitlines()[0]
    assert msg.startswith("kaifang: --"), msg
    opt, rest = msg[len("kaifang: --"):].split(": ", 1)
    return None, opt.replace("-", "_") + ": " + rest


SQL = r"""
CREATE TEMP TABLE cases(n int, s text, r text, d date, i text, f numeric, o boolean, cli text);
COPY cases FROM STDIN (FORMAT csv);
%s\.
CREATE FUNCTION pg_temp.ask(kind text, c cases) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  i text := coalesce(c.i, 'foreign');
  o boolean := coalesce(c.o, false);
BEGIN
  CASE kind
  WHEN 'text' THEN RETURN kf_decide_text(c.s, c.r, c.d, i, c.f, o);
  WHEN 'jsonb' THEN RETURN kf_decide(c.s, c.r, c.d, i, c.f, o)::text;
  WHEN 'pinned' THEN
    RETURN kf_decide_pinned((SELECT sha256 FROM kf_rulebook()), c.s, c.r, c.d, i, c.f, o)::text;
  WHEN 'outcome' THEN RETURN kf_outcome(c.s, c.r, c.d, i, c.f, o);
  WHEN 'max' THEN RETURN coalesce(kf_max_foreign_share(c.s, c.r, c.d, i, o)::text, 'null');
  END CASE;
EXCEPTION WHEN OTHERS THEN
  RETURN 'ERROR ' || SQLSTATE || ' ' || SQLERRM;
END $$;
COPY (
  SELECT n, a.t, a.j, a.p, a.o, a.m,
         CASE WHEN cli IS NOT NULL AND a.j NOT LIKE 'ERROR %%' THEN a.j::jsonb = cli::jsonb END,
         CASE WHEN cli IS NOT NULL AND a.p NOT LIKE 'ERROR %%' THEN a.p::jsonb = cli::jsonb END,
         CASE WHEN cli IS NOT NULL THEN cli::jsonb->>'outcome' END,
         CASE WHEN cli IS NOT NULL THEN coalesce(cli::jsonb->>'max_foreign_share', 'null') END
  FROM cases c,
       LATERAL (SELECT pg_temp.ask('text', c) AS t, pg_temp.ask('jsonb', c) AS j,
                       pg_temp.ask('pinned', c) AS p, pg_temp.ask('outcome', c) AS o,
                       pg_temp.ask('max', c) AS m) a
  ORDER BY n) TO STDOUT (FORMAT csv);
"""


def main():
    global passed
    out = subprocess.run([K, "check", "--questions", RB], capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        sys.exit("golden_sql: kaifang check --questions failed")
    cases = [json.loads(line) for line in out.stdout.splitlines()]
    if not cases:
        sys.exit("golden_sql: no golden cases in " + RB)
    for c in cases:
        q = c["question"]
        if q["date"] is None:
            sys.exit("golden_sql: %s:%d has no date; SQL asks with a date" % (c["file"], c["line"]))
        if q["outside_zones"] not in (None, "true", "false"):
            sys.exit("golden_sql: %s:%d: outside_zones '%s' has no CLI flag"
                     % (c["file"], c["line"], q["outside_zones"]))
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        answers = list(ex.map(cli, cases))
    data = io.StringIO()
    w = csv.writer(data, lineterminator="\n")
    for n, (c, (js, _)) in enumerate(zip(cases, answers)):
        w.writerow([n] + [c["question"][f] if c["question"][f] is not None else ""
                          for f in FIELDS] + [js if js is not None else ""])
    p = subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", CONN],
                       input="CREATE EXTENSION IF NOT EXISTS kaifang;\n" + SQL % data.getvalue(),
                       capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stderr, file=sys.stderr)
        sys.exit("golden_sql: psql failed")
    rows = list(csv.reader(io.StringIO(p.stdout)))
    if len(rows) != len(cases):
        sys.exit("golden_sql: %d answers from SQL for %d cases" % (len(rows), len(cases)))
    for c, (js, err), row in zip(cases, answers, rows):
        where = "%s:%d %s" % (os.path.basename(c["file"]), c["line"], c["name"])
        _, t, j, pj, o, m, j_same, p_same, cli_outcome, cli_max = row
        if js is not None:
            checks = [(t == js, "kf_decide_text differs from the CLI's JSON:\n  sql %s\n  cli %s"
                       % (t[:300], js[:300])),
                      (j_same == "t", "kf_decide (jsonb) differs from the CLI: " + j[:200]),
                      (p_same == "t", "kf_decide_pinned differs from the CLI: " + pj[:200]),
                      (o == cli_outcome, "kf_outcome %s, the CLI's outcome %s" % (o, cli_outcome))]
            if c["question"]["foreign_share"] is None:
                checks.append((m == cli_max, "kf_max_foreign_share %s, the CLI's %s"
                               % (m, cli_max)))
            if c["error"] is not None:
                checks.append((False, "the case expects a refusal, the CLI answered"))
        else:
            checks = []
            for name, v in (("kf_decide_text", t), ("kf_decide", j), ("kf_decide_pinned", pj),
                            ("kf_outcome", o)):
                checks.append((v.startswith("ERROR 22") and v[12:] == err,
                               "%s: %s; the CLI refused: %s" % (name, v, err)))
            if c["error"] is not None:
                checks.append((c["error"] in t, "expected error text '%s' not in '%s'"
                               % (c["error"], t)))
        fails = [msg for ok, msg in checks if not ok]
        if fails:
            bad(where + ": " + "; ".join(fails))
        else:
            passed += 1
    print("golden through SQL: %d cases, %d refused alike" %
          (len(cases), sum(1 for js, _ in answers if js is None)))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


main()
