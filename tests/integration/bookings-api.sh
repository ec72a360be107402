#!/bin/bash
# bookings-api.sh: crew and bookings through the internal API, with audit,
# outbox, versioning, publishing and the guest page through nginx
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

run=$$-$RANDOM
day() { date -u -d "+$1 days" +%Y-%m-%dT17:00:00Z; }
sql() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }

# Crew roster.
api POST /api/crew "{\"name\":\"Ana Captain $run\",\"email\":\"ana-$run@example.com\",\"phone\":\"+1 619 555 0101\",\"roles\":[\"captain\"],\"hourly_rate_cents\":6000}"
is "$STATUS" 201 "crew created"
ana=$(jbody .id)
like "$ana" '^[0-9]+$' "crew has an id"
is "$(jbody .roles[0])" captain "roles stored"
api POST /api/crew "{\"name\":\"Ben Deck $run\",\"email\":\"ben-$run@example.com\",\"hourly_rate_cents\":3500}"
is "$STATUS" 201 "second crew member created"
ben=$(jbody .id)
api POST /api/crew "{\"name\":\"Ana Again\",\"email\":\"ANA-$run@example.com\",\"hourly_rate_cents\":1}"
is "$STATUS/$(jbody .error)/$(jbody .field)" "409/email_taken/email" "duplicate email (any case) is 409"
api GET /api/crew
is "$STATUS" 200 "crew list"
is "$(jbody "[.[] | select(.id == $ana)] | length")" 1 "list holds the new crew member"

# A booking with crew, an open slot and a checklist; no slug given.
starts=$(day 10); ends=$(date -u -d "$starts + 4 hours" +%Y-%m-%dT%H:%M:%SZ)
booking=$(cat <<JSON
{"guest_name":"Jane Smith","guest_email":"jane-$run@example.com","guest_phone":"+1 619 555 0199",
 "starts_at":"$starts","ends_at":"$ends","vessel":"Jada","meeting_point":"Harbor Island West Marina, dock B",
 "party_size":6,"checklist":["Sunscreen","Soft-soled shoes"],"guest_notes":"Birthday trip.\nBring cake.",
 "crew_notes":"Guest gets seasick","revenue_cents":250000,"port_fee_cents":15000,"captain_fee_cents":40000,
 "crew":[{"crew_id":$ana,"role":"captain","captain":true},{"crew_id":$ben,"role":"deckhand","hourly_rate_cents":4000,"hours":5}],
 "open_slots":[{"role":"deckhand","count":1,"hourly_rate_cents":3500}]}
JSON
)
api POST /api/bookings "$booking"
is "$STATUS" 201 "booking created"
id=$(jbody .id); slug=$(jbody .slug)
like "$slug" '^jane-smith-[a-z0-9]{8}$' "slug made from the guest name plus a random suffix"
is "$(jbody .version)" 1 "first version is 1"
is "$(jbody .guest_url)" "$CHARTER_PUBLIC_URL/g/$slug" "guest_url built from CHARTER_PUBLIC_URL"

api GET "/api/bookings/$id"
is "$STATUS" 200 "booking read back"
is "$(jbody .revenue_cents)/$(jbody .port_fee_cents)/$(jbody .captain_fee_cents)" "250000/15000/40000" "money in cents"
is "$(jbody .time_zone)" America/Los_Angeles "default time zone"
like "$(jbody .starts_at)" '^20[0-9-]{8}T10:00:00-07:00$|^20[0-9-]{8}T09:00:00-08:00$' "times in the boat's zone with offset"
is "$(jbody '.crew | length')" 2 "two crew assigned"
is "$(jbody '.crew[0].captain')/$(jbody '.crew[0].hourly_rate_cents')" "true/6000" "captain first, rate snapshot from the roster"
is "$(jbody '.crew[1].hourly_rate_cents')/$(jbody '.crew[1].hours')" "4000/5" "explicit rate and hours kept"
is "$(jbody '.crew[0].status')" pending "responses start pending"
# crew cost: 4 h x 60.00 + 5 h x 40.00 = 440.00
is "$(jbody .crew_cost_cents)" 44000 "crew cost from rates and hours"
is "$(jbody .net_cents)" $((250000 - 15000 - 40000 - 44000)) "net after crew, port fee and captain fee"
is "$(jbody '.open_slots[0].role')/$(jbody '.open_slots[0].filled')" "deckhand/0" "open slot recorded"
# (Rows scheduled for later, the crewing alert's, are crew-slots.sh's.)
is "$(sql "SELECT string_agg(target || ':' || kind, ' ' ORDER BY target) FROM outbox WHERE booking_id = $id AND due_at IS NULL")" \
	"calendar:booking.upsert dynamo:booking.upsert mail:mail.guest_confirmation publish:booking.upsert scc:booking.upsert" \
	"outbox rows for every target, and the guest's confirmation mail"
