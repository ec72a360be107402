# bench/lib.sh: shared by the benchmarks: a private stack, wrk runs, parsing
# shellcheck shell=bash
set -euo pipefail

BENCH_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_THREADS=${BENCH_THREADS:-2}
export STACK_DIR=${STACK_DIR:-$BENCH_SRCDIR/var/bench}
export CHARTERD=${CHARTERD:-$BENCH_SRCDIR/src/charterd}
export CHARTER_WORKERS=${CHARTER_WORKERS:-4}

command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
[ -x "$CHARTERD" ] || { echo "bench: build charterd first (./configure && make)" >&2; exit 1; }
if nm -D "$CHARTERD" 2>/dev/null | grep -q __asan_init || nm "$CHARTERD" 2>/dev/null | grep -q __asan_init; then
	echo "bench: $CHARTERD is built with sanitizers; numbers would mean little." >&2
	echo "bench: rebuild with ./configure (no --enable-sanitizers) && make" >&2
	exit 1
fi

bench_up() {
	# Always a fresh stack: one kept from an earlier run (BENCH_KEEP) may
	# carry that run's settings.
	"$BENCH_SRCDIR/tests/stack" down >&2 || true
	"$BENCH_SRCDIR/tests/stack" up >&2
	set -a
	# shellcheck disable=SC1091
	. "$STACK_DIR/stack.env"
	set +a
	CHARTER_LOG_LEVEL=warn
	# Access logging at info would measure the disk, not the server.
	if ! grep -q '^CHARTER_LOG_LEVEL=' "$STACK_DIR/serve.env"; then
		echo 'CHARTER_LOG_LEVEL=warn' >>"$STACK_DIR/serve.env"
		"$BENCH_SRCDIR/tests/stack" restart-charterd >&2
	fi
}

bench_down() {
	[ -n "${BENCH_KEEP:-}" ] || "$BENCH_SRCDIR/tests/stack" down >&2 || true
}

# published SLUG: waits until charterd sync has published SLUG's guest page (a
# moment after the booking is made, as every change reaches the page), at most 30 s;
# 1 and a message when it did not. A bench that removes the file to measure the
# FastCGI render waits first, or sync would put it back during the measurement.
published() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ -f "$CHARTER_PUBLISH_DIR/g/$1.html" ] && return 0
		sleep 0.1
	done
	echo "bench: $CHARTER_PUBLISH_DIR/g/$1.html was not published in 30 s" >&2
	return 1
}

# api METHOD PATH [JSON]: internal API call; prints the body.
api() {
	curl -sS -f -X "$1" -H "X-Service-Key: $CHARTER_SERVICE_KEY" \
		-H 'Content-Type: application/json' ${3:+--data-binary "$3"} \
		"$CHARTER_API_URL$2"
}

# run_wrk NAME URL CONNECTIONS [LUA]: prints "NAME rps p99_ms non2xx" and keeps the
# raw output in $STACK_DIR/bench-NAME.txt.
run_wrk() {
	local name=$1 url=$2 conns=$3 lua=${4:-} out rps p99 errs
	out="$STACK_DIR/bench-$name.txt"
	wrk -t"$BENCH_THREADS" -c"$conns" -d"${BENCH_SECONDS}s" --latency \
		${lua:+-s "$lua"} "$url" >"$out" 2>&1
	rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
	p99=$(awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000; printf "%.2f", v }' "$out")
	errs=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
	echo "$name ${rps:-0} ${p99:-0} ${errs:-0}"
}

# ratio A B: A / B to three places.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }'; }

# verdict VALUE OP LIMIT: "meets" or "MISSES".
verdict() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
	ok = (op == ">=") ? v >= l : v < l; print ok ? "meets" : "MISSES" }'; }

# worker_rss_kib: RSS of each charterd worker, one per line.
worker_rss_kib() {
	local parent
	parent=$(cut -d" " -f1 "$STACK_DIR/run/charterd.pid")
	for w in $(pgrep -P "$parent"); do
		awk '/^VmRSS:/ { print $2 }' "/proc/$w/status"
	done
}

# a_booking [EXTRA_JSON_FIELDS]: creates a booking, prints "id slug".
a_booking() {
	local starts ends extra=${1:-}
	starts=$(date -u -d '+1 hour' +%FT%TZ)
	ends=$(date -u -d '+5 hours' +%FT%TZ)
	api POST /api/bookings "{\"guest_name\":\"Bench Guest\",\"starts_at\":\"$starts\",\"ends_at\":\"$ends\",\"vessel\":\"Jada\",\"meeting_point\":\"Harbor Island West Marina, dock B\",\"party_size\":6,\"checklist\":[\"Sunscreen\",\"Soft-soled shoes\",\"A warm layer\"],\"guest_notes\":\"Celebrating a birthday.\",\"revenue_cents\":250000,\"port_fee_cents\":15000,\"captain_fee_cents\":40000$extra}" |
		jq -r '"\(.id) \(.slug)"'
}
