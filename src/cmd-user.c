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
	} else if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
		int off = sub[0] == 'd';

		if (npos != 2 || opts[0].value)
			rc = cmd_usage(&cmd_user, off ? "user disable NAME" : "user enable NAME");
		else if ((rc = cmd_open(ctx)) == 0 &&
		    (rc = cdn_user_disable(ctx->st, ctx->user, pos[1], off)) != 0)
			rc = cmd_fail();
		if (rc == 0 && ctx->json) {
			json_t *o = json_pack("{s:s,s:b}", "user", pos[1], "disabled", off);

			cmd_print_jsonl(o);
			json_decref(o);
		} else if (rc == 0) {
			printf("user %s: %s\n", pos[1], off ? "disabled" : "enabled");
		}
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
				printf("%-24s %-10s since %s%s\n",
				    json_string_value(json_object_get(u, "name")),
				    json_string_value(json_object_get(u, "role")),
				    json_string_value(json_object_get(u, "created_at")),
				    json_is_true(json_object_get(u, "disabled")) ? "  (disabled)" : "");
		}
		if (rc == 0 && json_array_size(users) == 0 && !ctx->json)
			fprintf(stderr, "no users (add one with cordon user add NAME --role ROLE)\n");
		json_decref(users);
	} else {
		rc = cmd_usage(&cmd_user, "give add, passwd, disable, enable or list");
	}
	free(pos);
	return rc;
}

const struct cmd cmd_user = {
	"user", "add|passwd|disable|enable|list …", "who may sign in to the HTTP API, with which role",
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
	run_user,
};

static void
print_token(struct cmd_ctx *ctx, json_t *t)
{
	if (ctx->json) {
		cmd_print_jsonl(t);
		return;
	}
	printf("%s  %-24s %s  %s\n", json_string_value(json_object_get(t, "id")),
	    json_string_value(json_object_get(t, "user")),
	    json_string_value(json_object_get(t, "created_at")),
	    json_string_value(json_object_get(t, "label")));
}

static int
run_token(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_opt opts[] = { { "label", 0, 1, NULL, NULL, 0 } };
	char token[CDN_TOKEN_LEN + 1];
	const char *sub;
	char **pos;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_token, argc, argv, opts, 1, &pos, &npos, &done);
	if (done)
		return rc;
	sub = npos > 0 ? pos[0] : "";
	if (strcmp(sub, "list") == 0) {
		json_t *list = NULL, *t;
		size_t i;

		if (npos > 2 || opts[0].value)
			rc = cmd_usage(&cmd_token, "token list [NAME]");
		else if ((rc = cmd_open(ctx)) == 0 &&
		    (rc = cdn_token_list(ctx->st, npos == 2 ? pos[1] : NULL, &list)) != 0)
			rc = cmd_fail();
		json_array_foreach(list, i, t)
			print_token(ctx, t);
		json_decref(list);
	} else if (strcmp(sub, "revoke") == 0) {
		if (npos != 2 || opts[0].value)
			rc = cmd_usage(&cmd_token, "token revoke ID");
		else if ((rc = cmd_open(ctx)) == 0 &&
		    (rc = cdn_token_revoke(ctx->st, ctx->user, pos[1])) != 0)
			rc = cmd_fail();
		if (rc == 0 && ctx->json) {
			json_t *o = json_pack("{s:s,s:b}", "token", pos[1], "revoked", 1);

			cmd_print_jsonl(o);
			json_decref(o);
		} else if (rc == 0) {
			/* Never echo a whole token back. */
			printf("token %.16s: revoked\n", strncmp(pos[1], "cordon_", 7) == 0 ?
			    "(given)" : pos[1]);
		}
	} else if (npos != 2 || strcmp(sub, "create") != 0) {
		rc = cmd_usage(&cmd_token, "token create NAME [--label TEXT] | list [NAME] | revoke ID");
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
	"token", "create NAME [--label TEXT] | list [NAME] | revoke ID",
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
	run_token,
};
