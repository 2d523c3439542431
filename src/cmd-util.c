/*
 * cmd-util.c - what every command shares: errors, JSON input and the two
 * output forms (human and --json).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "cordon/check.h"
#include "cordon/text.h"

/*
 * Write "cordon: MESSAGE" on standard error. Messages quote what users
 * typed (ids, values, $CORDON_USER), so control characters are shown as
 * '?' rather than sent to the terminal.
 */
static void
say(const char *msg)
{
	fputs("cordon: ", stderr);
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)) {
			fputc('?', stderr);
			if (*p == 0xc2)
				p++;
		} else {
			fputc(*p, stderr);
		}
	}
	fputc('\n', stderr);
}

int
cmd_fail(void)
{
	const struct cdn_error *e = cdn_error_last();
	char buf[CDN_FIELD_MAX + CDN_MESSAGE_MAX + 4];

	cdn_error_format(e, buf, sizeof buf);
	say(buf[0] ? buf : "failed");
	return e->code ? cdn_error_exit_code(e->code) : 1;
}

void
cmd_notice(const char *line)
{
	say(line);
}

int
cmd_open(struct cmd_ctx *ctx)
{
	if (ctx->st)
		return 0;
	if (cmd_written(cdn_store_open(ctx->store_dir, &ctx->st)) != 0)
		return cmd_fail();
	return cmd_rules_on_write(ctx);
}

int
cmd_written(int rc)
{
	if (rc != CDN_ERULES)
		return rc;
	cmd_fail();
	cdn_error_clear();
	return 0;
}

int
cmd_verror(const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof buf, fmt, ap);
	say(buf);
	return 0;
}

int
cmd_get_record(struct cmd_ctx *ctx, const char *id, json_t **out)
{
	struct cdn_txn *txn;
	int rc;

	*out = NULL;
	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0)
		return cmd_fail();
	rc = cdn_record_get(txn, id, out);
	cdn_txn_abort(txn);
	return rc ? cmd_fail() : 0;
}

int
cmd_error(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_verror(fmt, ap);
	va_end(ap);
	return status;
}

void
cmd_problem(void *arg, const char *where, const char *problem)
{
	struct cmd_problems *p = arg;

	p->problems++;
	fprintf(stderr, "cordon: %s: %s\n", where, problem);
}

int
cmd_id_arg(const struct args *a, const char *s)
{
	struct cdn_id id;

	if (cdn_id_parse(s, &id) != 0)
		return cmd_usage(a, "'%.40s' is not a record id (like C-1, S-42)", s);
	return 0;
}

int
cmd_read_json(const char *file, json_t **out)
{
	const char *name = file && strcmp(file, "-") ? file : "input";
	json_error_t jerr;
	FILE *f = stdin;
	struct stat sb;
	int c;

	*out = NULL;
	if (file && strcmp(file, "-") != 0 && (f = fopen(file, "r")) == NULL)
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", file, strerror(errno));
	if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(f);
		return cdn_error_set(CDN_EIO, NULL, "%s: is a directory", name);
	}
	/* A byte order mark, as some editors write, is not part of the JSON. */
	if ((c = getc(f)) == 0xef) {
		if (getc(f) != 0xbb || getc(f) != 0xbf) {
			if (f != stdin)
				fclose(f);
			return cdn_error_set(CDN_EINVAL, NULL, "%s: not UTF-8 JSON", name);
		}
	} else if (c != EOF) {
		ungetc(c, f);
	}
	*out = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	if (f != stdin)
		fclose(f);
	if (!*out) {
		if (jerr.position == 0 || strstr(jerr.text, "end of file"))
			return cdn_error_set(CDN_EINVAL, NULL, "%s: no JSON object%s", name,
			    jerr.position == 0 ? " (it is empty)" : ": it ends too soon");
		if (strstr(jerr.text, "NUL"))
			return cdn_error_set(CDN_EINVAL, NULL, "%s: line %d: a string holds a NUL"
			    " character (\\u0000), which no field accepts", name, jerr.line);
		return cdn_error_set(CDN_EINVAL, NULL, "%s: line %d: %s", name, jerr.line, jerr.text);
	}
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return cdn_error_set(CDN_EINVAL, NULL, "input must be one JSON object");
	}
	return 0;
}

