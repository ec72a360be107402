/* log.h: one-line diagnostics to stderr, each tagged with the calling function */
#ifndef CHARTERD_LOG_H
#define CHARTERD_LOG_H

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Sets the program tag and the most verbose level printed. */
void	log_init(const char *tag, enum log_level max);
void	log_msg(enum log_level, const char *func, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Never pass a token, key, password, cookie or full magic-link URL. */
#define log_err(...)	log_msg(LOG_LVL_ERR, __func__, __VA_ARGS__)
#define log_warnx(...)	log_msg(LOG_LVL_WARN, __func__, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __func__, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __func__, __VA_ARGS__)

#endif
