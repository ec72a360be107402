#!/bin/bash
# crew-slots.sh: open places and the crewing gate end to end. The open-places
# page (/c/<token>/open: the member's roles, no clash with a charter they
# confirmed, not on it already, answers still open; their own pay only),
# linked from every crew page; taking a place (form token and origin checks,
# one transaction: a confirmed assignment with the place's id, rate and
# hours, a new link to that charter and its mail, audit and outbox rows, 303
# to the new page); 50 crew pressing at once for a place of one (exactly one
# 303, 49 kind 409s), a place of three, and the same race straight at the
# database; which tokens open the list (a crew link, an offer's link; never
# a feed token, never a revoked link); a decline that reopens its place in
# its own transaction and offers it by mail to eligible crew only, alerting
# the operator, until another member takes it and the booking is fully
# crewed in the API; a captain's place; a change of mind while the place is
# free and after it was taken; reminders and the operator's alert as outbox
# rows with due times that move with the departure, arrive when due (the
# clock moved in SQL), never twice, never after an answer, never for a
# cancelled charter; GET /api/bookings with crewing; and what charterd_crew
# may not write.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

sql() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
day() { date -u -d "$1" +%FT%TZ; }
run=$$-$RANDOM
# Roles of this run alone: the lists and offers see only this test's crew.
role="deck-$run" skip="skip-$run" other="cook-$run" racer="race-$run"
email_of() { echo "$(echo "$1" | tr ' A-Z' '.a-z').$run@example.com"; }
crew() { # NAME RATE ROLE: prints the id
	api POST /api/crew "{\"name\":\"$1\",\"email\":\"$(email_of "$1")\",\"roles\":[\"$3\"],\"hourly_rate_cents\":$2}"
	jbody .id
}
MAIL=${CHARTER_MAIL_UI%/}
mails_to() { curl -sfG "$MAIL/email" --data-urlencode "to.address=$1"; }
n_mails() { mails_to "$(email_of "$1")" | jq length; }
has_mails() { [ "$(n_mails "$1")" -ge "$2" ]; }
last_mail() { mails_to "$(email_of "$1")" | jq -r ".[-1].$2"; }
# ftok TOKEN: the form token a page for TOKEN carries (an independent HMAC).
ftok() {
	/usr/bin/python3 -c 'import hmac, hashlib, base64, sys
m = hmac.new(bytes.fromhex(sys.argv[1]), b"charterd crew form v1\0" + sys.argv[2].encode(), hashlib.sha256).digest()
print(base64.urlsafe_b64encode(m).decode().rstrip("="))' "$STACK_TOKEN_SECRET" "$1"
}
sha() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
# before TIME HOURS: TIME (ISO 8601, UTC) less HOURS hours, as day() writes it.
before() { date -u -d "@$(($(date -d "$1" +%s) - $2 * 3600))" +%FT%TZ; }
as_crew() {
	env -u PGPASSWORD PGPASSFILE="$STACK_PGPASSFILE" PGHOST="$STACK_PG_SOCKDIR" \
		PGPORT="$STACK_PG_PORT" PGUSER=charterd_crew PGDATABASE=charterd \
		psql -qAtX -v ON_ERROR_STOP=1 -c "$1" 2>&1
}
# booking GUEST STARTS ENDS CREW [SLOTS]: prints the id.
booking() {
	api POST /api/bookings "{\"guest_name\":\"$1 $run\",\"starts_at\":\"$2\",\"ends_at\":\"$3\",\"vessel\":\"Sea Otter\",\"meeting_point\":\"Dock C\",\"revenue_cents\":9876543,\"port_fee_cents\":246813,\"captain_fee_cents\":1357911,\"crew\":$4,\"open_slots\":${5:-[]}}"
	jbody .id
}
# invite BOOKING: issues links; TOK[<booking>.<crew>] holds each token.
declare -A TOK
invite() {
	local m
	api POST "/api/bookings/$1/invitations"
	for m in $(jbody '.[].crew_id'); do
		TOK[$1.$m]=$(jbody ".[] | select(.crew_id == $m) | .url" | sed 's|.*/c/||')
	done
}
answer() { # TOKEN confirm|decline [NOTE]
	http POST "$CHARTER_PUBLIC_URL/c/$1" --data-urlencode "form_token=$(ftok "$1")" \
		--data-urlencode "action=$2" --data-urlencode "note=${3:-}"
}
open_page() { http GET "$CHARTER_PUBLIC_URL/c/$1/open"; }
take() { # TOKEN SLOT [curl args]
	local t=$1 s=$2
	shift 2
	http POST "$CHARTER_PUBLIC_URL/c/$t/open/$s" --data-urlencode "form_token=$(ftok "$t")" "$@"
}
slot_of() { api GET "/api/bookings/$1"; jbody ".open_slots[] | select(.role == \"$2\") | .slot_id" | head -n 1; }
crewing() { api GET "/api/bookings/$1"; jbody '.crewing | "\(.needed) \(.confirmed) \(.pending) \(.declined) \(.open) \(.fully_crewed)"'; }
# The offer link in the newest offer mail to NAME: its token.
offer_token() { mails_to "$(email_of "$1")" | jq -r '[.[] | select(.subject | startswith("Open place"))][-1].text' |
	grep -o "/c/[A-Za-z0-9_-]\{43\}/open" | head -n 1 | sed 's|/c/||; s|/open||'; }

