#!/bin/bash
# sync-mail.sh: the mail target end to end: a guest's confirmation and the
# operator's cancel notice arrive in maildev once, decoded right, with links
# from CHARTER_PUBLIC_URL and no money; maildev down, then back: the mail
# waits and arrives once; a 5xx refusal (our SMTP peer) is dead with the
# server's reply, a 4xx is retried; a name with a line break never reaches a
# header; mails/s on one connection
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"
# shellcheck source=../../scripts/lib.sh
. "$CHARTER_SRCDIR/scripts/lib.sh"   # stop_proc, peers_start, free_ports, stack_load
stack_load

run=$$-$RANDOM
MAIL=${CHARTER_MAIL_UI%/}
BENCH_MAILS=${BENCH_MAILS:-200}
OPERATOR=$(sed -n 's/^CHARTER_CONTACT_EMAIL=//p' "$STACK_DIR/sync.env")
TZ_BOAT=America/Los_Angeles
sql() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
day() { date -u -d "+$1 days" +%Y-%m-%dT18:00:00Z; }
label() { TZ=$TZ_BOAT date -d "$1" '+%A, %B %-d'; }

peer_pid='' private_pid='' stopped_worker=''
peer_dir=$(mktemp -d "${TMPDIR:-/tmp}/charterd-smtp-peer.XXXXXX")
cleanup() {
	[ -n "$private_pid" ] && kill -TERM "$private_pid" 2>/dev/null && wait "$private_pid" 2>/dev/null
	[ -n "$stopped_worker" ] && kill -CONT "$stopped_worker" 2>/dev/null
	[ -n "$peer_pid" ] && kill -TERM "$peer_pid" 2>/dev/null && wait "$peer_pid" 2>/dev/null
	pid_alive maildev || peers_start maildev >/dev/null 2>&1
	rm -rf "$peer_dir"
}
trap 'rc=$?; cleanup; (exit $rc); _tap_exit' EXIT

# to_addr ADDR: maildev's mails to ADDR (its API filters by dotted path).
to_addr() { curl -sfG "$MAIL/email" --data-urlencode "to.address=$1"; }
# mails_to ADDR: how many mails maildev holds for ADDR.
mails_to() { to_addr "$1" | jq length; }
# mail_of ADDR: maildev's JSON of the (last) mail to ADDR.
mail_of() { to_addr "$1" | jq last; }
has_mails() { [ "$(mails_to "$1")" = "$2" ]; }
row_state() { sql "SELECT state FROM outbox WHERE id = $1"; }
row_is() { [ "$(row_state "$1")" = "$2" ]; }
mail_row() { sql "SELECT id FROM outbox WHERE booking_id = $1 AND kind = '$2' ORDER BY id DESC LIMIT 1"; }
# no_money WHAT TEXT: none of the booking's money, in any rendering (cents,
# dollars with and without separators).
no_money() {
	local hit
	hit=$(printf '%s' "$2" | grep -oE '1234567|12345\.67|12,345\.67|76543|765\.43|3456789|34567\.89|34,567\.89' | head -1)
	is "$hit" "" "$1: no revenue, port fee or captain fee in any rendering"
}

# --- The guest's confirmation ------------------------------------------------
guest="zoe-$run@example.com"
name="Zoë Ñúñez 🎉 $run"
starts=$(day 12); ends=$(date -u -d "$starts + 4 hours" +%Y-%m-%dT%H:%M:%SZ)
api POST /api/bookings "$(jq -nc --arg n "$name" --arg e "$guest" --arg s "$starts" --arg t "$ends" \
	'{guest_name: $n, guest_email: $e, starts_at: $s, ends_at: $t, vessel: "Jada",
	  meeting_point: "Harbor Island West Marina, dock B", party_size: 4,
	  checklist: ["Sunscreen", "Soft-soled shoes"], guest_notes: "Snacks aboard.\n.\nAsk for Sam.",
	  revenue_cents: 1234567, port_fee_cents: 76543, captain_fee_cents: 3456789}')"
