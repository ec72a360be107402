#!/bin/bash
# headers.sh: the headers nginx adds, location by location (policy, referrer,
# framing, sniffing, indexing, caching), and what crosses to FastCGI: a second
# nginx rendered from the same template in front of a FastCGI echo peer shows
# the public side blanks X-Service-Key and X-Dashboard-Token and hides upstream
# copies of nginx's own headers, while the internal side passes the credentials
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"
# shellcheck source=../../scripts/lib.sh
. "$CHARTER_SRCDIR/scripts/lib.sh"   # nginx_setup, nginx_start, stop_proc, free_ports

pub=$CHARTER_PUBLIC_URL
run=$$-$RANDOM
S3=$CHARTER_S3_ENDPOINT
CSP="default-src 'self'; img-src 'self' data: blob: $S3; connect-src 'self' $S3; style-src 'self'; script-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
t() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }

echo_dir=$STACK_DIR/headers-echo.$$
echo_pid=
cleanup() {
	[ -d "$echo_dir" ] && (STACK_DIR=$echo_dir; stop_proc nginx QUIT 5) 2>/dev/null
	[ -n "$echo_pid" ] && kill "$echo_pid" 2>/dev/null && wait "$echo_pid" 2>/dev/null
	rm -rf "$echo_dir"
}
trap 'rc=$?; cleanup; (exit $rc); _tap_exit' EXIT

# fetch NAME METHOD URL [curl args...]: one answer, its headers kept as NAME.
fetch() {
	local name=$1
	shift
	http "$@"
	cp "$HEADERS" "$TAP_TMP/h.$name"
	printf '%s\n' "$STATUS" >"$TAP_TMP/s.$name"
}

# hdr NAME HEADER: "COUNT VALUE" of HEADER in answer NAME (last value).
hdr() {
	local saved=$HEADERS n v
	HEADERS=$TAP_TMP/h.$1
	n=$(header_count "$2")
	v=$(header "$2")
	HEADERS=$saved
	printf '%s %s' "$n" "$v"
}

# -- the answers, from the shared stack ------------------------------------------
api POST /api/bookings "{\"guest_name\":\"Headers $run\",\"starts_at\":\"$(t '+1 day')\",\"ends_at\":\"$(t '+1 day 4 hours')\",\"vessel\":\"Jada\",\"revenue_cents\":100000,\"port_fee_cents\":0,\"captain_fee_cents\":0}"
slug=$(jbody .slug)
is "$STATUS" 201 "a booking, its page published"

fetch page GET "$pub/g/$slug"
fetch fallback GET "$pub/g/no-such-booking-$run"
fetch photos GET "$pub/g/$slug/photos"
fetch crew GET "$pub/c/no-such-token-$run"
fetch static GET "$pub/static/style.css"
fetch svg GET "$pub/static/favicon.svg"
fetch health GET "$pub/healthz"
fetch login GET "$pub/admin/login"
fetch other GET "$pub/no-such-page-$run"
fetch api GET "$CHARTER_API_URL/api/crew" -H "X-Service-Key: $CHARTER_SERVICE_KEY"
head -c 1100000 /dev/zero | tr '\0' x >"$TAP_TMP/big"
fetch api413 POST "$CHARTER_API_URL/api/bookings" -H "X-Service-Key: $CHARTER_SERVICE_KEY" \
	-H 'Content-Type: application/json' --data-binary "@$TAP_TMP/big"
# A 429 page: one address (not the exempt 127.0.0.1) past the sign-in burst.
addr=127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 2))
for _ in $(seq 1 40); do
	fetch limited GET "$pub/admin/login" --interface "$addr"
	[ "$STATUS" = 429 ] && break
done

is "$(cat "$TAP_TMP"/s.{page,fallback,photos,crew,static,svg,health,limited,api,api413} | paste -sd' ')" \
	"200 404 200 404 200 200 200 429 200 413" "the answers are the ones meant (page, 404 page, JSON, ...)"

# Table: answer | header | =exact value (and exactly once), ~ERE, or - (absent)
while IFS='|' read -r name h want; do
	got=$(hdr "$name" "$h")
	case $want in
	=*) is "$got" "1 ${want#=}" "$name: $h: ${want#=}" ;;
	~*) like "${got#* }" "${want#\~}" "$name: $h matches ${want#\~}" ;;
	-) is "${got%% *}" 0 "$name: no $h" ;;
	esac
done <<EOF
page|content-security-policy|=$CSP
page|referrer-policy|=strict-origin-when-cross-origin
page|x-content-type-options|=nosniff
page|x-frame-options|=DENY
page|x-robots-tag|=noindex
page|cache-control|=no-cache
fallback|content-security-policy|=$CSP
fallback|referrer-policy|=strict-origin-when-cross-origin
fallback|x-content-type-options|=nosniff
fallback|x-frame-options|=DENY
fallback|x-robots-tag|~^noindex
photos|content-security-policy|=$CSP
photos|referrer-policy|=strict-origin-when-cross-origin
photos|x-content-type-options|=nosniff
photos|x-frame-options|=DENY
photos|x-robots-tag|=noindex
crew|content-security-policy|=$CSP
crew|referrer-policy|=no-referrer
crew|x-content-type-options|=nosniff
crew|x-frame-options|=DENY
crew|x-robots-tag|~noindex
static|content-security-policy|=$CSP
static|referrer-policy|=strict-origin-when-cross-origin
static|x-content-type-options|=nosniff
static|x-frame-options|=DENY
static|cache-control|~max-age=[0-9]{6,}
svg|content-security-policy|=$CSP
health|content-security-policy|=$CSP
health|referrer-policy|=strict-origin-when-cross-origin
health|x-content-type-options|=nosniff
health|x-frame-options|=DENY
login|content-security-policy|=$CSP
login|referrer-policy|=strict-origin-when-cross-origin
login|x-content-type-options|=nosniff
login|x-frame-options|=DENY
other|content-security-policy|=$CSP
other|x-content-type-options|=nosniff
other|x-frame-options|=DENY
limited|content-security-policy|=$CSP
limited|referrer-policy|=no-referrer
limited|x-content-type-options|=nosniff
limited|x-frame-options|=DENY
limited|x-robots-tag|=noindex
limited|cache-control|=no-store
limited|retry-after|~^[0-9]+$
api|x-content-type-options|=nosniff
api|content-security-policy|-
api413|x-content-type-options|=nosniff
api413|content-type|~^application/json
EOF

