/*
 * import.c - bulk import of JSON Lines and CSV (contract §5), and export.
 *
 * An import reads its file once, inside one write transaction. Lines are
 * gathered into batches, and each batch is one job on a worker thread:
 *
 *   parse     JSON text to objects; kind, ref and id checked
 *   resolve   when every earlier batch has resolved: the lines' refs and
 *             ids are defined, the "@ref"s and ids they name become store
 *             ids, and each line gets the next id of its kind
 *   prepare   validated, serialised, hashed, index keys made
 *
 * while the importing thread reads the file and writes the prepared
 * batches in order: record, index entries, audit entry. Parsing and
 * validation, most of the work, run on every core, each batch on one core
 * from text to bytes; resolving is cheap and strictly in file order, so
 * ids come out the same whatever the number of threads.
 *
 * A line that names something not yet defined (a "@ref" of a later line,
 * or a plain id that a later line may carry) is set aside in a spool with
 * its place among the kind's set-aside lines. When the file is done, the
 * set-aside lines take the ids after all the others, in spool order, so
 * every ref to them is known and they are replayed in one more round.
 * Records refer to each other only within the transaction, so a
 * reference is sound as long as both records are written before commit.
 *
 * The first bad line stops the writes (every later id would be off) but
 * not the checks, so every bad line is reported; the transaction is then
 * aborted and the store is unchanged. An import that succeeds is recorded
 * in the same transaction (meta "import/SEQ", audited): who, when, the
 * file's name, its format and what it created.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "cordon/error.h"
#include "cordon/import.h"
#include "cordon/query.h"
#include "cordon/text.h"
#include "csv.h"
#include "intern.h"
#include "internal.h"
#include "json.h"
#include "recform.h"
#include "cordon/config.h"
#include "pool.h"
#include "schema.h"

#define IMP_LINE_MAX	(1u << 20)	/* longest line or row kept */
#define IMP_KEY_MAX	1000		/* longest ref, in bytes */
#define IMP_TITLE_MAX	200		/* case title, in characters */
#define IMP_FLAGS	(CDN_CREATE_KEEP_PROVENANCE | CDN_CREATE_IGNORE_ID)
#define IMP_BATCH	256		/* lines a batch */
#define IMP_BATCH_BYTES	(256u << 10)	/* or bytes of text a batch */
#define IMP_SLOTS	16		/* batches in flight */
#define IMP_READ_BUF	(1u << 20)
#define IMP_TRIM_EVERY	16384		/* records written between map trims */
#define IMP_ID_MAX	(1ULL << 53)	/* highest id kept from a file */

/* --- the ref map ----------------------------------------------------------
 * Keys are "@ref" for refs and the id itself ("S-12") for exported ids, so
 * a field's value is looked up as it is written. The keys are interned;
 * what is known of each is in `ents`, by the key's number.
 */

enum { ENT_SET, ENT_PENDING, ENT_BROKEN };

struct imp_ent {
	uint64_t line;		/* the line that defines it */
	uint64_t seq;		/* ENT_SET: its id's sequence number;
				 * ENT_PENDING: its place among the kind's
				 * set-aside lines */
	uint8_t kind;		/* enum cdn_kind */
	uint8_t state;
};

struct imp_map {
	struct cdn_intern keys;
	struct imp_ent *ents;
	size_t cap;
};

static struct imp_ent *
map_find(const struct imp_map *m, const char *key, size_t len)
{
	int64_t i = cdn_intern_find(&m->keys, key, len);

	return i < 0 ? NULL : &m->ents[i];
}

/* Add a key known to be absent. */
static int
map_add(struct imp_map *m, const char *key, size_t len, int kind, int state,
    uint64_t seq, uint64_t line)
{
	struct imp_ent *e;
	int64_t i;
	int added;

	if (m->keys.n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 512;
		struct imp_ent *ne;

		if ((ne = realloc(m->ents, ncap * sizeof *ne)) == NULL)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		m->ents = ne;
		m->cap = ncap;
	}
	if ((i = cdn_intern_add(&m->keys, key, len, &added)) < 0)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory for refs");
	e = &m->ents[i];
	e->kind = (uint8_t)kind;
	e->state = (uint8_t)state;
	e->seq = seq;
	e->line = line;
	return 0;
}

static void
map_free(struct imp_map *m)
{
	cdn_intern_free(&m->keys);
	free(m->ents);
	memset(m, 0, sizeof *m);
}

/* --- bad lines --------------------------------------------------------------
 * Kept, up to max_errors of them, as a max-heap on (line, order found), so
 * that those reported are the first lines of the file however many there
 * are; they are reported in line order once the import is over.
 */

struct imp_err {
	uint64_t line;
	uint64_t seq;
	char *field;
	char *reason;
};

struct imp_errs {
	struct imp_err *v;
	size_t n, cap;
};

static int
err_before(const struct imp_err *a, const struct imp_err *b)
{
	return a->line < b->line || (a->line == b->line && a->seq < b->seq);
}

static void
err_swap(struct imp_err *a, struct imp_err *b)
{
	struct imp_err t = *a;

	*a = *b;
	*b = t;
}

static void
err_sift_down(struct imp_errs *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, big = i;

		if (l < h->n && err_before(&h->v[big], &h->v[l]))
			big = l;
		if (r < h->n && err_before(&h->v[big], &h->v[r]))
			big = r;
		if (big == i)
			return;
		err_swap(&h->v[i], &h->v[big]);
		i = big;
	}
}

/* Keep `e` if it is among the first `max`; takes its strings either way. */
static void
err_keep(struct imp_errs *h, size_t max, struct imp_err e)
{
	if (h->n < max) {
		if (h->n == h->cap) {
			size_t ncap = h->cap ? h->cap * 2 : 64;
			struct imp_err *nv = realloc(h->v, ncap * sizeof *nv);

			if (nv == NULL)
				goto drop;
			h->v = nv;
			h->cap = ncap;
		}
		h->v[h->n] = e;
		for (size_t i = h->n++; i > 0 && err_before(&h->v[(i - 1) / 2], &h->v[i]);
		    i = (i - 1) / 2)
			err_swap(&h->v[i], &h->v[(i - 1) / 2]);
		return;
	}
	if (h->n > 0 && err_before(&e, &h->v[0])) {
		err_swap(&e, &h->v[0]);
		err_sift_down(h, 0);
	}
drop:
	free(e.field);
	free(e.reason);
}

static void
errs_free(struct imp_errs *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].field);
		free(h->v[i].reason);
	}
	free(h->v);
	memset(h, 0, sizeof *h);
}

static int
err_cmp(const void *a, const void *b)
{
	const struct imp_err *x = a, *y = b;

	return err_before(x, y) ? -1 : err_before(y, x);
}

/* --- lines and batches --------------------------------------------------------- */

enum item_state {
	IT_NEW,		/* to parse (or built from a CSV row) */
	IT_BAD,		/* reported; nothing more to do */
	IT_ASIDE,	/* set aside for the replay */
	IT_READY,	/* resolved: to prepare and write */
};

/* What a worker found wrong with a line, reported in order later. */
struct item_err {
	char *field, *reason;
};

