#!/bin/bash
# bad-input.sh: hostile and malformed requests get a clear 4xx and no crash
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

day() { date -u -d "+$1 days" +%Y-%m-%dT17:00:00Z; }
starts=$(day 20); ends=$(day 21)
good="{\"guest_name\":\"Bad Input\",\"starts_at\":\"$starts\",\"ends_at\":\"$ends\",\"vessel\":\"Jada\",\"checklist\":[],\"revenue_cents\":1,\"port_fee_cents\":0,\"captain_fee_cents\":0}"
with() { jq -c "$1" <<<"$good"; }

api POST /api/bookings '{"guest_name": "x",'
is "$STATUS/$(jbody .error)" "400/malformed_json" "malformed JSON is 400"
api POST /api/bookings '[1,2,3]'
is "$STATUS/$(jbody .error)" "400/wrong_type" "a JSON array instead of an object is 400"
api POST /api/bookings "$(with '.revenue_cents = "lots"')"
is "$STATUS/$(jbody .field)" "400/revenue_cents" "string for cents is 400 on that field"
api POST /api/bookings "$(with '.checklist = "sunscreen"')"
is "$STATUS/$(jbody .field)" "400/checklist" "string for a list is 400"
api POST /api/bookings "$(with '.port_fee_cents = -5')"
is "$STATUS/$(jbody .field)" "400/port_fee_cents" "negative cents is 400"
api POST /api/bookings "$(with '.ends_at = .starts_at')"
is "$STATUS/$(jbody .field)" "400/ends_at" "ends_at not after starts_at is 400"
api POST /api/bookings "$(with '.favourite_colour = "blue"')"
is "$STATUS/$(jbody .error)/$(jbody .field)" "400/unknown_field/favourite_colour" "unknown field is 400 and named"
api POST /api/bookings "$(with 'del(.vessel)')"
is "$STATUS/$(jbody .error)/$(jbody .field)" "400/missing/vessel" "missing field is 400 and named"
api POST /api/bookings "$(with '.starts_at = "2026-13-01T10:00:00Z"')"
is "$STATUS/$(jbody .field)" "400/starts_at" "impossible date is 400"
api POST /api/bookings "$(with '.starts_at = "2026-12-01T10:00:00"')"
is "$STATUS/$(jbody .field)" "400/starts_at" "time without an offset is 400"
api POST /api/bookings '{"a":1,"a":2}'
is "$STATUS" 400 "duplicate keys are 400"
api POST /api/bookings "$(printf '%.0s[' $(seq 1 100))"
is "$STATUS" 400 "deep nesting is 400"

for s in '../etc/passwd' 'UPPER' "$(printf 'a%.0s' $(seq 1 200))" 'a' '' '-ab' 'ab-' 'a_b'; do
	api POST /api/bookings "$(jq -c --arg s "$s" '.slug = $s' <<<"$good")"
	is "$STATUS/$(jbody .field)" "400/slug" "slug '${s:0:20}' is refused on create"
done
for s in '..%2Fetc%2Fpasswd' 'UPPER' "$(printf 'a%.0s' $(seq 1 200))" 'a' 'a_b'; do
	http GET "$CHARTER_PUBLIC_URL/g/$s"
	is "$STATUS" 404 "guest page for slug '${s:0:20}' is 404"
done
for s in '%00' 'a%0Ab' '%C3%28'; do
	http GET "$CHARTER_PUBLIC_URL/g/$s"
	is "$STATUS" 400 "guest page for slug '$s' (control or invalid UTF-8) is 400"
done
http GET "$CHARTER_PUBLIC_URL/g/"
like "$STATUS" '^40[04]$' "guest page with an empty slug is 404"

# Invalid UTF-8 in a JSON body.
printf '{"guest_name":"\xc3\x28"}' >"$TAP_TMP/bad.json"
http POST "$CHARTER_API_URL/api/bookings" -H "X-Service-Key: $CHARTER_SERVICE_KEY" \
	-H 'Content-Type: application/json' --data-binary "@$TAP_TMP/bad.json"
