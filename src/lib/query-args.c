/*
 * query-args.c - a query as a user writes it (query.h): the numbers that
 * bound it and its FIELD=VALUE conditions, read alike by the command line
 * and the HTTP API.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/error.h"
#include "cordon/query.h"
#include "schema.h"

#define PATH_MAX_LEN 200

int
cdn_query_number(const char *name, const char *text, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t n = 0;
	size_t i;

	name = name ? name : "the number";
	for (i = 0; text && text[i]; i++) {
		if (text[i] < '0' || text[i] > '9' || i >= 19)
			break;
		n = n * 10 + (uint64_t)(text[i] - '0');
	}
	if (!text || i == 0 || text[i] || n < lo || n > hi) {
		if (hi >= INT64_MAX)
			return cdn_error_set(CDN_EUSAGE, name, "%s must be a whole number, %" PRIu64
			    " or more", name, lo);
		return cdn_error_set(CDN_EUSAGE, name, "%s must be %" PRIu64 " to %" PRIu64, name, lo,
		    hi);
	}
	*out = n;
	return 0;
}

/* A path as it can be written back in an error and looked up in the
 * schema: letters, digits, '_', '-' and '.'. */
int
cdn_where_field_ok(const char *s, size_t len)
{
	if (len == 0 || len > PATH_MAX_LEN)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

static int
too_many(const char *name)
{
	return cdn_error_set(CDN_EUSAGE, name, "at most %d %s conditions", CDN_WHERE_MAX, name);
}

int
cdn_where_parse(struct cdn_where *w, const char *name, const char *text)
{
	const char *eq = text ? strchr(text, '=') : NULL;
	char *copy;

	if (w->n == CDN_WHERE_MAX)
		return too_many(name);
	if (!eq || !cdn_where_field_ok(text, (size_t)(eq - text)))
		return cdn_error_set(CDN_EUSAGE, name, "%s must be FIELD=VALUE, FIELD a dotted path",
		    name);
	if ((copy = strdup(text)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	copy[eq - text] = '\0';
	w->buf[w->n] = copy;
	w->c[w->n].path = copy;
	w->c[w->n].value = copy + (eq - text) + 1;
	w->n++;
	return 0;
}

int
cdn_where_add(struct cdn_where *w, const char *name, const char *path, const char *value)
{
	if (w->n == CDN_WHERE_MAX)
		return too_many(name);
	w->buf[w->n] = NULL;
	w->c[w->n].path = path;
	w->c[w->n].value = value;
	w->n++;
	return 0;
}

int
cdn_where_enum(struct cdn_where *w, const char *name, enum cdn_kind kind, const char *path,
    const char *value)
{
	const struct cdn_field *f = cdn_schema_lookup(kind, path);
	char list[256] = "";
	size_t n = 0;

	if (f && f->type == FT_ENUM && !((f->flags & F_CUSTOM) && strncmp(value, "x-", 2) == 0)) {
		for (size_t i = 0; f->values[i]; i++) {
			if (strcmp(f->values[i], value) == 0)
				return cdn_where_add(w, name, path, value);
			n = strlen(list);
			snprintf(list + n, sizeof list - n, "%s%s", i == 0 ? "" : f->values[i + 1] ?
			    ", " : " or ", f->values[i]);
		}
		return cdn_error_set(CDN_EUSAGE, name, "%s is %s", name, list);
	}
	return cdn_where_add(w, name, path, value);
}

void
cdn_where_free(struct cdn_where *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->buf[i]);
	w->n = 0;
}
