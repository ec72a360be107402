#!/bin/bash
# crew-leak.sh: nothing a crew member is shown reveals what a charter earns
# or what colleagues are paid. Two bookings get distinctive revenue, port
# fee and captain fee values and their crew distinctive rates; then every
# crew output of charterd (each member's page in each state, the 409 and
# 410 pages, the invitation API answer, the invitation mails in the mail
# catcher, what crew_page() returns on the crew role, the open-places page
# and crew_open_page(), the offer of a declined place, the mail and page
# of a place taken, a reminder, the operator's crewing alerts, and the
# SCC and DynamoDB rows an answer queues) is searched for every rendering
# of those amounts: cents, dollars with and without separators. A crew
# member's own rate and pay must show, which proves the search finds them
# (an open place pays what it paid the one who declined it: its rate is
# the one colleague's rate an offer shows, as that member's own).
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

sql() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
day() { date -u -d "$1" +%FT%TZ; }
crew() {
	api POST /api/crew "{\"name\":\"$1\",\"email\":\"$(email_of "$1")\",\"hourly_rate_cents\":$2}"
	jbody .id
}
run=$$-$RANDOM
email_of() { echo "$(echo "$1" | tr ' A-Z' '.a-z').$run@example.com"; }
# The SMTP catcher (maildev): the mails to ADDR, as JSON.
MAIL=${CHARTER_MAIL_UI%/}
mails_to() { curl -sfG "$MAIL/email" --data-urlencode "to.address=$1"; }

# forms CENTS: every way the amount could be written: 1234567 -> 1234567,
# 12345.67, 12,345.67, and from a thousand dollars whole dollars 12345 and
# 12,345 (shorter whole numbers are any page's hours and dates).
forms() {
	/usr/bin/python3 -c 'import sys
c = int(sys.argv[1]); d, r = divmod(c, 100)
out = {str(c), "%d.%02d" % (d, r), "{:,}.{:02d}".format(d, r)}
if d >= 1000: out |= {str(d), "{:,}".format(d)}
print("\n".join(sorted(out)))' "$1"
}
# leaks FILE CENTS...: the forms of the amounts found in FILE, one per line.
# Tokens (random base64url, 43 characters) are taken out first: their digits
# could spell anything.
leaks() {
	local f=$1 c x
	shift
	sed -E 's/[A-Za-z0-9_-]{40,}/(token)/g' "$f" >"$TAP_TMP/leak-search"
	for c in "$@"; do
		while read -r x; do
			grep -qF -- "$x" "$TAP_TMP/leak-search" && echo "$x (of $c cents)"
		done < <(forms "$c")
	done
}
# no_leak FILE DESC CENTS...
no_leak() {
	local f=$1 desc=$2 found
	shift 2
	found=$(leaks "$f" "$@")
	is "$found" "" "$desc"
}

# Distinctive amounts: no two share a rendering, none is a date, time or id.
rev1=9876543 port1=246813 capt1=1357911
rev2=8765439 port2=371593 capt2=1928374
rate_a=4321 rate_b=5679 rate_c=6547 rate_d=8123
a=$(crew "Avery Quinn" $rate_a)
b=$(crew "Blake Ruiz" $rate_b)
c=$(crew "Casey Stone" $rate_c)
# Drew has Blake's role: Blake's declined place will be offered to Drew.
api POST /api/crew "{\"name\":\"Drew Vale\",\"email\":\"$(email_of "Drew Vale")\",\"roles\":[\"steward\"],\"hourly_rate_cents\":$rate_d}"
d=$(jbody .id)
booking() { # NAME REV PORT CAPT DAYS: prints the id
	api POST /api/bookings "{\"guest_name\":\"$1\",\"starts_at\":\"$(day "+$5 days 16:00")\",\"ends_at\":\"$(day "+$5 days 20:30")\",\"vessel\":\"Sea Otter\",\"meeting_point\":\"Dock C\",\"crew_notes\":\"Lunch aboard.\",\"revenue_cents\":$2,\"port_fee_cents\":$3,\"captain_fee_cents\":$4,\"crew\":[{\"crew_id\":$a,\"role\":\"deckhand\"},{\"crew_id\":$b,\"role\":\"steward\",\"hours\":6.25},{\"crew_id\":$c,\"role\":\"skipper\",\"captain\":true,\"hourly_rate_cents\":7013}]}"
	jbody .id
}
b1=$(booking "Leak One" $rev1 $port1 $capt1 9)
b2=$(booking "Leak Two" $rev2 $port2 $capt2 11)
ok "$([ -n "$b1" ] && [ -n "$b2" ]; echo $?)" "two bookings with distinctive money"
# What each member is paid, as staff see it: rate x hours (4.5 h, or 6.25).
pay() { api GET "/api/bookings/$1"; jbody "(.crew[] | select(.crew_id == $2) | (.hourly_rate_cents * .hours) | round)"; }
rate() { api GET "/api/bookings/$1"; jbody ".crew[] | select(.crew_id == $2) | .hourly_rate_cents"; }
api GET "/api/bookings/$b1"
cost1=$(jbody .crew_cost_cents) net1=$(jbody .net_cents)
api GET "/api/bookings/$b2"
cost2=$(jbody .crew_cost_cents) net2=$(jbody .net_cents)
money1="$rev1 $port1 $capt1 $cost1 $net1"
money2="$rev2 $port2 $capt2 $cost2 $net2"
note "booking $b1: revenue $rev1, port $port1, captain fee $capt1, crew cost $cost1, net $net1 (cents)"

