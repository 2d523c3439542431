/*
 * open.c - a store as the front-ends see it: made whole (the database,
 * the evidence repository, the signing key), brought up to date when an
 * older cordon wrote it, and set to run the enabled rules after each
 * write. The top of the library: it may call any module, none calls it.
 *
 * `init` builds the store in a temporary sibling directory and renames it
 * into place, so a store either exists whole or not at all.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cordon/store.h"
#include "changes.h"
#include "grow.h"
#include "internal.h"
#include "recform.h"
#include "repo.h"
#include "rules.h"
#include "schema.h"

int
cdn_store_init(const char *dir)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	int rc, empty;

	if ((empty = cdn_dir_is_empty(dir)) <= 0) {
		struct stat sb;

		if (empty < 0)
			return cdn_error_set(CDN_EIO, NULL, "%s: %s", dir, strerror(errno));
		if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode))
			return cdn_error_set(CDN_EEXIST, NULL, "%s exists and is not a directory", dir);
		snprintf(path, sizeof path, "%s/data.mdb", dir);
		return cdn_error_set(CDN_EEXIST, NULL, "%s %s", dir, access(path, F_OK) == 0 ?
		    "is a cordon store already: nothing was changed" :
		    "already exists and is not empty: give a new or empty directory");
	}
	if ((rc = cdn_sibling_dir(dir, "init", tmp)) != 0)
		return rc;

	if ((rc = cdn_store_create_db(tmp)) != 0)
		goto fail;
	snprintf(path, sizeof path, "%s/evidence.git", tmp);
	if ((rc = cdn_repo_init(path)) != 0)
		goto fail;
	snprintf(path, sizeof path, "%s/signing.key", tmp);
	if ((rc = cdn_key_generate(path)) != 0)
		goto fail;
	if (chmod(tmp, 0700) != 0 || rename(tmp, dir) != 0) {
		rc = cdn_error_set(CDN_EIO, NULL, "cannot create %s: %s", dir, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	cdn_rm_tree(tmp);
	return rc;
}

/*
 * Upgrades, each step in the one write transaction that also writes the
 * new format number, so that a store is upgraded whole or not at all;
 * another process that upgraded it first leaves nothing to do.
 *
 *   1 → 2  the audit trail's indexes, by record and by user;
 *   2 → 3  the index entries of alerts and evidence made again from the
 *          records: before 3, a write of theirs (a triage, a rule raising
 *          an alert again, a new version of a file) added its new entries
 *          without removing the old ones; and alerts indexed by their refs;
 *   3 → 4  links indexed by each end with their type and other end
 *          (IX_LINKEND), so that walks over links need not read them; and
 *          seizures by their ids with their times (IX_SEIZED), made from
 *          the date index (IX_DATE) without reading a record;
 *   4 → 5  records kept as MessagePack, not JSON text (recform.h): each
 *          converted in place; the audit trail is untouched, since it
 *          hashes a record's JSON text whatever holds it.
 */
struct upgrade {
	struct cdn_txn *txn;
	unsigned char rkey[CDN_RKEY_LEN];
	unsigned char *del;	/* entries to remove: 2-byte key length, key, rkey */
	size_t ndel, cap;
};

static int
upgrade_put(void *arg, const unsigned char *key, size_t len)
{
	struct upgrade *u = arg;
	MDB_val k = { len, (void *)key }, v = { CDN_RKEY_LEN, u->rkey };
	int rc;

	if (len == 0)
		return 0;
	rc = mdb_put(u->txn->txn, u->txn->st->idx, &k, &v, MDB_NODUPDATA);
	return rc && rc != MDB_KEYEXIST ? cdn_lmdb_error(u->txn, rc, "index") : 0;
}

/* Each index entry of an alert or an evidence record is noted while the
 * index is walked, and removed after (by key and value: deleting at a
 * cursor over duplicates is what LMDB 0.9.24 gets wrong). */
