#!/bin/bash
# photos.sh: guest photo uploads end to end: presign inside the window, PUT to
# the SigV4-verifying store, complete, gallery; refusals by charterd and by the store
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

run=$$-$RANDOM
t() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
pub=$CHARTER_PUBLIC_URL

# booking NAME STARTS ENDS [OPENS CLOSES]: creates one; sets B_ID and B_SLUG.
booking() {
	local w=''
	[ $# -ge 5 ] && w=",\"upload_opens_at\":\"$4\",\"upload_closes_at\":\"$5\""
	api POST /api/bookings "{\"guest_name\":\"$1 $run\",\"starts_at\":\"$2\",\"ends_at\":\"$3\",\"vessel\":\"Jada\",\"revenue_cents\":100000,\"port_fee_cents\":0,\"captain_fee_cents\":0$w}"
	B_ID=$(jbody .id)
	B_SLUG=$(jbody .slug)
	[ "$STATUS" = 201 ] || diag "booking $1: $STATUS $(body)"
}

# presign SLUG JSON: POST /g/<slug>/photos.
presign() {
	http POST "$pub/g/$1/photos" -H 'Content-Type: application/json' --data-binary "$2"
}
jpeg() { printf '{"filename":"%s","content_type":"image/jpeg","size":%s}' "$1" "$2"; }

# complete SLUG PHOTO_ID
complete() { http POST "$pub/g/$1/photos/$2/complete" -H 'Content-Type: application/json' --data-binary '{}'; }

# put URL FILE [CONTENT_TYPE]: PUT the file to a presigned URL; prints the status.
put() {
	curl -sS -g -o "$TAP_TMP/put.out" -w '%{http_code}' --max-time 15 -X PUT \
		-H "Content-Type: ${3:-image/jpeg}" --data-binary "@$2" -- "$1" 2>/dev/null || true
}

# json_error DESC: the last body is {"error": str, "message": str, ...}.
json_error() {
	is "$(jbody '(.error|type) + "/" + (.message|type) + "/" + ((.message|length) > 0 | tostring)')" \
		"string/string/true" "$1: body has error and message"
}

# tamper URL: flips the last hex digit of X-Amz-Signature.
tamper() {
	local u=$1 last=${1: -1} new
	case $last in 0) new=1 ;; *) new=0 ;; esac
	printf '%s%s' "${u%?}" "$new"
}

# -- bookings ------------------------------------------------------------------
booking Open "$(t '+1 hour')" "$(t '+5 hours')" "$(t '-1 hour')" "$(t '+2 hours')"
is "$STATUS" 201 "booking with an open upload window"
open_id=$B_ID open_slug=$B_SLUG
# Closes ~3 s from now: its presigned PUT lives only until then.
booking Brief "$(t '+1 hour')" "$(t '+5 hours')" "$(t '-1 hour')" "$(t '+3 seconds')"
brief_slug=$B_SLUG
presign "$brief_slug" "$(jpeg brief.jpg 4)"
is "$STATUS" 201 "presign on a window about to close"
brief_url=$(jbody .upload.url)
brief_exp=$(date -u -d "$(jbody .expires_at)" +%s 2>/dev/null || echo 0)
left=$((brief_exp - $(date +%s)))
[ "$left" -le 3 ] && [ "$left" -ge 0 ]; ok $? "expires_at is min(15 min, closes_at - now) ($left s)"
like "$brief_url" 'X-Amz-Expires=[1-3]&' "the URL itself carries that short lifetime"

booking Other "$(t '+1 hour')" "$(t '+5 hours')" "$(t '-1 hour')" "$(t '+2 hours')"
other_slug=$B_SLUG
booking Future "$(t '+10 days')" "$(t '+10 days 4 hours')"
is "$STATUS" 201 "booking 10 days ahead (default window)"
future_slug=$B_SLUG
booking Past "$(t '-10 days')" "$(t '-10 days +4 hours')"
is "$STATUS" 201 "booking 10 days ago (default window)"
past_slug=$B_SLUG
booking Gone "$(t '+1 hour')" "$(t '+5 hours')" "$(t '-1 hour')" "$(t '+2 hours')"
gone_id=$B_ID gone_slug=$B_SLUG
api POST "/api/bookings/$gone_id/cancel"
is "$STATUS" 200 "one booking cancelled"

