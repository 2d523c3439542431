/*
 * store-edit.c - change a store behind cordon's back, for the tests of
 * what cordon does about it (tests/e2e/audit.sh):
 *
 *   store-edit format1 DIR        make DIR what a format-1 cordon left: no
 *                                 audit indexes, no index of alerts by ref,
 *                                 records in JSON text
 *   store-edit unindex DIR USER SEQ   remove audit entry SEQ from the
 *                                 index by user, as a hand edit would
 *   store-edit rechain DIR ID FIELD VALUE   set string FIELD of record
 *                                 ID to VALUE, then rewrite the audit
 *                                 entry that hashed the record and
 *                                 re-chain every entry after it and the
 *                                 head, as someone covering their tracks
 *                                 would: `audit verify` alone finds nothing
 *   store-edit relink DIR LINK from|to ID   point an end of a link at ID
 *                                 (another link, say), as an older cordon
 *                                 let an import do
 *   store-edit putmeta DIR KEY VALUE   set meta KEY to the bytes VALUE,
 *                                 as damage would (tests/e2e/config.sh)
 *   store-edit format4 DIR        make DIR what a format-4 cordon left:
 *                                 every record in JSON text, as records
 *                                 were stored before format 5
 *                                 (tests/e2e/upgrade.sh)
 *   store-edit tamper DIR ID FIELD VALUE   set string FIELD of record ID
 *                                 to VALUE, written as JSON text, and
 *                                 leave the audit trail as it is
 *
 * Only LMDB is used, as anyone with the file could (and cordon's own
 * reading of a stored record's bytes); the store must not be open
 * elsewhere while it runs.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <lmdb.h>
#include <openssl/evp.h>

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

static void
hex(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

static void
sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char h[32];
	unsigned int len = 32;

	EVP_Digest(p, n, h, &len, EVP_sha256(), NULL);
	hex(h, 32, out);
}

/* Replace the 64 hex digits after `tag` in `buf` with `with`. */
static int
splice(char *buf, size_t len, const char *tag, const char *with)
{
	size_t tl = strlen(tag);

	for (size_t i = len; i-- > 0;)
		if (i + tl + 64 <= len && memcmp(buf + i, tag, tl) == 0) {
			memcpy(buf + i + tl, with, 64);
			return 0;
		}
	return -1;
}

