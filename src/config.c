/* config.c: charterd's settings, read once from the environment, per command */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "hex.h"
#include "limits.h"
#include "log.h"

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/charterd"
#endif

#define CMD_DB		(CMD_SERVE | CMD_SYNC | CMD_MIGRATE | CMD_PUBLISH | \
			    CMD_GC | CMD_USER)
#define CMD_PAGES	(CMD_SERVE | CMD_SYNC)
#define CMD_AWS		(CMD_SYNC | CMD_DYNAMO)
#define CMD_PHOTOS	(CMD_SERVE | CMD_GC)

enum kind {
	K_STR,			/* a string; "" counts as unset */
	K_INT,			/* a whole number in min..max */
	K_SHA256,		/* 64 hex digits, into 32 bytes + a have flag */
	K_KEY,			/* 64..128 hex digits, into bytes + a length */
};

struct setting {
	const char	*name;
	unsigned	 cmds;		/* the commands that read it */
	enum kind	 kind;
	size_t		 off;		/* where it goes in struct config */
	size_t		 have;		/* K_SHA256: its have_* flag */
	const char	*dflt;		/* K_STR default (NULL: unset) */
	long long	 idflt, min, max;
	const char	*fallback;	/* another variable read when unset */
	const char	*help;
};

#define STR(n, c, f, d, h) \
	{ n, c, K_STR, offsetof(struct config, f), 0, d, 0, 0, 0, NULL, h }
#define INT(n, c, f, d, lo, hi, h) \
	{ n, c, K_INT, offsetof(struct config, f), 0, NULL, d, lo, hi, NULL, h }