static int
upgrade_owned_entries(struct upgrade *u)
{
	struct cdn_txn *txn = u->txn;
	unsigned char a = (unsigned char)cdn_kind_info(CDN_ALERT)->letter;
	unsigned char e = (unsigned char)cdn_kind_info(CDN_EVIDENCE)->letter;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_open(txn->txn, txn->st->idx, &cur)) != 0)
		return cdn_lmdb_error(txn, rc, "index");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		unsigned char c = v.mv_size == CDN_RKEY_LEN ? ((unsigned char *)v.mv_data)[0] : 0;

		if (c != a && c != e)
			continue;
		if (cdn_grow(&u->del, &u->cap, u->ndel + 2 + k.mv_size + CDN_RKEY_LEN, 1,
		    1 << 16) != 0) {
			mdb_cursor_close(cur);
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		}
		u->del[u->ndel] = (unsigned char)(k.mv_size >> 8);
		u->del[u->ndel + 1] = (unsigned char)k.mv_size;
		memcpy(u->del + u->ndel + 2, k.mv_data, k.mv_size);
		memcpy(u->del + u->ndel + 2 + k.mv_size, v.mv_data, CDN_RKEY_LEN);
		u->ndel += 2 + k.mv_size + CDN_RKEY_LEN;
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return cdn_lmdb_error(txn, rc, "index");
	for (size_t off = 0; off < u->ndel;) {
		size_t len = (size_t)u->del[off] << 8 | u->del[off + 1];
		MDB_val dk = { len, u->del + off + 2 }, dv = { CDN_RKEY_LEN, u->del + off + 2 + len };

		if ((rc = mdb_del(txn->txn, txn->st->idx, &dk, &dv)) != 0 && rc != MDB_NOTFOUND)
			return cdn_lmdb_error(txn, rc, "index");
		off += 2 + len + CDN_RKEY_LEN;
	}
	return 0;
}

/* IX_SEIZED from IX_DATE: each (time, seizure) of the one is the other's
 * (seizure, time). */
static int
upgrade_seized(struct upgrade *u)
{
	struct cdn_txn *txn = u->txn;
	unsigned char first = IX_DATE;
	MDB_cursor *cur;
	MDB_val k = { 1, &first }, v;
	int rc;

	if ((rc = mdb_cursor_open(txn->txn, txn->st->idx, &cur)) != 0)
		return cdn_lmdb_error(txn, rc, "index");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		unsigned char key[CDN_IKEY_MAX];

		if (((unsigned char *)k.mv_data)[0] != IX_DATE)
			break;
		if (k.mv_size != 9 || v.mv_size != CDN_RKEY_LEN)
			continue;
		memcpy(u->rkey, v.mv_data, CDN_RKEY_LEN);
		if ((rc = upgrade_put(u, key, cdn_seized_key(u->rkey, (unsigned char *)k.mv_data + 1,
		    key))) != 0) {
			mdb_cursor_close(cur);
			return rc;
		}
	}
	mdb_cursor_close(cur);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : cdn_lmdb_error(txn, rc, "index");
}

/* Every record of `kind` indexed again from its bytes. */
static int
upgrade_reindex(struct upgrade *u, enum cdn_kind kind)
{
	struct cdn_txn *txn = u->txn;
	unsigned char first = (unsigned char)cdn_kind_info(kind)->letter;
	MDB_cursor *cur;
	MDB_val k = { 1, &first }, v;
	int rc;

	if ((rc = mdb_cursor_open(txn->txn, txn->st->recs, &cur)) != 0)
		return cdn_lmdb_error(txn, rc, "records");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		json_t *rec;

		if (k.mv_size != CDN_RKEY_LEN || ((unsigned char *)k.mv_data)[0] != first)
			break;
		memcpy(u->rkey, k.mv_data, CDN_RKEY_LEN);
		if (cdn_rec_decode(v.mv_data, v.mv_size, "record", &rec) != 0) {
			cdn_error_clear();
			continue;	/* audit verify names it */
		}
		rc = cdn_schema_index_keys(kind, rec, upgrade_put, u);
		json_decref(rec);
		if (rc != 0) {
			mdb_cursor_close(cur);
			return rc;
		}
	}
	mdb_cursor_close(cur);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : cdn_lmdb_error(txn, rc, "records");
}

/* Every record still in JSON text put again in the stored form. Bytes
 * that do not parse stay as they are, for audit verify to name. */