# -- what crosses to FastCGI: a second nginx in front of an echo peer ----------------
mapfile -t ports < <(free_ports 3)
/usr/bin/python3 "$CHARTER_SRCDIR/tests/lib/fcgi-echo.py" --port "${ports[0]}" --max-seconds 60 \
	>"$TAP_TMP/echo.out" 2>&1 &
echo_pid=$!
# The first request must find the peer listening (under a loaded make -j2 it may
# take a moment to start).
eventually 10 grep -q '^listening' "$TAP_TMP/echo.out"
ok $? "the FastCGI echo peer listens" || diag "$(cat "$TAP_TMP/echo.out")"
mkdir -p "$echo_dir"/{log,run,publish/g}
chmod 755 "$echo_dir" "$echo_dir/publish" "$echo_dir/publish/g"
(
	# shellcheck disable=SC2034 # read by nginx_setup and nginx_start
	STACK_DIR=$echo_dir PUBLIC_PORT=${ports[1]} API_PORT=${ports[2]} \
		FCGI_ADDR=127.0.0.1:${ports[0]} S3_ENDPOINT=$S3 \
		STACK_STATIC_DIR=${CHARTER_STATIC_DIR:-$CHARTER_SRCDIR/static}
	nginx_setup && nginx_start
) >"$TAP_TMP/echo-nginx.log" 2>&1
ok $? "a second nginx from the same template, in front of a FastCGI echo peer" ||
	diag "$(cat "$TAP_TMP/echo-nginx.log" "$echo_dir/nginx/logs/error.log" 2>/dev/null)"
epub=http://127.0.0.1:${ports[1]} eapi=http://127.0.0.1:${ports[2]}
creds=(-H 'X-Service-Key: svc-secret' -H 'X-Dashboard-Token: dash-secret' -H 'Proxy: http://127.0.0.1:9')
seen='[.HTTP_X_SERVICE_KEY, .HTTP_X_DASHBOARD_TOKEN, .HTTP_PROXY, .CHARTER_SIDE] | tostring'

# Table: listener | method | path | the credentials, Proxy and CHARTER_SIDE the peer got
# (null: not passed at all; nginx drops a param set to "" and the client's header with it)
# | the X-Robots-Tag nginx itself adds there (the peer sends none; charterd adds its own
# on its HTML pages, so the answers above cannot tell whose it is)
while IFS='|' read -r side method path want robots; do
	base=$epub
	[ "$side" = internal ] && base=$eapi
	body=()
	[ "$method" = POST ] && body=(-H 'Content-Type: application/json' --data-binary '{}')
	http "$method" "$base$path" "${creds[@]}" "${body[@]}"
	is "$(jbody "$seen")" "$want" "$side $method $path: FastCGI got $want"
	if [ "$side" = public ]; then
		is "$(header_count x-powered-by)/$(header_count x-frame-options)$(header x-frame-options)/$(header_count x-content-type-options)$(header x-content-type-options)/$(header_count referrer-policy)" \
			"0/1DENY/1nosniff/1" "$side $path: upstream X-Powered-By hidden, nginx's headers only once"
		is "$(header x-robots-tag)" "$robots" "$side $path: nginx adds X-Robots-Tag '$robots'"
	else
		is "$(header_count x-powered-by)" 0 "$side $path: upstream X-Powered-By hidden"
	fi
done <<'EOF'
public|GET|/g/no-such-booking|[null,null,null,["public"]]|
public|GET|/g/some-booking/photos|[null,null,null,["public"]]|noindex
public|POST|/g/some-booking/photos|[null,null,null,["public"]]|noindex
public|GET|/c/some-token|[null,null,null,["public"]]|noindex
public|GET|/healthz|[null,null,null,["public"]]|
public|GET|/admin/login|[null,null,null,["public"]]|
public|GET|/elsewhere|[null,null,null,["public"]]|
internal|GET|/api/crew|[["svc-secret"],["dash-secret"],null,["internal"]]
internal|GET|/metrics|[["svc-secret"],["dash-secret"],null,["internal"]]
EOF

# With the peer gone, nginx answers 502 itself: JSON where JSON is spoken.
kill "$echo_pid" 2>/dev/null
wait "$echo_pid" 2>/dev/null
echo_pid=
http GET "$eapi/api/crew" "${creds[@]}"
is "$STATUS/$(jbody .error)/$(header content-type)" "502/bad_gateway/application/json; charset=utf-8" \
	"internal listener, FastCGI peer down: 502 {\"error\":\"bad_gateway\"}"
http POST "$epub/g/some-booking/photos" -H 'Content-Type: application/json' --data-binary '{}'
is "$STATUS/$(jbody .error)" "502/bad_gateway" "public /g/<slug>/photos, peer down: 502 JSON too"

done_testing
