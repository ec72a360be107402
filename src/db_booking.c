/* db_booking.c: statements that create, read and change bookings */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_booking.h"

/* Validated input arrives as JSON; PostgreSQL maps it onto columns. */
static const char sql_unknown_crew[] =
	"SELECT x.crew_id FROM jsonb_to_recordset(coalesce($1::jsonb->'crew', "
	"'[]')) AS x(crew_id bigint) WHERE NOT EXISTS "
	"(SELECT 1 FROM crew c WHERE c.id = x.crew_id) LIMIT 1";

/*
 * Two of each statement that writes booking fields: with money (the API,
 * the owner) and without (staff, whose role has no privilege on a money
 * column: a statement that named one would be refused outright). The
 * input decides: money keys present, money statement.
 */
#define INSERT_HEAD(money_cols) \
	"INSERT INTO bookings (slug, guest_name, guest_email, guest_phone, " \
	"  starts_at, ends_at, time_zone, vessel, meeting_point, party_size, " \
	"  checklist, guest_notes, crew_notes, " money_cols "upload_opens_at, " \
	"  upload_closes_at) " \
	"SELECT $2, r.guest_name, r.guest_email, r.guest_phone, r.starts_at, " \
	"  r.ends_at, coalesce(r.time_zone, $3), r.vessel, " \
	"  coalesce(r.meeting_point, ''), r.party_size, " \
	"  coalesce(r.checklist, '[]'), coalesce(r.guest_notes, ''), " \
	"  coalesce(r.crew_notes, ''), "

#define INSERT_TAIL \
	"r.upload_opens_at, r.upload_closes_at " \
	"FROM jsonb_populate_record(NULL::bookings, $1::jsonb) r " \
	"RETURNING id, slug, version"

static const char sql_insert_booking[] =
	INSERT_HEAD("revenue_cents, port_fee_cents, captain_fee_cents, ")
	"r.revenue_cents, r.port_fee_cents, r.captain_fee_cents, "
	INSERT_TAIL;

static const char sql_insert_booking_nomoney[] =
	INSERT_HEAD("") INSERT_TAIL;

#define PATCH_COL(c) \
	#c " = CASE WHEN p.j ? '" #c "' THEN r." #c " ELSE b." #c " END, "
#define PATCH_COL_OR(c, dflt) \
	#c " = CASE WHEN p.j ? '" #c "' THEN coalesce(r." #c ", " dflt ") " \
	"ELSE b." #c " END, "

#define PATCH_HEAD \
	"UPDATE bookings b SET " \
	PATCH_COL(slug) PATCH_COL(guest_name) PATCH_COL(guest_email) \
	PATCH_COL(guest_phone) PATCH_COL(starts_at) PATCH_COL(ends_at) \
	PATCH_COL_OR(time_zone, "$3") PATCH_COL(vessel) \
	PATCH_COL_OR(meeting_point, "''") PATCH_COL(party_size) \
	PATCH_COL_OR(checklist, "'[]'") PATCH_COL_OR(guest_notes, "''") \
	PATCH_COL_OR(crew_notes, "''") \
	PATCH_COL(upload_opens_at) PATCH_COL(upload_closes_at)

#define PATCH_TAIL \
	"  version = b.version + 1, edited_version = b.version + 1, " \
	"  updated_at = now() " \
	"FROM (SELECT $1::jsonb AS j) p, " \
	"  jsonb_populate_record(NULL::bookings, $1::jsonb) r " \
	"WHERE b.id = $2 RETURNING b.id, b.slug, b.version"

static const char sql_patch_booking[] =
	PATCH_HEAD PATCH_COL(revenue_cents) PATCH_COL(port_fee_cents)
	PATCH_COL(captain_fee_cents) PATCH_TAIL;

static const char sql_patch_booking_nomoney[] =
	PATCH_HEAD PATCH_TAIL;

/* A staff PATCH of crew names the whole assigned list: others withdraw. */
static const char sql_withdraw_unlisted[] =
	"UPDATE assignments SET status = 'withdrawn', is_captain = false "
	"WHERE booking_id = $2 AND slot_id IS NULL AND crew_id NOT IN "
	"  (SELECT x.crew_id FROM jsonb_to_recordset($1::jsonb->'crew') "
	"   AS x(crew_id bigint))";

/* Cleared first so the captain can move between two listed crew. */
static const char sql_clear_captain[] =
	"UPDATE assignments SET is_captain = false WHERE booking_id = $1";

/* The rate is a snapshot: the crew member's current rate unless given.
 * New assignments take ids in the order they are listed (pages list crew
 * by id), whatever order the join happens to produce. */
