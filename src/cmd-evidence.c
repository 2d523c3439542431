/*
 * cmd-evidence.c - `cordon evidence add|update|get|log|custody|verify`.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "cordon/check.h"
#include "cordon/evidence.h"

static void
print_evidence(struct cmd_ctx *ctx, json_t *rec)
{
	json_t *versions = json_object_get(rec, "versions");

	if (ctx->json) {
		cmd_print_record(ctx, rec);
		return;
	}
	printf("%s version %zu\n", json_string_value(json_object_get(rec, "id")),
	    json_array_size(versions));
}

static int
exec_add_update(struct cmd_ctx *ctx, struct args *args)
{
	int update = strcmp(args_entry(args)->name, "update") == 0;
	const char *target = args_string(args, 0), *file = args_string(args, 1);
	struct cdn_evidence_opts o = { 0 };
	json_t *rec = NULL;
	int rc;

	o.note = args_get(args, "note");
	o.filename = args_get(args, "name");
	o.description = update ? NULL : args_get(args, "description");
	if ((update && (rc = cmd_id_arg(args, target)) != 0) || (rc = cmd_open(ctx)) != 0)
		return rc;
	rc = cmd_written(update ? cdn_evidence_update(ctx->st, ctx->user, target, file, &o, &rec) :
	    cdn_evidence_add(ctx->st, ctx->user, target, file, &o, &rec));
	if (rc != 0)
		return cmd_fail();
	if (ctx->json || update)
		print_evidence(ctx, rec);
	else
		printf("%s\n", json_string_value(json_object_get(rec, "id")));
	json_decref(rec);
	return 0;
}

static int
exec_get(struct cmd_ctx *ctx, struct args *args)
{
	const char *id = args_string(args, 0), *outpath = args_get(args, "output");
	char tmp[4096];
	json_t *ver = NULL;
	uint64_t version = 0;
	int fd = STDOUT_FILENO, rc;

	if ((rc = cmd_id_arg(args, id)) != 0 ||
	    (rc = cmd_number(args, "version", 1, INT64_MAX, &version)) != 0)
		return rc;
	if (!outpath && isatty(STDOUT_FILENO))
		return cmd_error(2, "standard output is a terminal: give -o FILE for the content");
	if (ctx->json && !outpath)
		return cmd_error(2, "--json prints what was written: give -o FILE for the content");
	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	/* Into a file beside the target, renamed when whole and checked. */
	if (outpath) {
		snprintf(tmp, sizeof tmp, "%s.part-XXXXXX", outpath);
		if ((fd = mkstemp(tmp)) < 0)
			return cmd_error(1, "%s: %s", outpath, strerror(errno));
	}
	rc = cdn_evidence_get(ctx->st, id, (int64_t)version, fd, &ver);
	if (outpath) {
		if (rc == 0 && (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, outpath) != 0))
			rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", outpath, strerror(errno));
		else if (rc != 0)
			close(fd);
		if (rc != 0)
			unlink(tmp);
	}
	if (rc != 0) {
		json_decref(ver);
		return cmd_fail();
	}
	if (ctx->json)
		cmd_print_jsonl(ver);
	else if (outpath)
		fprintf(stderr, "%s version %" JSON_INTEGER_FORMAT " written to %s (%" JSON_INTEGER_FORMAT
		    " bytes, SHA-256 checked)\n", id, json_integer_value(json_object_get(ver, "version")),
		    outpath, json_integer_value(json_object_get(ver, "size")));
	json_decref(ver);
	return 0;
}

struct event {
	const char *at;
	json_t *e;
	int version;		/* a version, or a custody event */
};

static int
by_time(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	int c = strcmp(x->at, y->at);

	/* Same instant: versions before custody, then as recorded. */
	return c ? c : x->version != y->version ? y->version - x->version : (x < y ? -1 : 1);
}

static int
exec_log(struct cmd_ctx *ctx, struct args *args)
{
	const char *id = args_string(args, 0);
	struct event *ev;
	json_t *rec, *versions, *custody, *e;
	size_t n = 0, i;
	int rc;

	if ((rc = cmd_id_arg(args, id)) != 0 || (rc = cmd_get_record(ctx, id, &rec)) != 0)
		return rc;
	versions = json_object_get(rec, "versions");
	custody = json_object_get(rec, "custody");
	if ((ev = calloc(json_array_size(versions) + json_array_size(custody) + 1, sizeof *ev)) == NULL) {
		json_decref(rec);
		return cmd_error(1, "out of memory");
	}
	json_array_foreach(versions, i, e)
		ev[n++] = (struct event){ json_string_value(json_object_get(e, "at")), e, 1 };
	json_array_foreach(custody, i, e)
		ev[n++] = (struct event){ json_string_value(json_object_get(e, "at")), e, 0 };
	qsort(ev, n, sizeof *ev, by_time);
	for (i = 0; i < n; i++) {
		const char *note = json_string_value(json_object_get(ev[i].e, "note"));

		if (ctx->json) {
			json_t *o = json_deep_copy(ev[i].e);

			json_object_set_new(o, "event", json_string(ev[i].version ? "version" : "custody"));
			cmd_print_jsonl(o);
			json_decref(o);
		} else if (ev[i].version) {
			printf("%s  version %-3" JSON_INTEGER_FORMAT " %-12s %s, %" JSON_INTEGER_FORMAT
			    " bytes, %s, sha256 %.16s…%s%s\n", ev[i].at,
			    json_integer_value(json_object_get(ev[i].e, "version")),
			    json_string_value(json_object_get(ev[i].e, "by")),
			    cmd_text(json_string_value(json_object_get(ev[i].e, "filename"))),
			    json_integer_value(json_object_get(ev[i].e, "size")),
			    json_string_value(json_object_get(ev[i].e, "media_type")),
			    json_string_value(json_object_get(ev[i].e, "sha256")),
			    note ? "\n                        " : "", note ? cmd_text(note) : "");
		} else {
			printf("%s  %-11s %-12s%s%s\n", ev[i].at,
			    json_string_value(json_object_get(ev[i].e, "action")),
			    json_string_value(json_object_get(ev[i].e, "by")),
			    note ? " " : "", note ? cmd_text(note) : "");
		}
	}
	free(ev);
	json_decref(rec);
	return 0;
}

