/*
 * request.c - a request's arguments and its answer (request.h): the
 * security headers every answer carries, JSON and error answers, the
 * library's errors mapped to statuses in one place.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cordon/error.h"
#include "cordon/query.h"
#include "cordon/record.h"
#include "cordon/text.h"
#include "request.h"

/* Sent with every response. */
static const char *const security_headers[][2] = {
	{ "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
	    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
	    "form-action 'self'; frame-ancestors 'none'" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "no-referrer" },
	{ "X-Frame-Options", "DENY" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
};

/* --- arguments ---------------------------------------------------------------------- */

int
http_number(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	if (cdn_query_number(NULL, s, lo, hi, out) == 0)
		return 0;
	cdn_error_clear();
	return -1;
}

int
http_arg_number(struct http_req *r, const char *name, uint64_t lo, uint64_t hi, uint64_t dflt,
    uint64_t *out, enum MHD_Result *res)
{
	const char *v = NULL;

	if (MHD_lookup_connection_value_n(r->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name), &v,
	    NULL) != MHD_YES) {
		*out = dflt;
		return 0;
	}
	if (cdn_query_number(name, v, lo, hi, out) == 0)
		return 0;
	*res = http_fail(r);	/* 400, in the command line's words */
	return -1;
}

/* The first query argument not in `known` (a NULL-ended list), if any. */
struct args_check {
	const char *const *known;
	char unknown[64];
};

static enum MHD_Result
check_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct args_check *a = cls;
	const char *const *k;

	(void)kind;
	(void)value;
	for (k = a->known; *k && !http_is(*k, key); k++)
		;
	if (!*k && !a->unknown[0])
		snprintf(a->unknown, sizeof a->unknown, "%s", key);
	return MHD_YES;
}

int
http_args_only(struct http_req *r, const char *const *known, const char *takes,
    enum MHD_Result *res)
{
	struct args_check a = { known, "" };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &a);
	if (!a.unknown[0])
		return 0;
	*res = http_error(r, 400, "bad_request", a.unknown, "%s, not %s", takes, a.unknown);
	return -1;
}

const char *
http_client_addr(struct MHD_Connection *conn, char *buf, size_t cap)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	snprintf(buf, cap, "-");
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)cap);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
			    (socklen_t)cap);
	}
	return buf;
}

/* --- answers ------------------------------------------------------------------------ */

enum MHD_Result
http_answer(struct http_req *r, unsigned status, struct MHD_Response *resp, const char *type,
    const char *cache)
{
	enum MHD_Result res;

	if (!resp)
		return MHD_NO;
	for (size_t i = 0; i < sizeof security_headers / sizeof *security_headers; i++)
		MHD_add_response_header(resp, security_headers[i][0], security_headers[i][1]);
	if (type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (cache)
		MHD_add_response_header(resp, "Cache-Control", cache);
	if (r->warning[0])
		MHD_add_response_header(resp, "Warning", r->warning);
	r->status = status;
	res = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return res;
}

enum MHD_Result
http_json_header(struct http_req *r, unsigned status, json_t *json, const char *header,
    const char *value)
{
	char *text = json ? json_dumps(json, JSON_COMPACT | CDN_JSON_REAL) : NULL;
	const char *const extra[1][2] = { { header, value } };

	json_decref(json);
	if (!text)
		return MHD_NO;
	return http_send(r, status, "application/json", text, strlen(text), extra, header ? 1 : 0);
}

enum MHD_Result
http_attachment(struct http_req *r, struct MHD_Response *resp, const char *type,
    const char *filename)
{
	char disp[300];
	size_t i, n = 0;

	/* Quotes, backslashes and control characters would end or bend the
	 * header's string: they become '_'. */
	n = (size_t)snprintf(disp, sizeof disp, "attachment; filename=\"");
	for (i = 0; filename && filename[i] && n < sizeof disp - 2; i++)
		disp[n++] = filename[i] == '"' || filename[i] == '\\' ||
		    (unsigned char)filename[i] < 0x20 ? '_' : filename[i];
	disp[n++] = '"';
	disp[n] = '\0';
	/* Downloaded, never shown inline: what is in it is not ours to trust. */
	MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'; sandbox");
	MHD_add_response_header(resp, "Content-Disposition", disp);
	return http_answer(r, 200, resp, type, "no-store");
}

enum MHD_Result
http_send(struct http_req *r, unsigned status, const char *type, char *body, size_t len,
    const char *const (*extra)[2], size_t n)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body,
	    MHD_RESPMEM_MUST_FREE);

	if (!resp) {
		free(body);
		return MHD_NO;
	}
	for (size_t i = 0; i < n; i++)
		MHD_add_response_header(resp, extra[i][0], extra[i][1]);
	return http_answer(r, status, resp, type, "no-store");
}

enum MHD_Result
http_json(struct http_req *r, unsigned status, json_t *json)
{
	return http_json_header(r, status, json, NULL, NULL);
}

enum MHD_Result
http_error(struct http_req *r, unsigned status, const char *code, const char *field,
    const char *fmt, ...)
{
	char msg[CDN_MESSAGE_MAX], fld[CDN_FIELD_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* Both may quote the request's path or arguments: JSON wants UTF-8. */
	snprintf(fld, sizeof fld, "%s", field ? field : "");
	cdn_utf8_repair(msg);
	cdn_utf8_repair(fld);
	return http_json(r, status, json_pack("{s:{s:s,s:s,s:s?}}", "error", "code", code,
	    "message", msg, "field", *fld ? fld : NULL));
}

enum MHD_Result
http_fail(struct http_req *r)
{
	const struct cdn_error *e = cdn_error_last();
	unsigned status;
	const char *code;
	enum MHD_Result res;

	switch (e->code) {
	case CDN_EINVAL: status = 422; code = "invalid"; break;
	case CDN_EUSAGE: status = 400; code = "bad_request"; break;
	case CDN_ENOTFOUND: status = 404; code = "not_found"; break;
	case CDN_ECONFLICT: status = 412; code = "version_conflict"; break;
	case CDN_EEXIST: status = 409; code = "exists"; break;
	case CDN_EINUSE: status = 409; code = "in_use"; break;
	case CDN_EAUTH: status = 401; code = "unauthenticated"; break;
	case CDN_ENOSPC: status = 507; code = "insufficient_storage"; break;
	default: status = 500; code = "internal"; break;
	}
	res = http_error(r, status, code, e->field, "%s", status == 500 && !e->message[0] ?
	    "internal error" : e->message);
	cdn_error_clear();
	return res;
}

/* --- after a write ----------------------------------------------------------------- */

int
http_written(struct http_req *r, int rc)
{
	if (rc != CDN_ERULES)
		return rc;
	fprintf(stderr, "cordon: %s wrote: %s\n", r->user[0] ? r->user : "a user",
	    cdn_error_last()->message);
	snprintf(r->warning, sizeof r->warning, "199 cordon \"%s\"", cdn_error_last()->message);
	/* A header's quoted string: no quotes, backslashes or bytes that
	 * are not printable ASCII inside it. */
	for (char *p = r->warning + 12; p[0] && p[1]; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '_';
	cdn_error_clear();
	return 0;
}
