/*
 * cmd-graph.c - `cordon graph`: the neighbourhood of a record.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "cordon/query.h"

static int
run_graph(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_opt opts[] = { { "depth", 'd', 1, NULL, NULL, 0 }, { "limit", 'n', 1, NULL, NULL, 0 },
		{ "summary", 's', 1, NULL, NULL, 0 } };
	struct cdn_graph_opts o = { 0 };
	struct cdn_txn *txn;
	json_t *g = NULL, *nodes, *links, *sums, *v;
	long depth = 1;
	char **pos, *end;
	size_t i;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_graph, argc, argv, opts, 3, &pos, &npos, &done);
	if (done)
		return rc;
	if (npos != 1) {
		free(pos);
		return cmd_usage(&cmd_graph, "give one ID");
	}
	if (opts[0].value) {
		errno = 0;
		depth = strtol(opts[0].value, &end, 10);
		if (errno || *end || depth < 0 || depth > 6) {
			free(pos);
			return cmd_usage(&cmd_graph, "--depth must be 0 to 6");
		}
	}
	for (int k = 1; k < 3; k++) {
		unsigned long n;

		if (!opts[k].value)
			continue;
		errno = 0;
		n = strtoul(opts[k].value, &end, 10);
		if (errno || *end || !*opts[k].value || opts[k].value[0] == '-' ||
		    n > 1000000UL || (k == 1 && n == 0)) {
			free(pos);
			return cmd_usage(&cmd_graph, k == 1 ? "--limit must be 1 or more" :
			    "--summary must be 0 or more");
		}
		*(k == 1 ? &o.limit : &o.summary) = n;
	}
	o.depth = (int)depth;
	if ((rc = cmd_id_arg(&cmd_graph, pos[0])) != 0 || (rc = cmd_open(ctx)) != 0) {
		free(pos);
		return rc;
	}
	if ((rc = cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_graph_view(txn, pos[0], &o, &g);
		cdn_txn_abort(txn);
	}
	free(pos);
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

const struct cmd cmd_graph = {
	"graph", "ID [--depth N] [--limit N] [--summary N]",
	"records within N hops and the links between them",
	"Walks links in both directions from ID and prints the records reached\n"
	"within N hops (default 1, at most 6) and every link between them.\n"
	"--json prints {\"nodes\": [...], \"links\": [...]}.\n"
	"\n"
	"  -d, --depth N     hops (default 1)\n"
	"  -n, --limit N     at most N records: the walk stops there\n"
	"  -s, --summary N   a record's neighbours of one kind past N are counted,\n"
	"                    not shown (\"E-1: 500 seizure records\"); --json adds\n"
	"                    \"summaries\" and \"truncated\" with either option\n",
	run_graph,
};
