# admin.sh: helpers for the /admin integration tests (source after tap.sh)
# shellcheck shell=bash
#
#   login JAR EMAIL PASSWORD        a session in cookie jar JAR (STATUS 303 when in)
#   csrf_of JAR                     the session's form token
#   page JAR PATH [curl args]       GET PATH with the session (STATUS, BODY)
#   submit JAR ACTION [EDIT...]     POSTs the booking form of the last page
#                                   fetched (BODY) to ACTION, as a browser would,
#                                   with EDITs as form-fields.py takes them
#   location                        the last answer's Location header
#   sql SQL                         psql as the owner of the tables
#   as_role ROLE SQL...             psql logged in as a runtime role

jar() { echo "$TAP_TMP/jar.$1"; }
login() {
	local j=$1 e=$2 p=$3 lc
	shift 3
	http GET "$CHARTER_PUBLIC_URL/admin/login" -c "$(jar "$j")" -b "$(jar "$j")" "$@"
	lc=$(grep -o 'name="login_csrf" value="[^"]*"' "$BODY" | sed 's/.*value="//; s/"$//')
	http POST "$CHARTER_PUBLIC_URL/admin/login" -c "$(jar "$j")" -b "$(jar "$j")" \
		--data-urlencode "email=$e" --data-urlencode "password=$p" \
		--data-urlencode "login_csrf=$lc" --data-urlencode "next=/admin/" "$@"
}
csrf_of() {
	http GET "$CHARTER_PUBLIC_URL/admin/" -b "$(jar "$1")"
	grep -o 'name="csrf" value="[^"]*"' "$BODY" | head -n 1 | sed 's/.*value="//; s/"$//'
}
page() {
	local j=$1 path=$2
	shift 2
	http GET "$CHARTER_PUBLIC_URL$path" -b "$(jar "$j")" "$@"
}
submit() {
	local j=$1 action=$2 data
	shift 2
	data=$(/usr/bin/python3 "$CHARTER_SRCDIR/tests/lib/form-fields.py" booking-form "$@" <"$BODY")
	cp "$BODY" "$TAP_TMP/form.html"
	http POST "$CHARTER_PUBLIC_URL$action" -b "$(jar "$j")" --data-binary "$data" \
		-H 'Content-Type: application/x-www-form-urlencoded'
}
location() { header location; }
sql() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
as_role() {
	local role=$1 args=() s
	shift
	for s in "$@"; do args+=(-c "$s"); done
	env -u PGPASSWORD PGPASSFILE="$STACK_PGPASSFILE" PGHOST="$STACK_PG_SOCKDIR" \
		PGPORT="$STACK_PG_PORT" PGUSER="$role" PGDATABASE=charterd \
		psql -qAtX -v ON_ERROR_STOP=1 "${args[@]}" 2>&1
}
# A date N days ahead, for datetime-local inputs: local_day N HH:MM.
local_day() { TZ=America/Los_Angeles date -d "+$1 days" "+%Y-%m-%dT$2"; }
