/*
 * store-edit.c - change a store behind cordon's back, for the tests of
 * what cordon does about it (tests/e2e/audit.sh):
 *
 *   store-edit format1 DIR        make DIR what a format-1 cordon left: no
 *                                 audit indexes, no index of alerts by ref
 *   store-edit unindex DIR USER SEQ   remove audit entry SEQ from the
 *                                 index by user, as a hand edit would
 *
 * Only LMDB is used, as anyone with the file could; the store must not be
 * open elsewhere while it runs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "schema.h"

static void
be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static int
fail(const char *what, int rc)
{
	fprintf(stderr, "store-edit: %s: %s\n", what, mdb_strerror(rc));
	return 1;
}

static int
format1(MDB_txn *t)
{
	unsigned char fmt[8], ix = IX_REF;
	MDB_dbi meta, idx, dbi;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_dbi_open(t, "meta", 0, &meta)) != 0 ||
	    (rc = mdb_dbi_open(t, "index", MDB_DUPSORT | MDB_DUPFIXED, &idx)) != 0)
		return fail("open", rc);
	for (int i = 0; i < 2; i++)
		if ((rc = mdb_dbi_open(t, i ? "audit-by-user" : "audit-by-record",
		    MDB_DUPSORT | MDB_DUPFIXED, &dbi)) != 0 || (rc = mdb_drop(t, dbi, 1)) != 0)
			return fail("drop the audit indexes", rc);
	if ((rc = mdb_cursor_open(t, idx, &cur)) != 0)
		return fail("index", rc);
	for (;;) {
		k.mv_size = 1;
		k.mv_data = &ix;
		if (mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE) != 0 ||
		    ((unsigned char *)k.mv_data)[0] != IX_REF)
			break;
		if ((rc = mdb_cursor_del(cur, MDB_NODUPDATA)) != 0)
			return fail("index", rc);
	}
	mdb_cursor_close(cur);
	be64(fmt, 1);
	k.mv_size = 6;
	k.mv_data = "format";
	v.mv_size = 8;
	v.mv_data = fmt;
	if ((rc = mdb_put(t, meta, &k, &v, 0)) != 0)
		return fail("format", rc);
	return 0;
}

static int
unindex(MDB_txn *t, const char *user, const char *seq)
{
	unsigned char val[8];
	MDB_val k = { strlen(user), (void *)user }, v = { 8, val };
	MDB_dbi dbi;
	int rc;

	be64(val, strtoull(seq, NULL, 10));
	if ((rc = mdb_dbi_open(t, "audit-by-user", MDB_DUPSORT | MDB_DUPFIXED, &dbi)) != 0 ||
	    (rc = mdb_del(t, dbi, &k, &v)) != 0)
		return fail("unindex", rc);
	return 0;
}

int
main(int argc, char **argv)
{
	MDB_env *env;
	MDB_txn *t;
	int rc;

	if (argc < 3 || (strcmp(argv[1], "format1") != 0 && strcmp(argv[1], "unindex") != 0) ||
	    (strcmp(argv[1], "unindex") == 0 && argc != 5)) {
		fprintf(stderr, "usage: store-edit format1 DIR | unindex DIR USER SEQ\n");
		return 2;
	}
	if ((rc = mdb_env_create(&env)) != 0 || (rc = mdb_env_set_maxdbs(env, 16)) != 0 ||
	    (rc = mdb_env_open(env, argv[2], MDB_NOTLS | MDB_WRITEMAP, 0600)) != 0 ||
	    (rc = mdb_txn_begin(env, NULL, 0, &t)) != 0)
		return fail(argv[2], rc);
	rc = strcmp(argv[1], "format1") == 0 ? format1(t) : unindex(t, argv[3], argv[4]);
	if (rc != 0)
		mdb_txn_abort(t);
	else if ((rc = mdb_txn_commit(t)) != 0)
		rc = fail("commit", rc);
	mdb_env_close(env);
	return rc ? 1 : 0;
}
