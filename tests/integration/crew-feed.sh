#!/bin/bash
# crew-feed.sh: a crew member's calendar feed end to end: exactly their
# confirmed charters of the last 30 days and after, a cancelled one as
# STATUS:CANCELLED, read by an independent parser (python3-icalendar) with
# wall-clock times in the boat's zone on both sides of DST and a VTIMEZONE
# that says the same; SEQUENCE is the version, UIDs stay; no money of any
# kind in any rendering; ETag and 304 (strong, weak, gzip), a change moves
# the tag; rotation (old URL 410), unknown and wrong-purpose tokens 404, a
# row charterd did not make opens nothing; the internal API; no token logged.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

sql() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
# as ROLE SQL: run SQL logged in as ROLE, as charterd's workers do.
as() {
	env -u PGPASSWORD PGPASSFILE="$STACK_PGPASSFILE" PGHOST="$STACK_PG_SOCKDIR" \
		PGPORT="$STACK_PG_PORT" PGUSER="$1" PGDATABASE=charterd \
		psql -qAtX -v ON_ERROR_STOP=1 -c "$2" 2>&1
}
run=$$-$RANDOM
next=$(($(date -u +%Y) + 1))
TZ_BOAT=America/Los_Angeles

# Money nobody on the crew side may see, in every rendering: revenue, port
# fee, captain fee, the member's roster rate, their rate on the charter, a
# colleague's rate, and the member's pay (4 h at their charter rate). No
# two-digit group of them can be a minute or second, so no time matches.
REVENUE=9876543 PORT_FEE=76543 CAPTAIN_FEE=3456789
ROSTER_RATE=417913 RATE=527319 OTHER_RATE=638429 PAY=2109276
money_forms() {
	local c d
	for c in "$@"; do
		d=$(printf '%d.%02d' $((c / 100)) $((c % 100)))
		printf '%s\n%s\n%s\n' "$c" "$d" "$(printf '%s' "$d" |
			sed -E ':a; s/^([0-9]+)([0-9]{3})/\1,\2/; ta')"
	done
}
mapfile -t MONEY < <(money_forms $REVENUE $PORT_FEE $CAPTAIN_FEE $ROSTER_RATE $RATE $OTHER_RATE $PAY)
# no_money WHAT FILE: none of the forms (nor any currency amount) in FILE,
# folded as sent or unfolded.
no_money() {
	local text hit='' m
	text=$(cat "$2"; printf '\n'; sed -z 's/\r\n[ \t]//g' "$2")
	for m in "${MONEY[@]}"; do
		[[ $text == *"$m"* ]] && hit="$hit $m"
	done
	is "$hit" "" "$1: no revenue, fee, rate or pay in cents or dollars"
	unlike "$text" "$MONEY_RE" "$1: no currency amount at all"
}

# --- A crew member, a colleague, and charters in every state ---------------------
api POST /api/crew "{\"name\":\"Mia Feed $run\",\"email\":\"mia-$run@example.com\",\"roles\":[\"deckhand\"],\"hourly_rate_cents\":$ROSTER_RATE}"
is "$STATUS" 201 "crew member created"
mia=$(jbody .id)
api POST /api/crew "{\"name\":\"Ole Other $run\",\"email\":\"ole-$run@example.com\",\"roles\":[\"captain\"],\"hourly_rate_cents\":$OTHER_RATE}"
ole=$(jbody .id)

# booking NAME STARTS ENDS [ZONE]: a charter crewed by Mia and Ole; prints its id.
booking() {
	api POST /api/bookings "$(jq -nc --arg g "Guest $1 $run" --arg s "$2" --arg e "$3" \
		--arg z "${4:-$TZ_BOAT}" --argjson mia "$mia" --argjson ole "$ole" \
		--argjson r $REVENUE --argjson p $PORT_FEE --argjson c $CAPTAIN_FEE \
		--argjson rate $RATE --argjson orate $OTHER_RATE \
		'{guest_name: $g, starts_at: $s, ends_at: $e, time_zone: $z, vessel: "Jada",
		  meeting_point: "Harbor Island West Marina, dock B", checklist: [],
		  crew_notes: "Bring gloves; the \\ winch sticks, so go slow.\nSecond line.",
		  revenue_cents: $r, port_fee_cents: $p, captain_fee_cents: $c,
		  crew: [{crew_id: $mia, role: "deckhand", hourly_rate_cents: $rate},
		         {crew_id: $ole, role: "captain", captain: true, hourly_rate_cents: $orate}]}')"
	[ "$STATUS" = 201 ] || diag "booking $1: $STATUS $(body)"
	jbody .id
}
# answer ID STATUS: Mia's answer to booking ID, written as a crew answer is.
answer() { sql "UPDATE assignments SET status = '$2', responded_at = now() WHERE booking_id = $1 AND crew_id = $mia"; }
ago() { date -u -d "$1 days ago" +%Y-%m-%dT%H:00:00Z; }

