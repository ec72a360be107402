#!/bin/bash
# sync-money.sh: no money leaves through any target. Bookings with distinctive revenue,
# port fee and captain fee, crew with distinctive hourly rates, an open slot with one,
# changed and one cancelled; then everything the stack's sync delivered for them is
# searched for any rendering of those amounts (cents, dollars with and without
# separators, whole dollars): every request SCC and the calendar received, every
# DynamoDB item (read back with boto3 through the verifying proxy), every mail in
# maildev (text, HTML and raw source), the published page and the page nginx serves.
# SCC and DynamoDB may carry crew pay (the seed's event did); the calendar, the mails
# and the guest page carry no rate either, and no currency amount at all.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

[ -n "${CHARTER_SCC_PEER_URL:-}" ] || plan skip_all "this stack has no SCC peer (tests/stack down, then up)"
/usr/bin/python3 -c 'import boto3' 2>/dev/null || plan skip_all "no python3-boto3 for /usr/bin/python3"
PEER=$CHARTER_SCC_PEER_URL
MAIL=${CHARTER_MAIL_UI%/}
OPERATOR=$(sed -n 's/^CHARTER_CONTACT_EMAIL=//p' "$STACK_DIR/sync.env")
TAG=$(tr -dc a-z </dev/urandom | head -c 10) # no digits: they would be searched
sql() { psql -qAtX -c "$1"; }

# The amounts, and every way a page, a mail or a payload might write them.
REVENUE=9182736 PORT_FEE=564738 CAPTAIN_FEE=283746	# cents
CAPTAIN_RATE=4817 DECK_RATE=2963 SLOT_RATE=3719		# cents an hour
# forms CENTS: cents, dollars.cents with and without thousands separators, and whole
# dollars with separators (and without, when five digits or more: shorter ones could
# be any number).
forms() {
	local c=$1 d=$(($1 / 100)) r
	r=$(printf '%02d' $(($1 % 100)))
	printf '%s\n' "$c" "$d.$r" "$(echo "$d" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta').$r"
	[ "$d" -lt 1000 ] || printf '%s\n' "$(echo "$d" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')"
	[ "$d" -lt 10000 ] || printf '%s\n' "$d"
}
MONEY=$(for v in $REVENUE $PORT_FEE $CAPTAIN_FEE; do forms "$v"; done | sort -u)
RATES=$(for v in $CAPTAIN_RATE $DECK_RATE $SLOT_RATE; do forms "$v"; done | sort -u)
# found TEXT WORDS: the words (one a line) found in TEXT, space-separated.
found() {
	local w hits=
	while IFS= read -r w; do
		[ -n "$w" ] && [[ $1 == *"$w"* ]] && hits+="$w "
	done <<<"$2"
	printf '%s' "$hits"
}
is "$(printf '%s\n' "$MONEY" | tr '\n' ' ')" \
	"2,837 2,837.46 2837.46 283746 5,647 5,647.38 5647.38 564738 91,827 91,827.36 91827 91827.36 9182736 " \
	"the forms searched for (cents, dollars, with and without separators)"

api POST /api/crew "{\"name\":\"Cap $TAG\",\"email\":\"cap-$TAG@example.com\",\"roles\":[\"captain\"],\"hourly_rate_cents\":$CAPTAIN_RATE}"
cap=$(jbody .id)
api POST /api/crew "{\"name\":\"Deck $TAG\",\"email\":\"deck-$TAG@example.com\",\"roles\":[\"deckhand\"],\"hourly_rate_cents\":$DECK_RATE}"
deck=$(jbody .id)
[ -n "$cap" ] && [ -n "$deck" ] || bail_out "cannot create crew ($STATUS)"
starts=$(date -u -d '+35 days' +%Y-%m-%dT17:00:00Z) ends=$(date -u -d '+35 days' +%Y-%m-%dT22:00:00Z)
book() {
	api POST /api/bookings "{\"guest_name\":\"$1 $TAG\",\"guest_email\":\"$2-$TAG@example.com\",
		\"starts_at\":\"$starts\",\"ends_at\":\"$ends\",\"vessel\":\"Jada\",\"meeting_point\":\"Dock 5\",
		\"party_size\":6,\"checklist\":[\"Sunscreen\"],\"guest_notes\":\"See you aboard\",
		\"crew_notes\":\"Fuel first\",\"revenue_cents\":$REVENUE,\"port_fee_cents\":$PORT_FEE,
		\"captain_fee_cents\":$CAPTAIN_FEE,
		\"crew\":[{\"crew_id\":$cap,\"role\":\"captain\",\"captain\":true},{\"crew_id\":$deck,\"role\":\"deckhand\"}],
		\"open_slots\":[{\"role\":\"steward\",\"count\":1,\"hourly_rate_cents\":$SLOT_RATE}]}"
	[ "$STATUS" = 201 ] || { diag "booking: $STATUS $(body)"; return 1; }
	jbody .id
}
a=$(book Ada ada) || bail_out "cannot book"
b=$(book Bea bea) || bail_out "cannot book"
api PATCH "/api/bookings/$a" '{"party_size":7}'
api POST "/api/bookings/$b/cancel"
settled() {
	[ "$(sql "SELECT count(*) FROM outbox WHERE booking_id IN ($a, $b) AND state <> 'done' AND (due_at IS NULL OR due_at <= now())")" = 0 ]
}
eventually 30 settled; ok $? "every delivery for both bookings is done (SCC, calendar, DynamoDB, mail, publish)"

