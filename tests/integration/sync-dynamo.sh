#!/bin/bash
# sync-dynamo.sh: charterd sync writes each booking to DynamoDB (dynalite behind the
# botocore SigV4-verifying proxy) as versioned conditional items, one for the booking
# and one per assignment, with no money in any of them; an older version never
# overwrites a newer one; a 403 leaves the row dead with its message until retried;
# `charterd dynamo create-table` is idempotent; and the proxy, not dynalite, judges
# signatures
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

/usr/bin/python3 -c 'import botocore' 2>/dev/null || plan skip_all "no botocore for /usr/bin/python3"

run=$$-$RANDOM
control="$CHARTER_DYNAMO_ENDPOINT/__proxy__/keys"
sql() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
day() { date -u -d "+$1 days" +%Y-%m-%dT17:00:00Z; }
# proxy_secret [SECRET]: the secret the proxy expects from now on (none: the real one).
proxy_secret() {
	curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary "{${1:+\"secret_key\":\"$1\"}}" "$control"
}
trap 'st=$?; proxy_secret >/dev/null; (exit $st); _tap_exit' EXIT

# create_table [SECRET]: `charterd dynamo create-table` with the stack's settings.
create_table() {
	env -i PATH=/usr/bin:/bin LANG=C.UTF-8 ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} \
		CHARTER_LOG_LEVEL=warn CHARTER_DYNAMO_ENDPOINT="$CHARTER_DYNAMO_ENDPOINT" \
		CHARTER_DYNAMO_TABLE="$CHARTER_DYNAMO_TABLE" CHARTER_AWS_REGION="$CHARTER_AWS_REGION" \
		AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="${1:-$AWS_SECRET_ACCESS_KEY}" \
		"$CHARTERD" dynamo create-table >"$TAP_TMP/ct.out" 2>&1
}