is "$STATUS/$(jbody .error)" "400/invalid_utf8" "invalid UTF-8 is 400"

# Body over 1 MiB.
head -c $((1024 * 1024 + 10)) /dev/zero | tr '\0' ' ' >"$TAP_TMP/big.json"
http POST "$CHARTER_API_URL/api/bookings" -H "X-Service-Key: $CHARTER_SERVICE_KEY" \
	-H 'Content-Type: application/json' --data-binary "@$TAP_TMP/big.json"
is "$STATUS" 413 "body over 1 MiB is 413"
http POST "$CHARTER_PUBLIC_URL/g/whatever-slug/photos" -H 'Content-Type: application/json' \
	--data-binary "@$TAP_TMP/big.json"
is "$STATUS" 413 "public body over 1 MiB is 413"

# Wrong content type.
http POST "$CHARTER_API_URL/api/bookings" -H "X-Service-Key: $CHARTER_SERVICE_KEY" \
	-H 'Content-Type: text/plain' --data-binary "$good"
is "$STATUS/$(jbody .error)" "415/unsupported_media_type" "JSON sent as text/plain is 415"

# Service key.
http POST "$CHARTER_API_URL/api/bookings" -H 'Content-Type: application/json' --data-binary "$good"
is "$STATUS/$(jbody .error)" "401/unauthorized" "missing service key is 401"
http POST "$CHARTER_API_URL/api/bookings" -H "X-Service-Key: ${CHARTER_SERVICE_KEY}x" \
	-H 'Content-Type: application/json' --data-binary "$good"
is "$STATUS" 401 "wrong service key is 401"
http POST "$CHARTER_API_URL/api/bookings" -H "X-Dashboard-Token: $CHARTER_DASHBOARD_TOKEN" \
	-H 'Content-Type: application/json' --data-binary "$good"
is "$STATUS" 401 "dashboard token cannot write bookings"
http POST "$CHARTER_PUBLIC_URL/api/bookings" -H "X-Service-Key: $CHARTER_SERVICE_KEY" \
	-H 'Content-Type: application/json' --data-binary "$good"
is "$STATUS" 404 "/api/ on the public port is 404"

# Methods.
http DELETE "$CHARTER_API_URL/api/crew" -H "X-Service-Key: $CHARTER_SERVICE_KEY"
is "$STATUS" 405 "DELETE on /api/crew is 405"
like "$(header allow)" 'GET.*POST' "405 lists the allowed methods"

# 10,000 query parameters.
q=$(for i in $(seq 1 10000); do printf 'p%d=1&' "$i"; done)
http GET "$CHARTER_PUBLIC_URL/g/some-slug-here?$q"
like "$STATUS" '^(400|414)$' "10,000 query parameters are refused (got $STATUS)"
q=$(for i in $(seq 1 100); do printf 'p%d=1&' "$i"; done)
http GET "$CHARTER_PUBLIC_URL/g/some-slug-here?$q"
is "$STATUS" 400 "100 query parameters are refused by charterd"
like "$(header content-type)" '^text/html' "as an HTML page on a page route"
http GET "$CHARTER_PUBLIC_URL/g/some-slug-here/photos?$q"
is "$STATUS/$(jbody .error)" "400/too_many_parameters" "and as JSON on a JSON route"

# A 64 KiB cookie.
cookie=$(head -c 65536 /dev/zero | tr '\0' 'c')
http GET "$CHARTER_PUBLIC_URL/g/some-slug-here" -H "Cookie: big=$cookie"
like "$STATUS" '^(400|431|494)$' "64 KiB cookie is refused (got $STATUS)"
cookie=$(head -c 6000 /dev/zero | tr '\0' 'c')
http GET "$CHARTER_PUBLIC_URL/g/some-slug-here" -H "Cookie: a=$cookie; b=$cookie"
is "$STATUS" 400 "12 KiB of cookies are refused by charterd"

# Still alive after all that.
http GET "$CHARTER_PUBLIC_URL/healthz"
is "$STATUS" 200 "server still healthy"
no_worker_crashed
done_testing
