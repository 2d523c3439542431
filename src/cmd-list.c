/*
 * cmd-list.c - many records: list and search.
 */
#include <errno.h>
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
parse_limit(const struct cmd *c, const char *s, size_t *limit)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || !*s || s[0] == '-')
		return cmd_usage(c, "--limit needs a number");
	*limit = (size_t)v;
	return 0;
}

static int
run_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *where_vals[256];
	struct cmd_opt opts[] = {
		{ "where", 'w', 1, NULL, where_vals, 0 },
		{ "since", 0, 1, NULL, NULL, 0 },
		{ "until", 0, 1, NULL, NULL, 0 },
		{ "limit", 'n', 1, NULL, NULL, 0 },
		{ "tag", 0, 1, NULL, NULL, 0 },
		{ "linked", 0, 1, NULL, NULL, 0 },
		{ "after", 0, 1, NULL, NULL, 0 },
	};
	struct cdn_cond conds[256];
	struct cdn_query q = { 0 };
	struct cdn_txn *txn;
	char **pos, *copies[256];
	int npos, done, rc, kind;

	if (argc > 256)
		return cmd_usage(&cmd_list, "too many arguments");
	rc = cmd_parse(ctx, &cmd_list, argc, argv, opts, 7, &pos, &npos, &done);
	if (done)
		return rc;
	if (npos != 1) {
		free(pos);
		return cmd_usage(&cmd_list, "give one KIND");
	}
	if ((kind = cdn_kind_parse(pos[0])) < 0) {
		rc = cmd_usage(&cmd_list, "unknown kind '%s'", pos[0]);
		free(pos);
		return rc;
	}
	free(pos);
	q.kind = (enum cdn_kind)kind;
	for (size_t i = 0; i < opts[0].nall; i++) {
		char *eq;

		copies[i] = strdup(where_vals[i]);
		if (!copies[i] || (eq = strchr(copies[i], '=')) == NULL || eq == copies[i]) {
			for (size_t j = 0; j <= i; j++)
				free(copies[j]);
			return cmd_usage(&cmd_list, "--where needs FIELD=VALUE, not '%s'", where_vals[i]);
		}
		*eq = '\0';
		conds[i].path = copies[i];
		conds[i].value = eq + 1;
	}
	q.where = conds;
	q.nwhere = opts[0].nall;
	q.since = opts[1].value;
	q.until = opts[2].value;
	if (opts[3].value && (rc = parse_limit(&cmd_list, opts[3].value, &q.limit)) != 0)
		goto out;
	q.tag = opts[4].value;
	q.linked = opts[5].value;
	q.after = opts[6].value;
	if ((rc = cmd_open(ctx)) != 0)
		goto out;
	if ((rc = cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_query_run(txn, &q, print_cb, ctx);
		cdn_txn_abort(txn);
	}
	rc = rc ? cmd_fail() : 0;
out:
	for (size_t i = 0; i < opts[0].nall; i++)
		free(copies[i]);
	return rc;
}

const struct cmd cmd_list = {
	"list", "KIND [--where FIELD=VALUE]… [--since D] [--until D] [--limit N]",
	"list records",
	"Lists records of KIND (case, seizure, entity, route, link) in id order.\n"
	"\n"
	"  -w, --where FIELD=VALUE  only records whose FIELD equals VALUE; FIELD\n"
	"                           may be dotted (commodity.category,\n"
	"                           location.country, identifiers.imo); an\n"
	"                           array field matches if any item does.\n"
	"                           Repeat to require several.\n"
	"  --since D, --until D     inclusive bounds on occurred_at (seizures) or\n"
	"                           created_at (others); a date or date-time\n"
	"  --tag TAG                records carrying TAG\n"
	"  --linked ID              records with a link to or from ID\n"
	"  -n, --limit N            at most N records\n"
	"  --after ID               start after this id (paging)\n"
	"\n"
	"Example:\n"
	"  cordon list seizure --where commodity.category=wildlife --since 2024-01-01\n",
	run_list,
};

static int
run_search(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_opt opts[] = { { "limit", 'n', 1, NULL, NULL, 0 } };
	struct cdn_txn *txn;
	json_t *hits = NULL, *rec;
	size_t limit = 100, i, len = 0;
	char **pos, *text;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_search, argc, argv, opts, 1, &pos, &npos, &done);
	if (done)
		return rc;
	if (npos < 1) {
		free(pos);
		return cmd_usage(&cmd_search, "give the TEXT to search for");
	}
	if (opts[0].value && (rc = parse_limit(&cmd_search, opts[0].value, &limit)) != 0) {
		free(pos);
		return rc;
	}
	/* `cordon search nguyen van hung` and `cordon search "nguyen van hung"`
	 * are the same search. */
	for (int k = 0; k < npos; k++)
		len += strlen(pos[k]) + 1;
	text = calloc(1, len + 1);
	for (int k = 0; k < npos && text; k++) {
		strcat(text, pos[k]);
		strcat(text, " ");
	}
	free(pos);
	if (!text)
		return cmd_error(1, "out of memory");
	if ((rc = cmd_open(ctx)) != 0) {
		free(text);
		return rc;
	}
	if ((rc = cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_search(txn, text, limit, &hits);
		cdn_txn_abort(txn);
	}
	free(text);
	if (rc != 0)
		return cmd_fail();
	json_array_foreach(hits, i, rec)
		print_cb(ctx, rec);
	if (!ctx->json && json_array_size(hits) == 0)
		fprintf(stderr, "cordon: no matches\n");
	json_decref(hits);
	return 0;
}

const struct cmd cmd_search = {
	"search", "TEXT [--limit N]", "find records by name, title, description or identifier",
	"Finds records whose names, aliases, titles, summaries, descriptions,\n"
	"species, places or identifiers contain every word of TEXT. Case and\n"
	"diacritics do not matter (nguyen van hung finds Nguyễn Văn Hùng); the\n"
	"last word may be the start of a word.\n"
	"\n"
	"  -n, --limit N   at most N records (default 100)\n",
	run_search,
};
