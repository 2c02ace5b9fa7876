#!/usr/bin/env python3
"""The doors suite (issue 8 "Tests"): every golden case of a rulebook goes
through every door and must come back as the identical decision.

Ownership (issue 10 item 5): `decide --json --ownership SOURCE --applicant ID`
and `POST /v1/decisions` carrying the same source inline (and by "$ref" in an
array) must give the same bytes, the source's name apart ("request").

Doors: `decide --json`, `explain --json`, a `matrix --json` cell (when the case
gives no share and names one place), `POST /v1/decisions` one by one and as one
array, and — when this build has them — `batch` CSV and JSON Lines and
`POST /v1/batch`. The decision compared is outcome, max_foreign_share, cap,
certainty, binding, overridden (with who set each aside) and conditions, as far
as each door's schema carries them (a matrix cell has no binding; a batch row
no overridden or conditions). A question one door refuses, every door refuses:
the golden cases that expect an error, plus an unknown service, an unknown
place and a place out of the rulebook's scope.

The timeline and diff views (issue 12) go through two doors, `kaifang
timeline|diff --json` and `GET /v1/timeline|diff`, which must give the same
bytes; and each period of a timeline must be the answer `decide --json` gives
on its first day.

With a third argument SECTOR (issue 14), the server's routes are asked with
?sector=SECTOR (docs/api.md "Sectors") and the rulebook's own requirements,
in_words, quotas and lapsed members are compared as well; every door that
prints a decision object must give decide --json's bytes.

  doors.py RULEBOOK PORT [SECTOR]  (KAIFANG names the binary; prints "N passed, M failed")
"""
import concurrent.futures
import csv
import glob
import http.client
import io
import json
import os
import re
import subprocess
import sys
import urllib.parse

K = os.environ.get("KAIFANG", "build/kaifang")
RB, PORT = sys.argv[1], int(sys.argv[2])
SECTOR = sys.argv[3] if len(sys.argv) > 3 else None
QS = "?sector=" + SECTOR if SECTOR else ""
RAW = {}  # (door, case name) -> the decision object's bytes as printed
FIELDS = ["service", "region", "date", "investor", "foreign_share", "outside_zones"]
passed = failed = 0
skipped = {}


def bad(msg):
    global failed
    failed += 1
    print("FAIL: " + msg, file=sys.stderr)


def good():
    global passed
    passed += 1


def load_yaml(path):
    try:
        import yaml  # PyYAML, where installed
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)
    except ImportError:
        out = subprocess.run(["yq", ".", path], capture_output=True, text=True, check=True)
        return json.loads(out.stdout)


