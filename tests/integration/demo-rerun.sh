#!/bin/bash
# demo-rerun.sh: scripts/demo never destroys data. After charterd is killed, after a
# stop, and when a port it owns is taken, a rerun keeps every booking and the peers'
# data; only `scripts/demo reset` deletes. The demo runs from a private copy of the
# checkout inside a mode-0700 folder (as under /root), on free ports, with the binary
# the suite built (CHARTER_SKIP_BUILD=1).
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

N=12
top=$(mktemp -d "${TMPDIR:-/tmp}/charterd-demo-rerun.XXXXXX") # mode 0700
src=$top/charterd
demo=$top/private/demo # CHARTER_DEMO_DIR
listener=
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
hp=$(free_port)
ap=$(free_port)

# rundemo ARGS...: scripts/demo of the copy with a clean environment; output in $out, status in $rc.
rundemo() {
	out=$(env -i PATH="$PATH" HOME="${HOME:-/root}" LANG=C.UTF-8 \
		${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} ${UBSAN_OPTIONS:+UBSAN_OPTIONS="$UBSAN_OPTIONS"} \
		CHARTER_SKIP_BUILD=1 CHARTERD="$CHARTERD" CHARTER_WORKERS=2 \
		CHARTER_HTTP_PORT="$hp" CHARTER_API_PORT="$ap" CHARTER_DEMO_DIR="$demo" \
		bash "$src/scripts/demo" "$@" 2>&1)
	rc=$?
}

cleanup() {
	[ -z "$listener" ] || kill "$listener" 2>/dev/null
	[ ! -d "$src" ] || rundemo reset
	rm -rf "$top"
}
trap 'st=$?; cleanup; (exit $st); _tap_exit' EXIT

# What the demo reads from a checkout; node_modules is big and only run by root.
mkdir -p "$src/tests" "$top/private"
for d in scripts nginx static templates sql package.json package-lock.json; do
	cp -a "$CHARTER_SRCDIR/$d" "$src/$d"
done
cp -a "$CHARTER_SRCDIR/tests/peers" "$src/tests/peers"
ln -s "$CHARTER_SRCDIR/node_modules" "$src/node_modules"

# denv VAR: VAR from the demo's settings file; dstack VAR: from its stack.env.
# shellcheck disable=SC1090,SC1091
denv() { (set -a; . "$demo.env"; printf '%s' "${!1}"); }
dstack() { (set -a; . "$demo/stack.env"; printf '%s' "${!1}"); }
dsql() { (set -a; . "$demo/stack.env"; psql -qAtX -v ON_ERROR_STOP=1 -c "$1" 2>&1); }
dapi() {
	http "$1" "$(denv CHARTER_API_URL)$2" -H "X-Service-Key: $(denv CHARTER_SERVICE_KEY)" \
		-H 'Content-Type: application/json' ${3:+--data-binary "$3"}
}
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
pidof_demo() { cut -d' ' -f1 "$demo/run/$1.pid" 2>/dev/null; }
seed_url() { sed -n 's/^guest_url=//p' "$demo/info.txt" 2>/dev/null; }

# 1. First start, from the 0700 folder.
t0=$SECONDS
rundemo
is "$rc" 0 "scripts/demo starts from a checkout in a mode-0700 folder" || diag "$out"
like "$out" "Guest page +http://127.0.0.1:$hp/g/" "and prints the guest page on CHARTER_HTTP_PORT"
if [ "$(id -u)" -eq 0 ]; then
	like "$(readlink "$demo")" '^/var/tmp/charterd-demo-[0-9a-f]{12}$' \
		"as root, the stack lives outside the private folder"
	nginx_pid=$(pidof_demo nginx)
	is "$(ps -o user= --ppid "$nginx_pid" | sort -u | paste -sd,)" "www-data" "nginx workers run as www-data, never root"
else
	skip "not root: services run as $(id -un) in place"
	skip "not root"
fi
seed=$(seed_url)
http GET "$seed"
is "$STATUS" 200 "the seeded guest page answers"

