#!/bin/bash
# sync-outage.sh: every target down at once for a while (SCC and the calendar hanging,
# then answering 503; the DynamoDB proxy stopped; maildev stopped; the publish folder
# unwritable), bookings created, changed and cancelled meanwhile, /metrics and GET
# /api/sync telling what waits and why; then everything back (maildev on its mail
# folder): each change arrives once, at the latest version where changes collapse,
# checked at the peers: SCC's events, the calendar's entries, the DynamoDB items,
# the mails in maildev, the published files. Then a target answering 4xx: that row
# is dead with the target's message, other rows and targets go on, a newer change is
# not undone when the dead one is retried from the API. A private sync, database,
# serve and peers (tests/lib/sync-private.sh): nothing shared is stopped.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"
. "$CHARTER_SRCDIR/tests/lib/sync-private.sh"

TAG=$(tr -dc a-z </dev/urandom | head -c 8)
TARGETS="publish mail dynamo scc calendar"
OPERATOR=$(sed -n 's/^CHARTER_CONTACT_EMAIL=//p' "$STACK_DIR/sync.env")
sp_init outage
sp_mail_start nowait
sp_scc_start
sp_dynamo_start
sp_serve_start
sp_mail_wait
sp_sync_start main CHARTER_SYNC_TIMEOUT_MS=2000 CHARTER_SYNC_BACKOFF_MS=100 \
	CHARTER_SYNC_BACKOFF_MAX_S=1 CHARTER_SYNC_MAX_ATTEMPTS=1000 CHARTER_SYNC_POLL_S=1
note "setup (database, peers, serve, sync): $(sp_elapsed) s"
g=$SP_DIR/publish/g
restore() { chmod 0755 "$g" 2>/dev/null; }

