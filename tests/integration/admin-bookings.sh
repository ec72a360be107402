#!/bin/bash
# admin-bookings.sh: the admin's booking pages as a browser without
# JavaScript uses them: the form's validation (each problem next to its
# field, the input kept), create -> 303 -> the booking exists as typed (times
# in the boat's zone) with an audit row and reaches the published page, a
# taken address explained, editing with old -> new in the history, a row
# added by posting back, a stale edit that shows theirs against yours and
# keeps the input, cancel with its confirmation, the start page's crewing,
# the list's search, filters and pages, the sync page's retry, the
# invitations page, and CSRF refused on every POST.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"
. "$CHARTER_SRCDIR/tests/lib/admin.sh"

run=$$-$RANDOM
pub=$CHARTER_PUBLIC_URL
tz=America/Los_Angeles
has_error() { grep -q "id=\"$1-error\"" "$BODY"; }
version_of() { grep -o 'name="version" value="[^"]*"' "$BODY" | sed 's/.*value="//; s/"$//'; }

login o "$CHARTER_ADMIN_EMAIL" "$CHARTER_ADMIN_PASSWORD"
is "$STATUS" 303 "the owner logs in"
owner=$(sql "SELECT id FROM staff_users WHERE lower(email) = lower('$CHARTER_ADMIN_EMAIL')")

api POST /api/crew "{\"name\":\"Ana Form $run\",\"email\":\"ana-$run@crew.test\",\"roles\":[\"Deckhand\",\"Mate\"],\"hourly_rate_cents\":4321}"
ana=$(jbody .id)
api POST /api/crew "{\"name\":\"Bo Form $run\",\"email\":\"bo-$run@crew.test\",\"roles\":[\"Captain\"],\"hourly_rate_cents\":5678}"
bo=$(jbody .id)
ok "$([ -n "$ana" ] && [ -n "$bo" ]; echo $?)" "two crew members on the roster"

start=$(local_day 3 10:00) end=$(local_day 3 14:30)
offset=$(TZ=$tz date -d "${start/T/ }" +%:z)

# -- the form and its validation -------------------------------------------------------
page o /admin/bookings/new
is "$STATUS" 200 "the new booking form"
like "$(body)" "<option value=\"$ana\" data-rate=\"43.21\" data-role=\"Deckhand\">Ana Form $run — Deckhand, Mate · \\\$43.21/h" \
	"crew rows offer the roster with each member's rate and roles"
like "$(body)" 'id="revenue_cents"' "the owner's form has the money fields"
submit o /admin/bookings guest_name= "starts_at=$start" "ends_at=$end" party_size=six \
	"vessel=Kept Vessel $run" "crew[0].crew_id=abc" "crew[0].role=Mate" "crew[0].hourly_rate_cents=1.234" \
	revenue_cents=abc guest_email=not-an-email "slug=Bad Slug!"
is "$STATUS" 400 "a form with problems is 400"
for f in guest_name party_size crew-0-crew_id crew-0-hourly_rate_cents revenue_cents guest_email slug; do
	has_error "$f"; ok $? "the problem with $f is said next to it"
done
like "$(body)" 'id="guest_name" name="guest_name" type="text" value="" maxlength="200" autocomplete="off" required aria-invalid="true" aria-describedby="guest_name-error"' \
	"the field is marked invalid and points at its message"
like "$(body)" 'Guest name must not be empty\.' "in words, with the field's label"
like "$(body)" '<a href="#party_size">Party size: Enter the number of guests' "the summary links to each field"
like "$(body)" "value=\"Kept Vessel $run\"" "what was typed is kept"
like "$(body)" 'value="six"' "even what was wrong"
like "$(body)" 'value="abc"' "(the revenue too)"
is "$(sql "SELECT count(*) FROM bookings WHERE vessel = 'Kept Vessel $run'")" 0 "nothing was saved"
page o /admin/bookings/new
submit o /admin/bookings "guest_name=Rules $run" "starts_at=$end" "ends_at=$start" vessel=Jada
is "$STATUS" 400 "a charter that returns before it departs is 400"
has_error ends_at; ok $? "said at the return time"
like "$(body)" "The charter must return after it departs\\." "in words"
page o /admin/bookings/new
submit o /admin/bookings "guest_name=Zone $run" "starts_at=$start" "ends_at=$end" vessel=Jada time_zone=Mars/Olympus_Mons
is "$STATUS" 400 "a zone PostgreSQL does not know is 400"
has_error time_zone; ok $? "said at the zone"
page o /admin/bookings/new
submit o /admin/bookings "guest_name=Slots $run" "starts_at=$start" "ends_at=$end" vessel=Jada \
	"open_slots[0].role=Cook" "open_slots[0].count=2"
