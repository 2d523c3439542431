/*
 * cmd-import.c - bulk import and export-json.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cordon/import.h"

struct import_ui {
	struct cmd_ctx *ctx;
	struct cmd_bar bar;
};

static void
on_error(void *arg, uint64_t line, const char *field, const char *reason)
{
	struct import_ui *ui = arg;

	cmd_bar_clear(&ui->bar);
	/* The contract's form: LINE: FIELD: reason. */
	fprintf(stderr, "%" PRIu64 ": %s: %s\n", line, field && *field ? field : "-", reason);
}

/* "12.3 MB" or "1.2M entries": short, for the bar's line. */
static void
amount(char *buf, size_t cap, uint64_t n, const char *phase)
{
	if (strcmp(phase, "reading") == 0)
		snprintf(buf, cap, "%.1f MB", (double)n / 1e6);
	else if (n >= 1000000)
		snprintf(buf, cap, "%.1fM", (double)n / 1e6);
	else
		snprintf(buf, cap, "%" PRIu64, n);
}

static void
on_progress(void *arg, const char *phase, uint64_t done, uint64_t total)
{
	struct import_ui *ui = arg;
	char d[32], t[32], of[80];

	amount(d, sizeof d, done, phase);
	amount(t, sizeof t, total, phase);
	snprintf(of, sizeof of, "%s of %s%s", d, t, strcmp(phase, "indexing") == 0 ? " entries" : "");
	if (strcmp(phase, "committing") == 0)
		cmd_bar_draw(&ui->bar, "writing to disk ...", 0, 0, NULL);
	else
		cmd_bar_draw(&ui->bar, phase, done, total, of);
}

#define MAX_LISTED 1000	/* bad lines listed */

int
cmd_import_file(struct cmd_ctx *ctx, const char *path, enum cdn_import_format format,
    int quiet)
{
	struct import_ui ui = { ctx, { 0 } };
	struct cdn_import_opts o = { 0 };
	struct cdn_import_result res = { 0 };
	const char *name = path;
	int rc;

	cmd_bar_init(&ui.bar, quiet);
	o.on_error = on_error;
	o.on_progress = on_progress;
	o.arg = &ui;
	o.format = format;
	o.max_errors = MAX_LISTED;
	if (strcmp(path, "-") == 0) {
		path = "/dev/stdin";
		name = "standard input";
	}
	rc = cmd_written(cdn_import_file(ctx->st, path, ctx->user, &o, &res));
	cmd_bar_clear(&ui.bar);
	if (rc == CDN_EINVAL && res.errors > 0)
		return cmd_error(1, "%s: %" PRIu64 " bad line%s%s; nothing was imported", name,
		    res.errors, res.errors == 1 ? "" : "s",
		    res.errors > MAX_LISTED ? " (the first 1000 are listed)" : "");
	if (rc != 0)
		return cmd_fail();
	if (quiet)
		return 0;
	if (ctx->json) {
		json_t *o2 = json_object();

		for (int k = 0; k < CDN_NKINDS; k++)
			if (res.created[k])
				json_object_set_new(o2, cdn_kind_info(k)->plural, json_integer((json_int_t)res.created[k]));
		cmd_print_jsonl(o2);
		json_decref(o2);
		return 0;
	}
	printf("imported %s:", name);
	int first = 1;
	for (int k = 0; k < CDN_NKINDS; k++)
		if (res.created[k]) {
			printf("%s %" PRIu64 " %s", first ? "" : ",", res.created[k],
			    res.created[k] == 1 ? cdn_kind_info(k)->name : cdn_kind_info(k)->plural);
			first = 0;
		}
	printf("%s\n", first ? " nothing" : "");
	return 0;
}

static int
exec_import(struct cmd_ctx *ctx, struct args *args)
{
	const char *format = args_get(args, "format");
	enum cdn_import_format f = CDN_IMPORT_AUTO;
	int rc;

	if (format && strcmp(format, "jsonl") == 0)
		f = CDN_IMPORT_JSONL;
	else if (format && strcmp(format, "csv") == 0)
		f = CDN_IMPORT_CSV;
	else if (format)
		return cmd_usage(args, "--format is jsonl or csv");
	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	return cmd_import_file(ctx, args_string(args, 0), f, 0);
}

const struct cmd_entry cmd_import = {
	"import", NULL, { "format=", 1, 1, "give one FILE (or - for standard input)" },
	"[--format jsonl|csv] FILE|-", "bulk import JSON Lines (.jsonl) or CSV seizures (.csv)",
	"JSON Lines: one record per line with a `kind` and an optional `ref`;\n"
	"\"@REF\" in case, route, from or to points at the line with that ref,\n"
	"earlier or later in the file. An `id` (as in export-json output) acts\n"
	"as a ref too, so an export re-imports with its links intact, and is\n"
	"kept when no record of its kind has it or a higher one yet.\n"
	"\n"
	"CSV: one seizure a row; columns are dotted field paths\n"
	"(commodity.category, quantity.amount …) plus `case`, holding a case id\n"
	"or the title of a new case; `tags` are separated by ';'.\n"
	"\n"
	"The file is imported whole or not at all: every bad line is listed as\n"
	"LINE: FIELD: reason (the first 1000 of them) and the store is left\n"
	"unchanged. A progress bar is shown on a terminal.\n"
	"\n"
	"  --format F   jsonl or csv; by default a name ending in .csv is CSV\n"
	"               and anything else (standard input too) JSON Lines\n"
	"  -            read standard input\n",
	exec_import, NULL,
};

static int
exec_export_json(struct cmd_ctx *ctx, struct args *args)
{
	const char *path = args_string(args, 0);
	struct cdn_txn *txn;
	uint64_t count = 0;
	FILE *out = stdout;
	int rc;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (path && strcmp(path, "-") != 0 && (out = fopen(path, "w")) == NULL)
		return cmd_error(1, "%s: %s", path, strerror(errno));
	if ((rc = cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_export_json(txn, out, &count);
		cdn_txn_abort(txn);
	}
	if (out != stdout && fclose(out) != 0 && rc == 0)
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", path, strerror(errno));
	if (rc == 0 && out != stdout)
		fprintf(stderr, "exported %" PRIu64 " records to %s\n", count, path);
	return rc ? cmd_fail() : 0;
}

const struct cmd_entry cmd_export_json = {
	"export-json", NULL, { "", 0, 1, "give at most one FILE" }, "[FILE]",
	"every record as JSON Lines, re-importable",
	"Writes every record, one JSON object a line, to FILE or standard\n"
	"output, cases first and links last. `cordon import` of the file into\n"
	"an empty store rebuilds the same records under the same ids.\n",
	exec_export_json, NULL,
};
