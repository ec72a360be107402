-- 007_sync.sql: the outbox as `charterd sync` works it. Every booking change
-- leaves one row per target (publish, scc, dynamo, calendar) and, where it
-- applies, mail rows; sync claims the oldest pending row of each stream
-- (target, booking), so a stream is delivered in order by one process at a
-- time, and collapses superseded upserts into the newest.

-- How a stream is found and claimed: its pending rows in id order.
CREATE INDEX outbox_stream_pending ON outbox (target, booking_id, id)
    WHERE state = 'pending';
CREATE INDEX outbox_target_due ON outbox (target, next_attempt_at)
    WHERE state = 'pending';
DROP INDEX outbox_due;

ALTER TABLE outbox
    ADD COLUMN superseded_by bigint,
    ADD COLUMN delivered_ms integer;

-- Per-target counters the sync process keeps, for /metrics and /api/sync.
CREATE TABLE sync_counters (
	target		text PRIMARY KEY,
	delivered	bigint NOT NULL DEFAULT 0,
	failed		bigint NOT NULL DEFAULT 0,
	dead		bigint NOT NULL DEFAULT 0,
	superseded	bigint NOT NULL DEFAULT 0,
	last_success_at	timestamptz,
	last_failure_at	timestamptz
);
INSERT INTO sync_counters (target)
SELECT unnest(ARRAY['publish', 'scc', 'dynamo', 'calendar', 'mail']);