is "$STATUS" 400 "an open place without a rate is 400"
has_error open_slots-0-hourly_rate_cents; ok $? "said at its rate"

# -- create -------------------------------------------------------------------------------
page o /admin/bookings/new
submit o /admin/bookings "guest_name=Form Create $run" "starts_at=$start" "ends_at=$end" vessel=Jada \
	party_size=4 "meeting_point=Dock B" checklist=Sunscreen +checklist=Hat "guest_email=guest-$run@example.com" \
	"crew[0].crew_id=$ana" "crew[0].hours=3.5" "+crew[5].crew_id=$bo" "+crew[5].role=Skipper" captain=5 \
	"open_slots[0].role=Deckhand" "open_slots[0].count=2" "open_slots[0].hourly_rate_cents=25" \
	revenue_cents=12,345.67 port_fee_cents=87.65 captain_fee_cents=432.10
is "$STATUS" 303 "a good form creates the booking: 303"
like "$(location)" '^/admin/bookings/[0-9]+\?created=1$' "to the booking's page"
id=$(location | sed 's#/admin/bookings/##; s#?.*##')
api GET "/api/bookings/$id"
is "$(jbody .guest_name)" "Form Create $run" "the booking exists"
is "$(jbody .starts_at)/$(jbody .ends_at)" "$start:00$offset/$end:00$offset" \
	"its times are the typed local times in the boat's zone"
is "$(jbody '[.revenue_cents, .port_fee_cents, .captain_fee_cents] | join(",")')" "1234567,8765,43210" "money in cents"
is "$(jbody '.checklist | join("|")')" "Sunscreen|Hat" "the checklist, blank lines left out"
is "$(jbody ".crew[] | select(.crew_id == $ana) | [.role, .hourly_rate_cents, .hours, .captain] | join(\",\")")" \
	"Deckhand,4321,3.5,false" "a crew member without a role or rate takes the roster's"
is "$(jbody ".crew[] | select(.crew_id == $bo) | [.role, .hourly_rate_cents, .hours, .captain] | join(\",\")")" \
	"Skipper,5678,4.5,true" "the captain, for the whole charter"
is "$(jbody '.open_slots | map([.role, .count, .hourly_rate_cents] | join(",")) | join("|")')" "Deckhand,2,2500" "the open place"
slot=$(jbody '.open_slots[0].slot_id')
slug=$(jbody .slug)
like "$slug" "^form-create-$run-[a-z0-9]{8}\$" "an address made from the guest's name"
is "$(sql "SELECT actor FROM audit_log WHERE booking_id = $id AND action = 'booking.create'")" "staff:$owner" \
	"an audit row names the staff member"
is "$(sql "SELECT string_agg(target, ',' ORDER BY target) FROM outbox WHERE booking_id = $id AND due_at IS NULL")" \
	"calendar,dynamo,mail,publish,scc" "and outbox rows for every target, the guest's mail too"
eventually 15 test -f "$CHARTER_PUBLISH_DIR/g/$slug.html"; ok $? "the guest page is published"
http GET "$pub/g/$slug"
is "$STATUS" 200 "and answers"
like "$(body)" "Form Create $run" "with the guest's name"

page o /admin/bookings/new
submit o /admin/bookings "guest_name=Address $run" "starts_at=$start" "ends_at=$end" vessel=Jada "slug=sunset-$run"
is "$STATUS" 303 "an address can be chosen"
aid=$(location | sed 's#/admin/bookings/##; s#?.*##')
like "$(sql "SELECT slug FROM bookings WHERE id = $aid")" "^sunset-$run-[a-z0-9]{8}\$" \
	"and gets random characters, as the API's do (no address can be guessed)"
