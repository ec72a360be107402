# tap.sh: Test Anything Protocol helpers for bash integration tests
# shellcheck shell=bash
#
# Source it from a test run through `tests/stack run` (stack.env is in the environment):
#   . "$CHARTER_SRCDIR/tests/lib/tap.sh"
#   plan 3                         # or: plan skip_all "reason"; or done_testing at the end
#   http GET "$CHARTER_PUBLIC_URL/healthz"
#   is "$STATUS" 200 "healthz answers"
#   like "$(header content-type)" '^text/html' "html"
#   api POST /api/crew '{"name":"A"}'; is "$STATUS" 201 "crew created"
#   tidy_ok "$BODY" "page is valid HTML"
#   done_testing
#
# Assertions: ok STATUS DESC (STATUS 0 = pass, e.g. `[ -f x ]; ok $? "x exists"`),
# check DESC CMD... (runs CMD), is / isnt GOT WANT DESC, like / unlike GOT ERE DESC,
# skip DESC, diag MSG, note MSG, bail_out MSG.
# Under CI=true nothing may be skipped: `plan skip_all` bails out and `skip` fails.
# Pages: tidy_ok FILE DESC (no tidy error or warning); unlike "$(body)" "$MONEY_RE" DESC
# (no currency amount in any common format).
# Crashes: no_worker_crashed [DESC] at the end of a test: charterd's log, since this
# file was sourced, has no worker killed by a signal and no sanitizer report.
# Requests: http METHOD URL [curl args...] sets STATUS, BODY (a file), HEADERS (a file);
# header NAME prints a response header; jbody JQ-FILTER reads the JSON body;
# api METHOD PATH [JSON] calls the internal API with X-Service-Key.

TAP_N=0
TAP_FAILED=0
TAP_PLANNED=
TAP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/charterd-tap.XXXXXX")
BODY=$TAP_TMP/body
HEADERS=$TAP_TMP/headers
STATUS=000
: >"$BODY"
: >"$HEADERS"
# Where charterd's log stands as the test starts: no_worker_crashed reads only what
# comes after, so a worker another test killed on purpose earlier does not count.
TAP_CHARTERD_LOG=${STACK_LOG_DIR:-${STACK_DIR:-/nonexistent}/log}/charterd.log
TAP_LOG_START=$(stat -c %s "$TAP_CHARTERD_LOG" 2>/dev/null || echo 0)

# Tests run side by side on one stack. The few moments a test breaks the cluster's roles
# on purpose (db-roles.sh) it must be alone, or a serve another test starts then refuses
# to run: every test holds this lock shared, and tap_alone waits (at most two minutes,
# then goes on and says so) until it holds it by itself; tap_together shares it again.
TAP_LOCK_FD=
if [ -n "${STACK_DIR:-}" ] && [ -d "$STACK_DIR" ] && exec {TAP_LOCK_FD}>>"$STACK_DIR/tests.lock"; then
	flock -s "$TAP_LOCK_FD"
fi
tap_alone() {
	[ -n "$TAP_LOCK_FD" ] || return 0
	flock -x -w 120 "$TAP_LOCK_FD" || note "went on without the stack to itself after 120 s"
}
tap_together() { [ -z "$TAP_LOCK_FD" ] || flock -s "$TAP_LOCK_FD"; }

_tap_exit() {
	local rc=$?
	rm -rf "$TAP_TMP"
	if [ -z "$TAP_PLANNED" ] && [ "$TAP_N" -gt 0 ]; then
		echo "# done_testing was not called"
		echo "1..$TAP_N"
		[ "$rc" -eq 0 ] && rc=1
	fi
	exit "$rc"
}
trap _tap_exit EXIT

diag() { printf '%s\n' "$@" | sed 's/^/# /' >&2; }
note() { printf '%s\n' "$@" | sed 's/^/# /'; }
# detail: why an assertion failed, on stdout so the test's log keeps it.
detail() { printf '%s\n' "$@" | sed 's/^/# /'; }

bail_out() {
	echo "Bail out! $*"
	TAP_PLANNED=bailed
	exit 255
}

