/*
 * filters.h - the filters a list takes, and a count over one (filters.c).
 * Over request.h only.
 */
#ifndef CORDON_HTTP_FILTERS_H
#define CORDON_HTTP_FILTERS_H

#include "cordon/error.h"
#include "cordon/query.h"
#include "request.h"

/* where=FIELD=VALUE (repeatable, read by cdn_where_parse as the command
 * line's --where is), since, until, tag, linked; for alerts status, rule,
 * severity and ref. Zeroed, with `kind` set, before use. */
struct http_filters {
	enum cdn_kind kind;
	struct cdn_where w;
	const char *bad;	/* the first filter given wrong */
	struct cdn_error err;	/* why, if the library said */
};

/* From a query-string walk: 1 if `key` is a filter (taken, or noted as
 * given wrong), 0 if not. */
int http_filter_take(struct http_filters *f, const char *key, const char *value);
/* The filters into `q` (its kind too): 0, or a 400 naming the filter given
 * wrong queued, its result in *res. */
int http_filters_query(struct http_req *r, struct http_filters *f, struct cdn_query *q,
    enum MHD_Result *res);
void http_filters_free(struct http_filters *f);

/* A query-string name as an error may write it back (JSON is UTF-8). */
void http_arg_name(const char *key, char *buf, size_t cap);

#endif
