/*
 * ruleexec.c - running rules over records: over history (rule test, rule
 * run) and over what writes left in the store's change log (drain).
 *
 * One mechanism serves both. The records to visit are ranges of ids of
 * one kind; they are cut into chunks of about CHUNK ids, and each chunk
 * is a job on a worker pool. Every worker has its own runner (a sandbox
 * per rule) and its own read transaction; all of these snapshots are
 * taken while the writer lock is held, so they are one and the same
 * state of the store. Chunks are merged in order as they finish, so what
 * is raised, and in what order, does not depend on the number of threads:
 * the first alert{} of a (rule, key) makes the alert, later ones add
 * their refs and update its title, explain and severity.
 *
 * After writes, the records to visit are those the store's change log
 * names (changes.h): its entries are removed by the transaction that
 * saves what the rules raised on those records.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "grow.h"
#include "cordon/check.h"
#include "cordon/query.h"
#include "cordon/rule.h"
#include "cordon/text.h"
#include "changes.h"
#include "internal.h"
#include "json.h"
#include "pool.h"
#include "qcache.h"
#include "recform.h"
#include "rules.h"
#include "schema.h"

#define CHUNK		2048	/* ids a job covers, at most */
#define CHUNK_MIN	16	/* and at least */
#define INFLIGHT	4	/* jobs queued per thread */
#define ERRORS_KEPT	100	/* of one rule, in one run, saved */
#define QUEUE_BATCH	4096	/* change log entries a drain takes at a time */
#define QCACHE_BUDGET	((size_t)128 << 20)	/* bytes the query cache may hold */
#define QCACHE_SHARE	16	/* a run of 1/16 of the store or more has one */

/* --- the work: ranges of ids ----------------------------------------------------------- */

struct range {
	enum cdn_kind kind;
	uint64_t from, to;	/* seqs; or, if timed, places in exec.tord */
	int timed;
};

struct ranges {
	struct range *v;
	size_t n, cap;
};

static int
ranges_add(struct ranges *r, enum cdn_kind kind, uint64_t from, uint64_t to)
{
	if (cdn_grow(&r->v, &r->cap, r->n + 1, sizeof *r->v, 16) != 0)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	r->v[r->n++] = (struct range){ kind, from, to, 0 };
	return 0;
}

/* --- one run ----------------------------------------------------------------------------- */

/* One distinct alert: (rule, key) and what its raises said. */
struct acc {
	int rule;
	char record[CDN_ID_MAX];	/* where it was first raised */
	char *key, *title, *explain;
	int severity;
	json_t *refs;
	json_t *has;			/* the refs, as a set */
};

struct exec {
	struct cdn_store *st;
	const struct cdn_ruledef *defs;
	size_t ndefs;
	const struct cdn_rule_run_opts *o;
	int has_since, has_until;
	int64_t since, until;

	struct cdn_pool *pool;
	struct cdn_runner **runners;	/* one per thread that runs jobs */
	struct cdn_txn **txns;		/* theirs, and the main thread's last */
	struct cdn_qcache *qc;		/* what their queries learn, shared */
	uint64_t *tord;			/* seizures in the order they occurred */
	size_t ntord, tordcap;
	size_t nrunners;
	pthread_mutex_t lock;
	size_t nfree;
	struct cdn_runner **free;
	struct cdn_txn **freetxn;

	/* Merged, in order. */
	json_t *map;			/* "rule\x1fkey" → index into accs */
	struct acc *accs;
	size_t nacc, acccap;
	struct cdn_rerror *errs;	/* kept to be saved */
	size_t nerr, errcap;
	size_t *errs_of;		/* per rule: errors kept */
	struct cap {
		uint64_t raised;	/* alert{} calls merged */
		size_t bytes;		/* held by its distinct alerts */
		int over;		/* its error for the run is recorded */
	} *caps;
	uint64_t alerts_run;		/* the limits of a rule's raises in a run */
	size_t memory;
	struct cdn_rule_run_stats stats;
};

struct chunk {
	struct cdn_job job;
	struct exec *x;
	enum cdn_kind kind;
	uint64_t from, to, order0;
	const uint64_t *seqs;		/* or these records, in this order */
	size_t nseqs;
	struct cdn_harvest h;
	uint64_t records;
	int rc;
	struct cdn_error err;
	msgpack_zone *zone;		/* the record being checked, unpacked */
};

static void
take_runner(struct exec *x, struct cdn_runner **r, struct cdn_txn **txn)
{
	pthread_mutex_lock(&x->lock);
	*r = x->free[--x->nfree];
	*txn = x->freetxn[x->nfree];
	pthread_mutex_unlock(&x->lock);
}

static void
give_runner(struct exec *x, struct cdn_runner *r, struct cdn_txn *txn)
{
	pthread_mutex_lock(&x->lock);
	x->free[x->nfree] = r;
	x->freetxn[x->nfree++] = txn;
	pthread_mutex_unlock(&x->lock);
}

/* Whether the record falls outside --since and --until: occurred_at for
 * seizures, else created_at (as list's --since and --until). */
static int
before_since(struct exec *x, enum cdn_kind kind, json_t *rec, const msgpack_object *stored)
{
	const char *field = cdn_when_field(kind), *w;
	char buf[64];
	int64_t t;

	if (!x->has_since && !x->has_until)
		return 0;
	w = stored ? cdn_rec_path_str(stored, field, buf, sizeof buf) :
	    json_string_value(json_object_get(rec, field));
	return !w || cdn_time_parse(w, &t, NULL) != 0 || (x->has_since && t < x->since) ||
	    (x->has_until && t > x->until);
}

