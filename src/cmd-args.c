/*
 * cmd-args.c - a command's arguments read against its entry (cmd.h): the
 * option template, how many positional arguments it takes, and the
 * options every command shares (--json, --store, --help).
 *
 * A template lists the options, separated by spaces: "file" is a flag,
 * "file=" takes a value, "f|file=" may also be written -f. An option may
 * be given more than once: args_get has the last value, args_value each.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cordon/query.h"

#define NAME_MAX_LEN 32

struct args_opt {
	char name[NAME_MAX_LEN];	/* the long name, as in the template */
	const char *value;		/* "1" for a flag */
};

struct args {
	const struct cmd_entry *group;	/* the command, or NULL */
	const struct cmd_entry *entry;	/* the command or subcommand run */
	char **pos;
	int npos;
	struct args_opt *opts;
	size_t nopts;
};

/*
 * Find the option written as `word` (a long name of `len` bytes, or a
 * short letter when len is 0) in `tmpl`: 1 with its long name in `name`
 * and whether it takes a value in *has_arg, else 0.
 */
static int
tmpl_find(const char *tmpl, const char *word, size_t len, char letter, char name[NAME_MAX_LEN],
    int *has_arg)
{
	const char *p = tmpl ? tmpl : "";

	while (*p) {
		const char *end = p + strcspn(p, " "), *bar = memchr(p, '|', (size_t)(end - p));
		const char *lname = bar ? bar + 1 : p;
		int arg = end > p && end[-1] == '=';
		size_t nlen = (size_t)(end - lname) - (size_t)arg;

		if ((len && nlen == len && strncmp(lname, word, len) == 0) ||
		    (!len && bar && bar - p == 1 && *p == letter)) {
			if (nlen >= NAME_MAX_LEN)
				abort();
			memcpy(name, lname, nlen);
			name[nlen] = '\0';
			*has_arg = arg;
			return 1;
		}
		p = end + strspn(end, " ");
	}
	return 0;
}

int
args_takes_value(const char *tmpl, const char *word)
{
	char name[NAME_MAX_LEN];
	int has_arg = 0;

	if (strcmp(word, "--store") == 0)
		return 1;
	if (word[0] != '-' || word[1] == '\0' || strchr(word, '='))
		return 0;
	if (word[1] == '-')
		return tmpl_find(tmpl, word + 2, strlen(word + 2), 0, name, &has_arg) && has_arg;
	return word[2] == '\0' && tmpl_find(tmpl, NULL, 0, word[1], name, &has_arg) && has_arg;
}

void
cmd_print_help(const struct cmd_entry *c)
{
	printf("usage: cordon %s%s%s\n\n%s\n", c->name, *c->usage ? " " : "", c->usage,
	    c->summary);
	if (c->help && *c->help)
		printf("\n%s", c->help);
	printf("\nCommon options:\n"
	    "  --json    machine-readable output (JSON; JSON Lines for lists)\n"
	    "  --help    this help\n");
}

static int
add_opt(struct args *a, const char *name, const char *value)
{
	struct args_opt *n = realloc(a->opts, (a->nopts + 1) * sizeof *n);

	if (!n)
		return -1;
	a->opts = n;
	snprintf(n[a->nopts].name, sizeof n[a->nopts].name, "%s", name);
	n[a->nopts++].value = value;
	return 0;
}

