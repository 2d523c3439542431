/*
 * changes.c - the store's change log (changes.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "changes.h"
#include "internal.h"

int
cdn_changes_watched(struct cdn_txn *txn, unsigned *kinds)
{
	MDB_val v;
	int rc;

	if (!txn->trig_loaded) {
		txn->trig_kinds = 0;
		if ((rc = cdn_meta_get(txn, "rules.kinds", &v)) == 0) {
			if (v.mv_size != 8)
				return cdn_error_set(CDN_ESTORE, NULL, "the stored rules.kinds is damaged");
			txn->trig_kinds = (unsigned)cdn_get_be64(v.mv_data) & ((1u << CDN_NKINDS) - 1);
		} else if (rc != CDN_ENOTFOUND) {
			return rc;
		} else {
			cdn_error_clear();
		}
		txn->trig_loaded = 1;
	}
	*kinds = txn->trig_kinds;
	return 0;
}

int
cdn_changes_watch(struct cdn_txn *txn, unsigned kinds)
{
	unsigned char b[8];

	kinds &= (1u << CDN_NKINDS) - 1;
	cdn_be64(b, kinds);
	txn->trig_kinds = kinds;
	txn->trig_loaded = 1;
	return cdn_meta_put(txn, "rules.kinds", b, 8);
}

static int
last_key(void *arg, MDB_val *k, MDB_val *v)
{
	(void)v;
	if (k->mv_size == CDN_CHANGE_KEY)
		*(uint64_t *)arg = cdn_get_be64((unsigned char *)k->mv_data + 3);
	return 1;
}

static int
log_put(struct cdn_txn *txn, uint64_t qseq, enum cdn_kind kind, uint64_t from, uint64_t to)
{
	unsigned char key[CDN_CHANGE_KEY] = { 'r', 'q', '/' }, val[17];
	MDB_val k = { sizeof key, key }, v = { sizeof val, val };
	int rc;

	cdn_be64(key + 3, qseq);
	val[0] = (unsigned char)cdn_kind_info(kind)->letter;
	cdn_be64(val + 1, from);
	cdn_be64(val + 9, to);
	if ((rc = mdb_put(txn->txn, txn->st->meta, &k, &v, 0)) != 0)
		return cdn_lmdb_error(txn, rc, "change log");
	return 0;
}

int
cdn_changes_note(struct cdn_txn *txn, enum cdn_kind kind, uint64_t from, uint64_t to)
{
	unsigned kinds = 0;
	uint64_t last = 0;
	int rc;

	if ((rc = cdn_changes_watched(txn, &kinds)) != 0)
		return rc;
	if (!(kinds & (1u << kind)))
		return 0;
	txn->changed = 1;
	/* The records a transaction writes mostly follow on: one entry for
	 * a run of them (an import is one entry per kind). */
	if (txn->trig_last[kind].qseq && txn->trig_last[kind].to + 1 == from) {
		txn->trig_last[kind].to = to;
		return log_put(txn, txn->trig_last[kind].qseq, kind, txn->trig_last[kind].from, to);
	}
	if ((rc = cdn_meta_each(txn, "rq/", 1, last_key, &last)) < 0)
		return rc;
	txn->trig_last[kind].qseq = last + 1;
	txn->trig_last[kind].from = from;
	txn->trig_last[kind].to = to;
	return log_put(txn, last + 1, kind, from, to);
}

static int
any_key(void *arg, MDB_val *k, MDB_val *v)
{
	(void)k;
	(void)v;
	*(int *)arg = 1;
	return 1;
}

int
cdn_changes_pending(struct cdn_store *st)
{
	struct cdn_txn *txn;
	int any = 0, rc;

	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	rc = cdn_meta_each(txn, "rq/", 0, any_key, &any);
	cdn_txn_abort(txn);
	return rc < 0 ? rc : any;
}

struct each {
	cdn_change_fn fn;
	void *arg;
	int rc;
};

static int
each_cb(void *arg, MDB_val *k, MDB_val *v)
{
	struct each *e = arg;
	const unsigned char *p = v->mv_data;
	uint64_t from = 0, to = 0;
	int kind = -1;

	if (k->mv_size == CDN_CHANGE_KEY && v->mv_size == 17) {
		kind = cdn_kind_parse((char[]){ (char)p[0], 0 });
		from = cdn_get_be64(p + 1);
		to = cdn_get_be64(p + 9);
	}
	if (kind < 0 || from == 0 || to < from) {
		e->rc = cdn_error_set(CDN_ESTORE, NULL, "the stored change log entry rq/%" PRIu64
		    " is damaged", k->mv_size == CDN_CHANGE_KEY ?
		    cdn_get_be64((unsigned char *)k->mv_data + 3) : 0);
		return 1;
	}
	return (e->rc = e->fn(e->arg, k->mv_data, (enum cdn_kind)kind, from, to)) != 0;
}

int
cdn_changes_each(struct cdn_txn *txn, cdn_change_fn fn, void *arg)
{
	struct each e = { fn, arg, 0 };
	int rc = cdn_meta_each(txn, "rq/", 0, each_cb, &e);

	if (rc < 0)
		return rc;
	return e.rc > 0 ? 0 : e.rc;
}

int
cdn_changes_remove(struct cdn_txn *txn, const unsigned char key[CDN_CHANGE_KEY])
{
	MDB_val k = { CDN_CHANGE_KEY, (void *)key };
	int rc = mdb_del(txn->txn, txn->st->meta, &k, NULL);

	if (rc != 0 && rc != MDB_NOTFOUND)
		return cdn_lmdb_error(txn, rc, "change log");
	return 0;
}
