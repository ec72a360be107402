#!/bin/bash
# sync-kill.sh: `charterd sync` SIGKILLed (supervisor and every worker) while SCC and the
# calendar are in the middle of creating a booking's records, a change made while it is
# dead, then a new sync: the interrupted rows wait out their lease, are claimed again,
# and the targets' idempotency makes the repeat harmless: one SCC event and one calendar
# entry, at the latest version. Checked on the peer, not on our tables. A private sync,
# database and peer (tests/lib/sync-private.sh), so nothing else is disturbed.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"
. "$CHARTER_SRCDIR/tests/lib/sync-private.sh"

LEASE=10	# CHARTER_SYNC_LEASE_S: its smallest value
TAG=$(tr -dc a-z </dev/urandom | head -c 10)
sp_init kill
sp_scc_start
# SCC and the calendar on; DynamoDB and mail off; the publish folder is private.
SETTINGS=(CHARTER_SYNC_LEASE_S=$LEASE CHARTER_SYNC_TIMEOUT_MS=5000 CHARTER_SYNC_BACKOFF_MS=100
	CHARTER_SYNC_BACKOFF_MAX_S=1)
sp_sync_start one "${SETTINGS[@]}"
note "setup (database, peer, sync): $(sp_elapsed) s"

# reqs API BOOKING: the peer's requests for the booking, as [method, key, status, fault, replayed].
reqs() {
	sp_peer "requests?api=$1&booking=$2" |
		jq -c '[.requests[] | [.method, .headers["idempotency-key"], .status, .fault, .replayed]]'
}
in_flight() { [ "$(sp_peer "requests?api=$1&booking=$2" | jq '[.requests[] | select(.fault == "slow" and .status == null)] | length')" = 1 ]; }
records() { sp_peer "events?api=$1&booking=$2" | jq -c '[.events[] | {id, v: .data.external_ref.version, party: .data.party_size}]'; }
row() { psql_db "SELECT $3 FROM outbox WHERE target = '$1' AND booking_id = $2 ORDER BY id LIMIT 1"; }
ref_of() { psql_db "SELECT external_id FROM sync_refs WHERE target = '$1' AND booking_id = $2"; }

# --- both peers hold the create for 4.5 s; the sync dies in the middle of it
sp_fault "{\"api\":\"any\",\"mode\":\"slow\",\"delay_ms\":4500,\"count\":2,\"match\":\"Kill $TAG\"}"
id=$(sp_booking "Kill $TAG")
[ -n "$id" ] || bail_out "cannot make a booking"
eventually 15 in_flight scc "$id" && eventually 5 in_flight calendar "$id"
ok $? "SCC and the calendar are each in the middle of the create"
leader=${SP_SYNC[one]}
members=$(pgrep -g "$leader" | wc -l)
sp_sync_kill one
is "$members" 6 "the sync was its supervisor and five workers, one process group"
is "$(pgrep -g "$leader" | wc -l)" 0 "all six are killed at once (SIGKILL to the group)"
claimed_until=$(row scc "$id" "extract(epoch FROM locked_until)")
is "$(row scc "$id" "state || ' ' || attempts")/$(row calendar "$id" "state || ' ' || attempts")" \
	"delivering 1/delivering 1" "both rows stay claimed by the dead process (attempt 1)"
like "$(ref_of scc "$id")" "^pending:charterd-$id-v1-create$" "the create was marked with its key before it was sent"

# the peers finish the creates, answering into closed connections
made_both() { [ "$(records scc "$id" | jq length)/$(records calendar "$id" | jq length)" = 1/1 ]; }
eventually 10 made_both
ok $? "the peers made the event and the entry anyway; their answers are lost"

# --- a change while no sync runs
sp_change "$id" "party_size = 7"
is "$(psql_db "SELECT version FROM bookings WHERE id = $id")" 2 "the booking changes meanwhile (version 2)"

# --- a new sync: nothing before the lease runs out, then the repeat
sp_sync_start two "${SETTINGS[@]}"
settled() { [ "$(row scc "$id" state)" = done ]; }
all_done() {
	[ "$(psql_db "SELECT count(*) FROM outbox WHERE booking_id = $id
		AND target IN ('scc', 'calendar') AND state <> 'done'")" = 0 ]
}
eventually $((LEASE + 15)) settled
ok $? "the interrupted SCC row is settled by the new sync"
eventually 10 all_done
ok $? "and every row of both targets is done"
first_retry=$(sp_peer "requests?api=scc&booking=$id" | jq '[.requests[] | select(.fault == null)][0].at')
after=$(awk -v a="$first_retry" -v b="$claimed_until" 'BEGIN { print (a >= b - 0.5) ? "yes" : "no (" a - b " s)" }')
is "$after" yes "SCC saw nothing again before the lease ran out"

for api in scc calendar; do
	is "$(records "$api" "$id" | jq -c '[.[] | [.v, .party]]')" "[[2,7]]" \
		"$api: one record, at the latest version (2) with its change"
	is "$(ref_of "$api" "$id")" "$(records "$api" "$id" | jq -r '.[0].id')" "$api: sync_refs names it"
done
is "$(reqs scc "$id")" \
	"[[\"POST\",\"charterd-$id-v1-create\",201,\"slow\",false],[\"POST\",\"charterd-$id-v1-create\",201,null,true],[\"PATCH\",\"charterd-$id-v2-upsert-again\",200,null,false]]" \
	"SCC: the create, its repeat under the same key (answered from the first), then the update"
is "$(reqs calendar "$id")" \
	"[[\"POST\",\"charterd-$id-v1-create\",201,\"slow\",false],[\"POST\",\"charterd-$id-v1-create\",201,null,true],[\"PUT\",\"charterd-$id-v2-upsert-again\",200,null,false]]" \
	"calendar: the same"
is "$(psql_db "SELECT string_agg(version || ':' || state || ':' || attempts || ':' || (superseded_by IS NOT NULL), ' ' ORDER BY id)
	FROM outbox WHERE target = 'scc' AND booking_id = $id")" "1:done:1:true 2:done:1:false" \
	"the interrupted version 1 was folded into version 2, delivered in one attempt"
like "$(sp_sync_log two | grep "target=scc outbox=" | head -n 1)" \
	"target=scc outbox=[0-9]+ kind=booking.upsert booking=$id attempt=1 outcome=ok state=done ms=[0-9]+" \
	"the new sync logged the delivery"
found=$(grep -hE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$SP_DIR"/log/sync-*.log | head -n 3)
is "$found" "" "no sanitizer report from either sync"
note "sync-kill.sh: $(sp_elapsed) s"
done_testing