-- A booking change now also publishes the guest page (an outbox target
-- like the others: retried until it holds) and mails: the guest's
-- confirmation when the booking is created with an address, the
-- operator's notice when it is cancelled.
CREATE OR REPLACE FUNCTION record_booking_change(b_id bigint, actor text,
    action text, detail jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	projection jsonb := crew_projection(b_id);
	v integer := (projection->>'version')::integer;
	kind text := CASE WHEN action = 'cancel' THEN 'booking.cancel'
	    ELSE 'booking.upsert' END;
BEGIN
	INSERT INTO audit_log (actor, action, booking_id, detail)
	VALUES (actor, 'booking.' || action, b_id, coalesce(detail, '{}'));
	INSERT INTO outbox (target, kind, booking_id, version, payload)
	SELECT t, kind, b_id, v, projection
	FROM unnest(ARRAY['scc', 'dynamo', 'calendar']) AS t;
	-- The page is rendered when delivered, from what is current then.
	INSERT INTO outbox (target, kind, booking_id, version, payload)
	VALUES ('publish', kind, b_id, v, '{}');
	IF action = 'create' AND EXISTS (SELECT 1 FROM bookings
	    WHERE id = b_id AND guest_email IS NOT NULL) THEN
		INSERT INTO outbox (target, kind, booking_id, version, payload)
		VALUES ('mail', 'mail.guest_confirmation', b_id, v, '{}');
	ELSIF action = 'cancel' THEN
		INSERT INTO outbox (target, kind, booking_id, version, payload)
		VALUES ('mail', 'mail.operator_cancelled', b_id, v, '{}');
	END IF;
	PERFORM pg_notify('charterd_outbox', b_id::text);
END $$;

-- A claim is a lease: the row is 'delivering' until lease_until, under a
-- token only its claimant knows. A claimant that dies (SIGKILL, a lost
-- host) lets the lease run out and the row is claimed again.
ALTER TABLE outbox ADD COLUMN lease uuid;

-- Claims the next row `t` may deliver: the oldest pending or lapsed row of
-- a stream (target, booking) that has no older row pending or in flight,
-- so each stream goes in order and to one claimant at a time. An upsert
-- followed by newer upserts (no cancel between) is superseded by the
-- newest, which is delivered instead: five changes while a target was
-- down arrive as one, at the latest version. Returns the row (NULL when
-- nothing is due) with its lease token.
CREATE FUNCTION outbox_claim(t text, lease_s integer) RETURNS outbox
LANGUAGE plpgsql AS $$
DECLARE
	r outbox;
	newest bigint;
	n integer;
BEGIN
	SELECT * INTO r FROM outbox o
	WHERE o.target = t
	  AND ((o.state = 'pending' AND o.next_attempt_at <= now())
	       OR (o.state = 'delivering' AND o.locked_until < now()))
	  -- Any older row still owed blocks, a lapsed lease too: that row is
	  -- claimable itself and goes first, so a stream never overtakes.
	  AND NOT EXISTS (SELECT 1 FROM outbox p
	      WHERE p.target = t AND p.booking_id = o.booking_id
	        AND p.id < o.id AND p.state IN ('pending', 'delivering'))
	ORDER BY o.next_attempt_at, o.id
	LIMIT 1
	FOR UPDATE SKIP LOCKED;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	IF r.kind = 'booking.upsert' THEN
		SELECT max(p.id) INTO newest FROM outbox p
		WHERE p.target = t AND p.booking_id = r.booking_id
		  AND p.state = 'pending' AND p.kind = 'booking.upsert'
		  AND p.id > r.id
		  AND NOT EXISTS (SELECT 1 FROM outbox c
		      WHERE c.target = t AND c.booking_id = r.booking_id
		        AND c.state = 'pending' AND c.kind <> 'booking.upsert'
		        AND c.id > r.id AND c.id < p.id);
		IF newest IS NOT NULL THEN
			UPDATE outbox SET state = 'done', superseded_by = newest,
			    done_at = now(), lease = NULL
			WHERE target = t AND booking_id = r.booking_id
			  AND kind = 'booking.upsert' AND id >= r.id
			  AND id < newest
			  AND (state = 'pending' OR id = r.id);
			GET DIAGNOSTICS n = ROW_COUNT;
			UPDATE sync_counters SET superseded = superseded + n
			WHERE target = t;
			SELECT * INTO r FROM outbox WHERE id = newest FOR UPDATE;
		END IF;
	END IF;
	UPDATE outbox SET state = 'delivering', attempts = attempts + 1,
	    locked_until = now() + make_interval(secs => lease_s),
	    lease = gen_random_uuid()
	WHERE id = r.id
	RETURNING * INTO r;
	RETURN r;
END $$;

-- Records how a claimed delivery went, if the lease is still ours:
-- outcome 'ok' (done), 'retry' (pending again after backoff_s, or dead
-- once attempts reach max_attempts) or 'fail' (dead at once: the target
-- refused it for good). Returns the row's new state, or NULL when the
-- lease was lost (someone else has the row now).
CREATE FUNCTION outbox_finish(o_id bigint, o_lease uuid, outcome text,
    err text, ms integer, max_attempts integer, backoff_s double precision)
    RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	r outbox;
	next_state text;
BEGIN
	SELECT * INTO r FROM outbox
	WHERE id = o_id AND lease = o_lease AND state = 'delivering'
	FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	next_state := CASE
	    WHEN outcome = 'ok' THEN 'done'
	    WHEN outcome = 'fail' OR r.attempts >= max_attempts THEN 'dead'
	    ELSE 'pending' END;
	UPDATE outbox SET state = next_state, lease = NULL, locked_until = NULL,
	    done_at = CASE WHEN next_state = 'done' THEN now() END,
	    last_error = CASE WHEN outcome = 'ok' THEN NULL ELSE left(err, 1000) END,
	    delivered_ms = ms,
	    next_attempt_at = CASE WHEN next_state = 'pending'
	        THEN now() + make_interval(secs => backoff_s)
	        ELSE next_attempt_at END
	WHERE id = o_id;
	UPDATE sync_counters SET
	    delivered = delivered + (next_state = 'done')::integer,
	    failed = failed + (outcome <> 'ok')::integer,
	    dead = dead + (next_state = 'dead')::integer,
	    last_success_at = CASE WHEN next_state = 'done' THEN now()
	        ELSE last_success_at END,
	    last_failure_at = CASE WHEN outcome <> 'ok' THEN now()
	        ELSE last_failure_at END
	WHERE target = r.target;
	RETURN next_state;
END $$;

-- When the next row of `t` falls due (NULL: nothing waits), for the sync
-- loop's sleep; lapsed leases count.
CREATE FUNCTION outbox_next_due(t text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
	SELECT min(CASE WHEN state = 'pending' THEN next_attempt_at
	    ELSE locked_until END)
	FROM outbox
	WHERE target = t AND state IN ('pending', 'delivering')
$$;

-- Puts a dead row back in the queue (POST /api/sync/<id>/retry): true when
-- it was dead.
CREATE FUNCTION outbox_retry(o_id bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE outbox SET state = 'pending', attempts = 0,
	    next_attempt_at = now(), last_error = NULL
	WHERE id = o_id AND state = 'dead';
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	PERFORM pg_notify('charterd_outbox', o_id::text);
	RETURN true;
END $$;

-- GET /api/sync: per target, what waits, what is in flight, what is dead
-- and why, and when it last worked.
CREATE FUNCTION sync_status() RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_object_agg(c.target, json_build_object(
	    'pending', (SELECT count(*) FROM outbox o
	        WHERE o.target = c.target AND o.state = 'pending'),
	    'delivering', (SELECT count(*) FROM outbox o
	        WHERE o.target = c.target AND o.state = 'delivering'),
	    'delivered', c.delivered, 'failed', c.failed,
	    'superseded', c.superseded,
	    'dead', coalesce((SELECT json_agg(json_build_object('id', o.id,
	        'booking_id', o.booking_id, 'kind', o.kind,
	        'attempts', o.attempts, 'last_error', o.last_error,
	        'created_at', o.created_at) ORDER BY o.id)
	        FROM outbox o WHERE o.target = c.target AND o.state = 'dead'),
	        '[]'),
	    'failing', coalesce((SELECT json_agg(json_build_object('id', f.id,
	        'booking_id', f.booking_id, 'kind', f.kind,
	        'attempts', f.attempts, 'last_error', f.last_error,
	        'next_attempt_at', f.next_attempt_at) ORDER BY f.id)
	        FROM (SELECT * FROM outbox o WHERE o.target = c.target
	            AND o.state = 'pending' AND o.last_error IS NOT NULL
	            ORDER BY o.id LIMIT 20) f), '[]'),
	    'last_success_at', c.last_success_at,
	    'last_failure_at', c.last_failure_at,
	    'oldest_pending_age_s', (SELECT coalesce(extract(epoch FROM
	        now() - min(o.created_at))::integer, 0)
	        FROM outbox o WHERE o.target = c.target
	        AND o.state IN ('pending', 'delivering')))
	    ORDER BY c.target), '{}')
	FROM sync_counters c
$$;
