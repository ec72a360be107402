#!/bin/bash
# per-client-limits.sh: one client cannot take a listener down: 2,100 slow-body
# connections from one address are refused past its share while another address
# and the internal listener keep answering; each rate limit refuses one address
# past its burst with a 429 (JSON or page) while another address goes on
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

# Linux routes all of 127/8 to lo: each client below is its own address, in a
# 127.x.y.0/24 of this run's own (nginx remembers an address's rate for minutes,
# so a rerun must not meet the last run's). 127.0.0.1 is exempt from the limits
# in the test stack (see nginx_setup); nginx listens there, clients bind() these.
net=127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1))
FLOOD_ADDR=$net.2 CLIENT_ADDR=$net.3
FLOOD_N=${FLOOD_CONNECTIONS:-2100}
CONN_LIMIT=64                   # limit_conn charterd_conn in nginx/charterd.conf.in
pub=$CHARTER_PUBLIC_URL
errlog=$STACK_DIR/nginx/logs/error.log
run=$$-$RANDOM
t() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }

flood_pid=
cleanup() {
	exec 3>&- 2>/dev/null
	[ -n "$flood_pid" ] && kill "$flood_pid" 2>/dev/null && wait "$flood_pid" 2>/dev/null
	flood_pid=
}
trap 'rc=$?; cleanup; (exit $rc); _tap_exit' EXIT

# timed ADDR URL [curl args...]: "STATUS SECONDS" of one request from ADDR.
timed() {
	local addr=$1 url=$2
	shift 2
	curl -s -o /dev/null -m 5 --interface "$addr" -w '%{http_code} %{time_total}' "$@" "$url" ||
		printf ' timeout'
}

# -- a booking whose upload window is open, its page published ------------------
api POST /api/bookings "{\"guest_name\":\"Limits $run\",\"starts_at\":\"$(t '+1 hour')\",\"ends_at\":\"$(t '+5 hours')\",\"vessel\":\"Jada\",\"revenue_cents\":100000,\"port_fee_cents\":0,\"captain_fee_cents\":0,\"upload_opens_at\":\"$(t '-1 hour')\",\"upload_closes_at\":\"$(t '+2 hours')\"}"
slug=$(jbody .slug)
is "$STATUS" 201 "booking with an open upload window"
eventually 5 test -f "$CHARTER_PUBLISH_DIR/g/$slug.html"
ok $? "its guest page is published (nginx serves it)"

# flood_start ADDR PORT PATH N: slow-body-flood.py in the background; waits for
# its "ready" line and sets READY to its counts. Closing fd 3 stops it.
flood_start() {
	: >"$TAP_TMP/flood.out"
	rm -f "$TAP_TMP/flood.ctl"
	mkfifo "$TAP_TMP/flood.ctl"
	/usr/bin/python3 "$CHARTER_SRCDIR/tests/lib/slow-body-flood.py" --source "$1" \
		--port "$2" --path "$3" --count "$4" --max-seconds 40 \
		<"$TAP_TMP/flood.ctl" >"$TAP_TMP/flood.out" 2>"$TAP_TMP/flood.err" &
	flood_pid=$!
	exec 3>"$TAP_TMP/flood.ctl"
	flood_line ready
	READY=$LINE
}

# flood_line WORD: waits (10 s at most) for the flood's "WORD {json}" line; sets LINE.
flood_line() {
	for _ in $(seq 1 100); do
		grep -q "^$1 " "$TAP_TMP/flood.out" && break
		kill -0 "$flood_pid" 2>/dev/null || break
		sleep 0.1
	done
	LINE=$(sed -n "s/^$1 //p" "$TAP_TMP/flood.out" | tail -n 1)
	[ -n "$LINE" ] || { diag "no '$1' from the flood: $(cat "$TAP_TMP/flood.err")"; LINE=null; }
}

# flood_stop: tells the flood to stop; sets DONE to its last counts.
flood_stop() {
	exec 3>&-
	wait "$flood_pid" 2>/dev/null
	flood_pid=
	flood_line 'done'
	DONE=$LINE
}

# -- the flood --------------------------------------------------------------------
# POST /healthz: the one path that reaches charterd with no rate limit (monitors
# poll it), so what refuses the flood here is limit_conn alone.
err_before=$(stat -c %s "$errlog" 2>/dev/null || echo 0)
flood_start "$FLOOD_ADDR" "$CHARTER_PUBLIC_PORT" /healthz "$FLOOD_N"
ready=$READY
note "flood at its height: $ready"
r() { jq -r "$1 // 0" <<<"$ready"; }

# While the flood is held: another address, the internal listener, the flooder.
read -r health_st health_s < <(timed "$CLIENT_ADDR" "$pub/healthz")
read -r page_st page_s < <(timed "$CLIENT_ADDR" "$pub/g/$slug")
read -r api_st api_s < <(timed 127.0.0.1 "$CHARTER_API_URL/api/crew" -H "X-Service-Key: $CHARTER_SERVICE_KEY")
self=$(curl -s -m 5 --interface "$FLOOD_ADDR" -o "$TAP_TMP/self.body" -w '%{http_code} %{content_type}' "$pub/healthz")
note "during the flood: $CLIENT_ADDR /healthz $health_st in ${health_s}s, /g/<slug> $page_st in ${page_s}s;" \
	"internal /api/crew $api_st in ${api_s}s; $FLOOD_ADDR /healthz: $self"

