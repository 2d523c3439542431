/*
 * cmd-backup.c - `cordon backup DEST`: a consistent copy of the store.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "cordon/backup.h"

static void
progress(void *arg, uint64_t done, uint64_t total)
{
	int *drawn = arg;

	if (!isatty(STDERR_FILENO) || total == 0)
		return;
	fprintf(stderr, "\r\033[Kcopying the repository: %3d%%  %.1f of %.1f MB",
	    (int)(done * 100 / total), (double)done / 1e6, (double)total / 1e6);
	*drawn = 1;
}

static int
exec_backup(struct cmd_ctx *ctx, struct args *args)
{
	const char *dest = args_string(args, 0);
	struct cdn_backup_result res;
	int rc, drawn = 0;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	rc = cdn_store_backup(ctx->st, dest, progress, &drawn, &res);
	if (drawn)
		fputs("\r\033[K", stderr);
	if (rc != 0)
		return cmd_fail();
	if (ctx->json)
		cmd_print_new(json_pack("{s:s,s:I,s:I}", "backup", dest, "db_bytes",
		    (json_int_t)res.db_bytes, "repo_bytes", (json_int_t)res.repo_bytes));
	else
		printf("backed up %s to %s: database %.1f MB, repository %.1f MB\n", ctx->store_dir,
		    dest, (double)res.db_bytes / 1e6, (double)res.repo_bytes / 1e6);
	return 0;
}

const struct cmd_entry cmd_backup = {
	"backup", NULL, { "", 1, 1, "give one DEST directory" }, "DEST",
	"a consistent copy of the whole store while it is in use",
	"Copies the store into DEST, a new (or empty) directory: the database as\n"
	"one snapshot, compacted; the evidence repository's objects; its refs as\n"
	"the snapshot knows them; and the signing key. Writes may go on\n"
	"meanwhile: what they add after the snapshot is not in the copy. The\n"
	"copy is a store of its own (cordon --store DEST …) and passes audit\n"
	"verify and evidence verify.\n",
	exec_backup, NULL,
};
