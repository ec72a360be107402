#!/bin/bash
# reconciliation.sh: revenue reconciliation against a fixed data set worked out by hand:
# per charter, per month and in total, planned figures and a settled trip's actuals,
# months decided in each boat's zone, the vessel filter, cancelled charters apart; the
# owner's page (its chart a well-formed SVG with the loss below the zero line), its CSV
# (RFC 4180 read by Python's csv module, BOM, a formula kept as text) and the internal
# API's JSON, all the same figures; staff, crew and guest roles refused, staff pages
# without a figure.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"
. "$CHARTER_SRCDIR/tests/lib/admin.sh"   # login, jar, sql, as_role

pub=$CHARTER_PUBLIC_URL
run=$$-$RANDOM
V="Recon Otter $run"    # every booking of the data set but one is on this vessel
W="Recon <b>Other</b> \"onmouseover=x {{x}} $run"   # the other vessel's name is markup
PY=/usr/bin/python3
enc() { jq -rn --arg v "$1" '$v | @uri'; }
q() { echo "from=$1&to=$2&vessel=$(enc "${3:-$V}")"; }

# -- the data set ------------------------------------------------------------------
crew() { # crew NAME RATE: its id
	api POST /api/crew "{\"name\":\"$1 $run\",\"email\":\"$1-$run@crew.example\",\"hourly_rate_cents\":$2}"
	jbody .id
}
A=$(crew ana 5000)
B=$(crew ben 3000)
C=$(crew cleo 2500)
D=$(crew dev 4000)
booking() { # booking JSON-OBJECT-FIELDS: its id
	api POST /api/bookings "{\"checklist\":[],$1"
	[ "$STATUS" = 201 ] || diag "POST /api/bookings: $STATUS $(body)"
	jbody .id
}
# B1: 23:30 on 31 January in San Diego is 1 February in UTC: January's. 4 h; Ana 4 h at
# $50, Ben without hours (the charter's 4 h) at $30: crew $320. Net 2000-320-50-300 = 1330.
b1=$(booking "\"guest_name\":\"Late Departure\",\"vessel\":\"$V\",
	\"starts_at\":\"2031-01-31T23:30:00-08:00\",\"ends_at\":\"2031-02-01T03:30:00-08:00\",
	\"time_zone\":\"America/Los_Angeles\",\"revenue_cents\":200000,\"port_fee_cents\":5000,
	\"captain_fee_cents\":30000,\"crew\":[{\"crew_id\":$A,\"role\":\"captain\",\"hours\":4},
	{\"crew_id\":$B,\"role\":\"deckhand\"}]}")
# B2: February, settled at a loss. Planned: Ana 4 h $200, Ben 4 h $120 (Cleo declined,
# Dev withdrawn: not counted), port $40, captain $200: net 500-320-40-200 = -60.
# Settled: Ana 6.5 h $325, Ben no row (keeps 4 h, $120), port $65, fuel $80:
# net 500-445-65-200 = -210, margin -42.0%.
b2=$(booking "\"guest_name\":\"Squall Party\",\"vessel\":\"$V\",
	\"starts_at\":\"2031-02-10T10:00:00-08:00\",\"ends_at\":\"2031-02-10T14:00:00-08:00\",
	\"time_zone\":\"America/Los_Angeles\",\"revenue_cents\":50000,\"port_fee_cents\":4000,
	\"captain_fee_cents\":20000,\"crew\":[{\"crew_id\":$A,\"role\":\"captain\",\"hours\":4},
	{\"crew_id\":$B,\"role\":\"mate\",\"hours\":4},{\"crew_id\":$C,\"role\":\"deckhand\",\"hours\":4},
	{\"crew_id\":$D,\"role\":\"deckhand\",\"hours\":4}]}")
# B3: 09:00 on 1 March in Auckland is 28 February in UTC: March's. Ana 2 h: $100.
# Net 1000-100 = 900. Its guest's name is markup.
b3=$(booking "\"guest_name\":\"Kiri <b>x</b> \\\"onmouseover=alert(1) {{x}}\",\"vessel\":\"$V\",
	\"starts_at\":\"2031-03-01T09:00:00+13:00\",\"ends_at\":\"2031-03-01T12:00:00+13:00\",
	\"time_zone\":\"Pacific/Auckland\",\"revenue_cents\":100000,\"port_fee_cents\":0,
	\"captain_fee_cents\":0,\"crew\":[{\"crew_id\":$A,\"role\":\"captain\",\"hours\":2}]}")
# B6: March, a guest named like a spreadsheet formula. Ben 2.5 h: $75. Net 1234.50-75-10.50.
b6=$(booking "\"guest_name\":\"=HYPERLINK(\\\"http://x\\\",\\\"y\\\")\",\"vessel\":\"$V\",
	\"starts_at\":\"2031-03-05T10:00:00-08:00\",\"ends_at\":\"2031-03-05T13:00:00-08:00\",
	\"time_zone\":\"America/Los_Angeles\",\"revenue_cents\":123450,\"port_fee_cents\":1050,
	\"captain_fee_cents\":0,\"crew\":[{\"crew_id\":$B,\"role\":\"deckhand\",\"hours\":2.5}]}")
# B4: cancelled: counted nowhere, listed apart. B5: another vessel.
b4=$(booking "\"guest_name\":\"Called Off\",\"vessel\":\"$V\",
	\"starts_at\":\"2031-02-15T10:00:00-08:00\",\"ends_at\":\"2031-02-15T14:00:00-08:00\",
	\"revenue_cents\":999900,\"port_fee_cents\":0,\"captain_fee_cents\":0}")
api POST "/api/bookings/$b4/cancel"
is "$STATUS" 200 "the cancelled charter is cancelled"
b5=$(booking "\"guest_name\":\"Elsewhere\",\"vessel\":$(jq -n --arg v "$W" '$v'),
	\"starts_at\":\"2031-02-12T10:00:00-08:00\",\"ends_at\":\"2031-02-12T14:00:00-08:00\",
	\"revenue_cents\":777700,\"port_fee_cents\":0,\"captain_fee_cents\":0}")
for b in "$b1" "$b2" "$b3" "$b4" "$b5" "$b6"; do [ -n "$b" ] && [ "$b" != null ] || bail_out "a booking of the data set was refused"; done
# Answers and the settlement, as the captain's and staff's forms would write them (Cleo
# declined, yet the settlement lists her: she still counts for nothing).
sql "UPDATE assignments SET status = 'confirmed' WHERE booking_id IN ($b1, $b2, $b3, $b6);
     UPDATE assignments SET status = 'declined' WHERE booking_id = $b2 AND crew_id = $C;
     UPDATE assignments SET status = 'withdrawn' WHERE booking_id = $b2 AND crew_id = $D;
     INSERT INTO settlements (booking_id, returned_at, port_fee_cents, fuel_cents, note, settled_by)
         VALUES ($b2, '2031-02-10T16:30:00-08:00', 6500, 8000, 'reefed early', 'staff:1');
     INSERT INTO settlement_hours (booking_id, assignment_id, hours_x100)
         SELECT $b2, id, 650 FROM assignments WHERE booking_id = $b2 AND crew_id = $A;
     INSERT INTO settlement_hours (booking_id, assignment_id, hours_x100)
         SELECT $b2, id, 900 FROM assignments WHERE booking_id = $b2 AND crew_id = $C" >/dev/null
ok $? "answers and the February trip's settlement are written"

# -- the API: figures against the hand-worked ones -----------------------------------
dash() { http GET "$CHARTER_API_URL/api/reconciliation?$1" -H "X-Dashboard-Token: $CHARTER_DASHBOARD_TOKEN"; }
dash "$(q 2031-01-01 2031-03-31)"
is "$STATUS" 200 "GET /api/reconciliation with the dashboard token"
cp "$BODY" "$TAP_TMP/api.json"
is "$(jbody '[.bookings[].id] | map(tostring) | join(",")')" "$b1,$b2,$b3,$b6" \
	"four charters of the vessel, by start; the cancelled one and the other vessel's not"
row() { jq -c --argjson id "$1" '.bookings[] | select(.id == $id) | '"$2" "$TAP_TMP/api.json"; }
is "$(row "$b1" '[.date, .month, .revenue_cents, .crew_cost_cents, .port_fee_cents, .captain_fee_cents, .net_cents, .margin_pct, .settled, .fuel_cents]')" \
	'["2031-01-31","2031-01",200000,32000,5000,30000,133000,66.5,false,null]' \
	"January 31, 23:30 in San Diego: January's; crew \$320 (Ben works the charter's 4 h)"
is "$(row "$b2" '[.crew_cost_planned_cents, .crew_cost_actual_cents, .crew_cost_cents, .port_fee_planned_cents, .port_fee_actual_cents, .port_fee_cents]')" \
	'[32000,44500,44500,4000,6500,6500]' \
	"the settled trip: planned crew \$320 and port \$40, actual \$445 and \$65 (declined and withdrawn crew count neither way)"
is "$(row "$b2" '[.net_planned_cents, .net_cents, .margin_pct, .settled, .fuel_cents, .hours_planned, .hours_actual, .returned_at]')" \
	'[-6000,-21000,-42,true,8000,8,10.5,"2031-02-10T16:30:00-08:00"]' \
	"net planned -\$60, settled -\$210 (fuel \$80 beside it, not in it), -42.0%"
is "$(row "$b3" '[.date, .month, .net_cents, .margin_pct, .starts_at]')" \
	'["2031-03-01","2031-03",90000,90,"2031-03-01T09:00:00+13:00"]' \
	"March 1, 09:00 in Auckland (28 February in UTC): March's"
is "$(row "$b6" '[.crew_cost_cents, .net_cents, .margin_pct]')" '[7500,114900,93.1]' \
	"2.5 hours at \$30 is \$75; net \$1,149.00, 93.1%"
is "$(jq -c '[.months[] | [.month, .bookings, .settled, .revenue_cents, .crew_cost_cents, .port_fee_cents, .captain_fee_cents, .fuel_cents, .net_cents, .margin_pct]]' "$TAP_TMP/api.json")" \
	'[["2031-01",1,0,200000,32000,5000,30000,0,133000,66.5],["2031-02",1,1,50000,44500,6500,20000,8000,-21000,-42],["2031-03",2,0,223450,17500,1050,0,0,204900,91.7]]' \
	"per month: January +\$1,330, February a loss of \$210, March +\$2,049"
is "$(jq -c '.totals | [.bookings, .settled, .revenue_cents, .crew_cost_cents, .port_fee_cents, .captain_fee_cents, .fuel_cents, .net_cents, .margin_pct, .net_planned_cents]' "$TAP_TMP/api.json")" \
	'[4,1,473450,94000,12550,50000,8000,316900,66.9,331900]' \
	"totals: revenue \$4,734.50 - crew \$940 - port \$125.50 - captain \$500 = \$3,169.00, 66.9%"
is "$(jq -c '[.cancelled[] | [.id, .date, .revenue_cents]]' "$TAP_TMP/api.json")" "[[$b4,\"2031-02-15\",999900]]" \
	"the cancelled charter is listed apart"
dash "$(q 2031-02-01 2031-02-28)"
is "$(jbody '[.bookings[].id] | map(tostring) | join(",")')/$(jbody '[.months[].month] | join(",")')" "$b2/2031-02" \
	"February alone: neither the 31 January departure nor the 1 March one, whatever UTC says"
dash "from=2031-01-01&to=2031-12-31&vessel=$(enc "$W")"
is "$(jbody '[.bookings[].id, .totals.revenue_cents, (.months | length)] | map(tostring) | join(",")')" "$b5,777700,12" \
	"the other vessel: its one charter, and every month of the year, empty ones as zeros"
is "$(jbody '.months[0] | [.bookings, .net_cents, .margin_pct] | map(tostring) | join(",")')" "0,0,null" \
	"an empty month is zeros without a margin"
dash "from=2031-01-01&to=2031-03-31"
like "$(jbody '[.bookings[].id] | map(tostring) | join(",")')" "(^|,)$b5(,|$)" "no vessel: every vessel"

# -- the API's door ----------------------------------------------------------------------
http GET "$CHARTER_API_URL/api/reconciliation?$(q 2031-01-01 2031-03-31)"
is "$STATUS" 401 "no credentials: 401"
http GET "$CHARTER_API_URL/api/reconciliation?$(q 2031-01-01 2031-03-31)" -H "X-Dashboard-Token: wrong"
is "$STATUS" 401 "a wrong dashboard token: 401"
api GET "/api/reconciliation?$(q 2031-01-01 2031-03-31)"
is "$STATUS/$(jbody .totals.net_cents)" "200/316900" "the service key works too, same figures"
http GET "$pub/api/reconciliation?$(q 2031-01-01 2031-03-31)" -H "X-Dashboard-Token: $CHARTER_DASHBOARD_TOKEN"
is "$STATUS" 404 "the public listener has no /api/"
bad() { # bad QUERY FIELD CODE DESC
	dash "$1"
	is "$STATUS/$(jbody .error)/$(jbody .field)" "400/$3/$2" "$4" || diag "$(body)"
	like "$(jbody .message)" '[a-z]{3}.* ' "and says why: $(jbody .message)"
}
bad "from=2031-02-30&to=2031-03-31" from invalid "30 February: 400 naming from"
bad "from=2031/01/01&to=2031-03-31" from invalid "a date not written YYYY-MM-DD"
bad "from=2031-01-01" to missing "to missing"
bad "from=2031-04-01&to=2031-03-31" to invalid "to before from"
bad "from=2026-01-01&to=2031-03-31" to out_of_range "more than five years (63 months)"
bad "from=2031-01-01&to=2031-03-31&month=2" month unknown_field "an unknown parameter"
bad "from=2031-01-01&to=2031-03-31&to=2031-04-30" to invalid "a parameter given twice"
dash "from=2027-01-01&to=2031-12-31"
is "$STATUS" 200 "exactly five years (60 months) is fine"

# -- database roles --------------------------------------------------------------------
call="SELECT reconciliation('2031-01-01', '2031-03-31', '$V')::json->'totals'->>'net_cents'"
is "$(as_role charterd_owner "$call")" 316900 "charterd_owner runs reconciliation()"
is "$(as_role charterd_api "$call")" 316900 "charterd_api runs it"
for role in charterd_staff charterd_crew charterd_guest charterd_sync; do
	like "$(as_role $role "$call")" "permission denied for function reconciliation" "$role may not run reconciliation()"
	like "$(as_role $role "SELECT count(*) FROM reconciliation_bookings('2031-01-01', '2031-03-31', NULL)")" \
		"permission denied for function reconciliation_bookings" "nor reconciliation_bookings()"
	like "$(as_role $role "SELECT port_fee_cents, fuel_cents FROM settlements")" "permission denied" \
		"nor read the settlements"
done

# -- the owner's page ---------------------------------------------------------------------
login owner "$CHARTER_ADMIN_EMAIL" "$CHARTER_ADMIN_PASSWORD"
is "$STATUS" 303 "the owner logs in"
http GET "$pub/admin/reconciliation?$(q 2031-01-01 2031-03-31)" -b "$(jar owner)"
is "$STATUS" 200 "the owner's money page"
cp "$BODY" "$TAP_TMP/page.html"
like "$(body)" 'Net <strong>\$3,169\.00</strong>' "the total net"
like "$(body)" 'Margin <strong>66\.9%</strong>' "the margin"
# A loss reads "−⁠$": U+2212 and U+2060, the word joiner that keeps the sign on the line of its dollars.
like "$(body)" 'data-label="Net"><span class="recon-v">−⁠\$210\.00 <span class="badge badge-danger">loss</span>' \
	"February's loss, with a minus sign and marked"
like "$(body)" '\$445\.00<span class="recon-planned">planned \$320\.00' \
	"the settled trip: actual crew cost, the planned one beside it"
like "$(body)" '−⁠\$210\.00<span class="recon-planned">planned −⁠\$60\.00' "and its net, settled and planned"
like "$(body)" 'Kiri &lt;b&gt;x&lt;/b&gt; &quot;onmouseover=alert\(1\) \{\{x\}\}' "markup in a name is shown as text"
like "$(body)" '<option value="Recon &lt;b&gt;Other&lt;/b&gt; &quot;onmouseover=x \{\{x\}\} '"$run"'">' \
	"and in a vessel's name, in the filter's list"
unlike "$(body)" '<b>x</b>|<b>Other|"onmouseover' "never as markup"
like "$(body)" 'Called Off</a> <span class="fine">[^<]* booked for \$9,999\.00' "the cancelled charter, apart"
like "$(body)" "href=\"/admin/reconciliation.csv\?from=2031-01-01&amp;to=2031-03-31&amp;vessel=Recon%20Otter%20$run\"" \
	"the CSV link keeps the filter"
like "$(header content-security-policy)" "style-src 'self'; script-src 'self'" "the page comes with its CSP"
unlike "$(body)" '<script>|<script [^>]*>[^<]|style=|<style|[[:space:]]on[a-z]+=' "no inline script or handler, no style attribute or element"
# tidy 5.6 knows neither aria-current (every admin menu has it) nor SVG's own
# attributes: those warnings alone are let through.
out=$(tidy -q -e "$TAP_TMP/page.html" 2>&1 | grep -v -E 'proprietary attribute "(aria-current|font-size|id)"$')
is "$out" "" "the page is valid HTML but for what tidy 5.6 does not know"
# The chart: both drawings parse as XML; the loss hangs below the zero line.
"$PY" - "$TAP_TMP/page.html" >"$TAP_TMP/svg.out" 2>&1 <<'EOF'
import re, sys, xml.etree.ElementTree as ET
html = open(sys.argv[1], encoding="utf-8").read()
svgs = re.findall(r"<svg xmlns=.*?</svg>", html, re.S)
print("svgs", len(svgs))
N = "{http://www.w3.org/2000/svg}"
for s in svgs:
    root = ET.fromstring(s)
    ids = root.get("aria-labelledby").split()
    title = root.find(N + "title"); desc = root.find(N + "desc")
    print("named", root.get("role"), ids == [title.get("id"), desc.get("id")], title.text)
    print("desc", desc.text)
    zero = float(root.find(".//" + N + "line[@class='chart-zero']").get("y1"))
    for r in root.iter(N + "rect"):
        y, h = float(r.get("y")), float(r.get("height"))
        kind = r.get("class").split()[-1]
        ok = abs(y - zero) < 0.11 if kind == "chart-bar-neg" else abs(y + h - zero) < 0.11
        print("bar", kind, "on-zero" if ok else "off-zero", r.find(N + "title").text)
    print("labels", " ".join(t.text for t in root.iter(N + "text") if t.get("class") == "chart-label"))
    print("ticks", " ".join(t.text for t in root.iter(N + "text") if t.get("class") == "chart-tick"))
EOF
svg=$(cat "$TAP_TMP/svg.out")
like "$svg" '^svgs 2' "two drawings of the chart (phone and desktop)" || diag "$svg"
is "$(grep -c '^named img True Net by month, Jan 2031 to Mar 2031$' <<<"$svg")" 2 \
	"each is well-formed XML, role img, named by its own title and desc"
like "$svg" 'desc Net \(revenue less crew cost, port fees and captain fees\) for each month from Jan 2031 to Mar 2031; \$3,169\.00 in all\. Best month Mar 2031, \$2,049\.00; weakest Feb 2031, −⁠\$210\.00\. 1 month lost money\.' \
	"the description says what the chart shows"
is "$(grep -c '^bar chart-bar-neg on-zero February 2031: −⁠\$210.00 net, 1 charter$' <<<"$svg")" 2 \
	"February's bar hangs from the zero line, in both"
is "$(grep -c '^bar chart-bar-pos on-zero' <<<"$svg")" 4 "January and March stand on it"
is "$(grep -c 'off-zero' <<<"$svg")" 0 "no bar floats"
like "$svg" 'labels Jan Feb Mar' "month labels"
like "$svg" 'ticks −\$1k \$0 \$1k \$2k \$3k' "round ticks in dollars, below zero too"
# A bad filter: the form again, the error by its field, the input kept.
http GET "$pub/admin/reconciliation?from=2031-13-01&to=2031-03-31" -b "$(jar owner)"
is "$STATUS" 400 "a bad date: 400"
like "$(body)" 'id="from" name="from" type="date" value="2031-13-01" required aria-invalid="true" aria-describedby="from-error"' \
	"the field keeps what was typed and is marked"
like "$(body)" 'id="to" name="to" type="date" value="2031-03-31"' "and the other one too"
like "$(body)" '<p class="field-error" id="from-error">from must be a date' "the error is next to it"
unlike "$(body)" 'recon-stats' "and no figures"
http GET "$pub/admin/reconciliation?$(q 2031-01-01 2031-03-31)&format=xml" -b "$(jar owner)"
is "$STATUS" 400 "an unknown format: 400"

# -- the CSV -----------------------------------------------------------------------------
http GET "$pub/admin/reconciliation.csv?$(q 2031-01-01 2031-03-31)" -b "$(jar owner)"
is "$STATUS" 200 "the CSV download"
cp "$BODY" "$TAP_TMP/recon.csv"
like "$(header content-type)" '^text/csv; charset=utf-8' "is text/csv in UTF-8"
is "$(header content-disposition)" \
	"attachment; filename=\"reconciliation-2031-01-01-to-2031-03-31-recon-otter-${run}.csv\"" \
	"an attachment with a name saying what it holds"
http GET "$pub/admin/reconciliation?$(q 2031-01-01 2031-03-31)&format=csv" -b "$(jar owner)"
cmp -s "$BODY" "$TAP_TMP/recon.csv"
ok $? "?format=csv (API.md's form) gives the same file"
"$PY" - "$TAP_TMP/recon.csv" >"$TAP_TMP/csv.out" 2>&1 <<'EOF'
import csv, io, sys
raw = open(sys.argv[1], "rb").read()
print("bom", raw[:3] == b"\xef\xbb\xbf")
print("crlf", raw.count(b"\r\n") == raw.count(b"\n"))
rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), strict=True))
print("rows", len(rows))
print("widths", sorted({len(r) for r in rows}))
print("net", "%.2f" % sum(float(r["Net"]) for r in rows))
print("revenue", "%.2f" % sum(float(r["Revenue"]) for r in rows))
for r in rows:
    print("row", r["Date"], r["Guest"], r["Net"], r["Margin %"], r["Settled"], r["Crew cost actual"] or "-", r["Fuel"] or "-")
