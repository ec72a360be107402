#!/bin/bash
# admin-crew.sh: the crew roster in /admin, for staff and the owner: list
# and search (active and inactive), create, edit, deactivate and reactivate,
# each answered 303 with an audit row written in its transaction; the API's
# own validation with errors in words next to their fields and the input
# kept; a duplicate email named as whose; someone else's save in between;
# an inactive crew member given no new charter; a POST without the
# session's form token, or from another site, answered 403 with nothing
# changed; markup in names and roles inert; no booking money on a page.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"
. "$CHARTER_SRCDIR/tests/lib/admin.sh"

pub=$CHARTER_PUBLIC_URL
run=$$-$RANDOM
user() { (set -a; . "$STACK_DIR/migrate.env"; set +a; exec "$CHARTERD" user "$@"); }
# form ID [EDIT...]: the body a browser would send for form ID of the last page;
# form_in FILE ID [EDIT...]: the same of a page kept in FILE
form() { /usr/bin/python3 "$CHARTER_SRCDIR/tests/lib/form-fields.py" "$@" <"$BODY"; }
form_in() { local f=$1; shift; /usr/bin/python3 "$CHARTER_SRCDIR/tests/lib/form-fields.py" "$@" <"$f"; }
# html_ok FILE DESC: no HTML error or warning (ARIA and inputmode are HTML too,
# which this tidy does not know)
html_ok() {
	local out st=0
	out=$(tidy -q -e --warn-proprietary-attributes no "$1" 2>&1) || st=$?
	ok "$st" "$2" || diag "$out"
}
# post JAR PATH BODY [curl args]: a form POST with the session, from this site
post() {
	local j=$1 path=$2 data=$3
	shift 3
	http POST "$pub$path" -b "$(jar "$j")" --data-binary "$data" \
		-H 'Content-Type: application/x-www-form-urlencoded' \
		-H "Origin: $pub" -H 'Sec-Fetch-Site: same-origin' "$@"
}
audits() { sql "SELECT count(*) FROM audit_log WHERE crew_id = $1 AND action = '$2'"; }
field_error() { grep -o "id=\"$1-error\">[^<]*" "$BODY" | sed 's/.*">//'; }
value_of() { grep -o "id=\"$1\" name=\"$1\" [^>]*value=\"[^\"]*\"" "$BODY" | sed 's/.*value="//; s/"$//'; }

sql "DELETE FROM login_throttle" >/dev/null
staff=staff-$run@charterd.test
owner=owner-$run@charterd.test
printf 'staff password one\n' | user add "$staff" --role staff --name "Sally Staff" >/dev/null
printf 'owner password one\n' | user add "$owner" --role owner --name "Olly Owner" >/dev/null
staff_id=$(sql "SELECT id FROM staff_users WHERE email = '$staff'")
login s "$staff" 'staff password one'
is "$STATUS" 303 "staff log in"
login o "$owner" 'owner password one'
is "$STATUS" 303 "the owner logs in"

# A booking with distinctive money, to look for on every roster page.
api POST /api/crew "{\"name\":\"Existing Member $run\",\"email\":\"existing-$run@example.com\",\"roles\":[\"deckhand\"],\"hourly_rate_cents\":2800}"
existing=$(jbody .id)
api POST /api/bookings "{\"guest_name\":\"Money Probe\",\"starts_at\":\"$(date -u -d '+20 days 17:00' +%FT%TZ)\",\"ends_at\":\"$(date -u -d '+20 days 21:00' +%FT%TZ)\",\"vessel\":\"Jada\",\"revenue_cents\":9876543,\"port_fee_cents\":45678,\"captain_fee_cents\":76543,\"crew\":[{\"crew_id\":$existing,\"role\":\"deckhand\"}]}"
is "$STATUS" 201 "a booking with distinctive money"
money_probe=$(jbody .id)
MONEY_VALUES='98,765\.43|98765\.43|456\.78|765\.43'

# -- without a session, and the list ------------------------------------------------
http GET "$pub/admin/crew"
is "$STATUS/$(header location)" "303//admin/login?next=%2Fadmin%2Fcrew" "without a session the roster asks for a login"
page s /admin/crew
is "$STATUS" 200 "staff open the roster"
like "$(body)" "Existing Member $run" "it lists crew members"
like "$(body)" '\$28\.00 an hour' "with their rate: staff crew charters with it"
html_ok "$BODY" "the roster is valid HTML"
page s /admin/crew/new
is "$STATUS" 200 "the new-member form"
html_ok "$BODY" "the new-member form is valid HTML"