# === The open-places page and its filters ==========================================
ana=$(crew "Ana Ito" 3100 "$role")
ben=$(crew "Ben Cole" 3200 "$role")
cam=$(crew "Cam Diaz" 3300 "$other")
dee=$(crew "Dee Fox" 3400 "$role")
eli=$(crew "Eli Gray" 3500 "$role")
crew_of() { local m out="" ; for m in "$@"; do out+="${out:+,}{\"crew_id\":$m,\"role\":\"$role\"}"; done; echo "[$out]"; }
home=$(booking "Home" "$(day '+30 days 16:00')" "$(day '+30 days 20:00')" "$(crew_of "$ana" "$ben" "$cam" "$dee" "$eli")")
invite "$home"
is "$STATUS" 200 "a home charter gives five crew their links"
c1=$(booking "Clash" "$(day '+10 days 16:00')" "$(day '+10 days 20:00')" "$(crew_of "$dee")")
invite "$c1"
answer "${TOK[$c1.$dee]}" confirm
is "$STATUS" 303 "Dee confirms a charter"
t1=$(booking "Target" "$(day '+10 days 18:00')" "$(day '+10 days 22:00')" "$(crew_of "$ben")" \
	"[{\"role\":\"$role\",\"count\":2,\"hourly_rate_cents\":2750,\"hours\":5}]")
t2=$(booking "Cook" "$(day '+12 days 16:00')" "$(day '+12 days 20:00')" "[]" \
	"[{\"role\":\"$other\",\"count\":1,\"hourly_rate_cents\":2000}]")
t3=$(booking "Soon" "$(day '+6 hours')" "$(day '+10 hours')" "[]" \
	"[{\"role\":\"$role\",\"count\":1,\"hourly_rate_cents\":2000}]")
t4=$(booking "Cancelled" "$(day '+14 days 16:00')" "$(day '+14 days 20:00')" "[]" \
	"[{\"role\":\"$role\",\"count\":1,\"hourly_rate_cents\":2000}]")
api POST "/api/bookings/$t4/cancel"
sql "UPDATE crew SET active = false WHERE id = $eli" >/dev/null
s1=$(slot_of "$t1" "$role") s2=$(slot_of "$t2" "$other") s3=$(slot_of "$t3" "$role") s4=$(slot_of "$t4" "$role")
ok "$([ -n "$s1" ] && [ -n "$s2" ] && [ -n "$s3" ] && [ -n "$s4" ]; echo $?)" "open places on four charters"

http GET "$CHARTER_PUBLIC_URL/c/${TOK[$home.$ana]}"
like "$(body)" "href=\"$CHARTER_PUBLIC_URL/c/${TOK[$home.$ana]}/open\"" "every crew page links to the member's open places"
open_page "${TOK[$home.$ana]}"
is "$STATUS" 200 "GET /c/<token>/open: 200"
is "$(header cache-control)/$(header referrer-policy)" "no-store/no-referrer" "not stored, no referrer"
tidy_ok "$BODY" "the open-places page is valid HTML"
listed() { grep -o 'data-slot="[0-9]*"' "$BODY" | grep -o '[0-9]*' | sort -n | tr '\n' ' '; }
like "$(listed)" "(^| )$s1( |$)" "Ana sees the place of her role on a charter she is free for"
unlike "$(listed)" "(^| )($s2|$s3|$s4)( |$)" "not another role's, nor one past the answers' cut-off, nor a cancelled charter's"
starts_label=$(TZ=America/Los_Angeles date -d "$(day '+10 days 18:00')" '+%A, %B %-d, %Y')
like "$(body)" "$starts_label" "the date in the boat's zone"
like "$(body)" "$(TZ=America/Los_Angeles date -d "$(day '+10 days 18:00')" '+%-I:%M %p')" "and the time"
like "$(body)" "Sea Otter" "the vessel"
like "$(body)" "5 at \\\$27\\.50 an hour" "the place's hours and rate"
like "$(body)" "\\\$137\\.50" "and the pay it brings (5 h at \$27.50)"
like "$(body)" "action=\"$CHARTER_PUBLIC_URL/c/${TOK[$home.$ana]}/open/$s1\"" "its form posts to /c/<token>/open/<slot_id>"
like "$(body)" "name=\"form_token\" value=\"$(ftok "${TOK[$home.$ana]}")\"" "with the page's form token"
like "$(body)" "id=\"back\" href=\"$CHARTER_PUBLIC_URL/c/${TOK[$home.$ana]}\"" "and a way back to the charter the link is for"
open_page "${TOK[$home.$ben]}"
unlike "$(listed)" "(^| )$s1( |$)" "Ben, on that charter already, does not see its place"
open_page "${TOK[$home.$dee]}"
unlike "$(listed)" "(^| )$s1( |$)" "Dee, confirmed on a charter at that time, does not see it"
open_page "${TOK[$home.$cam]}"
like "$(listed)" "(^| )$s2( |$)" "Cam sees the place of his own role"
open_page "${TOK[$home.$eli]}"
is "$STATUS/$(listed)" "200/" "an inactive member sees no place"
like "$(body)" "Nothing open for you right now" "and is told so"