is "$(r .connected)" "$FLOOD_N" "all $FLOOD_N flood connections were accepted (nginx did not run out)"
is "$health_st" 200 "$CLIENT_ADDR gets /healthz 200 during the flood"
is "$page_st" 200 "$CLIENT_ADDR gets the guest page 200 during the flood"
is "$api_st" 200 "internal listener answers /api/crew 200 during the flood"
ok "$(awk -v a="$health_s" -v b="$page_s" 'BEGIN { print !(a < 1 && b < 1) }')" \
	"and quickly (${health_s}s, ${page_s}s)"
is "${self%% *}" 429 "the flooding address itself is refused 429 while it holds its share"
ok "$([ "$(r .held)" -le "$CONN_LIMIT" ]; echo $?)" \
	"the flood holds at most $CONN_LIMIT requests open (held $(r .held))"
refused=$(( $(r '.answered["429"]') + $(r .closed) ))
ok "$([ "$refused" -ge $((FLOOD_N * 9 / 10)) ]; echo $?)" \
	"most flood connections were refused or closed ($refused of $FLOOD_N: $(r '.answered["429"]') answered 429)"

# Refused sockets that keep dribbling are read (and discarded) only until
# lingering_time (10 s), then closed; the admitted share stays, body unfinished.
sleep 13
echo report >&3
flood_line now
later=$LINE
note "flood 13 s on: $later"
closed=$(jq -r '.closed // 0' <<<"$later")
ok "$([ "$closed" -ge $((FLOOD_N - CONN_LIMIT - FLOOD_N / 100)) ]; echo $?)" \
	"nginx closed the refused connections although they kept sending ($closed closed)"
is "$(jq -r '.held // 0' <<<"$later")" "$CONN_LIMIT" "the admitted $CONN_LIMIT are still held (body timeout restarts with every byte)"

flood_stop
note "flood at its end: $DONE"
is "$(jq -r .timed_out <<<"$DONE")" false "the flood stopped when told to, and closed its sockets"

got=000
for _ in $(seq 1 50); do
	got=$(curl -s -o /dev/null -m 5 --interface "$FLOOD_ADDR" -w '%{http_code}' "$pub/healthz")
	[ "$got" = 200 ] && break
	sleep 0.1
done
is "$got" 200 "once its sockets are closed, $FLOOD_ADDR is served again"
tail -c +"$((err_before + 1))" "$errlog" >"$TAP_TMP/err.new" 2>/dev/null
is "$(grep -c 'worker_connections are not enough' "$TAP_TMP/err.new")" 0 \
	"nginx never ran short of worker connections"
like "$(grep -m1 'limiting connections' "$TAP_TMP/err.new")" "client: $FLOOD_ADDR" \
	"nginx logged the refusals against the flooding address"

low=
for w in $(pgrep -P "$STACK_PID_NGINX"); do
	n=$(awk '/^Max open files/ { print $4 }' "/proc/$w/limits" 2>/dev/null)
	[ "${n:-0}" != unlimited ] && [ "${n:-0}" -lt 16384 ] && low="$low $w:$n"
done
is "${low:-none}" none "every nginx worker may open 16384 descriptors (2 x worker_connections)"

# -- the internal listener: its own bound per caller, its own errors in JSON ---------
flood_start "$net.10" "$CHARTER_API_PORT" /api/bookings 100
note "100 slow bodies at the internal listener: $READY"
is "$(jq -r '.held' <<<"$READY")/$(jq -r '.answered["429"] // 0' <<<"$READY")" "64/36" \
	"internal listener: one caller holds at most 64, the rest are refused"
http GET "$CHARTER_API_URL/api/crew" --interface "$net.10" -H "X-Service-Key: $CHARTER_SERVICE_KEY"
is "$STATUS/$(jbody .error)" "429/rate_limited" "that caller's next request: 429 {\"error\":\"rate_limited\"}"
api GET /api/crew
is "$STATUS" 200 "another caller is served meanwhile"
flood_stop

head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' x >"$TAP_TMP/big.json"
long=$(printf 'a%.0s' $(seq 1 9000))
# Table: what | status | error | curl arguments (word-split)
while IFS='|' read -r what want_st want_err args; do
	# shellcheck disable=SC2086
	http POST "$CHARTER_API_URL/api/bookings" -H "X-Service-Key: $CHARTER_SERVICE_KEY" $args
	is "$STATUS/$(jbody .error)/$(jbody '.message | type')" "$want_st/$want_err/string" \
		"internal $what: $want_st {\"error\":\"$want_err\",\"message\":...}"
	like "$(header content-type)" '^application/json' "internal $what: as JSON"