is "$STATUS" 201 "booking with a guest email created"
id=$(jbody .id); slug=$(jbody .slug)
eventually 10 has_mails "$guest" 1; ok $? "the guest's confirmation arrives in maildev"
sleep 1
is "$(mails_to "$guest")" 1 "exactly one"
m=$(mail_of "$guest")
row=$(mail_row "$id" mail.guest_confirmation)
is "$(sql "SELECT state || ' ' || attempts FROM outbox WHERE id = $row")" "done 1" "its outbox row is done after one attempt"
is "$(jq -r .subject <<<"$m")" "$name, your charter on $(label "$starts") is confirmed" \
	"subject decoded (RFC 2047) with the non-ASCII guest name and the boat's date"
is "$(jq -r '.to[0].name' <<<"$m")" "$name" "To: the guest's name decoded"
is "$(jq -r '.from[0].address' <<<"$m")" noreply@charterd.invalid "From: CHARTER_MAIL_FROM"
like "$(jq -r '.headers["message-id"]' <<<"$m")" "^<outbox-$row\.[0-9a-f]{16}@charterd\.invalid>$" \
	"Message-ID names the outbox row, at CHARTER_MAIL_FROM's domain"
is "$(jq -r '.headers["auto-submitted"]' <<<"$m")" auto-generated "Auto-Submitted: auto-generated"
is "$(jq -r '.headers["list-unsubscribe"] // "none"' <<<"$m")" none "no List-Unsubscribe on a confirmation"
like "$(jq -r '.headers["content-type"]' <<<"$m")" '^multipart/alternative' "multipart/alternative"
text=$(jq -r .text <<<"$m"); html=$(jq -r .html <<<"$m")
url="$CHARTER_PUBLIC_URL/g/$slug"
like "$text" "$url" "text part: the guest URL from CHARTER_PUBLIC_URL"
like "$html" "href=\"$url\"" "HTML part: the same URL as a link"
like "$text" "Harbor Island West Marina, dock B" "text: the meeting point"
like "$text" "$(TZ=$TZ_BOAT date -d "$starts" '+%-I:%M %p') to $(TZ=$TZ_BOAT date -d "$ends" '+%-I:%M %p %Z')" \
	"text: the times in the boat's zone"
like "$text" "- Soft-soled shoes" "text: the checklist"
like "$text" $'\n\\.\nAsk for Sam' "a line of one dot survives SMTP (libcurl stuffs it, maildev unstuffs)"
like "$html" "Zoë Ñúñez 🎉" "HTML part: UTF-8 intact"
src=$(curl -sf "$MAIL/email/$(jq -r .id <<<"$m")/source")
hdrs=$(printf '%s' "$src" | sed '/^\r$/q')
is "$(printf '%s' "$hdrs" | LC_ALL=C grep -c $'[\x80-\xff]')" 0 "raw headers are ASCII"
is "$(printf '%s' "$hdrs" | awk '{ if (length($0) > 79) n++ } END { print n + 0 }')" 0 \
	"raw header lines fold within 78 characters"
no_money "guest confirmation (source)" "$src"
no_money "guest confirmation (text)" "$text"
no_money "guest confirmation (HTML)" "$html"
unlike "$text$html" "$MONEY_RE" "guest confirmation: no currency amount at all"
eventually 10 test -f "$CHARTER_PUBLISH_DIR/g/$slug.html"
http GET "$url"
is "$STATUS" 200 "the mailed guest URL opens"

