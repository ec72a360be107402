#!/bin/bash
# sync-race.sh: two `charterd sync` processes with the same settings race over 1,000
# booking changes committed one by one while both run (100 bookings, each made with a
# guest email, changed eight times, then changed or cancelled). Counted at the peers:
# one SCC event and one calendar entry per booking (none left for a cancelled one) at
# its final version, no change applied twice and each booking's changes applied in
# order; one DynamoDB item per booking at its final version; one confirmation per
# guest and one notice per cancel in maildev; the final page of each live booking.
# A private database, peers and syncs (tests/lib/sync-private.sh).
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"
. "$CHARTER_SRCDIR/tests/lib/sync-private.sh"

B=${RACE_BOOKINGS:-100}	# bookings; ten changes each
TAG=$(tr -dc a-z </dev/urandom | head -c 8)
OPERATOR=$(sed -n 's/^CHARTER_CONTACT_EMAIL=//p' "$STACK_DIR/sync.env")
sp_init race
sp_mail_start nowait
sp_scc_start
sp_dynamo_start
sp_mail_wait
SETTINGS=(CHARTER_SYNC_BACKOFF_MS=100 CHARTER_SYNC_BACKOFF_MAX_S=1 CHARTER_SYNC_POLL_S=2)
sp_sync_start a "${SETTINGS[@]}"
sp_sync_start b "${SETTINGS[@]}"
note "setup (database, peers, two syncs): $(sp_elapsed) s"

# --- 1,000 changes, each its own transaction, while both syncs run: round 0 makes
# the bookings, rounds 1-8 change each, round 9 changes each again or (every tenth)
# cancels it
t0=$(date +%s.%N)
psql_db "DO \$\$
DECLARE
	ids bigint[] := '{}';
	i bigint;
BEGIN
	FOR r IN 0..9 LOOP
		FOR b IN 1..$B LOOP
			IF r = 0 THEN
				INSERT INTO bookings (slug, guest_name, guest_email, starts_at, ends_at,
				    vessel, meeting_point, party_size, revenue_cents, port_fee_cents,
				    captain_fee_cents)
				VALUES ('race-$TAG-' || b, 'Racer $TAG ' || b, 'racer-$TAG-' || b || '@example.com',
				    date_trunc('hour', now()) + interval '30 days 17 hours',
				    date_trunc('hour', now()) + interval '30 days 21 hours',
				    'Race 0', 'Dock 5', 1, 1234567, 76543, 3456789)
				RETURNING id INTO i;
				ids := ids || i;
				PERFORM record_booking_change(i, 'test', 'create', NULL);
			ELSIF r = 9 AND b % 10 = 0 THEN
				UPDATE bookings SET status = 'cancelled', cancelled_at = now(),
				    version = version + 1, updated_at = now() WHERE id = ids[b];
				PERFORM record_booking_change(ids[b], 'test', 'cancel', NULL);
			ELSE
				UPDATE bookings SET vessel = 'Race ' || r, party_size = r + 1,
				    version = version + 1, updated_at = now() WHERE id = ids[b];
				PERFORM record_booking_change(ids[b], 'test', 'update', NULL);
			END IF;
			COMMIT;
			PERFORM pg_sleep(0.002);
		END LOOP;
	END LOOP;
END \$\$" || bail_out "the changes could not be made"
committed=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
is "$(psql_db "SELECT count(*) || ' ' || sum(version) FROM bookings")" "$B $((B * 10))" \
	"$((B * 10)) changes committed ($committed s): $B bookings at version 10"

all_done() { [ "$(psql_db "SELECT count(*) FROM outbox WHERE state <> 'done' AND (due_at IS NULL OR due_at <= now())")" = 0 ]; }
eventually 120 all_done; ok $? "both syncs settled every outbox row"
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
note "delivered $((B * 10)) changes to five targets in $took s"

# --- SCC and the calendar, from the peer's records and every request it took
sp_peer requests >"$TAP_TMP/requests"
sp_peer events >"$TAP_TMP/events"
psql_db "SELECT id, status FROM bookings ORDER BY id" | tr '|' ' ' >"$TAP_TMP/bookings"
/usr/bin/python3 - "$TAP_TMP/requests" "$TAP_TMP/events" "$TAP_TMP/bookings" >"$TAP_TMP/verdict" <<'EOF'
import json, sys
reqs = json.load(open(sys.argv[1]))["requests"]
events = json.load(open(sys.argv[2]))["events"]
status = dict(l.split() for l in open(sys.argv[3]))
out = {}
for api in ("scc", "calendar"):
    mine = [r for r in reqs if r["api"] == api]
    applied = [r for r in mine if isinstance(r["status"], int) and r["status"] < 300
               and not r["replayed"]]
    keys = [r["headers"].get("idempotency-key") for r in applied]
    recs = {}
    for e in events:
        if e["api"] == api:
            recs.setdefault(str(e["booking_id"]), []).append(e)
    order_ok = 0
    for b in status:
        vs = [r["body"]["external_ref"]["version"] for r in applied
              if str(r["booking_id"]) == b and r["method"] != "DELETE"]
        order_ok += vs == sorted(set(vs))
    live = [b for b, s in status.items() if s == "confirmed"]
    one_each = sum(1 for b in status if len(recs.get(b, [])) == (1 if api == "scc" or b in live else 0))
    final = sum(1 for b in status for e in recs.get(b, [])
                if e["data"]["external_ref"]["version"] == 10
                and e["data"]["status"] == status[b] and e["data"]["vessel"] == ("Race 9" if status[b] == "confirmed" else "Race 8"))
    deletes = sum(1 for r in applied if r["method"] == "DELETE")
    out[api] = dict(requests=len(mine), applied=len(applied), twice=len(keys) - len(set(keys)),
                    replayed=sum(1 for r in mine if r["replayed"]), failed=len(mine) - len(applied),
                    in_order=order_ok, one_each=one_each, final=final, deletes=deletes)