# === Taking a place ==================================================================
t=${TOK[$home.$ana]}
http POST "$CHARTER_PUBLIC_URL/c/$t/open/$s1"
is "$STATUS" 403 "a take without the page's form token: 403"
take "$t" "$s1" -H "Origin: https://evil.example"
is "$STATUS" 403 "from another site's page (Origin): 403"
take "$t" "$s1" -H "Sec-Fetch-Site: cross-site"
is "$STATUS" 403 "from another site (Sec-Fetch-Site): 403"
http POST "$CHARTER_PUBLIC_URL/c/$t/open/$s1" --data "form_token=$(ftok "${TOK[$home.$ben]}")"
is "$STATUS" 403 "with another link's form token: 403"
is "$(sql "SELECT count(*) FROM assignments WHERE booking_id = $t1 AND crew_id = $ana")" 0 "none of them took anything"
v0=$(sql "SELECT version FROM bookings WHERE id = $t1")
o0=$(sql "SELECT coalesce(max(id), 0) FROM outbox")
take "$t" "$s1" -H "Origin: $CHARTER_PUBLIC_URL" -H "Sec-Fetch-Site: same-origin"
is "$STATUS" 303 "POST /c/<token>/open/<slot_id> from the page: 303"
loc=$(header location)
like "$loc" "^$CHARTER_PUBLIC_URL/c/[A-Za-z0-9_-]{43}\$" "to a crew link"
newt=${loc#"$CHARTER_PUBLIC_URL/c/"}
isnt "$newt" "$t" "a new link, for the charter taken"
is "$(sql "SELECT status || ' ' || slot_id || ' ' || role || ' ' || hourly_rate_cents || ' ' || hours_x100 || ' ' || (responded_at IS NOT NULL)
	FROM assignments WHERE booking_id = $t1 AND crew_id = $ana")" "confirmed $s1 $role 2750 500 true" \
	"a confirmed assignment with the place's id, role, rate and hours"
is "$(sql "SELECT count(*) FROM magic_links WHERE booking_id = $t1 AND crew_id = $ana AND revoked_at IS NULL
	AND token_hash = decode('$(sha "$newt")', 'hex')")" 1 "the link is the booking's, kept by its hash"
is "$(sql "SELECT version FROM bookings WHERE id = $t1")" "$((v0 + 1))" "the booking's version moved"
is "$(sql "SELECT actor || ' ' || action || ' ' || (detail->>'slot_id') FROM audit_log WHERE booking_id = $t1 AND crew_id = $ana ORDER BY id DESC LIMIT 1")" \
	"crew:$ana crew.take $s1" "an audit row names the member and the place"
is "$(sql "SELECT string_agg(target || ':' || kind, ' ' ORDER BY target, kind) FROM outbox WHERE booking_id = $t1 AND id > $o0 AND due_at IS NULL")" \
	"calendar:booking.upsert dynamo:booking.upsert dynamo:crew.response mail:mail.crew_invitation scc:booking.upsert" \
	"outbox rows: SCC, DynamoDB's booking and crew items, the calendar, the new link's mail"
http GET "$loc"
is "$STATUS" 200 "the new link's page opens"
like "$(body)" 'data-status="confirmed"' "and says confirmed"
eventually 15 has_mails "Ana Ito" 2
ok $? "the mail for the new link arrives (after her invitation)"
like "$(last_mail "Ana Ito" subject)" "^You are crewing " "it says she is on the crew"
like "$(last_mail "Ana Ito" text)" "$loc" "and carries the new link"
api GET "/api/bookings/$t1"
is "$(jbody ".open_slots[] | select(.slot_id == $s1) | .filled")" 1 "the API counts the place as held once"
take "$t" "$s1"
is "$STATUS" 200 "taking it again changes nothing: 200"
like "$(body)" "already yours" "and says it is hers"
is "$(sql "SELECT count(*) FROM assignments WHERE booking_id = $t1 AND crew_id = $ana")" 1 "still one assignment"
open_page "$t"
unlike "$(listed)" "(^| )$s1( |$)" "a place taken leaves her list"
take "${TOK[$home.$ben]}" "$s1"
is "$STATUS" 409 "Ben, on that charter already, cannot take its place: 409"
take "${TOK[$home.$dee]}" "$s1"
is "$STATUS" 409 "Dee, busy then, cannot: 409"
take "${TOK[$home.$cam]}" "$s1"
is "$STATUS" 409 "Cam, without the role, cannot: 409"
take "$t" "$s3"
is "$STATUS" 409 "past the answers' cut-off: 409"
like "$(body)" "too late" "saying it is too late"
take "$t" "$s4"
is "$STATUS" 409 "on a cancelled charter: 409"
take "$t" 999999999
is "$STATUS" 409 "a place that is not there: 409"
take "${TOK[$home.$eli]}" "$s1"
isnt "$STATUS" 303 "an inactive member takes nothing"

# === The race: 50 crew, one place ==================================================
racers=()
for i in $(seq 1 50); do racers+=("$(crew "Racer $i" 2500 "$racer")"); done
rh_crew=$(for m in "${racers[@]}"; do printf '{"crew_id":%s,"role":"%s"},' "$m" "$racer"; done)
rhome=$(booking "Race home" "$(day '+40 days 16:00')" "$(day '+40 days 20:00')" "[${rh_crew%,}]")
invite "$rhome"
is "$STATUS" 200 "fifty crew, each with a link"
race=$(booking "Race" "$(day '+20 days 16:00')" "$(day '+20 days 20:00')" "[]" \
	"[{\"role\":\"$racer\",\"count\":1,\"hourly_rate_cents\":2500}]")
rs=$(slot_of "$race" "$racer")
# race SLOT TOKEN...: POSTs a take of SLOT for every TOKEN at once (a thread
# each, released together); prints the statuses sorted, then the seconds.
cat >"$TAP_TMP/race.py" <<'EOF'
import base64, hashlib, hmac, sys, threading, time, urllib.error, urllib.parse, urllib.request
base, secret, slot = sys.argv[1], bytes.fromhex(sys.argv[2]), sys.argv[3]
tokens = sys.argv[4:]
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None
opener = urllib.request.build_opener(NoRedirect)
gate = threading.Barrier(len(tokens))
out, bodies = [None] * len(tokens), [b""] * len(tokens)
def one(i, t):
    ft = base64.urlsafe_b64encode(hmac.new(secret, b"charterd crew form v1\0" + t.encode(), hashlib.sha256).digest()).decode().rstrip("=")
    req = urllib.request.Request("%s/c/%s/open/%s" % (base, t, slot), data=urllib.parse.urlencode({"form_token": ft}).encode(), method="POST")
    gate.wait()
    try:
        r = opener.open(req, timeout=60)
        out[i], bodies[i] = r.status, r.read()
    except urllib.error.HTTPError as e:
        out[i], bodies[i] = e.code, e.read()
    except Exception as e:
        out[i] = "error:%s" % e
ts = [threading.Thread(target=one, args=(i, t)) for i, t in enumerate(tokens)]
t0 = time.time()
for t in ts: t.start()
for t in ts: t.join()
kind = sum(1 for s, b in zip(out, bodies) if s == 409 and b"someone else took this place a moment ago" in b)
print(" ".join(str(s) for s in sorted(out, key=str)))
print("kind409=%d seconds=%.2f" % (kind, time.time() - t0))
EOF
race() { local s=$1; shift; /usr/bin/python3 "$TAP_TMP/race.py" "$CHARTER_PUBLIC_URL" "$STACK_TOKEN_SECRET" "$s" "$@"; }
toks=(); for m in "${racers[@]}"; do toks+=("${TOK[$rhome.$m]}"); done
out=$(race "$rs" "${toks[@]}")
statuses=$(head -n 1 <<<"$out")
note "50 at once for a place of 1: $(tr ' ' '\n' <<<"$statuses" | sort | uniq -c | tr -s ' \n' ' ')($(tail -n 1 <<<"$out"))"
is "$(tr ' ' '\n' <<<"$statuses" | grep -c '^303$')" 1 "50 crew press at once for a place of one: exactly one 303"
is "$(tr ' ' '\n' <<<"$statuses" | grep -c '^409$')" 49 "the other 49: 409"
like "$(tail -n 1 <<<"$out")" "^kind409=49 " "each 409 says, kindly, that someone else took the place a moment ago"
is "$(sql "SELECT count(*) FROM assignments WHERE booking_id = $race AND status <> 'withdrawn'")" 1 "one assignment on the charter"
is "$(crewing "$race")" "1 1 0 0 0 true" "and the API: one place, one confirmed, fully crewed"
race3=$(booking "Race three" "$(day '+21 days 16:00')" "$(day '+21 days 20:00')" "[]" \
	"[{\"role\":\"$racer\",\"count\":3,\"hourly_rate_cents\":2500}]")
rs3=$(slot_of "$race3" "$racer")
out=$(race "$rs3" "${toks[@]:0:20}")
statuses=$(head -n 1 <<<"$out")
note "20 at once for a place of 3: $(tr ' ' '\n' <<<"$statuses" | sort | uniq -c | tr -s ' \n' ' ')($(tail -n 1 <<<"$out"))"
is "$(tr ' ' '\n' <<<"$statuses" | grep -c '^303$')/$(tr ' ' '\n' <<<"$statuses" | grep -c '^409$')" "3/17" \
	"20 at once for a place of three: exactly three 303, 17 409"
is "$(sql "SELECT count(*) FROM assignments WHERE slot_id = $rs3 AND status = 'confirmed'")" 3 "three hold it"
# The same race straight at the database, 32 sessions of charterd_crew at once:
# the row locks, not the two web workers in front, decide it.
race_db=$(booking "Race db" "$(day '+22 days 16:00')" "$(day '+22 days 20:00')" "[]" \
	"[{\"role\":\"$racer\",\"count\":1,\"hourly_rate_cents\":2500}]")
rsd=$(slot_of "$race_db" "$racer")
for m in "${racers[@]:18:32}"; do
	echo "SELECT crew_take(decode('$(sha "${TOK[$rhome.$m]}")', 'hex'), $rsd, decode('$(openssl rand -hex 32)', 'hex'), decode('$(openssl rand -hex 32)', 'hex'), 7, now(), 24)->>'outcome'"
done >"$TAP_TMP/race.sql"
t0=$(date +%s.%N)
# shellcheck disable=SC2016
xargs -P 32 -d '\n' -I{} env -u PGPASSWORD PGPASSFILE="$STACK_PGPASSFILE" PGHOST="$STACK_PG_SOCKDIR" \
	PGPORT="$STACK_PG_PORT" PGUSER=charterd_crew PGDATABASE=charterd psql -qAtX -c '{}' \
	<"$TAP_TMP/race.sql" >"$TAP_TMP/race.out" 2>&1
note "32 sessions at once in the database: $(sort "$TAP_TMP/race.out" | uniq -c | tr -s ' \n' ' ')in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s"
is "$(grep -c '^taken$' "$TAP_TMP/race.out")/$(grep -c '^full$' "$TAP_TMP/race.out")" "1/31" \
	"32 sessions calling crew_take() at once: one taken, 31 full"

# === Which tokens open the list =====================================================
unknown=$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n')
open_page "$unknown"
is "$STATUS" 404 "an unknown token: 404"
take "$unknown" "$s1"
is "$STATUS" 404 "and takes nothing: 404"
api GET "/api/crew/$cam/feed"
feed=$(jbody .url | sed 's|.*/c/||; s|/calendar.ics||')
open_page "$feed"
is "$STATUS" 404 "a calendar feed's token opens no open places: 404"
old=${TOK[$home.$cam]}
api POST "/api/bookings/$home/invitations" "{\"crew_ids\":[$cam]}"
TOK[$home.$cam]=$(jbody '.[0].url' | sed 's|.*/c/||')
open_page "$old"
is "$STATUS" 410 "a link replaced by a newer one: 410"
like "$(body)" 'data-reason="reissued"' "saying so"
take "$old" "$s2"
is "$STATUS" 410 "and it takes nothing"
open_page "${TOK[$home.$cam]}"
is "$STATUS" 200 "the newer link opens the list"

# === A decline reopens its place; offers; someone else takes it =====================
fay=$(crew "Fay Hart" 3600 "$role")
gus=$(crew "Gus Ives" 5000 "$skip")
hal=$(crew "Hal Jost" 3700 "$role")
g=$(booking "Gate" "$(day '+8 days 16:00')" "$(day '+8 days 20:00')" \
	"[{\"crew_id\":$fay,\"role\":\"$role\",\"hours\":4.5},{\"crew_id\":$gus,\"role\":\"$skip\",\"captain\":true}]")
g2=$(booking "Gate clash" "$(day '+8 days 15:00')" "$(day '+8 days 17:00')" "$(crew_of "$hal")")
invite "$g2"; answer "${TOK[$g2.$hal]}" confirm
invite "$g"
answer "${TOK[$g.$fay]}" confirm
answer "${TOK[$g.$gus]}" confirm
is "$(crewing "$g")" "2 2 0 0 0 true" "both confirmed: fully crewed"
o0=$(sql "SELECT coalesce(max(id), 0) FROM outbox")
answer "${TOK[$g.$fay]}" decline "My knee, sorry."
is "$STATUS" 303 "Fay declines"
api GET "/api/bookings/$g"
gs=$(jbody ".open_slots[] | select(.role == \"$role\") | .slot_id")
is "$(jbody ".open_slots[] | select(.slot_id == $gs) | \"\(.count) \(.hourly_rate_cents) \(.hours) \(.captain) \(.filled)\"")" "1 3600 4.5 false 0" \
	"her place is an open place: the same role, rate and hours"
