/*
 * cmd-serve.c - `cordon serve`: the JSON API and the web UI (src/http/).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cordon/query.h"
#include "http/http.h"

static int
exec_serve(struct cmd_ctx *ctx, struct args *args)
{
	struct http_opts o = { "127.0.0.1:8080", NULL, NULL, NULL, 0, -1 };
	uint64_t threads = 0, fd = 0;
	int rc;

	if (args_has(args, "listen"))
		o.listen = args_get(args, "listen");
	o.tls_cert = args_get(args, "tls-cert");
	o.tls_key = args_get(args, "tls-key");
	o.web = args_get(args, "web");
	if ((rc = cmd_number(args, "threads", 1, 64, &threads)) != 0)
		return rc;
	o.threads = (unsigned)threads;
	if (args_has(args, "ready-fd")) {
		/* Only a descriptor the caller opened for it: never 0 to 2. */
		if (cdn_query_number("--ready-fd", args_get(args, "ready-fd"), 3, INT_MAX, &fd) != 0 ||
		    fcntl((int)fd, F_GETFD) < 0) {
			cdn_error_clear();
			return cmd_usage(args, "--ready-fd must be an open descriptor, 3 or more");
		}
		o.ready_fd = (int)fd;
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

const struct cmd_entry cmd_serve = {
	"serve", NULL, { "listen= tls-cert= tls-key= web= threads= ready-fd=", 0, 0,
	    "serve takes no arguments" },
	"[--listen ADDR:PORT] [--tls-cert PEM --tls-key PEM] [--web DIR] [--threads N]"
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
	exec_serve, NULL,
};