static const char sql_upsert_crew[] =
	"INSERT INTO assignments (booking_id, crew_id, role, is_captain, "
	"  hourly_rate_cents, hours_x100) "
	"SELECT $2, x.crew_id, x.role, coalesce(x.captain, false), "
	"  coalesce(x.hourly_rate_cents, c.hourly_rate_cents), "
	"  round(x.hours * 100) "
	"FROM ROWS FROM (jsonb_to_recordset(coalesce($1::jsonb->'crew', "
	"  '[]')) AS (crew_id bigint, role text, captain boolean, "
	"  hourly_rate_cents bigint, hours numeric)) WITH ORDINALITY AS "
	"  x(crew_id, role, captain, hourly_rate_cents, hours, n) "
	"JOIN crew c ON c.id = x.crew_id "
	"ORDER BY x.n "
	"ON CONFLICT (booking_id, crew_id) DO UPDATE SET role = EXCLUDED.role, "
	"  is_captain = EXCLUDED.is_captain, "
	"  hourly_rate_cents = EXCLUDED.hourly_rate_cents, "
	"  hours_x100 = EXCLUDED.hours_x100, "
	"  status = CASE WHEN assignments.status = 'withdrawn' THEN 'pending' "
	"  ELSE assignments.status END";

/*
 * Open places keep their ids: a listed id updates that place, a row
 * without one is a new place, an unlisted place goes. The input's rows
 * as a record set:
 */
#define SLOT_ROWS \
	"jsonb_to_recordset(coalesce($1::jsonb->'open_slots', '[]')) AS " \
	"  x(id bigint, role text, count integer, hourly_rate_cents bigint, " \
	"  hours numeric)"

/* An id that names no place of this booking. */
static const char sql_unknown_slot[] =
	"SELECT x.id FROM " SLOT_ROWS " WHERE x.id IS NOT NULL AND NOT EXISTS "
	"(SELECT 1 FROM open_slots s WHERE s.id = x.id AND s.booking_id = $2) "
	"LIMIT 1";

/* A place someone holds that would go, or shrink below its holders. */
static const char sql_held_slot[] =
	"SELECT s.id FROM open_slots s "
	"LEFT JOIN " SLOT_ROWS " ON x.id = s.id "
	"WHERE s.booking_id = $2 AND (x.id IS NULL OR x.count < "
	"  (SELECT count(*) FROM assignments a WHERE a.slot_id = s.id "
	"   AND a.status IN ('pending', 'confirmed'))) "
	"  AND EXISTS (SELECT 1 FROM assignments a WHERE a.slot_id = s.id "
	"   AND a.status IN ('pending', 'confirmed')) "
	"ORDER BY s.id LIMIT 1";

static const char sql_delete_slots[] =
	"DELETE FROM open_slots s WHERE s.booking_id = $2 AND NOT EXISTS "
	"(SELECT 1 FROM " SLOT_ROWS " WHERE x.id = s.id)";

static const char sql_update_slots[] =
	"UPDATE open_slots s SET role = x.role, count = x.count, "
	"  hourly_rate_cents = x.hourly_rate_cents, "
	"  hours_x100 = round(x.hours * 100) "
	"FROM " SLOT_ROWS " WHERE s.id = x.id AND s.booking_id = $2";

static const char sql_insert_slots[] =
	"INSERT INTO open_slots (booking_id, role, count, hourly_rate_cents, "
	"  hours_x100) "
	"SELECT $2, x.role, x.count, x.hourly_rate_cents, round(x.hours * 100) "
	"FROM " SLOT_ROWS " WHERE x.id IS NULL";

static const char sql_record_change[] =
	"SELECT record_booking_change($1, $2, $3, $4::jsonb)";

static const char sql_lock_booking[] =
	"SELECT slug, status, version, edited_version FROM bookings "
	"WHERE id = $1 FOR UPDATE";

static void
fill_ref(struct booking_ref *ref, PGresult *res)
{
	ref->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	snprintf(ref->slug, sizeof(ref->slug), "%s", PQgetvalue(res, 0, 1));
	ref->version = (int)strtol(PQgetvalue(res, 0, 2), NULL, 10);
}

/*
 * Runs a statement that finds an id at fault (js and the booking's id as
 * $1, $2): 1 with *bad set, 0 when it finds none, -1 on error.
 */
static int
find_bad(struct db *db, const char *sql, int n, const char *js,
    const char *idstr, long long *bad)
{
	const char	*p[2] = { js, idstr };
	PGresult	*res;
	int		 rc = 0;

	if ((res = db_exec(db, sql, n, p)) == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		*bad = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		rc = 1;
	}
	PQclear(res);
	return rc;
}