aslug=$(sql "SELECT slug FROM bookings WHERE id = $aid")
page o "/admin/bookings/$aid"
submit o "/admin/bookings/$aid" "vessel=Moved $run"
is "$STATUS/$(sql "SELECT slug FROM bookings WHERE id = $aid")" "303/$aslug" "saving other fields keeps the address"
page o "/admin/bookings/$aid"
submit o "/admin/bookings/$aid" "slug=moved-$run"
like "$(sql "SELECT slug FROM bookings WHERE id = $aid")" "^moved-$run-[a-z0-9]{8}\$" "a new one gets random characters too"

# -- the page, the margin, editing -------------------------------------------------------
page o "/admin/bookings/$id?created=1"
is "$STATUS" 200 "the booking's page"
like "$(body)" "Booking created" "says it was created"
# Crew: Ana 43.21 x 3.5 = 151.24, Bo 56.78 x 4.5 = 255.51, two open places
# 25 x 4.5 = 225.00: 631.75. 12,345.67 - 631.75 - 87.65 - 432.10 = 11,194.17.
like "$(body)" 'id="margin-net">\$11,194\.17<' "the margin line: revenue - crew - port fee - captain fee"
like "$(body)" 'id="margin-pct">90\.7%<' "as a percentage of revenue"
like "$(body)" 'id="margin-crew">\$631\.75<' "crew cost with the open places"
v=$(version_of)
is "$v" 1 "the form carries the booking's version"
submit o "/admin/bookings/$id" "vessel=Sea Otter $run" revenue_cents=12445.67 "crew[0].hours=4"
is "$STATUS/$(location)" "303//admin/bookings/$id?saved=1" "saving is 303 back to the booking"
api GET "/api/bookings/$id"
is "$(jbody .vessel)/$(jbody .revenue_cents)/$(jbody .version)" "Sea Otter $run/1244567/2" "the change is saved, version 2"
is "$(jbody '.open_slots[0].slot_id')" "$slot" "the open place kept its id"
is "$(sql "SELECT detail->'changes'->'vessel'->>'old' || ' -> ' || (detail->'changes'->'vessel'->>'new') FROM audit_log WHERE booking_id = $id AND action = 'booking.update'")" \
	"Jada -> Sea Otter $run" "the audit row has the field's old and new value"
is "$(sql "SELECT money->'revenue_cents'->>'old' || ' -> ' || (money->'revenue_cents'->>'new') FROM audit_log WHERE booking_id = $id AND action = 'booking.update'")" \
	"1234567 -> 1244567" "money's old and new value in its own column"
is "$(sql "SELECT detail ? 'revenue_cents' OR detail->'changes' ? 'revenue_cents' FROM audit_log WHERE booking_id = $id AND action = 'booking.update'")" \
	f "and not in detail"
is "$(sql "SELECT actor || ' v' || (detail->>'version') FROM audit_log WHERE booking_id = $id AND action = 'booking.update'")" \
	"staff:$owner v2" "with who and which version"
page o "/admin/bookings/$id?saved=1"
like "$(body)" '<dt>Vessel</dt>' "the history lists the change"
like "$(body)" "<span class=\"old\">Jada</span> <span aria-hidden=\"true\">→</span><span class=\"visually-hidden\">became</span> <span class=\"new\">Sea Otter $run</span>" \
	"old -> new"
like "$(body)" '<span class="old">\$12,345\.67</span>' "the owner sees money in it"
like "$(body)" "by Demo owner|by $CHARTER_ADMIN_EMAIL" "and who"