# -- the invitation answers ---------------------------------------------------------
declare -A TOK
for bk in "$b1" "$b2"; do
	api POST "/api/bookings/$bk/invitations"
	is "$STATUS" 200 "booking $bk: invitations issued"
	body >"$TAP_TMP/invite-$bk.json"
	# shellcheck disable=SC2086
	no_leak "$TAP_TMP/invite-$bk.json" "booking $bk: the invitations answer holds no money" $money1 $money2
	for m in "$a" "$b" "$c"; do
		TOK[$bk.$m]=$(jq -r ".[] | select(.crew_id == $m) | .url" "$TAP_TMP/invite-$bk.json" | sed 's|.*/c/||')
	done
done

# others MEMBER BOOKING: the rates and pays of the other two members.
others() {
	local m=$1 bk=$2 o
	for o in "$a" "$b" "$c"; do
		[ "$o" = "$m" ] && continue
		rate "$bk" "$o"
		pay "$bk" "$o"
	done
}
# check_page FILE MEMBER BOOKING WHAT: own pay shown; no booking money, no colleague's pay.
check_page() {
	local f=$1 m=$2 bk=$3 what=$4 own_rate own_pay
	own_rate=$(rate "$bk" "$m") own_pay=$(pay "$bk" "$m")
	# shellcheck disable=SC2046,SC2086
	no_leak "$f" "$what: no revenue, fee, crew cost or net of either booking" $money1 $money2
	# shellcheck disable=SC2046
	no_leak "$f" "$what: no colleague's rate or pay" $(others "$m" "$bk")
	[ -n "${5:-}" ] || return 0
	like "$(leaks "$f" "$own_rate")" "\\." "$what: this member's own rate shows (the search finds it)"
	like "$(leaks "$f" "$own_pay")" "\\." "$what: and their own pay"
}

# -- every member's page, in every state --------------------------------------------
for bk in "$b1" "$b2"; do
	for m in "$a" "$b" "$c"; do
		t=${TOK[$bk.$m]}
		http GET "$CHARTER_PUBLIC_URL/c/$t"
		body >"$TAP_TMP/page.html"
		check_page "$TAP_TMP/page.html" "$m" "$bk" "booking $bk, member $m, pending page" own
		ft=$(sed -n 's/.*name="form_token" value="\([^"]*\)".*/\1/p' "$TAP_TMP/page.html" | head -n 1)
		http POST "$CHARTER_PUBLIC_URL/c/$t" --data "form_token=$ft&action=confirm"
		http GET "$CHARTER_PUBLIC_URL/c/$t"
		body >"$TAP_TMP/page.html"
		check_page "$TAP_TMP/page.html" "$m" "$bk" "booking $bk, member $m, confirmed page" own
	done
