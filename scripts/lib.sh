# lib.sh: shared shell functions for scripts/test, scripts/demo and tests/stack
# shellcheck shell=bash
#
# Sourced, never executed. Callers run with `set -euo pipefail`.
#
# A "stack" is one directory ($STACK_DIR) holding everything a running charterd needs:
#   pg/         private PostgreSQL cluster (data/, sock/, postgres.log; owned by postgres)
#   s3/ dynamo/ mail/   peer data          publish/g/   guest pages (CHARTER_PUBLISH_DIR)
#   (the SCC and calendar peer, sccpeer, keeps its records in memory)
#   nginx/      nginx prefix (nginx.conf, logs/, tmp/)
#   share/      copies of static/, templates/, sql/ when services cannot read the checkout
#   log/        one log per process          run/<name>.pid   "pid starttime" per process
#   serve.env sync.env   charterd's environment (mode 600)
#   stack.env   everything a client needs (mode 600), see stack_write_env
# Callers name it by $STACK_DIR (e.g. var/test); stack_locate turns that into
# STACK_LINK (the name) and STACK_DIR (the real folder, see stack_create).
# stack_up / stack_down / stack_remove / stack_restart_charterd are shared by tests/stack
# and scripts/demo; stack_resume is how scripts/demo starts again without losing data.

CHARTER_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHARTER_SRCDIR=${CHARTER_SRCDIR:-$(cd "$CHARTER_LIB_DIR/.." && pwd)}
PG_BINDIR=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
NGINX_BIN=${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}

# ------------------------------------------------------------------ messages
info() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------ packages
# shellcheck disable=SC2034 # used by scripts/test and scripts/demo
BUILD_PACKAGES="build-essential autoconf automake libtool pkg-config libfcgi-dev
	libjansson-dev libcurl4-openssl-dev libssl-dev libpq-dev libargon2-dev libical-dev clang"
# shellcheck disable=SC2034
RUNTIME_PACKAGES="postgresql curl jq tidy wrk chromium python3-botocore python3-boto3
	python3-icalendar nodejs npm ca-certificates util-linux procps"

# pkg_missing PKG...: prints the packages that are not installed.
pkg_missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
			|| printf '%s\n' "$p"
	done
}

# ensure_packages PKG...: apt-get install whatever is missing (root only).
# nodejs/npm count as present when node >= 20 and npm are on PATH (e.g. NodeSource).
ensure_packages() {
	local want=() p missing
	for p in "$@"; do
		case $p in
		nodejs) command -v node >/dev/null && continue ;;
		npm) command -v npm >/dev/null && continue ;;
		esac
		want+=("$p")
	done
	# nginx: any of nginx-light / nginx / nginx-full provides the binary.
	if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
		want+=(nginx-light)
	fi
	missing=$(pkg_missing "${want[@]}")
	[ -z "$missing" ] && return 0
	info "installing: $(printf '%s ' $missing)"
	[ "$(id -u)" -eq 0 ] || die "missing packages ($(printf '%s ' $missing)); run as root or install them"
	export DEBIAN_FRONTEND=noninteractive
	if [ ! -f /var/lib/apt/periodic/charterd-updated ] ||
	   [ -n "$(find /var/lib/apt/periodic/charterd-updated -mmin +720 2>/dev/null)" ]; then
		apt-get update -q
		mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/charterd-updated
	fi
	# shellcheck disable=SC2086
	if ! apt-get install -y -q --no-install-recommends $missing; then
		# nginx-light is gone in newer Debian; fall back to plain nginx.
		missing=$(printf '%s\n' $missing | sed 's/^nginx-light$/nginx/')
		apt-get install -y -q --no-install-recommends $missing
	fi
	NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)
	# Debian's postgresql package starts a system cluster on 5432; we never use it.
}

