/* worker.c: one FastCGI worker process: accept, handle, repeat */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "http.h"
#include "log.h"
#include "prefork.h"
#include "route.h"
#include "worker.h"

static volatile sig_atomic_t worker_stop;

static void
on_term(int sig)
{
	(void)sig;
	worker_stop = 1;
	/* Makes libfcgi's accept() give up instead of retrying on EINTR. */
	FCGX_ShutdownPending();
}

static void
worker_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked accept() must return so we can drain. */
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
}

static long long
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One request, start to finish. Never logs the path: it may hold a token. */
static void
handle(struct request *req)
{
	long long	 start = mono_us(), took;

	http_reset(req);
	if (http_read_head(req) == 0)
		route_dispatch(req);
	if (http_send(req) == -1)
		log_debug("client went away");
	took = mono_us() - start;
	metrics_record(req->app->metrics, req->route_id, req->status, took);
	log_info("%s %s %d %lldus", req->method_name,
	    req->route ? req->route->pattern : "(no route)", req->status, took);
}

void
worker_main(const struct config *cfg, int sock, struct tmpl_set *tmpl,
    struct metrics *metrics)
{
	FCGX_Request	 fr;
	struct app	 app;
	struct request	 req;
	sigset_t	 term;

	worker_signals();
	/* Connections open on first use, each as its audience's role. */
	app_init(&app, cfg, tmpl, metrics);
	memset(&req, 0, sizeof(req));

	if (FCGX_InitRequest(&fr, sock, 0) != 0) {
		log_err("cannot initialise a FastCGI request");
		_exit(1);
	}
	req.app = &app;
	req.fcgi = &fr;
	/*
	 * SIGTERM may interrupt only the wait for a connection: delivered in
	 * the middle of a request, it would break its reads (libfcgi takes
	 * EINTR for a lost stream). Blocked while handling, it lands here.
	 */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	/* A restart in place waits for this before the old workers leave. */
	prefork_child_ready();
	for (;;) {
		sigprocmask(SIG_UNBLOCK, &term, NULL);
		if (worker_stop || FCGX_Accept_r(&fr) < 0)
			break;
		sigprocmask(SIG_BLOCK, &term, NULL);
		handle(&req);
		FCGX_Finish_r(&fr);
	}
	FCGX_Free(&fr, 1);
	http_free(&req);
	app_close(&app);
	_exit(0);
}