# -- create: validation -------------------------------------------------------------
before=$(sql "SELECT count(*) FROM crew")
data=$(form crew-form "name=" "email=not-an-email" "phone=abc" "roles=Deckhand" "rate=12.345")
post s /admin/crew "$data"
is "$STATUS" 400 "a form with wrong fields is 400"
like "$(field_error name)" "Enter the crew member" "the name's error is next to it"
like "$(field_error email)" "does not look like an email address" "the email's too"
like "$(field_error phone)" "digits, spaces" "the phone's too"
like "$(field_error rate)" "dollars and cents" "the rate's too"
is "$(value_of email)" "not-an-email" "the input is kept"
is "$(value_of rate)" "12.345" "every field of it"
like "$(body)" 'id="error-summary"' "and a summary links to each field"
like "$(body)" 'aria-invalid="true" aria-describedby="name-error"' "errors are tied to their inputs for screen readers"
html_ok "$BODY" "the form with errors is valid HTML"
is "$(sql "SELECT count(*) FROM crew")" "$before" "nothing was written"

# -- create ------------------------------------------------------------------------------
page s /admin/crew/new
data=$(form crew-form "name=Maria Lopez $run" "email=Maria-$run@Example.com" "phone=+1 619 555 0142" "roles=Deckhand, Steward, deckhand" "rate=\$31.25")
post s /admin/crew "$data"
is "$STATUS" 303 "creating a crew member answers 303"
maria=$(sql "SELECT id FROM crew WHERE email = 'Maria-$run@Example.com'")
is "$(header location)" "/admin/crew/$maria?created=1" "to the new member's page"
is "$(sql "SELECT name || '|' || phone || '|' || array_to_string(roles, ',') || '|' || hourly_rate_cents || '|' || active FROM crew WHERE id = $maria")" \
	"Maria Lopez $run|+1 619 555 0142|Deckhand,Steward|3125|true" "stored as typed, roles split and deduplicated, the rate in cents"
is "$(audits "$maria" crew.create)" 1 "one audit row for the creation"
is "$(sql "SELECT actor || ' ' || (detail->'to'->>'hourly_rate_cents') FROM audit_log WHERE crew_id = $maria AND action = 'crew.create'")" \
	"staff:$staff_id 3125" "naming who did it and what they set"
page s "/admin/crew/$maria?created=1"
like "$(body)" "Crew member added" "the page says it was added"
api GET /api/crew
is "$(jq -r ".[] | select(.id == $maria) | .hourly_rate_cents" "$BODY")" 3125 "the JSON API sees the same member"

# -- duplicate email ------------------------------------------------------------------
page s /admin/crew/new
before=$(sql "SELECT count(*) FROM crew")
data=$(form crew-form "name=Second Maria" "email=maria-$run@EXAMPLE.com" "rate=20")
post s /admin/crew "$data"
is "$STATUS" 409 "an email another member has is 409"
like "$(body)" "Maria Lopez $run already has this email address" "the page says whose it is, in words"
like "$(body)" "href=\"/admin/crew/$maria\"" "and links to them"
like "$(body)" 'id="email-error"' "next to the email field"
is "$(value_of name)" "Second Maria" "the input is kept"
is "$(sql "SELECT count(*) FROM crew")" "$before" "nothing was written"

# -- edit -----------------------------------------------------------------------------
page s "/admin/crew/$maria"
is "$STATUS" 200 "the member's form"
is "$(value_of rate)" "31.25" "shows the rate in dollars"
html_ok "$BODY" "the member's form is valid HTML"
cp "$BODY" "$TAP_TMP/maria-form.html"
data=$(form crew-form "rate=33.00" "roles=Deckhand")
post s "/admin/crew/$maria" "$data"
is "$STATUS/$(header location)" "303//admin/crew/$maria?saved=1" "saving an edit answers 303"
is "$(sql "SELECT hourly_rate_cents || ' ' || array_to_string(roles, ',') FROM crew WHERE id = $maria")" "3300 Deckhand" "and stores it"
is "$(sql "SELECT detail::text FROM audit_log WHERE crew_id = $maria AND action = 'crew.update'")" \
	'{"to": {"roles": ["Deckhand"], "hourly_rate_cents": 3300}, "from": {"roles": ["Deckhand", "Steward"], "hourly_rate_cents": 3125}}' \
	"the audit row has the changed fields, old and new"
