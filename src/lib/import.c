/*
 * import.c - bulk import of JSON Lines and CSV (contract §5), and export.
 *
 * An import streams the file twice, so memory does not grow with it:
 *
 * Pass 1 parses each line, checks what needs the whole file (kinds, refs
 * unique), gives each record its place in its kind's sequence and copies
 * the line into one of three spool files by what it may refer to: cases,
 * routes and entities refer to nothing, seizures to cases and routes,
 * links to anything. Replaying the spools in that order makes every
 * reference, forward or backward, point at a record that already exists.
 * The only memory per record is a map entry for each ref or id that
 * other lines may name.
 *
 * Pass 2 runs in one write transaction: ids are the kind's next sequence
 * plus the place found in pass 1, so "@ref" and exported ids are replaced
 * by the new ids before each create. The first bad line stops the writes
 * (every later id would be off) but not the checks, so every bad line is
 * reported; the transaction is then aborted and the store is unchanged.
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
#include <time.h>

#include "cordon/error.h"
#include "cordon/import.h"
#include "cordon/query.h"
#include "csv.h"
#include "schema.h"

#define IMP_LINE_MAX	(1u << 20)	/* longest line or row kept */
#define IMP_KEY_MAX	1000		/* longest ref, in bytes */
#define IMP_TITLE_MAX	200		/* case title, in characters */
#define IMP_BROKEN	0xff		/* map entry of a line that is bad */
#define IMP_NGROUPS	3
#define IMP_FLAGS	(CDN_CREATE_KEEP_PROVENANCE | CDN_CREATE_IGNORE_ID)

/* --- the ref map ----------------------------------------------------------
 * Keys are "@ref" for refs and the id itself ("S-12") for exported ids, so
 * a field's value is looked up as it is written. Key bytes live in one
 * arena; the table holds entry numbers, open addressing, at most half full.
 */

struct imp_ent {
	uint64_t off;		/* key bytes in the arena */
	uint64_t line;		/* the line that defines it */
	uint64_t ord;		/* its place among the records of its kind */
	uint32_t hash;
	uint16_t len;
	uint8_t kind;		/* enum cdn_kind, or IMP_BROKEN */
};

struct imp_map {
	struct imp_ent *ents;
	size_t n, cap;
	uint32_t *slots;	/* entry number + 1; 0 = empty */
	size_t nslots;		/* a power of two */
	char *arena;
	size_t alen, acap;
};

static uint32_t
map_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct imp_ent *
map_find(const struct imp_map *m, const char *key, size_t len)
{
	uint32_t h = map_hash(key, len);
	size_t mask = m->nslots - 1, i;

	if (m->nslots == 0)
		return NULL;
	for (i = h & mask; m->slots[i]; i = (i + 1) & mask) {
		struct imp_ent *e = &m->ents[m->slots[i] - 1];

		if (e->hash == h && e->len == len &&
		    memcmp(m->arena + e->off, key, len) == 0)
			return e;
	}
	return NULL;
}

