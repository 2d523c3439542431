/*
 * cmd-graph.c - `cordon graph`: the neighbourhood of a record.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "cordon/query.h"

static int
exec_graph(struct cmd_ctx *ctx, struct args *args)
{
	struct cdn_graph_opts o = { 0 };
	struct cdn_txn *txn;
	json_t *g = NULL, *nodes, *links, *sums, *v;
	uint64_t depth = 1, limit = 0, summary = 0;
	size_t i;
	int rc;

	if ((rc = cmd_number(args, "depth", 1, CDN_GRAPH_DEPTH_MAX, &depth)) != 0 ||
	    (rc = cmd_number(args, "limit", 1, CDN_GRAPH_LIMIT_MAX, &limit)) != 0 ||
	    (rc = cmd_number(args, "summary", 0, CDN_GRAPH_SUMMARY_MAX, &summary)) != 0)
		return rc;
	o.depth = (int)depth;
	o.limit = (size_t)limit;
	o.summary = (size_t)summary;
	if ((rc = cmd_id_arg(args, args_string(args, 0))) != 0 || (rc = cmd_open(ctx)) != 0)
		return rc;
	if ((rc = cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_graph_view(txn, args_string(args, 0), &o, &g);
		cdn_txn_abort(txn);
	}
	if (rc != 0)
		return cmd_fail();
	nodes = json_object_get(g, "nodes");
	links = json_object_get(g, "links");
	sums = json_object_get(g, "summaries");
	if (ctx->json) {
		/* Without a cap or summaries, the answer is what it always was. */
		if (!o.limit && !o.summary) {
			json_object_del(g, "summaries");
			json_object_del(g, "truncated");
		}
		json_dumpf(g, stdout, JSON_INDENT(2) | CDN_JSON_REAL);
		putchar('\n');
		json_decref(g);
		return 0;
	}
	printf("%zu record%s, %zu link%s%s\n", json_array_size(nodes),
	    json_array_size(nodes) == 1 ? "" : "s", json_array_size(links),
	    json_array_size(links) == 1 ? "" : "s",
	    json_is_true(json_object_get(g, "truncated")) ? " (cut at --limit)" : "");
	json_array_foreach(nodes, i, v)
		cmd_print_line(v);
	if (json_array_size(links))
		putchar('\n');
	json_array_foreach(links, i, v)
		cmd_print_line(v);
	if (json_array_size(sums))
		putchar('\n');
	json_array_foreach(sums, i, v) {
		json_t *t;
		size_t k;

		printf("%s: %lld %s record%s, not shown (via", json_string_value(json_object_get(v, "id")),
		    (long long)json_integer_value(json_object_get(v, "count")),
		    json_string_value(json_object_get(v, "kind")),
		    json_integer_value(json_object_get(v, "count")) == 1 ? "" : "s");
		json_array_foreach(json_object_get(v, "via"), k, t)
			printf("%s%s", k ? ", " : " ", json_string_value(t));
		printf(")\n");
	}
	json_decref(g);
	return 0;
}

const struct cmd_entry cmd_graph = {
	"graph", NULL, { "d|depth= n|limit= s|summary=", 1, 1, "give one ID" },
	"ID [--depth N] [--limit N] [--summary N]",
	"records within N hops and the links between them",
	"Walks links in both directions from ID and prints the records reached\n"
	"within N hops (default 1, at most 4) and every link between them.\n"
	"--json prints {\"nodes\": [...], \"links\": [...]}.\n"
	"\n"
	"  -d, --depth N     hops (default 1)\n"
	"  -n, --limit N     at most N records (up to 2000): the walk stops there\n"
	"  -s, --summary N   a record's neighbours of one kind past N (up to 1000)\n"
	"                    are counted, not shown (\"E-1: 500 seizure records\");\n"
	"                    --json adds \"summaries\" and \"truncated\" with either\n"
	"                    option\n",
	exec_graph, NULL,
};