# -- the happy path ----------------------------------------------------------------
head -c 3000 /dev/urandom >"$TAP_TMP/photo.jpg"
presign "$open_slug" "$(jpeg ../../etc/passwd.jpg 3000)"
is "$STATUS" 201 "presign inside the window is 201"
pid=$(jbody .photo_id) key=$(jbody .key) url=$(jbody .upload.url) exp=$(jbody .expires_at)
like "$pid" '^[0-9a-f]{32}$' "photo_id is 32 hex digits"
is "$key" "photos/$open_id/$pid.jpg" "key is photos/<booking_id>/<photo_id>.jpg"
unlike "$key$url" 'passwd|etc|\.\.' "the guest's filename never reaches the key or URL"
is "$(jbody .upload.method)" PUT "upload.method is PUT"
is "$(jbody '.upload.headers | keys | join(",")')/$(jbody '.upload.headers["Content-Type"]')" \
	"Content-Type/image/jpeg" "upload.headers is exactly Content-Type"
like "$url" "^$CHARTER_S3_ENDPOINT/" "upload URL points at the configured store"
is "$(header cache-control)" no-store "presign answer is not cached"
secs=$(( $(date -u -d "$exp" +%s 2>/dev/null || echo 0) - $(date +%s) ))
[ "$secs" -gt 880 ] && [ "$secs" -le 900 ]; ok $? "expires_at is at most 15 min away ($secs s)"

complete "$open_slug" "$pid"
is "$STATUS/$(jbody .error)" "409/not_uploaded" "complete before the PUT is 409 not_uploaded"
json_error "409 not_uploaded"
is "$(put "$url" "$TAP_TMP/photo.jpg")" 200 "PUT with exactly the given headers is 200"
complete "$other_slug" "$pid"
is "$STATUS/$(jbody .error)" "404/not_found" "complete under another booking's slug is 404"
json_error "404 foreign photo"
complete "$open_slug" "${pid:0:31}"
is "$STATUS" 404 "complete with a 31-digit id is 404"
json_error "404 short id"
complete "$open_slug" "$(printf 'Z%.0s' {1..32})"
is "$STATUS" 404 "complete with a 32-char non-hex id is 404"
complete "$open_slug" "$(printf '0%.0s' {1..32})"
is "$STATUS" 404 "complete with an unknown well-formed id is 404"
complete "$open_slug" "$pid"
is "$STATUS/$(jbody .status)/$(jbody .photo_id)" "200/uploaded/$pid" "complete after the PUT is 200 uploaded"
complete "$open_slug" "$pid"
is "$STATUS/$(jbody .status)" "200/uploaded" "complete twice is 200 again"

# -- the store refuses what was not signed ------------------------------------------
head -c 100 /dev/urandom >"$TAP_TMP/small.jpg"
head -c 101 /dev/urandom >"$TAP_TMP/small+1.jpg"
presign "$open_slug" "$(jpeg small.jpg 100)"
pid2=$(jbody .photo_id) url2=$(jbody .upload.url)
is "$(put "$(tamper "$url2")" "$TAP_TMP/small.jpg")" 403 "PUT with one hex digit of the signature changed is 403"
is "$(put "$url2" "$TAP_TMP/small.jpg" image/png)" 403 "PUT with another Content-Type is 403"
is "$(put "$url2" "$TAP_TMP/small+1.jpg")" 403 "PUT one byte longer than announced is 403"
complete "$open_slug" "$pid2"
is "$STATUS/$(jbody .error)" "409/not_uploaded" "nothing reached the store after the refused PUTs"
is "$(put "$url2" "$TAP_TMP/small.jpg")" 200 "the same URL with the right bytes and headers is 200"
complete "$open_slug" "$pid2"
is "$STATUS" 200 "second photo completed"

