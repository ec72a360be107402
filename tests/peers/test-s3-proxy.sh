#!/bin/bash
# test-s3-proxy.sh: the SigV4-verifying proxy in front of s3rver accepts what
# charterd's C signer signs and refuses tampered, mistyped, resized, expired
# and unknown-key requests (TAP)
#
# Environment: S3RVER (default node_modules/.bin/s3rver), S3_SIGN_TOOL
# (default tests/s3-sign-tool, else built here from src/ with cc), PYTHON
# (default /usr/bin/python3, which must import botocore).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
S3RVER=${S3RVER:-$top/node_modules/.bin/s3rver}
PYTHON=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
pids=()
n=0
failed=0

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# skip_all REASON: skip the whole test; under CI=true (everything is installed) fail.
skip_all() {
	[ "${CI:-}" != true ] || { echo "Bail out! CI=true, yet this test would skip: $1"; exit 255; }
	echo "1..0 # SKIP $1"
	exit 0
}

ok() {	# ok <0|1> <description>
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

is() {	# is <got> <want> <description>
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"
		echo "#   got:  '$1'"
		echo "#   want: '$2'"
	fi
}

like() {	# like <got> <ERE> <description>
	if [[ $1 =~ $2 ]]; then ok 0 "$3"; else
		ok 1 "$3"
		echo "#   got:  '$1'"
		echo "#   want match: /$2/"
	fi
}

free_port() {
	"$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for() {	# wait_for <file> <text>
	local i
	for i in $(seq 1 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# curl_code <file for body> <curl args...>: prints the HTTP status
curl_code() {
	local out=$1
	shift
	curl -s -o "$out" -w '%{http_code}' --max-time 10 "$@"
}

if [ ! -x "$S3RVER" ]; then
	skip_all "s3rver not found at $S3RVER"
fi
if ! "$PYTHON" -c 'import botocore' 2>/dev/null; then
	skip_all "$PYTHON cannot import botocore (python3-botocore)"
fi

tool=${S3_SIGN_TOOL:-$top/tests/s3-sign-tool}
if [ ! -x "$tool" ]; then
	tool=$tmp/s3-sign-tool
	${CC:-cc} -std=c11 -D_GNU_SOURCE -Wall -Wextra -I"$top/src" \
	    "$top/tests/s3-sign-tool.c" "$top/src/s3.c" "$top/src/sigv4.c" \
	    "$top/src/outbound.c" "$top/src/kv.c" "$top/src/utf8.c" \
	    "$top/src/hex.c" "$top/src/crypto.c" "$top/src/buf.c" \
	    "$top/src/log.c" -ljansson -lcurl -lcrypto \
	    -o "$tool" || skip_all "cannot build s3-sign-tool"
fi

s3port=$(free_port)
pport=$(free_port)
bucket=photos
key=AKIDCHARTERTEST
secret=charter-test-secret/+=
region=us-east-1

"$S3RVER" -d "$tmp/data" -a 127.0.0.1 -p "$s3port" --silent \
    --service-endpoint localhost \
    --configure-bucket "$bucket" "$top/tests/peers/s3-cors.xml" \
    >"$tmp/s3rver.out" 2>&1 &
pids+=($!)
"$PYTHON" "$top/tests/peers/s3-verify-proxy.py" --listen "127.0.0.1:$pport" \
    --upstream "http://127.0.0.1:$s3port" --access-key "$key" \
    --secret-key "$secret" --region "$region" --log "$tmp/proxy.log" \
    >"$tmp/proxy.out" 2>&1 &
pids+=($!)

wait_for "$tmp/proxy.out" '^ready'
ok $? "proxy prints ready"
wait_for "$tmp/s3rver.out" 'listening'
ok $? "s3rver listening"

export AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret AWS_REGION=$region
unset AWS_SESSION_TOKEN S3_VIRTUAL_HOST
ep=http://127.0.0.1:$pport
obj="g/demo-1/a b+c~ñ.jpg"

url=$("$tool" presign-put "$ep" "$bucket" "$obj" image/jpeg 5)
is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    --data-binary 12345 "$url")" 200 \
    "presigned PUT (space, +, ~, unicode in key) signed in C is accepted"
is "$("$tool" head "$ep" "$bucket" "$obj")" "found 5 image/jpeg" \
    "signed HEAD finds it with its size and type"
is "$("$tool" head "$ep" "$bucket" "g/demo-1/none.jpg")" "missing" \
    "signed HEAD of a missing key: 404"

bad=${url%?}$( [ "${url: -1}" = 0 ] && echo 1 || echo 0)
is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    --data-binary 12345 "$bad")" 403 "tampered signature: 403"
grep -q '<Code>SignatureDoesNotMatch</Code>' "$tmp/b"
ok $? "tampered signature: SignatureDoesNotMatch"

is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/png' \
    --data-binary 12345 "$url")" 403 "other content-type: 403"
is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    --data-binary 123456 "$url")" 403 "other content-length: 403"

