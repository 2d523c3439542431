/*
 * filters.c - the filters a list takes, and a count over one (filters.h):
 * where=FIELD=VALUE (repeatable), since, until, tag, linked, and for
 * alerts the shorthands status, rule, severity and ref. One parser, so
 * that /api/v1/KINDS and /api/v1/stats take them alike; FIELD=VALUE, the
 * values the shorthands take and numbers are read by the library's
 * (query.h), as the command line reads them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/error.h"
#include "cordon/query.h"
#include "cordon/record.h"
#include "filters.h"

void
http_arg_name(const char *key, char *buf, size_t cap)
{
	/* Written back in JSON: a name in letters (as a FIELD is), or none. */
	snprintf(buf, cap, "%s", cdn_where_field_ok(key, strlen(key)) ? key :
	    "(a name not written in letters)");
}

/* Note the first filter given wrong, and why if the library said. */
static void
bad(struct http_filters *f, const char *what, int said)
{
	if (!f->bad) {
		f->bad = what;
		if (said)
			f->err = *cdn_error_last();
	}
	if (said)
		cdn_error_clear();
}

int
http_filter_take(struct http_filters *f, const char *key, const char *value)
{
	static const char *const plain_args[] = { "since", "until", "tag", "linked", NULL };

	for (int i = 0; plain_args[i]; i++)
		if (http_is(key, plain_args[i]))
			return 1;	/* read with http_arg */
	/* Alerts are triaged by status, rule and severity, and found by the
	 * records they name: shorthands for where. */
	if (f->kind == CDN_ALERT && (http_is(key, "status") || http_is(key, "rule") ||
	    http_is(key, "severity") || http_is(key, "ref"))) {
		const char *path = http_is(key, "ref") ? "refs" : key;

		if (!value || !*value)
			bad(f, key, 0);
		else if (cdn_where_enum(&f->w, key, f->kind, path, value) != 0)
			bad(f, key, 1);
		return 1;
	}
	if (!http_is(key, "where"))
		return 0;
	if (cdn_where_parse(&f->w, "where", value) != 0)
		bad(f, "where", 1);
	return 1;
}

int
http_filters_query(struct http_req *r, struct http_filters *f, struct cdn_query *q,
    enum MHD_Result *res)
{
	struct cdn_id lid;

	if (f->bad) {
		if (f->err.code == CDN_ENOMEM)
			*res = http_error(r, 500, "internal", NULL, "out of memory");
		else if (f->err.code)
			*res = http_error(r, 400, "bad_request", f->err.field, "%s", f->err.message);
		else
			*res = http_error(r, 400, "bad_request", f->bad, "%s must have a value", f->bad);
		return -1;
	}
	q->kind = f->kind;
	q->where = f->w.c;
	q->nwhere = f->w.n;
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
	cdn_where_free(&f->w);
}
