-- 005_photos.sql: the photo endpoints' statements, one round trip each. The
-- caller's clock decides the window (it also signs URLs with it); quota
-- checks of one booking are serialised.

-- Photos counted against a booking's quota: uploaded ones, and pending
-- presigns while they can still be used (15 minutes, plus slack).
-- PL/pgSQL so its plan is cached: it runs on every presign.
CREATE FUNCTION photo_quota_used(b_id bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT count(*) FROM photos
	    WHERE booking_id = b_id AND (status = 'uploaded' OR
	    created_at > now() - interval '20 minutes'));
END $$;

-- The gallery and window of a booking: {outcome: ok|not_found|cancelled,
-- opens_at, closes_at (epoch), opens_iso, closes_iso, used, photos}.
CREATE FUNCTION photo_list(b_slug text) RETURNS json
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
	    'used', photo_quota_used(b.id),
	    'photos', coalesce((SELECT json_agg(json_build_object(
	        'photo_id', p.id, 'key', p.object_key,
	        'content_type', p.content_type, 'size', p.size_bytes,
	        'uploaded_at', p.uploaded_at) ORDER BY p.uploaded_at, p.id)
	        FROM photos p WHERE p.booking_id = b.id
	        AND p.status = 'uploaded'), '[]'));
END $$;

CREATE FUNCTION photo_reserve(b_slug text, p_id text, p_ext text,
    p_type text, p_size bigint, p_filename text, p_quota integer,
    p_now timestamptz) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	b record;
	used bigint;
	photo_key text;
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
	IF p_now < b.opens_at OR p_now >= b.closes_at THEN
		RETURN json_build_object('outcome', 'closed',
		    'not_yet_open', p_now < b.opens_at,
		    'opens_at', iso_local(b.opens_at, b.time_zone),
		    'closes_at', iso_local(b.closes_at, b.time_zone));
	END IF;
	PERFORM pg_advisory_xact_lock(hashtext('charterd.photos'),
	    (b.id % 2147483647)::integer);
	used := photo_quota_used(b.id);
	IF used >= p_quota THEN
		RETURN json_build_object('outcome', 'quota');
	END IF;
	photo_key := format('photos/%s/%s.%s', b.id, p_id, p_ext);
	INSERT INTO photos (id, booking_id, object_key, content_type,
	    size_bytes, filename)
	VALUES (p_id, b.id, photo_key, p_type, p_size, p_filename);
	RETURN json_build_object('outcome', 'ok', 'key', photo_key,
	    'closes_at', extract(epoch FROM b.closes_at)::bigint);
END $$;