json.dump(out, sys.stdout)
EOF
v() { jq -r ".$1" "$TAP_TMP/verdict"; }
cancelled=$((B / 10)) live=$((B - B / 10))
note "SCC: $(v scc.requests) requests, $(v scc.applied) applied; calendar: $(v calendar.requests) requests, $(v calendar.applied) applied"
is "$(v scc.one_each)/$(v scc.final)" "$B/$B" "SCC: one event per booking, each at version 10 with its last change (cancelled or not)"
is "$(v scc.twice)/$(v scc.replayed)/$(v scc.failed)" "0/0/0" "SCC: no change applied twice, none sent twice, none refused"
is "$(v scc.in_order)" "$B" "SCC: each booking's changes applied in version order"
is "$(v calendar.one_each)/$(v calendar.final)" "$B/$live" "calendar: one entry per live booking at version 10, none for the $cancelled cancelled"
is "$(v calendar.deletes)" "$cancelled" "calendar: one DELETE per cancelled booking"
is "$(v calendar.twice)/$(v calendar.replayed)/$(v calendar.failed)" "0/0/0" "calendar: no change applied twice, none sent twice"
is "$(v calendar.in_order)" "$B" "calendar: each booking's changes applied in version order"

# --- DynamoDB: one item per booking at version 10
sp_dynamo_raw Scan "{\"TableName\":\"$SP_TABLE\",\"ConsistentRead\":true}" |
	jq -r '.Items[] | "\(.pk.S) \(.sk.S) \(.version.N) \(.status.S)"' | sort >"$TAP_TMP/items"
psql_db "SELECT 'booking#' || id || ' event 10 ' || status FROM bookings" | sort >"$TAP_TMP/want"
is "$(wc -l <"$TAP_TMP/items")" "$B" "DynamoDB: $B items (no crew, so one per booking)"
is "$(comm -3 "$TAP_TMP/want" "$TAP_TMP/items" | wc -l)" 0 \
	"DynamoDB: each at version 10, $cancelled of them cancelled" || diag "$(comm -3 "$TAP_TMP/want" "$TAP_TMP/items" | head -n 5)"

# --- mail: one confirmation per guest, one notice per cancel
curl -sf --max-time 30 "$SP_MAIL_UI/email" >"$TAP_TMP/mails"
is "$(jq --arg t "racer-$TAG-" '[.[] | .to[].address | select(startswith($t))] | length' "$TAP_TMP/mails")/$(jq --arg t "racer-$TAG-" '[.[] | .to[].address | select(startswith($t))] | unique | length' "$TAP_TMP/mails")" \
	"$B/$B" "maildev: $B confirmations, one to each guest"
is "$(jq --arg o "$OPERATOR" --arg n "Cancelled: Racer $TAG " '[.[] | select(.to[0].address == $o and (.subject | startswith($n))) | .subject] | "\(length)/\(unique | length)"' -r "$TAP_TMP/mails")" \
	"$cancelled/$cancelled" "maildev: one notice to the operator per cancel"

# --- publish: the live bookings' pages at their last change, none for the cancelled
pages=$(grep -l "Race 9" "$SP_DIR"/publish/g/race-"$TAG"-*.html 2>/dev/null | wc -l)
all_pages=$(find "$SP_DIR/publish/g" -name "race-$TAG-*.html" | wc -l)
is "$pages/$all_pages" "$live/$live" "publish: $live pages, each at its last change"

# --- both raced
for s in a b; do
	counts=$(for t in publish mail dynamo scc calendar; do sp_sync_log "$s" | grep -c "target=$t outbox="; done | tr '\n' ' ')
	note "sync $s delivered (publish mail dynamo scc calendar): $counts"
	[[ $counts =~ ^([1-9][0-9]*\ ){5}$ ]]
	ok $? "sync $s delivered to every target"
done
lost=$(sp_sync_log a; sp_sync_log b)
is "$(grep -c 'state=lost' <<<"$lost")" 0 "no delivery outlived its lease"
found=$(grep -hE 'ERROR: (Address|Leak)Sanitizer|runtime error:|worker [0-9]+ (died of signal|exited with)' \
	"$SP_DIR"/log/sync-*.log | head -n 3)
is "$found" "" "no crash or sanitizer report"
note "sync-race.sh: $(sp_elapsed) s"
done_testing
