#!/bin/bash
# photos.sh: guest photo uploads end to end: presign inside the window, PUT to
# the SigV4-verifying store, complete, gallery; refusals by charterd and by the
# store; a verified photo cannot be replaced; the quota counts a reservation
# only while its URL lives, and complete re-checks window, expiry and quota
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

run=$$-$RANDOM
t() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
pub=$CHARTER_PUBLIC_URL
raw=$CHARTER_S3_RAW_ENDPOINT/$CHARTER_PHOTO_BUCKET
sign_tool=${top_builddir:-$CHARTER_SRCDIR}/tests/s3-sign-tool
sql() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }

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
# sha FILE: the base64 SHA-256 of FILE, as x-amz-checksum-sha256 carries it.
sha() { openssl dgst -sha256 -binary "$1" | base64; }
nosuch=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=	# of no bytes: never uploaded
# photo NAME TYPE SIZE [SHA256]: a presign request body.
photo() { printf '{"filename":"%s","content_type":"%s","size":%s,"sha256":"%s"}' "$1" "$2" "$3" "${4:-$nosuch}"; }
# jpeg NAME SIZE [FILE]: an image/jpeg presign body for FILE (its SHA-256).
jpeg() { photo "$1" image/jpeg "$2" "$([ $# -ge 3 ] && sha "$3" || echo "$nosuch")"; }

# complete SLUG PHOTO_ID
complete() { http POST "$pub/g/$1/photos/$2/complete" -H 'Content-Type: application/json' --data-binary '{}'; }

# put URL FILE [CONTENT_TYPE] [SHA256]: PUT the file to a presigned URL with
# the headers charterd names (the checksum: FILE's own unless given);
# prints the status.
put() {
	curl -sS -g -o "$TAP_TMP/put.out" -w '%{http_code}' --max-time 15 -X PUT \
		-H "Content-Type: ${3:-image/jpeg}" -H "x-amz-checksum-sha256: ${4:-$(sha "$2")}" \
		--data-binary "@$2" -- "$1" 2>/dev/null || true
}

