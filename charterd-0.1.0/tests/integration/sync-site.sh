#!/bin/bash
# sync-site.sh: the publish target with CHARTER_SITE_BUCKET and CHARTER_CLOUDFRONT_DISTRIBUTION:
# the guest page as an object in the site bucket (s3rver behind the SigV4-verifying proxy)
# with its Content-Type and Cache-Control, a rename deleting the old object, a cancel storing
# the cancelled page, one CloudFront invalidation per change (our botocore-verifying peer)
# that a retried or replayed delivery never doubles, CloudFront's 4xx dead at once with its
# message, a malformed answer retried, and a store that refuses the signature retried until
# the row is dead with the store's message in GET /api/sync, then delivered once put right.
#
# The stack's own sync keeps publishing to the folder, and other tests rely on it while this
# one runs beside them. So this test gets a database of its own in the stack's cluster, with
# a private `charterd serve` (its API over FastCGI) and `charterd sync` on it: no row of
# theirs can reach the site bucket, and no row of ours the folder.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"
# shellcheck source=../../scripts/lib.sh
. "$CHARTER_SRCDIR/scripts/lib.sh" # stack_load, site_sync_env, charterd_cmd, as_pg, free_ports
stack_load

[ -n "${STACK_CLOUDFRONT_PORT:-}" ] ||
	bail_out "this stack has no CloudFront peer: tests/stack down, then run again"
t0=$(date +%s.%N)
run=$$-$RANDOM
db=charterd_site_${run//-/_}
priv=$STACK_DIR/site.$run
cf=http://127.0.0.1:$CLOUDFRONT_PORT
raw=$CHARTER_S3_RAW_ENDPOINT/$STACK_SITE_BUCKET # s3rver itself: reads need no signature
mkdir -p "$priv/publish"
chmod 755 "$priv" "$priv/publish"
read -r api_port bad_proxy_port < <(free_ports 2 | tr '\n' ' ')
api_addr=127.0.0.1:$api_port
where="host=$PG_SOCKDIR&port=$PG_PORT&passfile=$STACK_DIR/pgpass"
owner_url="postgresql://charterd@/$db?$where"
runtime_url="postgresql:///$db?$where"

SYNC_PID='' SERVE_PID='' PROXY_PID=''
stop_pid() { # stop_pid PID: TERM, then KILL after 10 s; only processes this test started
	local p=$1 n=100
	[ -n "$p" ] || return 0
	kill -TERM "$p" 2>/dev/null || return 0
	while [ $n -gt 0 ] && kill -0 "$p" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
	kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	return 0
}
cleanup() {
	stop_pid "$SYNC_PID"; stop_pid "$SERVE_PID"; stop_pid "$PROXY_PID"
	as_pg "$PG_BINDIR/psql" -X -q -h "$PG_SOCKDIR" -p "$PG_PORT" -U postgres -d postgres \
		-c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
	[ -n "${KEEP_SITE_TEST:-}" ] || rm -rf "$priv" # KEEP_SITE_TEST=1: logs stay
}
trap 'rc=$?; cleanup; (exit $rc); _tap_exit' EXIT

psql_db() { psql -qAtX -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
fcgi() { "$CHARTER_SRCDIR/tests/lib/fcgi-request.py" "$@"; }

# papi METHOD PATH [JSON]: the private serve's internal API; STATUS, BODY (jbody) as api does.
papi() {
	local out=$TAP_TMP/papi
	printf '%s' "${3:-}" | fcgi "$api_addr" "$1" "$2" CHARTER_SIDE=internal \
		HTTP_X_SERVICE_KEY="$CHARTER_SERVICE_KEY" CONTENT_TYPE=application/json >"$out" 2>&1
	STATUS=$(sed -n 's/^Status: \([0-9]*\).*/\1/p' "$out" | head -n 1)
	sed '1,/^\r\{0,1\}$/d' "$out" >"$BODY"
}

# start_sync ENVFILE: the private sync, as the stack starts its own (root: workers as CHARTER_USER).
start_sync() {
	stop_pid "$SYNC_PID"
	charterd_cmd "$1"
	"${CHARTERD_CMD[@]}" sync >>"$priv/sync.log" 2>&1 &
	SYNC_PID=$!
}

# outbox ROW COLUMNS: the row's columns, '|'-separated.
outbox() { psql_db "SELECT $2 FROM outbox WHERE id = $1"; }
# publish_row BOOKING: the newest publish row of the booking.
publish_row() { psql_db "SELECT max(id) FROM outbox WHERE target = 'publish' AND booking_id = $1"; }
row_is() { [ "$(outbox "$1" state)" = "$2" ]; }
# invalidations_for REF: the peer's invalidations with that CallerReference, as "paths;paths".
invalidations_for() {
	curl -sf "$cf/_peer/invalidations" |
		jq -r --arg r "$1" '[.invalidations[] | select(.caller_reference == $r) | .paths | join(",")] | join(";")'
}
invalidation_count() { curl -sf "$cf/_peer/invalidations" | jq '.invalidations | length'; }
# requests_for REF: statuses of the peer's CreateInvalidation requests with that reference.
requests_for() {
	curl -sf "$cf/_peer/requests" |
		jq -r --arg r "$1" '[.requests[] | select(.caller_reference == $r) | .status] | join(",")'
}
fault() { curl -sf -X POST "$cf/_peer/fault?$1" >/dev/null; }
# object KEY: STATUS, BODY and HEADERS of a GET from s3rver.
object() { http GET "$raw/$1"; }
object_is() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$raw/$1")" = "$2" ]; }
booking_json() { # booking_json SLUG: a booking with distinctive money
	printf '{"slug":"%s","guest_name":"Grace Hopper","starts_at":"%s","ends_at":"%s",
	 "vessel":"Jada","meeting_point":"Shelter Island, dock C","checklist":["Sunscreen"],
	 "revenue_cents":1234567,"port_fee_cents":98765,"captain_fee_cents":45678,
	 "crew":[],"open_slots":[]}' "$1" "$(date -u -d '+20 days' +%Y-%m-%dT17:00:00Z)" \
		"$(date -u -d '+20 days' +%Y-%m-%dT21:00:00Z)"
}
MONEY_VALUES='1234567|12345\.67|12,345\.67|98765|987\.65|45678|456\.78'