void
cmd_print_jsonl(json_t *v)
{
	json_dumpf(v, stdout, JSON_COMPACT | CDN_JSON_REAL);
	putchar('\n');
}

void
cmd_print_list(struct cmd_ctx *ctx, json_t *list, void (*line)(json_t *item), const char *none)
{
	json_t *item;
	size_t i;

	json_array_foreach(list, i, item) {
		if (ctx->json)
			cmd_print_jsonl(item);
		else
			line(item);
	}
	if (!ctx->json && none && json_array_size(list) == 0)
		fprintf(stderr, "%s\n", none);
}

void
cmd_print_new(json_t *v)
{
	if (!v) {
		cmd_error(1, "out of memory");
		return;
	}
	cmd_print_jsonl(v);
	json_decref(v);
}

const char *
cmd_text(const char *s)
{
	static char *ring[8];
	static unsigned next;
	char *e;

	if (!s)
		return s;
	if ((e = cdn_text_escape(s, strlen(s), 0)) == NULL)
		return "(out of memory)";
	free(ring[next % 8]);
	ring[next++ % 8] = e;
	return e;
}

static void
print_flat(const char *prefix, json_t *v, int width)
{
	char path[256];
	const char *key;
	json_t *item;
	size_t i;

	if (json_is_object(v) && json_object_size(v) > 0) {
		json_object_foreach(v, key, item) {
			snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
			print_flat(path, item, width);
		}
		return;
	}
	if (json_is_array(v) && json_array_size(v) > 0) {
		int scalars = 1;

		json_array_foreach(v, i, item)
			if (json_is_object(item) || json_is_array(item))
				scalars = 0;
		if (scalars) {
			printf("  %-*s ", width, prefix);
			json_array_foreach(v, i, item) {
				if (i)
					fputs(", ", stdout);
				if (json_is_string(item))
					fputs(cmd_text(json_string_value(item)), stdout);
				else
					json_dumpf(item, stdout, JSON_ENCODE_ANY | CDN_JSON_REAL);
			}
			putchar('\n');
			return;
		}
		json_array_foreach(v, i, item) {
			snprintf(path, sizeof path, "%s[%zu]", prefix, i);
			print_flat(path, item, width);
		}
		return;
	}
	if (json_is_string(v) && json_string_length(v) == 0)
		return;
	if ((json_is_array(v) || json_is_object(v)) || json_is_null(v))
		return;
	printf("  %-*s ", width, prefix);
	if (json_is_string(v))
		fputs(cmd_text(json_string_value(v)), stdout);
	else
		json_dumpf(v, stdout, JSON_ENCODE_ANY | CDN_JSON_REAL);
	putchar('\n');
}

void
cmd_print_record(struct cmd_ctx *ctx, json_t *rec)
{
	if (ctx->json) {
		json_dumpf(rec, stdout, JSON_INDENT(2) | CDN_JSON_REAL);
		putchar('\n');
		return;
	}
	printf("%s  (%s, version %lld)\n",
	    json_string_value(json_object_get(rec, "id")),
	    json_string_value(json_object_get(rec, "kind")),
	    (long long)json_integer_value(json_object_get(rec, "version")));
	json_t *body = json_deep_copy(rec);
	json_object_del(body, "id");
	json_object_del(body, "kind");
	json_object_del(body, "version");
	print_flat("", body, 22);
	json_decref(body);
}

static const char *
str(json_t *rec, const char *path)
{
	json_t *v = rec;
	char buf[128], *p, *dot;

	snprintf(buf, sizeof buf, "%s", path);
	for (p = buf; (dot = strchr(p, '.')) != NULL; p = dot + 1) {
		*dot = '\0';
		v = json_object_get(v, p);
	}
	v = json_object_get(v, p);
	return json_is_string(v) ? cmd_text(json_string_value(v)) : "";
}