/* Crew as the input lists them; DB_OK, DB_UNKNOWN_CREW, DB_ERROR. */
static int
write_crew(struct db *db, const char *js, const char *idstr, int creating,
    long long *bad)
{
	const char	*p2[2] = { js, idstr };
	const char	*p1[1] = { idstr };

	switch (find_bad(db, sql_unknown_crew, 1, js, idstr, bad)) {
	case 1:
		return DB_UNKNOWN_CREW;
	case -1:
		return DB_ERROR;
	}
	if (!creating && (db_run(db, sql_withdraw_unlisted, 2, p2) == -1 ||
	    db_run(db, sql_clear_captain, 1, p1) == -1))
		return DB_ERROR;
	return db_run(db, sql_upsert_crew, 2, p2) == -1 ? DB_ERROR : DB_OK;
}

/* Open places as the input lists them, ids kept; DB_OK, DB_UNKNOWN_SLOT,
 * DB_SLOT_HELD, DB_ERROR. */
static int
write_slots(struct db *db, const char *js, const char *idstr, long long *bad)
{
	const char	*p2[2] = { js, idstr };

	switch (find_bad(db, sql_unknown_slot, 2, js, idstr, bad)) {
	case 1:
		return DB_UNKNOWN_SLOT;
	case -1:
		return DB_ERROR;
	}
	switch (find_bad(db, sql_held_slot, 2, js, idstr, bad)) {
	case 1:
		return DB_SLOT_HELD;
	case -1:
		return DB_ERROR;
	}
	if (db_run(db, sql_delete_slots, 2, p2) == -1 ||
	    db_run(db, sql_update_slots, 2, p2) == -1 ||
	    db_run(db, sql_insert_slots, 2, p2) == -1)
		return DB_ERROR;
	return DB_OK;
}

/* Replaces crew and slots as the input says, then records the change. */
static int
write_lists_and_record(struct db *db, const json_t *in, const char *js,
    const char *idstr, const char *actor, const char *action,
    long long *bad)
{
	const char	*rec[4] = { idstr, actor, action, "{}" };
	int		 creating = strcmp(action, "create") == 0, rc;

	if (json_object_get(in, "crew") != NULL &&
	    (rc = write_crew(db, js, idstr, creating, bad)) != DB_OK)
		return rc;
	if (json_object_get(in, "open_slots") != NULL &&
	    (rc = write_slots(db, js, idstr, bad)) != DB_OK)
		return rc;
	if (db_run(db, sql_record_change, 4, rec) == -1)
		return DB_ERROR;
	return DB_OK;
}

/* Whether the input sets any money field (then only a role with money may
 * write it). */
static int
has_money(const json_t *in)
{
	return json_object_get(in, "revenue_cents") != NULL ||
	    json_object_get(in, "port_fee_cents") != NULL ||
	    json_object_get(in, "captain_fee_cents") != NULL;
}

int
db_booking_create(struct db *db, const json_t *in, const char *slug,
    const char *default_tz, const char *actor, struct booking_ref *ref,
    long long *bad)
{
	char			*js = NULL, idstr[24];
	const char		*p[3];
	PGresult		*res = NULL;
	int			 rc = DB_ERROR;

	memset(ref, 0, sizeof(*ref));
	if ((js = json_dumps(in, JSON_COMPACT)) == NULL)
		return DB_ERROR;
	if (db_begin(db) == DB_ERROR)
		goto out;
	p[0] = js;
	p[1] = slug;
	p[2] = default_tz;
	if ((res = db_exec(db, has_money(in) ? sql_insert_booking :
	    sql_insert_booking_nomoney, 3, p)) == NULL)
		goto out;
	fill_ref(ref, res);
	snprintf(ref->old_slug, sizeof(ref->old_slug), "%s", ref->slug);
	snprintf(idstr, sizeof(idstr), "%lld", ref->id);
	if ((rc = write_lists_and_record(db, in, js, idstr, actor, "create",
	    bad)) != DB_OK)
		goto out;
	rc = db_commit(db) == 0 ? DB_OK : DB_ERROR;
out:
	db_rollback(db);
	PQclear(res);
	free(js);
	return rc;
}

/* Locks the row: DB_OK with the old slug, version and status, and in
 * *edited the version of the last staff edit; or DB_NOT_FOUND. */
static int
lock_booking(struct db *db, const char *idstr, struct booking_ref *ref,
    int *edited)
{
	const char		*p[1] = { idstr };
	PGresult		*res;
	int			 rc = DB_OK;

	if ((res = db_exec(db, sql_lock_booking, 1, p)) == NULL)
		return DB_ERROR;
	if (PQntuples(res) == 0)
		rc = DB_NOT_FOUND;
	else {
		snprintf(ref->old_slug, sizeof(ref->old_slug), "%s",
		    PQgetvalue(res, 0, 0));
		ref->cancelled = strcmp(PQgetvalue(res, 0, 1), "cancelled") == 0;
		ref->version = (int)strtol(PQgetvalue(res, 0, 2), NULL, 10);
		*edited = (int)strtol(PQgetvalue(res, 0, 3), NULL, 10);
	}
	PQclear(res);
	return rc;
}

