/*
 * cmd-record.c - one record at a time: add, get, update, delete, link.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* --- the one write ------------------------------------------------------------ */

/* A create (the default), update or delete of one record, and what it
 * gives back. */
struct write {
	char op;		/* 'c', 'u' or 'd' */
	enum cdn_kind kind;	/* create */
	const char *id;		/* update, delete */
	json_t *in;		/* the record, or the patch */
	int64_t if_version;
	json_t *out;
};

/* The write itself, through the library's store-level calls. */
static int
do_write(struct cmd_ctx *ctx, struct write *w)
{
	if (w->op == 'd')
		return cdn_record_remove(ctx->st, ctx->user, w->id);
	if (w->op == 'u')
		return cdn_record_edit(ctx->st, ctx->user, w->id, w->in, w->if_version, &w->out);
	return cdn_record_add(ctx->st, ctx->user, w->kind, w->in, 0, &w->out);
}

/* Write, and print what was written: the record with --json, else its
 * id (a create), its new version (an update) or that it is gone. Takes
 * `w->in`. */
static int
write_record(struct cmd_ctx *ctx, struct write *w)
{
	int rc = cmd_written(do_write(ctx, w));

	json_decref(w->in);
	if (rc == 0 && w->op == 'd' && ctx->json)
		cmd_print_new(json_pack("{s:s}", "deleted", w->id));
	else if (rc == 0 && w->op == 'd')
		printf("deleted %s\n", w->id);
	else if (rc == 0 && ctx->json)
		cmd_print_record(ctx, w->out);
	else if (rc == 0 && w->op == 'u')
		printf("%s version %" JSON_INTEGER_FORMAT "\n", json_string_value(json_object_get(w->out,
		    "id")), json_integer_value(json_object_get(w->out, "version")));
	else if (rc == 0)
		printf("%s\n", json_string_value(json_object_get(w->out, "id")));
	json_decref(w->out);
	return rc ? cmd_fail() : 0;
}

/* --- add ------------------------------------------------------------------- */

static int
writable_kind(const struct args *args, const char *name, enum cdn_kind *kind)
{
	int k = cdn_kind_parse(name);

	if (k < 0)
		return cmd_usage(args, "unknown kind '%s' (case, seizure, entity, route, link)", name);
	if (!cdn_kind_info(k)->writable)
		return cmd_error(2, "%s records are made by their own commands (see cordon --help)",
		    cdn_kind_info(k)->name);
	*kind = (enum cdn_kind)k;
	return 0;
}

/* The input of add and update: -f FILE, or FILE after the first argument. */
static int
input_file(const struct args *args, const char **file)
{
	if (args_count(args) == 2 && args_has(args, "file"))
		return cmd_usage(args, "%s", args_entry(args)->args.count);
	*file = args_count(args) == 2 ? args_string(args, 1) : args_get(args, "file");
	return 0;
}

static int
exec_add(struct cmd_ctx *ctx, struct args *args)
{
	struct write w = { 'c' };
	const char *file;
	int rc;

	if ((rc = input_file(args, &file)) != 0 ||
	    (rc = writable_kind(args, args_string(args, 0), &w.kind)) != 0 ||
	    (rc = cmd_open(ctx)) != 0)
		return rc;
	if (cmd_read_json(file, &w.in) != 0)
		return cmd_fail();
	return write_record(ctx, &w);
}

const struct cmd_entry cmd_add = {
	"add", NULL, { "f|file=", 1, 2, "give one KIND, and the input as -f FILE, FILE or -" },
	"KIND [-f FILE|-]", "create one record from JSON; prints the new id",
	"KIND is case, seizure, entity, route or link. The JSON object is read\n"
	"from FILE (given with -f or after KIND), or standard input when FILE\n"
	"is - or absent. An unknown field, a bad enum value, a failed check\n"
	"digit or a missing reference is an error naming the field (the first\n"
	"one found); nothing is written.\n"
	"\n"
	"  -f, --file FILE   read the record from FILE\n"
	"\n"
	"Example:\n"
	"  echo '{\"title\":\"Ivory in cashew shipment\"}' | cordon add case\n",
	exec_add, NULL,
};

/* --- get ------------------------------------------------------------------- */

static int
exec_get(struct cmd_ctx *ctx, struct args *args)
{
	const char *id = args_string(args, 0);
	json_t *rec;
	int rc;

	if ((rc = cmd_id_arg(args, id)) != 0 || (rc = cmd_get_record(ctx, id, &rec)) != 0)
		return rc;
	cmd_print_record(ctx, rec);
	json_decref(rec);
	return 0;
}

