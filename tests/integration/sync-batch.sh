#!/bin/bash
# sync-batch.sh: sync's batch claim and finish (sql/019_sync_batch.sql), on
# rows made in one transaction that is rolled back (the running sync never
# sees them): one row per stream, the oldest owed; superseded upserts
# collapsed into the newest; a stream with a row in flight, or a row not yet
# due, left alone; the batch size kept; the finish settles each row, gives a
# released row its attempt back, writes sync_refs only under a lease still
# held, and reports a lost lease.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

out=$(psql -qAtX -v ON_ERROR_STOP=1 <<-'EOF' 2>&1
	BEGIN;
	CREATE TEMP TABLE b (name text PRIMARY KEY, id bigint) ON COMMIT DROP;
	WITH n AS (SELECT unnest(ARRAY['a', 'b', 'c', 'd']) AS name),
	ins AS (INSERT INTO bookings (slug, guest_name, starts_at, ends_at, vessel,
		meeting_point, party_size, checklist, revenue_cents, port_fee_cents,
		captain_fee_cents)
		SELECT 'batch-' || name || '-' || substr(md5(random()::text), 1, 8),
			'Batch ' || name, now() + interval '30 days',
			now() + interval '30 days 4 hours', 'Jada', 'Dock B', 4, '[]', 1, 0, 0
		FROM n RETURNING id, guest_name)
	INSERT INTO b SELECT substr(guest_name, 7), id FROM ins;
	CREATE TEMP TABLE r (name text PRIMARY KEY, id bigint) ON COMMIT DROP;
	-- a: three upserts; b: an upsert then a cancel; c: one in flight under a
	-- live lease and one behind it; d: one not due for an hour
	WITH v(name, bname, kind, version, state, due) AS (VALUES
		('a1', 'a', 'booking.upsert', 1, 'pending', now()),
		('a2', 'a', 'booking.upsert', 2, 'pending', now()),
		('a3', 'a', 'booking.upsert', 3, 'pending', now()),
		('b1', 'b', 'booking.upsert', 1, 'pending', now()),
		('b2', 'b', 'booking.cancel', 2, 'pending', now()),
		('c1', 'c', 'booking.upsert', 1, 'delivering', now()),
		('c2', 'c', 'booking.upsert', 2, 'pending', now()),
		('d1', 'd', 'booking.upsert', 1, 'pending', now() + interval '1 hour')),
	ins AS (INSERT INTO outbox (target, kind, booking_id, version, payload, state,
		next_attempt_at, locked_until, lease)
		SELECT 'scc', v.kind, b.id, v.version, jsonb_build_object('n', v.name),
			v.state, v.due,
			CASE WHEN v.state = 'delivering' THEN now() + interval '1 minute' END,
			CASE WHEN v.state = 'delivering' THEN gen_random_uuid() END
		FROM v JOIN b ON b.name = v.bname ORDER BY v.name RETURNING id, payload)
	INSERT INTO r SELECT payload->>'n', id FROM ins;
	CREATE TEMP TABLE c ON COMMIT DROP AS
		SELECT * FROM outbox_claim_batch('scc', 60, 16) x
		WHERE x.booking_id IN (SELECT id FROM b);
	SELECT 'claimed|' || string_agg(r.name, ',' ORDER BY r.name)
		FROM c JOIN r ON r.id = c.id;
	SELECT 'one per stream|' || (count(DISTINCT booking_id) = count(*)) FROM c;
	SELECT 'leased|' || bool_and(state = 'delivering' AND lease IS NOT NULL AND
		attempts = 1 AND locked_until > now()) FROM c;
	SELECT 'superseded|' || string_agg(r.name || '>' || s.name || ':' || o.state,
		',' ORDER BY r.name)
		FROM outbox o JOIN r ON r.id = o.id JOIN r s ON s.id = o.superseded_by;
	-- the finish: a3 delivered (its id recorded), b1 released, and a row
	-- whose lease is not ours (c1)
	SELECT 'finish|' || string_agg(coalesce(f.state, 'lost'), ',' ORDER BY ord)
	FROM outbox_finish_batch(
		ARRAY[(SELECT id FROM r WHERE name = 'a3'), (SELECT id FROM r WHERE name = 'b1'),
		      (SELECT id FROM r WHERE name = 'c1')],
		ARRAY[(SELECT lease FROM c WHERE id = (SELECT id FROM r WHERE name = 'a3')),
		      (SELECT lease FROM c WHERE id = (SELECT id FROM r WHERE name = 'b1')),
		      gen_random_uuid()],
		ARRAY['ok', 'release', 'ok'], ARRAY[NULL, NULL, NULL]::text[],
		ARRAY[5, 0, 5], 8, ARRAY[1.0, 1.0, 1.0]::float8[],
		ARRAY['ev-a', NULL, 'ev-c'], ARRAY[3, NULL, 1]) WITH ORDINALITY f(id, state, ord);
	SELECT 'rows|' || string_agg(r.name || ':' || o.state || ':' || o.attempts, ','
		ORDER BY r.name) FROM outbox o JOIN r ON r.id = o.id
		WHERE r.name IN ('a3', 'b1', 'c1');
	SELECT 'refs|' || coalesce(string_agg(b.name || '=' || s.external_id || '@' || s.version,
		',' ORDER BY b.name), '') FROM sync_refs s JOIN b ON b.id = s.booking_id
		WHERE s.target = 'scc';
	-- the released row is claimable again; a batch of one is one
	SELECT 'again|' || string_agg(r.name, ',') FROM outbox_claim_batch('scc', 60, 16) x
		JOIN r ON r.id = x.id;
	UPDATE outbox SET state = 'pending', lease = NULL, locked_until = NULL
		WHERE id IN (SELECT id FROM r WHERE name = 'b1');
	SELECT 'one|' || count(*) FROM outbox_claim_batch('scc', 60, 1);
	ROLLBACK;
EOF
)
val() { sed -n "s/^$1|//p" <<<"$out"; }
is "$(val claimed)" "a3,b1" "the batch holds the newest upsert of a and the oldest row of b; c (in flight) and d (not due) wait" ||
	diag "$out"
is "$(val 'one per stream')" true "no two rows of one stream"
is "$(val leased)" true "each claimed row is delivering under a lease of its own, attempt 1"
is "$(val superseded)" "a1>a3:done,a2>a3:done" "a's older upserts are settled as superseded by the newest"
is "$(val finish)" "done,pending,lost" "the finish: delivered, released, and a lease not ours reported lost"
is "$(val rows)" "a3:done:1,b1:pending:0,c1:delivering:0" \
	"the released row has its attempt back; the row under another lease is untouched"
is "$(val refs)" "a=ev-a@3" "sync_refs written with the finish, only under a lease still held"
is "$(val again)" "b1" "a released row is claimed again at once"
is "$(val one)" 1 "a batch of one is one"
done_testing