done
t=${TOK[$b1.$b]}
http GET "$CHARTER_PUBLIC_URL/c/$t"
ft=$(sed -n 's/.*name="form_token" value="\([^"]*\)".*/\1/p' "$BODY" | head -n 1)
http POST "$CHARTER_PUBLIC_URL/c/$t" --data "form_token=$ft&action=decline&note=Cannot+make+it"
http GET "$CHARTER_PUBLIC_URL/c/$t"
body >"$TAP_TMP/page.html"
check_page "$TAP_TMP/page.html" "$b" "$b1" "a declined page" own

# -- what the crew role's function returns ------------------------------------------
as_crew() {
	env -u PGPASSWORD PGPASSFILE="$STACK_PGPASSFILE" PGHOST="$STACK_PG_SOCKDIR" \
		PGPORT="$STACK_PG_PORT" PGUSER=charterd_crew PGDATABASE=charterd \
		psql -qAtX -v ON_ERROR_STOP=1 -c "$1" 2>&1
}
h=$(printf %s "${TOK[$b1.$a]}" | sha256sum | cut -d' ' -f1)
as_crew "SELECT crew_page(decode('$h', 'hex'), now(), 24)" >"$TAP_TMP/crew_page.json"
like "$(cat "$TAP_TMP/crew_page.json")" '"outcome" : "ok"' "crew_page() answers on the crew role's own login"
check_page "$TAP_TMP/crew_page.json" "$a" "$b1" "crew_page() as charterd_crew" own
is "$(jq -r '[.view.crew[] | keys[]] | unique | join(",")' "$TAP_TMP/crew_page.json")" "captain,first_name,me,role" \
	"colleagues come as first name, role and captain only"

# -- the invitation mails, as they arrived --------------------------------------
for m in "$a" "$b" "$c"; do
	addr=$(sql "SELECT email FROM crew WHERE id = $m")
	two() { [ "$(mails_to "$addr" | jq length)" = 2 ]; }
	eventually 15 two
	ok $? "member $m: both invitations (one per booking) arrive in the mail catcher"
	for bk in "$b1" "$b2"; do
		mails_to "$addr" | jq -r --arg t "${TOK[$bk.$m]}" \
			'.[] | select(.text | contains($t)) | .subject, .text, .html' >"$TAP_TMP/mail.txt"
		like "$(head -n 1 "$TAP_TMP/mail.txt")" '^Can you crew' "booking $bk, member $m: the invitation holds the link the API handed out"
		check_page "$TAP_TMP/mail.txt" "$m" "$bk" "booking $bk, member $m, invitation mail" own
	done
done
lid=$(sql "SELECT id FROM magic_links WHERE booking_id = $b2 AND crew_id = $a AND revoked_at IS NULL")
is "$(sql "SELECT nonce IS NULL FROM magic_links WHERE id = $lid")" t "once sent, the link's nonce is erased"
as_sync() {
	env -u PGPASSWORD PGPASSFILE="$STACK_PGPASSFILE" PGHOST="$STACK_PG_SOCKDIR" \
		PGPORT="$STACK_PG_PORT" PGUSER=charterd_sync PGDATABASE=charterd \
		psql -qAtX -v ON_ERROR_STOP=1 -c "$1" 2>&1
}
like "$(as_sync "SELECT crew_invitation_mail($lid, now(), 24)")" '"outcome" : "gone"' \
	"and the mail cannot be made again (nothing to send)"
http GET "$CHARTER_PUBLIC_URL/c/${TOK[$b2.$a]}"
is "$STATUS" 200 "while the link itself still opens"

