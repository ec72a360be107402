#!/bin/bash
# photo-gc.sh: `charterd gc` deletes the objects and rows of photo
# reservations whose upload URL expired without a complete, and nothing
# else; it logs in as charterd_gc, which can do nothing more; a store that
# does not answer leaves the rows for the next pass and exits 1
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

run=$$-$RANDOM
t() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
pub=$CHARTER_PUBLIC_URL
sign_tool=${top_builddir:-$CHARTER_SRCDIR}/tests/s3-sign-tool
sql() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
sha() { openssl dgst -sha256 -binary "$1" | base64; }

# booking NAME CLOSES: a booking whose upload window opened an hour ago.
booking() {
	api POST /api/bookings "{\"guest_name\":\"$1 $run\",\"starts_at\":\"$(t '+1 hour')\",\"ends_at\":\"$(t '+5 hours')\",\"vessel\":\"Jada\",\"revenue_cents\":100000,\"port_fee_cents\":0,\"captain_fee_cents\":0,\"upload_opens_at\":\"$(t '-1 hour')\",\"upload_closes_at\":\"$2\"}"
	B_ID=$(jbody .id) B_SLUG=$(jbody .slug)
	[ "$STATUS" = 201 ] || diag "booking $1: $STATUS $(body)"
}

# reserve SLUG FILE: presign FILE as a JPEG; sets P_ID, P_KEY, P_URL, P_EXP.
reserve() {
	http POST "$pub/g/$1/photos" -H 'Content-Type: application/json' --data-binary \
		"{\"filename\":\"a.jpg\",\"content_type\":\"image/jpeg\",\"size\":$(stat -c %s "$2"),\"sha256\":\"$(sha "$2")\"}"
	P_ID=$(jbody .photo_id) P_KEY=$(jbody .key) P_URL=$(jbody .upload.url)
	P_EXP=$(date -u -d "$(jbody .expires_at)" +%s 2>/dev/null || echo 0)
	[ "$STATUS" = 201 ] || diag "presign: $STATUS $(body)"
}

put() {	# put URL FILE: prints the store's status
	curl -sS -g -o /dev/null -w '%{http_code}' --max-time 15 -X PUT -H 'Content-Type: image/jpeg' \
		-H "x-amz-checksum-sha256: $(sha "$2")" --data-binary "@$2" -- "$1" 2>/dev/null || true
}

# stored KEY: "found SIZE TYPE" or "missing", asked with a signed HEAD
# through the verifying proxy.
stored() {
	AWS_REGION=$CHARTER_AWS_REGION "$sign_tool" head "$CHARTER_S3_ENDPOINT" "$CHARTER_PHOTO_BUCKET" "$1"
}

row() { sql "SELECT coalesce((SELECT status FROM photos WHERE id = '$1'), 'none')"; }

# gc [VAR=VALUE...]: one `charterd gc` pass with only what gc needs, as the
# stack's own charterd runs; its log goes to $TAP_TMP/gc.log, its exit
# status to GC_RC.
gc() {
	env -i PATH=/usr/bin:/bin LANG=C.UTF-8 TZ=UTC \
		"CHARTER_DATABASE_URL=postgresql:///charterd?host=$STACK_PG_SOCKDIR&port=$STACK_PG_PORT&passfile=$STACK_PGPASSFILE" \
		CHARTER_S3_ENDPOINT="$CHARTER_S3_ENDPOINT" CHARTER_PHOTO_BUCKET="$CHARTER_PHOTO_BUCKET" \
		CHARTER_AWS_REGION="$CHARTER_AWS_REGION" CHARTER_S3_PATH_STYLE=1 \
		CHARTER_PHOTO_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" \
		CHARTER_PHOTO_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
		${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} "$@" "$CHARTERD" gc >"$TAP_TMP/gc.log" 2>&1
	GC_RC=$?
}

head -c 2000 /dev/urandom >"$TAP_TMP/a.jpg"
head -c 2001 /dev/urandom >"$TAP_TMP/b.jpg"
head -c 2002 /dev/urandom >"$TAP_TMP/c.jpg"
head -c 2003 /dev/urandom >"$TAP_TMP/d.jpg"

