#!/bin/bash
# settlement.sh: settling a trip. The captain's crew page offers it once the
# charter has ended; the captain settles (return time in the boat's zone,
# each crew member's hours prefilled with the planned ones, port fee with a
# receipt photo uploaded straight to the store through a PUT bound to its
# type, size and SHA-256, fuel, a note) with a 303, and the same form again
# writes nothing; another crew member's link, a charter not ended, a
# settlement staff locked or one past CHARTER_SETTLE_DAYS are refused; staff
# see planned against actual hours, correct, lock and unlock it; the owner
# alone sees the money effect; every write has its audit row (old -> new)
# and moves the version; a form older than the last save is refused with
# the input kept; no revenue or captain fee on any settlement page or crew
# mail; markup in the note and names is inert; the database roles hold.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"
. "$CHARTER_SRCDIR/tests/lib/admin.sh"

pub=$CHARTER_PUBLIC_URL
run=$$-$RANDOM
user() { (set -a; . "$STACK_DIR/migrate.env"; set +a; exec "$CHARTERD" user "$@"); }
day() { date -u -d "$1" +%FT%TZ; }
email_of() { echo "$(echo "$1" | tr -dc 'A-Za-z ' | tr ' A-Z' '.a-z').$run@example.com"; }
crew() {
	api POST /api/crew "$(jq -nc --arg n "$1" --arg e "$(email_of "$1")" --argjson r "$2" \
		'{name: $n, email: $e, roles: ["deckhand"], hourly_rate_cents: $r}')"
	jbody .id
}
invite() { api POST "/api/bookings/$1/invitations"; INV=$(body); }
tok() { jq -r ".[] | select(.crew_id == $1) | .url" <<<"$INV" | sed 's|.*/c/||'; }
form_in() { local f=$1; shift; /usr/bin/python3 "$CHARTER_SRCDIR/tests/lib/form-fields.py" "$@" <"$f"; }
form() { form_in "$BODY" "$@"; }
# settle_page TOKEN: GET /c/<token>/settle
settle_page() { http GET "$pub/c/$1/settle"; }
# crew_post TOKEN PATH BODY [curl args]: a POST under /c/<token> as the page's browser sends it
crew_post() {
	local t=$1 path=$2 data=$3
	shift 3
	http POST "$pub/c/$t$path" --data-binary "$data" -H 'Content-Type: application/x-www-form-urlencoded' \
		-H "Origin: $pub" -H 'Sec-Fetch-Site: same-origin' "$@"
}
form_token() { sed -n 's/.*name="form_token" value="\([^"]*\)".*/\1/p' "$BODY" | head -n 1; }
# staff_post JAR PATH BODY
staff_post() {
	http POST "$pub$2" -b "$(jar "$1")" --data-binary "$3" -H 'Content-Type: application/x-www-form-urlencoded' \
		-H "Origin: $pub" -H 'Sec-Fetch-Site: same-origin'
}
sha() { openssl dgst -sha256 -binary "$1" | base64; }
put() {
	curl -sS -g -o "$TAP_TMP/put.out" -w '%{http_code}' --max-time 15 -X PUT \
		-H "Content-Type: ${3:-image/jpeg}" -H "x-amz-checksum-sha256: ${4:-$(sha "$2")}" \
		--data-binary "@$2" -- "$1" 2>/dev/null || true
}
enc() { jq -rn --arg v "$1" '$v|@uri'; }
html_ok() {
	local out st=0
	out=$(tidy -q -e --warn-proprietary-attributes no "$1" 2>&1) || st=$?
	ok "$st" "$2" || diag "$out"
}
settlement() { sql "SELECT coalesce((SELECT version || '|' || port_fee_cents || '|' || fuel_cents || '|' || settled_by || '|' || (locked_at IS NOT NULL) FROM settlements WHERE booking_id = $1), 'none')"; }
audits() { sql "SELECT count(*) FROM audit_log WHERE booking_id = $1 AND action LIKE 'settlement.%'"; }
hours() { sql "SELECT string_agg(c.name || '=' || h.hours_x100, ',' ORDER BY a.id) FROM settlement_hours h JOIN assignments a ON a.id = h.assignment_id JOIN crew c ON c.id = a.crew_id WHERE h.booking_id = $1"; }
# The booking's own money: none of it may show on a settlement page, mail or staff page.
BOOKING_MONEY='98,765\.43|98765\.43|456\.78|765\.43'

