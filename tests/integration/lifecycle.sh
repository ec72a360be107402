#!/bin/bash
# lifecycle.sh: the supervisor's life: a restart in place under load through nginx loses
# no request; a failed restart keeps the old server; workers never run as root and die
# with their supervisor, and status says so; an inherited socket (LISTEN_FDS); a socket
# path another server took is left alone; a plain stop still answers what was queued.
# Private `charterd serve` instances run beside the shared stack; the restart under load
# is the shared stack's own (it drops nothing, so tests running beside it do not notice).
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

fcgi() { "$CHARTER_SRCDIR/tests/lib/fcgi-request.py" "$@"; }
status_of() { sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -n 1; }
wait_for() { # wait_for SECONDS CMD...: until CMD succeeds
	local end=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $end ] && return 1; sleep 0.05; done
}
healthy() { [ "$(fcgi "$1" GET /healthz 2>/dev/null | status_of)" = 200 ]; }
alive() { [ -d "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
gone() { ! alive "$1"; }
workers_of() { pgrep -P "$1" | sort | tr '\n' ' '; }
none_alive() { local p; for p in "$@"; do alive "$p" && return 1; done; return 0; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
stack_pid() { cut -d' ' -f1 "$STACK_DIR/run/charterd.pid"; }

# serve_private LOG VAR=VALUE...: charterd serve from serve.env plus VAR=VALUE, in the
# background (LEADER=1: leading its own process group, as the stack's does); SPID: its pid.
PIDS=()
serve_private() {
	local log=$1
	shift
	(
		set -a; . "$STACK_DIR/serve.env"; set +a
		# shellcheck disable=SC2163 # "$@" is VAR=VALUE pairs
		export CHARTER_WORKERS=2 "$@"
		[ -z "${LEADER:-}" ] || exec /usr/bin/python3 -c \
			'import os, sys; os.setpgid(0, 0); os.execv(sys.argv[1], sys.argv[1:])' "$CHARTERD" serve
		exec "$CHARTERD" serve
	) >>"$log" 2>&1 &
	SPID=$!
	PIDS+=("$SPID")
}
cleanup() {
	local p
	for p in "${PIDS[@]}" ${EXTRA_PIDS:-}; do kill -TERM "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap 'rc=$?; cleanup; (exit $rc); _tap_exit' EXIT

root=0; [ "$(id -u)" -eq 0 ] && root=1

# ---------------------------------------------------------------- workers' user
if [ "$root" = 1 ]; then
	want=$(id -u "${CHARTER_USER:-charterd}")
	sup=$(stack_pid)
	uids=$(for w in $(pgrep -P "$sup"); do awk '/^Uid:/ { print $2 "/" $3 }' "/proc/$w/status"; done | sort -u | tr '\n' ' ')
	is "$uids" "$want/$want " "every worker of the stack runs as ${CHARTER_USER:-charterd} (uid $want), real and effective"
	is "$(awk '/^Uid:/ { print $2 }' "/proc/$sup/status")" 0 "the supervisor stays root (to reload and restart)"
	is "$(for w in $(pgrep -P "$sup"); do awk '/^Groups:/ { print NF - 1 }' "/proc/$w/status"; done | sort -u)" 0 \
		"workers keep no supplementary group"
	out=$( (set -a; . "$STACK_DIR/serve.env"; set +a; CHARTER_USER=no-such-user-zz CHARTER_LISTEN=$TAP_TMP/nouser.sock \
		exec timeout 15 "$CHARTERD" serve) 2>&1 )
	is "$?" 1 "as root with a CHARTER_USER that does not exist, serve refuses to start"
	like "$out" "no-such-user-zz' does not exist.*useradd --system" "and says how to create it"
	[ ! -e "$TAP_TMP/nouser.sock" ]; ok $? "leaving no socket behind"
else
	skip "not root: workers keep the caller's uid"
fi

# ---------------------------------------------------------------- restart under load
# A guest page rendered by charterd (its published file removed), 64 connections.
starts=$(date -u -d '+1 hour' +%FT%TZ) ends=$(date -u -d '+5 hours' +%FT%TZ)
api POST /api/bookings "{\"guest_name\":\"Load Guest\",\"starts_at\":\"$starts\",\"ends_at\":\"$ends\",\"vessel\":\"Jada\",\"revenue_cents\":100000,\"port_fee_cents\":1000,\"captain_fee_cents\":2000}"
slug=$(jbody .slug)
# Once sync has published it, remove it: charterd renders the page then.
eventually 5 test -f "$CHARTER_PUBLISH_DIR/g/$slug.html"
rm -f "$CHARTER_PUBLISH_DIR/g/$slug.html"
http GET "$CHARTER_PUBLIC_URL/g/$slug"
is "$STATUS" 200 "the guest page is rendered by charterd"
old=$(stack_pid)
old_workers=$(workers_of "$old")
wrk -t2 -c64 -d10s "$CHARTER_PUBLIC_URL/g/$slug" >"$TAP_TMP/wrk.out" 2>&1 &
wrkpid=$!
sleep 4
t0=$(now)
"$CHARTER_SRCDIR/tests/stack" restart-charterd >"$TAP_TMP/restart.out" 2>&1
ok $? "tests/stack restart-charterd under load" || diag "$(cat "$TAP_TMP/restart.out")"
t1=$(now)
wait "$wrkpid"
new=$(stack_pid)
isnt "$new" "$old" "a new supervisor serves"
like "$(cat "$TAP_TMP/restart.out")" "restarted in place" "it was a restart in place"
ok "$(gone "$old"; echo $?)" "the old supervisor left"
ok "$(none_alive $old_workers; echo $?)" "and its workers with it"
is "$(pgrep -P "$new" | wc -l)" "$CHARTER_WORKERS" "the new one runs $CHARTER_WORKERS workers"
[ -S "${CHARTER_FCGI#unix:}" ] || [ "${CHARTER_FCGI#unix:}" = "$CHARTER_FCGI" ]
ok $? "the socket is still there"
reqs=$(awk '/requests in/ { print $1 }' "$TAP_TMP/wrk.out")
non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$TAP_TMP/wrk.out")
sockerr=$(awk -F'[ ,]+' '/Socket errors:/ { print $4 + $6 + $8 + $10 }' "$TAP_TMP/wrk.out")
isnt "${reqs:-0}" 0 "wrk ran (${reqs:-0} requests)"
is "${non2xx:-0}" 0 "no request answered other than 2xx during the restart"
is "${sockerr:-0}" 0 "no connect, read, write or timeout error during the restart" ||
	diag "$(cat "$TAP_TMP/wrk.out")"
note "restart under 64-connection load: ${reqs:-0} requests, ${non2xx:-0} non-2xx," \
	"${sockerr:-0} socket errors; $(sed -n 's/.*restarted in place: //p' "$TAP_TMP/restart.out")" \
	"(script: $(secs "$t0" "$t1") s)"
http GET "$CHARTER_PUBLIC_URL/healthz"
is "$STATUS" 200 "/healthz after the restart"
if [ "$root" = 1 ]; then
	uids=$(for w in $(pgrep -P "$new"); do awk '/^Uid:/ { print $2 }' "/proc/$w/status"; done | sort -u)
	is "$uids" "$want" "the new supervisor's workers run as ${CHARTER_USER:-charterd} too"
fi

# ---------------------------------------------------------------- restart in place, privately
# A copy of the binary, so it can be replaced: what a restart runs is the file at the
# path resolved at start, and a restart that fails keeps the old server serving.
bin=$TAP_TMP/bin/charterd
mkdir -p "$TAP_TMP/bin"
cp "$CHARTERD" "$bin"
sock=$TAP_TMP/r.sock pidf=$TAP_TMP/r.pid log=$TAP_TMP/r.log
(
	set -a; . "$STACK_DIR/serve.env"; set +a
	export CHARTER_WORKERS=2 CHARTER_LISTEN=$sock CHARTER_PID_FILE=$pidf
	exec "$bin" serve
) >>"$log" 2>&1 &
a=$!
PIDS+=("$a")
wait_for 15 test -s "$pidf"
is "$(cat "$pidf" 2>/dev/null)" "$a" "the pid file names the supervisor once its workers are ready"
printf '#!/bin/sh\necho "broken build" >&2\nexit 3\n' >"$bin.new"
chmod 755 "$bin.new"
mv -f "$bin.new" "$bin"
kill -USR2 "$a"
wait_for 10 grep -q 'keeps serving' "$log"
ok $? "a successor that fails is noticed"
alive "$a"; ok $? "the old supervisor keeps running"
healthy "$sock"; ok $? "and serving"
is "$(cat "$pidf")" "$a" "the pid file still names it"
cp "$CHARTERD" "$bin.new" && mv -f "$bin.new" "$bin"
aw=$(workers_of "$a")
body='{"name":"Handover","email":"handover@example.com","hourly_rate_cents":100,"favourite":1}'
fcgi --pause 1.5 "$sock" POST /api/crew CHARTER_SIDE=internal \
	"HTTP_X_SERVICE_KEY=$CHARTER_SERVICE_KEY" CONTENT_TYPE=application/json \
	<<<"$body" >"$TAP_TMP/inflight.out" 2>"$TAP_TMP/inflight.err" &
inflight=$!
wait_for 20 grep -q "half sent" "$TAP_TMP/inflight.err"
kill -USR2 "$a"
wait_for 15 bash -c "[ -s '$pidf' ] && [ \"\$(cat '$pidf')\" != '$a' ]"
ok $? "SIGUSR2 with a good binary: the pid file names the new supervisor"
b=$(cat "$pidf")
EXTRA_PIDS=$b
wait "$inflight"
is "$(status_of <"$TAP_TMP/inflight.out")" 400 "a request in flight across the restart is answered"
like "$(cat "$TAP_TMP/inflight.out")" '"field":"favourite"' "with its whole body"
wait_for 10 gone "$a"
ok $? "the old supervisor leaves"
ok "$(none_alive $aw; echo $?)" "with its workers"
wait "$a"; is "$?" 0 "with exit status 0"
healthy "$sock"; ok $? "the new one serves the same socket"
is "$(awk '{ print $5 }' "/proc/$b/stat")" "$b" "in a session of its own"

# ---------------------------------------------------------------- death of a supervisor
bw=$(workers_of "$b")
is "$(wc -w <<<"$bw")" 2 "the new supervisor has its two workers"
t0=$(now)
kill -KILL "$b"
wait_for 5 none_alive $bw
ok $? "SIGKILL to the supervisor: every worker exits within 5 s"
note "workers gone $(secs "$t0" "$(now)") s after their supervisor was SIGKILLed"

# A stop after a restart in place: the successor removes the socket its predecessor
# created (it was handed over with it), so what is queued is answered, not reset.
hs=$TAP_TMP/h.sock hp=$TAP_TMP/h.pid
serve_private "$TAP_TMP/h.log" CHARTER_LISTEN="$hs" CHARTER_PID_FILE="$hp"
h=$SPID
wait_for 15 test -s "$hp"
kill -USR2 "$h"
wait_for 15 bash -c "[ \"\$(cat '$hp')\" != '$h' ]"
h2=$(cat "$hp")
EXTRA_PIDS="$EXTRA_PIDS $h2"
wait_for 10 gone "$h"
healthy "$hs"; ok $? "restarted in place"
kill -TERM "$h2"
wait_for 35 gone "$h2"
ok $? "the successor stops on SIGTERM"
[ ! -e "$hs" ]; ok $? "removing the socket its predecessor created"
[ ! -e "$hp" ]; ok $? "and the pid file naming it"

# tests/stack status on a private copy of the stack whose charterd is a private server.
fake=$TAP_TMP/fake-stack
mkdir -p "$fake/run"
sed "s|^STACK_DIR=.*|STACK_DIR=$fake|" "$STACK_DIR/stack.env" >"$fake/stack.env"
for f in "$STACK_DIR"/run/*.pid; do
	case ${f##*/} in charterd.pid) ;; *) cp "$f" "$fake/run/" ;; esac
done
LEADER=1 serve_private "$TAP_TMP/st.log" CHARTER_LISTEN="$TAP_TMP/st.sock"
c=$SPID
wait_for 10 healthy "$TAP_TMP/st.sock"
printf '%s %s\n' "$c" "$(awk '{ print $22 }' "/proc/$c/stat")" >"$fake/run/charterd.pid"
out=$(STACK_DIR=$fake "$CHARTER_SRCDIR/tests/stack" status 2>&1)
is "$?" 0 "status: 0 while the supervisor, its workers and /healthz are fine"
like "$out" "charterd: up \($c, 2 workers, /healthz 200\)" "and says so"
kill -STOP "$c"
cw=$(workers_of "$c")
kill -KILL $cw
wait_for 5 none_alive $cw
out=$(STACK_DIR=$fake "$CHARTER_SRCDIR/tests/stack" status 2>&1)
is "$?" 1 "status: 1 while the supervisor lives but has no worker"
like "$out" "charterd: DOWN \(supervisor $c alive, 0 workers" "and says so"
kill -CONT "$c"
wait_for 10 healthy "$TAP_TMP/st.sock"
cw=$(workers_of "$c")
kill -KILL "$c"
wait_for 5 none_alive $cw
out=$(STACK_DIR=$fake "$CHARTER_SRCDIR/tests/stack" status 2>&1)
is "$?" 1 "status: 1 once the supervisor was killed"
like "$out" "charterd: DOWN \(supervisor $c is gone, and no worker is left\)" \
	"and says it is down, its workers gone with it" || kill -KILL $cw 2>/dev/null
like "$out" "nginx: up" "while the other services are reported up"

# ---------------------------------------------------------------- replacement, rate-limited
# A worker that dies at once is replaced no sooner than a second later (it would spin).
serve_private "$TAP_TMP/rl.log" CHARTER_LISTEN="$TAP_TMP/rl.sock" CHARTER_WORKERS=1
r=$SPID
wait_for 10 healthy "$TAP_TMP/rl.sock"
w1=$(workers_of "$r")
sleep 1.1
kill -KILL $w1
wait_for 5 bash -c "[ -n \"\$(pgrep -P $r)\" ] && [ \"\$(pgrep -P $r)\" != $w1 ]"
ok $? "a worker that lived is replaced at once"
# Under a loaded machine the test may reach a worker only after it lived a
# second: kill fresh ones until one dies young (its age read from /proc).
age_of() { awk -v st="$(cut -d' ' -f22 "/proc/$1/stat")" -v hz="$(getconf CLK_TCK)" \
	'{ printf "%.2f", $1 - st / hz }' /proc/uptime; }
# The supervisor's own verdict decides: it logs "worker <pid> lived N ms".
for try in 1 2 3 4 5 6 7 8 9 10; do
	w2=$(workers_of "$r" | tr -d ' ')
	age=$(age_of "$w2")
	t0=$(now)
	kill -KILL $w2
	wait_for 5 bash -c "[ -n \"\$(pgrep -P $r)\" ] && [ \"\$(pgrep -P $r)\" != $w2 ]"
	took=$(secs "$t0" "$(now)")
	grep -q "worker $w2 lived [0-9]* ms" "$TAP_TMP/rl.log" && break
done
ok "$(awk -v t="$took" 'BEGIN { print (t >= 0.9) ? 0 : 1 }')" "one that died young (${age} s old) is replaced after a second ($took s)"
like "$(cat "$TAP_TMP/rl.log")" "died of signal 9; replacing it" "each death is logged with its signal"
like "$(cat "$TAP_TMP/rl.log")" "lived [0-9]+ ms; the next one starts in 1000 ms" "and the wait is logged"
wait_for 5 healthy "$TAP_TMP/rl.sock"; ok $? "and it serves again"
kill -TERM "$r"; wait "$r"

# ---------------------------------------------------------------- inherited socket
# A launcher that binds a unix socket, passes it as fd 3 and execs charterd.
launch() { # launch PATH LISTEN_PID(self|other|file) CMD...: replaces the calling shell
	exec /usr/bin/python3 - "$@" <<-'EOF'
	import os, socket, sys
	path, who, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
	if who == "file":
	    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
	else:
	    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	    s.bind(path)
	    s.listen(64)
	    fd = s.fileno()
	if fd != 3:
	    os.dup2(fd, 3)
	os.set_inheritable(3, True)
	os.environ["LISTEN_FDS"] = "1"
	os.environ["LISTEN_PID"] = str(os.getpid() if who != "other" else 1)
	os.execv(cmd[0], cmd)
	EOF
}
isock=$TAP_TMP/inherited.sock
(
	set -a; . "$STACK_DIR/serve.env"; set +a
	export CHARTER_WORKERS=1 CHARTER_LISTEN=$TAP_TMP/not-this.sock
	launch "$isock" self "$CHARTERD" serve
) >>"$TAP_TMP/inh.log" 2>&1 &
d=$!
PIDS+=("$d")
wait_for 10 healthy "$isock"
ok $? "LISTEN_FDS=1 for our pid: serves on the inherited socket"
[ ! -e "$TAP_TMP/not-this.sock" ]; ok $? "and does not open CHARTER_LISTEN"
kill -TERM "$d"; wait "$d"
[ -S "$isock" ]; ok $? "an inherited socket's path is never removed"
(
	set -a; . "$STACK_DIR/serve.env"; set +a
	export CHARTER_WORKERS=1 CHARTER_LISTEN=$TAP_TMP/own.sock
	launch "$TAP_TMP/other.sock" other "$CHARTERD" serve
) >>"$TAP_TMP/inh2.log" 2>&1 &
d=$!
PIDS+=("$d")
wait_for 10 healthy "$TAP_TMP/own.sock"
ok $? "LISTEN_PID of another process: fd 3 is left alone, CHARTER_LISTEN is opened"
kill -TERM "$d"; wait "$d"
(
	set -a; . "$STACK_DIR/serve.env"; set +a
	export CHARTER_WORKERS=1 CHARTER_LISTEN=$TAP_TMP/own2.sock
	launch "$TAP_TMP/plain-file" file "$CHARTERD" serve
) >"$TAP_TMP/inh3.log" 2>&1 &
d=$!
PIDS+=("$d")
wait_for 15 gone "$d" || kill -TERM "$d"
wait "$d"
is "$?" 1 "LISTEN_FDS naming something that is not a listening socket: refused"
like "$(cat "$TAP_TMP/inh3.log")" "not a listening socket" "with the reason"

# ---------------------------------------------------------------- a path no longer ours
# The old server drains a request in flight while a new one takes the path over; the
# old one must not remove the new one's socket when it finally leaves.
p=$TAP_TMP/shared.sock
serve_private "$TAP_TMP/own-a.log" CHARTER_LISTEN="$p" CHARTER_WORKERS=1
e=$SPID
wait_for 10 healthy "$p"
fcgi --pause 2 "$p" POST /api/crew CHARTER_SIDE=internal \
	"HTTP_X_SERVICE_KEY=$CHARTER_SERVICE_KEY" CONTENT_TYPE=application/json \
	<<<"$body" >"$TAP_TMP/slow.out" 2>"$TAP_TMP/slow.err" &
slow=$!
wait_for 20 grep -q "half sent" "$TAP_TMP/slow.err"
kill -TERM "$e"
sleep 0.3
serve_private "$TAP_TMP/own-b.log" CHARTER_LISTEN="$p" CHARTER_WORKERS=1
f=$SPID
wait_for 10 healthy "$p"
ok $? "a new server takes the path while the old one drains"
wait "$slow"
wait "$e"
[ -S "$p" ]; ok $? "the old one leaves the new one's socket in place"
healthy "$p"; ok $? "and the new one still answers"
kill -TERM "$f"; wait "$f"
[ ! -e "$p" ]; ok $? "a server that stops removes the socket it still owns"

# A live server's socket is not taken over by a second one.
serve_private "$TAP_TMP/live-a.log" CHARTER_LISTEN="$p" CHARTER_WORKERS=1
g=$SPID
wait_for 10 healthy "$p"
out=$( (set -a; . "$STACK_DIR/serve.env"; set +a; CHARTER_LISTEN=$p exec timeout 15 "$CHARTERD" serve) 2>&1 )
is "$?" 1 "a second server refuses a path a live server listens on"
like "$out" "another server is listening" "and says why"
healthy "$p"; ok $? "the first one keeps it"

# ---------------------------------------------------------------- plain stop, queue full
# One worker busy with a slow request, five more queued in the backlog: a plain SIGTERM
# to the supervisor answers all six (closing a socket with a queue resets the queue).
slow_out=$TAP_TMP/q-slow.out
fcgi --pause 1.5 "$p" POST /api/crew CHARTER_SIDE=internal \
	"HTTP_X_SERVICE_KEY=$CHARTER_SERVICE_KEY" CONTENT_TYPE=application/json \
	<<<"$body" >"$slow_out" 2>"$slow_out.err" &
qp=($!)
wait_for 20 grep -q "half sent" "$slow_out.err"
for i in 1 2 3 4 5; do
	fcgi "$p" GET /healthz >"$TAP_TMP/q$i.out" 2>&1 &
	qp+=($!)
done
queued() { [ "$(ss -xlnH src "$p" | awk '{ print $3 }')" = 5 ]; }
wait_for 10 queued
ok $? "five requests wait in the socket's queue"
kill -TERM "$g"
for q in "${qp[@]}"; do wait "$q"; done
answered=$(grep -l "^Status: " "$slow_out" "$TAP_TMP"/q[1-5].out | wc -l)
is "$answered" 6 "a plain stop answers the request in flight and the five queued behind it" || diag "$(tail -n 12 "$TAP_TMP/live-a.log"; head -n 2 "$slow_out" "$TAP_TMP"/q[1-5].out)"
wait "$g"; is "$?" 0 "and exits 0"
[ ! -e "$p" ]; ok $? "removing its socket"

done_testing
