/*
 * fake-mhd.h - the part of libmicrohttpd the handlers call (src/http), over
 * a request held in memory, so that a harness can call the router
 * without a daemon or a socket. The definitions here take the place of
 * the library's in the harness's program; the daemon itself
 * (MHD_start_daemon) is never started. Include it in one file only.
 *
 * What a handler answers is kept in fake_answer: its status, headers
 * and body (a file's answer is read back from the descriptor).
 */
#ifndef CORDON_FAKE_MHD_H
#define CORDON_FAKE_MHD_H

#include <arpa/inet.h>
#include <ctype.h>
#include <strings.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FAKE_MAX 64

struct fake_kv {
	char *key, *value;
};

struct MHD_Connection {
	struct fake_kv args[FAKE_MAX], headers[FAKE_MAX];
	size_t nargs, nheaders;
	struct sockaddr_in addr;
};

struct MHD_Response {
	char *body;
	size_t len;
	struct fake_kv headers[32];
	size_t nheaders;
};

static struct {
	unsigned status;		/* 0: nothing was queued */
	struct MHD_Response *resp;
} fake_answer;

struct MHD_Response *
MHD_create_response_from_buffer(size_t size, void *buffer, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->body = malloc(size + 1);
	memcpy(r->body, buffer, size);
	r->body[size] = '\0';
	r->len = size;
	if (mode == MHD_RESPMEM_MUST_FREE)
		free(buffer);
	return r;
}

struct MHD_Response *
MHD_create_response_from_fd(uint64_t size, int fd)
{
	struct MHD_Response *r = calloc(1, sizeof *r);
	ssize_t n = 0;

	if (!r)
		return NULL;
	r->body = malloc(size + 1);
	if (size > 0 && (n = pread(fd, r->body, size, 0)) < 0)
		n = 0;
	r->body[n] = '\0';
	r->len = (size_t)n;
	close(fd);
	return r;
}

enum MHD_Result
MHD_add_response_header(struct MHD_Response *r, const char *header, const char *content)
{
	if (r->nheaders == sizeof r->headers / sizeof *r->headers)
		return MHD_NO;
	/* libmicrohttpd refuses a line break in a header: so does this. */
	if (strpbrk(header, "\r\n") || strpbrk(content, "\r\n"))
		return MHD_NO;
	r->headers[r->nheaders].key = strdup(header);
	r->headers[r->nheaders].value = strdup(content);
	r->nheaders++;
	return MHD_YES;
}

void
MHD_destroy_response(struct MHD_Response *r)
{
	if (!r || r == fake_answer.resp)
		return;	/* the queued one is the harness's to free */
	for (size_t i = 0; i < r->nheaders; i++) {
		free(r->headers[i].key);
		free(r->headers[i].value);
	}
	free(r->body);
	free(r);
}

enum MHD_Result
MHD_queue_response(struct MHD_Connection *c, unsigned int status, struct MHD_Response *r)
{
	(void)c;
	if (fake_answer.status != 0 || !r)
		return MHD_NO;	/* one answer per request */
	fake_answer.status = status;
	fake_answer.resp = r;
	return MHD_YES;
}

static __attribute__((unused)) void
fake_answer_free(void)
{
	struct MHD_Response *r = fake_answer.resp;

	fake_answer.resp = NULL;
	fake_answer.status = 0;
	MHD_destroy_response(r);
}

static __attribute__((unused)) const char *
fake_header(const struct MHD_Response *r, const char *name)
{
	for (size_t i = 0; r && i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].key, name) == 0)
			return r->headers[i].value;
	return NULL;
}

const char *
MHD_lookup_connection_value(struct MHD_Connection *c, enum MHD_ValueKind kind, const char *key)
{
	struct fake_kv *kv = kind == MHD_GET_ARGUMENT_KIND ? c->args : c->headers;
	size_t n = kind == MHD_GET_ARGUMENT_KIND ? c->nargs :
	    kind == MHD_HEADER_KIND ? c->nheaders : 0;

	for (size_t i = 0; i < n; i++)
		if (kind == MHD_GET_ARGUMENT_KIND ? strcmp(kv[i].key, key) == 0 :
		    strcasecmp(kv[i].key, key) == 0)
			return kv[i].value;
	return NULL;
}