# ensure_node_modules: `npm ci` unless node_modules matches package-lock.json.
ensure_node_modules() {
	local lock="$CHARTER_SRCDIR/package-lock.json" stamp="$CHARTER_SRCDIR/node_modules/.charterd-lock.sha256"
	local want major
	[ -f "$lock" ] || die "package-lock.json missing in $CHARTER_SRCDIR"
	major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
	[ "$major" -ge 20 ] || warn "node $(node --version 2>/dev/null) found; the pinned peers want node >= 20"
	want=$( (cat "$lock" "$CHARTER_SRCDIR/package.json"; node --version) | sha256sum | cut -d' ' -f1)
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
	   [ -x "$CHARTER_SRCDIR/node_modules/.bin/s3rver" ]; then
		return 0
	fi
	info "npm ci"
	(cd "$CHARTER_SRCDIR" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
	printf '%s\n' "$want" >"$stamp"
}

# ------------------------------------------------------------------ small tools
# rand_hex N: 2N lowercase hex characters from /dev/urandom.
rand_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# sha256_hex STRING: SHA-256 of STRING (no newline), lowercase hex.
sha256_hex() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

# free_ports N: N distinct free TCP ports on 127.0.0.1, one per line.
free_ports() {
	/usr/bin/python3 - "$1" <<-'EOF'
	import socket, sys
	socks = []
	for _ in range(int(sys.argv[1])):
	    s = socket.socket()
	    s.bind(("127.0.0.1", 0))
	    socks.append(s)
	for s in socks:
	    print(s.getsockname()[1])
	EOF
}

# port_busy PORT: true when something listens on 127.0.0.1:PORT.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_port PORT SECONDS [PIDNAME]: wait until 127.0.0.1:PORT accepts; fail early
# if the process recorded as PIDNAME died.
wait_port() {
	local port=$1 n=$(($2 * 10)) name=${3:-}
	while [ "$n" -gt 0 ]; do
		port_busy "$port" && return 0
		if [ -n "$name" ] && ! pid_alive "$name"; then
			warn "$name exited before listening on $port"
			return 1
		fi
		sleep 0.1
		n=$((n - 1))
	done
	warn "timed out waiting for port $port${name:+ ($name)}"
	return 1
}

# wait_listen SECONDS NAME: wait until charterd listens (unix socket or TCP port).
wait_listen() {
	local n=$(($1 * 10))
	[ -n "${FCGI_SOCK:-}" ] || { wait_port "$FCGI_PORT" "$1" "$2"; return; }
	while [ "$n" -gt 0 ]; do
		[ -S "$FCGI_SOCK" ] && return 0
		pid_alive "$2" || { warn "$2 exited before listening on $FCGI_SOCK"; return 1; }
		sleep 0.1
		n=$((n - 1))
	done
	warn "timed out waiting for $FCGI_SOCK ($2)"
	return 1
}

# wait_http URL SECONDS [EXPECTED_STATUS]: poll URL until it answers EXPECTED (200).
wait_http() {
	local url=$1 n=$(($2 * 5)) want=${3:-200} got=000
	while [ "$n" -gt 0 ]; do
		got=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" 2>/dev/null) || true
		[ "$got" = "$want" ] && return 0
		sleep 0.2
		n=$((n - 1))
	done
	warn "timed out waiting for $url (last status $got, want $want)"
	return 1
}

# wait_log FILE PATTERN SECONDS [PIDNAME]: wait until FILE has a line matching PATTERN.
wait_log() {
	local file=$1 pat=$2 n=$(($3 * 10)) name=${4:-}
	while [ "$n" -gt 0 ]; do
		grep -q -- "$pat" "$file" 2>/dev/null && return 0
		if [ -n "$name" ] && ! pid_alive "$name"; then
			warn "$name exited; see $file"
			return 1
		fi
		sleep 0.1
		n=$((n - 1))
	done
	warn "timed out waiting for '$pat' in $file"
	return 1
}

# ------------------------------------------------------------------ processes
# Every background process is started in its own session (setsid), so its pid is
# also its process-group id and stopping the group takes its children with it.
# run/<name>.pid holds "pid starttime" so a recycled pid is never signalled.

# proc_field PID N: field N (N >= 3) of /proc/PID/stat; comm may contain spaces, so
# count from after its closing parenthesis.
proc_field() {
	local s n=$2 f
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	read -r -a f <<<"$s"
	[ "$n" -ge 3 ] && [ -n "${f[n - 3]:-}" ] || return 1
	printf '%s\n' "${f[n - 3]}"
}

proc_start_time() { proc_field "$1" 22; }

# pid_record NAME PID
pid_record() {
	printf '%s %s\n' "$2" "$(proc_start_time "$2")" >"$STACK_DIR/run/$1.pid"
}

# pid_of NAME: prints the recorded pid if that very process is still alive.
pid_of() {
	local f="$STACK_DIR/run/$1.pid" pid st
	[ -f "$f" ] || return 1
	read -r pid st <"$f" || return 1
	[ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
	[ "$(proc_start_time "$pid")" = "$st" ] || return 1
	# a zombie is not alive
	[ "$(proc_field "$pid" 3)" != Z ] || return 1
	printf '%s\n' "$pid"
}

pid_alive() { pid_of "$1" >/dev/null; }

# start_bg NAME CMD...: start CMD in the background in a new session, stdin from
# /dev/null, stdout+stderr appended to log/NAME.log; records run/NAME.pid.
# File descriptors above 2 (e.g. the stack lock) are not inherited.
start_bg() {
	local name=$1 pid
	shift
	(
		umask 022 # published pages and logs must be readable by nginx's user
		exec </dev/null >>"$STACK_DIR/log/$name.log" 2>&1
		for fd in /proc/self/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null || true
		done
		exec setsid "$@"
	) &
	pid=$!
	pid_record "$name" "$pid"
}

# group_members PGID: pids whose process group is PGID (orphans of a dead leader too).
group_members() {
	local d p
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$(proc_field "$p" 5 2>/dev/null)" = "$1" ] &&
			[ "$(proc_field "$p" 3 2>/dev/null)" != Z ] && echo "$p"
	done
	return 0
}

# stop_proc NAME [SIGNAL] [SECONDS]: signal NAME's process group (default TERM),
# wait, then KILL the group. Always removes run/NAME.pid.
stop_proc() {
	local name=$1 sig=${2:-TERM} secs=${3:-10} pid n st
	# leader already gone: still sweep children left in its process group
	if ! pid_alive "$name" && [ -f "$STACK_DIR/run/$name.pid" ]; then
		read -r pid st <"$STACK_DIR/run/$name.pid" || pid=
		if [ -n "$pid" ] && [ -n "$(group_members "$pid")" ]; then
			warn "$name ($pid) is gone but left processes behind; stopping them"
			kill -TERM -- "-$pid" 2>/dev/null || true
			sleep 1
			kill -KILL -- "-$pid" 2>/dev/null || true
		fi
	fi
	if pid=$(pid_of "$name"); then
		kill -s "$sig" -- "-$pid" 2>/dev/null || kill -s "$sig" "$pid" 2>/dev/null || true
		n=$((secs * 10))
		while [ "$n" -gt 0 ] && pid_alive "$name"; do
			sleep 0.1
			n=$((n - 1))
		done
		if pid_alive "$name"; then
			warn "$name ($pid) did not stop on $sig; killing"
		fi
		kill -KILL -- "-$pid" 2>/dev/null || true
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -f "$STACK_DIR/run/$name.pid"
}

# ------------------------------------------------------------------ PostgreSQL
# as_pg CMD...: run CMD as the cluster owner (postgres when we are root).
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# can_traverse USER DIR: true if USER can reach DIR.
can_traverse() {
	if [ "$(id -u)" -eq 0 ] && [ "$1" != root ]; then
		runuser -u "$1" -- test -x "$2" -a -r "$2" 2>/dev/null
	else
		test -x "$2" -a -r "$2"
	fi
}

# pg_setup: initdb a private cluster in $STACK_DIR/pg, start it on $PG_PORT and create
# role charterd (LOGIN CREATEROLE, password $PG_PASSWORD) owning database charterd.
# $STACK_DIR is reachable by postgres and short enough for a socket path (stack_create).
pg_setup() {
	local pg="$STACK_DIR/pg" owner=postgres
	[ "$(id -u)" -eq 0 ] || owner=$(id -un)
	id "$owner" >/dev/null 2>&1 || die "no '$owner' user (is the postgresql package installed?)"
	[ -x "$PG_BINDIR/initdb" ] || die "PostgreSQL binaries not found (PG_BINDIR=$PG_BINDIR)"
	mkdir -p "$pg"
	chmod 700 "$pg"
	[ "$owner" = postgres ] && chown postgres:postgres "$pg"
	PG_SOCKDIR="$pg/sock"
	as_pg mkdir -p "$PG_SOCKDIR" "$pg/data"
	printf '%s\n' "$(rand_hex 16)" | as_pg tee "$pg/.superpw" >/dev/null
	as_pg "$PG_BINDIR/initdb" -D "$pg/data" -U postgres --pwfile="$pg/.superpw" \
		-E UTF8 --locale=C.UTF-8 --auth-local=peer --auth-host=scram-sha-256 \
		>>"$STACK_DIR/log/initdb.log" 2>&1 || { cat "$STACK_DIR/log/initdb.log" >&2; die "initdb failed"; }
	as_pg rm -f "$pg/.superpw"
	as_pg tee -a "$pg/data/postgresql.conf" >/dev/null <<-EOF
	# charterd stack
	listen_addresses = '127.0.0.1'
	port = $PG_PORT
	unix_socket_directories = '$PG_SOCKDIR'
	max_connections = 100
	shared_buffers = 64MB
	password_encryption = scram-sha-256
	timezone = 'UTC'
	log_line_prefix = '%m [%p] %q%u@%d '
	log_min_duration_statement = 1000
	EOF
	if [ "${STACK_MODE:-test}" = test ]; then
		# throwaway cluster: durability traded for speed
		as_pg tee -a "$pg/data/postgresql.conf" >/dev/null <<-EOF
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		EOF
	fi
	as_pg tee "$pg/data/pg_hba.conf" >/dev/null <<-EOF
	# TYPE  DATABASE USER      ADDRESS        METHOD
	local   all      postgres                 peer
	local   all      all                      scram-sha-256
	host    all      all       127.0.0.1/32   scram-sha-256
	EOF
	pg_start
	as_pg "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKDIR" -p "$PG_PORT" -U postgres -d postgres \
		-v pw="$PG_PASSWORD" >>"$STACK_DIR/log/initdb.log" 2>&1 <<-'EOF' || die "creating role/database failed"
	CREATE ROLE charterd LOGIN CREATEROLE PASSWORD :'pw';
	CREATE DATABASE charterd OWNER charterd;
	\c charterd
	ALTER SCHEMA public OWNER TO charterd;
	EOF
}

# pg_start: start the cluster (pg_ctl daemonizes; the postmaster leads its own session).
pg_start() {
	local pg="$STACK_DIR/pg" pid
	as_pg "$PG_BINDIR/pg_ctl" -D "$pg/data" -l "$pg/postgres.log" -w -t 60 start \
		</dev/null >>"$STACK_DIR/log/pg_ctl.log" 2>&1 9>&- ||
		{ tail -n 30 "$pg/postgres.log" >&2 || true; die "PostgreSQL did not start"; }
	pid=$(head -n 1 "$pg/data/postmaster.pid")
	pid_record postgres "$pid"
	ln -sf "$(cd "$pg" && pwd -P)/postgres.log" "$STACK_DIR/log/postgres.log"
}

pg_stop() {
	local pg="$STACK_DIR/pg"
	if pid_alive postgres && [ -f "$pg/data/postmaster.pid" ]; then
		as_pg "$PG_BINDIR/pg_ctl" -D "$pg/data" -m fast -w -t 30 stop \
			</dev/null >>"$STACK_DIR/log/pg_ctl.log" 2>&1 9>&- || true
	fi
	stop_proc postgres TERM 10
}

# ------------------------------------------------------------------ nginx
# nginx_user: the unprivileged user nginx workers run as: the current user when not
# root, else the first of www-data, nginx, nobody that exists. Never root: a folder
# that user cannot read is a placement problem stack_create solves by copying, not a
# reason to run workers as root. (Callers may name the folders nginx serves; the
# stack's placement has already checked them, so they are not looked at here.)
nginx_user() {
	local u
	if [ "$(id -u)" -ne 0 ]; then
		id -un
		return
	fi
	for u in www-data nginx nobody; do
		id "$u" >/dev/null 2>&1 && { echo "$u"; return; }
	done
	die "no unprivileged user (www-data, nginx, nobody) for nginx's workers"
}

# render_template IN OUT KEY=VALUE...: replace @KEY@ with VALUE; fails if any
# @PLACEHOLDER@ is left.
render_template() {
	local in=$1 out=$2 kv k v
	shift 2
	local args=()
	for kv in "$@"; do
		k=${kv%%=*}
		v=${kv#*=}
		args+=("$k" "$v")
	done
	/usr/bin/python3 - "$in" "$out" "${args[@]}" <<-'EOF'
	import re, sys
	src, dst, kv = sys.argv[1], sys.argv[2], sys.argv[3:]
	text = open(src).read()
	for k, v in zip(kv[0::2], kv[1::2]):
	    text = text.replace("@%s@" % k, v)
	left = sorted(set(re.findall(r"@[A-Z][A-Z0-9_]*@", text)))
	if left:
	    sys.exit("unrendered placeholders in %s: %s" % (src, " ".join(left)))
	open(dst, "w").write(text)
	EOF
}

# nginx_setup: render nginx/charterd.conf.in into $STACK_DIR/nginx/nginx.conf and test it.
# CHARTER_NGINX_LIMIT_EXEMPT: addresses (CIDRs) the per-client limits skip; default
# 127.0.0.1 in a test stack (the suite and the benchmarks drive one address far past
# any real client; tests of the limits use other 127/8 addresses), none otherwise.
nginx_setup() {
	local prefix="$STACK_DIR/nginx" user group exempt="" cidr def=""
	[ "${STACK_MODE:-test}" = test ] && def=127.0.0.1
	for cidr in ${CHARTER_NGINX_LIMIT_EXEMPT-$def}; do exempt+="$cidr 1; "; done
	mkdir -p "$prefix/logs" "$prefix/tmp"
	chmod 755 "$prefix" "$prefix/tmp"
	user=$(nginx_user)
	group=$(id -gn "$user")
	can_traverse "$user" "$STACK_STATIC_DIR" && can_traverse "$user" "$STACK_DIR/publish/g" ||
		die "nginx's user $user cannot read $STACK_STATIC_DIR or $STACK_DIR/publish/g"
	render_template "$CHARTER_SRCDIR/nginx/charterd.conf.in" "$prefix/nginx.conf" \
		PREFIX="$prefix" NGINX_USER="$user" NGINX_GROUP="$group" \
		PUBLIC_PORT="$PUBLIC_PORT" API_PORT="$API_PORT" FCGI="$FCGI_ADDR" \
		PUBLISH_DIR="$STACK_DIR/publish" STATIC_DIR="$STACK_STATIC_DIR" \
		S3_ORIGIN="$S3_ENDPOINT" FCGI_KEEP_CONN="${CHARTER_FCGI_KEEP_CONN:-off}" \
		LIMIT_EXEMPT="$exempt" ||
		die "rendering nginx.conf failed"
	"$NGINX_BIN" -t -q -c "$prefix/nginx.conf" -p "$prefix/" -e "$prefix/logs/error.log" \
		>>"$STACK_DIR/log/nginx.log" 2>&1 || { tail -n 20 "$STACK_DIR/log/nginx.log" >&2; die "nginx -t failed"; }
}

nginx_start() {
	local prefix="$STACK_DIR/nginx"
	start_bg nginx "$NGINX_BIN" -c "$prefix/nginx.conf" -p "$prefix/" \
		-e "$prefix/logs/error.log" -g 'daemon off;'
	wait_port "$PUBLIC_PORT" 15 nginx && wait_port "$API_PORT" 5 nginx ||
		{ tail -n 20 "$prefix/logs/error.log" >&2 || true; die "nginx did not start"; }
}

# ------------------------------------------------------------------ peers
PEERS="s3rver s3proxy dynalite maildev"
PEERS+=" cloudfront" # the CloudFront peer: see site_generate
PEERS+=" dynproxy" # after dynalite: it creates the table through the proxy
PEERS+=" sccpeer" # the SCC and calendar peer: see sccpeer_generate

# peers_start [NAME...]: start the given peers (default: all of $PEERS) on the ports
# chosen by stack_generate (or read back by stack_load) and wait until each listens.
# Their data lives in $STACK_DIR/{s3,dynamo,mail}, so a restart finds it again.
peers_start() {
	local bin="$CHARTER_SRCDIR/node_modules/.bin" cors="$CHARTER_SRCDIR/tests/peers/s3-cors.xml"
	local proxy="$CHARTER_SRCDIR/tests/peers/s3-verify-proxy.py" cfg=() n
	local want=" ${*:-$PEERS} "
	[ -n "${CLOUDFRONT_PORT:-}" ] || want=${want/ cloudfront / } # a stack made before it
	[ -n "${SCCPEER_PORT:-}" ] || want=${want/ sccpeer / } # a stack made before it
	[ -x "$bin/s3rver" ] || die "node_modules missing; run npm ci in $CHARTER_SRCDIR"
	[ -f "$cors" ] && cfg=("$cors")
	# The verifying proxy checks SigV4 with our keys and forwards anonymously;
	# without it charterd signs with s3rver's own S3RVER/S3RVER account.
	if [ -z "${S3PROXY_PORT:-}" ] || [ ! -f "$proxy" ]; then
		[ -n "${S3PROXY_PORT:-}" ] && warn "tests/peers/s3-verify-proxy.py not found; charterd talks to s3rver directly"
		S3PROXY_PORT=
		S3_ENDPOINT="http://127.0.0.1:$S3RVER_PORT"
		want=${want/ s3proxy / }
	fi
	mkdir -p "$STACK_DIR/s3" "$STACK_DIR/dynamo" "$STACK_DIR/mail"
	for n in $want; do
		case $n in
		s3rver)
			start_bg s3rver "$bin/s3rver" --directory "$STACK_DIR/s3" --port "$S3RVER_PORT" \
				--address 127.0.0.1 --allow-mismatched-signatures \
				--configure-bucket "$PHOTO_BUCKET" "${cfg[@]}" \
				--configure-bucket "$SITE_BUCKET" --silent ;;
		s3proxy)
			start_bg s3proxy /usr/bin/python3 "$proxy" --listen "127.0.0.1:$S3PROXY_PORT" \
				--upstream "http://127.0.0.1:$S3RVER_PORT" --access-key "$AWS_KEY_ID" \
				--secret-key "$AWS_SECRET" --region "$AWS_REGION" ;;
		dynalite)
			start_bg dynalite "$bin/dynalite" --host 127.0.0.1 --port "$DYNAMO_PORT" \
				--path "$STACK_DIR/dynamo" --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 ;;
		dynproxy) dynproxy_start ;;
		maildev)
			start_bg maildev "$bin/maildev" --smtp "$SMTP_PORT" --web "$MAILWEB_PORT" \
				--ip 127.0.0.1 --web-ip 127.0.0.1 --mail-directory "$STACK_DIR/mail" ;;
		sccpeer) sccpeer_start ;;
		cloudfront) site_peer_start ;;
		*) die "peers_start: unknown peer $n" ;;
		esac
	done
	for n in $want; do
		case $n in
		s3rver) wait_port "$S3RVER_PORT" 30 s3rver || die "s3rver did not start (log/s3rver.log)" ;;
		s3proxy)
			wait_log "$STACK_DIR/log/s3proxy.log" ready 30 s3proxy || die "s3 proxy did not start (log/s3proxy.log)"
			wait_port "$S3PROXY_PORT" 10 s3proxy || die "s3 proxy not listening" ;;
		dynalite) wait_port "$DYNAMO_PORT" 30 dynalite || die "dynalite did not start (log/dynalite.log)" ;;
		dynproxy)
			wait_log "$STACK_DIR/log/dynproxy.log" ready 30 dynproxy || die "DynamoDB proxy did not start (log/dynproxy.log)"
			wait_port "$DYNPROXY_PORT" 10 dynproxy || die "DynamoDB proxy not listening"
			dynamo_create_table || warn "could not create DynamoDB table $DYNAMO_TABLE (log/dynamo.log)" ;;
		maildev)
			wait_port "$SMTP_PORT" 30 maildev || die "maildev did not start (log/maildev.log)"
			wait_port "$MAILWEB_PORT" 30 maildev || die "maildev web UI did not start" ;;
		sccpeer) wait_port "$SCCPEER_PORT" 30 sccpeer || die "the SCC and calendar peer did not start (log/sccpeer.log)" ;;
		cloudfront)
			wait_log "$STACK_DIR/log/cloudfront.log" ready 30 cloudfront || die "CloudFront peer did not start (log/cloudfront.log)"
			wait_port "$CLOUDFRONT_PORT" 10 cloudfront || die "CloudFront peer not listening" ;;
		esac
	done
}

