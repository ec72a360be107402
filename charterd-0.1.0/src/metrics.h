/* metrics.h: request counters shared by all workers, in Prometheus text form */
#ifndef CHARTERD_METRICS_H
#define CHARTERD_METRICS_H

#include "buf.h"
#include "route.h"

#define METRICS_ROUTES		(ROUTE__MAX + 1)	/* the last: no route */
#define METRICS_CLASSES		6	/* status / 100: 0..5 */
#define METRICS_BUCKETS		8	/* latency histogram buckets */

struct metrics {
	unsigned long long	requests[METRICS_ROUTES][METRICS_CLASSES];
	unsigned long long	latency[METRICS_ROUTES][METRICS_BUCKETS];
	unsigned long long	latency_sum_us[METRICS_ROUTES];
	unsigned long long	worker_restarts;
	/* Not a metric: bumped on every committed booking change so that
	 * workers drop cached pages (page_cache.c). Lives here because this
	 * is the memory all workers share. */
	unsigned long long	content_generation;
	/* Not a metric either: set while the database does not answer, so
	 * the outage is logged once, not by every worker (db.c). */
	int			database_down;
};

/* Maps shared memory before the workers fork; NULL on failure. */
struct metrics *metrics_new(void);
/* Counts one request; route is an enum route_id or -1 when none matched. */
void	metrics_record(struct metrics *, int route, int status, long long us);
/* Appends the counters in Prometheus text exposition format. */
void	metrics_render(const struct metrics *, struct buf *);

#endif