# --- Cancel: the operator's notice -------------------------------------------
api POST "/api/bookings/$id/cancel"
is "$STATUS" 200 "booking cancelled"
subject="Cancelled: $name, $(label "$starts") on Jada"
op_mail() { to_addr "$OPERATOR" | jq --arg s "$subject" '[.[] | select(.subject == $s)]'; }
op_has() { op_mail | jq -e 'length == 1' >/dev/null; }
eventually 10 op_has; ok $? "the operator's notice arrives at CHARTER_CONTACT_EMAIL ($OPERATOR)"
m=$(op_mail | jq last)
text=$(jq -r .text <<<"$m"); html=$(jq -r .html <<<"$m")
like "$text" "$CHARTER_PUBLIC_URL/admin/bookings/$id" "text: a link to the booking"
like "$html" "href=\"$CHARTER_PUBLIC_URL/admin/bookings/$id\"" "HTML: the same link"
like "$text" "Was to be: +$(TZ=$TZ_BOAT date -d "$starts" '+%A, %B %-d, %Y')" "text: when it was to be"
no_money "operator notice (text)" "$text"
no_money "operator notice (HTML)" "$html"
unlike "$text$html" "$MONEY_RE" "operator notice: no currency amount at all"
is "$(mails_to "$guest")" 1 "the guest got no second mail"

# --- Rows that send nothing, or may not be sent --------------------------------
api POST /api/bookings "$(jq -nc --arg s "$starts" --arg t "$ends" \
	'{guest_name: "Eve", starts_at: $s, ends_at: $t, vessel: "Jada", checklist: [],
	  revenue_cents: 1, port_fee_cents: 1, captain_fee_cents: 1}')"
eve=$(jbody .id)
# The API refuses control characters in names; a row written around it
# (by hand, by an older release) must still not reach a header.
inj=$(sql "UPDATE bookings SET guest_name = E'Eve\\r\\nBcc: victim-$run@example.com',
	guest_email = 'eve-$run@example.com' WHERE id = $eve;
	INSERT INTO outbox (target, kind, booking_id, version, payload)
	VALUES ('mail', 'mail.guest_confirmation', $eve, 1, '{}') RETURNING id;
	SELECT pg_notify('charterd_outbox', '$eve');" | head -1)
eventually 10 row_is "$inj" dead; ok $? "a guest name with CR LF: the row is dead at once"
like "$(sql "SELECT attempts || ' ' || last_error FROM outbox WHERE id = $inj")" \
	'^1 the subject \(email/guest_confirmation\.hdr\) cannot carry .*line break' "with the reason, after one attempt"
api GET /api/sync
like "$(jbody ".mail.dead[] | select(.id == $inj) | .last_error")" 'line break' "GET /api/sync shows it and why"
is "$(mails_to "eve-$run@example.com")/$(mails_to "victim-$run@example.com")" 0/0 "and nothing was sent to anyone"
nomail=$(sql "UPDATE bookings SET guest_name = 'Eve', guest_email = NULL WHERE id = $eve;
	INSERT INTO outbox (target, kind, booking_id, version, payload)
	VALUES ('mail', 'mail.guest_confirmation', $eve, 1, '{}') RETURNING id;
	SELECT pg_notify('charterd_outbox', '$eve');" | head -1)
eventually 10 row_is "$nomail" "done"; ok $? "a booking without a guest email any more: settled, nothing to send"
eventually 5 grep -q "outbox=$nomail .*state=done.*no guest email" "$STACK_LOG_DIR/sync.log"
ok $? "with a note in the log"
sql "DELETE FROM outbox WHERE id IN ($inj, $nomail)" # leave no dead row behind

# --- maildev down, then back ------------------------------------------------
down="down-$run@example.com"
stop_proc maildev TERM 5
pid_alive maildev; isnt $? 0 "maildev stopped"
api POST /api/bookings "$(jq -nc --arg e "$down" --arg s "$starts" --arg t "$ends" \
	'{guest_name: "Dee Down", guest_email: $e, starts_at: $s, ends_at: $t, vessel: "Jada",
	  checklist: [], revenue_cents: 1, port_fee_cents: 1, captain_fee_cents: 1}')"
drow=$(mail_row "$(jbody .id)" mail.guest_confirmation)
retried() { [ "$(sql "SELECT attempts >= 2 AND state = 'pending' FROM outbox WHERE id = $drow")" = t ]; }
eventually 15 retried; ok $? "while maildev is down the mail row is retried, still pending"
like "$(sql "SELECT last_error FROM outbox WHERE id = $drow")" "^127\.0\.0\.1: " \
	"its last error names the host, not the URL"
peers_start maildev >/dev/null 2>&1
stack_write_env
pid_alive maildev; ok $? "maildev restarted on the same mail directory"
eventually 30 has_mails "$down" 1; ok $? "the mail arrives once maildev is back"
eventually 5 row_is "$drow" "done"; ok $? "and its row is done"
sleep 1
is "$(mails_to "$down")" 1 "exactly once"
is "$(mails_to "$guest")" 1 "the earlier mail is still there, once (maildev reloaded its folder)"

# --- Refusals and deferrals, through our own SMTP peer ----------------------
# maildev takes every recipient, so the stack's mail worker is paused (SIGSTOP)
# while a private charterd sync with the same settings but CHARTER_SMTP_URL on
# tests/peers/smtp-peer.py delivers: 550 for reject-*, 451 once for defer-*.
port=$(free_ports 1)
/usr/bin/python3 "$CHARTER_SRCDIR/tests/peers/smtp-peer.py" --port "$port" \
	--record "$peer_dir/mails.jsonl" --idle 3 >"$peer_dir/peer.log" 2>&1 &
peer_pid=$!
wait_log "$peer_dir/peer.log" ready 10; ok $? "our SMTP peer listens on :$port"
worker=$(sed -n 's/.*charterd\[\([0-9]*\)\] info mail_open: .*/\1/p' "$STACK_LOG_DIR/sync.log" | tail -1)
[ -n "$worker" ] && [ "$(proc_field "$worker" 4)" = "$(pid_of sync)" ]
ok $? "found the stack's mail worker ($worker)"
idle() { [ "$(sql "SELECT count(*) FROM outbox WHERE target = 'mail' AND state = 'delivering'")" = 0 ]; }
eventually 10 idle # not in the middle of a delivery when it stops
kill -STOP "$worker" && stopped_worker=$worker
charterd_cmd "$STACK_DIR/sync.env"
cmd=()
for a in "${CHARTERD_CMD[@]}"; do
	case $a in CHARTER_SMTP_URL=*) a="CHARTER_SMTP_URL=smtp://127.0.0.1:$port" ;; esac
	cmd+=("$a")
