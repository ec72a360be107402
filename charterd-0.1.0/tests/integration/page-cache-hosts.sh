#!/bin/bash
# page-cache-hosts.sh: a change committed through one charterd host drops the
# cached guest pages of every other host at once (the supervisor LISTENs),
# not after CHARTER_PAGE_CACHE_MS. The other host is a private `charterd
# serve` with a one-minute page cache, beside the stack's own.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

fcgi() { "$CHARTER_SRCDIR/tests/lib/fcgi-request.py" "$@"; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
page() { fcgi "127.0.0.1:$port" GET "/g/$slug"; }

api POST /api/bookings "{\"guest_name\":\"Two Hosts\",\"starts_at\":\"$(date -u -d '+12 days' +%FT17:00:00Z)\",\"ends_at\":\"$(date -u -d '+12 days' +%FT21:00:00Z)\",\"vessel\":\"First Vessel\",\"revenue_cents\":1,\"port_fee_cents\":0,\"captain_fee_cents\":0}"
id=$(jbody .id) slug=$(jbody .slug)

port=$(free_port)
(
	set -a; . "$STACK_DIR/serve.env"; set +a
	CHARTER_LISTEN=127.0.0.1:$port CHARTER_WORKERS=2 CHARTER_PAGE_CACHE_MS=60000 \
		exec "$CHARTERD" serve
) >"$TAP_TMP/serve.log" 2>&1 &
other=$!
trap 'kill $other 2>/dev/null; wait $other 2>/dev/null' EXIT
eventually 10 bash -c "$CHARTER_SRCDIR/tests/lib/fcgi-request.py 127.0.0.1:$port GET /healthz | grep -q 'Status: 200'"
ok $? "the other host answers"

# Fill both workers' caches with the first version.
for _ in 1 2 3 4 5 6; do page >/dev/null; done
like "$(page)" "First Vessel" "the other host serves (and caches) the page"

api PATCH "/api/bookings/$id" '{"vessel":"Second Vessel"}'
is "$STATUS" 200 "the booking changes through the stack's own host"
start=$(date +%s%N)
eventually 3 bash -c "for i in 1 2 3 4; do $CHARTER_SRCDIR/tests/lib/fcgi-request.py 127.0.0.1:$port GET /g/$slug | grep -q 'Second Vessel' || exit 1; done"
ok $? "every worker of the other host serves the change within 3 s, not after its one-minute cache"
note "the other host showed the change after $(( ($(date +%s%N) - start) / 1000000 )) ms"
unlike "$(page)" "First Vessel" "and the old page is gone"

done_testing