/*
 * Run the rules on one record, given its stored bytes: on the stored form
 * unpacked in place, no JSON tree built (its strings point into the
 * snapshot's pages, which outlive the call). JSON text, from a store not
 * yet upgraded, and damaged bytes, which the decode names, go through a
 * tree.
 */
static int
one_record(struct chunk *c, struct cdn_runner *r, struct cdn_txn *txn, uint64_t seq,
    const void *bytes, size_t len)
{
	struct exec *x = c->x;
	msgpack_object o, *stored = NULL;
	json_t *rec = NULL;
	int rc;

	if (c->zone && cdn_rec_view(bytes, len, c->zone, &o) == 0)
		stored = &o;
	else if ((rc = cdn_json_decode_record((struct cdn_id){ c->kind, seq }, bytes, len,
	    &rec)) != 0)
		return rc;
	/* What the rules' queries would read of this record again. */
	cdn_qc_learn(txn, c->kind, seq, rec, stored);
	if (!before_since(x, c->kind, rec, stored)) {
		c->records++;
		c->rc = cdn_runner_record(r, c->kind, rec, stored, c->order0 + c->records, &c->h);
	}
	json_decref(rec);
	if (c->zone)
		msgpack_zone_clear(c->zone);
	return c->rc;
}

/* A chunk given as a list of records. */
static void
chunk_seqs(struct chunk *c, struct cdn_runner *r, struct cdn_txn *txn)
{
	for (size_t i = 0; i < c->nseqs && c->rc == 0; i++) {
		const char *json;
		size_t len;

		if ((c->rc = cdn_record_get_raw(txn, (struct cdn_id){ c->kind, c->seqs[i] }, &json,
		    &len)) != 0)
			break;
		c->rc = one_record(c, r, txn, c->seqs[i], json, len);
	}
}

static void
chunk_run(struct cdn_job *job)
{
	struct chunk *c = (struct chunk *)job;
	struct exec *x = c->x;
	struct cdn_runner *r;
	struct cdn_txn *txn;
	unsigned char lo[CDN_RKEY_LEN], hi[CDN_RKEY_LEN];
	MDB_cursor *cur = NULL;
	MDB_val k = { CDN_RKEY_LEN, lo }, v;
	int mrc;

	take_runner(x, &r, &txn);
	cdn_runner_release(r);
	/* Without a zone (no memory), records go through JSON trees. */
	c->zone = msgpack_zone_new(8192);
	if (c->seqs) {
		chunk_seqs(c, r, txn);
		goto out;
	}
	cdn_rkey((struct cdn_id){ c->kind, c->from }, lo);
	cdn_rkey((struct cdn_id){ c->kind, c->to }, hi);
	if ((mrc = mdb_cursor_open(txn->txn, txn->st->recs, &cur)) != 0) {
		c->rc = cdn_lmdb_error(txn, mrc, "records");
		goto out;
	}
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); mrc == 0 && c->rc == 0;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != CDN_RKEY_LEN || memcmp(k.mv_data, hi, CDN_RKEY_LEN) > 0)
			break;
		if (one_record(c, r, txn, cdn_get_be64((unsigned char *)k.mv_data + 1), v.mv_data,
		    v.mv_size) != 0)
			break;
	}
	if (c->rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND)
		c->rc = cdn_lmdb_error(txn, mrc, "records");
out:
	if (cur)
		mdb_cursor_close(cur);
	if (c->zone)
		msgpack_zone_free(c->zone);
	c->zone = NULL;
	if (c->rc != 0)
		c->err = *cdn_error_last();
	give_runner(x, r, txn);
}

static int keep_error(struct exec *x, struct cdn_rerror *e);

/*
 * Whether a raise is within its rule's limits for the run: alert{} calls,
 * and the memory its distinct alerts hold (the rule's memory limit). Past
 * either, the rest of its raises are dropped, with one rule error.
 */
static int
within_caps(struct exec *x, const struct cdn_raise *r, int fresh, int *rc)
{
	struct cap *cp = &x->caps[r->rule];
	size_t bytes = fresh ? strlen(r->key) + strlen(r->title) + (r->explain ?
	    strlen(r->explain) : 0) + json_array_size(r->refs) * 96 + sizeof(struct acc) + 256 : 0;
	struct cdn_rerror e = { r->rule, r->order, "", NULL };
	char msg[200];

	*rc = 0;
	if (cp->over)
		return 0;
	if (cp->raised + 1 <= x->alerts_run && cp->bytes + bytes <= x->memory) {
		cp->raised++;
		cp->bytes += bytes;
		return 1;
	}
	cp->over = 1;
	if (cp->raised + 1 > x->alerts_run)
		snprintf(msg, sizeof msg, "raised more than %" PRIu64 " alerts in one run: the rest "
		    "were not kept", x->alerts_run);
	else
		snprintf(msg, sizeof msg, "its alerts in one run would not fit in its memory limit of "
		    "%zu bytes: the rest were not kept", x->memory);
	memcpy(e.record, r->record, sizeof e.record);
	if ((e.message = strdup(msg)) == NULL) {
		*rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		return 0;
	}
	x->stats.errors++;
	if (x->o && x->o->on_error)
		x->o->on_error(x->o->error_arg, x->defs[e.rule].name, e.record, e.message);
	*rc = keep_error(x, &e);
	free(e.message);
	return 0;
}

