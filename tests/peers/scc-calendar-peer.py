#!/usr/bin/python3
"""scc-calendar-peer.py: our own SCC (ShipCaptainCrew) and JADA calendar peer, for tests and the demo.

One process, one port, both APIs, as charterd sync sees them (API.md "Outbound"):

  SCC, under --scc-prefix (API Gateway's stage, e.g. /prod):
    POST  /api/events        201 {id}          X-Service-Key (its SHA-256 is checked), Idempotency-Key
    PATCH /api/events/<id>   200 {id, status}  members merged; 404 when there is no such event
    GET   /api/events/<id>   200 the event
  calendar, under --calendar-prefix:
    POST   /calendar         201 {id}          X-Dashboard-Token (its SHA-256 is checked)
    PUT    /calendar/<id>    200 {id}          replaced; 404 when there is no such entry
    DELETE /calendar/<id>    204; 404 when there is none
    GET    /calendar/<id>    200 the entry

A wrong or missing credential is 401. A POST without an Idempotency-Key is 400.
Idempotency-Key, on every method: the same key (per API) gets the same answer and
changes nothing the second time (no second event).

Control, for tests (charterd never calls it), under /_peer:
  GET  /_peer/requests[?api=scc|calendar][&booking=N]  every request: seq, at (epoch s),
       api, method, path, headers (a secret's value replaced by "<ok>" or "<wrong>"),
       raw (the body as sent), body (parsed), booking_id, status, fault, replayed
  GET  /_peer/events[?api=][&booking=]   what is stored now (deleted entries are gone)
  POST /_peer/reset {"api"?}              forget requests, records, keys and faults
  POST /_peer/fault {"api"?, "mode", "count"?, "delay_ms"?, "booking"?, "match"?}
       answer the next `count` (1) matching requests that way: mode "500", "503",
       "400", "401" (any 3-digit status), "hang" (hold the request until the
       client gives up), "slow" (answer after delay_ms), "drop" (close without
       answering), "drop_after" (do it, then close without answering: the answer
       is lost). "booking" limits it to one booking; "match" to requests whose
       body contains that text. mode "off" removes the faults that match.
  POST /_peer/forget {"api", "id"}        the API loses a record (as if deleted there)
  GET  /_peer/health
Prints "ready <port>" once it listens. With --state FILE (the demo) the records and
idempotency keys are saved there after each change and read back at start, so a
restarted peer still knows the events charterd made; the request log starts afresh.
"""

import argparse
import copy
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1024 * 1024
MAX_REQUESTS = 200000
HANG_MAX_S = 300


