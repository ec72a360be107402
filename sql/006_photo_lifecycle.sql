-- 006_photo_lifecycle.sql: a photo from presign to gallery or garbage.
--
-- The rule (README, charterd(8)): a presign reserves one of the booking's
-- quota slots until its upload URL expires (url_expires_at: the caller's
-- clock + at most 15 minutes, never past the window's close). While it is
-- live the reservation may be completed, which turns it into an uploaded
-- photo that holds its slot for good; once it has expired it can no longer
-- be completed, holds nothing, and `charterd gc` deletes its object and its
-- row. At every instant uploaded + live reservations <= quota: a presign
-- or a complete that would break that is refused. Presign, complete and
-- gc's deletion of one photo are serialised per booking (presign and
-- complete) or per row (complete and gc), so none of them races another.
--
-- Every function takes the caller's clock (p_now), the one it signs with.

-- Object keys name a random per-booking folder, never the booking's id.
ALTER TABLE bookings ADD COLUMN photo_prefix text NOT NULL
    DEFAULT replace(gen_random_uuid()::text, '-', '')
    CONSTRAINT bookings_photo_prefix_shape CHECK (photo_prefix ~ '^[0-9a-f]{32}$')
    CONSTRAINT bookings_photo_prefix_unique UNIQUE;

-- When the presigned PUT stops working, and the SHA-256 (base64, as S3's
-- x-amz-checksum-sha256) the store must have been given with the bytes.
ALTER TABLE photos ADD COLUMN url_expires_at timestamptz,
    ADD COLUMN checksum_sha256 text
    CONSTRAINT photos_checksum_shape CHECK
    (checksum_sha256 ~ '^[A-Za-z0-9+/]{43}=$');
UPDATE photos SET url_expires_at = created_at + interval '15 minutes';
ALTER TABLE photos ALTER COLUMN url_expires_at SET NOT NULL;
CREATE INDEX photos_pending_expiry ON photos (url_expires_at)
    WHERE status = 'pending';

DROP FUNCTION photo_reserve(text, text, text, text, bigint, text, integer,
    timestamptz);
DROP FUNCTION photo_list(text);
DROP FUNCTION photo_quota_used(bigint);

-- The slots a booking's photos hold at p_now: uploaded ones, and
-- reservations whose URL has not expired. PL/pgSQL so its plan is cached.
CREATE FUNCTION photo_quota_used(b_id bigint, p_now timestamptz)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT count(*) FROM photos
	    WHERE booking_id = b_id AND (status = 'uploaded' OR
	    url_expires_at > p_now));
END $$;

-- What a refusal for a closed window carries.
CREATE FUNCTION photo_window_closed(p_now timestamptz, opens timestamptz,
    closes timestamptz, tz text) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('outcome', 'closed',
	    'not_yet_open', p_now < opens,
	    'opens_at', iso_local(opens, tz), 'closes_at', iso_local(closes, tz));
$$;

-- The gallery and window of a booking: {outcome: ok|not_found|cancelled,
-- opens_at, closes_at (epoch), opens_iso, closes_iso, used, photos}.
CREATE FUNCTION photo_list(b_slug text, p_now timestamptz) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	b record;
BEGIN
	SELECT bk.id, bk.status, bk.time_zone, w.opens_at, w.closes_at INTO b
	FROM bookings bk JOIN booking_windows w ON w.booking_id = bk.id
	WHERE bk.slug = b_slug;
	IF NOT FOUND THEN
		RETURN json_build_object('outcome', 'not_found');
	END IF;
	IF b.status = 'cancelled' THEN
		RETURN json_build_object('outcome', 'cancelled');
	END IF;
	RETURN json_build_object('outcome', 'ok',
	    'opens_at', extract(epoch FROM b.opens_at)::bigint,
	    'closes_at', extract(epoch FROM b.closes_at)::bigint,
	    'opens_iso', iso_local(b.opens_at, b.time_zone),
	    'closes_iso', iso_local(b.closes_at, b.time_zone),
	    'used', photo_quota_used(b.id, p_now),
	    'photos', coalesce((SELECT json_agg(json_build_object(
	        'photo_id', p.id, 'key', p.object_key,
	        'content_type', p.content_type, 'size', p.size_bytes,
	        'uploaded_at', p.uploaded_at) ORDER BY p.uploaded_at, p.id)
	        FROM photos p WHERE p.booking_id = b.id
	        AND p.status = 'uploaded'), '[]'));
END $$;