struct imp_item {
	uint64_t line;
	size_t off, len;	/* its JSON text in the batch (none for CSV) */
	json_t *obj;
	int kind;		/* enum cdn_kind, -1 if unknown */
	enum item_state state;
	uint64_t aside;		/* replay: its place among the kind's set-aside lines */
	uint64_t kept;		/* the line's own id (its sequence) when kept; 0 if not */
	char *ref;		/* "@ref" key the line defines, or NULL */
	char *idkey;		/* id the line carries ("S-12"), or NULL */
	struct cdn_id id;	/* given at resolve */
	int new_case;		/* a case made from a CSV title */
	/* Ids it names that must be in the store, checked at write (the
	 * write transaction is the importing thread's alone). */
	struct {
		const char *field;
		char id[CDN_ID_MAX];
	} store_refs[2];
	int nstore_refs;
	struct item_err *errs;
	size_t nerrs;
	int fatal;		/* a worker failed (not the line): this code */
	char fatal_msg[256];
	struct cdn_prepared p;
};

struct imp;

struct imp_batch {
	struct cdn_job job;	/* first: the job is the batch */
	struct imp *im;
	uint64_t turn;		/* its place among the batches to resolve */
	int fatal;		/* resolving failed (not a line): this code */
	char fatal_msg[256];
	uint64_t spooled;	/* bytes of lines it set aside */
	char *text;		/* the lines' bytes */
	size_t tlen, tcap;
	struct imp_item *items;
	size_t n, cap;
};

/* --- the import -------------------------------------------------------------- */

enum imp_coltype {
	COL_SKIP,	/* a bad column, reported once */
	COL_CASE,	/* case id, or the title of a new case */
	COL_STRING,
	COL_NUMBER,
	COL_INTEGER,
	COL_LIST,	/* ';'-separated strings (tags) */
};

struct imp_col {
	enum imp_coltype type;
	char *path;		/* dotted, for messages */
	char *segs;		/* the path with '.' turned into NULs */
	int nseg;
};

enum imp_source { SRC_JSONL, SRC_CSV, SRC_SPOOL };

struct imp {
	struct cdn_store *st;
	const char *path;
	const struct cdn_import_opts *o;
	size_t max_errors;
	int csv;
	FILE *in;
	uint64_t total;			/* file size */
	struct cdn_pool *pool;
	/* The current run of the transaction (it may run again). */
	struct cdn_txn *txn;
	enum imp_source src;
	int eof;
	int replay;			/* the round of set-aside lines */
	/* Resolving, on the workers, one batch after the other. */
	pthread_mutex_t turn_lock;
	pthread_cond_t turn_cv;
	uint64_t turn;			/* the batch whose turn it is */
	atomic_int failed;		/* a bad line was seen: validate only */
	struct imp_map map;
	struct imp_map titles;		/* CSV: case titles seen (reader's) */
	uint64_t base[CDN_NKINDS];	/* first id of each kind */
	uint64_t next[CDN_NKINDS];	/* next id resolve gives */
	uint64_t naside[CDN_NKINDS];	/* lines of each kind set aside */
	uint64_t created[CDN_NKINDS];
	uint64_t lines;
	uint64_t seq;			/* the import's record */
	uint64_t standins;		/* ids made up for refs to bad lines */
	uint64_t written;
	uint64_t errseq;
	uint64_t errors;
	struct imp_errs errs;
	FILE *spool;			/* set-aside lines */
	uint64_t spooled;		/* their bytes */
	/* Reading JSON Lines. */
	char *rbuf;
	size_t rpos, rend;
	uint64_t rline;
	int rd_eof;
	/* Reading CSV. */
	struct csv csvr;
	struct imp_col *cols;
	size_t ncols;
	int csv_header_done;
	/* Progress. */
	uint64_t done;			/* bytes read, file and spool */
	unsigned tick;
	uint64_t shown;
	struct timespec last;
	struct imp_batch slots[IMP_SLOTS];
};

static void
imp_error(struct imp *im, uint64_t line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
imp_error(struct imp *im, uint64_t line, const char *field, const char *fmt, ...)
{
	struct imp_err e = { line, im->errseq++, NULL, NULL };
	va_list ap;

	im->errors++;
	e.field = strdup(field ? field : "");
	va_start(ap, fmt);
	if (vasprintf(&e.reason, fmt, ap) < 0)
		e.reason = NULL;
	va_end(ap);
	if (!e.field || !e.reason) {
		free(e.field);
		free(e.reason);
		return;
	}
	/* They quote the file, and are reported as JSON. */
	cdn_utf8_repair(e.field);
	cdn_utf8_repair(e.reason);
	err_keep(&im->errs, im->max_errors, e);
}

/* A worker's finding about a line (any thread; reported at write). */
static void
item_error(struct imp_item *it, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
item_error(struct imp_item *it, const char *field, const char *fmt, ...)
{
	struct item_err *ne;
	va_list ap;
	char *reason;

	va_start(ap, fmt);
	if (vasprintf(&reason, fmt, ap) < 0)
		reason = NULL;
	va_end(ap);
	if ((ne = realloc(it->errs, (it->nerrs + 1) * sizeof *ne)) == NULL) {
		free(reason);
		return;
	}
	it->errs = ne;
	ne[it->nerrs].field = strdup(field ? field : "");
	ne[it->nerrs].reason = reason;
	it->nerrs++;
}

static double
imp_elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Bytes read, of the file and of set-aside lines, shown at most ten times
 * a second and never backwards, even when the transaction runs again. */
static void
imp_progress(struct imp *im, int force)
{
	struct timespec now;
	uint64_t total = im->total + im->spooled;

	if (!im->o->on_progress || (!force && (++im->tick & 15) != 0))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && imp_elapsed(&im->last, &now) < 0.1)
		return;
	if (im->done < im->shown)
		return;
	im->shown = im->done;
	im->last = now;
	im->o->on_progress(im->o->arg, "reading", im->done > total ? total : im->done, total);
}

static void
item_clear(struct imp_item *it)
{
	json_decref(it->obj);
	free(it->ref);
	free(it->idkey);
	for (size_t i = 0; i < it->nerrs; i++) {
		free(it->errs[i].field);
		free(it->errs[i].reason);
	}
	free(it->errs);
	cdn_prepared_clear(&it->p);
	memset(it, 0, sizeof *it);
}

static void
batch_reset(struct imp_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		item_clear(&b->items[i]);
	b->n = 0;
	b->tlen = 0;
	b->fatal = 0;
	b->spooled = 0;
}

static void
batch_free(struct imp_batch *b)
{
	batch_reset(b);
	free(b->items);
	free(b->text);
	b->items = NULL;
	b->text = NULL;
	b->cap = b->tcap = 0;
}

/* A new item at the end of the batch (zeroed), or NULL. */
static struct imp_item *
batch_add(struct imp_batch *b, uint64_t line)
{
	struct imp_item *it;

	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : IMP_BATCH + 8;
		struct imp_item *ni = realloc(b->items, ncap * sizeof *ni);

		if (!ni)
			return NULL;
		b->items = ni;
		b->cap = ncap;
	}
	it = &b->items[b->n++];
	memset(it, 0, sizeof *it);
	it->line = line;
	it->kind = -1;
	return it;
}

/* Room for `len` more bytes of text and a NUL. Items hold offsets, as
 * the buffer may move. */
