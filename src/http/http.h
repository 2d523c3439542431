/*
 * http.h - `cordon serve`: the JSON API and the web UI's files over
 * libmicrohttpd. The files form a tree:
 *
 *   server.c        the daemon (this header): listening, limits, slow
 *                   clients, uploads streamed to files, static files, the
 *                   access log, a clean shutdown
 *   api.c           the router (api.h), and the routes of records: lists,
 *                   one record, graphs, search
 *   metrics.c       requests counted for Prometheus (metrics.h)
 *   api-admin.c     alerts' triage, rules, the audit trail, users
 *   api-evidence.c  evidence: uploads, downloads, custody
 *   api-import.c    imports of uploaded files, in the background
 *   api-partner.c   partners, their previews, exports in the background
 *   api-stats.c     records counted in groups (the dashboard's figures)
 *   taxii.c         TAXII 2.1 under /taxii2/, read-only
 *                   (these six: routes.h; none calls another)
 *   auth.c          who is calling: tokens, sessions, login, roles (auth.h)
 *   jobs.c          exports and imports that run on after their request (jobs.h)
 *   filters.c       the filters lists and counts take (filters.h)
 *   body.c          a request's body: its limit, media type and JSON (request.h)
 *   request.c       a request's arguments and answers (request.h)
 *   vendor.c        the web UI's libraries, from their Debian packages (vendor.h)
 *
 * Each file calls only files below it in this list (metrics.c asks
 * taxii.c how a TAXII path is counted); body.c calls request.c alone,
 * and request.c and vendor.c call none of them.
 *
 * Handlers run on the daemon's pool threads; each request reads or writes
 * the store in transactions of its own.
 */
#ifndef CORDON_HTTP_H
#define CORDON_HTTP_H

#include "cordon/store.h"

struct http_opts {
	const char *listen;		/* ADDR:PORT */
	const char *tls_cert, *tls_key;	/* PEM files, or NULL */
	const char *web;		/* directory served at / */
	unsigned threads;
	int ready_fd;			/* once listening, ADDR:PORT and a newline here; or -1 */
};

/* Serve until SIGINT or SIGTERM; then finish the requests under way. */
int http_serve(struct cdn_store *st, const struct http_opts *o);

#endif
