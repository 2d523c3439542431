/*
 * cmd-rule.c - `cordon rule add|list|show|test|run|enable|disable|log`,
 * and how the rules the library runs after a write report on the
 * terminal (cmd_rules_on_write).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "cordon/rule.h"
#include "cordon/text.h"

#define SOURCE_MAX (256u << 10)
#define ERRORS_SHOWN 20		/* rule errors listed as a run finds them */

/* Read a rule file whole ("-": standard input). */
static int
read_source(const char *path, char **out, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf;
	size_t n;

	*out = NULL;
	if (!f)
		return cmd_error(1, "%s: %s", path, strerror(errno));
	if ((buf = malloc(SOURCE_MAX + 1)) == NULL) {
		if (f != stdin)
			fclose(f);
		return cmd_error(1, "out of memory");
	}
	n = fread(buf, 1, SOURCE_MAX + 1, f);
	if (ferror(f) || n > SOURCE_MAX) {
		int over = n > SOURCE_MAX;

		if (f != stdin)
			fclose(f);
		free(buf);
		return over ? cmd_error(1, "%s: larger than %u bytes: not a rule file", path, SOURCE_MAX) :
		    cmd_error(1, "%s: %s", path, strerror(errno));
	}
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static int
limits(struct cdn_rule_limits *lim)
{
	return cdn_rule_limits_env(lim) == 0 ? 0 : cmd_fail();
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static void
on_kinds(json_t *rule, char *buf, size_t cap)
{
	json_t *k;
	size_t i, n = 0;

	buf[0] = '\0';
	json_array_foreach(json_object_get(rule, "on"), i, k)
		n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", i ? "," : "",
		    json_string_value(k));
}

/* --- add, list, show, enable, disable, log --------------------------------------- */

static int
exec_add(struct cmd_ctx *ctx, struct args *args)
{
	const char *path = args_string(args, 0);
	struct cdn_rule_limits lim;
	json_t *rule = NULL, *before = NULL;
	char *src;
	size_t len;
	int rc;

	if ((rc = limits(&lim)) != 0 || (rc = read_source(path, &src, &len)) != 0)
		return rc;
	if (cdn_rule_check(src, len, &lim, &rule) != 0) {
		free(src);
		return cmd_fail();
	}
	if ((rc = cmd_open(ctx)) != 0) {
		free(src);
		json_decref(rule);
		return rc;
	}
	/* What was there, to say what changed. */
	if (cdn_rule_get(ctx->st, jstr(rule, "name"), &before, NULL) != 0)
		cdn_error_clear();
	json_decref(rule);
	rc = cdn_rule_add(ctx->st, ctx->user, src, len, &lim, &rule);
	free(src);
	if (rc != 0) {
		json_decref(before);
		return cmd_fail();
	}
	if (ctx->json) {
		cmd_print_jsonl(rule);
	} else {
		json_int_t v = json_integer_value(json_object_get(rule, "version"));

		if (before && json_integer_value(json_object_get(before, "version")) == v)
			printf("rule %s: version %" JSON_INTEGER_FORMAT " unchanged, %s\n",
			    jstr(rule, "name"), v, json_is_true(json_object_get(before, "enabled")) ?
			    "enabled already" : "enabled again");
		else
			printf("rule %s: version %" JSON_INTEGER_FORMAT " stored (commit %.12s), enabled\n",
			    jstr(rule, "name"), v, jstr(rule, "commit"));
	}
	json_decref(before);
	json_decref(rule);
	return 0;
}

static int
exec_list(struct cmd_ctx *ctx, struct args *args)
{
	json_t *all, *r;
	size_t i;
	int rc;

	(void)args;
	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_rule_list(ctx->st, &all) != 0)
		return cmd_fail();
	json_array_foreach(all, i, r) {
		char on[128];
		uint64_t nerr = 0;
		json_t *errs = NULL;

		if (cdn_rule_errors(ctx->st, jstr(r, "name"), 1, &errs, &nerr) != 0)
			cdn_error_clear();
		json_decref(errs);
		if (ctx->json) {
			json_t *o = json_deep_copy(r);

			json_object_del(o, "versions");
			json_object_set_new(o, "errors", json_integer((json_int_t)nerr));
			cmd_print_jsonl(o);
			json_decref(o);
			continue;
		}
		on_kinds(r, on, sizeof on);
		printf("%-24s %-8s %-8s v%-3" JSON_INTEGER_FORMAT " %-16s %6" PRIu64 " err  %s\n",
		    jstr(r, "name"), json_is_true(json_object_get(r, "enabled")) ? "enabled" : "disabled",
		    jstr(r, "severity"), json_integer_value(json_object_get(r, "version")), on, nerr,
		    jstr(r, "title"));
	}
	if (!ctx->json && json_array_size(all) == 0)
		fprintf(stderr, "no rules (add one with cordon rule add FILE)\n");
	json_decref(all);
	return 0;
}

