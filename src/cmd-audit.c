/*
 * cmd-audit.c - `cordon audit log|verify|checkpoint`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cordon/audit.h"
#include "cordon/checkpoint.h"
#include "cordon/sign.h"

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

/* `audit checkpoint [--key FILE] -o FILE` */
static int
exec_checkpoint(struct cmd_ctx *ctx, struct args *args)
{
	const char *key = args_get(args, "key"), *out = args_get(args, "out");
	json_t *cp = NULL;
	int rc;

	if (args_has(args, "key") > 1)
		return cmd_usage(args, "a checkpoint is signed with one --key");
	if (!out)
		return cmd_usage(args, "give where to write the checkpoint (-o FILE)");
	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_checkpoint_make(ctx->st, key, ctx->user, &cp) != 0 || cdn_checkpoint_save(cp, out) != 0) {
		json_decref(cp);
		return cmd_fail();
	}
	if (ctx->json) {
		cmd_print_new(json_pack("{s:s,s:O,s:O,s:O,s:O}", "file", out, "seq",
		    json_object_get(json_object_get(cp, "checkpoint"), "seq"), "hash",
		    json_object_get(json_object_get(cp, "checkpoint"), "hash"), "at",
		    json_object_get(json_object_get(cp, "checkpoint"), "at"), "key",
		    json_object_get(cp, "key")));
	} else {
		printf("checkpoint of audit entry %" JSON_INTEGER_FORMAT " (%.16s...) signed with key %s "
		    "into %s\n", json_integer_value(json_object_get(json_object_get(cp, "checkpoint"),
		    "seq")), json_string_value(json_object_get(json_object_get(cp, "checkpoint"),
		    "hash")), json_string_value(json_object_get(cp, "key")), out);
	}
	json_decref(cp);
	return 0;
}

/*
 * Each --checkpoint against the trail, trusting the store's keys and
 * those of --key. Returns 1 if any fails (each problem reported), with
 * what held in `done` ({file, seq, at, key}).
 */
static int
verify_checkpoints(struct cmd_ctx *ctx, struct cdn_txn *txn, struct args *args,
    struct cmd_problems *ui, json_t *done)
{
	json_t *keys = NULL, *cp;
	int bad = 0;

	if (!args_has(args, "checkpoint"))
		return 0;
	if (cdn_key_list(ctx->st, &keys) != 0) {
		/* A store without a key: only --key can be trusted. */
		cdn_error_clear();
		keys = json_array();
	}
	for (int i = 0; i < args_has(args, "key"); i++) {
		char id[CDN_KEYID_LEN + 1], *pem;

		if (cdn_key_file_public(args_value(args, "key", i), &pem, id) != 0) {
			cmd_problem(ui, "--key", cdn_error_last()->message);
			bad = 1;
			continue;
		}
		json_array_append_new(keys, json_string(pem));
		free(pem);
	}
	for (int i = 0; i < args_has(args, "checkpoint"); i++) {
		const char *name = args_value(args, "checkpoint", i);
		uint64_t first, last;

		if (cdn_checkpoint_load(name, &cp) != 0) {
			cmd_problem(ui, "checkpoint", cdn_error_last()->message);
			bad = 1;
			continue;
		}
		if (cdn_checkpoint_check(txn, cp, keys, name, cmd_problem, ui, &first, &last) != 0) {
			bad = 1;
		} else {
			json_t *b = json_object_get(cp, "checkpoint");

			json_array_append_new(done, json_pack("{s:s,s:O,s:O,s:O}", "file", name, "seq",
			    json_object_get(b, "seq"), "at", json_object_get(b, "at"), "key",
			    json_object_get(cp, "key")));
		}
		json_decref(cp);
	}
	json_decref(keys);
	if (bad)
		cdn_error_set(CDN_ESTORE, NULL, "the audit trail does not extend every checkpoint");
	return bad;
}

