#!/bin/bash
# server.sh: the prefork server itself: worker replacement, SIGHUP reload,
# draining stop, the app-level /api/ guard, logs without secrets, a database
# that is down, and migrations run twice and concurrently. It runs private
# `charterd serve` instances beside the shared stack so nothing else notices.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

fcgi() { "$CHARTER_SRCDIR/tests/lib/fcgi-request.py" "$@"; }
status_of() { sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -n 1; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
workers_of() { pgrep -P "$1" | sort | tr '\n' ' '; }
wait_for() { # wait_for SECONDS CMD...: until CMD succeeds
	local end=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $end ] && return 1; sleep 0.1; done
}
healthy() { [ "$(fcgi "127.0.0.1:$1" GET /healthz | status_of)" = 200 ]; }

tpl=$TAP_TMP/templates
cp -r "$CHARTER_TEMPLATE_DIR" "$tpl"
port=$(free_port)
log=$TAP_TMP/serve.log
(
	set -a; . "$STACK_DIR/serve.env"; set +a
	CHARTER_LISTEN=127.0.0.1:$port CHARTER_WORKERS=2 CHARTER_TEMPLATE_DIR=$tpl \
		exec "$CHARTERD" serve
) >"$log" 2>&1 &
parent=$!
trap 'kill $parent 2>/dev/null; wait $parent 2>/dev/null' EXIT
wait_for 10 healthy "$port"
ok $? "private server answers /healthz"

before=$(workers_of "$parent")
is "$(wc -w <<<"$before")" 2 "two workers"

# A crashed worker is replaced and service goes on.
victim=${before%% *}
kill -9 "$victim"
wait_for 5 bash -c "[ \$(pgrep -P $parent | wc -l) = 2 ] && ! pgrep -P $parent | grep -qx $victim"
ok $? "killed worker replaced"
good=0
for i in $(seq 1 20); do healthy "$port" && good=$((good + 1)); done
is "$good" 20 "every request after the crash is answered"
like "$(cat "$log")" "died of signal 9; replacing it" "the crash is logged"

# SIGHUP: templates re-read, workers replaced.
before=$(workers_of "$parent")
sed -i 's|</body>|<!-- reloaded-marker --></body>|' "$tpl/_foot.html"
kill -HUP "$parent"
wait_for 5 bash -c "fcgi() { $CHARTER_SRCDIR/tests/lib/fcgi-request.py \"\$@\"; }; fcgi 127.0.0.1:$port GET /g/no-such-slug-anywhere | grep -q reloaded-marker"
ok $? "SIGHUP reloads the templates"
wait_for 5 bash -c "[ \"\$(pgrep -P $parent | sort | tr '\n' ' ')\" != '$before' ] && [ \$(pgrep -P $parent | wc -l) = 2 ]"
ok $? "SIGHUP replaces the workers"

# A template that does not parse keeps the old workers.
before=$(workers_of "$parent")
printf '{{#unclosed}}\n' >>"$tpl/_foot.html"
kill -HUP "$parent"
sleep 1
is "$(workers_of "$parent")" "$before" "a broken template leaves the workers alone"
fcgi "127.0.0.1:$port" GET /g/no-such-slug-anywhere >"$BODY"
like "$(cat "$BODY")" "reloaded-marker" "and the last good templates keep serving"
like "$(cat "$log")" "unclosed section" "the parse error is logged"

# The app refuses /api/ unless nginx's internal server sent the request.
out=$(fcgi "127.0.0.1:$port" GET /api/crew "HTTP_X_SERVICE_KEY=$CHARTER_SERVICE_KEY")
is "$(status_of <<<"$out")" 404 "/api/ without CHARTER_SIDE=internal is 404, key or not"
out=$(fcgi "127.0.0.1:$port" GET /api/crew "HTTP_X_SERVICE_KEY=$CHARTER_SERVICE_KEY" CHARTER_SIDE=internal)
is "$(status_of <<<"$out")" 200 "with CHARTER_SIDE=internal and the key it is served"