enum MHD_Result
MHD_lookup_connection_value_n(struct MHD_Connection *c, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char **value, size_t *value_size)
{
	struct fake_kv *kv = kind == MHD_GET_ARGUMENT_KIND ? c->args : c->headers;
	size_t n = kind == MHD_GET_ARGUMENT_KIND ? c->nargs :
	    kind == MHD_HEADER_KIND ? c->nheaders : 0;

	for (size_t i = 0; i < n; i++)
		if (strlen(kv[i].key) == key_size && (kind == MHD_GET_ARGUMENT_KIND ?
		    memcmp(kv[i].key, key, key_size) == 0 : strncasecmp(kv[i].key, key, key_size) == 0)) {
			if (value)
				*value = kv[i].value;
			if (value_size)
				*value_size = kv[i].value ? strlen(kv[i].value) : 0;
			return MHD_YES;
		}
	return MHD_NO;
}

int
MHD_get_connection_values(struct MHD_Connection *c, enum MHD_ValueKind kind,
    MHD_KeyValueIterator it, void *cls)
{
	struct fake_kv *kv = kind == MHD_GET_ARGUMENT_KIND ? c->args : c->headers;
	size_t n = kind == MHD_GET_ARGUMENT_KIND ? c->nargs :
	    kind == MHD_HEADER_KIND ? c->nheaders : 0;
	int k = 0;

	for (size_t i = 0; i < n; i++, k++)
		if (it && it(cls, kind, kv[i].key, kv[i].value) != MHD_YES)
			return k + 1;
	return k;
}

const union MHD_ConnectionInfo *
MHD_get_connection_info(struct MHD_Connection *c, enum MHD_ConnectionInfoType type, ...)
{
	static union MHD_ConnectionInfo ci;

	if (type != MHD_CONNECTION_INFO_CLIENT_ADDRESS)
		return NULL;
	ci.client_addr = (struct sockaddr *)&c->addr;
	return &ci;
}

/* MHD's decoding of a query string's part: %XX and '+' as a space. */
static __attribute__((unused)) char *
fake_decode(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], 0 };

			*o++ = (char)strtoul(hex, NULL, 16);
			i += 2;
		} else
			*o++ = s[i] == '+' ? ' ' : s[i];
	}
	*o = '\0';
	return out;
}

/* Fill `c` from a query string ("a=1&b=%20") and header lines. */
static __attribute__((unused)) void
fake_conn_query(struct MHD_Connection *c, const char *q)
{
	while (q && *q && c->nargs < FAKE_MAX) {
		size_t n = strcspn(q, "&"), k = strcspn(q, "=&");

		c->args[c->nargs].key = fake_decode(q, k);
		c->args[c->nargs].value = k < n ? fake_decode(q + k + 1, n - k - 1) : NULL;
		c->nargs++;
		q += n + (q[n] == '&');
	}
}

static __attribute__((unused)) void
fake_conn_header(struct MHD_Connection *c, const char *name, const char *value)
{
	if (c->nheaders < FAKE_MAX) {
		c->headers[c->nheaders].key = strdup(name);
		c->headers[c->nheaders].value = strdup(value);
		c->nheaders++;
	}
}

static __attribute__((unused)) void
fake_conn_free(struct MHD_Connection *c)
{
	for (size_t i = 0; i < c->nargs; i++) {
		free(c->args[i].key);
		free(c->args[i].value);
	}
	for (size_t i = 0; i < c->nheaders; i++) {
		free(c->headers[i].key);
		free(c->headers[i].value);
	}
	c->nargs = c->nheaders = 0;
}

#endif