int
db_booking_patch(struct db *db, long long id, int version, const json_t *in,
    const char *default_tz, const char *actor, struct booking_ref *ref,
    long long *bad)
{
	char			*js = NULL, idstr[24];
	const char		*p[3];
	PGresult		*res = NULL;
	int			 rc = DB_ERROR, edited = 0;

	memset(ref, 0, sizeof(*ref));
	snprintf(idstr, sizeof(idstr), "%lld", id);
	if ((js = json_dumps(in, JSON_COMPACT)) == NULL)
		return DB_ERROR;
	if (db_begin(db) == DB_ERROR)
		goto out;
	if ((rc = lock_booking(db, idstr, ref, &edited)) != DB_OK)
		goto out;
	/* Under the row lock: of concurrent PATCHes carrying one version,
	 * exactly one finds it current. A crew member's answer since then
	 * moved the version but edited nothing staff wrote: not stale. */
	if (version > 0 && (version < edited || version > ref->version)) {
		rc = DB_STALE;
		goto out;
	}
	if (ref->cancelled) {
		rc = DB_CANCELLED;
		goto out;
	}
	rc = DB_ERROR;
	p[0] = js;
	p[1] = idstr;
	p[2] = default_tz;
	if ((res = db_exec(db, has_money(in) ? sql_patch_booking :
	    sql_patch_booking_nomoney, 3, p)) == NULL)
		goto out;
	fill_ref(ref, res);
	if ((rc = write_lists_and_record(db, in, js, idstr, actor, "update",
	    bad)) != DB_OK)
		goto out;
	rc = db_commit(db) == 0 ? DB_OK : DB_ERROR;
out:
	db_rollback(db);
	PQclear(res);
	free(js);
	return rc;
}

int
db_booking_cancel(struct db *db, long long id, const char *actor,
    struct booking_ref *ref)
{
	char			 idstr[24];
	const char		*p[1] = { idstr };
	const char		*rec[4] = { idstr, actor, "cancel", "{}" };
	PGresult		*res = NULL;
	int			 rc = DB_ERROR, edited = 0;

	memset(ref, 0, sizeof(*ref));
	snprintf(idstr, sizeof(idstr), "%lld", id);
	if (db_begin(db) == DB_ERROR)
		return DB_ERROR;
	if ((rc = lock_booking(db, idstr, ref, &edited)) != DB_OK)
		goto out;
	rc = DB_ERROR;
	res = db_exec(db, ref->cancelled ?
	    "SELECT id, slug, version FROM bookings WHERE id = $1" :
	    "UPDATE bookings SET status = 'cancelled', cancelled_at = now(), "
	    "version = version + 1, edited_version = version + 1, "
	    "updated_at = now() WHERE id = $1 "
	    "RETURNING id, slug, version", 1, p);
	if (res == NULL)
		goto out;
	fill_ref(ref, res);
	if (!ref->cancelled && db_run(db, sql_record_change, 4, rec) == -1)
		goto out;
	ref->cancelled = 1;
	rc = db_commit(db) == 0 ? DB_OK : DB_ERROR;
out:
	db_rollback(db);
	PQclear(res);
	return rc;
}

int
db_booking_get(struct db *db, long long id, json_t **out)
{
	char		 idstr[24];
	const char	*p[1] = { idstr };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	return db_json(db, out, "SELECT staff_booking($1)", 1, p);
}

int
db_booking_guest_view(struct db *db, const char *slug, json_t **out)
{
	const char *p[1] = { slug };

	return db_json(db, out, "SELECT guest_view($1)", 1, p);
}

int
db_booking_guest_view_by_id(struct db *db, long long id, json_t **out)
{
	char		 idstr[24];
	const char	*p[1] = { idstr };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	return db_json(db, out, "SELECT guest_view(slug) FROM bookings "
	    "WHERE id = $1", 1, p);
}

int
db_booking_republish_all(struct db *db, long long *queued)
{
	PGresult *res;

	res = db_exec(db, "WITH q AS (INSERT INTO outbox (target, kind, "
	    "booking_id, version, payload) SELECT 'publish', 'booking.upsert', "
	    "id, version, '{}' FROM bookings RETURNING 1) "
	    "SELECT count(*), pg_notify('charterd_outbox', 'publish') FROM q",
	    0, NULL);
	if (res == NULL)
		return DB_ERROR;
	*queued = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return DB_OK;
}