post s "/admin/crew/$maria" "$data"
is "$STATUS/$(header location)" "303//admin/crew/$maria?unchanged=1" "the same form again is harmless"
is "$(audits "$maria" crew.update)" 1 "and writes no audit row"

# Someone else saved in between: the old form is stale.
data=$(form_in "$TAP_TMP/maria-form.html" crew-form "phone=+1 619 555 0199")
post s "/admin/crew/$maria" "$data"
is "$STATUS" 409 "an edit from a form older than the last save is 409"
like "$(body)" "Someone else saved this crew member" "the page says so"
like "$(body)" '\$33\.00 an hour' "and what they saved"
is "$(value_of phone)" "+1 619 555 0199" "the user's input is kept"
is "$(sql "SELECT phone FROM crew WHERE id = $maria")" "+1 619 555 0142" "nothing was written"
data=$(form crew-form)
post s "/admin/crew/$maria" "$data"
is "$STATUS" 303 "saving the kept form again applies it"
is "$(sql "SELECT phone || ' ' || hourly_rate_cents FROM crew WHERE id = $maria")" "+1 619 555 0199 3125" \
	"over theirs, as the user chose"

# -- search ---------------------------------------------------------------------------
page s "/admin/crew?q=maria+lopez+$run"
like "$(body)" "Maria Lopez $run" "search by name finds her"
unlike "$(body)" "Existing Member $run" "and not the others"
page s "/admin/crew?q=MARIA-$run%40"
like "$(body)" "Maria Lopez $run" "an email finds her too, in any case"

# -- CSRF and origin --------------------------------------------------------------------
page s "/admin/crew/$maria"
cp "$BODY" "$TAP_TMP/maria-form.html"
audit_before=$(sql "SELECT count(*) FROM audit_log WHERE crew_id = $maria")
kept=$TAP_TMP/maria-form.html
post s "/admin/crew/$maria" "$(form_in "$kept" crew-form "rate=99" "-csrf")"
is "$STATUS" 403 "an edit without the form token is 403"
post s "/admin/crew/$maria" "$(form_in "$kept" crew-form "rate=99" "csrf=not-the-token")"
is "$STATUS" 403 "with a wrong one too"
http POST "$pub/admin/crew/$maria" -b "$(jar s)" --data-binary "$(form_in "$kept" crew-form "rate=99")" \
	-H 'Origin: https://evil.example' -H 'Sec-Fetch-Site: cross-site'
is "$STATUS" 403 "from another site too, with the right token"
post s "/admin/crew" "$(form_in "$kept" crew-form "email=csrf-$run@example.com" "-csrf")"
is "$STATUS" 403 "a creation without it too"
post s "/admin/crew/$maria/active" "active=0"
is "$STATUS" 403 "and a deactivation"
is "$(sql "SELECT hourly_rate_cents || ' ' || active FROM crew WHERE id = $maria")" "3125 true" "none changed anything"
is "$(sql "SELECT count(*) FROM audit_log WHERE crew_id = $maria")" "$audit_before" "or wrote an audit row"
is "$(sql "SELECT count(*) FROM crew WHERE email = 'csrf-$run@example.com'")" 0 "or a crew member"

