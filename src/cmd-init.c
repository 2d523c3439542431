/*
 * cmd-init.c - `cordon init`: create a store.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

static int
run_init(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cdn_store *st;
	char **pos;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_init, argc, argv, NULL, 0, &pos, &npos, &done);
	if (done)
		return rc;
	free(pos);
	if (npos > 0)
		return cmd_usage(&cmd_init, "unexpected argument");
	if (cdn_store_init(ctx->store_dir) != 0)
		return cmd_fail();
	if (cdn_store_open(ctx->store_dir, &st) != 0)
		return cmd_fail();
	if (ctx->json) {
		json_t *o = json_pack("{s:s,s:s}", "store", ctx->store_dir, "uuid", cdn_store_uuid(st));

		cmd_print_jsonl(o);
		json_decref(o);
	} else {
		printf("created store %s (id %s)\n", ctx->store_dir, cdn_store_uuid(st));
	}
	cdn_store_close(st);
	return 0;
}

const struct cmd cmd_init = {
	"init", "", "create a store",
	"Creates the store directory (given by --store, $CORDON_STORE, or\n"
	"./cordon-store): the case database, a bare git repository for evidence\n"
	"and rule history, and the store's signing key (mode 0600). Refuses a\n"
	"directory that exists and is not empty.\n",
	run_init,
};
