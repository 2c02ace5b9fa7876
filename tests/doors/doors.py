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

  doors.py RULEBOOK PORT      (KAIFANG names the binary; prints "N passed, M failed")
"""
import concurrent.futures
import csv
import glob
import http.client
import io
import json
import os
import subprocess
import sys

K = os.environ.get("KAIFANG", "build/kaifang")
RB, PORT = sys.argv[1], int(sys.argv[2])
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
    refusals = [("unknown service", {"service": "no-such-service", "region": "330100"}),
                ("unknown place", {"service": "idc", "region": "Atlantis"}),
                ("place out of scope", {"service": "idc", "region": "810000"}),
                ("place out of scope by name", {"service": "internet-news", "region": "Hong Kong"})]
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
    return v


def batch_view(d):
    """A full decision as a batch row writes it (docs/batch.md)."""
    m = d["max_foreign_share"]
    cap = d.get("cap")
    return {"outcome": d["outcome"],
            "max_foreign_share": "" if m is None else ("<" if cap and cap["op"] == "<" else "") + m,
            "binding": sorted(d["binding"]), "certainty": d["certainty"]}


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


def run(args):
    p = subprocess.run([K] + args, capture_output=True, text=True)
    if p.returncode == 0:
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
    return run(["decide"] + cli_args(c["q"]) + ["--json"])


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
    st, body = request("POST", "/v1/decisions", json.dumps(api_question(c["q"])))
    if st == 200:
        return loads(body)
    return "refused" if 400 <= st < 500 else "status %d: %s" % (st, body[:300])


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
            rows.append("refused" if r["error"] else {
                "outcome": r["outcome"], "max_foreign_share": r["max_foreign_share"],
                "binding": sorted(b for b in r["binding"].split(";") if b),
                "certainty": r["certainty"]})
    else:
        for line in out.splitlines():
            r = loads(line)
            rows.append("refused" if r["error"] else {
                "outcome": r["outcome"], "max_foreign_share": r["max_foreign_share"] or "",
                "binding": sorted(r["binding"]), "certainty": r["certainty"]})
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


def main():
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
    st, body = request("POST", "/v1/decisions", json.dumps([api_question(c["q"]) for c in cases]))
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
        st, body = request("POST", "/v1/batch", batch_rows(cases, fmt), ctype)
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
    for door, n in sorted(skipped.items()):
        print("doors: %s: %d cases not askable there (a share, or a group of places)" % (door, n))
    print("doors: %d cases through %d doors besides decide --json" % (len(cases), len(doors)))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


sys.exit(main())
