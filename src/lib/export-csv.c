/*
 * export-csv.c - what a partner receives as CSV for spreadsheets: one row
 * per shared seizure and the alert or case it is shared with (export.h).
 *
 * Columns are named as in `cordon import` (dotted paths of the seizure)
 * after those of what shares it. Text a spreadsheet would take for a
 * formula (starting with = + - @, a tab or a carriage return) is written
 * with a leading apostrophe, so that opening the file runs nothing.
 */
#include <stdio.h>
#include <string.h>

#include "cordon/export.h"
#include "cordon/record.h"
#include "cordon/share.h"
#include "internal.h"
#include "json.h"

static const char *const columns[] = {
	"shared_as", "shared_as.label", "rule", "severity", "status",
	"seizure", "occurred_at", "commodity.category", "commodity.description",
	"commodity.hs_code", "commodity.species", "quantity.amount", "quantity.unit",
	"value.amount", "value.currency", "location.office", "location.place",
	"location.country", "location.type", "direction", "transport_mode",
	"concealment.method", "concealment.detail", "detection", "route",
	"route.origin", "route.transit", "route.destination", "tlp", NULL
};

struct csv {
	FILE *out;
	uint64_t rows;
	int err;
};

static void
cell(struct csv *c, const char *s, int first)
{
	if (!first)
		fputc(',', c->out);
	if (!s)
		return;
	if (strpbrk(s, ",\"\r\n") || strchr("=+-@\t\r", s[0])) {
		fputc('"', c->out);
		if (s[0] && strchr("=+-@\t\r", s[0]))
			fputc('\'', c->out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', c->out);
			fputc(*s, c->out);
		}
		fputc('"', c->out);
	} else {
		fputs(s, c->out);
	}
}

/* A value as cell text: strings as they are, numbers in their shortest
 * exact form, arrays of strings joined by spaces. */
static const char *
text(json_t *v, char *buf, size_t cap)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		snprintf(buf, cap, "%.15g", json_real_value(v));
		return buf;
	}
	if (json_is_array(v)) {
		json_t *x;
		size_t i, n = 0;

		buf[0] = '\0';
		json_array_foreach(v, i, x)
			n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", i ? " " : "",
			    json_string_value(x) ?: "");
		return buf;
	}
	return NULL;
}

static json_t *
member(const struct cdn_share_group *g, const char *id)
{
	json_t *m;
	size_t i;

	json_array_foreach(g->members, i, m)
		if (id && json_is_string(json_object_get(m, "id")) &&
		    strcmp(json_string_value(json_object_get(m, "id")), id) == 0)
			return m;
	return NULL;
}

static int
rows(void *arg, const struct cdn_share_group *g)
{
	struct csv *c = arg;
	json_t *s;
	size_t i;

	json_array_foreach(g->members, i, s) {
		const char *id = json_string_value(json_object_get(s, "id"));
		json_t *route = member(g, json_string_value(json_object_get(s, "route")));
		char buf[1024];

		if (!id || id[0] != 'S')
			continue;
		for (int k = 0; columns[k]; k++) {
			const char *col = columns[k];
			json_t *v;

			if (strncmp(col, "shared_as", 9) == 0)
				v = json_object_get(g->head, col[9] ? "label" : "id");
			else if (strcmp(col, "rule") == 0 || strcmp(col, "severity") == 0 ||
			    strcmp(col, "status") == 0)
				v = json_object_get(g->head, col);
			else if (strcmp(col, "seizure") == 0)
				v = json_object_get(s, "id");
			else if (strncmp(col, "route.", 6) == 0)
				v = json_object_get(route, col + 6);
			else
				v = cdn_json_path(s, col);
			cell(c, text(v, buf, sizeof buf), k == 0);
		}
		if (fputs("\r\n", c->out) == EOF)
			return cdn_error_set(CDN_EIO, NULL, "cannot write the CSV");
		c->rows++;
	}
	return 0;
}

int
cdn_csv_export(struct cdn_txn *txn, const struct cdn_share_req *req, FILE *out, uint64_t *nrows,
    struct cdn_share_stats *stats)
{
	struct csv c = { out, 0, 0 };
	struct cdn_share *sh;
	int rc;

	if ((rc = cdn_share_open(txn, req, 0, &sh)) != 0)
		return rc;
	for (int k = 0; columns[k]; k++)
		cell(&c, columns[k], k == 0);
	fputs("\r\n", out);
	rc = cdn_share_walk(sh, rows, &c);
	if (rc == 0 && ferror(out))
		rc = cdn_error_set(CDN_EIO, NULL, "cannot write the CSV");
	if (stats)
		*stats = *cdn_share_stats(sh);
	if (nrows)
		*nrows = c.rows;
	cdn_share_free(sh);
	return rc;
}