# free_port_except PORT...: one free TCP port on 127.0.0.1 that is none of PORT.
free_port_except() {
	local p
	while p=$(free_ports 1); do
		case " $* " in *" $p "*) continue ;; esac
		echo "$p"
		return 0
	done
	return 1
}

# dynproxy_start: the SigV4-verifying proxy (tests/peers/dynamo-verify-proxy.py) on
# $DYNPROXY_PORT in front of dynalite, which accepts any signature: charterd's DynamoDB
# endpoint. A test stack lets tests change the secret it expects (--control).
dynproxy_start() {
	local control=()
	[ "${STACK_MODE:-test}" = test ] && control=(--control)
	[ -n "${DYNPROXY_PORT:-}" ] || die "no port for the DynamoDB proxy"
	start_bg dynproxy /usr/bin/python3 "$CHARTER_SRCDIR/tests/peers/dynamo-verify-proxy.py" \
		--listen "127.0.0.1:$DYNPROXY_PORT" --upstream "http://127.0.0.1:$DYNAMO_PORT" \
		--access-key "$AWS_KEY_ID" --secret-key "$AWS_SECRET" --region "$AWS_REGION" "${control[@]}"
}

# sccpeer_start: our SCC and calendar peer; it is given the keys' SHA-256 only.
# The demo's keeps its events and entries across restarts, like the other peers.
sccpeer_start() {
	local state=()
	[ "${STACK_MODE:-test}" = demo ] && state=(--state "$STACK_DIR/sccpeer.json")
	start_bg sccpeer /usr/bin/python3 "$CHARTER_SRCDIR/tests/peers/scc-calendar-peer.py" \
		--listen "127.0.0.1:$SCCPEER_PORT" --scc-key-sha256 "$(sha256_hex "$SCC_SERVICE_KEY")" \
		--calendar-token-sha256 "$(sha256_hex "$CALENDAR_TOKEN")" --scc-prefix /prod --calendar-prefix /jada \
		"${state[@]}"
}

# dynamo_create_table: `charterd dynamo create-table` through $DYNAMO_ENDPOINT (the proxy),
# with only the settings it reads; safe to repeat. Output in log/dynamo.log.
dynamo_create_table() {
	local v san=()
	for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		[ -n "${!v:-}" ] && san+=("$v=${!v}")
	done
	env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent LANG=C.UTF-8 TZ=UTC "${san[@]}" \
		CHARTER_DYNAMO_ENDPOINT="$DYNAMO_ENDPOINT" CHARTER_DYNAMO_TABLE="$DYNAMO_TABLE" \
		CHARTER_AWS_REGION="$AWS_REGION" AWS_ACCESS_KEY_ID="$AWS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET" \
		"$CHARTERD" dynamo create-table </dev/null >>"$STACK_DIR/log/dynamo.log" 2>&1 9>&-
}

# ------------------------------------------------------------------ the S3 site and CloudFront
# A second publish configuration, for the tests of the S3 site: guest pages as objects in
# $SITE_BUCKET (s3rver, behind the verifying proxy, the stack's AWS keys) and invalidations
# sent to our CloudFront peer (tests/peers/cloudfront-peer.py) for $CLOUDFRONT_DIST. The
# stack's own sync keeps publishing to the folder; a test runs a sync of its own with
# site_sync_env.
SITE_BUCKET=charterd-site
CLOUDFRONT_DIST=E2CHARTERDTEST

# site_generate: CLOUDFRONT_PORT, a free port none of the stack's others.
site_generate() {
	local p
	for p in $(free_ports 12); do
		case " $PG_PORT $S3RVER_PORT $S3PROXY_PORT $DYNAMO_PORT ${DYNPROXY_PORT:-} $SMTP_PORT $MAILWEB_PORT $FCGI_PORT $PUBLIC_PORT $API_PORT " in
		*" $p "*) ;;
		*) CLOUDFRONT_PORT=$p; return 0 ;;
		esac
	done
	die "no free port for the CloudFront peer"
}

site_peer_start() {
	start_bg cloudfront /usr/bin/python3 "$CHARTER_SRCDIR/tests/peers/cloudfront-peer.py" \
		--listen "127.0.0.1:$CLOUDFRONT_PORT" --access-key "$AWS_KEY_ID" \
		--secret-key "$AWS_SECRET" --distribution "$CLOUDFRONT_DIST"
}

