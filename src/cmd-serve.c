/*
 * cmd-serve.c - `cordon serve`: the JSON API and the web UI (src/http/).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "http/http.h"

static int
run_serve(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_opt opts[] = {
		{ "listen", 0, 1, NULL, NULL, 0 },
		{ "tls-cert", 0, 1, NULL, NULL, 0 },
		{ "tls-key", 0, 1, NULL, NULL, 0 },
		{ "web", 0, 1, NULL, NULL, 0 },
		{ "threads", 0, 1, NULL, NULL, 0 },
		{ "ready-fd", 0, 1, NULL, NULL, 0 },
	};
	struct http_opts o = { "127.0.0.1:8080", NULL, NULL, NULL, 0, -1 };
	char **pos;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_serve, argc, argv, opts, 6, &pos, &npos, &done);
	if (done)
		return rc;
	free(pos);
	if (npos != 0)
		return cmd_usage(&cmd_serve, "serve takes no arguments");
	if (opts[0].value)
		o.listen = opts[0].value;
	o.tls_cert = opts[1].value;
	o.tls_key = opts[2].value;
	o.web = opts[3].value;
	if (opts[4].value) {
		char *end;
		long n = strtol(opts[4].value, &end, 10);

		if (*end || n < 1 || n > 64)
			return cmd_usage(&cmd_serve, "--threads must be 1 to 64");
		o.threads = (unsigned)n;
	}
	if (opts[5].value) {
		char *end;
		long n = strtol(opts[5].value, &end, 10);

		/* Only a descriptor the caller opened for it: never 0 to 2. */
		if (*end || !*opts[5].value || n < 3 || n > INT_MAX || fcntl((int)n, F_GETFD) < 0)
			return cmd_usage(&cmd_serve, "--ready-fd must be an open descriptor, 3 or more");
		o.ready_fd = (int)n;
		fcntl(o.ready_fd, F_SETFD, FD_CLOEXEC);
	}
	/* The installed files, else those of the source tree it was built from. */
	if (!o.web && access(CORDON_WEBDIR "/index.html", R_OK) == 0)
		o.web = CORDON_WEBDIR;
	if (!o.web && access(CORDON_SRCWEB "/index.html", R_OK) == 0)
		o.web = CORDON_SRCWEB;
	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	return http_serve(ctx->st, &o) == 0 ? 0 : cmd_fail();
}

const struct cmd cmd_serve = {
	"serve", "[--listen ADDR:PORT] [--tls-cert PEM --tls-key PEM] [--web DIR] [--threads N]"
	" [--ready-fd N]",
	"the JSON API (/api/v1/) and the web UI (/)",
	"  --listen ADDR:PORT   where to listen, a numeric address (default\n"
	"                       127.0.0.1:8080; [::1]:8080 for IPv6); port 0 lets\n"
	"                       the system pick a free port\n"
	"  --tls-cert PEM, --tls-key PEM\n"
	"                       serve HTTPS with this certificate and key\n"
	"  --web DIR            the web UI's files (default: the installed ones)\n"
	"  --threads N          request threads (default 4)\n"
	"  --ready-fd N         once listening, write the bound ADDR:PORT and a\n"
	"                       newline to descriptor N, then close it (for\n"
	"                       scripts and service managers)\n"
	"\n"
	"Sign in with a user (cordon user add) at POST /api/v1/login, or send an\n"
	"API token (cordon token create) as `Authorization: Bearer TOKEN`. Once\n"
	"listening it says `serving … on http://ADDR:PORT` on standard error. One\n"
	"access log line per request goes to standard error. SIGINT or SIGTERM\n"
	"stops taking connections, lets the requests under way finish, and exits.\n"
	"doc/api.md lists every route.\n",
	run_serve,
};
