/*
 * cmd-demo.c - `cordon demo`: a store filled with a realistic sample data
 * set, the shipped rules and their alerts, a user to sign in to the web UI
 * with, and a short tour of it.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "cmd.h"
#include "cordon/config.h"
#include "cordon/gen.h"
#include "cordon/query.h"
#include "cordon/rule.h"
#include "cordon/user.h"

#define DEMO_USER	"demo"
#define RULE_FILE_MAX	(1u << 20)

static int
fill(struct cmd_ctx *ctx)
{
	struct cdn_gen_opts g = { .seed = 20240604, .cases = 300, .with_entities = 1 };
	char path[4096];
	FILE *f;
	int fd, rc;

	if ((fd = cdn_tmpfile("demo", ".jsonl", path, sizeof path)) < 0 || (f = fdopen(fd, "w")) == NULL)
		return cmd_error(1, "cannot create a temporary file: %s", strerror(errno));
	rc = cdn_gen_write(f, &g);
	if (fclose(f) != 0 || rc != 0) {
		unlink(path);
		return cmd_error(1, "cannot write the demo data: %s", strerror(errno));
	}
	/* The tour shows what it made; the temporary file is no concern. */
	rc = cmd_import_file(ctx, path, CDN_IMPORT_JSONL, 1);
	unlink(path);
	return rc;
}

