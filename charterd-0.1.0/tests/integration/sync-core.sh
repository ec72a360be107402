#!/bin/bash
# sync-core.sh: charterd sync delivers the publish target from the outbox: a
# publish folder that cannot be written holds the change (visible in GET
# /api/sync and /metrics) and nothing is lost once it can; a cancelled
# booking's page is taken down then; changes queued meanwhile go out once,
# at the latest version; dead rows and retries through the API.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

sql() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
g=$CHARTER_PUBLISH_DIR/g
booking() { # booking NAME: creates one; sets ID and SLUG
	api POST /api/bookings "{\"guest_name\":\"$1\",\"starts_at\":\"$(date -u -d '+15 days' +%FT17:00:00Z)\",\"ends_at\":\"$(date -u -d '+15 days' +%FT21:00:00Z)\",\"vessel\":\"Jada\",\"revenue_cents\":1,\"port_fee_cents\":0,\"captain_fee_cents\":0}"
	ID=$(jbody .id) SLUG=$(jbody .slug)
}
restore() { chmod 0755 "$g"; }
trap restore EXIT

booking "Sync Live"
live_id=$ID live_slug=$SLUG
eventually 5 test -f "$g/$live_slug.html"; ok $? "a new booking's page is published within seconds"
api GET /api/sync
is "$STATUS" 200 "GET /api/sync answers"
like "$(jbody '.publish.last_success_at')" '^20' "it says when publish last worked"
is "$(jbody '.publish | has("pending") and has("dead") and has("oldest_pending_age_s")')" true \
	"with pending, dead and the oldest row's age per target"

# -- the folder cannot be written: the change waits, visibly ----------------------
chmod 0555 "$g"
booking "Sync Blocked"
blocked_id=$ID blocked_slug=$SLUG
api POST "/api/bookings/$live_id/cancel"
is "$STATUS" 200 "a published booking is cancelled while the folder is read-only"
eventually 5 bash -c "[ \"\$(psql -qAtX -c \"SELECT count(*) FROM outbox WHERE target = 'publish' AND booking_id = $blocked_id AND last_error LIKE '%ermission denied%'\")\" = 1 ]"
ok $? "the publish row records why it failed (permission denied)"
api GET /api/sync
like "$(jbody '.publish.pending')" '^[1-9]' "GET /api/sync counts it as pending"
like "$(jbody "[.publish.failing[] | select(.booking_id == $blocked_id)] | .[0].last_error")" 'ermission denied' \
	"and lists it among the failing rows with its last error, before it is dead"
http GET "$CHARTER_API_URL/metrics" -H "X-Service-Key: $CHARTER_SERVICE_KEY"
like "$(body)" 'charterd_sync_pending\{target="publish"\} [1-9]' "/metrics shows the queue"
like "$(body)" 'charterd_sync_failed_total\{target="publish"\} [1-9]' "and the failures"
test -f "$g/$live_slug.html"; ok $? "meanwhile the cancelled booking's old page is still there"
http GET "$CHARTER_PUBLIC_URL/g/$blocked_slug"
is "$STATUS" 200 "the unpublished booking is still served (charterd renders it)"
# Five changes to one booking while the target is down.
for i in 1 2 3 4 5; do api PATCH "/api/bookings/$blocked_id" "{\"vessel\":\"Vessel $i\"}"; done
is "$(jbody .version)" 6 "five more versions while it waits"

restore
eventually 10 bash -c "[ ! -f '$g/$live_slug.html' ] && [ -f '$g/$blocked_slug.html' ]"
ok $? "once the folder is writable the cancelled page goes and the waiting one is published"
like "$(cat "$g/$blocked_slug.html" 2>/dev/null)" "Vessel 5" "at the latest version"
http GET "$CHARTER_PUBLIC_URL/g/$live_slug"
is "$STATUS" 410 "the cancelled booking now answers 410"
rows=$(sql "SELECT count(*) FILTER (WHERE superseded_by IS NULL AND state = 'done'),
	count(*) FILTER (WHERE superseded_by IS NOT NULL) FROM outbox
	WHERE target = 'publish' AND booking_id = $blocked_id")
is "$rows" "1|5" "the six queued upserts went out as one; five were superseded"
is "$(sql "SELECT version FROM outbox WHERE target = 'publish' AND booking_id = $blocked_id AND superseded_by IS NULL")" 6 \
	"the one delivered is the newest"
is "$(sql "SELECT count(*) FROM outbox WHERE target = 'publish' AND state IN ('pending', 'delivering')")" 0 \
	"nothing is left waiting"

# -- dead rows and the retry API --------------------------------------------------
api POST /api/sync/999999999/retry
is "$STATUS/$(jbody .error)" 404/not_found "retrying a row that is not dead is 404"
row=$(sql "SELECT id FROM outbox WHERE target = 'publish' AND booking_id = $blocked_id AND superseded_by IS NULL")
api POST "/api/sync/$row/retry"
is "$STATUS" 404 "a delivered row cannot be retried"
# A dead row (as the last attempt leaves it), put back by the API.
sql "UPDATE outbox SET state = 'dead', last_error = 'made dead by the test', attempts = 20 WHERE id = $row" >/dev/null
api GET /api/sync
is "$(jbody "[.publish.dead[] | select(.id == $row)] | .[0].last_error")" "made dead by the test" \
	"GET /api/sync lists the dead row with its last error"
api POST "/api/sync/$row/retry"
is "$STATUS/$(jbody .state)" 200/pending "POST /api/sync/<id>/retry queues it again"
eventually 5 bash -c "[ \"\$(psql -qAtX -c \"SELECT state FROM outbox WHERE id = $row\")\" = done ]"
ok $? "and sync delivers it at once (NOTIFY, not the safety poll)"
api POST "/api/sync/abc/retry"
is "$STATUS" 404 "a malformed id is 404"

done_testing
