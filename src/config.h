/* config.h: charterd's settings, read once from the environment */
#ifndef CHARTERD_CONFIG_H
#define CHARTERD_CONFIG_H

#include <stddef.h>

struct config {
	const char	*database_url;		/* CHARTER_DATABASE_URL */
	const char	*listen;		/* CHARTER_LISTEN: host:port or /path */
	int		 workers;		/* CHARTER_WORKERS */
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

	/* SHA-256 of the service key and dashboard token; have_* = 0 when unset. */
	unsigned char	 service_key_sha[32];
	int		 have_service_key;
	unsigned char	 dashboard_token_sha[32];
	int		 have_dashboard_token;

	/* Photo store (presigning only: the web side holds nothing else). */
	const char	*s3_endpoint;		/* CHARTER_S3_ENDPOINT; NULL = AWS */
	const char	*photo_bucket;		/* CHARTER_PHOTO_BUCKET */
	const char	*aws_region;		/* CHARTER_AWS_REGION */
	const char	*aws_access_key;	/* AWS_ACCESS_KEY_ID */
	const char	*aws_secret_key;	/* AWS_SECRET_ACCESS_KEY */
	const char	*aws_session_token;	/* AWS_SESSION_TOKEN */
	int		 s3_path_style;		/* CHARTER_S3_PATH_STYLE */
	long long	 photo_max_bytes;	/* CHARTER_PHOTO_MAX_BYTES */
	int		 photo_quota;		/* CHARTER_PHOTO_QUOTA */
	int		 page_cache_ms;		/* CHARTER_PAGE_CACHE_MS */
};

/*
 * Fills cfg from the environment with defaults for what is unset.
 * Returns 0, or -1 with a sentence in err naming the bad variable.
 * The strings point into the environment; cfg must not outlive it.
 */
int	config_load(struct config *cfg, char *err, size_t errlen);

/* Prints the variables config_load reads, one per line, for --help. */
void	config_usage(void);

#endif