# The proxy is what judges: s3rver runs with --allow-mismatched-signatures and
# only knows its own S3RVER account, so it takes a tampered signature as long
# as the access key is one it knows, and anonymous requests (what the proxy
# forwards) without question.
presign "$open_slug" "$(jpeg raw.jpg 100)"
bad=$(tamper "$(jbody .upload.url)")
is "$(put "$bad" "$TAP_TMP/small.jpg")" 403 "the verifying proxy refuses a tampered URL"
like "$(cat "$TAP_TMP/put.out")" '<Code>SignatureDoesNotMatch</Code>' "because the signature does not match"
rawbad=$CHARTER_S3_RAW_ENDPOINT${bad#"$CHARTER_S3_ENDPOINT"}
rawbad=${rawbad/X-Amz-Credential=$AWS_ACCESS_KEY_ID%2F/X-Amz-Credential=S3RVER%2F}
is "$(put "$rawbad" "$TAP_TMP/small.jpg")" 200 "raw s3rver accepts the same tampered signature (under its own key id)"
is "$(put "${rawbad%%\?*}" "$TAP_TMP/small.jpg")" 200 "raw s3rver accepts an unsigned PUT"
is "$(put "${bad%%\?*}" "$TAP_TMP/small.jpg")" 403 "while the proxy refuses the unsigned PUT"

# -- the gallery ------------------------------------------------------------------------
http GET "$pub/g/$open_slug/photos"
is "$STATUS" 200 "gallery list is 200"
is "$(jbody .window.open)/$(jbody .window.state)" "true/open" "window reported open"
is "$(jbody .quota)/$(jbody .max_bytes)" "500/26214400" "quota 500 and max_bytes 25 MB reported"
is "$(jbody .used)" 3 "used counts the uploaded photos and the live presigns"
is "$(jbody '[.photos[].photo_id] | sort | join(",")')" "$(printf '%s\n' "$pid" "$pid2" | sort | paste -sd,)" \
	"only the two completed photos are listed"
gurl=$(jbody ".photos[] | select(.photo_id == \"$pid\") | .url")
is "$(jbody ".photos[] | select(.photo_id == \"$pid\") | .content_type + \"/\" + (.size|tostring)")" \
	"image/jpeg/3000" "listed photo has its type and size"
is "$(jbody '[.photos[] | has("key")] | any')" false "gallery does not expose object keys"
like "$gurl" "^$CHARTER_S3_ENDPOINT/" "gallery url goes through the verifying store"
st=$(curl -sS -g -o "$TAP_TMP/got.jpg" -w '%{http_code}' --max-time 15 -- "$gurl" 2>/dev/null)
is "$st" 200 "gallery url GETs 200"
cmp -s "$TAP_TMP/got.jpg" "$TAP_TMP/photo.jpg"; ok $? "and returns the uploaded bytes"
st=$(curl -sS -g -o /dev/null -w '%{http_code}' --max-time 15 -- "$(tamper "$gurl")" 2>/dev/null)
is "$st" 403 "a tampered gallery url is 403"

# -- charterd's refusals ------------------------------------------------------------------
presign "$future_slug" "$(jpeg a.jpg 10)"
is "$STATUS/$(jbody .error)" "403/upload_window_closed" "window not yet open is 403 upload_window_closed"
json_error "403 not yet open"
[ -n "$(jbody '.opens_at // empty')" ] && [ -n "$(jbody '.closes_at // empty')" ]
ok $? "not-yet-open refusal carries opens_at and closes_at"
opens=$(date -u -d "$(jbody .opens_at)" +%s 2>/dev/null || echo 0)
[ "$opens" -gt "$(date +%s)" ]; ok $? "opens_at is in the future"
http GET "$pub/g/$future_slug/photos"
is "$STATUS/$(jbody .window.open)/$(jbody .window.state)" "200/false/not_yet_open" "list reports not_yet_open"

presign "$past_slug" "$(jpeg a.jpg 10)"
is "$STATUS/$(jbody .error)" "403/upload_window_closed" "closed window is 403 upload_window_closed"
json_error "403 closed"
[ -n "$(jbody '.opens_at // empty')" ] && [ -n "$(jbody '.closes_at // empty')" ]
ok $? "closed refusal carries opens_at and closes_at"
closes=$(date -u -d "$(jbody .closes_at)" +%s 2>/dev/null || echo 9999999999)
[ "$closes" -le "$(date +%s)" ]; ok $? "closes_at is in the past"
http GET "$pub/g/$past_slug/photos"
is "$STATUS/$(jbody .window.open)/$(jbody .window.state)" "200/false/closed" "list reports closed"

presign "$gone_slug" "$(jpeg a.jpg 10)"
is "$STATUS/$(jbody .error)" "410/booking_cancelled" "cancelled booking is 410"
json_error "410 cancelled"
http GET "$pub/g/$gone_slug/photos"
is "$STATUS" 410 "cancelled booking's photo list is 410"
presign "no-such-charter-$run" "$(jpeg a.jpg 10)"
is "$STATUS" 404 "unknown slug is 404"
json_error "404 unknown slug"
presign "NOT_a_slug" "$(jpeg a.jpg 10)"
is "$STATUS" 404 "malformed slug is 404"

presign "$open_slug" '{"filename":"a.gif","content_type":"image/gif","size":10}'
is "$STATUS/$(jbody .field)" "400/content_type" "image/gif is 400 on content_type"
json_error "400 content_type"
presign "$open_slug" "$(jpeg a.jpg 0)"
is "$STATUS/$(jbody .field)" "400/size" "size 0 is 400 on size"
json_error "400 size 0"
presign "$open_slug" "$(jpeg a.jpg 26214401)"
is "$STATUS/$(jbody .field)" "400/size" "size over the limit is 400 on size"
json_error "400 size too big"
presign "$open_slug" "$(jpeg a.jpg 26214400)"
is "$STATUS" 201 "size exactly at the limit is accepted"
presign "$open_slug" '{"filename":"shot.PNG","content_type":"image/png","size":10}'
is "$STATUS/$(jbody '.upload.headers["Content-Type"]')" "201/image/png" "a PNG presign signs image/png"
like "$(jbody .key)" "^photos/$open_id/[0-9a-f]{32}\\.png\$" "and its key ends in .png"
presign "$open_slug" '{"filename":"a.jpg","content_type":"image/jpeg","size":10,"bucket":"other"}'
is "$STATUS/$(jbody .field)" "400/bucket" "an unknown field is 400 naming it"
json_error "400 unknown field"
presign "$open_slug" '{"filename":"a.jpg","content_type":"image/jpeg","size":"10"}'
is "$STATUS/$(jbody .field)" "400/size" "size as a string is 400 on size"
presign "$open_slug" 'not json'
is "$STATUS" 400 "a body that is not JSON is 400"
json_error "400 not json"

# -- expiry: the brief booking's URL has lapsed by now ---------------------------------
now=$(date +%s)
[ "$now" -le "$brief_exp" ] && sleep $((brief_exp - now + 1))
is "$(put "$brief_url" "$TAP_TMP/small.jpg" | head -c 3)" 403 "an expired presigned URL is refused by the store"
printf 'abcd' >"$TAP_TMP/four.jpg"
is "$(put "$brief_url" "$TAP_TMP/four.jpg")" 403 "even with the announced 4 bytes"
presign "$brief_slug" "$(jpeg late.jpg 4)"
is "$STATUS/$(jbody .error)" "403/upload_window_closed" "and charterd no longer presigns for it"

# -- quota: 501 presigns at once get exactly 500 URLs (pending presigns count
# for 20 minutes, and a per-booking lock serialises the count and the insert)
booking Quota "$(t '+1 hour')" "$(t '+5 hours')" "$(t '-1 hour')" "$(t '+2 hours')"
quota_slug=$B_SLUG
cfg=$TAP_TMP/quota.curl
for i in $(seq 1 501); do
	[ "$i" -gt 1 ] && echo next	# a trailing "next" would be an empty transfer
	printf 'url = "%s"\nrequest = "POST"\nheader = "Content-Type: application/json"\ndata = "%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
		"$pub/g/$quota_slug/photos" '{\"filename\":\"q.jpg\",\"content_type\":\"image/jpeg\",\"size\":1}'
done >"$cfg"
t0=$(date +%s)
codes=$(curl -sS -g --max-time 40 --parallel --parallel-max 16 -K "$cfg" 2>/dev/null)
note "501 parallel presigns took $(( $(date +%s) - t0 )) s"
is "$(printf '%s\n' "$codes" | sort | uniq -c | awk '{print $2 ":" $1}' | paste -sd' ')" "201:500 429:1" \
	"501 concurrent presigns: exactly 500 are 201 and one is 429"
presign "$quota_slug" "$(jpeg q.jpg 1)"
is "$STATUS/$(jbody .error)/$(jbody .quota)" "429/photo_quota_exceeded/500" "429 names photo_quota_exceeded and the quota"
json_error "429 quota"
http GET "$pub/g/$quota_slug/photos"
is "$(jbody .used)/$(jbody .quota)" "500/500" "list reports the quota used up"

# A photo uploaded before a cancellation cannot be completed after it.
booking Late "$(t '+1 hour')" "$(t '+5 hours')" "$(t '-1 hour')" "$(t '+2 hours')"
late_id=$B_ID late_slug=$B_SLUG
presign "$late_slug" "$(jpeg late.jpg 100)"
late_pid=$(jbody .photo_id) late_url=$(jbody .upload.url)
is "$(put "$late_url" "$TAP_TMP/small.jpg")" 200 "photo stored before the cancellation"
api POST "/api/bookings/$late_id/cancel"
complete "$late_slug" "$late_pid"
is "$STATUS/$(jbody .error)" "410/booking_cancelled" "complete after the booking was cancelled is 410"

no_worker_crashed
done_testing