# -- a row more, without JavaScript: the form posts back, nothing is saved -------------------
rows=$(grep -c 'name="crew\[[0-9]*\]\.crew_id"' "$BODY")
submit o "/admin/bookings/$id" "vessel=Unsaved $run" +add=crew
is "$STATUS" 200 "'Add a crew member' answers the form again"
is "$(grep -c 'name="crew\[[0-9]*\]\.crew_id"' "$BODY")" "$((rows + 1))" "with one crew row more"
like "$(body)" "value=\"Unsaved $run\"" "keeping what was typed"
is "$(sql "SELECT version || vessel FROM bookings WHERE id = $id")" "2Sea Otter $run" "and saving nothing"
submit o "/admin/bookings/$id" +add=checklist
is "$(grep -c 'name="checklist"' "$BODY")" "$(( $(grep -c 'name="checklist"' "$TAP_TMP/form.html") + 2 ))" \
	"'Add items' adds checklist lines"

# -- stale: someone else saved first ---------------------------------------------------------
page o "/admin/bookings/$id"
v=$(version_of)
cp "$BODY" "$TAP_TMP/mine.html"
api PATCH "/api/bookings/$id" "{\"vessel\":\"Theirs $run\",\"party_size\":9}"
is "$STATUS" 200 "meanwhile someone else changes the vessel and party size"
cp "$TAP_TMP/mine.html" "$BODY"
submit o "/admin/bookings/$id" "vessel=Mine $run" "meeting_point=Dock C"
is "$STATUS" 409 "saving the form built from the old version is 409"
like "$(body)" "Someone else saved this booking while you were editing it" "the form says so"
like "$(body)" "Your form started from version $v; the booking is now at version $((v + 1))" "naming the versions"
like "$(body)" "<tr><th scope=\"row\">Vessel</th><td>Theirs $run</td><td>Mine $run</td></tr>" "what changed: their vessel against mine"
like "$(body)" "<tr><th scope=\"row\">Party size</th><td>9</td><td>4</td></tr>" "their party size against the form's"
unlike "$(body)" "<th scope=\"row\">Meeting point</th>" "a field only I changed is not listed"
like "$(body)" "value=\"Mine $run\"" "my input is kept"
like "$(body)" 'value="Dock C"' "all of it"
is "$(version_of)" "$((v + 1))" "the form now carries the current version"
is "$(sql "SELECT vessel FROM bookings WHERE id = $id")" "Theirs $run" "nothing of mine was saved over theirs"
submit o "/admin/bookings/$id"
is "$STATUS" 303 "saving again applies mine, on purpose"
is "$(sql "SELECT vessel || '/' || meeting_point || '/' || party_size FROM bookings WHERE id = $id")" \
	"Mine $run/Dock C/4" "the form's values are saved"

# -- a crew answer meanwhile is not someone else's edit (crew-core's version rule) ------------
page o "/admin/bookings/$id"
v=$(version_of)
sql "UPDATE assignments SET status = 'declined', responded_at = now() WHERE booking_id = $id AND crew_id = $ana;
	UPDATE bookings SET version = version + 1 WHERE id = $id" >/dev/null
submit o "/admin/bookings/$id" "meeting_point=Dock D"
is "$STATUS" 303 "a form from before a crew member answered still saves (the answer edited nothing staff wrote)"
is "$(sql "SELECT meeting_point || '/' || version || '/' || edited_version FROM bookings WHERE id = $id")/$(sql "SELECT status FROM assignments WHERE booking_id = $id AND crew_id = $ana")" \
	"Dock D/$((v + 2))/$((v + 2))/declined" "saved at the next version, and the answer kept"
sql "UPDATE assignments SET status = 'pending', responded_at = NULL WHERE booking_id = $id AND crew_id = $ana" >/dev/null

# -- a conflict explained: an open place crew took cannot go ---------------------------------
api POST /api/crew "{\"name\":\"Cy Holder $run\",\"email\":\"cy-$run@crew.test\",\"roles\":[\"Deckhand\"],\"hourly_rate_cents\":2500}"
cy=$(jbody .id)
sql "INSERT INTO assignments (booking_id, crew_id, role, hourly_rate_cents, slot_id, status) VALUES ($id, $cy, 'Deckhand', 2500, $slot, 'pending')" >/dev/null
page o "/admin/bookings/$id"
submit o "/admin/bookings/$id" "open_slots[0].role=" "vessel=Kept $run"
is "$STATUS" 409 "removing an open place crew have taken is 409"
like "$(body)" '<a href="#open_slots-section">Open places: Crew have taken an open place you removed' \
	"explained in words, at the open places"
