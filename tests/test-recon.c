/* test-recon.c: the reconciliation's filter (dates, range bound, unknown keys, the page's defaults and presets) and its CSV */
#include <string.h>

#include "recon_csv.h"
#include "recon_filter.h"
#include "tap.h"

#define TODAY	"2025-05-17"

static const struct {
	const char	*query;
	enum recon_mode	 mode;
	const char	*from, *to, *vessel;	/* want; from NULL: refused */
	int		 months;
	const char	*field, *code;		/* when refused */
} cases[] = {
	/* The API: exactly what it is given. */
	{ "from=2025-01-01&to=2025-12-31", RECON_API, "2025-01-01", "2025-12-31",
	  "", 12, NULL, NULL },
	{ "from=2025-01-31&to=2025-01-31&vessel=Sea%20Otter", RECON_API,
	  "2025-01-31", "2025-01-31", "Sea Otter", 1, NULL, NULL },
	{ "from=2024-02-29&to=2024-03-01", RECON_API, "2024-02-29", "2024-03-01",
	  "", 2, NULL, NULL },
	{ "from=2021-01-01&to=2025-12-31", RECON_API, "2021-01-01", "2025-12-31",
	  "", 60, NULL, NULL },
	{ "vessel=&from=2025-01-01&to=2025-01-02", RECON_API, "2025-01-01",
	  "2025-01-02", "", 1, NULL, NULL },
	{ "from=2021-01-01&to=2026-01-01", RECON_API, NULL, NULL, NULL, 0,
	  "to", "out_of_range" },
	{ "from=2025-02-01&to=2025-01-31", RECON_API, NULL, NULL, NULL, 0,
	  "to", "invalid" },
	{ "to=2025-01-31", RECON_API, NULL, NULL, NULL, 0, "from", "missing" },
	{ "from=2025-01-31", RECON_API, NULL, NULL, NULL, 0, "to", "missing" },
	{ "from=&to=2025-01-31", RECON_API, NULL, NULL, NULL, 0, "from",
	  "missing" },
	{ "from=2025-02-30&to=2025-03-01", RECON_API, NULL, NULL, NULL, 0,
	  "from", "invalid" },
	{ "from=2023-02-29&to=2023-03-01", RECON_API, NULL, NULL, NULL, 0,
	  "from", "invalid" },
	{ "from=2025-1-1&to=2025-03-01", RECON_API, NULL, NULL, NULL, 0,
	  "from", "invalid" },
	{ "from=2025-01-01T00:00&to=2025-03-01", RECON_API, NULL, NULL, NULL, 0,
	  "from", "invalid" },
	{ "from=0000-01-01&to=2025-03-01", RECON_API, NULL, NULL, NULL, 0,
	  "from", "invalid" },
	{ "from=2025-01-01&to=2025-13-01", RECON_API, NULL, NULL, NULL, 0,
	  "to", "invalid" },
	{ "from=2025-01-01&to=%2B2025-01-0", RECON_API, NULL, NULL, NULL, 0,
	  "to", "invalid" },
	{ "from=2025-01-01&to=2025-01-31&limit=5", RECON_API, NULL, NULL, NULL,
	  0, "limit", "unknown_field" },
	{ "from=2025-01-01&to=2025-01-31&%3Cx%3E=1", RECON_API, NULL, NULL, NULL,
	  0, "?x?", "unknown_field" },
	{ "from=2025-01-01&to=2025-01-31&from=2020-01-01", RECON_API, NULL, NULL,
	  NULL, 0, "from", "invalid" },
	{ "from=2025-01-01&to=2025-01-31&vessel=a%0Ab", RECON_API, NULL, NULL,
	  NULL, 0, "vessel", "invalid" },
	{ "from=2025-01-01&to=2025-01-31&vessel="
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "x", RECON_API, NULL, NULL, NULL, 0, "vessel", "too_long" },
	/* The page: defaults, and other keys ignored. */
	{ "", RECON_PAGE, "2024-06-01", "2025-05-31", "", 12, NULL, NULL },
	{ "from=&to=&vessel=&format=csv&x=1", RECON_PAGE, "2024-06-01",
	  "2025-05-31", "", 12, NULL, NULL },
	{ "from=2025-01-15", RECON_PAGE, "2025-01-15", "2025-12-31", "", 12,
	  NULL, NULL },
	{ "to=2025-02-10", RECON_PAGE, "2024-03-01", "2025-02-10", "", 12,
	  NULL, NULL },
	{ "from=9999-05-01", RECON_PAGE, "9999-05-01", "9999-12-31", "", 8,
	  NULL, NULL },
	{ "to=0001-02-10", RECON_PAGE, "0001-01-01", "0001-02-10", "", 2,
	  NULL, NULL },
	{ "from=2025-01-01&to=2025-01-01&from=2024-01-01", RECON_PAGE,
	  "2025-01-01", "2025-01-01", "", 1, NULL, NULL },
	{ "from=junk", RECON_PAGE, NULL, NULL, NULL, 0, "from", "invalid" },
	{ "from=2019-01-01&to=2025-01-01", RECON_PAGE, NULL, NULL, NULL, 0,
	  "to", "out_of_range" },
};

