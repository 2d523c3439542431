/*
 * cmd-partner.c - `cordon partner add|list|show|update|remove|preview`:
 * the services cordon shares with and their policies; and `cordon org`:
 * the name partners know this service by.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cordon/partner.h"
#include "cordon/share.h"

enum { O_COUNTRY, O_MAX_TLP, O_PROFILE, O_RULES, O_SEVERITIES, O_TAGS, O_STATUSES, O_CASES,
	O_SINCE, O_LIMIT, NOPTS };

/* A list option: "a,b,c" → ["a","b","c"]; "all" → null (all); "none" →
 * [] (cases only: an empty alert selector would select nothing). */
static json_t *
list_arg(const char *v, int none_ok)
{
	json_t *a;
	const char *p = v;

	if (strcmp(v, "all") == 0)
		return json_null();
	if (none_ok && strcmp(v, "none") == 0)
		return json_array();
	if ((a = json_array()) == NULL)
		return NULL;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		/* Spaces around items are the shell's, not the value's. */
		while (n && *p == ' ') {
			p++;
			n--;
		}
		while (n && p[n - 1] == ' ')
			n--;
		json_array_append_new(a, json_stringn(p, n));
		p += comma ? (size_t)(comma - p) + 1 : strlen(p);
	}
	return a;
}

/* The policy members given as options. */
static json_t *
policy_from(struct cmd_opt *opts)
{
	static const char *const keys[] = { "country", "max_tlp", "profile", "rules", "severities",
		"tags", "statuses", "cases" };
	json_t *p = json_object();

	for (int i = O_COUNTRY; p && i <= O_CASES; i++) {
		if (!opts[i].value)
			continue;
		if (i <= O_PROFILE)
			json_object_set_new(p, keys[i], json_string(opts[i].value));
		else
			json_object_set_new(p, keys[i], list_arg(opts[i].value, i == O_CASES));
	}
	return p;
}

static void
print_list(const char *label, json_t *v, const char *all)
{
	json_t *x;
	size_t i;

	printf("  %-12s ", label);
	if (!json_is_array(v)) {
		printf("%s\n", all);
		return;
	}
	if (json_array_size(v) == 0)
		printf("none");
	json_array_foreach(v, i, x)
		printf("%s%s", i ? ", " : "", json_string_value(x));
	printf("\n");
}

static void
print_partner(struct cmd_ctx *ctx, json_t *p)
{
	if (ctx->json) {
		cmd_print_jsonl(p);
		return;
	}
	printf("partner %s (version %lld)\n", json_string_value(json_object_get(p, "name")),
	    (long long)json_integer_value(json_object_get(p, "version")));
	printf("  %-12s %s\n", "country", json_string_value(json_object_get(p, "country")));
	printf("  %-12s %s (red is never shared)\n", "max TLP",
	    json_string_value(json_object_get(p, "max_tlp")));
	printf("  %-12s %s\n", "profile", json_string_value(json_object_get(p, "profile")));
	print_list("rules", json_object_get(p, "rules"), "all");
	print_list("severities", json_object_get(p, "severities"), "all");
	print_list("tags", json_object_get(p, "tags"), "any");
	print_list("statuses", json_object_get(p, "statuses"), "all");
	print_list("cases", json_object_get(p, "cases"), "none");
	printf("  %-12s %s by %s\n", "updated", json_string_value(json_object_get(p, "updated_at")),
	    json_string_value(json_object_get(p, "updated_by")));
}

static int
run_preview(struct cmd_ctx *ctx, const char *name, struct cmd_opt *opts)
{
	json_t *out = NULL, *g, *stats;
	size_t limit = 20, i;
	int rc;

	if (opts[O_LIMIT].value) {
		char *end;
		long n = strtol(opts[O_LIMIT].value, &end, 10);

		if (*end || n < 1 || n > 1000)
			return cmd_error(2, "--limit needs a number from 1 to 1000");
		limit = (size_t)n;
	}
	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_share_preview(ctx->st, name, opts[O_SINCE].value, limit, &out) != 0)
		return cmd_fail();
	if (ctx->json) {
		cmd_print_jsonl(out);
		json_decref(out);
		return 0;
	}
	stats = json_object_get(out, "stats");
	json_array_foreach(json_object_get(out, "groups"), i, g) {
		json_t *m;
		size_t k;

		printf("%-8s %-12s %s\n", json_string_value(json_object_get(g, "id")),
		    json_string_value(json_object_get(g, "tlp")),
		    json_string_value(json_object_get(json_object_get(g, "head"), "label")));
		json_array_foreach(json_object_get(g, "members"), k, m)
			printf("    %-8s %s\n", json_string_value(json_object_get(m, "id")),
			    json_string_value(json_object_get(m, "label")));
	}
	if (json_is_true(json_object_get(out, "more")))
		printf("… the first %zu shown (--limit N for more)\n", limit);
	printf("%lld alerts and cases, %lld records and %lld links would be shared with %s; "
	    "%lld records withheld, %lld texts removed for naming what is withheld\n",
	    (long long)json_integer_value(json_object_get(stats, "groups")),
	    (long long)json_integer_value(json_object_get(stats, "records")),
	    (long long)json_integer_value(json_object_get(stats, "links")), name,
	    (long long)json_integer_value(json_object_get(stats, "withheld")),
	    (long long)json_integer_value(json_object_get(stats, "texts_dropped")));
	json_decref(out);
	return 0;
}