# -- open places: the offer, the list, a place taken, a reminder, the operator's alerts --
daddr=$(email_of "Drew Vale")
api GET "/api/bookings/$b1"
cost1b=$(jbody .crew_cost_cents) net1b=$(jbody .net_cents)
slot=$(jbody '.open_slots[] | select(.role == "steward") | .slot_id')
place_pay=$(jbody '.open_slots[] | select(.role == "steward") | (.hourly_rate_cents * .hours) | round')
ok "$([ -n "$slot" ]; echo $?)" "Blake's decline opened his place (slot $slot, paying $place_pay cents)"
aboard1="$(rate "$b1" "$a") $(pay "$b1" "$a") $(rate "$b1" "$c") $(pay "$b1" "$c")"
# check_place FILE WHAT [own]: no booking's money, no pay of the crew aboard;
# with own, the place's rate and pay show.
check_place() {
	# shellcheck disable=SC2086
	no_leak "$1" "$2: no revenue, fee, crew cost or net" $money1 $money2 $cost1b $net1b
	# shellcheck disable=SC2086
	no_leak "$1" "$2: no rate or pay of the crew aboard" $aboard1
	[ -n "${3:-}" ] || return 0
	like "$(leaks "$1" "$rate_b")" "\\." "$2: the place's rate shows (the search finds it)"
	like "$(leaks "$1" "$place_pay")" "\\." "$2: and the pay it brings"
}
offered() { mails_to "$daddr" | jq -e '[.[] | select(.subject | startswith("Open place"))] | length > 0' >/dev/null; }
eventually 15 offered
ok $? "Drew is offered Blake's place by mail"
mails_to "$daddr" | jq -r '[.[] | select(.subject | startswith("Open place"))][-1] | .subject, .text, .html' >"$TAP_TMP/offer.txt"
check_place "$TAP_TMP/offer.txt" "the offer mail" own
ot=$(grep -o "/c/[A-Za-z0-9_-]\{43\}/open" "$TAP_TMP/offer.txt" | head -n 1 | sed 's|/c/||; s|/open||')
http GET "$CHARTER_PUBLIC_URL/c/$ot/open"
is "$STATUS" 200 "the offer's link opens Drew's open places"
body >"$TAP_TMP/open.html"
check_place "$TAP_TMP/open.html" "the open-places page" own
as_crew "SELECT crew_open_page(decode('$(printf %s "$ot" | sha256sum | cut -d' ' -f1)', 'hex'), now(), 24)" >"$TAP_TMP/open.json"
like "$(cat "$TAP_TMP/open.json")" '"outcome" : "ok"' "crew_open_page() answers on the crew role's own login"
check_place "$TAP_TMP/open.json" "crew_open_page() as charterd_crew" own
ft=$(sed -n 's/.*name="form_token" value="\([^"]*\)".*/\1/p' "$TAP_TMP/open.html" | head -n 1)
http POST "$CHARTER_PUBLIC_URL/c/$ot/open/$slot" --data "form_token=$ft"
is "$STATUS" 303 "Drew takes the place"
http GET "$(header location)"
body >"$TAP_TMP/taken.html"
check_place "$TAP_TMP/taken.html" "Drew's page for the place taken" own
taken() { mails_to "$daddr" | jq -e '[.[] | select(.subject | startswith("You are crewing"))] | length > 0' >/dev/null; }
eventually 15 taken
ok $? "the mail for the place taken arrives"
mails_to "$daddr" | jq -r '[.[] | select(.subject | startswith("You are crewing"))][-1] | .subject, .text, .html' >"$TAP_TMP/taken.txt"
check_place "$TAP_TMP/taken.txt" "the mail for the place taken" own
# A third booking, Drew pending: the reminder, and the operator's alerts.
rev3=6543217 port3=482915 capt3=1726354
api POST /api/bookings "{\"guest_name\":\"Leak Three\",\"starts_at\":\"$(day "+13 days 16:00")\",\"ends_at\":\"$(day "+13 days 20:30")\",\"vessel\":\"Sea Otter\",\"revenue_cents\":$rev3,\"port_fee_cents\":$port3,\"captain_fee_cents\":$capt3,\"crew\":[{\"crew_id\":$a,\"role\":\"deckhand\"},{\"crew_id\":$c,\"role\":\"skipper\",\"captain\":true},{\"crew_id\":$d,\"role\":\"steward\"}]}"
b3=$(jbody .id)
api POST "/api/bookings/$b3/invitations"
api GET "/api/bookings/$b3"
money3="$rev3 $port3 $capt3 $(jbody .crew_cost_cents) $(jbody .net_cents)"
sql "UPDATE outbox SET due_at = now(), next_attempt_at = now() WHERE booking_id = $b3 AND kind IN ('mail.crew_reminder', 'mail.operator_crewing');
	SELECT pg_notify('charterd_outbox', '$b3')" >/dev/null
