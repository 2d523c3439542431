/*
 * cmd.h - the command-line front-end: one table entry per command, one
 * file per command group (src/cmd-*.c), and the helpers they share for
 * options, input and output. Commands hold no business logic: they parse
 * arguments, call libcordon and print.
 */
#ifndef CORDON_CMD_H
#define CORDON_CMD_H

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

struct cmd {
	const char *name;
	const char *usage;	/* arguments after the name */
	const char *summary;	/* one line for `cordon --help` */
	const char *help;	/* options and details for `cordon NAME --help` */
	/* argv[0] is the command name; returns an exit status. */
	int (*run)(struct cmd_ctx *ctx, int argc, char **argv);
};

extern const struct cmd cmd_init, cmd_demo, cmd_add, cmd_get, cmd_update,
    cmd_delete, cmd_list, cmd_link, cmd_graph, cmd_search, cmd_import,
    cmd_export_json, cmd_audit, cmd_evidence, cmd_backup, cmd_rule, cmd_alert,
    cmd_user, cmd_token, cmd_serve, cmd_partner, cmd_org, cmd_key, cmd_export;

/* Have the rules the library runs after each write report their errors
 * on stderr as they are found; 0 or an exit status. */
int cmd_rules_on_write(struct cmd_ctx *ctx);

/* Open the store once the arguments are known good; 0 or an exit status. */
int cmd_open(struct cmd_ctx *ctx);

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
/* Usage error for `c`: message, usage line, exit 2. */
int cmd_usage(const struct cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Parse the options of command `c`: `spec` is a list of long options
 * ("json", "if-version=", …; '=' takes a value) with optional short
 * letters ("f|file="). Sets ctx->json for "json" and prints help for
 * "help" (returning 0 through *done). Values land in `vals` in spec order
 * (NULL if absent; repeated options keep the last unless collected by the
 * caller through `each`). Positional arguments are returned in
 * *pos / *npos. Returns 0, or an exit status with *done set.
 */
struct cmd_opt {
	const char *name;	/* long name, e.g. "if-version" */
	char letter;		/* short letter or 0 */
	int has_arg;
	const char *value;	/* last value (or "1" for a flag) */
	const char **all;	/* every value, when collected (may be NULL) */
	size_t nall;
};
int cmd_parse(struct cmd_ctx *ctx, const struct cmd *c, int argc, char **argv,
    struct cmd_opt *opts, size_t nopts, char ***pos, int *npos, int *done);

/* Read a JSON object from FILE ("-" or NULL: standard input). */
int cmd_read_json(const char *file, json_t **out);
/* 0 if `s` is a record id, else a usage error (exit 2) for command `c`. */
int cmd_id_arg(const struct cmd *c, const char *s);

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
/* JSON Lines output of one value. */
void cmd_print_jsonl(json_t *v);
/* Write text that came from the store or from a rule (a rule's source,
 * what it printed, its errors, a note) to `f` with its control and
 * bidirectional characters escaped (cdn_text_escape): newlines and tabs
 * kept if `multiline`. Nothing it holds can move the terminal around or
 * pass for another line. */
void cmd_put_text(FILE *f, const char *s, size_t len, int multiline);

#endif