XSS='<script>alert(1)</script> "onmouseover=alert(2) {{x}}'
sam=$(crew "Sam Ortiz" 4650)
maria=$(crew "Maria Lopez" 3125)
lee=$(crew "Lee <b>\"onmouseover=alert(3) {{y}}</b> Park" 2890)
money='"revenue_cents":9876543,"port_fee_cents":45678,"captain_fee_cents":76543'
crewjs="[{\"crew_id\":$sam,\"role\":\"captain\",\"captain\":true},{\"crew_id\":$maria,\"role\":\"deckhand\"},{\"crew_id\":$lee,\"role\":\"steward\",\"hours\":5.5}]"
# Markup in the guest's name and the vessel, which the staff page shows.
api POST /api/bookings "$(jq -nc --arg g "Ada <script>alert(5)</script> $run" --arg v 'Jada <i>"onmouseover=alert(4) {{v}}</i>' \
	--arg s "$(day '-6 hours')" --arg e "$(day '-2 hours')" --argjson crew "$crewjs" \
	'{guest_name: $g, starts_at: $s, ends_at: $e, vessel: $v, revenue_cents: 9876543, port_fee_cents: 45678, captain_fee_cents: 76543, crew: $crew}')"
is "$STATUS" 201 "a charter that ended two hours ago"
done_id=$(jbody .id)
api POST /api/bookings "{\"guest_name\":\"Bea $run\",\"starts_at\":\"$(day '+3 days')\",\"ends_at\":\"$(day '+3 days 4 hours')\",\"vessel\":\"Jada\",$money,\"crew\":$crewjs}"
is "$STATUS" 201 "and one in three days"
later_id=$(jbody .id)
invite "$done_id"
cap=$(tok "$sam") deck=$(tok "$maria")
invite "$later_id"
cap_later=$(tok "$sam")
[ -n "$cap" ] && [ -n "$deck" ] && [ -n "$cap_later" ]
ok $? "crew links for both"

sql "DELETE FROM login_throttle" >/dev/null
staff=settle-staff-$run@charterd.test owner=settle-owner-$run@charterd.test
printf 'staff password one\n' | user add "$staff" --role staff --name "Sally Staff" >/dev/null
printf 'owner password one\n' | user add "$owner" --role owner --name "Olly Owner" >/dev/null
staff_id=$(sql "SELECT id FROM staff_users WHERE email = '$staff'")
login s "$staff" 'staff password one'
login o "$owner" 'owner password one'

# -- who is offered it, and when ---------------------------------------------------------
http GET "$pub/c/$cap"
like "$(body)" "id=\"settle-link\" class=\"btn btn-block\" href=\"$pub/c/$cap/settle\"" "the captain's crew page offers to settle the ended trip"
http GET "$pub/c/$deck"
unlike "$(body)" 'id="settle"' "another crew member's page does not"
http GET "$pub/c/$cap_later"
like "$(body)" 'once the charter has ended' "before the end, the captain's page says settling comes after"
unlike "$(body)" 'id="settle-link"' "with no link yet"

settle_page "$deck"
is "$STATUS" 403 "another crew member's link cannot open the settlement"
unlike "$(body)" 'name="port_fee"' "and gets no form"
ft=$(sed -n 's/.*name="form_token" value="\([^"]*\)".*/\1/p' <(curl -s "$pub/c/$deck") | head -n1)
crew_post "$deck" /settle "form_token=$ft&version=0&returned_at=$(TZ=America/Los_Angeles date -d '-1 hour' +%FT%H:%M)&port_fee=1"
is "$STATUS" 403 "nor settle with it"
crew_post "$deck" /settle/receipt "form_token=$ft&content_type=image/jpeg&size=10&sha256=$(enc "$(printf x | openssl dgst -sha256 -binary | base64)")"
is "$STATUS" 403 "nor upload a receipt"
is "$(settlement "$done_id")" none "nothing was written"