-- Reserves an upload: {outcome: ok|not_found|cancelled|closed|quota}; with
-- ok, the key and expires_at (epoch): p_now + p_ttl_s, but never past the
-- window's close (whole seconds, so the URL's X-Amz-Expires is exact).
CREATE FUNCTION photo_reserve(b_slug text, p_id text, p_ext text,
    p_type text, p_size bigint, p_filename text, p_sha256 text,
    p_quota integer, p_now timestamptz, p_ttl_s integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	b record;
	expires timestamptz;
	photo_key text;
BEGIN
	SELECT bk.id, bk.status, bk.time_zone, bk.photo_prefix, w.opens_at,
	    w.closes_at INTO b
	FROM bookings bk JOIN booking_windows w ON w.booking_id = bk.id
	WHERE bk.slug = b_slug;
	IF NOT FOUND THEN
		RETURN json_build_object('outcome', 'not_found');
	END IF;
	IF b.status = 'cancelled' THEN
		RETURN json_build_object('outcome', 'cancelled');
	END IF;
	expires := least(p_now + make_interval(secs => p_ttl_s),
	    date_trunc('second', b.closes_at));
	IF p_now < b.opens_at OR expires <= p_now THEN
		RETURN photo_window_closed(p_now, b.opens_at, b.closes_at,
		    b.time_zone);
	END IF;
	PERFORM pg_advisory_xact_lock(hashtext('charterd.photos'),
	    (b.id % 2147483647)::integer);
	IF photo_quota_used(b.id, p_now) >= p_quota THEN
		RETURN json_build_object('outcome', 'quota');
	END IF;
	photo_key := format('photos/%s/%s.%s', b.photo_prefix, p_id, p_ext);
	INSERT INTO photos (id, booking_id, object_key, content_type,
	    size_bytes, filename, checksum_sha256, url_expires_at)
	VALUES (p_id, b.id, photo_key, p_type, p_size, p_filename, p_sha256,
	    expires);
	RETURN json_build_object('outcome', 'ok', 'key', photo_key,
	    'expires_at', extract(epoch FROM expires)::bigint);
END $$;

-- Whether a photo may be completed at p_now, before the store is asked:
-- {outcome: not_found|cancelled|uploaded|closed|expired|ok, id, key,
-- content_type, size, sha256}. An uploaded photo answers "uploaded" whatever
-- the time, so a repeated complete stays harmless.
CREATE FUNCTION photo_complete_check(b_slug text, p_id text,
    p_now timestamptz) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	r record;
BEGIN
	SELECT p.id, p.object_key, p.content_type, p.size_bytes, p.status,
	    p.checksum_sha256, p.url_expires_at, bk.status AS b_status,
	    bk.time_zone, w.opens_at, w.closes_at INTO r
	FROM photos p
	JOIN bookings bk ON bk.id = p.booking_id
	JOIN booking_windows w ON w.booking_id = bk.id
	WHERE bk.slug = b_slug AND p.id = p_id;
	IF NOT FOUND THEN
		RETURN json_build_object('outcome', 'not_found');
	END IF;
	IF r.b_status = 'cancelled' THEN
		RETURN json_build_object('outcome', 'cancelled');
	END IF;
	IF r.status <> 'uploaded' THEN
		IF p_now < r.opens_at OR p_now >= r.closes_at THEN
			RETURN photo_window_closed(p_now, r.opens_at,
			    r.closes_at, r.time_zone);
		END IF;
		IF p_now >= r.url_expires_at THEN
			RETURN json_build_object('outcome', 'expired');
		END IF;
	END IF;
	RETURN json_build_object('outcome', CASE WHEN r.status = 'uploaded'
	    THEN 'uploaded' ELSE 'ok' END, 'id', r.id, 'key', r.object_key,
	    'content_type', r.content_type, 'size', r.size_bytes,
	    'sha256', r.checksum_sha256);
END $$;

-- Turns a verified reservation into an uploaded photo: ok (also when it
-- was uploaded already), expired (its URL expired, or gc took it), quota
-- (uploaded + live reservations would exceed p_quota: only after the
-- quota was lowered). Under the booking's lock, as photo_reserve.
CREATE FUNCTION photo_complete(p_id text, p_quota integer,
    p_now timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	r record;
BEGIN
	SELECT booking_id, status, url_expires_at INTO r
	FROM photos WHERE id = p_id;
	IF NOT FOUND THEN
		RETURN 'expired';
	END IF;
	IF r.status = 'uploaded' THEN
		RETURN 'ok';
	END IF;
	PERFORM pg_advisory_xact_lock(hashtext('charterd.photos'),
	    (r.booking_id % 2147483647)::integer);
	-- This reservation is live and counted: completing it moves it from
	-- one count to the other, so the sum only ever exceeds the quota when
	-- the quota shrank.
	IF photo_quota_used(r.booking_id, p_now) > p_quota THEN
		RETURN 'quota';
	END IF;
	-- Waits for a gc that holds the row, then finds it gone.
	UPDATE photos SET status = 'uploaded', uploaded_at = now()
	WHERE id = p_id AND status = 'pending' AND url_expires_at > p_now;
	IF FOUND THEN
		RETURN 'ok';
	END IF;
	RETURN CASE WHEN EXISTS (SELECT 1 FROM photos WHERE id = p_id AND
	    status = 'uploaded') THEN 'ok' ELSE 'expired' END;
END $$;

-- gc: reservations whose URL had expired at p_now without a complete,
-- oldest first.
CREATE FUNCTION photo_gc_due(p_now timestamptz, p_limit integer)
RETURNS TABLE (id text, object_key text)
LANGUAGE sql STABLE AS $$
	SELECT p.id, p.object_key FROM photos p
	WHERE p.status = 'pending' AND p.url_expires_at <= p_now
	ORDER BY p.url_expires_at, p.id LIMIT p_limit;
$$;

-- gc, inside its transaction: deletes the row if it is still an expired
-- reservation and returns its key (NULL when a complete got there first).
-- The row stays locked until gc has deleted the object and commits, so a
-- complete that comes meanwhile waits and then finds it gone.
CREATE FUNCTION photo_gc_take(p_id text, p_now timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	k text;
BEGIN
	DELETE FROM photos
	WHERE id = p_id AND status = 'pending' AND url_expires_at <= p_now
	RETURNING object_key INTO k;
	RETURN k;
END $$;