static int
batch_room(struct imp_batch *b, size_t len)
{
	size_t ncap;
	char *nt;

	if (b->tlen + len + 1 <= b->tcap)
		return 0;
	for (ncap = b->tcap ? b->tcap * 2 : IMP_BATCH_BYTES * 2; ncap < b->tlen + len + 1;)
		ncap *= 2;
	if ((nt = realloc(b->text, ncap)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	b->text = nt;
	b->tcap = ncap;
	return 0;
}

/* A new item for a line of JSON text: the text copied into the batch. */
static struct imp_item *
batch_add_text(struct imp_batch *b, uint64_t line, const char *s, size_t len)
{
	struct imp_item *it;
	size_t off = b->tlen;

	if (batch_room(b, len) != 0 || (it = batch_add(b, line)) == NULL)
		return NULL;
	memcpy(b->text + off, s, len);
	b->text[off + len] = '\0';
	b->tlen += len + 1;
	it->off = off;
	it->len = len;
	return it;
}

/* --- step 1: parse (workers) ------------------------------------------------- */

/* The kind a line names; -1 (noted) if it is not an importable one. */
static int
parse_kind(struct imp_item *it, json_t *obj)
{
	json_t *v = json_object_get(obj, "kind");
	const char *s;

	if (!v) {
		item_error(it, "kind", "required");
		return -1;
	}
	if (!json_is_string(v)) {
		item_error(it, "kind", "must be a string");
		return -1;
	}
	s = json_string_value(v);
	for (int k = 0; k < CDN_NKINDS; k++) {
		if (strcmp(s, cdn_kind_info(k)->name) != 0)
			continue;
		if (!cdn_kind_info(k)->writable) {
			item_error(it, "kind", "%s cannot be imported", s);
			return -1;
		}
		return k;
	}
	item_error(it, "kind", "'%.60s' is not one of case, seizure, entity, route, link", s);
	return -1;
}

/*
 * The line's `ref` ("@ref") or `id` ("S-12") as a map key, in *key.
 * Returns 1 if it has a good one, 0 if none, -1 if bad (noted).
 */
static int
parse_key(struct imp_item *it, json_t *obj, const char *name, int kind, char **key)
{
	json_t *v = json_object_get(obj, name);
	const char *s;
	size_t len;

	*key = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v)) {
		item_error(it, name, "must be a string");
		return -1;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (strcmp(name, "ref") == 0) {
		if (len == 0 || len > IMP_KEY_MAX || strlen(s) != len) {
			item_error(it, name, "must be 1 to %d bytes", IMP_KEY_MAX);
			return -1;
		}
		if (asprintf(key, "@%s", s) < 0)
			*key = NULL;
	} else {
		struct cdn_id id;

		if (cdn_id_parse(s, &id) != 0) {
			item_error(it, name, "'%.40s' is not a record id", s);
			return -1;
		}
		if (kind >= 0 && id.kind != (enum cdn_kind)kind) {
			item_error(it, name, "%s is not a %s id", s, cdn_kind_info(kind)->name);
			return -1;
		}
		*key = strdup(s);
	}
	if (*key == NULL) {
		item_error(it, name, "out of memory");
		return -1;
	}
	return 1;
}

static void
parse_item(struct imp_item *it, const char *text)
{
	json_error_t jerr;
	int kind, r1, r2;

	if ((it->obj = json_loadb(text, it->len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		item_error(it, "", "not a JSON object: %s (column %d)", jerr.text, jerr.column);
		return;
	}
	if (!json_is_object(it->obj)) {
		item_error(it, "", "not a JSON object");
		return;
	}
	kind = parse_kind(it, it->obj);
	r1 = parse_key(it, it->obj, "ref", kind, &it->ref);
	r2 = parse_key(it, it->obj, "id", kind, &it->idkey);
	if (kind < 0 || r1 < 0 || r2 < 0)
		return;	/* its good keys are kept, to be marked broken */
	it->kind = kind;
	/* Not part of a record: what the file says about it. */
	json_object_del(it->obj, "kind");
	json_object_del(it->obj, "ref");
	json_object_del(it->obj, "id");
}

/* --- step 3: prepare (workers) ----------------------------------------------- */

static void
prepare_item(struct imp *im, struct imp_item *it, int check_only)
{
	struct cdn_sys sys = { NULL, cdn_kind_info(it->kind)->name, 1,
	    cdn_txn_now(im->txn), cdn_txn_user(im->txn),
	    cdn_txn_now(im->txn), cdn_txn_user(im->txn) };
	const struct cdn_error *e;
	int rc;

	rc = cdn_record_prepare(NULL, it->id, it->obj, NULL, &sys,
	    IMP_FLAGS | (check_only ? CDN_PREPARE_CHECK : 0), &it->p, NULL);
	json_decref(it->obj);	/* the prepared bytes are all that is needed */
	it->obj = NULL;
	if (rc == 0)
		return;
	e = cdn_error_last();
	if (rc != CDN_EINVAL && rc != CDN_ENOTFOUND) {
		it->fatal = rc;
		snprintf(it->fatal_msg, sizeof it->fatal_msg, "%s", e->message);
	} else if (it->new_case) {
		item_error(it, "case", "as the title of a new case: %s", e->message);
	} else {
		item_error(it, e->field, "%s", e->message);
	}
}

static int resolve_item(struct imp *im, struct imp_batch *b, struct imp_item *it);

static void
batch_job(struct cdn_job *job)
{
	struct imp_batch *b = (struct imp_batch *)job;
	struct imp *im = b->im;
	int rc = 0, check_only;

	for (size_t i = 0; i < b->n; i++)
		if (b->items[i].state == IT_NEW && !b->items[i].obj)
			parse_item(&b->items[i], b->text + b->items[i].off);
	pthread_mutex_lock(&im->turn_lock);
	while (im->turn != b->turn)
		pthread_cond_wait(&im->turn_cv, &im->turn_lock);
	pthread_mutex_unlock(&im->turn_lock);
	for (size_t i = 0; i < b->n && rc == 0; i++)
		rc = resolve_item(im, b, &b->items[i]);
	if (rc != 0) {
		b->fatal = rc;
		snprintf(b->fatal_msg, sizeof b->fatal_msg, "%s", cdn_error_last()->message);
	}
	pthread_mutex_lock(&im->turn_lock);
	im->turn++;
	pthread_cond_broadcast(&im->turn_cv);
	pthread_mutex_unlock(&im->turn_lock);
	check_only = atomic_load(&im->failed);
	for (size_t i = 0; i < b->n && rc == 0; i++)
		if (b->items[i].state == IT_READY)
			prepare_item(im, &b->items[i], check_only);
}

/* --- reading JSON Lines ------------------------------------------------------ */

/*
 * The next line, without its newline, pointing into the read buffer until
 * the next call. Returns 1, 0 at the end of the file, or an error. A line
 * over the limit is read to its end but not kept (*toolong).
 */
static int
read_line(struct imp *im, const char **s, size_t *len, int *toolong)
{
	size_t scanned = 0;

	*toolong = 0;
	for (;;) {
		char *start = im->rbuf + im->rpos;
		char *nl = memchr(start + scanned, '\n', im->rend - im->rpos - scanned);

		if (nl) {
			*s = start;
			*len = (size_t)(nl - start);
			im->rpos += *len + 1;
			im->done += *len + 1;
			im->rline++;
			if (*toolong)
				*len = 0;
			return 1;
		}
		scanned = im->rend - im->rpos;
		if (im->rd_eof) {
			if (scanned == 0)
				return 0;
			*s = start;
			*len = scanned;
			im->rpos = im->rend;
			im->done += *len;
			im->rline++;
			if (*toolong)
				*len = 0;
			return 1;
		}
		if (scanned > IMP_LINE_MAX) {
			/* Too long to keep: drop what is here, find its end. */
			*toolong = 1;
			im->done += scanned;
			im->rpos = im->rend = 0;
			scanned = 0;
		} else if (im->rpos > 0) {
			memmove(im->rbuf, start, scanned);
			im->rpos = 0;
			im->rend = scanned;
		}
		size_t got = fread(im->rbuf + im->rend, 1, IMP_READ_BUF + IMP_LINE_MAX + 1 - im->rend, im->in);

		if (got == 0) {
			if (ferror(im->in))
				return cdn_error_set(CDN_EIO, NULL, "%s: %s", im->path, strerror(errno));
			im->rd_eof = 1;
		}
		im->rend += got;
	}
}

static int
imp_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

static int
fill_jsonl(struct imp *im, struct imp_batch *b)
{
	const char *s = NULL;
	size_t len = 0;
	int rc, toolong;

	while (b->n < IMP_BATCH && b->tlen < IMP_BATCH_BYTES) {
		if ((rc = read_line(im, &s, &len, &toolong)) <= 0) {
			if (rc == 0)
				im->eof = 1;
			return rc;
		}
		if (toolong) {
			im->lines++;
			imp_error(im, im->rline, "", "line is longer than %u bytes", IMP_LINE_MAX);
			continue;
		}
		/* Some editors start a UTF-8 file with a byte order mark. */
		if (im->rline == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
			s += 3;
			len -= 3;
		}
		if (imp_blank(s, len))
			continue;
		im->lines++;
		if (batch_add_text(b, im->rline, s, len) == NULL)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	return 0;
}

/* --- reading CSV ------------------------------------------------------------- */

static void
imp_trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* The type of a header column; bad ones are reported (line 1) and skipped. */
static enum imp_coltype
imp_coltype(struct imp *im, uint64_t line, const char *name)
{
	const struct cdn_field *f;

	if (strcmp(name, "case") == 0)
		return COL_CASE;
	/* A free attribute: any key under `attributes`, as text. */
	if (strncmp(name, "attributes.", 11) == 0 && name[11] && !strchr(name + 11, '.'))
		return COL_STRING;
	if ((f = cdn_schema_lookup(CDN_SEIZURE, name)) == NULL) {
		imp_error(im, line, name, "unknown field");
		return COL_SKIP;
	}
	if ((f->flags & (F_READONLY | F_DERIVED)) && !(f->flags & F_PROVENANCE)) {
		imp_error(im, line, name, "read-only (set by the store)");
		return COL_SKIP;
	}
	switch (f->type) {
	case FT_NUMBER:
		return COL_NUMBER;
	case FT_INTEGER:
		return COL_INTEGER;
	case FT_ARRAY:
		if (f->sub->type == FT_STRING || f->sub->type == FT_ENUM)
			return COL_LIST;
		break;
	case FT_OBJECT:
	case FT_ATTRIBUTES:
		imp_error(im, line, name, "is an object: name its fields (%s.…)", name);
		return COL_SKIP;
	default:
		return COL_STRING;
	}
	imp_error(im, line, name, "cannot be given in a CSV column");
	return COL_SKIP;
}

static int
imp_csv_header(struct imp *im, struct csv *c, uint64_t line)
{
	if ((im->cols = calloc(c->nfields, sizeof *im->cols)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	im->ncols = c->nfields;
	for (size_t i = 0; i < c->nfields; i++) {
		struct imp_col *col = &im->cols[i];
		const char *s = csv_field(c, i);
		size_t len = csv_field_len(c, i);

		imp_trim(&s, &len);
		if ((col->path = strndup(s, len)) == NULL || (col->segs = strndup(s, len)) == NULL)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		col->nseg = 1;
		for (char *p = col->segs; *p; p++)
			if (*p == '.') {
				*p = '\0';
				col->nseg++;
			}
		if (len == 0 || strlen(col->path) != len) {
			imp_error(im, line, "", "column %zu has no name", i + 1);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(im->cols[j].path, col->path) == 0) {
				imp_error(im, line, col->path, "column given twice");
				goto next;
			}
		col->type = imp_coltype(im, line, col->path);
next:
		;
	}
	return 0;
}

static void
imp_csv_free_cols(struct imp *im)
{
	for (size_t i = 0; i < im->ncols; i++) {
		free(im->cols[i].path);
		free(im->cols[i].segs);
	}
	free(im->cols);
	im->cols = NULL;
	im->ncols = 0;
}

/* Set `v` (a new reference) at the column's path, making objects on the way. */
static void
imp_set_path(json_t *obj, const struct imp_col *col, json_t *v)
{
	const char *seg = col->segs;

	for (int i = 0; i + 1 < col->nseg; i++) {
		json_t *sub = json_object_get(obj, seg);

		if (!json_is_object(sub)) {
			sub = json_object();
			json_object_set_new(obj, seg, sub);
		}
		obj = sub;
		seg += strlen(seg) + 1;
	}
	json_object_set_new(obj, seg, v);
}

/* A string, or NULL (reported) when it is not UTF-8. */
static json_t *
imp_csv_string(struct imp *im, uint64_t line, const char *path, const char *s, size_t len)
{
	json_t *v = json_stringn(s, len);

	if (!v)
		imp_error(im, line, path, "is not valid UTF-8");
	return v;
}

/* A number cell, read the way JSON would read the same text. */
static json_t *
imp_csv_number(struct imp *im, uint64_t line, const struct imp_col *col,
    const char *s, size_t len)
{
	char tmp[64], *end;
	int integer = 1;
	double d;

	if (len == 0 || len >= sizeof tmp)
		goto bad;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	for (size_t i = tmp[0] == '-'; i < len; i++)
		if (tmp[i] < '0' || tmp[i] > '9')
			integer = 0;
	errno = 0;
	if (integer || col->type == COL_INTEGER) {
		long long n = strtoll(tmp, &end, 10);

		if (*end == '\0' && end != tmp && errno == 0)
			return json_integer(n);
		if (col->type == COL_INTEGER) {
			imp_error(im, line, col->path, "not an integer");
			return NULL;
		}
		errno = 0;
	}
	d = strtod(tmp, &end);
	if (*end == '\0' && end != tmp && errno == 0 && isfinite(d))
		return json_real(d);
bad:
	imp_error(im, line, col->path, "not a number");
	return NULL;
}

static json_t *
imp_csv_list(struct imp *im, uint64_t line, const struct imp_col *col,
    const char *s, size_t len)
{
	json_t *arr = json_array();

	while (len > 0) {
		const char *semi = memchr(s, ';', len);
		size_t n = semi ? (size_t)(semi - s) : len;
		const char *item = s;
		size_t ilen = n;
		json_t *v;

		imp_trim(&item, &ilen);
		if (ilen > 0) {
			if ((v = imp_csv_string(im, line, col->path, item, ilen)) == NULL) {
				json_decref(arr);
				return NULL;
			}
			json_array_append_new(arr, v);
		}
		s += n + (semi != NULL);
		len -= n + (semi != NULL);
	}
	return arr;
}

static int
imp_is_case_id(const char *s, size_t len)
{
	if (len < 3 || s[0] != 'C' || s[1] != '-')
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static size_t
imp_utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * Point the row at the case titled `title` through "@TITLE": a new case,
 * made on the title's first row (an item before the row's), or the one an
 * earlier row made. Returns 0, 1 if the row is bad (reported), or an error.
 */
static int
imp_csv_case(struct imp *im, struct imp_batch *b, uint64_t line, const char *title,
    size_t len, json_t *row)
{
	struct imp_item *it;
	json_t *v;
	char *key;

	if (imp_utf8_chars(title, len) > IMP_TITLE_MAX || len > IMP_KEY_MAX) {
		imp_error(im, line, "case", "a new case's title must be at most %d characters",
		    IMP_TITLE_MAX);
		return 1;
	}
	if ((key = malloc(len + 2)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	key[0] = '@';
	memcpy(key + 1, title, len);
	key[len + 1] = '\0';
	if ((v = imp_csv_string(im, line, "case", key, len + 1)) == NULL) {
		free(key);
		return 1;
	}
	json_object_set_new(row, "case", v);
	/* Seen before: an earlier row made the case. */
	if (map_find(&im->titles, key, len + 1)) {
		free(key);
		return 0;
	}
	if (map_add(&im->titles, key, len + 1, CDN_CASE, ENT_SET, 0, line) != 0 ||
	    (it = batch_add(b, line)) == NULL) {
		free(key);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	it->kind = CDN_CASE;
	it->new_case = 1;
	it->ref = key;
	if ((it->obj = json_pack("{s:s%}", "title", title, len)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	return 0;
}

/* One CSV row: its seizure (and maybe a new case) as items of the batch. */
static int
imp_csv_row(struct imp *im, struct imp_batch *b, struct csv *c, uint64_t line)
{
	const char *title = NULL;
	size_t tlen = 0, i;
	struct imp_item *it;
	json_t *row, *v;
	int rc = 0;

	/* A row of empty cells is a blank line (spreadsheets leave them). */
	for (i = 0; i < c->nfields; i++) {
		const char *s = csv_field(c, i);
		size_t len = csv_field_len(c, i);

		imp_trim(&s, &len);
		if (len > 0)
			break;
	}
	if (i == c->nfields)
		return 0;
	im->lines++;
	if ((row = json_object()) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	for (i = 0; i < im->ncols; i++) {
		const struct imp_col *col = &im->cols[i];
		const char *s = csv_field(c, i);
		size_t len = csv_field_len(c, i);

		imp_trim(&s, &len);
		if (len == 0 || col->type == COL_SKIP)
			continue;
		switch (col->type) {
		case COL_CASE:
			if (!imp_is_case_id(s, len)) {
				title = s;
				tlen = len;
				continue;
			}
			v = json_stringn(s, len);
			break;
		case COL_NUMBER:
		case COL_INTEGER:
			v = imp_csv_number(im, line, col, s, len);
			break;
		case COL_LIST:
			v = imp_csv_list(im, line, col, s, len);
			break;
		default:
			v = imp_csv_string(im, line, col->path, s, len);
		}
		if (!v)
			goto out;	/* reported */
		imp_set_path(row, col, v);
	}
	if (title && (rc = imp_csv_case(im, b, line, title, tlen, row)) != 0) {
		rc = rc > 0 ? 0 : rc;
		goto out;
	}
	if ((it = batch_add(b, line)) == NULL) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	it->kind = CDN_SEIZURE;
	it->obj = row;
	row = NULL;
out:
	json_decref(row);
	return rc;
}

static int
fill_csv(struct imp *im, struct imp_batch *b)
{
	struct csv *c = &im->csvr;
	int rc = 0, r;

	if (!im->csv_header_done) {
		im->csv_header_done = 1;
		r = csv_read_header(c);
		im->done = c->bytes;
		if (r == CSV_EOF) {
			im->eof = 1;
			return 0;
		}
		if (r != CSV_ROW) {
			imp_error(im, c->line, "", "header: %s", c->err);
			im->eof = 1;
			return 0;
		}
		if ((rc = imp_csv_header(im, c, c->line)) != 0)
			return rc;
	}
	while (b->n < IMP_BATCH) {
		r = csv_read(c);
		im->done = c->bytes;
		if (r == CSV_EOF) {
			im->eof = 1;
			break;
		}
		if (r == CSV_ROW) {
			if ((rc = imp_csv_row(im, b, c, c->line)) != 0)
				break;
			continue;
		}
		if (r == CSV_EIO)
			return cdn_error_set(CDN_EIO, NULL, "%s: %s", im->path, c->err);
		if (r == CSV_ENOMEM)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		im->lines++;
		imp_error(im, c->line, "", "%s", c->err);
		if (r == CSV_EUNTERMINATED) {
			im->eof = 1;
			break;
		}
	}
	return rc;
}

/* --- the spool of set-aside lines --------------------------------------------- */

struct spool_hdr {
	uint64_t line;
	uint64_t aside;
	uint64_t kept;
	uint32_t len;
	uint32_t kind;
};

static int
spool_put(struct imp *im, struct imp_batch *b, const struct imp_item *it)
{
	struct spool_hdr h = { it->line, it->aside, it->kept, (uint32_t)it->len, (uint32_t)it->kind };

	/* A line with no text (a CSV row) has none to copy: b->text may be NULL. */
	if (fwrite(&h, sizeof h, 1, im->spool) != 1 ||
	    (it->len > 0 && fwrite(b->text + it->off, 1, it->len, im->spool) != it->len))
		return cdn_error_set(CDN_EIO, NULL, "temporary file: %s", strerror(errno));
	b->spooled += it->len;
	return 0;
}

static int
fill_spool(struct imp *im, struct imp_batch *b)
{
	struct spool_hdr h;
	struct imp_item *it;
	size_t off;
	int rc;

	while (b->n < IMP_BATCH && b->tlen < IMP_BATCH_BYTES) {
		if (fread(&h, sizeof h, 1, im->spool) != 1) {
			if (ferror(im->spool))
				return cdn_error_set(CDN_EIO, NULL, "temporary file: %s", strerror(errno));
			im->eof = 1;
			return 0;
		}
		if (h.len > IMP_LINE_MAX || h.kind >= CDN_NKINDS)
			return cdn_error_set(CDN_EIO, NULL, "temporary file damaged");
		if ((rc = batch_room(b, h.len)) != 0)
			return rc;
		off = b->tlen;
		if (fread(b->text + off, 1, h.len, im->spool) != h.len)
			return cdn_error_set(CDN_EIO, NULL, "temporary file: short read");
		b->text[off + h.len] = '\0';
		b->tlen += h.len + 1;
		if ((it = batch_add(b, h.line)) == NULL)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		it->off = off;
		it->len = h.len;
		it->aside = h.aside;
		it->kept = h.kept;
		im->done += h.len;
	}
	return 0;
}

/* Read the next batch from the current source. */
static int
fill_batch(struct imp *im, struct imp_batch *b)
{
	int rc;

	switch (im->src) {
	case SRC_JSONL:
		rc = fill_jsonl(im, b);
		break;
	case SRC_CSV:
		rc = fill_csv(im, b);
		break;
	default:
		rc = fill_spool(im, b);
	}
	return rc;
}

/* --- step 2: resolve (in order) --------------------------------------------- */

/* The id a map entry stands for, once the set-aside lines have places. */
static struct cdn_id
ent_id(const struct imp *im, const struct imp_ent *e)
{
	struct cdn_id id = { (enum cdn_kind)e->kind, e->seq };

	if (e->state == ENT_PENDING)
		id.seq = im->next[e->kind] + e->seq;
	return id;
}

enum { REF_OK, REF_BAD, REF_LATER };

/*
 * Point the id-valued field `name` at the store's ids: "@ref" and ids the
 * file defines become the ids their records get; other ids are left for
 * the store. `want` is the kind the field must name, or -1 for any.
 */
static int
resolve_ref(struct imp *im, struct imp_item *it, const char *name, int want, int *result)
{
	json_t *v = json_object_get(it->obj, name);
	const struct imp_ent *e;
	char buf[CDN_ID_MAX];
	struct cdn_id id;
	const char *s;

	*result = REF_OK;
	if (!json_is_string(v))
		return 0;	/* absent or not text: the validator says */
	s = json_string_value(v);
	if ((e = map_find(&im->map, s, json_string_length(v))) == NULL) {
		/* A later line may define it: look again when all are read. */
		if (!im->replay && (s[0] == '@' || im->src == SRC_JSONL)) {
			*result = REF_LATER;
			return 0;
		}
		if (s[0] == '@') {
			item_error(it, name, "unknown ref %.200s", s);
			*result = REF_BAD;
			return 0;
		}
		if (cdn_id_parse(s, &id) != 0 || (want >= 0 && id.kind != (enum cdn_kind)want))
			return 0;	/* the validator names the problem */
		/* An id that only this import makes (C-1 in a new store)
		 * cannot be meant: the file names its own records by ref. */
		if (id.seq >= im->base[id.kind]) {
			item_error(it, name, "no record %s", s);
			*result = REF_BAD;
			return 0;
		}
		/* The store's record, looked up when the line is written. */
		it->store_refs[it->nstore_refs].field = name;
		cdn_id_format(id, it->store_refs[it->nstore_refs++].id);
		return 0;
	}
	if (e->state == ENT_PENDING && !im->replay) {
		*result = REF_LATER;
		return 0;
	}
	if (e->state == ENT_BROKEN) {
		/* It names a bad line, already reported; check the rest of
		 * this one against a stand-in id of the right kind, one no
		 * record has, so that from and to never look the same. */
		id.kind = want >= 0 ? (enum cdn_kind)want : CDN_CASE;
		id.seq = UINT64_MAX / 2 + im->standins++;
	} else if (want >= 0 && e->kind != want) {
		item_error(it, name, "%.200s is the %s on line %" PRIu64 ", not a %s", s,
		    cdn_kind_info(e->kind)->name, e->line, cdn_kind_info(want)->name);
		*result = REF_BAD;
		return 0;
	} else {
		id = ent_id(im, e);
	}
	cdn_id_format(id, buf);
	json_object_set_new(it->obj, name, json_string(buf));
	return 0;
}

/* Define the line's own key (ref or id) in the map, unless taken. */
static int
define_key(struct imp *im, struct imp_item *it, const char *name, const char *key,
    int state, uint64_t seq, int *dup)
{
	struct imp_ent *e = map_find(&im->map, key, strlen(key));

	if (e) {
		if (e->line == it->line) {
			/* Its own key, set aside before: now it has an id. */
			e->state = (uint8_t)state;
			e->seq = seq;
			return 0;
		}
		item_error(it, name, "%s is already used on line %" PRIu64, key, e->line);
		*dup = 1;
		return 0;
	}
	return map_add(&im->map, key, strlen(key), it->kind < 0 ? 0 : it->kind, state, seq,
	    it->line);
}

static int
resolve_item(struct imp *im, struct imp_batch *b, struct imp_item *it)
{
	int r[2] = { REF_OK, REF_OK }, dup = 0, state = ENT_SET, rc = 0;
	uint64_t seq;

	if (it->kind < 0) {
		/* Keep its good ref and id, marked bad, so that the lines
		 * pointing at it are not reported as well. */
		if (it->ref && !map_find(&im->map, it->ref, strlen(it->ref)))
			rc = map_add(&im->map, it->ref, strlen(it->ref), 0, ENT_BROKEN, 0, it->line);
		if (rc == 0 && it->idkey && !map_find(&im->map, it->idkey, strlen(it->idkey)))
			rc = map_add(&im->map, it->idkey, strlen(it->idkey), 0, ENT_BROKEN, 0, it->line);
		it->state = IT_BAD;
		atomic_store(&im->failed, 1);
		return rc;
	}
	if (it->kind == CDN_SEIZURE) {
		if ((rc = resolve_ref(im, it, "case", CDN_CASE, &r[0])) == 0)
			rc = resolve_ref(im, it, "route", CDN_ROUTE, &r[1]);
	} else if (it->kind == CDN_LINK) {
		if ((rc = resolve_ref(im, it, "from", -1, &r[0])) == 0)
			rc = resolve_ref(im, it, "to", -1, &r[1]);
	}
	if (rc != 0)
		return rc;
	/* A line's own id is kept when it is past every id of its kind so
	 * far, store and file: an export imported into an empty store keeps
	 * all its ids, gaps and all. Decided when the line is first read,
	 * set aside or not, so lines naming it need not wait. */
	if (!im->replay && it->idkey) {
		struct cdn_id own;

		if (cdn_id_parse(it->idkey, &own) == 0 && own.seq >= im->next[it->kind] &&
		    own.seq < IMP_ID_MAX) {
			it->kept = own.seq;
			im->next[it->kind] = own.seq + 1;
		}
	}
	if (r[0] == REF_LATER || r[1] == REF_LATER) {
		it->state = IT_ASIDE;
		if (it->kept) {
			seq = it->kept;
		} else {
			it->aside = im->naside[it->kind]++;
			state = ENT_PENDING;
			seq = it->aside;
		}
	} else {
		it->state = r[0] == REF_BAD || r[1] == REF_BAD ? IT_BAD : IT_READY;
		it->id.kind = (enum cdn_kind)it->kind;
		if (it->kept)
			it->id.seq = it->kept;
		else if (im->replay)
			it->id.seq = im->next[it->kind] + it->aside;
		else
			it->id.seq = im->next[it->kind]++;
		seq = it->id.seq;
	}
	if (it->ref && (rc = define_key(im, it, "ref", it->ref, state, seq, &dup)) != 0)
		return rc;
	if (it->idkey && (rc = define_key(im, it, "id", it->idkey, state, seq, &dup)) != 0)
		return rc;
	if (dup)
		it->state = IT_BAD;
	if (it->state == IT_BAD)
		atomic_store(&im->failed, 1);
	if (it->state == IT_ASIDE)
		return spool_put(im, b, it);
	return 0;
}

/* --- the import's own record ------------------------------------------------------ */

#define IMP_LOG		"import/"
#define IMP_LOG_LEN	7

/* The sequence number of meta key "import/SEQ", or 0. */
static uint64_t
imp_log_seq(const MDB_val *k)
{
	const char *p = k->mv_data;
	uint64_t seq = 0;

	for (size_t i = IMP_LOG_LEN; i < k->mv_size && p[i] >= '0' && p[i] <= '9'; i++)
		seq = seq * 10 + (uint64_t)(p[i] - '0');
	return seq;
}

static int
imp_last_seq(void *arg, MDB_val *k, MDB_val *v)
{
	(void)v;
	*(uint64_t *)arg = imp_log_seq(k);
	return 1;	/* the newest is enough */
}

/* Record the import: in the transaction that writes it, so that it is
 * recorded exactly when it happened. */
static int
imp_record(struct imp *im)
{
	const char *base = strrchr(im->path, '/');
	const char *name = im->o->name ? im->o->name : base ? base + 1 : im->path;
	uint64_t seq = 0, records = 0;
	char key[32];
	json_t *rec, *created, *fname;
	int rc;

	if ((rc = cdn_meta_each(im->txn, IMP_LOG, 1, imp_last_seq, &seq)) < 0)
		return rc;
	cdn_error_clear();
	snprintf(key, sizeof key, IMP_LOG "%012" PRIu64, seq + 1);
	if ((created = json_object()) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	for (int k = 0; k < CDN_NKINDS; k++)
		if (im->created[k]) {
			json_object_set_new(created, cdn_kind_info((enum cdn_kind)k)->plural,
			    json_integer((json_int_t)im->created[k]));
			records += im->created[k];
		}
	/* A name that is not UTF-8 is not kept (json_string refuses it). */
	if (!*name || (fname = json_string(name)) == NULL)
		fname = json_null();
	rec = json_pack("{s:s,s:I,s:s,s:s,s:o,s:s,s:I,s:I,s:o,s:I}", "id", key,
	    "seq", (json_int_t)(seq + 1), "at", cdn_txn_now(im->txn), "by", cdn_txn_user(im->txn),
	    "filename", fname, "format",
	    im->csv ? "csv" : "jsonl", "bytes", (json_int_t)im->total, "lines",
	    (json_int_t)im->lines, "created", created, "records", (json_int_t)records);
	if (!rec)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	rc = cdn_meta_put_audited(im->txn, key, rec, 1, "import", NULL);
	json_decref(rec);
	im->seq = rc == 0 ? seq + 1 : 0;
	return rc;
}

struct imp_log {
	size_t limit;
	json_t *out;
};

static int
imp_log_one(void *arg, MDB_val *k, MDB_val *v)
{
	struct imp_log *l = arg;
	json_t *rec;
	int rc;

	if ((rc = cdn_json_decode_meta(k->mv_data, k->mv_size, v->mv_data, v->mv_size, &rec)) != 0)
		return rc;
	json_array_append_new(l->out, rec);
	return l->limit && json_array_size(l->out) >= l->limit;
}

int
cdn_import_log(struct cdn_store *st, size_t limit, json_t **out)
{
	struct imp_log l = { limit, json_array() };
	struct cdn_txn *txn;
	int rc;

	*out = NULL;
	if (!l.out)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_meta_each(txn, IMP_LOG, 1, imp_log_one, &l);
		cdn_txn_abort(txn);
	}
	if (rc < 0) {
		json_decref(l.out);
		return rc;
	}
	cdn_error_clear();
	*out = l.out;
	return 0;
}

/* --- step 4: write (in order) ------------------------------------------------- */

static int
write_item(struct imp *im, struct imp_item *it)
{
	uint64_t before = im->errors;
	int rc;

	for (size_t i = 0; i < it->nerrs; i++)
		imp_error(im, it->line, it->errs[i].field ? it->errs[i].field : "", "%s",
		    it->errs[i].reason ? it->errs[i].reason : "out of memory");
	if (it->fatal)
		return cdn_error_set(it->fatal, NULL, "line %" PRIu64 ": %s", it->line, it->fatal_msg);
	for (int i = 0; i < it->nstore_refs; i++) {
		if ((rc = cdn_record_exists(im->txn, it->store_refs[i].id)) < 0)
			return rc;
		if (rc == 0)
			imp_error(im, it->line, it->store_refs[i].field, "no record %s",
			    it->store_refs[i].id);
	}
	if (im->errors > before)
		atomic_store(&im->failed, 1);
	/* `failed` may be set by a later batch, whose bad line is not
	 * reported yet, and this batch then prepared without bytes: nothing
	 * is written once any line is known to be bad. */
	if (it->state != IT_READY || im->errors > 0 || atomic_load(&im->failed))
		return 0;
	if (!it->p.bytes)
		return cdn_error_set(CDN_ESTORE, NULL, "line %" PRIu64 ": not prepared", it->line);
	if ((rc = cdn_record_write(im->txn, &it->p, "create", NULL)) != 0)
		return rc;
	im->created[it->kind]++;
	/* Records and audit entries are appended, so the pages behind us
	 * are done with: let them go. */
	if ((++im->written % IMP_TRIM_EVERY) == 0)
		cdn_txn_trim(im->txn);
	return 0;
}

/* --- the pipeline ------------------------------------------------------------ */

static struct imp_batch *
slot(struct imp *im, size_t i)
{
	return &im->slots[i % IMP_SLOTS];
}

/*
 * Run every line of the current source through the workers and write
 * them in order: batches [head, tail) are with the workers. The thread
 * waits only when the ring is full or the file is read.
 */
static int
imp_pipeline(struct imp *im)
{
	size_t head = 0, tail = 0;
	int rc = 0;

	im->eof = 0;
	im->turn = 0;
	while (rc == 0) {
		struct imp_batch *b;

		while (!im->eof && tail - head < IMP_SLOTS) {
			b = slot(im, tail);
			batch_reset(b);
			if ((rc = fill_batch(im, b)) != 0)
				break;
			if (b->n == 0)
				continue;	/* only blank or bad lines */
			b->turn = tail++;
			cdn_pool_submit(im->pool, &b->job);
		}
		if (rc != 0 || head == tail)
			break;	/* failed, or all read and written */
		b = slot(im, head++);
		cdn_pool_wait(im->pool, &b->job);
		if (b->fatal)
			rc = cdn_error_set(b->fatal, NULL, "%s", b->fatal_msg);
		im->spooled += b->spooled;
		for (size_t i = 0; i < b->n && rc == 0; i++)
			rc = write_item(im, &b->items[i]);
		batch_reset(b);
		imp_progress(im, 0);
	}
	/* After a failure, let the jobs in flight finish before their
	 * batches are reused or freed. */
	for (; head < tail; head++)
		cdn_pool_wait(im->pool, &slot(im, head)->job);
	return rc;
}

static void
imp_index_progress(void *arg, uint64_t done, uint64_t total)
{
	struct imp *im = arg;

	im->o->on_progress(im->o->arg, "indexing", done, total);
}

/* Once it is in, the rules run on what it wrote (rule.h): its last phase. */
static void
imp_rules_progress(void *arg, uint64_t done, uint64_t total)
{
	struct imp *im = arg;

	im->o->on_progress(im->o->arg, "rules", done, total);
}

/* The write transaction: the whole import. May be run again from the start. */
static int
imp_run(struct cdn_txn *txn, void *arg)
{
	struct imp *im = arg;
	int rc;

	/* Start afresh: the same file, an empty map, nothing set aside. */
	im->txn = txn;
	im->replay = 0;
	atomic_store(&im->failed, 0);
	map_free(&im->map);
	map_free(&im->titles);
	errs_free(&im->errs);
	im->errors = im->errseq = im->lines = im->standins = im->written = 0;
	im->spooled = 0;
	memset(im->created, 0, sizeof im->created);
	memset(im->naside, 0, sizeof im->naside);
	for (int k = 0; k < CDN_NKINDS; k++)
		im->base[k] = im->next[k] = cdn_txn_peek_seq(txn, k);
	if (fseeko(im->in, 0, SEEK_SET) != 0 || fseeko(im->spool, 0, SEEK_SET) != 0 ||
	    ftruncate(fileno(im->spool), 0) != 0)
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", im->path, strerror(errno));
	im->done = 0;
	im->rpos = im->rend = 0;
	im->rline = 0;
	im->rd_eof = 0;
	if (im->csv) {
		csv_free(&im->csvr);
		csv_init(&im->csvr, im->in);
		im->csvr.max = IMP_LINE_MAX;
		imp_csv_free_cols(im);
		im->csv_header_done = 0;
	}
	if ((rc = cdn_txn_bulk(txn, im->pool)) != 0)
		return rc;
	im->src = im->csv ? SRC_CSV : SRC_JSONL;
	if ((rc = imp_pipeline(im)) != 0)
		return rc;
	if (im->spooled > 0) {
		/* Every line is read: the set-aside ones follow the others. */
		im->replay = 1;
		im->src = SRC_SPOOL;
		if (fflush(im->spool) != 0 || fseeko(im->spool, 0, SEEK_SET) != 0)
			return cdn_error_set(CDN_EIO, NULL, "temporary file: %s", strerror(errno));
		if ((rc = imp_pipeline(im)) != 0)
			return rc;
	}
	imp_progress(im, 1);
	if (im->errors > 0)
		return cdn_error_set(CDN_EINVAL, NULL, "%" PRIu64 " bad line%s",
		    im->errors, im->errors == 1 ? "" : "s");
	if ((rc = cdn_txn_bulk_finish(txn, im->o->on_progress ? imp_index_progress : NULL,
	    im)) != 0 || (rc = imp_record(im)) != 0)
		return rc;
	if (im->o->on_progress)
		im->o->on_progress(im->o->arg, "committing", 0, 0);
	return 0;
}

/* Hand the kept bad lines to on_error, in line order. */
static void
imp_report(struct imp *im)
{
	if (!im->o->on_error || im->errs.n == 0)
		return;
	qsort(im->errs.v, im->errs.n, sizeof *im->errs.v, err_cmp);
	for (size_t i = 0; i < im->errs.n; i++)
		im->o->on_error(im->o->arg, im->errs.v[i].line, im->errs.v[i].field,
		    im->errs.v[i].reason);
}

static int
imp_is_csv(const char *path, const struct cdn_import_opts *o)
{
	const char *dot;

	if (o->format != CDN_IMPORT_AUTO)
		return o->format == CDN_IMPORT_CSV;
	dot = strrchr(path, '.');
	return dot && !strchr(dot, '/') && strcasecmp(dot, ".csv") == 0;
}

/*
 * Input that cannot be read twice (a pipe) is copied to a temporary file
 * first: a transaction that has to run again reads it from the start.
 */
/* A temporary file under TMPDIR (cdn_tmpfile), gone once closed; NULL
 * with CDN_EIO naming the directory. */
static FILE *
imp_tmpfile(void)
{
	const struct cdn_config *c;
	int fd = cdn_tmpfile("import", NULL, NULL, 0);
	FILE *f = fd >= 0 ? fdopen(fd, "w+") : NULL;

	if (!f && fd >= 0)
		close(fd);
	if (!f) {
		int e = errno;

		(void)cdn_config(&c);
		cdn_error_set(CDN_EIO, NULL, "no temporary file in %s: %s", c->tmpdir, strerror(e));
	}
	return f;
}

static int
imp_seekable(struct imp *im, const struct stat *sb)
{
	char buf[65536];
	size_t n;
	FILE *copy;

	if (S_ISREG(sb->st_mode))
		return 0;
	if ((copy = imp_tmpfile()) == NULL)
		return CDN_EIO;
	while ((n = fread(buf, 1, sizeof buf, im->in)) > 0)
		if (fwrite(buf, 1, n, copy) != n) {
			fclose(copy);
			return cdn_error_set(CDN_EIO, NULL, "temporary file: %s", strerror(errno));
		}
	if (ferror(im->in) || fflush(copy) != 0) {
		fclose(copy);
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", im->path, strerror(errno));
	}
	fclose(im->in);
	im->in = copy;
	im->total = (uint64_t)ftello(copy);
	return 0;
}

int
cdn_import_file(struct cdn_store *st, const char *path, const char *user,
    const struct cdn_import_opts *opts, struct cdn_import_result *res)
{
	static const struct cdn_import_opts defaults;
	struct cdn_error saved;
	struct imp *im;
	struct stat sb;
	int rc = 0;

	if (res)
		memset(res, 0, sizeof *res);
	if ((im = calloc(1, sizeof *im)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	im->st = st;
	im->path = path;
	im->o = opts ? opts : &defaults;
	im->max_errors = im->o->max_errors ? im->o->max_errors : 1000;
	im->csv = imp_is_csv(path, im->o);
	for (int i = 0; i < IMP_SLOTS; i++) {
		im->slots[i].im = im;
		im->slots[i].job.fn = batch_job;
	}
	pthread_mutex_init(&im->turn_lock, NULL);
	pthread_cond_init(&im->turn_cv, NULL);
	if ((im->in = fopen(path, "rb")) == NULL) {
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fileno(im->in), &sb) != 0) {
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		rc = cdn_error_set(CDN_EIO, NULL, "%s: is a directory", path);
		goto out;
	}
	im->total = (uint64_t)sb.st_size;
	if ((rc = imp_seekable(im, &sb)) != 0)
		goto out;
	if ((im->spool = imp_tmpfile()) == NULL) {
		rc = CDN_EIO;
		goto out;
	}
	if ((im->rbuf = malloc(IMP_READ_BUF + IMP_LINE_MAX + 1)) == NULL ||
	    (im->pool = cdn_pool_new(im->o->threads < 0 ? 0 :
	    im->o->threads == 0 ? cdn_pool_ncpu() : (unsigned)im->o->threads)) == NULL) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &im->last);
	imp_progress(im, 1);
	/* Records, their index entries and audit entries take a few times
	 * the bytes of the lines; room made now saves running the whole
	 * transaction again when the map fills. Failing here is not fatal:
	 * the write grows the map itself. */
	(void)cdn_store_reserve(st, im->total * 4);
	cdn_store_after_progress(im->o->on_progress ? imp_rules_progress : NULL, im);
	rc = cdn_store_write(st, user, imp_run, im);
	cdn_store_after_progress(NULL, NULL);
out:
	/* on_error may use the error slot: keep the outcome across it. */
	saved = *cdn_error_last();
	imp_report(im);
	if (rc != 0)
		cdn_error_set(saved.code, saved.field, "%s", saved.message);
	if (res) {
		res->lines = im->lines;
		res->errors = im->errors;
		if (rc == 0 || rc == CDN_ERULES) {
			memcpy(res->created, im->created, sizeof res->created);
			res->seq = im->seq;
		}
	}
	if (rc == 0 && im->errors > 0)
		rc = CDN_EINVAL;
	if (rc == CDN_EINVAL && im->errors > 0)
		cdn_error_set(CDN_EINVAL, NULL, "%s: %" PRIu64 " bad line%s; nothing was imported",
		    path, im->errors, im->errors == 1 ? "" : "s");
	for (int i = 0; i < IMP_SLOTS; i++)
		batch_free(&im->slots[i]);
	cdn_pool_free(im->pool);
	if (im->in)
		fclose(im->in);
	if (im->spool)
		fclose(im->spool);
	csv_free(&im->csvr);
	imp_csv_free_cols(im);
	free(im->rbuf);
	map_free(&im->map);
	map_free(&im->titles);
	errs_free(&im->errs);
	pthread_cond_destroy(&im->turn_cv);
	pthread_mutex_destroy(&im->turn_lock);
	free(im);
	return rc;
}

/* --- export ------------------------------------------------------------------ */

struct exp_ctx {
	FILE *out;
	uint64_t n;
};

static int
exp_line(void *arg, const char *bytes, size_t len)
{
	struct exp_ctx *x = arg;
	char *text;
	size_t tlen;
	int rc;

	/* A record's JSON text is compact: one line each. */
	if ((rc = cdn_rec_text(bytes, len, "record", &text, &tlen)) != 0)
		return rc;
	if (fwrite(text, 1, tlen, x->out) != tlen || putc('\n', x->out) == EOF)
		rc = cdn_error_set(CDN_EIO, NULL, "export: %s", strerror(errno));
	free(text);
	if (rc == 0)
		x->n++;
	return rc;
}

int
cdn_export_json(struct cdn_txn *txn, FILE *out, uint64_t *count)
{
	/* Referenced kinds before the kinds that refer to them, in the
	 * order an import creates them, so a fresh store re-imports the
	 * file with the same ids. */
	static const enum cdn_kind order[] = {
		CDN_CASE, CDN_ROUTE, CDN_ENTITY, CDN_SEIZURE, CDN_LINK,
		CDN_EVIDENCE, CDN_ALERT,
	};
	struct exp_ctx x = { out, 0 };
	int rc = 0;

	for (size_t i = 0; i < sizeof order / sizeof order[0] && rc == 0; i++)
		rc = cdn_scan_raw(txn, order[i], exp_line, &x);
	if (rc == 0 && fflush(out) != 0)
		rc = cdn_error_set(CDN_EIO, NULL, "export: %s", strerror(errno));
	if (count)
		*count = x.n;
	return rc;
}
