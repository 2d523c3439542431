/*
 * body.c - a request's body held in memory (request.h): gathered as it
 * arrives up to HTTP_BODY_MAX, then read the way its route takes it. The
 * one place that decides a body's media type, what an empty one means and
 * what JSON is taken, so that every route answers a wrong body alike.
 */
#include <stdlib.h>
#include <string.h>

#include "request.h"

void
http_body_expect(struct http_body *b, const char *content_length)
{
	/* Refused before any of it is read. */
	if (content_length && strtoull(content_length, NULL, 10) > HTTP_BODY_MAX)
		b->over = 1;
}

int
http_body_add(struct http_body *b, const char *data, size_t n)
{
	char *d;

	if (b->over || b->len + n > HTTP_BODY_MAX) {
		b->over = 1;	/* a chunked body past the limit */
		return 0;
	}
	if ((d = realloc(b->data, b->len + n + 1)) == NULL)
		return -1;
	memcpy(d + b->len, data, n);
	b->data = d;
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

enum MHD_Result
http_body_too_large(struct http_req *r)
{
	return http_error(r, 413, "too_large", NULL, "the request body is over %u bytes",
	    HTTP_BODY_MAX);
}

void
http_body_free(struct http_body *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* How each kind is taken: its media types (each a prefix of the
 * Content-Type), the advice of its 415, and the 400 for an empty body
 * (none: an empty body is the empty object). */
static const struct {
	const char *types[4];
	const char *send;
	const char *empty_code, *empty;
	int json;
} kinds[] = {
	[HTTP_BODY_JSON] = { { "application/json", "application/merge-patch+json" },
	    "send the body as application/json", "bad_json", "the body is empty: send a JSON object",
	    1 },
	[HTTP_BODY_JSON_OPTIONAL] = { { "application/json", "application/merge-patch+json" },
	    "send the body as application/json", NULL, NULL, 1 },
	[HTTP_BODY_LUA] = { { "text/x-lua", "text/plain", "application/x-lua" },
	    "send the rule's Lua source as text/x-lua or text/plain", "bad_request",
	    "the body is the rule's Lua source", 0 },
};

static int
type_ok(enum http_body_kind kind, const char *type)
{
	for (size_t i = 0; type && i < sizeof kinds[kind].types / sizeof *kinds[kind].types &&
	    kinds[kind].types[i]; i++)
		if (strncmp(type, kinds[kind].types[i], strlen(kinds[kind].types[i])) == 0)
			return 1;
	return 0;
}

int
http_body_read(struct http_req *r, enum http_body_kind kind, json_t **json,
    enum MHD_Result *res)
{
	json_error_t jerr;
	json_t *in;

	if (json)
		*json = NULL;
	if (r->len == 0 && !kinds[kind].empty) {
		if ((*json = json_object()) != NULL)
			return 0;
		*res = MHD_NO;
		return -1;
	}
	if (!type_ok(kind, MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE))) {
		*res = http_error(r, 415, "unsupported_media_type", NULL, "%s", kinds[kind].send);
		return -1;
	}
	if (r->len == 0) {
		*res = http_error(r, 400, kinds[kind].empty_code, NULL, "%s", kinds[kind].empty);
		return -1;
	}
	if (!kinds[kind].json)
		return 0;
	if ((in = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		*res = http_error(r, 400, "bad_json", NULL, "not JSON: %s (line %d, column %d)",
		    jerr.text, jerr.line, jerr.column);
		return -1;
	}
	if (!json_is_object(in)) {
		json_decref(in);
		*res = http_error(r, 400, "bad_json", NULL, "the body must be a JSON object");
		return -1;
	}
	*json = in;
	return 0;
}