# ------------------------------------------------------------------ setup
as_pg "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKDIR" -p "$PG_PORT" -U postgres \
	-d postgres -c "CREATE DATABASE $db OWNER charterd" >"$priv/setup.log" 2>&1 ||
	bail_out "cannot create database $db: $(cat "$priv/setup.log")"
write_envfile "$priv/migrate.env" CHARTER_DATABASE_URL="$owner_url" CHARTER_SQL_DIR="$STACK_SQL_DIR"
charterd_exec "$priv/migrate.env" migrate >>"$priv/setup.log" 2>&1 ||
	bail_out "charterd migrate on $db failed: $(tail -n 5 "$priv/setup.log")"
# serve.env with its own socket, one worker, this database; a later line wins.
cp "$STACK_DIR/serve.env" "$priv/serve.env"
printf '%s=%q\n' CHARTER_LISTEN "$api_addr" CHARTER_WORKERS 1 CHARTER_DATABASE_URL "$runtime_url" \
	CHARTER_PAGE_CACHE_MS 0 >>"$priv/serve.env"
charterd_cmd "$priv/serve.env"
"${CHARTERD_CMD[@]}" serve >>"$priv/serve.log" 2>&1 &
SERVE_PID=$!
eventually 20 port_busy "$api_port" || bail_out "private charterd serve did not start: $(tail -n 5 "$priv/serve.log")"
# A proxy with another secret than charterd's: the store refusing every signature.
/usr/bin/python3 "$CHARTER_SRCDIR/tests/peers/s3-verify-proxy.py" --listen "127.0.0.1:$bad_proxy_port" \
	--upstream "$CHARTER_S3_RAW_ENDPOINT" --access-key "$AWS_KEY_ID" --secret-key "not-$AWS_SECRET" \
	--region "$AWS_REGION" >>"$priv/proxy.log" 2>&1 &
PROXY_PID=$!
eventually 10 port_busy "$bad_proxy_port" || bail_out "the refusing proxy did not start"
eventually 10 curl -sf -X POST "$cf/_peer/reset" || bail_out "the CloudFront peer does not answer at $cf"
fast=(CHARTER_SYNC_BACKOFF_MS=100 CHARTER_SYNC_BACKOFF_MAX_S=1 CHARTER_SYNC_MAX_ATTEMPTS=4
	CHARTER_SYNC_POLL_S=1 CHARTER_PUBLISH_DIR="$priv/publish")
site_sync_env "$priv/good.env" "$runtime_url" "${fast[@]}"
site_sync_env "$priv/bad.env" "$runtime_url" "${fast[@]}" \
	CHARTER_SITE_S3_ENDPOINT="http://127.0.0.1:$bad_proxy_port"
