/* main.c: the charterd command and its subcommands */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "app.h"
#include "config.h"
#include "gc.h"
#include "log.h"
#include "migrate.h"
#include "db_booking.h"
#include "dynamo.h"
#include "serve.h"
#include "sync.h"
#include "user.h"

#ifndef CHARTERD_VERSION
#define CHARTERD_VERSION "dev"
#endif

#define EXIT_USAGE	2	/* as charterd(8) says: a usage error */

struct command {
	const char	*name;
	unsigned	 cmd;		/* CMD_*: the settings it reads */
	const char	*options;	/* those it takes, space-separated */
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
	struct db	 db;
	long long	 n = 0;
	int		 rc;

	(void)argc;
	(void)argv;
	memset(&db, 0, sizeof(db));
	if (db_open(&db, cfg->database_url, db_role_name(AUD_INTERNAL)) == -1)
		return 1;
	rc = db_booking_republish_all(&db, &n);
	db_close(&db);
	if (rc != DB_OK)
		return 1;
	log_info("%lld guest page(s) queued for charterd sync to publish", n);
	return 0;
}

static int
cmd_sync(const struct config *cfg, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return sync_run(cfg) == 0 ? 0 : 1;
}

static int
cmd_dynamo(const struct config *cfg, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "create-table") != 0) {
		fprintf(stderr, "usage: charterd dynamo create-table\n");
		return EXIT_USAGE;
	}
	return dynamo_create_table(cfg) == 0 ? 0 : 1;
}

static int
cmd_gc(const struct config *cfg, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return gc_run(cfg) == 0 ? 0 : 1;
}

static int
cmd_user(const struct config *cfg, int argc, char **argv)
{
	return user_run(cfg, argc, argv);
}

static const struct command commands[] = {
	{ "serve", CMD_SERVE, "--check", "run the FastCGI server (prefork workers)",
	  "usage: charterd serve [--check]\n\n"
	  "Listens on CHARTER_LISTEN and serves guest pages, photo uploads and\n"
	  "the internal API through CHARTER_WORKERS worker processes. Each\n"
	  "worker logs in to PostgreSQL once per audience, as that audience's\n"
	  "role (charterd_guest, charterd_crew, charterd_api), and refuses a\n"
	  "role that could do more than its grants. A worker that dies is\n"
	  "replaced; workers exit when the supervisor dies. Started as root,\n"
	  "it opens the socket, then runs every worker as CHARTER_USER\n"
	  "(charterd; it refuses to start when that user does not exist).\n"
	  "With LISTEN_FDS=1 and LISTEN_PID set to its pid (socket activation)\n"
	  "it serves on fd 3 instead. CHARTER_PID_FILE names the supervisor\n"
	  "that serves now.\n\n"
	  "  --check   load the templates, log in as every role, look up\n"
	  "            CHARTER_USER when root, and exit\n\n"
	  "Signals, to the supervisor:\n"
	  "  SIGTERM, SIGINT  stop: remove the socket, answer what is queued,\n"
	  "                   finish in-flight requests (30 s at most), exit\n"
	  "  SIGHUP           re-read the templates; replace the workers when\n"
	  "                   they parse\n"
	  "  SIGUSR2          restart in place: run the binary at the path it\n"
	  "                   was started from on the same socket; once its\n"
	  "                   workers are ready the old supervisor drains and\n"
	  "                   exits (no request lost); when it fails, the old\n"
	  "                   one keeps serving\n",
	  cmd_serve },
	{ "migrate", CMD_MIGRATE, "", "apply pending database migrations",
	  "usage: charterd migrate\n\n"
	  "Applies CHARTER_SQL_DIR/NNN_*.sql in order, each in its own\n"
	  "transaction, recording them in schema_migrations, then applies\n"
	  "roles.sql (every runtime role and grant) on every run. Safe to run\n"
	  "twice and from several hosts at once. Log in as the owner of the\n"
	  "schema, with CREATEROLE: it creates the runtime roles and sets each\n"
	  "one's password from the libpq passfile when the passfile has a line\n"
	  "for it (sent as a SCRAM verifier).\n",
	  cmd_migrate },
	{ "sync", CMD_SYNC, "", "deliver every change to its targets (the outbox)",
	  "usage: charterd sync\n\n"
	  "Delivers the outbox: the published guest page, SCC, DynamoDB, the\n"
	  "internal calendar and mail, one worker process per target, each\n"
	  "target's rows in order, woken within milliseconds of a commit.\n"
	  "A failed delivery is retried with exponential backoff and jitter;\n"
	  "after CHARTER_SYNC_MAX_ATTEMPTS it is dead until retried (GET\n"
	  "/api/sync, POST /api/sync/<id>/retry). Run several, on one host or\n"
	  "many: each row is delivered by one at a time. Logs in as\n"
	  "charterd_sync; holds the targets' credentials, which serve never\n"
	  "reads. A target whose settings are missing is off: its rows are\n"
	  "settled without delivery.\n\n"
	  "Signals: SIGTERM/SIGINT finish the delivery in hand and exit.\n",
	  cmd_sync },
	{ "user", CMD_USER, NULL, "staff accounts: add, passwd, disable, list",
	  "usage: charterd user add <email> [--role owner|staff] [--name NAME]\n"
	  "       charterd user passwd <email>\n"
	  "       charterd user disable <email> | enable <email>\n"
	  "       charterd user list\n\n"
	  "Staff accounts for /admin. The owner role sees money; staff run\n"
	  "bookings and crew without it. A password is read from standard\n"
	  "input when it is not a terminal (one line), else one is generated\n"
	  "and printed once. Passwords are hashed with Argon2id (m=19 MiB,\n"
	  "t=2, p=1; a login rehashes one made at a lower cost). passwd and\n"
	  "disable end the account's sessions. Logs in as the owner (the\n"
	  "URL's own user), like migrate.\n",
	  cmd_user },
	{ "publish", CMD_PUBLISH, "", "queue every guest page to be published again",
	  "usage: charterd publish\n\n"
	  "Queues every booking's guest page for `charterd sync` to render\n"
	  "and publish again (to CHARTER_PUBLISH_DIR, or the site bucket);\n"
	  "run it after changing templates.\n",
	  cmd_publish },
	{ "dynamo", CMD_DYNAMO, "create-table",
	  "create the DynamoDB table charterd sync writes",
	  "usage: charterd dynamo create-table\n\n"
	  "Creates CHARTER_DYNAMO_TABLE at CHARTER_DYNAMO_ENDPOINT (AWS in\n"
	  "CHARTER_AWS_REGION when unset) with the keys charterd sync writes,\n"
	  "pk (string, partition key) and sk (string, sort key), billed per\n"
	  "request, and waits until DescribeTable says ACTIVE. A table that\n"
	  "exists already with these keys is left as it is, so it is safe to\n"
	  "run at every deployment. Signs with AWS_ACCESS_KEY_ID and\n"
	  "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN). Exit status 0 once\n"
	  "the table is ACTIVE, 1 when it is not (the reason on stderr), 2 on a\n"
	  "usage error.\n",
	  cmd_dynamo },
	{ "gc", CMD_GC, "", "delete photo uploads that were never completed",
	  "usage: charterd gc\n\n"
	  "One pass: every photo reservation whose upload URL expired without\n"
	  "a complete has its object deleted from the photo bucket (one that\n"
	  "is already gone counts as deleted) and then its row. Logs the\n"
	  "counts; exits 0 when all were handled, 1 when the database or the\n"
	  "store failed (the next pass takes what is left). Logs in as\n"
	  "charterd_gc, which may only read and delete photo rows. Run it\n"
	  "every few minutes from cron or a systemd timer; concurrent passes\n"
	  "are safe.\n",
	  cmd_gc },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: charterd <command> [options]\n\nCommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n`charterd <command> --help` describes one command and "
	    "the settings it reads.\n`charterd --version` prints the "
	    "version.\n");
}