int
args_parse(struct cmd_ctx *ctx, const struct cmd_entry *group, const struct cmd_entry *e,
    int argc, char **argv, struct args **out)
{
	struct args *a;
	int only_pos = 0, rc = 0;

	*out = NULL;
	if ((a = calloc(1, sizeof *a)) == NULL || (a->pos = calloc((size_t)argc + 1,
	    sizeof *a->pos)) == NULL) {
		free(a);
		return cmd_error(1, "out of memory");
	}
	a->group = group;
	a->entry = e;
	for (int i = 0; i < argc && rc == 0; i++) {
		char *w = argv[i], name[NAME_MAX_LEN];
		const char *val = NULL;
		int found, has_arg = 0;

		if (only_pos || w[0] != '-' || w[1] == '\0') {
			a->pos[a->npos++] = w;
			continue;
		}
		if (strcmp(w, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0) {
			cmd_print_help(group ? group : e);
			args_free(a);
			return 0;
		}
		if (strcmp(w, "--json") == 0) {
			ctx->json = 1;
			continue;
		}
		/* The global option is taken after the command too. */
		if (strcmp(w, "--store") == 0 || strncmp(w, "--store=", 8) == 0) {
			const char *dir = w[7] == '=' ? w + 8 : i + 1 < argc ? argv[++i] : NULL;

			if (!dir || !*dir)
				rc = cmd_usage(a, "--store needs a directory");
			ctx->store_dir = dir;
			continue;
		}
		if (w[1] == '-') {
			char *eq = strchr(w + 2, '=');

			found = tmpl_find(e->args.template, w + 2, eq ? (size_t)(eq - w - 2) :
			    strlen(w + 2), 0, name, &has_arg);
			if (found && eq)
				val = eq + 1;
		} else {
			found = w[2] == '\0' && tmpl_find(e->args.template, NULL, 0, w[1], name, &has_arg);
		}
		if (!found)
			rc = cmd_usage(a, "unknown option %s", w);
		else if (has_arg && !val && i + 1 >= argc)
			rc = cmd_usage(a, "option %s needs a value", w);
		else if (!has_arg && val)
			rc = cmd_usage(a, "option --%s takes no value", name);
		else if (add_opt(a, name, has_arg ? (val ? val : argv[++i]) : "1") != 0)
			rc = cmd_error(1, "out of memory");
	}
	if (rc == 0 && (a->npos < e->args.lower || (e->args.upper >= 0 && a->npos > e->args.upper)))
		rc = e->args.count ? cmd_usage(a, "%s", e->args.count) : cmd_usage(a, "%s%s%s %s",
		    group ? group->name : "", group ? " " : "", e->name, e->args.upper == 0 ?
		    "takes no arguments" : e->usage);
	if (rc != 0) {
		args_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void
args_free(struct args *a)
{
	if (!a)
		return;
	free(a->pos);
	free(a->opts);
	free(a);
}

const struct cmd_entry *
args_entry(const struct args *a)
{
	return a->entry;
}

/* A name the entry's template does not hold is the program's mistake. */
static void
check_name(const struct args *a, const char *name)
{
	char n[NAME_MAX_LEN];
	int has_arg;

	if (!tmpl_find(a->entry->args.template, name, strlen(name), 0, n, &has_arg)) {
		fprintf(stderr, "cordon: %s has no option --%s\n", a->entry->name, name);
		abort();
	}
}

int
args_has(const struct args *a, const char *name)
{
	int n = 0;

	check_name(a, name);
	for (size_t i = 0; i < a->nopts; i++)
		n += strcmp(a->opts[i].name, name) == 0;
	return n;
}

const char *
args_value(const struct args *a, const char *name, int k)
{
	check_name(a, name);
	for (size_t i = 0; i < a->nopts; i++)
		if (strcmp(a->opts[i].name, name) == 0 && k-- == 0)
			return a->opts[i].value;
	return NULL;
}

const char *
args_get(const struct args *a, const char *name)
{
	int n = args_has(a, name);

	return n ? args_value(a, name, n - 1) : NULL;
}

int
args_count(const struct args *a)
{
	return a->npos;
}

const char *
args_string(const struct args *a, int i)
{
	return i >= 0 && i < a->npos ? a->pos[i] : NULL;
}

char **
args_strings(const struct args *a, int i)
{
	return a->pos + (i < a->npos ? i : a->npos);
}

int
cmd_usage(const struct args *a, const char *fmt, ...)
{
	const struct cmd_entry *e = a->entry;
	va_list ap;

	va_start(ap, fmt);
	cmd_verror(fmt, ap);
	va_end(ap);
	fprintf(stderr, "usage: cordon %s%s%s%s%s\n", a->group ? a->group->name : "",
	    a->group ? " " : "", e->name, *e->usage ? " " : "", e->usage);
	return 2;
}

int
cmd_number(const struct args *a, const char *name, uint64_t lo, uint64_t hi, uint64_t *out)
{
	const char *s = args_get(a, name);
	char opt[NAME_MAX_LEN + 2];

	if (!s)
		return 0;
	snprintf(opt, sizeof opt, "--%s", name);
	if (cdn_query_number(opt, s, lo, hi, out) == 0)
		return 0;
	cmd_usage(a, "%s", cdn_error_last()->message);
	cdn_error_clear();
	return 2;
}