like "$(body)" "value=\"Kept $run\"" "the input kept"
is "$(sql "SELECT count(*) FROM open_slots WHERE id = $slot")/$(sql "SELECT vessel FROM bookings WHERE id = $id")" \
	"1/Mine $run" "and nothing saved"
sql "DELETE FROM assignments WHERE booking_id = $id AND crew_id = $cy" >/dev/null

# -- the start page: crewing at a glance ----------------------------------------------------
sql "UPDATE assignments SET status = 'confirmed', responded_at = now() WHERE booking_id = $id AND crew_id = $bo" >/dev/null
page o /admin/
is "$STATUS" 200 "the start page"
like "$(body)" "href=\"/admin/bookings/$id\">Form Create $run</a>" "shows the charter"
like "$(body)" "<span class=\"crew-state crew-ok\">Confirmed</span> Bo Form $run <span class=\"muted\">Skipper, captain</span>" \
	"who confirmed"
like "$(body)" "<span class=\"crew-state crew-wait\">Pending</span> Ana Form $run" "who is pending"
like "$(body)" '<span class="crew-state crew-open">Open</span> 2 × Deckhand' "the open places"
like "$(body)" "Needs crew" "not fully crewed"
sql "UPDATE assignments SET status = 'confirmed' WHERE booking_id = $id" >/dev/null
api PATCH "/api/bookings/$id" '{"open_slots":[]}'
page o /admin/
grep -A3 "Form Create $run" "$BODY" | grep -q "Fully crewed"; ok $? "everyone confirmed, no place open: fully crewed"

# -- the list: search, filters, pages ------------------------------------------------------------
for q in "form create $run" "FORM CREATE" "$slug" "mine $run"; do
	page o "/admin/bookings?q=$(jq -rn --arg q "$q" '$q|@uri')"
	like "$(body)" "href=\"/admin/bookings/$id\"" "search '$q' finds it (any case; name, address, vessel)"
done
page o "/admin/bookings?q=%25&from="
unlike "$(body)" "href=\"/admin/bookings/$id\"" "a '%' is searched for, not a wildcard"
far=$(date -u -d '+400 days' +%Y-%m-%d)
for i in $(seq 1 55); do
	# 08:00 UTC onwards: the same day in the operator's zone.
	api POST /api/bookings "{\"guest_name\":\"Pager $i\",\"starts_at\":\"${far}T$(printf '%02d' $((8 + i / 60))):$(printf '%02d' $((i % 60))):00Z\",\"ends_at\":\"${far}T20:00:00Z\",\"vessel\":\"Pager $run\",\"revenue_cents\":1,\"port_fee_cents\":0,\"captain_fee_cents\":0}" >/dev/null
done
page o "/admin/bookings?q=$(jq -rn --arg q "Pager $run" '$q|@uri')&from=$far&to=$far"
is "$(grep -c 'data-label="Guest"' "$BODY")" 50 "a page holds 50 bookings"
unlike "$(body)" 'rel="prev"' "the first page has no earlier page"
next=$(grep -o 'href="[^"]*" rel="next"' "$BODY" | sed 's/href="//; s/" rel.*//; s/&amp;/\&/g')
like "$next" "after=[0-9]+" "and a link to the next"
first=$(grep -o 'href="/admin/bookings/[0-9]*"' "$BODY" | head -1)
page o "$next"
is "$(grep -c 'data-label="Guest"' "$BODY")" 5 "the next page holds the other 5"
unlike "$(body)" 'rel="next"' "and is the last"
prev=$(grep -o 'href="[^"]*" rel="prev"' "$BODY" | sed 's/href="//; s/" rel.*//; s/&amp;/\&/g')
page o "$prev"
is "$(grep -o 'href="/admin/bookings/[0-9]*"' "$BODY" | head -1)" "$first" "back to the first page"
is "$(grep -c 'data-label="Guest"' "$BODY")" 50 "all 50 of it"
page o "/admin/bookings?q=$(jq -rn --arg q "Pager $run" '$q|@uri')&from=$(date -u -d '+401 days' +%Y-%m-%d)"
is "$(grep -c 'data-label="Guest"' "$BODY")" 0 "a date range leaves out what departs before it"
page o "/admin/bookings?q=$(jq -rn --arg q "Pager $run" '$q|@uri')&from=&open=1"
is "$(grep -c 'data-label="Guest"' "$BODY")" 50 "not fully crewed: bookings with no crew are"
page o "/admin/bookings?q=$(jq -rn --arg q "$slug" '$q|@uri')&open=1"
is "$(grep -c 'data-label="Guest"' "$BODY")" 0 "and a fully crewed one is not"
page o "/admin/bookings?from=2026-13-45"
is "$STATUS" 200 "a malformed filter is not an error"
like "$(body)" "is not a date like" "but is said"

