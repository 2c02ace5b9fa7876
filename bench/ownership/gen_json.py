#!/usr/bin/python3
"""bench/ownership/gen_json.py — seeded synthetic BODS 0.4 and GLEIF Level 2 files
for the JSON load-rate figure of make bench-ownership (bench.c --json: kaifang's
load against jansson's own json_load_file of the same file).

    gen_json.py DIR ENTITIES [SEED]    writes DIR/bods.json and DIR/gleif.json

BODS: a third persons (nationality CN, US, HK), the rest registered entities, each
entity held by one to three earlier parties with exact shares summing to at most
100 (shareholding, direct), one statement per record. GLEIF: one
IS_DIRECTLY_CONSOLIDATED_BY record per child LEI with a PERCENTAGE quantifier.
"""
import json, random, sys

d, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 42)
pub = {"publicationDate": "2024-01-01", "bodsVersion": "0.4",
       "publisher": {"name": "bench"}}
npers = n // 3
with open(d + "/bods.json", "w") as f:
    f.write("[\n")
    first = True

    def put(s):
        global first
        if not first:
            f.write(",\n")
        first = False
        f.write(json.dumps(s, separators=(",", ":")))

    for i in range(n):
        rid = "r%d" % i
        if i < npers:
            put({"statementId": "s%d" % i, "declarationSubject": rid, "statementDate": "2024-01-01",
                 "publicationDetails": pub, "recordId": rid, "recordStatus": "new", "recordType": "person",
                 "recordDetails": {"isComponent": False, "personType": "knownPerson",
                                   "names": [{"type": "individual", "fullName": "Person %d" % i}],
                                   "nationalities": [{"code": rnd.choice(["CN", "CN", "CN", "US", "HK"])}]}})
        else:
            put({"statementId": "s%d" % i, "declarationSubject": rid, "statementDate": "2024-01-01",
                 "publicationDetails": pub, "recordId": rid, "recordStatus": "new", "recordType": "entity",
                 "recordDetails": {"isComponent": False, "entityType": {"type": "registeredEntity"},
                                   "name": "Company %d" % i,
                                   "jurisdiction": {"name": "x", "code": rnd.choice(["CN", "CN", "US"])},
                                   "identifiers": [{"id": str(i), "scheme": "XI-BENCH"}]}})
    k = 0
    for i in range(npers, n):
        left = 10000
        owners = rnd.sample(range(i), min(i, rnd.randint(1, 3)))
        for o in owners:
            sh = rnd.randint(1, left) if o != owners[-1] else left
            left -= sh
            put({"statementId": "rel%d" % k, "declarationSubject": "r%d" % i, "statementDate": "2024-01-01",
                 "publicationDetails": pub, "recordId": "rel%d" % k, "recordStatus": "new",
                 "recordType": "relationship",
                 "recordDetails": {"isComponent": False, "subject": "r%d" % i, "interestedParty": "r%d" % o,
                                   "interests": [{"type": "shareholding", "directOrIndirect": "direct",
                                                  "beneficialOwnershipOrControl": False,
                                                  "share": {"exact": sh / 100}, "startDate": "2020-01-01"}]}})
            k += 1
            if left == 0:
                break
    f.write("\n]\n")
with open(d + "/gleif.json", "w") as f:
    f.write("[\n")
    for i in range(1, n):
        if i > 1:
            f.write(",\n")
        f.write(json.dumps({"Relationship": {
            "StartNode": {"NodeID": "LEI%017d" % i, "NodeIDType": "LEI"},
            "EndNode": {"NodeID": "LEI%017d" % rnd.randrange(i), "NodeIDType": "LEI"},
            "RelationshipType": "IS_DIRECTLY_CONSOLIDATED_BY",
            "RelationshipPeriods": [{"StartDate": "2020-01-01T00:00:00Z", "PeriodType": "RELATIONSHIP_PERIOD"}],
            "RelationshipStatus": "ACTIVE",
            "RelationshipQuantifiers": [{"MeasurementMethod": "ACCOUNTING_CONSOLIDATION",
                                         "QuantifierAmount": "%d.00" % rnd.randint(51, 100),
                                         "QuantifierUnits": "PERCENTAGE"}]},
            "Registration": {"RegistrationStatus": "PUBLISHED"}}, separators=(",", ":")))
    f.write("\n]\n")
