/* db_reconciliation.c: the statements of revenue reconciliation: the figures of a range, the vessels to filter by */
#include "db_reconciliation.h"

static const char sql_reconciliation[] =
	"SELECT reconciliation($1::date, $2::date, $3)";

/* The statement's parameters: "" (every vessel) is SQL NULL. */
static void
params_of(const struct recon_filter *f, const char *p[3])
{
	p[0] = f->from;
	p[1] = f->to;
	p[2] = f->vessel[0] != '\0' ? f->vessel : NULL;
}

int
db_reconciliation(struct db *db, const struct recon_filter *f, json_t **out)
{
	const char *p[3];

	params_of(f, p);
	/* One row, never NULL: no row would be an error, not "nothing". */
	return db_json(db, out, sql_reconciliation, 3, p) == DB_OK ? DB_OK :
	    DB_ERROR;
}

int
db_reconciliation_text(struct db *db, const struct recon_filter *f,
    struct buf *out)
{
	const char	*p[3];
	PGresult	*res;
	int		 rc = DB_ERROR;

	params_of(f, p);
	if ((res = db_exec(db, sql_reconciliation, 3, p)) == NULL)
		return DB_ERROR;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) &&
	    buf_append(out, PQgetvalue(res, 0, 0),
	    (size_t)PQgetlength(res, 0, 0)) == 0)
		rc = DB_OK;
	PQclear(res);
	return rc;
}

int
db_reconciliation_vessels(struct db *db, json_t **out)
{
	return db_json(db, out, "SELECT coalesce(json_agg(v), '[]') "
	    "FROM reconciliation_vessels() v", 0, NULL) == DB_OK ? DB_OK :
	    DB_ERROR;
}
