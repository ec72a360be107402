#!/usr/bin/python3
"""fcgi-request.py: send one FastCGI request straight to charterd (no nginx).

usage: fcgi-request.py [--pause SECONDS] HOST:PORT|/SOCKET METHOD PATH [NAME=VALUE ...] < body
Prints the raw CGI response (headers, blank line, body) on stdout.
--pause sends half the body, waits, then the rest: a request in flight.
Used by tests that run a private `charterd serve` beside the shared stack.
"""
import socket
import struct
import sys
import time

BEGIN, PARAMS, STDIN, STDOUT, STDERR, END = 1, 4, 5, 6, 7, 3


def record(kind, content, req_id=1):
    out = b""
    for i in range(0, max(len(content), 1), 65535):
        chunk = content[i:i + 65535]
        out += struct.pack(">BBHHBx", 1, kind, req_id, len(chunk), 0) + chunk
        if not content:
            break
    return out


def pair(name, value):
    def length(n):
        return struct.pack(">B", n) if n < 128 else struct.pack(">I", n | 0x80000000)
    return length(len(name)) + length(len(value)) + name + value


def main():
    pause = 0.0
    if sys.argv[1] == "--pause":
        pause = float(sys.argv[2])
        del sys.argv[1:3]
    addr, method, path = sys.argv[1], sys.argv[2], sys.argv[3]
    body = b"" if sys.stdin.isatty() else sys.stdin.buffer.read()
    params = {
        "REQUEST_METHOD": method, "DOCUMENT_URI": path.split("?")[0],
        "QUERY_STRING": path.split("?", 1)[1] if "?" in path else "",
        "CONTENT_LENGTH": str(len(body)), "SERVER_PROTOCOL": "HTTP/1.1",
    }
    for kv in sys.argv[4:]:
        k, v = kv.split("=", 1)
        params[k] = v
    payload = b"".join(pair(k.encode(), v.encode()) for k, v in params.items())
    if addr.startswith("/"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(addr)
    else:
        host, port = addr.rsplit(":", 1)
        s = socket.create_connection((host, int(port)), timeout=10)
    half = len(body) // 2 if pause else len(body)
    s.sendall(record(BEGIN, struct.pack(">HB5x", 1, 0)) + record(PARAMS, payload) +
              record(PARAMS, b"") + record(STDIN, body[:half]))
    if pause:
        # The caller may wait for this: the request is now in flight.
        sys.stderr.write("half sent\n")
        sys.stderr.flush()
        time.sleep(pause)
    s.sendall(record(STDIN, body[half:]) + record(STDIN, b""))
    data, out = b"", b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    while len(data) >= 8:
        _, kind, _, clen, plen = struct.unpack(">BBHHB", data[:7])
        content = data[8:8 + clen]
        data = data[8 + clen + plen:]
        if kind == STDOUT:
            out += content
        elif kind == END:
            break
    sys.stdout.buffer.write(out)
    return 0 if out else 1


if __name__ == "__main__":
    sys.exit(main())
