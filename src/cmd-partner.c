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
#include "cordon/stix.h"
#include "cordon/query.h"
#include "cordon/share.h"

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

/* The policy's members: option, member, and how its value is read (0 a
 * string, 1 a list, 2 a list that may be "none"). */
static const struct {
	const char *opt, *key;
	int list;
} policy[] = {
	{ "country", "country", 0 }, { "max-tlp", "max_tlp", 0 }, { "profile", "profile", 0 },
	{ "rules", "rules", 1 }, { "severities", "severities", 1 }, { "tags", "tags", 1 },
	{ "statuses", "statuses", 1 }, { "cases", "cases", 2 },
};
#define POLICY_OPTS "country= max-tlp= profile= rules= severities= tags= statuses= cases="

/* The policy members given as options. */
static json_t *
policy_from(struct args *args)
{
	json_t *p = json_object();

	for (size_t i = 0; p && i < sizeof policy / sizeof *policy; i++) {
		const char *v = args_get(args, policy[i].opt);

		if (v)
			json_object_set_new(p, policy[i].key, policy[i].list ?
			    list_arg(v, policy[i].list == 2) : json_string(v));
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
	/* Where its TAXII client pulls from (doc/partners.md). */
	{
		struct cdn_txn *txn;
		char id[128];

		if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) == 0) {
			const char *sep;

			if (cdn_stix_id(txn, "taxii-collection", json_string_value(json_object_get(p,
			    "name")), id) == 0 && (sep = strstr(id, "--")) != NULL)
				printf("  %-12s /taxii2/api/collections/%s/objects/\n", "TAXII", sep + 2);
			cdn_txn_abort(txn);
		}
		cdn_error_clear();
	}
}

static int
exec_preview(struct cmd_ctx *ctx, struct args *args)
{
	const char *name = args_string(args, 0);
	json_t *out = NULL, *g, *stats;
	uint64_t limit = 20;
	size_t i;
	int rc;

	if ((rc = cmd_number(args, "limit", 1, CDN_PREVIEW_LIMIT_MAX, &limit)) != 0 ||
	    (rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_share_preview(ctx->st, name, args_get(args, "since"), (size_t)limit, &out) != 0)
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
		printf("… the first %zu shown (--limit N for more)\n", (size_t)limit);
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
exec_add_update(struct cmd_ctx *ctx, struct args *args)
{
	const char *name = args_string(args, 0);
	int add = strcmp(args_entry(args)->name, "add") == 0, rc;
	json_t *p, *out = NULL;

	if ((p = policy_from(args)) == NULL)
		return cmd_error(1, "out of memory");
	if ((rc = cmd_open(ctx)) == 0) {
		rc = add ? cdn_partner_add(ctx->st, ctx->user, name, p, &out) :
		    cdn_partner_update(ctx->st, ctx->user, name, p, &out);
		if (rc != 0)
			rc = cmd_fail();
		else
			print_partner(ctx, out);
		if (rc == 0 && add && !ctx->json)
			printf("give it a token for its TAXII collection: cordon token create %s\n", name);
	}
	json_decref(p);
	json_decref(out);
	return rc;
}

static int
exec_show(struct cmd_ctx *ctx, struct args *args)
{
	json_t *out = NULL;
	int rc;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_partner_get(ctx->st, args_string(args, 0), &out) != 0)
		return cmd_fail();
	print_partner(ctx, out);
	json_decref(out);
	return 0;
}

static void
partner_line(json_t *x)
{
	printf("%-24s %-3s %-13s %s\n", json_string_value(json_object_get(x, "name")),
	    json_string_value(json_object_get(x, "country")),
	    json_string_value(json_object_get(x, "max_tlp")),
	    json_string_value(json_object_get(x, "profile")));
}

static int
exec_list(struct cmd_ctx *ctx, struct args *args)
{
	json_t *out = NULL;
	int rc;

	(void)args;
	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_partner_list(ctx->st, &out) != 0)
		return cmd_fail();
	cmd_print_list(ctx, out, partner_line, "no partners (add one with cordon partner add NAME "
	    "--country CC --max-tlp TLP)");
	json_decref(out);
	return 0;
}

static int
exec_remove(struct cmd_ctx *ctx, struct args *args)
{
	int rc;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_partner_remove(ctx->st, ctx->user, args_string(args, 0)) != 0)
		return cmd_fail();
	if (!ctx->json)
		printf("partner %s removed, with its user and tokens\n", args_string(args, 0));
	return 0;
}

static const struct cmd_entry partner_subs[] = {
	{ "add", NULL, { POLICY_OPTS, 1, 1 },
	    "NAME --country CC --max-tlp TLP [POLICY]", NULL, NULL, exec_add_update },
	{ "list", NULL, { "", 0, 0 }, "", NULL, NULL, exec_list },
	{ "show", NULL, { "", 1, 1 }, "NAME", NULL, NULL, exec_show },
	{ "update", NULL, { POLICY_OPTS, 1, 1 },
	    "NAME [--country CC] [--max-tlp TLP] [POLICY]", NULL, NULL, exec_add_update },
	{ "remove", NULL, { "", 1, 1 }, "NAME", NULL, NULL, exec_remove },
	{ "preview", NULL, { "since= limit=", 1, 1 },
	    "NAME [--since D] [--limit N]", NULL, NULL, exec_preview },
	{ NULL },
};

const struct cmd_entry cmd_partner = {
	"partner", NULL, { NULL, 0, -1 }, "add|list|show|update|remove|preview …",
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
	"                      first N alerts and cases (default 20, at most\n"
	"                      200), and counts\n"
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
	NULL, partner_subs,
};

static int
exec_org(struct cmd_ctx *ctx, struct args *args)
{
	const char *name = args_get(args, "name"), *country = args_get(args, "country");
	struct cdn_txn *txn;
	json_t *org = NULL;
	int rc;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if ((rc = cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_org_get(txn, &org);
		cdn_txn_abort(txn);
	}
	/* A change of one keeps the other. */
	if (rc == 0 && (name || country)) {
		json_t *now = org;

		rc = cdn_org_set(ctx->st, ctx->user, name ? name :
		    json_string_value(json_object_get(now, "name")), country ? country :
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

const struct cmd_entry cmd_org = {
	"org", NULL, { "name= country=", 0, 0, "takes no arguments, only --name and --country" },
	"[--name NAME] [--country CC]", "the name partners know this service by",
	"Without options, print it; with --name or --country, set them (audited).\n"
	"It is the producer every exported object names: the STIX identity, the\n"
	"MISP feed's organisation, the TAXII API root's title. Until it is set it\n"
	"is \"cordon store\" and the first digits of the store's UUID.\n",
	exec_org, NULL,
};
