# sync-private.sh: a private `charterd sync` with private peers, for the sync fault tests
# shellcheck shell=bash
#
# Sourced after tap.sh by a test run through `tests/stack run`. The stack's sync and
# peers serve the tests running beside this one (make check runs two at once), so a
# fault test stops, kills and restarts only things of its own: a database in the
# stack's cluster (or a cluster of its own: sp_init NAME cluster), the SCC and calendar
# peer, a SigV4-verifying DynamoDB proxy in front of the stack's dynalite with a table
# of its own, maildev on a mail folder of its own, a publish folder, and `charterd
# serve` (its internal API over FastCGI) and `charterd sync` on that database. Every
# process is started here, recorded by pid, and stopped by that pid.
#
#   sp_init NAME [cluster]    folder SP_DIR, database (SP_DB), migrated; SP_RUNTIME_URL
#   sp_scc_start              the SCC/calendar peer: SP_SCC (base URL), SP_PEER (control)
#   sp_dynamo_start           the proxy (same port when started again), table SP_TABLE
#   sp_mail_start [nowait]    maildev (same ports and folder when started again): SP_MAIL_UI
#   sp_serve_start            a private serve; papi METHOD PATH [JSON] calls its API
#   sp_sync_start NAME [VAR=VALUE...]  a private sync in a process group of its own,
#                             with the stack's sync.env pointed at all of the above
#   sp_sync_kill NAME         SIGKILL to that whole group; sp_sync_stop NAME: SIGTERM
#   sp_stop NAME              stops a peer started here (scc, dynamo, mail, serve)
#   psql_db SQL               as the owner, on the private database
#   sp_items BOOKING          the booking's DynamoDB items, plain values
#   sp_mails_to ADDR          maildev's mails to ADDR (JSON array)
#   sp_booking NAME [EMAIL], sp_change ID SET-LIST, sp_cancel ID: changes as the API
#                             makes them (row and record_booking_change, one transaction);
#                             psql_each "$(sp_change_sql ...)" ...: many in one psql
# KEEP_SYNC_TEST=1 keeps SP_DIR (logs) after the test.

# shellcheck source=../../scripts/lib.sh
. "$CHARTER_SRCDIR/scripts/lib.sh"
stack_load

