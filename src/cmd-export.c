/*
 * cmd-export.c - `cordon export stix|misp|csv|verify|log`: signed exports
 * for partners, checking them, and the record of what left.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cordon/export.h"
#include "cordon/partner.h"
#include "cordon/sign.h"

static void
progress(void *arg, uint64_t done, uint64_t total)
{
	cmd_bar_draw(arg, "exporting", done, total, "alerts and cases");
}

/* Partners see the organisation as the producer: say so while it is
 * still the placeholder. */
static void
org_hint(struct cmd_ctx *ctx)
{
	struct cdn_txn *txn;
	json_t *org = NULL;

	if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0) {
		cdn_error_clear();
		return;
	}
	if (cdn_org_get(txn, &org) == 0 && !json_object_get(org, "version"))
		fprintf(stderr, "cordon: partners will see this store as \"%s\": set the name they "
		    "know you by with cordon org --name NAME\n",
		    json_string_value(json_object_get(org, "name")));
	cdn_error_clear();
	cdn_txn_abort(txn);
	json_decref(org);
}

static int
exec_make(struct cmd_ctx *ctx, struct args *args)
{
	enum cdn_export_format f = (enum cdn_export_format)cdn_export_format_parse(
	    args_entry(args)->name);
	struct cmd_bar bar;
	struct cdn_export_opts o = { args_get(args, "partner"), f, args_get(args, "since"),
		args_get(args, "out"), stdout, progress, &bar };
	json_t *r = NULL, *file;
	size_t i, listed = 0;
	int rc;

	if (!o.partner)
		return cmd_usage(args, "give the partner: --partner NAME");
	if (!o.out && f != CDN_EXPORT_CSV)
		return cmd_usage(args, "give where to write it: -o %s",
		    f == CDN_EXPORT_MISP ? "DIR" : "FILE");
	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (!ctx->json)
		org_hint(ctx);
	cmd_bar_init(&bar, 0);
	rc = cdn_export(ctx->st, ctx->user, &o, &r);
	cmd_bar_clear(&bar);
	if (rc != 0)
		return cmd_fail();
	if (ctx->json) {
		if (o.out)
			cmd_print_jsonl(r);
	} else if (o.out) {
		json_t *files = json_object_get(r, "files");

		printf("%s for %s: %lld alerts and cases, %lld records, %lld objects (%s)\n",
		    cdn_export_format_name(f), o.partner,
		    (long long)json_integer_value(json_object_get(r, "groups")),
		    (long long)json_integer_value(json_object_get(r, "records")),
		    (long long)json_integer_value(json_object_get(r, "objects")),
		    json_string_value(json_object_get(r, "id")));
		/* A feed's hundreds of files are in its SHA256SUMS: name that,
		 * and the checkpoint beside the feed. */
		json_array_foreach(files, i, file) {
			const char *name = json_string_value(json_object_get(file, "name"));

			if (f == CDN_EXPORT_MISP && strncmp(name, "SHA256SUMS", 10) != 0 &&
			    !strstr(name, ".checkpoint.json")) {
				listed++;
				continue;
			}
			printf("  %s  %10lld  %s\n", json_string_value(json_object_get(file, "sha256")),
			    (long long)json_integer_value(json_object_get(file, "bytes")), name);
		}
		if (f == CDN_EXPORT_MISP)
			printf("  and the %zu files listed in SHA256SUMS\n", listed);
		printf("signed with key %s (cordon key show gives partners its public half)\n",
		    json_string_value(json_object_get(r, "key")));
	} else {
		fprintf(stderr, "written to standard output, unsigned: give -o FILE for a signed "
		    "file (%s)\n", json_string_value(json_object_get(r, "id")));
	}
	json_decref(r);
	return 0;
}

/* The keys to check with: a PEM file, or the store's. */
static int
keys_for(struct cmd_ctx *ctx, const char *file, json_t **keys)
{
	char buf[8192];
	size_t n;
	FILE *f;

	*keys = NULL;
	if (!file) {
		/* Without a key, the store's; a partner has none. */
		int rc = cmd_written(cdn_store_open(ctx->store_dir, &ctx->st));

		if (rc != 0) {
			if (rc != CDN_ENOTSTORE)
				return cmd_fail();
			return cmd_error(1, "%s is not a cordon store: give the public key to check with "
			    "(--key PEM, from cordon key show)", ctx->store_dir);
		}
		return cdn_key_list(ctx->st, keys) == 0 ? 0 : cmd_fail();
	}
	if ((f = fopen(file, "r")) == NULL)
		return cmd_error(1, "%s: %s", file, strerror(errno));
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (!strstr(buf, "-----BEGIN PUBLIC KEY-----"))
		return cmd_error(1, "%s is not a public key in PEM (cordon key show gives one)", file);
	*keys = json_pack("[s]", buf);
	return *keys ? 0 : cmd_error(1, "out of memory");
}