# Bookings and their changes go in as the API makes them (sp_booking, sp_change: the
# row and record_booking_change() in one transaction), without a FastCGI call each.
slug_of() { psql_db "SELECT slug FROM bookings WHERE id = $1"; }
version_of() { psql_db "SELECT version FROM bookings WHERE id = $1"; }
# applied API BOOKING: what the peer applied for the booking (2xx, not answered from an
# earlier request's key), as "METHOD:version" words.
applied() {
	sp_peer "requests?api=$1&booking=$2" | jq -r '[.requests[] | select((.status | type) == "number"
		and .status < 300 and .replayed == false) |
		"\(.method):\(.body.external_ref.version // "-")"] | join(" ")'
}
# keys_once API BOOKING: no Idempotency-Key was applied twice for the booking.
keys_once() {
	sp_peer "requests?api=$1&booking=$2" | jq -e '[.requests[] | select((.status | type) == "number"
		and .status < 300 and .replayed == false) | .headers["idempotency-key"]] |
		length == (unique | length)' >/dev/null
}
record() { sp_peer "events?api=$1&booking=$2" | jq -c '[.events[] | .data | {v: .external_ref.version, status, vessel}]'; }
item() { sp_items "$1" | jq -c '.event | {v: .version, status, vessel}'; }
nmails() { sp_mails_to "$1" | jq length; }
metrics() { papi GET /metrics; body; }
metric() { metrics | sed -n "s/^$1{target=\"$2\"} //p"; }
pending_everywhere() {
	local t m
	m=$(metrics)
	for t in $TARGETS; do
		[[ $m =~ charterd_sync_pending\{target=\"$t\"\}\ [1-9] ]] || return 1
		[[ $m =~ charterd_sync_failed_total\{target=\"$t\"\}\ [1-9] ]] || return 1
	done
}
nothing_waits() {
	[ "$(psql_db "SELECT count(*) FROM outbox WHERE state IN ('pending', 'delivering') AND (due_at IS NULL OR due_at <= now())")" = 0 ]
}

# --- before: one booking everywhere
p=$(sp_booking "Pat $TAG" "pat-$TAG@example.com") || bail_out "cannot book"
delivered_p() {
	[ "$(record scc "$p" | jq -r '.[0].v')/$(record calendar "$p" | jq -r '.[0].v')" = 1/1 ] &&
		[ "$(item "$p" | jq .v)" = 1 ] && [ "$(nmails "pat-$TAG@example.com")" = 1 ] &&
		[ -f "$g/$(slug_of "$p").html" ]
}
eventually 20 delivered_p; ok $? "a booking reaches all five targets"
declare -A delivered_before=()
for t in $TARGETS; do delivered_before[$t]=$(metric charterd_sync_delivered_total "$t"); done

note "before: $(sp_elapsed) s"
# --- every target down
sp_fault '{"api":"scc","mode":"hang","count":1}'
sp_fault '{"api":"any","mode":"503","count":100000}'
sp_stop dynamo
sp_stop mail
chmod 0555 "$g"
trap 'sp_rc=$?; restore; sp_cleanup; (exit $sp_rc); _tap_exit' EXIT
t_down=$SECONDS
n=$(sp_booking "Noa $TAG" "noa-$TAG@example.com")
c=$(sp_booking "Cy $TAG" "cy-$TAG@example.com")
psql_each "$(sp_change_sql "$p" "vessel = 'Otter 2'")" "$(sp_change_sql "$p" "vessel = 'Otter 3'")" \
	"$(sp_change_sql "$n" "vessel = 'Heron 2'")" "$(sp_change_sql "$p" "vessel = 'Otter 4'")" \
	"$(sp_change_sql "$n" "vessel = 'Heron 3'")" "$(sp_cancel_sql "$c")" \
	"$(sp_change_sql "$p" "vessel = 'Otter 5'")" "$(sp_change_sql "$n" "vessel = 'Heron 4'")"
is "$(version_of "$p")/$(version_of "$n")/$(version_of "$c")" "5/4/2" \
	"meanwhile: four changes to one booking, a new one changed three times, one made and cancelled"
eventually 20 pending_everywhere
ok $? "/metrics: every target has rows pending and failed deliveries"
sleep 2
like "$(metric charterd_sync_oldest_pending_seconds scc)" '^[2-9]|^[1-9][0-9]' \
	"/metrics: the oldest pending row's age grows"
papi GET /api/sync
for t in $TARGETS; do
	like "$(jbody ".$t.failing[0].last_error")" . "GET /api/sync: $t's failing rows say why ($(jbody ".$t.failing[0].last_error" | cut -c1-60))"
done
is "$(psql_db "SELECT count(*) FROM outbox WHERE state = 'dead'")" 0 "nothing is dead: it waits"
[ -f "$g/$(slug_of "$p").html" ] && ! grep -q "Otter" "$g/$(slug_of "$p").html"
ok $? "the published page is stale, not gone"

note "down: $(sp_elapsed) s"
# --- everything back
sp_fault '{"api":"any","mode":"off"}'
sp_dynamo_start
sp_mail_start
restore
note "down for $((SECONDS - t_down)) s"
eventually 30 nothing_waits; ok $? "once every target is back, nothing is left waiting"

note "back: $(sp_elapsed) s"
# SCC and the calendar: one record each, at the latest version; no key applied twice
is "$(record scc "$p")" '[{"v":5,"status":"confirmed","vessel":"Otter 5"}]' "SCC: the booking changed four times is at version 5"
is "$(applied scc "$p")" "POST:1 PATCH:5" "SCC: it got one update for the four changes"
is "$(record calendar "$p")" '[{"v":5,"status":"confirmed","vessel":"Otter 5"}]' "calendar: at version 5"
is "$(applied calendar "$p")" "POST:1 PUT:5" "calendar: one update for the four changes"
is "$(record scc "$n")" '[{"v":4,"status":"confirmed","vessel":"Heron 4"}]' "SCC: the new booking's one event, at version 4"
like "$(applied scc "$n")" '^POST:4( PATCH:4)?$' "SCC: created once, from version 4 (an update of the same version may follow a resumed create)"
is "$(record calendar "$n")" '[{"v":4,"status":"confirmed","vessel":"Heron 4"}]' "calendar: one entry, at version 4"
like "$(applied calendar "$n")" '^POST:4( PUT:4)?$' "calendar: created once, from version 4"
is "$(record scc "$c")" '[{"v":2,"status":"cancelled","vessel":"Jada"}]' "SCC: the cancelled booking's event says cancelled"
like "$(applied scc "$c")" '^POST:1( PATCH:1)? PATCH:2$' "SCC: created once, cancelled once"
is "$(record calendar "$c")" '[]' "calendar: the cancelled booking's entry is gone"
like "$(applied calendar "$c")" '^POST:1( PUT:1)? DELETE:-$' "calendar: created once, deleted once"
all_once=0
for b in "$p" "$n" "$c"; do for api in scc calendar; do keys_once "$api" "$b" || all_once=1; done; done
ok "$all_once" "no Idempotency-Key applied twice at SCC or the calendar"

# DynamoDB: the items at the latest version
is "$(item "$p")/$(item "$n")/$(item "$c")" \
	'{"v":5,"status":"confirmed","vessel":"Otter 5"}/{"v":4,"status":"confirmed","vessel":"Heron 4"}/{"v":2,"status":"cancelled","vessel":"Jada"}' \
	"DynamoDB: each booking's item at its latest version"

# mail: maildev came back on its folder; one mail per mail row
is "$(nmails "pat-$TAG@example.com")/$(nmails "noa-$TAG@example.com")/$(nmails "cy-$TAG@example.com")" "1/1/1" \
	"mail: the confirmation from before the outage is kept, and each new booking got one"
is "$(sp_mails_to "$OPERATOR" | jq --arg n "Cy $TAG" '[.[] | select(.subject | startswith("Cancelled: " + $n))] | length')" 1 \
	"mail: the operator got one notice of the cancel"

# publish: the pages as they are now
like "$(cat "$g/$(slug_of "$p").html" 2>/dev/null)" "Otter 5" "publish: the changed booking's page is at its latest version"
like "$(cat "$g/$(slug_of "$n").html" 2>/dev/null)" "Heron 4" "publish: the new booking's page is published"
[ ! -e "$g/$(slug_of "$c").html" ]; ok $? "publish: the cancelled booking has no page"

m=$(metrics)
for t in $TARGETS; do
	now=$(sed -n "s/^charterd_sync_delivered_total{target=\"$t\"} //p" <<<"$m")
	[ "${now:-0}" -gt "${delivered_before[$t]:-0}" ] &&
		[[ $m == *"charterd_sync_pending{target=\"$t\"} 0"* ]] &&
		[[ $m == *"charterd_sync_oldest_pending_seconds{target=\"$t\"} 0"* ]] && [[ $m == *"charterd_sync_dead{target=\"$t\"} 0"* ]]
	ok $? "/metrics: $t delivered more ($now), nothing pending, oldest age 0, none dead"
done

note "checked: $(sp_elapsed) s"
# --- a 4xx: dead with the message; other rows and targets go on; retried later
r=$(sp_booking "Rae $TAG" "rae-$TAG@example.com")
at_v() { [ "$(record scc "$1" | jq -r '.[0].v')" = "$2" ]; }
eventually 10 at_v "$r" 1
sp_fault "{\"api\":\"scc\",\"mode\":\"422\",\"count\":1,\"booking\":$r}"
sp_change "$r" "vessel = 'Refused'"
dead_row() { psql_db "SELECT id FROM outbox WHERE target = 'scc' AND booking_id = $r AND state = 'dead'"; }
is_dead() { [ -n "$(dead_row)" ]; }
eventually 10 is_dead; ok $? "SCC answering 422: the row is dead at once"
dead=$(dead_row)
papi GET /api/sync
like "$(jbody ".scc.dead[] | select(.id == $dead) | \"\(.attempts) \(.last_error)\"")" \
	"^1 SCC answered 422 to the update: injected fault: SCC refused the request \(422\)$" \
	"GET /api/sync: dead after one attempt, with SCC's message"
like "$(metrics)" "charterd_sync_dead\\{target=\"scc\"\\} 1" "/metrics: one dead SCC row"
others() {
	[ "$(record calendar "$r" | jq -r '.[0].v')" = 2 ] && [ "$(item "$r" | jq .v)" = 2 ] &&
		grep -q Refused "$g/$(slug_of "$r").html" 2>/dev/null
}
eventually 10 others; ok $? "the other targets got the same change"
sp_change "$p" "vessel = 'Otter 6'"
eventually 10 at_v "$p" 6; ok $? "and SCC still takes other bookings' changes"
sp_change "$r" "vessel = 'Rae 3'"
eventually 10 at_v "$r" 3; ok $? "a newer change of the same booking goes through past the dead row"
papi POST "/api/sync/$dead/retry"
is "$STATUS" 200 "POST /api/sync/<id>/retry once the fault is gone"
done_row() { [ "$(psql_db "SELECT state FROM outbox WHERE id = $dead")" = done ]; }
eventually 10 done_row; ok $? "the retried row is settled"
is "$(record scc "$r")" '[{"v":3,"status":"confirmed","vessel":"Rae 3"}]' \
	"and SCC keeps the newer version 3: the older change is not sent over it"
like "$(sp_sync_log main | grep "outbox=$dead " | tail -n 1)" "outcome=ok state=done .*note=SCC holds version 3" \
	"the log says why nothing was sent"
is "$(applied scc "$r" | tr ' ' '\n' | grep -c ':2$')" 0 "SCC never applied version 2"

leaked=0
for s in "$SCC_SERVICE_KEY" "$CALENDAR_TOKEN" "$AWS_SECRET" "$TOKEN_SECRET"; do
	grep -qF -- "$s" "$SP_DIR"/log/sync-*.log && leaked=1
done
is "$leaked" 0 "no key, token or secret in the private sync's log, refusals and outages included"
found=$(grep -hE 'ERROR: (Address|Leak)Sanitizer|runtime error:|worker [0-9]+ (died of signal|exited with)' \
	"$SP_DIR"/log/sync-*.log "$SP_DIR/log/serve.log" | head -n 3)
is "$found" "" "no crash or sanitizer report in the private sync and serve"
note "sync-outage.sh: $(sp_elapsed) s"
done_testing
