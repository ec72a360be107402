#!/bin/bash
# sync-scc.sh: the SCC target against our SCC peer (tests/peers/scc-calendar-peer.py):
# one event per booking from the crew projection with the service key and an
# Idempotency-Key, PATCHed to later versions and on cancel; changes made while SCC
# fails arrive once, at the latest version; a 4xx leaves a dead row with SCC's
# message, retried from the API; a lost answer or a replayed POST makes no second
# event; an event SCC lost is made again; no money in anything SCC received; and the
# commit-to-arrival latency over 50 changes
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

[ -n "${CHARTER_SCC_PEER_URL:-}" ] || plan skip_all "this stack has no SCC peer (tests/stack down, then up)"
PEER=$CHARTER_SCC_PEER_URL
SYNC_LOG=$STACK_LOG_DIR/sync.log
SYNC_LOG_START=$(stat -c %s "$SYNC_LOG" 2>/dev/null || echo 0)
TAG=$(tr -dc a-z </dev/urandom | head -c 10) # this run's bookings; no digits (the money search)

# Distinctive money: none of it, in any rendering, may reach SCC.
REVENUE=8734519 PORT_FEE=271828 CAPTAIN_FEE=314159
MONEY_FORMS=(8734519 87345.19 '87,345.19' 271828 2718.28 '2,718.28' 314159 3141.59 '3,141.59')

peer() { curl -sS --max-time 10 "$PEER/$1" "${@:2}"; }
# reqs BOOKING [JQ-SELECT]: SCC requests about BOOKING (JSON array)
reqs() { peer "requests?api=scc&booking=$1" | jq -c "[.requests[] | select(${2:-true})]"; }
nreqs() { reqs "$1" "${2:-true}" | jq length; }
fault() { peer fault -H 'Content-Type: application/json' -d "$1" >/dev/null; }
nevents() { peer "events?api=scc&booking=$1" | jq '.events | length'; }
event() { peer "events?api=scc&booking=$1" | jq -c '.events[0]'; }
sql() { psql -qAtX -c "$1"; }
ref_of() { sql "SELECT external_id FROM sync_refs WHERE target = 'scc' AND booking_id = $1"; }
# has_ref BOOKING [NOT-THIS]: sync_refs names an event for BOOKING (other than NOT-THIS)
has_ref() { local r; r=$(ref_of "$1"); [ -n "$r" ] && [[ $r != pending:* ]] && [ "$r" != "${2:-}" ]; }
is_at() { [ "$(event "$1" | jq -r '.data.external_ref.version')" = "$2" ]; }
has() { [ "$(nreqs "$1" "$2")" -ge "${3:-1}" ]; }
dead_row() { api GET /api/sync; jbody ".scc.dead[] | select(.booking_id == $1) | $2"; }
is_dead() { [ -n "$(dead_row "$1" .id)" ]; }
not_dead() { [ -z "$(dead_row "$1" .id)" ]; }

starts=$(date -u -d '+30 days' +%Y-%m-%dT18:00:00Z)
ends=$(date -u -d '+30 days' +%Y-%m-%dT22:00:00Z)
local_starts=$(TZ=America/Los_Angeles date -d "$starts" +%Y-%m-%dT%H:%M:%S%:z)

api POST /api/crew "{\"name\":\"Sam $TAG\",\"email\":\"sam-$TAG@example.com\",\"roles\":[\"captain\"],\"hourly_rate_cents\":6543}"
captain=$(jbody .id)
api POST /api/crew "{\"name\":\"Lee $TAG\",\"email\":\"lee-$TAG@example.com\",\"roles\":[\"deckhand\"],\"hourly_rate_cents\":3021}"
deckhand=$(jbody .id)
[ -n "$captain" ] && [ -n "$deckhand" ] || bail_out "cannot create crew ($STATUS)"

