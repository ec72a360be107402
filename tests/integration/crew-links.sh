#!/bin/bash
# crew-links.sh: crew magic links end to end: invitations (hash and nonce
# stored, never the token; one mail per link, in the mail catcher, with the
# link; the nonce erased once no mail still to be sent carries it), the crew page in every
# state (pending, confirmed, declined, changed mind, after the cut-off,
# expired, replaced by a newer link, unassigned, cancelled, unknown), a GET
# that changes nothing, answers that write once (audit and outbox rows with
# the new status), the form token and origin checks, a staff PATCH that is
# not made stale by an answer, the lookup's timing, and no token in any log.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

sql() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
day() { date -u -d "$1" +%FT%TZ; }
run=$$-$RANDOM
email_of() { echo "$(echo "$1" | tr ' A-Z' '.a-z').$run@example.com"; }
# crew NAME RATE: a new crew member's id.
crew() {
	api POST /api/crew "{\"name\":\"$1\",\"email\":\"$(email_of "$1")\",\"roles\":[\"deckhand\"],\"hourly_rate_cents\":$2}"
	jbody .id
}
# The SMTP catcher (maildev): mails to ADDR.
MAIL=${CHARTER_MAIL_UI%/}
mails_to() { curl -sfG "$MAIL/email" --data-urlencode "to.address=$1"; }
has_mails() { [ "$(mails_to "$1" | jq length)" = "$2" ]; }
# invite ID [JSON]: POST .../invitations; INV holds the answer.
invite() { api POST "/api/bookings/$1/invitations" "${2:-}"; INV=$(body); }
# tok CREW_ID: that crew member's token in the last invitation answer.
tok() { jq -r ".[] | select(.crew_id == $1) | .url" <<<"$INV" | sed 's|.*/c/||'; }
page() { http GET "$CHARTER_PUBLIC_URL/c/$1"; }
form_token() { sed -n 's/.*name="form_token" value="\([^"]*\)".*/\1/p' "$BODY" | head -n 1; }
# answer TOKEN ACTION [NOTE] [curl args...]: the page's own form, posted as a browser would.
answer() {
	local t=$1 action=$2 note=${3:-} ft
	shift 2
	[ $# -gt 0 ] && shift
	page "$t"
	ft=$(form_token)
	http POST "$CHARTER_PUBLIC_URL/c/$t" -H "Origin: $CHARTER_PUBLIC_URL" -H 'Sec-Fetch-Site: same-origin' \
		--data-urlencode "form_token=$ft" --data-urlencode "action=$action" \
		--data-urlencode "note=$note" "$@"
}
status_of() { sql "SELECT status FROM assignments WHERE booking_id = $1 AND crew_id = $2"; }
# snapshot ID: everything a visit could touch.
snapshot() {
	sql "SELECT (SELECT json_agg(ml ORDER BY ml.id) FROM magic_links ml WHERE booking_id = $1)::text
		|| (SELECT json_agg(a ORDER BY a.id) FROM assignments a WHERE booking_id = $1)::text
		|| (SELECT row_to_json(b) FROM bookings b WHERE id = $1)::text
		|| (SELECT count(*) FROM audit_log WHERE booking_id = $1)::text || '/'
		|| (SELECT count(*) FROM outbox WHERE booking_id = $1)::text"
}
# ftok TOKEN: the form token its page would carry, made here as an independent check.
ftok() {
	/usr/bin/python3 -c 'import hmac, hashlib, base64, sys
k = bytes.fromhex(sys.argv[1])
m = hmac.new(k, b"charterd crew form v1\0" + sys.argv[2].encode(), hashlib.sha256).digest()
print(base64.urlsafe_b64encode(m).decode().rstrip("="))' "$STACK_TOKEN_SECRET" "$1"
}
private_headers() { # DESC: the /c/ answer just made is never stored, sent on or indexed
	is "$(header cache-control)" no-store "$1: Cache-Control: no-store"
	is "$(header referrer-policy)" no-referrer "$1: Referrer-Policy: no-referrer"
	like "$(header x-robots-tag)" noindex "$1: X-Robots-Tag: noindex"
}
TOKENS=()

maria=$(crew "Maria Lopez" 3125)
sam=$(crew "Sam Ortiz" 4650)
lee=$(crew "Lee Park" 2890)
starts=$(day '+12 days 17:00')
ends=$(day '+12 days 21:00')
api POST /api/bookings "{\"guest_name\":\"Ada Lovelace\",\"starts_at\":\"$starts\",\"ends_at\":\"$ends\",\"vessel\":\"Jada\",\"meeting_point\":\"Harbor Island West Marina, dock B\",\"crew_notes\":\"Bring gloves.\",\"party_size\":6,\"revenue_cents\":180000,\"port_fee_cents\":12000,\"captain_fee_cents\":30000,\"crew\":[{\"crew_id\":$maria,\"role\":\"deckhand\"},{\"crew_id\":$sam,\"role\":\"captain\",\"captain\":true},{\"crew_id\":$lee,\"role\":\"steward\",\"hours\":5.5}]}"
is "$STATUS" 201 "a booking with three crew"
id=$(jbody .id)

# -- invitations ---------------------------------------------------------------
invite "$id"
is "$STATUS" 200 "POST /api/bookings/<id>/invitations answers 200"
is "$(jq -r '[.[].crew_id] | sort | join(",")' <<<"$INV")" "$(printf '%s\n' "$maria" "$sam" "$lee" | sort -n | paste -sd,)" \
	"one link per assigned crew member"
like "$(jq -r '.[0].url' <<<"$INV")" "^$CHARTER_PUBLIC_URL/c/[A-Za-z0-9_-]{43}\$" "each a /c/ URL on CHARTER_PUBLIC_URL with a 43-character token"
is "$(jq -r '.[0].expires_at' <<<"$INV")" "$(TZ=America/Los_Angeles date -d "$ends + 7 days" +%FT%T%:z)" \
	"expiring 7 days after the charter ends, in the boat's zone"
tm=$(tok "$maria") ts=$(tok "$sam") tl=$(tok "$lee")
TOKENS+=("$tm" "$ts" "$tl")
isnt "$tm" "$ts" "every crew member gets a token of their own"
is "$(sql "SELECT encode(token_hash, 'hex') FROM magic_links WHERE booking_id = $id AND crew_id = $maria")" \
	"$(printf %s "$tm" | sha256sum | cut -d' ' -f1)" "the database keeps the token's SHA-256"
all_mailed() { has_mails "$(email_of "Maria Lopez")" 1 && has_mails "$(email_of "Sam Ortiz")" 1 &&
	has_mails "$(email_of "Lee Park")" 1; }
eventually 15 all_mailed
ok $? "each crew member's invitation arrives in the mail catcher"
m=$(mails_to "$(email_of "Maria Lopez")" | jq last)
like "$(jq -r .text <<<"$m")" "$CHARTER_PUBLIC_URL/c/$tm" "it carries the link the API answered (made again from the stored nonce)"
like "$(jq -r .html <<<"$m")" "href=\"$CHARTER_PUBLIC_URL/c/$tm\"" "in both parts"
mail_feed=$(jq -r .text <<<"$m" | grep -o "$CHARTER_PUBLIC_URL/c/[A-Za-z0-9_-]*/calendar\.ics" | head -n 1)
like "$mail_feed" "^$CHARTER_PUBLIC_URL/c/[A-Za-z0-9_-]{43}/calendar\.ics\$" "and the member's calendar feed"
like "$(jq -r .html <<<"$m")" "href=\"$mail_feed\"" "  in both parts"
like "$(jq -r .subject <<<"$m")" "^Can you crew $(TZ=America/Los_Angeles date -d "$starts" '+%A, %B %-d') aboard Jada\?\$" \
	"subject: the boat's date and the vessel"
# Each pending member's reminder (sql/017_crew_slots.sql) will carry the same
# link, so its nonce stays until no mail still to be sent carries it (erased
# with the reminder, or when an answer makes the reminder moot: crew-slots.sh).
is "$(sql "SELECT count(*) FROM outbox WHERE booking_id = $id AND kind = 'mail.crew_reminder' AND state = 'pending'")" 3 \
	"each link's reminder is scheduled"
is "$(sql "SELECT count(*) FROM magic_links WHERE booking_id = $id AND nonce IS NOT NULL AND revoked_at IS NULL")" 3 \
	"so, its invitation out, each link's nonce stays for the reminder"
pg_dump --data-only --no-owner >"$TAP_TMP/dump.sql" 2>"$TAP_TMP/dump.err"
ok $? "the database dumps"
found=0
for t in "$tm" "$ts" "$tl"; do grep -qF -- "$t" "$TAP_TMP/dump.sql" && found=$((found + 1)); done
is "$found" 0 "no token is anywhere in the database"
is "$(sql "SELECT count(*) FROM outbox o JOIN magic_links ml ON ml.id = (o.payload->>'link_id')::bigint
	WHERE o.target = 'mail' AND o.kind = 'mail.crew_invitation' AND o.booking_id = $id AND o.crew_id = ml.crew_id")" 3 \
	"one invitation mail queued per link (target mail, payload {link_id})"
is "$(sql "SELECT count(*) FROM audit_log WHERE booking_id = $id AND action = 'crew.invite'")" 3 "and an audit row each"

invite "$id" "{\"crew_ids\":[$lee]}"
is "$STATUS/$(jq -r 'length' <<<"$INV")/$(jq -r '.[0].crew_id' <<<"$INV")" "200/1/$lee" "crew_ids limits the invitations to those named"
tl_old=$tl tl=$(tok "$lee")
TOKENS+=("$tl")
invite "$id" "{\"crew_ids\":[999999999]}"
is "$STATUS/$(jbody .field)" 400/crew_ids "a crew member not on the booking is 400 on crew_ids"
invite "$id" "{\"crew_ids\":[$lee,$lee]}"
is "$STATUS/$(jbody .field)" "400/crew_ids[1]" "a crew member named twice is 400"
invite "$id" '{"crew_ids":"all"}'
is "$STATUS/$(jbody .error)" 400/wrong_type "crew_ids that is no array is 400"
invite "$id" '{"crew":[1]}'
is "$STATUS/$(jbody .error)" 400/unknown_field "an unknown field is 400"
invite 999999999
is "$STATUS" 404 "an unknown booking is 404"
http POST "$CHARTER_API_URL/api/bookings/$id/invitations"
is "$STATUS" 401 "without the service key: 401"
http POST "$CHARTER_PUBLIC_URL/api/bookings/$id/invitations" -H "X-Service-Key: $CHARTER_SERVICE_KEY"
is "$STATUS" 404 "the public listener has no invitations"

# -- the page, pending; a GET changes nothing ----------------------------------
before=$(snapshot "$id")
page "$tm"
is "$STATUS" 200 "the crew link opens the crew page"
private_headers "the crew page"
tidy_ok "$BODY" "the crew page is valid HTML"
feed=$(grep -o 'id="calendar-feed" class="[^"]*" href="[^"]*"' "$BODY" | sed 's/.*href="//; s/"$//')
is "$feed" "$mail_feed" "the crew page links the member's calendar feed, the one the mail gave"
cp "$BODY" "$TAP_TMP/crew-page.html"
http GET "$feed"
is "$STATUS/$(header content-type)" "200/text/calendar; charset=utf-8" "  which serves their calendar"
cp "$TAP_TMP/crew-page.html" "$BODY"
like "$(body)" "$(TZ=America/Los_Angeles date -d "$starts" '+%A, %B %-d, %Y')" "the date in the boat's zone"
like "$(body)" "$(TZ=America/Los_Angeles date -d "$starts" '+%-I:%M %p').*$(TZ=America/Los_Angeles date -d "$ends" '+%-I:%M %p')" \
	"departure and return in the boat's zone"
like "$(body)" "Jada" "the vessel"
like "$(body)" "Harbor Island West Marina, dock B" "the meeting point"
like "$(body)" "Bring gloves\." "the crew notes"
like "$(body)" 'crew-name">Sam</span> <span class="crew-role">captain<' "the other crew by first name and role"
unlike "$(body)" "Ortiz|Park" "never by full name"
like "$(body)" "deckhand" "this member's role"
like "$(body)" '<dd>4</dd>' "hours"
like "$(body)" '\$31\.25 an hour' "rate"
like "$(body)" 'id="pay">\$125\.00<' "and pay (4 h at \$31.25)"
like "$(body)" 'data-status="pending"' "status pending"
like "$(body)" 'id="confirm"' "a Confirm button"
like "$(body)" 'id="decline"' "and a Decline button"
# Links to this site are absolute (link_url(): the open places' link).
unlike "$(sed "s|\"$CHARTER_PUBLIC_URL/|\"/|g" "$BODY")" '(src|href)="(https?:)?//' "no third-party resource"
page "$tm"; page "$tm"
is "$(snapshot "$id")" "$before" "opening the link three times changed nothing (no last-seen, no audit row)"

