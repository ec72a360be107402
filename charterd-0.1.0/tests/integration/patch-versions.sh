#!/bin/bash
# patch-versions.sh: optimistic concurrency on PATCH /api/bookings/<id>: a
# stale version is 409 with the current one, If-Match works like the body's
# version, and of 50 concurrent PATCHes carrying one version exactly one wins
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

starts=$(date -u -d '+20 days' +%Y-%m-%dT17:00:00Z)
ends=$(date -u -d '+20 days' +%Y-%m-%dT21:00:00Z)
api POST /api/bookings "{\"guest_name\":\"Version Check\",\"starts_at\":\"$starts\",\"ends_at\":\"$ends\",\"vessel\":\"Jada\",\"revenue_cents\":1,\"port_fee_cents\":0,\"captain_fee_cents\":0}"
is "$STATUS/$(jbody .version)" 201/1 "a new booking is at version 1"
id=$(jbody .id)
is "$(header etag)" '"1"' "the answer carries ETag \"1\""

api GET "/api/bookings/$id"
is "$(header etag)" '"1"' "GET carries the version as its ETag"

api PATCH "/api/bookings/$id" '{"vessel":"Sea Otter","version":1}'
is "$STATUS/$(jbody .version)" 200/2 "PATCH with the current version is 200 and moves to 2"
is "$(header etag)" '"2"' "with ETag \"2\""
api PATCH "/api/bookings/$id" '{"vessel":"Stale","version":1}'
is "$STATUS/$(jbody .error)/$(jbody .version)" 409/stale_version/2 "PATCH with version 1 is 409 stale_version naming version 2"
like "$(jbody .message)" "read it again" "and says what to do"
api GET "/api/bookings/$id"
is "$(jbody .vessel)" "Sea Otter" "the stale PATCH changed nothing"

api PATCH "/api/bookings/$id" '{"vessel":"By Header"}' -H 'If-Match: "1"'
is "$STATUS/$(jbody .error)" 409/stale_version "If-Match: \"1\" is stale too"
api PATCH "/api/bookings/$id" '{"vessel":"By Header"}' -H 'If-Match: "2"'
is "$STATUS/$(jbody .version)" 200/3 "If-Match: \"2\" applies"
api PATCH "/api/bookings/$id" '{"vessel":"Weak"}' -H 'If-Match: W/"3"'
is "$STATUS/$(jbody .version)" 200/4 "a weak If-Match tag is read the same"
api PATCH "/api/bookings/$id" '{"vessel":"Both","version":4}' -H 'If-Match: "3"'
is "$STATUS/$(jbody .field)" 400/version "body version and If-Match that disagree are 400"
for bad in '7' '"x"' '"0"' '"-1"' '*'; do
	api PATCH "/api/bookings/$id" '{"vessel":"Bad"}' -H "If-Match: $bad"
	is "$STATUS/$(jbody .error)" 400/invalid_if_match "If-Match: $bad is 400"
done
for bad in '"4"' 0 -1 1.5 null 4294967296; do
	api PATCH "/api/bookings/$id" "{\"vessel\":\"Bad\",\"version\":$bad}"
	is "$STATUS/$(jbody .field)" 400/version "version $bad is 400 on the field"
done
api PATCH "/api/bookings/$id" '{"version":4}'
is "$STATUS/$(jbody .error)" 400/missing "a PATCH of nothing but a version changes nothing: 400"
api PATCH "/api/bookings/$id" '{"vessel":"No Version"}'
is "$STATUS/$(jbody .version)" 200/5 "a PATCH without a version applies to the current one"

# 50 at once, all carrying version 5: the row lock lets exactly one through.
api GET "/api/bookings/$id"
v=$(jbody .version)
for i in $(seq 1 50); do
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 -X PATCH \
		-H "X-Service-Key: $CHARTER_SERVICE_KEY" -H 'Content-Type: application/json' \
		--data-binary "{\"vessel\":\"Racer $i\",\"version\":$v}" \
		"$CHARTER_API_URL/api/bookings/$id" >"$TAP_TMP/race.$i" &
done
wait
codes=$(cat "$TAP_TMP"/race.* | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')
is "$codes" "200:1 409:49 " "50 concurrent PATCHes with one version: exactly one 200, 49 x 409"
api GET "/api/bookings/$id"
is "$(jbody .version)" "$((v + 1))" "the booking moved one version"
is "$(psql -qAtX -c "SELECT count(*) FROM audit_log WHERE booking_id = $id AND action = 'booking.update'")" 5 \
	"one audit row per PATCH that applied"

done_testing
