#!/bin/bash
# sync-observe.sh: what staff and monitoring see of the stack's sync. /metrics has, for
# each of the five targets, delivered and failed counters, the dead, pending and
# in-flight rows and the oldest pending row's age; sync logs one structured line per
# delivery (target, outbox id, kind, booking, attempt, outcome, state, ms); and neither
# sync's log nor serve's holds any of the stack's keys, tokens or passwords (read at
# the end of a suite run, the logs hold every other sync test's traffic too).
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

TARGETS="calendar dynamo mail publish scc"
FAMILIES="charterd_sync_delivered_total:counter charterd_sync_failed_total:counter
	charterd_sync_superseded_total:counter charterd_sync_pending:gauge charterd_sync_delivering:gauge
	charterd_sync_dead:gauge charterd_sync_oldest_pending_seconds:gauge"
SYNC_LOG=$STACK_LOG_DIR/sync.log
sql() { psql -qAtX -c "$1"; }
metrics() { http GET "$CHARTER_API_URL/metrics" -H "X-Service-Key: $CHARTER_SERVICE_KEY"; body; }
# value METRICS FAMILY TARGET
value() { sed -n "s/^$2{target=\"$3\"} \([0-9][0-9]*\)$/\1/p" <<<"$1"; }

before=$(metrics)
# --- every family, once per target, with its HELP and TYPE
bad=
for f in $FAMILIES; do
	name=${f%%:*} type=${f#*:}
	grep -q "^# HELP $name " <<<"$before" && grep -q "^# TYPE $name $type$" <<<"$before" || bad+=" $name(help/type)"
	for t in $TARGETS; do
		[ "$(grep -c "^$name{target=\"$t\"} [0-9][0-9]*$" <<<"$before")" = 1 ] || bad+=" $name{$t}"
	done
done
is "$bad" "" "/metrics: delivered, failed, superseded, pending, delivering, dead and oldest-pending age for each target"

# --- one booking through every target: one log line per delivery, counters move
from=$(stat -c %s "$SYNC_LOG")
api POST /api/bookings "{\"guest_name\":\"Olive Observer\",\"guest_email\":\"olive-$$@example.com\",
	\"starts_at\":\"$(date -u -d '+45 days' +%FT17:00:00Z)\",\"ends_at\":\"$(date -u -d '+45 days' +%FT21:00:00Z)\",
	\"vessel\":\"Jada\",\"checklist\":[],\"revenue_cents\":1,\"port_fee_cents\":1,\"captain_fee_cents\":1}"
id=$(jbody .id)
[ -n "$id" ] || bail_out "cannot book ($STATUS)"
# (A crewing alert scheduled for later, sql/017_crew_slots.sql, is no delivery yet.)
settled() { [ "$(sql "SELECT count(*) FROM outbox WHERE booking_id = $id AND state <> 'done' AND (due_at IS NULL OR due_at <= now())")" = 0 ]; }
eventually 20 settled; ok $? "the booking's five rows are delivered"
rows=$(sql "SELECT id || ' ' || target || ' ' || kind FROM outbox WHERE booking_id = $id AND (due_at IS NULL OR due_at <= now()) ORDER BY id")
is "$(wc -l <<<"$rows")" 5 "one row per target"
lines=$(tail -c +"$((from + 1))" "$SYNC_LOG")
missing=
while read -r row target kind; do
	n=$(grep -cE " info drain_queue: target=$target outbox=$row kind=$kind booking=$id attempt=1 outcome=ok state=done ms=[0-9]+$" <<<"$lines")
	[ "$n" = 1 ] || missing+=" $target:$row($n)"
done <<<"$rows"
is "$missing" "" "sync logged exactly one line per delivery: target, outbox id, kind, booking, attempt, outcome, state, ms"
malformed=$(grep ' drain_queue: ' "$SYNC_LOG" | grep -vE ' drain_queue: target=[a-z]+ outbox=[0-9]+ kind=[a-z._]+ booking=[0-9]+ attempt=[0-9]+ outcome=(ok|retry|fail) state=(done|pending|dead|lost|unknown) ms=[0-9]+( (note|error)=.*)?$' | head -n 3)
is "$malformed" "" "every delivery line in sync's log has that shape"
after=$(metrics)
moved=
for t in $TARGETS; do
	[ "$(value "$after" charterd_sync_delivered_total "$t")" -gt "$(value "$before" charterd_sync_delivered_total "$t")" ] ||
		moved+=" $t"
done
is "$moved" "" "/metrics: each target's delivered counter went up"

# --- no secret in any log
secrets=("$CHARTER_SERVICE_KEY" "$CHARTER_DASHBOARD_TOKEN" "$CHARTER_SCC_SERVICE_KEY"
	"$CHARTER_CALENDAR_TOKEN" "$AWS_SECRET_ACCESS_KEY" "$STACK_TOKEN_SECRET" "$PGPASSWORD"
	"$CHARTER_ADMIN_PASSWORD" "$CHARTER_STAFF_PASSWORD")
while IFS=: read -r _ _ _ _ pw; do secrets+=("$pw"); done <"$STACK_PGPASSFILE"
is "${#secrets[@]}" $((9 + $(wc -l <"$STACK_PGPASSFILE"))) "the stack's keys, tokens and passwords, and each role's database password"
short=0
for s in "${secrets[@]}"; do [ "${#s}" -ge 16 ] || short=1; done
is "$short" 0 "each long enough that finding it would mean it leaked"
leaked=
for f in "$SYNC_LOG" "$STACK_LOG_DIR/charterd.log"; do
	for i in "${!secrets[@]}"; do
		grep -qF -- "${secrets[$i]}" "$f" && leaked+=" ${f##*/}:secret#$i"
	done
done
is "$leaked" "" "none of them in sync's log ($(wc -l <"$SYNC_LOG") lines) or serve's"
headers=$(grep -ciE 'authorization:|x-service-key:|x-dashboard-token:|x-amz-security-token:|AWS4-HMAC-SHA256 Credential' "$SYNC_LOG")
is "$headers" 0 "sync's log has no credential header at all"
done_testing
