/*
 * fuzz-evname.c - evidence file names: the input is the name an upload
 * gives (?filename=), checked, stored with a small file in case C-1 of
 * the partner records (fuzz.h), and downloaded again through the router
 * (GET /api/v1/evidence/ID/content, fake-mhd.h).
 *
 * Promises checked: a name is accepted only if it is a base name of 1 to
 * 255 bytes of UTF-8 without '/', '\', ".." or control characters, and
 * then it is recorded as its NFC form (like every string of a record:
 * U+2000 EN QUAD is recorded as U+2002 EN SPACE); the download answers 200 with the file's
 * bytes and a Content-Disposition whose quoted name holds no quote,
 * backslash or control character.
 */
#include <jansson.h>
#include <stdlib.h>
#include <utf8proc.h>

#include "cordon/check.h"
#include "cordon/evidence.h"
#include "cordon/user.h"
#include "http/api.h"
#include "fuzz.h"
#include "fake-mhd.h"

#define CONTENT "a photo of the seal\n"
/* Files stored before the store is replaced by a new one. */
#define STORE_ADDS 300

static struct cdn_store *st;
static char file[4200], bearer[CDN_TOKEN_LEN + 16];

static void
setup(void)
{
	static unsigned stores;
	char token[CDN_TOKEN_LEN + 1], name[32];
	FILE *f;

	if (st)
		cdn_store_close(st);
	snprintf(name, sizeof name, "records-%u", stores++);
	st = fuzz_store_records(name);
	if (cdn_user_add(st, "fuzz", "boss", "admin", "a long fuzz password") != 0 ||
	    cdn_token_create(st, "fuzz", "boss", "fuzz", token) != 0) {
		fprintf(stderr, "fuzz: cannot sign in: %s\n", cdn_error_last()->message);
		exit(99);
	}
	snprintf(bearer, sizeof bearer, "Bearer %s", token);
	snprintf(file, sizeof file, "%s/seal.jpg", fuzz_dir());
	if ((f = fopen(file, "w")) == NULL || fputs(CONTENT, f) < 0 || fclose(f) != 0)
		abort();
}

/* What the name must be to be accepted. */
static int
name_ok(const char *s, size_t len)
{
	json_t *j;

	if (len == 0 || len > 255 || strstr(s, "..") || strcmp(s, ".") == 0 || strpbrk(s, "/\\"))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return 0;
	if ((j = json_string(s)) == NULL)
		return 0;
	json_decref(j);
	return 1;
}

static void
download(const char *id, const char *name)
{
	struct MHD_Connection conn = { .nargs = 0 };
	struct http_req r = { .conn = &conn, .method = "GET", .body = "" };
	char path[128];
	const char *disp;

	snprintf(path, sizeof path, "/api/v1/evidence/%s/content", id);
	fake_conn_header(&conn, "Authorization", bearer);
	r.st = st;
	r.path = path;
	http_route(&r);
	FUZZ_ASSERT(fake_answer.status == 200, "download of '%s' answered %u", name, fake_answer.status);
	FUZZ_ASSERT(fake_answer.resp->len == strlen(CONTENT) &&
	    memcmp(fake_answer.resp->body, CONTENT, strlen(CONTENT)) == 0, "other bytes downloaded");
	disp = fake_header(fake_answer.resp, "Content-Disposition");
	FUZZ_ASSERT(disp != NULL, "no Content-Disposition for '%s'", name);
	FUZZ_ASSERT(strncmp(disp, "attachment; filename=\"", 22) == 0 &&
	    disp[strlen(disp) - 1] == '"', "Content-Disposition %s", disp);
	for (const char *p = disp + 22; p < disp + strlen(disp) - 1; p++)
		FUZZ_ASSERT(*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20 && *p != 0x7f,
		    "Content-Disposition %s", disp);
	fake_answer_free();
	fake_conn_free(&conn);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned adds;
	struct cdn_evidence_opts o = { .description = "fuzz" };
	char name[512], why[CDN_WHY_MAX];
	json_t *rec = NULL;
	int checked, rc;

	if (!st || adds >= STORE_ADDS) {
		setup();
		adds = 0;
	}
	if (size >= sizeof name || memchr(data, '\0', size))
		return 0;	/* a query-string value holds no NUL */
	memcpy(name, data, size);
	name[size] = '\0';
	checked = cdn_check_filename(name, why) == 0;
	o.filename = name;
	rc = cdn_evidence_add(st, "fuzz", "C-1", file, &o, &rec);
	if (rc == 0) {
		const char *id = json_string_value(json_object_get(rec, "id"));
		char *nfc;

		adds++;
		FUZZ_ASSERT(checked && name_ok(name, size), "accepted as a file name: '%s'", name);
		nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)name);
		FUZZ_ASSERT(nfc != NULL, "accepted '%s', which is not UTF-8", name);
		FUZZ_ASSERT(strcmp(json_string_value(json_object_get(rec, "filename")) ?: "", nfc) == 0,
		    "recorded as '%s', given '%s' (NFC '%s')",
		    json_string_value(json_object_get(rec, "filename")), name, nfc);
		free(nfc);
		download(id, name);
	} else {
		FUZZ_ASSERT(rc == CDN_EINVAL, "refused as error %d: %s", rc, cdn_error_last()->message);
	}
	cdn_error_clear();
	json_decref(rec);
	return 0;
}
