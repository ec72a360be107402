/* metrics.c: request counters shared by all workers, in Prometheus text form */
#include <sys/mman.h>

#include "http.h"
#include "metrics.h"
#include "route.h"

/* Upper bounds of the latency buckets, in microseconds (+Inf last). */
static const long long bounds_us[METRICS_BUCKETS - 1] = {
	250, 1000, 2500, 10000, 25000, 100000, 1000000
};

struct metrics *
metrics_new(void)
{
	void *p;

	/* Anonymous shared memory: every forked worker adds to the same counters. */
	p = mmap(NULL, sizeof(struct metrics), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void
metrics_record(struct metrics *m, int route, int status, long long us)
{
	int	 r, c, b;

	if (m == NULL)
		return;
	r = route < 0 || route >= METRICS_ROUTES - 1 ? METRICS_ROUTES - 1 : route;
	c = status / 100;
	if (c < 0 || c >= METRICS_CLASSES)
		c = 0;
	for (b = 0; b < METRICS_BUCKETS - 1 && us > bounds_us[b]; b++)
		continue;
	__atomic_fetch_add(&m->requests[r][c], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->latency[r][b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->latency_sum_us[r], (unsigned long long)
	    (us < 0 ? 0 : us), __ATOMIC_RELAXED);
}

static const char *
route_label(int r)
{
	const struct route *rt = route_at((size_t)r);

	return rt ? rt->pattern : "none";
}

static const char *
method_label(int r)
{
	const struct route *rt = route_at((size_t)r);

	if (rt == NULL)
		return "any";
	return rt->methods & M_GET ? "GET" : rt->methods & M_POST ? "POST" :
	    rt->methods & M_PATCH ? "PATCH" : "other";
}

void
metrics_render(const struct metrics *m, struct buf *out)
{
	unsigned long long	 n, cum;
	int			 r, c, b;

	buf_puts(out, "# HELP charterd_requests_total Requests by route and "
	    "status class.\n# TYPE charterd_requests_total counter\n");
	for (r = 0; r < METRICS_ROUTES; r++) {
		for (c = 1; c < METRICS_CLASSES; c++) {
			n = __atomic_load_n(&m->requests[r][c], __ATOMIC_RELAXED);
			if (n > 0)
				buf_printf(out, "charterd_requests_total{route=\"%s\","
				    "method=\"%s\",code=\"%dxx\"} %llu\n",
				    route_label(r), method_label(r), c, n);
		}
	}
	buf_puts(out, "# HELP charterd_request_seconds Time to answer, by route.\n"
	    "# TYPE charterd_request_seconds histogram\n");
	for (r = 0; r < METRICS_ROUTES; r++) {
		cum = 0;
		for (b = 0; b < METRICS_BUCKETS; b++) {
			cum += __atomic_load_n(&m->latency[r][b], __ATOMIC_RELAXED);
			if (b < METRICS_BUCKETS - 1)
				buf_printf(out, "charterd_request_seconds_bucket{"
				    "route=\"%s\",method=\"%s\",le=\"%g\"} %llu\n",
				    route_label(r), method_label(r),
				    bounds_us[b] / 1e6, cum);
			else
				buf_printf(out, "charterd_request_seconds_bucket{"
				    "route=\"%s\",method=\"%s\",le=\"+Inf\"} %llu\n",
				    route_label(r), method_label(r), cum);
		}
		buf_printf(out, "charterd_request_seconds_sum{route=\"%s\","
		    "method=\"%s\"} %.6f\n", route_label(r), method_label(r),
		    __atomic_load_n(&m->latency_sum_us[r], __ATOMIC_RELAXED) / 1e6);
		buf_printf(out, "charterd_request_seconds_count{route=\"%s\","
		    "method=\"%s\"} %llu\n", route_label(r), method_label(r), cum);
	}
	buf_printf(out, "# HELP charterd_worker_restarts_total Workers replaced "
	    "after an unexpected exit.\n# TYPE charterd_worker_restarts_total "
	    "counter\ncharterd_worker_restarts_total %llu\n",
	    __atomic_load_n(&m->worker_restarts, __ATOMIC_RELAXED));
}