const struct cmd_entry cmd_get = {
	"get", NULL, { "", 1, 1, "give one ID" }, "ID", "print one record",
	"Prints the record with that id (C-1, S-42, E-7 …): a readable block, or\n"
	"the record's JSON with --json. Exit status 3 if there is none.\n",
	exec_get, NULL,
};

/* --- update ---------------------------------------------------------------- */

static int
exec_update(struct cmd_ctx *ctx, struct args *args)
{
	struct write w = { 'u', .id = args_string(args, 0) };
	uint64_t v = 0;
	const char *file;
	int rc;

	if ((rc = input_file(args, &file)) != 0 || (rc = cmd_id_arg(args, w.id)) != 0 ||
	    (rc = cmd_number(args, "if-version", 1, INT64_MAX, &v)) != 0 ||
	    (rc = cmd_open(ctx)) != 0)
		return rc;
	if (cmd_read_json(file, &w.in) != 0)
		return cmd_fail();
	w.if_version = (int64_t)v;
	return write_record(ctx, &w);
}

const struct cmd_entry cmd_update = {
	"update", NULL,
	{ "f|file= if-version=", 1, 2, "give one ID, and the patch as -f FILE, FILE or -" },
	"ID [-f FILE|-] [--if-version N]", "merge-patch (RFC 7386) a record",
	"The patch is a JSON object merged into the record: fields given are\n"
	"replaced, fields set to null are removed, nested objects are merged.\n"
	"The result is validated as a whole; the version goes up by one. A\n"
	"patch that changes nothing leaves the record, and its version, as is.\n"
	"\n"
	"  -f, --file FILE      read the patch from FILE (also: FILE after ID;\n"
	"                       default: standard input)\n"
	"  --if-version N       only if the record is still at version N;\n"
	"                       otherwise nothing changes and the exit status is 4\n"
	"\n"
	"Example:\n"
	"  echo '{\"status\":\"investigating\"}' | cordon update C-1 --if-version 1\n",
	exec_update, NULL,
};

/* --- delete ---------------------------------------------------------------- */

static int
exec_delete(struct cmd_ctx *ctx, struct args *args)
{
	struct write w = { 'd', .id = args_string(args, 0) };
	int rc;

	if ((rc = cmd_id_arg(args, w.id)) != 0 || (rc = cmd_open(ctx)) != 0)
		return rc;
	return write_record(ctx, &w);
}

const struct cmd_entry cmd_delete = {
	"delete", NULL, { "", 1, 1, "give one ID" }, "ID",
	"delete a record (refused while links exist)",
	"Deletes the record. A record that links or other records still point\n"
	"at (a case with seizures, an entity with links) is refused: delete or\n"
	"re-point those first. The deletion is kept in the audit trail.\n",
	exec_delete, NULL,
};

/* --- link ------------------------------------------------------------------ */

static int
exec_link(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const fields[][2] = { { "since", "since" }, { "until", "until" },
		{ "note", "notes" } };
	struct write w = { 'c', CDN_LINK };
	int rc;

	if ((rc = cmd_id_arg(args, args_string(args, 0))) != 0 ||
	    (rc = cmd_id_arg(args, args_string(args, 1))) != 0 || (rc = cmd_open(ctx)) != 0)
		return rc;
	w.in = json_pack("{s:s,s:s,s:s}", "from", args_string(args, 0), "to", args_string(args, 1),
	    "type", args_string(args, 2));
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		if (args_has(args, fields[i][0]))
			json_object_set_new(w.in, fields[i][1], json_string(args_get(args, fields[i][0])));
	return write_record(ctx, &w);
}

const struct cmd_entry cmd_link = {
	"link", NULL, { "since= until= note=", 3, 3, "give FROM, TO and TYPE" },
	"FROM TO TYPE [--since D] [--until D] [--note T]", "create a link",
	"Links two existing records. TYPE is one of consignor_of consignee_of\n"
	"owner_of director_of employee_of associate_of family_of carrier_of\n"
	"travelled_on registered_to used involved_in seized_from same_as, or a\n"
	"custom x-… name. Prints the new link's id.\n"
	"\n"
	"  --since D     the link holds from date D\n"
	"  --until D     ... until date D (not before --since)\n"
	"  --note T      a note kept with the link\n"
	"\n"
	"Example:\n"
	"  cordon link E-3 S-12 consignee_of\n",
	exec_link, NULL,
};