is "$(jbody .crewing.needed)/$(jbody .crewing.confirmed)/$(jbody .crewing.declined)/$(jbody .crewing.open)/$(jbody .crewing.fully_crewed)" \
	"2/1/1/1/false" "crewing: 2 needed, 1 confirmed, 1 declined, 1 open, not fully crewed"
is "$(sql "SELECT (SELECT xmin FROM open_slots WHERE id = $gs) = (SELECT xmin FROM assignments WHERE booking_id = $g AND crew_id = $fay)")" t \
	"written in the decline's own transaction"
offered=$(sql "SELECT string_agg(crew_id::text, ' ' ORDER BY crew_id) FROM outbox WHERE booking_id = $g AND kind = 'mail.crew_offer' AND id > $o0")
is "$offered" "$ana $ben $dee" "offered to the active crew with the role who are free then and not aboard (not Cam: role; Eli: inactive; Hal: busy; Fay, Gus: aboard)"
offers_out() { has_mails "Ana Ito" 3 && has_mails "Ben Cole" 2 && has_mails "Dee Fox" 3; }
eventually 20 offers_out
ok $? "each offer arrives by mail"
like "$(last_mail "Ben Cole" subject)" "^Open place: $role on " "the subject says which place"
like "$(last_mail "Ben Cole" text)" "4\\.5 at \\\$36\\.00 an hour" "the place's hours and rate"
like "$(last_mail "Ben Cole" text)" "\\\$162\\.00" "and the pay it brings"
like "$(last_mail "Ben Cole" text)" "$CHARTER_PUBLIC_URL/c/[A-Za-z0-9_-]{43}/open" "and the link to his open places"
for who in "Cam Diaz" "Eli Gray" "Hal Jost" "Fay Hart" "Gus Ives"; do
	unlike "$(mails_to "$(email_of "$who")" | jq -r '.[].subject')" "Open place" "no offer to $who"
