#!/usr/bin/env python3
"""Reads an XLSX workbook with the standard library only (zipfile and the
sheet XML, shared and inline strings) and compares every cell of its sheet
"answers" with a CSV file (tests/cli/test_memo.sh):

  xlsx_cells.py BOOK.xlsx FILE.csv     prints "equal ROWSxCOLS" or the differences
  xlsx_cells.py BOOK.xlsx --sheet2     prints the "rulebook" sheet as key=value lines
  xlsx_cells.py BOOK.xlsx --frozen     prints the frozen pane of sheet 1
"""
import csv
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def sheet_rows(z, name):
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    rows = []
    for row in ET.fromstring(z.read(name)).iter("{%s}row" % NS["m"]):
        cells = {}
        for c in row.findall("m:c", NS):
            t = c.get("t")
            if t == "s":
                v = shared[int(c.find("m:v", NS).text)]
            elif t == "inlineStr":
                v = "".join(x.text or "" for x in c.iter("{%s}t" % NS["m"]))
            else:
                v = c.find("m:v", NS).text
            cells[col_index(c.get("r"))] = v
        r = int(row.get("r")) - 1
        while len(rows) < r:
            rows.append([])
        rows.append([cells.get(i, "") for i in range(max(cells) + 1 if cells else 0)])
    return rows


def main():
    z = zipfile.ZipFile(sys.argv[1])
    if sys.argv[2] == "--sheet2":
        for r in sheet_rows(z, "xl/worksheets/sheet2.xml"):
            print("%s=%s" % (r[0], r[1] if len(r) > 1 else ""))
        return 0
    if sys.argv[2] == "--frozen":
        pane = ET.fromstring(z.read("xl/worksheets/sheet1.xml")).find(".//m:pane", NS)
        print("ySplit=%s state=%s" % (pane.get("ySplit"), pane.get("state")))
        return 0
    got = sheet_rows(z, "xl/worksheets/sheet1.xml")
    with open(sys.argv[2], newline="", encoding="utf-8") as f:
        want = list(csv.reader(f))
    bad = 0
    if len(got) != len(want):
        print("rows: xlsx %d, csv %d" % (len(got), len(want)))
        bad += 1
    for i, (g, w) in enumerate(zip(got, want)):
        g = g + [""] * (len(w) - len(g))
        if g != w:
            bad += 1
            for j, (a, b) in enumerate(zip(g, w)):
                if a != b:
                    print("row %d col %d: xlsx %r, csv %r" % (i + 1, j + 1, a, b))
    if not bad:
        print("equal %dx%d" % (len(want), max(len(r) for r in want)))
    return 1 if bad else 0


sys.exit(main())
