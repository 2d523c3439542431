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
print_created(struct cmd_ctx *ctx, json_t *rec)
{
	if (ctx->json)
		cmd_print_record(ctx, rec);
	else
		printf("%s\n", json_string_value(json_object_get(rec, "id")));
	return 0;
}

static int
writable_kind(const struct cmd *c, const char *name, enum cdn_kind *kind)
{
	int k = cdn_kind_parse(name);

	if (k < 0)
		return cmd_usage(c, "unknown kind '%s' (case, seizure, entity, route, link)", name);
	if (!cdn_kind_info(k)->writable)
		return cmd_error(2, "%s records are made by their own commands (see cordon --help)",
		    cdn_kind_info(k)->name);
	*kind = (enum cdn_kind)k;
	return 0;
}

static int
run_add(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_opt opts[] = { { "file", 'f', 1, NULL, NULL, 0 } };
	struct add_arg a = { 0 };
	char **pos;
	int npos, done, rc;

	const char *file;

	rc = cmd_parse(ctx, &cmd_add, argc, argv, opts, 1, &pos, &npos, &done);
	if (done)
		return rc;
	if (npos < 1 || npos > 2 || (npos == 2 && opts[0].value)) {
		free(pos);
		return cmd_usage(&cmd_add, "give one KIND, and the input as -f FILE, FILE or -");
	}
	file = npos == 2 ? pos[1] : opts[0].value;
	rc = writable_kind(&cmd_add, pos[0], &a.kind);
	free(pos);
	if (rc || (rc = cmd_open(ctx)) != 0)
		return rc;
	if (cmd_read_json(file, &a.in) != 0)
		return cmd_fail();
	rc = cmd_written(cdn_record_add(ctx->st, ctx->user, a.kind, a.in, 0, &a.out));
	json_decref(a.in);
	if (rc != 0)
		return cmd_fail();
	print_created(ctx, a.out);
	json_decref(a.out);
	return 0;
}

const struct cmd cmd_add = {
	"add", "KIND [-f FILE|-]", "create one record from JSON; prints the new id",
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
	run_add,
};

/* --- get ------------------------------------------------------------------- */

static int
run_get(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cdn_txn *txn;
	json_t *rec;
	char **pos;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_get, argc, argv, NULL, 0, &pos, &npos, &done);
	if (done)
		return rc;
	if (npos != 1) {
		free(pos);
		return cmd_usage(&cmd_get, "give one ID");
	}
	if ((rc = cmd_id_arg(&cmd_get, pos[0])) != 0 || (rc = cmd_open(ctx)) != 0) {
		free(pos);
		return rc;
	}
	if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0) {
		free(pos);
		return cmd_fail();
	}
	rc = cdn_record_get(txn, pos[0], &rec);
	cdn_txn_abort(txn);
	free(pos);
	if (rc != 0)
		return cmd_fail();
	cmd_print_record(ctx, rec);
	json_decref(rec);
	return 0;
}

const struct cmd cmd_get = {
	"get", "ID", "print one record",
	"Prints the record with that id (C-1, S-42, E-7 …): a readable block, or\n"
	"the record's JSON with --json. Exit status 3 if there is none.\n",
	run_get,
};

/* --- update ---------------------------------------------------------------- */

struct update_arg {
	const char *id;
	json_t *patch;
	int64_t if_version;
	json_t *out;
};

