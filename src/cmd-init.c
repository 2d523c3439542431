/*
 * cmd-init.c - `cordon init`: create a store.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

static int
exec_init(struct cmd_ctx *ctx, struct args *args)
{
	struct cdn_store *st;

	(void)args;
	if (cdn_store_init(ctx->store_dir) != 0)
		return cmd_fail();
	if (cdn_store_open(ctx->store_dir, &st) != 0)
		return cmd_fail();
	if (ctx->json)
		cmd_print_new(json_pack("{s:s,s:s}", "store", ctx->store_dir, "uuid", cdn_store_uuid(st)));
	else
		printf("created store %s (id %s)\n", ctx->store_dir, cdn_store_uuid(st));
	cdn_store_close(st);
	return 0;
}

const struct cmd_entry cmd_init = {
	"init", NULL, { "", 0, 0, "unexpected argument" }, "", "create a store",
	"Creates the store directory (given by --store, $CORDON_STORE, or\n"
	"./cordon-store): the case database, a bare git repository for evidence\n"
	"and rule history, and the store's signing key (mode 0600). Refuses a\n"
	"directory that exists and is not empty.\n",
	exec_init, NULL,
};
