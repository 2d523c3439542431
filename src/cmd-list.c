/*
 * cmd-list.c - many records: list and search.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cordon/query.h"

static int
print_cb(void *arg, json_t *rec)
{
	struct cmd_ctx *ctx = arg;

	if (ctx->json)
		cmd_print_jsonl(rec);
	else
		cmd_print_line(rec);
	return 0;
}

static int
exec_list(struct cmd_ctx *ctx, struct args *args)
{
	struct cdn_where w = { .n = 0 };
	struct cdn_query q = { 0 };
	struct cdn_txn *txn;
	uint64_t limit = 0;
	int rc = 0, kind;

	if ((kind = cdn_kind_parse(args_string(args, 0))) < 0)
		return cmd_usage(args, "unknown kind '%s'", args_string(args, 0));
	q.kind = (enum cdn_kind)kind;
	for (int i = 0; rc == 0 && i < args_has(args, "where"); i++)
		if (cdn_where_parse(&w, "--where", args_value(args, "where", i)) != 0) {
			rc = cdn_error_last()->code == CDN_EUSAGE ?
			    cmd_usage(args, "%s", cdn_error_last()->message) : cmd_fail();
			cdn_error_clear();
		}
	/* A list here is written as it is read, not kept as a page: --limit
	 * is any number, 0 for all. */
	if (rc == 0)
		rc = cmd_number(args, "limit", 0, INT64_MAX, &limit);
	q.where = w.c;
	q.nwhere = w.n;
	q.since = args_get(args, "since");
	q.until = args_get(args, "until");
	q.limit = (size_t)limit;
	q.tag = args_get(args, "tag");
	q.linked = args_get(args, "linked");
	q.after = args_get(args, "after");
	if (rc == 0 && args_has(args, "count") && (q.limit || q.after))
		rc = cmd_usage(args, "--count counts every record that matches: it takes no "
		    "--limit or --after");
	if (rc == 0 && (rc = cmd_open(ctx)) == 0) {
		if ((rc = cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn)) == 0) {
			size_t n = 0;

			if (!args_has(args, "count"))
				rc = cdn_query_run(txn, &q, print_cb, ctx);
			else if ((rc = cdn_query_count(txn, &q, &n)) == 0)
				printf(ctx->json ? "{\"count\":%zu}\n" : "%zu\n", n);
			cdn_txn_abort(txn);
		}
		rc = rc ? cmd_fail() : 0;
	}
	cdn_where_free(&w);
	return rc;
}

const struct cmd_entry cmd_list = {
	"list", NULL, { "w|where= since= until= n|limit= tag= linked= after= count", 1, 1, "give one KIND" },
	"KIND [--where FIELD=VALUE]… [--since D] [--until D] [--limit N] [--count]",
	"list records",
	"Lists records of KIND (case, seizure, entity, route, link) in id order.\n"
	"\n"
	"  -w, --where FIELD=VALUE  only records whose FIELD equals VALUE; FIELD\n"
	"                           may be dotted (commodity.category,\n"
	"                           location.country, identifiers.imo); an\n"
	"                           array field matches if any item does.\n"
	"                           Repeat to require several (at most 16).\n"
	"  --since D, --until D     inclusive bounds on occurred_at (seizures) or\n"
	"                           created_at (others); a date or date-time\n"
	"  --tag TAG                records carrying TAG\n"
	"  --linked ID              records with a link to or from ID\n"
	"  -n, --limit N            at most N records\n"
	"  --after ID               start after this id (paging)\n"
	"  --count                  print how many records match instead; the\n"
	"                           records an index decides are not read\n"
	"\n"
	"Example:\n"
	"  cordon list seizure --where commodity.category=wildlife --since 2024-01-01\n",
	exec_list, NULL,
};

static int
exec_search(struct cmd_ctx *ctx, struct args *args)
{
	struct cdn_txn *txn;
	json_t *hits = NULL;
	uint64_t limit = 100;
	size_t len = 0;
	char *text;
	int rc;

	if ((rc = cmd_number(args, "limit", 1, CDN_SEARCH_LIMIT_MAX, &limit)) != 0)
		return rc;
	/* `cordon search nguyen van hung` and `cordon search "nguyen van hung"`
	 * are the same search. */
	for (int k = 0; k < args_count(args); k++)
		len += strlen(args_string(args, k)) + 1;
	text = calloc(1, len + 1);
	for (int k = 0; k < args_count(args) && text; k++) {
		strcat(text, args_string(args, k));
		strcat(text, " ");
	}
	if (!text)
		return cmd_error(1, "out of memory");
	if ((rc = cmd_open(ctx)) != 0) {
		free(text);
		return rc;
	}
	if ((rc = cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_search(txn, text, (size_t)limit, &hits);
		cdn_txn_abort(txn);
	}
	free(text);
	if (rc != 0)
		return cmd_fail();
	cmd_print_list(ctx, hits, cmd_print_line, "cordon: no matches");
	json_decref(hits);
	return 0;
}

const struct cmd_entry cmd_search = {
	"search", NULL, { "n|limit=", 1, -1, "give the TEXT to search for" }, "TEXT [--limit N]",
	"find records by name, title, description or identifier",
	"Finds records whose names, aliases, titles, summaries, descriptions,\n"
	"species, places or identifiers contain every word of TEXT. Case and\n"
	"diacritics do not matter (nguyen van hung finds Nguyễn Văn Hùng); the\n"
	"last word may be the start of a word.\n"
	"\n"
	"  -n, --limit N   at most N records (default 100, at most 1000)\n",
	exec_search, NULL,
};