done <<EOF
body over client_max_body_size|413|body_too_large|-H Content-Type:application/json --data-binary @$TAP_TMP/big.json
unreadable request (Host a/b)|400|bad_request|-H Host:a/b
address over 8k|414|uri_too_long|--url-query x=$long
EOF
http GET "$CHARTER_API_URL/not-an-api-path"
is "$STATUS/$(jbody .error)" "404/not_found" "internal listener outside /api/ and /metrics: 404 JSON"
http POST "$pub/g/$slug/photos" -H 'Content-Type: application/json' --data-binary "@$TAP_TMP/big.json"
is "$STATUS/$(jbody .error)" "413/body_too_large" "public JSON endpoint: a body over 1 MiB is 413 JSON too"

# -- rate limits: one address past its burst, another unaffected -------------------
# burst ADDR METHOD PATH N: N requests from ADDR, 20 at a time, as fast as curl
# can; prints the status counts ("201:62 429:38"); bodies in $TAP_TMP/burst/.
burst() {
	local addr=$1 method=$2 path=$3 n=$4 i data=
	[ "$method" = POST ] && data='data = "{\"filename\":\"b.jpg\",\"content_type\":\"image/jpeg\",\"size\":1,\"sha256\":\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"}"'
	rm -rf "$TAP_TMP/burst"
	mkdir -p "$TAP_TMP/burst"
	for i in $(seq 1 "$n"); do
		[ "$i" -gt 1 ] && echo next
		printf 'url = "%s"\nrequest = "%s"\ninterface = "%s"\nheader = "Content-Type: application/json"\n%s\noutput = "%s"\nwrite-out = "%%{http_code} %%{filename_effective} %%{content_type}\\n"\n' \
			"$pub$path" "$method" "$addr" "$data" "$TAP_TMP/burst/$i"
	done >"$TAP_TMP/burst.curl"
	curl -sS -g --max-time 30 --parallel --parallel-max 20 -K "$TAP_TMP/burst.curl" \
		>"$TAP_TMP/burst.out" 2>/dev/null
	awk '{ print $1 }' "$TAP_TMP/burst.out" | sort | uniq -c | awk '{ print $2 ":" $1 }' | paste -sd' '
}

# count CODE COUNTS: how many CODE in "201:62 429:38".
# shellcheck disable=SC2086 # the counts are meant to split
count() { printf '%s\n' $2 | awk -F: -v c="$1" '$1 == c { n = $2 } END { print n + 0 }'; }

# refused_body: file and content type of one 429 answer of the last burst.
refused_body() { awk '$1 == 429 { print $2, $3, $4; exit }' "$TAP_TMP/burst.out"; }

# A guest's phone picking 30 photos at once: all presigned.
got=$(burst "$net.4" POST "/g/$slug/photos" 30)
is "$got" "201:30" "30 presigns at once from one phone are all accepted"

# Table: address | method | path | requests | at least this many accepted | 429 is
while IFS='|' read -r addr method path n min kind; do
	path=${path//SLUG/$slug}
	t0=$(date +%s.%N)
	got=$(burst "$addr" "$method" "$path" "$n")
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
	refused=$(count 429 "$got")
	note "$method $path x$n from $addr in ${secs}s: $got"
	ok "$([ $((n - refused)) -ge "$min" ]; echo $?)" \
		"$method $path: $min at once from one address are accepted ($((n - refused)) of $n)"
	ok "$([ "$refused" -ge 1 ]; echo $?)" "$method $path: past the burst, 429 ($refused of $n)"
	read -r file ctype < <(refused_body)
	case $kind in
	json)
		like "$ctype" '^application/json' "$method $path: the 429 is JSON"
		is "$(jq -r '.error + "/" + (.message | type)' "$file" 2>/dev/null)" "rate_limited/string" \
			"$method $path: {\"error\":\"rate_limited\",\"message\":...}"
		;;
	html)
		like "$ctype" '^text/html' "$method $path: the 429 is a page"
		like "$(cat "$file" 2>/dev/null)" '<h1>Too many requests</h1>' "$method $path: saying too many requests"
		;;
	esac
	if [ "$method" = POST ]; then
		http POST "$pub$path" --interface "$CLIENT_ADDR" -H 'Content-Type: application/json' \
			--data-binary '{"filename":"c.jpg","content_type":"image/jpeg","size":1,"sha256":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}'
	else
		http GET "$pub$path" --interface "$CLIENT_ADDR"
	fi
	isnt "$STATUS" 429 "$method $path: another address at the same moment is not refused ($STATUS)"
done <<-EOF
$net.5|POST|/g/SLUG/photos|100|60|json
$net.11|GET|/g/SLUG/photos|200|120|json
$net.6|GET|/g/SLUG|200|120|html
$net.7|GET|/c/no-such-token-$run|80|40|html
$net.8|GET|/admin/login|40|20|html
$net.9|GET|/no-such-page-$run|300|100|html
EOF

tidy_ok "$(refused_body | cut -d' ' -f1)" "the 429 page is valid HTML"
unlike "$(cat "$(refused_body | cut -d' ' -f1)")" '<script|<style|style=' "with no inline script or style"

done_testing