static const char *fixture =
	"{\"from\":\"2025-01-01\",\"to\":\"2025-01-31\",\"bookings\":["
	"{\"id\":7,\"slug\":\"ada-x1\",\"guest_name\":\"=HYPERLINK(\\\"http://x\\\",\\\"y\\\")\","
	"\"vessel\":\"Sea Otter, 46.1\",\"time_zone\":\"America/Los_Angeles\","
	"\"starts_at\":\"2025-01-31T23:30:00-08:00\",\"date\":\"2025-01-31\","
	"\"month\":\"2025-01\",\"revenue_cents\":185000,\"crew_cost_cents\":52250,"
	"\"port_fee_cents\":4500,\"captain_fee_cents\":35000,\"fuel_cents\":null,"
	"\"net_cents\":93250,\"margin_pct\":50.4,\"settled\":false,\"returned_at\":null,"
	"\"crew_cost_planned_cents\":52250,\"crew_cost_actual_cents\":null,"
	"\"port_fee_planned_cents\":4500,\"port_fee_actual_cents\":null,"
	"\"net_planned_cents\":93250,\"hours_planned\":11.0,\"hours_actual\":null},"
	"{\"id\":8,\"slug\":\"loss-x2\",\"guest_name\":\"-Loss, \\\"Leader\\\"\","
	"\"vessel\":\"Jada\",\"time_zone\":\"UTC\",\"starts_at\":\"2025-01-02T10:00:00+00:00\","
	"\"date\":\"2025-01-02\",\"month\":\"2025-01\",\"revenue_cents\":10000,"
	"\"crew_cost_cents\":20001,\"port_fee_cents\":0,\"captain_fee_cents\":0,"
	"\"fuel_cents\":1234,\"net_cents\":-10001,\"margin_pct\":-100.0,\"settled\":true,"
	"\"returned_at\":\"2025-01-02T18:00:00+00:00\",\"crew_cost_planned_cents\":15000,"
	"\"crew_cost_actual_cents\":20001,\"port_fee_planned_cents\":500,"
	"\"port_fee_actual_cents\":0,\"net_planned_cents\":-5500,\"hours_planned\":5,"
	"\"hours_actual\":6.67}]}";