# new_booking NAME: a booking with the distinctive money, two crew and an open slot.
new_booking() {
	api POST /api/bookings "{\"guest_name\":\"$1\",\"guest_email\":\"guest-$TAG@example.com\",
		\"guest_phone\":\"+1 619 555 0199\",\"starts_at\":\"$starts\",\"ends_at\":\"$ends\",
		\"time_zone\":\"America/Los_Angeles\",\"vessel\":\"Jada\",\"meeting_point\":\"Dock 5, Shelter Island\",
		\"party_size\":6,\"checklist\":[\"Sunscreen\"],\"crew_notes\":\"Spinnaker aboard\",
		\"guest_notes\":\"Anniversary\",\"revenue_cents\":$REVENUE,\"port_fee_cents\":$PORT_FEE,
		\"captain_fee_cents\":$CAPTAIN_FEE,
		\"crew\":[{\"crew_id\":$captain,\"role\":\"captain\",\"captain\":true},
			{\"crew_id\":$deckhand,\"role\":\"deckhand\",\"hourly_rate_cents\":3344}],
		\"open_slots\":[{\"role\":\"steward\",\"count\":2,\"hourly_rate_cents\":2800}]}"
	[ "$STATUS" = 201 ] || { diag "booking $1: $STATUS $(body)"; return 1; }
	jbody .id
}

# --- create: one event, the projection's fields, the service key and an Idempotency-Key
a=$(new_booking "Ada $TAG") || bail_out "cannot create a booking"
eventually 10 has "$a" '.method == "POST" and .status == 201'
ok $? "the new booking reaches SCC as a POST"
post=$(reqs "$a" '.method == "POST"' | jq -c '.[0]')
is "$(jq -r '.path' <<<"$post")" /prod/api/events "at API Gateway's URL (stage /prod), /api/events"
is "$(jq -r '.headers["x-service-key"]' <<<"$post")" "<ok>" "with the service key SCC checks by its SHA-256"
is "$(jq -r '.headers["idempotency-key"]' <<<"$post")" "charterd-$a-v1-create" "and an Idempotency-Key naming booking, version and change"
like "$(jq -r '.headers["content-type"]' <<<"$post")" '^application/json' "as JSON"
is "$(jq -r '.body | keys | join(",")' <<<"$post")" \
	"crew,ends_at,external_ref,meeting_point,notes,open_slots,party_size,starts_at,status,time_zone,title,vessel" \
	"the event has the seed's fields and nothing else"
is "$(jq -r '.body | [.vessel, .starts_at, .time_zone, .meeting_point, .notes, .status, .party_size] | join("|")' <<<"$post")" \
	"Jada|$local_starts|America/Los_Angeles|Dock 5, Shelter Island|Spinnaker aboard|confirmed|6" \
	"vessel, start in the boat's zone, meeting point, crew notes, status"
is "$(jq -c '[.body.crew[] | [.name, .role, .captain, .hourly_rate_cents, .external_id]]' <<<"$post")" \
	"[[\"Sam $TAG\",\"captain\",true,6543,$captain],[\"Lee $TAG\",\"deckhand\",false,3344,$deckhand]]" \
	"crew with roles, hourly rates and the captain flag"
is "$(jq -c '[.body.open_slots[] | [.role, .count, .filled, .hourly_rate_cents]]' <<<"$post")" '[["steward",2,0,2800]]' \
	"the open slot"
is "$(jq -c '.body.external_ref' <<<"$post")" "{\"system\":\"charterd\",\"booking_id\":$a,\"version\":1}" \
	"an external reference to the booking and its version"
eventually 5 has_ref "$a"
scc_id=$(event "$a" | jq -r .id)
is "$(ref_of "$a")" "$scc_id" "SCC's event id is kept in sync_refs"

# --- a change: a PATCH to the same event at the new version
api PATCH "/api/bookings/$a" '{"vessel":"Sea Otter"}'
eventually 10 is_at "$a" 2
ok $? "a change reaches SCC"
patch=$(reqs "$a" '.method == "PATCH"' | jq -c '.[0]')
is "$(jq -r '.path' <<<"$patch")" "/prod/api/events/$scc_id" "as a PATCH of the same event"
is "$(jq -r '[.body.vessel, .body.external_ref.version, .headers["idempotency-key"], .headers["x-service-key"]] | join("|")' <<<"$patch")" \
	"Sea Otter|2|charterd-$a-v2-upsert|<ok>" "with the new version and a key of its own"
is "$(nevents "$a")" 1 "still one event"

# --- five quick changes while SCC answers 503: once it answers, ONE update, the latest
fault "{\"api\":\"scc\",\"mode\":\"503\",\"count\":100000,\"booking\":$a}"
for n in 1 2 3 4 5; do api PATCH "/api/bookings/$a" "{\"party_size\":$n}"; done
is "$(jbody .version)" 7 "five changes made (versions 3 to 7)"
eventually 10 has "$a" ".status == 503"
ok $? "SCC refuses them for now (503)"
sleep 1
fault "{\"api\":\"scc\",\"mode\":\"off\",\"booking\":$a}"
eventually 15 is_at "$a" 7
ok $? "once SCC answers, the event is at version 7"
sleep 0.5
applied=$(reqs "$a" '.method == "PATCH" and .status == 200 and .body.external_ref.version >= 3' |
	jq -c '[.[] | .body.external_ref.version]')
is "$applied" "[7]" "SCC received one update, at the latest version (the others collapsed)"
is "$(event "$a" | jq -r '.data.party_size')" 5 "with the last change's content"
is "$(sql "SELECT count(*) FROM outbox WHERE target = 'scc' AND booking_id = $a AND superseded_by IS NOT NULL")" 4 \
	"versions 3 to 6 are marked superseded in the outbox"
is "$(nevents "$a")" 1 "and there is still one event"

# --- cancel: a PATCH with status cancelled
api POST "/api/bookings/$a/cancel"
eventually 10 has "$a" '.method == "PATCH" and .body.status == "cancelled" and .status == 200'
ok $? "a cancel reaches SCC"
is "$(reqs "$a" '.body.status == "cancelled"' | jq -r '.[0] | [.path, .headers["idempotency-key"]] | join(" ")')" \
	"/prod/api/events/$scc_id charterd-$a-v8-cancel" "as a PATCH of the same event"
is "$(event "$a" | jq -r '[.data.status, .id] | join(" ")')" "cancelled $scc_id" "the event is cancelled, not a new one"

# --- an event SCC lost is made again, not a dead end
c=$(new_booking "Cleo $TAG")
eventually 10 has_ref "$c"
old=$(ref_of "$c")
peer forget -H 'Content-Type: application/json' -d "{\"api\":\"scc\",\"id\":\"$old\"}" >/dev/null
api PATCH "/api/bookings/$c" '{"vessel":"Sea Lion"}'
eventually 10 has "$c" '.method == "POST" and .status == 201' 2
ok $? "a PATCH answered 404 leads to a new POST"
is "$(reqs "$c" '.method == "POST"' | jq -r '.[1].headers["idempotency-key"]')" "charterd-$c-v2-recreate" \
	"under a key of its own"
eventually 5 has_ref "$c" "$old"
is "$(ref_of "$c")" "$(event "$c" | jq -r .id)" "sync_refs names the new event"
is "$(event "$c" | jq -r '.data.vessel')" "Sea Lion" "at the latest content"

# --- a 400: dead with SCC's message; other bookings still deliver; retried from the API
b=$(new_booking "Bea $TAG")
eventually 10 has_ref "$b"
fault "{\"api\":\"scc\",\"mode\":\"400\",\"count\":1,\"booking\":$b}"
api PATCH "/api/bookings/$b" '{"vessel":"Refused"}'
eventually 10 is_dead "$b"
ok $? "a 400 from SCC makes the row dead at once"
dead_id=$(dead_row "$b" .id)
is "$(dead_row "$b" .attempts)" 1 "after one attempt"
like "$(dead_row "$b" .last_error)" "^SCC answered 400 to the update: injected fault: SCC refused" \
	"GET /api/sync shows SCC's message"
d=$(new_booking "Dot $TAG")
eventually 10 has "$d" '.method == "POST" and .status == 201'
ok $? "another booking still reaches SCC"
api POST "/api/sync/$dead_id/retry"
is "$STATUS" 200 "POST /api/sync/<id>/retry"
eventually 10 is_at "$b" 2
ok $? "the retried row is delivered"
eventually 5 not_dead "$b"
ok $? "and is no longer dead"

# --- a 401: dead, saying the service key was refused, without the key
fault "{\"api\":\"scc\",\"mode\":\"401\",\"count\":1,\"booking\":$b}"
api PATCH "/api/bookings/$b" '{"vessel":"Refused again"}'
eventually 10 is_dead "$b"
ok $? "a 401 makes the row dead"
err=$(dead_row "$b" .last_error)
like "$err" "^SCC refused the service key" "saying the service key was refused"
[[ $err != *"$CHARTER_SCC_SERVICE_KEY"* ]]
ok $? "without the key"
api POST "/api/sync/$(dead_row "$b" .id)/retry"
eventually 10 is_at "$b" 3
ok $? "retried once the key works, it is delivered"

# --- the answer to a create is lost: the retry POSTs with the same key, one event
fault "{\"api\":\"scc\",\"mode\":\"drop_after\",\"count\":1,\"match\":\"Eve $TAG\"}"
e=$(new_booking "Eve $TAG")
eventually 15 has_ref "$e"
ok $? "a create whose answer was lost is retried until its id is known"
is "$(reqs "$e" '.method == "POST"' | jq -c '[.[] | [.headers["idempotency-key"], .fault, .replayed]]')" \
	"[[\"charterd-$e-v1-create\",\"drop_after\",false],[\"charterd-$e-v1-create\",null,true]]" \
	"twice, with the same Idempotency-Key; SCC answers the second from the first"
is "$(nevents "$e")" 1 "one event, not two"
is "$(ref_of "$e")" "$(event "$e" | jq -r .id)" "its id in sync_refs"

# --- a POST replayed by hand with the same key: the same answer, no second event
replay_status=$(jq -j .raw <<<"$post" | curl -sS --max-time 10 -o "$TAP_TMP/replay" -w '%{http_code}' \
	-H "X-Service-Key: $CHARTER_SCC_SERVICE_KEY" -H 'Content-Type: application/json' \
	-H "Idempotency-Key: charterd-$a-v1-create" --data-binary @- "$CHARTER_SCC_URL/api/events")
is "$replay_status $(jq -r .id "$TAP_TMP/replay")" "201 $scc_id" "a replayed POST gets the first answer"
is "$(nevents "$a")" 1 "and makes no second event"
wrong=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Service-Key: not-the-key' -H 'Content-Type: application/json' \
	-H 'Idempotency-Key: x' -d '{}' "$CHARTER_SCC_URL/api/events")
is "$wrong" 401 "the peer refuses a wrong service key (so the <ok> above means something)"

# --- commit to arrival, 50 changes at a light pace (10/s). The commit's time is the
# outbox row's created_at (its transaction's start, a few ms before the commit), the
# arrival the peer's clock: one machine, one clock.
l=$(new_booking "Lat $TAG")
eventually 10 has_ref "$l"
for n in $(seq 1 50); do
	curl -s -o /dev/null --max-time 10 -X PATCH -H "X-Service-Key: $CHARTER_SERVICE_KEY" \
		-H 'Content-Type: application/json' --data-binary "{\"party_size\":$((n % 9 + 1))}" \
		"$CHARTER_API_URL/api/bookings/$l"
	sleep 0.1
done
eventually 15 is_at "$l" 51
ok $? "all 50 changes reached SCC"
for api_name in scc calendar; do
	sql "SELECT version, extract(epoch FROM created_at) FROM outbox
		WHERE target = '$api_name' AND booking_id = $l AND version > 1" | tr '|' ' ' >"$TAP_TMP/sent"
	peer "requests?api=$api_name&booking=$l" |
		jq -r '.requests[] | select((.method == "PATCH" or .method == "PUT") and .status == 200) |
			"\(.body.external_ref.version) \(.at)"' >"$TAP_TMP/arrived"
	read -r count p50 p99 worst < <(/usr/bin/python3 - "$TAP_TMP/sent" "$TAP_TMP/arrived" <<-'EOF'
	import sys
	sent = dict(l.split() for l in open(sys.argv[1]))
	got = {}
	for l in open(sys.argv[2]):
	    v, t = l.split()
	    got.setdefault(v, float(t))
	ms = sorted((got[v] - float(sent[v])) * 1000 for v in got if v in sent)
	p = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]
	print("%d %.1f %.1f %.1f" % (len(ms), p(0.5), p(0.99), ms[-1]) if ms else "0 - - -")
	EOF
	)
	note "$api_name: $count of 50 changes arrived one by one; commit to arrival p50 $p50 ms, p99 $p99 ms, max $worst ms"
	[ "$api_name" = scc ] || continue
	[ "$count" -ge 40 ]
	ok $? "SCC got at least 40 of the 50 changes one by one ($count; the rest collapsed)"
	[ "${p50%.*}" -lt 1000 ] 2>/dev/null
	ok $? "half of them within a second of the commit (p50 $p50 ms)"
