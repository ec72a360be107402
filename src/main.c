/* main.c: the charterd command and its subcommands */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "app.h"
#include "config.h"
#include "log.h"
#include "migrate.h"
#include "publish.h"
#include "serve.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

struct command {
	const char	*name;
	const char	*summary;
	const char	*help;
	int		(*run)(const struct config *, int, char **);
};

static int
cmd_serve(const struct config *cfg, int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--check") == 0)
		return serve_check(cfg) == 0 ? 0 : 1;
	return serve_run(cfg) == 0 ? 0 : 1;
}

static int
cmd_migrate(const struct config *cfg, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return migrate_run(cfg) == 0 ? 0 : 1;
}

static int
cmd_publish(const struct config *cfg, int argc, char **argv)
{
	struct app	 app;
	char		 err[512];
	int		 rc;

	(void)argc;
	(void)argv;
	memset(&app, 0, sizeof(app));
	app.cfg = cfg;
	if ((app.tmpl = tmpl_set_load(cfg->template_dir, err, sizeof(err))) == NULL) {
		log_err("templates in %s: %s", cfg->template_dir, err);
		return 1;
	}
	if (db_open(&app.db, cfg->database_url) == -1) {
		tmpl_set_free(app.tmpl);
		return 1;
	}
	rc = publish_all(&app);
	db_close(&app.db);
	tmpl_set_free(app.tmpl);
	return rc == 0 ? 0 : 1;
}

static const struct command commands[] = {
	{ "serve", "run the FastCGI server (prefork workers)",
	  "usage: charterd serve [--check]\n\n"
	  "Listens on CHARTER_LISTEN and serves guest pages, photo uploads and\n"
	  "the internal API through CHARTER_WORKERS worker processes, each with\n"
	  "its own database connection. A worker that dies is replaced.\n\n"
	  "  --check   load the templates, connect to the database, and exit\n\n"
	  "Signals: SIGTERM/SIGINT drain in-flight requests and exit;\n"
	  "SIGHUP re-reads the templates and replaces the workers.\n",
	  cmd_serve },
	{ "migrate", "apply pending database migrations",
	  "usage: charterd migrate\n\n"
	  "Applies CHARTER_SQL_DIR/NNN_*.sql in order, each in its own\n"
	  "transaction, recording them in schema_migrations. Safe to run twice\n"
	  "and from several hosts at once. The connecting role needs CREATEROLE\n"
	  "the first time (it creates charterd_guest and charterd_crew).\n",
	  cmd_migrate },
	{ "publish", "re-render every guest page into CHARTER_PUBLISH_DIR",
	  "usage: charterd publish\n\n"
	  "Writes CHARTER_PUBLISH_DIR/g/<slug>.html for every live booking and\n"
	  "removes the files of cancelled ones; run it after changing templates.\n",
	  cmd_publish },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: charterd <command> [options]\n\nCommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n`charterd <command> --help` describes one command.\n"
	    "`charterd --version` prints the version.\n");
}

int
main(int argc, char *argv[])
{
	struct config	 cfg;
	char		 err[512];
	const char	*lvl;
	size_t		 i;

	lvl = getenv("CHARTER_LOG_LEVEL");
	log_init("charterd", lvl == NULL ? LOG_LVL_INFO :
	    strcmp(lvl, "debug") == 0 ? LOG_LVL_DEBUG :
	    strcmp(lvl, "warn") == 0 ? LOG_LVL_WARN :
	    strcmp(lvl, "error") == 0 ? LOG_LVL_ERR : LOG_LVL_INFO);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		if (argc < 2)
			return 0;
		printf("\n");
		config_usage();
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("charterd %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (argc > 2 && (strcmp(argv[2], "--help") == 0 ||
		    strcmp(argv[2], "-h") == 0)) {
			printf("%s\n", commands[i].help);
			config_usage();
			return 0;
		}
		/* Once, before any worker forks: libcurl's global state. */
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
			fprintf(stderr, "charterd: libcurl failed to start\n");
			return 1;
		}
		if (config_load(&cfg, err, sizeof(err)) == -1) {
			fprintf(stderr, "charterd: %s\n", err);
			return 2;
		}
		return commands[i].run(&cfg, argc - 1, argv + 1);
	}
	fprintf(stderr, "charterd: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