static int
exec_custody(struct cmd_ctx *ctx, struct args *args)
{
	const char *id = args_string(args, 0), *action = args_string(args, 1);
	const char *note = args_get(args, "note");
	json_t *rec = NULL;
	int rc;

	if ((rc = cmd_id_arg(args, id)) != 0 || (rc = cmd_open(ctx)) != 0)
		return rc;
	if (cmd_written(cdn_evidence_custody(ctx->st, ctx->user, id, action, note, &rec)) != 0)
		return cmd_fail();
	if (ctx->json)
		cmd_print_record(ctx, rec);
	else
		printf("%s: %s (custody event %zu)\n", id, action,
		    json_array_size(json_object_get(rec, "custody")));
	json_decref(rec);
	return 0;
}

static int
exec_verify(struct cmd_ctx *ctx, struct args *args)
{
	struct cdn_evidence_check c;
	struct cmd_problems ui = { 0 };
	struct timespec t0, t1;
	double secs;
	int rc;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	(void)args;
	rc = cdn_evidence_verify(ctx->st, cmd_problem, &ui, &c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rc != 0 && ui.problems == 0)
		return cmd_fail();
	if (ctx->json) {
		cmd_print_new(json_pack("{s:b,s:I,s:I,s:I,s:I,s:b}", "ok", rc == 0,
		    "records", (json_int_t)c.records, "versions", (json_int_t)c.versions,
		    "bytes", (json_int_t)c.bytes, "problems", (json_int_t)ui.problems,
		    "ref_behind", c.ref_behind));
	} else if (rc == 0) {
		printf("evidence intact: %" PRIu64 " record%s, %" PRIu64 " version%s, %.1f MB"
		    " re-hashed in %.2f s\n", c.records, c.records == 1 ? "" : "s", c.versions,
		    c.versions == 1 ? "" : "s", (double)c.bytes / 1e6, secs);
		if (c.ref_behind)
			printf("(the git branch trails the store by its last commit, as a crash "
			    "leaves it; the next write moves it on)\n");
	}
	return rc == 0 ? 0 : cmd_error(1, "evidence damaged: %" PRIu64 " problem%s",
	    ui.problems, ui.problems == 1 ? "" : "s");
}

static const struct cmd_entry evidence_subs[] = {
	{ "add", NULL, { "note= name= description=", 2, 2 },
	    "CASE FILE [--note T] [--description T] [--name NAME]", NULL, NULL, exec_add_update },
	{ "update", NULL, { "note= name=", 2, 2 },
	    "V-ID FILE [--note T] [--name NAME]", NULL, NULL, exec_add_update },
	{ "get", NULL, { "version= o|output=", 1, 1 },
	    "V-ID [--version N] [-o OUT]", NULL, NULL, exec_get },
	{ "log", NULL, { "", 1, 1 }, "V-ID", NULL, NULL, exec_log },
	{ "custody", NULL, { "note=", 2, 2 }, "V-ID ACTION [--note T]", NULL, NULL, exec_custody },
	{ "verify", NULL, { "", 0, 0 }, "", NULL, NULL, exec_verify },
	{ NULL },
};

const struct cmd_entry cmd_evidence = {
	"evidence", NULL, { NULL, 0, -1 }, "add|update|get|log|custody|verify …",
	"evidence files, their versions and custody",
	"  add CASE FILE [--note T] [--description T] [--name NAME]\n"
	"        keep FILE as new evidence of CASE; prints its id (V-…)\n"
	"  update V-ID FILE [--note T] [--name NAME]\n"
	"        a new version of it; every earlier one stays readable\n"
	"  get V-ID [--version N] [-o OUT]\n"
	"        the content of a version (the latest by default), checked\n"
	"        against its SHA-256 as it is written; to OUT, or standard\n"
	"        output when it is not a terminal\n"
	"  log V-ID\n"
	"        its versions and custody events, oldest first\n"
	"  custody V-ID ACTION [--note T]\n"
	"        append a custody event: collected, received, transferred,\n"
	"        analysed, returned, destroyed or note; events are never changed\n"
	"  verify\n"
	"        re-hash every version of every evidence file against its\n"
	"        SHA-256 and git object, and check the store and the git\n"
	"        repository agree; any problem is named and the exit status is 1\n"
	"\n"
	"The media type is read from the content, not the name. A file must not\n"
	"be empty nor larger than 256 MiB (CORDON_EVIDENCE_MAX=SIZE, e.g. 2G,\n"
	"raises it); its name must be a plain base name. Identical content is\n"
	"stored once. The git repository is STORE/evidence.git: every version is\n"
	"a commit by the acting user, its file at CASE/V-ID/NAME.\n",
	NULL, evidence_subs,
};