done
op() { mails_to "operator@charterd.invalid" | jq -r --arg n "Fay Hart" '[.[] | select(.subject | contains($n))][-1] | .subject, .text'; }
op_mail() { op | grep -q "My knee"; }
eventually 20 op_mail
ok $? "the operator is alerted by mail, with her note"
like "$(op | head -n 1)" "^Declined: Fay Hart \\($role\\)" "saying who declined which role"
like "$(op)" "offered by mail to 3 crew" "and to how many crew the place went"
like "$(op)" "$CHARTER_PUBLIC_URL/admin/bookings/$g" "with the booking's link"
ot=$(offer_token "Ben Cole")
like "$ot" '^[A-Za-z0-9_-]{43}$' "Ben's offer carries a token"
is "$(sql "SELECT count(*) FROM crew_offer_links WHERE crew_id = $ben AND token_hash = decode('$(sha "$ot")', 'hex') AND slot_id = $gs")" 1 \
	"kept as its hash, for his crew id and the place"
open_page "$ot"
is "$STATUS" 200 "the offer's link opens his open places"
like "$(listed)" "(^| )$gs( |$)" "with the place offered"
like "$(body)" "Offered to you" "marked as offered"
unlike "$(body)" 'id="back"' "and no crew page to go back to (an offer is no link to a charter)"
take "$ot" "$gs"
is "$STATUS" 303 "Ben takes it from the offer's page"
http GET "$(header location)"
like "$(body)" 'data-status="confirmed"' "and lands on his page for that charter, confirmed"
is "$(crewing "$g")" "2 2 0 1 0 true" "fully crewed again in the API: 2 needed, 2 confirmed, 1 declined, none open"
api GET "/api/bookings?from=$(day '+8 days 00:00')&to=$(day '+9 days 00:00')"
is "$(jbody ".[] | select(.id == $g) | .crewing.fully_crewed")" true "GET /api/bookings carries the same crewing"
api GET "/api/bookings?from=$(day '+8 days 00:00')&to=$(day '+9 days 00:00')&open=1"
is "$(jbody "[.[] | select(.id == $g)] | length")" 0 "and open=1 leaves a fully crewed charter out"
dt=$(offer_token "Dee Fox")
take "$dt" "$gs"
is "$STATUS" 409 "Dee, from her offer, a moment later: 409"
like "$(body)" "someone else took this place a moment ago" "kindly"
answer "${TOK[$g.$fay]}" confirm
is "$STATUS" 409 "Fay changes her mind after her place was taken: 409"
like "$(body)" "Your place was filled after you declined" "the page says why"
is "$(sql "SELECT status FROM assignments WHERE booking_id = $g AND crew_id = $fay")" declined "and she stays declined"