is "$(sql "SELECT count(*) FROM audit_log WHERE booking_id = $id AND action = 'booking.create'")" 1 "audit row written"
payload=$(sql "SELECT payload::text FROM outbox WHERE booking_id = $id AND target = 'scc'")
unlike "$payload" 'revenue|captain_fee|port_fee|250000|40000' "crew projection in the outbox carries no revenue, port or captain fee"
like "$payload" '"notes": "Guest gets seasick"' "crew projection carries crew notes"

# The published page and the FastCGI fallback.
page="$CHARTER_PUBLISH_DIR/g/$slug.html"
eventually 5 test -f "$page"; ok $? "charterd sync publishes the guest page to the publish folder"
http GET "$CHARTER_PUBLIC_URL/g/$slug"
is "$STATUS" 200 "guest page through nginx (published file)"
cp "$BODY" "$TAP_TMP/published.html"
tidy_ok "$BODY" "published guest page is well-formed HTML"
like "$(body)" 'Jane Smith' "page names the guest"
like "$(body)" 'Harbor Island West Marina' "page shows the meeting point"
like "$(body)" 'Soft-soled shoes' "page shows the checklist"
like "$(body)" '<meta name="robots" content="noindex' "page carries robots noindex"
is "$(header x-robots-tag)" noindex "X-Robots-Tag from nginx"
unlike "$(body)" "jane-$run@example.com|555 0199" "page never shows the guest's email or phone"
unlike "$(body)" '250000|2,500|2500\.00|Guest gets seasick|4000' "page never shows money, crew pay or crew notes"
unlike "$(body)" "$MONEY_RE" "page shows no currency amount in any format"
rm -f "$page"
http GET "$CHARTER_PUBLIC_URL/g/$slug"
is "$STATUS" 200 "guest page through the FastCGI fallback"
like "$(header x-robots-tag)" 'noindex' "fallback sends X-Robots-Tag"
tidy_ok "$BODY" "fallback guest page is well-formed HTML"
cmp -s "$BODY" "$TAP_TMP/published.html"
ok $? "fallback renders the same bytes as the published file"

# A change reaches the FastCGI fallback at once: workers drop cached pages.
rm -f "$page"
for i in $(seq 1 10); do http GET "$CHARTER_PUBLIC_URL/g/$slug"; done  # fill every worker's cache
api PATCH "/api/bookings/$id" '{"guest_notes":"Moved to dock D."}'
is "$STATUS" 200 "notes changed"
rm -f "$page"
fresh=0
for i in $(seq 1 10); do
	http GET "$CHARTER_PUBLIC_URL/g/$slug"
	[[ $(body) == *'Moved to dock D'* ]] && fresh=$((fresh + 1))
done
is "$fresh" 10 "the fallback shows the change at once, from every worker"

# PATCH: times, slug and crew.
newstarts=$(day 11); newends=$(date -u -d "$newstarts + 3 hours" +%Y-%m-%dT%H:%M:%SZ)
api PATCH "/api/bookings/$id" "{\"starts_at\":\"$newstarts\",\"ends_at\":\"$newends\",\"slug\":\"smith-sunset-$run\",\"crew\":[{\"crew_id\":$ben,\"role\":\"captain\",\"captain\":true}]}"
is "$STATUS" 200 "patch accepted"
is "$(jbody .version)" 3 "patch bumps the version"
newslug=$(jbody .slug)
like "$newslug" "^smith-sunset-$run-[a-z0-9]{8}\$" "slug changed to the given friendly part plus a random suffix"
eventually 5 bash -c "[ ! -f '$CHARTER_PUBLISH_DIR/g/$slug.html' ] && [ -f '$CHARTER_PUBLISH_DIR/g/$newslug.html' ]"
ok $? "old page removed, new page published"
http GET "$CHARTER_PUBLIC_URL/g/$slug"
is "$STATUS" 404 "old slug is gone"
api GET "/api/bookings/$id"
is "$(jbody '[.crew[] | select(.status == "withdrawn")] | length')" 1 "unlisted crew withdrawn"
is "$(jbody '[.crew[] | select(.captain)] | .[0].crew_id')" "$ben" "captain moved"
is "$(sql "SELECT string_agg(target, ' ' ORDER BY target) FROM outbox WHERE booking_id = $id AND version = 3")" \
	"calendar dynamo publish scc" "outbox rows for version 3 (an update mails nobody)"
