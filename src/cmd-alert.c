/*
 * cmd-alert.c - `cordon alert list|ack|escalate|dismiss|promote|attach`.
 */
#include <errno.h>
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
run_list(struct cmd_ctx *ctx, struct cmd_opt *opts)
{
	struct cdn_cond conds[2];
	struct cdn_query q = { .kind = CDN_ALERT, .where = conds };
	struct cdn_txn *txn;
	int rc;

	if (opts[0].value)
		conds[q.nwhere++] = (struct cdn_cond){ "status", opts[0].value };
	if (opts[1].value)
		conds[q.nwhere++] = (struct cdn_cond){ "rule", opts[1].value };
	if (opts[2].value) {
		char *end;
		long n;

		errno = 0;
		n = strtol(opts[2].value, &end, 10);
		if (errno || *end || n < 1)
			return cmd_error(2, "--limit needs a number >= 1");
		q.limit = (size_t)n;
	}
	if (opts[0].value && strcmp(opts[0].value, "new") != 0 &&
	    strcmp(opts[0].value, "acknowledged") != 0 && strcmp(opts[0].value, "escalated") != 0 &&
	    strcmp(opts[0].value, "dismissed") != 0 && strcmp(opts[0].value, "promoted") != 0)
		return cmd_error(2, "--status is new, acknowledged, escalated, dismissed or promoted");
	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_txn_begin(ctx->st, CDN_TXN_READ, &txn) != 0)
		return cmd_fail();
	rc = cdn_query_run(txn, &q, list_one, ctx);
	cdn_txn_abort(txn);
	return rc == 0 ? 0 : cmd_fail();
}

static int
run_change(struct cmd_ctx *ctx, const char *sub, const char *id, const char *case_id,
    const char *note)
{
	const char *status = strcmp(sub, "ack") == 0 ? "acknowledged" :
	    strcmp(sub, "escalate") == 0 ? "escalated" : "dismissed";
	json_t *a;
	int rc;

	if ((rc = cmd_open(ctx)) != 0)
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

static int
run_alert(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_opt opts[] = {
		{ "status", 0, 1, NULL, NULL, 0 },
		{ "rule", 0, 1, NULL, NULL, 0 },
		{ "limit", 0, 1, NULL, NULL, 0 },
		{ "note", 0, 1, NULL, NULL, 0 },
	};
	const char *sub;
	char **pos;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_alert, argc, argv, opts, 4, &pos, &npos, &done);
	if (done)
		return rc;
	sub = npos > 0 ? pos[0] : "";
	if (strcmp(sub, "list") == 0) {
		if (npos != 1 || opts[3].value)
			rc = cmd_usage(&cmd_alert, "alert list [--status S] [--rule NAME] [--limit N]");
		else
			rc = run_list(ctx, opts);
	} else if (strcmp(sub, "ack") == 0 || strcmp(sub, "escalate") == 0 ||
	    strcmp(sub, "dismiss") == 0 || strcmp(sub, "promote") == 0) {
		if (npos != 2 || opts[0].value || opts[1].value || opts[2].value)
			rc = cmd_usage(&cmd_alert, "alert %s A-ID [--note T]", sub);
		else if ((rc = cmd_id_arg(&cmd_alert, pos[1])) == 0)
			rc = run_change(ctx, sub, pos[1], NULL, opts[3].value);
	} else if (strcmp(sub, "attach") == 0) {
		if (npos != 3 || opts[0].value || opts[1].value || opts[2].value)
			rc = cmd_usage(&cmd_alert, "alert attach A-ID C-ID [--note T]");
		else if ((rc = cmd_id_arg(&cmd_alert, pos[1])) == 0 &&
		    (rc = cmd_id_arg(&cmd_alert, pos[2])) == 0)
			rc = run_change(ctx, sub, pos[1], pos[2], opts[3].value);
	} else {
		rc = cmd_usage(&cmd_alert, "give list, ack, escalate, dismiss, promote or attach");
	}
	free(pos);
	return rc;
}

const struct cmd cmd_alert = {
	"alert", "list|ack|escalate|dismiss|promote|attach …", "alerts raised by rules, and their triage",
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
	run_alert,
};