# site_sync_env FILE DATABASE_URL [VAR=VALUE...]: the environment of a `charterd sync` that
# publishes to the site bucket and invalidates at the CloudFront peer, reading DATABASE_URL.
# Only what the publish target needs: every other target is off, so such a sync never
# writes to the stack's other peers.
site_sync_env() {
	local f=$1 db=$2 v opt=()
	shift 2
	for v in CHARTER_USER CHARTER_SITE_NAME CHARTER_CONTACT_PHONE; do
		[ -n "${!v:-}" ] && opt+=("$v=${!v}")
	done
	write_envfile "$f" \
		CHARTER_CONTACT_EMAIL="$(stack_contact_email)" \
		CHARTER_DATABASE_URL="$db" \
		CHARTER_TEMPLATE_DIR="$STACK_TEMPLATE_DIR" \
		CHARTER_PUBLIC_URL="$PUBLIC_URL" \
		CHARTER_AWS_REGION="$AWS_REGION" \
		AWS_ACCESS_KEY_ID="$AWS_KEY_ID" \
		AWS_SECRET_ACCESS_KEY="$AWS_SECRET" \
		CHARTER_SITE_BUCKET="$SITE_BUCKET" \
		CHARTER_SITE_S3_ENDPOINT="$S3_ENDPOINT" \
		CHARTER_CLOUDFRONT_DISTRIBUTION="$CLOUDFRONT_DIST" \
		CHARTER_CLOUDFRONT_ENDPOINT="http://127.0.0.1:$CLOUDFRONT_PORT" \
		"${opt[@]}" "$@"
}

# ------------------------------------------------------------------ charterd
# write_envfile FILE KEY=VALUE...: mode-600 file of KEY=VALUE lines (shell-quoted when needed).
write_envfile() {
	local f=$1 kv
	shift
	(
		umask 077
		for kv in "$@"; do
			printf '%s=%q\n' "${kv%%=*}" "${kv#*=}"
		done >"$f.tmp"
	)
	mv -f "$f.tmp" "$f"
}

# envfile_args FILE: prints FILE's assignments one per line, values unquoted.
envfile_args() {
	# shellcheck disable=SC1090
	( set -a; . "$1"; set +a
	  sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' "$1" | while read -r k; do
		printf '%s=%s\n' "$k" "${!k}"
	  done )
}

# charterd_cmd ENVFILE: sets CHARTERD_CMD to the command line that runs charterd with
# only ENVFILE's variables (plus PATH, HOME, LANG, TZ and any *SAN_OPTIONS).
charterd_cmd() {
	local envf=$1 line v
	CHARTERD_CMD=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent LANG=C.UTF-8 TZ=UTC)
	while IFS= read -r line; do CHARTERD_CMD+=("$line"); done < <(envfile_args "$envf")
	for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS MSAN_OPTIONS TSAN_OPTIONS; do
		[ -n "${!v:-}" ] && CHARTERD_CMD+=("$v=${!v}")
	done
	CHARTERD_CMD+=("$CHARTERD")
}

# charterd_exec ENVFILE ARGS...: run charterd (foreground) with ENVFILE's environment.
charterd_exec() {
	charterd_cmd "$1"
	shift
	"${CHARTERD_CMD[@]}" "$@"
}

# Settings passed on to charterd serve when set in the caller's environment.
SERVE_OPTIONAL_VARS="CHARTER_SITE_NAME CHARTER_CONTACT_EMAIL CHARTER_CONTACT_PHONE
	CHARTER_DEFAULT_TIME_ZONE CHARTER_PHOTO_MAX_BYTES CHARTER_PHOTO_QUOTA
	CHARTER_PAGE_CACHE_MS CHARTER_LOG_LEVEL CHARTER_USER"

# The login roles charterd's processes use (sql/006_least_privilege.sql and later);
# `charterd migrate` sets their passwords from the passfile.
RUNTIME_DB_ROLES="charterd_api charterd_guest charterd_crew charterd_staff charterd_owner
	charterd_sync charterd_gc"

# pgpass_write: $STACK_DIR/pgpass (mode 600): the owner's password and one per runtime
# role, in libpq's passfile format. Existing lines are kept (the roles have those
# passwords); a role a newer release added gets a fresh line.
pgpass_write() {
	local f="$STACK_DIR/pgpass" r
	(
		umask 077
		[ -s "$f" ] || printf '*:*:*:charterd:%s\n' "$PG_PASSWORD" >"$f"
		for r in $RUNTIME_DB_ROLES; do
			grep -q "^\*:\*:\*:$r:" "$f" || printf '*:*:*:%s:%s\n' "$r" "$(rand_hex 24)" >>"$f"
		done
	)
	chmod 600 "$f"
}

# charterd_urls: OWNER_DB_URL (migrate) and RUNTIME_DB_URL (serve, sync: no user and no
# password; each process logs in as its roles with passwords from the passfile).
charterd_urls() {
	local where="host=$PG_SOCKDIR&port=$PG_PORT&passfile=$STACK_DIR/pgpass"
	OWNER_DB_URL="postgresql://charterd@/charterd?$where"
	RUNTIME_DB_URL="postgresql:///charterd?$where"
}

# stack_contact_email: the operator's address. Pages show it and sync mails its notices
# there; every serve and sync of a stack must agree, since sync publishes the pages
# serve also renders.
stack_contact_email() {
	printf '%s' "${CHARTER_CONTACT_EMAIL:-operator@charterd.invalid}"
}

charterd_write_env() {
	local v
	local contact
	contact=$(stack_contact_email)
	charterd_urls
	SERVE_OPTIONAL=()
	for v in $SERVE_OPTIONAL_VARS; do
		[ -n "${!v:-}" ] && SERVE_OPTIONAL+=("$v=${!v}")
	done
	# serve and sync read the passfile as root, before their workers drop to CHARTER_USER.
	write_envfile "$STACK_DIR/serve.env" \
		CHARTER_LISTEN="$CHARTER_LISTEN" \
		CHARTER_WORKERS="$CHARTER_WORKERS" \
		CHARTER_DATABASE_URL="$RUNTIME_DB_URL" \
		CHARTER_TEMPLATE_DIR="$STACK_TEMPLATE_DIR" \
		CHARTER_PUBLIC_URL="$PUBLIC_URL" \
		CHARTER_SERVICE_KEY_HASH="$(sha256_hex "$SERVICE_KEY")" \
		CHARTER_TOKEN_SECRET="$TOKEN_SECRET" \
		CHARTER_INSECURE_COOKIES=1 \
		CHARTER_DASHBOARD_TOKEN_HASH="$(sha256_hex "$DASHBOARD_TOKEN")" \
		CHARTER_S3_ENDPOINT="$S3_ENDPOINT" \
		CHARTER_PHOTO_BUCKET="$PHOTO_BUCKET" \
		CHARTER_AWS_REGION="$AWS_REGION" \
		CHARTER_S3_PATH_STYLE=1 \
		CHARTER_PHOTO_ACCESS_KEY_ID="$AWS_KEY_ID" \
		CHARTER_PHOTO_SECRET_ACCESS_KEY="$AWS_SECRET" \
		CHARTER_CONTACT_EMAIL="$contact" \
		"${SERVE_OPTIONAL[@]}"
	# sync holds the outbound credentials; serve does not get them.
	# The test stack retries quickly and gives up on a hung peer after 4 s, so
	# fault tests see a target come back in seconds; the demo keeps the
	# production backoff and timeout.
	SYNC_TUNING=()
	[ "${STACK_MODE:-test}" = test ] &&
		SYNC_TUNING=(CHARTER_SYNC_BACKOFF_MS=200 CHARTER_SYNC_BACKOFF_MAX_S=2
			CHARTER_SYNC_TIMEOUT_MS=4000)
	write_envfile "$STACK_DIR/sync.env" \
		"${SYNC_TUNING[@]}" \
		CHARTER_DATABASE_URL="$RUNTIME_DB_URL" \
		CHARTER_TOKEN_SECRET="$TOKEN_SECRET" \
		CHARTER_TEMPLATE_DIR="$STACK_TEMPLATE_DIR" \
		CHARTER_PUBLISH_DIR="$STACK_DIR/publish" \
		CHARTER_PUBLIC_URL="$PUBLIC_URL" \
		CHARTER_DYNAMO_ENDPOINT="$DYNAMO_ENDPOINT" \
		CHARTER_DYNAMO_TABLE="$DYNAMO_TABLE" \
		CHARTER_SMTP_URL="$SMTP_URL" \
		CHARTER_MAIL_FROM="charterd <noreply@charterd.invalid>" \
		CHARTER_CONTACT_EMAIL="$contact" \
		CHARTER_S3_ENDPOINT="$S3_ENDPOINT" \
		CHARTER_PHOTO_BUCKET="$PHOTO_BUCKET" \
		CHARTER_AWS_REGION="$AWS_REGION" \
		CHARTER_S3_PATH_STYLE=1 \
		AWS_ACCESS_KEY_ID="$AWS_KEY_ID" \
		AWS_SECRET_ACCESS_KEY="$AWS_SECRET" \
		CHARTER_SCC_URL="$SCC_URL" CHARTER_SCC_SERVICE_KEY="$SCC_SERVICE_KEY" \
		CHARTER_CALENDAR_URL="$CALENDAR_URL" CHARTER_CALENDAR_TOKEN="$CALENDAR_TOKEN"
	# migrate: database + sql dir, and the admin login to bootstrap (if it does that).
	write_envfile "$STACK_DIR/migrate.env" \
		CHARTER_DATABASE_URL="$OWNER_DB_URL" \
		CHARTER_SQL_DIR="$STACK_SQL_DIR" \
		CHARTER_ADMIN_EMAIL="$ADMIN_EMAIL" \
		CHARTER_ADMIN_PASSWORD="$ADMIN_PASSWORD"
}

charterd_migrate() {
	info "charterd migrate"
	charterd_exec "$STACK_DIR/migrate.env" migrate </dev/null >>"$STACK_DIR/log/migrate.log" 2>&1 9>&- ||
		{ tail -n 30 "$STACK_DIR/log/migrate.log" >&2; die "charterd migrate failed (log/migrate.log)"; }
	charterd_accounts
}

