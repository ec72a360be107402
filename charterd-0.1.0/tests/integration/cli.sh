#!/bin/bash
# cli.sh: the charterd command tells the truth: version, usage errors exit 2,
# per-command help lists only what that command reads, bad settings are errors
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

run() { env -i PATH=/usr/bin:/bin "$@" "$CHARTERD" "${ARGS[@]}" >"$TAP_TMP/out" 2>"$TAP_TMP/err"; echo $?; }

version=$(sed -n 's/^AC_INIT(\[charterd\], \[\([^]]*\)\].*/\1/p' "$CHARTER_SRCDIR/configure.ac")
ARGS=(--version); is "$(run)" 0 "--version exits 0"
is "$(cat "$TAP_TMP/out")" "charterd $version" "and prints configure's version ($version)"
ARGS=(); is "$(run)" 2 "a bare charterd is a usage error (2)"
like "$(cat "$TAP_TMP/err")" "usage: charterd" "with the usage on stderr"
ARGS=(--help); is "$(run)" 0 "--help exits 0"
ARGS=(frobnicate); is "$(run)" 2 "an unknown command exits 2"
for c in serve migrate publish; do
	ARGS=("$c" --bogus); is "$(run)" 2 "charterd $c --bogus exits 2"
	like "$(cat "$TAP_TMP/err")" "unknown option '--bogus'" "and names the option"
	ARGS=("$c" extra); is "$(run)" 2 "charterd $c with a stray argument exits 2"
	ARGS=("$c" --help); is "$(run)" 0 "charterd $c --help exits 0"
done
ARGS=(migrate --help); run >/dev/null
unlike "$(cat "$TAP_TMP/out")" "CHARTER_LISTEN|CHARTER_SERVICE_KEY_HASH|PHOTO|CHARTER_PUBLIC_URL" \
	"migrate --help lists none of serve's settings"
like "$(cat "$TAP_TMP/out")" "CHARTER_SQL_DIR" "but its own"
ARGS=(publish --help); run >/dev/null
unlike "$(cat "$TAP_TMP/out")" "CHARTER_SQL_DIR|CHARTER_LISTEN|CHARTER_SERVICE_KEY_HASH|PHOTO" \
	"publish --help lists none of serve's or migrate's"
ARGS=(serve --help); run >/dev/null
unlike "$(cat "$TAP_TMP/out")" "CHARTER_SQL_DIR|SCC|CALENDAR|DYNAMO" "serve --help lists nothing of migrate or sync"
ARGS=(serve --check); is "$(run CHARTER_LOG_LEVEL=loud)" 2 "an invalid CHARTER_LOG_LEVEL is a usage error"
like "$(cat "$TAP_TMP/err")" "CHARTER_LOG_LEVEL" "naming the variable"
ARGS=(serve --check); is "$(run CHARTER_WORKERS=0)" 2 "CHARTER_WORKERS=0 is refused"
ARGS=(serve --check); is "$(run CHARTER_PUBLIC_URL=ftp://x)" 2 "a public URL that is not http(s) is refused"

# serve holds no other command's secrets: wiped from its environment.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(
	set -a; . "$STACK_DIR/serve.env"; set +a
	CHARTER_LISTEN=127.0.0.1:$port CHARTER_WORKERS=1 CHARTER_SCC_SERVICE_KEY=scc-secret-zz \
	AWS_SECRET_ACCESS_KEY=aws-secret-zz PGPASSWORD=pg-secret-zz exec "$CHARTERD" serve
) >"$TAP_TMP/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do grep -q "listening" "$TAP_TMP/serve.log" && break; sleep 0.1; done
env=$(tr '\0' '\n' <"/proc/$pid/environ")
unlike "$env" "scc-secret-zz|aws-secret-zz|pg-secret-zz" "serve's environment no longer holds sync's secrets or PGPASSWORD"
like "$(cat "$TAP_TMP/serve.log")" "CHARTER_SCC_SERVICE_KEY is not this command's to hold" "and it says so"
kill "$pid"; wait "$pid" 2>/dev/null

done_testing