static const struct setting settings[] = {
	STR("CHARTER_DATABASE_URL", CMD_DB, database_url, "dbname=charterd",
	    "libpq connection string; migrate logs in as the owner it\n"
	    "names, other commands as their own roles (passwords from the\n"
	    "passfile) (dbname=charterd)"),
	STR("CHARTER_LISTEN", CMD_SERVE, listen, "127.0.0.1:9000",
	    "FastCGI socket: host:port or /path (127.0.0.1:9000)"),
	INT("CHARTER_WORKERS", CMD_SERVE, workers, 4, 1, 256,
	    "FastCGI worker processes (4)"),
	STR("CHARTER_USER", CMD_SERVE | CMD_SYNC, user, "charterd",
	    "the workers' user when started as root (charterd)"),
	STR("CHARTER_PID_FILE", CMD_SERVE, pid_file, NULL,
	    "the serving supervisor's pid, rewritten by a restart in place"),
	STR("CHARTER_TEMPLATE_DIR", CMD_PAGES, template_dir,
	    PKGDATADIR "/templates", "templates (" PKGDATADIR "/templates)"),
	STR("CHARTER_SQL_DIR", CMD_MIGRATE, sql_dir, PKGDATADIR "/sql",
	    "migrations and roles.sql (" PKGDATADIR "/sql)"),
	STR("CHARTER_PUBLISH_DIR", CMD_SYNC, publish_dir,
	    "/var/lib/charterd/publish",
	    "published guest pages (/var/lib/charterd/publish)"),
	STR("CHARTER_PUBLIC_URL", CMD_PAGES, public_url,
	    "http://127.0.0.1:8080",
	    "public origin for links (http://127.0.0.1:8080)"),
	STR("CHARTER_SITE_NAME", CMD_PAGES, site_name, "Charter",
	    "operator name shown to guests and crew (Charter)"),
	STR("CHARTER_CONTACT_EMAIL", CMD_PAGES, contact_email, "",
	    "operator contact shown to guests and crew"),
	STR("CHARTER_CONTACT_PHONE", CMD_PAGES, contact_phone, "",
	    "operator phone shown to guests and crew"),
	STR("CHARTER_DEFAULT_TIME_ZONE", CMD_SERVE, default_time_zone,
	    "America/Los_Angeles",
	    "zone for bookings that name none (America/Los_Angeles)"),
	{ "CHARTER_SERVICE_KEY_HASH", CMD_SERVE, K_SHA256,
	  offsetof(struct config, service_key_sha),
	  offsetof(struct config, have_service_key), NULL, 0, 0, 0, NULL,
	  "SHA-256 hex of the X-Service-Key for /api/" },
	{ "CHARTER_TOKEN_SECRET", CMD_SERVE | CMD_SYNC, K_KEY,
	  offsetof(struct config, token_secret),
	  offsetof(struct config, token_secret_len), NULL, 0, 0, 0, NULL,
	  "hex key (32+ bytes) crew links and feeds are derived\n"
	  "with; serve and sync need the same one (openssl rand -hex 32)" },
	{ "CHARTER_DASHBOARD_TOKEN_HASH", CMD_SERVE, K_SHA256,
	  offsetof(struct config, dashboard_token_sha),
	  offsetof(struct config, have_dashboard_token), NULL, 0, 0, 0, NULL,
	  "SHA-256 hex of the X-Dashboard-Token" },
	STR("CHARTER_S3_ENDPOINT", CMD_PHOTOS, s3_endpoint, NULL,
	    "photo store endpoint, http(s)://host[:port] (AWS when unset)"),
	INT("CHARTER_S3_PATH_STYLE", CMD_PHOTOS, s3_path_style, -1, 0, 1,
	    "1 for path-style addressing (default: 1 with an endpoint)"),
	STR("CHARTER_PHOTO_BUCKET", CMD_PHOTOS, photo_bucket, NULL,
	    "photo bucket"),
	{ "CHARTER_AWS_REGION", CMD_PHOTOS | CMD_AWS, K_STR,
	  offsetof(struct config, aws_region), 0, "us-east-1", 0, 0, 0,
	  "AWS_REGION", "AWS region (AWS_REGION, else us-east-1)" },
	STR("CHARTER_PHOTO_ACCESS_KEY_ID", CMD_PHOTOS, photo_access_key, NULL,
	    "credentials scoped to the photo bucket"),
	STR("CHARTER_PHOTO_SECRET_ACCESS_KEY", CMD_PHOTOS, photo_secret_key,
	    NULL, "(and its secret)"),
	STR("CHARTER_PHOTO_SESSION_TOKEN", CMD_PHOTOS, photo_session_token,
	    NULL, "(and a session token, for temporary credentials)"),
	INT("CHARTER_PHOTO_MAX_BYTES", CMD_SERVE, photo_max_bytes,
	    LIMIT_PHOTO_BYTES, 1, 5LL * 1024 * 1024 * 1024,
	    "largest photo in bytes (26214400)"),
	INT("CHARTER_PHOTO_QUOTA", CMD_SERVE, photo_quota, LIMIT_PHOTO_QUOTA,
	    0, 100000, "photos per booking (500)"),
	INT("CHARTER_FEED_CACHE", CMD_SERVE, feed_cache, 1, 0, 1,
	    "1: a worker sends a crew calendar it rendered again while its\n"
	    "ETag is current; 0: every full answer renders (1)"),
	INT("CHARTER_PAGE_CACHE_MS", CMD_SERVE, page_cache_ms, 1000, 0, 60000,
	    "how long a worker may reuse a rendered guest page\n"
	    "(1000; 0 = never; changes on this host drop it at once)"),
	INT("CHARTER_LINK_TTL_DAYS", CMD_SERVE, link_ttl_days, 7, 1, 365,
	    "crew links expire this many days after the charter ends (7)"),
	INT("CHARTER_RESPONSE_CUTOFF_HOURS", CMD_PAGES, response_cutoff_h, 24,
	    0, 720, "crew may confirm or decline online until this many\n"
	    "hours before departure; then the page says whom to call (24)"),
	INT("CHARTER_SETTLE_DAYS", CMD_SERVE, settle_days, 7, 1, 365,
	    "the captain may settle and correct a trip on their crew page\n"
	    "until this many days after it ends, unless staff lock it (7)"),
	INT("CHARTER_REMINDER_HOURS", CMD_SERVE, reminder_h, 48, 0, 720,
	    "crew who have not answered their invitation get a reminder\n"
	    "this many hours before departure (48; 0 = none)"),
	INT("CHARTER_CREWING_ALERT_HOURS", CMD_SERVE, crewing_alert_h, 24, 0,
	    720, "the operator is alerted this many hours before departure\n"
	    "when the charter is not fully crewed (24; 0 = never)"),
	INT("CHARTER_INSECURE_COOKIES", CMD_SERVE, insecure_cookies, 0, 0, 1,
	    "1: the staff session cookie without Secure and __Host-, for\n"
	    "a demo on plain http only (0)"),
	INT("CHARTER_SESSION_IDLE_MIN", CMD_SERVE, session_idle_min, 120, 5,
	    1440, "a staff session ends after this many idle minutes (120)"),
	INT("CHARTER_SESSION_MAX_HOURS", CMD_SERVE, session_max_hours, 12, 1,
	    720, "and this many hours after login at the latest (12)"),
	INT("CHARTER_LOGIN_FREE_FAILURES", CMD_SERVE, login_free_failures, 5,
	    1, 100, "failed logins per account or address before each\n"
	    "further one waits 5, 10, 20 ... seconds (5)"),
	INT("CHARTER_LOGIN_MAX_WAIT_S", CMD_SERVE, login_max_wait_s, 900, 1,
	    86400, "the longest such wait (900)"),
	INT("CHARTER_MARGIN_WARN_PCT", CMD_SERVE, margin_warn_pct, 20, -100,
	    100, "the booking form warns the owner when a charter's margin\n"
	    "is below this percentage of its revenue (20)"),
	INT("CHARTER_SYNC_MAX_ATTEMPTS", CMD_SYNC, sync_max_attempts, 20, 1,
	    1000, "deliveries tried before a row is dead (20)"),
	INT("CHARTER_SYNC_BACKOFF_MS", CMD_SYNC, sync_backoff_ms, 1000, 1,
	    3600000, "first retry delay, doubled each time (1000)"),
	INT("CHARTER_SYNC_BACKOFF_MAX_S", CMD_SYNC, sync_backoff_max_s, 600, 1,
	    86400, "longest retry delay (600)"),
	INT("CHARTER_SYNC_POLL_S", CMD_SYNC, sync_poll_s, 30, 1, 3600,
	    "safety poll when no NOTIFY comes (30)"),
	INT("CHARTER_SYNC_LEASE_S", CMD_SYNC, sync_lease_s, 120, 10, 86400,
	    "a claim lasts this long; a worker killed mid-delivery\n"
	    "is retried once it runs out (120)"),
	INT("CHARTER_SYNC_TIMEOUT_MS", CMD_SYNC, sync_timeout_ms,
	    LIMIT_OUT_SYNC_TOTAL_MS, 100, 600000,
	    "the longest one request to a target may take (30000);\n"
	    "a claim must last at least twice that"),
	STR("CHARTER_SCC_URL", CMD_SYNC, scc_url, NULL,
	    "SCC API (the API Gateway URL, not the CDN one); unset: off"),
	STR("CHARTER_SCC_SERVICE_KEY", CMD_SYNC, scc_service_key, NULL,
	    "SCC's X-Service-Key"),
	STR("CHARTER_CALENDAR_URL", CMD_SYNC, calendar_url, NULL,
	    "internal calendar API; unset: off"),
	STR("CHARTER_CALENDAR_TOKEN", CMD_SYNC, calendar_token, NULL,
	    "its X-Dashboard-Token"),
	STR("CHARTER_DYNAMO_ENDPOINT", CMD_AWS, dynamo_endpoint, NULL,
	    "DynamoDB endpoint (AWS when unset)"),
	STR("CHARTER_DYNAMO_TABLE", CMD_AWS, dynamo_table, NULL,
	    "DynamoDB table; unset: off"),
	STR("AWS_ACCESS_KEY_ID", CMD_AWS, aws_access_key, NULL,
	    "credentials for DynamoDB, the site bucket and CloudFront"),
	STR("AWS_SECRET_ACCESS_KEY", CMD_AWS, aws_secret_key, NULL,
	    "(and its secret)"),
	STR("AWS_SESSION_TOKEN", CMD_AWS, aws_session_token, NULL,
	    "(and a session token, for temporary credentials)"),
	STR("CHARTER_SITE_BUCKET", CMD_SYNC, site_bucket, NULL,
	    "publish guest pages to this S3 bucket instead of the folder"),
	STR("CHARTER_SITE_S3_ENDPOINT", CMD_SYNC, site_endpoint, NULL,
	    "its endpoint (AWS when unset)"),
	STR("CHARTER_CLOUDFRONT_DISTRIBUTION", CMD_SYNC,
	    cloudfront_distribution, NULL,
	    "invalidate /g/<slug> there after each publish"),
	STR("CHARTER_CLOUDFRONT_ENDPOINT", CMD_SYNC, cloudfront_endpoint, NULL,
	    "CloudFront endpoint (AWS when unset)"),
	STR("CHARTER_SMTP_URL", CMD_SYNC, smtp_url, NULL,
	    "smtp:// or smtps:// (user:password@ allowed); unset: mail off"),
	STR("CHARTER_MAIL_FROM", CMD_SYNC, mail_from, NULL,
	    "From: of every mail, e.g. Harbor Light <crew@harborlight.example>"),
	STR("CHARTER_LOG_LEVEL", CMD_ALL, log_level, "info",
	    "error, warn, info or debug (info)"),
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

/*
 * Secrets that belong to one command only. A command that does not read
 * one wipes it from its environment (and /proc/<pid>/environ) at start.
 */
static const struct {
	const char	*name;
	unsigned	 cmds;
} secrets[] = {
	{ "PGPASSWORD", 0 },	/* would be offered for every runtime role */
	{ "CHARTER_PHOTO_SECRET_ACCESS_KEY", CMD_PHOTOS },
	{ "CHARTER_PHOTO_SESSION_TOKEN", CMD_PHOTOS },
	{ "AWS_SECRET_ACCESS_KEY", CMD_SYNC | CMD_DYNAMO },
	{ "AWS_SESSION_TOKEN", CMD_SYNC | CMD_DYNAMO },
	{ "CHARTER_SCC_SERVICE_KEY", CMD_SYNC },
	{ "CHARTER_CALENDAR_TOKEN", CMD_SYNC },
	{ "CHARTER_SMTP_URL", CMD_SYNC },
	{ "CHARTER_ADMIN_PASSWORD", 0 },
	{ "CHARTER_TOKEN_SECRET", CMD_SERVE | CMD_SYNC },
};

static const char *
env_value(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static int
load_int(const struct setting *s, const char *v, long long *out, char *err,
    size_t errlen)
{
	char		*end;
	long long	 n;

	*out = s->idflt;
	if (v == NULL)
		return 0;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < s->min || n > s->max) {
		snprintf(err, errlen, "%s must be a whole number from %lld "
		    "to %lld", s->name, s->min, s->max);
		return -1;
	}
	*out = n;
	return 0;
}

/* A secret key in hex: 32 to 64 bytes; *len 0 when unset. */
static int
load_key(const struct setting *s, const char *v, unsigned char *out,
    size_t *len, char *err, size_t errlen)
{
	size_t n;

	*len = 0;
	if (v == NULL)
		return 0;
	n = strlen(v);
	if (n % 2 != 0 || n < 64 || n > 128 || hex_decode(v, out, n / 2) == -1) {
		snprintf(err, errlen, "%s must be 64 to 128 hexadecimal "
		    "characters (32 to 64 random bytes, e.g. from "
		    "`openssl rand -hex 32`)", s->name);
		return -1;
	}
	*len = n / 2;
	return 0;
}

static int
load_one(struct config *cfg, const struct setting *s, char *err, size_t errlen)
{
	char		*base = (char *)cfg;
	const char	*v = env_value(s->name);

	if (v == NULL && s->fallback != NULL)
		v = env_value(s->fallback);
	switch (s->kind) {
	case K_STR:
		*(const char **)(base + s->off) = v != NULL ? v : s->dflt;
		return 0;
	case K_INT:
		return load_int(s, v, (long long *)(base + s->off), err, errlen);
	case K_KEY:
		return load_key(s, v, (unsigned char *)(base + s->off),
		    (size_t *)(base + s->have), err, errlen);
	case K_SHA256:
		*(int *)(base + s->have) = 0;
		if (v == NULL)
			return 0;
		if (hex_decode(v, (unsigned char *)(base + s->off), 32) == -1) {
			snprintf(err, errlen, "%s must be 64 hexadecimal "
			    "characters (the SHA-256 of the secret, not the "
			    "secret)", s->name);
			return -1;
		}
		*(int *)(base + s->have) = 1;
		return 0;
	}
	return -1;
}

/* Overwrites the value in place (environ's own memory), then unsets it. */
static void
wipe_env(const char *name)
{
	char *v = getenv(name);

	if (v == NULL)
		return;
	memset(v, 0, strlen(v));
	unsetenv(name);
}

static void
wipe_foreign_secrets(unsigned cmd)
{
	size_t i;

	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		if ((secrets[i].cmds & cmd) || getenv(secrets[i].name) == NULL)
			continue;
		log_warnx("%s is not this command's to hold; ignored and "
		    "removed from its environment", secrets[i].name);
		wipe_env(secrets[i].name);
	}
}

