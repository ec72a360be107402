-- 021_crewing_plans.sql: the crewing functions in PL/pgSQL, so their
-- plans are made once per connection
--
-- booking_fully_crewed(), crewing_counts() and booking_crewing() were SQL
-- functions with sub-selects, which PostgreSQL cannot inline: such a
-- function's statement is parsed and planned again whenever the statement
-- calling it starts, and admin_list_row() calls booking_crewing() once per
-- row, which calls crewing_counts(), which calls booking_fully_crewed():
-- three plans made per row of the bookings list. Measured on bench/admin's
-- data (50,000 bookings, 150,000 assignments): 50 rows of admin_list_row()
-- took 350-390 ms, ~7 ms a row; with these in PL/pgSQL, whose plans are
-- kept for the connection, 47-59 ms, and every one of the 50,000 rows came
-- out the same. The statements are 017's, unchanged.

CREATE OR REPLACE FUNCTION booking_fully_crewed(b_id bigint) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (
		SELECT EXISTS (SELECT 1 FROM assignments a WHERE a.booking_id = b_id
		        AND a.status = 'confirmed')
		   AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.booking_id = b_id
		        AND (a.status = 'pending'
		             OR (a.status = 'declined' AND a.reopened_at IS NULL)))
		   AND NOT EXISTS (SELECT 1 FROM open_slots s WHERE s.booking_id = b_id
		        AND s.count > (SELECT count(*) FROM assignments f
		            WHERE f.slot_id = s.id AND f.status IN ('pending', 'confirmed')))
	);
END $$;

CREATE OR REPLACE FUNCTION crewing_counts(b_id bigint) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (
		SELECT json_build_object(
		    'needed', n.confirmed + n.pending + n.unplaced + o.open,
		    'confirmed', n.confirmed, 'pending', n.pending,
		    'declined', n.declined, 'open', o.open,
		    'fully_crewed', booking_fully_crewed(b_id))
		FROM (SELECT count(*) FILTER (WHERE status = 'confirmed') AS confirmed,
		             count(*) FILTER (WHERE status = 'pending') AS pending,
		             count(*) FILTER (WHERE status = 'declined') AS declined,
		             count(*) FILTER (WHERE status = 'declined'
		                 AND reopened_at IS NULL) AS unplaced
		      FROM assignments WHERE booking_id = b_id) n,
		     (SELECT coalesce(sum(greatest(s.count - (SELECT count(*)
		          FROM assignments f WHERE f.slot_id = s.id
		          AND f.status IN ('pending', 'confirmed')), 0)), 0)::bigint AS open
		      FROM open_slots s WHERE s.booking_id = b_id) o
	);
END $$;

CREATE OR REPLACE FUNCTION booking_crewing(b_id bigint) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (
		WITH a AS (
			SELECT a.status, c.name, a.role, a.is_captain, a.id
			FROM assignments a JOIN crew c ON c.id = a.crew_id
			WHERE a.booking_id = b_id AND a.status <> 'withdrawn'
		), s AS (
			SELECT s.id, s.role, s.captain, greatest(s.count - (SELECT count(*)
			    FROM assignments f WHERE f.slot_id = s.id
			    AND f.status IN ('pending', 'confirmed')), 0) AS open
			FROM open_slots s WHERE s.booking_id = b_id
		), n AS (
			SELECT crewing_counts(b_id)::jsonb AS c
		)
		SELECT json_build_object(
		    'confirmed', coalesce((SELECT json_agg(json_build_object('name', name,
		        'role', role, 'captain', is_captain) ORDER BY is_captain DESC, id)
		        FROM a WHERE status = 'confirmed'), '[]'),
		    'pending', coalesce((SELECT json_agg(json_build_object('name', name,
		        'role', role, 'captain', is_captain) ORDER BY is_captain DESC, id)
		        FROM a WHERE status = 'pending'), '[]'),
		    'declined', coalesce((SELECT json_agg(json_build_object('name', name,
		        'role', role, 'captain', is_captain) ORDER BY id)
		        FROM a WHERE status = 'declined'), '[]'),
		    'needed', n.c->'needed',
		    'n_confirmed', n.c->'confirmed',
		    'n_pending', n.c->'pending',
		    'n_declined', n.c->'declined',
		    'open', n.c->'open',
		    'open_roles', coalesce((SELECT json_agg(json_build_object('role', role,
		        'captain', captain, 'count', open) ORDER BY id)
		        FROM s WHERE open > 0), '[]'),
		    'fully_crewed', n.c->'fully_crewed')
		FROM n
	);
END $$;