# --- what each target got
for id in $a $b; do curl -sf "$PEER/requests?booking=$id"; done |
	jq -s '[.[].requests[]]' >"$TAP_TMP/requests"
scc=$(jq -r '.[] | select(.api == "scc") | .raw' "$TAP_TMP/requests")
cal=$(jq -r '.[] | select(.api == "calendar") | .raw' "$TAP_TMP/requests")
is "$(jq '[.[] | select(.api == "scc")] | length >= 4' "$TAP_TMP/requests")/$(jq '[.[] | select(.api == "calendar")] | length >= 4' "$TAP_TMP/requests")" \
	true/true "SCC and the calendar got the creates, the change and the cancel"
like "$scc" "\"hourly_rate_cents\":$CAPTAIN_RATE" "SCC's events carry crew pay, as the seed's did (so the search below can see numbers)"
/usr/bin/python3 - "$a" "$b" >"$TAP_TMP/items" 2>"$TAP_TMP/boto.err" <<'EOF'
import json, os, sys
import boto3
c = boto3.client("dynamodb", endpoint_url=os.environ["CHARTER_DYNAMO_ENDPOINT"],
                 region_name=os.environ["CHARTER_AWS_REGION"],
                 aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                 aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
items = []
for b in sys.argv[1:]:
    items += c.query(TableName=os.environ["CHARTER_DYNAMO_TABLE"], ConsistentRead=True,
                     KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": {"S": "booking#" + b}})["Items"]
json.dump(items, sys.stdout)
EOF
is "$(jq -r '[.[].sk.S] | sort | join(" ")' "$TAP_TMP/items")" \
	"crew#$cap crew#$cap crew#$deck crew#$deck event event" \
	"boto3, through the verifying proxy, reads back each booking's item and one per crew member" ||
	diag "$(cat "$TAP_TMP/boto.err")"
items=$(cat "$TAP_TMP/items")
mails=$(for to in "ada-$TAG@example.com" "bea-$TAG@example.com" "$OPERATOR"; do
	curl -sfG "$MAIL/email" --data-urlencode "to.address=$to"; done |
	jq -s --arg t "$TAG" '[.[][] | select((.subject + .text) | contains($t))]')
is "$(jq length <<<"$mails")" 3 "maildev has the two confirmations and the notice of the cancel"
mail_text=$(jq -r '.[] | .subject, .text, .html' <<<"$mails")
mail_src=$(for m in $(jq -r '.[].id' <<<"$mails"); do curl -sf "$MAIL/email/$m/source"; done)
slug=$(sql "SELECT slug FROM bookings WHERE id = $a")
page=$(cat "$CHARTER_PUBLISH_DIR/g/$slug.html" 2>/dev/null)
http GET "$CHARTER_PUBLIC_URL/g/$slug"
served=$(body)
like "$page" "Ada $TAG" "the published page is there"
is "$STATUS" 200 "and nginx serves it"

# --- no money anywhere; no rate where none belongs
api GET "/api/bookings/$a"
is "$(found "$(body)" "$MONEY")" "283746 564738 91827 9182736 " \
	"(the search finds the amounts where they are: the staff API's answer)"
is "$(found "$scc" "$MONEY")" "" "SCC: no revenue, port fee or captain fee in any form, in any request"
is "$(found "$items" "$MONEY")" "" "DynamoDB: none in any item"
is "$(found "$cal" "$MONEY$(printf '\n')$RATES")" "" "calendar: no money and no hourly rate in any request"
unlike "$cal" "$MONEY_RE" "calendar: no currency amount"
is "$(found "$mail_src$mail_text" "$MONEY$(printf '\n')$RATES")" "" "mail: no money and no rate in any mail (source, text, HTML)"
unlike "$mail_text" "$MONEY_RE" "mail: no currency amount"
is "$(found "$page$served" "$MONEY$(printf '\n')$RATES")" "" "guest page: no money and no rate, published or served"
unlike "$page$served" "$MONEY_RE" "guest page: no currency amount"
leaks=$(grep -oiE 'revenue|port_fee|captain_fee|net_cents|margin_pct' <<<"$scc$items$cal$mail_src$page" | sort -u | tr '\n' ' ')
is "$leaks" "" "no money field by name anywhere"
no_worker_crashed
done_testing