# -- sync: a dead row sent again ---------------------------------------------------------------
row=$(sql "SELECT max(id) FROM outbox WHERE booking_id = $id AND target = 'calendar'")
sql "UPDATE outbox SET state = 'dead', attempts = 20, last_error = 'refused <b>boom</b> $run' WHERE id = $row" >/dev/null
page o /admin/sync
is "$STATUS" 200 "the sync page"
like "$(body)" "<strong>Dead:</strong> row $row, booking.upsert" "lists the dead row"
like "$(body)" "refused &lt;b&gt;boom&lt;/b&gt; $run" "with its last error, escaped"
csrf=$(csrf_of o)
http POST "$pub/admin/sync" -b "$(jar o)" --data-urlencode "id=$row"
is "$STATUS" 403 "retry without the form's token is 403"
is "$(sql "SELECT state FROM outbox WHERE id = $row")" dead "and changes nothing"
http POST "$pub/admin/sync" -b "$(jar o)" --data-urlencode "csrf=$csrf" --data-urlencode "id=$row"
is "$STATUS/$(location)" "303//admin/sync?retried=$row" "Send again: 303 back saying so"
isnt "$(sql "SELECT state FROM outbox WHERE id = $row")" dead "the row is back in the queue"
is "$(sql "SELECT count(*) FROM audit_log WHERE action = 'sync.retry' AND actor = 'staff:$owner' AND detail->>'outbox_id' = '$row'")" 1 \
	"with an audit row"
http POST "$pub/admin/sync" -b "$(jar o)" --data-urlencode "csrf=$csrf" --data-urlencode "id=$row"
is "$(location)" "/admin/sync?gone=$row" "a row that is not dead is said so"

# -- invitations -------------------------------------------------------------------------------
page o "/admin/bookings/$id/invitations"
is "$STATUS" 200 "the invitations page"
like "$(body)" "Ana Form $run<br><span class=\"fine\">Deckhand</span>" "lists each crew member"
like "$(body)" '<span class="badge badge-confirmed">confirmed</span>' "with their answer"
links() { sql "SELECT count(*) FILTER (WHERE revoked_at IS NULL) || '/' || count(*) FILTER (WHERE revoked_reason = 'reissued') FROM magic_links WHERE booking_id = $id AND crew_id = $1"; }
http POST "$pub/admin/bookings/$id/invitations" -b "$(jar o)" --data-urlencode "csrf=$csrf" --data-urlencode "crew_id=$ana"
is "$STATUS" 303 "sending an invitation is 303 back"
is "$(location)" "/admin/bookings/$id/invitations?sent=1" "to the page, which says so"
is "$(links "$ana")/$(links "$bo")" "1/0/0/0" "one live link, for that crew member only"
is "$(sql "SELECT count(*) FROM outbox WHERE booking_id = $id AND crew_id = $ana AND kind = 'mail.crew_invitation'")/$(sql "SELECT count(*) FROM audit_log WHERE booking_id = $id AND crew_id = $ana AND action = 'crew.invite' AND actor = 'staff:$owner'")" \
	"1/1" "its mail queued, and an audit row naming who sent it"