static int
run_update(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_opt opts[] = {
		{ "file", 'f', 1, NULL, NULL, 0 },
		{ "if-version", 0, 1, NULL, NULL, 0 },
	};
	struct update_arg a = { 0 };
	char **pos, *end;
	const char *file;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_update, argc, argv, opts, 2, &pos, &npos, &done);
	if (done)
		return rc;
	if (npos < 1 || npos > 2 || (npos == 2 && opts[0].value)) {
		free(pos);
		return cmd_usage(&cmd_update, "give one ID, and the patch as -f FILE, FILE or -");
	}
	if ((rc = cmd_id_arg(&cmd_update, pos[0])) != 0) {
		free(pos);
		return rc;
	}
	a.id = pos[0];
	file = npos == 2 ? pos[1] : opts[0].value;
	if (opts[1].value) {
		errno = 0;
		a.if_version = strtoll(opts[1].value, &end, 10);
		if (errno || *end || a.if_version < 1) {
			free(pos);
			return cmd_usage(&cmd_update, "--if-version needs a version number (1, 2, …)");
		}
	}
	if ((rc = cmd_open(ctx)) != 0) {
		free(pos);
		return rc;
	}
	if (cmd_read_json(file, &a.patch) != 0) {
		free(pos);
		return cmd_fail();
	}
	rc = cmd_written(cdn_record_edit(ctx->st, ctx->user, a.id, a.patch, a.if_version, &a.out));
	json_decref(a.patch);
	free(pos);
	if (rc != 0)
		return cmd_fail();
	if (ctx->json)
		cmd_print_record(ctx, a.out);
	else
		printf("%s version %" JSON_INTEGER_FORMAT "\n", json_string_value(json_object_get(a.out, "id")),
		    json_integer_value(json_object_get(a.out, "version")));
	json_decref(a.out);
	return 0;
}

const struct cmd cmd_update = {
	"update", "ID [-f FILE|-] [--if-version N]", "merge-patch (RFC 7386) a record",
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
	run_update,
};

/* --- delete ---------------------------------------------------------------- */

static int
run_delete(struct cmd_ctx *ctx, int argc, char **argv)
{
	char **pos;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_delete, argc, argv, NULL, 0, &pos, &npos, &done);
	if (done)
		return rc;
	if (npos != 1) {
		free(pos);
		return cmd_usage(&cmd_delete, "give one ID");
	}
	if ((rc = cmd_id_arg(&cmd_delete, pos[0])) != 0 || (rc = cmd_open(ctx)) != 0) {
		free(pos);
		return rc;
	}
	rc = cmd_written(cdn_record_remove(ctx->st, ctx->user, pos[0]));
	if (rc == 0 && !ctx->json)
		printf("deleted %s\n", pos[0]);
	else if (rc == 0) {
		json_t *o = json_pack("{s:s}", "deleted", pos[0]);

		cmd_print_jsonl(o);
		json_decref(o);
	}
	free(pos);
	return rc ? cmd_fail() : 0;
}

const struct cmd cmd_delete = {
	"delete", "ID", "delete a record (refused while links exist)",
	"Deletes the record. A record that links or other records still point\n"
	"at (a case with seizures, an entity with links) is refused: delete or\n"
	"re-point those first. The deletion is kept in the audit trail.\n",
	run_delete,
};

/* --- link ------------------------------------------------------------------ */

static int
run_link(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_opt opts[] = {
		{ "since", 0, 1, NULL, NULL, 0 },
		{ "until", 0, 1, NULL, NULL, 0 },
		{ "note", 0, 1, NULL, NULL, 0 },
	};
	struct add_arg a = { .kind = CDN_LINK };
	char **pos;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_link, argc, argv, opts, 3, &pos, &npos, &done);
	if (done)
		return rc;
	if (npos != 3) {
		free(pos);
		return cmd_usage(&cmd_link, "give FROM, TO and TYPE");
	}
	if ((rc = cmd_id_arg(&cmd_link, pos[0])) != 0 || (rc = cmd_id_arg(&cmd_link, pos[1])) != 0 ||
	    (rc = cmd_open(ctx)) != 0) {
		free(pos);
		return rc;
	}
	a.in = json_pack("{s:s,s:s,s:s}", "from", pos[0], "to", pos[1], "type", pos[2]);
	free(pos);
	if (opts[0].value)
		json_object_set_new(a.in, "since", json_string(opts[0].value));
	if (opts[1].value)
		json_object_set_new(a.in, "until", json_string(opts[1].value));
	if (opts[2].value)
		json_object_set_new(a.in, "notes", json_string(opts[2].value));
	rc = cmd_written(cdn_record_add(ctx->st, ctx->user, a.kind, a.in, 0, &a.out));
	json_decref(a.in);
	if (rc != 0)
		return cmd_fail();
	print_created(ctx, a.out);
	json_decref(a.out);
	return 0;
}

const struct cmd cmd_link = {
	"link", "FROM TO TYPE [--since D] [--until D] [--note T]", "create a link",
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
	run_link,
};