static int
rechain(MDB_txn *t, const char *id, const char *field, const char *value)
{
	unsigned char rkey[9], seqkey[8];
	char h[65], idtag[64], *bytes, *buf;
	MDB_dbi meta, recs, audit;
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t from = 0, seq = 0;
	json_t *rec;
	int rc;

	if ((rc = mdb_dbi_open(t, "meta", 0, &meta)) != 0 ||
	    (rc = mdb_dbi_open(t, "records", 0, &recs)) != 0 ||
	    (rc = mdb_dbi_open(t, "audit", 0, &audit)) != 0)
		return fail("open", rc);
	rkey[0] = (unsigned char)id[0];
	be64(rkey + 1, strtoull(id + 2, NULL, 10));
	k.mv_size = 9;
	k.mv_data = rkey;
	if ((rc = mdb_get(t, recs, &k, &v)) != 0)
		return fail(id, rc);
	if (cdn_record_parse(v.mv_data, v.mv_size, &rec) != 0)
		return fail(id, MDB_CORRUPTED);
	json_object_set_new(rec, field, json_string(value));
	bytes = json_dumps(rec, JSON_COMPACT);
	json_decref(rec);
	v.mv_size = strlen(bytes);
	v.mv_data = bytes;
	if ((rc = mdb_put(t, recs, &k, &v, 0)) != 0)
		return fail(id, rc);
	sha256_hex(bytes, strlen(bytes), h);
	free(bytes);
	/* The last entry naming the record now records the new bytes. */
	snprintf(idtag, sizeof idtag, "\"id\":\"%s\"", id);
	if ((rc = mdb_cursor_open(t, audit, &cur)) != 0)
		return fail("audit", rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		if (memmem(v.mv_data, v.mv_size, idtag, strlen(idtag)))
			from = strtoull(strstr(v.mv_data, "\"seq\":") + 6, NULL, 10);
	mdb_cursor_close(cur);
	if (!from)
		return fail("no audit entry names the record", MDB_NOTFOUND);
	for (seq = from;; seq++) {
		be64(seqkey, seq);
		k.mv_size = 8;
		k.mv_data = seqkey;
		if ((rc = mdb_get(t, audit, &k, &v)) == MDB_NOTFOUND)
			break;
		if (rc != 0 || (buf = malloc(v.mv_size)) == NULL)
			return fail("audit", rc ? rc : ENOMEM);
		memcpy(buf, v.mv_data, v.mv_size);
		if (splice(buf, v.mv_size, seq == from ? "\"sha256\":\"" : "\"prev\":\"", h) != 0)
			return fail("audit entry", MDB_CORRUPTED);
		sha256_hex(buf, v.mv_size, h);
		v.mv_data = buf;
		if ((rc = mdb_put(t, audit, &k, &v, 0)) != 0)
			return fail("audit", rc);
		free(buf);
	}
	/* The head: the last seq and the hash of its entry. */
	{
		unsigned char head[40];

		be64(head, seq - 1);
		for (int i = 0; i < 32; i++)
			head[8 + i] = (unsigned char)strtoul((char[3]){ h[2 * i], h[2 * i + 1], 0 },
			    NULL, 16);
		k.mv_size = 10;
		k.mv_data = "audit.head";
		v.mv_size = 40;
		v.mv_data = head;
		if ((rc = mdb_put(t, meta, &k, &v, 0)) != 0)
			return fail("audit head", rc);
	}
	printf("%s changed; audit entries %llu to %llu re-chained\n", id,
	    (unsigned long long)from, (unsigned long long)(seq - 1));
	return 0;
}

static int
relink(MDB_txn *t, const char *link, const char *end, const char *target)
{
	unsigned char rkey[9], key[64];
	MDB_dbi recs, idx;
	MDB_val k, v, ik, iv = { 9, rkey };
	const char *old;
	json_t *rec;
	char *bytes;
	int rc;

	if ((rc = mdb_dbi_open(t, "records", 0, &recs)) != 0 ||
	    (rc = mdb_dbi_open(t, "index", MDB_DUPSORT | MDB_DUPFIXED, &idx)) != 0)
		return fail("open", rc);
	rkey[0] = 'L';
	be64(rkey + 1, strtoull(link + 2, NULL, 10));
	k.mv_size = 9;
	k.mv_data = rkey;
	if ((rc = mdb_get(t, recs, &k, &v)) != 0)
		return fail(link, rc);
	if (cdn_record_parse(v.mv_data, v.mv_size, &rec) != 0 ||
	    (old = json_string_value(json_object_get(rec, end))) == NULL)
		return fail(link, MDB_CORRUPTED);
	/* The index entry by that end: [IX_FROM or IX_TO][id] -> record key. */
	key[0] = strcmp(end, "from") == 0 ? IX_FROM : IX_TO;
	ik.mv_data = key;
	snprintf((char *)key + 1, sizeof key - 1, "%s", old);
	ik.mv_size = 1 + strlen(old);
	if ((rc = mdb_del(t, idx, &ik, &iv)) != 0)
		return fail("index", rc);
	snprintf((char *)key + 1, sizeof key - 1, "%s", target);
	ik.mv_size = 1 + strlen(target);
	if ((rc = mdb_put(t, idx, &ik, &iv, 0)) != 0)
		return fail("index", rc);
	json_object_set_new(rec, end, json_string(target));
	bytes = json_dumps(rec, JSON_COMPACT);
	json_decref(rec);
	v.mv_size = strlen(bytes);
	v.mv_data = bytes;
	rc = mdb_put(t, recs, &k, &v, 0);
	free(bytes);
	return rc ? fail(link, rc) : 0;
}

static int
put_format(MDB_txn *t, uint64_t fmt)
{
	unsigned char b[8];
	MDB_dbi meta;
	MDB_val k = { 6, "format" }, v = { 8, b };
	int rc;

	be64(b, fmt);
	if ((rc = mdb_dbi_open(t, "meta", 0, &meta)) != 0 || (rc = mdb_put(t, meta, &k, &v, 0)) != 0)
		return fail("format", rc);
	return 0;
}

/* Every record in JSON text, its bytes what cordon hashed for the trail. */
static int
records_text(MDB_txn *t)
{
	unsigned char key[9];
	MDB_dbi recs;
	MDB_cursor *cur;
	MDB_val k, v;
	unsigned long n = 0, text_already = 0;
	int rc;

	if ((rc = mdb_dbi_open(t, "records", 0, &recs)) != 0 ||
	    (rc = mdb_cursor_open(t, recs, &cur)) != 0)
		return fail("records", rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		char *text;
		size_t len;

		if (k.mv_size != 9 || cdn_record_text(v.mv_data, v.mv_size, &text, &len) != 0)
			return fail("a record that cannot be read", MDB_CORRUPTED);
		text_already += v.mv_size && *(const char *)v.mv_data == '{';
		memcpy(key, k.mv_data, 9);
		k.mv_data = key;
		v.mv_size = len;
		v.mv_data = text;
		rc = mdb_cursor_put(cur, &k, &v, MDB_CURRENT);
		free(text);
		if (rc != 0)
			return fail("records", rc);
		n++;
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return fail("records", rc);
	printf("%lu records in JSON text (%lu were already)\n", n, text_already);
	return 0;
}

static int
format4(MDB_txn *t)
{
	int rc = records_text(t);

	return rc ? rc : put_format(t, 4);
}

static int
format1(MDB_txn *t)
{
	unsigned char ix = IX_REF;
	MDB_dbi idx, dbi;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_dbi_open(t, "index", MDB_DUPSORT | MDB_DUPFIXED, &idx)) != 0)
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
	/* Records were JSON text then too. */
	if ((rc = put_format(t, 1)) != 0)
		return rc;
	return records_text(t);
}