/*
 * A delivery may make two requests (a create and the update after it) and
 * must end before its claim does: past the lease another sync process may
 * claim the row and deliver it at the same time.
 */
static int
check_sync_times(const struct config *cfg, char *err, size_t errlen)
{
	if (cfg->sync_lease_s * 1000 >= 2 * cfg->sync_timeout_ms)
		return 0;
	snprintf(err, errlen, "CHARTER_SYNC_LEASE_S (%lld s) must be at least "
	    "twice CHARTER_SYNC_TIMEOUT_MS (%lld ms)", cfg->sync_lease_s,
	    cfg->sync_timeout_ms);
	return -1;
}

static int
check_public_url(const char *url, char *err, size_t errlen)
{
	size_t len = strlen(url);

	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		snprintf(err, errlen, "CHARTER_PUBLIC_URL must start with "
		    "http:// or https://");
		return -1;
	}
	if (url[len - 1] == '/') {
		snprintf(err, errlen, "CHARTER_PUBLIC_URL must not end with /");
		return -1;
	}
	return 0;
}

int
config_load(struct config *cfg, unsigned cmd, char *err, size_t errlen)
{
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->cmd = cmd;
	for (i = 0; i < NSETTINGS; i++)
		if ((settings[i].cmds & cmd) &&
		    load_one(cfg, &settings[i], err, errlen) == -1)
			return -1;
	/* Local peers want path style; AWS wants virtual hosts for new buckets. */
	if (cfg->s3_path_style == -1)
		cfg->s3_path_style = cfg->s3_endpoint != NULL;
	if (cfg->public_url != NULL &&
	    check_public_url(cfg->public_url, err, errlen) == -1)
		return -1;
	if ((cmd & CMD_SYNC) && check_sync_times(cfg, err, errlen) == -1)
		return -1;
	wipe_foreign_secrets(cmd);
	return 0;
}

void
config_usage(unsigned cmd)
{
	const char	*h, *nl;
	size_t		 i;

	fputs("Environment:\n", stdout);
	for (i = 0; i < NSETTINGS; i++) {
		if (!(settings[i].cmds & cmd))
			continue;
		/* Continuation lines of the help line up under the first. */
		for (h = settings[i].help; h != NULL; h = nl ? nl + 1 : NULL) {
			nl = strchr(h, '\n');
			printf("  %-32s %.*s\n", h == settings[i].help ?
			    settings[i].name : "", nl ? (int)(nl - h) :
			    (int)strlen(h), h);
		}
	}
}