# -- what the pass will find ---------------------------------------------------------
# A window that closes in 10 s: its URLs live 10 s at most.
booking Brief "$(t '+10 seconds')"
brief_slug=$B_SLUG
reserve "$brief_slug" "$TAP_TMP/a.jpg"
put_id=$P_ID put_key=$P_KEY brief_exp=$P_EXP
is "$(put "$P_URL" "$TAP_TMP/a.jpg")" 200 "a reservation whose object reached the store"
reserve "$brief_slug" "$TAP_TMP/b.jpg"
empty_id=$P_ID empty_key=$P_KEY
ok 0 "a reservation whose object never came"
[ $((brief_exp - $(date +%s))) -le 10 ]; ok $? "both URLs expire within 10 s"

booking Keep "$(t '+2 hours')"
keep_slug=$B_SLUG
reserve "$keep_slug" "$TAP_TMP/c.jpg"
done_id=$P_ID done_key=$P_KEY
is "$(put "$P_URL" "$TAP_TMP/c.jpg")" 200 "a photo stored"
http POST "$pub/g/$keep_slug/photos/$done_id/complete"
is "$STATUS" 200 "and completed"
done_url=$(jbody .url)
reserve "$keep_slug" "$TAP_TMP/d.jpg"
live_id=$P_ID live_key=$P_KEY
is "$(put "$P_URL" "$TAP_TMP/d.jpg")" 200 "a photo stored under a reservation that is still live"

now=$(date +%s)
[ "$now" -le "$brief_exp" ] && sleep $((brief_exp - now + 1))
is "$(stored "$put_key")" "found 2000 image/jpeg" "before gc: the expired reservation's object is in the store"

# -- one pass --------------------------------------------------------------------------
gc
is "$GC_RC" 0 "charterd gc exits 0"
like "$(cat "$TAP_TMP/gc.log")" '[0-9]+ expired photo reservations: [0-9]+ deleted \(object and row\), 0 completed meanwhile, 0 left for the next pass \(0 failed\)' \
	"it logs its counts" || diag "$(cat "$TAP_TMP/gc.log")"
deleted=$(sed -n 's/.* reservations: \([0-9]*\) deleted.*/\1/p' "$TAP_TMP/gc.log")
[ "${deleted:-0}" -ge 2 ]; ok $? "at least the two expired reservations were deleted ($deleted)"
is "$(stored "$put_key")" missing "the expired reservation's object is gone from the store"
is "$(row "$put_id")/$(row "$empty_id")" "none/none" "both expired reservations' rows are gone"
is "$(stored "$done_key")" "found 2002 image/jpeg" "a completed photo's object is untouched"
is "$(row "$done_id")" uploaded "and so is its row"
st=$(curl -sS -g -o "$TAP_TMP/got.jpg" -w '%{http_code}' --max-time 15 -- "$done_url" 2>/dev/null)
cmp -s "$TAP_TMP/got.jpg" "$TAP_TMP/c.jpg"
ok $? "the gallery still serves its bytes ($st)"
is "$(stored "$live_key")/$(row "$live_id")" "found 2003 image/jpeg/pending" "a live reservation is untouched"
http POST "$pub/g/$brief_slug/photos/$put_id/complete"
is "$STATUS" 404 "a collected reservation cannot be completed"

gc
is "$GC_RC/$(grep -o '[0-9]* expired photo reservations' "$TAP_TMP/gc.log")" "0/0 expired photo reservations" \
	"a second pass finds nothing and exits 0"
! grep -qi "$AWS_SECRET_ACCESS_KEY\|X-Amz-Signature\|passfile=" "$TAP_TMP/gc.log"
ok $? "gc logs no secret, signature or connection string"

# -- the store does not answer: the rows stay for the next pass ---------------------
booking Down "$(t '+10 seconds')"
reserve "$B_SLUG" "$TAP_TMP/a.jpg"
down_id=$P_ID down_key=$P_KEY down_exp=$P_EXP
is "$(put "$P_URL" "$TAP_TMP/a.jpg")" 200 "another expiring reservation with its object"
now=$(date +%s)
[ "$now" -le "$down_exp" ] && sleep $((down_exp - now + 1))
closed=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
gc CHARTER_S3_ENDPOINT="http://127.0.0.1:$closed"
is "$GC_RC" 1 "gc with the store unreachable exits 1"
like "$(cat "$TAP_TMP/gc.log")" '0 deleted .* [1-9][0-9]* left for the next pass \([1-9][0-9]* failed\)' \
	"and says what it left" || diag "$(cat "$TAP_TMP/gc.log")"