old=$("$tool" presign-put "$ep" "$bucket" "$obj" image/jpeg 5 -120 60)
is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    --data-binary 12345 "$old")" 403 "expired URL: 403"
grep -q 'Request has expired' "$tmp/b"
ok $? "expired URL: Request has expired"

other=$(AWS_ACCESS_KEY_ID=AKIDSOMEONEELSE "$tool" presign-put "$ep" \
    "$bucket" "$obj" image/jpeg 5)
is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    --data-binary 12345 "$other")" 403 "unknown access key: 403"
grep -q '<Code>InvalidAccessKeyId</Code>' "$tmp/b"
ok $? "unknown access key: InvalidAccessKeyId"

wrong=$(AWS_SECRET_ACCESS_KEY=not-the-secret "$tool" presign-put "$ep" \
    "$bucket" "$obj" image/jpeg 5)
is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    --data-binary 12345 "$wrong")" 403 "wrong secret key: 403"

eu=$(AWS_REGION=eu-west-1 "$tool" presign-put "$ep" "$bucket" "$obj" \
    image/jpeg 5)
is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    --data-binary 12345 "$eu")" 403 "wrong region in the scope: 403"

is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    --data-binary 12345 "$ep/$bucket/g/anon.jpg")" 403 \
    "no signature at all: 403"
is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=x' \
    --data-binary 12345 "$ep/$bucket/g/anon.jpg")" 400 \
    "malformed Authorization header: 400"

is "$("$tool" put "$ep" "$bucket" "g/demo-1.html" text/html '<p>hi</p>')" \
    stored "header-form PUT with signed payload is accepted"
is "$("$tool" put "$ep" "$bucket" "g/gone.html" text/html 'x')" stored \
    "a second object stored"
is "$("$tool" delete "$ep" "$bucket" "g/gone.html")" deleted \
    "signed DELETE is accepted"
is "$("$tool" head "$ep" "$bucket" "g/gone.html")" missing \
    "after the DELETE, HEAD finds nothing"
is "$("$tool" delete "$ep" "$bucket" "g/gone.html")" deleted \
    "DELETE of what is already gone is fine"
is "$(AWS_SECRET_ACCESS_KEY=not-the-secret "$tool" delete "$ep" "$bucket" \
    "g/demo-1.html")" error "DELETE signed with the wrong secret: refused"
get=$("$tool" presign-get "$ep" "$bucket" "g/demo-1.html")
is "$(curl_code "$tmp/b" "$get")" 200 "presigned GET: 200"
is "$(cat "$tmp/b")" "<p>hi</p>" "presigned GET returns what was put"
is "$(curl_code "$tmp/b" "${get/X-Amz-Expires=900/X-Amz-Expires=901}")" \
    403 "presigned GET with a changed expiry: 403"

# Checksums: S3 verifies x-amz-checksum-sha256 against the body (400
# BadDigest), and a HEAD with x-amz-checksum-mode: ENABLED returns it.
b64sha() { printf '%s' "$1" | openssl dgst -sha256 -binary | base64; }
sobj="g/sum/a.jpg"
sum=$(b64sha 12345)
surl=$(S3_CHECKSUM_SHA256=$sum "$tool" presign-put "$ep" "$bucket" "$sobj" image/jpeg 5)
like "$surl" 'X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bx-amz-checksum-sha256&' \
    "the presigned PUT signs x-amz-checksum-sha256"
is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    -H "x-amz-checksum-sha256: $sum" --data-binary 12345 "$surl")" 200 \
    "PUT with the signed checksum of its bytes: 200"