# 1b. The seed booking is on every target (sync and every peer started, switched on),
# with no money in any of them, and the demo says where to look.
peer=$(dstack CHARTER_SCC_PEER_URL) mailui=$(dstack CHARTER_MAIL_UI)
mailui=${mailui%/} # maildev answers no //email
like "$out" "Mail inbox +${mailui//./\\.}" "the demo prints the mail inbox"
like "$out" "SCC events +${peer//./\\.}/events\\?api=scc" "and where SCC's events are"
like "$out" "Calendar +${peer//./\\.}/events\\?api=calendar" "and the calendar's entries"
bid=$(sed -n 's/^booking_id=//p' "$demo/info.txt")
page_file="$(dstack CHARTER_PUBLISH_DIR)/g/${seed##*/}.html"
records() { curl -sf "$peer/events?api=$1&booking=$bid"; }
seed_item() {
	(set -a; . "$demo/stack.env"; /usr/bin/python3 - "$bid" <<-'EOF'
	import json, os, sys, botocore.session
	c = botocore.session.get_session().create_client("dynamodb", region_name=os.environ["CHARTER_AWS_REGION"],
	    endpoint_url=os.environ["CHARTER_DYNAMO_ENDPOINT"])
	print(json.dumps(c.get_item(TableName=os.environ["CHARTER_DYNAMO_TABLE"], ConsistentRead=True,
	    Key={"pk": {"S": "booking#" + sys.argv[1]}, "sk": {"S": "event"}}).get("Item", {})))
	EOF
	) 2>/dev/null
}
seed_mails() { curl -sfG "$mailui/email" --data-urlencode "to.address=jordan.rivera@example.com"; }
everywhere() {
	[ -f "$page_file" ] && [ "$(records scc | jq '.events | length')" = 1 ] &&
		[ "$(records calendar | jq '.events | length')" = 1 ] &&
		[ "$(seed_item | jq -r '.version.N')" = 1 ] && [ "$(seed_mails | jq length)" = 1 ]
}
eventually 15 everywhere
ok $? "the seed booking is the published page, an SCC event, a calendar entry, a DynamoDB item and a mail" ||
	diag "page $(ls "$page_file" 2>&1)" "scc $(records scc | jq -c '[.events[].id]')" \
		"calendar $(records calendar | jq -c '[.events[].id]')" "item $(seed_item | jq -c .version)" \
		"mails $(seed_mails | jq length)"
took=$(dsql "SELECT round(extract(epoch FROM max(done_at - created_at)) * 1000) FROM outbox WHERE booking_id = $bid")
note "the seed booking reached the last target ${took} ms after its commit"
[ "${took:-99999}" -lt 5000 ] 2>/dev/null
ok $? "within seconds of its commit (${took} ms; a second on an idle machine)"
all=$(cat "$page_file"; records scc; records calendar; seed_item; seed_mails | jq -r '.[] | .subject, .text, .html')
unlike "$all" '185000|1850\.00|1,850|35000|350\.00|revenue|port_fee|captain_fee' \
	"no revenue or captain fee (1,850.00, 350.00) in any of them"
unlike "$(cat "$page_file"; records calendar; seed_mails | jq -r '.[] | .subject, .text, .html')" "$MONEY_RE" \
	"no currency amount in the page, the calendar entry or the mail"

rundemo status
is "$rc" 0 "scripts/demo status: every service runs" || diag "$out"
like "$out" "sync: up \([0-9]+, [1-9][0-9]* workers" "sync among them, with its workers"

# 2. Bookings through the API.
ids=()
for i in $(seq 1 "$N"); do
	day=$(printf '2030-06-%02d' "$i")
	dapi POST /api/bookings "{\"guest_name\":\"Rerun Guest $i\",\"starts_at\":\"${day}T17:00:00Z\",
		\"ends_at\":\"${day}T21:00:00Z\",\"vessel\":\"Jada\",\"checklist\":[],
		\"revenue_cents\":1000,\"port_fee_cents\":0,\"captain_fee_cents\":0}"
	[ "$STATUS" = 201 ] && ids+=("$(jbody .id)")
done
is "${#ids[@]}" "$N" "$N bookings created"
before=$(dsql 'SELECT count(*) FROM bookings')
is "$before" $((N + 1)) "the database holds them and the seed"

# Data in every peer: an object in s3rver, an item in dynalite, a mail in maildev.
s3raw=$(dstack CHARTER_S3_RAW_ENDPOINT)/$(dstack CHARTER_PHOTO_BUCKET)/rerun-test.txt
curl -sS -o /dev/null -X PUT --data-binary 'kept across restarts' "$s3raw"
dynamo() {
	(set -a; . "$demo/stack.env"; /usr/bin/python3 - "$1" <<-'EOF'
	import os, sys, botocore.session
	c = botocore.session.get_session().create_client("dynamodb", region_name=os.environ["CHARTER_AWS_REGION"],
	    endpoint_url=os.environ["CHARTER_DYNAMO_ENDPOINT"])
	t, k = os.environ["CHARTER_DYNAMO_TABLE"], {"pk": {"S": "rerun-test"}, "sk": {"S": "item"}}
	if sys.argv[1] == "put":
	    c.put_item(TableName=t, Item=dict(k, v={"S": "kept"}))
	print(c.get_item(TableName=t, Key=k).get("Item", {}).get("v", {}).get("S", "missing"))
	EOF
	) 2>&1
}
is "$(dynamo put)" kept "an item stored in dynalite"
printf 'Subject: rerun test\r\n\r\nkept\r\n' >"$TAP_TMP/mail.txt"
curl -sS --url "$(dstack CHARTER_SMTP_URL)" --mail-from a@charterd.test --mail-rcpt b@charterd.test \
	-T "$TAP_TMP/mail.txt" >/dev/null 2>&1
mails() { curl -s "$(dstack CHARTER_MAIL_UI)email" | jq '[.[] | select(.subject == "rerun test")] | length'; }
is "$(mails)" 1 "a mail caught by maildev"

