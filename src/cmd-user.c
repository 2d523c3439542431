/*
 * cmd-user.c - `cordon user add|passwd|list` and `cordon token create`:
 * who may use the HTTP API, and API tokens for scripts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cmd.h"
#include "cordon/user.h"

#define PW_BUF (CDN_PASSWORD_MAX + 2)

/* One line of standard input, without its newline; -1 at end of input or
 * if it is too long. */
static int
read_line(char *buf, size_t cap)
{
	size_t n;

	if (!fgets(buf, (int)cap, stdin))
		return -1;
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (n == cap - 1)
		return -1;
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

/* Prompt on the terminal without echo. */
static int
prompt(const char *text, char *buf, size_t cap)
{
	struct termios old, quiet;
	int rc;

	fputs(text, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return read_line(buf, cap);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	rc = read_line(buf, cap);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return rc;
}

/* The new password: asked twice on a terminal, else the first line of
 * standard input (for scripts: `printf '%s\n' "$pw" | cordon user add …`). */
static int
new_password(const char *name, char *pw, size_t cap)
{
	char again[PW_BUF], text[128];
	int same;

	if (!isatty(STDIN_FILENO)) {
		if (read_line(pw, cap) != 0)
			return cmd_error(1, "give the password as the first line of standard input "
			    "(at most %d bytes)", CDN_PASSWORD_MAX);
		return 0;
	}
	snprintf(text, sizeof text, "Password for %s: ", name);
	if (prompt(text, pw, cap) != 0 || prompt("Again: ", again, sizeof again) != 0)
		return cmd_error(1, "no password given");
	same = strcmp(pw, again) == 0;
	OPENSSL_cleanse(again, sizeof again);
	return same ? 0 : cmd_error(1, "the two passwords differ");
}

static int
exec_password(struct cmd_ctx *ctx, struct args *args)
{
	int add = strcmp(args_entry(args)->name, "add") == 0, rc;
	const char *name = args_string(args, 0), *role = add ? args_get(args, "role") : NULL;
	char pw[PW_BUF];

	if (add && !role)
		return cmd_usage(args, "user add NAME --role ROLE");
	if ((rc = cmd_open(ctx)) == 0 && (rc = new_password(name, pw, sizeof pw)) == 0) {
		rc = add ? cdn_user_add(ctx->st, ctx->user, name, role, pw) :
		    cdn_user_passwd(ctx->st, ctx->user, name, pw);
		rc = rc ? cmd_fail() : 0;
		if (rc == 0 && ctx->json)
			cmd_print_new(json_pack("{s:s,s:s}", "user", name, add ? "added" : "changed",
			    add ? role : "password"));
		else if (rc == 0)
			printf("user %s: %s\n", name, add ? "added" : "password changed");
	}
	OPENSSL_cleanse(pw, sizeof pw);
	return rc;
}

static int
exec_disable(struct cmd_ctx *ctx, struct args *args)
{
	const char *name = args_string(args, 0);
	int off = strcmp(args_entry(args)->name, "disable") == 0, rc;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_user_disable(ctx->st, ctx->user, name, off) != 0)
		return cmd_fail();
	if (ctx->json)
		cmd_print_new(json_pack("{s:s,s:b}", "user", name, "disabled", off));
	else
		printf("user %s: %s\n", name, off ? "disabled" : "enabled");
	return 0;
}

static void
user_line(json_t *u)
{
	printf("%-24s %-10s since %s%s\n", json_string_value(json_object_get(u, "name")),
	    json_string_value(json_object_get(u, "role")),
	    json_string_value(json_object_get(u, "created_at")),
	    json_is_true(json_object_get(u, "disabled")) ? "  (disabled)" : "");
}

static int
exec_list(struct cmd_ctx *ctx, struct args *args)
{
	json_t *users = NULL;
	int rc;

	(void)args;
	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_user_list(ctx->st, &users) != 0)
		return cmd_fail();
	cmd_print_list(ctx, users, user_line, "no users (add one with cordon user add NAME --role ROLE)");
	json_decref(users);
	return 0;
}

static const struct cmd_entry user_subs[] = {
	{ "add", NULL, { "role=", 1, 1 }, "NAME --role ROLE", NULL, NULL, exec_password },
	{ "passwd", NULL, { "", 1, 1 }, "NAME", NULL, NULL, exec_password },
	{ "disable", NULL, { "", 1, 1 }, "NAME", NULL, NULL, exec_disable },
	{ "enable", NULL, { "", 1, 1 }, "NAME", NULL, NULL, exec_disable },
	{ "list", NULL, { "", 0, 0 }, "", NULL, NULL, exec_list },
	{ NULL },
};

