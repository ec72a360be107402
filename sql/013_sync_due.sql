-- 013_sync_due.sql: when sync looks again. A stream's newer rows wait behind
-- its oldest one (outbox_claim), so only the head of each stream says when
-- there is work: a pending row behind a delivery in flight (another sync
-- process's, or one whose claimant died and whose lease still runs) is not
-- due, and counting it made every idle worker of that target poll the
-- database in a tight loop until the delivery ended or the lease ran out.

CREATE OR REPLACE FUNCTION outbox_next_due(t text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
	SELECT min(CASE WHEN o.state = 'pending' THEN o.next_attempt_at
	    ELSE o.locked_until END)
	FROM outbox o
	WHERE o.target = t AND o.state IN ('pending', 'delivering')
	  AND NOT EXISTS (SELECT 1 FROM outbox p
	      WHERE p.target = t AND p.booking_id = o.booking_id
	        AND p.id < o.id AND p.state IN ('pending', 'delivering'))
$$;
