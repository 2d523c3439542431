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
run_user(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_opt opts[] = { { "role", 0, 1, NULL, NULL, 0 } };
	char pw[PW_BUF];
	const char *sub;
	char **pos;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_user, argc, argv, opts, 1, &pos, &npos, &done);
	if (done)
		return rc;
	sub = npos > 0 ? pos[0] : "";
	if (strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0) {
		int add = sub[0] == 'a';

		if (npos != 2 || (add && !opts[0].value) || (!add && opts[0].value))
			rc = cmd_usage(&cmd_user, add ? "user add NAME --role ROLE" : "user passwd NAME");
		else if ((rc = cmd_open(ctx)) == 0 && (rc = new_password(pos[1], pw, sizeof pw)) == 0) {
			rc = add ? cdn_user_add(ctx->st, ctx->user, pos[1], opts[0].value, pw) :
			    cdn_user_passwd(ctx->st, ctx->user, pos[1], pw);
			rc = rc ? cmd_fail() : 0;
			if (rc == 0 && ctx->json) {
				json_t *o = json_pack("{s:s,s:s}", "user", pos[1], add ? "added" :
				    "changed", add ? opts[0].value : "password");

				cmd_print_jsonl(o);
				json_decref(o);
			} else if (rc == 0) {
				printf("user %s: %s\n", pos[1], add ? "added" : "password changed");
			}
		}
		OPENSSL_cleanse(pw, sizeof pw);
	} else if (strcmp(sub, "list") == 0) {
		json_t *users = NULL, *u;
		size_t i;

		if (npos != 1 || opts[0].value)
			rc = cmd_usage(&cmd_user, "user list");
		else if ((rc = cmd_open(ctx)) == 0 && (rc = cdn_user_list(ctx->st, &users)) != 0)
			rc = cmd_fail();
		json_array_foreach(users, i, u) {
			if (ctx->json)
				cmd_print_jsonl(u);
			else
				printf("%-24s %-10s since %s\n",
				    json_string_value(json_object_get(u, "name")),
				    json_string_value(json_object_get(u, "role")),
				    json_string_value(json_object_get(u, "created_at")));
		}
		if (rc == 0 && json_array_size(users) == 0 && !ctx->json)
			fprintf(stderr, "no users (add one with cordon user add NAME --role ROLE)\n");
		json_decref(users);
	} else {
		rc = cmd_usage(&cmd_user, "give add, passwd or list");
	}
	free(pos);
	return rc;
}

const struct cmd cmd_user = {
	"user", "add|passwd|list …", "who may sign in to the HTTP API, with which role",
	"  add NAME --role ROLE   add a user; ROLE is officer, analyst, supervisor,\n"
	"                         admin or partner\n"
	"  passwd NAME            set a user's password\n"
	"  list                   every user and role\n"
	"\n"
	"The password is asked twice on a terminal; otherwise it is the first line\n"
	"of standard input. It must be 12 to 1024 bytes. It is kept only as an\n"
	"scrypt hash. Roles, each with the rights of the one above it: officer\n"
	"(cases, seizures, entities, routes, links, evidence, alert triage),\n"
	"analyst (+ rules), supervisor (+ audit, the user list, partners and\n"
	"exports), admin (+ users and partners). A partner reads its own TAXII\n"
	"collection and nothing else (cordon partner add makes one).\n",
	run_user,
};

static int
run_token(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_opt opts[] = { { "label", 0, 1, NULL, NULL, 0 } };
	char token[CDN_TOKEN_LEN + 1];
	char **pos;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_token, argc, argv, opts, 1, &pos, &npos, &done);
	if (done)
		return rc;
	if (npos != 2 || strcmp(pos[0], "create") != 0) {
		rc = cmd_usage(&cmd_token, "token create NAME [--label TEXT]");
	} else if ((rc = cmd_open(ctx)) == 0) {
		if (cdn_token_create(ctx->st, ctx->user, pos[1], opts[0].value, token) != 0) {
			rc = cmd_fail();
		} else {
			if (ctx->json) {
				json_t *o = json_pack("{s:s,s:s}", "user", pos[1], "token", token);

				cmd_print_jsonl(o);
				json_decref(o);
			} else {
				printf("%s\n", token);
			}
			if (isatty(STDOUT_FILENO))
				fprintf(stderr, "keep it now: cordon stores only its hash\n");
			OPENSSL_cleanse(token, sizeof token);
		}
	}
	free(pos);
	return rc;
}

const struct cmd cmd_token = {
	"token", "create NAME [--label TEXT]", "an API token for scripts, acting as user NAME",
	"  create NAME [--label TEXT]\n"
	"                      print a new token for user NAME; scripts send it as\n"
	"                      `Authorization: Bearer TOKEN`. It is shown once:\n"
	"                      the store keeps only its SHA-256.\n",
	run_token,
};
