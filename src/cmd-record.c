/*
 * cmd-record.c - one record at a time: add, get, update, delete, link.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* --- add ------------------------------------------------------------------- */

struct add_arg {
	enum cdn_kind kind;
	json_t *in;
	json_t *out;
};

static int
do_add(struct cdn_txn *txn, void *arg)
{
	struct add_arg *a = arg;

	json_decref(a->out);
	a->out = NULL;
	return cdn_record_create(txn, a->kind, a->in, 0, &a->out);
}

/* Create a record from `a->in` and print its id (the record with
 * --json). */
static int
create(struct cmd_ctx *ctx, struct add_arg *a)
{
	int rc = cdn_store_write(ctx->st, ctx->user, do_add, a);

	json_decref(a->in);
	if (rc == 0) {
		if (ctx->json)
			cmd_print_record(ctx, a->out);
		else
			printf("%s\n", json_string_value(json_object_get(a->out, "id")));
	}
	json_decref(a->out);
	return rc ? cmd_fail() : 0;
}

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
	struct add_arg a = { 0 };
	const char *file;
	int rc;

	if ((rc = input_file(args, &file)) != 0 ||
	    (rc = writable_kind(args, args_string(args, 0), &a.kind)) != 0 ||
	    (rc = cmd_open(ctx)) != 0)
		return rc;
	if (cmd_read_json(file, &a.in) != 0)
		return cmd_fail();
	return create(ctx, &a);
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
	struct cdn_txn *txn;
	json_t *rec;
	int rc;

	if ((rc = cmd_id_arg(args, id)) != 0 || (rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0)
		return cmd_fail();
	rc = cdn_record_get(txn, id, &rec);
	cdn_txn_abort(txn);
	if (rc != 0)
		return cmd_fail();
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

struct update_arg {
	const char *id;
	json_t *patch;
	int64_t if_version;
	json_t *out;
};

static int
do_update(struct cdn_txn *txn, void *arg)
{
	struct update_arg *a = arg;

	json_decref(a->out);
	a->out = NULL;
	return cdn_record_update(txn, a->id, a->patch, a->if_version, &a->out);
}

static int
exec_update(struct cmd_ctx *ctx, struct args *args)
{
	struct update_arg a = { .id = args_string(args, 0) };
	uint64_t v = 0;
	const char *file;
	int rc;

	if ((rc = input_file(args, &file)) != 0 || (rc = cmd_id_arg(args, a.id)) != 0)
		return rc;
	if ((rc = cmd_number(args, "if-version", 1, INT64_MAX, &v)) != 0 ||
	    (rc = cmd_open(ctx)) != 0)
		return rc;
	if (cmd_read_json(file, &a.patch) != 0)
		return cmd_fail();
	a.if_version = (int64_t)v;
	rc = cdn_store_write(ctx->st, ctx->user, do_update, &a);
	json_decref(a.patch);
	if (rc == 0 && ctx->json)
		cmd_print_record(ctx, a.out);
	else if (rc == 0)
		printf("%s version %" JSON_INTEGER_FORMAT "\n", json_string_value(json_object_get(a.out, "id")),
		    json_integer_value(json_object_get(a.out, "version")));
	json_decref(a.out);
	return rc ? cmd_fail() : 0;
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
do_delete(struct cdn_txn *txn, void *arg)
{
	return cdn_record_delete(txn, arg);
}

static int
exec_delete(struct cmd_ctx *ctx, struct args *args)
{
	const char *id = args_string(args, 0);
	int rc;

	if ((rc = cmd_id_arg(args, id)) != 0 || (rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_store_write(ctx->st, ctx->user, do_delete, (void *)id) != 0)
		return cmd_fail();
	if (ctx->json)
		cmd_print_new(json_pack("{s:s}", "deleted", id));
	else
		printf("deleted %s\n", id);
	return 0;
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
	struct add_arg a = { .kind = CDN_LINK };
	int rc;

	if ((rc = cmd_id_arg(args, args_string(args, 0))) != 0 ||
	    (rc = cmd_id_arg(args, args_string(args, 1))) != 0 || (rc = cmd_open(ctx)) != 0)
		return rc;
	a.in = json_pack("{s:s,s:s,s:s}", "from", args_string(args, 0), "to", args_string(args, 1),
	    "type", args_string(args, 2));
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		if (args_has(args, fields[i][0]))
			json_object_set_new(a.in, fields[i][1], json_string(args_get(args, fields[i][0])));
	return create(ctx, &a);
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
