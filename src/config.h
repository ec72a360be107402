/* config.h: charterd's settings, read once from the environment, per command */
#ifndef CHARTERD_CONFIG_H
#define CHARTERD_CONFIG_H

#include <stddef.h>

/* The commands, as a mask: each setting names the commands that read it. */
#define CMD_SERVE	0x01u
#define CMD_SYNC	0x02u
#define CMD_MIGRATE	0x04u
#define CMD_PUBLISH	0x08u
#define CMD_GC		0x10u
#define CMD_USER	0x20u
#define CMD_DYNAMO	0x40u
#define CMD_ALL		0x7fu

struct config {
	unsigned	 cmd;			/* the CMD_* loaded for */
	const char	*database_url;		/* CHARTER_DATABASE_URL */
	const char	*listen;		/* CHARTER_LISTEN: host:port or /path */
	long long	 workers;		/* CHARTER_WORKERS */
	const char	*user;			/* CHARTER_USER: workers' user when root */
	const char	*pid_file;		/* CHARTER_PID_FILE; NULL = none */
	const char	*template_dir;		/* CHARTER_TEMPLATE_DIR */
	const char	*sql_dir;		/* CHARTER_SQL_DIR */
	const char	*publish_dir;		/* CHARTER_PUBLISH_DIR */
	const char	*public_url;		/* CHARTER_PUBLIC_URL, no trailing / */
	const char	*site_name;		/* CHARTER_SITE_NAME */
	const char	*contact_email;		/* CHARTER_CONTACT_EMAIL */
	const char	*contact_phone;		/* CHARTER_CONTACT_PHONE */
	const char	*default_time_zone;	/* CHARTER_DEFAULT_TIME_ZONE */
	const char	*log_level;		/* CHARTER_LOG_LEVEL */

	/* CHARTER_TOKEN_SECRET: the key magic-link and feed tokens are derived
	 * with (src/token.h); 32..64 bytes, given as hex. len 0 when unset. */
	unsigned char	 token_secret[64];
	size_t		 token_secret_len;

	/* SHA-256 of the service key and dashboard token; have_* = 0 when unset. */
	unsigned char	 service_key_sha[32];
	int		 have_service_key;
	unsigned char	 dashboard_token_sha[32];
	int		 have_dashboard_token;

	/* Photo store: credentials scoped to the photo bucket, nothing else. */
	const char	*s3_endpoint;		/* CHARTER_S3_ENDPOINT; NULL = AWS */
	const char	*photo_bucket;		/* CHARTER_PHOTO_BUCKET */
	const char	*aws_region;		/* CHARTER_AWS_REGION */
	const char	*photo_access_key;	/* CHARTER_PHOTO_ACCESS_KEY_ID */
	const char	*photo_secret_key;	/* CHARTER_PHOTO_SECRET_ACCESS_KEY */
	const char	*photo_session_token;	/* CHARTER_PHOTO_SESSION_TOKEN */
	long long	 s3_path_style;		/* CHARTER_S3_PATH_STYLE */
	long long	 photo_max_bytes;	/* CHARTER_PHOTO_MAX_BYTES */
	long long	 photo_quota;		/* CHARTER_PHOTO_QUOTA */
	long long	 feed_cache;		/* CHARTER_FEED_CACHE */
	long long	 page_cache_ms;		/* CHARTER_PAGE_CACHE_MS */
	long long	 link_ttl_days;		/* CHARTER_LINK_TTL_DAYS */
	long long	 response_cutoff_h;	/* CHARTER_RESPONSE_CUTOFF_HOURS */
	long long	 settle_days;		/* CHARTER_SETTLE_DAYS */
	long long	 reminder_h;		/* CHARTER_REMINDER_HOURS */
	long long	 crewing_alert_h;	/* CHARTER_CREWING_ALERT_HOURS */

	/* Staff sessions and logins (/admin). */
	long long	 insecure_cookies;	/* CHARTER_INSECURE_COOKIES */
	long long	 session_idle_min;	/* CHARTER_SESSION_IDLE_MIN */
	long long	 session_max_hours;	/* CHARTER_SESSION_MAX_HOURS */
	long long	 login_free_failures;	/* CHARTER_LOGIN_FREE_FAILURES */
	long long	 login_max_wait_s;	/* CHARTER_LOGIN_MAX_WAIT_S */
	long long	 margin_warn_pct;	/* CHARTER_MARGIN_WARN_PCT */

	/* charterd sync: the queue, and the targets' settings. */
	long long	 sync_max_attempts;	/* CHARTER_SYNC_MAX_ATTEMPTS */
	long long	 sync_backoff_ms;	/* CHARTER_SYNC_BACKOFF_MS */
	long long	 sync_backoff_max_s;	/* CHARTER_SYNC_BACKOFF_MAX_S */
	long long	 sync_poll_s;		/* CHARTER_SYNC_POLL_S */
	long long	 sync_lease_s;		/* CHARTER_SYNC_LEASE_S */
	long long	 sync_timeout_ms;	/* CHARTER_SYNC_TIMEOUT_MS */
	const char	*scc_url;		/* CHARTER_SCC_URL */
	const char	*scc_service_key;	/* CHARTER_SCC_SERVICE_KEY */
	const char	*calendar_url;		/* CHARTER_CALENDAR_URL */
	const char	*calendar_token;	/* CHARTER_CALENDAR_TOKEN */
	const char	*dynamo_endpoint;	/* CHARTER_DYNAMO_ENDPOINT; NULL = AWS */
	const char	*dynamo_table;		/* CHARTER_DYNAMO_TABLE */
	const char	*aws_access_key;	/* AWS_ACCESS_KEY_ID (sync only) */
	const char	*aws_secret_key;	/* AWS_SECRET_ACCESS_KEY */
	const char	*aws_session_token;	/* AWS_SESSION_TOKEN */
	const char	*site_bucket;		/* CHARTER_SITE_BUCKET */
	const char	*site_endpoint;		/* CHARTER_SITE_S3_ENDPOINT */
	const char	*cloudfront_distribution; /* CHARTER_CLOUDFRONT_DISTRIBUTION */
	const char	*cloudfront_endpoint;	/* CHARTER_CLOUDFRONT_ENDPOINT */
	const char	*smtp_url;		/* CHARTER_SMTP_URL */
	const char	*mail_from;		/* CHARTER_MAIL_FROM */
};

/*
 * Fills cfg from the settings command cmd (one CMD_*) reads, with defaults
 * for what is unset; a setting another command reads is never looked at,
 * and another command's secrets are wiped from this process's environment
 * (warned about) so they cannot leak from it. Returns 0, or -1 with a
 * sentence in err naming the bad variable. The strings point into the
 * environment; cfg must not outlive it.
 */
int	config_load(struct config *cfg, unsigned cmd, char *err, size_t errlen);

/* Prints the variables command cmd reads, one per line, for --help. */
void	config_usage(unsigned cmd);

#endif
