/* log.c: one-line diagnostics to stderr, each tagged with the calling function */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char	*log_tag = "charterd";
static enum log_level	 log_max = LOG_LVL_INFO;

void
log_init(const char *tag, enum log_level max)
{
	log_tag = tag;
	log_max = max;
}

void
log_msg(enum log_level lvl, const char *func, const char *fmt, ...)
{
	static const char *names[] = { "error", "warn", "info", "debug" };
	char		 line[2048], stamp[32];
	struct tm	 tm;
	time_t		 now;
	va_list		 ap;
	int		 n;

	if (lvl > log_max)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof(line), "%s %s[%d] %s %s: ", stamp,
	    log_tag, (int)getpid(), names[lvl], func);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* One write per line so lines from several workers do not interleave. */
	fprintf(stderr, "%s\n", line);
}