# charterd_accounts: the owner's and a staff member's logins for /admin (once: an
# account that exists keeps its password).
charterd_accounts() {
	local email pw role
	for role in owner staff; do
		if [ $role = owner ]; then email=$ADMIN_EMAIL pw=$ADMIN_PASSWORD; else email=$STAFF_EMAIL pw=$STAFF_PASSWORD; fi
		charterd_exec "$STACK_DIR/migrate.env" user list 2>/dev/null | grep -q "^$email " && continue
		printf '%s\n' "$pw" | charterd_exec "$STACK_DIR/migrate.env" user add "$email" --role $role \
			--name "Demo $role" >>"$STACK_DIR/log/migrate.log" 2>&1 9>&- ||
			{ tail -n 5 "$STACK_DIR/log/migrate.log" >&2; die "charterd user add $email failed"; }
	done
}

# ensure_service_user [NAME]: as root, create the system user charterd's workers run as
# (NAME, else $CHARTER_USER, else charterd). Not root: nothing to do (workers keep our uid).
ensure_service_user() {
	local u=${1:-${CHARTER_USER:-charterd}}
	[ "$(id -u)" -eq 0 ] || return 0
	id "$u" >/dev/null 2>&1 && return 0
	info "creating the system user $u (charterd's workers run as it)"
	useradd --system --no-create-home --shell /usr/sbin/nologin "$u" || die "useradd $u failed"
}

# Where charterd serve writes its pid once its workers are ready (CHARTER_PID_FILE); a
# restart in place rewrites it. Not *.pid: run/*.pid are this library's own records.
charterd_pidfile() { echo "$STACK_DIR/run/serve.pidfile"; }

# charterd_grant_access USER: what the workers open after dropping to USER must be reachable
# by USER: the guest pages sync publishes, and PostgreSQL's socket folder. (The passfile
# stays root's: serve and sync read it before the drop.)
charterd_grant_access() {
	local user=$1
	[ "$(id -u)" -eq 0 ] || return 0
	# sync's publish worker writes the guest pages; serve's workers write nothing.
	chown "$user" "$STACK_DIR/publish" "$STACK_DIR/publish/g"
	# The cluster's folder is postgres's, mode 700: let USER through (not read) to the socket.
	if [ -n "${PG_SOCKDIR:-}" ] && ! runuser -u "$user" -- test -x "$PG_SOCKDIR" 2>/dev/null &&
	   [ "$PG_SOCKDIR" = "$STACK_DIR/pg/sock" ]; then
		chmod o+x "$STACK_DIR/pg"
	fi
	runuser -u "$user" -- test -w "$STACK_DIR/publish/g" 2>/dev/null ||
		warn "$user cannot write $STACK_DIR/publish/g (a folder above it is closed to it)"
}

# charterd_start: serve (after --check), and sync when this build has it. Started as root,
# serve runs its workers as $CHARTER_USER (charterd), created here when missing.
charterd_start() {
	local user=${CHARTER_USER:-charterd}
	ensure_service_user "$user"
	charterd_grant_access "$user"
	charterd_exec "$STACK_DIR/serve.env" serve --check </dev/null >>"$STACK_DIR/log/charterd.log" 2>&1 9>&- ||
		{ tail -n 20 "$STACK_DIR/log/charterd.log" >&2; die "charterd serve --check failed"; }
	if [ -n "${FCGI_SOCK:-}" ]; then
		# Group-owned by nginx's group and setgid, so the socket charterd
		# creates (mode 0660) is reachable by nginx workers and nobody else.
		local ngroup
		ngroup=$(id -gn "$(nginx_user "$CHARTER_SRCDIR/static" "$STACK_DIR/publish/g")")
		mkdir -p "$(dirname "$FCGI_SOCK")"
		chgrp "$ngroup" "$(dirname "$FCGI_SOCK")"
		chmod 2750 "$(dirname "$FCGI_SOCK")"
	fi
	rm -f "$(charterd_pidfile)"
	charterd_cmd "$STACK_DIR/serve.env"
	# The pid file on the command line, not in serve.env: tests start private servers
	# from serve.env, and those must not claim the stack's pid file.
	start_bg charterd "${CHARTERD_CMD[@]:0:${#CHARTERD_CMD[@]}-1}" \
		CHARTER_PID_FILE="$(charterd_pidfile)" "$CHARTERD" serve
	# a restart in place keeps the environment; remember which one this is
	sha256sum <"$STACK_DIR/serve.env" >"$STACK_DIR/run/serve.env.sum"
	wait_listen 30 charterd ||
		{ tail -n 30 "$STACK_DIR/log/charterd.log" >&2; die "charterd serve did not start (log/charterd.log)"; }
	wait_file "$(charterd_pidfile)" 30 charterd ||
		{ tail -n 30 "$STACK_DIR/log/charterd.log" >&2; die "charterd's workers did not get ready (log/charterd.log)"; }
	sync_start
}

# sync_start: charterd sync, when this build has it.
sync_start() {
	if charterd_exec "$STACK_DIR/sync.env" sync --help </dev/null >/dev/null 2>&1 9>&-; then
		charterd_cmd "$STACK_DIR/sync.env"
		start_bg sync "${CHARTERD_CMD[@]}" sync
		sleep 0.5
		pid_alive sync || { tail -n 20 "$STACK_DIR/log/sync.log" >&2; die "charterd sync exited (log/sync.log)"; }
	fi
}

# wait_file FILE SECONDS PIDNAME: wait until FILE exists; fail early if PIDNAME died.
wait_file() {
	local n=$(($2 * 10))
	while [ "$n" -gt 0 ]; do
		[ -s "$1" ] && return 0
		pid_alive "$3" || { warn "$3 exited"; return 1; }
		sleep 0.1
		n=$((n - 1))
	done
	warn "timed out waiting for $1"
	return 1
}

# charterd_follow: when the pid file names a live charterd other than the recorded one
# (someone sent SIGUSR2 by hand), record that one.
charterd_follow() {
	local pid
	pid=$(cat "$(charterd_pidfile)" 2>/dev/null) || return 0
	case $pid in '' | *[!0-9]*) return 0 ;; esac
	[ -d "/proc/$pid" ] && [ "$(proc_field "$pid" 3)" != Z ] || return 0
	[ "$(pid_of charterd || true)" != "$pid" ] || return 0
	[ "$(proc_exe "$pid")" = "$(readlink -f "$CHARTERD")" ] || return 0
	pid_record charterd "$pid"
}

# proc_exe PID: the path PID runs from, also once a rebuild replaced that file.
proc_exe() {
	local exe
	exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
	printf '%s\n' "${exe% (deleted)}"
}

# children_of PID: live pids whose parent is PID.
children_of() {
	local d p
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$(proc_field "$p" 4 2>/dev/null)" = "$1" ] &&
			[ "$(proc_field "$p" 3 2>/dev/null)" != Z ] && echo "$p"
	done
	return 0
}

# charterd_stop: sync, then serve. SIGTERM to the supervisor alone: it removes its socket
# (new connections fail at once), lets its workers take what is queued, then drains them.
# Signalling the whole group would stop the workers first and reset the queue.
charterd_stop() {
	local pid n
	stop_proc sync TERM 15
	charterd_follow
	if pid=$(pid_of charterd); then
		kill -TERM "$pid" 2>/dev/null || true
		n=350 # charterd's drain limit (30 s) and some
		while [ "$n" -gt 0 ] && pid_alive charterd; do
			sleep 0.1
			n=$((n - 1))
		done
	fi
	stop_proc charterd TERM 5 # whatever is left of its process group
	rm -f "$(charterd_pidfile)"
}

# charterd_restart_in_place: SIGUSR2 to serve's supervisor: it execs the binary anew on the
# same listening socket, and leaves once the new workers are ready, so no queued or
# in-flight request is lost. Waits for the pid file to name the new supervisor, records
# it, then waits for the old one to finish draining. Prints "seconds_to_takeover
# seconds_total"; fails (the old one keeps serving) when the new one did not take over.
charterd_restart_in_place() {
	local old new="" st log="$STACK_DIR/log/charterd.log" from n t0 t1
	old=$(pid_of charterd) || { warn "charterd is not running"; return 1; }
	st=$(proc_start_time "$old")
	from=$(($(stat -c %s "$log" 2>/dev/null || echo 0) + 1))
	t0=$(date +%s.%N)
	kill -USR2 "$old" || return 1
	n=350 # charterd's handover limit (30 s) and some
	while [ "$n" -gt 0 ]; do
		new=$(cat "$(charterd_pidfile)" 2>/dev/null) || new=
		[ -n "$new" ] && [ "$new" != "$old" ] && [ -d "/proc/$new" ] && break
		if tail -c "+$from" "$log" 2>/dev/null | grep -q 'keeps serving'; then
			warn "the new charterd failed; the old one ($old) keeps serving:"
			tail -c "+$from" "$log" | grep -E ' (error|warn) ' | tail -n 5 >&2
			return 1
		fi
		sleep 0.05
		n=$((n - 1))
	done
	if [ -z "$new" ] || [ "$new" = "$old" ]; then
		warn "no new charterd took over in time (log/charterd.log)"
		return 1
	fi
	pid_record charterd "$new"
	t1=$(date +%s.%N)
	n=350
	while [ "$n" -gt 0 ] && [ "$(proc_start_time "$old" 2>/dev/null)" = "$st" ] &&
	      [ "$(proc_field "$old" 3 2>/dev/null)" != Z ]; do
		sleep 0.05
		n=$((n - 1))
	done
	awk -v a="$t0" -v b="$t1" -v c="$(date +%s.%N)" 'BEGIN { printf "%.2f %.2f\n", b - a, c - a }'
}