static int
upgrade_recform(struct upgrade *u)
{
	struct cdn_txn *txn = u->txn;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = 0, mrc;

	if ((mrc = mdb_cursor_open(txn->txn, txn->st->recs, &cur)) != 0)
		return cdn_lmdb_error(txn, mrc, "records");
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && rc == 0;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		json_t *rec;
		char *bytes;
		size_t len;

		if (k.mv_size != CDN_RKEY_LEN || !cdn_rec_is_text(v.mv_data, v.mv_size) ||
		    (rec = json_loadb(v.mv_data, v.mv_size, 0, NULL)) == NULL)
			continue;
		rc = cdn_rec_pack(rec, v.mv_size, &bytes, &len);
		json_decref(rec);
		if (rc != 0)
			break;
		/* The key is copied out of the page the put rewrites. */
		memcpy(u->rkey, k.mv_data, CDN_RKEY_LEN);
		k.mv_data = u->rkey;
		v.mv_size = len;
		v.mv_data = bytes;
		if ((mrc = mdb_cursor_put(cur, &k, &v, MDB_CURRENT)) != 0)
			rc = cdn_lmdb_error(txn, mrc, "records");
		free(bytes);
	}
	mdb_cursor_close(cur);
	if (rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = cdn_lmdb_error(txn, mrc, "records");
	return rc;
}

static int
upgrade_fn(struct cdn_txn *txn, void *arg)
{
	struct cdn_store *st = txn->st;
	unsigned char fmt[8];
	struct upgrade u = { txn, { 0 }, NULL, 0, 0 };
	unsigned fl = MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED;
	uint64_t from = 1;
	MDB_val v;
	int rc;

	(void)arg;
	if ((rc = mdb_dbi_open(txn->txn, "audit-by-record", fl, &st->arec)) != 0 ||
	    (rc = mdb_dbi_open(txn->txn, "audit-by-user", fl, &st->auser)) != 0)
		return cdn_lmdb_error(txn, rc, "audit index");
	/* A store without a format number is of format 1. */
	if ((rc = cdn_meta_get(txn, "format", &v)) == 0 && v.mv_size == 8)
		from = cdn_get_be64(v.mv_data);
	else if (rc != 0 && rc != CDN_ENOTFOUND)
		return rc;
	cdn_error_clear();
	if (from >= CDN_FORMAT)
		return 0;
	if (from < 2 && (rc = cdn_audit_index_build(txn)) != 0)
		return rc;
	if (from < 3) {
		rc = upgrade_owned_entries(&u);
		free(u.del);
		if (rc != 0 || (rc = upgrade_reindex(&u, CDN_ALERT)) != 0 ||
		    (rc = upgrade_reindex(&u, CDN_EVIDENCE)) != 0)
			return rc;
	}
	/* Every entry of a link is put again; those it had are there already. */
	if (from < 4 && ((rc = upgrade_reindex(&u, CDN_LINK)) != 0 || (rc = upgrade_seized(&u)) != 0))
		return rc;
	if (from < 5 && (rc = upgrade_recform(&u)) != 0)
		return rc;
	cdn_be64(fmt, CDN_FORMAT);
	return cdn_meta_put(txn, "format", fmt, 8);
}

static void (*notice)(const char *line);

void
cdn_store_set_notice(void (*fn)(const char *line))
{
	notice = fn;
}

static void
tell(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!notice)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	notice(line);
}

int
cdn_store_open(const char *dir, struct cdn_store **out)
{
	struct cdn_store *st;
	struct timespec t0, t1;
	int rc;

	*out = NULL;
	if ((rc = cdn_store_open_db(dir, &st)) != 0)
		return rc;
	if (st->upgrade) {
		/* Another process may be at it already: then this one waits
		 * for its write lock and finds nothing left to do. */
		tell("%s is of format %llu: bringing it up to date (format %d), once; "
		    "a store of a million records takes about half a minute", dir,
		    (unsigned long long)st->format, CDN_FORMAT);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((rc = cdn_store_write(st, NULL, upgrade_fn, NULL)) != 0) {
			cdn_store_close(st);
			return rc;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		tell("%s is up to date (format %d), in %.1f s", dir, CDN_FORMAT,
		    (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	st->upgrade = 0;
	cdn_store_set_after_write(st, cdn_rule_after_write);
	*out = st;
	/* What a process killed between a write and its rules left in the
	 * change log is run now, before anything is read or written. */
	if (st->readonly || (rc = cdn_changes_pending(st)) == 0)
		return 0;
	if (rc > 0)
		rc = cdn_rule_after_write(st, cdn_default_user(), NULL, NULL);
	return rc == 0 || rc == CDN_ERULES ? rc : cdn_error_set(CDN_ERULES, NULL,
	    "rules did not run on what was written: %s", cdn_error_last()->message);
}