api PATCH "/api/bookings/$id" "{\"ends_at\":\"$newstarts\"}"
is "$STATUS/$(jbody .field)" "400/ends_at" "patch that would end before the start is 400 on ends_at"
api PATCH "/api/bookings/$id" "{\"time_zone\":\"Mars/Olympus_Mons\"}"
is "$STATUS/$(jbody .field)" "400/time_zone" "unknown time zone is 400 on time_zone"
api PATCH "/api/bookings/$id" "{\"guest_name\":null}"
is "$STATUS/$(jbody .field)" "400/guest_name" "clearing a required field is 400"
api PATCH "/api/bookings/999999999" '{"vessel":"X"}'
is "$STATUS" 404 "patch of an unknown booking is 404"
api GET "/api/bookings/$id"
is "$(jbody .version)" 3 "refused patches left the version alone"

# Slug rules: a given slug is the friendly part; every slug gets its own
# random suffix, so the same friendly part never clashes.
api POST /api/bookings "$(jq -c '.slug = "smith-sunset-'$run'" | del(.crew)' <<<"$booking")"
slug2=$(jbody .slug) id2=$(jbody .id)
is "$STATUS" 201 "a friendly part already in use is fine"
like "$slug2" "^smith-sunset-$run-[a-z0-9]{8}\$" "it gets a suffix of its own"
isnt "$slug2" "$newslug" "so the two slugs differ"
api PATCH "/api/bookings/$id2" "{\"slug\":\"$slug2\",\"vessel\":\"Other\"}"
is "$STATUS/$(jbody .slug)" "200/$slug2" "a PATCH that sends the current slug back keeps it"
api PATCH "/api/bookings/$id2" "{\"slug\":\"$(printf 'a%.0s' {1..64})\"}"
like "$STATUS/$(jbody .slug)" "^200/a{55}-[a-z0-9]{8}\$" "a 64-character friendly part is cut to 55 so the slug fits 64"
api POST /api/bookings "$(jq -c --arg c "$ana" '.crew = [{"crew_id": 99999999, "role": "x"}]' <<<"$booking")"
is "$STATUS/$(jbody .field)" "400/crew" "unknown crew_id is 400 on crew"

# Cancel: 410 page, file gone, idempotent.
api POST "/api/bookings/$id/cancel"
is "$STATUS/$(jbody .status)/$(jbody .version)" "200/cancelled/4" "cancel"
eventually 5 test ! -f "$CHARTER_PUBLISH_DIR/g/$newslug.html"; ok $? "cancel removes the published page"
http GET "$CHARTER_PUBLIC_URL/g/$newslug"
is "$STATUS" 410 "cancelled booking's page is 410"
like "$(body)" '[Cc]ancel' "and says it was cancelled"
tidy_ok "$BODY" "410 page is well-formed HTML"
api POST "/api/bookings/$id/cancel"
is "$STATUS/$(jbody .version)" "200/4" "cancelling twice is harmless"
api PATCH "/api/bookings/$id" '{"vessel":"Other"}'
is "$STATUS/$(jbody .error)" "409/booking_cancelled" "a cancelled booking cannot be changed"
is "$(sql "SELECT string_agg(target, ' ' ORDER BY target) FROM outbox WHERE booking_id = $id AND kind = 'booking.cancel'")" \
	"calendar dynamo publish scc" "cancel queued for every target"
is "$(sql "SELECT count(*) FROM outbox WHERE booking_id = $id AND kind = 'mail.operator_cancelled'")" 1 \
	"and the operator's notice"

# Metrics on the internal listener, for the service key or the dashboard token.
http GET "$CHARTER_API_URL/metrics"
is "$STATUS" 401 "/metrics without credentials is 401"
http GET "$CHARTER_API_URL/metrics" -H "X-Dashboard-Token: $CHARTER_DASHBOARD_TOKEN"
is "$STATUS" 200 "/metrics with the dashboard token"
like "$(body)" 'charterd_requests_total\{route="/api/bookings",method="POST",code="2xx"\} [1-9]' "counts requests by route"
# (state done or pending: with SCC configured its rows are delivered at once)
like "$(body)" 'charterd_outbox_rows\{target="scc",state="(done|pending)"\} [1-9]' "reports the outbox by target and state"

# Unknown pages.
http GET "$CHARTER_PUBLIC_URL/g/no-such-booking-here"
is "$STATUS" 404 "unknown slug is 404"
tidy_ok "$BODY" "404 page is well-formed HTML"

no_worker_crashed
done_testing
