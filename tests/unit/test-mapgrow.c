/*
 * test-mapgrow.c - growing the store's map while other threads read:
 * LMDB allows mdb_env_set_mapsize only when no transaction of the process
 * is open, so a growth waits for the readers of the moment, and holds new
 * ones back until it is done. Meant to run under ThreadSanitizer too
 * (build-tsan).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cordon/store.h"
#include "cordon/record.h"
#include "internal.h"
#include "tap.h"

#define READERS 4
#define RECORDS 64
#define GROWTHS 6

static struct cdn_store *st;
static atomic_int stop, grown, bad_reads, reads;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t
mapsize(void)
{
	MDB_envinfo info;

	mdb_env_info(st->env, &info);
	return info.me_mapsize;
}

static size_t
used(void)
{
	MDB_envinfo info;
	MDB_stat ms;

	mdb_env_info(st->env, &info);
	mdb_env_stat(st->env, &ms);
	return (info.me_last_pgno + 1) * (size_t)ms.ms_psize;
}

static int
add_case(struct cdn_txn *txn, void *arg)
{
	char text[64];
	json_t *in;
	int rc;

	snprintf(text, sizeof text, "{\"title\":\"case %d\"}", *(int *)arg);
	in = json_loads(text, 0, NULL);
	rc = cdn_record_create(txn, CDN_CASE, in, 0, NULL);
	json_decref(in);
	return rc;
}

/* Read every record and check its bytes, again and again. */
static void *
reader(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		struct cdn_txn *txn;

		if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0) {
			atomic_fetch_add(&bad_reads, 1);
			continue;
		}
		for (uint64_t i = 1; i <= RECORDS; i++) {
			char want[32];
			const char *json;
			size_t len;

			char *text = NULL;

			snprintf(want, sizeof want, "\"case %llu\"", (unsigned long long)i);
			if (cdn_record_get_raw(txn, (struct cdn_id){ CDN_CASE, i }, &json, &len) != 0 ||
			    cdn_record_text(json, len, &text, &len) != 0 || !strstr(text, want))
				atomic_fetch_add(&bad_reads, 1);
			free(text);
		}
		cdn_txn_abort(txn);
		atomic_fetch_add(&reads, 1);
	}
	return NULL;
}

/* Grow the map a step at a time, writing between steps. */
static void *
writer(void *arg)
{
	int n = RECORDS + 1;

	(void)arg;
	for (int g = 0; g < GROWTHS; g++) {
		if (cdn_store_write(st, "tester", add_case, &n) == 0)
			n++;
		/* Past the map by a step: it must grow. */
		if (cdn_store_reserve(st, (uint64_t)mapsize() - used() + (32u << 20)) == 0)
			atomic_fetch_add(&grown, 1);
	}
	return NULL;
}

static void *
grow_once(void *arg)
{
	cdn_store_reserve(st, (uint64_t)64 << 20);
	atomic_store((atomic_int *)arg, 1);
	return NULL;
}

int
main(void)
{
	char dir[] = "/tmp/cordon-mapgrow-XXXXXX", path[64];
	pthread_t r[READERS], w;
	size_t before;

	if (!mkdtemp(dir))
		return 99;
	snprintf(path, sizeof path, "%s/store", dir);
	if (cdn_store_init(path) != 0 || cdn_store_open(path, &st) != 0)
		return 99;
	for (int i = 1; i <= RECORDS; i++)
		if (cdn_store_write(st, "tester", add_case, &i) != 0)
			return 99;

	/* A reader in the middle of its transaction: the growth waits for it. */
	{
		struct cdn_txn *txn;
		const char *json;
		size_t len;
		atomic_int done = 0;
		pthread_t g;
		double t0;
		int held = 1;

		cdn_txn_begin(st, CDN_TXN_READ, &txn);
		cdn_record_get_raw(txn, (struct cdn_id){ CDN_CASE, 1 }, &json, &len);
		before = mapsize();
		pthread_create(&g, NULL, grow_once, &done);
		/* Give it every chance to go ahead (it must not). */
		for (t0 = now(); now() - t0 < 0.5 && held;)
			if (atomic_load(&done))
				held = 0;
			else
				usleep(1000);
		ok(held && mapsize() == before, "the map is not grown under an open read transaction");
		{
			char *text = NULL;

			ok(cdn_record_text(json, len, &text, &len) == 0 && strstr(text, "\"case 1\""),
			    "what the reader holds is still readable");
			free(text);
		}
		cdn_txn_abort(txn);
		pthread_join(g, NULL);
		ok(atomic_load(&done) && mapsize() > before,
		    "once it ends, the map grows (%zu MiB to %zu MiB)", before >> 20, mapsize() >> 20);
	}

	/* A thread that holds a transaction cannot wait for itself. */
	{
		struct cdn_txn *txn;

		cdn_txn_begin(st, CDN_TXN_READ, &txn);
		ok(cdn_store_reserve(st, (uint64_t)st->mapsize + (32u << 20)) == CDN_ESTORE,
		    "a thread holding a transaction is refused, not deadlocked");
		cdn_txn_abort(txn);
		cdn_error_clear();
	}

	/* Readers on every side of growths and writes. */
	before = mapsize();
	for (int i = 0; i < READERS; i++)
		pthread_create(&r[i], NULL, reader, NULL);
	pthread_create(&w, NULL, writer, NULL);
	pthread_join(w, NULL);
	atomic_store(&stop, 1);
	for (int i = 0; i < READERS; i++)
		pthread_join(r[i], NULL);
	ok(atomic_load(&bad_reads) == 0, "%d reads by %d threads saw every record whole",
	    atomic_load(&reads), READERS);
	ok(atomic_load(&grown) == GROWTHS, "the writer grew the map %d times meanwhile (to %zu MiB)",
	    atomic_load(&grown), mapsize() >> 20);

	cdn_store_close(st);
	rm_tree(dir);
	return done_testing();
}