# charterd_status: one line saying whether charterd serve really serves: its supervisor
# is alive, has workers, and /healthz answers 200 through nginx. 0 when all three hold.
charterd_status() {
	local pid rec nw code left
	charterd_follow
	if pid=$(pid_of charterd); then
		nw=$(children_of "$pid" | wc -l)
		code=$(curl -s -o /dev/null -m 3 -w '%{http_code}' "$PUBLIC_URL/healthz" 2>/dev/null) || true
		if [ "$nw" -ge 1 ] && [ "$code" = 200 ]; then
			echo "charterd: up ($pid, $nw workers, /healthz 200)"
			return 0
		fi
		echo "charterd: DOWN (supervisor $pid alive, $nw workers, /healthz ${code:-000} through nginx)"
		return 1
	fi
	if [ -f "$STACK_DIR/run/charterd.pid" ]; then
		read -r rec _ <"$STACK_DIR/run/charterd.pid" || rec=
		left=$( [ -n "$rec" ] && group_members "$rec" | tr '\n' ' ')
		if [ -n "$left" ]; then
			echo "charterd: DOWN (supervisor $rec is gone; orphaned workers still running: $left)"
		else
			echo "charterd: DOWN (supervisor ${rec:-?} is gone, and no worker is left)"
		fi
		return 1
	fi
	return 1
}

# stack_report: one line per service saying whether it really runs; 0 when all do.
# A service of the stack that is not started at all (after a stop) is "stopped";
# a peer a stack older than it never had is left out.
stack_report() {
	local n pid rc=0
	if [ ! -f "$STACK_DIR/stack.env" ]; then
		echo "not running (no $STACK_DIR/stack.env)"
		return 2
	fi
	stack_load
	for n in $STACK_SERVICES sync; do
		case $n in s3proxy|dynproxy|sccpeer|cloudfront) [ -n "$(stack_ports "$n")" ] || continue ;; esac
		if [ "$n" = charterd ]; then
			charterd_status && continue
			rc=1
			[ -f "$STACK_DIR/run/charterd.pid" ] || echo "charterd: stopped"
		elif pid=$(pid_of "$n"); then
			if [ "$n" = sync ]; then
				echo "sync: up ($pid, $(children_of "$pid" | wc -l) workers, one per target)"
			else
				echo "$n: up ($pid)"
			fi
		elif [ -f "$STACK_DIR/run/$n.pid" ]; then
			echo "$n: DOWN"
			rc=1
		else
			echo "$n: stopped"
			rc=1
		fi
	done
	return "$rc"
}

# ------------------------------------------------------------------ where the stack lives
# As root, services run as their own users (postgres, nginx's user, and charterd's
# once it has one), so the stack must be a folder they can reach, holding all they
# read. A checkout they cannot traverse (under /root, mode 0700), or a var/ that is
# private, therefore keeps its stack in /var/tmp/charterd-<name>-<hash of the path>/,
# named by a symlink at the usual place, with copies of static/, templates/ and sql/.
# Every path handed to a service is computed from the real folder, never through
# the symlink.

# service_users: the users services run as, one per line (none when not root).
service_users() {
	[ "$(id -u)" -eq 0 ] || return 0
	echo postgres
	nginx_user
	if id charterd >/dev/null 2>&1; then echo charterd; fi
}

# stack_reachable DIR...: true if every service user can reach every DIR.
stack_reachable() {
	local u d
	for u in $(service_users); do
		for d in "$@"; do
			can_traverse "$u" "$d" || return 1
		done
	done
}

# stack_external_dir: the /var/tmp folder for the stack named $STACK_LINK; the same
# for the same name, so a rerun finds it again. /var/tmp, unlike /tmp, outlives reboots.
stack_external_dir() {
	local name
	name=$(basename "$STACK_LINK" | tr -c 'A-Za-z0-9._\n-' '_' | cut -c1-20)
	printf '/var/tmp/charterd-%s-%s\n' "$name" "$(sha256_hex "$STACK_LINK" | cut -c1-12)"
}