settle_page "$cap_later"
is "$STATUS" 200 "before the end the captain's settlement page opens"
like "$(body)" 'id="settle-early"' "and says it opens after the charter"
unlike "$(body)" 'name="port_fee"' "with no form"
ft=$(form_token)
[ -z "$ft" ] && ft=$(sed -n 's/.*name="form_token" value="\([^"]*\)".*/\1/p' <(curl -s "$pub/c/$cap_later") | head -n1)
crew_post "$cap_later" /settle "form_token=$ft&version=0&returned_at=$(TZ=America/Los_Angeles date -d '+3 days 5 hours' +%FT%H:%M)&port_fee=1"
is "$STATUS" 409 "settling before the end is refused"
crew_post "$cap_later" /settle/receipt "form_token=$ft&content_type=image/jpeg&size=10&sha256=$(enc "$(printf x | openssl dgst -sha256 -binary | base64)")"
is "$STATUS/$(jbody .error)" "409/settlement_closed" "so is a receipt upload"
is "$(settlement "$later_id")" none "nothing was written"

# -- the captain's form ---------------------------------------------------------------------
settle_page "$cap"
is "$STATUS" 200 "the captain opens the settlement of the ended trip"
is "$(header cache-control)/$(header referrer-policy)" "no-store/no-referrer" "never stored, never a referrer"
html_ok "$BODY" "the captain's page is valid HTML"
cp "$BODY" "$TAP_TMP/cap.html"
planned_end=$(sql "SELECT to_char(ends_at AT TIME ZONE time_zone, 'YYYY-MM-DD\"T\"HH24:MI') FROM bookings WHERE id = $done_id")
like "$(body)" "name=\"returned_at\" type=\"datetime-local\" value=\"$planned_end\"" "the return time starts at the planned one, in the boat's zone"
a_sam=$(sql "SELECT id FROM assignments WHERE booking_id = $done_id AND crew_id = $sam")
a_maria=$(sql "SELECT id FROM assignments WHERE booking_id = $done_id AND crew_id = $maria")
a_lee=$(sql "SELECT id FROM assignments WHERE booking_id = $done_id AND crew_id = $lee")
like "$(body)" "name=\"hours_$a_sam\" type=\"text\" inputmode=\"decimal\" value=\"4\"" "each crew member's hours start at the planned ones"
like "$(body)" "name=\"hours_$a_lee\" type=\"text\" inputmode=\"decimal\" value=\"5.5\"" "their own planned hours"
like "$(body)" "Maria Lopez" "crew are named"
like "$(body)" 'Lee &lt;b&gt;&quot;onmouseover=alert\(3\) \{\{y\}\}&lt;/b&gt; Park' "markup in a name is text"
unlike "$(body)" '<b>"onmouseover' "and inert"
unlike "$(body)" "$MONEY_RE" "no amount at all before anything is entered: no revenue, fee or pay"
like "$(body)" 'data-presign="'"$pub/c/$cap/settle/receipt"'"' "the receipt uploads through the captain's own address"

# -- the receipt: presign bound, PUT through the verifying proxy -------------------------
head -c 4000 /dev/urandom >"$TAP_TMP/receipt.jpg"
head -c 4000 /dev/urandom >"$TAP_TMP/other.jpg"
ft=$(form_in "$TAP_TMP/cap.html" settle-form | tr '&' '\n' | sed -n 's/^form_token=//p')
rsum=$(sha "$TAP_TMP/receipt.jpg")
crew_post "$cap" /settle/receipt "form_token=$ft&content_type=application/pdf&size=4000&sha256=$(enc "$rsum")"
is "$STATUS" 400 "a receipt that is no photo is refused"
crew_post "$cap" /settle/receipt "form_token=$ft&content_type=image/jpeg&size=$((26 * 1024 * 1024))&sha256=$(enc "$rsum")"
is "$STATUS" 400 "so is one over the size limit"
like "$(jbody .message)" "at most 25 MB" "saying the limit"
crew_post "$cap" /settle/receipt "content_type=image/jpeg&size=4000&sha256=$(enc "$rsum")"
is "$STATUS" 403 "an upload without the page's form token is 403"
crew_post "$cap" /settle/receipt "form_token=$ft&content_type=image/jpeg&size=4000&sha256=$(enc "$rsum")"
is "$STATUS" 201 "the captain's receipt upload is presigned"
rid=$(jbody .receipt_id) rurl=$(jbody .upload.url)
like "$rurl" "^$CHARTER_S3_ENDPOINT/" "straight to the photo store"
like "$rurl" 'X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bx-amz-checksum-sha256&' "signing type, size and checksum"
rkey=$(sql "SELECT object_key FROM settlement_receipts WHERE id = '$rid'")
like "$rid" '^[0-9a-f]{32}$' "the upload's id is random"
is "$rkey" "receipts/$rid.jpg" "the key is that id alone: no booking id"
like "$rurl" "^$CHARTER_S3_ENDPOINT/$CHARTER_PHOTO_BUCKET/receipts/$rid\.jpg\?X-Amz-" "nor in the URL, whose query only signs"
is "$(jbody '.upload.headers["x-amz-checksum-sha256"]')" "$rsum" "the PUT carries the photo's checksum"
is "$(put "$rurl" "$TAP_TMP/other.jpg" image/jpeg "$rsum")" 400 "other bytes of the same size are refused by the store"
is "$(put "$rurl" "$TAP_TMP/receipt.jpg" image/png)" 403 "so is another type"
head -c 4001 /dev/urandom >"$TAP_TMP/long.jpg"
is "$(put "$rurl" "$TAP_TMP/long.jpg")" 403 "and another size"
crew_post "$cap" /settle/receipt "form_token=$ft&content_type=image/jpeg&size=4000&sha256=$(enc "$rsum")"
unused=$(jbody .receipt_id)