static int
run_partner(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_opt opts[NOPTS] = {
		{ "country", 0, 1, NULL, NULL, 0 }, { "max-tlp", 0, 1, NULL, NULL, 0 },
		{ "profile", 0, 1, NULL, NULL, 0 }, { "rules", 0, 1, NULL, NULL, 0 },
		{ "severities", 0, 1, NULL, NULL, 0 }, { "tags", 0, 1, NULL, NULL, 0 },
		{ "statuses", 0, 1, NULL, NULL, 0 }, { "cases", 0, 1, NULL, NULL, 0 },
		{ "since", 0, 1, NULL, NULL, 0 }, { "limit", 0, 1, NULL, NULL, 0 },
	};
	const char *sub;
	json_t *p = NULL, *out = NULL;
	char **pos;
	int npos, done, rc, any = 0, n;

	rc = cmd_parse(ctx, &cmd_partner, argc, argv, opts, NOPTS, &pos, &npos, &done);
	if (done)
		return rc;
	for (int i = O_COUNTRY; i <= O_CASES; i++)
		any |= opts[i].value != NULL;
	sub = npos > 0 ? pos[0] : "";
	n = strcmp(sub, "list") == 0 ? 1 : 2;
	if (strcmp(sub, "add") != 0 && strcmp(sub, "update") != 0 && strcmp(sub, "show") != 0 &&
	    strcmp(sub, "list") != 0 && strcmp(sub, "remove") != 0 && strcmp(sub, "preview") != 0) {
		rc = cmd_usage(&cmd_partner, *sub ? "no such command: partner %.40s (add, list, show, "
		    "update, remove or preview)" : "give add, list, show, update, remove or preview", sub);
	} else if (npos != n) {
		rc = cmd_usage(&cmd_partner, "partner %s%s", sub, n == 1 ? "" : " NAME");
	} else if ((opts[O_SINCE].value || opts[O_LIMIT].value) && strcmp(sub, "preview") != 0) {
		rc = cmd_usage(&cmd_partner, "--since and --limit are for partner preview");
	} else if (any && strcmp(sub, "add") != 0 && strcmp(sub, "update") != 0) {
		rc = cmd_usage(&cmd_partner, "policy options are for partner add and update");
	} else if (strcmp(sub, "add") == 0 || strcmp(sub, "update") == 0) {
		if ((p = policy_from(opts)) == NULL)
			rc = cmd_error(1, "out of memory");
		else if ((rc = cmd_open(ctx)) == 0) {
			rc = sub[0] == 'a' ? cdn_partner_add(ctx->st, ctx->user, pos[1], p, &out) :
			    cdn_partner_update(ctx->st, ctx->user, pos[1], p, &out);
			if (rc != 0)
				rc = cmd_fail();
			else
				print_partner(ctx, out);
			if (rc == 0 && sub[0] == 'a' && !ctx->json)
				printf("give it a token for its TAXII collection: cordon token create %s\n",
				    pos[1]);
		}
	} else if (strcmp(sub, "show") == 0) {
		if ((rc = cmd_open(ctx)) == 0 && (rc = cdn_partner_get(ctx->st, pos[1], &out)) != 0)
			rc = cmd_fail();
		else if (rc == 0)
			print_partner(ctx, out);
	} else if (strcmp(sub, "list") == 0) {
		json_t *x;
		size_t i;

		if ((rc = cmd_open(ctx)) == 0 && (rc = cdn_partner_list(ctx->st, &out)) != 0)
			rc = cmd_fail();
		json_array_foreach(out, i, x) {
			if (ctx->json)
				cmd_print_jsonl(x);
			else
				printf("%-24s %-3s %-13s %s\n", json_string_value(json_object_get(x, "name")),
				    json_string_value(json_object_get(x, "country")),
				    json_string_value(json_object_get(x, "max_tlp")),
				    json_string_value(json_object_get(x, "profile")));
		}
		if (rc == 0 && !ctx->json && json_array_size(out) == 0)
			fprintf(stderr, "no partners (add one with cordon partner add NAME --country CC "
			    "--max-tlp TLP)\n");
	} else if (strcmp(sub, "remove") == 0) {
		if ((rc = cmd_open(ctx)) == 0 && (rc = cdn_partner_remove(ctx->st, ctx->user,
		    pos[1])) != 0)
			rc = cmd_fail();
		else if (rc == 0 && !ctx->json)
			printf("partner %s removed, with its user and tokens\n", pos[1]);
	} else {
		rc = run_preview(ctx, pos[1], opts);
	}
	json_decref(p);
	json_decref(out);
	free(pos);
	return rc;
}