# === A captain's place; a change of mind while the place is free ====================
jon=$(crew "Jon Kerr" 5100 "$skip")
kim=$(crew "Kim Lund" 3000 "$role")
k=$(booking "Captain" "$(day '+9 days 16:00')" "$(day '+9 days 20:00')" \
	"[{\"crew_id\":$gus,\"role\":\"$skip\",\"captain\":true},{\"crew_id\":$kim,\"role\":\"$role\"}]")
invite "$k"
answer "${TOK[$k.$gus]}" decline
api GET "/api/bookings/$k"
ks=$(jbody ".open_slots[] | select(.role == \"$skip\") | .slot_id")
is "$(jbody ".open_slots[] | select(.slot_id == $ks) | .captain")" true "a captain's decline opens a captain's place"
is "$(jbody ".crew[] | select(.crew_id == $gus) | .captain")" false "the captaincy leaves with the place"
eventually 20 has_mails "Jon Kerr" 1
ok $? "Jon, a skipper, is offered it"
take "$(offer_token "Jon Kerr")" "$ks"
is "$STATUS" 303 "and takes it"
api GET "/api/bookings/$k"
is "$(jbody ".crew[] | select(.crew_id == $jon) | \"\(.captain) \(.status)\"")" "true confirmed" "whoever takes a captain's place is the captain"
is "$(jbody '[.crew[] | select(.captain)] | length')" 1 "the one captain"
answer "${TOK[$k.$kim]}" decline
ks2=$(slot_of "$k" "$role")
is "$(crewing "$k")" "2 1 0 2 1 false" "Kim declines: her place is open"
answer "${TOK[$k.$kim]}" confirm
is "$STATUS" 303 "she changes her mind while it is free"
api GET "/api/bookings/$k"
is "$(jbody "[.open_slots[] | select(.slot_id == $ks2)] | length")" 0 "her place is hers again: the open place goes"
is "$(crewing "$k")" "2 2 0 1 0 true" "fully crewed"
offers_left() { [ "$(sql "SELECT count(*) FROM outbox WHERE booking_id = $k AND kind = 'mail.crew_offer' AND payload->>'slot_id' = '$ks2' AND state = 'pending'")" = 0 ]; }
eventually 10 offers_left
ok $? "no offer of it is left to send"

