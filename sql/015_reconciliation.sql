-- 015_reconciliation.sql: revenue reconciliation, what each charter earned
--
-- The owner's figures per booking, per month and in total, for the admin's
-- page and CSV and for GET /api/reconciliation: one function,
-- reconciliation(), that all three call, over reconciliation_bookings(),
-- the one place the figures of a booking are worked out.
--
--   crew cost   the sum over the booking's assignments that still count
--               (pending or confirmed: not withdrawn, not declined) of
--               hours x rate, each rounded to the cent as staff_booking()
--               rounds it. Hours are the settlement's actual hours when the
--               trip is settled and has a row for that assignment, else the
--               planned ones; planned hours NULL mean the charter's planned
--               length. Unfilled open places cost nothing: nobody sailed.
--   port fee    the settlement's, when settled; else the booking's.
--   net         revenue - crew cost - port fee - captain fee, the same sum
--               as the booking form's margin line, planned or settled alike.
--               Fuel is not in it: only a settlement records fuel, so a net
--               with fuel would not compare settled with unsettled charters
--               (or a month with the last). It is shown beside net, summed
--               per month and in the totals, for the owner to subtract.
--   margin      net / revenue as a percentage, one decimal; NULL without
--               revenue.
--
-- A charter belongs to the day (and month) it starts on in its own time
-- zone: a 23:30 departure in San Diego on 31 January is January's, though
-- it is 1 February in UTC. from and to are inclusive days.
--
-- Cancelled charters earn nothing and count in no figure: they are listed
-- apart ("cancelled") so the owner sees what was dropped.
--
-- SECURITY INVOKER, as every function here: reading the money columns and
-- the settlements is the caller's own privilege, which charterd_staff,
-- charterd_crew and charterd_guest do not have; roles.sql grants EXECUTE
-- to charterd_owner and charterd_api only.

-- One row per booking starting in [p_from, p_to] in its zone, of p_vessel
-- (NULL: every vessel), cancelled ones included (status says). Planned and
-- actual figures side by side; the *_actual_* ones are NULL unless settled.
CREATE FUNCTION reconciliation_bookings(p_from date, p_to date, p_vessel text)
RETURNS TABLE (
	id			bigint,
	slug			text,
	status			text,
	guest_name		text,
	vessel			text,
	time_zone		text,
	starts_at		timestamptz,
	day			date,
	revenue_cents		bigint,
	crew_cost_planned_cents	bigint,
	crew_cost_actual_cents	bigint,
	crew_cost_cents		bigint,
	port_fee_planned_cents	bigint,
	port_fee_actual_cents	bigint,
	port_fee_cents		bigint,
	captain_fee_cents	bigint,
	fuel_cents		bigint,
	net_planned_cents	bigint,
	net_cents		bigint,
	margin_pct		numeric,
	settled			boolean,
	returned_at		timestamptz,
	hours_planned		numeric,
	hours_actual		numeric)
