#!/usr/bin/python3
"""fcgi-echo.py: a FastCGI responder that answers every request with the params it got.

usage: fcgi-echo.py [--port N] [--max-seconds S]
Listens on 127.0.0.1:N (0: any free port), prints "listening PORT" on stdout, and
answers each request 200 with a JSON object {param: [values in arrival order]}.
The answer also carries headers nginx is configured to replace or hide
(X-Powered-By, X-Frame-Options, X-Content-Type-Options, Referrer-Policy), so a
test can see that only nginx's own copies reach the client.
Exits after --max-seconds (default 120), or on SIGTERM.
"""
import argparse
import json
import socket
import socketserver
import struct
import sys
import threading

BEGIN, END, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6
KEEP_CONN = 1

ECHO_HEADERS = (
    "X-Powered-By: fcgi-echo\r\n"
    "X-Frame-Options: SAMEORIGIN\r\n"
    "X-Content-Type-Options: from-upstream\r\n"
    "Referrer-Policy: unsafe-url\r\n"
)


def read_exact(f, n):
    data = f.read(n)
    if data is None or len(data) < n:
        raise EOFError
    return data


def read_record(f):
    _, kind, req_id, clen, plen, _ = struct.unpack(">BBHHBB", read_exact(f, 8))
    content = read_exact(f, clen) if clen else b""
    if plen:
        read_exact(f, plen)
    return kind, req_id, content


def pairs(data):
    """Decodes FastCGI name-value pairs into (name, value) tuples."""
    out, i = [], 0

    def length():
        nonlocal i
        if data[i] < 128:
            i += 1
            return data[i - 1]
        n = struct.unpack(">I", data[i:i + 4])[0] & 0x7FFFFFFF
        i += 4
        return n
    while i < len(data):
        nl = length()
        vl = length()
        out.append((data[i:i + nl].decode("latin-1"), data[i + nl:i + nl + vl].decode("latin-1")))
        i += nl + vl
    return out


def record(kind, req_id, content):
    out = b""
    for i in range(0, max(len(content), 1), 65535):
        chunk = content[i:i + 65535]
        out += struct.pack(">BBHHBx", 1, kind, req_id, len(chunk), 0) + chunk
    return out


class Echo(socketserver.StreamRequestHandler):
    def handle(self):
        try:
            while self.one_request():
                pass
        except (EOFError, ConnectionError):
            pass

    def one_request(self):
        """Serves one request; True when nginx asked to keep the connection."""
        raw, params, keep, req_id = b"", {}, False, 1
        while True:
            kind, req_id, content = read_record(self.rfile)
            if kind == BEGIN:
                keep = bool(content[2] & KEEP_CONN)
            elif kind == PARAMS and content:
                raw += content
            elif kind == STDIN and not content:
                break
        for name, value in pairs(raw):
            params.setdefault(name, []).append(value)
        body = json.dumps(params, sort_keys=True).encode()
        head = ("Status: 200 OK\r\nContent-Type: application/json\r\n" + ECHO_HEADERS +
                "\r\n").encode()
        self.wfile.write(record(STDOUT, req_id, head + body) + record(STDOUT, req_id, b"") +
                         record(END, req_id, struct.pack(">IB3x", 0, 0)))
        self.wfile.flush()
        return keep


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--max-seconds", type=float, default=120.0)
    a = ap.parse_args()
    srv = Server(("127.0.0.1", a.port), Echo)
    print("listening %d" % srv.server_address[1], flush=True)
    stop = threading.Timer(a.max_seconds, srv.shutdown)
    stop.daemon = True
    stop.start()
    srv.serve_forever(poll_interval=0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
