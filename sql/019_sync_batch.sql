-- 019_sync_batch.sql: sync claims due rows in batches and settles them in
-- one call. Measured (bench/sync, 2 cores under load): a delivery spent
-- 1 ms at the peer and 10-15 ms in five database round trips, the claim
-- among them costing 3 ms of server time, 1.8 ms of it re-planning the
-- supersede query on every call. A batch claims the oldest owed row of up
-- to n different streams in one scan, and its finish settles them in one
-- round trip.

-- Claims up to n rows `t` may deliver, each the oldest owed row of its
-- stream (target, booking): the rule 007's single-row claim had, so no two
-- rows of one stream are ever out at once, superseded upserts are
-- collapsed into the newest, and every row gets a lease token of its own.
-- The rows come back in due order.
CREATE FUNCTION outbox_claim_batch(t text, lease_s integer, n integer)
    RETURNS SETOF outbox
LANGUAGE plpgsql
ROWS 16
-- Generic plans: a custom plan per statement cost more to make (1-2 ms)
-- than to run. The states a stream's probes look for are variables, not
-- literals, on purpose: a generic plan cannot then prove the partial
-- indexes' predicates and uses outbox_booking, whose statistics hold. The
-- partial indexes' statistics go stale as the queue fills and drains (a
-- vacuum of an empty queue leaves them looking empty), and a plan cached
-- then scanned every pending row of the target for each probe: 20 ms a
-- probe with 2,000 queued.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
	pending text := 'pending';
	owed text[] := ARRAY['pending', 'delivering'];
	cand outbox;
	r outbox;
	ids bigint[] := '{}';
	newest bigint;
	k integer;
	seen integer;
	after_at timestamptz := '-infinity';
	after_id bigint := 0;
BEGIN
	-- The due rows in order, a page at a time (a LIMIT, so that the
	-- index's order is used: a loop over them all was planned as a sort
	-- of every owed row, 50-90 ms with 6,000 queued), unlocked; each is
	-- taken only when no older row of its stream is still owed (one index
	-- probe), then locked, skipped when another claimant holds it, and
	-- checked again as it is now.
	<<pages>>
	LOOP
		seen := 0;
		FOR cand IN
			SELECT * FROM outbox o
			WHERE o.target = t
			  AND (o.next_attempt_at, o.id) > (after_at, after_id)
			  AND ((o.state = 'pending' AND o.next_attempt_at <= now())
			       OR (o.state = 'delivering'
			           AND o.locked_until < now()))
			ORDER BY o.next_attempt_at, o.id
			LIMIT 64
		LOOP
			seen := seen + 1;
			after_at := cand.next_attempt_at;
			after_id := cand.id;
			-- An older row still owed blocks: a
			-- stream never overtakes, and no two rows of it are out
			-- at once. A scheduled row not yet due (017: a reminder
			-- days ahead) is no part of its stream until it is due.
			CONTINUE WHEN EXISTS (SELECT 1 FROM outbox p
			    WHERE p.target = t AND p.booking_id = cand.booking_id
			      AND p.id < cand.id AND p.state = ANY (owed)
			      AND NOT (p.state = pending AND p.attempts = 0
			               AND coalesce(p.due_at > now(), false)));
			SELECT * INTO r FROM outbox o
			WHERE o.id = cand.id
			  AND ((o.state = 'pending' AND o.next_attempt_at <= now())
			       OR (o.state = 'delivering'
			           AND o.locked_until < now()))
			FOR UPDATE SKIP LOCKED;
			CONTINUE WHEN NOT FOUND;
			newest := NULL;
			IF r.kind = 'booking.upsert' THEN
				SELECT max(p.id) INTO newest FROM outbox p
				WHERE p.target = t AND p.booking_id = r.booking_id
				  AND p.state = pending AND p.kind = 'booking.upsert'
				  AND p.id > r.id
				  AND NOT EXISTS (SELECT 1 FROM outbox c
				      WHERE c.target = t AND c.booking_id = r.booking_id
				        AND c.state = pending
				        AND c.kind <> 'booking.upsert'
				        AND c.id > r.id AND c.id < p.id);
			END IF;
			IF newest IS NOT NULL THEN
				UPDATE outbox SET state = 'done', superseded_by = newest,
				    done_at = now(), lease = NULL
				WHERE target = t AND booking_id = r.booking_id
				  AND kind = 'booking.upsert' AND id >= r.id
				  AND id < newest
				  AND (state = pending OR id = r.id);
				GET DIAGNOSTICS k = ROW_COUNT;
				UPDATE sync_counters SET superseded = superseded + k
				WHERE target = t;
				PERFORM 1 FROM outbox WHERE id = newest FOR UPDATE;
				ids := ids || newest;
			ELSE
				ids := ids || r.id;
			END IF;
			EXIT pages WHEN cardinality(ids) >= n;
		END LOOP;
		EXIT WHEN seen < 64;
	END LOOP;
	RETURN QUERY
	UPDATE outbox SET state = 'delivering', attempts = attempts + 1,
	    locked_until = now() + make_interval(secs => lease_s),
	    lease = gen_random_uuid()
	WHERE id = ANY (ids)
	RETURNING *;
END $$;

-- Settles claimed rows in one call: element i of each array is row i's
-- id, lease, outcome ('ok', 'retry', 'fail' as outbox_finish() takes
-- them, or 'release': not tried, pending again at once with its attempt
-- given back), error, ms and backoff, and the sync_refs external id and
-- version the delivery left to record (NULL: none). The reference is
-- written only while the lease is still ours, in the same transaction as
-- the outcome: a lost finish loses both, and the row, delivered again,
-- finds sync_refs as the delivery before left it (what a crash before the
-- write did all along). Returns each row's new state, NULL where the lease
-- was lost.
CREATE FUNCTION outbox_finish_batch(o_ids bigint[], o_leases uuid[],
    outcomes text[], errs text[], ms integer[], max_attempts integer,
    backoffs double precision[], refs text[], ref_versions integer[])
    RETURNS TABLE (id bigint, state text)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
	i integer;
BEGIN
	FOR i IN 1 .. coalesce(array_length(o_ids, 1), 0) LOOP
		id := o_ids[i];
		IF outcomes[i] = 'release' THEN
			UPDATE outbox o SET state = 'pending', lease = NULL,
			    locked_until = NULL, attempts = o.attempts - 1,
			    next_attempt_at = now()
			WHERE o.id = o_ids[i] AND o.lease = o_leases[i]
			  AND o.state = 'delivering';
			state := CASE WHEN FOUND THEN 'pending' END;
		ELSE
			IF refs[i] IS NOT NULL THEN
				INSERT INTO sync_refs (target, booking_id,
				    external_id, version)
				SELECT o.target, o.booking_id, refs[i],
				    ref_versions[i]
				FROM outbox o
				WHERE o.id = o_ids[i] AND o.lease = o_leases[i]
				  AND o.state = 'delivering'
				ON CONFLICT (target, booking_id) DO UPDATE SET
				    external_id = EXCLUDED.external_id,
				    version = EXCLUDED.version, updated_at = now();
			END IF;
			state := outbox_finish(o_ids[i], o_leases[i], outcomes[i],
			    errs[i], ms[i], max_attempts, backoffs[i]);
		END IF;
		RETURN NEXT;
	END LOOP;
END $$;

-- The single-row claim of 007 is no longer called: sync claims in batches.
DROP FUNCTION outbox_claim(text, integer);
