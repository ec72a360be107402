#!/bin/bash
# smoke.sh: first integration test: listeners, routing split, static files
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

plan 14

http GET "$CHARTER_PUBLIC_URL/healthz"
is "$STATUS" 200 "public /healthz is 200"

http GET "$CHARTER_PUBLIC_URL/api/crew" -H "X-Service-Key: $CHARTER_SERVICE_KEY"
is "$STATUS" 404 "public /api/crew is 404, even with the service key"

http GET "$CHARTER_PUBLIC_URL/metrics"
is "$STATUS" 404 "public /metrics is 404"

http GET "$CHARTER_API_URL/api/crew"
is "$STATUS" 401 "internal /api/crew without a key is 401"

http GET "$CHARTER_API_URL/api/crew" -H "X-Service-Key: wrong-$CHARTER_SERVICE_KEY"
is "$STATUS" 401 "internal /api/crew with a wrong key is 401"

http GET "$CHARTER_API_URL/healthz"
is "$STATUS" 404 "internal listener serves only /api/ and /metrics"

http GET "$CHARTER_PUBLIC_URL/healthz"
is "$(header server)" nginx "server header carries no version"
is "$(header x-content-type-options)" nosniff "nosniff on public responses"
is "$(header x-frame-options)" DENY "X-Frame-Options DENY"

css=$(cd "$CHARTER_SRCDIR/static" 2>/dev/null && find . -name '*.css' | head -n 1)
if [ -n "$css" ]; then
	http GET "$CHARTER_PUBLIC_URL/static/${css#./}" -H 'Accept-Encoding: gzip' --compressed
	is "$STATUS" 200 "static CSS ${css#./} is served"
	like "$(header content-type)" '^text/css' "as text/css"
	like "$(header cache-control)" 'max-age=[0-9]{6,}' "with a long cache lifetime"
	cmp -s "$BODY" "$CHARTER_SRCDIR/static/${css#./}"
	ok $? "byte-identical to the repository file"
else
	skip "no static/*.css yet"; skip "no css"; skip "no css"; skip "no css"
fi

mkdir -p "$CHARTER_PUBLISH_DIR/g"
printf '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>t</title></head><body><p>smoke</p></body></html>\n' \
	>"$CHARTER_PUBLISH_DIR/g/smoke-test-page.html"
http GET "$CHARTER_PUBLIC_URL/g/smoke-test-page"
rm -f "$CHARTER_PUBLISH_DIR/g/smoke-test-page.html"
is "$STATUS/$(header x-robots-tag)/$(header cache-control)" "200/noindex/no-cache" \
	"published guest page is served by nginx with noindex and no-cache"

done_testing