static int
exec_log(struct cmd_ctx *ctx, struct args *args)
{
	const char *record = args_get(args, "record"), *user = args_get(args, "user");
	uint64_t limit = 50, from = 0;
	struct cdn_txn *txn;
	int rc;

	/* --limit 0 is the whole trail: it is written as it is read. */
	if ((rc = cmd_number(args, "limit", 0, INT64_MAX, &limit)) != 0 ||
	    (rc = cmd_number(args, "from", 1, INT64_MAX, &from)) != 0 || (rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0)
		return cmd_fail();
	/* Newest first unless a starting point is given. */
	if (user || record) {
		struct cdn_audit_filter f = { .ids = &record, .nids = record ? 1 : 0,
			.user = user, .from = from, .limit = (size_t)limit };

		rc = cdn_audit_find(txn, &f, log_cb, ctx);
	} else {
		rc = cdn_audit_each(txn, from, (size_t)limit, from == 0, log_cb, ctx);
	}
	cdn_txn_abort(txn);
	return rc ? cmd_fail() : 0;
}

static int
exec_verify(struct cmd_ctx *ctx, struct args *args)
{
	struct cmd_problems ui = { 0 };
	uint64_t checked = 0;
	struct cdn_txn *txn;
	json_t *cps;
	int rc;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0)
		return cmd_fail();
	cps = json_array();
	rc = cdn_audit_verify(txn, cmd_problem, &ui, &checked);
	if (rc == 0 || cdn_error_last()->code == CDN_ESTORE)
		rc = verify_checkpoints(ctx, txn, args, &ui, cps) || rc;
	if (ctx->json) {
		cmd_print_new(json_pack("{s:b,s:I,s:I,s:O}", "ok", rc == 0, "entries",
		    (json_int_t)checked, "problems", (json_int_t)ui.problems, "checkpoints", cps));
	} else if (rc == 0) {
		printf("audit trail intact: %" PRIu64 " entries, every record matches it\n", checked);
		for (size_t i = 0; i < json_array_size(cps); i++)
			printf("it extends checkpoint %s (entry %" JSON_INTEGER_FORMAT
			    ", signed %s by key %s)\n",
			    json_string_value(json_object_get(json_array_get(cps, i), "file")),
			    json_integer_value(json_object_get(json_array_get(cps, i), "seq")),
			    json_string_value(json_object_get(json_array_get(cps, i), "at")),
			    json_string_value(json_object_get(json_array_get(cps, i), "key")));
	}
	json_decref(cps);
	cdn_txn_abort(txn);
	if (ui.problems == 0 && rc)
		ui.problems = 1;
	return rc ? cmd_error(1, "audit trail or records damaged: %" PRIu64 " problem%s in %" PRIu64
	    " entries", ui.problems, ui.problems == 1 ? "" : "s", checked) : 0;
}

static const struct cmd_entry audit_subs[] = {
	{ "log", NULL, { "n|limit= from= user= record=", 0, 0 },
	    "[--limit N] [--from SEQ] [--user NAME] [--record ID]", NULL, NULL, exec_log },
	{ "verify", NULL, { "checkpoint= key=", 0, 0 },
	    "[--checkpoint FILE]... [--key FILE]...", NULL, NULL, exec_verify },
	{ "checkpoint", NULL, { "key= o|out=", 0, 0 },
	    "[--key FILE] -o FILE", NULL, NULL, exec_checkpoint },
	{ NULL },
};

const struct cmd_entry cmd_audit = {
	"audit", NULL, { NULL, 0, -1 }, "log [--limit N] [--from SEQ] [--user NAME] [--record ID] | "
	"verify [--checkpoint FILE]... [--key FILE]... | checkpoint [--key FILE] -o FILE",
	"the audit trail",
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
	"           indexes by record and by user\n"
	"           --checkpoint FILE (repeatable): also prove that the trail still\n"
	"           holds the entries FILE witnessed, and name the first entry\n"
	"           that differs if it does not; FILE must be signed by the\n"
	"           store's key or by a --key FILE (a public or private key PEM)\n"
	"  checkpoint  sign the trail's head (its last entry's number and hash,\n"
	"           the store's id, the time) into FILE (-o), with the store's\n"
	"           key or with --key FILE (a private key kept outside the store,\n"
	"           see cordon key generate). Keep checkpoints away from the store:\n"
	"           someone who can write the store's files can re-chain the trail\n"
	"           so that verify alone finds nothing, but cannot rewrite a\n"
	"           checkpoint signed with a key they do not hold\n",
	NULL, audit_subs,
};
