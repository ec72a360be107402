-- 012_crew_feeds.sql: each crew member's calendar feed
-- (/c/<feed-token>/calendar.ics): its token, found by the token's hash,
-- made on first use, replaced on rotation, and what the feed lists.

-- The token is derived (src/token.h, TOKEN_FEED, the crew member's id and
-- the nonce): the database keeps the nonce and the token's SHA-256, never
-- the token. Rotating revokes the row and erases its nonce, so the old
-- token can never be made again; the row stays, so the old URL answers
-- 410 (replaced) rather than 404. One live row per crew member.
CREATE TABLE crew_feeds (
	id		bigserial PRIMARY KEY,
	crew_id		bigint NOT NULL CONSTRAINT crew_feeds_crew_exists
			    REFERENCES crew ON DELETE CASCADE,
	nonce		bytea CONSTRAINT crew_feeds_nonce_size
			    CHECK (length(nonce) = 32),
	token_hash	bytea NOT NULL CONSTRAINT crew_feeds_hash_unique UNIQUE
			    CONSTRAINT crew_feeds_hash_size
			    CHECK (length(token_hash) = 32),
	created_at	timestamptz NOT NULL DEFAULT now(),
	revoked_at	timestamptz,
	CONSTRAINT crew_feeds_live_nonce
	    CHECK ((revoked_at IS NULL) = (nonce IS NOT NULL))
);
CREATE UNIQUE INDEX crew_feeds_live ON crew_feeds (crew_id)
    WHERE revoked_at IS NULL;