# === Reminders and the operator's alert =============================================
lou=$(crew "Lou Marr" 3000 "$role")
max=$(crew "Max Nash" 3000 "$role")
starts=$(day '+5 days 16:00') ends=$(day '+5 days 20:00')
m=$(booking "Remind" "$starts" "$ends" "$(crew_of "$lou" "$max")")
invite "$m"
due() { sql "SELECT to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM outbox WHERE booking_id = $m AND kind = '$1' AND state = 'pending' ${2:+AND crew_id = $2} ORDER BY id LIMIT 1"; }
is "$(due mail.crew_reminder "$lou")" "$(before "$starts" 48)" "a pending invitation's reminder is due 48 h before departure"
is "$(due mail.crew_reminder "$max")" "$(before "$starts" 48)" "one per pending member"
is "$(due mail.operator_crewing)" "$(before "$starts" 24)" "the operator's alert, 24 h before"
api GET /api/sync
like "$(jbody .mail.scheduled)" '^[1-9]' "GET /api/sync counts them as scheduled"
invited() { has_mails "Lou Marr" 1 && has_mails "Max Nash" 1; }
eventually 20 invited
ok $? "the invitations go at once: an older reminder, not yet due, holds no mail of the booking back"
is "$(sql "SELECT count(*) FROM outbox r WHERE r.booking_id = $m AND r.kind = 'mail.crew_reminder' AND r.state = 'pending'
	AND r.id < (SELECT i.id FROM outbox i WHERE i.booking_id = $m AND i.kind = 'mail.crew_invitation' AND i.crew_id = r.crew_id)")" 2 \
	"(each reminder was queued before its invitation, and still waits)"
is "$(sql "SELECT count(*) FROM magic_links WHERE booking_id = $m AND nonce IS NOT NULL AND revoked_at IS NULL")" 2 \
	"each link's nonce stays for its reminder"
starts=$(day '+6 days 18:00') ends=$(day '+6 days 22:00')
api PATCH "/api/bookings/$m" "{\"starts_at\":\"$starts\",\"ends_at\":\"$ends\"}"
is "$STATUS" 200 "the departure moves a day later"
is "$(due mail.crew_reminder "$lou")" "$(before "$starts" 48)" "the reminder moves with it"
is "$(due mail.operator_crewing)" "$(before "$starts" 24)" "and the alert"
is "$(sql "SELECT count(*) FROM outbox WHERE booking_id = $m AND kind = 'mail.crew_reminder'")" 2 "no second reminder row"
answer "${TOK[$m.$max]}" confirm
is "$(sql "SELECT state || ' ' || (payload ? 'settled') FROM outbox WHERE booking_id = $m AND kind = 'mail.crew_reminder' AND crew_id = $max")" \
	"done true" "Max answers: his reminder is settled unsent"
is "$(sql "SELECT nonce IS NULL FROM magic_links WHERE booking_id = $m AND crew_id = $max AND revoked_at IS NULL")" t \
	"and his link's nonce goes: no mail will carry it again"
# The clock moves: Lou's reminder (and, for the test, Max's settled one) fall due now.
sql "UPDATE outbox SET due_at = now(), next_attempt_at = now() WHERE booking_id = $m AND kind = 'mail.crew_reminder';
	SELECT pg_notify('charterd_outbox', '$m')" >/dev/null
eventually 20 has_mails "Lou Marr" 2
ok $? "when due, Lou's reminder arrives"
like "$(last_mail "Lou Marr" subject)" "^Reminder: can you crew " "as a reminder"
like "$(last_mail "Lou Marr" text)" "$CHARTER_PUBLIC_URL/c/${TOK[$m.$lou]}" "with her link, the invitation's"
lou_nonce_gone() { [ "$(sql "SELECT nonce IS NULL FROM magic_links WHERE booking_id = $m AND crew_id = $lou AND revoked_at IS NULL")" = t ]; }
eventually 10 lou_nonce_gone
ok $? "once it is out, her link's nonce is erased"
sleep 1
is "$(n_mails "Max Nash")" 1 "none for Max, who answered"
api PATCH "/api/bookings/$m" '{"crew_notes":"Bring a hat."}'
is "$(sql "SELECT count(*) FROM outbox WHERE booking_id = $m AND kind = 'mail.crew_reminder'")" 2 "a later change plans no second reminder"
is "$(n_mails "Lou Marr")" 2 "Lou has one reminder"
is "$(sql "SELECT count(*) FROM outbox WHERE booking_id = $m AND kind = 'mail.operator_crewing' AND state = 'pending'")" 1 \
	"Lou has not answered: the alert is still owed"
sql "UPDATE outbox SET due_at = now(), next_attempt_at = now() WHERE booking_id = $m AND kind = 'mail.operator_crewing';
	SELECT pg_notify('charterd_outbox', '$m')" >/dev/null
alert() { mails_to "operator@charterd.invalid" | jq -r --arg g "Remind $run" '[.[] | select(.subject | startswith("Not fully crewed")) | select(.subject | contains($g))] | length'; }
one_alert() { [ "$(alert)" = 1 ]; }
eventually 20 one_alert
ok $? "when due, the operator's alert arrives"
like "$(mails_to "operator@charterd.invalid" | jq -r --arg g "Remind $run" '[.[] | select(.subject | contains($g))][-1].text')" \
	"Not answered: Lou Marr, $role" "naming who has not answered"
api PATCH "/api/bookings/$m" '{"crew_notes":"Bring two hats."}'
is "$(sql "SELECT count(*) FROM outbox WHERE booking_id = $m AND kind = 'mail.operator_crewing'")" 1 "and no second alert"