# plan N | plan skip_all REASON (under CI=true a skip is a failure: CI has everything)
plan() {
	if [ "${1:-}" = skip_all ]; then
		[ "${CI:-}" != true ] || bail_out "CI=true, yet this test would skip: ${2:-}"
		echo "1..0 # SKIP ${2:-}"
		TAP_PLANNED=skip
		exit 0
	fi
	echo "1..$1"
	TAP_PLANNED=$1
}

# ok STATUS DESC: STATUS 0 passes.
ok() {
	local st=$1 desc=${2:-}
	TAP_N=$((TAP_N + 1))
	if [ "$st" = 0 ]; then
		echo "ok $TAP_N - $desc"
		return 0
	fi
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $desc"
	local i=0 line file
	while read -r line _ file < <(caller "$i"); do
		case $file in */tap.sh) ;; *) diag "  at $file line $line"; break ;; esac
		i=$((i + 1))
	done
	return 1
}

# check DESC CMD...: passes when CMD exits 0 (its output goes to stderr as diagnostics).
check() {
	local desc=$1 out st=0
	shift
	out=$("$@" 2>&1) || st=$?
	ok "$st" "$desc" || { [ -n "$out" ] && diag "$out"; }
	return "$st"
}

is() {
	if [ "$1" = "$2" ]; then ok 0 "${3:-}"; return; fi
	ok 1 "${3:-}"
	detail "  got:  '$1'" "  want: '$2'"
	return 1
}

isnt() {
	if [ "$1" != "$2" ]; then ok 0 "${3:-}"; return; fi
	ok 1 "${3:-}"
	detail "  got:  '$1'" "  want anything else"
	return 1
}

like() {
	if [[ $1 =~ $2 ]]; then ok 0 "${3:-}"; return; fi
	ok 1 "${3:-}"
	detail "  got:  '$(printf '%.300s' "$1")'" "  want match: /$2/"
	return 1
}

unlike() {
	if ! [[ $1 =~ $2 ]]; then ok 0 "${3:-}"; return; fi
	ok 1 "${3:-}"
	detail "  got:  '$(printf '%.300s' "$1")'" "  want no match: /$2/"
	return 1
}

skip() {
	if [ "${CI:-}" = true ]; then
		ok 1 "skipped under CI=true: ${1:-}"
		return 1
	fi
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N # SKIP ${1:-}"
}

# done_testing [N]: print the plan if not yet printed; exit status reflects failures.
done_testing() {
	if [ -z "$TAP_PLANNED" ]; then
		echo "1..${1:-$TAP_N}"
		TAP_PLANNED=${1:-$TAP_N}
	elif [ "$TAP_PLANNED" != "$TAP_N" ] && [ "$TAP_PLANNED" != skip ]; then
		diag "planned $TAP_PLANNED tests but ran $TAP_N"
		exit 1
	fi
	[ "$TAP_FAILED" -eq 0 ] || { diag "failed $TAP_FAILED of $TAP_N"; exit 1; }
	exit 0
}

# eventually SECONDS CMD...: true once CMD succeeds (polled every 50 ms), false after
# SECONDS times TAP_PATIENCE (3 unless set): for what charterd sync delivers a moment
# after the commit. SECONDS is how long to wait before calling it a failure, never a
# speed check (benchmarks measure speed): in a full suite the stack's sync first works
# through the rows of the test running beside this one, on a machine the sanitizers
# and two tests at once keep busy, so a wait that is ample alone is not there.
eventually() {
	local end=$((SECONDS + $1 * ${TAP_PATIENCE:-3}))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge "$end" ] && return 1
		sleep 0.05
	done
}

# http METHOD URL [curl args...]: STATUS (000 when no answer), BODY and HEADERS files.
http() {
	local method=$1 url=$2
	shift 2
	: >"$BODY"
	: >"$HEADERS"
	STATUS=$(curl -sS -g -X "$method" -o "$BODY" -D "$HEADERS" -w '%{http_code}' \
		--max-time "${HTTP_TIMEOUT:-15}" "$@" -- "$url" 2>"$TAP_TMP/curl.err") || {
		STATUS=${STATUS:-000}
		diag "curl $method $url: $(cat "$TAP_TMP/curl.err")"
	}
	[ -n "$STATUS" ] || STATUS=000
	return 0
}