def text(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


def read_cases():
    cases = []
    for path in sorted(glob.glob(os.path.join(RB, "golden", "*.yaml"))):
        for c in load_yaml(path)["cases"]:
            q = {k: text(c["question"].get(k)) for k in FIELDS}
            cases.append({"name": "%s: %s" % (os.path.basename(path), c.get("name", "?")),
                          "q": q, "expect": c.get("expect", {})})
    # the place refusals ask a service of this rulebook (idc in cn-telecom)
    svc = "idc" if not cases else next((c["q"]["service"] for c in cases
                                       if "error" not in c["expect"]), "idc")
    refusals = [("unknown service", {"service": "no-such-service", "region": "330100"}),
                ("unknown place", {"service": svc, "region": "Atlantis"}),
                ("place out of scope", {"service": svc, "region": "810000"}),
                ("place out of scope by name", {"service": "internet-news" if not SECTOR else svc,
                                                "region": "Hong Kong"})]
    for name, q in refusals:
        q = dict({k: None for k in FIELDS}, date="2025-06-01", **q)
        cases.append({"name": "refusal: " + name, "q": q, "expect": {"error": "?"}})
    return cases


def loads(s):
    """JSON with numbers kept as their text (exact shares)."""
    return json.loads(s, parse_float=str, parse_int=str)


def view(d, parts):
    """The decision as the doors compare it, limited to what a door carries."""
    cap = d.get("cap")
    v = {"outcome": d["outcome"], "max_foreign_share": d["max_foreign_share"],
         "cap": None if cap is None else (cap["op"], cap["value"]), "certainty": d["certainty"]}
    if "binding" in parts:
        v["binding"] = sorted(d["binding"])
    if "overridden" in parts:
        v["overridden"] = sorted((o["id"], o["by"]) for o in d["overridden"])
        v["conditions"] = sorted((c["measure"], c["type"], c["text"]) for c in d["conditions"])
        # issue 14: members only an answer with requirements has ([S-10], [S-11])
        for k in ("in_words", "requirements", "quotas", "lapsed", "missing_facts"):
            v[k] = d.get(k)
    return v


def batch_view(d):
    """A full decision as a batch row writes it (docs/batch.md)."""
    m = d["max_foreign_share"]
    cap = d.get("cap")
    return {"outcome": d["outcome"],
            "max_foreign_share": "" if m is None else ("<" if cap and cap["op"] == "<" else "") + m,
            "binding": sorted(d["binding"]), "certainty": d["certainty"],
            "missing_facts": sorted(f.get("zone") or f["fact"] for f in d["missing_facts"]
                                    if f["fact"] != "investor_condition")}


def cli_args(q):
    a = ["-R", RB, "-s", q["service"] or "", "-r", q["region"] or ""]
    if q["date"]:
        a += ["-d", q["date"]]
    if q["investor"]:
        a += ["-i", q["investor"]]
    if q["foreign_share"]:
        a += ["-f", q["foreign_share"]]
    if q["outside_zones"] == "true":
        a += ["-o"]
    return a


def run(args, raw=None):
    p = subprocess.run([K] + args, capture_output=True, text=True)
    if p.returncode == 0:
        if raw:
            RAW[raw] = p.stdout.rstrip("\n")
        return loads(p.stdout)
    if p.returncode == 2:
        return "refused"
    return "exit %d: %s" % (p.returncode, p.stderr.strip()[:300])


def request(method, path, body, ctype="application/json"):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    c.request(method, path, body=body.encode("utf-8"), headers={"Content-Type": ctype})
    r = c.getresponse()
    data = r.read().decode("utf-8")
    c.close()
    return r.status, data


def api_question(q):
    o = {k: q[k] for k in FIELDS if q[k] is not None and k != "outside_zones"}
    if q["outside_zones"] is not None:
        o["outside_zones"] = q["outside_zones"] == "true"
    return o


def door_decide(c):
    return run(["decide"] + cli_args(c["q"]) + ["--json"], raw=("decide --json", c["name"]))


def door_explain(c):
    return run(["explain"] + cli_args(c["q"]) + ["--json"])


def door_matrix(c):
    q = c["q"]
    if q["foreign_share"]:
        return None  # a matrix has no share
    a = ["matrix", "-R", RB, "--regions", q["region"] or "", "--services", q["service"] or "",
         "--json"]
    if q["date"]:
        a += ["--date", q["date"]]
    if q["investor"]:
        a += ["--investor", q["investor"]]
    if q["outside_zones"] == "true":
        a += ["--outside-zones"]
    m = run(a)
    if not isinstance(m, dict):
        return m
    if len(m["rows"]) != 1 or len(m["rows"][0]["cells"]) != 1:
        return None  # a group names several places: not one question
    return m["rows"][0]["cells"][0]


def door_post(c):
    st, body = request("POST", "/v1/decisions" + QS, json.dumps(api_question(c["q"])))
    if st == 200:
        RAW[("POST /v1/decisions", c["name"])] = body
        return loads(body)
    return "refused" if 400 <= st < 500 else "status %d: %s" % (st, body[:300])


def memo_door(cases):
    """The memo (issue 12): `explain --format html|md --lang en|zh` and GET
    /v1/memo give the same bytes, for the cases every door answers (the
    server and the CLI share KAIFANG_NOW, test_doors.sh)."""
    import urllib.parse
    n = 0
    for c in [c for c in cases if "error" not in c["expect"]][:12]:
        q = c["q"]
        for fmt, lang in (("html", "en"), ("md", "zh"), ("text", "zh")):
            args = ["explain"] + cli_args(q) + ["--lang", lang]
            args += ["--format", fmt] if fmt != "text" else []
            p = subprocess.run([K] + args, capture_output=True)
            params = {k: v for k, v in q.items() if v is not None}
            params.update(format=fmt, lang=lang)
            if SECTOR:
                params.update(sector=SECTOR)
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            conn.request("GET", "/v1/memo?" + urllib.parse.urlencode(params))
            r = conn.getresponse()
            body = r.read()
            conn.close()
            want = p.stdout
            if fmt == "text":  # the memo's text is the asked-at line, explain's text, the replay
                if r.status == 200 and want in body:
                    good()
                else:
                    bad("%s: GET /v1/memo text %s does not hold explain --lang %s" % (c["name"], r.status, lang))
                continue
            if p.returncode == 0 and r.status == 200 and body == want:
                good()
            else:
                bad("%s: memo %s/%s: CLI exit %d, API %d, %s" % (
                    c["name"], fmt, lang, p.returncode, r.status,
                    "same bytes" if body == want else "different bytes"))
            n += 1
    print("doors: the memo of %d cases through explain --format and GET /v1/memo" % (n // 2))


def services_memo_door():
    """The memo of services answers ([S-10], [S-11]; `doors.py RB PORT memo`,
    the server serving RB): for the golden cases whose decision carries
    requirements, lapsed measures or an answer in words, `explain --format
    html|md --lang en|zh` and GET /v1/memo give the same bytes, and the
    memo holds each requirement's text and measure and each lapsed measure."""
    import html as htmllib
    cases = [c for c in read_cases() if "error" not in c["expect"]]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
        ref = list(ex.map(door_decide, cases))
    picked = [(c, r) for c, r in zip(cases, ref) if isinstance(r, dict) and
              (r.get("requirements") or r.get("lapsed") or r.get("in_words"))]
    if len(picked) < 3:
        bad("services memo: only %d golden cases carry requirements, lapsed or in words" % len(picked))
    lapsed = [x for x in picked if x[1].get("lapsed")][:3]  # some of each kind
    if not lapsed:
        bad("services memo: no golden case has a lapsed measure")
    picked = lapsed + [x for x in picked if x not in lapsed][::max(1, len(picked) // 10)][:10]
    for c, r in picked:
        q = c["q"]
        for fmt, lang in (("html", "en"), ("md", "en"), ("html", "zh"), ("md", "zh")):
            p = subprocess.run([K, "explain"] + cli_args(q) + ["--lang", lang, "--format", fmt],
                               capture_output=True)
            params = {k: v for k, v in q.items() if v is not None}
            params.update(format=fmt, lang=lang)
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            conn.request("GET", "/v1/memo?" + urllib.parse.urlencode(params))
            resp = conn.getresponse()
            body = resp.read()
            conn.close()
            if not (p.returncode == 0 and resp.status == 200 and body == p.stdout):
                bad("%s: services memo %s/%s: CLI exit %d, API %d, %s" % (
                    c["name"], fmt, lang, p.returncode, resp.status,
                    "same bytes" if body == p.stdout else "different bytes"))
                continue
            memo = body.decode("utf-8")
            if fmt == "html":
                memo = htmllib.unescape(memo)
            else:
                memo = re.sub(r"\\(.)", r"\1", memo)  # CommonMark backslash escapes
            # the requirement and lapsed lines of the text view in the same language
            # (view/text.c), each an item of the memo
            tv = subprocess.run([K, "explain"] + cli_args(q) + ["--lang", lang],
                                capture_output=True, text=True).stdout
            # (the text view lists requirements under Conditions, marked "required")
            heads = ("Conditions:", "Lapsed before this date:", "条件：", "在此日期前已失效：")
            lines, on, head = [], False, None
            for line in tv.split("\n"):
                if line in heads:
                    head = line
                on = line in heads or (on and line.startswith("  - "))
                if on and line.startswith("  - "):
                    if head in ("Conditions:", "条件：") and not (
                            line.startswith("  - required [") or line.startswith("  - 必须【")):
                        continue
                    lines.append(line[4:])
            missing = [x for x in lines if x not in memo]
            if len(lines) < len(r.get("requirements", [])) + len(r.get("lapsed", [])):
                missing.append("the text view's lines (%d)" % len(lines))
            if lang == "en":  # the engine's words, as the JSON has them
                missing += [x["measure"] + ": " + x["text"] for x in r.get("requirements", [])
                            if "] %s" % x["text"] not in memo or "(%s)" % x["measure"] not in memo]
            missing += [x["measure"] for x in r.get("lapsed", []) if x["measure"] not in memo]
            if lang == "en" and r.get("in_words") and "In words: " + r["in_words"] not in memo:
                missing.append("in words: " + r["in_words"])
            if missing:
                bad("%s: services memo %s/%s lacks %s" % (c["name"], fmt, lang, missing[:3]))
            else:
                good()
    print("doors: the memo of %d services answers with requirements, lapsed or in words" % len(picked))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def batch_full_door(cases):
    """Full columns and XLSX (issue 12): `batch --columns full` and POST
    /v1/batch?columns=full give the same CSV and JSON Lines bytes; the XLSX
    of POST /v1/batch?columns=full&format=xlsx and of `batch --output-format
    xlsx --columns full` both hold, cell for cell, that CSV
    (tests/cli/xlsx_cells.py)."""
    import tempfile
    xlsx_ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with tempfile.TemporaryDirectory() as d:
        for fmt, ctype in (("csv", "text/csv"), ("jsonl", "application/x-ndjson")):
            cli = subprocess.run([K, "batch", "-R", RB, "--format", fmt, "--columns", "full", "-"],
                                 input=batch_rows(cases, fmt).encode("utf-8"), capture_output=True)
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            conn.request("POST", "/v1/batch?columns=full" + (QS.replace("?", "&") if QS else ""), body=batch_rows(cases, fmt).encode("utf-8"),
                         headers={"Content-Type": ctype})
            r = conn.getresponse()
            body = r.read()
            conn.close()
            if r.status == 200 and cli.returncode in (0, 1) and body == cli.stdout and body:
                good()
            else:
                bad("batch %s --columns full: CLI exit %d, API %d, %s" % (
                    fmt, cli.returncode, r.status, "same bytes" if body == cli.stdout else "different bytes"))
            if fmt == "csv":
                want = os.path.join(d, "full.csv")
                with open(want, "wb") as f:
                    f.write(cli.stdout)
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        conn.request("POST", "/v1/batch?columns=full&format=xlsx" + (QS.replace("?", "&") if QS else ""),
                     body=batch_rows(cases, "csv").encode("utf-8"), headers={"Content-Type": "text/csv"})
        r = conn.getresponse()
        books = {"POST /v1/batch xlsx": r.read()}
        if r.status != 200 or r.getheader("Content-Type") != xlsx_ct:
            bad("POST /v1/batch?format=xlsx: status %d, %s" % (r.status, r.getheader("Content-Type")))
        conn.close()
        cli = subprocess.run([K, "batch", "-R", RB, "--columns", "full", "--output-format", "xlsx", "-"],
                             input=batch_rows(cases, "csv").encode("utf-8"), capture_output=True)
        books["batch --output-format xlsx"] = cli.stdout
        for door, data in books.items():
            path = os.path.join(d, "book.xlsx")
            with open(path, "wb") as f:
                f.write(data)
            p = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "..", "cli",
                                                             "xlsx_cells.py"), path, want],
                               capture_output=True, text=True)
            if p.returncode == 0 and p.stdout.startswith("equal %dx" % (len(cases) + 1)):
                good()
            else:
                bad("%s: the cells are not the CLI's full CSV: %s" % (door, (p.stdout + p.stderr)[:300]))
    print("doors: %d cases as full columns (CSV, JSON Lines) and XLSX through batch and POST /v1/batch"
          % len(cases))


def same(c, door, ref, got, parts):
    if got is None:
        skipped[door] = skipped.get(door, 0) + 1
        return
    if ref == "refused" or got == "refused":
        if ref == got:
            good()
        else:
            bad("%s: %s: decide says %s, %s says %s" % (
                c["name"], door, "refused" if ref == "refused" else ref["outcome"], door,
                got if isinstance(got, str) else got.get("outcome")))
        return
    if isinstance(got, str):
        bad("%s: %s: %s" % (c["name"], door, got))
        return
    a, b = (batch_view(ref), got) if parts == "batch" else (view(ref, parts), view(got, parts))
    if a == b:
        good()
    else:
        bad("%s: %s differs from decide --json:\n  decide: %s\n  %s: %s" % (
            c["name"], door, json.dumps(a), door, json.dumps(b)))


def batch_rows(cases, fmt):
    if fmt == "csv":
        f = io.StringIO()
        w = csv.writer(f, lineterminator="\n")
        w.writerow(FIELDS)
        for c in cases:
            w.writerow([c["q"][k] or "" for k in FIELDS])
        data = f.getvalue()
    else:
        data = "".join(json.dumps(api_question(c["q"])) + "\n" for c in cases)
    return data


def parse_batch(out, fmt):
    rows = []
    if fmt == "csv":
        for r in list(csv.DictReader(io.StringIO(out))):
            cap = r["cap"]  # "<50" or "<=49": its operator beside max_foreign_share
            rows.append("refused" if r["error"] else {
                "outcome": r["outcome"],
                "max_foreign_share": ("<" if cap.startswith("<") and not cap.startswith("<=")
                                      else "") + r["max_foreign_share"],
                "binding": sorted(b for b in r["binding"].split(";") if b),
                "certainty": r["certainty"],
                "missing_facts": sorted(f for f in r["missing_facts"].split(";") if f)})
    else:
        for line in out.splitlines():
            r = loads(line)
            cap = r["cap"]
            m = r["max_foreign_share"]
            rows.append("refused" if r["error"] else {
                "outcome": r["outcome"],
                "max_foreign_share": "" if m is None else
                ("<" if cap and cap["op"] == "<" else "") + m,
                "binding": sorted(r["binding"]), "certainty": r["certainty"],
                "missing_facts": sorted(r["missing_facts"])})
    return rows


# (source under tests/data/ownership, applicant, service, region, date, legal form)
OWNERSHIP_CASES = [
    ("bands-50", "X", "B21", "330100", "2025-06-01", False),
    ("decide-straddle", "X", "B21", "330100", "2025-06-01", False),
    ("decide-holdco", "X", "ip-vpn", "Hangzhou", "2025-06-01", False),
    ("decide-holdco", "X", "ip-vpn", "Hangzhou", "2025-06-01", True),
    ("cycle-2-2", "B", "B21", "330100", "2025-06-01", False),
    ("faithful/missing-owner", "X", "B21", "330100", "2025-06-01", False),
    ("faithful/fractions-two", "A", "B21", "330100", "2025-06-01", False),
    ("faithful/bods04-psc-bands.json", "x", "B21", "330100", "2025-06-01", False),
    ("faithful/bods04-psc-bands.json", "y", "B21", "330100", "2025-06-01", False),
    ("faithful/bods02-repeated.json", "x", "B21", "330100", "2025-06-01", False),
    ("faithful/bods04-missing-party.json", "x", "idc", "Shanghai", "2025-06-01", False),
    ("faithful/bods04-updated.json", "x", "B21", "330100", "2025-06-01", False),
    ("gleif-self.json", None, "B21", "330100", "2025-06-01", False),
]


def ownership_structure(path):
    """The source as POST /v1/decisions carries it, as JSON text (never re-encoded)."""
    if os.path.isdir(path):
        with open(os.path.join(path, "entities.csv"), encoding="utf-8") as f:
            ent = f.read()
        with open(os.path.join(path, "holdings.csv"), encoding="utf-8") as f:
            hold = f.read()
        return json.dumps({"format": "csv", "entities": ent, "holdings": hold})
    with open(path, encoding="utf-8") as f:
        return f.read()


def ownership_doors():
    """decide --ownership against POST /v1/decisions, byte for byte."""
    base = "tests/data/ownership"
    qs, refs = [], []
    for src, app, svc, reg, date, legal in OWNERSHIP_CASES:
        path = os.path.join(base, src)
        if app is None:  # the first entity of a GLEIF file
            first = json.loads(ownership_structure(path))[0]
            app = first["Relationship"]["StartNode"]["NodeID"]
        args = [K, "decide", "-R", RB, "-s", svc, "-r", reg, "-d", date, "-O", path, "-a", app,
                "--json"] + (["--legal-form"] if legal else [])
        p = subprocess.run(args, capture_output=True, text=True)
        name = "ownership %s %s %s%s" % (src, app, svc, " legal-form" if legal else "")
        if p.returncode != 0:
            bad("%s: decide exit %d: %s" % (name, p.returncode, p.stderr[:300]))
            continue
        want = p.stdout.rstrip("\n").replace(path, "request")
        q = {"service": svc, "region": reg, "date": date, "applicant": app}
        if legal:
            q["legal_form"] = True
        body = json.dumps(q)[:-1] + ', "ownership": ' + ownership_structure(path) + "}"
        st, got = request("POST", "/v1/decisions", body)
        if st != 200:
            bad("%s: POST /v1/decisions status %d: %s" % (name, st, got[:300]))
        elif got != want:
            bad("%s: POST /v1/decisions differs from decide --json --ownership:\n  decide: %s\n"
                "  POST:   %s" % (name, want[:600], got[:600]))
        else:
            good()
        # the same question in an array, its structure given once by another item
        qs.append(body)
        refs.append((name, want, json.dumps(dict(q, ownership={"$ref": "#/%d/ownership" % (2 * len(refs))}))))
    items = []
    for b, (name, want, r) in zip(qs, refs):
        items += [b, r]
    st, got = request("POST", "/v1/decisions", "[" + ",".join(items) + "]")
    if st != 200:
        bad("ownership array: status %d: %s" % (st, got[:300]))
        return
    answers = json.loads(got)
    for i, (name, want, _) in enumerate(refs):
        for k, how in ((2 * i, "inline"), (2 * i + 1, "$ref")):
            a = json.dumps(answers[k], separators=(",", ":"), ensure_ascii=False)
            w = json.dumps(json.loads(want), separators=(",", ":"), ensure_ascii=False)
            if a == w:
                good()
            else:
                bad("%s: POST /v1/decisions [array, %s] differs:\n  decide: %s\n  POST:   %s" % (
                    name, how, w[:600], a[:600]))


TIMELINES = [  # (CLI options, query parameters)
    (["--service", "idc", "--region", "110000"], {"service": "idc", "region": "110000"}),
    (["--service", "ip-vpn", "--regions", "pilot-20", "--from", "2024-01-01", "--to", "2026-01-01",
      "--foreign-share", "50"],
     {"service": "ip-vpn", "regions": "pilot-20", "from": "2024-01-01", "to": "2026-01-01",
      "foreign_share": "50"}),
    (["--service", "isp-end-user", "--region", "310000", "--outside-zones", "--investor", "hk-cepa"],
     {"service": "isp-end-user", "region": "310000", "outside_zones": "true", "investor": "hk-cepa"}),
    (["--service", "ipvnp", "--region", "110000"], {"service": "ipvnp", "region": "110000"}),
]
DIFFS = [
    (["--from", "2025-04-10", "--to", "2025-04-11"], {"from": "2025-04-10", "to": "2025-04-11"}),
    (["--from", "2024-06-01", "--to", "2025-06-01", "--regions", "110000,330100,440300",
      "--services", "idc,ip-vpn,app-store"],
     {"from": "2024-06-01", "to": "2025-06-01", "regions": "110000,330100,440300",
      "services": "idc,ip-vpn,app-store"}),
    (["--from", "2025-04-10", "--to", "2025-13-01"], {"from": "2025-04-10", "to": "2025-13-01"}),
    # the kind of change, filtered the same way by both doors (and refused alike)
    (["--from", "2024-01-01", "--to", "2025-06-01", "--changes", "answer"],
     {"from": "2024-01-01", "to": "2025-06-01", "changes": "answer"}),
    (["--from", "2024-01-01", "--to", "2025-06-01", "--changes", "basis"],
     {"from": "2024-01-01", "to": "2025-06-01", "changes": "basis"}),
]


def same_bytes(what, cli, query):
    """One view through the CLI and the API: the same bytes, or both refused."""
    p = subprocess.run([K, what, "-R", RB] + cli + ["--json"], capture_output=True, text=True)
    st, body = request("GET", "/v1/%s?%s" % (what, urllib.parse.urlencode(query)), "")
    name = "%s %s" % (what, " ".join(cli))
    if p.returncode == 2 and st == 400:
        good()
        return None
    if p.returncode != 0 or st != 200:
        bad("%s: CLI exit %d, API status %d" % (name, p.returncode, st))
        return None
    if p.stdout != body + "\n":
        bad("%s: the CLI and GET /v1/%s differ" % (name, what))
        return None
    good()
    return loads(body)


def check_views():
    for cli, query in TIMELINES:
        t = same_bytes("timeline", cli, query)
        if not t:
            continue
        # each period is decide's answer on its first day
        for tl in t["timelines"][:3]:
            for per in tl["periods"]:
                q = {"service": t["service"], "region": tl["region"], "date": per["from"],
                     "investor": t["investor"], "outside_zones": t["outside_zones"]}
                if t["foreign_share"] is not None:
                    q["foreign_share"] = t["foreign_share"]
                st, body = request("POST", "/v1/decisions", json.dumps(q))
                d = loads(body) if st == 200 else None
                if d and all(d[k] == per[k] for k in ("outcome", "max_foreign_share", "cap",
                                                         "certainty", "binding")):
                    good()
                else:
                    bad("timeline %s %s from %s: the period says %s, decide says %s" % (
                        t["service"], tl["region"], per["from"], per["outcome"],
                        d["outcome"] if d else "status %d" % st))
    for cli, query in DIFFS:
        same_bytes("diff", cli, query)


def main():
    if not SECTOR:  # the timeline, diff and ownership cases are telecom questions
        check_views()
        ownership_doors()
    cases = read_cases()
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
        ref = list(ex.map(door_decide, cases))
        doors = {"explain --json": list(ex.map(door_explain, cases)),
                 "matrix cell": list(ex.map(door_matrix, cases)),
                 "POST /v1/decisions": list(ex.map(door_post, cases))}
    parts = {"explain --json": ("binding", "overridden"), "matrix cell": (),
             "POST /v1/decisions": ("binding", "overridden")}
    # the golden runner's own expectations agree with decide (sanity)
    for c, r in zip(cases, ref):
        want = "refused" if "error" in c["expect"] else c["expect"].get("outcome")
        got = r if isinstance(r, str) else r["outcome"]
        if want is not None and want != got:
            bad("%s: the golden case expects %s, decide --json says %s" % (c["name"], want, got))
        else:
            good()
    # one array through POST /v1/decisions: each item a decision or an error object
    st, body = request("POST", "/v1/decisions" + QS,
                       json.dumps([api_question(c["q"]) for c in cases]))
    if st != 200:
        bad("POST /v1/decisions (array): status %d" % st)
    else:
        doors["POST /v1/decisions [array]"] = [
            "refused" if "error" in x else x for x in loads(body)]
        parts["POST /v1/decisions [array]"] = ("binding", "overridden")
    # batch, where this build has it
    have_batch = subprocess.run([K, "batch", "--help"], capture_output=True).returncode == 0
    for fmt in ("csv", "jsonl"):
        name = "batch " + fmt
        if not have_batch:
            print("doors: %s: no batch command in this build, skipped" % name)
            continue
        p = subprocess.run([K, "batch", "-R", RB, "--format", fmt, "-"],
                           input=batch_rows(cases, fmt), capture_output=True, text=True)
        if p.returncode != 0:
            bad("%s: exit %d: %s" % (name, p.returncode, p.stderr[:300]))
            continue
        doors[name] = parse_batch(p.stdout, fmt)
        parts[name] = "batch"
    for fmt, ctype in (("csv", "text/csv"), ("jsonl", "application/x-ndjson")):
        name = "POST /v1/batch " + fmt
        st, body = request("POST", "/v1/batch" + QS, batch_rows(cases, fmt), ctype)
        if st == 404 and "no such resource" in body:
            print("doors: %s: no such route on this branch, skipped" % name)
            continue
        if st != 200:
            bad("%s: status %d: %s" % (name, st, body[:300]))
            continue
        doors[name] = parse_batch(body, fmt)
        parts[name] = "batch"
    for door, got in doors.items():
        if len(got) != len(cases):
            bad("%s: %d answers for %d questions" % (door, len(got), len(cases)))
            continue
        for c, r, g in zip(cases, ref, got):
            same(c, door, r, g, parts[door])
    memo_door(cases)
    # the same bytes: POST /v1/decisions answers with what decide --json prints
    for c in cases:
        a, b = RAW.get(("decide --json", c["name"])), RAW.get(("POST /v1/decisions", c["name"]))
        if a is None or b is None:
            continue
        if a == b:
            good()
        else:
            bad("%s: POST /v1/decisions%s is not the bytes of decide --json" % (c["name"], QS))
    batch_full_door(cases)
    for door, n in sorted(skipped.items()):
        print("doors: %s: %d cases not askable there (a share, or a group of places)" % (door, n))
    print("doors: %d cases through %d doors besides decide --json" % (len(cases), len(doors)))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


sys.exit(services_memo_door() if sys.argv[3:] == ["memo"] else main())
