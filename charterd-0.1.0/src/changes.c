/* changes.c: serve's supervisor listens for booking changes committed on any host */
#include <string.h>
#include <time.h>

#include "changes.h"
#include "limits.h"
#include "log.h"

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
drop_pages(struct changes *c)
{
	__atomic_fetch_add(&c->metrics->content_generation, 1, __ATOMIC_RELEASE);
}

void
changes_init(struct changes *c, const struct config *cfg, struct metrics *m)
{
	memset(c, 0, sizeof(*c));
	c->db.url = cfg->database_url;
	c->db.role = db_role_name(AUD_GUEST);
	c->db.down = &m->database_down;
	c->metrics = m;
}

int
changes_fd(struct changes *c)
{
	return c->db.conn != NULL ? PQsocket(c->db.conn) : -1;
}

void
changes_poll(struct changes *c)
{
	PGnotify	*n;
	int		 seen = 0;

	if (c->db.conn != NULL && PQconsumeInput(c->db.conn) == 1 &&
	    PQstatus(c->db.conn) == CONNECTION_OK) {
		while ((n = PQnotifies(c->db.conn)) != NULL) {
			seen = 1;
			PQfreemem(n);
		}
		if (seen)
			drop_pages(c);
		return;
	}
	db_close(&c->db);
	if (mono_ms() < c->retry_ms)
		return;
	c->retry_ms = mono_ms() + LIMIT_WATCH_MS;
	if (db_open(&c->db, c->db.url, c->db.role) == -1)
		return;
	if (db_run(&c->db, "LISTEN charterd_outbox", 0, NULL) != DB_OK) {
		db_close(&c->db);
		return;
	}
	drop_pages(c);
}

void
changes_close(struct changes *c)
{
	db_close(&c->db);
}
