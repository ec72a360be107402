#!/usr/bin/python3
"""slow-body-flood.py: hold many slow-body HTTP requests open from one source address.

usage: slow-body-flood.py --source ADDR --port PORT [--count N] [--path PATH]
                          [--length BYTES] [--dribble SECONDS] [--max-seconds S]

Opens N connections from ADDR (bind() before connect; on Linux all of 127/8 is
loopback) to 127.0.0.1:PORT, sends each a complete POST header announcing
Content-Length BYTES, then dribbles one body byte per connection every
--dribble seconds (also after an answer) and never finishes the body. Prints "ready {json}" on stdout
once every connection was attempted and a short settle passed, then keeps the
connections until its stdin closes (or --max-seconds pass), prints
"done {json}" and closes every socket. A line "report" on stdin prints
"now {json}" meanwhile. The JSON counts:
  attempted, connected, connect_failed   TCP connects
  answered {status: n}                   status lines received (e.g. 429)
  closed                                 connections the server closed or reset
  held                                   connected, open, and not answered
Stops by itself: it never runs longer than --max-seconds.
"""
import argparse
import errno
import json
import os
import resource
import selectors
import socket
import sys
import time


class Conn:
    __slots__ = ("sock", "state", "status", "buf")

    def __init__(self, sock):
        self.sock = sock
        self.state = "connecting"   # connecting | open | closed | failed
        self.status = None          # first status code the server answered
        self.buf = b""


def raise_nofile(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))


def open_conn(sel, source, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.bind((source, 0))
    c = Conn(s)
    err = s.connect_ex(("127.0.0.1", port))
    if err not in (0, errno.EINPROGRESS):
        c.state = "failed"
        s.close()
        return c
    sel.register(s, selectors.EVENT_WRITE, c)
    return c


def on_writable(sel, c, head):
    err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err:
        c.state = "failed"
        sel.unregister(c.sock)
        c.sock.close()
        return
    c.state = "open"
    try:
        c.sock.send(head)
    except OSError:
        pass
    sel.modify(c.sock, selectors.EVENT_READ, c)


def on_readable(sel, c):
    try:
        data = c.sock.recv(4096)
    except OSError:
        data = b""
    if data and c.status is None:
        c.buf += data
        if b"\r\n" in c.buf:
            line = c.buf.split(b"\r\n", 1)[0].split()
            c.status = line[1].decode() if len(line) > 1 else "?"
            c.buf = b""
    if not data:
        c.state = "closed"
        sel.unregister(c.sock)
        c.sock.close()


def counts(conns):
    answered = {}
    for c in conns:
        if c.status is not None:
            answered[c.status] = answered.get(c.status, 0) + 1
    return {
        "attempted": len(conns),
        "connected": sum(c.state in ("open", "closed") for c in conns),
        "connect_failed": sum(c.state in ("failed", "connecting") for c in conns),
        "answered": answered,
        "closed": sum(c.state == "closed" for c in conns),
        "held": sum(c.state == "open" and c.status is None for c in conns),
    }


def dribble(conns):
    """One more body byte on every open connection, answered or not: a flood
    ignores the 429 and keeps the refused connections busy too."""
    for c in conns:
        if c.state == "open":
            try:
                c.sock.send(b"x")
            except OSError:
                pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=2100)
    ap.add_argument("--path", default="/")
    ap.add_argument("--length", type=int, default=100000)
    ap.add_argument("--dribble", type=float, default=1.0)
    ap.add_argument("--settle", type=float, default=2.0)
    ap.add_argument("--max-seconds", type=float, default=40.0)
    a = ap.parse_args()

    raise_nofile(a.count + 64)
    head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\n\r\n{" % (a.path, a.length)).encode()
    sel = selectors.DefaultSelector()
    t0 = time.monotonic()
    stop_at = t0 + a.max_seconds
    conns = []
    # Connect in slices so the listen backlog is not the thing measured.
    while len(conns) < a.count and time.monotonic() < stop_at:
        for _ in range(min(100, a.count - len(conns))):
            conns.append(open_conn(sel, a.source, a.port))
        pump_ready(sel, head, 0.01)
    settle_end = time.monotonic() + a.settle
    while time.monotonic() < settle_end:
        pump_ready(sel, head, 0.05)
    ready = counts(conns)
    ready["connect_seconds"] = round(settle_end - a.settle - t0, 2)
    print("ready " + json.dumps(ready), flush=True)

    sel.register(sys.stdin, selectors.EVENT_READ, None)
    next_drip = time.monotonic() + a.dribble
    stdin_open = True
    while stdin_open and time.monotonic() < stop_at:
        for key, ev in sel.select(0.1):
            if key.data is None:
                line = os.read(sys.stdin.fileno(), 4096)
                if not line:
                    stdin_open = False
                    sel.unregister(sys.stdin)
                elif b"report" in line:
                    now = counts(conns)
                    now["seconds"] = round(time.monotonic() - t0, 2)
                    print("now " + json.dumps(now), flush=True)
            elif ev & selectors.EVENT_WRITE:
                on_writable(sel, key.data, head)
            else:
                on_readable(sel, key.data)
        if time.monotonic() >= next_drip:
            dribble(conns)
            next_drip = time.monotonic() + a.dribble
    done = counts(conns)
    done["seconds"] = round(time.monotonic() - t0, 2)
    done["timed_out"] = stdin_open
    for c in conns:
        if c.state in ("open", "connecting"):
            c.sock.close()
    print("done " + json.dumps(done), flush=True)
    return 0


def pump_ready(sel, head, timeout):
    for key, ev in sel.select(timeout):
        if ev & selectors.EVENT_WRITE:
            on_writable(sel, key.data, head)
        elif ev & selectors.EVENT_READ:
            on_readable(sel, key.data)


if __name__ == "__main__":
    sys.exit(main())