ned=$(crew "Ned Oak" 3000 "$role")
n=$(booking "Crewed" "$(day '+5 days 16:00')" "$(day '+5 days 20:00')" "$(crew_of "$ned")")
invite "$n"
is "$(sql "SELECT count(*) FROM outbox WHERE booking_id = $n AND kind = 'mail.operator_crewing' AND state = 'pending'")" 1 "a charter with a pending member has its alert scheduled"
answer "${TOK[$n.$ned]}" confirm
is "$(sql "SELECT state || ' ' || (payload->>'settled') FROM outbox WHERE booking_id = $n AND kind = 'mail.operator_crewing'")" \
	"done fully crewed" "fully crewed: the alert is settled unsent"
pat=$(crew "Pat Pine" 3000 "$role")
p=$(booking "Dropped" "$(day '+5 days 16:00')" "$(day '+5 days 20:00')" "$(crew_of "$pat")")
invite "$p"
api POST "/api/bookings/$p/cancel"
is "$(sql "SELECT string_agg(DISTINCT state || ' ' || (payload->>'settled'), ',') FROM outbox WHERE booking_id = $p AND due_at IS NOT NULL")" \
	"done cancelled" "a cancel settles its reminder and alert unsent"
# The departure moves so near that the reminder's time has passed: it goes now.
quy=$(crew "Quy Rowe" 3000 "$role")
q=$(booking "Sooner" "$(day '+5 days 16:00')" "$(day '+5 days 20:00')" "$(crew_of "$quy")")
invite "$q"
eventually 20 has_mails "Quy Rowe" 1
api PATCH "/api/bookings/$q" "{\"starts_at\":\"$(day '+30 hours')\",\"ends_at\":\"$(day '+34 hours')\"}"
eventually 20 has_mails "Quy Rowe" 2
ok $? "a departure moved inside the reminder's 48 h sends the reminder at once"
like "$(last_mail "Quy Rowe" subject)" "^Reminder: " "(that is the reminder)"
# The hours are each session's setting (serve sets them from its environment).
rae=$(crew "Rae Snow" 3000 "$role")
r=$(booking "Hours" "$(day '+10 days 16:00')" "$(day '+10 days 20:00')" "$(crew_of "$rae")")
invite "$r"
PGOPTIONS='-c charterd.reminder_hours=72' psql -qAtX -v ON_ERROR_STOP=1 -c "UPDATE bookings SET starts_at = starts_at + interval '1 hour', ends_at = ends_at + interval '1 hour' WHERE id = $r"
is "$(sql "SELECT (extract(epoch FROM b.starts_at - o.due_at) / 3600)::integer FROM outbox o JOIN bookings b ON b.id = o.booking_id WHERE o.booking_id = $r AND o.kind = 'mail.crew_reminder' AND o.state = 'pending'")" \
	72 "with charterd.reminder_hours 72, a move in psql plans it 72 h ahead"

# === GET /api/bookings ===============================================================
api GET "/api/bookings?from=$(day '+8 days 00:00')&to=$(day '+11 days 00:00')&open=1"
is "$STATUS" 200 "GET /api/bookings?open=1"
like "$(jbody "[.[] | select(.id == $t1)] | .[0].crewing | \"\(.needed) \(.confirmed) \(.pending) \(.open)\"")" "^3 1 1 1\$" \
	"lists a charter with places open, with its crewing"
unlike "$(body)" "revenue|port_fee|captain_fee|9876543" "and no money"
api GET "/api/bookings?from=nonsense"; is "$STATUS/$(jbody .field)" "400/from" "a bad from: 400 naming it"
api GET "/api/bookings?limit=0"; is "$STATUS/$(jbody .field)" "400/limit" "a bad limit: 400"
api GET "/api/bookings?open=2"; is "$STATUS/$(jbody .field)" "400/open" "a bad open: 400"
api GET "/api/bookings?from=$(day '+2 days')&to=$(day '+1 day')"; is "$STATUS/$(jbody .field)" "400/to" "to before from: 400"

# === What the crew role may not do itself ==========================================
like "$(as_crew "UPDATE open_slots SET count = 20 WHERE id = $gs")" "permission denied" "charterd_crew cannot resize a place"
like "$(as_crew "INSERT INTO assignments (booking_id, crew_id, role, hourly_rate_cents, slot_id) VALUES ($race, $cam, 'x', 1, $rs)")" \
	"permission denied" "nor make an assignment"
like "$(as_crew "UPDATE assignments SET status = 'confirmed' WHERE booking_id = $g")" "permission denied" "nor answer for anyone"
like "$(as_crew "SELECT crewing_plan($g)")" "permission denied" "nor plan mails"
like "$(as_crew "INSERT INTO outbox (target, kind, payload) VALUES ('mail', 'mail.crew_offer', '{}')")" "permission denied" "nor queue one"

# === No token in the database ======================================================
pg_dump --data-only --no-owner >"$TAP_TMP/dump.sql" 2>/dev/null
found=0
for tk in "$newt" "$ot" "$dt" "${TOK[$home.$ana]}" "${TOK[$m.$lou]}"; do
	grep -qF -- "$tk" "$TAP_TMP/dump.sql" && found=$((found + 1))
done
is "$found" 0 "no link, offer or reminder token is anywhere in the database"

no_worker_crashed
done_testing