summer=$(booking summer "$next-07-01T10:00:00-07:00" "$next-07-01T14:00:00-07:00")
winter=$(booking winter "$next-01-15T10:00:00-08:00" "$next-01-15T14:00:00-08:00")
pending=$(booking pending "$next-03-02T10:00:00-08:00" "$next-03-02T14:00:00-08:00")
declined=$(booking declined "$next-03-03T10:00:00-08:00" "$next-03-03T14:00:00-08:00")
cancelled=$(booking cancelled "$next-03-04T10:00:00-08:00" "$next-03-04T14:00:00-08:00")
cancelled_pending=$(booking cancelled-pending "$next-03-05T10:00:00-08:00" "$next-03-05T14:00:00-08:00")
recent=$(booking recent "$(ago 10 | sed 's/T[0-9]*:/T19:/')" "$(ago 10 | sed 's/T[0-9]*:/T23:/')" Pacific/Honolulu)
old=$(booking old "$(ago 40)" "$(date -u -d "$(ago 40) + 4 hours" +%FT%TZ)")
ids="$summer $winter $pending $declined $cancelled $cancelled_pending $recent $old"
like "$ids" '^[0-9]+( [0-9]+){7}$' "eight charters: $ids"
for b in $summer $winter $cancelled $recent $old $cancelled_pending; do answer "$b" confirmed; done
answer "$cancelled_pending" pending
answer "$declined" declined
api POST "/api/bookings/$cancelled/cancel"; is "$STATUS" 200 "one confirmed charter is cancelled"
api POST "/api/bookings/$cancelled_pending/cancel"