LANGUAGE sql STABLE AS $$
	-- The bookings, then their crew's cost in one pass over their
	-- assignments (a hash join over years, index probes over a month).
	WITH b AS (
		SELECT b.id, b.slug, b.status, b.guest_name, b.vessel, b.time_zone,
		       b.starts_at, b.revenue_cents, b.port_fee_cents,
		       b.captain_fee_cents,
		       (b.starts_at AT TIME ZONE b.time_zone)::date AS day,
		       extract(epoch FROM b.ends_at - b.starts_at) / 3600 AS charter_h
		FROM bookings b
		-- The index on starts_at finds the candidates: a zone is at
		-- most 14 hours from UTC, so a day either side holds every
		-- charter whose local day is in range; the local day decides.
		WHERE b.starts_at >= (p_from - 1)::timestamp AT TIME ZONE 'UTC'
		  AND b.starts_at < (p_to + 2)::timestamp AT TIME ZONE 'UTC'
		  AND (b.starts_at AT TIME ZONE b.time_zone)::date
		      BETWEEN p_from AND p_to
		  AND (p_vessel IS NULL OR b.vessel = p_vessel)
	), c AS (
		SELECT a.booking_id,
		       sum(round(a.hourly_rate_cents * h.planned))::bigint AS planned,
		       sum(round(a.hourly_rate_cents * h.actual))::bigint AS actual,
		       sum(h.planned) AS hours_planned,
		       sum(h.actual) AS hours_actual
		FROM b
		JOIN assignments a ON a.booking_id = b.id
		LEFT JOIN settlement_hours sh
		    ON sh.booking_id = a.booking_id AND sh.assignment_id = a.id
		CROSS JOIN LATERAL (SELECT coalesce(a.hours_x100::numeric / 100,
		    b.charter_h) AS planned) p
		CROSS JOIN LATERAL (SELECT p.planned,
		    coalesce(sh.hours_x100::numeric / 100, p.planned) AS actual) h
		WHERE a.status IN ('pending', 'confirmed')
		GROUP BY a.booking_id
	)
	SELECT b.id, b.slug, b.status, b.guest_name, b.vessel, b.time_zone,
	       b.starts_at, b.day, b.revenue_cents,
	       x.planned, CASE WHEN x.settled THEN x.crew END, x.crew,
	       b.port_fee_cents, s.port_fee_cents, x.port,
	       b.captain_fee_cents, s.fuel_cents,
	       b.revenue_cents - x.planned - b.port_fee_cents - b.captain_fee_cents,
	       n.net,
	       CASE WHEN b.revenue_cents > 0
	            THEN round(n.net * 100.0 / b.revenue_cents, 1) END,
	       x.settled, s.returned_at,
	       round(coalesce(c.hours_planned, 0), 2),
	       CASE WHEN x.settled THEN round(coalesce(c.hours_actual, 0), 2) END
	FROM b
	LEFT JOIN c ON c.booking_id = b.id
	LEFT JOIN settlements s ON s.booking_id = b.id
	-- What counts: the settlement's figures when there is one.
	CROSS JOIN LATERAL (SELECT s.booking_id IS NOT NULL AS settled,
	    coalesce(c.planned, 0) AS planned,
	    coalesce(CASE WHEN s.booking_id IS NOT NULL THEN c.actual
	        ELSE c.planned END, 0) AS crew,
	    coalesce(s.port_fee_cents, b.port_fee_cents) AS port) x
	CROSS JOIN LATERAL (SELECT b.revenue_cents - x.crew - x.port
	    - b.captain_fee_cents AS net) n
$$;