# -- a feed row charterd did not make: the page has no link to it ----------------
# (its token cannot be made from the nonce: another secret's row, or a forgery)
lee_hash=$(sql "SELECT encode(token_hash, 'hex') FROM crew_feeds WHERE crew_id = $lee AND revoked_at IS NULL")
isnt "$lee_hash" "" "Lee has a calendar feed (his invitation linked it)"
sql "UPDATE crew_feeds SET token_hash = sha256(token_hash) WHERE crew_id = $lee AND revoked_at IS NULL"
page "$tl"
is "$STATUS" 200 "Lee's page opens with a feed row whose hash is not its token's"
unlike "$(body)" 'id="calendar-feed"' "  and links no calendar feed"
like "$(grep -c "crew member $lee's calendar feed was made under another CHARTER_TOKEN_SECRET" "$STACK_DIR/log/charterd.log")" '^[1-9]' \
	"  serve's log says staff should rotate it"
sql "UPDATE crew_feeds SET token_hash = decode('$lee_hash', 'hex') WHERE crew_id = $lee AND revoked_at IS NULL"
page "$tl"
like "$(body)" 'id="calendar-feed"' "with the row as charterd made it, the link is back"

# -- confirm, repeated ---------------------------------------------------------
v0=$(sql "SELECT version FROM bookings WHERE id = $id")
o0=$(sql "SELECT coalesce(max(id), 0) FROM outbox")
answer "$tm" confirm
is "$STATUS" 303 "Confirm answers 303"
is "$(header location)" "$CHARTER_PUBLIC_URL/c/$tm" "back to the crew page"
private_headers "the 303"
is "$(status_of "$id" "$maria")" confirmed "the assignment is confirmed"
like "$(sql "SELECT responded_at FROM assignments WHERE booking_id = $id AND crew_id = $maria")" '^20' "with the time"
is "$(sql "SELECT version FROM bookings WHERE id = $id")" "$((v0 + 1))" "the booking's version moved"
is "$(sql "SELECT actor || ' ' || action || ' ' || (detail->>'to') FROM audit_log WHERE booking_id = $id AND crew_id = $maria ORDER BY id DESC LIMIT 1")" \
	"crew:$maria crew.confirm confirmed" "an audit row names the crew member and the answer"