class State:
    """Everything the peer remembers, behind one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.run = secrets.token_hex(3)
        self.reset(None)

    def reset(self, api):
        if api is None:
            self.seq = 0
            self.next_id = {"scc": 0, "calendar": 0}
            self.requests = []
            self.records = {"scc": {}, "calendar": {}}
            self.keys = {"scc": {}, "calendar": {}}
            self.faults = []
            return
        self.requests = [r for r in self.requests if r["api"] != api]
        self.records[api] = {}
        self.keys[api] = {}
        self.faults = [f for f in self.faults if f["api"] not in (api, "any")]

    def save(self, path):
        """Records, keys and id counters to path (under the lock), replaced whole."""
        keys = {a: {k: [st, data.decode()] for k, (st, data) in ks.items()} for a, ks in self.keys.items()}
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"next_id": self.next_id, "records": self.records, "keys": keys}, f)
        os.replace(tmp, path)

    def load(self, path):
        """What save() wrote, if anything."""
        try:
            with open(path) as f:
                saved = json.load(f)
        except FileNotFoundError:
            return
        self.next_id = saved["next_id"]
        self.records = saved["records"]
        self.keys = {a: {k: (st, data.encode()) for k, (st, data) in ks.items()}
                     for a, ks in saved["keys"].items()}

    def take_fault(self, api, booking, raw):
        for f in self.faults:
            if f["api"] not in (api, "any"):
                continue
            if f["booking"] is not None and f["booking"] != booking:
                continue
            if f["match"] is not None and f["match"] not in raw:
                continue
            f["count"] -= 1
            if f["count"] <= 0:
                self.faults.remove(f)
            return dict(f)
        return None


STATE = State()
ARGS = None


def booking_of(body):
    """The booking a create or update names in its external_ref."""
    if isinstance(body, dict):
        ref = body.get("external_ref")
        if isinstance(ref, dict) and isinstance(ref.get("booking_id"), int):
            return ref["booking_id"]
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "scc-calendar-peer"
    # headers and body go out in two writes: without TCP_NODELAY the body
    # waits for the client's delayed ACK, 40 ms a request on keep-alive
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.log_date_time_string(), fmt % args))

    # ------------------------------------------------------------ plumbing
    def read_body(self):
        n = self.headers.get("Content-Length")
        if n is None:
            return b""
        n = int(n)
        if n < 0 or n > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(n)

    def answer(self, status, obj=None):
        data = b"" if obj is None else json.dumps(obj).encode()
        self.send_answer(status, data)
        return status, data

    def send_answer(self, status, data, replayed=False):
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json")
        if replayed:
            self.send_header("Idempotent-Replayed", "true")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def dispatch(self, method):
        try:
            raw = self.read_body()
        except ValueError:
            self.answer(413, {"message": "body too large"})
            self.close_connection = True
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith("/_peer/"):
            self.control(method, url, raw)
            return
        route = self.route(url.path)
        if route is None:
            self.answer(404, {"message": "no such path"})
            return
        self.api_request(method, route, raw)

    def route(self, path):
        """(api, collection?, id) for an API path, else None."""
        for api, prefix, coll in (("scc", ARGS.scc_prefix, "/api/events"),
                                  ("calendar", ARGS.calendar_prefix, "/calendar")):
            base = prefix.rstrip("/") + coll
            if path == base:
                return api, None
            if path.startswith(base + "/") and re.fullmatch(r"[A-Za-z0-9._~-]+", path[len(base) + 1:]):
                return api, path[len(base) + 1:]
        return None

    # ------------------------------------------------------------ the APIs
    def credential_ok(self, api):
        name, want = (("X-Service-Key", ARGS.scc_key_sha256) if api == "scc"
                      else ("X-Dashboard-Token", ARGS.calendar_token_sha256))
        got = self.headers.get(name)
        if got is None:
            return name, None
        digest = hashlib.sha256(got.encode("utf-8", "surrogateescape")).hexdigest()
        return name, hmac.compare_digest(digest, want.lower())

    def api_request(self, method, route, raw):
        api, rid = route
        text = raw.decode("utf-8", "replace")
        try:
            body = json.loads(text) if raw else None
        except ValueError:
            body = None
        secret, cred = self.credential_ok(api)
        headers = {}
        for k, v in self.headers.items():
            headers[k.lower()] = v
        if cred is not None:
            headers[secret.lower()] = "<ok>" if cred else "<wrong>"
        with STATE.lock:
            booking = booking_of(body)
            if booking is None and rid is not None and rid in STATE.records[api]:
                booking = STATE.records[api][rid]["booking_id"]
            STATE.seq += 1
            rec = {"seq": STATE.seq, "at": time.time(), "api": api, "method": method,
                   "path": self.path, "headers": headers, "raw": text, "body": body,
                   "booking_id": booking, "status": None, "fault": None, "replayed": False}
            if len(STATE.requests) < MAX_REQUESTS:
                STATE.requests.append(rec)
            fault = STATE.take_fault(api, booking, text) if cred else None
        if not cred:
            rec["status"], _ = self.answer(401, {"message": "missing or wrong %s" % secret})
            return
        if fault is not None:
            rec["fault"] = fault["mode"]
            if self.inject(fault, rec):
                return
        self.serve(method, api, rid, raw, body, booking, rec)
        if fault is not None and fault["mode"] == "drop_after":
            self.close_connection = True

    def inject(self, fault, rec):
        """Acts out a fault; True when the request gets no normal answer."""
        mode = fault["mode"]
        if mode == "slow":
            time.sleep(fault["delay_ms"] / 1000.0)
            return False
        if mode == "drop_after":
            self.wfile = _Discard()  # done, answered into the void
            return False
        if mode == "drop":
            self.close_connection = True
            rec["status"] = "dropped"
            return True
        if mode == "hang":
            rec["status"] = "hung"
            self.connection.settimeout(1.0)
            end = time.time() + HANG_MAX_S
            while time.time() < end:
                try:
                    if self.connection.recv(1024) == b"":
                        break
                except OSError as e:
                    if "timed out" not in str(e):
                        break
            self.close_connection = True
            return True
        status = int(mode)
        rec["status"], _ = self.answer(status, {"message": "injected fault: %s refused the request (%d)"
                                                % ("SCC" if rec["api"] == "scc" else "the calendar", status)})
        return True

    def serve(self, method, api, rid, raw, body, booking, rec):
        key = self.headers.get("Idempotency-Key")
        with STATE.lock:
            seen = STATE.keys[api].get(key) if key else None
        if seen is not None:
            rec["replayed"] = True
            rec["status"] = seen[0]
            self.send_answer(*seen, replayed=True)
            return
        if raw and self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            rec["status"], _ = self.answer(415, {"message": "Content-Type must be application/json"})
            return
        if method in ("POST", "PATCH", "PUT") and not isinstance(body, dict):
            rec["status"], _ = self.answer(400, {"message": "the body must be a JSON object"})
            return
        with STATE.lock:
            # re-checked under the lock: two tries of one change may race
            seen = STATE.keys[api].get(key) if key else None
            if seen is None:
                seen = self.apply(method, api, rid, body, booking, key)
                if key and seen[0] < 500:
                    STATE.keys[api][key] = seen
                if ARGS.state and method != "GET":
                    STATE.save(ARGS.state)
            else:
                rec["replayed"] = True
        rec["status"] = seen[0]
        self.send_answer(*seen, replayed=rec["replayed"])

    @staticmethod
    def apply(method, api, rid, body, booking, key):
        """The change itself (under the lock): (status, answer bytes)."""
        records = STATE.records[api]
        enc = lambda o: json.dumps(o).encode()  # noqa: E731
        now = time.time()
        if rid is None:
            if method != "POST":
                return 405, enc({"message": "method not allowed"})
            if not key:
                return 400, enc({"message": "Idempotency-Key is required"})
            STATE.next_id[api] += 1
            # unique across restarts: charterd may still hold an old id
            nid = "%s%s-%d" % ("evt_" if api == "scc" else "cal-", STATE.run, STATE.next_id[api])
            records[nid] = {"api": api, "id": nid, "booking_id": booking, "data": copy.deepcopy(body),
                            "created_at": now, "updated_at": now, "updates": 0}
            return 201, enc({"id": nid})
        rec = records.get(rid)
        if rec is None:
            return 404, enc({"message": "no such %s" % ("event" if api == "scc" else "entry")})
        if method == "GET":
            return 200, enc(rec["data"])
        if api == "scc" and method == "PATCH":
            rec["data"].update(copy.deepcopy(body))
        elif api == "calendar" and method == "PUT":
            rec["data"] = copy.deepcopy(body)
        elif api == "calendar" and method == "DELETE":
            del records[rid]
            return 204, b""
        else:
            return 405, enc({"message": "method not allowed"})
        rec["updated_at"] = now
        rec["updates"] += 1
        if booking is not None:
            rec["booking_id"] = booking
        return 200, enc({"id": rid, "status": rec["data"].get("status")})

    # ------------------------------------------------------------ control
    def control(self, method, url, raw):
        q = urllib.parse.parse_qs(url.query)
        api = q.get("api", [None])[0]
        booking = q.get("booking", [None])[0]
        booking = int(booking) if booking and booking.isdigit() else None
        try:
            arg = json.loads(raw) if raw else {}
        except ValueError:
            self.answer(400, {"message": "not JSON"})
            return
        if not isinstance(arg, dict):
            arg = {}
        name = url.path[len("/_peer/"):]
        with STATE.lock:
            if method == "GET" and name == "health":
                out = (200, {"ok": True})
            elif method == "GET" and name == "requests":
                out = (200, {"requests": [r for r in STATE.requests
                                          if (api is None or r["api"] == api)
                                          and (booking is None or r["booking_id"] == booking)]})
            elif method == "GET" and name == "events":
                out = (200, {"events": [r for a in ("scc", "calendar") for r in STATE.records[a].values()
                                        if (api is None or a == api)
                                        and (booking is None or r["booking_id"] == booking)]})
            elif method == "GET" and name == "fault":
                out = (200, {"faults": STATE.faults})
            elif method == "POST" and name == "reset":
                STATE.reset(arg.get("api"))
                out = (200, {"ok": True})
            elif method == "POST" and name == "fault":
                out = self.set_fault(arg)
            elif method == "POST" and name == "forget":
                gone = STATE.records.get(arg.get("api"), {}).pop(str(arg.get("id")), None)
                out = (200 if gone else 404, {"forgotten": bool(gone)})
            else:
                out = (404, {"message": "no such control"})
        self.answer(*out)

    @staticmethod
    def set_fault(arg):
        api = arg.get("api", "any")
        mode = str(arg.get("mode", ""))
        if api not in ("scc", "calendar", "any"):
            return 400, {"message": "api is scc, calendar or any"}
        booking = arg.get("booking")
        match = arg.get("match")
        if mode == "off":
            STATE.faults = [f for f in STATE.faults
                            if not ((api == "any" or f["api"] == api)
                                    and (booking is None or f["booking"] == booking))]
            return 200, {"faults": STATE.faults}
        if mode not in ("hang", "slow", "drop", "drop_after") and not re.fullmatch(r"[1-5][0-9][0-9]", mode):
            return 400, {"message": "unknown mode"}
        f = {"api": api, "mode": mode, "count": int(arg.get("count", 1)),
             "delay_ms": int(arg.get("delay_ms", 1000)),
             "booking": int(booking) if booking is not None else None,
             "match": str(match) if match is not None else None}
        STATE.faults.append(f)
        return 200, {"faults": STATE.faults}


class _Discard:
    """Where a drop_after answer goes: nowhere."""

    closed = False

    def write(self, data):
        return len(data)

    def flush(self):
        pass

    def close(self):
        self.closed = True


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--listen", required=True, help="127.0.0.1:PORT")
    p.add_argument("--scc-key-sha256", required=True, help="SHA-256 hex of SCC's X-Service-Key")
    p.add_argument("--calendar-token-sha256", required=True,
                   help="SHA-256 hex of the calendar's X-Dashboard-Token")
    p.add_argument("--scc-prefix", default="/prod", help="where SCC's API lives (/prod)")
    p.add_argument("--calendar-prefix", default="/jada", help="where the calendar's lives (/jada)")
    p.add_argument("--state", help="keep records and idempotency keys in this file across restarts")
    ARGS = p.parse_args()
    if ARGS.state:
        STATE.load(ARGS.state)
    host, port = ARGS.listen.rsplit(":", 1)
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    srv = ThreadingHTTPServer((host, int(port)), Handler)
    print("ready %d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
