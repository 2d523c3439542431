/*
 * error.c - the per-thread error slot behind error.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cordon/error.h"

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
	cdn_utf8_scrub(last.field);
	cdn_utf8_scrub(last.message);
	return code;
}

/* The length of the well-formed UTF-8 character at `p` (RFC 3629: no
 * overlong forms, surrogates or code points past U+10FFFF), 0 if there is
 * none, -1 if it is cut short by the end of the string. */
static int
utf8_char(const unsigned char *p)
{
	int n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	for (int i = 1; i < n; i++) {
		if (p[i] == '\0')
			return -1;
		if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf))
			return 0;
	}
	return n;
}

void
cdn_utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		int n = utf8_char(p);

		if (n < 0) {
			*p = '\0';
			break;
		}
		if (n == 0)
			*p++ = '?';
		else
			p += n;
	}
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
}

int
cdn_error_exit_code(int code)
{
	switch (code) {
	case CDN_OK:
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
}
