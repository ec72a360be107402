#!/bin/bash
# db-roles.sh: the runtime database roles log in on their own, cannot read
# money or guest contact (not even after RESET ROLE), cannot reach the
# operating system or create roles, and charterd refuses a role that could
# do more than its grants.
#
# Each probe logs in as the role itself (password from the stack's passfile),
# as charterd's workers do, and runs the statement an injection would try.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

# as ROLE SQL...: run the statements as ROLE; prints output, fails on error.
as() {
	local role=$1 args=() s
	shift
	for s in "$@"; do args+=(-c "$s"); done
	env -u PGPASSWORD PGPASSFILE="$STACK_PGPASSFILE" PGHOST="$STACK_PG_SOCKDIR" \
		PGPORT="$STACK_PG_PORT" PGUSER="$role" PGDATABASE=charterd \
		psql -qAtX -v ON_ERROR_STOP=1 "${args[@]}" 2>&1
}
denied='permission denied|must be superuser|must have admin option|privileges of'

api POST /api/bookings "{\"guest_name\":\"Role Check\",\"guest_email\":\"role@example.com\",\"guest_phone\":\"+1 619 555 0100\",\"starts_at\":\"$(date -u -d '+30 days' +%FT17:00:00Z)\",\"ends_at\":\"$(date -u -d '+30 days' +%FT21:00:00Z)\",\"vessel\":\"Jada\",\"revenue_cents\":123456,\"port_fee_cents\":789,\"captain_fee_cents\":4242}"
is "$STATUS" 201 "booking to probe"
id=$(jbody .id)

# -- every runtime role: logs in, owns nothing, reaches no further ----------------
for role in charterd_api charterd_guest charterd_crew charterd_sync; do
	is "$(as $role "SELECT current_user")" "$role" "$role logs in by itself with its passfile password"
	out=$(as $role "SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user")
	is "$out" f "$role is neither superuser nor CREATEROLE nor CREATEDB"
	out=$(as $role "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)")
	is "$out" 0 "$role owns no table"
	out=$(as $role "GRANT pg_execute_server_program TO $role")
	like "$out" "$denied" "$role cannot grant itself pg_execute_server_program"
	out=$(as $role "COPY (SELECT 1) TO PROGRAM 'id'")
	like "$out" "$denied" "$role cannot COPY ... TO PROGRAM"
	out=$(as $role "CREATE TEMP TABLE probe (x text)" "COPY probe FROM PROGRAM 'id'")
	like "$out" "$denied" "$role cannot COPY ... FROM PROGRAM"
	out=$(as $role "CREATE ROLE probe_$RANDOM LOGIN")
	like "$out" "$denied" "$role cannot CREATE ROLE"
	out=$(as $role "CREATE TABLE probe (x int)")
	like "$out" "$denied" "$role cannot create tables"
	out=$(as $role "SET ROLE charterd")
	like "$out" "$denied" "$role cannot SET ROLE to the owner"
	out=$(as $role "SELECT pg_read_file('/etc/passwd')")
	like "$out" "$denied" "$role cannot read server files"
done

# -- guest, crew and sync: no money (and but sync, no contact), whatever the session does
for role in charterd_guest charterd_crew charterd_sync; do
	cols="revenue_cents port_fee_cents captain_fee_cents guest_phone"
	# sync mails the guest's confirmation: it alone of these reads the address.
	[ $role = charterd_sync ] || cols="$cols guest_email"
	for col in $cols; do
		out=$(as $role "RESET ROLE" "SELECT $col FROM bookings WHERE id = $id")
		like "$out" "permission denied" "$role after RESET ROLE cannot read $col"
	done
	out=$(as $role "SET SESSION AUTHORIZATION DEFAULT" "SELECT revenue_cents FROM bookings WHERE id = $id")
	like "$out" "permission denied" "$role after SET SESSION AUTHORIZATION DEFAULT cannot read money"
	out=$(as $role "SET ROLE charterd_api")
	like "$out" "$denied" "$role cannot SET ROLE to the API role"
	out=$(as $role "SELECT * FROM bookings WHERE id = $id")
	like "$out" "permission denied" "$role cannot SELECT * from bookings"
	out=$(as $role "SELECT staff_booking($id)")
	like "$out" "permission denied" "$role cannot use the staff view"
	out=$(as $role "SELECT record_booking_change($id, 'x', 'update', '{}')")
	like "$out" "permission denied" "$role cannot call record_booking_change()"
	out=$(as $role "UPDATE bookings SET vessel = 'x' WHERE id = $id")
	like "$out" "permission denied" "$role cannot change bookings"
	out=$(as $role "SELECT count(*) FROM staff_users")
	like "$out" "permission denied" "$role cannot read staff users"
