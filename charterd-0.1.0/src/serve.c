/* serve.c: `charterd serve`: the FastCGI workers under the prefork supervisor */
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "changes.h"
#include "listener.h"
#include "password.h"
#include "log.h"
#include "metrics.h"
#include "prefork.h"
#include "privdrop.h"
#include "serve.h"
#include "tmpl.h"
#include "worker.h"

struct serve {
	const struct config	*cfg;
	struct listener		 listener;
	struct tmpl_set		*tmpl;
	struct metrics		*metrics;
	struct changes		 changes;	/* other hosts' commits */
};

static struct tmpl_set *
load_templates(const struct config *cfg)
{
	struct tmpl_set	*t;
	char		 err[512];

	if ((t = tmpl_set_load(cfg->template_dir, err, sizeof(err))) == NULL)
		log_err("templates in %s: %s", cfg->template_dir, err);
	return t;
}

static void
serve_child(void *arg, int role)
{
	struct serve *sv = arg;

	(void)role;	/* every worker does the same */
	/* The supervisor's connection is not the worker's to use or end. */
	if (changes_fd(&sv->changes) >= 0)
		close(changes_fd(&sv->changes));
	worker_main(sv->cfg, sv->listener.fd, sv->tmpl, sv->metrics);
}

/* Old workers keep serving unless the new set parses. */
static int
serve_reload(void *arg)
{
	struct serve	*sv = arg;
	struct tmpl_set	*fresh;

	if ((fresh = load_templates(sv->cfg)) == NULL)
		return -1;
	tmpl_set_free(sv->tmpl);
	sv->tmpl = fresh;
	log_info("templates reloaded; replacing workers");
	return 0;
}

static int
serve_watch_fd(void *arg)
{
	return changes_fd(&((struct serve *)arg)->changes);
}

static void
serve_watch(void *arg)
{
	changes_poll(&((struct serve *)arg)->changes);
}

static void
serve_child_died(void *arg)
{
	struct serve *sv = arg;

	__atomic_fetch_add(&sv->metrics->worker_restarts, 1, __ATOMIC_RELAXED);
}

int
serve_check(const struct config *cfg)
{
	struct tmpl_set	*tmpl;
	struct privdrop	 priv;
	int		 rc = 0;

	if ((tmpl = load_templates(cfg)) == NULL)
		rc = -1;
	tmpl_set_free(tmpl);
	db_passwords_load(cfg->database_url);
	if (app_check_roles(cfg) != 0)
		rc = -1;
	if (privdrop_init(&priv, cfg->user) == -1)
		rc = -1;
	if (!cfg->have_service_key)
		log_warnx("CHARTER_SERVICE_KEY_HASH is unset: /api/ will "
		    "refuse every request");
	return rc;
}

int
serve_run(const struct config *cfg)
{
	static char	*reexec[] = { "charterd", "serve", NULL };
	struct serve	 sv = { .cfg = cfg };
	struct prefork	 pf = {
		.name = "worker",
		.nchildren = (int)cfg->workers,
		.listener = &sv.listener,
		.user = cfg->user,
		.pid_file = cfg->pid_file,
		.argv = reexec,
		.child = serve_child,
		.reload = serve_reload,
		.child_died = serve_child_died,
		.watch_fd = serve_watch_fd,
		.watch = serve_watch,
		.arg = &sv,
	};
	int		 rc = -1;

	sv.listener.fd = -1;
	if ((sv.tmpl = load_templates(cfg)) == NULL)
		return -1;
	/* Before the workers drop privileges: they may not read the file. */
	db_passwords_load(cfg->database_url);
	/* Once, not in every worker's first login. */
	password_init();
	/* A role that could do more than its grants is never served with. */
	if (app_check_roles(cfg) == -1)
		goto out;
	if ((sv.metrics = metrics_new()) == NULL) {
		log_err("cannot map shared memory for metrics");
		goto out;
	}
	changes_init(&sv.changes, cfg, sv.metrics);
	if (FCGX_Init() != 0) {
		log_err("FastCGI library initialisation failed");
		goto out;
	}
	if (listener_open(&sv.listener, cfg->listen) == -1)
		goto out;
	log_info("listening on %s with %d workers", sv.listener.inherited ?
	    "the inherited socket" : cfg->listen, (int)cfg->workers);
	rc = prefork_run(&pf);
out:
	/* A start that failed before serving leaves no socket file behind. */
	if (rc == -1)
		listener_unlink(&sv.listener);
	listener_close(&sv.listener);
	changes_close(&sv.changes);
	tmpl_set_free(sv.tmpl);
	return rc;
}
