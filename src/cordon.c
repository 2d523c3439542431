/*
 * cordon.c - main: global options and the command table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cmd.h"
#include "cordon/config.h"

static const struct cmd *const commands[] = {
	&cmd_init, &cmd_demo, &cmd_add, &cmd_get, &cmd_update, &cmd_delete,
	&cmd_list, &cmd_link, &cmd_graph, &cmd_search, &cmd_import,
	&cmd_export_json, &cmd_evidence, &cmd_rule, &cmd_alert, &cmd_partner, &cmd_export, &cmd_key,
	&cmd_org, &cmd_user, &cmd_token, &cmd_serve, &cmd_audit, &cmd_backup,
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: cordon [--store DIR] COMMAND [ARGS]\n"
	    "\n"
	    "cordon keeps smuggling cases: seizures, the entities and routes behind\n"
	    "them, and the links between all of these.\n"
	    "\n"
	    "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f,
	    "\n"
	    "Options:\n"
	    "  --store DIR  the store (default $CORDON_STORE, else ./cordon-store)\n"
	    "  --json       machine-readable output (also after the command)\n"
	    "  --version    print the version\n"
	    "  --help       this help; `cordon COMMAND --help` for a command\n"
	    "\n"
	    "Exit status: 0 ok, 1 failure, 2 usage, 3 not found, 4 version conflict.\n");
}

int
main(int argc, char **argv)
{
	struct cmd_ctx ctx = { 0 };
	const struct cdn_config *cfg;
	const struct cmd *c = NULL;
	int i, status, cfg_rc;

	/* The environment is read once; a bad value in it stops every
	 * command alike, before it runs. */
	cfg_rc = cdn_config(&cfg);
	ctx.store_dir = cfg->store ? cfg->store : CDN_STORE_DEFAULT;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--store") == 0 || strncmp(argv[i], "--store=", 8) == 0) {
			ctx.store_dir = argv[i][7] == '=' ? argv[i] + 8 : i + 1 < argc ? argv[++i] : NULL;
			if (!ctx.store_dir || !*ctx.store_dir) {
				fprintf(stderr, "cordon: --store needs a directory\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--json") == 0) {
			ctx.json = 1;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("cordon %s\n", PACKAGE_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "cordon: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i == argc) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 == argc) {
			usage(stdout);
			return 0;
		}
		/* `cordon help add` is `cordon add --help`. */
		argv[i] = argv[i + 1];
		argv[i + 1] = "--help";
	}
	for (size_t k = 0; k < NCOMMANDS; k++)
		if (strcmp(argv[i], commands[k]->name) == 0)
			c = commands[k];
	if (!c) {
		fprintf(stderr, "cordon: unknown command '%s' (see cordon --help)\n", argv[i]);
		return 2;
	}
	if (cfg_rc != 0 && (cdn_config(&cfg) != 0))
		return cmd_fail();
	ctx.user = cdn_default_user();
	ctx.prog = strchr(argv[0], '/') ? argv[0] : "cordon";
	status = c->run(&ctx, argc - i, argv + i);
	cdn_store_close(ctx.st);
	if (fflush(stdout) != 0 && status == 0)
		status = cmd_error(1, "cannot write output");
	return status;
}