# own_dir DIR: DIR is a real folder (not a symlink), ours, writable by nobody else.
# /var/tmp is shared: a folder someone else made there must never get our database.
own_dir() {
	[ -d "$1" ] && [ ! -L "$1" ] && [ "$(stat -c %u "$1")" = "$(id -u)" ] &&
		[ $((8#$(stat -c %a "$1") & 8#022)) -eq 0 ]
}

# stack_locate: STACK_LINK = $STACK_DIR as the caller named it (made absolute);
# STACK_DIR = the real folder behind it. A link lost while its /var/tmp folder still
# exists is made again, so the data there is found, not started over.
stack_locate() {
	case $STACK_DIR in /*) ;; *) STACK_DIR=$PWD/$STACK_DIR ;; esac
	STACK_LINK=$STACK_DIR
	if [ ! -e "$STACK_LINK" ] && [ ! -L "$STACK_LINK" ] && own_dir "$(stack_external_dir)"; then
		mkdir -p "$(dirname "$STACK_LINK")"
		ln -s "$(stack_external_dir)" "$STACK_LINK"
	fi
	if [ -L "$STACK_LINK" ]; then
		STACK_DIR=$(readlink -f "$STACK_LINK" || readlink "$STACK_LINK")
	fi
	export STACK_DIR STACK_LINK
}

# stack_create: make the new, empty folder $STACK_LINK names and set STACK_DIR to it:
# in place when every service user can reach it and read the checkout's static/,
# templates/ and sql/; otherwise (or when the path is too long for the unix sockets
# inside, sun_path being 108 bytes) in stack_external_dir, with copies (stack_share).
# Sets STACK_STATIC_DIR, STACK_TEMPLATE_DIR and STACK_SQL_DIR to what services read.
stack_create() {
	local parent ext
	parent=$(dirname "$STACK_LINK")
	mkdir -p "$parent"
	if [ -L "$STACK_LINK" ] && [ ! -e "$STACK_LINK" ]; then rm -f "$STACK_LINK"; fi
	[ ! -e "$STACK_LINK" ] || die "$STACK_LINK exists; remove the old stack first"
	if [ ${#STACK_LINK} -le 70 ] && stack_reachable "$parent" "$CHARTER_SRCDIR/static" \
	   "$CHARTER_SRCDIR/templates" "$CHARTER_SRCDIR/sql"; then
		mkdir -m 0711 "$STACK_LINK"
		STACK_DIR=$STACK_LINK
		STACK_STATIC_DIR=$CHARTER_SRCDIR/static
		STACK_TEMPLATE_DIR=$CHARTER_SRCDIR/templates
		STACK_SQL_DIR=$CHARTER_SRCDIR/sql
		return 0
	fi
	ext=$(stack_external_dir)
	if [ -e "$ext" ] || [ -L "$ext" ]; then
		own_dir "$ext" || die "$ext exists but is not a private folder of $(id -un); refusing to use it"
		rm -rf "$ext" # no link names it any more: a leftover
	fi
	mkdir -m 0711 "$ext" || die "cannot create $ext"
	ln -s "$ext" "$STACK_LINK"
	STACK_DIR=$ext
	info "services cannot reach $parent or the checkout: the stack lives in $ext"
	stack_share
}

# stack_share: copy static/, templates/ and sql/ from the checkout into $STACK_DIR/share
# (readable by all) and point STACK_*_DIR at the copies. Done at every start, so a
# restarted stack serves what the checkout has now.
stack_share() {
	local d new="$STACK_DIR/share.new"
	rm -rf "$new"
	mkdir -p "$new"
	for d in static templates sql; do
		cp -R "$CHARTER_SRCDIR/$d" "$new/$d"
	done
	chmod -R u=rwX,go=rX "$new"
	rm -rf "$STACK_DIR/share"
	mv "$new" "$STACK_DIR/share"
	STACK_STATIC_DIR=$STACK_DIR/share/static
	STACK_TEMPLATE_DIR=$STACK_DIR/share/templates
	STACK_SQL_DIR=$STACK_DIR/share/sql
}

# ------------------------------------------------------------------ the stack
# Variables read by stack_up (all optional):
#   STACK_DIR (required)   STACK_MODE test|demo   CHARTERD (binary)
#   STACK_PUBLIC_PORT STACK_API_PORT (default: free ports)  CHARTER_WORKERS (default 2)
#   CHARTER_FCGI_KEEP_CONN (off)

# stack_generate: choose ports and secrets.
stack_generate() {
	local ports
	mapfile -t ports < <(free_ports 9)
	PG_PORT=${ports[0]} S3RVER_PORT=${ports[1]} S3PROXY_PORT=${ports[2]}
	DYNAMO_PORT=${ports[3]} SMTP_PORT=${ports[4]} MAILWEB_PORT=${ports[5]} FCGI_PORT=${ports[6]}
	PUBLIC_PORT=${STACK_PUBLIC_PORT:-${ports[7]}} API_PORT=${STACK_API_PORT:-${ports[8]}}
	DYNPROXY_PORT=$(free_port_except "${ports[@]}") # the verifying proxy before dynalite
	CHARTER_WORKERS=${CHARTER_WORKERS:-2}
	PG_PASSWORD=$(rand_hex 24)
	SERVICE_KEY=$(rand_hex 32)
	DASHBOARD_TOKEN=$(rand_hex 32)
	TOKEN_SECRET=$(rand_hex 32)
	ADMIN_EMAIL=${ADMIN_EMAIL:-owner@charterd.test}
	ADMIN_PASSWORD=$(rand_hex 12)
	STAFF_EMAIL=${STAFF_EMAIL:-staff@charterd.test}
	STAFF_PASSWORD=$(rand_hex 12)
	AWS_REGION=us-west-2
	if [ -f "$CHARTER_SRCDIR/tests/peers/s3-verify-proxy.py" ]; then
		# the proxy verifies SigV4 with these and forwards anonymously to s3rver
		AWS_KEY_ID=AKIA$(rand_hex 8 | tr a-f A-F) AWS_SECRET=$(rand_hex 20)
	else
		AWS_KEY_ID=S3RVER AWS_SECRET=S3RVER # s3rver's built-in account
	fi
	PHOTO_BUCKET=charterd-photos DYNAMO_TABLE=charterd
	# FastCGI over a unix socket: a TCP connect per request costs nginx and
	# charterd more than rendering the page does (bench/guest-page).
	FCGI_SOCK="$STACK_DIR/sock/fcgi.sock"
	if [ ${#FCGI_SOCK} -le 100 ]; then
		FCGI_ADDR="unix:$FCGI_SOCK" CHARTER_LISTEN="$FCGI_SOCK"
	else
		FCGI_SOCK= FCGI_ADDR="127.0.0.1:$FCGI_PORT" CHARTER_LISTEN="127.0.0.1:$FCGI_PORT"
	fi
	PUBLIC_URL="http://127.0.0.1:$PUBLIC_PORT" API_URL="http://127.0.0.1:$API_PORT"
	DATABASE_URL="postgresql://charterd:$PG_PASSWORD@127.0.0.1:$PG_PORT/charterd"
	S3_ENDPOINT="http://127.0.0.1:$S3PROXY_PORT"
	DYNAMO_ENDPOINT="http://127.0.0.1:$DYNPROXY_PORT" # dynalite checks no signature; the proxy does
	SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" MAIL_UI="http://127.0.0.1:$MAILWEB_PORT/"
	site_generate
	sccpeer_generate "${ports[@]}" "${CLOUDFRONT_PORT:-}"
}

# sccpeer_generate PORT...: a port for the SCC and calendar peer other than PORT...,
# and the keys it checks (tests/peers/scc-calendar-peer.py).
sccpeer_generate() {
	SCCPEER_PORT=$(free_ports 12 | grep -vxF -f <(printf '%s\n' "$@" | grep .) | head -n 1)
	[ -n "$SCCPEER_PORT" ] || die "no free port for the SCC and calendar peer"
	SCC_SERVICE_KEY=$(rand_hex 32) CALENDAR_TOKEN=$(rand_hex 32)
	sccpeer_urls
}

# sccpeer_urls: SCC's URL (the peer's stand-in for API Gateway's, stage /prod), the
# calendar's, and the peer's control URL that tests read (never charterd).
sccpeer_urls() {
	SCC_URL="http://127.0.0.1:$SCCPEER_PORT/prod" CALENDAR_URL="http://127.0.0.1:$SCCPEER_PORT/jada"
	SCCPEER_URL="http://127.0.0.1:$SCCPEER_PORT/_peer"
}

# stack_write_env: $STACK_DIR/stack.env, everything tests and scripts need.
stack_write_env() {
	local n pids=()
	for n in postgres s3rver s3proxy dynalite maildev sccpeer charterd sync nginx; do
		pids+=("STACK_PID_$(echo "$n" | tr a-z A-Z)=$(pid_of "$n" || true)")
	done
	write_envfile "$STACK_DIR/stack.env" \
		STACK_DIR="$STACK_DIR" STACK_LOG_DIR="$STACK_DIR/log" STACK_MODE="${STACK_MODE:-test}" \
		CHARTERD="$CHARTERD" CHARTER_SRCDIR="$CHARTER_SRCDIR" \
		CHARTER_PUBLIC_URL="$PUBLIC_URL" CHARTER_API_URL="$API_URL" \
		CHARTER_PUBLIC_PORT="$PUBLIC_PORT" CHARTER_API_PORT="$API_PORT" \
		CHARTER_FCGI="$FCGI_ADDR" CHARTER_FCGI_PORT="$FCGI_PORT" CHARTER_WORKERS="$CHARTER_WORKERS" \
		CHARTER_SERVICE_KEY="$SERVICE_KEY" CHARTER_DASHBOARD_TOKEN="$DASHBOARD_TOKEN" \
		STACK_TOKEN_SECRET="$TOKEN_SECRET" \
		CHARTER_ADMIN_EMAIL="$ADMIN_EMAIL" CHARTER_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
		CHARTER_STAFF_EMAIL="$STAFF_EMAIL" CHARTER_STAFF_PASSWORD="$STAFF_PASSWORD" \
		CHARTER_DATABASE_URL="$DATABASE_URL" \
		PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=charterd PGPASSWORD="$PG_PASSWORD" PGDATABASE=charterd \
		STACK_PG_SOCKDIR="$PG_SOCKDIR" STACK_PG_PORT="$PG_PORT" STACK_PGPASSFILE="$STACK_DIR/pgpass" \
		STACK_DYNAMO_PORT="$DYNAMO_PORT" STACK_SMTP_PORT="$SMTP_PORT" STACK_MAILWEB_PORT="$MAILWEB_PORT" \
		CHARTER_PUBLISH_DIR="$STACK_DIR/publish" \
		CHARTER_TEMPLATE_DIR="$STACK_TEMPLATE_DIR" CHARTER_SQL_DIR="$STACK_SQL_DIR" \
		CHARTER_STATIC_DIR="$STACK_STATIC_DIR" \
		CHARTER_S3_ENDPOINT="$S3_ENDPOINT" CHARTER_S3_RAW_ENDPOINT="http://127.0.0.1:$S3RVER_PORT" \
		CHARTER_S3_PROXY_PORT="${S3PROXY_PORT:-}" CHARTER_S3RVER_PORT="$S3RVER_PORT" \
		CHARTER_PHOTO_BUCKET="$PHOTO_BUCKET" CHARTER_AWS_REGION="$AWS_REGION" \
		AWS_ACCESS_KEY_ID="$AWS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET" \
		CHARTER_DYNAMO_ENDPOINT="$DYNAMO_ENDPOINT" CHARTER_DYNAMO_TABLE="$DYNAMO_TABLE" \
		CHARTER_DYNAMO_RAW_ENDPOINT="http://127.0.0.1:$DYNAMO_PORT" STACK_DYNPROXY_PORT="${DYNPROXY_PORT:-}" \
		CHARTER_SMTP_URL="$SMTP_URL" CHARTER_MAIL_UI="$MAIL_UI" \
		CHARTER_SCC_URL="$SCC_URL" CHARTER_SCC_SERVICE_KEY="$SCC_SERVICE_KEY" \
		CHARTER_CALENDAR_URL="$CALENDAR_URL" CHARTER_CALENDAR_TOKEN="$CALENDAR_TOKEN" \
		CHARTER_SCC_PEER_URL="$SCCPEER_URL" STACK_SCCPEER_PORT="$SCCPEER_PORT" \
		CHARTER_CHROMIUM="${CHARTER_CHROMIUM:-$(command -v chromium || true)}" \
		STACK_SITE_BUCKET="$SITE_BUCKET" STACK_CLOUDFRONT_PORT="${CLOUDFRONT_PORT:-}" \
		STACK_CLOUDFRONT_DISTRIBUTION="$CLOUDFRONT_DIST" \
		"${pids[@]}"
}

# stack_load: read $STACK_DIR/stack.env back into the short variable names.
stack_load() {
	# shellcheck disable=SC1091
	set -a; . "$STACK_DIR/stack.env"; set +a
	CHARTERD=${CHARTERD_OVERRIDE:-$CHARTERD}
	PUBLIC_URL=$CHARTER_PUBLIC_URL API_URL=$CHARTER_API_URL
	PUBLIC_PORT=$CHARTER_PUBLIC_PORT API_PORT=$CHARTER_API_PORT
	FCGI_ADDR=$CHARTER_FCGI FCGI_PORT=$CHARTER_FCGI_PORT CHARTER_LISTEN=${CHARTER_FCGI#unix:}
	FCGI_SOCK=; case $CHARTER_FCGI in unix:*) FCGI_SOCK=${CHARTER_FCGI#unix:} ;; esac
	SERVICE_KEY=$CHARTER_SERVICE_KEY DASHBOARD_TOKEN=$CHARTER_DASHBOARD_TOKEN
	TOKEN_SECRET=${STACK_TOKEN_SECRET:-$(rand_hex 32)}
	ADMIN_EMAIL=$CHARTER_ADMIN_EMAIL ADMIN_PASSWORD=$CHARTER_ADMIN_PASSWORD
	STAFF_EMAIL=${CHARTER_STAFF_EMAIL:-staff@charterd.test}
	STAFF_PASSWORD=${CHARTER_STAFF_PASSWORD:-$(rand_hex 12)}
	DATABASE_URL=$CHARTER_DATABASE_URL PG_PORT=$STACK_PG_PORT PG_SOCKDIR=$STACK_PG_SOCKDIR
	DYNAMO_PORT=$STACK_DYNAMO_PORT SMTP_PORT=$STACK_SMTP_PORT MAILWEB_PORT=$STACK_MAILWEB_PORT
	PG_PASSWORD=$PGPASSWORD
	S3_ENDPOINT=$CHARTER_S3_ENDPOINT S3RVER_PORT=$CHARTER_S3RVER_PORT S3PROXY_PORT=$CHARTER_S3_PROXY_PORT
	PHOTO_BUCKET=$CHARTER_PHOTO_BUCKET AWS_REGION=$CHARTER_AWS_REGION
	AWS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_SECRET=$AWS_SECRET_ACCESS_KEY
	DYNAMO_ENDPOINT=$CHARTER_DYNAMO_ENDPOINT DYNAMO_TABLE=$CHARTER_DYNAMO_TABLE
	DYNPROXY_PORT=${STACK_DYNPROXY_PORT:-} # empty: a stack from before the DynamoDB proxy
	SMTP_URL=$CHARTER_SMTP_URL MAIL_UI=$CHARTER_MAIL_UI
	CLOUDFRONT_PORT=${STACK_CLOUDFRONT_PORT:-}
	SCCPEER_PORT=${STACK_SCCPEER_PORT:-} SCC_SERVICE_KEY=${CHARTER_SCC_SERVICE_KEY:-}
	CALENDAR_TOKEN=${CHARTER_CALENDAR_TOKEN:-}
	sccpeer_urls
	STACK_TEMPLATE_DIR=$CHARTER_TEMPLATE_DIR STACK_SQL_DIR=$CHARTER_SQL_DIR
	STACK_STATIC_DIR=${CHARTER_STATIC_DIR:-$CHARTER_SRCDIR/static}
}

STACK_SERVICES="postgres s3rver s3proxy dynalite maildev sccpeer charterd nginx"
STACK_SERVICES+=" dynproxy"
STACK_SERVICES+=" cloudfront" # stacks made before it have no pid file and no port

# stack_status: 0 all up; 1 nothing/partly up but charterd is the only casualty
# (prints "charterd"); 2 otherwise.
stack_status() {
	local n dead=()
	[ -f "$STACK_DIR/stack.env" ] || return 2
	for n in $STACK_SERVICES; do
		[ "$n" = s3proxy ] && [ ! -f "$STACK_DIR/run/s3proxy.pid" ] && continue
		[ "$n" = dynproxy ] && [ ! -f "$STACK_DIR/run/dynproxy.pid" ] && continue
		[ "$n" = sccpeer ] && [ ! -f "$STACK_DIR/run/sccpeer.pid" ] && continue
		[ "$n" = cloudfront ] && [ ! -f "$STACK_DIR/run/cloudfront.pid" ] && continue
		pid_alive "$n" || dead+=("$n")
	done
	if [ -f "$STACK_DIR/run/sync.pid" ] && ! pid_alive sync; then dead+=(sync); fi
	[ ${#dead[@]} -eq 0 ] && return 0
	for n in "${dead[@]}"; do
		case $n in charterd|sync) ;; *) return 2 ;; esac
	done
	echo charterd
	return 1
}

# stack_up: bring a new stack up in the folder $STACK_LINK names (nothing may be there:
# callers stack_remove an old one first; caller holds the lock).
stack_up() {
	[ -x "$CHARTERD" ] || die "charterd binary not found: $CHARTERD (build first, or set CHARTERD)"
	[ -f "$CHARTER_SRCDIR/nginx/charterd.conf.in" ] || die "nginx/charterd.conf.in missing"
	stack_create
	mkdir -p "$STACK_DIR"/{log,run,publish/g}
	chmod 755 "$STACK_DIR/publish" "$STACK_DIR/publish/g"
	chmod 700 "$STACK_DIR/run" "$STACK_DIR/log"
	stack_generate
	info "PostgreSQL on 127.0.0.1:$PG_PORT"
	pg_setup
	# charterd reaches PostgreSQL over its unix socket too.
	DATABASE_URL="postgresql://charterd:$PG_PASSWORD@/charterd?host=$PG_SOCKDIR&port=$PG_PORT"
	pgpass_write
	charterd_write_env
	stack_write_env # early, so a failed `up` can still be torn down
	charterd_migrate
	info "peers: s3rver :$S3RVER_PORT${S3PROXY_PORT:+ proxy :$S3PROXY_PORT} dynalite :$DYNAMO_PORT maildev :$SMTP_PORT/:$MAILWEB_PORT"
	peers_start
	charterd_write_env # S3 endpoint may have changed (no proxy)
	info "charterd serve on $FCGI_ADDR ($CHARTER_WORKERS workers)"
	charterd_start
	info "nginx public :$PUBLIC_PORT internal :$API_PORT"
	nginx_setup
	nginx_start
	wait_http "$PUBLIC_URL/healthz" 30 200 ||
		{ tail -n 20 "$STACK_DIR/log/charterd.log" >&2 || true; die "$PUBLIC_URL/healthz is not 200"; }
	stack_write_env
}

# stack_ports NAME: the TCP ports service NAME of a loaded stack listens on.
stack_ports() {
	case $1 in
	postgres) echo "$PG_PORT" ;;
	s3rver) echo "$S3RVER_PORT" ;;
	s3proxy) echo "${S3PROXY_PORT:-}" ;;
	dynalite) echo "$DYNAMO_PORT" ;;
	dynproxy) echo "${DYNPROXY_PORT:-}" ;;
	maildev) echo "$SMTP_PORT $MAILWEB_PORT" ;;
	sccpeer) echo "$SCCPEER_PORT" ;;
	cloudfront) echo "${CLOUDFRONT_PORT:-}" ;;
	charterd) [ -n "${FCGI_SOCK:-}" ] || echo "$FCGI_PORT" ;;
	nginx) echo "$PUBLIC_PORT $API_PORT" ;;
	esac
}

# stack_resume: start again whatever of an existing stack is not running: PostgreSQL
# from its data folder, the peers on their data, charterd, nginx; with the ports and
# secrets of its stack.env; and re-run charterd migrate (safe to repeat). Deletes
# nothing. Dies before starting anything when one of the stack's ports is now taken
# by another program. Caller holds the lock.
stack_resume() {
	local n p dead=() peers=() busy=()
	stack_load
	for n in $STACK_SERVICES; do
		[ "$n" = s3proxy ] && [ -z "$S3PROXY_PORT" ] && continue
		[ "$n" = dynproxy ] && [ -z "$DYNPROXY_PORT" ] && continue
		[ "$n" = sccpeer ] && [ -z "$SCCPEER_PORT" ] && continue # a stack older than it
		[ "$n" = cloudfront ] && [ -z "$CLOUDFRONT_PORT" ] && continue
		if [ "$n" = charterd ] && [ -f "$STACK_DIR/run/sync.pid" ] && ! pid_alive sync; then
			dead+=(charterd)
			continue
		fi
		pid_alive "$n" || dead+=("$n")
	done
	# What is left of a dead service (nginx or charterd workers, postgres backends)
	# goes first: it may still hold the service's port.
	for n in "${dead[@]}"; do
		if [ "$n" = charterd ]; then charterd_stop; else stop_proc "$n" TERM 5; fi
	done
	for n in "${dead[@]}"; do
		for p in $(stack_ports "$n"); do
			port_busy "$p" && busy+=("127.0.0.1:$p ($n)")
		done
	done
	[ ${#busy[@]} -eq 0 ] ||
		die "$(printf '%s, ' "${busy[@]}")now taken by another program; the stack keeps its ports: free them and try again (nothing was deleted)"
	[ "$STACK_STATIC_DIR" != "$STACK_DIR/share/static" ] || stack_share
	for n in "${dead[@]}"; do
		case $n in
		postgres) info "PostgreSQL on 127.0.0.1:$PG_PORT (existing cluster)"; pg_start ;;
		s3rver|s3proxy|dynalite|maildev|dynproxy|sccpeer|cloudfront) peers+=("$n") ;;
		esac
	done
	[ ${#peers[@]} -eq 0 ] || { info "peers: ${peers[*]}"; peers_start "${peers[@]}"; }
	# a newer release may bring a role (and settings) this stack has not seen
	pgpass_write
	charterd_write_env
	charterd_migrate
	for n in "${dead[@]}"; do
		case $n in
		charterd)
			info "charterd serve on $FCGI_ADDR ($CHARTER_WORKERS workers)"
			# a socket left by a killed server would look like a listening one
			[ -z "${FCGI_SOCK:-}" ] || [ ! -S "$FCGI_SOCK" ] || rm -f "$FCGI_SOCK"
			charterd_start ;;
		nginx)
			info "nginx public :$PUBLIC_PORT internal :$API_PORT"
			nginx_setup
			nginx_start ;;
		esac
	done
	wait_http "$PUBLIC_URL/healthz" 30 200 ||
		{ tail -n 20 "$STACK_DIR/log/charterd.log" >&2 || true; die "$PUBLIC_URL/healthz is not 200"; }
	stack_write_env
}

# stack_down: stop everything recorded under $STACK_DIR (in reverse order); data stays.
stack_down() {
	local f n
	[ -d "$STACK_DIR" ] || return 0
	stop_proc nginx QUIT 10
	charterd_stop
	for n in maildev dynalite s3proxy s3rver; do stop_proc "$n" TERM 5; done
	stop_proc sccpeer TERM 5
	pg_stop
	# anything else that was recorded (future services)
	for f in "$STACK_DIR"/run/*.pid; do
		[ -e "$f" ] || continue
		n=${f##*/}
		stop_proc "${n%.pid}" TERM 5
	done
}

# stack_remove: stop the stack and delete it: its folder (in /var/tmp too) and the
# link that names it.
stack_remove() {
	stack_down
	case $STACK_DIR in
	/ | "$CHARTER_SRCDIR" | "$CHARTER_SRCDIR"/ | "${HOME:-/}") die "refusing to delete $STACK_DIR" ;;
	esac
	rm -rf "$STACK_DIR"
	if [ -L "$STACK_LINK" ]; then rm -f "$STACK_LINK"; fi
}

# stack_restart_charterd: restart serve (and sync), same ports and secrets. serve restarts
# in place (no request lost) unless it is down, runs another binary, or serve.env changed
# since it started (a restart in place keeps its environment): then it is stopped and started.
stack_restart_charterd() {
	local old took
	stack_load
	charterd_follow
	if old=$(pid_of charterd) &&
	   [ "$(proc_exe "$old")" = "$(readlink -f "$CHARTERD")" ] &&
	   sha256sum --status -c "$STACK_DIR/run/serve.env.sum" <"$STACK_DIR/serve.env" 2>/dev/null; then
		took=$(charterd_restart_in_place) || die "charterd restart failed; the old one keeps serving"
		info "charterd restarted in place: $(pid_of charterd) serves after ${took% *}s; the old one drained by ${took#* }s"
		stop_proc sync TERM 15
		sync_start
	else
		[ -z "${old:-}" ] || info "charterd: cold restart (not running, another binary, or serve.env changed)"
		charterd_stop
		charterd_start
	fi
	wait_http "$PUBLIC_URL/healthz" 30 200 || die "charterd did not come back"
	stack_write_env
}
