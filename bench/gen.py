#!/usr/bin/env python3
"""bench/gen.py — generate benchmark rulebooks, questions and peer rules from one seeded spec.

For each size (small ~50, medium ~2,000, large ~20,000 measures) writes, under OUT/SIZE/:
  rulebook/          the rules in Kaifang's YAML format (docs/rulebook.md)
  questions.tsv      the question mix: kind, service, region, date, investor, share, outside
  facts.jsonl        the same questions as facts for the peers (ancestor lists precomputed)
  zen.json           the same rules as a GoRules ZEN JDM graph (decision table + expressions)
  jre.json           the same rules as json-rules-engine rules

Real-shaped: a catalogue tree with subtrees and excluded children; a region DAG (country,
provinces, cities, districts, zones straddling districts, a pilot group); national caps
(<= and <), closures and prohibitions; zone openings, pilot caps and investor (CEPA)
exceptions that override them; dated replacements (a repealed measure and its successor);
province caps that bind together with national ones. Python 3 standard library only.

Usage: python3 bench/gen.py [--out bench/out] [--seed 20251129] [--sizes small,medium,large]
"""
import argparse
import datetime as dt
import json
import os
import random

SIZES = {  # measures target, services, provinces, cities/province, districts/city, zones, questions
    "small": dict(families=24, svc=24, prov=4, city=2, dist=2, zones=3, q=2000),
    "medium": dict(families=850, svc=400, prov=31, city=5, dist=3, zones=40, q=2000),
    "large": dict(families=8500, svc=3000, prov=31, city=12, dist=4, zones=200, q=1000),
}
INVESTORS = [  # id, parent, foreign
    ("mainland", None, False), ("foreign", None, True), ("hk", "foreign", True),
    ("mo", "foreign", True), ("tw", "foreign", True), ("hk-cepa", "hk", True),
    ("mo-cepa", "mo", True)]
EPOCH = dt.date(1970, 1, 1)
UNIT = 10 ** 9  # kf_share units per percent


def day(s):
    return (dt.date.fromisoformat(s) - EPOCH).days


def rand_date(r, lo=2002, hi=2028):
    d = dt.date(lo, 1, 1) + dt.timedelta(days=r.randrange((dt.date(hi, 12, 31) - dt.date(lo, 1, 1)).days))
    return d.isoformat()


def share_units(text):
    whole, _, frac = text.partition(".")
    return int(whole) * UNIT + int((frac + "0" * 9)[:9] or 0)


def q(s):
    return json.dumps(s, ensure_ascii=False)


