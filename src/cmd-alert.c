/*
 * cmd-alert.c - `cordon alert list|ack|escalate|dismiss|promote|attach`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cordon/alert.h"
#include "cordon/query.h"

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static int
list_one(void *arg, json_t *a)
{
	struct cmd_ctx *ctx = arg;

	if (ctx->json)
		cmd_print_jsonl(a);
	else {
		printf("%-8s %-12s %-8s %-20s %s  ", jstr(a, "id"), jstr(a, "status"),
		    jstr(a, "severity"), jstr(a, "last_seen_at"), jstr(a, "rule"));
		cmd_put_text(stdout, jstr(a, "title"), strlen(jstr(a, "title")), 0);
		putchar('\n');
	}
	return 0;
}

static int
exec_list(struct cmd_ctx *ctx, struct args *args)
{
	const char *status = args_get(args, "status");
	struct cdn_where w = { .n = 0 };
	struct cdn_query q = { .kind = CDN_ALERT };
	struct cdn_txn *txn;
	uint64_t limit = 0;
	int rc;

	if (args_has(args, "rule"))
		cdn_where_add(&w, "--rule", "rule", args_get(args, "rule"));
	if ((rc = cmd_number(args, "limit", 1, INT64_MAX, &limit)) != 0)
		return rc;
	if (status && cdn_where_enum(&w, "--status", CDN_ALERT, "status", status) != 0) {
		rc = cmd_error(2, "%s", cdn_error_last()->message);
		cdn_error_clear();
		return rc;
	}
	q.where = w.c;
	q.nwhere = w.n;
	q.limit = (size_t)limit;
	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0)
		return cmd_fail();
	rc = cdn_query_run(txn, &q, list_one, ctx);
	cdn_txn_abort(txn);
	return rc == 0 ? 0 : cmd_fail();
}

static int
exec_change(struct cmd_ctx *ctx, struct args *args)
{
	const char *sub = args_entry(args)->name, *id = args_string(args, 0);
	const char *case_id = args_string(args, 1), *note = args_get(args, "note");
	const char *status = strcmp(sub, "ack") == 0 ? "acknowledged" :
	    strcmp(sub, "escalate") == 0 ? "escalated" : "dismissed";
	json_t *a;
	int rc;

	if ((rc = cmd_id_arg(args, id)) != 0 || (case_id && (rc = cmd_id_arg(args, case_id)) != 0) ||
	    (rc = cmd_open(ctx)) != 0)
		return rc;
	rc = cmd_written(strcmp(sub, "promote") == 0 ? cdn_alert_promote(ctx->st, ctx->user, id, note, &a) :
	    case_id ? cdn_alert_attach(ctx->st, ctx->user, id, case_id, note, &a) :
	    cdn_alert_set_status(ctx->st, ctx->user, id, status, note, &a));
	if (rc != 0)
		return cmd_fail();
	if (ctx->json)
		cmd_print_jsonl(a);
	else if (strcmp(sub, "promote") == 0)
		printf("%s promoted to case %s\n", id, jstr(a, "case"));
	else if (case_id)
		printf("%s attached to case %s\n", id, jstr(a, "case"));
	else
		printf("%s %s\n", id, status);
	json_decref(a);
	return 0;
}

#define CHANGE(name) \
	{ name, NULL, { "note=", 1, 1 }, "A-ID [--note T]", NULL, NULL, exec_change }

static const struct cmd_entry alert_subs[] = {
	{ "list", NULL, { "status= rule= limit=", 0, 0 },
	    "[--status S] [--rule NAME] [--limit N]", NULL, NULL, exec_list },
	CHANGE("ack"),
	CHANGE("escalate"),
	CHANGE("dismiss"),
	CHANGE("promote"),
	{ "attach", NULL, { "note=", 2, 2 }, "A-ID C-ID [--note T]", NULL, NULL, exec_change },
	{ NULL },
};

const struct cmd_entry cmd_alert = {
	"alert", NULL, { NULL, 0, -1 },
	"list|ack|escalate|dismiss|promote|attach …", "alerts raised by rules, and their triage",
	"  list [--status S] [--rule NAME] [--limit N]\n"
	"                      alerts, oldest first; S is new, acknowledged,\n"
	"                      escalated, dismissed or promoted\n"
	"  ack A-ID [--note T]         acknowledge it\n"
	"  escalate A-ID [--note T]    escalate it\n"
	"  dismiss A-ID [--note T]     dismiss it (it may be taken up again)\n"
	"  promote A-ID [--note T]     open a case from it: titled after the alert,\n"
	"                              with a link from each record it names; final\n"
	"  attach A-ID C-ID [--note T] the same, to an existing case (no record is\n"
	"                              linked to it twice); final\n"
	"\n"
	"An alert is one per rule and key: a rule raising it again updates its\n"
	"refs and last_seen_at, whatever its status. Every change is an audit\n"
	"entry with its note. `cordon get A-ID` shows one alert whole.\n",
	NULL, alert_subs,
};