# A receipt named before it is in the store: refused, nothing written.
ret=$(TZ=America/Los_Angeles date -d '-90 minutes' +%FT%H:%M)
body_of() { form_in "$TAP_TMP/cap.html" settle-form "returned_at=$ret" "port_fee=125.00" "fuel=30" \
	"note=$XSS" "hours_$a_sam=4.5" "hours_$a_lee=6" "$@"; }
crew_post "$cap" /settle "$(body_of "receipt_id=$unused")"
is "$STATUS" 409 "a receipt not in the store is refused"
like "$(body)" 'id="receipt-error"' "saying so next to the receipt"
like "$(body)" 'value="125.00"' "the input is kept"
is "$(settlement "$done_id")" none "nothing was written"

is "$(put "$rurl" "$TAP_TMP/receipt.jpg")" 200 "the receipt PUT through the verifying proxy is 200"

# -- validation ------------------------------------------------------------------------------
crew_post "$cap" /settle "$(body_of "returned_at=$(sql "SELECT to_char((starts_at - interval '1 hour') AT TIME ZONE time_zone, 'YYYY-MM-DD\"T\"HH24:MI') FROM bookings WHERE id = $done_id")")"
is "$STATUS" 400 "a return before departure is 400"
like "$(body)" 'id="returned_at-error">The boat left at' "saying when it left, next to the field"
crew_post "$cap" /settle "$(body_of "hours_$a_maria=49" "port_fee=12.345" "returned_at=soon")"
is "$STATUS" 400 "wrong hours, amount and time are 400"
like "$(body)" "id=\"hours_$a_maria-error\">Enter hours between 0 and 48" "the hours' error is by that crew member"
like "$(body)" 'id="port_fee-error"' "the port fee's by the port fee"
like "$(body)" 'id="returned_at-error"' "the time's by the time"
like "$(body)" "name=\"hours_$a_maria\" type=\"text\" inputmode=\"decimal\" value=\"49\"" "the input is kept"
crew_post "$cap" /settle "$(body_of "returned_at=$(TZ=America/Los_Angeles date -d '+2 hours' +%FT%H:%M)")"
is "$STATUS" 400 "a return still to come is 400"
is "$(settlement "$done_id")" none "none wrote anything"

# -- settling ------------------------------------------------------------------------------------
http POST "$pub/c/$cap/settle" --data-binary "$(body_of "receipt_id=$rid")" \
	-H 'Content-Type: application/x-www-form-urlencoded' -H 'Origin: https://evil.example' -H 'Sec-Fetch-Site: cross-site'
