#!/bin/bash
# db-roles.sh: the guest and crew database roles cannot read money or guest
# contact details, whatever a bug in a handler might ask for
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

as() { # as ROLE SQL: run SQL after SET ROLE; prints output, fails on error
	psql -qAtX -v ON_ERROR_STOP=1 -c "SET ROLE $1" -c "$2" 2>&1
}

api POST /api/bookings "{\"guest_name\":\"Role Check\",\"guest_email\":\"role@example.com\",\"starts_at\":\"$(date -u -d '+30 days' +%FT17:00:00Z)\",\"ends_at\":\"$(date -u -d '+30 days' +%FT21:00:00Z)\",\"vessel\":\"Jada\",\"revenue_cents\":123456,\"port_fee_cents\":789,\"captain_fee_cents\":4242}"
is "$STATUS" 201 "booking to probe"
id=$(jbody .id)

for role in charterd_guest charterd_crew; do
	for col in revenue_cents port_fee_cents captain_fee_cents guest_email guest_phone; do
		out=$(as $role "SELECT $col FROM bookings WHERE id = $id")
		like "$out" "permission denied" "$role cannot read $col"
	done
	out=$(as $role "SELECT * FROM bookings WHERE id = $id")
	like "$out" "permission denied" "$role cannot SELECT * from bookings"
	out=$(as $role "SELECT staff_booking($id)")
	like "$out" "permission denied" "$role cannot use the staff view"
	out=$(as $role "UPDATE bookings SET vessel = 'x' WHERE id = $id")
	like "$out" "permission denied" "$role cannot change bookings"
	out=$(as $role "SELECT count(*) FROM staff_users")
	like "$out" "permission denied" "$role cannot read staff users"
done
out=$(as charterd_guest "SELECT guest_view(slug)::text FROM bookings WHERE id = $id")
like "$out" '"guest_name" : "Role Check"' "the guest view works as charterd_guest"
unlike "$out" '123456|4242|role@example.com' "and carries no money or contact"
out=$(as charterd_crew "SELECT crew_projection($id)::text")
like "$out" '"vessel": "Jada"' "the crew projection works as charterd_crew"
unlike "$out" '123456|789|4242|role@example.com' "and carries no money or contact"
out=$(as charterd_crew "SELECT revenue_cents FROM crew_bookings")
like "$out" 'does not exist' "the crew view has no revenue column"

done_testing