# Logs carry the route pattern, never paths, queries or keys.
fcgi "127.0.0.1:$port" GET "/g/secret-slug-zzz9?token=hunter2secret" >/dev/null
sleep 0.2
unlike "$(cat "$log")" "secret-slug-zzz9|hunter2secret|$CHARTER_SERVICE_KEY" "no slug, query or key in the log"
like "$(cat "$log")" "GET /g/:slug 404" "the route pattern and status are logged"

# SIGTERM drains: a request in flight (its body half sent) still gets its
# whole answer, then everything exits cleanly.
workers=$(workers_of "$parent")
body='{"name":"Drain Test","email":"drain@example.com","hourly_rate_cents":100,"favourite":1}'
fcgi --pause 1.5 "127.0.0.1:$port" POST /api/crew CHARTER_SIDE=internal \
	"HTTP_X_SERVICE_KEY=$CHARTER_SERVICE_KEY" CONTENT_TYPE=application/json \
	<<<"$body" >"$TAP_TMP/inflight.out" 2>"$TAP_TMP/inflight.err" &
inflight=$!
# Signal only once half the body is on its way (a loaded machine may take a
# while to start the client).
wait_for 20 grep -q "half sent" "$TAP_TMP/inflight.err"
kill -TERM "$parent"
wait "$inflight"
is "$(status_of <"$TAP_TMP/inflight.out")" 400 "the request in flight at SIGTERM is answered"
like "$(cat "$TAP_TMP/inflight.out")" '"field":"favourite"' "with its whole body"
wait_for 10 bash -c "! kill -0 $parent"
ok $? "SIGTERM stops the server"
wait "$parent"; is "$?" 0 "with exit status 0"
left=0; for w in $workers; do kill -0 "$w" 2>/dev/null && left=1; done
is "$left" 0 "no worker survives"

# A database that is down: 503, not a crash.
port2=$(free_port)
(
	set -a; . "$STACK_DIR/serve.env"; set +a
	CHARTER_LISTEN=127.0.0.1:$port2 CHARTER_WORKERS=1 \
	CHARTER_DATABASE_URL="postgresql://charterd@127.0.0.1:1/charterd?connect_timeout=1" \
		exec "$CHARTERD" serve
) >"$TAP_TMP/down.log" 2>&1 &
parent=$!
wait_for 10 bash -c "$CHARTER_SRCDIR/tests/lib/fcgi-request.py 127.0.0.1:$port2 GET /healthz | grep -q Status"
out=$(fcgi "127.0.0.1:$port2" GET /healthz)
is "$(status_of <<<"$out")" 503 "/healthz is 503 when the database is down"
out=$(fcgi "127.0.0.1:$port2" GET /g/some-guest-slug)
is "$(status_of <<<"$out")" 503 "pages are 503 when the database is down"
like "$out" "try again" "with a message saying what to do"
kill -0 "$parent"; ok $? "the server is still running"
kill -TERM "$parent"; wait "$parent"

# Migrations: twice, and two at once, change nothing and fail nothing.
n=$(ls "$CHARTER_SQL_DIR"/[0-9][0-9][0-9]_*.sql | wc -l)
(set -a; . "$STACK_DIR/migrate.env"; set +a; exec "$CHARTERD" migrate) >"$TAP_TMP/m1.log" 2>&1 &
m1=$!
(set -a; . "$STACK_DIR/migrate.env"; set +a; exec "$CHARTERD" migrate) >"$TAP_TMP/m2.log" 2>&1 &
m2=$!
wait $m1; r1=$?; wait $m2; r2=$?
is "$r1/$r2" "0/0" "two concurrent migrate runs both succeed"
is "$(psql -qAtX -c 'SELECT count(*) FROM schema_migrations')" "$n" "each migration recorded once"
like "$(cat "$TAP_TMP/m1.log")" "0 migration\(s\) applied" "nothing left to apply"

done_testing