is "$STATUS" 403 "a settlement from another site is 403"
crew_post "$cap" /settle "$(body_of "receipt_id=$rid" "-form_token")"
is "$STATUS" 403 "and one without the page's form token"
crew_post "$cap" /settle "$(body_of "receipt_id=$rid")"
is "$STATUS/$(header location)" "303/$pub/c/$cap/settle?saved=1" "the captain settles: 303 to the page"
is "$(settlement "$done_id")" "1|12500|3000|crew:$sam|false" "version 1: port fee, fuel, by the captain"
is "$(hours "$done_id")" "Sam Ortiz=450,Maria Lopez=400,Lee <b>\"onmouseover=alert(3) {{y}}</b> Park=600" "each crew member's hours"
is "$(sql "SELECT receipt_key FROM settlements WHERE booking_id = $done_id")" "$rkey" "the receipt checked in the store is named"
is "$(sql "SELECT note FROM settlements WHERE booking_id = $done_id")" "$XSS" "the note as typed"
is "$(sql "SELECT to_char(returned_at AT TIME ZONE 'America/Los_Angeles', 'YYYY-MM-DD\"T\"HH24:MI') FROM settlements WHERE booking_id = $done_id")" "$ret" \
	"the return time, read in the boat's zone"
is "$(audits "$done_id")" 1 "one audit row"
is "$(sql "SELECT action || ' ' || actor || ' ' || (detail->'from' = 'null') || ' ' || (detail->'to'->>'port_fee_cents') || ' ' || (detail->>'settlement_version') FROM audit_log WHERE booking_id = $done_id AND action LIKE 'settlement.%'")" \
	"settlement.create crew:$sam true 12500 1" "settlement.create by the captain, from nothing to the new values, version 1"
crew_post "$cap" /settle "$(body_of "receipt_id=$rid")"
is "$STATUS/$(header location)" "303/$pub/c/$cap/settle?saved=1" "the same form again answers 303"
is "$(settlement "$done_id")/$(audits "$done_id")" "1|12500|3000|crew:$sam|false/1" "and writes nothing"

