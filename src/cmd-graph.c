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
	struct cmd_opt opts[] = { { "depth", 'd', 1, NULL, NULL, 0 } };
	struct cdn_txn *txn;
	json_t *nodes = NULL, *links = NULL, *v;
	long depth = 1;
	char **pos, *end;
	size_t i;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_graph, argc, argv, opts, 1, &pos, &npos, &done);
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
	if ((rc = cmd_id_arg(&cmd_graph, pos[0])) != 0 || (rc = cmd_open(ctx)) != 0) {
		free(pos);
		return rc;
	}
	if ((rc = cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_graph(txn, pos[0], (int)depth, &nodes, &links);
		cdn_txn_abort(txn);
	}
	free(pos);
	if (rc != 0)
		return cmd_fail();
	if (ctx->json) {
		json_t *o = json_pack("{s:o,s:o}", "nodes", nodes, "links", links);

		json_dumpf(o, stdout, JSON_INDENT(2) | CDN_JSON_REAL);
		putchar('\n');
		json_decref(o);
		return 0;
	}
	printf("%zu record%s, %zu link%s\n", json_array_size(nodes),
	    json_array_size(nodes) == 1 ? "" : "s", json_array_size(links),
	    json_array_size(links) == 1 ? "" : "s");
	json_array_foreach(nodes, i, v)
		cmd_print_line(v);
	if (json_array_size(links))
		putchar('\n');
	json_array_foreach(links, i, v)
		cmd_print_line(v);
	json_decref(nodes);
	json_decref(links);
	return 0;
}

const struct cmd cmd_graph = {
	"graph", "ID [--depth N]", "records within N hops and the links between them",
	"Walks links in both directions from ID and prints the records reached\n"
	"within N hops (default 1, at most 6) and every link between them.\n"
	"--json prints {\"nodes\": [...], \"links\": [...]}.\n",
	run_graph,
};
