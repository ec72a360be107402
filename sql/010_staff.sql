-- 010_staff.sql: staff accounts, sessions and login throttling for /admin.
-- Two kinds of staff: the owner sees money, staff run bookings and crew
-- without a single revenue figure; each logs in to PostgreSQL through a role
-- of its own (charterd_owner, charterd_staff: sql/roles.sql), so the
-- difference holds even if a page asked for money by mistake.

ALTER TABLE staff_users
    ADD COLUMN role text NOT NULL DEFAULT 'staff'
        CONSTRAINT staff_users_role CHECK (role IN ('owner', 'staff')),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT staff_users_email_shape CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$');

-- Sessions: the cookie's SHA-256 only; idle expiry from last_seen_at (kept
-- fresh at most once a minute), absolute expiry from expires_at.
ALTER TABLE staff_sessions
    ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN user_agent text NOT NULL DEFAULT '';
CREATE INDEX staff_sessions_user ON staff_sessions (user_id)
    WHERE revoked_at IS NULL;

-- Failed logins per account and per client address: after a few, each
-- attempt waits longer (login_throttle_fail()).
CREATE TABLE login_throttle (
	key		text PRIMARY KEY,	-- 'account:<email>' or 'addr:<ip>'
	failures	integer NOT NULL DEFAULT 0,
	last_failure_at	timestamptz NOT NULL DEFAULT now(),
	blocked_until	timestamptz NOT NULL DEFAULT now()
);

-- Seconds until any of the keys may try again (0: now).
CREATE FUNCTION login_throttle_wait(keys text[]) RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT coalesce(max(ceil(extract(epoch FROM blocked_until - now()))), 0)::integer
	FROM login_throttle WHERE key = ANY(keys) AND blocked_until > now()
$$;

-- Counts a failure for each key. The first `free` - 1 failures cost
-- nothing; from the free-th on, each blocks the next attempt for
-- 5 * 2^(n - free) seconds (5, 10, 20, ...), at most max_s. Failures
-- older than a day are forgotten.
CREATE FUNCTION login_throttle_fail(keys text[], free integer, max_s integer)
    RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	k text;
	n integer;
BEGIN
	FOREACH k IN ARRAY keys LOOP
		INSERT INTO login_throttle AS t (key, failures, last_failure_at)
		VALUES (k, 1, now())
		ON CONFLICT (key) DO UPDATE SET
		    failures = CASE WHEN t.last_failure_at < now() - interval '1 day'
		        THEN 1 ELSE t.failures + 1 END,
		    last_failure_at = now()
		RETURNING failures INTO n;
		IF n >= free THEN
			UPDATE login_throttle SET blocked_until = now() +
			    make_interval(secs => least(max_s,
			        5 * power(2, least(n - free, 30))))
			WHERE key = k;
		END IF;
	END LOOP;
END $$;

-- A successful login forgets the account's failures (not the address's:
-- one good password must not reset a guesser's budget for other accounts).
CREATE FUNCTION login_throttle_reset(k text) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM login_throttle WHERE key = k
$$;

-- The user a session cookie stands for, if the session is live: revoked,
-- past its absolute expiry, idle longer than idle_s, or of a disabled user
-- is no session. Keeps last_seen_at fresh (at most one write a minute).
CREATE FUNCTION staff_session(t_hash bytea, idle_s integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	s record;
BEGIN
	SELECT ss.token_hash, ss.csrf_token, ss.last_seen_at, ss.created_at,
	       u.id, u.email, u.name, u.role
	INTO s
	FROM staff_sessions ss JOIN staff_users u ON u.id = ss.user_id
	WHERE ss.token_hash = t_hash AND ss.revoked_at IS NULL
	  AND ss.expires_at > now()
	  AND ss.last_seen_at > now() - make_interval(secs => idle_s)
	  AND u.disabled_at IS NULL;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	IF s.last_seen_at < now() - interval '1 minute' THEN
		UPDATE staff_sessions SET last_seen_at = now()
		WHERE token_hash = t_hash;
	END IF;
	RETURN json_build_object('user_id', s.id, 'email', s.email,
	    'name', s.name, 'role', s.role, 'csrf', s.csrf_token);
END $$;