reminded() { mails_to "$daddr" | jq -e '[.[] | select(.subject | startswith("Reminder"))] | length > 0' >/dev/null; }
eventually 15 reminded
ok $? "Drew's reminder arrives"
mails_to "$daddr" | jq -r '[.[] | select(.subject | startswith("Reminder"))][-1] | .subject, .text, .html' >"$TAP_TMP/reminder.txt"
# shellcheck disable=SC2086
no_leak "$TAP_TMP/reminder.txt" "the reminder: no revenue, fee, crew cost or net" $money1 $money2 $money3
# shellcheck disable=SC2046
no_leak "$TAP_TMP/reminder.txt" "the reminder: no colleague's rate or pay" $(rate "$b3" "$a") $(pay "$b3" "$a") $(rate "$b3" "$c") $(pay "$b3" "$c")
like "$(leaks "$TAP_TMP/reminder.txt" "$(pay "$b3" "$d")")" "\\." "the reminder: Drew's own pay shows"
operator() { mails_to operator@charterd.invalid | jq -r --arg id "#$1 " '[.[] | select(.text | contains($id))] | .[] | select(.subject | test("^(Declined|Not fully crewed)")) | .subject, .text, .html'; }
alerts() { [ "$(operator "$b1" | grep -c '^Declined')" -ge 1 ] && [ "$(operator "$b3" | grep -c '^Not fully crewed')" -ge 1 ]; }
eventually 15 alerts
ok $? "the operator's alerts arrive: Blake's decline, and Leak Three not fully crewed"
{ operator "$b1"; operator "$b3"; } >"$TAP_TMP/operator.txt"
# shellcheck disable=SC2046,SC2086
no_leak "$TAP_TMP/operator.txt" "the operator's crewing alerts: no money, and no crew pay at all" $money1 $money2 $money3 $cost1b $net1b \
	$aboard1 $rate_a $rate_b $rate_c $rate_d $place_pay $(pay "$b3" "$d")

# -- 409 and 410 pages ---------------------------------------------------------------
sql "UPDATE bookings SET starts_at = now() + interval '2 hours', ends_at = now() + interval '6 hours' WHERE id = $b2" >/dev/null
t=${TOK[$b2.$b]}
ft=$(/usr/bin/python3 -c 'import hmac, hashlib, base64, sys
m = hmac.new(bytes.fromhex(sys.argv[1]), b"charterd crew form v1\0" + sys.argv[2].encode(), hashlib.sha256).digest()
print(base64.urlsafe_b64encode(m).decode().rstrip("="))' "$STACK_TOKEN_SECRET" "$t")
http POST "$CHARTER_PUBLIC_URL/c/$t" --data "form_token=$ft&action=decline"
is "$STATUS" 409 "an answer past the cut-off: 409"
body >"$TAP_TMP/page.html"
check_page "$TAP_TMP/page.html" "$b" "$b2" "the 409 page" own
api POST "/api/bookings/$b1/cancel"
http GET "$CHARTER_PUBLIC_URL/c/${TOK[$b1.$c]}"
is "$STATUS" 410 "a cancelled charter's link: 410"
body >"$TAP_TMP/page.html"
check_page "$TAP_TMP/page.html" "$c" "$b1" "the 410 page"
unlike "$(cat "$TAP_TMP/page.html")" "$MONEY_RE" "the 410 page shows no amount at all"

# -- the rows an answer queues for SCC and DynamoDB ----------------------------------
sql "SELECT payload::text FROM outbox WHERE booking_id IN ($b1, $b2) AND target IN ('scc', 'dynamo')" >"$TAP_TMP/outbox.txt"
like "$(grep -c crew.response <(sql "SELECT kind FROM outbox WHERE booking_id IN ($b1, $b2)"))" '^[1-9]' "answers queued DynamoDB crew items"
# shellcheck disable=SC2086
no_leak "$TAP_TMP/outbox.txt" "SCC and DynamoDB payloads hold no revenue, fee, crew cost or net" $money1 $money2
unlike "$(cat "$TAP_TMP/outbox.txt")" 'revenue|port_fee|captain_fee|net_cents|crew_cost|response_note|email' \
	"nor any money field, note or address"

no_worker_crashed
done_testing
