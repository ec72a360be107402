#!/bin/bash
# admin-roles.sh: only the owner sees money. A staff session runs bookings
# through every admin page it can reach (start page, list, new, the form
# and what its POSTs answer: errors, an added row, a stale edit, history,
# cancel, invitations, sync) and finds none of a booking's distinctive
# revenue, port fee, captain fee, margin or net in any rendering; staff
# create and edit bookings without money; and PostgreSQL itself refuses the
# staff role every money column, whatever the session does, while the
# owner's role reads them.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"
. "$CHARTER_SRCDIR/tests/lib/admin.sh"

run=$$-$RANDOM
pub=$CHARTER_PUBLIC_URL
denied='permission denied'
version_of() { grep -o 'name="version" value="[^"]*"' "$BODY" | sed 's/.*value="//; s/"$//'; }

# The booking's money: revenue 76,543.21 (later 76,543.99), port fee 246.81,
# captain fee 1,357.91; one crew member at 33.33/h for 5 h: 166.65. Net
# 74,771.84 (then 74,772.62), margin 97.7%.
MONEY='7654321|76543\.21|76,543\.21|7654399|76543\.99|76,543\.99|24681|246\.81|135791|1357\.91|1,357\.91'
MONEY+='|7477184|74771\.84|74,771\.84|7477262|74772\.62|74,772\.62|97\.7'
MONEY+='|[Rr]evenue|[Mm]argin|port_fee|captain_fee|[Pp]ort fee|[Cc]aptain fee|[Nn]et '
no_money() { # no_money WHAT: the last answer shows none of the money
	local hit
	hit=$(grep -oE "$MONEY" "$BODY" | sort -u | tr '\n' ' ')
	is "$hit" "" "$1: no revenue, fee, net or margin in any rendering"
}

login o "$CHARTER_ADMIN_EMAIL" "$CHARTER_ADMIN_PASSWORD"
login s "$CHARTER_STAFF_EMAIL" "$CHARTER_STAFF_PASSWORD"
is "$STATUS" 303 "a staff member logs in"
staff=$(sql "SELECT id FROM staff_users WHERE lower(email) = lower('$CHARTER_STAFF_EMAIL')")

api POST /api/crew "{\"name\":\"Cy Roles $run\",\"email\":\"cy-$run@crew.test\",\"roles\":[\"Deckhand\"],\"hourly_rate_cents\":3333}"
cy=$(jbody .id)

# The owner books with money, then changes the revenue (history has it).
start=$(local_day 2 09:00) end=$(local_day 2 14:00)
page o /admin/bookings/new
submit o /admin/bookings "guest_name=Roles $run" "starts_at=$start" "ends_at=$end" vessel=Jada \
	"crew[0].crew_id=$cy" revenue_cents=76,543.21 port_fee_cents=246.81 captain_fee_cents=1357.91
is "$STATUS" 303 "the owner creates a booking with money"
id=$(location | sed 's#/admin/bookings/##; s#?.*##')
page o "/admin/bookings/$id"
like "$(body)" 'id="margin-net">\$74,771\.84<' "the owner's page has the margin"
like "$(body)" 'id="margin-pct">97\.7%<' "and its percentage"
submit o "/admin/bookings/$id" revenue_cents=76543.99 "vessel=Owner Vessel $run"
is "$STATUS" 303 "the owner changes the revenue and the vessel"
page o "/admin/bookings/$id"
like "$(body)" '<span class="old">\$76,543\.21</span>' "the owner's history shows the money change"
like "$(body)" '>Money</a>' "the owner's menu has Money"
slug=$(sql "SELECT slug FROM bookings WHERE id = $id")

# -- every page staff reach ---------------------------------------------------------------
for path in /admin/ "/admin/bookings?from=" "/admin/bookings?q=$slug" /admin/bookings/new \
	"/admin/bookings/$id" "/admin/bookings/$id?saved=1" "/admin/bookings/$id?cancel=1" \
	"/admin/bookings/$id/invitations" /admin/sync; do
	page s "$path"
	is "$STATUS" 200 "staff open $path"
	no_money "$path"
done
page s "/admin/bookings/$id"
like "$(body)" "Owner Vessel $run" "staff see the booking"
like "$(body)" '<dt>Vessel</dt>' "and its history"
unlike "$(body)" 'name="revenue_cents"' "but no money field"
unlike "$(body)" '>Money</a>' "and no Money menu"
like "$(body)" 'value="33.33"' "crew pay is theirs to run (a rate is crew pay, not revenue)"

