/* config.c: charterd's settings, read once from the environment */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "crypto.h"
#include "hex.h"
#include "limits.h"

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/charterd"
#endif

static const char *
env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return (v != NULL && *v != '\0') ? v : dflt;
}

/* Reads an integer variable within [min, max]; -1 when set but bad. */
static int
env_int(const char *name, long long dflt, long long min, long long max,
    long long *out, char *err, size_t errlen)
{
	const char	*v = getenv(name);
	char		*end;
	long long	 n;

	*out = dflt;
	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max) {
		snprintf(err, errlen, "%s must be a whole number from %lld "
		    "to %lld", name, min, max);
		return -1;
	}
	*out = n;
	return 0;
}

/* Reads a SHA-256 hex variable into 32 bytes; -1 when set but malformed. */
static int
env_sha256(const char *name, unsigned char out[32], int *have,
    char *err, size_t errlen)
{
	const char *v = getenv(name);

	*have = 0;
	if (v == NULL || *v == '\0')
		return 0;
	if (hex_decode(v, out, 32) == -1) {
		snprintf(err, errlen, "%s must be 64 hexadecimal characters "
		    "(the SHA-256 of the secret, not the secret)", name);
		return -1;
	}
	*have = 1;
	return 0;
}

int
config_load(struct config *cfg, char *err, size_t errlen)
{
	long long	 n;
	size_t		 len;

	memset(cfg, 0, sizeof(*cfg));
	cfg->database_url = env_or("CHARTER_DATABASE_URL", "dbname=charterd");
	cfg->listen = env_or("CHARTER_LISTEN", "127.0.0.1:9000");
	cfg->user = env_or("CHARTER_USER", "charterd");
	cfg->pid_file = env_or("CHARTER_PID_FILE", NULL);
	cfg->template_dir = env_or("CHARTER_TEMPLATE_DIR", PKGDATADIR "/templates");
	cfg->sql_dir = env_or("CHARTER_SQL_DIR", PKGDATADIR "/sql");
	cfg->publish_dir = env_or("CHARTER_PUBLISH_DIR", "/var/lib/charterd/publish");
	cfg->public_url = env_or("CHARTER_PUBLIC_URL", "http://127.0.0.1:8080");
	cfg->site_name = env_or("CHARTER_SITE_NAME", "Charter");
	cfg->contact_email = env_or("CHARTER_CONTACT_EMAIL", "");
	cfg->contact_phone = env_or("CHARTER_CONTACT_PHONE", "");
	cfg->default_time_zone = env_or("CHARTER_DEFAULT_TIME_ZONE",
	    "America/Los_Angeles");

	if (env_int("CHARTER_WORKERS", 4, 1, 256, &n, err, errlen) == -1)
		return -1;
	cfg->workers = (int)n;
	if (env_int("CHARTER_PHOTO_MAX_BYTES", LIMIT_PHOTO_BYTES, 1,
	    5LL * 1024 * 1024 * 1024, &n, err, errlen) == -1)
		return -1;
	cfg->photo_max_bytes = n;
	if (env_int("CHARTER_PHOTO_QUOTA", LIMIT_PHOTO_QUOTA, 0, 100000,
	    &n, err, errlen) == -1)
		return -1;
	cfg->photo_quota = (int)n;
	if (env_int("CHARTER_PAGE_CACHE_MS", 1000, 0, 60000, &n, err,
	    errlen) == -1)
		return -1;
	cfg->page_cache_ms = (int)n;
	if (env_int("CHARTER_S3_PATH_STYLE", -1, 0, 1, &n, err, errlen) == -1)
		return -1;

	cfg->s3_endpoint = env_or("CHARTER_S3_ENDPOINT", NULL);
	/* Local peers want path style; AWS wants virtual hosts for new buckets. */
	cfg->s3_path_style = n == -1 ? cfg->s3_endpoint != NULL : (int)n;
	cfg->photo_bucket = env_or("CHARTER_PHOTO_BUCKET", NULL);
	cfg->aws_region = env_or("CHARTER_AWS_REGION", env_or("AWS_REGION", "us-east-1"));
	cfg->aws_access_key = env_or("AWS_ACCESS_KEY_ID", NULL);
	cfg->aws_secret_key = env_or("AWS_SECRET_ACCESS_KEY", NULL);
	cfg->aws_session_token = env_or("AWS_SESSION_TOKEN", NULL);

	if (env_sha256("CHARTER_SERVICE_KEY_HASH", cfg->service_key_sha,
	    &cfg->have_service_key, err, errlen) == -1)
		return -1;
	if (env_sha256("CHARTER_DASHBOARD_TOKEN_HASH", cfg->dashboard_token_sha,
	    &cfg->have_dashboard_token, err, errlen) == -1)
		return -1;

	len = strlen(cfg->public_url);
	if (strncmp(cfg->public_url, "http://", 7) != 0 &&
	    strncmp(cfg->public_url, "https://", 8) != 0) {
		snprintf(err, errlen, "CHARTER_PUBLIC_URL must start with "
		    "http:// or https://");
		return -1;
	}
	if (cfg->public_url[len - 1] == '/') {
		snprintf(err, errlen, "CHARTER_PUBLIC_URL must not end with /");
		return -1;
	}
	return 0;
}

void
config_usage(void)
{
	fputs(
"Environment:\n"
"  CHARTER_DATABASE_URL          libpq connection string (dbname=charterd)\n"
"  CHARTER_LISTEN                FastCGI socket: host:port or /path (127.0.0.1:9000)\n"
"  CHARTER_WORKERS               FastCGI worker processes (4)\n"
"  CHARTER_USER                  workers' user when started as root (charterd)\n"
"  CHARTER_PID_FILE              the serving supervisor's pid, kept across restarts\n"
"  CHARTER_TEMPLATE_DIR          templates (" PKGDATADIR "/templates)\n"
"  CHARTER_SQL_DIR               migrations (" PKGDATADIR "/sql)\n"
"  CHARTER_PUBLISH_DIR           published guest pages (/var/lib/charterd/publish)\n"
"  CHARTER_PUBLIC_URL            public origin for links (http://127.0.0.1:8080)\n"
"  CHARTER_SITE_NAME, CHARTER_CONTACT_EMAIL, CHARTER_CONTACT_PHONE\n"
"                                operator name and contact shown to guests and crew\n"
"  CHARTER_DEFAULT_TIME_ZONE     zone for bookings that name none (America/Los_Angeles)\n"
"  CHARTER_SERVICE_KEY_HASH      SHA-256 hex of the X-Service-Key for /api/\n"
"  CHARTER_DASHBOARD_TOKEN_HASH  SHA-256 hex of the X-Dashboard-Token\n"
"  CHARTER_S3_ENDPOINT           photo store endpoint (AWS when unset)\n"
"  CHARTER_S3_PATH_STYLE         1 for path-style addressing (default: 1 with an endpoint)\n"
"  CHARTER_PHOTO_BUCKET          photo bucket\n"
"  CHARTER_AWS_REGION            AWS region (us-east-1)\n"
"  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN\n"
"                                credentials scoped to the photo bucket\n"
"  CHARTER_PHOTO_MAX_BYTES       largest photo (26214400)\n"
"  CHARTER_PHOTO_QUOTA           photos per booking (500)\n"
"  CHARTER_PAGE_CACHE_MS         how long a worker may reuse a rendered guest page\n"
"                                (1000; 0 = never; changes on this host drop it at once)\n"
"  CHARTER_LOG_LEVEL             error, warn, info (default) or debug\n", stdout);
}