page o "/admin/bookings/$id/invitations"
like "$(body)" "Sent [^<]*<br><span class=\"fine\">link valid until" "the page shows it sent"
http POST "$pub/admin/bookings/$id/invitations" -b "$(jar o)" --data-urlencode "csrf=$csrf"
is "$STATUS/$(links "$ana")/$(links "$bo")" "303/1/1/1/0" "sending to everyone resends: the old link revoked (reissued), one live each"
http POST "$pub/admin/bookings/$id/invitations" -b "$(jar o)" --data-urlencode "csrf=$csrf" --data-urlencode "crew_id=999999999"
is "$STATUS" 400 "a crew member not on the booking is 400"
like "$(body)" "no longer on this booking; nothing was sent" "in words"

# -- CSRF on every POST ---------------------------------------------------------------------------
for path in /admin/bookings "/admin/bookings/$id" "/admin/bookings/$id/invitations" /admin/sync; do
	http POST "$pub$path" -b "$(jar o)" --data-urlencode "vessel=x" --data-urlencode "action=cancel"
	is "$STATUS" 403 "POST $path without the form's token is 403"
	http POST "$pub$path" -b "$(jar o)" --data-urlencode "csrf=x$csrf" --data-urlencode "action=cancel"
	is "$STATUS" 403 "POST $path with a wrong token is 403"
	http POST "$pub$path" -b "$(jar o)" --data-urlencode "csrf=$csrf" --data-urlencode "action=cancel" \
		-H "Origin: http://evil.example"
	is "$STATUS" 403 "POST $path from another origin is 403"
done
is "$(sql "SELECT status FROM bookings WHERE id = $id")" confirmed "none of them cancelled anything"
http POST "$pub/admin/bookings" -b "$(jar o)" --data-urlencode "csrf=$csrf" --data-urlencode "add=crew" \
	-H "Origin: null" -H "Sec-Fetch-Site: same-origin"
is "$STATUS" 200 "a browser's Origin: null (our pages send no referrer) with Sec-Fetch-Site: same-origin is ours"
http POST "$pub/admin/bookings" -b "$(jar o)" --data-urlencode "csrf=$csrf" --data-urlencode "add=crew" \
	-H "Origin: null"
is "$STATUS" 403 "Origin: null alone is not"

# -- cancel, with a confirmation ------------------------------------------------------------------
page o "/admin/bookings/$id?cancel=1"
is "$STATUS" 200 "cancel asks first"
like "$(body)" "<h1>Cancel this booking\\?</h1>" "on a page of its own"
like "$(body)" '<input type="hidden" name="action" value="cancel">' "whose button posts the cancel"
is "$(sql "SELECT status FROM bookings WHERE id = $id")" confirmed "asking changed nothing"
http POST "$pub/admin/bookings/$id" -b "$(jar o)" --data-urlencode "csrf=$csrf" --data-urlencode "action=cancel"
is "$STATUS/$(location)" "303//admin/bookings/$id?cancelled=1" "confirming cancels: 303 back"
is "$(sql "SELECT status FROM bookings WHERE id = $id")" cancelled "the booking is cancelled"
is "$(sql "SELECT actor FROM audit_log WHERE booking_id = $id AND action = 'booking.cancel'")" "staff:$owner" "with an audit row"
is "$(sql "SELECT detail->'changes'->'status'->>'new' FROM audit_log WHERE booking_id = $id AND action = 'booking.cancel'")" cancelled \
	"that says what changed"
page o "/admin/bookings/$id?cancelled=1"
like "$(body)" "This booking was cancelled" "the page says so"
unlike "$(body)" 'value="save"' "and offers no save"
gone() { http GET "$pub/g/$slug"; [ "$STATUS" = 410 ]; }
eventually 15 gone; ok $? "the guest page answers 410 once the change is published"
like "$(body)" "cancelled" "saying the charter is cancelled"
page o "/admin/bookings/$id"
submit o "/admin/bookings/$id" "vessel=After $run"
is "$STATUS" 409 "a save of a cancelled booking is 409"
like "$(body)" "This booking is cancelled and can no longer be changed" "saying why"

no_worker_crashed
done_testing
