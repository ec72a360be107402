#!/bin/bash
# sync-calendar.sh: the calendar target against our calendar peer (tests/peers/scc-calendar-peer.py):
# one entry per booking with the dashboard token and an Idempotency-Key, PUT whole on
# a change, DELETEd on cancel (already gone counts as done); a peer that answers
# 503, drops the connection, answers slowly or hangs until the client gives up only
# delays the change; a 401 leaves a dead row saying the token was refused; no money
# and no rate in any entry
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

[ -n "${CHARTER_SCC_PEER_URL:-}" ] || plan skip_all "this stack has no calendar peer (tests/stack down, then up)"
PEER=$CHARTER_SCC_PEER_URL
TAG=$(tr -dc a-z </dev/urandom | head -c 10) # no digits: the money search looks for digits

REVENUE=5827361 PORT_FEE=193746 CAPTAIN_FEE=462913
MONEY_FORMS=(5827361 58273.61 '58,273.61' 193746 1937.46 '1,937.46' 462913 4629.13 '4,629.13'
	7123 71.23 3388 33.88 2655 26.55)	# the last six: the hourly rates, in cents and dollars

peer() { curl -sS --max-time 10 "$PEER/$1" "${@:2}"; }
reqs() { peer "requests?api=calendar&booking=$1" | jq -c "[.requests[] | select(${2:-true})]"; }
nreqs() { reqs "$1" "${2:-true}" | jq length; }
fault() { peer fault -H 'Content-Type: application/json' -d "$1" >/dev/null; }
nentries() { peer "events?api=calendar&booking=$1" | jq '.events | length'; }
entry() { peer "events?api=calendar&booking=$1" | jq -c '.events[0]'; }
sql() { psql -qAtX -c "$1"; }
ref_of() { sql "SELECT external_id FROM sync_refs WHERE target = 'calendar' AND booking_id = $1"; }
has_ref() { local r; r=$(ref_of "$1"); [ -n "$r" ] && [[ $r != pending:* ]]; }
has() { [ "$(nreqs "$1" "$2")" -ge "${3:-1}" ]; }
is_at() { [ "$(entry "$1" | jq -r '.data.external_ref.version')" = "$2" ]; }
# row BOOKING VERSION COLUMN: the calendar outbox row's COLUMN
row() { sql "SELECT $3 FROM outbox WHERE target = 'calendar' AND booking_id = $1 AND version = $2 ORDER BY id DESC LIMIT 1"; }
row_is() { [ "$(row "$1" "$2" state)" = "$3" ]; }

starts=$(date -u -d '+40 days' +%Y-%m-%dT17:30:00Z)
ends=$(date -u -d '+40 days' +%Y-%m-%dT21:00:00Z)
local_starts=$(TZ=America/Los_Angeles date -d "$starts" +%Y-%m-%dT%H:%M:%S%:z)
local_ends=$(TZ=America/Los_Angeles date -d "$ends" +%Y-%m-%dT%H:%M:%S%:z)

api POST /api/crew "{\"name\":\"Ann $TAG\",\"email\":\"ann-$TAG@example.com\",\"roles\":[\"captain\"],\"hourly_rate_cents\":7123}"
captain=$(jbody .id)
api POST /api/crew "{\"name\":\"Bo $TAG\",\"email\":\"bo-$TAG@example.com\",\"roles\":[\"deckhand\"],\"hourly_rate_cents\":3388}"
deckhand=$(jbody .id)
if [ -z "$captain" ] || [ -z "$deckhand" ]; then bail_out "cannot create crew ($STATUS)"; fi

