/*
 * cmd.h - the command-line front-end: one table entry per command, one
 * file per command group (src/cmd-*.c), and the helpers they share for
 * options, input and output. Commands hold no business logic: they read
 * their arguments by name, call libcordon and print.
 *
 * A new command is an entry (struct cmd_entry) and its exec in its file,
 * and a line in cordon.c's table; a new subcommand is a row of its
 * group's array. main reads the arguments against the entry, owns them,
 * and runs the exec; what a command must check beyond the template (an
 * id, a number's bounds: cmd_id_arg, cmd_number) it checks first.
 */
#ifndef CORDON_CMD_H
#define CORDON_CMD_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "cordon/error.h"
#include "cordon/import.h"
#include "cordon/record.h"
#include "cordon/store.h"

struct cmd_ctx {
	const char *prog;	/* how the user ran cordon, for hints */
	const char *store_dir;
	struct cdn_store *st;	/* opened by cmd_open(), closed by main */
	int json;		/* --json */
	const char *user;
};

struct args;

/*
 * A command, in the manner of tmux's cmd_entry: its name, the template of
 * its options and how many positional arguments it takes, so that main
 * reads them (cmd-args.c) and the command finds them by name; a group
 * (`rule`, `alert` …) is a table of subcommands with entries of their own.
 */
struct cmd_entry {
	const char *name;
	const char *alias;	/* another name for it, or NULL */
	struct {
		const char *template;	/* options: "f|file= if-version= all" */
		int lower, upper;	/* how many positional arguments; upper -1: any */
		const char *count;	/* said when they are not that many (default:
				 * the name and usage) */
	} args;
	const char *usage;	/* arguments after the name */
	const char *summary;	/* one line for `cordon --help` (commands only) */
	const char *help;	/* options and details for `cordon NAME --help` */
	/* Runs the command; returns an exit status. `a` is main's. */
	int (*exec)(struct cmd_ctx *ctx, struct args *a);
	const struct cmd_entry *subs;	/* a group's subcommands, ended by a NULL name */
};

extern const struct cmd_entry cmd_init, cmd_demo, cmd_add, cmd_get, cmd_update,
    cmd_delete, cmd_list, cmd_link, cmd_graph, cmd_search, cmd_import,
    cmd_export_json, cmd_audit, cmd_evidence, cmd_backup, cmd_rule, cmd_alert,
    cmd_user, cmd_token, cmd_serve, cmd_partner, cmd_org, cmd_key, cmd_export;

/* Have the rules the library runs after each write report their errors
 * on stderr as they are found; 0 or an exit status. */
int cmd_rules_on_write(struct cmd_ctx *ctx);

/* Open the store once the arguments are known good; 0 or an exit status. */
int cmd_open(struct cmd_ctx *ctx);
/* A line for the user on standard error, "cordon: " before it (what the
 * library says before long work: cdn_store_set_notice). */
void cmd_notice(const char *line);
/* Open the store and read record `id` into *out (a new reference): 0, or
 * an exit status, the error said. */
int cmd_get_record(struct cmd_ctx *ctx, const char *id, json_t **out);

/* The result of a write through the library: CDN_ERULES (written, but
 * the rules did not run) is said on stderr and becomes 0, so that the
 * command goes on to print what it wrote; any other code is returned. */
int cmd_written(int rc);

/* Import FILE ("-": standard input) with a progress bar on a terminal,
 * reporting bad lines; prints what was created unless `quiet`. */
int cmd_import_file(struct cmd_ctx *ctx, const char *path, enum cdn_import_format format,
    int quiet);

/* Print "cordon: message" for the last error; return its exit status. */
int cmd_fail(void);
/* Print "cordon: ..." and return `status`. */
int cmd_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cmd_verror(const char *fmt, va_list ap);

/*
 * The arguments of command `e` (subcommand of `group`, or NULL) in argv
 * (after the command's name): options checked against the template,
 * the shared ones applied to `ctx`, positional arguments counted. 0 with
 * *out (NULL if --help was answered), or an exit status.
 */
