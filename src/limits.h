/* limits.h: every size and count limit charterd enforces, in one place */
#ifndef CHARTERD_LIMITS_H
#define CHARTERD_LIMITS_H

#define LIMIT_BODY		(1024 * 1024)	/* request body; past it: 413 */
#define LIMIT_QUERY_PAIRS	64		/* query string pairs; past it: 400 */
/* Form fields: a booking form with every checklist item, crew row and
 * open place filled is ~400 fields. */
#define LIMIT_FORM_PAIRS	1024
#define LIMIT_QUERY_LEN		8192		/* raw query string; past it: 414 */
#define LIMIT_COOKIE_LEN	8192		/* Cookie header; past it: 400 */
#define LIMIT_COOKIE_PAIRS	32
#define LIMIT_PATH_LEN		1024		/* request path; past it: 414 */
#define LIMIT_JSON_DEPTH	8		/* nesting in request JSON */

#define LIMIT_NAME_LEN		200		/* names, vessel, role */
#define LIMIT_TEXT_LEN		4000		/* notes, meeting point */
#define LIMIT_EMAIL_LEN		254
#define LIMIT_PHONE_LEN		40
#define LIMIT_CHECKLIST_ITEMS	50
#define LIMIT_CHECKLIST_ITEM	300
#define LIMIT_CREW_PER_BOOKING	50
#define LIMIT_SLOTS_PER_BOOKING	20
#define LIMIT_SLOT_COUNT	20		/* people per open slot */
#define LIMIT_ROLES		10		/* roles per crew member */
#define LIMIT_CENTS		100000000000LL	/* one billion dollars */
#define LIMIT_HOURS_X100	(24 * 7 * 100)	/* hours in hundredths */

#define LIMIT_SLUG_MIN		3
#define LIMIT_SLUG_MAX		64
#define LIMIT_PHOTO_ID_LEN	32		/* hex digits of a photo id */
#define LIMIT_TOKEN_LEN		43		/* base64url of 32 random bytes */
#define LIMIT_CREW_NOTE		1000		/* characters of a decline's note */
#define LIMIT_URL_LEN		1024		/* a link charterd hands out */

#define LIMIT_TMPL_DEPTH	32		/* section nesting in templates */
#define LIMIT_TMPL_PARTIALS	16		/* partial recursion at render */
#define LIMIT_TMPL_SIZE		(256 * 1024)	/* one template file */
#define LIMIT_TMPL_NAME		128		/* name: "email/x.txt" */
/* Nodes visited (plus section iterations) in one render: nested sections
 * over arrays multiply, and a bad template/context pair must not spin a worker. */
#define LIMIT_TMPL_STEPS	(10 * 1000 * 1000)

/* Outbound HTTP (src/outbound.c), per context.  A web worker's call
 * (a HEAD on the photo store) must give up well before nginx's 30 s
 * fastcgi_read_timeout, and holds one of a few workers while it waits;
 * the sync process can wait longer for a slow peer. */
#define LIMIT_OUT_WEB_CONNECT_MS	2000
#define LIMIT_OUT_WEB_TOTAL_MS		5000
#define LIMIT_OUT_SYNC_CONNECT_MS	5000
#define LIMIT_OUT_SYNC_TOTAL_MS		30000	/* sync's default: CHARTER_SYNC_TIMEOUT_MS */
#define LIMIT_SYNC_RECONNECT_MS	2000		/* sync waits this between tries */
#define LIMIT_SYNC_REOPEN_S	30		/* a target that cannot start */
/* Rows a sync worker claims (and settles) in one round trip each, from as
 * many streams: a row waits for its batch's finish, so big enough to spare
 * round trips under a backlog, small enough that a SIGKILL re-sends little. */
#define LIMIT_SYNC_BATCH	16
#define LIMIT_WATCH_MS		2000		/* serve's change listener reconnects */

/* DynamoDB (src/dynamo.c, src/dynamo_json.c, src/sync_dynamo.c) */
#define LIMIT_DYNAMO_DEPTH	32		/* nesting DynamoDB stores at most */
#define LIMIT_DYNAMO_ANSWER	(2 * 1024 * 1024) /* an answer; a Query page is <= 1 MB */
#define LIMIT_DYNAMO_PAGES	16		/* Query pages read for one booking */
#define LIMIT_DYNAMO_WAIT_S	120		/* create-table waits this for ACTIVE */
#define LIMIT_DYNAMO_REF	4096		/* crew ids in sync_refs; longer: Query */

/* The SCC and calendar targets (src/sync_rest.c): their answers are small
 * JSON objects; what a refusal said is kept in last_error cut to
 * LIMIT_SYNC_MESSAGE_LEN bytes; the ids they hand back are at most
 * LIMIT_SYNC_REF_LEN bytes (sync_refs). */