rows=$(sql "SELECT string_agg(target || ':' || kind, ' ' ORDER BY id) FROM outbox WHERE booking_id = $id AND id > $o0")
is "$rows" "scc:booking.upsert dynamo:booking.upsert dynamo:crew.response" "outbox rows: SCC, DynamoDB's booking and crew items"
is "$(sql "SELECT count(*) FROM outbox WHERE booking_id = $id AND id > $o0 AND version = $((v0 + 1))
	AND (kind = 'crew.response' AND payload->>'status' = 'confirmed' AND crew_id = $maria
	  OR kind = 'booking.upsert' AND (SELECT s->>'status' FROM jsonb_array_elements(payload->'crew') s
	      WHERE (s->>'crew_id')::bigint = $maria) = 'confirmed')")" 3 "each at the new version with the new status"
unlike "$(sql "SELECT string_agg(payload::text, ' ') FROM outbox WHERE booking_id = $id AND id > $o0")" \
	'180000|12000|30000|revenue|port_fee|captain_fee' "and no money of the booking"
page "$tm"
like "$(body)" 'data-status="confirmed"' "the page shows confirmed after a reload"
unlike "$(body)" 'id="confirm"' "offers no second Confirm"
like "$(body)" 'id="decline"' "but still Decline"
tidy_ok "$BODY" "the confirmed page is valid HTML"
counts() { sql "SELECT (SELECT count(*) FROM audit_log WHERE booking_id = $id) || '/' ||
	(SELECT count(*) FROM outbox WHERE booking_id = $id) || '/' || (SELECT version FROM bookings WHERE id = $id)"; }
before=$(counts)
answer "$tm" confirm
is "$STATUS" 303 "confirming again answers 303 too"
is "$(counts)" "$before" "and writes nothing: no audit row, no outbox row, no new version"

# -- a staff PATCH made against the version before the answer still applies ---------
api PATCH "/api/bookings/$id" "{\"vessel\":\"Jada\",\"version\":$v0}"
is "$STATUS" 200 "a PATCH carrying the version read before a crew answer is not stale"
api PATCH "/api/bookings/$id" "{\"vessel\":\"Jada\",\"version\":$v0}"
is "$STATUS/$(jbody .error)" 409/stale_version "a PATCH older than the last staff edit still is"
is "$(status_of "$id" "$maria")" confirmed "and no staff edit undid the answer"

# -- decline with a note, changed mind -----------------------------------------
answer "$tm" decline "Sorry, my kid is sick <b>&"
is "$STATUS" 303 "Decline answers 303"
is "$(status_of "$id" "$maria")" declined "the assignment is declined"
is "$(sql "SELECT response_note FROM assignments WHERE booking_id = $id AND crew_id = $maria")" \
	"Sorry, my kid is sick <b>&" "with the note"
api GET "/api/bookings/$id"
is "$(jbody ".crew[] | select(.crew_id == $maria) | .response_note")" "Sorry, my kid is sick <b>&" "which staff see"
page "$tm"
like "$(body)" 'data-status="declined"' "the page shows declined"
like "$(body)" 'Sorry, my kid is sick &lt;b&gt;&amp;' "and the note, escaped"
like "$(body)" 'id="confirm"[^>]*>I can make it after all' "and offers to confirm after all"
tidy_ok "$BODY" "the declined page is valid HTML"
like "$(body)" '<span class="crew-name">Maria <span class="muted">\(you\)' "  she still sees herself in the crew list"
page "$ts"
unlike "$(body)" '<span class="crew-name">Maria' "a colleague's page no longer lists her as aboard"
like "$(body)" '<span class="crew-name">Lee' "  but lists the others"
is "$(sql "SELECT payload->>'status' FROM outbox WHERE booking_id = $id AND kind = 'crew.response' ORDER BY id DESC LIMIT 1")" \
	declined "DynamoDB's crew item carries declined"
# The calendar lists who is aboard: a decline takes her off the entry there too.
is "$(sql "SELECT count(*) FROM outbox WHERE booking_id = $id AND target = 'calendar' AND version = $(sql "SELECT version FROM bookings WHERE id = $id")")" 1 \
	"the decline queues the calendar entry at its version"
# cal_crew: who the calendar peer's entry of the booking names, sorted.
cal_crew() {
	curl -sS --max-time 10 "$CHARTER_SCC_PEER_URL/events?api=calendar&booking=$id" |
		jq -r '[.events[0].data.crew[]?.name] | sort | join(",")'
}
without_maria() { [ "$(cal_crew)" = "Lee Park,Sam Ortiz" ]; }
eventually 15 without_maria; ok $? "the calendar entry names Lee and Sam, no longer Maria" || diag "calendar crew: $(cal_crew)"
answer "$tm" decline "Sorry, my kid is sick <b>&"
is "$(sql "SELECT count(*) FROM audit_log WHERE booking_id = $id AND crew_id = $maria AND action = 'crew.decline'")" 1 \
	"declining again with the same note writes nothing"
answer "$tm" confirm
is "$STATUS/$(status_of "$id" "$maria")" 303/confirmed "changing one's mind back to confirmed works"
with_maria() { [ "$(cal_crew)" = "Lee Park,Maria Lopez,Sam Ortiz" ]; }
eventually 15 with_maria; ok $? "and the calendar entry names her again" || diag "calendar crew: $(cal_crew)"
is "$(sql "SELECT response_note IS NULL FROM assignments WHERE booking_id = $id AND crew_id = $maria")" t "and clears the decline's note"
is "$(sql "SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE booking_id = $id AND crew_id = $maria AND action LIKE 'crew.%' AND action <> 'crew.invite'")" \
	"crew.confirm,crew.decline,crew.confirm" "one audit row per change of mind"

# -- the form: token, origin, fields -------------------------------------------
page "$tm"
ft=$(form_token)
post() { http POST "$CHARTER_PUBLIC_URL/c/$tm" "$@"; }
post --data "action=decline"
is "$STATUS" 403 "an answer without the page's form token is 403"
private_headers "the 403"
is "$ft" "$(ftok "$tm")" "the page's form token is HMAC-SHA256 of the link's token under the secret"
wrong=${ft%?}A; [ "$wrong" = "$ft" ] && wrong=${ft%?}B
post --data "form_token=$wrong&action=decline"
is "$STATUS" 403 "with a wrong form token: 403"
page "$ts"
post --data "form_token=$(form_token)&action=decline"
is "$STATUS" 403 "with another link's form token: 403"
post -H 'Origin: https://evil.example' --data "form_token=$ft&action=decline"
is "$STATUS" 403 "from another origin: 403"
post -H 'Sec-Fetch-Site: cross-site' --data "form_token=$ft&action=decline"
is "$STATUS" 403 "Sec-Fetch-Site: cross-site: 403"
is "$(status_of "$id" "$maria")" confirmed "none of them changed anything"
post --data "form_token=$ft&action=maybe"
is "$STATUS" 400 "an unknown action is 400"
post --data "form_token=$ft&action=decline&note=$(head -c 1001 /dev/zero | tr '\0' x)"
is "$STATUS" 400 "a note over 1000 characters is 400"
post -H 'Origin: null' -H 'Sec-Fetch-Site: same-origin' --data "form_token=$ft&action=confirm"
is "$STATUS" 303 "Origin: null (a no-referrer page's POST) with Sec-Fetch-Site same-origin is accepted"
http PUT "$CHARTER_PUBLIC_URL/c/$tm"
is "$STATUS" 405 "PUT is 405"

# -- after the cut-off ---------------------------------------------------------
soon_s=$(day '+10 hours')
api POST /api/bookings "{\"guest_name\":\"Soon Guest\",\"starts_at\":\"$soon_s\",\"ends_at\":\"$(day '+14 hours')\",\"vessel\":\"Jada\",\"revenue_cents\":1,\"port_fee_cents\":0,\"captain_fee_cents\":0,\"crew\":[{\"crew_id\":$maria,\"role\":\"deckhand\"}]}"
soon=$(jbody .id)
invite "$soon"
tsoon=$(tok "$maria")
TOKENS+=("$tsoon")
page "$tsoon"
is "$STATUS" 200 "a charter 10 hours out (cut-off 24 h) still shows its page"
like "$(body)" 'id="answers-closed"' "read-only: answers are closed"
unlike "$(body)" '<form' "with no form"
like "$(body)" 'please contact' "and says whom to contact"
tidy_ok "$BODY" "the closed page is valid HTML"
before=$(snapshot "$soon")
http POST "$CHARTER_PUBLIC_URL/c/$tsoon" --data "form_token=$ft&action=confirm"
is "$STATUS" 403 "(a form token is per link)"
# The closed page carries no form: an answer from a page opened before the cut-off.
http POST "$CHARTER_PUBLIC_URL/c/$tsoon" --data "form_token=$(ftok "$tsoon")&action=confirm"
is "$STATUS" 409 "an answer past the cut-off is 409"
like "$(body)" 'too late to change your answer' "with the page saying so"
is "$(snapshot "$soon")" "$before" "and nothing changed"

# -- a private serve: another cut-off, and the operator's phone --------------------
fcgi() { "$CHARTER_SRCDIR/tests/lib/fcgi-request.py" "127.0.0.1:$port" GET "/c/$1"; }
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(
	set -a; . "$STACK_DIR/serve.env"; set +a
	CHARTER_LISTEN=127.0.0.1:$port CHARTER_WORKERS=1 CHARTER_RESPONSE_CUTOFF_HOURS=2 \
		CHARTER_CONTACT_PHONE='+1 619 555 0142' CHARTER_CONTACT_EMAIL='crew-office@example.com' \
		exec "$CHARTERD" serve
) >"$TAP_TMP/serve.log" 2>&1 &
other=$!
trap 'kill $other 2>/dev/null; wait $other 2>/dev/null' EXIT
eventually 10 bash -c "$CHARTER_SRCDIR/tests/lib/fcgi-request.py 127.0.0.1:$port GET /healthz | grep -q 'Status: 200'"
ok $? "a private serve with CHARTER_RESPONSE_CUTOFF_HOURS=2 answers"
like "$(fcgi "$tsoon")" 'id="decline"' "with a 2-hour cut-off the charter 10 hours out still takes answers"
sql "UPDATE bookings SET starts_at = now() + interval '90 minutes', ends_at = now() + interval '5 hours' WHERE id = $soon" >/dev/null
out=$(fcgi "$tsoon")
like "$out" 'id="answers-closed"' "and once it is 90 minutes out, it does not"
like "$out" 'href="tel:\+16195550142">\+1 619 555 0142<' "the closed page gives the operator's phone"
like "$out" 'crew-office@example.com' "and address"

# -- expired, re-issued, unassigned, cancelled, unknown ------------------------------
gone() { # TOKEN REASON DESC: a 410 page that says why, whatever the method
	page "$1"
	is "$STATUS" 410 "$3: 410"
	like "$(body)" "data-reason=\"$2\"" "$3: the page says $2"
	private_headers "$3"
	tidy_ok "$BODY" "$3: valid HTML"
	http POST "$CHARTER_PUBLIC_URL/c/$1" --data "form_token=$(ftok "$1")&action=confirm"
	is "$STATUS" 410 "$3: an answer is 410 too"
	like "$(body)" "data-reason=\"$2\"" "$3: saying the same"
}
sql "UPDATE magic_links SET expires_at = now() - interval '1 minute' WHERE booking_id = $id AND crew_id = $sam AND revoked_at IS NULL" >/dev/null
gone "$ts" expired "an expired link"
like "$(body)" 'has expired' "it says the link expired"
like "$(fcgi "$ts")" '\+1 619 555 0142' "and whom to contact"

gone "$tl_old" reissued "a link replaced by a newer one"
like "$(body)" 'replaced by a newer one' "it says a newer link was sent"
is "$(sql "SELECT revoked_reason || '/' || (nonce IS NULL) FROM magic_links WHERE token_hash = decode('$(printf %s "$tl_old" | sha256sum | cut -d' ' -f1)', 'hex')")" \
	"reissued/true" "recorded as reissued, its nonce erased"
page "$tl"
is "$STATUS" 200 "the newer link works"

api PATCH "/api/bookings/$id" "{\"crew\":[{\"crew_id\":$maria,\"role\":\"deckhand\"},{\"crew_id\":$sam,\"role\":\"captain\",\"captain\":true}]}"
is "$STATUS" 200 "staff take Lee off the crew"
gone "$tl" unassigned "a link of a crew member taken off"
like "$(body)" 'taken off the crew' "it says so"
is "$(sql "SELECT revoked_reason FROM magic_links WHERE booking_id = $id AND crew_id = $lee ORDER BY id DESC LIMIT 1")" \
	unassigned "recorded as unassigned"
invite "$id" "{\"crew_ids\":[$lee]}"
is "$STATUS/$(jbody .field)" 400/crew_ids "a withdrawn crew member cannot be invited"

api POST "/api/bookings/$id/cancel"
is "$STATUS" 200 "the booking is cancelled"
gone "$tm" cancelled "a link to a cancelled charter"
like "$(body)" 'This charter was cancelled' "it says the charter was cancelled"
is "$(sql "SELECT count(*) FROM magic_links WHERE booking_id = $id AND revoked_at IS NULL")" 0 "every link of the booking is revoked"
is "$(sql "SELECT count(*) FROM magic_links WHERE booking_id = $id AND revoked_reason = 'cancelled' AND nonce IS NULL")" 2 \
	"those still unrevoked (Maria's, Sam's expired one) as cancelled, their nonces erased"
invite "$id"
is "$STATUS/$(jbody .error)" 409/booking_cancelled "a cancelled booking's crew cannot be invited"

page "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
is "$STATUS" 404 "an unknown token is 404"
private_headers "the 404"
tidy_ok "$BODY" "the 404 page is valid HTML"
page "${tm}x"
is "$STATUS" 404 "a token of the wrong shape is 404"
private_headers "the malformed token's 404"

# -- no token in any log ---------------------------------------------------------
found=0
for t in "${TOKENS[@]}"; do
	for f in "$STACK_DIR/log/charterd.log" "$STACK_DIR/log/sync.log" "$STACK_DIR/log/postgres.log" \
		"$STACK_DIR/nginx/logs/access.log" \
		"$STACK_DIR/nginx/logs/error.log" "$TAP_TMP/serve.log"; do
		[ -f "$f" ] && grep -qF -- "$t" "$f" && { found=$((found + 1)); diag "a token is in $f"; }
	done
done
is "$found" 0 "no token in serve's, sync's, PostgreSQL's or nginx's logs"
like "$(grep -c 'POST /c/:token' "$STACK_DIR/log/charterd.log")" '^[1-9]' "charterd logs the route pattern instead"

no_worker_crashed
done_testing