static int
exec_show(struct cmd_ctx *ctx, struct args *args)
{
	const char *name = args_string(args, 0);
	json_t *rule, *errs = NULL, *e;
	uint64_t nerr = 0;
	char *src = NULL, on[128];
	size_t i;
	int rc;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_rule_get(ctx->st, name, &rule, &src) != 0)
		return cmd_fail();
	if (cdn_rule_errors(ctx->st, name, 10, &errs, &nerr) != 0)
		cdn_error_clear();
	if (ctx->json) {
		json_object_set_new(rule, "source", json_string(src));
		json_object_set_new(rule, "errors", json_integer((json_int_t)nerr));
		json_object_set(rule, "recent_errors", errs ? errs : json_array());
		cmd_print_record(ctx, rule);
	} else {
		on_kinds(rule, on, sizeof on);
		printf("rule      %s (%s)\ntitle     %s\nseverity  %s\non        %s\n"
		    "version   %" JSON_INTEGER_FORMAT ", commit %s\nupdated   %s by %s\n"
		    "errors    %" PRIu64 "\n",
		    jstr(rule, "name"), json_is_true(json_object_get(rule, "enabled")) ?
		    "enabled" : "disabled", jstr(rule, "title"), jstr(rule, "severity"), on,
		    json_integer_value(json_object_get(rule, "version")), jstr(rule, "commit"),
		    jstr(rule, "updated_at"), jstr(rule, "updated_by"), nerr);
		json_array_foreach(errs, i, e) {
			printf("  %s %-9s ", jstr(e, "at"), jstr(e, "record"));
			cmd_put_text(stdout, jstr(e, "message"), strlen(jstr(e, "message")), 0);
			putchar('\n');
		}
		/* The source is an analyst's text: shown as lines, but
		 * nothing in it reaches the terminal as a control. */
		putchar('\n');
		cmd_put_text(stdout, src, strlen(src), 1);
		printf("%s", src[0] && src[strlen(src) - 1] != '\n' ? "\n" : "");
	}
	free(src);
	json_decref(errs);
	json_decref(rule);
	return 0;
}

static int
exec_enable(struct cmd_ctx *ctx, struct args *args)
{
	const char *name = args_string(args, 0);
	int enable = strcmp(args_entry(args)->name, "enable") == 0;
	json_t *rule;
	int rc;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_rule_enable(ctx->st, ctx->user, name, enable, &rule) != 0)
		return cmd_fail();
	if (ctx->json)
		cmd_print_jsonl(rule);
	else
		printf("rule %s: %s\n", name, enable ? "enabled" : "disabled");
	json_decref(rule);
	return 0;
}

static void
version_line(json_t *v)
{
	printf("version %-3" JSON_INTEGER_FORMAT " %s  %s  %-12s sha256 %.16s…  %s\n",
	    json_integer_value(json_object_get(v, "version")), jstr(v, "commit"), jstr(v, "at"),
	    jstr(v, "by"), jstr(v, "sha256"), jstr(v, "message"));
}

static int
exec_log(struct cmd_ctx *ctx, struct args *args)
{
	json_t *versions;
	int rc;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_rule_log(ctx->st, args_string(args, 0), &versions) != 0)
		return cmd_fail();
	cmd_print_list(ctx, versions, version_line, NULL);
	json_decref(versions);
	return 0;
}

/* --- test, run -------------------------------------------------------------------------- */

struct run_ui {
	struct cmd_bar bar;
	uint64_t errors;
	int quiet;
};

static void
ui_progress(void *arg, uint64_t done, uint64_t total)
{
	struct run_ui *ui = arg;
	char what[64];

	snprintf(what, sizeof what, "%" PRIu64 " of %" PRIu64 " records", done, total);
	cmd_bar_draw(&ui->bar, "rules", done, total, what);
}

