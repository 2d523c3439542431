/*
 * cordon.c - main: global options, the command table, and the way from a
 * command line to the entry that runs it (a command, or a group's
 * subcommand), its arguments read against the entry's template.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cmd.h"
#include "cordon/config.h"

static const struct cmd_entry *const commands[] = {
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

/* Name or alias. */
static int
named(const struct cmd_entry *e, const char *name)
{
	return strcmp(e->name, name) == 0 || (e->alias && strcmp(e->alias, name) == 0);
}

/*
 * Group `g`'s subcommand in argv (after the group's name): the first word
 * that is neither an option nor an option's value, whichever subcommand's
 * option it is; its index in *at. NULL with a usage error, or --help.
 */
static const struct cmd_entry *
find_sub(struct cmd_ctx *ctx, const struct cmd_entry *g, int argc, char **argv, int *at,
    int *status)
{
	const struct cmd_entry *s;
	char names[256] = "";
	struct args *a = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		int value = 0;

		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			break;
		for (s = g->subs; s->name; s++)
			value |= args_takes_value(s->args.template, argv[i]);
		i += value;
	}
	for (s = g->subs; i < argc && s->name; s++)
		if (named(s, argv[i])) {
			*at = i;
			return s;
		}
	/* No subcommand: the group's --help, or a usage error. */
	for (s = g->subs; s->name; s++)
		snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", *names ?
		    s[1].name ? ", " : " or " : "", s->name);
	if ((*status = args_parse(ctx, NULL, g, i < argc ? i : argc, argv, &a)) == 0 && a) {
		if (i < argc)
			*status = cmd_usage(a, "no such command: %s %.40s (%s)", g->name, argv[i], names);
		else
			*status = cmd_usage(a, "give %s", names);
	}
	args_free(a);
	return NULL;
}

/* Run command `c` on argv (after its name). */
static int
run(struct cmd_ctx *ctx, const struct cmd_entry *c, int argc, char **argv)
{
	const struct cmd_entry *e = c, *group = NULL;
	struct args *a = NULL;
	char **rest = argv;
	int status = 0, at;

	if (c->subs) {
		group = c;
		if ((e = find_sub(ctx, c, argc, argv, &at, &status)) == NULL)
			return status;
		/* The arguments without the subcommand's name. */
		if ((rest = calloc((size_t)argc, sizeof *rest)) == NULL)
			return cmd_error(1, "out of memory");
		memcpy(rest, argv, (size_t)at * sizeof *rest);
		memcpy(rest + at, argv + at + 1, (size_t)(argc - at - 1) * sizeof *rest);
		argc--;
	}
	if ((status = args_parse(ctx, group, e, argc, rest, &a)) == 0 && a)
		status = e->exec(ctx, a);
	args_free(a);
	if (rest != argv)
		free(rest);
	return status;
}

int
main(int argc, char **argv)
{
	struct cmd_ctx ctx = { 0 };
	const struct cdn_config *cfg;
	const struct cmd_entry *c = NULL;
	int i, status, cfg_rc;

	/* The environment is read once; a bad value in it stops every
	 * command alike, before it runs. */
	cfg_rc = cdn_config(&cfg);
	cdn_store_set_notice(cmd_notice);
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
		if (named(commands[k], argv[i]))
			c = commands[k];
	if (!c) {
		fprintf(stderr, "cordon: unknown command '%s' (see cordon --help)\n", argv[i]);
		return 2;
	}
	if (cfg_rc != 0 && (cdn_config(&cfg) != 0))
		return cmd_fail();
	ctx.user = cdn_default_user();
	ctx.prog = strchr(argv[0], '/') ? argv[0] : "cordon";
	status = run(&ctx, c, argc - i - 1, argv + i + 1);
	cdn_store_close(ctx.st);
	if (fflush(stdout) != 0 && status == 0)
		status = cmd_error(1, "cannot write output");
	return status;
}