note "setup (database, migrate, serve, proxy): $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"

# ------------------------------------------------------------------ the store refuses
start_sync "$priv/bad.env"
papi POST /api/bookings "$(booking_json "site-refused-$run")"
is "$STATUS" 201 "booking created (private serve)"
refused_id=$(jbody .id) refused_slug=$(jbody .slug)
row=$(publish_row "$refused_id")
eventually 15 row_is "$row" dead; ok $? "a store refusing the signature: the row is retried, then dead"
is "$(outbox "$row" attempts)" 4 "  after CHARTER_SYNC_MAX_ATTEMPTS (4) attempts, not at the first refusal"
check "  each refusal was a retry in the log" \
	test "$(grep -c "target=publish outbox=$row .*outcome=retry" "$priv/sync.log")" -ge 3
papi GET /api/sync
dead=$(jq -r --argjson r "$row" '.publish.dead[] | select(.id == $r) | .last_error' "$BODY")
like "$dead" "^site store: PUT g/$refused_slug\.html: HTTP 403 SignatureDoesNotMatch: The request signature" \
	"  GET /api/sync shows the store's answer as the dead row's last_error"
unlike "$dead" "$AWS_SECRET|$AWS_KEY_ID|Credential=|Signature=" "  and no key or signature"
object_is "g/$refused_slug.html" 404; ok $? "  nothing stored"
is "$(invalidations_for "$row")" "" "  and nothing invalidated"

start_sync "$priv/good.env"
papi POST "/api/sync/$row/retry"
is "$STATUS" 200 "settings put right: the dead row is retried from the API"
eventually 10 row_is "$row" 'done'; ok $? "  and delivered"
object_is "g/$refused_slug.html" 200; ok $? "  the page is in the bucket"

# ------------------------------------------------------------------ create
papi POST /api/bookings "$(booking_json "site-$run")"
is "$STATUS" 201 "booking created"
id=$(jbody .id) slug=$(jbody .slug)
row=$(publish_row "$id")
eventually 10 row_is "$row" 'done'; ok $? "publish row delivered"
object "g/$slug.html"
is "$STATUS" 200 "the page is the object g/<slug>.html in the site bucket"
is "$(header content-type)" "text/html; charset=utf-8" "  Content-Type text/html; charset=utf-8"
is "$(header cache-control)" "no-cache" "  Cache-Control no-cache (revalidated every time)"
like "$(body)" "Grace Hopper" "  it is the guest page"
like "$(body)" '<meta name="robots" content="noindex' "  with robots noindex"
tidy_ok "$BODY" "  well-formed HTML"
unlike "$(body)" "$MONEY_VALUES" "  no revenue, port fee or captain fee in any rendering"
unlike "$(body)" "$MONEY_RE" "  no currency amount at all"
cp "$BODY" "$TAP_TMP/stored.html"
http_fcgi=$(fcgi "$api_addr" GET "/g/$slug" | sed '1,/^\r\{0,1\}$/d')
is "$(cat "$TAP_TMP/stored.html")" "$http_fcgi" "  the same bytes charterd renders at /g/<slug>"
[ ! -e "$priv/publish/g/$slug.html" ]; ok $? "  and nothing written to the folder"
is "$(invalidations_for "$row")" "/g/$slug,/g/$slug.html" \
	"one invalidation, CallerReference = the outbox row, for /g/<slug> (and the object's URI)"
is "$(requests_for "$row")" 201 "  one request, 201"

# ------------------------------------------------------------------ rename
old=$slug
papi PATCH "/api/bookings/$id" "{\"slug\":\"site-$run-renamed\"}"
is "$STATUS" 200 "slug changed"
papi GET "/api/bookings/$id"
slug=$(jbody .slug)
isnt "$slug" "$old" "  to a new slug"
row=$(publish_row "$id")
eventually 10 row_is "$row" 'done'; ok $? "  publish row delivered"
object_is "g/$slug.html" 200; ok $? "  the new object is there"
object_is "g/$old.html" 404; ok $? "  the old object is gone"
is "$(invalidations_for "$row")" "/g/$slug,/g/$slug.html,/g/$old,/g/$old.html" \
	"  one invalidation for both slugs' paths"

