/*
 * genstore.h - a store filled by the generator (cdn_gen_write, imported
 * whole), in a new temporary folder, for the unit tests that ask many
 * records; and its removal. Header-only, as tap.h.
 */
#ifndef CORDON_GENSTORE_H
#define CORDON_GENSTORE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cordon/error.h"
#include "cordon/gen.h"
#include "cordon/import.h"
#include "cordon/store.h"
#include "tap.h"

struct genstore {
	char top[64];			/* the folder holding the store */
	char path[96];			/* the store's own folder */
	struct cdn_store *st;
	struct cdn_import_result res;	/* what the import created */
};

/* Make and fill the store of test `name` with the generator's `opts`;
 * 0, or -1 having said why on standard error. */
__attribute__((unused))
static int
genstore_make(struct genstore *g, const char *name, const struct cdn_gen_opts *opts)
{
	struct cdn_import_opts io = { .format = CDN_IMPORT_JSONL };
	char data[96];
	FILE *f;

	memset(g, 0, sizeof *g);
	snprintf(g->top, sizeof g->top, "/tmp/cordon-%s-XXXXXX", name);
	if (!mkdtemp(g->top)) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(g->path, sizeof g->path, "%s/store", g->top);
	snprintf(data, sizeof data, "%s/data.jsonl", g->top);
	if ((f = fopen(data, "w")) == NULL || cdn_gen_write(f, opts) != 0 || fclose(f) != 0 ||
	    cdn_store_init(g->path) != 0 || cdn_store_open(g->path, &g->st) != 0 ||
	    cdn_import_file(g->st, data, "tester", &io, &g->res) != 0) {
		fprintf(stderr, "setup: %s\n", cdn_error_last()->message);
		return -1;
	}
	return 0;
}

/* Close the store and remove its folder. */
__attribute__((unused))
static void
genstore_remove(struct genstore *g)
{
	cdn_store_close(g->st);
	g->st = NULL;
	rm_tree(g->top);
}

#endif