/* Fold one raise into the alert it makes. */
static int
merge_raise(struct exec *x, struct cdn_raise *r)
{
	char mk[CDN_RULE_NAME_MAX + CDN_ALERT_KEY_MAX + 4];
	json_t *slot, *ref;
	struct acc *a;
	size_t i;

	int rc;

	x->stats.raised++;
	snprintf(mk, sizeof mk, "%s\x1f%s", x->defs[r->rule].name, r->key);
	slot = json_object_get(x->map, mk);
	if (!within_caps(x, r, slot == NULL, &rc))
		return rc;
	if (slot == NULL) {
		if (cdn_grow(&x->accs, &x->acccap, x->nacc + 1, sizeof *x->accs, 64) != 0 ||
		    json_object_set_new(x->map, mk, json_integer((json_int_t)x->nacc)) != 0)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		a = &x->accs[x->nacc++];
		a->rule = r->rule;
		memcpy(a->record, r->record, sizeof a->record);
		a->key = r->key;
		a->title = r->title;
		a->explain = r->explain;
		a->severity = r->severity;
		a->refs = r->refs;
		a->has = json_object();
		r->key = r->title = r->explain = NULL;
		r->refs = NULL;
		json_array_foreach(a->refs, i, ref)
			if (!a->has || json_object_set(a->has, json_string_value(ref), json_true()) != 0)
				return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		return 0;
	}
	a = &x->accs[json_integer_value(slot)];
	free(a->title);
	free(a->explain);
	a->title = r->title;
	a->explain = r->explain;
	a->severity = r->severity;
	r->title = r->explain = NULL;
	/* The union, newest last: a set beside the array keeps this linear
	 * however many times an alert is raised. */
	json_array_foreach(r->refs, i, ref) {
		const char *id = json_string_value(ref);

		if (json_object_get(a->has, id))
			continue;
		if (json_array_append(a->refs, ref) != 0 ||
		    json_object_set(a->has, id, json_true()) != 0)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	while (json_array_size(a->refs) > CDN_ALERT_REFS_KEEP) {
		json_object_del(a->has, json_string_value(json_array_get(a->refs, 0)));
		json_array_remove(a->refs, 0);
	}
	return 0;
}

static int
merge_chunk(struct exec *x, struct chunk *c)
{
	int rc = 0;

	x->stats.records += c->records;
	x->stats.calls += c->h.calls;
	for (size_t i = 0; i < c->h.nr && rc == 0; i++)
		rc = merge_raise(x, &c->h.r[i]);
	for (size_t i = 0; i < c->h.ne && rc == 0; i++) {
		struct cdn_rerror *e = &c->h.e[i];

		x->stats.errors++;
		if (x->o && x->o->on_error)
			x->o->on_error(x->o->error_arg, x->defs[e->rule].name, e->record, e->message);
		rc = keep_error(x, e);
	}
	cdn_harvest_clear(&c->h);
	return rc;
}

/* Keep a copy of error `e` to be saved (the first ERRORS_KEPT of a rule). */
static int
keep_error(struct exec *x, struct cdn_rerror *e)
{
	if (x->errs_of[e->rule] >= ERRORS_KEPT)
		return 0;
	if (cdn_grow(&x->errs, &x->errcap, x->nerr + 1, sizeof *x->errs, 16) != 0)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	x->errs[x->nerr] = *e;
	if ((x->errs[x->nerr].message = strdup(e->message)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	x->nerr++;
	x->errs_of[e->rule]++;
	return 0;
}

static void
exec_free(struct exec *x)
{
	for (size_t i = 0; i < x->nrunners; i++)
		cdn_runner_free(x->runners ? x->runners[i] : NULL);
	for (size_t i = 0; x->txns && i <= x->nrunners; i++)
		if (x->txns[i])
			cdn_txn_abort(x->txns[i]);
	free(x->runners);
	free(x->txns);
	free(x->free);
	free(x->freetxn);
	cdn_pool_free(x->pool);
	for (size_t i = 0; i < x->nacc; i++) {
		free(x->accs[i].key);
		free(x->accs[i].title);
		free(x->accs[i].explain);
		json_decref(x->accs[i].refs);
		json_decref(x->accs[i].has);
	}
	free(x->accs);
	for (size_t i = 0; i < x->nerr; i++)
		free(x->errs[i].message);
	free(x->errs);
	free(x->errs_of);
	free(x->caps);
	json_decref(x->map);
	cdn_qcache_free(x->qc);
	free(x->tord);
	pthread_mutex_destroy(&x->lock);
}

/* The snapshots are done with once the rules have run: a write that
 * follows must not keep them alive. */
static void
exec_end_reads(struct exec *x)
{
	for (size_t i = 0; x->txns && i <= x->nrunners; i++)
		if (x->txns[i]) {
			cdn_txn_abort(x->txns[i]);
			x->txns[i] = NULL;
		}
}

static void
print_default(void *arg, const char *rule, const char *text, size_t len)
{
	(void)arg; (void)rule; (void)text; (void)len;
}

/*
 * Set up a run of `defs`: the pool, a runner per thread, and the read
 * transactions, all on one snapshot. The main thread's own transaction is
 * x->txns[x->nrunners]. A run on one thread takes `given` (a runner of
 * these defs, or NULL) instead of making one; the caller sees it taken
 * as x->runners[0] == given, and takes it back before exec_free.
 */
static int
exec_init(struct exec *x, struct cdn_store *st, const struct cdn_ruledef *defs, size_t n,
    const struct cdn_rule_run_opts *o, unsigned threads_hint, struct cdn_runner *given)
{
	struct cdn_rule_limits lim = o ? o->limits : (struct cdn_rule_limits){ 0 };
	struct cdn_txn *w = NULL;
	unsigned threads;
	char why[CDN_WHY_MAX];
	int rc;

	memset(x, 0, sizeof *x);
	pthread_mutex_init(&x->lock, NULL);
	x->st = st;
	x->defs = defs;
	x->ndefs = n;
	x->o = o;
	if (o && o->since) {
		if (cdn_time_parse(o->since, &x->since, why) != 0)
			return cdn_error_set(CDN_EUSAGE, "since", "%s", why);
		x->has_since = 1;
	}
	if (o && o->until) {
		if (cdn_time_parse(o->until, &x->until, why) != 0)
			return cdn_error_set(CDN_EUSAGE, "until", "%s", why);
		/* "until 2024-06-30" means to the end of that day. */
		if (strlen(o->until) == 10)
			x->until += 86399;
		x->has_until = 1;
	}
	if ((x->map = json_object()) == NULL ||
	    (x->errs_of = calloc(n ? n : 1, sizeof *x->errs_of)) == NULL ||
	    (x->caps = calloc(n ? n : 1, sizeof *x->caps)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	x->alerts_run = lim.alerts_run ? lim.alerts_run : CDN_RULE_ALERTS_RUN_DEFAULT;
	x->memory = lim.memory ? lim.memory : CDN_RULE_MEMORY_DEFAULT;
	threads = o && o->threads ? o->threads : threads_hint;
	if (threads > CDN_POOL_MAX)
		threads = CDN_POOL_MAX;
	/* One thread needs no pool: the main thread runs the jobs. */
	if ((x->pool = cdn_pool_new(threads > 1 ? threads : 0)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	x->nrunners = cdn_pool_threads(x->pool) ? cdn_pool_threads(x->pool) : 1;
	if ((x->runners = calloc(x->nrunners, sizeof *x->runners)) == NULL ||
	    (x->txns = calloc(x->nrunners + 1, sizeof *x->txns)) == NULL ||
	    (x->free = calloc(x->nrunners, sizeof *x->free)) == NULL ||
	    (x->freetxn = calloc(x->nrunners, sizeof *x->freetxn)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < x->nrunners; i++) {
		if (given && x->nrunners == 1)
			x->runners[i] = given;
		else if ((rc = cdn_runner_new(defs, n, &lim, !(o && o->tables), &x->runners[i])) != 0)
			return rc;
		cdn_runner_set_print(x->runners[i], o && o->print ? o->print : print_default,
		    o ? o->print_arg : NULL);
	}
	/* Holding the writer lock, no commit can fall between the snapshots. */
	if ((rc = cdn_txn_begin(st, CDN_TXN_WRITE, &w)) != 0)
		return rc;
	for (size_t i = 0; i <= x->nrunners && rc == 0; i++)
		rc = cdn_txn_begin(st, CDN_TXN_READ, &x->txns[i]);
	cdn_txn_abort(w);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < x->nrunners; i++) {
		cdn_runner_set_txn(x->runners[i], x->txns[i]);
		x->free[i] = x->runners[i];
		x->freetxn[i] = x->txns[i];
	}
	x->nfree = x->nrunners;
	/* A rule that cannot load now says so once, not once per record. */
	for (size_t i = 0; i < n; i++) {
		const char *e = cdn_runner_load_error(x->runners[0], (int)i);

		if (e && o && o->on_error)
			o->on_error(o->error_arg, defs[i].name, "", e);
	}
	return 0;
}

/* The first id of `kind` at or after `seq` in the snapshot (0: none). */
static uint64_t
next_id(struct cdn_txn *txn, enum cdn_kind kind, uint64_t seq, uint64_t to)
{
	unsigned char key[CDN_RKEY_LEN];
	MDB_val k = { CDN_RKEY_LEN, key }, v;
	MDB_cursor *cur;
	struct cdn_id id;
	uint64_t found = 0;

	cdn_rkey((struct cdn_id){ kind, seq }, key);
	if (mdb_cursor_open(txn->txn, txn->st->recs, &cur) != 0)
		return 0;
	if (mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE) == 0 &&
	    cdn_rkey_id(k.mv_data, k.mv_size, &id) == 0 && id.kind == kind && id.seq <= to)
		found = id.seq;
	mdb_cursor_close(cur);
	return found;
}

/* Run the rules over `work`, merging as chunks finish. */
/*
 * The query cache learns per record of the whole snapshot (its columns
 * are arrays over every id of a kind, the instants of every seizure come
 * from one walk of the date index): it pays for itself over a run that
 * covers a good share of the store, and costs time and memory in
 * proportion to the store on a run that does not (a write's rules, a
 * dry run over a week). So only a run of 1/QCACHE_SHARE of the store's
 * records or more has one; smaller runs read through to the store.
 */
static int
exec_cache(struct exec *x, uint64_t total)
{
	uint64_t records = 0;

	for (int k = 0; k < CDN_NKINDS; k++) {
		size_t n = 0;
		int rc;

		if ((rc = cdn_kind_count(x->txns[x->nrunners], (enum cdn_kind)k, &n)) != 0)
			return rc;
		records += n;
	}
	if (total * QCACHE_SHARE < records)
		return 0;
	/* One snapshot, so one cache serves every thread's queries. */
	if ((x->qc = cdn_qcache_new(QCACHE_BUDGET)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i <= x->nrunners; i++)
		cdn_txn_set_qcache(x->txns[i], x->qc);
	return 0;
}

static int
exec_run(struct exec *x, const struct ranges *work, uint64_t total)
{
	size_t window = INFLIGHT * x->nrunners + 1, head = 0, tail = 0;
	struct chunk *ring = calloc(window, sizeof *ring);
	struct cdn_txn *main_txn = x->txns[x->nrunners];
	size_t ri = 0;
	uint64_t pos = 0, nchunks = 0, done = 0, chunk = CHUNK;
	int rc = 0, more = 1;

	/* Small runs in smaller chunks, so that every thread has some. */
	if (total / (x->nrunners * 8) < chunk)
		chunk = total / (x->nrunners * 8) > CHUNK_MIN ? total / (x->nrunners * 8) : CHUNK_MIN;
	if (!ring)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if ((rc = exec_cache(x, total)) != 0) {
		free(ring);
		return rc;
	}
	if (work->n)
		pos = work->v[0].from;
	while (rc == 0 && (more || head != tail)) {
		/* Fill the window with the next chunks that hold records. */
		while (more && head - tail < window) {
			const struct range *r;
			uint64_t first;

			if (ri >= work->n) {
				more = 0;
				break;
			}
			r = &work->v[ri];
			if (r->timed) {
				struct chunk *c = &ring[head % window];

				if (pos >= r->to) {
					if (++ri < work->n)
						pos = work->v[ri].from;
					continue;
				}
				memset(c, 0, sizeof *c);
				c->x = x;
				c->kind = r->kind;
				c->seqs = x->tord + pos;
				c->nseqs = r->to - pos > chunk ? chunk : r->to - pos;
				c->order0 = nchunks++ << 24;
				c->job.fn = chunk_run;
				pos += c->nseqs;
				cdn_pool_submit(x->pool, &c->job);
				head++;
				continue;
			}
			first = pos > r->to ? 0 : next_id(main_txn, r->kind, pos, r->to);
			if (!first) {
				if (++ri < work->n)
					pos = work->v[ri].from;
				continue;
			}
			struct chunk *c = &ring[head % window];

			memset(c, 0, sizeof *c);
			c->x = x;
			c->kind = r->kind;
			c->from = first;
			c->to = r->to - first >= chunk ? first + chunk - 1 : r->to;
			c->order0 = nchunks++ << 24;
			c->job.fn = chunk_run;
			pos = c->to + 1;
			if (c->to == r->to && ++ri < work->n)
				pos = work->v[ri].from;
			cdn_pool_submit(x->pool, &c->job);
			head++;
		}
		if (head == tail)
			break;
		struct chunk *c = &ring[tail % window];

		cdn_pool_wait(x->pool, &c->job);
		if (c->rc != 0) {
			rc = cdn_error_set(c->err.code, c->err.field[0] ? c->err.field : NULL, "%s",
			    c->err.message);
			cdn_harvest_clear(&c->h);
		} else {
			rc = merge_chunk(x, c);
		}
		done += c->records;
		tail++;
		if (x->o && x->o->progress)
			x->o->progress(x->o->progress_arg, done, total > done ? total : done);
	}
	/* On an error, let what is running finish before anything is freed. */
	for (; tail != head; tail++) {
		cdn_pool_wait(x->pool, &ring[tail % window].job);
		cdn_harvest_clear(&ring[tail % window].h);
	}
	free(ring);
	x->stats.alerts = x->nacc;
	return rc;
}

/*
 * The seizures in the order they occurred (from --since on), from the date
 * index: over history, what happened before a seizure has been visited
 * before it, so the queries of rules looking back find it already known
 * to the query cache, and an alert grows as history did. 0 if the index
 * does not hold every seizure (then they are visited in id order).
 */
static int
seizures_in_time(struct exec *x, size_t count)
{
	struct cdn_txn *txn = x->txns[x->nrunners];
	unsigned char lo[9], hi[8], letter = (unsigned char)cdn_kind_info(CDN_SEIZURE)->letter;
	MDB_val k = { 9, lo }, v;
	MDB_cursor *cur;
	int rc;

	lo[0] = IX_DATE;
	cdn_time_key(x->has_since ? x->since : INT64_MIN, lo + 1);
	cdn_time_key(x->has_until ? x->until : INT64_MAX, hi);
	if (mdb_cursor_open(txn->txn, txn->st->idx, &cur) != 0)
		return 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_NODUP)) {
		if (k.mv_size != 9 || ((unsigned char *)k.mv_data)[0] != IX_DATE ||
		    memcmp((unsigned char *)k.mv_data + 1, hi, 8) > 0)
			break;
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_GET_MULTIPLE); rc == 0;
		    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_MULTIPLE)) {
			const unsigned char *p = v.mv_data;

			for (size_t i = 0; i < v.mv_size / CDN_RKEY_LEN; i++, p += CDN_RKEY_LEN)
				if (p[0] == letter && x->ntord < count) {
					/* As many as the window holds, not the store. */
					if (cdn_grow(&x->tord, &x->tordcap, x->ntord + 1,
					    sizeof *x->tord, 1024) != 0) {
						mdb_cursor_close(cur);
						x->ntord = 0;
						return 0;
					}
					x->tord[x->ntord++] = cdn_get_be64(p + 1);
				}
		}
	}
	mdb_cursor_close(cur);
	/* Every seizure has its date indexed; if not all were found (before
	 * --since or after --until is allowed for), visit in id order instead. */
	if (!x->has_since && !x->has_until && x->ntord != count) {
		free(x->tord);
		x->tord = NULL;
		x->ntord = x->tordcap = 0;
		return 0;
	}
	return 1;
}

/* Every record of the kinds `defs` watch. */
static int
history(struct exec *x, struct ranges *work, uint64_t *total)
{
	unsigned kinds = 0;
	int rc = 0;

	*total = 0;
	for (size_t i = 0; i < x->ndefs; i++)
		kinds |= x->defs[i].on;
	for (int k = 0; k < CDN_NKINDS && rc == 0; k++) {
		size_t n = 0;

		if (!(kinds & (1u << k)))
			continue;
		if ((rc = cdn_kind_count(x->txns[x->nrunners], (enum cdn_kind)k, &n)) != 0)
			break;
		if (k == CDN_SEIZURE && seizures_in_time(x, n)) {
			if ((rc = ranges_add(work, CDN_SEIZURE, 0, x->ntord)) == 0)
				work->v[work->n - 1].timed = 1;
			n = x->ntord;
		} else {
			rc = ranges_add(work, (enum cdn_kind)k, 1, UINT64_MAX >> 8);
		}
		*total += n;
	}
	return rc;
}

/* --- test ---------------------------------------------------------------------------------- */

static json_t *
acc_json(const struct exec *x, const struct acc *a)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:O}", "rule", x->defs[a->rule].name, "key", a->key,
	    "title", a->title, "severity", cdn_severity_names[a->severity], "refs", a->refs);

	if (o && a->explain)
		json_object_set_new(o, "explain", json_string(a->explain));
	return o;
}