class Spec:
    def __init__(self, name, p, seed):
        self.r = random.Random(f"{seed}-{name}")
        self.p = p
        self.services = []  # (id, parent)
        self.regions = []  # (id, kind, parents, name)
        self.measures = []
        self.build_catalogue()
        self.build_regions()
        self.build_measures()

    def build_catalogue(self):
        r, n = self.r, self.p["svc"]
        self.services = [("A", None), ("B", None), ("A1", "A"), ("B1", "B"), ("B2", "B")]
        inner = ["A1", "B1", "B2"]
        i = 0
        while len(self.services) < n:
            parent = r.choice(inner)
            i += 1
            sid = f"{parent}-s{i}"
            self.services.append((sid, parent))
            if r.random() < 0.35:
                inner.append(sid)
        self.children = {}
        for s, par in self.services:
            self.children.setdefault(par, []).append(s)
        self.parent = dict(self.services)

    def build_regions(self):
        r, p = self.r, self.p
        self.regions = [("CN", "country", [], "China"), ("pilot", "group", ["CN"], "Pilot areas")]
        self.provinces, self.cities, self.districts, self.zones = [], [], [], []
        for a in range(p["prov"]):
            pid = f"{11 + a:02d}0000"
            self.regions.append((pid, "province", ["CN"], f"Province {a}"))
            self.provinces.append(pid)
            for b in range(p["city"]):
                cid = f"{11 + a:02d}{b + 1:02d}00"
                parents = [pid] + (["pilot"] if r.random() < 0.15 else [])
                self.regions.append((cid, "city", parents, f"City {a}-{b}"))
                self.cities.append(cid)
                for c in range(p["dist"]):
                    did = f"{11 + a:02d}{b + 1:02d}{c + 1:02d}"
                    self.regions.append((did, "district", [cid], f"District {a}-{b}-{c}"))
                    self.districts.append(did)
        for z in range(p["zones"]):
            city = r.choice(self.cities)
            ds = [d for d in self.districts if d[:4] == city[:4]]
            parents = r.sample(ds, min(len(ds), r.choice([1, 1, 2, 3])))
            zid = f"zone-{z}"
            self.regions.append((zid, "zone", parents, f"Zone {z}"))
            self.zones.append(zid)
        self.rparents = {rid: ps for rid, _, ps, _ in self.regions}

    def anc_regions(self, rid):
        out, stack = [], [rid]
        while stack:
            x = stack.pop()
            if x in out:
                continue
            out.append(x)
            stack.extend(self.rparents[x])
        return out

    def anc_services(self, sid):
        out = []
        while sid is not None:
            out.append(sid)
            sid = self.parent[sid]
        return out

    def add(self, **m):
        m.setdefault("investors", ["foreign"])
        m.setdefault("exclude", [])
        m.setdefault("overrides", [])
        m.setdefault("until", None)
        m.setdefault("status", "in-force")
        m.setdefault("uncertain", False)
        m["id"] = f"m{len(self.measures)}"
        self.measures.append(m)
        return m["id"]

    def build_measures(self):
        r = self.r
        caps = [("<=", "50"), ("<=", "49"), ("<", "50"), ("<=", "25.5"), ("<", "35")]
        svc_ids = [s for s, _ in self.services]
        for _ in range(self.p["families"]):
            s = r.choice(svc_ids)
            kids = self.children.get(s, [])
            start = rand_date(r, 2002, 2015)
            eff = r.choices(["cap", "closed", "prohibited"], [5, 3, 2])[0]
            base = dict(services=[s], regions=["CN"], effect=eff, start=start)
            if eff == "cap":
                base["cap"] = r.choice(caps)
            if kids and r.random() < 0.3:
                base["exclude"] = [r.choice(kids)]
            if r.random() < 0.3:  # dated replacement: repealed on D, successor from D
                d = rand_date(r, 2016, 2026)
                base["until"] = d
                base["status"] = "repealed"
                b = self.add(**base)
                succ = dict(services=[s], regions=["CN"], effect="cap", start=d,
                            cap=r.choice(caps))
                self.add(**succ)
            else:
                b = self.add(**base)
            if self.zones and r.random() < 0.4:  # zone opening
                self.add(services=[r.choice(kids) if kids and r.random() < 0.5 else s],
                         regions=[r.choice(self.zones)], effect="open",
                         start=rand_date(r, 2018, 2026), overrides=[b])
            if r.random() < 0.2:  # pilot cap, announced
                self.add(services=[s], regions=["pilot"], effect="cap", cap=("<", "50"),
                         start=rand_date(r, 2024, 2026), overrides=[b], status="announced",
                         uncertain=True)
            if r.random() < 0.25:  # investor exception (CEPA)
                self.add(services=[s], regions=["CN"], effect="cap", cap=("<=", "49.5"),
                         investors=[r.choice(["hk-cepa", "mo-cepa"])],
                         start=rand_date(r, 2004, 2012), overrides=[b])
            if r.random() < 0.2:  # province cap: binds with the national one
                self.add(services=[s], regions=[r.choice(self.provinces)], effect="cap",
                         cap=r.choice(caps), start=rand_date(r, 2010, 2024))

    # ---- writers -------------------------------------------------------------

    def write_rulebook(self, d):
        os.makedirs(os.path.join(d, "measures"), exist_ok=True)
        with open(os.path.join(d, "rulebook.yaml"), "w") as f:
            f.write("rulebook:\n  id: bench\n  title: {en: \"Generated benchmark rulebook\", "
                    "zh: \"基准规则\"}\n  edition: \"bench\"\n  files: [catalogue.yaml, "
                    "regions.yaml, investors.yaml, documents.yaml, measures/all.yaml]\n")
        with open(os.path.join(d, "catalogue.yaml"), "w") as f:
            f.write("services:\n")
            for s, par in self.services:
                pp = f", parent: {q(par)}" if par else ""
                f.write(f"  - {{id: {q(s)}{pp}, name: {{en: {q('Service ' + s)}}}}}\n")
        with open(os.path.join(d, "regions.yaml"), "w") as f:
            f.write("regions:\n")
            for rid, kind, ps, name in self.regions:
                pp = f", parents: [{', '.join(q(x) for x in ps)}]" if ps else ""
                f.write(f"  - {{id: {q(rid)}, kind: {kind}{pp}, name: {{en: {q(name)}}}}}\n")
        with open(os.path.join(d, "investors.yaml"), "w") as f:
            f.write("investors:\n")
            for iid, par, fo in INVESTORS:
                pp = f", parent: {par}" if par else ""
                f.write(f"  - {{id: {iid}{pp}, name: {{en: {iid}}}, foreign: {str(fo).lower()}}}\n")
        with open(os.path.join(d, "documents.yaml"), "w") as f:
            f.write("documents:\n  - {id: doc, title: {en: Generated}, issuer: Bench, url: \"https://example.org/bench\", url_official: false}\n")
        with open(os.path.join(d, "measures", "all.yaml"), "w") as f:
            f.write("measures:\n")
            for m in self.measures:
                f.write(f"  - id: {m['id']}\n    document: doc\n    article: Art 1\n"
                        f"    summary: generated\n    effective_from: {m['start']}\n")
                if m["until"]:
                    f.write(f"    effective_until: {m['until']}\n")
                f.write(f"    status: {m['status']}\n")
                if m["uncertain"]:
                    f.write("    certainty: uncertain\n    uncertain_reason: generated\n")
                else:
                    f.write("    certainty: confirmed\n")
                f.write(f"    services: [{', '.join(q(s) for s in m['services'])}]\n")
                if m["exclude"]:
                    f.write(f"    exclude_services: [{', '.join(q(s) for s in m['exclude'])}]\n")
                f.write(f"    regions: [{', '.join(q(x) for x in m['regions'])}]\n")
                f.write(f"    investors: [{', '.join(m['investors'])}]\n    effect: {m['effect']}\n")
                if m["effect"] == "cap":
                    f.write(f"    cap: {{op: \"{m['cap'][0]}\", value: \"{m['cap'][1]}\"}}\n")
                if m["overrides"]:
                    f.write(f"    overrides: [{', '.join(m['overrides'])}]\n")

    def questions(self):
        """The mix: general rule, zone exception, investor exception, date boundaries,
        share exactly at the cap, unknown codes."""
        r, out = self.r, []
        svc_ids = [s for s, _ in self.services]
        places = self.provinces + self.cities + self.districts
        shares = ["10", "49", "49.5", "50", "50.000000001", "100", ""]
        for i in range(self.p["q"]):
            kind = r.choices(["general", "zone", "investor", "date-boundary", "at-cap",
                              "unknown"], [35, 15, 15, 15, 15, 5])[0]
            m = r.choice(self.measures)
            svc, reg = r.choice(m["services"]), r.choice(places)
            date, inv, share, outside = rand_date(r, 2000, 2030), "", r.choice(shares), ""
            if kind == "zone":
                z = r.choice(self.zones)
                reg = r.choice([z, z] + self.rparents[z] + [self.rparents[self.rparents[z][0]][0]])
                outside = r.choice(["", "", "true"])
            elif kind == "investor":
                inv = r.choice(["hk-cepa", "mo-cepa", "hk", "tw", "mainland"])
            elif kind == "date-boundary":
                base = m["until"] if m["until"] and r.random() < 0.5 else m["start"]
                d0 = dt.date.fromisoformat(base)
                date = (d0 - dt.timedelta(days=r.choice([0, 1]))).isoformat()
            elif kind == "at-cap":
                cm = r.choice([x for x in self.measures if x["effect"] == "cap"] or [m])
                svc, share = r.choice(cm["services"]), cm.get("cap", ("<=", "50"))[1]
                date = cm["start"]
            elif kind == "unknown":
                if r.random() < 0.5:
                    svc = "Z9-" + str(r.randrange(1000))
                else:
                    reg = str(900000 + r.randrange(1000))
            if kind in ("general", "at-cap") and r.random() < 0.3:
                svc = r.choice(svc_ids)
            out.append(dict(kind=kind, service=svc, region=reg, date=date, investor=inv,
                            share=share, outside=outside))
        return out

    def facts(self, qu):
        known = self.parent.keys() if False else None
        if qu["service"] not in self.parent or qu["region"] not in self.rparents:
            return None
        inv = qu["investor"] or "foreign"
        ianc, x = [], inv
        par = {i: p for i, p, _ in INVESTORS}
        while x:
            ianc.append(x)
            x = par[x]
        return dict(svc=self.anc_services(qu["service"]), reg=self.anc_regions(qu["region"]),
                    inv=ianc, day=day(qu["date"]),
                    share=share_units(qu["share"]) if qu["share"] else None)

    def zen(self):
        """A JDM graph: one decision table (hit policy collect, one row per measure)
        lists the matching measures; an expression node sets aside the overridden ones
        and binds the rest (prohibited, closed, tightest cap) — docs/rulebook.md
        "Deciding" steps 1-3, without the zone step 4."""
        def anyof(ids):
            return "some($, # in [" + ", ".join(q(i) for i in ids) + "])"
        rules = []
        for m in self.measures:
            svc = anyof(m["services"])
            if m["exclude"]:
                svc += " and not " + anyof(m["exclude"])
            until = day(m["until"]) if m["until"] else 10 ** 7
            cap = share_units(m["cap"][1]) if m["effect"] == "cap" else "null"
            rules.append({"_id": m["id"], "s": svc, "r": anyof(m["regions"]),
                          "i": anyof(m["investors"]),
                          "d": f"$ >= {day(m['start'])} and $ < {until}",
                          "id": q(m["id"]), "effect": q(m["effect"]), "cap": str(cap),
                          "lt": "true" if m["effect"] == "cap" and m["cap"][0] == "<" else "false",
                          "ov": "[" + ", ".join(q(o) for o in m["overrides"]) + "]"})
        table = {"hitPolicy": "collect", "passThrough": True, "inputField": None,
                 "outputPath": "rows", "executionMode": "single",
                 "inputs": [{"id": "s", "name": "service", "field": "svc"},
                            {"id": "r", "name": "region", "field": "reg"},
                            {"id": "i", "name": "investor", "field": "inv"},
                            {"id": "d", "name": "date", "field": "day"}],
                 "outputs": [{"id": k, "name": k, "field": k}
                             for k in ("id", "effect", "cap", "lt", "ov")],
                 "rules": rules}
        ex = [("ov", "flatMap(rows, #.ov)"),
              ("live", "filter(rows, not (#.id in $.ov))"),
              ("prohibited", "some($.live, #.effect == \"prohibited\")"),
              ("closed", "some($.live, #.effect == \"closed\")"),
              ("caps", "filter($.live, #.effect == \"cap\")"),
              ("cap", "len($.caps) > 0 ? min(map($.caps, #.cap)) : -1"),
              ("lt", "some($.caps, #.cap == $.cap and #.lt)"),
              ("outcome", "$.prohibited ? \"prohibited\" : $.closed ? \"closed\" : "
                          "(share != null and $.cap >= 0 and ($.lt ? share >= $.cap : share > $.cap))"
                          " ? \"exceeds_cap\" : \"permitted\"")]
        expr = {"passThrough": False, "inputField": None, "outputPath": None,
                "executionMode": "single",
                "expressions": [{"id": k, "key": k, "value": v} for k, v in ex]}
        return {"nodes": [
            {"id": "in", "type": "inputNode", "name": "question", "position": {"x": 0, "y": 0}},
            {"id": "table", "type": "decisionTableNode", "name": "measures",
             "position": {"x": 200, "y": 0}, "content": table},
            {"id": "bind", "type": "expressionNode", "name": "bind",
             "position": {"x": 400, "y": 0}, "content": expr},
            {"id": "out", "type": "outputNode", "name": "answer", "position": {"x": 600, "y": 0}}],
            "edges": [{"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
                      {"id": "e2", "sourceId": "table", "targetId": "bind", "type": "edge"},
                      {"id": "e3", "sourceId": "bind", "targetId": "out", "type": "edge"}]}

    def jre(self):
        """json-rules-engine rules: one rule per measure whose event carries the effect;
        the caller binds the events (bench/peers/run_peers.js)."""
        rules = []
        for m in self.measures:
            all_ = [{"fact": "svc", "operator": "intersects", "value": m["services"]},
                    {"fact": "reg", "operator": "intersects", "value": m["regions"]},
                    {"fact": "inv", "operator": "intersects", "value": m["investors"]},
                    {"fact": "day", "operator": "greaterThanInclusive", "value": day(m["start"])}]
            if m["exclude"]:
                all_.append({"fact": "svc", "operator": "disjoint", "value": m["exclude"]})
            if m["until"]:
                all_.append({"fact": "day", "operator": "lessThan", "value": day(m["until"])})
            rules.append({"name": m["id"], "conditions": {"all": all_},
                          "event": {"type": "measure", "params": {
                              "id": m["id"], "effect": m["effect"],
                              "cap": share_units(m["cap"][1]) if m["effect"] == "cap" else -1,
                              "lt": m["effect"] == "cap" and m["cap"][0] == "<",
                              "ov": m["overrides"]}}})
        return rules


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="bench/out")
    ap.add_argument("--seed", default="20251129")
    ap.add_argument("--sizes", default="small,medium,large")
    a = ap.parse_args()
    for name in a.sizes.split(","):
        sp = Spec(name, SIZES[name], a.seed)
        d = os.path.join(a.out, name)
        sp.write_rulebook(os.path.join(d, "rulebook"))
        qs = sp.questions()
        with open(os.path.join(d, "questions.tsv"), "w") as f, \
                open(os.path.join(d, "facts.jsonl"), "w") as g:
            f.write("kind\tservice\tregion\tdate\tinvestor\tforeign_share\toutside_zones\n")
            for x in qs:
                f.write("\t".join(x[k] for k in ("kind", "service", "region", "date",
                                                 "investor", "share", "outside")) + "\n")
                g.write(json.dumps(sp.facts(x)) + "\n")
        with open(os.path.join(d, "zen.json"), "w") as f:
            json.dump(sp.zen(), f)
        with open(os.path.join(d, "jre.json"), "w") as f:
            json.dump(sp.jre(), f)
        print(f"{name}: {len(sp.measures)} measures, {len(sp.services)} services, "
              f"{len(sp.regions)} regions, {len(qs)} questions -> {d}")


if __name__ == "__main__":
    main()
