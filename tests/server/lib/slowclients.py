#!/usr/bin/env python3
"""Slow and idle HTTP clients for the server's limit tests (tests/server/test_limits.sh).

    slowclients.py PORT [--src A,B,...] [--trickle N] [--idle N] [--interval S]
                        [--hold S] [--ready FILE]

Opens --trickle connections that send a request line and then one header
line every --interval seconds without ever finishing the header (slowloris),
and --idle connections that send one complete keep-alive request, read its
answer and then stay silent. Connections go round-robin over the source
addresses --src (loopback addresses such as 127.0.0.2; default 127.0.0.1),
so one attack can come from one address or from many. When every connection
is open, FILE (--ready) is created. After --hold seconds a JSON summary goes
to stdout:

    {"opened": n, "closed_by_server": n, "closed_within_1s": n,
     "still_open": n, "statuses": {"503": n, ...},
     "close_after_s": {"min": s, "max": s}}

`statuses` counts the status lines the server sent on trickle connections
(an over-limit refusal) and on idle connections (their one answer).
Loopback only, bounded in count and time; standard library only.
"""
import argparse
import json
import selectors
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--src", default="127.0.0.1")
    ap.add_argument("--trickle", type=int, default=0)
    ap.add_argument("--idle", type=int, default=0)
    ap.add_argument("--interval", type=float, default=10.0)
    ap.add_argument("--hold", type=float, default=5.0)
    ap.add_argument("--ready")
    a = ap.parse_args()
    srcs = a.src.split(",")
    sel = selectors.DefaultSelector()
    conns = []  # dicts: sock, kind, t_open, t_close, data
    n = 0
    for kind, count in (("idle", a.idle), ("trickle", a.trickle)):
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((srcs[n % len(srcs)], 0))
            n += 1
            try:
                s.connect(("127.0.0.1", a.port))
            except OSError:
                s.close()
                conns.append({"kind": kind, "t_open": time.monotonic(),
                              "t_close": time.monotonic(), "data": b"", "sock": None})
                continue
            c = {"sock": s, "kind": kind, "t_open": time.monotonic(), "t_close": None,
                 "data": b""}
            try:
                if kind == "idle":
                    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                else:
                    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            except OSError:
                c["t_close"] = time.monotonic()
            s.setblocking(False)
            conns.append(c)
            if c["t_close"] is None:
                sel.register(s, selectors.EVENT_READ, c)
    if a.ready:
        open(a.ready, "w").close()
    t_end = time.monotonic() + a.hold
    next_line = time.monotonic() + a.interval
    while True:
        now = time.monotonic()
        if now >= t_end:
            break
        if now >= next_line:
            next_line += a.interval
            for c in conns:
                if c["kind"] == "trickle" and c["t_close"] is None:
                    try:
                        c["sock"].send(b"X-Slow: 1\r\n")
                    except OSError:
                        pass
        timeout = max(0.0, min(t_end, next_line) - time.monotonic())
        for key, _ in sel.select(timeout):
            c = key.data
            try:
                b = c["sock"].recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                b = b""
            if b:
                c["data"] += b
                continue
            c["t_close"] = time.monotonic()
            sel.unregister(c["sock"])
    statuses = {}
    after = []
    for c in conns:
        for line in c["data"].split(b"\r\n"):
            if line.startswith(b"HTTP/1."):
                code = line.split(b" ")[1].decode()
                statuses[code] = statuses.get(code, 0) + 1
        if c["t_close"] is not None:
            after.append(c["t_close"] - c["t_open"])
        if c["sock"]:
            c["sock"].close()
    out = {
        "opened": len(conns),
        "closed_by_server": len(after),
        "closed_within_1s": sum(1 for x in after if x < 1.0),
        "still_open": len(conns) - len(after),
        "statuses": statuses,
        "close_after_s": {"min": round(min(after), 3) if after else None,
                          "max": round(max(after), 3) if after else None},
    }
    json.dump(out, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