#define LIMIT_SYNC_ANSWER_BYTES	(64 * 1024)
#define LIMIT_SYNC_MESSAGE_LEN	200
#define LIMIT_SYNC_REF_LEN	128

/* Process lifecycle (src/prefork.c, src/listener.c) */
#define LIMIT_CHILDREN		256		/* CHARTER_WORKERS at most */
#define LIMIT_BACKLOG		1024		/* listen() queue */
#define LIMIT_DRAIN_SECONDS	30		/* in-flight work, then SIGKILL */
#define LIMIT_HANDOVER_SECONDS	30		/* SIGUSR2: successor must be ready */
#define LIMIT_RESPAWN_MS	1000		/* a child that dies younger waits this */

#define LIMIT_PHOTO_BYTES	(25 * 1024 * 1024)	/* default, configurable */
#define LIMIT_PHOTO_QUOTA	500			/* default, per booking */
#define LIMIT_FILENAME_LEN	255

/* The default photo upload window around a charter; the SQL that applies
 * it (sql/001_schema.sql, 002_views.sql) must say the same: test-limits. */
#define LIMIT_UPLOAD_OPENS_BEFORE_H	2	/* hours before departure */
#define LIMIT_UPLOAD_CLOSES_AFTER_H	72	/* hours after return */

/* Staff passwords: Argon2id at least at OWASP's minimum (m=19 MiB, t=2,
 * p=1); hashes carry their cost, and a login at a lower one rehashes. */
#define LIMIT_ARGON2_M_KIB	19456
#define LIMIT_ARGON2_T		2
#define LIMIT_ARGON2_P		1
#define LIMIT_PASSWORD_MIN	10		/* characters of a new password */
#define LIMIT_PASSWORD_INPUT	1024		/* bytes: longer is refused */

/* Start-up and bookkeeping sizes. */
#define LIMIT_SLUG_ATTEMPTS	4		/* a slug's 41 random bits collide about never */
#define LIMIT_MIGRATIONS	512		/* files in the migrations folder */
#define LIMIT_ROLES_ATTEMPTS	10		/* migrate: tries when another migration of the cluster changes the roles too */
#define LIMIT_MIGRATION_BYTES	(1024 * 1024)	/* one migration file */
#define LIMIT_PASSFILE_BYTES	(64 * 1024)	/* libpq passfile migrate reads */
#define LIMIT_PASSWORD_LEN	255		/* a role's password in it */
#define LIMIT_PASSFILE_FIELD	1024		/* longer fields never match */
#define LIMIT_CONNINFO_KEYS	64		/* keywords in CHARTER_DATABASE_URL */
#define LIMIT_PAGE_CACHE_SLOTS	64		/* guest pages a worker keeps */
#define LIMIT_PAGE_CACHE_PAGE	(256 * 1024)	/* larger pages are not kept */

/* Input validation (src/valid.c, src/booking_input.c) */
#define LIMIT_EMAIL_LOCAL	64		/* part before the @ */
#define LIMIT_TZ_LEN		64		/* IANA time zone name */
#define LIMIT_PARTY_SIZE	200		/* guests per booking */
#define LIMIT_CHARTER_SECS	(7 * 24 * 3600)	/* ends_at - starts_at */
#define LIMIT_FIELD_NAME	64		/* unknown key echoed in errors */

/* The crew calendar feed (src/crew_feed_page.c, sql/012_crew_feeds.sql) */
#define LIMIT_FEED_DAYS_BACK	30		/* charters that ended this long ago */
#define LIMIT_FEED_EVENTS	1000		/* charters in one feed: the first by start */
#define LIMIT_FEED_ZONES	16		/* VTIMEZONEs; charters past them in UTC */
#define LIMIT_FEED_ETAGS	8		/* If-None-Match tags looked at */
#define LIMIT_FEED_URL		1024		/* a feed's URL */
#define LIMIT_FEED_CACHE_SLOTS	8		/* feeds a worker keeps rendered */
#define LIMIT_FEED_CACHE_BYTES	(256 * 1024)	/* larger feeds are not kept */

/* Revenue reconciliation (src/recon_filter.c, src/svg_chart.c) */
#define LIMIT_RECON_MONTHS	60		/* months one request covers: five years */
#define LIMIT_CHART_BARS	120		/* bars in one chart */
/* A bar's value either way: ten trillion dollars, far past any real sum
 * and far from overflowing the scale's arithmetic. */
#define LIMIT_CHART_CENTS	1000000000000000LL
/* The crew roster and trip settlements (src/admin_crew.c, src/crew_settle.c) */
#define LIMIT_ROSTER_ROWS	500		/* crew on one roster page */
#define LIMIT_RECEIPTS_PER_BOOKING 20		/* receipt uploads one trip may start */
/* GET /api/bookings (src/api_bookings.c) */
#define LIMIT_LIST_BOOKINGS	500		/* bookings in one answer */
#define LIMIT_LIST_DAYS		366		/* its from .. to, at most */

#endif
