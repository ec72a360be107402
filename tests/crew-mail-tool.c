/* crew-mail-tool.c: renders a crew link's invitation mail as the mail target
 * would (crew_mail_prepare as charterd_sync, with sync's configuration from
 * the environment) and prints it; used by tests/integration/crew-leak.sh */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "config.h"
#include "crew_mail.h"
#include "log.h"

static void
usage(void)
{
	fprintf(stderr, "usage: crew-mail-tool LINK_ID [sent]\n"
	    "prints To, Subject, the text and the HTML part, each after a "
	    "line \"--- name\"; with \"sent\", then records the mail as sent "
	    "(the link's nonce is erased). Exit 0 sent/printed, 2 nothing to "
	    "send, 1 error. Environment: charterd sync's (sync.env).\n");
}

int
main(int argc, char *argv[])
{
	struct config	 cfg;
	struct app	 app;
	struct tmpl_set	*tmpl;
	struct crew_mail m;
	struct timespec	 ts;
	json_t		*payload;
	char		 err[512], *end;
	long long	 link_id;
	int		 rc = 1;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "sent") != 0)) {
		usage();
		return 1;
	}
	errno = 0;
	link_id = strtoll(argv[1], &end, 10);
	if (errno != 0 || *end != '\0' || link_id < 1) {
		usage();
		return 1;
	}
	log_init("crew-mail-tool", LOG_LVL_WARN);
	if (config_load(&cfg, CMD_SYNC, err, sizeof(err)) == -1 ||
	    (tmpl = tmpl_set_load(cfg.template_dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "crew-mail-tool: %s\n", err);
		return 1;
	}
	db_passwords_load(cfg.database_url);
	app_init(&app, &cfg, tmpl, NULL);
	clock_gettime(CLOCK_REALTIME, &ts);
	payload = json_pack("{s:I}", "link_id", (json_int_t)link_id);
	if (db_ready(app_db(&app, AUD_SYNC)) == -1)
		goto out;
	switch (crew_mail_prepare(&app, app_db(&app, AUD_SYNC), payload,
	    (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, &m)) {
	case CREW_MAIL_SEND:
		printf("--- to\n%s\n--- subject\n%s\n--- text\n%s--- html\n%s",
		    m.to, buf_str(&m.subject), buf_str(&m.text),
		    buf_str(&m.html));
		rc = argc == 3 && crew_mail_sent(app_db(&app, AUD_SYNC), &m) !=
		    DB_OK ? 1 : 0;
		break;
	case CREW_MAIL_SKIP:
		rc = 2;
		break;
	default:
		rc = 1;
		break;
	}
	crew_mail_free(&m);
out:
	json_decref(payload);
	app_close(&app);
	tmpl_set_free(tmpl);
	return rc;
}