void
cmd_print_line(json_t *rec)
{
	const char *kind = str(rec, "kind");

	printf("%-9s ", str(rec, "id"));
	if (strcmp(kind, "case") == 0) {
		printf("%-13s %s", str(rec, "status"), str(rec, "title"));
	} else if (strcmp(kind, "seizure") == 0) {
		json_t *q = json_object_get(rec, "quantity");

		printf("%-20s %-7s %-12s %-2s ", str(rec, "occurred_at"), str(rec, "case"),
		    str(rec, "commodity.category"), str(rec, "location.country"));
		if (q)
			printf("%g %s ", json_number_value(json_object_get(q, "amount")),
			    str(q, "unit"));
		printf("%s", str(rec, "commodity.description"));
	} else if (strcmp(kind, "entity") == 0) {
		printf("%-10s %s", str(rec, "type"), str(rec, "name"));
	} else if (strcmp(kind, "route") == 0) {
		json_t *t = json_object_get(rec, "transit"), *c;
		size_t i;

		printf("%s", str(rec, "origin"));
		json_array_foreach(t, i, c)
			printf(" → %s", json_string_value(c));
		printf(" → %s", str(rec, "destination"));
	} else if (strcmp(kind, "link") == 0) {
		printf("%s -%s-> %s", str(rec, "from"), str(rec, "type"), str(rec, "to"));
	} else if (strcmp(kind, "evidence") == 0) {
		printf("%-7s %s", str(rec, "case"), str(rec, "filename"));
	} else if (strcmp(kind, "alert") == 0) {
		printf("%-12s %-8s %s  %s", str(rec, "status"), str(rec, "severity"), str(rec, "rule"),
		    str(rec, "title"));
	}
	putchar('\n');
}

/* --- progress ------------------------------------------------------------------ */

void
cmd_bar_init(struct cmd_bar *b, int quiet)
{
	memset(b, 0, sizeof *b);
	b->on = !quiet && isatty(STDERR_FILENO);
}

void
cmd_bar_draw(struct cmd_bar *b, const char *label, uint64_t done, uint64_t total,
    const char *what)
{
	struct winsize ws;
	char line[200], of[100];
	int pct = total ? (int)(done * 100 / total) : 100, cols = 80, width, fill;

	if (!b->on)
		return;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		cols = ws.ws_col;
	snprintf(of, sizeof of, "  %s", what ? what : "");
	/* "label     [" and "] 100%" take 17 columns; the amounts go first
	 * when the terminal is narrow, then the bar shrinks. */
	if (cols - 18 - (int)strlen(of) < 10)
		of[0] = '\0';
	width = cols - 18 - (int)strlen(of);
	width = width > 30 ? 30 : width < 0 ? 0 : width;
	fill = pct * width / 100;
	if (total == 0)
		snprintf(line, sizeof line, "%.*s", cols - 1 > 0 ? cols - 1 : 0, label);
	else
		snprintf(line, sizeof line, "%-9s [%.*s%*s] %3d%%%s", label, fill,
		    "##############################", width - fill, "", pct, of);
	if (strcmp(line, b->last) == 0)
		return;
	snprintf(b->last, sizeof b->last, "%s", line);
	fprintf(stderr, "\r\033[K%s", line);
	b->drawn = 1;
}

void
cmd_bar_clear(struct cmd_bar *b)
{
	if (b->drawn) {
		fputs("\r\033[K", stderr);
		b->drawn = 0;
		b->last[0] = '\0';
	}
}

void
cmd_put_text(FILE *f, const char *s, size_t len, int multiline)
{
	char *e = cdn_text_escape(s ? s : "", s ? len : 0, multiline);

	fputs(e ? e : "(out of memory)", f);
	free(e);
}