static unsigned
threads_default(void)
{
	return cdn_pool_ncpu();
}

int
cdn_rule_test(struct cdn_store *st, const char *const *srcs, const size_t *lens, size_t n,
    const struct cdn_rule_run_opts *o, json_t **alerts, struct cdn_rule_run_stats *stats)
{
	struct cdn_rule_limits lim = o ? o->limits : (struct cdn_rule_limits){ 0 };
	struct cdn_ruledef *defs = calloc(n ? n : 1, sizeof *defs);
	struct ranges work = { 0 };
	struct exec x;
	uint64_t total;
	size_t nd = 0;
	int rc = 0;

	memset(&x, 0, sizeof x);
	*alerts = NULL;
	if (!defs)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	for (; nd < n && rc == 0; nd++)
		if ((rc = cdn_rule_check(srcs[nd], lens[nd], &lim, NULL)) == 0)
			rc = cdn_ruledef_parse(srcs[nd], lens[nd], &lim, &defs[nd]);
	for (size_t i = 0; rc == 0 && i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(defs[i].name, defs[j].name) == 0)
				rc = cdn_error_set(CDN_EINVAL, NULL, "two rules are named %s", defs[i].name);
	if (rc == 0 && (rc = exec_init(&x, st, defs, n, o, threads_default(), NULL)) == 0 &&
	    (rc = history(&x, &work, &total)) == 0 && (rc = exec_run(&x, &work, total)) == 0) {
		if ((*alerts = json_array()) == NULL)
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		for (size_t i = 0; rc == 0 && i < x.nacc; i++)
			if (json_array_append_new(*alerts, acc_json(&x, &x.accs[i])) != 0)
				rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	if (stats)
		*stats = x.stats;
	if (x.map)
		exec_free(&x);
	free(work.v);
	for (size_t i = 0; i < nd; i++)
		cdn_ruledef_clear(&defs[i]);
	free(defs);
	if (rc != 0) {
		json_decref(*alerts);
		*alerts = NULL;
	}
	return rc;
}

/* --- saving ----------------------------------------------------------------------------------- */

struct save {
	struct exec *x;
	const unsigned char (*qkeys)[11];
	size_t nq;
	json_t *out;			/* alert records, if wanted */
	int want;
	uint64_t created;
	uint64_t errors;		/* alerts refused, each a rule error */
};

/* An alert the store refused (it checks what rules raise as it checks
 * any record): a rule error of the rule that raised it. */
static int
save_refused(struct cdn_txn *txn, struct save *s, const struct acc *a)
{
	const struct cdn_ruledef *d = &s->x->defs[a->rule];
	char why[CDN_MESSAGE_MAX + CDN_FIELD_MAX + 4], msg[CDN_MESSAGE_MAX + CDN_FIELD_MAX + 64];

	cdn_error_format(cdn_error_last(), why, sizeof why);
	cdn_error_clear();
	snprintf(msg, sizeof msg, "alert %.40s was not saved: %s", a->key, why);
	cdn_text_line(msg);
	s->errors++;
	if (s->x->o && s->x->o->on_error)
		s->x->o->on_error(s->x->o->error_arg, d->name, a->record, msg);
	return cdn_rule_error_save(txn, d->name, d->commit, a->record, msg);
}

static int
save_fn(struct cdn_txn *txn, void *arg)
{
	struct save *s = arg;
	struct exec *x = s->x;
	int rc = 0;

	s->created = 0;
	s->errors = 0;
	json_decref(s->out);
	s->out = s->want ? json_array() : NULL;
	for (size_t i = 0; i < x->nacc && rc == 0; i++) {
		const struct acc *a = &x->accs[i];
		const struct cdn_ruledef *d = &x->defs[a->rule];
		json_t *rec = NULL;
		int created = 0;

		rc = cdn_alert_raise(txn, d->name, d->commit, a->key, a->title, a->explain,
		    cdn_severity_names[a->severity], a->refs, &created, s->want ? &rec : NULL);
		if (rc == CDN_EINVAL) {
			/* What this rule raised is wrong, and nothing of it was
			 * written: its error, not every other alert's loss. */
			rc = save_refused(txn, s, a);
			continue;
		}
		s->created += (uint64_t)created;
		if (rc == 0 && rec)
			json_array_append_new(s->out, rec);
	}
	for (size_t i = 0; i < x->nerr && rc == 0; i++) {
		const struct cdn_rerror *e = &x->errs[i];

		rc = cdn_rule_error_save(txn, x->defs[e->rule].name, x->defs[e->rule].commit,
		    e->record, e->message);
	}
	for (size_t i = 0; i < s->nq && rc == 0; i++)
		rc = cdn_changes_remove(txn, s->qkeys[i]);
	return rc;
}

static int
load_stored(struct cdn_store *st, const char *const *names, size_t n, struct cdn_ruledef **defs,
    size_t *nd)
{
	struct cdn_repo *repo;
	struct cdn_txn *txn;
	int rc;

	if ((rc = cdn_store_repo(st, &repo)) != 0 || (rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	rc = cdn_rule_load(txn, repo, names, n, defs, nd);
	cdn_txn_abort(txn);
	return rc;
}

static void
free_defs(struct cdn_ruledef *defs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cdn_ruledef_clear(&defs[i]);
	free(defs);
}

int
cdn_rule_run(struct cdn_store *st, const char *user, const char *const *names, size_t n,
    const struct cdn_rule_run_opts *o, json_t **alerts, struct cdn_rule_run_stats *stats)
{
	struct cdn_ruledef *defs = NULL;
	struct ranges work = { 0 };
	struct save s = { 0 };
	struct exec x;
	uint64_t total;
	size_t nd = 0;
	int rc;

	if (alerts)
		*alerts = NULL;
	if ((rc = load_stored(st, names, n, &defs, &nd)) != 0)
		return rc;
	memset(&x, 0, sizeof x);
	if ((rc = exec_init(&x, st, defs, nd, o, threads_default(), NULL)) == 0 &&
	    (rc = history(&x, &work, &total)) == 0 && (rc = exec_run(&x, &work, total)) == 0) {
		exec_end_reads(&x);
		s.x = &x;
		s.want = alerts != NULL;
		rc = cdn_store_write(st, user, save_fn, &s);
		x.stats.created = s.created;
		x.stats.errors += s.errors;
	}
	if (stats)
		*stats = x.stats;
	if (x.map)
		exec_free(&x);
	if (rc == 0 && alerts)
		*alerts = s.out;
	else
		json_decref(s.out);
	free(work.v);
	free_defs(defs, nd);
	return rc;
}

/* --- the warm rule set ------------------------------------------------------------------ */

/*
 * After every write the enabled rules run on what it wrote. Reading their
 * sources from git and compiling each in a new sandbox was half of that
 * work, so the set that last ran on one thread is kept, with its Lua
 * states, while the rule set stays the same: the same bytes under "rule/"
 * in meta (every change of a rule rewrites its entry), the same limits,
 * the same form of records. A rule's top-level locals thus live from one
 * write to the next, as doc/rules.md allows. The set is made afresh after
 * WARM_RUNS runs and after any run in which a rule failed, so neither a
 * rule's own cache nor a failed state lives on. A writer that finds the
 * set taken by another thread makes its own, as every writer did before.
 */
#define WARM_RUNS	1000

struct warm {
	unsigned char fp[EVP_MAX_MD_SIZE];	/* SHA-256 of what the set depends on */
	struct cdn_ruledef *defs;
	size_t nd;
	struct cdn_runner *runner;
	unsigned runs;
};

static void
warm_free(void *ptr)
{
	struct warm *w = ptr;

	if (!w)
		return;
	cdn_runner_free(w->runner);
	free_defs(w->defs, w->nd);
	free(w);
}

static int
fp_entry(void *arg, MDB_val *k, MDB_val *v)
{
	uint64_t len[2] = { k->mv_size, v->mv_size };

	return !EVP_DigestUpdate(arg, len, sizeof len) ||
	    !EVP_DigestUpdate(arg, k->mv_data, k->mv_size) ||
	    !EVP_DigestUpdate(arg, v->mv_data, v->mv_size);
}

/* What a warm set for `o` depends on, in txn's snapshot. */
static int
warm_fingerprint(struct cdn_txn *txn, const struct cdn_rule_run_opts *o,
    unsigned char fp[EVP_MAX_MD_SIZE])
{
	struct cdn_rule_limits lim = o ? o->limits : (struct cdn_rule_limits){ 0 };
	uint64_t form[5] = { lim.instructions, lim.memory, lim.alerts_call, lim.alerts_run,
	    o && o->tables };
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int rc = 1;

	memset(fp, 0, EVP_MAX_MD_SIZE);
	if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) && EVP_DigestUpdate(md, form, sizeof form))
		rc = cdn_meta_each(txn, "rule/", 0, fp_entry, md);
	if (rc == 0 && !EVP_DigestFinal_ex(md, fp, NULL))
		rc = 1;
	EVP_MD_CTX_free(md);
	return rc > 0 ? cdn_error_set(CDN_ENOMEM, NULL, "out of memory") : rc;
}

/* The enabled rules, loaded and ready on one runner: the store's warm set
 * if it is still the rule set, else a new one. The caller holds it until
 * warm_give. */
static int
warm_take(struct cdn_store *st, const struct cdn_rule_run_opts *o, struct warm **out)
{
	struct cdn_rule_limits lim = o ? o->limits : (struct cdn_rule_limits){ 0 };
	unsigned char fp[EVP_MAX_MD_SIZE];
	struct warm *w = NULL;
	struct cdn_repo *repo;
	struct cdn_txn *txn;
	int rc;

	*out = NULL;
	if ((rc = cdn_store_repo(st, &repo)) != 0 || (rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	if ((rc = warm_fingerprint(txn, o, fp)) == 0) {
		pthread_mutex_lock(&st->lock);
		w = st->parts[CDN_PART_WARM].ptr;
		st->parts[CDN_PART_WARM].ptr = NULL;
		pthread_mutex_unlock(&st->lock);
		if (w && memcmp(w->fp, fp, sizeof fp) != 0) {
			warm_free(w);
			w = NULL;
		}
		if (!w && (w = calloc(1, sizeof *w)) == NULL)
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		else if (!w->runner) {
			memcpy(w->fp, fp, sizeof fp);
			if ((rc = cdn_rule_load(txn, repo, NULL, 0, &w->defs, &w->nd)) == 0)
				rc = cdn_runner_new(w->defs, w->nd, &lim, !(o && o->tables), &w->runner);
		}
	}
	cdn_txn_abort(txn);
	if (rc != 0) {
		warm_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

/* Give back a set taken by warm_take: kept if `clean` (its run went
 * without a failure) and it has not had its runs, else freed. */
static void
warm_give(struct cdn_store *st, struct warm *w, int clean)
{
	if (w && clean && ++w->runs < WARM_RUNS) {
		pthread_mutex_lock(&st->lock);
		if (!st->parts[CDN_PART_WARM].ptr) {
			st->parts[CDN_PART_WARM].ptr = w;
			st->parts[CDN_PART_WARM].release = warm_free;
			w = NULL;
		}
		pthread_mutex_unlock(&st->lock);
	}
	warm_free(w);
}

/* --- drain ---------------------------------------------------------------------------------------- */

struct qread {
	struct ranges *work;
	unsigned char (*keys)[11];
	size_t n;
	uint64_t total;
};

static int
queue_cb(void *arg, const unsigned char key[CDN_CHANGE_KEY], enum cdn_kind kind, uint64_t from,
    uint64_t to)
{
	struct qread *q = arg;

	if (q->n == QUEUE_BATCH)
		return 1;
	memcpy(q->keys[q->n++], key, CDN_CHANGE_KEY);
	q->total += to - from + 1;
	return ranges_add(q->work, kind, from, to);
}

int
cdn_rule_drain(struct cdn_store *st, const char *user, const struct cdn_rule_run_opts *o,
    struct cdn_rule_run_stats *stats)
{
	struct cdn_rule_run_stats sum = { 0 };
	unsigned char (*keys)[11] = malloc(QUEUE_BATCH * sizeof *keys);
	int rc = 0;

	if (!keys)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	/* Writes may go on meanwhile: take the queue a batch at a time. */
	for (int round = 0; round < 64 && rc == 0; round++) {
		struct cdn_ruledef *defs = NULL;
		struct warm *w = NULL;
		struct ranges work = { 0 };
		struct qread q = { &work, keys, 0, 0 };
		int one;
		struct save s = { 0 };
		struct cdn_txn *txn;
		struct exec x;
		size_t nd = 0;

		memset(&x, 0, sizeof x);
		if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
			break;
		rc = cdn_changes_each(txn, queue_cb, &q);
		cdn_txn_abort(txn);
		if (rc != 0 || q.n == 0) {
			free(work.v);
			break;
		}
		/* The rules run on a snapshot taken after the queue was read,
		 * which holds those records (or what became of them). A few
		 * records are quicker on this thread than on a pool, with the
		 * warm set. */
		one = q.total <= 4 * CHUNK && !(o && o->threads > 1);
		if ((rc = one ? warm_take(st, o, &w) : load_stored(st, NULL, 0, &defs, &nd)) == 0 &&
		    (rc = exec_init(&x, st, w ? w->defs : defs, w ? w->nd : nd, o,
		    one ? 1 : threads_default(), w ? w->runner : NULL)) == 0 &&
		    (rc = exec_run(&x, &work, q.total)) == 0) {
			exec_end_reads(&x);
			s.x = &x;
			s.qkeys = (const unsigned char (*)[11])keys;
			s.nq = q.n;
			rc = cdn_store_write(st, user, save_fn, &s);
			x.stats.created = s.created;
			x.stats.errors += s.errors;
		}
		sum.records += x.stats.records;
		sum.calls += x.stats.calls;
		sum.errors += x.stats.errors;
		sum.raised += x.stats.raised;
		sum.alerts += x.stats.alerts;
		sum.created += x.stats.created;
		if (w && x.runners && x.runners[0] == w->runner)
			x.runners[0] = NULL;
		if (x.map)
			exec_free(&x);
		warm_give(st, w, rc == 0 && x.stats.errors == 0);
		json_decref(s.out);
		free(work.v);
		free_defs(defs, nd);
		if (q.n < QUEUE_BATCH)
			break;
	}
	free(keys);
	if (stats)
		*stats = sum;
	return rc;
}

/* --- after writes ----------------------------------------------------------------------------- */

int
cdn_rule_on_write(struct cdn_store *st, const struct cdn_rule_run_opts *o)
{
	struct cdn_rule_run_opts *c = NULL;

	if (o && (c = malloc(sizeof *c)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if (c)
		*c = *o;
	free(st->parts[CDN_PART_RULES].ptr);
	st->parts[CDN_PART_RULES].ptr = c;
	st->parts[CDN_PART_RULES].release = free;
	return 0;
}

int
cdn_rule_after_write(struct cdn_store *st, const char *user, cdn_progress_fn progress, void *arg)
{
	const struct cdn_rule_run_opts *set = st->parts[CDN_PART_RULES].ptr;
	struct cdn_rule_run_opts o = { 0 };
	char why[CDN_MESSAGE_MAX];
	int rc = 0;

	if (set) {
		o = *set;
		o.since = o.until = NULL;
		o.threads = 0;
	}
	if (progress) {
		o.progress = progress;
		o.progress_arg = arg;
	}
	if ((o.limits.instructions || (rc = cdn_rule_limits_env(&o.limits)) == 0) &&
	    (rc = cdn_rule_drain(st, user, &o, NULL)) == 0)
		return 0;
	snprintf(why, sizeof why, "%s", cdn_error_last()->message);
	return cdn_error_set(CDN_ERULES, NULL, "rules did not run on what was written: %s (they "
	    "will after the next write)", why);
}