static int
map_rehash(struct imp_map *m, size_t nslots)
{
	uint32_t *slots;
	size_t mask = nslots - 1;

	if ((slots = calloc(nslots, sizeof *slots)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	for (size_t k = 0; k < m->n; k++) {
		size_t i = m->ents[k].hash & mask;

		while (slots[i])
			i = (i + 1) & mask;
		slots[i] = (uint32_t)(k + 1);
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
	return 0;
}

/* Add a key known to be absent. */
static int
map_add(struct imp_map *m, const char *key, size_t len, int kind, uint64_t ord,
    uint64_t line)
{
	struct imp_ent *e;
	size_t mask, i;
	int rc;

	if (m->n >= UINT32_MAX - 1)
		return cdn_error_set(CDN_ENOMEM, NULL, "too many refs in one file");
	if ((m->n + 1) * 2 > m->nslots &&
	    (rc = map_rehash(m, m->nslots ? m->nslots * 2 : 1024)) != 0)
		return rc;
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 512;
		struct imp_ent *ne;

		if ((ne = realloc(m->ents, ncap * sizeof *ne)) == NULL)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		m->ents = ne;
		m->cap = ncap;
	}
	if (m->alen + len > m->acap) {
		size_t ncap = m->acap ? m->acap * 2 : 65536;
		char *na;

		while (ncap < m->alen + len)
			ncap *= 2;
		if ((na = realloc(m->arena, ncap)) == NULL)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		m->arena = na;
		m->acap = ncap;
	}
	e = &m->ents[m->n];
	e->off = m->alen;
	e->len = (uint16_t)len;
	e->hash = map_hash(key, len);
	e->kind = (uint8_t)kind;
	e->ord = ord;
	e->line = line;
	memcpy(m->arena + m->alen, key, len);
	m->alen += len;
	mask = m->nslots - 1;
	for (i = e->hash & mask; m->slots[i]; i = (i + 1) & mask)
		;
	m->slots[i] = (uint32_t)(++m->n);
	return 0;
}

static void
map_free(struct imp_map *m)
{
	free(m->ents);
	free(m->slots);
	free(m->arena);
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

struct imp {
	struct cdn_store *st;
	const char *path;
	const struct cdn_import_opts *o;
	size_t max_errors;
	int csv;
	FILE *in;
	uint64_t total;			/* file size */
	FILE *spool[IMP_NGROUPS];
	uint64_t spooled;		/* bytes in the spools */
	struct imp_map map;
	uint64_t nkind[CDN_NKINDS];	/* records of each kind accepted */
	uint64_t lines;
	struct imp_col *cols;
	size_t ncols;
	char *buf;			/* a line, or a spooled record */
	size_t cap;
	uint64_t errseq;
	/* Pass 1's bad lines, and pass 2's (reset when it is run again). */
	struct imp_errs e1, e2;
	uint64_t errors1, errors2;
	int pass;
	/* Pass 2, set afresh on each run of it. */
	uint64_t base[CDN_NKINDS];	/* first id of each kind */
	uint64_t created[CDN_NKINDS];
	int checking;			/* a line was bad: validate only */
	uint64_t standins;		/* ids made up for refs to bad lines */
	uint64_t done1, done2;		/* bytes through each pass */
	uint64_t written;		/* lines through pass 2 */
	/* Progress. */
	unsigned tick;
	uint64_t shown;
	struct timespec last;
};

static void
imp_error(struct imp *im, uint64_t line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
imp_error(struct imp *im, uint64_t line, const char *field, const char *fmt, ...)
{
	struct imp_err e = { line, im->errseq++, NULL, NULL };
	va_list ap;

	if (im->pass == 1)
		im->errors1++;
	else
		im->errors2++;
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
	err_keep(im->pass == 1 ? &im->e1 : &im->e2, im->max_errors, e);
}

/* The error cdn_record_* left, as the line's error. */
static void
imp_error_last(struct imp *im, uint64_t line)
{
	const struct cdn_error *e = cdn_error_last();

	imp_error(im, line, e->field, "%s", e->message);
}

static double
imp_elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/*
 * Pass 1 fills the first half of the bar and pass 2 the second. Looked at
 * every 4096 lines and shown at most ten times a second; never backwards,
 * even when pass 2 is run again.
 */
static void
imp_progress(struct imp *im, int force)
{
	struct timespec now;
	uint64_t done;

	if (!im->o->on_progress || (!force && (++im->tick & 4095) != 0))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && imp_elapsed(&im->last, &now) < 0.1)
		return;
	if (im->pass == 1)
		done = im->done1 / 2;
	else
		done = im->total / 2 + (uint64_t)((double)(im->total - im->total / 2) *
		    (im->spooled ? (double)im->done2 / (double)im->spooled : 1));
	if (done > im->total)
		done = im->total;
	if (done < im->shown)
		return;
	im->shown = done;
	im->last = now;
	im->o->on_progress(im->o->arg, done, im->total);
}

static int
imp_reserve_buf(struct imp *im, size_t need)
{
	char *nb;
	size_t ncap;

	if (need <= im->cap)
		return 0;
	for (ncap = im->cap ? im->cap : 4096; ncap < need; ncap *= 2)
		;
	if ((nb = realloc(im->buf, ncap)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	im->buf = nb;
	im->cap = ncap;
	return 0;
}

static int
imp_group(enum cdn_kind kind)
{
	switch (kind) {
	case CDN_SEIZURE:
		return 1;
	case CDN_LINK:
		return 2;
	default:
		return 0;
	}
}

static int
imp_spool(struct imp *im, enum cdn_kind kind, uint64_t line, const char *s, size_t len)
{
	FILE *fp = im->spool[imp_group(kind)];
	uint32_t n = (uint32_t)len;

	if (fwrite(&line, sizeof line, 1, fp) != 1 || fwrite(&n, sizeof n, 1, fp) != 1 ||
	    fwrite(s, 1, len, fp) != len)
		return cdn_error_set(CDN_EIO, NULL, "temporary file: %s", strerror(errno));
	im->spooled += len;
	return 0;
}

/* The kind a line names; -1 (reported) if it is not an importable one. */
static int
imp_kind(struct imp *im, uint64_t line, json_t *obj)
{
	json_t *v = json_object_get(obj, "kind");
	const char *s;

	if (!v) {
		imp_error(im, line, "kind", "required");
		return -1;
	}
	if (!json_is_string(v)) {
		imp_error(im, line, "kind", "must be a string");
		return -1;
	}
	s = json_string_value(v);
	for (int k = 0; k < CDN_NKINDS; k++) {
		if (strcmp(s, cdn_kind_info(k)->name) != 0)
			continue;
		if (!cdn_kind_info(k)->writable) {
			imp_error(im, line, "kind", "%s cannot be imported", s);
			return -1;
		}
		return k;
	}
	imp_error(im, line, "kind", "'%.60s' is not one of case, seizure, entity, route, link", s);
	return -1;
}

/*
 * Check the `ref` or `id` of a line and put its key in key/keylen.
 * Returns 1 if it has a good one, 0 if none, -1 if bad (reported).
 */
static int
imp_line_key(struct imp *im, uint64_t line, json_t *obj, const char *name, int kind,
    char *key, size_t *keylen)
{
	json_t *v = json_object_get(obj, name);
	const struct imp_ent *e;
	const char *s;
	size_t len;

	if (!v)
		return 0;
	if (!json_is_string(v)) {
		imp_error(im, line, name, "must be a string");
		return -1;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (strcmp(name, "ref") == 0) {
		if (len == 0 || len > IMP_KEY_MAX) {
			imp_error(im, line, name, "must be 1 to %d bytes", IMP_KEY_MAX);
			return -1;
		}
		key[0] = '@';
		memcpy(key + 1, s, len);
		*keylen = len + 1;
	} else {
		struct cdn_id id;

		if (cdn_id_parse(s, &id) != 0) {
			imp_error(im, line, name, "'%.40s' is not a record id", s);
			return -1;
		}
		if (kind >= 0 && id.kind != (enum cdn_kind)kind) {
			imp_error(im, line, name, "%s is not a %s id", s, cdn_kind_info(kind)->name);
			return -1;
		}
		memcpy(key, s, len);
		*keylen = len;
	}
	if ((e = map_find(&im->map, key, *keylen)) != NULL) {
		imp_error(im, line, name, "%s%s is already used on line %" PRIu64,
		    key[0] == '@' ? "@" : "", s, e->line);
		return -1;
	}
	return 1;
}

/* Pass 1 for one JSON line. Bad lines are reported; < 0 only on failure. */
static int
imp_jsonl_line(struct imp *im, uint64_t line, const char *s, size_t len)
{
	char rkey[IMP_KEY_MAX + 2], ikey[CDN_ID_MAX + 1];
	size_t rlen = 0, ilen = 0;
	json_error_t jerr;
	json_t *obj;
	int kind, hasref, hasid, rc = 0;

	if ((obj = json_loadb(s, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		imp_error(im, line, "", "not a JSON object: %s (column %d)", jerr.text, jerr.column);
		return 0;
	}
	if (!json_is_object(obj)) {
		imp_error(im, line, "", "not a JSON object");
		goto out;
	}
	kind = imp_kind(im, line, obj);
	hasref = imp_line_key(im, line, obj, "ref", kind, rkey, &rlen);
	hasid = imp_line_key(im, line, obj, "id", kind, ikey, &ilen);
	if (kind < 0 || hasref < 0 || hasid < 0) {
		/* Keep its good ref and id, marked bad, so that the lines
		 * pointing at it are not reported as well. */
		if (hasref > 0 && (rc = map_add(&im->map, rkey, rlen, IMP_BROKEN, 0, line)) != 0)
			goto out;
		if (hasid > 0)
			rc = map_add(&im->map, ikey, ilen, IMP_BROKEN, 0, line);
		goto out;
	}
	if (hasref > 0 && (rc = map_add(&im->map, rkey, rlen, kind, im->nkind[kind], line)) != 0)
		goto out;
	if (hasid > 0 && (rc = map_add(&im->map, ikey, ilen, kind, im->nkind[kind], line)) != 0)
		goto out;
	im->nkind[kind]++;
	rc = imp_spool(im, kind, line, s, len);
out:
	json_decref(obj);
	return rc;
}

static int
imp_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/*
 * Read one line into im->buf without its newline. Returns 1, 0 at the end
 * of the file, or an error. A line over the limit is read to its end but
 * not kept (*toolong).
 */
static int
imp_getline(struct imp *im, size_t *lenp, int *toolong)
{
	size_t len = 0;
	int ch, any = 0;

	*toolong = 0;
	while ((ch = getc_unlocked(im->in)) != EOF) {
		any = 1;
		im->done1++;
		if (ch == '\n')
			break;
		if (len < IMP_LINE_MAX)
			im->buf[len++] = (char)ch;
		else
			*toolong = 1;
	}
	if (ferror(im->in))
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", im->path, strerror(errno));
	im->buf[len] = '\0';
	*lenp = len;
	return any;
}

static int
imp_pass1_jsonl(struct imp *im)
{
	uint64_t line = 0;
	size_t len = 0, skip;
	int rc, toolong;

	if ((rc = imp_reserve_buf(im, IMP_LINE_MAX + 1)) != 0)
		return rc;
	while ((rc = imp_getline(im, &len, &toolong)) > 0) {
		line++;
		imp_progress(im, 0);
		if (toolong) {
			im->lines++;
			imp_error(im, line, "", "line is longer than %u bytes", IMP_LINE_MAX);
			continue;
		}
		/* Some editors start a UTF-8 file with a byte order mark. */
		skip = line == 1 && len >= 3 && memcmp(im->buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
		if (imp_blank(im->buf + skip, len - skip))
			continue;
		im->lines++;
		if ((rc = imp_jsonl_line(im, line, im->buf + skip, len - skip)) != 0)
			return rc;
	}
	return rc;
}

/* --- CSV ------------------------------------------------------------------ */

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
 * A new case for a title not seen before (spooled as a case line on the
 * title's first row); the row points at it through "@TITLE".
 */
static int
imp_csv_case(struct imp *im, uint64_t line, const char *title, size_t len, json_t *row)
{
	char key[IMP_KEY_MAX + 2];
	json_t *c, *v;
	char *text;
	int rc;

	if (imp_utf8_chars(title, len) > IMP_TITLE_MAX || len > IMP_KEY_MAX) {
		imp_error(im, line, "case", "a new case's title must be at most %d characters",
		    IMP_TITLE_MAX);
		return 1;
	}
	key[0] = '@';
	memcpy(key + 1, title, len);
	if ((v = imp_csv_string(im, line, "case", key, len + 1)) == NULL)
		return 1;
	json_object_set_new(row, "case", v);
	if (map_find(&im->map, key, len + 1))
		return 0;
	c = json_pack("{s:s, s:s%}", "kind", "case", "title", title, len);
	text = c ? json_dumps(c, JSON_COMPACT) : NULL;
	json_decref(c);
	if (!text)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if ((rc = map_add(&im->map, key, len + 1, CDN_CASE, im->nkind[CDN_CASE], line)) == 0 &&
	    (rc = imp_spool(im, CDN_CASE, line, text, strlen(text))) == 0)
		im->nkind[CDN_CASE]++;
	free(text);
	return rc;
}

/* Pass 1 for one CSV row: build its seizure, spool it. */
static int
imp_csv_row(struct imp *im, struct csv *c, uint64_t line)
{
	const char *title = NULL;
	size_t tlen = 0, i;
	json_t *row, *v;
	char *text = NULL;
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
	if ((row = json_pack("{s:s}", "kind", "seizure")) == NULL)
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
	if (title && (rc = imp_csv_case(im, line, title, tlen, row)) != 0) {
		rc = rc > 0 ? 0 : rc;
		goto out;
	}
	if ((text = json_dumps(row, JSON_COMPACT)) == NULL) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = imp_spool(im, CDN_SEIZURE, line, text, strlen(text))) == 0)
		im->nkind[CDN_SEIZURE]++;
out:
	free(text);
	json_decref(row);
	return rc;
}

static int
imp_pass1_csv(struct imp *im)
{
	struct csv c;
	int rc = 0, r;

	csv_init(&c, im->in);
	c.max = IMP_LINE_MAX;
	r = csv_read_header(&c);
	if (r == CSV_EOF)
		goto out;
	if (r != CSV_ROW) {
		imp_error(im, c.line, "", "header: %s", c.err);
		goto out;
	}
	if ((rc = imp_csv_header(im, &c, c.line)) != 0)
		goto out;
	for (;;) {
		r = csv_read(&c);
		im->done1 = c.bytes;
		imp_progress(im, 0);
		if (r == CSV_EOF)
			break;
		if (r == CSV_ROW) {
			if ((rc = imp_csv_row(im, &c, c.line)) != 0)
				break;
			continue;
		}
		if (r == CSV_EIO) {
			rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", im->path, c.err);
			break;
		}
		if (r == CSV_ENOMEM) {
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			break;
		}
		im->lines++;
		imp_error(im, c.line, "", "%s", c.err);
		if (r == CSV_EUNTERMINATED)
			break;
	}
out:
	csv_free(&c);
	return rc;
}

/* --- pass 2 ------------------------------------------------------------------ */

/*
 * Point the id-valued field `name` at the store's ids: "@ref" and ids
 * defined in the file become the ids their records get; other ids are
 * left for the validator (records already in the store). `want` is the
 * kind the field must name, or -1 for any. Returns 0, 1 if the line is bad
 * (reported), or an error.
 */
static int
imp_resolve(struct imp *im, struct cdn_txn *txn, uint64_t line, json_t *obj,
    const char *name, int want)
{
	json_t *v = json_object_get(obj, name);
	const struct imp_ent *e;
	char buf[CDN_ID_MAX];
	struct cdn_id id;
	const char *s;
	int rc;

	if (!json_is_string(v))
		return 0;	/* absent or not text: the validator says */
	s = json_string_value(v);
	if ((e = map_find(&im->map, s, json_string_length(v))) == NULL) {
		if (s[0] == '@') {
			imp_error(im, line, name, "unknown ref %.200s", s);
			return 1;
		}
		if (cdn_id_parse(s, &id) != 0 || (want >= 0 && id.kind != (enum cdn_kind)want))
			return 0;	/* the validator names the problem */
		/* An id that only this import makes (C-1 in a new store)
		 * cannot be meant: the file names its own records by ref. */
		if (id.seq >= im->base[id.kind]) {
			imp_error(im, line, name, "no record %s", s);
			return 1;
		}
		/* Nothing is created any more, so the validator only sees
		 * the shape of ids: check here what create would have. */
		if (im->checking) {
			if ((rc = cdn_record_exists(txn, s)) < 0)
				return rc;
			if (rc == 0) {
				imp_error(im, line, name, "no record %s", s);
				return 1;
			}
		}
		return 0;
	}
	if (e->kind == IMP_BROKEN) {
		/* It names a bad line, already reported; check the rest of
		 * this one against a stand-in id of the right kind, one no
		 * record has, so that from and to never look the same. */
		id.kind = want >= 0 ? (enum cdn_kind)want : CDN_CASE;
		id.seq = im->base[id.kind] + im->nkind[id.kind] + im->standins++;
	} else if (want >= 0 && e->kind != want) {
		imp_error(im, line, name, "%.200s is the %s on line %" PRIu64 ", not a %s", s,
		    cdn_kind_info(e->kind)->name, e->line, cdn_kind_info(want)->name);
		return 1;
	} else {
		id.kind = e->kind;
		id.seq = im->base[e->kind] + e->ord;
	}
	cdn_id_format(id, buf);
	json_object_set_new(obj, name, json_string(buf));
	return 0;
}

/* Pass 2 for one spooled line. Bad lines are reported; < 0 on failure. */
static int
imp_record(struct imp *im, struct cdn_txn *txn, uint64_t line, const char *s, size_t len)
{
	json_error_t jerr;
	json_t *obj;
	const char *kname;
	int kind = -1, rc = 0;

	if ((obj = json_loadb(s, len, 0, &jerr)) == NULL)
		return cdn_error_set(CDN_EIO, NULL, "temporary file damaged at line %" PRIu64, line);
	kname = json_string_value(json_object_get(obj, "kind"));
	for (int k = 0; kname && k < CDN_NKINDS; k++)
		if (strcmp(kname, cdn_kind_info(k)->name) == 0)
			kind = k;
	if (kind < 0) {
		rc = cdn_error_set(CDN_EIO, NULL, "temporary file damaged at line %" PRIu64, line);
		goto out;
	}
	/* Not part of a record: what the file says about it. */
	json_object_del(obj, "kind");
	json_object_del(obj, "ref");
	json_object_del(obj, "id");
	if (kind == CDN_SEIZURE) {
		if ((rc = imp_resolve(im, txn, line, obj, "case", CDN_CASE)) == 0)
			rc = imp_resolve(im, txn, line, obj, "route", CDN_ROUTE);
	} else if (kind == CDN_LINK) {
		if ((rc = imp_resolve(im, txn, line, obj, "from", -1)) == 0)
			rc = imp_resolve(im, txn, line, obj, "to", -1);
	}
	if (rc != 0) {
		if (rc > 0) {
			im->checking = 1;
			rc = 0;
		}
		goto out;
	}
	if (!im->checking) {
		uint64_t want = im->base[kind] + im->created[kind];
		uint64_t next = cdn_txn_peek_seq(txn, kind);

		/* Every "@ref" above assumed this; never write a wrong link. */
		if (next != want) {
			rc = cdn_error_set(CDN_ESTORE, NULL,
			    "import: %s ids out of step at line %" PRIu64 " (next %" PRIu64
			    ", expected %" PRIu64 ")", cdn_kind_info(kind)->name, line, next, want);
			goto out;
		}
		rc = cdn_record_create(txn, kind, obj, IMP_FLAGS, NULL);
		if (rc == 0) {
			im->created[kind]++;
			goto out;
		}
	} else {
		rc = cdn_record_validate(kind, obj, IMP_FLAGS, NULL);
	}
	if (rc != CDN_EINVAL && rc != CDN_ENOTFOUND)
		goto out;	/* 0, or the store failed */
	if (im->csv && kind == CDN_CASE)
		imp_error(im, line, "case", "as the title of a new case: %s",
		    cdn_error_last()->message);
	else
		imp_error_last(im, line);
	im->checking = 1;
	rc = 0;
out:
	json_decref(obj);
	return rc;
}

/* The write transaction: all of pass 2. May be run again from the start. */
static int
imp_run(struct cdn_txn *txn, void *arg)
{
	struct imp *im = arg;
	uint64_t line;
	uint32_t len;
	int rc;

	errs_free(&im->e2);
	im->errors2 = 0;
	im->pass = 2;
	im->done2 = 0;
	im->written = 0;
	im->checking = im->errors1 > 0;
	memset(im->created, 0, sizeof im->created);
	im->standins = 0;
	for (int k = 0; k < CDN_NKINDS; k++)
		im->base[k] = cdn_txn_peek_seq(txn, k);
	if ((rc = cdn_txn_bulk(txn)) != 0)
		return rc;
	for (int g = 0; g < IMP_NGROUPS; g++) {
		FILE *fp = im->spool[g];

		if (fseeko(fp, 0, SEEK_SET) != 0)
			return cdn_error_set(CDN_EIO, NULL, "temporary file: %s", strerror(errno));
		while (fread(&line, sizeof line, 1, fp) == 1) {
			if (fread(&len, sizeof len, 1, fp) != 1 ||
			    (rc = imp_reserve_buf(im, (size_t)len + 1)) != 0 ||
			    fread(im->buf, 1, len, fp) != len)
				return cdn_error_set(CDN_EIO, NULL, "temporary file: short read");
			im->buf[len] = '\0';
			if ((rc = imp_record(im, txn, line, im->buf, len)) != 0)
				return rc;
			/* Records and audit entries are appended, so the pages
			 * behind us are done with: let them go. */
			if ((++im->written & 16383) == 0)
				cdn_txn_trim(txn);
			im->done2 += len;
			imp_progress(im, 0);
		}
		if (ferror(fp))
			return cdn_error_set(CDN_EIO, NULL, "temporary file: %s", strerror(errno));
	}
	if (im->errors1 + im->errors2 > 0)
		return cdn_error_set(CDN_EINVAL, NULL, "%" PRIu64 " bad line%s",
		    im->errors1 + im->errors2, im->errors1 + im->errors2 == 1 ? "" : "s");
	return 0;
}

/* Hand the kept bad lines to on_error, in line order. */
static void
imp_report(struct imp *im)
{
	struct imp_err *all;
	size_t n = im->e1.n + im->e2.n;

	if (!im->o->on_error || n == 0)
		return;
	if ((all = malloc(n * sizeof *all)) == NULL)
		return;
	if (im->e1.n)
		memcpy(all, im->e1.v, im->e1.n * sizeof *all);
	if (im->e2.n)
		memcpy(all + im->e1.n, im->e2.v, im->e2.n * sizeof *all);
	qsort(all, n, sizeof *all, err_cmp);
	for (size_t i = 0; i < n && i < im->max_errors; i++)
		im->o->on_error(im->o->arg, all[i].line, all[i].field, all[i].reason);
	free(all);
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

int
cdn_import_file(struct cdn_store *st, const char *path, const char *user,
    const struct cdn_import_opts *opts, struct cdn_import_result *res)
{
	static const struct cdn_import_opts defaults;
	struct cdn_error saved;
	struct imp *im;
	struct stat sb;
	uint64_t errors;
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
	im->pass = 1;
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
	im->total = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
	for (int g = 0; g < IMP_NGROUPS; g++)
		if ((im->spool[g] = tmpfile()) == NULL) {
			rc = cdn_error_set(CDN_EIO, NULL, "temporary file: %s", strerror(errno));
			goto out;
		}
	clock_gettime(CLOCK_MONOTONIC, &im->last);
	imp_progress(im, 1);
	if ((rc = im->csv ? imp_pass1_csv(im) : imp_pass1_jsonl(im)) != 0)
		goto out;
	/* Read again from the spools only; no need to hold the file. */
	fclose(im->in);
	im->in = NULL;
	for (int g = 0; g < IMP_NGROUPS; g++)
		if (fflush(im->spool[g]) != 0) {
			rc = cdn_error_set(CDN_EIO, NULL, "temporary file: %s", strerror(errno));
			goto out;
		}
	if (im->errors1 == 0 && im->spooled == 0)
		goto out;	/* nothing to import: leave the store alone */
	/* Records, their index entries and audit entries take a few times
	 * the bytes of the lines; room made now saves re-running the whole
	 * transaction when the map fills. Failing here is not fatal: the
	 * write grows the map itself. */
	if (im->errors1 == 0)
		(void)cdn_store_reserve(st, (im->spooled > im->total ? im->spooled : im->total) * 4);
	rc = cdn_store_write(st, user, imp_run, im);
	if (rc == 0) {
		im->done2 = im->spooled;
		imp_progress(im, 1);
	}
out:
	errors = im->errors1 + im->errors2;
	/* on_error may use the error slot: keep the outcome across it. */
	saved = *cdn_error_last();
	imp_report(im);
	if (rc != 0)
		cdn_error_set(saved.code, saved.field, "%s", saved.message);
	if (res) {
		res->lines = im->lines;
		res->errors = errors;
		if (rc == 0)
			memcpy(res->created, im->created, sizeof res->created);
	}
	if (rc == 0 && errors > 0)
		rc = CDN_EINVAL;
	if (rc == CDN_EINVAL && errors > 0)
		cdn_error_set(CDN_EINVAL, NULL, "%s: %" PRIu64 " bad line%s; nothing was imported",
		    path, errors, errors == 1 ? "" : "s");
	if (im->in)
		fclose(im->in);
	for (int g = 0; g < IMP_NGROUPS; g++)
		if (im->spool[g])
			fclose(im->spool[g]);
	for (size_t i = 0; i < im->ncols; i++) {
		free(im->cols[i].path);
		free(im->cols[i].segs);
	}
	free(im->cols);
	free(im->buf);
	map_free(&im->map);
	errs_free(&im->e1);
	errs_free(&im->e2);
	free(im);
	return rc;
}

/* --- export ------------------------------------------------------------------ */

struct exp_ctx {
	FILE *out;
	uint64_t n;
};

static int
exp_line(void *arg, const char *json, size_t len)
{
	struct exp_ctx *x = arg;

	/* Stored bytes are already compact JSON, one record each. */
	if (fwrite(json, 1, len, x->out) != len || putc('\n', x->out) == EOF)
		return cdn_error_set(CDN_EIO, NULL, "export: %s", strerror(errno));
	x->n++;
	return 0;
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