/* A .lua file name, for scandir. */
static int
lua_file(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 4 && strcmp(e->d_name + n - 4, ".lua") == 0;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = f ? malloc(RULE_FILE_MAX + 1) : NULL;

	if (!buf) {
		if (f)
			fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, RULE_FILE_MAX, f);
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

/*
 * The shipped rules (installed, else the source tree's), added and run
 * over the sample, so that the alert inbox has something in it. A rule
 * that cannot be added is said and skipped: the sample is still there.
 */
static int
add_rules(struct cmd_ctx *ctx, size_t *nrules, size_t *nalerts)
{
	const char *dir = access(CORDON_RULESDIR, R_OK) == 0 ? CORDON_RULESDIR : CORDON_SRCRULES;
	struct cdn_rule_run_opts o = { 0 };
	struct dirent **names = NULL;
	json_t *alerts = NULL;
	int n, rc = 0;

	*nrules = *nalerts = 0;
	if (cdn_rule_limits_env(&o.limits) != 0)
		return cmd_fail();
	if ((n = scandir(dir, &names, lua_file, alphasort)) < 0) {
		fprintf(stderr, "cordon: %s: %s: no rules added\n", dir, strerror(errno));
		return 0;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		size_t len = 0;
		char *src;
		json_t *rule = NULL;

		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		if ((src = slurp(path, &len)) == NULL ||
		    cdn_rule_add(ctx->st, ctx->user, src, len, &o.limits, &rule) != 0)
			fprintf(stderr, "cordon: %s: %s\n", path, src ? cdn_error_last()->message :
			    strerror(errno));
		else
			(*nrules)++;
		cdn_error_clear();
		json_decref(rule);
		free(src);
		free(names[i]);
	}
	free(names);
	if (*nrules > 0) {
		if (!ctx->json)
			printf("running %zu rules over the sample…\n", *nrules);
		if (cdn_rule_run(ctx->st, ctx->user, NULL, 0, &o, &alerts, NULL) != 0)
			rc = cmd_fail();
		*nalerts = json_array_size(alerts);
		json_decref(alerts);
	}
	return rc;
}

/* The demo user, a supervisor, with a new random password each time. */
static int
demo_user(struct cmd_ctx *ctx, char password[33])
{
	unsigned char raw[12];
	static const char letters[] = "abcdefghijkmnpqrstuvwxyz23456789";

	if (RAND_bytes(raw, sizeof raw) != 1)
		return cmd_error(1, "no random bytes for a password");
	for (size_t i = 0; i < sizeof raw; i++) {
		password[i * 2] = letters[raw[i] >> 3 & 31];
		password[i * 2 + 1] = letters[raw[i] & 31];
	}
	password[sizeof raw * 2] = '\0';
	if (cdn_user_add(ctx->st, ctx->user, DEMO_USER, "supervisor", password) == 0)
		return 0;
	if (cdn_error_last()->code != CDN_EEXIST)
		return cmd_fail();
	cdn_error_clear();
	return cdn_user_passwd(ctx->st, ctx->user, DEMO_USER, password) == 0 ? 0 : cmd_fail();
}

struct pick {
	struct cdn_txn *txn;
	json_t *seizure;
};

/* The tour shows a seizure that has a route and links, so every part of
 * the model is on screen at once. */
static int
pick_cb(void *arg, json_t *rec)
{
	struct pick *p = arg;
	struct cdn_query q = { .kind = CDN_LINK, .linked = NULL, .limit = 1 };
	struct cdn_cond c = { "to", json_string_value(json_object_get(rec, "id")) };
	size_t n = 0;

	if (!json_object_get(rec, "route"))
		return 0;
	q.where = &c;
	q.nwhere = 1;
	if (cdn_query_count(p->txn, &q, &n) == 0 && n > 0) {
		p->seizure = json_incref(rec);
		return 1;
	}
	return 0;
}

static int
line_cb(void *arg, json_t *rec)
{
	(void)arg;
	fputs("    ", stdout);
	cmd_print_line(rec);
	return 0;
}

static void
tour(struct cmd_ctx *ctx)
{
	struct cdn_txn *txn;
	struct pick p = { 0 };
	struct cdn_query q = { .kind = CDN_SEIZURE };
	json_t *cs = NULL, *route = NULL;
	size_t n;

	if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0)
		return;
	printf("\nThe store %s holds:\n", ctx->store_dir);
	for (int k = 0; k < CDN_NKINDS; k++)
		if (cdn_kind_count(txn, k, &n) == 0 && n > 0)
			printf("  %7zu %s\n", n, n == 1 ? cdn_kind_info(k)->name : cdn_kind_info(k)->plural);
	p.txn = txn;
	cdn_query_run(txn, &q, pick_cb, &p);
	if (!p.seizure)
		goto out;
	const char *sid = json_string_value(json_object_get(p.seizure, "id"));
	const char *cid = json_string_value(json_object_get(p.seizure, "case"));
	if (cdn_record_get(txn, cid, &cs) != 0)
		goto out;
	printf("\nA case:\n");
	cmd_print_record(ctx, cs);
	struct cdn_cond c = { "case", cid };
	struct cdn_query sq = { .kind = CDN_SEIZURE, .where = &c, .nwhere = 1 };
	printf("\nIts seizures (cordon list seizure --where case=%s):\n", cid);
	cdn_query_run(txn, &sq, line_cb, NULL);
	printf("\nOne seizure in full (cordon get %s):\n", sid);
	cmd_print_record(ctx, p.seizure);
	if (cdn_record_get(txn, json_string_value(json_object_get(p.seizure, "route")), &route) == 0) {
		printf("\nThe route it took:\n");
		line_cb(NULL, route);
	}
	struct cdn_query eq = { .kind = CDN_ENTITY, .linked = sid };
	printf("\nEntities linked to it (cordon list entity --linked %s):\n", sid);
	cdn_query_run(txn, &eq, line_cb, NULL);
	printf("\nThe links:\n");
	for (int end = 0; end < 2; end++) {
		struct cdn_cond lc = { end ? "from" : "to", sid };
		struct cdn_query lq = { .kind = CDN_LINK, .where = &lc, .nwhere = 1 };

		cdn_query_run(txn, &lq, line_cb, NULL);
	}
	printf("\nTry next:\n"
	    "  %s --store %s search nguyen van hung\n"
	    "  %s --store %s graph %s --depth 2\n"
	    "  %s --store %s list seizure --where commodity.category=wildlife --limit 10\n"
	    "  %s --store %s audit verify\n",
	    ctx->prog, ctx->store_dir, ctx->prog, ctx->store_dir, sid, ctx->prog, ctx->store_dir,
	    ctx->prog, ctx->store_dir);
out:
	json_decref(p.seizure);
	json_decref(cs);
	json_decref(route);
	cdn_txn_abort(txn);
}