done
"${cmd[@]}" sync </dev/null >"$peer_dir/sync.log" 2>&1 &
private_pid=$!
eventually 10 grep -q "target mail ready" "$peer_dir/sync.log"; ok $? "a private charterd sync talks to the SMTP peer"
api POST /api/bookings "$(jq -nc --arg e "reject-$run@example.com" --arg s "$starts" --arg t "$ends" \
	'{guest_name: "Rex Reject", guest_email: $e, starts_at: $s, ends_at: $t, vessel: "Jada",
	  checklist: [], revenue_cents: 1, port_fee_cents: 1, captain_fee_cents: 1}')"
rrow=$(mail_row "$(jbody .id)" mail.guest_confirmation)
api POST /api/bookings "$(jq -nc --arg e "defer-$run@example.com" --arg s "$starts" --arg t "$ends" \
	'{guest_name: "Del Defer", guest_email: $e, starts_at: $s, ends_at: $t, vessel: "Jada",
	  guest_notes: "one\n.\ntwo", checklist: [], revenue_cents: 1, port_fee_cents: 1, captain_fee_cents: 1}')"
frow=$(mail_row "$(jbody .id)" mail.guest_confirmation)
eventually 10 row_is "$rrow" dead; ok $? "550 from the server: the row is dead at once"
like "$(sql "SELECT attempts || ' ' || last_error FROM outbox WHERE id = $rrow")" \
	"^1 127\.0\.0\.1 refused it: 550 5\.1\.1 <reject-$run@example\.com>: no such mailbox here$" \
	"with the server's reply text"
