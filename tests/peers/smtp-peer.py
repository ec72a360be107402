#!/usr/bin/python3
"""smtp-peer.py: a small SMTP server for tests that refuses, defers or takes a mail by its recipient, and records what it took.

Recipients whose local part starts with
  reject   get 550 5.1.1 (always): the mail is refused for good;
  defer    get 451 4.3.0 the first time (per address), then 250;
anything else is taken (250). With --idle S, a connection that says nothing
for S seconds gets "421 4.4.2 idle timeout" and is closed, as smtp-server
(maildev) does after its own timeout. Each mail taken is appended to --record as one
JSON line: {"from", "to", "raw"} where raw is the DATA as it came on the wire
(dot-stuffed, before the final "."), so tests can see what the client sent.
Prints "ready <port>" once it listens. Loopback only; stops on SIGTERM.
"""
import argparse
import asyncio
import json
import signal


class Session:
    def __init__(self, args, deferred):
        self.args = args
        self.deferred = deferred
        self.mail_from = None
        self.rcpt = []

    async def run(self, reader, writer):
        def send(line):
            writer.write((line + "\r\n").encode())

        send("220 smtp-peer ESMTP ready")
        while True:
            try:
                line = await asyncio.wait_for(reader.readline(),
                                              self.args.idle or None)
            except asyncio.TimeoutError:
                send("421 4.4.2 smtp-peer idle timeout - closing connection")
                await writer.drain()
                break
            if not line:
                break
            cmd = line.decode("ascii", "replace").rstrip("\r\n")
            verb = cmd.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                send("250-smtp-peer greets you")
                send("250 SIZE 10485760")
            elif verb == "MAIL":
                self.mail_from = cmd[10:].strip() if len(cmd) > 10 else ""
                self.rcpt = []
                send("250 2.1.0 sender ok")
            elif verb == "RCPT":
                addr = cmd[8:].strip().strip("<>")
                local = addr.split("@", 1)[0]
                if local.startswith("reject"):
                    send("550 5.1.1 <%s>: no such mailbox here" % addr)
                elif local.startswith("defer") and addr not in self.deferred:
                    self.deferred.add(addr)
                    send("451 4.3.0 <%s>: busy, try again later" % addr)
                else:
                    self.rcpt.append(addr)
                    send("250 2.1.5 recipient ok")
            elif verb == "DATA":
                if not self.rcpt:
                    send("503 5.5.1 no valid recipients")
                    continue
                send("354 end with <CRLF>.<CRLF>")
                raw = bytearray()
                while True:
                    chunk = await reader.readline()
                    if not chunk:
                        return
                    if chunk == b".\r\n":
                        break
                    raw += chunk
                with open(self.args.record, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"from": self.mail_from,
                                        "to": self.rcpt,
                                        "raw": raw.decode("utf-8", "replace")})
                            + "\n")
                send("250 2.0.0 queued")
                self.rcpt = []
            elif verb in ("RSET", "NOOP"):
                self.rcpt = []
                send("250 2.0.0 ok")
            elif verb == "QUIT":
                send("221 2.0.0 bye")
                await writer.drain()
                break
            else:
                send("502 5.5.2 not implemented")
            await writer.drain()
        writer.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--record", required=True)
    p.add_argument("--idle", type=float, default=0)
    args = p.parse_args()
    deferred = set()

    async def handle(reader, writer):
        try:
            await Session(args, deferred).run(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass

    server = await asyncio.start_server(handle, "127.0.0.1", args.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    print("ready %d" % args.port, flush=True)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
