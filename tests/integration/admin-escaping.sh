#!/bin/bash
# admin-escaping.sh: markup typed into the booking form stays text. Every
# text field is saved through the form holding <script>alert(1)</script>,
# "onmouseover=alert(1) x=" and {{x}}; every admin page that shows them
# (start page, list, the form, its history, the cancel step, invitations,
# a 400 answer) shows them escaped, never as markup, and {{x}} as typed (no
# template runs on a value); so do the guest page, its published copy and
# the guest's confirmation mail, and the crew-facing payloads carry them as
# JSON strings, intact. Fields that validate (email, phone, address, zone)
# refuse them, echoing them back escaped.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"
. "$CHARTER_SRCDIR/tests/lib/admin.sh"

run=$$-$RANDOM
pub=$CHARTER_PUBLIC_URL
MAIL=${CHARTER_MAIL_UI%/}
P1='<script>alert(1)</script>'
P2='"onmouseover=alert(1) x="'
P3='{{x}}'
E1='&lt;script&gt;alert(1)&lt;/script&gt;'
E2='&quot;onmouseover=alert(1) x=&quot;'
v() { printf '%s %s %s %s' "$1" "$P1" "$P2" "$P3"; }   # a field's payload

# inert WHAT: the last answer has no payload as markup, and each escaped.
inert() {
	local b
	b=$(body)
	ok "$(grep -qF "$P1" "$BODY"; echo $((1 - $?)))" "$1: no <script> from a value"
	ok "$(grep -qF "$P2" "$BODY"; echo $((1 - $?)))" "$1: no attribute breaks out of its quotes"
	like "$b" "$(printf '%s' "$E1" | sed 's/[][\.^$*+?(){}|]/\\&/g')" "$1: the script shows as text"
	like "$b" "$(printf '%s' "$E2" | sed 's/[][\.^$*+?(){}|]/\\&/g')" "$1: the quotes show as text"
	like "$b" '\{\{x\}\}' "$1: {{x}} shows as typed"
}

login o "$CHARTER_ADMIN_EMAIL" "$CHARTER_ADMIN_PASSWORD"
api POST /api/crew "{\"name\":\"Di Escape $run\",\"email\":\"di-$run@crew.test\",\"roles\":[\"Deckhand\"],\"hourly_rate_cents\":3000}"
di=$(jbody .id)
start=$(local_day 1 09:00) end=$(local_day 1 13:00)
email="guest-esc-$run@example.com"

page o /admin/bookings/new
submit o /admin/bookings "guest_name=$(v "Esc $run")" "starts_at=$start" "ends_at=$end" \
	"vessel=$(v Vessel)" "meeting_point=$(v Dock)" "checklist=$(v Item)" "guest_notes=$(v Guest)" \
	"crew_notes=$(v Crew)" "crew[0].crew_id=$di" "crew[0].role=$(v Role)" \
	"open_slots[0].role=$(v Slot)" "open_slots[0].count=1" "open_slots[0].hourly_rate_cents=20" \
	"guest_email=$email" revenue_cents=100
is "$STATUS" 303 "a booking with markup in every text field is saved"
id=$(location | sed 's#/admin/bookings/##; s#?.*##')
api GET "/api/bookings/$id"
is "$(jbody .guest_name)" "$(v "Esc $run")" "stored exactly as typed"
is "$(jbody .crew_notes)/$(jbody '.crew[0].role')" "$(v Crew)/$(v Role)" "every field of it"
slug=$(jbody .slug)
page o "/admin/bookings/$id"
submit o "/admin/bookings/$id" "vessel=$(v Vessel2)"
is "$STATUS" 303 "and edited (the history then has old and new values)"

page o "/admin/bookings/$id"
inert "the booking form"
for f in "Esc $run" Vessel2 Dock Guest Crew Item Role Slot; do
	like "$(body)" "$(printf '%s' "$f $E1" | sed 's/[][\.^$*+?(){}|]/\\&/g')" "the form shows '$f' escaped"
done
like "$(body)" "<span class=\"old\">Vessel $(printf '%s' "$E1" | sed 's/[][\.^$*+?(){}|]/\\&/g')" "the history too"
page o /admin/
inert "the start page"
page o "/admin/bookings?q=$slug"
inert "the list"
page o "/admin/bookings/$id?cancel=1"
inert "the cancel step"
page o "/admin/bookings/$id/invitations"
inert "the invitations page"
page o "/admin/bookings/$id"
submit o "/admin/bookings/$id" party_size=x
is "$STATUS" 400 "a save with a problem"
inert "the form answered with errors"

# Fields that validate refuse markup, and echo it back escaped.
page o /admin/bookings/new
submit o /admin/bookings "guest_name=x" "starts_at=$start" "ends_at=$end" vessel=x \
	"guest_email=$P1@x.test" "guest_phone=$P2" "slug=$P3" "time_zone=$P1"
is "$STATUS" 400 "markup in the email, phone, address or zone is refused"
for f in guest_email guest_phone slug time_zone; do
	grep -q "id=\"$f-error\"" "$BODY"; ok $? "at $f"
done
ok "$(grep -qF "$P1" "$BODY"; echo $((1 - $?)))" "the refused values come back escaped"
ok "$(grep -qF "$P2" "$BODY"; echo $((1 - $?)))" "with their quotes"

# -- where the values go next: the guest page and mail, the crew-facing payloads ------------
eventually 15 test -f "$CHARTER_PUBLISH_DIR/g/$slug.html"; ok $? "the guest page is published"
cp "$CHARTER_PUBLISH_DIR/g/$slug.html" "$BODY"
inert "the published guest page"
http GET "$pub/g/$slug" -H 'Cache-Control: no-cache'
is "$STATUS" 200 "the guest page answers"
inert "the guest page"
unlike "$(body)" "Crew $E1" "and it never shows the crew's notes"
has_mail() { [ "$(curl -sfG "$MAIL/email" --data-urlencode "to.address=$email" | jq length)" -ge 1 ]; }
eventually 20 has_mail; ok $? "the guest's confirmation mail arrives"
m=$(curl -sfG "$MAIL/email" --data-urlencode "to.address=$email" | jq last)
jq -r .html <<<"$m" >"$BODY"
ok "$(grep -qF "$P1" "$BODY"; echo $((1 - $?)))" "its HTML part has no <script> from a value"
ok "$(grep -qF "$P2" "$BODY"; echo $((1 - $?)))" "nor an attribute broken out of"
like "$(jq -r .text <<<"$m")" "$(printf '%s' "Esc $run $P1" | sed 's/[][\.^$*+?(){}|]/\\&/g')" \
	"its text part has the name as typed (plain text is inert)"
payload=$(sql "SELECT payload FROM outbox WHERE booking_id = $id AND target = 'scc' ORDER BY id DESC LIMIT 1")
is "$(jq -r .notes <<<"$payload")" "$(v Crew)" "the crew-facing payload (SCC, DynamoDB) carries the crew notes as a JSON string, intact"
is "$(jq -r '.crew[0].role' <<<"$payload")" "$(v Role)" "and the role"
is "$(jq -r '.open_slots[0].role' <<<"$payload")" "$(v Slot)" "and the open place"

no_worker_crashed
done_testing