const struct cmd_entry cmd_user = {
	"user", NULL, { NULL, 0, -1 }, "add|passwd|disable|enable|list …",
	"who may sign in to the HTTP API, with which role",
	"  add NAME --role ROLE   add a user; ROLE is officer, analyst, supervisor,\n"
	"                         admin or partner\n"
	"  passwd NAME            set a user's password; the user's sessions end\n"
	"  disable NAME           the user can no longer sign in: its sessions end\n"
	"                         and its tokens are refused, at once, also by a\n"
	"                         running server\n"
	"  enable NAME            let a disabled user in again (its tokens too)\n"
	"  list                   every user and role\n"
	"\n"
	"The password is asked twice on a terminal; otherwise it is the first line\n"
	"of standard input. It must be 12 to 1024 bytes. It is kept only as an\n"
	"scrypt hash. Roles, each with the rights of the one above it: officer\n"
	"(cases, seizures, entities, routes, links, evidence, alert triage),\n"
	"analyst (+ rules), supervisor (+ audit, the user list, partners and\n"
	"exports), admin (+ users and partners). A partner reads its own TAXII\n"
	"collection and nothing else (cordon partner add makes one).\n",
	NULL, user_subs,
};

static void
token_line(json_t *t)
{
	printf("%s  %-24s %s  %s\n", json_string_value(json_object_get(t, "id")),
	    json_string_value(json_object_get(t, "user")),
	    json_string_value(json_object_get(t, "created_at")),
	    json_string_value(json_object_get(t, "label")));
}

static int
exec_token_list(struct cmd_ctx *ctx, struct args *args)
{
	json_t *list = NULL;
	int rc;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_token_list(ctx->st, args_string(args, 0), &list) != 0)
		return cmd_fail();
	cmd_print_list(ctx, list, token_line, NULL);
	json_decref(list);
	return 0;
}

static int
exec_token_revoke(struct cmd_ctx *ctx, struct args *args)
{
	const char *id = args_string(args, 0);
	int rc;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_token_revoke(ctx->st, ctx->user, id) != 0)
		return cmd_fail();
	if (ctx->json)
		cmd_print_new(json_pack("{s:s,s:b}", "token", id, "revoked", 1));
	else	/* Never echo a whole token back. */
		printf("token %.16s: revoked\n", strncmp(id, "cordon_", 7) == 0 ? "(given)" : id);
	return 0;
}

static int
exec_token_create(struct cmd_ctx *ctx, struct args *args)
{
	const char *name = args_string(args, 0);
	char token[CDN_TOKEN_LEN + 1];
	int rc;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_token_create(ctx->st, ctx->user, name, args_get(args, "label"), token) != 0)
		return cmd_fail();
	if (ctx->json)
		cmd_print_new(json_pack("{s:s,s:s}", "user", name, "token", token));
	else
		printf("%s\n", token);
	if (isatty(STDOUT_FILENO))
		fprintf(stderr, "keep it now: cordon stores only its hash\n");
	OPENSSL_cleanse(token, sizeof token);
	return 0;
}

static const struct cmd_entry token_subs[] = {
	{ "create", NULL, { "label=", 1, 1 }, "NAME [--label TEXT]", NULL, NULL, exec_token_create },
	{ "list", NULL, { "", 0, 1 }, "[NAME]", NULL, NULL, exec_token_list },
	{ "revoke", NULL, { "", 1, 1 }, "ID", NULL, NULL, exec_token_revoke },
	{ NULL },
};

const struct cmd_entry cmd_token = {
	"token", NULL, { NULL, 0, -1 }, "create NAME [--label TEXT] | list [NAME] | revoke ID",
	"API tokens for scripts, acting as a user",
	"  create NAME [--label TEXT]\n"
	"                      print a new token for user NAME; scripts send it as\n"
	"                      `Authorization: Bearer TOKEN`. It is shown once:\n"
	"                      the store keeps only its SHA-256.\n"
	"  list [NAME]         every token (or user NAME's): its id (the start of\n"
	"                      its SHA-256), user, when it was made and its label\n"
	"  revoke ID           refuse the token from now on, also in a running\n"
	"                      server; ID as list shows it (8 or more of its\n"
	"                      digits), or the token itself\n"
	"\n"
	"A password change does not revoke a user's tokens; disabling the user\n"
	"(cordon user disable) refuses them all until it is enabled again.\n",
	NULL, token_subs,
};