http GET "$pub/c/$cap/settle?saved=1"
cp "$BODY" "$TAP_TMP/cap2.html"
like "$(body)" 'Saved. Thank you' "the page says it is saved"
like "$(body)" 'id="saved-port-fee">\$125\.00' "and shows what the captain entered"
like "$(body)" '&lt;script&gt;alert\(1\)&lt;/script&gt; &quot;onmouseover=alert\(2\) \{\{x\}\}' "the note is text"
unlike "$(body)" '<script>alert|"onmouseover=' "and inert"
unlike "$(body)" "$BOOKING_MONEY" "no revenue, planned port fee or captain fee"
html_ok "$BODY" "the saved page is valid HTML"
view=$(grep -o 'id="receipt-view" href="[^"]*"' "$BODY" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
curl -sS -o "$TAP_TMP/got.jpg" "$view"
cmp -s "$TAP_TMP/got.jpg" "$TAP_TMP/receipt.jpg"
ok $? "the receipt link gives the very photo"

# The captain corrects.
crew_post "$cap" /settle "$(form_in "$TAP_TMP/cap2.html" settle-form "port_fee=126")"
is "$STATUS" 303 "the captain corrects the port fee"
is "$(settlement "$done_id")" "2|12600|3000|crew:$sam|false" "version 2"
is "$(sql "SELECT (detail->'from'->>'port_fee_cents') || '>' || (detail->'to'->>'port_fee_cents') || ' ' || (detail->'to'->>'receipt_key' = '$rkey') FROM audit_log WHERE booking_id = $done_id AND action = 'settlement.update'")" \
	"12500>12600 true" "settlement.update has old and new, the receipt kept"

# -- staff -----------------------------------------------------------------------------------------
page s "/admin/bookings/$done_id/settlement"
is "$STATUS" 200 "staff open the settlement"
html_ok "$BODY" "the staff page is valid HTML"
cp "$BODY" "$TAP_TMP/staff.html"
like "$(body)" '<td class="num">5.5&nbsp;h</td><td class="num">6&nbsp;h <span class="badge badge-warning">changed' "planned against actual hours"
like "$(body)" 'id="saved-port-fee">\$126\.00' "the port fee the captain paid"
like "$(body)" 'Port fee: \$125\.00 → \$126\.00' "the history, old → new"
like "$(body)" 'the captain, Sam Ortiz' "and who"
unlike "$(body)" "$BOOKING_MONEY" "no revenue, planned port fee or captain fee for staff"
unlike "$(body)" 'Money effect' "and no money panel"
unlike "$(body)" '<script>alert|"onmouseover=' "markup in note, names, guest and vessel is inert"
like "$(body)" 'Ada &lt;script&gt;alert\(5\)&lt;/script&gt;.*Jada &lt;i&gt;&quot;onmouseover=alert\(4\) \{\{v\}\}&lt;/i&gt;' "and shown as text"
page s "/admin/bookings/$done_id"
like "$(body)" "<strong>Trip settled</strong> by Sam Ortiz" "the booking's history tells who settled the trip"
like "$(body)" "href=\"/admin/bookings/$done_id/settlement\">Trip settlement</a>" "and the booking page links to it"
page o "/admin/bookings/$done_id/settlement"
like "$(body)" 'Money effect' "the owner sees the money effect"
like "$(body)" '\$98,765\.43' "with revenue"
like "$(body)" 'id="net-actual">\$97,366\.35' "and the net on actual hours and port fee (98,765.43 - 507.65 crew - 126.00 - 765.43)"
# A loss reads "−⁠$": U+2212 and U+2060, the word joiner that keeps the sign on the line of its dollars.
like "$(body)" 'The settlement moves the net by \$293\.08\.' "the net's change"
is "$(sql "SELECT signed_money_label(-29308) || ' ' || signed_money_label(29308)")" '−⁠$293.08 $293.08' \
	"  which, were it a loss, would read as money_label() writes one"

staff_post s "/admin/bookings/$done_id/settlement" "$(form_in "$TAP_TMP/staff.html" settle-form "hours_$a_lee=6.5" "locked=1")"
is "$STATUS/$(header location)" "303//admin/bookings/$done_id/settlement?saved=1" "staff correct and lock: 303"
is "$(settlement "$done_id")" "3|12600|3000|staff:$staff_id|true" "version 3, by staff, locked"
is "$(sql "SELECT actor || ' ' || (detail->'from'->>'locked') || '>' || (detail->'to'->>'locked') FROM audit_log WHERE booking_id = $done_id AND action = 'settlement.update' ORDER BY id DESC LIMIT 1")" \
	"staff:$staff_id false>true" "audited with the lock"

# Someone else saved since the form was read.
staff_post s "/admin/bookings/$done_id/settlement" "$(form_in "$TAP_TMP/staff.html" settle-form "fuel=31" "locked=1")"
is "$STATUS" 409 "a staff form older than the last save is 409"
like "$(body)" 'Someone saved this settlement after you opened the page' "saying so"
like "$(body)" 'name="fuel" type="text" inputmode="decimal" value="31"' "the input is kept"
is "$(settlement "$done_id")" "3|12600|3000|staff:$staff_id|true" "nothing was written"
cp "$BODY" "$TAP_TMP/stale.html"
staff_post s "/admin/bookings/$done_id/settlement" "$(form_in "$TAP_TMP/stale.html" settle-form)"
is "$STATUS" 303 "saving the kept form again applies it"
is "$(settlement "$done_id")" "4|12600|3100|staff:$staff_id|true" "version 4"
staff_post s "/admin/bookings/$done_id/settlement" "$(form_in "$TAP_TMP/stale.html" settle-form "-csrf")"
is "$STATUS" 403 "a staff POST without the session's form token is 403"
is "$(settlement "$done_id")/$(audits "$done_id")" "4|12600|3100|staff:$staff_id|true/4" "and changes nothing"

# Locked: the captain can no longer change it.
settle_page "$cap"
like "$(body)" 'id="settle-locked"' "the captain's page says the office locked it"
unlike "$(body)" 'name="port_fee"' "with no form"
crew_post "$cap" /settle "$(form_in "$TAP_TMP/cap2.html" settle-form "port_fee=1")"
is "$STATUS" 409 "the captain's correction of a locked settlement is 409"
crew_post "$cap" /settle/receipt "form_token=$ft&content_type=image/jpeg&size=4000&sha256=$(enc "$rsum")"
is "$STATUS" 409 "and so is a receipt upload"
is "$(settlement "$done_id")" "4|12600|3100|staff:$staff_id|true" "nothing was written"

page s "/admin/bookings/$done_id/settlement"
staff_post s "/admin/bookings/$done_id/settlement" "$(form "settle-form" "-locked")"
is "$(settlement "$done_id")" "5|12600|3100|staff:$staff_id|false" "staff unlock it"
settle_page "$cap"
crew_post "$cap" /settle "$(form settle-form "fuel=32")"
is "$STATUS/$(settlement "$done_id")" "303/6|12600|3200|crew:$sam|false" "and the captain may correct again"

# Past CHARTER_SETTLE_DAYS (7) after the end the captain's window has closed,
# though the link still opens.
sql "UPDATE bookings SET starts_at = starts_at - interval '8 days', ends_at = ends_at - interval '8 days' WHERE id = $done_id" >/dev/null
settle_page "$cap"
is "$STATUS" 200 "eight days on, the link still opens the settlement"
like "$(body)" 'id="settle-closed"' "which says settling here has closed"
crew_post "$cap" /settle "$(form_in "$TAP_TMP/cap2.html" settle-form "fuel=33")"
is "$STATUS" 409 "and refuses a change"
page s "/admin/bookings/$done_id/settlement"
staff_post s "/admin/bookings/$done_id/settlement" "$(form settle-form "fuel=34" "returned_at=$(sql "SELECT to_char(ends_at AT TIME ZONE time_zone, 'YYYY-MM-DD\"T\"HH24:MI') FROM bookings WHERE id = $done_id")")"
is "$STATUS/$(settlement "$done_id")" "303/7|12600|3400|staff:$staff_id|false" "staff still correct it"

# Staff settle one the captain did not; before the end it is refused.
page s "/admin/bookings/$later_id/settlement"
like "$(body)" 'id="settle-early"' "before the end the staff page says it can be settled after"
unlike "$(body)" 'id="settle-form"' "with no form"
csrf=$(grep -o 'name="csrf" value="[^"]*"' "$BODY" | head -n1 | sed 's/.*value="//; s/"$//')
staff_post s "/admin/bookings/$later_id/settlement" "csrf=$csrf&version=0&returned_at=$(TZ=America/Los_Angeles date -d '+3 days 5 hours' +%FT%H:%M)&port_fee=1"
is "$STATUS/$(settlement "$later_id")" "409/none" "and a staff settlement is refused"
page s /admin/bookings/999999999/settlement
is "$STATUS" 404 "an unknown booking is 404"

# A cancelled charter: the link is gone, staff cannot settle.
api POST "/api/bookings/$done_id/cancel"
settle_page "$cap"
is "$STATUS" 410 "after a cancel the captain's settlement link is gone"
staff_post s "/admin/bookings/$done_id/settlement" "$(form_in "$TAP_TMP/staff.html" settle-form "fuel=35")"
is "$STATUS" 409 "and staff cannot settle a cancelled booking"
like "$(body)" 'id="settle-cancelled"' "the page says why"

# -- the roles hold -----------------------------------------------------------------------------------
for r in charterd_crew charterd_staff; do
	like "$(as_role $r "SELECT count(*) FROM settlements")" 'permission denied' "$r cannot read settlements directly"
done
for r in charterd_crew charterd_staff charterd_owner; do
	like "$(as_role $r "UPDATE settlements SET fuel_cents = 0")" 'permission denied' "$r cannot write them directly"
done
like "$(as_role charterd_crew "SELECT settlement_write($done_id, 'crew:1', now(), '{}', true)")" 'permission denied' \
	"the crew role cannot write a settlement but through its captain-checking function"
like "$(as_role charterd_crew "SELECT staff_settle($done_id, 'crew:1', now(), '{}')")" 'permission denied' "nor through staff's"
like "$(as_role charterd_staff "SELECT owner_settlement_money($done_id)")" 'permission denied' "staff cannot run the owner's money function"
like "$(as_role charterd_crew "SELECT crew_settle('\\x00'::bytea, now(), 7, '{}')")" 'not_found' "the captain's function finds nothing without a real link"

# -- no booking money in the crew's mail ----------------------------------------------------------
MAIL=${CHARTER_MAIL_UI%/}
eventually 20 bash -c "curl -sfG '$MAIL/email' --data-urlencode 'to.address=$(email_of "Sam Ortiz")' | jq -e 'length >= 2'"
mails=$(curl -sfG "$MAIL/email" --data-urlencode "to.address=$(email_of "Sam Ortiz")")
isnt "$(jq length <<<"$mails")" 0 "the captain's mails arrived"
unlike "$(jq -r '.[] | .subject, .text, .html' <<<"$mails")" "$BOOKING_MONEY" "and carry no revenue, port fee or captain fee"

no_worker_crashed
done_testing