# What staff's POSTs answer.
page s "/admin/bookings/$id"
submit s "/admin/bookings/$id" guest_name= party_size=x
is "$STATUS" 400 "a staff save with problems"
no_money "its error page"
page s "/admin/bookings/$id"
submit s "/admin/bookings/$id" +add=crew
is "$STATUS" 200 "a staff 'add a row'"
no_money "its page"
page s "/admin/bookings/$id"
cp "$BODY" "$TAP_TMP/staff.html"
page o "/admin/bookings/$id"
submit o "/admin/bookings/$id" revenue_cents=76543.21 "vessel=Owner Again $run"
is "$STATUS" 303 "meanwhile the owner changes revenue and vessel"
cp "$TAP_TMP/staff.html" "$BODY"
submit s "/admin/bookings/$id" "vessel=Staff Vessel $run"
is "$STATUS" 409 "staff's stale save"
like "$(body)" "<th scope=\"row\">Vessel</th><td>Owner Again $run</td>" "shows what changed"
no_money "the stale page (the owner's revenue change is not listed)"
submit s "/admin/bookings/$id" +revenue_cents=1 +port_fee_cents=2 +captain_fee_cents=3
is "$STATUS" 303 "staff save again (money fields slipped into the POST are not read)"
is "$(sql "SELECT vessel || '/' || revenue_cents || '/' || port_fee_cents || '/' || captain_fee_cents FROM bookings WHERE id = $id")" \
	"Staff Vessel $run/7654321/24681/135791" "the change is saved and the money untouched"
is "$(sql "SELECT actor FROM audit_log WHERE booking_id = $id ORDER BY id DESC LIMIT 1")" "staff:$staff" \
	"the audit row names the staff member"
page s "/admin/bookings/$id?saved=1"
no_money "the page after staff's save, history included"

# -- staff book without money -----------------------------------------------------------------
page s /admin/bookings/new
submit s /admin/bookings "guest_name=Staff Booked $run" "starts_at=$start" "ends_at=$end" vessel=Jada \
	"crew[0].crew_id=$cy" +revenue_cents=5
is "$STATUS" 303 "staff create a booking through the form"
sid=$(location | sed 's#/admin/bookings/##; s#?.*##')
is "$(sql "SELECT revenue_cents || '/' || port_fee_cents || '/' || captain_fee_cents FROM bookings WHERE id = $sid")" "0/0/0" \
	"with no money (the owner adds it later)"
is "$(sql "SELECT actor FROM audit_log WHERE booking_id = $sid AND action = 'booking.create'")" "staff:$staff" "audited as staff"
page s "/admin/bookings/$sid?created=1"
no_money "staff's new booking"
page o "/admin/bookings/$sid"
submit o "/admin/bookings/$sid" revenue_cents=500
is "$(sql "SELECT revenue_cents FROM bookings WHERE id = $sid")" 50000 "the owner adds the money"

# -- the database: staff's role cannot read or write money, whatever it runs ----------------------
is "$(as_role charterd_staff "SELECT current_user")" charterd_staff "a probe logs in as charterd_staff"
for col in revenue_cents port_fee_cents captain_fee_cents; do
	like "$(as_role charterd_staff "SELECT $col FROM bookings WHERE id = $id")" "$denied" \
		"charterd_staff cannot read $col"
	like "$(as_role charterd_staff "UPDATE bookings SET $col = 1 WHERE id = $id")" "$denied" \
		"nor write it"
	like "$(as_role charterd_staff "RESET ROLE" "SELECT $col FROM bookings WHERE id = $id")" "$denied" \
		"nor read it after RESET ROLE"
done
like "$(as_role charterd_staff "SELECT * FROM bookings WHERE id = $id")" "$denied" "nor SELECT *"
like "$(as_role charterd_staff "SELECT b FROM bookings b WHERE id = $id")" "$denied" "nor the whole row"
like "$(as_role charterd_staff "INSERT INTO bookings (slug, guest_name, starts_at, ends_at, vessel, revenue_cents) VALUES ('probe-$run', 'x', now(), now() + interval '1 hour', 'x', 1)")" \
	"$denied" "nor insert a booking with money"
like "$(as_role charterd_staff "SET SESSION AUTHORIZATION DEFAULT" "SELECT revenue_cents FROM bookings WHERE id = $id")" \
	"$denied" "nor after SET SESSION AUTHORIZATION DEFAULT"
like "$(as_role charterd_staff "SELECT money FROM audit_log WHERE booking_id = $id")" "$denied" \
	"nor the audit log's money column (old and new values)"
like "$(as_role charterd_staff "SELECT admin_booking_money($id)")" "$denied" "nor the owner's money function"
like "$(as_role charterd_staff "SELECT staff_booking($id)")" "$denied" "nor the API's booking view"
like "$(as_role charterd_staff "SELECT admin_history($id, true)")" "$denied" "nor the history with money"
like "$(as_role charterd_staff "SELECT admin_changed_since($id, 1, true)")" "$denied" "nor what changed, with money"
is "$(as_role charterd_staff "SELECT vessel FROM bookings WHERE id = $id")" "Staff Vessel $run" "while it reads the rest"
is "$(as_role charterd_staff "SELECT (admin_booking($id))->>'guest_name'")" "Roles $run" "and the admin's booking view"
unlike "$(as_role charterd_staff "SELECT admin_history($id, false)")" "$MONEY" "and a history without money"
is "$(as_role charterd_owner "SELECT revenue_cents FROM bookings WHERE id = $id")" 7654321 "charterd_owner reads money"
like "$(as_role charterd_owner "SELECT admin_history($id, true)")" '76,543\.99' "and its history"

no_worker_crashed
done_testing