int
main(void)
{
	struct kvlist		 args;
	struct recon_filter	 f;
	struct field_error	 err;
	struct buf		 b = { 0 };
	json_t			*recon;
	char			 from[11], to[11], name[128], today[11];
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (kv_parse_query(cases[i].query, strlen(cases[i].query), &args,
		    LIMIT_QUERY_PAIRS) != KV_OK) {
			ok(0, "query %zu parses", i);
			continue;
		}
		rc = recon_filter_read(&args, cases[i].mode, TODAY, &f, &err);
		if (cases[i].from != NULL) {
			ok(rc == 0 && strcmp(f.from, cases[i].from) == 0 &&
			    strcmp(f.to, cases[i].to) == 0 &&
			    strcmp(f.vessel, cases[i].vessel) == 0 &&
			    f.months == cases[i].months,
			    "%s: %s %s [%s] %d", cases[i].query[0] ? cases[i].query :
			    "(nothing)", cases[i].from, cases[i].to,
			    cases[i].vessel, cases[i].months);
			if (rc != 0)
				printf("#   refused: %s %s: %s\n", err.field,
				    err.code, err.message);
		} else {
			ok(rc == -1 && strcmp(err.field, cases[i].field) == 0 &&
			    strcmp(err.code, cases[i].code) == 0 &&
			    err.message[0] != '\0', "%.60s: refused, %s %s",
			    cases[i].query, cases[i].field, cases[i].code);
			if (rc == -1)
				printf("#   %s %s: %s\n", err.field, err.code,
				    err.message);
		}
		kv_free(&args);
	}

	recon_today(0, today);
	is_str(today, "1970-01-01", "today at the epoch");
	recon_today(1747440000LL * 1000000 + 999999, today);
	is_str(today, "2025-05-17", "today in 2025");

	ok(recon_preset(RECON_LAST_12_MONTHS, TODAY, from, to) == 0 &&
	    strcmp(from, "2024-06-01") == 0 && strcmp(to, "2025-05-31") == 0,
	    "last 12 months");
	ok(recon_preset(RECON_LAST_QUARTER, TODAY, from, to) == 0 &&
	    strcmp(from, "2025-01-01") == 0 && strcmp(to, "2025-03-31") == 0,
	    "last quarter in May is January to March");
	ok(recon_preset(RECON_LAST_QUARTER, "2025-02-01", from, to) == 0 &&
	    strcmp(from, "2024-10-01") == 0 && strcmp(to, "2024-12-31") == 0,
	    "last quarter in February is last year's fourth");
	ok(recon_preset(RECON_THIS_YEAR, TODAY, from, to) == 0 &&
	    strcmp(from, "2025-01-01") == 0 && strcmp(to, "2025-12-31") == 0,
	    "this year");
	ok(recon_preset(RECON_LAST_YEAR, TODAY, from, to) == 0 &&
	    strcmp(from, "2024-01-01") == 0 && strcmp(to, "2024-12-31") == 0,
	    "last year");
	is_int(recon_preset(RECON_PRESET__MAX, TODAY, from, to), -1,
	    "no such preset");
	is_int(recon_preset(RECON_LAST_YEAR, "2025-02-30", from, to), -1,
	    "no such day");

	/* CSV. */
	recon = json_loads(fixture, 0, NULL);
	ok(recon != NULL && recon_csv(recon, &b) == 0, "a reconciliation as CSV");
	is_str(buf_str(&b), "\xEF\xBB\xBF"
	    "Date,Month,Booking,Slug,Guest,Vessel,Revenue,Crew cost,Port fee,"
	    "Captain fee,Net,Margin %,Settled,Crew cost planned,Crew cost actual,"
	    "Port fee planned,Port fee actual,Net planned,Fuel,Hours planned,"
	    "Hours actual,Departure,Returned,Time zone\r\n"
	    "2025-01-31,2025-01,7,ada-x1,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","
	    "\"Sea Otter, 46.1\",1850.00,522.50,45.00,350.00,932.50,50.4,no,"
	    "522.50,,45.00,,932.50,,11.00,,2025-01-31T23:30:00-08:00,,"
	    "America/Los_Angeles\r\n"
	    "2025-01-02,2025-01,8,loss-x2,\"'-Loss, \"\"Leader\"\"\",Jada,100.00,"
	    "200.01,0.00,0.00,-100.01,-100.0,yes,150.00,200.01,5.00,0.00,-55.00,"
	    "12.34,5.00,6.67,2025-01-02T10:00:00+00:00,2025-01-02T18:00:00+00:00,"
	    "UTC\r\n", "header, then a row per booking: money as decimals, "
	    "a loss as a negative number, text that looks like a formula as "
	    "text, nulls empty");
	json_decref(recon);
	buf_reset(&b);
	recon = json_pack("{s:[]}", "bookings");
	ok(recon_csv(recon, &b) == 0 && strstr(buf_str(&b), "\r\n") ==
	    buf_str(&b) + b.len - 2, "no bookings: the header alone");
	json_decref(recon);
	recon = json_pack("{s:{}}", "bookings");
	is_int(recon_csv(recon, &b), -1, "bookings that are not a list: refused");
	json_decref(recon);

	recon_csv_filename("2025-01-01", "2025-03-31", "", name, sizeof(name));
	is_str(name, "reconciliation-2025-01-01-to-2025-03-31.csv",
	    "a file name for every vessel");
	recon_csv_filename("2025-01-01", "2025-03-31",
	    "Sea Otter (Beneteau Oceanis 46.1)", name, sizeof(name));
	is_str(name, "reconciliation-2025-01-01-to-2025-03-31-sea-otter-"
	    "beneteau-oceanis-46-1.csv", "and for one vessel");
	recon_csv_filename("2025-01-01", "2025-03-31", "\"; x=\r\n../é",
	    name, sizeof(name));
	is_str(name, "reconciliation-2025-01-01-to-2025-03-31-x.csv",
	    "nothing but letters, digits and hyphens");
	recon_csv_filename("2025-01-01", "2025-03-31", "Ünïcode only ☃",
	    name, sizeof(name));
	is_str(name, "reconciliation-2025-01-01-to-2025-03-31-n-code-only.csv",
	    "other characters are hyphens, never doubled");

	buf_free(&b);
	return tap_done();
}
