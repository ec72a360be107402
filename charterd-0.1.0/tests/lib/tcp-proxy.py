#!/usr/bin/python3
"""tcp-proxy.py: a plain TCP relay, so a test can cut a connection path and
restore it (kill this process by its PID, start it again on the same port).

usage: tcp-proxy.py LISTEN_PORT UPSTREAM_HOST:PORT
Listens on 127.0.0.1:LISTEN_PORT; prints "ready" once listening.
"""
import socket
import sys
import threading


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    port = int(sys.argv[1])
    host, uport = sys.argv[2].rsplit(":", 1)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(128)
    print("ready", flush=True)
    while True:
        client, _ = ls.accept()
        try:
            up = socket.create_connection((host, int(uport)), timeout=5)
            up.settimeout(None)
        except OSError:
            client.close()
            continue
        for a, b in ((client, up), (up, client)):
            threading.Thread(target=pipe, args=(a, b), daemon=True).start()


if __name__ == "__main__":
    main()