/* Every argument after the command is one of its options; else 0. */
static int
options_ok(const struct command *c, int argc, char **argv)
{
	const char	*o;
	size_t		 len;
	int		 i;

	for (i = 2; i < argc; i++) {
		len = strlen(argv[i]);
		for (o = c->options; (o = strstr(o, argv[i])) != NULL; o += len)
			if ((o == c->options || o[-1] == ' ') &&
			    (o[len] == ' ' || o[len] == '\0') && len > 0)
				break;
		if (o == NULL) {
			fprintf(stderr, "charterd %s: unknown %s '%s'\n\n",
			    c->name, argv[i][0] == '-' ? "option" : "argument",
			    argv[i]);
			fputs(c->help, stderr);
			return 0;
		}
	}
	return 1;
}

static int
log_level(const char *name, enum log_level *out)
{
	static const struct { const char *name; enum log_level lvl; } lv[] = {
		{ "error", LOG_LVL_ERR }, { "warn", LOG_LVL_WARN },
		{ "info", LOG_LVL_INFO }, { "debug", LOG_LVL_DEBUG },
	};
	size_t i;

	for (i = 0; i < sizeof(lv) / sizeof(lv[0]); i++)
		if (strcmp(name, lv[i].name) == 0) {
			*out = lv[i].lvl;
			return 0;
		}
	return -1;
}

static int
run(const struct command *c, int argc, char **argv)
{
	struct config	 cfg;
	enum log_level	 lvl;
	char		 err[512];
	int		 i;

	/* Anywhere after the command: `charterd dynamo create-table --help`. */
	for (i = 2; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			printf("%s\n", c->help);
			config_usage(c->cmd);
			return 0;
		}
	/* NULL options: the command reads its own arguments. */
	if (c->options != NULL && !options_ok(c, argc, argv))
		return EXIT_USAGE;
	if (config_load(&cfg, c->cmd, err, sizeof(err)) == -1) {
		fprintf(stderr, "charterd %s: %s\n", c->name, err);
		return EXIT_USAGE;
	}
	if (log_level(cfg.log_level, &lvl) == -1) {
		fprintf(stderr, "charterd %s: CHARTER_LOG_LEVEL must be error, "
		    "warn, info or debug\n", c->name);
		return EXIT_USAGE;
	}
	log_init("charterd", lvl);
	/* Once, before any worker forks: libcurl's global state. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "charterd: libcurl failed to start\n");
		return 1;
	}
	return c->run(&cfg, argc - 1, argv + 1);
}

int
main(int argc, char *argv[])
{
	size_t i;

	log_init("charterd", LOG_LVL_INFO);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("charterd %s\n", CHARTERD_VERSION);
		return 0;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return run(&commands[i], argc, argv);
	fprintf(stderr, "charterd: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
