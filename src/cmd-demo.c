/*
 * cmd-demo.c - `cordon demo`: a store filled with a realistic sample data
 * set, and a short tour of it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cordon/gen.h"
#include "cordon/query.h"

static int
fill(struct cmd_ctx *ctx)
{
	struct cdn_gen_opts g = { .seed = 20240604, .cases = 300, .with_entities = 1 };
	char path[] = "/tmp/cordon-demo-XXXXXX.jsonl";
	FILE *f;
	int fd, rc;

	if ((fd = mkstemps(path, 6)) < 0 || (f = fdopen(fd, "w")) == NULL)
		return cmd_error(1, "cannot create a temporary file: %s", strerror(errno));
	rc = cdn_gen_write(f, &g);
	if (fclose(f) != 0 || rc != 0) {
		unlink(path);
		return cmd_error(1, "cannot write the demo data: %s", strerror(errno));
	}
	/* The tour shows what it made; the temporary file is no concern. */
	rc = cmd_import_file(ctx, path, CDN_IMPORT_JSONL, 1);
	unlink(path);
	return rc;
}

struct pick {
	struct cdn_txn *txn;
	json_t *seizure;
};

/* The tour shows a seizure that has a route and links, so every part of
 * the model is on screen at once. */
static int
pick_cb(void *arg, json_t *rec)
{
	struct pick *p = arg;
	struct cdn_query q = { .kind = CDN_LINK, .linked = NULL, .limit = 1 };
	struct cdn_cond c = { "to", json_string_value(json_object_get(rec, "id")) };
	size_t n = 0;

	if (!json_object_get(rec, "route"))
		return 0;
	q.where = &c;
	q.nwhere = 1;
	if (cdn_query_count(p->txn, &q, &n) == 0 && n > 0) {
		p->seizure = json_incref(rec);
		return 1;
	}
	return 0;
}

static int
line_cb(void *arg, json_t *rec)
{
	(void)arg;
	fputs("    ", stdout);
	cmd_print_line(rec);
	return 0;
}

static void
tour(struct cmd_ctx *ctx)
{
	struct cdn_txn *txn;
	struct pick p = { 0 };
	struct cdn_query q = { .kind = CDN_SEIZURE };
	json_t *cs = NULL, *route = NULL;
	size_t n;

	if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0)
		return;
	printf("\nThe store %s holds:\n", ctx->store_dir);
	for (int k = 0; k < CDN_NKINDS; k++)
		if (cdn_kind_count(txn, k, &n) == 0 && n > 0)
			printf("  %7zu %s\n", n, n == 1 ? cdn_kind_info(k)->name : cdn_kind_info(k)->plural);
	p.txn = txn;
	cdn_query_run(txn, &q, pick_cb, &p);
	if (!p.seizure)
		goto out;
	const char *sid = json_string_value(json_object_get(p.seizure, "id"));
	const char *cid = json_string_value(json_object_get(p.seizure, "case"));
	if (cdn_record_get(txn, cid, &cs) != 0)
		goto out;
	printf("\nA case:\n");
	cmd_print_record(ctx, cs);
	struct cdn_cond c = { "case", cid };
	struct cdn_query sq = { .kind = CDN_SEIZURE, .where = &c, .nwhere = 1 };
	printf("\nIts seizures (cordon list seizure --where case=%s):\n", cid);
	cdn_query_run(txn, &sq, line_cb, NULL);
	printf("\nOne seizure in full (cordon get %s):\n", sid);
	cmd_print_record(ctx, p.seizure);
	if (cdn_record_get(txn, json_string_value(json_object_get(p.seizure, "route")), &route) == 0) {
		printf("\nThe route it took:\n");
		line_cb(NULL, route);
	}
	struct cdn_query eq = { .kind = CDN_ENTITY, .linked = sid };
	printf("\nEntities linked to it (cordon list entity --linked %s):\n", sid);
	cdn_query_run(txn, &eq, line_cb, NULL);
	printf("\nThe links:\n");
	for (int end = 0; end < 2; end++) {
		struct cdn_cond lc = { end ? "from" : "to", sid };
		struct cdn_query lq = { .kind = CDN_LINK, .where = &lc, .nwhere = 1 };

		cdn_query_run(txn, &lq, line_cb, NULL);
	}
	printf("\nTry next:\n"
	    "  %s --store %s search nguyen van hung\n"
	    "  %s --store %s graph %s --depth 2\n"
	    "  %s --store %s list seizure --where commodity.category=wildlife --limit 10\n"
	    "  %s --store %s audit verify\n",
	    ctx->prog, ctx->store_dir, ctx->prog, ctx->store_dir, sid, ctx->prog, ctx->store_dir,
	    ctx->prog, ctx->store_dir);
out:
	json_decref(p.seizure);
	json_decref(cs);
	json_decref(route);
	cdn_txn_abort(txn);
}

static int
run_demo(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cdn_txn *txn;
	char **pos;
	size_t n = 0;
	int npos, done, rc, empty = 1, created = 0;

	rc = cmd_parse(ctx, &cmd_demo, argc, argv, NULL, 0, &pos, &npos, &done);
	if (done)
		return rc;
	free(pos);
	if (npos > 0)
		return cmd_usage(&cmd_demo, "unexpected argument");
	if (cdn_store_open(ctx->store_dir, &ctx->st) != 0) {
		if (cdn_error_last()->code != CDN_ENOTSTORE)
			return cmd_fail();
		if (cdn_store_init(ctx->store_dir) != 0 ||
		    cdn_store_open(ctx->store_dir, &ctx->st) != 0)
			return cmd_fail();
		created = 1;
		if (!ctx->json)
			printf("created store %s\n", ctx->store_dir);
	}
	if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0)
		return cmd_fail();
	for (int k = 0; k < CDN_NKINDS; k++)
		if (cdn_kind_count(txn, k, &n) == 0 && n > 0)
			empty = 0;
	cdn_txn_abort(txn);
	if (empty && (rc = fill(ctx)) != 0)
		return rc;
	if (ctx->json) {
		json_t *o = json_pack("{s:s,s:b,s:b,s:{}}", "store", ctx->store_dir, "created",
		    created, "filled", empty, "counts");

		if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0) {
			json_decref(o);
			return cmd_fail();
		}
		for (int k = 0; k < CDN_NKINDS; k++)
			if (cdn_kind_count(txn, k, &n) == 0 && n > 0)
				json_object_set_new(json_object_get(o, "counts"), cdn_kind_info(k)->plural,
				    json_integer((json_int_t)n));
		cdn_txn_abort(txn);
		cmd_print_jsonl(o);
		json_decref(o);
		return 0;
	}
	if (!empty)
		printf("%s already holds records: showing them as they are\n", ctx->store_dir);
	tour(ctx);
	return 0;
}

const struct cmd cmd_demo = {
	"demo", "", "create (if needed) a store filled with a realistic sample data set",
	"Creates the store if it does not exist and, if it is empty, fills it\n"
	"with a generated sample: a few hundred cases of narcotics by air,\n"
	"ivory and pangolin scales by sea, cigarettes over land borders and\n"
	"counterfeits, with the people, companies, vessels and containers\n"
	"behind them, their routes and links. Then prints a short tour.\n",
	run_demo,
};