const struct cmd cmd_partner = {
	"partner", "add|list|show|update|remove|preview …",
	"the services alerts are shared with, and what each may receive",
	"  add NAME --country CC --max-tlp TLP [POLICY]\n"
	"                      add a partner, and its user (role partner) for the\n"
	"                      TAXII collection; TLP is clear, green, amber or\n"
	"                      amber+strict (red is never shared)\n"
	"  update NAME [--country CC] [--max-tlp TLP] [POLICY]\n"
	"                      change what it may receive; each option given\n"
	"                      replaces what was set\n"
	"  show NAME           its policy     list   every partner\n"
	"  remove NAME         remove it, its user and that user's tokens\n"
	"  preview NAME [--since D] [--limit N]\n"
	"                      what it would receive now, after redaction: the\n"
	"                      first N alerts and cases (default 20), and counts\n"
	"\n"
	"POLICY:\n"
	"  --profile P         non-nominal (the default: no names of people or\n"
	"                      companies, no birth dates, no personal identifiers,\n"
	"                      no free text that may name them) or nominal\n"
	"  --rules LIST        alerts of these rules (default all)\n"
	"  --severities LIST   alerts of these severities (default all)\n"
	"  --tags LIST         alerts carrying any of these tags (default any)\n"
	"  --statuses LIST     alerts in these statuses (default new, acknowledged,\n"
	"                      escalated, promoted: all but dismissed)\n"
	"  --cases LIST        cases shared whole, as reports (default none)\n"
	"LIST is comma-separated; `all` (or `none` for --cases) resets it.\n"
	"Every change is audited. doc/partners.md has the field-by-field table of\n"
	"what each profile shares.\n",
	run_partner,
};

static int
run_org(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_opt opts[] = { { "name", 0, 1, NULL, NULL, 0 }, { "country", 0, 1, NULL, NULL, 0 } };
	struct cdn_txn *txn;
	json_t *org = NULL;
	char **pos;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_org, argc, argv, opts, 2, &pos, &npos, &done);
	if (done)
		return rc;
	free(pos);
	if (npos != 0)
		return cmd_usage(&cmd_org, "takes no arguments, only --name and --country");
	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if ((rc = cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_org_get(txn, &org);
		cdn_txn_abort(txn);
	}
	/* A change of one keeps the other. */
	if (rc == 0 && (opts[0].value || opts[1].value)) {
		json_t *now = org;

		rc = cdn_org_set(ctx->st, ctx->user, opts[0].value ? opts[0].value :
		    json_string_value(json_object_get(now, "name")), opts[1].value ? opts[1].value :
		    json_string_value(json_object_get(now, "country")), &org);
		json_decref(now);
	}
	if (rc != 0)
		return cmd_fail();
	if (ctx->json)
		cmd_print_jsonl(org);
	else
		printf("%s%s%s\n", json_string_value(json_object_get(org, "name")),
		    json_is_string(json_object_get(org, "country")) ? ", " : "",
		    json_string_value(json_object_get(org, "country")) ?: "");
	json_decref(org);
	return 0;
}

const struct cmd cmd_org = {
	"org", "[--name NAME] [--country CC]", "the name partners know this service by",
	"Without options, print it; with --name or --country, set them (audited).\n"
	"It is the producer every exported object names: the STIX identity, the\n"
	"MISP feed's organisation, the TAXII API root's title. Until it is set it\n"
	"is \"cordon store\" and the first digits of the store's UUID.\n",
	run_org,
};
