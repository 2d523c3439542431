/*
 * cmd-audit.c - `cordon audit log|verify`.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cordon/audit.h"

static int
log_cb(void *arg, json_t *e)
{
	struct cmd_ctx *ctx = arg;
	json_t *note = json_object_get(e, "note");

	if (ctx->json) {
		cmd_print_jsonl(e);
		return 0;
	}
	printf("%6" JSON_INTEGER_FORMAT "  %s  %-12s %-7s %-9s v%" JSON_INTEGER_FORMAT "%s",
	    json_integer_value(json_object_get(e, "seq")),
	    json_string_value(json_object_get(e, "at")),
	    json_string_value(json_object_get(e, "user")),
	    json_string_value(json_object_get(e, "op")),
	    json_string_value(json_object_get(e, "id")),
	    json_integer_value(json_object_get(e, "version")),
	    note ? "  " : "");
	/* A note is free text: one line here, whatever it holds. */
	if (note)
		cmd_put_text(stdout, json_string_value(note), json_string_length(note), 0);
	putchar('\n');
	return 0;
}

struct verify_ui {
	uint64_t problems;
};

static void
report(void *arg, const char *where, const char *problem)
{
	struct verify_ui *ui = arg;

	ui->problems++;
	fprintf(stderr, "cordon: %s: %s\n", where, problem);
}

static int
run_audit(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_opt opts[] = {
		{ "limit", 'n', 1, NULL, NULL, 0 },
		{ "from", 0, 1, NULL, NULL, 0 },
		{ "user", 0, 1, NULL, NULL, 0 },
		{ "record", 0, 1, NULL, NULL, 0 },
	};
	struct cdn_txn *txn;
	char **pos;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_audit, argc, argv, opts, 4, &pos, &npos, &done);
	if (done)
		return rc;
	if (npos != 1 || (strcmp(pos[0], "log") != 0 && strcmp(pos[0], "verify") != 0)) {
		free(pos);
		return cmd_usage(&cmd_audit, "give log or verify");
	}
	if ((rc = cmd_open(ctx)) != 0) {
		free(pos);
		return rc;
	}
	if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0) {
		free(pos);
		return cmd_fail();
	}
	if (strcmp(pos[0], "log") == 0) {
		unsigned long long limit = 50, from = 0;
		char *end;

		if (opts[0].value) {
			errno = 0;
			limit = strtoull(opts[0].value, &end, 10);
			if (errno || *end) {
				rc = cmd_usage(&cmd_audit, "--limit needs a number");
				goto out;
			}
		}
		if (opts[1].value) {
			errno = 0;
			from = strtoull(opts[1].value, &end, 10);
			if (errno || *end || from < 1) {
				rc = cmd_usage(&cmd_audit, "--from needs an entry number");
				goto out;
			}
		}
		/* Newest first unless a starting point is given. */
		if (opts[2].value || opts[3].value) {
			const char *record = opts[3].value;
			struct cdn_audit_filter f = { .ids = &record, .nids = record ? 1 : 0,
				.user = opts[2].value, .from = from, .limit = (size_t)limit };

			rc = cdn_audit_find(txn, &f, log_cb, ctx);
		} else {
			rc = cdn_audit_each(txn, from, (size_t)limit, from == 0, log_cb, ctx);
		}
		rc = rc ? cmd_fail() : 0;
	} else {
		struct verify_ui ui = { 0 };
		uint64_t checked = 0;

		rc = cdn_audit_verify(txn, report, &ui, &checked);
		if (ctx->json) {
			json_t *o = json_pack("{s:b,s:I,s:I}", "ok", rc == 0, "entries",
			    (json_int_t)checked, "problems", (json_int_t)ui.problems);

			cmd_print_jsonl(o);
			json_decref(o);
		} else if (rc == 0) {
			printf("audit trail intact: %" PRIu64 " entries, every record matches it\n",
			    checked);
		}
		rc = rc ? cmd_error(1, "audit trail or records damaged: %" PRIu64 " problem%s in %" PRIu64
		    " entries", ui.problems, ui.problems == 1 ? "" : "s", checked) : 0;
	}
out:
	cdn_txn_abort(txn);
	free(pos);
	return rc;
}

const struct cmd cmd_audit = {
	"audit", "log|verify [--limit N] [--from SEQ] [--user NAME] [--record ID]", "the audit trail",
	"Every write adds an entry: who, when, what record and version, the\n"
	"SHA-256 of the record as written, and the SHA-256 of the entry before,\n"
	"so the entries form a chain.\n"
	"\n"
	"  log      newest entries first (--limit N, default 50; 0 for all), or\n"
	"           oldest first from --from SEQ; only those made by --user NAME,\n"
	"           only those naming --record ID (a record, or rule/NAME ...), or both\n"
	"  verify   re-hash the whole chain, then every record against it: any\n"
	"           edited, removed or reordered entry, and any record edited,\n"
	"           removed or added other than through cordon, is named and\n"
	"           the exit status is 1; so is any entry missing from the\n"
	"           indexes by record and by user\n",
	run_audit,
};
