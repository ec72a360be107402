/* db_admin.c: what the staff admin's pages read: today, the bookings list, a booking as its form shows it, history, invitations */
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "db_admin.h"

/*
 * The list's filters ($1 search, $2 from ('today': today in $7), $3 to, $4 status, $5 not fully
 * crewed, $7 the operator's zone); a NULL parameter filters nothing. The
 * search escapes LIKE's wildcards, so "50%" finds "50%".
 */
#define LIST_WHERE \
	"WHERE ($1::text IS NULL OR (b.guest_name || ' ' || b.slug || ' ' || " \
	"  b.vessel) ILIKE ('%' || replace(replace(replace($1, '\\', '\\\\'), " \
	"  '%', '\\%'), '_', '\\_') || '%')) " \
	"AND ($2::text IS NULL OR b.starts_at >= ((CASE WHEN $2 = 'today' " \
	"  THEN (now() AT TIME ZONE $7)::date ELSE $2::date END)::timestamp " \
	"  AT TIME ZONE $7)) " \
	"AND ($3::date IS NULL OR " \
	"  b.starts_at < (($3::date + 1)::timestamp AT TIME ZONE $7)) " \
	"AND ($4::text IS NULL OR b.status = $4) " \
	"AND (NOT $5::boolean OR NOT booking_fully_crewed(b.id)) "

/* One page and one row more, in the direction asked from booking $6 (the
 * index on (starts_at, id) walks it); then in list order. */
#define LIST_PAGE(cmp, dir) \
	"SELECT json_build_object('rows', coalesce(json_agg(" \
	"  admin_list_row(p.id) ORDER BY p.starts_at, p.id) " \
	"  FILTER (WHERE p.n <= $8), '[]'), 'more', count(*) > $8, " \
	"  'today', (now() AT TIME ZONE $7)::date) " \
	"FROM (SELECT q.id, q.starts_at, row_number() OVER " \
	"  (ORDER BY q.starts_at " dir ", q.id " dir ") AS n " \
	"  FROM (SELECT b.id, b.starts_at FROM bookings b " LIST_WHERE \
	"    AND ($6::bigint IS NULL OR (b.starts_at, b.id) " cmp \
	"      (SELECT c.starts_at, c.id FROM bookings c WHERE c.id = $6)) " \
	"    ORDER BY b.starts_at " dir ", b.id " dir " " \
	"    LIMIT $8 + 1) q) p"

static const char sql_list_forward[] = LIST_PAGE(">", "ASC");
static const char sql_list_backward[] = LIST_PAGE("<", "DESC");

/* One id as a statement's text parameter. */
static int
by_id(struct db *db, const char *sql, long long id, json_t **out)
{
	char		 idstr[24];
	const char	*p[1] = { idstr };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	return db_json(db, out, sql, 1, p);
}

int
db_admin_today(struct db *db, const char *tz, int days, json_t **out)
{
	char		 n[16];
	const char	*p[2] = { tz, n };

	snprintf(n, sizeof(n), "%d", days);
	return db_json(db, out, "SELECT admin_today($1, $2)", 2, p);
}

int
db_admin_list(struct db *db, const struct admin_list_query *q, json_t **out)
{
	char		 cursor[24], lim[16];
	const char	*p[8];
	long long	 at = q->before ? q->before : q->after;

	snprintf(cursor, sizeof(cursor), "%lld", at);
	snprintf(lim, sizeof(lim), "%d", q->limit);
	p[0] = q->q;
	p[1] = q->from;
	p[2] = q->to;
	p[3] = q->status;
	p[4] = q->open_only ? "true" : "false";
	p[5] = at ? cursor : NULL;
	p[6] = q->tz;
	p[7] = lim;
	return db_json(db, out, q->before ? sql_list_backward :
	    sql_list_forward, 8, p);
}

int
db_admin_booking(struct db *db, long long id, json_t **out)
{
	return by_id(db, "SELECT admin_booking($1)", id, out);
}

int
db_admin_money(struct db *db, long long id, json_t **out)
{
	return by_id(db, "SELECT admin_booking_money($1)", id, out);
}

int
db_admin_roster(struct db *db, json_t **out)
{
	return db_json(db, out, "SELECT admin_roster()", 0, NULL);
}

int
db_admin_history(struct db *db, long long id, int with_money, json_t **out)
{
	char		 idstr[24];
	const char	*p[2] = { idstr, with_money ? "true" : "false" };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	return db_json(db, out, "SELECT admin_history($1, $2)", 2, p);
}

int
db_admin_changed_since(struct db *db, long long id, int v, int with_money,
    json_t **out)
{
	char		 idstr[24], vstr[16];
	const char	*p[3] = { idstr, vstr, with_money ? "true" : "false" };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	snprintf(vstr, sizeof(vstr), "%d", v);
	return db_json(db, out, "SELECT admin_changed_since($1, $2, $3)", 3, p);
}

int
db_admin_invitations(struct db *db, long long id, json_t **out)
{
	return by_id(db, "SELECT admin_invitations($1)", id, out);
}

int
db_admin_local_times(struct db *db, const char *tz, const json_t *locals,
    json_t **out)
{
	char		*js;
	const char	*p[2];
	int		 rc;

	if ((js = json_dumps(locals, JSON_COMPACT)) == NULL)
		return DB_ERROR;
	p[0] = tz;
	p[1] = js;
	rc = db_json(db, out, "SELECT admin_local_times($1, ARRAY(SELECT e "
	    "FROM json_array_elements_text($2::json) WITH ORDINALITY "
	    "AS x(e, n) ORDER BY n))", 2, p);
	free(js);
	return rc;
}