new_booking() {
	api POST /api/bookings "{\"guest_name\":\"$1\",\"guest_email\":\"guest-$TAG@example.com\",
		\"starts_at\":\"$starts\",\"ends_at\":\"$ends\",\"vessel\":\"Jada\",
		\"meeting_point\":\"Harbor Island West Marina, dock C\",\"party_size\":4,\"checklist\":[],
		\"crew_notes\":\"Lines coiled by 9\",\"revenue_cents\":$REVENUE,\"port_fee_cents\":$PORT_FEE,
		\"captain_fee_cents\":$CAPTAIN_FEE,
		\"crew\":[{\"crew_id\":$captain,\"role\":\"captain\",\"captain\":true},
			{\"crew_id\":$deckhand,\"role\":\"deckhand\"}],
		\"open_slots\":[{\"role\":\"steward\",\"count\":1,\"hourly_rate_cents\":2655}]}"
	[ "$STATUS" = 201 ] || { diag "booking $1: $STATUS $(body)"; return 1; }
	jbody .id
}

# --- create: one entry, who/when/where, the dashboard token and an Idempotency-Key
a=$(new_booking "Grace $TAG") || bail_out "cannot create a booking"
eventually 10 has "$a" '.method == "POST" and .status == 201'
ok $? "the new booking reaches the calendar as a POST"
post=$(reqs "$a" '.method == "POST"' | jq -c '.[0]')
is "$(jq -r '.path' <<<"$post")" /jada/calendar "to /calendar"
is "$(jq -r '.headers["x-dashboard-token"]' <<<"$post")" "<ok>" "with the dashboard token"
is "$(jq -r '.headers["idempotency-key"]' <<<"$post")" "charterd-$a-v1-create" "and an Idempotency-Key"
is "$(jq -r '.body | keys | join(",")' <<<"$post")" \
	"crew,ends_at,external_ref,location,notes,party_size,starts_at,status,time_zone,title,vessel" \
	"the entry has its fields and nothing else"
is "$(jq -r '.body | [.title, .starts_at, .ends_at, .time_zone, .vessel, .location, .notes, .status] | join("|")' <<<"$post")" \
	"Charter: Jada — Grace $TAG|$local_starts|$local_ends|America/Los_Angeles|Jada|Harbor Island West Marina, dock C|Lines coiled by 9|confirmed" \
	"title, start and end with the boat's offset, zone, vessel, location, crew notes, status"
is "$(jq -c '.body.crew' <<<"$post")" \
	"[{\"name\":\"Ann $TAG\",\"role\":\"captain\",\"captain\":true},{\"name\":\"Bo $TAG\",\"role\":\"deckhand\",\"captain\":false}]" \
	"crew names and roles, no rates"
eventually 5 has_ref "$a"
cal_id=$(entry "$a" | jq -r .id)
is "$(ref_of "$a")" "$cal_id" "the entry's id is kept in sync_refs"

# --- a change: the entry PUT whole at the new version
api PATCH "/api/bookings/$a" '{"meeting_point":"Shelter Island, slip 12"}'
eventually 10 is_at "$a" 2
ok $? "a change reaches the calendar"
put=$(reqs "$a" '.method == "PUT"' | jq -c '.[0]')
is "$(jq -r '[.path, .headers["idempotency-key"], .body.location] | join("|")' <<<"$put")" \
	"/jada/calendar/$cal_id|charterd-$a-v2-upsert|Shelter Island, slip 12" "as a PUT of the same entry"
is "$(nentries "$a")" 1 "still one entry"

# --- a peer that fails for a while: 503, a dropped connection, a slow answer
fault "{\"api\":\"calendar\",\"mode\":\"503\",\"count\":2,\"booking\":$a}"
fault "{\"api\":\"calendar\",\"mode\":\"drop\",\"count\":1,\"booking\":$a}"
api PATCH "/api/bookings/$a" '{"party_size":5}'
eventually 15 is_at "$a" 3
ok $? "after two 503s and a dropped connection the change arrives"
is "$(reqs "$a" '.body.external_ref.version == 3' | jq -c '[.[] | .status]')" '[503,503,"dropped",200]' \
	"the peer saw four tries, in that order"
# curl itself sends a request again, once, when a kept-alive connection closes
# without an answer: the drop may cost no attempt of ours.
like "$(row "$a" 3 "state || ' ' || attempts")" "^done [34]$" "the row is done, after 3 or 4 attempts"
fault "{\"api\":\"calendar\",\"mode\":\"slow\",\"delay_ms\":700,\"count\":1,\"booking\":$a}"
api PATCH "/api/bookings/$a" '{"party_size":6}'
eventually 10 row_is "$a" 4 "done"
ok $? "a slow answer (0.7 s) is waited for"
is "$(row "$a" 4 attempts)" 1 "in one attempt"

# --- a 401: dead, saying the dashboard token was refused; retried, delivered
fault "{\"api\":\"calendar\",\"mode\":\"401\",\"count\":1,\"booking\":$a}"
api PATCH "/api/bookings/$a" '{"party_size":7}'
eventually 10 row_is "$a" 5 dead
ok $? "a 401 makes the row dead"
api GET /api/sync
err=$(jbody ".calendar.dead[] | select(.booking_id == $a) | .last_error")
like "$err" "^the calendar refused the dashboard token" "GET /api/sync says the token was refused"
[[ $err != *"$CHARTER_CALENDAR_TOKEN"* ]]
ok $? "without the token"
api POST "/api/sync/$(row "$a" 5 id)/retry"
eventually 10 is_at "$a" 5
ok $? "retried, it is delivered"

# --- hang: the peer holds the request; sync gives up at its timeout and tries again
timeout_ms=$(sed -n 's/^CHARTER_SYNC_TIMEOUT_MS=//p' "$STACK_DIR/sync.env")
timeout_s=$(( ${timeout_ms:-30000} / 1000 ))
fault "{\"api\":\"calendar\",\"mode\":\"hang\",\"count\":1,\"booking\":$a}"
t0=$SECONDS
api PATCH "/api/bookings/$a" '{"party_size":8}'
eventually 10 has "$a" '.status == "hung"'
ok $? "the calendar holds the request without answering"
api GET /api/sync
is "$(jbody .calendar.delivering)" 1 "meanwhile the row is in delivery"
api PATCH "/api/bookings/$a" '{"party_size":9}'
eventually $((timeout_s + 20)) is_at "$a" 7
ok $? "once sync gives up on it, the changes arrive"
waited=$((SECONDS - t0))
[ "$waited" -ge $((timeout_s - 1)) ] && [ "$waited" -le $((timeout_s + 20)) ]
ok $? "after the outbound timeout (${waited}s, CHARTER_SYNC_TIMEOUT_MS ${timeout_ms:-30000} ms)"
is "$(row "$a" 6 "state || ' ' || coalesce(superseded_by::text, '-')")" "done $(row "$a" 7 id)" \
	"the hung change was superseded by the newer one"
is "$(nentries "$a")" 1 "still one entry"

# --- cancel: DELETE; and one whose entry is already gone is done, not dead
api POST "/api/bookings/$a/cancel"
eventually 10 has "$a" '.method == "DELETE" and .status == 204'
ok $? "a cancel DELETEs the entry"
is "$(reqs "$a" '.method == "DELETE"' | jq -r '.[0] | [.path, .headers["idempotency-key"], .raw] | join("|")')" \
	"/jada/calendar/$cal_id|charterd-$a-v8-cancel|" "that very entry, no body"
is "$(nentries "$a")" 0 "the calendar no longer has it"
b=$(new_booking "Hopper $TAG")
eventually 10 has_ref "$b"
b_id=$(ref_of "$b")
peer forget -H 'Content-Type: application/json' -d "{\"api\":\"calendar\",\"id\":\"$b_id\"}" >/dev/null
api POST "/api/bookings/$b/cancel"
eventually 10 row_is "$b" 2 "done"
ok $? "a DELETE answered 404 (gone already) is done"
is "$(peer "requests?api=calendar" | jq -c --arg p "/jada/calendar/$b_id" '[.requests[] | select(.path == $p) | [.method, .status]]')" \
	'[["DELETE",404]]' "after one DELETE"

# --- a create that failed, then a cancel: the create is resumed under its key, then deleted
fault "{\"api\":\"calendar\",\"mode\":\"503\",\"count\":1,\"match\":\"Lamarr $TAG\"}"
c=$(new_booking "Lamarr $TAG")
eventually 10 has "$c" '.status == 503'
api POST "/api/bookings/$c/cancel"
eventually 10 row_is "$c" 2 "done"
ok $? "created while the calendar failed, then cancelled: both rows settle"
is "$(reqs "$c" 'true' | jq -c '[.[] | [.method, .headers["idempotency-key"], .status]]')" \
	"[[\"POST\",\"charterd-$c-v1-create\",503],[\"POST\",\"charterd-$c-v1-create\",201],[\"PUT\",\"charterd-$c-v1-upsert-again\",200],[\"DELETE\",\"charterd-$c-v2-cancel\",204]]" \
	"the create retried under its key (then PUT, in case it was made from an older version), then deleted"
is "$(nentries "$c")" 0 "no entry is left on the calendar"

# --- no money, no rates: in this test's entries no amount in any form (the external
# reference, which holds the booking id, left out), and in every entry no field but these
peer "requests?api=calendar" >"$TAP_TMP/cal-requests"
jq -c --arg tag "$TAG" '.requests[] | select(.raw | contains($tag))' "$TAP_TMP/cal-requests" >"$TAP_TMP/ours"
total=$(wc -l <"$TAP_TMP/ours")
[ "$total" -ge 15 ]
ok $? "every request of this test is searched ($total)"
leaks=$(jq -r --argjson forms "$(printf '%s\n' "${MONEY_FORMS[@]}" | jq -R . | jq -sc .)" \
	'.body | del(.external_ref) | tojson as $r | $forms[] | select(. as $f | $r | contains($f))' \
	"$TAP_TMP/ours" | sort -u | tr '\n' ' ')
is "$leaks" "" "no revenue, fee or hourly rate in any form"
unlike "$(jq -r '.raw' "$TAP_TMP/ours")" "$MONEY_RE" "no currency amount"
fields=$(jq -r '.requests[].body | select(type == "object") | [.. | objects | keys[]] | .[]' "$TAP_TMP/cal-requests" |
	sort -u | tr '\n' ' ')
is "$fields" "booking_id captain crew ends_at external_ref location name notes party_size role starts_at status system time_zone title version vessel " \
	"no money, rate or contact field in any entry the calendar received"
unlike "$(jq -r '.raw' "$TAP_TMP/ours")" "guest-$TAG" "no guest contact"

grep -qF -- "$CHARTER_CALENDAR_TOKEN" "$STACK_LOG_DIR/sync.log"
isnt $? 0 "the dashboard token is not in sync's log"
no_worker_crashed
done_testing