static void
ui_error(void *arg, const char *rule, const char *record, const char *message)
{
	struct run_ui *ui = arg;

	if (++ui->errors > ERRORS_SHOWN || ui->quiet)
		return;
	cmd_bar_clear(&ui->bar);
	char *m = cdn_text_escape(message, strlen(message), 0);

	if (*record)
		cmd_error(0, "rule %s failed on %s: %s", rule, record, m ? m : message);
	else
		cmd_error(0, "rule %s: %s", rule, m ? m : message);
	free(m);
	if (ui->errors == ERRORS_SHOWN)
		cmd_error(0, "(further rule errors are counted, not listed)");
}

static void
ui_print(void *arg, const char *rule, const char *text, size_t len)
{
	struct run_ui *ui = arg;

	cmd_bar_clear(&ui->bar);
	/* One line per print(): a rule cannot pass its output off as
	 * another rule's, or as cordon's, nor drive the terminal. */
	if (len > 2000)
		for (len = 2000; len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80; len--)
			;
	fprintf(stderr, "%s: ", rule);
	cmd_put_text(stderr, text, len, 0);
	fputc('\n', stderr);
}

static void
print_alert(struct cmd_ctx *ctx, json_t *a)
{
	json_t *ref;
	size_t i;

	if (ctx->json) {
		cmd_print_jsonl(a);
		return;
	}
	if (json_object_get(a, "id"))
		printf("%-8s ", jstr(a, "id"));
	printf("%-8s %s [", jstr(a, "severity"), jstr(a, "rule"));
	cmd_put_text(stdout, jstr(a, "key"), strlen(jstr(a, "key")), 0);
	printf("] ");
	cmd_put_text(stdout, jstr(a, "title"), strlen(jstr(a, "title")), 0);
	putchar('\n');
	if (json_array_size(json_object_get(a, "refs"))) {
		printf("         refs:");
		json_array_foreach(json_object_get(a, "refs"), i, ref) {
			if (i == 12) {
				printf(" … (%zu in all)", json_array_size(json_object_get(a, "refs")));
				break;
			}
			printf(" %s", json_string_value(ref));
		}
		putchar('\n');
	}
	if (*jstr(a, "explain"))
		printf("         %s\n", jstr(a, "explain"));
}

static double
since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
summary(const struct cdn_rule_run_stats *s, double secs, int saved)
{
	fprintf(stderr, "%" PRIu64 " record%s checked in %.2f s (%.0f/s): %" PRIu64 " alert%s",
	    s->records, s->records == 1 ? "" : "s", secs, secs > 0 ? (double)s->records / secs : 0.0,
	    s->alerts, s->alerts == 1 ? "" : "s");
	if (saved)
		fprintf(stderr, " (%" PRIu64 " new)", s->created);
	if (s->errors)
		fprintf(stderr, ", %" PRIu64 " rule error%s", s->errors, s->errors == 1 ? "" : "s");
	fputc('\n', stderr);
}

static int
run_opts(struct args *args, struct cdn_rule_run_opts *o, struct run_ui *ui)
{
	uint64_t threads = 0;
	int rc;

	memset(o, 0, sizeof *o);
	if ((rc = limits(&o->limits)) != 0)
		return rc;
	o->since = args_get(args, "since");
	o->until = args_get(args, "until");
	if ((rc = cmd_number(args, "threads", 1, 8, &threads)) != 0)
		return rc;
	o->threads = (unsigned)threads;
	cmd_bar_init(&ui->bar, 0);
	o->progress = ui_progress;
	o->progress_arg = ui;
	o->on_error = ui_error;
	o->error_arg = ui;
	return 0;
}

static int
exec_test(struct cmd_ctx *ctx, struct args *args)
{
	char **files = args_strings(args, 0);
	int nfiles = args_count(args);
	struct cdn_rule_run_opts o;
	struct cdn_rule_run_stats st = { 0 };
	struct run_ui ui = { 0 };
	struct timespec t0;
	const char **srcs = calloc((size_t)nfiles, sizeof *srcs);
	size_t *lens = calloc((size_t)nfiles, sizeof *lens);
	json_t *alerts = NULL, *a;
	size_t i;
	int rc = 0, n = 0;

	if (!srcs || !lens)
		rc = cmd_error(1, "out of memory");
	if (rc == 0)
		rc = run_opts(args, &o, &ui);
	o.print = ui_print;
	o.print_arg = &ui;
	for (; rc == 0 && n < nfiles; n++)
		rc = read_source(files[n], (char **)&srcs[n], &lens[n]);
	if (rc == 0)
		rc = cmd_open(ctx);
	if (rc == 0) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = cdn_rule_test(ctx->st, srcs, lens, (size_t)nfiles, &o, &alerts, &st);
		cmd_bar_clear(&ui.bar);
		if (rc != 0) {
			rc = cmd_fail();
		} else {
			json_array_foreach(alerts, i, a)
				print_alert(ctx, a);
			summary(&st, since(&t0), 0);
		}
	}
	for (int k = 0; k < n; k++)
		free((char *)srcs[k]);
	free(srcs);
	free(lens);
	json_decref(alerts);
	return rc;
}