static int
exec_verify(struct cmd_ctx *ctx, struct args *args)
{
	const char *path = args_string(args, 0), *keyfile = args_get(args, "key");
	json_t *keys, *report = NULL, *f;
	size_t i;
	int rc, bad;

	if ((rc = keys_for(ctx, keyfile, &keys)) != 0)
		return rc;
	rc = cdn_export_verify(keys, path, &report);
	json_decref(keys);
	if (!report)
		return cmd_fail();
	bad = rc != 0;
	if (ctx->json) {
		cmd_print_jsonl(report);
	} else {
		json_array_foreach(json_object_get(report, "files"), i, f) {
			const char *problem = json_string_value(json_object_get(f, "problem"));

			printf("%-8s %s%s%s\n", problem ? "BAD" : "ok",
			    json_string_value(json_object_get(f, "name")), problem ? ": " : "",
			    problem ? problem : "");
		}
		if (!bad)
			printf("%s: signed by key %s, unchanged\n", path,
			    json_string_value(json_object_get(report, "key")));
	}
	json_decref(report);
	return bad ? cmd_fail() : 0;
}

/* The file a partner checks the signature of: a feed's SHA256SUMS, else
 * the first (the bundle or the CSV). */
static json_t *
signed_file(json_t *e)
{
	json_t *files = json_object_get(e, "files"), *f;
	size_t i;

	json_array_foreach(files, i, f)
		if (strcmp(json_string_value(json_object_get(f, "name")) ?: "", "SHA256SUMS") == 0)
			return f;
	return json_array_get(files, 0);
}

static void
export_line(json_t *e)
{
	const char *id = json_string_value(json_object_get(e, "id"));
	json_t *policy = json_object_get(e, "policy"), *file = signed_file(e);

	printf("%s  %s  %-10s %-16s %-4s %-11s %-13s %7lld objects  %s sha256 %.16s…\n",
	    id && strlen(id) > 7 ? id + 7 : "?", json_string_value(json_object_get(e, "at")),
	    json_string_value(json_object_get(e, "by")),
	    json_string_value(json_object_get(e, "partner")),
	    json_string_value(json_object_get(e, "format")),
	    json_string_value(json_object_get(policy, "profile")),
	    json_string_value(json_object_get(policy, "max_tlp")),
	    (long long)json_integer_value(json_object_get(e, "objects")),
	    json_string_value(json_object_get(file, "name")),
	    json_string_value(json_object_get(file, "sha256")));
}

static int
exec_log(struct cmd_ctx *ctx, struct args *args)
{
	const char *partner = args_get(args, "partner");
	json_t *log = NULL;
	uint64_t limit = 0;
	char none[256];
	int rc;

	if ((rc = cmd_number(args, "limit", 1, INT64_MAX, &limit)) != 0 ||
	    (rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_export_log(ctx->st, partner, (size_t)limit, &log) != 0)
		return cmd_fail();
	snprintf(none, sizeof none, "no exports%s%s", partner ? " for " : "", partner ? partner : "");
	cmd_print_list(ctx, log, export_line, none);
	json_decref(log);
	return 0;
}

#define MAKE(name, out) \
	{ name, NULL, { "partner= since= o|out=", 0, 0 }, "--partner NAME [--since D] -o " out, \
	    NULL, NULL, exec_make }

static const struct cmd_entry export_subs[] = {
	MAKE("stix", "FILE"),
	MAKE("misp", "DIR"),
	MAKE("csv", "FILE"),
	{ "verify", NULL, { "key=", 1, 1 }, "FILE|DIR [--key PEM]", NULL, NULL, exec_verify },
	{ "log", NULL, { "partner= limit=", 0, 0 },
	    "[--partner NAME] [--limit N]", NULL, NULL, exec_log },
	{ NULL },
};

const struct cmd_entry cmd_export = {
	"export", NULL, { NULL, 0, -1 }, "stix|misp|csv|verify|log …",
	"signed exports of alerts for partners",
	"  stix --partner NAME [--since D] -o FILE\n"
	"                      one STIX 2.1 bundle, and FILE.sig\n"
	"  misp --partner NAME [--since D] -o DIR\n"
	"                      a MISP feed (manifest.json, hashes.csv, an event\n"
	"                      file per alert or case), SHA256SUMS and its .sig;\n"
	"                      DIR must be new or empty\n"
	"  csv --partner NAME [--since D] [-o FILE]\n"
	"                      a row per shared seizure with its alert; without\n"
	"                      -o, to standard output and unsigned\n"
	"  verify FILE|DIR [--key PEM]\n"
	"                      check an export's signature (and a feed's files)\n"
	"                      against the store's keys or the public key given\n"
	"  log [--partner NAME] [--limit N]\n"
	"                      what was exported, newest first\n"
	"\n"
	"What a partner receives is its policy (cordon partner show NAME): the\n"
	"alerts it selects and the cases it names, with the records behind them,\n"
	"none above its TLP ceiling, redacted to its profile. --since D keeps\n"
	"what changed from D on. Files are written whole under a temporary name\n"
	"and renamed; each is signed with the store's key (raw Ed25519 in\n"
	"FILE.sig), which stock OpenSSL checks:\n"
	"  openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in FILE -sigfile FILE.sig\n"
	"Every export is an audit entry naming the SHA-256 of every file.\n",
	NULL, export_subs,
};