# judge ENDPOINT: how ENDPOINT answers, through botocore's signer, a right signature, a
# wrong secret, a changed body, another region, an old date and UNSIGNED-PAYLOAD: one
# "case status type" line each.
judge() {
	/usr/bin/python3 - "$1" <<-'EOF'
	import http.client, json, os, sys, time, urllib.parse
	from botocore.auth import SigV4Auth
	from botocore.awsrequest import AWSRequest
	from botocore.credentials import Credentials
	ep = sys.argv[1]
	u = urllib.parse.urlsplit(ep)
	region = os.environ["CHARTER_AWS_REGION"]
	key, secret = os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]
	def send(case, body=b'{"Limit":5}', sign_body=None, secret_key=secret, reg=region,
	         stamp=None, extra=None):
	    rq = AWSRequest(method="POST", url=ep + "/", data=sign_body or body, headers={
	        "Content-Type": "application/x-amz-json-1.0",
	        "X-Amz-Target": "DynamoDB_20120810.ListTables", **(extra or {})})
	    # add_auth() with a timestamp of our choosing
	    s = SigV4Auth(Credentials(key, secret_key), "dynamodb", reg)
	    rq.context["timestamp"] = stamp or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
	    s._modify_request_before_signing(rq)
	    s._inject_signature_to_request(rq, s.signature(s.string_to_sign(rq,
	        s.canonical_request(rq)), rq))
	    h = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
	    h.request("POST", "/", body=body, headers=dict(rq.headers.items()))
	    r = h.getresponse()
	    t = json.loads(r.read() or b"{}").get("__type", "-").split("#")[-1]
	    print(case, r.status, t)
	send("right")
	send("wrong-secret", secret_key="not-" + secret)
	send("changed-body", body=b'{"Limit":6}', sign_body=b'{"Limit":5}')
	send("other-region", reg="eu-central-1")
	send("old-date", stamp="20200101T000000Z")
	send("unsigned-payload", extra={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
	EOF
}

# raw OP JSON: one DynamoDB call straight to dynalite, which reads no signature (what
# the proxy checks is proven above); prints the answer. Quicker than botocore, so
# tests can poll.
raw() {
	curl -s --max-time 10 -H "X-Amz-Target: DynamoDB_20120810.$1" \
		-H 'Content-Type: application/x-amz-json-1.0' -H "X-Amz-Date: $(date -u +%Y%m%dT%H%M%SZ)" \
		-H "Authorization: AWS4-HMAC-SHA256 Credential=$AWS_ACCESS_KEY_ID/$(date -u +%Y%m%d)/$CHARTER_AWS_REGION/dynamodb/aws4_request, SignedHeaders=host, Signature=0" \
		--data-binary "$2" "$CHARTER_DYNAMO_RAW_ENDPOINT/"
}
# typed ID: the booking's items as DynamoDB stores them (typed JSON, every attribute).
typed() {
	raw Query "{\"TableName\":\"$CHARTER_DYNAMO_TABLE\",\"ConsistentRead\":true,
		\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"booking#$1\"}}}"
}
# items ID: the same as one object {sk: item with plain values}.
items() {
	typed "$1" | jq -c 'def plain: if has("S") then .S elif has("N") then (.N | tonumber)
		elif has("BOOL") then .BOOL elif has("NULL") then null elif has("L") then (.L | map(plain))
		elif has("M") then (.M | map_values(plain)) else error("type \(keys)") end;
		.Items | map({key: .sk.S, value: map_values(plain)}) | from_entries'
}
# item_field ID SK FILTER: jq FILTER on the item SK of booking ID.
item_field() { items "$1" | jq -r --arg sk "$2" ".[\$sk] | $3"; }
# put_newer ID VERSION: another writer's newer item for the booking.
put_newer() {
	raw PutItem "{\"TableName\":\"$CHARTER_DYNAMO_TABLE\",\"Item\":{\"pk\":{\"S\":\"booking#$1\"},
		\"sk\":{\"S\":\"event\"},\"version\":{\"N\":\"$2\"},\"status\":{\"S\":\"written by another writer\"}}}"
}
# wait_field ID SK FILTER WANT: until the item's field reads WANT (5 s).
wait_field() { eventually 15 test "$(item_field "$1" "$2" "$3")" = "$4"; }
row_state() { sql "SELECT state FROM outbox WHERE target = 'dynamo' AND booking_id = $1 AND version = $2"; }

# -- charterd dynamo create-table ----------------------------------------------------
create_table; st=$?
is "$st" 0 "dynamo create-table on the stack's table: exit 0" || diag "$(cat "$TAP_TMP/ct.out")"
create_table; st=$?
is "$st" 0 "dynamo create-table again: exit 0 (idempotent)" || diag "$(cat "$TAP_TMP/ct.out")"
like "$(cat "$TAP_TMP/ct.out")" "table $CHARTER_DYNAMO_TABLE: exists already" "and says the table was there"
like "$(cat "$TAP_TMP/ct.out")" "ACTIVE" "and that it is ACTIVE"
create_table "wrong-$AWS_SECRET_ACCESS_KEY"; st=$?
is "$st" 1 "with a wrong secret: exit 1"
like "$(cat "$TAP_TMP/ct.out")" "DescribeTable: 403 InvalidSignatureException: The request signature" \
	"naming the operation, status and DynamoDB's error"

# -- the proxy judges signatures, not dynalite ----------------------------------------
judged=$(judge "$CHARTER_DYNAMO_ENDPOINT" 2>&1 | tr '\n' ' ')
is "$judged" "right 200 - wrong-secret 403 InvalidSignatureException changed-body 403 InvalidSignatureException other-region 403 InvalidSignatureException old-date 403 InvalidSignatureException unsigned-payload 403 InvalidSignatureException " \
	"through the proxy: the right signature passes; wrong secret, changed body, other region, old date and UNSIGNED-PAYLOAD are 403"
direct=$(judge "$CHARTER_DYNAMO_RAW_ENDPOINT" 2>&1 | tr '\n' ' ')
is "$direct" "right 200 - wrong-secret 200 - changed-body 200 - other-region 200 - old-date 200 - unsigned-payload 200 - " \
	"dynalite alone accepts every one of them"

# -- a booking with crew and distinctive money ---------------------------------------
api POST /api/crew "{\"name\":\"Dana \\\"Cap\\\" Ortiz $run\",\"email\":\"dana-$run@example.com\",\"hourly_rate_cents\":6100}"
dana=$(jbody .id)
api POST /api/crew "{\"name\":\"Eli Deck $run\",\"email\":\"eli-$run@example.com\",\"hourly_rate_cents\":3300}"
eli=$(jbody .id)
api POST /api/crew "{\"name\":\"Fay Deck $run\",\"email\":\"fay-$run@example.com\",\"hourly_rate_cents\":3200}"
fay=$(jbody .id)
starts=$(day 12); ends=$(date -u -d "$starts + 4 hours" +%Y-%m-%dT%H:%M:%SZ)
api POST /api/bookings "{\"guest_name\":\"Zoë Dynamo\",\"starts_at\":\"$starts\",\"ends_at\":\"$ends\",
 \"vessel\":\"Jada\",\"crew_notes\":\"Dock B, slip 7\",\"revenue_cents\":1234567,\"port_fee_cents\":2345678,
 \"captain_fee_cents\":3456789,\"crew\":[{\"crew_id\":$dana,\"role\":\"captain\",\"captain\":true},
 {\"crew_id\":$eli,\"role\":\"deckhand\"}]}"
is "$STATUS" 201 "booking with two crew created"
id=$(jbody .id)
wait_field "$id" event .version 1; ok $? "the booking's item appears at version 1"
is "$(item_field "$id" event '.pk + " " + .sk + " " + .status + " " + .guest_name')" \
	"booking#$id event confirmed Zoë Dynamo" "pk booking#<id>, sk event, from the crew projection"
is "$(item_field "$id" event '.crew | map(.name) | join(",")')" "Dana \"Cap\" Ortiz $run,Eli Deck $run" \
	"it lists the crew"
is "$(item_field "$id" "crew#$dana" '[.role, .captain, .status, .name, .version] | join("|")')" \
	"captain|true|pending|Dana \"Cap\" Ortiz $run|1" "one item per assignment: role, captain, response, name, version"
is "$(item_field "$id" "crew#$eli" '[.role, .captain, .status, .version] | join("|")')" \
	"deckhand|false|pending|1" "the second crew member's item"

# every attribute of every item, for the money check
money_free() {
	local all=$1 v found=
	for v in 1234567 12345.67 12,345.67 2345678 23456.78 23,456.78 3456789 34567.89 34,567.89 \
		revenue port_fee captain_fee; do
		[[ $all == *"$v"* ]] && found+=" $v"
	done
	[ -z "$found" ] || { diag "found:$found"; return 1; }
	! [[ $all =~ $MONEY_RE ]] || { diag "a currency amount: ${BASH_REMATCH[0]}"; return 1; }
}
money_free "$(typed "$id")"; ok $? "no revenue, port fee or captain fee in any item, in any rendering"

# -- a PATCH bumps the version everywhere -------------------------------------------
api PATCH "/api/bookings/$id" '{"vessel":"Sea Otter"}'
is "$STATUS/$(jbody .version)" 200/2 "PATCH moves the booking to version 2"
wait_field "$id" event .version 2; ok $? "the booking's item follows to version 2"
is "$(item_field "$id" event .vessel)/$(item_field "$id" "crew#$eli" .version)" "Sea Otter/2" \
	"with the change, and the crew items at version 2 too"

# -- a 403: the row dies with DynamoDB's message; other rows go on --------------------
is "$(proxy_secret "not-the-real-one")" 200 "the proxy now expects another secret"
api PATCH "/api/bookings/$id" "{\"meeting_point\":\"Dock C\",\"crew\":[{\"crew_id\":$dana,\"role\":\"captain\",
 \"captain\":true},{\"crew_id\":$eli,\"role\":\"deckhand\"},{\"crew_id\":$fay,\"role\":\"deckhand\"}]}"
is "$(jbody .version)" 3 "PATCH to version 3 (Fay joins) while DynamoDB refuses charterd's signature"
eventually 10 test "$(row_state "$id" 3)" = dead; ok $? "the row is dead at once (a 403 is not retried)"
api GET /api/sync
is "$STATUS" 200 "GET /api/sync"
err=$(jbody "[.dynamo.dead[] | select(.booking_id == $id)][0].last_error")
like "$err" '^PutItem: 403 InvalidSignatureException: The request signature we calculated does not match' \
	"GET /api/sync shows the dead row with DynamoDB's 403 and message"
unlike "$err" "Canonical|$AWS_SECRET_ACCESS_KEY|Credential=|Signature=" \
	"and not the canonical request AWS appends, nor any credential"
is "$(item_field "$id" event .version)" 2 "DynamoDB still holds version 2"
is "$(proxy_secret)" 200 "the proxy expects the real secret again"

# -- version 4 takes Eli off; then the dead version 3 is retried ---------------------
api PATCH "/api/bookings/$id" "{\"crew\":[{\"crew_id\":$dana,\"role\":\"captain\",\"captain\":true}]}"
is "$(jbody .version)" 4 "PATCH to version 4 takes Eli and Fay off the booking"
wait_field "$id" event .version 4; ok $? "version 4 is delivered: a dead row does not block its booking"
is "$(item_field "$id" "crew#$eli" '.status + " " + (.version | tostring)')" "withdrawn 4" \
	"Eli's item is marked withdrawn at version 4 (history kept)"
is "$(item_field "$id" "crew#$dana" .version)" 4 "Dana's item at version 4"
dead=$(sql "SELECT id FROM outbox WHERE target = 'dynamo' AND booking_id = $id AND version = 3")
api POST "/api/sync/$dead/retry"
is "$STATUS" 200 "the dead version-3 row is retried from the API"
eventually 10 test "$(row_state "$id" 3)" = "done"; ok $? "an older version counts as delivered (ConditionalCheckFailed)"
is "$(item_field "$id" event '.version | tostring')/$(item_field "$id" event .meeting_point)" "4/Dock C" \
	"the item keeps version 4"
is "$(item_field "$id" "crew#$eli" '.status + " " + (.version | tostring)')" "withdrawn 4" \
	"the replay of version 3 did not bring Eli back"
is "$(item_field "$id" "crew#$fay" '.status')" null "nor write Fay, who joined and left while it was dead"
like "$(grep "booking $id: DynamoDB holds version 4, newer than 3" "$STACK_LOG_DIR/sync.log")" "nothing written" \
	"sync's log says why nothing was written"

# -- another writer's newer item wins over ours ---------------------------------------
put_newer "$id" 99 >/dev/null
api PATCH "/api/bookings/$id" '{"vessel":"Jada"}'
is "$(jbody .version)" 5 "PATCH to version 5 after someone wrote version 99"
eventually 10 test "$(row_state "$id" 5)" = "done"; ok $? "version 5 counts as delivered"
is "$(item_field "$id" event '.version | tostring')/$(item_field "$id" event .status)" \
	"99/written by another writer" "the newer item is left as it is"

# -- without sync_refs, DynamoDB is asked which crew items there are ------------------
api POST /api/bookings "{\"guest_name\":\"Cancel Me\",\"starts_at\":\"$starts\",\"ends_at\":\"$ends\",
 \"vessel\":\"Jada\",\"revenue_cents\":1234567,\"port_fee_cents\":2345678,\"captain_fee_cents\":3456789,
 \"crew\":[{\"crew_id\":$eli,\"role\":\"deckhand\"},{\"crew_id\":$fay,\"role\":\"deckhand\"}]}"
cid=$(jbody .id)
wait_field "$cid" "crew#$fay" .version 1; ok $? "a second booking, with Eli and Fay"
# The item is written before the delivery is recorded in sync_refs: wait for that too,
# or the DELETE below can come first and the lost refs be written again after it.
eventually 15 test "$(row_state "$cid" 1)" = done; ok $? "  its delivery recorded"
sql "DELETE FROM sync_refs WHERE target = 'dynamo' AND booking_id = $cid"
api PATCH "/api/bookings/$cid" "{\"crew\":[{\"crew_id\":$eli,\"role\":\"deckhand\"}]}"
is "$(jbody .version)" 2 "  Fay taken off it (version 2)"
wait_field "$cid" "crew#$fay" '.status + " " + (.version | tostring)' "withdrawn 2"
ok $? "with sync_refs lost, Fay's item is found by a Query and marked withdrawn" || {
	diag "items: $(items "$cid")"
	diag "outbox: $(sql "SELECT id, version, state, attempts, last_error FROM outbox WHERE target = 'dynamo' AND booking_id = $cid")"
	diag "sync_refs: $(sql "SELECT external_id, version FROM sync_refs WHERE target = 'dynamo' AND booking_id = $cid")"
	diag "sync.log: $(grep -aE "booking[= ]$cid\b" "$STACK_LOG_DIR/sync.log" | tail -8)"
}

# -- a cancel stores status cancelled at its version ---------------------------------
api POST "/api/bookings/$cid/cancel"
is "$STATUS" 200 "second booking cancelled"
wait_field "$cid" event .status cancelled; ok $? "its item says cancelled"
is "$(item_field "$cid" event .version)/$(item_field "$cid" "crew#$eli" .booking_status)" "3/cancelled" \
	"at the cancel's version, and the crew item knows the booking is cancelled"
is "$(sql "SELECT count(*) FROM outbox WHERE target = 'dynamo' AND booking_id IN ($id, $cid) AND state <> 'done'")" 0 \
	"every DynamoDB row of both bookings is done"
money_free "$(typed "$id")$(typed "$cid")"; ok $? "no money in any item of either booking at the end"
no_worker_crashed
done_testing