static int
exec_run(struct cmd_ctx *ctx, struct args *args)
{
	char **names = args_has(args, "all") ? NULL : args_strings(args, 0);
	int nnames = args_count(args);
	struct cdn_rule_run_opts o;
	struct cdn_rule_run_stats st = { 0 };
	struct run_ui ui = { 0 };
	struct timespec t0;
	json_t *alerts = NULL, *a;
	size_t i;
	int rc;

	if ((nnames == 0) == !args_has(args, "all"))
		return cmd_usage(args, "rule run NAME… or rule run --all");
	if ((rc = run_opts(args, &o, &ui)) != 0 || (rc = cmd_open(ctx)) != 0)
		return rc;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = cdn_rule_run(ctx->st, ctx->user, (const char *const *)names, (size_t)nnames, &o,
	    &alerts, &st);
	cmd_bar_clear(&ui.bar);
	if (rc != 0)
		return cmd_fail();
	json_array_foreach(alerts, i, a)
		print_alert(ctx, a);
	summary(&st, since(&t0), 1);
	json_decref(alerts);
	return 0;
}

/* --- after a write ----------------------------------------------------------------------- */

int
cmd_rules_on_write(struct cmd_ctx *ctx)
{
	static struct run_ui ui;
	struct cdn_rule_run_opts o = { 0 };

	o.on_error = ui_error;
	o.error_arg = &ui;
	return cdn_rule_on_write(ctx->st, &o) == 0 ? 0 : cmd_fail();
}

/* --- the command ------------------------------------------------------------------------------ */

#define ONE(name, exec) { name, NULL, { "", 1, 1 }, "NAME", NULL, NULL, exec }

static const struct cmd_entry rule_subs[] = {
	{ "add", NULL, { "", 1, 1 }, "FILE", NULL, NULL, exec_add },
	{ "list", NULL, { "", 0, 0 }, "", NULL, NULL, exec_list },
	ONE("show", exec_show),
	{ "test", NULL, { "since= until= threads=", 1, -1 },
	    "FILE… [--since D] [--until D] [--threads N]", NULL, NULL, exec_test },
	{ "run", NULL, { "since= until= threads= all", 0, -1 },
	    "NAME…|--all [--since D] [--until D] [--threads N]", NULL, NULL, exec_run },
	ONE("enable", exec_enable),
	ONE("disable", exec_enable),
	ONE("log", exec_log),
	{ NULL },
};

const struct cmd_entry cmd_rule = {
	"rule", NULL, { NULL, 0, -1 }, "add|list|show|test|run|enable|disable|log …",
	"analyst rules in Lua that raise alerts",
	"  add FILE            check the rule in FILE (- for standard input), keep\n"
	"                      its source as a new version in the store's git\n"
	"                      repository, and enable it: from now on every write\n"
	"                      of a kind in its `on` runs it\n"
	"  list                every rule: state, severity, version, kinds, errors\n"
	"  show NAME           a rule, its latest errors and its source\n"
	"  test FILE… [--since D] [--until D]\n"
	"                      dry run over the records of its kinds: print the\n"
	"                      alerts it would raise; nothing is saved\n"
	"  run NAME…|--all [--since D] [--until D]\n"
	"                      run stored rules over the records and save the alerts\n"
	"  enable NAME, disable NAME\n"
	"  log NAME            the rule's versions, newest first, with their commits\n"
	"                      and messages\n"
	"\n"
	"  --since D           only records from D on (occurred_at for seizures,\n"
	"                      created_at otherwise)\n"
	"  --until D           only records up to D (a bare date: that whole day)\n"
	"  --threads N         threads for test and run (default: one per core)\n"
	"\n"
	"Limits, for each call of a rule's check(): CORDON_RULE_INSTRUCTIONS\n"
	"(default 10000000 Lua instructions, records read counting too) and, per\n"
	"rule, CORDON_RULE_MEMORY (default 32M). A rule that fails or runs over\n"
	"them is a rule error; the write that ran it is kept, the other rules run.\n"
	"doc/rules.md is the guide to writing rules.\n",
	NULL, rule_subs,
};