static int
tamper(MDB_txn *t, const char *id, const char *field, const char *value)
{
	unsigned char rkey[9];
	MDB_dbi recs;
	MDB_val k = { 9, rkey }, v;
	json_t *rec;
	char *text;
	int rc;

	rkey[0] = (unsigned char)id[0];
	be64(rkey + 1, strtoull(id + 2, NULL, 10));
	if ((rc = mdb_dbi_open(t, "records", 0, &recs)) != 0 || (rc = mdb_get(t, recs, &k, &v)) != 0)
		return fail(id, rc);
	if (cdn_record_parse(v.mv_data, v.mv_size, &rec) != 0)
		return fail(id, MDB_CORRUPTED);
	json_object_set_new(rec, field, json_string(value));
	text = json_dumps(rec, JSON_COMPACT | CDN_JSON_REAL);
	json_decref(rec);
	v.mv_size = strlen(text);
	v.mv_data = text;
	rc = mdb_put(t, recs, &k, &v, 0);
	free(text);
	return rc ? fail(id, rc) : 0;
}

/* Meta `key` set to `value` as it is. */
static int
putmeta(MDB_txn *t, const char *key, const char *value)
{
	MDB_dbi meta;
	MDB_val k = { strlen(key), (void *)key }, v = { strlen(value), (void *)value };
	int rc;

	if ((rc = mdb_dbi_open(t, "meta", 0, &meta)) != 0 || (rc = mdb_put(t, meta, &k, &v, 0)) != 0)
		return fail(key, rc);
	return 0;
}

int
main(int argc, char **argv)
{
	MDB_env *env;
	MDB_txn *t;
	int rc;

	if (argc < 3 || (strcmp(argv[1], "format1") != 0 && strcmp(argv[1], "unindex") != 0 &&
	    strcmp(argv[1], "rechain") != 0 && strcmp(argv[1], "relink") != 0 &&
	    strcmp(argv[1], "putmeta") != 0 && strcmp(argv[1], "format4") != 0 &&
	    strcmp(argv[1], "tamper") != 0) ||
	    (strcmp(argv[1], "tamper") == 0 && argc != 6) ||
	    (strcmp(argv[1], "putmeta") == 0 && argc != 5) ||
	    (strcmp(argv[1], "relink") == 0 && argc != 6) ||
	    (strcmp(argv[1], "unindex") == 0 && argc != 5) ||
	    (strcmp(argv[1], "rechain") == 0 && argc != 6)) {
		fprintf(stderr, "usage: store-edit format1 DIR | unindex DIR USER SEQ | "
		    "rechain DIR ID FIELD VALUE | relink DIR LINK from|to ID | putmeta DIR KEY VALUE | "
		    "format4 DIR | tamper DIR ID FIELD VALUE\n");
		return 2;
	}
	if ((rc = mdb_env_create(&env)) != 0 || (rc = mdb_env_set_maxdbs(env, 16)) != 0 ||
	    (rc = mdb_env_open(env, argv[2], MDB_NOTLS | MDB_WRITEMAP, 0600)) != 0 ||
	    (rc = mdb_txn_begin(env, NULL, 0, &t)) != 0)
		return fail(argv[2], rc);
	rc = strcmp(argv[1], "format1") == 0 ? format1(t) :
	    strcmp(argv[1], "rechain") == 0 ? rechain(t, argv[3], argv[4], argv[5]) :
	    strcmp(argv[1], "relink") == 0 ? relink(t, argv[3], argv[4], argv[5]) :
	    strcmp(argv[1], "putmeta") == 0 ? putmeta(t, argv[3], argv[4]) :
	    strcmp(argv[1], "format4") == 0 ? format4(t) :
	    strcmp(argv[1], "tamper") == 0 ? tamper(t, argv[3], argv[4], argv[5]) :
	    unindex(t, argv[3], argv[4]);
	if (rc != 0)
		mdb_txn_abort(t);
	else if ((rc = mdb_txn_commit(t)) != 0)
		rc = fail("commit", rc);
	mdb_env_close(env);
	return rc ? 1 : 0;
}