# header NAME: value of response header NAME (case-insensitive; last one wins).
header() {
	tr -d '\r' <"$HEADERS" | awk -v n="$(printf '%s' "$1" | tr 'A-Z' 'a-z')" '
		{ i = index($0, ":"); if (i && tolower(substr($0, 1, i - 1)) == n) {
			v = substr($0, i + 1); sub(/^[ \t]+/, "", v); last = v } }
		END { if (last != "") print last }'
}

# header_count NAME: how many times response header NAME occurs.
header_count() {
	tr -d '\r' <"$HEADERS" | grep -ci "^$1:" || true
}

# body: the response body as a string.
body() { cat "$BODY"; }

# jbody FILTER: jq -r FILTER on the response body (empty on invalid JSON).
jbody() { jq -r "$1" <"$BODY" 2>/dev/null || true; }

# api METHOD PATH [JSON] [curl args...]: internal API call with the service key.
api() {
	local method=$1 path=$2 json=${3:-}
	shift 2
	[ $# -gt 0 ] && shift
	if [ -n "$json" ]; then
		http "$method" "$CHARTER_API_URL$path" -H "X-Service-Key: $CHARTER_SERVICE_KEY" \
			-H 'Content-Type: application/json' --data-binary "$json" "$@"
	else
		http "$method" "$CHARTER_API_URL$path" -H "X-Service-Key: $CHARTER_SERVICE_KEY" "$@"
	fi
}

# tidy_ok FILE [DESC]: HTML with neither errors (tidy exit 2) nor warnings (exit 1).
tidy_ok() {
	local file=$1 desc=${2:-"$1 is valid HTML"} out st=0
	out=$(tidy -q -e "$file" 2>&1) || st=$?
	if [ "$st" -eq 0 ]; then
		ok 0 "$desc"
		return 0
	fi
	ok 1 "$desc"
	diag "$out"
	return 1
}

# A currency amount in any common form: a symbol before digits ($150.00, $1,850, € 20),
# a code or word after or before them (1850.00 USD, USD 1,850.00, 20 dollars), thousands
# with cents (1,850.00) and plain cents (1850.00). Dates (2026-12-12, Dec 12, 2026),
# times (10:00 AM), phone numbers (+1 619 555 0142) and addresses do not match: see
# tests/test-harness. ERE for [[ =~ ]] and grep -E.
MONEY_RE='(\$|€|£|¥)[[:space:]]*[0-9]'
MONEY_RE+='|[0-9][[:space:]]*(USD|EUR|GBP|CAD|AUD|MXN|dollars?)([^[:alpha:]]|$)'
MONEY_RE+='|(USD|EUR|GBP|CAD|AUD|MXN)[[:space:]]*[0-9]'
MONEY_RE+='|[0-9]{1,3}(,[0-9]{3})+\.[0-9]{2}'
MONEY_RE+='|(^|[^0-9.,:])[0-9]+\.[0-9]{2}([^0-9.]|\.[^0-9]|\.?$)'

# no_worker_crashed [DESC]: charterd's log has, since this file was sourced, no worker
# that died of a signal or exited with an error, and no sanitizer report. /healthz
# cannot tell: the supervisor replaces a crashed worker at once.
no_worker_crashed() {
	local desc=${1:-"no charterd worker crashed"} found
	if [ ! -f "$TAP_CHARTERD_LOG" ]; then
		ok 1 "$desc"
		diag "no charterd log at $TAP_CHARTERD_LOG"
		return 1
	fi
	found=$(tail -c +"$((TAP_LOG_START + 1))" "$TAP_CHARTERD_LOG" | grep -E -m 20 \
		'worker [0-9]+ (died of signal|exited with)|ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer')
	if [ -z "$found" ]; then
		ok 0 "$desc"
		return 0
	fi
	ok 1 "$desc"
	diag "$found"
	return 1
}