is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    -H "x-amz-checksum-sha256: $sum" --data-binary 54321 "$surl")" 400 \
    "same URL, other bytes of the same size: 400"
grep -q '<Code>BadDigest</Code>' "$tmp/b"
ok $? "other bytes: BadDigest"
is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    --data-binary 54321 "$surl")" 403 "same URL without the checksum header: 403"
is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    -H "x-amz-checksum-sha256: $(b64sha 54321)" --data-binary 54321 \
    "$surl")" 403 "same URL with the other bytes' checksum: 403"
grep -q '<Code>SignatureDoesNotMatch</Code>' "$tmp/b"
ok $? "another checksum: SignatureDoesNotMatch"
is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    -H "x-amz-checksum-sha256: $sum" -H "x-amz-meta-s3proxy-sha256: $sum" \
    --data-binary 54321 "$surl")" 403 \
    "the proxy's own metadata header cannot be sent by a client"
is "$("$tool" head-sha256 "$ep" "$bucket" "$sobj")" "found 5 image/jpeg $sum" \
    "HEAD with checksum mode returns the stored checksum"
get=$("$tool" presign-get "$ep" "$bucket" "$sobj")
curl_code "$tmp/b" -D "$tmp/h" "$get" >/dev/null
is "$(cat "$tmp/b")" 12345 "the object still holds the first bytes"
! grep -qi 'x-amz-meta-s3proxy\|x-amz-checksum' "$tmp/h"
ok $? "a GET without checksum mode shows neither the checksum nor the proxy's metadata"
is "$("$tool" head-sha256 "$ep" "$bucket" "$obj")" "found 5 image/jpeg -" \
    "HEAD with checksum mode of an object stored without one: no checksum"
bad=$(S3_CHECKSUM_SHA256=not-base64 "$tool" presign-put "$ep" "$bucket" "$sobj" image/jpeg 5)
is "$(curl_code "$tmp/b" -X PUT -H 'Content-Type: image/jpeg' \
    -H 'x-amz-checksum-sha256: not-base64' --data-binary 12345 "$bad")" 400 \
    "a malformed checksum, signed: 400"
grep -q '<Code>InvalidRequest</Code>' "$tmp/b"
ok $? "malformed checksum: InvalidRequest"

is "$(curl_code "$tmp/b" -X OPTIONS -H 'Origin: http://127.0.0.1:8080' \
    -H 'Access-Control-Request-Method: PUT' \
    -H 'Access-Control-Request-Headers: content-type,x-amz-checksum-sha256' \
    "$ep/$bucket/g/x.jpg")" 200 "CORS preflight allows x-amz-checksum-sha256"

is "$(curl_code "$tmp/b" -X OPTIONS -H 'Origin: http://127.0.0.1:8080' \
    -H 'Access-Control-Request-Method: PUT' \
    -H 'Access-Control-Request-Headers: content-type' \
    -D "$tmp/h" "$ep/$bucket/g/x.jpg")" 200 \
    "CORS preflight passes through unauthenticated"
grep -qi '^access-control-allow-origin:' "$tmp/h"
ok $? "CORS preflight answer carries Access-Control-Allow-Origin"

# Virtual-host style: s3rver serves <bucket>.s3.localhost as that bucket.
is "$(S3_VIRTUAL_HOST=1 "$tool" head "http://s3.localhost:$pport" \
    "$bucket" "$obj")" "found 5 image/jpeg" \
    "virtual-host-style HEAD is signed and accepted"

# One handle, many HEADs: s3rver keeps the connection open, the proxy
# closes every one (Connection: close) and the handle reconnects.
# (s3rver itself knows only its own S3RVER account.)
is "$(AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER "$tool" head \
    "http://127.0.0.1:$s3port" "$bucket" "$obj" 20)" \
    "found 5 image/jpeg
20 heads, 1 connections" "20 HEADs straight to s3rver share one connection"
is "$("$tool" head "$ep" "$bucket" "$obj" 20)" "found 5 image/jpeg
20 heads, 20 connections" \
    "20 HEADs through the closing proxy all pass, one connection each"

! grep -q 'X-Amz-Signature' "$tmp/proxy.log"
ok $? "proxy log holds no signatures"

echo "1..$n"
[ "$failed" -eq 0 ]
