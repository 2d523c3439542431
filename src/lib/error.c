/*
 * error.c - the per-thread error slot behind error.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cordon/error.h"
#include "cordon/text.h"

static _Thread_local struct cdn_error last;

int
cdn_error_set(int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	last.code = code;
	snprintf(last.field, sizeof last.field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(last.message, sizeof last.message, fmt, ap);
	va_end(ap);
	/* Messages quote what they were given, cut to a few bytes ("%.40s")
	 * or cut at the end: a character is never cut in two. */
	cdn_utf8_repair(last.field);
	cdn_utf8_repair(last.message);
	return code;
}

const struct cdn_error *
cdn_error_last(void)
{
	return &last;
}

void
cdn_error_clear(void)
{
	memset(&last, 0, sizeof last);
}

void
cdn_error_prefix_field(const char *prefix)
{
	char buf[CDN_FIELD_MAX];

	if (!prefix || !*prefix)
		return;
	if (last.field[0] == '\0' || last.field[0] == '[')
		snprintf(buf, sizeof buf, "%s%s", prefix, last.field);
	else
		snprintf(buf, sizeof buf, "%s.%s", prefix, last.field);
	memcpy(last.field, buf, sizeof buf);
	cdn_utf8_repair(last.field);
}

int
cdn_error_exit_code(int code)
{
	switch (code) {
	case CDN_OK:
	case CDN_ERULES:	/* the write is in */
		return 0;
	case CDN_EUSAGE:
		return 2;
	case CDN_ENOTFOUND:
		return 3;
	case CDN_ECONFLICT:
		return 4;
	default:
		return 1;
	}
}

void
cdn_error_format(const struct cdn_error *e, char *buf, unsigned long len)
{
	if (e->field[0])
		snprintf(buf, len, "%s: %s", e->field, e->message);
	else
		snprintf(buf, len, "%s", e->message);
	if (len > 0)
		cdn_utf8_repair(buf);
}