eventually 15 row_is "$frow" "done"; ok $? "451 once: retried, then delivered"
like "$(sql "SELECT attempts || ' ' || coalesce(last_error, '') FROM outbox WHERE id = $frow")" '^2 $' \
	"on the second attempt"
grep -q "outbox=$frow .*attempt=1 outcome=retry.*451 4\.3\.0" "$peer_dir/sync.log"; ok $? "the first attempt logged the 451"
is "$(jq -s --arg a "defer-$run@example.com" '[.[] | select(.to == [$a])] | length' "$peer_dir/mails.jsonl")" 1 \
	"the peer took it exactly once"
raw=$(jq -rs --arg a "defer-$run@example.com" '[.[] | select(.to == [$a])][0].raw' "$peer_dir/mails.jsonl")
like "$raw" $'\r\n\\.\\.\r\n' "on the wire a line of one dot is stuffed to two (libcurl)"
# The peer drops a connection idle for 3 s with a 421, as maildev does after 60 s.
conns=$(grep -c "info transfer: mail: connection" "$peer_dir/sync.log")
sleep 3.5
api POST /api/bookings "$(jq -nc --arg e "late-$run@example.com" --arg s "$starts" --arg t "$ends" \
	'{guest_name: "Lee Late", guest_email: $e, starts_at: $s, ends_at: $t, vessel: "Jada",
	  checklist: [], revenue_cents: 1, port_fee_cents: 1, captain_fee_cents: 1}')"
lrow=$(mail_row "$(jbody .id)" mail.guest_confirmation)
eventually 10 row_is "$lrow" "done"; ok $? "after the server closed the idle connection (421), the next mail goes"
is "$(sql "SELECT attempts FROM outbox WHERE id = $lrow")" 1 "on its first attempt, on a new connection at once"
is "$(grep -c "info transfer: mail: connection" "$peer_dir/sync.log")" "$((conns + 1))" "one new connection"
grep -q "smtp://\|127.0.0.1:$port/" "$peer_dir/sync.log"; isnt $? 0 "the log never prints the SMTP URL"
kill -TERM "$private_pid"; wait "$private_pid" 2>/dev/null; private_pid=
kill -CONT "$stopped_worker"; stopped_worker=
sql "DELETE FROM outbox WHERE id = $rrow" # leave no dead row behind

# --- Throughput: many mails, one connection ------------------------------------
bench="bench-$run@example.com"
conns_before=$(grep -c "info transfer: mail: connection" "$STACK_LOG_DIR/sync.log")
t0=$(date +%s.%N)
sql "UPDATE bookings SET guest_email = '$bench' WHERE id = $eve;
	INSERT INTO outbox (target, kind, booking_id, version, payload)
	SELECT 'mail', 'mail.guest_confirmation', $eve, 1, '{}' FROM generate_series(1, $BENCH_MAILS);
	SELECT pg_notify('charterd_outbox', '$eve');" >/dev/null
all_done() { [ "$(sql "SELECT count(*) FROM outbox WHERE booking_id = $eve AND target = 'mail' AND state <> 'done' AND due_at IS NULL")" = 0 ]; }
eventually 60 all_done; ok $? "$BENCH_MAILS mails delivered"
t1=$(date +%s.%N)
rate=$(awk -v n="$BENCH_MAILS" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
note "mail: $BENCH_MAILS mails through maildev in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s: $rate mails/s"
eventually 10 has_mails "$bench" "$BENCH_MAILS"; ok $? "all $BENCH_MAILS are in maildev"
is "$(grep -c "info transfer: mail: connection" "$STACK_LOG_DIR/sync.log")" "$conns_before" \
	"on the connection already open: no new one"
is "$(to_addr "$bench" | jq '[.[].messageId] | unique | length')" \
	"$BENCH_MAILS" "each with its own Message-ID"
done_testing