-- Everything reconciliation shows for [p_from, p_to] and p_vessel (NULL:
-- all), as one JSON object:
--   {from, to, vessel,
--    bookings: [{id, slug, guest_name, vessel, time_zone, starts_at, date,
--               month, revenue_cents, crew_cost_cents, port_fee_cents,
--               captain_fee_cents, fuel_cents, net_cents, margin_pct,
--               settled, returned_at, crew_cost_planned_cents,
--               crew_cost_actual_cents, port_fee_planned_cents,
--               port_fee_actual_cents, net_planned_cents, hours_planned,
--               hours_actual}],            by start
--    months:   [{month: "YYYY-MM", bookings, settled, revenue_cents, ...
--               the same sums ..., margin_pct}], every month of the range,
--               empty ones as zeros, so a chart has no holes
--    totals:   {bookings, settled, ... the same sums ..., margin_pct},
--    cancelled: [{id, slug, guest_name, vessel, starts_at, date,
--               revenue_cents}]}          counted in nothing
-- Times are ISO 8601 in the boat's zone; fuel_cents, returned_at and the
-- *_actual_* fields are null unless settled. One statement: the page, the
-- CSV and the API read the same figures.
CREATE FUNCTION reconciliation(p_from date, p_to date, p_vessel text)
RETURNS json
LANGUAGE sql STABLE AS $$
	WITH r AS (
		SELECT r.*, to_char(r.day, 'YYYY-MM') AS month
		FROM reconciliation_bookings(p_from, p_to, p_vessel) r
	), counted AS (
		SELECT * FROM r WHERE r.status <> 'cancelled'
	), months AS (
		SELECT to_char(m, 'YYYY-MM') AS month
		FROM generate_series(date_trunc('month', p_from::timestamp),
		    date_trunc('month', p_to::timestamp), interval '1 month') m
	), sums AS (
		-- Every month of the range (an empty one as zeros), and the
		-- totals: the grouping set () is the one row over everything.
		SELECT GROUPING(m.month) = 1 AS total, json_build_object(
		    'month', m.month,
		    'bookings', count(c.id),
		    'settled', count(c.id) FILTER (WHERE c.settled),
		    'revenue_cents', coalesce(sum(c.revenue_cents), 0)::bigint,
		    'crew_cost_cents', coalesce(sum(c.crew_cost_cents), 0)::bigint,
		    'port_fee_cents', coalesce(sum(c.port_fee_cents), 0)::bigint,
		    'captain_fee_cents', coalesce(sum(c.captain_fee_cents), 0)::bigint,
		    'fuel_cents', coalesce(sum(c.fuel_cents), 0)::bigint,
		    'net_cents', coalesce(sum(c.net_cents), 0)::bigint,
		    'margin_pct', CASE WHEN sum(c.revenue_cents) > 0
		        THEN round(sum(c.net_cents) * 100.0 / sum(c.revenue_cents), 1)
		        END,
		    'crew_cost_planned_cents',
		        coalesce(sum(c.crew_cost_planned_cents), 0)::bigint,
		    'port_fee_planned_cents',
		        coalesce(sum(c.port_fee_planned_cents), 0)::bigint,
		    'net_planned_cents', coalesce(sum(c.net_planned_cents), 0)::bigint)
		    AS j, m.month
		FROM months m LEFT JOIN counted c ON c.month = m.month
		GROUP BY GROUPING SETS ((m.month), ())
	)
	SELECT json_build_object(
	    'from', to_char(p_from, 'YYYY-MM-DD'),
	    'to', to_char(p_to, 'YYYY-MM-DD'),
	    'vessel', p_vessel,
	    -- A record per booking: compact JSON, its keys the columns'.
	    'bookings', coalesce((SELECT json_agg(j ORDER BY c.starts_at, c.id)
	        FROM counted c CROSS JOIN LATERAL (SELECT c.id, c.slug,
	            c.guest_name, c.vessel, c.time_zone,
	            iso_local(c.starts_at, c.time_zone) AS starts_at,
	            to_char(c.day, 'YYYY-MM-DD') AS date, c.month,
	            c.revenue_cents, c.crew_cost_cents, c.port_fee_cents,
	            c.captain_fee_cents, c.fuel_cents, c.net_cents, c.margin_pct,
	            c.settled, iso_local(c.returned_at, c.time_zone) AS returned_at,
	            c.crew_cost_planned_cents, c.crew_cost_actual_cents,
	            c.port_fee_planned_cents, c.port_fee_actual_cents,
	            c.net_planned_cents, c.hours_planned, c.hours_actual) j), '[]'),
	    'months', (SELECT json_agg(s.j ORDER BY s.month) FROM sums s
	        WHERE NOT s.total),
	    'totals', (SELECT s.j::jsonb - 'month' FROM sums s WHERE s.total),
	    'cancelled', coalesce((SELECT json_agg(json_build_object(
	        'id', x.id, 'slug', x.slug, 'guest_name', x.guest_name,
	        'vessel', x.vessel,
	        'starts_at', iso_local(x.starts_at, x.time_zone),
	        'date', to_char(x.day, 'YYYY-MM-DD'),
	        'revenue_cents', x.revenue_cents)
	        ORDER BY x.starts_at, x.id)
	        FROM r x WHERE x.status = 'cancelled'), '[]'))
$$;

-- Every vessel a booking names, for the page's filter: the names as
-- written, so choosing one matches exactly.
CREATE FUNCTION reconciliation_vessels() RETURNS SETOF text
LANGUAGE sql STABLE AS $$
	SELECT DISTINCT b.vessel FROM bookings b ORDER BY 1
$$;