done

# --- no money anywhere SCC was sent
peer "requests?api=scc" >"$TAP_TMP/scc-requests"
total=$(jq '.requests | length' "$TAP_TMP/scc-requests")
[ "$total" -ge 70 ]
ok $? "every request SCC received is searched ($total)"
leaks=$(jq -r --argjson forms "$(printf '%s\n' "${MONEY_FORMS[@]}" | jq -R . | jq -sc .)" \
	'[.requests[].raw as $r | $forms[] | select(. as $f | $r | contains($f))] | unique | join(" ")' \
	"$TAP_TMP/scc-requests")
is "$leaks" "" "no revenue, port fee or captain fee in any form in anything SCC received"
leaks=$(jq -r '.requests[].raw' "$TAP_TMP/scc-requests" |
	grep -oiE "revenue|port_fee|captain_fee|guest-$TAG|555 0199|$(sql "SELECT slug FROM bookings WHERE id = $a")" |
	sort -u | tr '\n' ' ')
is "$leaks" "" "nor guest contact, nor a guest page's slug"

found=$(tail -c +"$((SYNC_LOG_START + 1))" "$SYNC_LOG" | grep -E -m 5 \
	'worker [0-9]+ (died of signal|exited with)|Sanitizer|runtime error:')
is "$found" "" "no sync worker crashed"
grep -qF -- "$CHARTER_SCC_SERVICE_KEY" "$SYNC_LOG"
isnt $? 0 "the service key is not in sync's log"
no_worker_crashed
done_testing