# 3. charterd dies (SIGKILL to the supervisor and its workers, the processes we started).
parent=$(pidof_demo charterd)
victims="$parent $(pgrep -P "$parent" | tr '\n' ' ')"
# shellcheck disable=SC2086
kill -KILL $victims
end=$((SECONDS + 10))
for p in $victims; do while alive "$p" && [ $SECONDS -lt $end ]; do sleep 0.1; done; done
http GET "$(denv CHARTER_PUBLIC_URL)/healthz"
isnt "$STATUS" 200 "with charterd killed, /healthz fails"
# and sync stopped (SIGTERM: it finishes the delivery in hand)
spid=$(pidof_demo sync)
kill -TERM "$spid"
eventually 20 bash -c "! kill -0 $spid 2>/dev/null"
rundemo status
isnt "$rc" 0 "scripts/demo status fails"
like "$out" "charterd: DOWN" "and says charterd is down" || diag "$out"
like "$out" "sync: DOWN" "and sync too"
like "$out" "postgres: up" "while the others run"
rundemo
is "$rc" 0 "rerunning scripts/demo after the crash succeeds" || diag "$out"
like "$out" "again" "and says it starts the existing demo again"
unlike "$out" "seeding" "without seeding a second demo booking"
is "$(dsql 'SELECT count(*) FROM bookings')" "$before" "every booking is still there"
is "$(dsql "SELECT count(*) FROM bookings WHERE guest_name = 'Jordan Rivera'")" 1 "one demo booking"
is "$(seed_url)" "$seed" "the same guest link"
kept=0
for id in "${ids[@]}"; do
	dapi GET "/api/bookings/$id"
	[ "$STATUS/$(jbody .guest_name)" = "200/Rerun Guest $((kept + 1))" ] && kept=$((kept + 1))
done
is "$kept" "$N" "the API answers each booking with the same secrets"
http GET "$seed"
is "$STATUS" 200 "the guest page answers"
rundemo status
is "$rc" 0 "scripts/demo status: every service runs again" || diag "$out"
# sync is back: a change made now reaches SCC; the seed's mail was not sent again
bid=${ids[0]}
dapi PATCH "/api/bookings/$bid" '{"guest_name":"Rerun Guest Renamed"}'
is "$STATUS" 200 "a booking changed after the rerun"
eventually 15 bash -c "curl -sf '$peer/events?api=scc&booking=$bid' | jq -e '.events[0].data.external_ref.version == 2' >/dev/null"
ok $? "reaches SCC at its new version: sync runs again" || diag "$(records scc)"
is "$(seed_mails | jq length)" 1 "the seed booking's confirmation was mailed once"

# 4. stop keeps the data; a start after it finds the peers' data too.
rundemo stop
is "$rc" 0 "scripts/demo stop" || diag "$out"
left=0
for n in postgres s3rver s3proxy dynalite dynproxy maildev sccpeer cloudfront charterd sync nginx; do alive "$(pidof_demo "$n")" && left=$((left + 1)); done
is "$left" 0 "stops every service"
rundemo status
isnt "$rc" 0 "scripts/demo status after a stop fails"
like "$out" "postgres: stopped" "and says what is stopped" || diag "$out"
like "$out" "sync: stopped" "sync included"
rundemo
is "$rc" 0 "scripts/demo after a stop" || diag "$out"
is "$(dsql 'SELECT count(*) FROM bookings')" "$before" "keeps every booking"
is "$(curl -s "$s3raw")" "kept across restarts" "keeps the S3 objects"
is "$(dynamo get)" kept "keeps the DynamoDB items"
is "$(mails)" 1 "keeps the caught mail"
bid=$(sed -n 's/^booking_id=//p' "$demo/info.txt")
is "$(records scc | jq '.events | length')/$(records calendar | jq '.events | length')" 1/1 \
	"keeps the SCC event and the calendar entry"

# 5. A port the demo owns, taken by someone else: say so, delete nothing.
rundemo stop
/usr/bin/python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); time.sleep(120)' "$hp" &
listener=$!
for i in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$hp") 2>/dev/null && break; sleep 0.1; done
rundemo
isnt "$rc" 0 "a start whose port is taken fails"
like "$out" "127\.0\.0\.1:$hp \(nginx\), now taken" "and names the port and the service" || diag "$out"
[ -f "$demo/stack.env" ] && [ -d "$demo/pg/data" ]
ok $? "and deletes nothing"
kill "$listener"; wait "$listener" 2>/dev/null; listener=
rundemo
is "$rc/$(dsql 'SELECT count(*) FROM bookings')" "0/$before" "once the port is free, the demo comes back with its data" || diag "$out"

# 6. reset deletes; the next start is fresh.
real=$(readlink -f "$demo")
rundemo reset
is "$rc" 0 "scripts/demo reset" || diag "$out"
like "$out" "deleted" "says it deleted the data"
[ ! -e "$demo" ] && [ ! -L "$demo" ] && [ ! -e "$demo.env" ] && [ ! -e "$real" ]
ok $? "var/demo, its /var/tmp folder and demo.env are gone"
rundemo
is "$rc" 0 "a start after reset" || diag "$out"
is "$(dsql 'SELECT count(*) FROM bookings')" 1 "begins from a fresh database with one demo booking"
note "demo-rerun took $((SECONDS - t0)) s"

done_testing
