/*
 * test-http-write.c - writes over HTTP whose transaction is run again
 * after the store's map grew: the answer is the second run's, and the
 * first run's result is not left behind. The routes are called as the
 * daemon calls them, over fake-mhd.h; the first commit of a write is
 * made to fail as a full map does (mdb_txn_commit is wrapped at link
 * time), so the store grows its map and runs the write again. What
 * jansson allocates is followed until it is freed.
 */
#include <ftw.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cordon/error.h"
#include "cordon/store.h"
#include "cordon/user.h"
#include "http/api.h"
#include "http/auth.h"
#include "internal.h"
#include "tap.h"
#include "../fuzz/fake-mhd.h"

/* --- the full map, on demand ---------------------------------------------------------- */

int __real_mdb_txn_commit(MDB_txn *txn);
int __wrap_mdb_txn_commit(MDB_txn *txn);

static int commits_to_fail;

/* As LMDB does when the map is full: the transaction is gone. */
int
__wrap_mdb_txn_commit(MDB_txn *txn)
{
	if (commits_to_fail > 0) {
		commits_to_fail--;
		mdb_txn_abort(txn);
		return MDB_MAP_FULL;
	}
	return __real_mdb_txn_commit(txn);
}

/* --- what jansson allocated, alive -------------------------------------------------------
 *
 * Each block jansson allocates is kept in a set until it is freed, by
 * jansson or by a plain free() of its text (json_dumps's; free is also
 * wrapped), so that a count of the set is what is really left behind. */

void __real_free(void *p);
void __wrap_free(void *p);

#define SLOTS (1u << 20)

static void **slot;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long live;

static size_t
hash(const void *p)
{
	return (size_t)(((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ULL) & (SLOTS - 1);
}

static void
keep(void *p)
{
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = hash(p); slot[i]; i = (i + 1) & (SLOTS - 1))
		;
	slot[i] = p;
	live++;
	pthread_mutex_unlock(&lock);
}

/* Forget `p` if it is kept (backward-shift deletion keeps probes whole). */
static void
forget(void *p)
{
	size_t i, j, k;

	pthread_mutex_lock(&lock);
	for (i = hash(p); slot[i] && slot[i] != p; i = (i + 1) & (SLOTS - 1))
		;
	if (slot[i]) {
		live--;
		slot[i] = NULL;
		for (j = (i + 1) & (SLOTS - 1); slot[j]; j = (j + 1) & (SLOTS - 1)) {
			k = hash(slot[j]);
			if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
				slot[i] = slot[j];
				slot[j] = NULL;
				i = j;
			}
		}
	}
	pthread_mutex_unlock(&lock);
}

static void *
count_malloc(size_t n)
{
	void *p = malloc(n);

	if (p)
		keep(p);
	return p;
}

static void
count_free(void *p)
{
	if (p)
		forget(p);
	__real_free(p);
}

void
__wrap_free(void *p)
{
	if (p && slot)
		forget(p);
	__real_free(p);
}

/* --- requests ------------------------------------------------------------------------- */

static struct cdn_store *st;
static char bearer[CDN_TOKEN_LEN + 16];

/* Answer METHOD PATH with BODY (JSON) and the extra header NAME: VALUE;
 * the status, and the answer's body in `out` (cap bytes). */
static unsigned
request(const char *method, const char *path, const char *body, const char *name,
    const char *value, char *out, size_t cap)
{
	struct MHD_Connection conn = { .nargs = 0 };
	struct http_req r = { .conn = &conn, .st = st, .method = method, .path = path,
		.body = body, .len = strlen(body) };
	unsigned status;

	conn.addr.sin_family = AF_INET;
	conn.addr.sin_addr.s_addr = htonl(0x7f000001);
	fake_conn_header(&conn, "Authorization", bearer);
	fake_conn_header(&conn, "Content-Type", "application/json");
	if (name)
		fake_conn_header(&conn, name, value);
	http_route(&r);
	status = fake_answer.status;
	snprintf(out, cap, "%s", fake_answer.resp ? fake_answer.resp->body : "");
	fake_answer_free();
	fake_conn_free(&conn);
	cdn_error_clear();
	return status;
}

/* How many more JSON values are alive after the request than before. */
static long
left_by(const char *method, const char *path, const char *body, const char *name,
    const char *value, unsigned *status, char *out, size_t cap)
{
	long before, after;

	pthread_mutex_lock(&lock);
	before = live;
	pthread_mutex_unlock(&lock);
	*status = request(method, path, body, name, value, out, cap);
	pthread_mutex_lock(&lock);
	after = live;
	pthread_mutex_unlock(&lock);
	return after - before;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096], path[4200], token[CDN_TOKEN_LEN + 1], out[4096];
	unsigned status;
	size_t map;
	long plain, grown;

	if ((slot = calloc(SLOTS, sizeof *slot)) == NULL)
		return 99;
	json_set_alloc_funcs(count_malloc, count_free);
	snprintf(dir, sizeof dir, "%s/cordon-http-write-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return 99;
	snprintf(path, sizeof path, "%s/store", dir);
	if (cdn_store_init(path) != 0 || cdn_store_open(path, &st) != 0 ||
	    cdn_user_add(st, "test", "olga", "officer", "a long enough password") != 0 ||
	    cdn_token_create(st, "test", "olga", "test", token) != 0 || http_auth_init() != 0) {
		fprintf(stderr, "set-up: %s\n", cdn_error_last()->message);
		return 99;
	}
	snprintf(bearer, sizeof bearer, "Bearer %s", token);

	/* Warm up, then a create as usual: what it leaves (the store may
	 * keep what it read) is what every create leaves. */
	request("POST", "/api/v1/cases", "{\"title\":\"warm-up\"}", NULL, NULL, out, sizeof out);
	plain = left_by("POST", "/api/v1/cases", "{\"title\":\"Ivory at the port\"}", NULL, NULL,
	    &status, out, sizeof out);
	ok(status == 201, "a create: 201");

	map = st->mapsize;
	commits_to_fail = 1;
	grown = left_by("POST", "/api/v1/cases", "{\"title\":\"Pangolin scales\"}", NULL, NULL,
	    &status, out, sizeof out);
	ok(commits_to_fail == 0 && st->mapsize > map, "its commit found the map full, and the map "
	    "grew (%zu MiB to %zu MiB)", map >> 20, (size_t)st->mapsize >> 20);
	ok(status == 201 && strstr(out, "\"title\":\"Pangolin scales\"") &&
	    strstr(out, "\"version\":1"), "the create run again answers 201 with the record");
	ok(grown == plain, "and leaves no more behind than a create run once (%ld JSON values, "
	    "against %ld)", grown, plain);

	plain = left_by("PATCH", "/api/v1/cases/C-3", "{\"status\":\"investigating\"}", "If-Match",
	    "\"1\"", &status, out, sizeof out);
	ok(status == 200, "an update: 200");
	map = st->mapsize;
	commits_to_fail = 1;
	grown = left_by("PATCH", "/api/v1/cases/C-3", "{\"status\":\"closed\"}", "If-Match", "\"2\"",
	    &status, out, sizeof out);
	ok(commits_to_fail == 0 && st->mapsize > map, "an update whose commit found the map full");
	ok(status == 200 && strstr(out, "\"version\":3"), "run again, answers the new version");
	ok(grown == plain, "and leaves no more behind than one run once (%ld, against %ld)", grown,
	    plain);

	http_auth_free();
	cdn_store_close(st);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return done_testing();
}