# raw_put KEY FILE TYPE [SHA256]: straight into s3rver, past the verifying
# proxy, with the checksum the proxy would have kept (none when not given).
raw_put() {
	local meta=()
	[ $# -ge 4 ] && meta=(-H "x-amz-meta-s3proxy-sha256: $4")
	curl -sS -g -o /dev/null -w '%{http_code}' --max-time 15 -X PUT -H "Content-Type: $3" \
		"${meta[@]}" --data-binary "@$2" -- "$raw/$1" 2>/dev/null || true
}

# expires_in URL: X-Amz-Expires of a presigned URL.
expires_in() { [[ $1 =~ X-Amz-Expires=([0-9]+) ]] && echo "${BASH_REMATCH[1]}"; }

# parallel_presigns SLUG N BODY DIR: N presigns at once; each answer goes to
# DIR/<i>; prints the statuses as "201:N 429:M".
parallel_presigns() {
	local i cfg=$TAP_TMP/presign.curl body=${3//\"/\\\"}
	mkdir -p "$4"
	for i in $(seq 1 "$2"); do
		[ "$i" -gt 1 ] && echo next	# a trailing "next" would be an empty transfer
		printf 'url = "%s"\nrequest = "POST"\nheader = "Content-Type: application/json"\ndata = "%s"\noutput = "%s"\nwrite-out = "%%{http_code}\\n"\n' \
			"$pub/g/$1/photos" "$body" "$4/$i"
	done >"$cfg"
	curl -sS -g --max-time 60 --parallel --parallel-max 16 -K "$cfg" 2>/dev/null |
		sort | uniq -c | awk '{print $2 ":" $1}' | paste -sd' '
}

# parallel_completes SLUG IDS_FILE: a complete for every photo id at once;
# prints "<status>/<error or status field>" counts, e.g.
# "200/uploaded:500 409/upload_expired:500".
parallel_completes() {
	local id n=0 cfg=$TAP_TMP/complete.curl dir=$TAP_TMP/completes i code
	rm -rf "$dir"
	mkdir -p "$dir"
	while read -r id; do
		[ "$n" -gt 0 ] && echo next
		n=$((n + 1))
		printf 'url = "%s"\nrequest = "POST"\noutput = "%s"\nwrite-out = "%s %%{http_code}\\n"\n' \
			"$pub/g/$1/photos/$id/complete" "$dir/$n" "$n"
	done <"$2" >"$cfg"
	# Answers arrive in any order: each carries its number.
	curl -sS -g --max-time 120 --parallel --parallel-max 16 -K "$cfg" 2>/dev/null |
		sort >"$dir/codes"
	jq -r '"\(input_filename | split("/") | last) \(.error // .status)"' "$dir"/[0-9]* |
		sort | join - "$dir/codes" | awk '{print $3 "/" $2}' |
		sort | uniq -c | awk '{print $2 ":" $1}' | paste -sd' '
}

# parallel_puts URLS_FILE FILE: PUTs FILE to every presigned URL at once;
# prints the status counts, e.g. "200:500".
parallel_puts() {
	local url n=0 cfg=$TAP_TMP/put.curl s
	s=$(sha "$2")
	while read -r url; do
		[ "$n" -gt 0 ] && echo next
		n=$((n + 1))
		printf 'url = "%s"\nrequest = "PUT"\nheader = "Content-Type: image/jpeg"\nheader = "x-amz-checksum-sha256: %s"\ndata-binary = "@%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
			"$url" "$s" "$2"
	done <"$1" >"$cfg"
	curl -sS -g --max-time 120 --parallel --parallel-max 16 -K "$cfg" 2>/dev/null |
		sort | uniq -c | awk '{print $2 ":" $1}' | paste -sd' '
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
head -c 100 /dev/urandom >"$TAP_TMP/small.jpg"
head -c 101 /dev/urandom >"$TAP_TMP/small+1.jpg"
head -c 100 /dev/urandom >"$TAP_TMP/other.jpg"
printf 'abcd' >"$TAP_TMP/four.jpg"
# Closes ~10 s from now (room for a loaded machine): its presigned PUT
# lives only until then.
booking Brief "$(t '+1 hour')" "$(t '+5 hours')" "$(t '-1 hour')" "$(t '+10 seconds')"
brief_id=$B_ID brief_slug=$B_SLUG
presign "$brief_slug" "$(jpeg brief.jpg 4 "$TAP_TMP/four.jpg")"
is "$STATUS" 201 "presign on a window about to close"
brief_url=$(jbody .upload.url) brief_pid=$(jbody .photo_id)
brief_exp=$(date -u -d "$(jbody .expires_at)" +%s 2>/dev/null || echo 0)
left=$((brief_exp - $(date +%s)))
[ "$left" -le 10 ] && [ "$left" -ge 0 ]; ok $? "expires_at is min(15 min, closes_at - now) ($left s)"
like "$brief_url" 'X-Amz-Expires=([1-9]|10)&' "the URL itself carries that short lifetime"
is "$(put "$brief_url" "$TAP_TMP/four.jpg")" 200 "the brief photo reaches the store in time"
presign "$brief_slug" "$(jpeg brief2.jpg 4 "$TAP_TMP/four.jpg")"
brief_url2=$(jbody .upload.url) brief_pid2=$(jbody .photo_id)
is "$(put "$brief_url2" "$TAP_TMP/four.jpg")" 200 "and a second one"

booking Other "$(t '+1 hour')" "$(t '+5 hours')" "$(t '-1 hour')" "$(t '+2 hours')"
other_id=$B_ID other_slug=$B_SLUG
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
presign "$open_slug" "$(jpeg ../../etc/passwd.jpg 3000 "$TAP_TMP/photo.jpg")"
is "$STATUS" 201 "presign inside the window is 201"
pid=$(jbody .photo_id) key=$(jbody .key) url=$(jbody .upload.url) exp=$(jbody .expires_at)
like "$pid" '^[0-9a-f]{32}$' "photo_id is 32 hex digits"
like "$key" "^photos/[0-9a-f]{32}/$pid\\.jpg\$" "key is photos/<random prefix>/<photo_id>.jpg"
prefix=$(cut -d/ -f2 <<<"$key")
unlike "/$key/$url" "/$open_id/" "neither key nor URL carries the booking id"
is "$(sql "SELECT photo_prefix FROM bookings WHERE id = $open_id")" "$prefix" "the prefix is the booking's own random one"
unlike "$key$url" 'passwd|etc|\.\.' "the guest's filename never reaches the key or URL"
is "$(jbody .upload.method)" PUT "upload.method is PUT"
is "$(jbody '.upload.headers | keys | join(",")')/$(jbody '.upload.headers["Content-Type"]')/$(jbody '.upload.headers["x-amz-checksum-sha256"]')" \
	"Content-Type,x-amz-checksum-sha256/image/jpeg/$(sha "$TAP_TMP/photo.jpg")" \
	"upload.headers are exactly Content-Type and the photo's checksum"
like "$url" 'X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bx-amz-checksum-sha256&' \
	"the URL signs size, type and checksum"
like "$url" "^$CHARTER_S3_ENDPOINT/" "upload URL points at the configured store"
is "$(header cache-control)" no-store "presign answer is not cached"
secs=$(( $(date -u -d "$exp" +%s 2>/dev/null || echo 0) - $(date +%s) ))
[ "$secs" -gt 880 ] && [ "$secs" -le 900 ]; ok $? "expires_at is at most 15 min away ($secs s)"
is "$(expires_in "$url")" 900 "and the URL's X-Amz-Expires says the same"

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
curl_exp=$(expires_in "$(jbody .url)")
[ "${curl_exp:-0}" -gt 0 ] && [ "$curl_exp" -le 900 ]
ok $? "the complete answer's url lives at most 15 minutes (X-Amz-Expires=$curl_exp)"
complete "$open_slug" "$pid"
is "$STATUS/$(jbody .status)" "200/uploaded" "complete twice is 200 again"

# -- a verified photo cannot be replaced -------------------------------------------
head -c 3000 /dev/urandom >"$TAP_TMP/swap.jpg"
is "$(put "$url" "$TAP_TMP/swap.jpg" image/jpeg "$(sha "$TAP_TMP/photo.jpg")")" 400 "re-PUT of other bytes of the same size with the photo's checksum is 400"
like "$(cat "$TAP_TMP/put.out")" '<Code>BadDigest</Code>' "because the store checks the bytes against the signed SHA-256"
is "$(put "$url" "$TAP_TMP/swap.jpg" image/jpeg "$(sha "$TAP_TMP/swap.jpg")")" 403 \
	"re-PUT with the new bytes' own checksum is 403 (the signature pins the checksum)"
is "$(put "$url" "$TAP_TMP/photo.jpg")" 200 "re-PUT of the very same bytes is harmless"

# -- the store refuses what was not signed ------------------------------------------
presign "$open_slug" "$(jpeg small.jpg 100 "$TAP_TMP/small.jpg")"
pid2=$(jbody .photo_id) url2=$(jbody .upload.url)
is "$(put "$(tamper "$url2")" "$TAP_TMP/small.jpg")" 403 "PUT with one hex digit of the signature changed is 403"
is "$(put "$url2" "$TAP_TMP/small.jpg" image/png)" 403 "PUT with another Content-Type is 403"
is "$(put "$url2" "$TAP_TMP/small+1.jpg" image/jpeg "$(sha "$TAP_TMP/small.jpg")")" 403 "PUT one byte longer than announced is 403"
is "$(put "$url2" "$TAP_TMP/other.jpg" image/jpeg "$(sha "$TAP_TMP/small.jpg")")" 400 "PUT of other bytes of the announced size is 400"
complete "$open_slug" "$pid2"
is "$STATUS/$(jbody .error)" "409/not_uploaded" "nothing reached the store after the refused PUTs"
is "$(put "$url2" "$TAP_TMP/small.jpg")" 200 "the same URL with the right bytes and headers is 200"
complete "$open_slug" "$pid2"
is "$STATUS" 200 "second photo completed"

# The proxy is what judges: s3rver runs with --allow-mismatched-signatures and
# only knows its own S3RVER account, so it takes a tampered signature as long
# as the access key is one it knows, and anonymous requests (what the proxy
# forwards) without question.
presign "$open_slug" "$(jpeg raw.jpg 100 "$TAP_TMP/small.jpg")"
bad=$(tamper "$(jbody .upload.url)")
is "$(put "$bad" "$TAP_TMP/small.jpg")" 403 "the verifying proxy refuses a tampered URL"
like "$(cat "$TAP_TMP/put.out")" '<Code>SignatureDoesNotMatch</Code>' "because the signature does not match"
rawbad=$CHARTER_S3_RAW_ENDPOINT${bad#"$CHARTER_S3_ENDPOINT"}
rawbad=${rawbad/X-Amz-Credential=$AWS_ACCESS_KEY_ID%2F/X-Amz-Credential=S3RVER%2F}
is "$(put "$rawbad" "$TAP_TMP/small.jpg")" 200 "raw s3rver accepts the same tampered signature (under its own key id)"
is "$(put "${rawbad%%\?*}" "$TAP_TMP/small.jpg")" 200 "raw s3rver accepts an unsigned PUT"
is "$(put "${bad%%\?*}" "$TAP_TMP/small.jpg")" 403 "while the proxy refuses the unsigned PUT"

# -- complete compares size, type and checksum -----------------------------------------
# Objects put straight into s3rver, past the proxy, differ from the
# announced photo in one respect each; the checksum the proxy would have
# kept is forged where it must look right.
small_sum=$(sha "$TAP_TMP/small.jpg")
mismatch() {	# mismatch DESC FILE TYPE [SHA256]
	local mkey mpid
	presign "$open_slug" "$(jpeg m.jpg 100 "$TAP_TMP/small.jpg")"
	mpid=$(jbody .photo_id) mkey=$(jbody .key)
	is "$(raw_put "$mkey" "${@:2}")" 200 "$1: stored past the proxy"
	complete "$open_slug" "$mpid"
	is "$STATUS/$(jbody .error)" "409/upload_mismatch" "$1: complete is 409 upload_mismatch"
}
mismatch "the announced bytes as image/png" "$TAP_TMP/small.jpg" image/png "$small_sum"
mismatch "101 bytes where 100 were announced" "$TAP_TMP/small+1.jpg" image/jpeg "$small_sum"
mismatch "other bytes stored without a checksum" "$TAP_TMP/other.jpg" image/jpeg
mismatch "other bytes with their own checksum" "$TAP_TMP/other.jpg" image/jpeg "$(sha "$TAP_TMP/other.jpg")"
json_error "409 upload_mismatch"
presign "$open_slug" "$(jpeg m.jpg 100 "$TAP_TMP/small.jpg")"
mpid=$(jbody .photo_id)
is "$(raw_put "$(jbody .key)" "$TAP_TMP/small.jpg" image/jpeg "$small_sum")" 200 "the announced photo, stored past the proxy"
complete "$open_slug" "$mpid"
is "$STATUS" 200 "is accepted: the refusals above were for their one difference each"

# -- the gallery ------------------------------------------------------------------------
http GET "$pub/g/$open_slug/photos"
is "$STATUS" 200 "gallery list is 200"
is "$(jbody .window.open)/$(jbody .window.state)" "true/open" "window reported open"
is "$(jbody .quota)/$(jbody .max_bytes)" "500/26214400" "quota 500 and max_bytes 25 MB reported"
is "$(jbody .used)" 8 "used counts the 3 uploaded photos and the 5 live reservations"
is "$(jbody '[.photos[].photo_id] | sort | join(",")')" "$(printf '%s\n' "$pid" "$pid2" "$mpid" | sort | paste -sd,)" \
	"only the three completed photos are listed"
gurl=$(jbody ".photos[] | select(.photo_id == \"$pid\") | .url")
is "$(jbody ".photos[] | select(.photo_id == \"$pid\") | .content_type + \"/\" + (.size|tostring)")" \
	"image/jpeg/3000" "listed photo has its type and size"
is "$(jbody '[.photos[] | has("key")] | any')" false "gallery does not expose object keys"
like "$gurl" "^$CHARTER_S3_ENDPOINT/" "gallery url goes through the verifying store"
is "$(jbody '[.photos[].url | capture("X-Amz-Expires=(?<s>[0-9]+)&").s | tonumber | select(. > 0 and . <= 900)] | length')" 3 \
	"every gallery url lives more than 0 and at most 900 seconds"
st=$(curl -sS -g -o "$TAP_TMP/got.jpg" -w '%{http_code}' --max-time 15 -- "$gurl" 2>/dev/null)
is "$st" 200 "gallery url GETs 200"
cmp -s "$TAP_TMP/got.jpg" "$TAP_TMP/photo.jpg"; ok $? "and returns the uploaded bytes, not the ones re-PUT after complete"
st=$(curl -sS -g -o /dev/null -w '%{http_code}' --max-time 15 -- "$(tamper "$gurl")" 2>/dev/null)
is "$st" 403 "a tampered gallery url is 403"

# -- photo types: the four the server takes, and others refused --------------------------
for ty in image/webp:webp image/heic:heic image/png:png image/jpeg:jpg; do
	presign "$open_slug" "$(photo "a.${ty#*:}" "${ty%:*}" 100 "$small_sum")"
	tpid=$(jbody .photo_id)
	is "$STATUS/$(jbody '.upload.headers["Content-Type"]')" "201/${ty%:*}" "${ty%:*} is accepted and signed as such"
	like "$(jbody .key)" "^photos/$prefix/[0-9a-f]{32}\\.${ty#*:}\$" "and its key ends in .${ty#*:}"
	is "$(put "$(jbody .upload.url)" "$TAP_TMP/small.jpg" "${ty%:*}")" 200 "a ${ty%:*} PUT is stored"
	complete "$open_slug" "$tpid"
	is "$STATUS/$(jbody .status)" "200/uploaded" "and completes"
done
for ty in image/gif image/svg+xml text/html application/octet-stream image/jpg; do
	presign "$open_slug" "$(photo a.x "$ty" 100 "$small_sum")"
	is "$STATUS/$(jbody .field)" "400/content_type" "$ty is 400 on content_type"
done
json_error "400 content_type"

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

presign "$open_slug" "$(jpeg a.jpg 0)"
is "$STATUS/$(jbody .field)" "400/size" "size 0 is 400 on size"
json_error "400 size 0"
presign "$open_slug" "$(jpeg a.jpg 26214401)"
is "$STATUS/$(jbody .field)" "400/size" "size over the limit is 400 on size"
json_error "400 size too big"
presign "$open_slug" "$(jpeg a.jpg 26214400)"
is "$STATUS" 201 "size exactly at the limit is accepted"
presign "$open_slug" '{"filename":"a.jpg","content_type":"image/jpeg","size":10}'
is "$STATUS/$(jbody .error)/$(jbody .field)" "400/missing/sha256" "a presign without sha256 is 400 missing sha256"
for bad in "${nosuch%=}" "${nosuch%=}A" "${nosuch%?=}B=" "$(printf 'a%.0s' {1..64})" \
	"${nosuch/+/-}" "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV="; do
	presign "$open_slug" "$(photo a.jpg image/jpeg 10 "$bad")"
	is "$STATUS/$(jbody .field)" "400/sha256" "sha256 '$bad' is 400 on sha256"
done
presign "$open_slug" '{"filename":"a.jpg","content_type":"image/jpeg","size":10,"sha256":"'"$nosuch"'","bucket":"other"}'
is "$STATUS/$(jbody .field)" "400/bucket" "an unknown field is 400 naming it"
json_error "400 unknown field"
presign "$open_slug" '{"filename":"a.jpg","content_type":"image/jpeg","size":"10","sha256":"'"$nosuch"'"}'
is "$STATUS/$(jbody .field)" "400/size" "size as a string is 400 on size"
presign "$open_slug" 'not json'
is "$STATUS" 400 "a body that is not JSON is 400"
json_error "400 not json"

# -- the store refuses an expired URL for its expiry --------------------------------
# A URL exactly like charterd's (same key, type, size, checksum, credentials),
# signed 1000 s ago for 900 s: only its time is wrong.
presign "$open_slug" "$(jpeg late.jpg 100 "$TAP_TMP/small.jpg")"
xpid=$(jbody .photo_id) xkey=$(jbody .key)
xsign() {	# xsign NOW-OFFSET EXPIRES
	AWS_REGION=$CHARTER_AWS_REGION S3_CHECKSUM_SHA256=$small_sum "$sign_tool" presign-put \
		"$CHARTER_S3_ENDPOINT" "$CHARTER_PHOTO_BUCKET" "$xkey" image/jpeg 100 "$1" "$2"
}
old=$(xsign -1000 900)
is "$(put "$old" "$TAP_TMP/small.jpg")" 403 "a URL whose X-Amz-Date + X-Amz-Expires lie in the past is 403"
like "$(cat "$TAP_TMP/put.out")" '<Code>AccessDenied</Code><Message>Request has expired</Message>' \
	"and the store says: AccessDenied, Request has expired"
is "$(put "$(xsign -1000 1100)" "$TAP_TMP/small.jpg")" 200 "the same URL signed to live 1100 s is accepted"
complete "$open_slug" "$xpid"
is "$STATUS" 200 "and its photo completes"

# -- the brief window has closed by now -----------------------------------------------
now=$(date +%s)
[ "$now" -le "$brief_exp" ] && sleep $((brief_exp - now + 1))
is "$(put "$brief_url" "$TAP_TMP/four.jpg")" 403 "an expired presigned URL is refused by the store"
like "$(cat "$TAP_TMP/put.out")" 'Request has expired' "for its expiry"
presign "$brief_slug" "$(jpeg late.jpg 4 "$TAP_TMP/four.jpg")"
is "$STATUS/$(jbody .error)" "403/upload_window_closed" "charterd no longer presigns for it"
complete "$brief_slug" "$brief_pid"
is "$STATUS/$(jbody .error)" "403/upload_window_closed" \
	"a photo stored in time but completed after the window closed is 403 upload_window_closed"
[ -n "$(jbody '.opens_at // empty')" ] && [ -n "$(jbody '.closes_at // empty')" ]
ok $? "with the window's opens_at and closes_at"
# Reopened: the window is open again, but the reservation's URL expired.
api PATCH "/api/bookings/$brief_id" "{\"upload_closes_at\":\"$(t '+2 hours')\"}"
is "$STATUS" 200 "the brief window is reopened"
complete "$brief_slug" "$brief_pid"
is "$STATUS/$(jbody .error)" "409/upload_expired" "a reservation whose URL expired cannot be completed, window open or not"
json_error "409 upload_expired"
http GET "$pub/g/$brief_slug/photos"
is "$(jbody .used)/$(jbody '.photos | length')" "0/0" "expired reservations hold no quota and list nothing"

# -- quota: 501 presigns at once get exactly 500 URLs (a per-booking lock
# serialises the count and the insert)
booking Quota "$(t '+1 hour')" "$(t '+5 hours')" "$(t '-1 hour')" "$(t '+2 hours')"
quota_slug=$B_SLUG
t0=$(date +%s%N)
codes=$(parallel_presigns "$quota_slug" 501 "$(jpeg q.jpg 1)" "$TAP_TMP/quota")
note "501 parallel presigns took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
is "$codes" "201:500 429:1" "501 concurrent presigns: exactly 500 are 201 and one is 429"
presign "$quota_slug" "$(jpeg q.jpg 1)"
is "$STATUS/$(jbody .error)/$(jbody .quota)" "429/photo_quota_exceeded/500" "429 names photo_quota_exceeded and the quota"
json_error "429 quota"
http GET "$pub/g/$quota_slug/photos"
is "$(jbody .used)/$(jbody .quota)" "500/500" "list reports the quota used up"

# -- the quota race that used to give 1,000 photos on a 500 quota: 500
# reservations, their URLs expire, 500 more, then all 1,000 completed at once
printf x >"$TAP_TMP/one.jpg"
booking Race "$(t '+1 hour')" "$(t '+5 hours')" "$(t '-1 hour')" "$(t '+20 seconds')"
race_id=$B_ID race_slug=$B_SLUG
codes=$(parallel_presigns "$race_slug" 501 "$(jpeg r.jpg 1 "$TAP_TMP/one.jpg")" "$TAP_TMP/race1")
is "$codes" "201:500 429:1" "race: 500 reservations fill the quota"
jq -r 'select(.photo_id) | .photo_id' "$TAP_TMP"/race1/* >"$TAP_TMP/race1.ids"
jq -r 'select(.photo_id) | .upload.url' "$TAP_TMP"/race1/* | head -n 20 >"$TAP_TMP/race1.urls"
race_exp=$(jq -r 'select(.photo_id) | .expires_at' "$TAP_TMP"/race1/* | sort | tail -n 1)
is "$(parallel_puts "$TAP_TMP/race1.urls" "$TAP_TMP/one.jpg")" "200:20" "race: 20 of them reach the store in time"
left=$(( $(date -u -d "$race_exp" +%s) - $(date +%s) + 1 ))
[ "$left" -gt 0 ] && sleep "$left"
api PATCH "/api/bookings/$race_id" "{\"upload_closes_at\":\"$(t '+2 hours')\"}"
is "$STATUS" 200 "race: the window is reopened after those URLs expired"
http GET "$pub/g/$race_slug/photos"
is "$(jbody .used)" 0 "race: the expired reservations hold no slot"
codes=$(parallel_presigns "$race_slug" 501 "$(jpeg r.jpg 1 "$TAP_TMP/one.jpg")" "$TAP_TMP/race2")
is "$codes" "201:500 429:1" "race: 500 new reservations fill the quota again"
jq -r 'select(.photo_id) | .photo_id' "$TAP_TMP"/race2/* >"$TAP_TMP/race2.ids"
jq -r 'select(.photo_id) | .upload.url' "$TAP_TMP"/race2/* >"$TAP_TMP/race2.urls"
t0=$(date +%s%N)
is "$(parallel_puts "$TAP_TMP/race2.urls" "$TAP_TMP/one.jpg")" "200:500" "race: all 500 new photos reach the store"
note "500 parallel PUTs through the verifying proxy took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
cat "$TAP_TMP/race1.ids" "$TAP_TMP/race2.ids" | shuf >"$TAP_TMP/race.ids"
# 100 presigns race the completes: live reservations turning into photos
# keep the count at 500 throughout, so every one of them is refused.
parallel_presigns "$race_slug" 100 "$(jpeg r.jpg 1 "$TAP_TMP/one.jpg")" "$TAP_TMP/race3" >"$TAP_TMP/race3.codes" &
racer=$!
t0=$(date +%s%N)
is "$(parallel_completes "$race_slug" "$TAP_TMP/race.ids")" "200/uploaded:500 409/upload_expired:500" \
	"race: 1,000 completes at once: the 500 live ones are 200, the 500 expired ones 409 upload_expired"
note "1000 parallel completes took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
wait "$racer"
is "$(cat "$TAP_TMP/race3.codes")" "429:100" "race: 100 presigns during the completes are all 429"
http GET "$pub/g/$race_slug/photos"
is "$(jbody '.photos | length')/$(jbody .used)/$(jbody .quota)" "500/500/500" "race: 500 photos on a 500 quota"
is "$(sql "SELECT count(*) FROM photos WHERE booking_id = $race_id AND status = 'uploaded'")" 500 \
	"race: the database holds 500 uploaded photos for the booking"

# -- complete re-checks the quota: a live reservation of a booking whose
# quota filled meanwhile (as after CHARTER_PHOTO_QUOTA was lowered)
booking Full "$(t '+1 hour')" "$(t '+5 hours')" "$(t '-1 hour')" "$(t '+2 hours')"
full_id=$B_ID full_slug=$B_SLUG
presign "$full_slug" "$(jpeg f.jpg 100 "$TAP_TMP/small.jpg")"
fpid=$(jbody .photo_id)
is "$(put "$(jbody .upload.url)" "$TAP_TMP/small.jpg")" 200 "a photo stored under a live reservation"
sql "INSERT INTO photos (id, booking_id, object_key, content_type, size_bytes, status,
	uploaded_at, url_expires_at) SELECT md5('$run' || g), $full_id,
	'photos/full-$run/' || g, 'image/jpeg', 1, 'uploaded', now(), now()
	FROM generate_series(1, 500) g" >/dev/null
complete "$full_slug" "$fpid"
is "$STATUS/$(jbody .error)" "429/photo_quota_exceeded" "complete when uploaded + live would pass the quota is 429"
is "$(sql "SELECT status FROM photos WHERE id = '$fpid'")" pending "and the photo stays a reservation"

# A photo uploaded before a cancellation cannot be completed after it.
booking Late "$(t '+1 hour')" "$(t '+5 hours')" "$(t '-1 hour')" "$(t '+2 hours')"
late_id=$B_ID late_slug=$B_SLUG
presign "$late_slug" "$(jpeg late.jpg 100 "$TAP_TMP/small.jpg")"
late_pid=$(jbody .photo_id) late_url=$(jbody .upload.url)
is "$(put "$late_url" "$TAP_TMP/small.jpg")" 200 "photo stored before the cancellation"
api POST "/api/bookings/$late_id/cancel"
complete "$late_slug" "$late_pid"
is "$STATUS/$(jbody .error)" "410/booking_cancelled" "complete after the booking was cancelled is 410"

no_worker_crashed
done_testing