# ------------------------------------------------------------------ cancel
papi POST "/api/bookings/$id/cancel"
is "$STATUS" 200 "booking cancelled"
row=$(publish_row "$id")
is "$(outbox "$row" kind)" booking.cancel "  a booking.cancel publish row"
eventually 10 row_is "$row" 'done'; ok $? "  delivered"
object "g/$slug.html"
is "$STATUS" 200 "  the object stays: a static site has no 410 of its own to fall back on"
like "$(body)" "This charter has been cancelled" "  it is now the cancelled page"
unlike "$(body)" "Shelter Island, dock C" "  the live page's details are gone"
is "$(header cache-control)" "no-cache" "  still no-cache"
is "$(invalidations_for "$row")" "/g/$slug,/g/$slug.html" "  invalidated"

# ------------------------------------------------------------------ CloudFront 500s
# The first 500 comes before the invalidation is made, the second after (its answer lost):
# the retry with the same CallerReference finds that one instead of making another.
fault "status=500&count=1"
fault "status=500&after=1&count=1"
papi POST /api/bookings "$(booking_json "site-5xx-$run")"
id=$(jbody .id) slug=$(jbody .slug)
row=$(publish_row "$id")
eventually 15 row_is "$row" 'done'; ok $? "CloudFront answering 500 twice: the row is retried until delivered"
is "$(outbox "$row" attempts)" 3 "  in three attempts"
is "$(requests_for "$row")" "500,500,201" "  the peer saw 500, 500 (made, answer lost), 201"
is "$(invalidations_for "$row")" "/g/$slug,/g/$slug.html" "  one invalidation in the end"
before=$(invalidation_count)
psql_db "UPDATE outbox SET state = 'pending', next_attempt_at = now(), done_at = NULL WHERE id = $row;
	SELECT pg_notify('charterd_outbox', '$id')" >/dev/null
eventually 10 row_is "$row" 'done'; ok $? "the same row delivered again (a replay)"
is "$(requests_for "$row")" "500,500,201,201" "  it reached CloudFront again"
is "$(invalidations_for "$row")" "/g/$slug,/g/$slug.html" "  which answered the same invalidation"
is "$(invalidation_count)" "$before" "  no second invalidation anywhere"

# ------------------------------------------------------------------ a malformed answer
fault "status=201&garbage=1"
papi PATCH "/api/bookings/$id" '{"guest_notes":"Bring a hat."}'
row=$(publish_row "$id")
eventually 10 row_is "$row" 'done'; ok $? "a 201 that is not XML: retried, then delivered"
is "$(requests_for "$row")" "201,201" "  two requests"
is "$(invalidations_for "$row")" "/g/$slug,/g/$slug.html" "  one invalidation"
check "  the malformed answer was a retry with its reason" \
	grep -q "target=publish outbox=$row .*outcome=retry.*not a well-formed Invalidation" "$priv/sync.log"

# ------------------------------------------------------------------ CloudFront 400
fault "status=400&code=InvalidArgument"
papi PATCH "/api/bookings/$id" '{"guest_notes":"Bring a jacket."}'
row=$(publish_row "$id")
eventually 10 row_is "$row" dead; ok $? "CloudFront answering 400: the row is dead at once"
is "$(outbox "$row" attempts)" 1 "  after one attempt"
papi GET /api/sync
is "$(jq -r --argjson r "$row" '.publish.dead[] | select(.id == $r) | .last_error' "$BODY")" \
	"CloudFront: HTTP 400 InvalidArgument: Injected by the test." "  GET /api/sync shows CloudFront's Code and Message"
object "g/$slug.html"
like "$(body)" "Bring a jacket" "  the page itself was stored"
papi POST "/api/sync/$row/retry"
eventually 10 row_is "$row" 'done'; ok $? "  retried from the API: delivered"
is "$(invalidations_for "$row")" "/g/$slug,/g/$slug.html" "  and invalidated once"

# ------------------------------------------------------------------ the end
is "$(curl -sf "$cf/_peer/requests" | jq '[.requests[] | select(.code == "SignatureDoesNotMatch" or .code == "InvalidClientTokenId" or .code == "RequestTimeTooSkewed")] | length')" \
	0 "every request charterd sent the CloudFront peer carried a valid SigV4 signature"
found=$(grep -E -m 5 'ERROR: (Address|Leak|Memory)Sanitizer|runtime error:|worker [0-9]+ (died of signal|exited with)' \
	"$priv/sync.log" "$priv/serve.log")
is "$found" "" "no crash or sanitizer report in the private serve and sync"
note "sync-site.sh: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
done_testing