# -- deactivate, and no new assignment -------------------------------------------------------
api POST /api/bookings "{\"guest_name\":\"Before\",\"starts_at\":\"$(date -u -d '+21 days 17:00' +%FT%TZ)\",\"ends_at\":\"$(date -u -d '+21 days 21:00' +%FT%TZ)\",\"vessel\":\"Jada\",\"revenue_cents\":1,\"port_fee_cents\":0,\"captain_fee_cents\":0,\"crew\":[{\"crew_id\":$maria,\"role\":\"deckhand\"}]}"
is "$STATUS" 201 "Maria is on a charter while active"
held=$(jbody .id)
page s "/admin/crew/$maria"
csrf=$(grep -o 'name="csrf" value="[^"]*"' "$BODY" | head -n1 | sed 's/.*value="//; s/"$//')
post s "/admin/crew/$maria/active" "csrf=$csrf&active=0"
is "$STATUS/$(header location)" "303//admin/crew/$maria?deactivated=1" "deactivating answers 303"
is "$(sql "SELECT active FROM crew WHERE id = $maria")" f "she is inactive"
is "$(audits "$maria" crew.deactivate)" 1 "with an audit row"
post s "/admin/crew/$maria/active" "csrf=$csrf&active=0"
is "$STATUS" 303 "deactivating again is harmless"
is "$(audits "$maria" crew.deactivate)" 1 "and writes nothing"
page s "/admin/crew/$maria?deactivated=1"
like "$(body)" 'id="crew-status">Inactive' "her page says inactive"
like "$(body)" 'id="reactivate"' "and offers to reactivate her"
page s "/admin/crew?show=active&q=$run"
unlike "$(body)" "Maria Lopez $run" "the active list leaves her out"
page s "/admin/crew?show=inactive&q=$run"
like "$(body)" "Maria Lopez $run" "the inactive list has her"
unlike "$(body)" "Existing Member $run" "and only inactive crew"
page s "/admin/crew?q=$run"
like "$(body)" "Inactive</span>" "the full list marks her inactive"
api POST /api/bookings "{\"guest_name\":\"After\",\"starts_at\":\"$(date -u -d '+22 days 17:00' +%FT%TZ)\",\"ends_at\":\"$(date -u -d '+22 days 21:00' +%FT%TZ)\",\"vessel\":\"Jada\",\"revenue_cents\":1,\"port_fee_cents\":0,\"captain_fee_cents\":0,\"crew\":[{\"crew_id\":$maria,\"role\":\"deckhand\"}]}"
is "$STATUS/$(jbody .field)" "400/crew" "an inactive member cannot be put on a new charter"
like "$(jbody .message)" "no longer active" "and the answer says why"
api PATCH "/api/bookings/$held" "{\"vessel\":\"Jada II\",\"crew\":[{\"crew_id\":$maria,\"role\":\"deckhand\"}]}"
is "$STATUS" 200 "the charter she is on can still be edited with her on it"
api PATCH "/api/bookings/$held" "{\"crew\":[]}"
is "$STATUS" 200 "taking her off it works"
api PATCH "/api/bookings/$held" "{\"crew\":[{\"crew_id\":$maria,\"role\":\"deckhand\"}]}"
is "$STATUS/$(jbody .field)" "400/crew" "but once off, she cannot be put back while inactive"
post s "/admin/crew/$maria/active" "csrf=$csrf&active=1"
is "$STATUS/$(header location)" "303//admin/crew/$maria?reactivated=1" "reactivating answers 303"
is "$(audits "$maria" crew.reactivate)" 1 "with an audit row"
api PATCH "/api/bookings/$held" "{\"crew\":[{\"crew_id\":$maria,\"role\":\"deckhand\"}]}"
is "$STATUS" 200 "active again, she can be assigned"
post s "/admin/crew/$maria/active" "csrf=$csrf&active=maybe"
is "$STATUS" 400 "an unknown value is 400"
post s "/admin/crew/999999999/active" "csrf=$csrf&active=0"
is "$STATUS" 404 "an unknown member is 404"
page s /admin/crew/999999999
is "$STATUS" 404 "and so is their page"

# -- the owner, and markup ----------------------------------------------------------------------
page o /admin/crew/new
xss='<script>alert(1)</script> "onmouseover=alert(2) {{x}}'
data=$(form crew-form "name=$xss" "email=xss-$run@example.com" "roles=$xss, {{y}}" "rate=10")
post o /admin/crew "$data"
is "$STATUS" 303 "the owner creates a crew member too"
xid=$(sql "SELECT id FROM crew WHERE email = 'xss-$run@example.com'")
is "$(sql "SELECT name FROM crew WHERE id = $xid")" "$xss" "markup in a name is stored as typed"
for j in s o; do
	for p in "/admin/crew/$xid" "/admin/crew?q=xss"; do
		page "$j" "$p"
		unlike "$(body)" '<script>alert|"onmouseover=' "$j $p: the markup is inert"
		like "$(body)" '&lt;script&gt;alert\(1\)&lt;/script&gt; &quot;onmouseover=alert\(2\) \{\{x\}\}' "$j $p: and shown as text, {{x}} unexpanded"
	done
done
page o /admin/crew/new
post o /admin/crew "$(form crew-form "email=$xss" "name=x" "rate=1")"
is "$STATUS" 400 "markup in a refused field"
unlike "$(body)" '<script>alert|"onmouseover=' "is inert in the kept input"

# -- no booking money on any roster page -----------------------------------------------------
for j in s o; do
	for p in /admin/crew "/admin/crew/$existing" /admin/crew/new "/admin/crew?q=$run"; do
		page "$j" "$p"
		unlike "$(body)" "$MONEY_VALUES" "$j $p: no revenue, port fee or captain fee of a booking"
	done
done
api GET "/api/bookings/$money_probe"
is "$(jbody .revenue_cents)" 9876543 "(the values looked for are the booking's)"

no_worker_crashed
done_testing
