/*
 * filters.c - the filters a list takes, and a count over one (filters.h):
 * where=FIELD=VALUE (repeatable), since, until, tag, linked, and for
 * alerts the shorthands status, rule, severity and ref. One parser, so
 * that /api/v1/KINDS and /api/v1/stats take them alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/error.h"
#include "cordon/record.h"
#include "filters.h"

/* The values the alert shorthands take (alert.h, rules.h). */
static int
alert_value_ok(const char *key, const char *value)
{
	static const char *const ok[][6] = {
		{ "status", "new", "acknowledged", "escalated", "dismissed", "promoted" },
		{ "severity", "low", "medium", "high", "critical", NULL },
	};

	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		if (!http_is(key, ok[i][0]))
			continue;
		for (size_t j = 1; j < 6 && ok[i][j]; j++)
			if (http_is(value, ok[i][j]))
				return 1;
		return 0;
	}
	return 1;
}

/* A name as it can be written back in an error (JSON wants UTF-8):
 * letters, digits, '_', '-' and '.'. */
static int
plain(const char *s, size_t len)
{
	if (len == 0 || len > 200)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

void
http_arg_name(const char *key, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s", plain(key, strlen(key)) ? key : "(a name not written in letters)");
}

static void
bad(struct http_filters *f, const char *what)
{
	if (!f->bad)
		f->bad = what;
}

int
http_filter_take(struct http_filters *f, const char *key, const char *value)
{
	static const char *const plain_args[] = { "since", "until", "tag", "linked", NULL };
	char *eq;

	for (int i = 0; plain_args[i]; i++)
		if (http_is(key, plain_args[i]))
			return 1;	/* read with http_arg */
	/* Alerts are triaged by status, rule and severity, and found by the
	 * records they name: shorthands for where. */
	if (f->kind == CDN_ALERT && (http_is(key, "status") || http_is(key, "rule") ||
	    http_is(key, "severity") || http_is(key, "ref"))) {
		const char *path = http_is(key, "ref") ? "refs" : key;

		if (f->n == HTTP_WHERE_MAX || !value || !*value || !alert_value_ok(key, value))
			bad(f, f->n == HTTP_WHERE_MAX ? "where" : key);
		else
			f->c[f->n++] = (struct cdn_cond){ path, value };
		return 1;
	}
	if (!http_is(key, "where"))
		return 0;
	if (f->n == HTTP_WHERE_MAX || !value || (eq = strchr(value, '=')) == NULL ||
	    !plain(value, (size_t)(eq - value)) || (f->buf[f->n] = strdup(value)) == NULL) {
		bad(f, "where");
		return 1;
	}
	f->buf[f->n][eq - value] = '\0';
	f->c[f->n].path = f->buf[f->n];
	f->c[f->n].value = f->buf[f->n] + (eq - value) + 1;
	f->n++;
	return 1;
}

int
http_filters_query(struct http_req *r, struct http_filters *f, struct cdn_query *q,
    enum MHD_Result *res)
{
	struct cdn_id lid;

	if (f->bad) {
		if (http_is(f->bad, "where"))
			*res = http_error(r, 400, "bad_request", "where", "where must be FIELD=VALUE, "
			    "FIELD a dotted path (at most %d filters)", HTTP_WHERE_MAX);
		else if (http_is(f->bad, "status"))
			*res = http_error(r, 400, "bad_request", "status", "status is new, acknowledged, "
			    "escalated, dismissed or promoted");
		else if (http_is(f->bad, "severity"))
			*res = http_error(r, 400, "bad_request", "severity", "severity is low, medium, "
			    "high or critical");
		else
			*res = http_error(r, 400, "bad_request", f->bad, "%s must have a value", f->bad);
		return -1;
	}
	q->kind = f->kind;
	q->where = f->c;
	q->nwhere = f->n;
	q->since = http_arg(r, "since");
	q->until = http_arg(r, "until");
	q->tag = http_arg(r, "tag");
	q->linked = http_arg(r, "linked");
	if (q->linked && cdn_id_parse(q->linked, &lid) != 0) {
		cdn_error_clear();
		*res = http_error(r, 400, "bad_request", "linked", "linked must be a record id");
		return -1;
	}
	return 0;
}

void
http_filters_free(struct http_filters *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->buf[i]);
	f->n = 0;
}
