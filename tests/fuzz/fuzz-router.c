/*
 * fuzz-router.c - the HTTP routes and their query parameters: the input
 * is a request head, "METHOD TARGET" then "Name: value" lines, answered
 * by http_route over the partner records (fuzz.h), as the signed-in admin
 * unless the input brings its own Authorization or Cookie header. The
 * request never touches a socket: fake-mhd.h stands in for
 * libmicrohttpd. Only reads are sent (GET, HEAD): a write would change the
 * store the next input reads, or start a background job.
 *
 * Promises checked: every request gets exactly one answer, with a status
 * from 200 to 599; a JSON answer is JSON (UTF-8) and an error answer is
 * {"error": {"code", "message"}}.
 */
#include <jansson.h>

#include "cordon/user.h"
#include "http/api.h"
#include "http/auth.h"
#include "fuzz.h"
#include "fake-mhd.h"

static struct cdn_store *st;
static char bearer[CDN_TOKEN_LEN + 16];

static void
setup(void)
{
	char token[CDN_TOKEN_LEN + 1];

	st = fuzz_store_records("records");
	if (cdn_user_add(st, "fuzz", "boss", "admin", "a long fuzz password") != 0 ||
	    cdn_token_create(st, "fuzz", "boss", "fuzz", token) != 0 || http_auth_init() != 0) {
		fprintf(stderr, "fuzz: cannot sign in: %s\n", cdn_error_last()->message);
		exit(99);
	}
	snprintf(bearer, sizeof bearer, "Bearer %s", token);
}

static void
check_answer(const char *method, const char *path)
{
	struct MHD_Response *resp = fake_answer.resp;
	const char *type;
	json_t *j, *e;
	json_error_t err;

	FUZZ_ASSERT(fake_answer.status >= 200 && fake_answer.status <= 599,
	    "%s %s: answered %u", method, path, fake_answer.status);
	type = fake_header(resp, "Content-Type");
	if (!type || strncmp(type, "application/json", 16) != 0 || resp->len == 0)
		return;
	j = json_loadb(resp->body, resp->len, 0, &err);
	FUZZ_ASSERT(j != NULL, "%s %s: %u with JSON that is not: %s", method, path,
	    fake_answer.status, err.text);
	if (fake_answer.status >= 400) {
		e = json_object_get(j, "error");
		FUZZ_ASSERT(json_is_string(json_object_get(e, "code")) &&
		    json_is_string(json_object_get(e, "message")), "%s %s: %u without an error: %s",
		    method, path, fake_answer.status, resp->body);
	}
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct MHD_Connection conn = { .nargs = 0 };
	struct http_req r = { .conn = &conn };
	char *text, *line, *save = NULL, *target, *q, *path;
	const char *method;
	int own_auth = 0;
	enum MHD_Result res;

	if (!st)
		setup();
	if (size > 8192 || memchr(data, '\0', size))
		return 0;	/* MHD takes neither NUL bytes nor heads this long */
	if ((text = malloc(size + 1)) == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	conn.addr.sin_family = AF_INET;
	conn.addr.sin_addr.s_addr = htonl(0x7f000001);
	line = strtok_r(text, "\r\n", &save);
	if (!line || !(target = strchr(line, ' '))) {
		free(text);
		return 0;
	}
	*target++ = '\0';
	method = strcmp(line, "HEAD") == 0 ? "HEAD" : "GET";
	while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon++ = '\0';
		colon += strspn(colon, " \t");
		if (strcasecmp(line, "Authorization") == 0 || strcasecmp(line, "Cookie") == 0)
			own_auth = 1;
		fake_conn_header(&conn, line, colon);
	}
	if (!own_auth)
		fake_conn_header(&conn, "Authorization", bearer);
	/* The path is decoded, the query string split, as MHD does. */
	if ((q = strchr(target, '?')) != NULL)
		*q++ = '\0';
	path = fake_decode(target, strlen(target));
	fake_conn_query(&conn, q);
	r.st = st;
	r.method = method;
	r.path = path;
	r.body = "";
	res = http_route(&r);
	(void)res;
	check_answer(method, path);
	fake_answer_free();
	fake_conn_free(&conn);
	cdn_error_clear();
	free(path);
	free(text);
	return 0;
}