EOF
out=$(cat "$TAP_TMP/csv.out")
like "$out" 'bom True' "starts with the UTF-8 BOM" || diag "$out"
like "$out" 'crlf True' "every line ends CRLF"
like "$out" 'rows 4' "Python's csv module reads four charters"
like "$out" 'widths \[24\]' "every row as wide as the header"
like "$out" 'net 3169.00' "their nets sum to the total on the page and in the API"
like "$out" 'revenue 4734.50' "revenue too: money as plain numbers"
like "$out" "row 2031-03-05 '=HYPERLINK\(\"http://x\",\"y\"\) 1149.00 93.1 no - -" \
	"the formula-named guest is text (a leading '), the rest as figures"
like "$out" 'row 2031-02-10 Squall Party -210.00 -42.0 yes 445.00 80.00' \
	"the loss is a negative number, the settled trip has its actuals"
like "$out" 'row 2031-03-01 Kiri <b>x</b> "onmouseover=alert\(1\) \{\{x\}\} 900.00' "names as they are"
grep -q "^2031-03-05,2031-03,$b6,[^,]*,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"," "$TAP_TMP/recon.csv"
ok $? "on the wire: quoted, quotes doubled, prefixed with '"

# -- staff: no money, anywhere ------------------------------------------------------------
login staff "$CHARTER_STAFF_EMAIL" "$CHARTER_STAFF_PASSWORD"
is "$STATUS" 303 "a staff member logs in"
for path in "/admin/reconciliation?$(q 2031-01-01 2031-03-31)" "/admin/reconciliation.csv?$(q 2031-01-01 2031-03-31)" \
	"/admin/reconciliation?$(q 2031-01-01 2031-03-31)&format=csv"; do
	http GET "$pub$path" -b "$(jar staff)"
	is "$STATUS" 403 "staff: ${path%%\?*}$([[ $path == *format=csv ]] && echo '?format=csv') is refused"
	unlike "$(body)" "$MONEY_RE" "with no amount in it"
	unlike "$(body)" '3,169|3169|1330|4734|recon-stats' "and none of the data set's figures"
done
http GET "$pub/admin/" -b "$(jar staff)"
unlike "$(body)" 'href="/admin/reconciliation' "the staff menu has no money link"
http GET "$pub/admin/" -b "$(jar owner)"
like "$(body)" 'href="/admin/reconciliation"' "the owner's has"
http GET "$pub/admin/reconciliation"
is "$STATUS/$(header location)" "303//admin/login?next=%2Fadmin%2Freconciliation" "without a session: to the login"

no_worker_crashed
done_testing
