#!/bin/bash
# sync-pg-restart.sh: PostgreSQL restarted under a running `charterd sync`, with changes
# queued and a delivery to SCC in flight: sync reconnects by itself, LISTENs again (a
# change after the restart arrives within seconds, long before the safety poll), the
# delivery cut off before it was recorded is made again after its lease and the
# target's idempotency makes it harmless, and nothing is lost: every booking at its
# latest version at SCC, the calendar, DynamoDB and in the published pages.
#
# The cluster is the test's own (tests/lib/sync-private.sh, sp_init NAME cluster): a
# pg_ctl restart of the stack's cluster would cut the connections of whatever test
# make check runs beside this one; ordering this test after all others (as photo-gc.log
# waits for photos.log) would not stop the next one from starting beside it, and a
# cluster of its own costs an initdb of a few seconds.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"
. "$CHARTER_SRCDIR/tests/lib/sync-private.sh"

LEASE=10
TAG=$(tr -dc a-z </dev/urandom | head -c 8)
sp_init pgrestart cluster
sp_scc_start
sp_dynamo_start
sp_sync_start main CHARTER_SYNC_LEASE_S=$LEASE CHARTER_SYNC_TIMEOUT_MS=5000 \
	CHARTER_SYNC_BACKOFF_MS=100 CHARTER_SYNC_BACKOFF_MAX_S=1 CHARTER_SYNC_POLL_S=60
note "setup (cluster, peer, proxy, sync): $(sp_elapsed) s"
g=$SP_DIR/publish/g

version_of() { psql_db "SELECT version FROM bookings WHERE id = $1"; }
record_v() { sp_peer "events?api=$1&booking=$2" | jq -r '[.events[].data.external_ref.version] | join(",")'; }
item_v() { sp_items "$1" | jq -r '.event.version // empty'; }
# at_latest ID: SCC, the calendar and DynamoDB hold the booking's version, and its page
# shows its vessel.
at_latest() {
	local v
	v=$(version_of "$1") || return 1
	[ "$(record_v scc "$1")" = "$v" ] && [ "$(record_v calendar "$1")" = "$v" ] &&
		[ "$(item_v "$1")" = "$v" ] &&
		grep -q "$(psql_db "SELECT vessel FROM bookings WHERE id = $1")" \
			"$g/$(psql_db "SELECT slug FROM bookings WHERE id = $1").html" 2>/dev/null
}
all_at_latest() { local b; for b in "$@"; do at_latest "$b" || return 1; done; }
sync_conns() { psql_db "SELECT count(*) FROM pg_stat_activity WHERE usename = 'charterd_sync'"; }

ids=()
for i in 1 2 3 4 5; do ids+=("$(sp_booking "Before $i $TAG")"); done
eventually 20 all_at_latest "${ids[@]}"; ok $? "five bookings reach SCC, the calendar, DynamoDB and the folder"
is "$(sync_conns)" 5 "sync holds five connections, one per target worker"

# --- a delivery in flight, changes queued, and the restart
slow=$(sp_booking "Slow $TAG")
eventually 20 all_at_latest "$slow"
sp_fault "{\"api\":\"scc\",\"mode\":\"slow\",\"delay_ms\":2500,\"count\":1,\"booking\":$slow}"
sp_change "$slow" "vessel = 'Slowpoke'"
in_flight() { [ "$(sp_peer "requests?api=scc&booking=$slow" | jq '[.requests[] | select(.fault == "slow" and .status == null)] | length')" = 1 ]; }
eventually 10 in_flight; ok $? "an update is in flight at SCC"
psql_each "$(sp_change_sql "${ids[0]}" "vessel = 'Queued A'")" "$(sp_change_sql "${ids[1]}" "vessel = 'Queued B'")"
t_restart=$SECONDS
as_pg "$PG_BINDIR/pg_ctl" -D "$SP_DIR/pg/data" -l "$SP_DIR/pg/postgres.log" -m fast -w -t 60 restart \
	</dev/null >>"$SP_DIR/log/pg_ctl.log" 2>&1
ok $? "pg_ctl restart -m fast: every connection is cut"
(STACK_DIR=$SP_DIR; pid_record postgres "$(head -n 1 "$SP_DIR/pg/data/postmaster.pid")")
back() { [ "$(sync_conns)" = 5 ]; }
eventually 20 back; ok $? "sync reconnects by itself ($((SECONDS - t_restart)) s after the restart)"

# --- nothing lost
late=$(sp_booking "After $TAG")
t_late=$SECONDS
eventually 15 all_at_latest "$late"; ok $? "a booking made after the restart arrives everywhere"
waited=$((SECONDS - t_late))
[ "$waited" -lt 15 ]
ok $? "woken by NOTIFY on the new connection ($waited s; the safety poll is 60 s)"
eventually $((LEASE + 20)) all_at_latest "${ids[@]}" "$slow"
ok $? "every change queued before the restart arrived, the one in flight too"
# The update cut off by the restart is at SCC already, but its row is settled only
# when its lease runs out and the repeat is answered from its key.
undone() { psql_db "SELECT count(*) FROM outbox WHERE state <> 'done' AND (due_at IS NULL OR due_at <= now())"; }
all_done() { [ "$(undone)" = 0 ]; }
eventually $((LEASE + 20)) all_done
is "$(undone)" 0 "every outbox row is done" ||
	diag "$(psql_db "SELECT id, target, state, attempts, last_error FROM outbox WHERE state <> 'done' AND (due_at IS NULL OR due_at <= now())")"
applied_twice() {
	sp_peer "requests?api=$1" | jq '[.requests[] | select((.status | type) == "number"
		and .status < 300 and .replayed == false) | .headers["idempotency-key"]] |
		length - (unique | length)'
}
is "$(applied_twice scc)/$(applied_twice calendar)" "0/0" "no change applied twice at SCC or the calendar"
is "$(sp_peer "events?api=scc" | jq '.events | length')/$(sp_peer "events?api=calendar" | jq '.events | length')" \
	"7/7" "one event and one entry per booking"
slow_reqs=$(sp_peer "requests?api=scc&booking=$slow" | jq -c '[.requests[] | select(.method == "PATCH") |
	[.headers["idempotency-key"], .status, .replayed]]')
note "SCC saw for the update in flight: $slow_reqs"
like "$slow_reqs" "^\[\[\"charterd-$slow-v2-upsert\",200,false\](,\[\"charterd-$slow-v2-upsert\",200,true\])?\]$" \
	"the update cut off by the restart: applied once (a second try, if any, answered from its key)"
like "$(sp_sync_log main)" "database" "sync's log tells of the lost database"
found=$(grep -hE 'ERROR: (Address|Leak)Sanitizer|runtime error:|worker [0-9]+ (died of signal|exited with)' \
	"$SP_DIR"/log/sync-*.log | head -n 3)
is "$found" "" "no crash or sanitizer report"
note "sync-pg-restart.sh: $(sp_elapsed) s"
done_testing