is "$(row "$down_id")" pending "the reservation's row stays"
gc
is "$GC_RC/$(row "$down_id")/$(stored "$down_key")" "0/none/missing" "the next pass with the store back takes it"

# -- charterd_gc can do nothing but this ----------------------------------------------
as_gc() {
	env -u PGPASSWORD PGPASSFILE="$STACK_PGPASSFILE" PGHOST="$STACK_PG_SOCKDIR" \
		PGPORT="$STACK_PG_PORT" PGUSER=charterd_gc PGDATABASE=charterd \
		psql -qAtX -v ON_ERROR_STOP=1 -c "$1" 2>&1
}
is "$(as_gc "SELECT current_user")" charterd_gc "charterd_gc logs in with its passfile password"
like "$(as_gc "SELECT count(*) FROM photos WHERE status = 'uploaded'")" '^[0-9]+$' "it reads what gc needs of photos"
for probe in "SELECT filename FROM photos LIMIT 1" "SELECT * FROM photos LIMIT 1" \
	"SELECT slug FROM bookings LIMIT 1" "SELECT revenue_cents FROM bookings LIMIT 1" \
	"UPDATE photos SET status = 'uploaded' WHERE id = '$live_id'" \
	"INSERT INTO photos (id, booking_id, object_key, content_type, size_bytes, url_expires_at) VALUES ('x', 1, 'x', 'x', 1, now())" \
	"SELECT photo_list('$keep_slug', now())" \
	"SELECT photo_complete('$live_id', 500, now())" \
	"SELECT count(*) FROM outbox" "CREATE TABLE gc_probe (x int)" \
	"SET ROLE charterd" "CREATE ROLE gc_probe_$RANDOM LOGIN" \
	"COPY (SELECT 1) TO PROGRAM 'id'" "SELECT pg_read_file('/etc/passwd')"; do
	like "$(as_gc "$probe")" 'permission denied|must be superuser|privileges of' "charterd_gc is refused: ${probe:0:60}"
done
like "$(sql "SELECT array_to_string(array_agg(DISTINCT r.rolname ORDER BY r.rolname), ',')
	FROM pg_proc p, pg_roles r
	WHERE p.proname IN ('photo_gc_due', 'photo_gc_take')
	AND has_function_privilege(r.oid, p.oid, 'EXECUTE') AND NOT r.rolsuper")" '^(charterd,)?charterd_gc$' \
	"only charterd_gc (and the owner) may run the gc functions"
like "$(sql "SELECT array_to_string(array_agg(DISTINCT r.rolname ORDER BY r.rolname), ',')
	FROM pg_proc p, pg_roles r
	WHERE p.proname IN ('photo_reserve', 'photo_complete', 'photo_complete_check', 'photo_list')
	AND has_function_privilege(r.oid, p.oid, 'EXECUTE') AND NOT r.rolsuper")" '^(charterd,)?charterd_guest$' \
	"only charterd_guest (and the owner) may run the photo functions"
is "$(sql "SELECT count(*) FROM pg_proc p WHERE p.proname LIKE 'photo\_%'
	AND has_function_privilege('public', p.oid, 'EXECUTE')")" 0 "no photo function is executable by PUBLIC"

# -- the command ------------------------------------------------------------------------
out=$("$CHARTERD" gc --help)
is "$?" 0 "gc --help exits 0"
like "$out" 'usage: charterd gc' "and shows its usage"
like "$out" 'CHARTER_PHOTO_SECRET_ACCESS_KEY' "and the settings it reads"
"$CHARTERD" gc --now >/dev/null 2>&1
is "$?" 2 "an unknown option is a usage error (2)"
gc CHARTER_PHOTO_BUCKET=
is "$GC_RC" 1 "gc without a photo bucket exits 1"

no_worker_crashed
done_testing