-- The live feed of crew member c_id: its nonce and token hash, as JSON
-- {nonce, token_hash} in hex. With no live feed yet, the candidate
-- (p_nonce, p_hash), made by charterd from a fresh nonce, becomes it: the
-- first use creates the row, once, whoever calls (a concurrent first use
-- loses quietly and gets the winner's). An unknown crew member fails the
-- foreign key (crew_feeds_crew_exists). Nothing records who asked or when.
CREATE FUNCTION crew_feed_issue(c_id bigint, p_nonce bytea, p_hash bytea)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	f record;
BEGIN
	SELECT nonce, token_hash INTO f FROM crew_feeds
	WHERE crew_id = c_id AND revoked_at IS NULL;
	IF NOT FOUND THEN
		INSERT INTO crew_feeds (crew_id, nonce, token_hash)
		VALUES (c_id, p_nonce, p_hash)
		ON CONFLICT (crew_id) WHERE revoked_at IS NULL DO NOTHING;
		-- A new statement, a new snapshot: sees a concurrent winner.
		SELECT nonce, token_hash INTO f FROM crew_feeds
		WHERE crew_id = c_id AND revoked_at IS NULL;
	END IF;
	RETURN json_build_object('nonce', encode(f.nonce, 'hex'),
	    'token_hash', encode(f.token_hash, 'hex'));
END $$;

-- Replaces crew member c_id's feed with (p_nonce, p_hash): the live row is
-- revoked and its nonce erased, so the old URL stops working at once.
-- Audited as actor. Two rotations at once both happen, the later wins.
CREATE FUNCTION crew_feed_rotate(c_id bigint, p_nonce bytea, p_hash bytea,
    actor text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	done boolean := false;
BEGIN
	FOR i IN 1..2 LOOP
		UPDATE crew_feeds SET revoked_at = now(), nonce = NULL
		WHERE crew_id = c_id AND revoked_at IS NULL;
		INSERT INTO crew_feeds (crew_id, nonce, token_hash)
		VALUES (c_id, p_nonce, p_hash)
		ON CONFLICT (crew_id) WHERE revoked_at IS NULL DO NOTHING;
		done := FOUND;
		-- Not done: a concurrent rotation committed its row after our
		-- UPDATE's snapshot was taken; the second pass replaces it.
		EXIT WHEN done;
	END LOOP;
	IF NOT done THEN
		RAISE EXCEPTION 'crew feed % changed twice during its rotation', c_id
		    USING ERRCODE = 'serialization_failure';
	END IF;
	INSERT INTO audit_log (actor, action, crew_id)
	VALUES (actor, 'crew.feed_rotate', c_id);
END $$;

-- The charters crew member c_id's feed lists: the ones they confirmed,
-- cancelled ones included (a calendar must be told to drop them), that
-- ended at most p_days days ago, the first p_max by start; times as Unix
-- seconds. Read through the crew projection's view (crew_bookings): never
-- money; stamp is when the charter or the answer last changed. A decline
-- or an unassignment takes the charter out of the feed, and subscribed
-- calendars drop what a feed no longer lists. A NULL c_id lists nothing.
-- Inlined into the statement that calls it.
CREATE FUNCTION crew_feed_rows(c_id bigint, p_days integer, p_max integer)
RETURNS TABLE (booking_id bigint, version integer, cancelled boolean,
    starts_at bigint, ends_at bigint, stamp bigint, time_zone text,
    vessel text, meeting_point text, notes text, role text,
    captain boolean)
LANGUAGE sql STABLE AS $$
	SELECT b.id, b.version, b.status = 'cancelled',
	       extract(epoch FROM b.starts_at)::bigint,
	       extract(epoch FROM b.ends_at)::bigint,
	       extract(epoch FROM greatest(u.updated_at, a.responded_at))::bigint,
	       b.time_zone, b.vessel, b.meeting_point, b.crew_notes, a.role,
	       a.is_captain
	FROM assignments a
	JOIN crew_bookings b ON b.id = a.booking_id
	-- When it last changed, for DTSTAMP: not in the projection's view,
	-- which other roles read too; charterd_crew may read this one column.
	JOIN bookings u ON u.id = a.booking_id
	WHERE a.crew_id = c_id AND a.status = 'confirmed'
	  AND b.ends_at > now() - make_interval(days => p_days)
	ORDER BY b.starts_at, b.id
	LIMIT p_max
$$;

-- The feed whose token hashes to p_hash: no row for no such feed; state
-- "gone" with reason "rotated" or "inactive" for a replaced feed or a crew
-- member no longer active; else state "ok" or "unchanged" with crew_id,
-- nonce (hex) and etag. The etag fingerprints everything the feed is made
-- of: salt (what charterd adds: format, host, contact), the feed row, and
-- per charter in the window its id, version (every booking change moves
-- it), status, captaincy, stamp and role. It is "unchanged" when the etag is one of
-- p_known (the client's If-None-Match, and the tag of the body the worker
-- keeps; "*" is any): then the caller lists no charter, and a polling
-- calendar costs two index probes and a hash. src/db_crew_feed.c lists
-- the charters of an "ok" feed in the same statement, so on one snapshot:
-- the etag is the etag of the charters sent with it.
CREATE FUNCTION crew_feed_find(p_hash bytea, p_known text[], p_salt text,
    p_days integer, p_max integer)
RETURNS TABLE (state text, reason text, crew_id bigint, nonce text,
    etag text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	f record;
	tag text;
BEGIN
	SELECT cf.id, cf.crew_id, cf.nonce, cf.revoked_at, c.active INTO f
	FROM crew_feeds cf JOIN crew c ON c.id = cf.crew_id
	WHERE cf.token_hash = p_hash;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	IF f.revoked_at IS NOT NULL OR NOT f.active THEN
		RETURN QUERY SELECT 'gone', CASE WHEN f.revoked_at IS NOT NULL
		    THEN 'rotated' ELSE 'inactive' END, f.crew_id, NULL::text,
		    NULL::text;
		RETURN;
	END IF;
	-- One line per charter; the role, the one free text, comes last. Over
	-- the tables, not crew_feed_rows(): the few columns a fingerprint needs
	-- (a hash leaves nothing of them), no order, no second look at
	-- bookings: half the work. Past p_max charters it covers more than
	-- the feed lists, which only moves the tag more often than needed.
	SELECT left(encode(sha256(convert_to(json_build_array(p_salt, f.id)::text
	    || coalesce(string_agg(concat_ws(' ', E'\n', b.id, b.version,
	    b.status, a.is_captain, extract(epoch FROM greatest(b.updated_at,
	    a.responded_at))::bigint, a.role), '' ORDER BY b.id), ''), 'UTF8')),
	    'hex'), 32)
	INTO tag
	FROM assignments a
	JOIN bookings b ON b.id = a.booking_id
	WHERE a.crew_id = f.crew_id AND a.status = 'confirmed'
	  AND b.ends_at > now() - make_interval(days => p_days);
	RETURN QUERY SELECT CASE WHEN tag = ANY (p_known) OR '*' = ANY (p_known)
	    THEN 'unchanged' ELSE 'ok' END, NULL::text, f.crew_id,
	    encode(f.nonce, 'hex'), tag;
END $$;

REVOKE ALL ON FUNCTION crew_feed_issue(bigint, bytea, bytea),
    crew_feed_rotate(bigint, bytea, bytea, text),
    crew_feed_rows(bigint, integer, integer),
    crew_feed_find(bytea, text[], text, integer, integer) FROM PUBLIC;