static int
exec_demo(struct cmd_ctx *ctx, struct args *args)
{
	struct cdn_txn *txn;
	size_t n = 0, nrules = 0, nalerts = 0;
	char password[33];
	int rc, empty = 1, created = 0;

	(void)args;
	if ((rc = cmd_written(cdn_store_open(ctx->store_dir, &ctx->st))) != 0) {
		if (rc != CDN_ENOTSTORE)
			return cmd_fail();
		if (cdn_store_init(ctx->store_dir) != 0 ||
		    cdn_store_open(ctx->store_dir, &ctx->st) != 0)
			return cmd_fail();
		created = 1;
		if (!ctx->json)
			printf("created store %s\n", ctx->store_dir);
	}
	if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0)
		return cmd_fail();
	for (int k = 0; k < CDN_NKINDS; k++)
		if (cdn_kind_count(txn, k, &n) == 0 && n > 0)
			empty = 0;
	cdn_txn_abort(txn);
	if (empty && (rc = fill(ctx)) != 0)
		return rc;
	if (empty && (rc = add_rules(ctx, &nrules, &nalerts)) != 0)
		return rc;
	if ((rc = demo_user(ctx, password)) != 0)
		return rc;
	if (ctx->json) {
		json_t *o = json_pack("{s:s,s:b,s:b,s:{},s:{s:s,s:s,s:s}}", "store", ctx->store_dir,
		    "created", created, "filled", empty, "counts", "web", "user", DEMO_USER,
		    "password", password, "role", "supervisor");

		if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0) {
			json_decref(o);
			return cmd_fail();
		}
		for (int k = 0; k < CDN_NKINDS; k++)
			if (cdn_kind_count(txn, k, &n) == 0 && n > 0)
				json_object_set_new(json_object_get(o, "counts"), cdn_kind_info(k)->plural,
				    json_integer((json_int_t)n));
		cdn_txn_abort(txn);
		cmd_print_jsonl(o);
		json_decref(o);
		return 0;
	}
	if (!empty)
		printf("%s already holds records: showing them as they are\n", ctx->store_dir);
	tour(ctx);
	if (empty)
		printf("\nThe shipped rules (%zu) raised %zu alerts over the sample.\n", nrules, nalerts);
	printf("\nThe web UI: run\n"
	    "  %s --store %s serve\n"
	    "open http://127.0.0.1:8080/ and sign in as\n"
	    "  user      %s\n"
	    "  password  %s\n"
	    "(a supervisor; running demo again gives a new password, as does\n"
	    "%s --store %s user passwd %s)\n", ctx->prog, ctx->store_dir, DEMO_USER, password,
	    ctx->prog, ctx->store_dir, DEMO_USER);
	return 0;
}

const struct cmd_entry cmd_demo = {
	"demo", NULL, { "", 0, 0, "unexpected argument" }, "",
	"create (if needed) a store filled with a realistic sample data set",
	"Creates the store if it does not exist and, if it is empty, fills it\n"
	"with a generated sample: a few hundred cases of narcotics by air,\n"
	"ivory and pangolin scales by sea, cigarettes over land borders and\n"
	"counterfeits, with the people, companies, vessels and containers\n"
	"behind them, their routes and links; adds the shipped detection rules\n"
	"and runs them over it. Then prints a short tour, and a user (demo, a\n"
	"supervisor, with a new random password each time) to sign in to the\n"
	"web UI with.\n",
	exec_demo, NULL,
};