SP_RUN=$$-$RANDOM
SP_T0=$(date +%s.%N)
# sp_elapsed: seconds since this file was sourced, for the test's notes.
sp_elapsed() { awk -v a="$SP_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
SP_NAME='' SP_DIR='' SP_DB='' SP_CLUSTER=0 SP_TABLE=''
SP_PGSOCK=$PG_SOCKDIR SP_PGPORT=$PG_PORT
SP_SCC='' SP_PEER='' SP_SCC_PORT=''
SP_DYN_PORT='' SP_DYN_ENDPOINT=''
SP_SMTP_PORT='' SP_MAILWEB_PORT='' SP_MAIL_UI=''
SP_API_ADDR=''
declare -A SP_PID=()	# name -> pid of what this file started
declare -A SP_SYNC=()	# sync name -> pid (leader of its process group)

sp_cleanup() {
	local n
	for n in "${!SP_SYNC[@]}"; do sp_sync_stop "$n"; done
	for n in "${!SP_PID[@]}"; do sp_stop "$n"; done
	if [ -n "$SP_TABLE" ]; then
		sp_dynamo_raw DeleteTable "{\"TableName\":\"$SP_TABLE\"}" >/dev/null 2>&1
	fi
	if [ "$SP_CLUSTER" = 1 ]; then
		(STACK_DIR=$SP_DIR; pg_stop) >/dev/null 2>&1
	elif [ -n "$SP_DB" ]; then
		as_pg "$PG_BINDIR/psql" -X -q -h "$PG_SOCKDIR" -p "$PG_PORT" -U postgres -d postgres \
			-c "DROP DATABASE IF EXISTS $SP_DB WITH (FORCE)" >/dev/null 2>&1
	fi
	[ -z "$SP_DIR" ] || [ -n "${KEEP_SYNC_TEST:-}" ] || rm -rf "$SP_DIR"
}
trap 'sp_rc=$?; sp_cleanup; (exit $sp_rc); _tap_exit' EXIT

# sp_alive PID: PID runs (an exited child not yet waited for is a zombie: not alive).
sp_alive() { [ -d "/proc/$1" ] && [ "$(proc_field "$1" 3 2>/dev/null)" != Z ]; }

# sp_wait_pid PID SECONDS: until PID is gone; false when it is not.
sp_wait_pid() {
	local n=$(($2 * 10))
	while [ "$n" -gt 0 ] && sp_alive "$1"; do sleep 0.1; n=$((n - 1)); done
	! sp_alive "$1"
}

# sp_stop NAME: TERM what sp_* started as NAME, KILL it after 10 s.
sp_stop() {
	local p=${SP_PID[$1]:-}
	unset "SP_PID[$1]"
	[ -n "$p" ] || return 0
	kill -TERM "$p" 2>/dev/null || return 0
	sp_wait_pid "$p" 10 || kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	return 0
}

# psql_db SQL: as the owner (charterd), on the private database; -qAtX.
psql_db() {
	psql -qAtX -v ON_ERROR_STOP=1 -h "$SP_PGSOCK" -p "$SP_PGPORT" -d "$SP_DB" -c "$1"
}

# sp_init NAME [cluster]: SP_DIR under the stack, a database migrated by charterd migrate
# (in the stack's cluster, or in a cluster of its own that a test may restart).
sp_init() {
	local where log
	SP_NAME=$1
	SP_DIR=$STACK_DIR/$SP_NAME.$SP_RUN
	mkdir -p "$SP_DIR/publish/g" "$SP_DIR/mail" "$SP_DIR/log" "$SP_DIR/run"
	chmod 711 "$SP_DIR"
	chmod 755 "$SP_DIR/publish" "$SP_DIR/publish/g"
	# sync's workers run as CHARTER_USER and write the pages
	[ "$(id -u)" -ne 0 ] || chown "${CHARTER_USER:-charterd}" "$SP_DIR/publish" "$SP_DIR/publish/g"
	log=$SP_DIR/log/setup.log
	if [ "${2:-}" = cluster ]; then
		SP_CLUSTER=1 SP_DB=charterd
		SP_PGPORT=$(free_port_except "$PG_PORT")
		SP_PGSOCK=$SP_DIR/pg/sock
		(STACK_DIR=$SP_DIR PG_PORT=$SP_PGPORT STACK_MODE=test; pg_setup) >>"$log" 2>&1 ||
			bail_out "a private PostgreSQL cluster did not start: $(tail -n 5 "$log")"
		# the workers, as CHARTER_USER, reach its socket
		chmod o+x "$SP_DIR/pg"
	else
		SP_DB=charterd_${SP_NAME//-/_}_${SP_RUN//-/_}
		as_pg "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKDIR" -p "$PG_PORT" -U postgres \
			-d postgres -c "CREATE DATABASE $SP_DB OWNER charterd" >>"$log" 2>&1 ||
			bail_out "cannot create database $SP_DB: $(tail -n 3 "$log")"
	fi
	where="host=$SP_PGSOCK&port=$SP_PGPORT&passfile=$STACK_DIR/pgpass"
	SP_OWNER_URL="postgresql://charterd@/$SP_DB?$where"
	SP_RUNTIME_URL="postgresql:///$SP_DB?$where"
	write_envfile "$SP_DIR/migrate.env" CHARTER_DATABASE_URL="$SP_OWNER_URL" \
		CHARTER_SQL_DIR="$STACK_SQL_DIR"
	charterd_exec "$SP_DIR/migrate.env" migrate >>"$log" 2>&1 ||
		bail_out "charterd migrate on $SP_DB failed: $(tail -n 5 "$log")"
}

# sp_port: a free TCP port on 127.0.0.1 below the kernel's ephemeral range, for a peer
# that is stopped and started again on the same port: a port from that range, once
# freed, is soon some outgoing connection's local port, and the restart fails.
sp_port() {
	/usr/bin/python3 - <<-'EOF'
	import random, socket
	lo = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
	for _ in range(200):
	    p = random.randrange(max(1024, lo - 12000), lo)
	    s = socket.socket()
	    try:
	        s.bind(("127.0.0.1", p))
	    except OSError:
	        continue
	    finally:
	        s.close()
	    print(p)
	    break
	EOF
}

# sp_start NAME READY-PATTERN CMD...: CMD in the background, output to log/NAME.log,
# until the log shows READY-PATTERN (10 s).
sp_start() {
	local name=$1 ready=$2
	shift 2
	"$@" >>"$SP_DIR/log/$name.log" 2>&1 &
	SP_PID[$name]=$!
	eventually 30 grep -q -- "$ready" "$SP_DIR/log/$name.log" ||
		bail_out "$name did not start: $(tail -n 5 "$SP_DIR/log/$name.log")"
}

# sp_scc_start: the SCC and calendar peer, checking the stack's key and token by hash.
sp_scc_start() {
	[ -n "$SP_SCC_PORT" ] || SP_SCC_PORT=$(sp_port)
	: >>"$SP_DIR/log/scc.log"
	sp_start scc "ready $SP_SCC_PORT" /usr/bin/python3 "$CHARTER_SRCDIR/tests/peers/scc-calendar-peer.py" \
		--listen "127.0.0.1:$SP_SCC_PORT" --scc-key-sha256 "$(sha256_hex "$SCC_SERVICE_KEY")" \
		--calendar-token-sha256 "$(sha256_hex "$CALENDAR_TOKEN")"
	SP_SCC=http://127.0.0.1:$SP_SCC_PORT SP_PEER=http://127.0.0.1:$SP_SCC_PORT/_peer
}

# sp_dynamo_raw OP JSON: one DynamoDB call straight to dynalite (it reads no signature;
# the proxy that does is what sync talks to).
sp_dynamo_raw() {
	curl -s --max-time 10 -H "X-Amz-Target: DynamoDB_20120810.$1" \
		-H 'Content-Type: application/x-amz-json-1.0' -H "X-Amz-Date: $(date -u +%Y%m%dT%H%M%SZ)" \
		-H "Authorization: AWS4-HMAC-SHA256 Credential=$AWS_KEY_ID/$(date -u +%Y%m%d)/$AWS_REGION/dynamodb/aws4_request, SignedHeaders=host, Signature=0" \
		--data-binary "$2" "$CHARTER_DYNAMO_RAW_ENDPOINT/"
}

# sp_dynamo_start: the verifying proxy in front of the stack's dynalite; the first time,
# the table SP_TABLE through it with `charterd dynamo create-table`.
sp_dynamo_start() {
	local first=0
	[ -n "$SP_DYN_PORT" ] || { SP_DYN_PORT=$(sp_port); first=1; }
	sp_start dynamo ready /usr/bin/python3 "$CHARTER_SRCDIR/tests/peers/dynamo-verify-proxy.py" \
		--listen "127.0.0.1:$SP_DYN_PORT" --upstream "$CHARTER_DYNAMO_RAW_ENDPOINT" \
		--access-key "$AWS_KEY_ID" --secret-key "$AWS_SECRET" --region "$AWS_REGION"
	SP_DYN_ENDPOINT=http://127.0.0.1:$SP_DYN_PORT
	[ "$first" = 1 ] || return 0
	SP_TABLE=charterd-${SP_NAME}-$SP_RUN
	env -i PATH=/usr/bin:/bin LANG=C.UTF-8 ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} \
		CHARTER_DYNAMO_ENDPOINT="$SP_DYN_ENDPOINT" CHARTER_DYNAMO_TABLE="$SP_TABLE" \
		CHARTER_AWS_REGION="$AWS_REGION" AWS_ACCESS_KEY_ID="$AWS_KEY_ID" \
		AWS_SECRET_ACCESS_KEY="$AWS_SECRET" "$CHARTERD" dynamo create-table \
		>>"$SP_DIR/log/setup.log" 2>&1 || bail_out "cannot create DynamoDB table $SP_TABLE"
}

# sp_mail_start [nowait]: maildev on its own ports and mail folder (both kept across
# restarts); nowait: sp_mail_wait later (node takes a while to start: other things
# can be set up meanwhile).
sp_mail_start() {
	if [ -z "$SP_SMTP_PORT" ]; then
		SP_SMTP_PORT=$(sp_port)
		until SP_MAILWEB_PORT=$(sp_port) && [ "$SP_MAILWEB_PORT" != "$SP_SMTP_PORT" ]; do :; done
	fi
	"$CHARTER_SRCDIR/node_modules/.bin/maildev" --smtp "$SP_SMTP_PORT" --web "$SP_MAILWEB_PORT" \
		--ip 127.0.0.1 --web-ip 127.0.0.1 --mail-directory "$SP_DIR/mail" \
		>>"$SP_DIR/log/mail.log" 2>&1 &
	SP_PID[mail]=$!
	SP_MAIL_UI=http://127.0.0.1:$SP_MAILWEB_PORT
	[ "${1:-}" = nowait ] || sp_mail_wait
}

# sp_mail_wait: until maildev's web API and SMTP port answer.
sp_mail_wait() {
	eventually 60 curl -sf -o /dev/null "$SP_MAIL_UI/email" && eventually 10 port_busy "$SP_SMTP_PORT" ||
		bail_out "maildev did not start: $(tail -n 5 "$SP_DIR/log/mail.log")"
}

# sp_serve_start: a private `charterd serve` on a TCP port (one worker, no page cache).
sp_serve_start() {
	SP_API_ADDR=127.0.0.1:$(free_ports 1)
	cp "$STACK_DIR/serve.env" "$SP_DIR/serve.env"
	printf '%s=%q\n' CHARTER_LISTEN "$SP_API_ADDR" CHARTER_WORKERS 1 \
		CHARTER_DATABASE_URL "$SP_RUNTIME_URL" CHARTER_PAGE_CACHE_MS 0 >>"$SP_DIR/serve.env"
	charterd_cmd "$SP_DIR/serve.env"
	"${CHARTERD_CMD[@]}" serve >>"$SP_DIR/log/serve.log" 2>&1 &
	SP_PID[serve]=$!
	eventually 20 port_busy "${SP_API_ADDR#*:}" ||
		bail_out "private charterd serve did not start: $(tail -n 5 "$SP_DIR/log/serve.log")"
}

# papi METHOD PATH [JSON]: the private serve's internal API; STATUS and BODY as api sets them.
papi() {
	local out=$TAP_TMP/papi
	printf '%s' "${3:-}" | "$CHARTER_SRCDIR/tests/lib/fcgi-request.py" "$SP_API_ADDR" "$1" "$2" \
		CHARTER_SIDE=internal HTTP_X_SERVICE_KEY="$CHARTER_SERVICE_KEY" \
		CONTENT_TYPE=application/json >"$out" 2>&1
	STATUS=$(sed -n 's/^Status: \([0-9]*\).*/\1/p' "$out" | head -n 1)
	sed '1,/^\r\{0,1\}$/d' "$out" >"$BODY"
}

# sp_sync_env FILE [VAR=VALUE...]: the stack's sync.env pointed at the private database
# and peers (a target whose peer was not started here is off); later lines win.
sp_sync_env() {
	local f=$1 kv
	shift
	cp "$STACK_DIR/sync.env" "$f"
	{
		printf '%s=%q\n' CHARTER_DATABASE_URL "$SP_RUNTIME_URL" \
			CHARTER_PUBLISH_DIR "$SP_DIR/publish" \
			CHARTER_SCC_URL "${SP_SCC:+$SP_SCC/prod}" \
			CHARTER_CALENDAR_URL "${SP_SCC:+$SP_SCC/jada}" \
			CHARTER_DYNAMO_ENDPOINT "$SP_DYN_ENDPOINT" CHARTER_DYNAMO_TABLE "$SP_TABLE" \
			CHARTER_SMTP_URL "${SP_SMTP_PORT:+smtp://127.0.0.1:$SP_SMTP_PORT}"
		for kv in "$@"; do printf '%s=%q\n' "${kv%%=*}" "${kv#*=}"; done
	} >>"$f"
}

# sp_sync_start NAME [VAR=VALUE...]: a private sync, leading a process group of its own
# (so that sp_sync_kill takes the supervisor and every worker at once); waits until
# each of its five targets says it is ready or not configured.
sp_sync_start() {
	local name=$1 log
	shift
	log=$SP_DIR/log/sync-$name.log
	sp_sync_env "$SP_DIR/sync-$name.env" "$@"
	charterd_cmd "$SP_DIR/sync-$name.env"
	: >>"$log"
	SP_SYNC_FROM[$name]=$(stat -c %s "$log")
	setsid "${CHARTERD_CMD[@]}" sync >>"$log" 2>&1 &
	SP_SYNC[$name]=$!
	eventually 20 sp_sync_ready "$name" || bail_out "sync $name did not start: $(tail -n 5 "$log")"
}
declare -A SP_SYNC_FROM=()

# sp_sync_ready NAME: every target of that sync said it is ready, or not configured.
sp_sync_ready() {
	[ "$(sp_sync_log "$1" | grep -cE 'target [a-z]+ (ready|not configured)')" -ge 5 ]
}

# sp_sync_pids NAME: the sync's supervisor and its workers, one per line.
sp_sync_pids() { pgrep -g "${SP_SYNC[$1]}"; }

# sp_sync_kill NAME: SIGKILL to the supervisor and every worker of that sync (its process
# group, which only it leads), as a crash or a power cut would.
sp_sync_kill() {
	local p=${SP_SYNC[$1]:-} n=50
	unset "SP_SYNC[$1]"
	[ -n "$p" ] || return 0
	kill -KILL -- "-$p" 2>/dev/null
	wait "$p" 2>/dev/null
	while [ "$n" -gt 0 ] && pgrep -g "$p" >/dev/null; do sleep 0.1; n=$((n - 1)); done
	return 0
}

# sp_sync_stop NAME: SIGTERM to the supervisor (it stops its workers, each after the
# delivery in hand), then SIGKILL to whatever is left of the group after 15 s.
sp_sync_stop() {
	local p=${SP_SYNC[$1]:-}
	[ -n "$p" ] || return 0
	kill -TERM "$p" 2>/dev/null
	sp_wait_pid "$p" 15
	sp_sync_kill "$1"
}

# sp_sync_log NAME: what that sync logged since it last started.
sp_sync_log() { tail -c +"$((SP_SYNC_FROM[$1] + 1))" "$SP_DIR/log/sync-$1.log"; }

# sp_peer GET-PATH [curl args...]: the SCC/calendar peer's control API.
sp_peer() { curl -sS --max-time 10 "$SP_PEER/$1" "${@:2}"; }
sp_fault() { sp_peer fault -H 'Content-Type: application/json' -d "$1" >/dev/null; }

# sp_items BOOKING: the booking's DynamoDB items as one object {sk: {attribute: plain value}}.
sp_items() {
	sp_dynamo_raw Query "{\"TableName\":\"$SP_TABLE\",\"ConsistentRead\":true,
		\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"booking#$1\"}}}" |
		jq -c 'def plain: if has("S") then .S elif has("N") then (.N | tonumber)
			elif has("BOOL") then .BOOL elif has("NULL") then null elif has("L") then (.L | map(plain))
			elif has("M") then (.M | map_values(plain)) else error("type \(keys)") end;
			.Items | map({key: .sk.S, value: map_values(plain)}) | from_entries'
}

# sp_mails_to ADDR: maildev's mails to ADDR, a JSON array.
sp_mails_to() { curl -sfG --max-time 10 "$SP_MAIL_UI/email" --data-urlencode "to.address=$1"; }

# sp_booking NAME [EMAIL]: a booking made as the API makes one (its row, then
# record_booking_change() in the same transaction: the outbox rows and the NOTIFY), with
# the money of the fault tests; prints its id. NAME and EMAIL hold no quote.
sp_booking() {
	local email=NULL
	[ -z "${2:-}" ] || email="'$2'"
	psql_db "INSERT INTO bookings (slug, guest_name, guest_email, starts_at, ends_at, vessel,
		meeting_point, party_size, revenue_cents, port_fee_cents, captain_fee_cents)
		VALUES ('sp-' || substr(md5(random()::text), 1, 12), '$1', $email,
		date_trunc('hour', now()) + interval '20 days 17 hours',
		date_trunc('hour', now()) + interval '20 days 21 hours', 'Jada', 'Dock 5', 4,
		1234567, 76543, 3456789);
		SELECT currval('bookings_id_seq')
		FROM (SELECT record_booking_change(currval('bookings_id_seq'), 'test', 'create', NULL)) c"
}

# sp_change ID SET-LIST: a change as a PATCH makes it (the next version, its outbox rows).
sp_change() { psql_each "$(sp_change_sql "$1" "$2")"; }
sp_change_sql() {
	printf '%s' "UPDATE bookings SET $2, version = version + 1, updated_at = now() WHERE id = $1;
		SELECT record_booking_change($1, 'test', 'update', NULL)"
}

# sp_cancel ID: a cancel as the API makes it.
sp_cancel() { psql_each "$(sp_cancel_sql "$1")"; }
sp_cancel_sql() {
	printf '%s' "UPDATE bookings SET status = 'cancelled', cancelled_at = now(),
		version = version + 1, updated_at = now() WHERE id = $1;
		SELECT record_booking_change($1, 'test', 'cancel', NULL)"
}

# psql_each SQL...: each SQL in a transaction of its own, one psql (quicker than one
# psql each on a busy machine).
psql_each() {
	local a=()
	for q in "$@"; do a+=(-c "$q"); done
	psql -qAtX -v ON_ERROR_STOP=1 -h "$SP_PGSOCK" -p "$SP_PGPORT" -d "$SP_DB" "${a[@]}" >/dev/null
}
