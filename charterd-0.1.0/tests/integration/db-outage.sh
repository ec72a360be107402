#!/bin/bash
# db-outage.sh: while the database is away, requests get 503 counted under
# their own route, the log says so once (not once per request) and once when
# it is back, and service resumes by itself. A private `charterd serve`
# reaches PostgreSQL through a TCP relay this test cuts and restores.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

fcgi() { "$CHARTER_SRCDIR/tests/lib/fcgi-request.py" "$@"; }
status_of() { sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -n 1; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { local end=$((SECONDS + $1)); shift; until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $end ] && return 1; sleep 0.1; done; }
relay_up() {
	"$CHARTER_SRCDIR/tests/lib/tcp-proxy.py" "$relay" "127.0.0.1:$STACK_PG_PORT" >"$TAP_TMP/relay.out" 2>&1 &
	relay_pid=$!
	wait_for 5 grep -q ready "$TAP_TMP/relay.out"
}
guest() { fcgi "127.0.0.1:$port" GET "/g/$slug" | status_of; }

api POST /api/bookings "{\"guest_name\":\"Outage Check\",\"starts_at\":\"$(date -u -d '+9 days' +%FT17:00:00Z)\",\"ends_at\":\"$(date -u -d '+9 days' +%FT21:00:00Z)\",\"vessel\":\"Jada\",\"revenue_cents\":1,\"port_fee_cents\":0,\"captain_fee_cents\":0}"
slug=$(jbody .slug)

relay=$(free_port) port=$(free_port) log=$TAP_TMP/serve.log
relay_up; ok $? "relay to PostgreSQL is up"
(
	set -a; . "$STACK_DIR/serve.env"; set +a
	CHARTER_DATABASE_URL="postgresql:///charterd?host=127.0.0.1&port=$relay&passfile=$STACK_PGPASSFILE&connect_timeout=2" \
	CHARTER_LISTEN=127.0.0.1:$port CHARTER_WORKERS=2 CHARTER_PAGE_CACHE_MS=0 exec "$CHARTERD" serve
) >"$log" 2>&1 &
serve=$!
trap 'kill $serve $relay_pid 2>/dev/null; wait $serve $relay_pid 2>/dev/null' EXIT
wait_for 10 bash -c "$CHARTER_SRCDIR/tests/lib/fcgi-request.py 127.0.0.1:$port GET /healthz | grep -q 'Status: 200'"
ok $? "private server answers through the relay"
good=0; for _ in $(seq 1 10); do [ "$(guest)" = 200 ] && good=$((good + 1)); done
is "$good" 10 "guest page served while the database answers"

kill "$relay_pid"; wait "$relay_pid" 2>/dev/null
codes=$(for _ in $(seq 1 30); do guest; done | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')
is "$codes" "503:30 " "every guest page is 503 while the database is away"
out=$(fcgi "127.0.0.1:$port" GET /healthz)
is "$(status_of <<<"$out")" 503 "/healthz is 503"
out=$(fcgi "127.0.0.1:$port" GET /metrics CHARTER_SIDE=internal "HTTP_X_SERVICE_KEY=$CHARTER_SERVICE_KEY")
is "$(status_of <<<"$out")" 200 "/metrics still answers"
like "$out" 'charterd_requests_total\{route="/g/:slug",method="GET",code="5xx"\} 30' \
	"the 503s are counted under their route"
like "$out" 'charterd_database_up 0' "and the database is reported down"
downs=$(grep -c "the database is not answering" "$log")
is "$downs" 1 "the outage is logged once, not per request or per worker"

relay_up
wait_for 15 bash -c "[ \"\$($CHARTER_SRCDIR/tests/lib/fcgi-request.py 127.0.0.1:$port GET /g/$slug | sed -n 's/^Status: \([0-9]*\).*/\1/p')\" = 200 ]"
ok $? "service resumes by itself once the database is back"
good=0; for _ in $(seq 1 10); do [ "$(guest)" = 200 ] && good=$((good + 1)); done
is "$good" 10 "every request after that is answered"
is "$(grep -c "the database answers again" "$log")" 1 "the return is logged once"
is "$(grep -c "the database is not answering" "$log")" 1 "and no more outage lines came"

done_testing