int args_parse(struct cmd_ctx *ctx, const struct cmd_entry *group,
    const struct cmd_entry *e, int argc, char **argv, struct args **out);
void args_free(struct args *a);
/* The entry it was read for. */
const struct cmd_entry *args_entry(const struct args *a);
/* Whether `word` is an option of `tmpl` (or --store) followed by its value. */
int args_takes_value(const char *tmpl, const char *word);
/* How many times option `name` (its long name) was given. */
int args_has(const struct args *a, const char *name);
/* Its last value ("1" for a flag), or NULL; args_value: the k-th. */
const char *args_get(const struct args *a, const char *name);
const char *args_value(const struct args *a, const char *name, int k);
/* The positional arguments: how many, the i-th (or NULL), those from i on. */
int args_count(const struct args *a);
const char *args_string(const struct args *a, int i);
char **args_strings(const struct args *a, int i);

/* `cordon NAME --help`. */
void cmd_print_help(const struct cmd_entry *c);
/* Usage error: "cordon: message", the usage line of the command run, exit 2. */
int cmd_usage(const struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Option `name` as a whole number in [lo, hi] (cdn_query_number) into
 * *out, left as it is if the option is not given: 0, or a usage error. */
int cmd_number(const struct args *a, const char *name, uint64_t lo, uint64_t hi,
    uint64_t *out);
/* Print `v` (a new reference, may be NULL) as one JSON line, and free it. */
void cmd_print_new(json_t *v);

/* What a verification finds wrong (evidence verify, audit verify): each
 * problem said as "cordon: WHERE: PROBLEM" on standard error, and counted
 * in the struct cmd_problems `arg` points to. */
struct cmd_problems {
	uint64_t problems;
};
void cmd_problem(void *arg, const char *where, const char *problem);

/* Read a JSON object from FILE ("-" or NULL: standard input). */
int cmd_read_json(const char *file, json_t **out);
/* 0 if `s` is a record id, else a usage error (exit 2). */
int cmd_id_arg(const struct args *a, const char *s);

/*
 * A progress bar on standard error, drawn only when it is a terminal and
 * not `quiet`: one line redrawn in place, "LABEL [####   ]  42%  WHAT",
 * as wide as the terminal allows. With total 0, only LABEL. Clear it
 * before printing anything else on standard error.
 */
struct cmd_bar {
	int on, drawn;
	char last[200];
};
void cmd_bar_init(struct cmd_bar *b, int quiet);
void cmd_bar_draw(struct cmd_bar *b, const char *label, uint64_t done, uint64_t total,
    const char *what);
void cmd_bar_clear(struct cmd_bar *b);

/*
 * Text from the store as it may be shown on one line of a terminal, as
 * cmd_put_text writes it (cdn_text_escape: \u{202E}, \n): a copy valid
 * until eight more calls. NULL stays NULL.
 */
const char *cmd_text(const char *s);

/* Print a record: indented JSON with --json, a readable block otherwise. */
void cmd_print_record(struct cmd_ctx *ctx, json_t *rec);
/* One line for a record in a list (human mode). */
void cmd_print_line(json_t *rec);
/* Print the items of array `list`: a JSON line each with --json, else as
 * `line` prints it; without --json, `none` (may be NULL) on standard
 * error if there is none. */
void cmd_print_list(struct cmd_ctx *ctx, json_t *list, void (*line)(json_t *item),
    const char *none);
/* JSON Lines output of one value. */
void cmd_print_jsonl(json_t *v);
/* Write text that came from the store or from a rule (a rule's source,
 * what it printed, its errors, a note) to `f` with its control and
 * bidirectional characters escaped (cdn_text_escape): newlines and tabs
 * kept if `multiline`. Nothing it holds can move the terminal around or
 * pass for another line. */
void cmd_put_text(FILE *f, const char *s, size_t len, int multiline);

#endif