# --- The feed URL from the internal API -------------------------------------------
api GET "/api/crew/$mia/feed"
is "$STATUS" 200 "GET /api/crew/<id>/feed"
url=$(jbody .url)
like "$url" "^$CHARTER_PUBLIC_URL/c/[A-Za-z0-9_-]{43}/calendar\\.ics\$" "  {url}: /c/<feed-token>/calendar.ics from CHARTER_PUBLIC_URL"
is "$(jbody .crew_id)" "$mia" "  {crew_id}"
token=${url#"$CHARTER_PUBLIC_URL/c/"}; token=${token%/calendar.ics}
api GET "/api/crew/$mia/feed"
is "$(jbody .url)" "$url" "asked again: the same URL (made again from the nonce)"
is "$(sql "SELECT count(*) FROM crew_feeds WHERE crew_id = $mia")" 1 "  one feed row"
is "$(sql "SELECT count(*) FROM crew_feeds WHERE crew_id = $mia AND token_hash = decode('$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)', 'hex')")" 1 \
	"  the database keeps the token's SHA-256"
is "$(sql "SELECT count(*) FROM pg_attribute WHERE attrelid = 'crew_feeds'::regclass AND attname ~ 'token\$'")" 0 \
	"  and no column for the token itself"
api GET "/api/crew/$ole/feed"
isnt "$(jbody .url)" "$url" "a colleague has a feed of their own"
api GET /api/crew/987654321/feed; is "$STATUS" 404 "unknown crew member: 404"
http GET "$CHARTER_API_URL/api/crew/$mia/feed"; is "$STATUS" 401 "no service key: 401"
http GET "$CHARTER_PUBLIC_URL/api/crew/$mia/feed"; is "$STATUS" 404 "not on the public listener"

# --- The feed -----------------------------------------------------------------------
http GET "$url"
is "$STATUS" 200 "GET the feed"
is "$(header content-type)" "text/calendar; charset=utf-8" "  text/calendar; charset=utf-8"
is "$(header cache-control)" "private, no-cache" "  Cache-Control: private, no-cache"
like "$(header x-robots-tag)" noindex "  X-Robots-Tag: noindex"
etag=$(header etag)
like "$etag" '^"[0-9a-f]{32}"$' "  a strong ETag"
cp "$BODY" "$TAP_TMP/feed.ics"
no_money "the feed" "$TAP_TMP/feed.ics"
unlike "$(body)" "Guest [a-z-]+ $run" "  no guest name"
unlike "$(body)" "Ole Other" "  no colleague's name"

# The independent reading: python3-icalendar, and its own reading of our VTIMEZONE.
cat >"$TAP_TMP/read.py" <<'EOF'
import json, sys, datetime
from dateutil.rrule import rrulestr
from icalendar import Calendar
raw = open(sys.argv[1], 'rb').read()
lines = raw.split(b'\r\n')
cal = Calendar.from_ical(raw)

def vtz_offset(vtz, local):
    """The offset our VTIMEZONE gives the wall clock local: the observance
    with the latest onset at or before it (RRULE UNTIL is UTC, as RFC 5545
    wants; dateutil wants a naive one beside a naive DTSTART)."""
    best = None
    for obs in vtz.subcomponents:
        start = obs['DTSTART'].dt
        onsets = [start]
        if 'RRULE' in obs:
            rule = dict(obs['RRULE'])
            until = rule.pop('UNTIL', [None])[0]
            text = ';'.join('%s=%s' % (k, ','.join(str(x) for x in v)) for k, v in rule.items())
            onsets = [d for d in rrulestr(text, dtstart=start).between(start, local, inc=True)
                      if until is None or d - obs['TZOFFSETFROM'].td <= until.replace(tzinfo=None)]
        onsets = [d for d in onsets if d <= local]
        if onsets and (best is None or max(onsets) > best[0]):
            best = (max(onsets), obs['TZOFFSETTO'].td)
    return best[1].total_seconds() / 3600 if best else None

zones = {str(z['TZID']): z for z in cal.walk('VTIMEZONE')}
events = []
for ev in cal.walk('VEVENT'):
    s, e = ev['DTSTART'], ev['DTEND']
    tzid = s.params.get('TZID')
    events.append({
        'uid': str(ev['UID']), 'sequence': int(ev['SEQUENCE']), 'status': str(ev['STATUS']),
        'summary': str(ev['SUMMARY']), 'location': str(ev.get('LOCATION', '')),
        'description': str(ev['DESCRIPTION']), 'tzid': tzid,
        'local': s.dt.replace(tzinfo=None).isoformat(), 'local_end': e.dt.replace(tzinfo=None).isoformat(),
        'utc': s.dt.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'vtz_offset': vtz_offset(zones[tzid], s.dt.replace(tzinfo=None)) if tzid in zones else None,
        'zone_offset': s.dt.utcoffset().total_seconds() / 3600,
    })
print(json.dumps({'events': sorted(events, key=lambda x: x['utc']),
    'vtimezones': sorted(zones), 'name': str(cal.get('X-WR-CALNAME', '')),
    'crlf': raw.endswith(b'\r\n') and b'\n' not in raw.replace(b'\r\n', b''),
    'longest': max(len(l) for l in lines)}))
EOF
ics=$(/usr/bin/python3 "$TAP_TMP/read.py" "$TAP_TMP/feed.ics" 2>&1)
ok $? "python3-icalendar reads the feed" || diag "$ics"
q() { jq -r "$1" <<<"$ics" 2>/dev/null; }
uid() { printf 'booking-%s-crew-%s@%s' "$1" "$mia" "$(printf '%s' "$CHARTER_PUBLIC_URL" | sed -E 's#^https?://##; s#[:/].*##')"; }
ev() { jq -c --arg u "$(uid "$1")" '.events[] | select(.uid == $u)' <<<"$ics"; }
is "$(q '.crlf')" true "lines end with CRLF"
[ "$(q '.longest')" -le 75 ] 2>/dev/null; ok $? "no line longer than 75 octets ($(q '.longest'))"
is "$(q '[.events[].uid] | sort | join(" ")')" \
	"$(for b in $summer $winter $cancelled $recent; do uid "$b"; echo; done | sort | paste -sd' ')" \
	"exactly the confirmed charters since 30 days ago and the cancelled one (not pending, declined, older, or cancelled unconfirmed)"
is "$(q '.vtimezones | join(" ")')" "America/Los_Angeles Pacific/Honolulu" "one VTIMEZONE per boat zone, by its plain name"
is "$(ev "$summer" | jq -r '.tzid + " " + .local + " " + .utc')" \
	"America/Los_Angeles $next-07-01T10:00:00 $next-07-01T17:00:00Z" "summer: 10:00 America/Los_Angeles, 17:00Z"
is "$(ev "$summer" | jq -r '.local_end')" "$next-07-01T14:00:00" "  until 14:00"
is "$(ev "$summer" | jq -r '.vtz_offset')" "-7" "  our VTIMEZONE says UTC-7 then too"
is "$(ev "$winter" | jq -r '.tzid + " " + .local + " " + .utc')" \
	"America/Los_Angeles $next-01-15T10:00:00 $next-01-15T18:00:00Z" "winter: 10:00 America/Los_Angeles, 18:00Z"
is "$(ev "$winter" | jq -r '.vtz_offset')" "-8" "  our VTIMEZONE says UTC-8 then"
is "$(ev "$recent" | jq -r '.tzid + " " + (.local | .[11:]) + " " + (.vtz_offset | tostring)')" \
	"Pacific/Honolulu 09:00:00 -10" "a Honolulu charter: 09:00 in Honolulu, UTC-10 by its VTIMEZONE"
is "$(ev "$cancelled" | jq -r .status)" CANCELLED "the cancelled charter stays, as STATUS:CANCELLED"
like "$(ev "$cancelled" | jq -r .summary)" '^Cancelled: ' "  and says so"
is "$(ev "$summer" | jq -r .status)" CONFIRMED "the others are CONFIRMED"
is "$(ev "$summer" | jq -r .summary)" "Jada charter (deckhand)" "SUMMARY: vessel and role"
is "$(ev "$summer" | jq -r .location)" "Harbor Island West Marina, dock B" "LOCATION: the meeting point"
is "$(ev "$summer" | jq -r '.description | split("\n\nQuestions: ")[0]')" \
	$'Role: deckhand\nVessel: Jada\nMeeting point: Harbor Island West Marina, dock B\n\nBring gloves; the \\ winch sticks, so go slow.\nSecond line.' \
	"DESCRIPTION: role, vessel, meeting point, crew notes (escaped and read back whole)"
like "$(ev "$summer" | jq -r '.description')" $'\n\nQuestions: ' "  and whom to ask"
for b in $summer $winter $cancelled $recent; do
	api GET "/api/bookings/$b"; v=$(jbody .version)
	is "$(ev "$b" | jq -r .sequence)" "$v" "SEQUENCE of booking $b is its version $v"
done

# --- ETag and 304 -------------------------------------------------------------------
http GET "$url"
is "$(header etag)" "$etag" "nothing changed: the same ETag"
cmp -s "$BODY" "$TAP_TMP/feed.ics"; ok $? "  and the same bytes"
http GET "$url" -H "If-None-Match: $etag"
is "$STATUS" 304 "If-None-Match with it: 304"
is "$(stat -c %s "$BODY")" 0 "  with no body"
is "$(header etag)" "$etag" "  and the ETag"
is "$(header content-length)" "" "  and no Content-Length of an empty body"
http GET "$url" -H "If-None-Match: W/$etag"; is "$STATUS" 304 "a weak W/ tag matches too (If-None-Match compares weakly)"
http GET "$url" -H "If-None-Match: \"0123456789abcdef0123456789abcdef\", $etag"; is "$STATUS" 304 "a list holding it: 304"
http GET "$url" -H "If-None-Match: *"; is "$STATUS" 304 "*: 304"
http GET "$url" -H 'If-None-Match: "0123456789abcdef0123456789abcdef"'; is "$STATUS" 200 "another tag: 200"
http GET "$url" -H "If-None-Match: $etag garbage"; is "$STATUS" 200 "a malformed If-None-Match is ignored: 200"
http GET "$url" -H 'Accept-Encoding: gzip'
gz=$(header etag)
is "$gz" "W/$etag" "gzipped by nginx: the tag turns weak"
http GET "$url" -H 'Accept-Encoding: gzip' -H "If-None-Match: $gz"; is "$STATUS" 304 "  and still answers 304"
http HEAD "$url" -I; is "$STATUS $(header etag)" "200 $etag" "HEAD: 200 with the ETag"
http POST "$url"; is "$STATUS" 405 "POST: 405"

# A staff change moves the version, SEQUENCE and the tag; the UID stays.
# Every worker keeps the body it rendered (feed_cache.h) first: none may
# send it once the tag moved.
for i in 1 2 3 4 5 6; do http GET "$url"; done
api PATCH "/api/bookings/$summer" '{"vessel":"Jada II","crew_notes":"Moved to dock C."}'
is "$STATUS" 200 "the summer charter is changed"
v=$(jbody .version)
http GET "$url" -H "If-None-Match: $etag"
is "$STATUS" 200 "the old tag after a change: 200"
etag2=$(header etag)
isnt "$etag2" "$etag" "  with a new ETag"
cp "$BODY" "$TAP_TMP/feed2.ics"
ics=$(/usr/bin/python3 "$TAP_TMP/read.py" "$TAP_TMP/feed2.ics")
is "$(ev "$summer" | jq -r '.sequence')" "$v" "  SEQUENCE is the new version"
is "$(ev "$summer" | jq -r '.summary')" "Jada II charter (deckhand)" "  the new vessel"
is "$(q '.events | length')" 4 "  same UIDs, no new event"
http GET "$url" -H "If-None-Match: $etag2"; is "$STATUS" 304 "the new tag: 304"
stale=0
for i in 1 2 3 4 5 6; do
	http GET "$url"
	[ "$(header etag)" = "$etag2" ] && grep -q 'Jada II' "$BODY" || stale=$((stale + 1))
done
is "$stale" 0 "six more asks, whichever worker answers: never the old body"
# A crew answer moves it too: the pending charter confirmed.
answer "$pending" confirmed
http GET "$url" -H "If-None-Match: $etag2"
is "$STATUS" 200 "confirming another charter: 200"
isnt "$(header etag)" "$etag2" "  a new ETag"
grep -q "UID:$(uid "$pending")" "$BODY"; ok $? "  and the charter is in the feed"
cp "$BODY" "$TAP_TMP/feed3.ics"
answer "$pending" declined
http GET "$url"
grep -q "UID:$(uid "$pending")" "$BODY"; ok $((!$?)) "declined again: out of the feed (a subscribed calendar drops it)"
no_money "the feed after the changes" "$TAP_TMP/feed3.ics"

# --- Tokens that open nothing -------------------------------------------------------
http GET "$CHARTER_PUBLIC_URL/c/$(head -c 32 /dev/urandom | basenc --base64url | tr -d '=')/calendar.ics"
is "$STATUS" 404 "an unknown token: 404"
http GET "$CHARTER_PUBLIC_URL/c/${token:0:42}/calendar.ics"; is "$STATUS" 404 "a token of the wrong shape: 404"
nonce=$(sql "SELECT encode(nonce, 'hex') FROM crew_feeds WHERE crew_id = $mia AND revoked_at IS NULL")
# derive LABEL ID: the token src/token.h would make with this label, id and
# the feed's nonce under the stack's secret.
derive() {
	/usr/bin/python3 -c '
import base64, hashlib, hmac, struct, sys
key = bytes.fromhex(sys.argv[1]); msg = sys.argv[2].encode() + b"\0" + struct.pack(">q", int(sys.argv[3])) + bytes.fromhex(sys.argv[4])
print(base64.urlsafe_b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode().rstrip("="))' \
		"$STACK_TOKEN_SECRET" "$1" "$2" "$nonce"
}
is "$(derive "charterd crew feed v1" "$mia")" "$token" "the feed token is HMAC(secret, feed label, id, nonce), as src/token.h says"
http GET "$CHARTER_PUBLIC_URL/c/$(derive "charterd magic link v1" "$mia")/calendar.ics"
is "$STATUS" 404 "the magic-link token of the same member and nonce: 404"
http GET "$CHARTER_PUBLIC_URL/c/$(derive "charterd crew feed v1" "$ole")/calendar.ics"
is "$STATUS" 404 "a feed token made for another member from this nonce: 404"
# A row written by someone other than charterd (an injection on the crew
# role, which may insert feeds) opens nothing: its token does not derive.
ana=$(api POST /api/crew "{\"name\":\"Ana $run\",\"email\":\"ana-$run@example.com\",\"hourly_rate_cents\":100}"; jbody .id)
forged=$(head -c 32 /dev/urandom | basenc --base64url | tr -d '=')
out=$(as charterd_crew "INSERT INTO crew_feeds (crew_id, nonce, token_hash) VALUES ($ana, sha256('$run'::bytea), decode('$(printf '%s' "$forged" | sha256sum | cut -d' ' -f1)', 'hex'))")
is "$out" "" "the crew role may insert a feed row (crew pages make feeds on first use)"
http GET "$CHARTER_PUBLIC_URL/c/$forged/calendar.ics"
is "$STATUS" 404 "a feed row charterd did not make: 404"
out=$(as charterd_crew "SELECT crew_feed_rotate($mia, sha256('x'::bytea), sha256('y'::bytea), 'crew')")
like "$out" "permission denied" "the crew role cannot rotate a feed"
out=$(as charterd_crew "UPDATE crew_feeds SET revoked_at = now() WHERE crew_id = $mia")
like "$out" "permission denied" "  nor revoke one"
# (By the token's hash: PostgreSQL logs a refused statement, and the test
# must not put a token in a log.)
hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
out=$(as charterd_crew "SELECT state, count(r.*) FROM crew_feed_find(decode('$hash', 'hex'), '{}', 's', 30, 10) h
	LEFT JOIN LATERAL crew_feed_rows(h.crew_id, 30, 10) r ON true GROUP BY state")
is "$out" "ok|4" "crew_feed_find() and crew_feed_rows() run as charterd_crew"
out=$(as charterd_guest "SELECT * FROM crew_feed_find(decode('$hash', 'hex'), '{}', 's', 30, 10)")
like "$out" "permission denied" "  and not as the guest role"

# --- A crew member no longer active, rotation -----------------------------------------
sql "UPDATE crew SET active = false WHERE id = $mia"
http GET "$url"; is "$STATUS" 410 "a crew member no longer active: 410"
sql "UPDATE crew SET active = true WHERE id = $mia"
http GET "$url"; is "$STATUS" 200 "  active again: 200"
api POST "/api/crew/$mia/feed/rotate"
is "$STATUS" 200 "POST /api/crew/<id>/feed/rotate"
new=$(jbody .url)
isnt "$new" "$url" "  a new URL"
http GET "$url"; is "$STATUS" 410 "the old URL: 410"
like "$(body)" "replaced" "  saying it was replaced"
http GET "$new"; is "$STATUS" 200 "the new URL: 200"
api GET "/api/crew/$mia/feed"; is "$(jbody .url)" "$new" "GET /api/crew/<id>/feed gives the new one"
is "$(sql "SELECT count(*) FROM crew_feeds WHERE crew_id = $mia AND revoked_at IS NOT NULL AND nonce IS NULL")" 1 \
	"the old row is revoked and its nonce erased: the old token can never be made again"
is "$(sql "SELECT count(*) FROM audit_log WHERE crew_id = $mia AND action = 'crew.feed_rotate'")" 1 "the rotation is audited"
api POST /api/crew/987654321/feed/rotate; is "$STATUS" 404 "rotating an unknown member's feed: 404"

# --- Tokens never logged ---------------------------------------------------------------
new_token=${new#"$CHARTER_PUBLIC_URL/c/"}; new_token=${new_token%/calendar.ics}
hits=$(grep -r -e "$token" -e "$new_token" -e "$forged" "$STACK_DIR"/log "$STACK_DIR"/nginx/logs 2>/dev/null | cut -c1-200)
is "$hits" "" "no feed token in any log (charterd's, nginx's, PostgreSQL's)"
no_worker_crashed

done_testing