done
out=$(as charterd_guest "SELECT guest_view(slug)::text FROM bookings WHERE id = $id")
like "$out" '"guest_name" : "Role Check"' "the guest view works as charterd_guest"
unlike "$out" '123456|4242|role@example.com|555 0100' "and carries no money or contact"
out=$(as charterd_crew "SELECT crew_projection($id)::text")
like "$out" '"vessel": "Jada"' "the crew projection works as charterd_crew"
unlike "$out" '123456|789|4242|role@example.com|555 0100' "and carries no money or contact"
out=$(as charterd_crew "SELECT revenue_cents FROM crew_bookings")
like "$out" 'does not exist' "the crew view has no revenue column"
out=$(as charterd_api "SELECT revenue_cents FROM bookings WHERE id = $id")
is "$out" 123456 "the API role, and only it, reads money"
out=$(as charterd_api "SELECT count(*) FROM staff_users")
like "$out" "permission denied" "the API role cannot read staff users"

# -- nothing is left to PUBLIC ---------------------------------------------------
out=$(psql -qAtX -c "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
	WHERE n.nspname = 'public' AND has_function_privilege('public', p.oid, 'EXECUTE')" 2>&1)
is "$out" 0 "no function in the schema is executable by PUBLIC"

# -- charterd refuses a role that could do more than its grants -------------------
check_serve() { (set -a; . "$STACK_DIR/serve.env"; set +a; exec "$CHARTERD" serve --check) 2>&1; }
out=$(check_serve); ok $? "serve --check passes with the roles migrate made"
# Breaking the cluster's roles, with no other test running: a serve they start now
# would refuse to run (as it must).
tap_alone
psql -qX -c "ALTER ROLE charterd_guest CREATEDB" >/dev/null 2>&1
out=$(check_serve); st=$?
isnt "$st" 0 "serve --check fails once charterd_guest has CREATEDB"
like "$out" "charterd_guest.*has CREATEDB" "and says which role holds what"
psql -qX -c "GRANT charterd_api TO charterd_guest" >/dev/null 2>&1
out=$(check_serve)
like "$out" "charterd_guest.*is a member of charterd_api" "a role that is a member of another is refused too"
(set -a; . "$STACK_DIR/migrate.env"; set +a; exec "$CHARTERD" migrate) >"$TAP_TMP/migrate.log" 2>&1
ok $? "charterd migrate runs again"
out=$(check_serve); ok $? "and puts the roles back as they must be"
out=$(as charterd_guest "SET ROLE charterd_api")
like "$out" "$denied" "the membership is gone"
tap_together

# -- migrations of several databases of one cluster at once ---------------------------
# Roles are the cluster's: four migrations side by side (as the test suite runs them)
# change the same roles at once, and PostgreSQL refuses one of two concurrent changes of
# a role; each migration must still finish (it tries again).
. "$CHARTER_SRCDIR/scripts/lib.sh" # as_pg, write_envfile
stack_load
where="host=$PG_SOCKDIR&port=$PG_PORT&passfile=$STACK_DIR/pgpass"
dbs=() pids=() fails=0
for i in 1 2 3 4; do
	d=charterd_roles_race_${i}_$$
	as_pg "$PG_BINDIR/psql" -X -q -h "$PG_SOCKDIR" -p "$PG_PORT" -U postgres -d postgres \
		-c "CREATE DATABASE $d OWNER charterd" >/dev/null && dbs+=("$d")
	write_envfile "$TAP_TMP/race$i.env" CHARTER_DATABASE_URL="postgresql://charterd@/$d?$where" \
		CHARTER_SQL_DIR="$CHARTER_SQL_DIR"
done
is "${#dbs[@]}" 4 "four databases in the stack's cluster"
for round in 1 2; do
	pids=()
	for i in 1 2 3 4; do
		(set -a; . "$TAP_TMP/race$i.env"; set +a; exec "$CHARTERD" migrate) >"$TAP_TMP/race$i.$round.log" 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
done
is "$fails" 0 "four migrations at once, twice: every one finishes" ||
	diag "$(grep -h error "$TAP_TMP"/race*.log | head -n 5)"
for d in "${dbs[@]}"; do
	as_pg "$PG_BINDIR/psql" -X -q -h "$PG_SOCKDIR" -p "$PG_PORT" -U postgres -d postgres \
		-c "DROP DATABASE $d" >/dev/null
done

done_testing
