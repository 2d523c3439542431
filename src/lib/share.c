/*
 * share.c - applying a partner's policy (share.h).
 *
 * Everything the walk learns of a record is kept once per share, by id,
 * in `struct rstate`: whether the partner may see it, its TLP, the time
 * of its version and the links touching it.
 *
 * Free text kept for the partner is dropped when it holds what the
 * partner may not receive, wherever in the store that comes from:
 *   - a name, alias, identifier or birth date of an entity withheld from
 *     the partner, or withheld in part (under non-nominal: people,
 *     companies, vehicles), or the title of a withheld case: all of them,
 *     folded, are a set of phrases, and every run of up to PHRASE_MAX
 *     words of the text is looked up in it;
 *   - the id of a withheld record: every id-shaped pair of words ("S 3")
 *     is looked up.
 * The set is made on the first text checked, from one pass over the
 * store's entities and cases.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/check.h"
#include "cordon/fold.h"
#include "cordon/partner.h"
#include "cordon/query.h"
#include "cordon/share.h"
#include "grow.h"
#include "intern.h"
#include "internal.h"
#include "json.h"
#include "recform.h"
#include "rules.h"
#include "schema.h"

/* The longest run of words looked up as one phrase; a longer secret is
 * matched by its first PHRASE_MAX words. */
#define PHRASE_MAX 12

/* Entity types whose names identify goods and conveyances, not people:
 * open under every profile. */
static const char *const open_names[] = { "vessel", "aircraft", "container", "parcel", NULL };
/* Entity types that are personal data whole: never under non-nominal. */
static const char *const personal_types[] = { "phone", "account", "address", "document", NULL };

struct rstate {
	int8_t loaded;		/* 1 read, -1 missing */
	int8_t visible;		/* the partner may receive it */
	int8_t tlp;
	int8_t given;		/* an earlier group gave it (with CDN_SHARE_ONCE,
				 * it is not given again); counted once */
	int8_t name_open;	/* an entity whose name is shared */
	int8_t links_done;	/* `links` is known */
	enum cdn_kind kind;
	uint64_t seq;		/* of its id */
	int64_t modified;
	int64_t route;		/* a seizure's route (its number), or -1 */
	uint32_t mark;		/* the group that last took it as a member */
	uint64_t *links;	/* the links touching it: their sequence numbers,
				 * sorted, from the index */
	size_t nlinks;
	int64_t from, to;	/* a link's ends (ids' numbers) */
};

struct cdn_share {
	struct cdn_txn *txn;
	const struct cdn_share_req *req;
	int64_t since;		/* ms; 0: all */
	uint64_t done, total;	/* progress: cases and alerts looked at */
	json_t *partner, *org;
	int ceiling, nominal;
	unsigned flags;
	json_t *rules, *severities, *tags, *statuses, *cases;	/* borrowed; NULL = all */
	struct cdn_intern ids;
	struct rstate *st;
	size_t cap;
	json_t *rule_titles;	/* rule name → title */
	struct cdn_intern secrets;	/* folded phrases the partner may not see */
	struct cdn_intern unspaced;	/* those in scripts without spaces */
	struct cdn_intern allowed;	/* phrases it receives anyway: never secret */
	int secrets_made;
	int secrets_rc;		/* a failure to make them, kept: no text is
				 * let through against a set half made */
	/* Texts checked, and whether each revealed anything: places, offices
	 * and a rule's title come back thousands of times. */
	struct cdn_intern texts;
	uint8_t *bad;
	size_t badcap;
	uint32_t group;		/* the number of the group being built */
	struct cdn_share_stats stats;
};

/* --- text matching ----------------------------------------------------------------- */

/*
 * `s` as matching sees it: folded (case and diacritics), every run of
 * bytes other than letters and digits one space, and a space at each end,
 * so that " e 1 " is found in " e 1 seized " but not in " e 12 ".
 */
static char *
norm(const char *s)
{
	char *f = cdn_fold(s), *out, *w;
	int space = 1;

	if (!f || (out = malloc(strlen(f) + 3)) == NULL) {
		free(f);
		return NULL;
	}
	w = out;
	*w++ = ' ';
	for (const unsigned char *p = (const unsigned char *)f; *p; p++) {
		int word = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p >= 0x80;

		if (word) {
			*w++ = (char)*p;
			space = 0;
		} else if (!space) {
			*w++ = ' ';
			space = 1;
		}
	}
	if (!space)
		*w++ = ' ';
	*w = '\0';
	free(f);
	return out;
}

/* Add `value` to a set of phrases (the partner may not see them, or it
 * may): folded, without the spaces at its ends; a single word only if it
 * has 3 characters. */
static int
phrase_add(struct cdn_share *sh, struct cdn_intern *set, const char *value)
{
	char *v;
	size_t n;
	int added, rc = 0;

	if (!value || !*value)
		return 0;
	if ((v = norm(value)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	n = strlen(v);
	/* Scripts written without spaces between words (Chinese, Thai, Lao,
	 * Khmer …) cannot be looked up by words: such a value is also looked
	 * for anywhere in the text. */
	for (size_t i = 1; set == &sh->secrets && i + 1 < n; i++)
		if ((unsigned char)v[i] >= 0x80) {
			if (n - 2 >= 3 && cdn_intern_add(&sh->unspaced, v + 1, n - 2, &added) < 0)
				rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			break;
		}
	/* Cut after PHRASE_MAX words: the rest cannot be looked up. */
	for (size_t i = 1, words = 0; i < n; i++)
		if (v[i] == ' ' && ++words == PHRASE_MAX) {
			v[i + 1] = '\0';
			n = i + 1;
			break;
		}
	if (n > 2 && (n >= 5 || strchr(v + 1, ' ') != v + n - 1) &&
	    cdn_intern_add(set, v + 1, n - 2, &added) < 0)
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	free(v);
	return rc;
}

/* --- what is known of each record ----------------------------------------------------- */

static int
one_of(const char *s, const char *const *list)
{
	for (int i = 0; s && list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static int
in_list(json_t *list, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (s && json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

static const struct cdn_field *
field_named(const struct cdn_field *fields, const char *name)
{
	for (const struct cdn_field *f = fields; f && f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

int64_t
cdn_share_created_ms(json_t *rec)
{
	int64_t t = 0;
	char why[CDN_WHY_MAX];
	const char *s = json_string_value(json_object_get(rec, "created_at"));

	return s && cdn_time_parse(s, &t, why) == 0 ? t * 1000 : 0;
}

int64_t
cdn_share_version_ms(json_t *rec)
{
	int64_t t = 0;
	char why[CDN_WHY_MAX];
	const char *s = json_string_value(json_object_get(rec, "updated_at"));
	json_int_t v = json_integer_value(json_object_get(rec, "version"));

	if (!s || cdn_time_parse(s, &t, why) != 0)
		return 0;
	return t * 1000 + (v > 0 ? v % 1000 : 0);
}

void
cdn_share_format_ms(int64_t ms, char buf[32])
{
	char s[32];

	cdn_time_format(ms >= 0 ? ms / 1000 : (ms - 999) / 1000, s);
	/* "YYYY-MM-DDTHH:MM:SSZ" → "YYYY-MM-DDTHH:MM:SS.mmmZ" */
	snprintf(buf, 32, "%.19s.%03dZ", s, (int)(((ms % 1000) + 1000) % 1000));
}

/* The number of record `id` in the share, with room for its state. */
static int64_t
id_num(struct cdn_share *sh, const char *id)
{
	int added;
	int64_t i = cdn_intern_add(&sh->ids, id, strlen(id), &added);

	if (i < 0)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if (added) {
		if (cdn_grow(&sh->st, &sh->cap, (size_t)i + 1, sizeof *sh->st, 1024) != 0)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		memset(&sh->st[i], 0, sizeof *sh->st);
		sh->st[i].from = sh->st[i].to = sh->st[i].route = -1;
	}
	return i;
}

static const char *
id_of(struct cdn_share *sh, int64_t i, char buf[CDN_ID_MAX + 1])
{
	size_t len;
	const unsigned char *b = cdn_intern_bytes(&sh->ids, (size_t)i, &len);

	snprintf(buf, CDN_ID_MAX + 1, "%.*s", (int)len, (const char *)b);
	return buf;
}

/*
 * Learn record `id` (once): `*num` its number; with `rec` not NULL,
 * `*rec` the stored record (a new reference), or NULL if it is missing.
 */
static int
load(struct cdn_share *sh, const char *id, int64_t *num, json_t **rec)
{
	struct cdn_id rid;
	struct rstate *s;
	json_t *r = NULL;
	int64_t i;
	int rc;

	if (rec)
		*rec = NULL;
	if ((i = id_num(sh, id)) < 0)
		return (int)i;
	*num = i;
	s = &sh->st[i];
	if (s->loaded && (!rec || s->loaded < 0))
		return 0;
	if (cdn_id_parse(id, &rid) != 0) {
		cdn_error_clear();
		s->loaded = -1;
		return 0;
	}
	if ((rc = cdn_record_get(sh->txn, id, &r)) != 0) {
		if (rc != CDN_ENOTFOUND)
			return rc;
		cdn_error_clear();
		s->loaded = -1;
		s->kind = rid.kind;
		return 0;
	}
	if (!s->loaded) {
		const char *etype = json_string_value(json_object_get(r, "type"));

		s->loaded = 1;
		s->kind = rid.kind;
		s->seq = rid.seq;
		s->tlp = (int8_t)cdn_tlp_rank(json_string_value(json_object_get(r, "tlp")));
		s->modified = cdn_share_version_ms(r);
		s->name_open = rid.kind == CDN_ENTITY && one_of(etype, open_names);
		s->visible = s->tlp >= 0 && s->tlp <= sh->ceiling && rid.kind != CDN_EVIDENCE &&
		    !(rid.kind == CDN_ENTITY && !sh->nominal && one_of(etype, personal_types));
		if (rid.kind == CDN_SEIZURE && json_is_string(json_object_get(r, "route"))) {
			int64_t ri = id_num(sh, json_string_value(json_object_get(r, "route")));

			if (ri < 0) {
				json_decref(r);
				return (int)ri;
			}
			s = &sh->st[i];
			s->route = ri;
		}
		if (rid.kind == CDN_LINK) {
			const char *from = json_string_value(json_object_get(r, "from"));
			const char *to = json_string_value(json_object_get(r, "to"));
			int64_t f, t;

			if (!from || !to || (f = id_num(sh, from)) < 0 || (t = id_num(sh, to)) < 0) {
				json_decref(r);
				return from && to ? -1 : cdn_error_set(CDN_ESTORE, NULL, "link %s is damaged",
				    id);
			}
			s = &sh->st[i];
			s->from = f;
			s->to = t;
		}
		if (!s->visible)
			sh->stats.withheld++;
	}
	if (rec)
		*rec = r;
	else
		json_decref(r);
	return 0;
}

/* A link's ends must both be shared, and the link itself. */
static int
visible(struct cdn_share *sh, int64_t i)
{
	struct rstate *s = &sh->st[i];

	if (s->loaded <= 0 || !s->visible)
		return 0;
	if (s->kind == CDN_LINK)
		return s->from >= 0 && s->to >= 0 && sh->st[s->from].loaded > 0 &&
		    sh->st[s->from].visible && sh->st[s->to].loaded > 0 && sh->st[s->to].visible;
	return 1;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The links touching record `i`, from the index alone and once: no link
 * is read until it matters (a company in ten thousand seizures is in many
 * groups, and few of its links are between the members of any). */
static int
links_of(struct cdn_share *sh, int64_t i)
{
	char id[CDN_ID_MAX + 1];
	uint64_t *v = NULL;
	size_t n = 0;
	int rc;

	if (sh->st[i].links_done)
		return 0;
	id_of(sh, i, id);
	if ((rc = cdn_link_seqs(sh->txn, id, &v, &n)) != 0)
		return rc;
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_u64);
	sh->st[i].links = v;
	sh->st[i].nlinks = n;
	sh->st[i].links_done = 1;
	return 0;
}

/* Link `seq` as a record of the share: its number, once read. */
static int
load_link(struct cdn_share *sh, uint64_t seq, int64_t *li)
{
	char id[CDN_ID_MAX];

	cdn_id_format((struct cdn_id){ CDN_LINK, seq }, id);
	return load(sh, id, li, NULL);
}

/* --- redaction ------------------------------------------------------------------------ */

struct rctx {
	struct cdn_share *sh;
	int name_open;		/* the entity's names are shared */
	int rc;			/* an error met on the way */
};

static int
keep(const struct rctx *c, enum cdn_share_class cls)
{
	switch (cls) {
	case SH_NEVER: return 0;
	case SH_NOMINAL: return c->sh->nominal;
	case SH_NAME: return c->sh->nominal || c->name_open;
	default: return 1;
	}
}

/* Collect what the partner may not see of entity `rec` and case `rec`. */
static int
secrets_of(void *arg, json_t *rec)
{
	struct cdn_share *sh = arg;
	const char *id = json_string_value(json_object_get(rec, "id"));
	const char *type = json_string_value(json_object_get(rec, "type"));
	int tlp = cdn_tlp_rank(json_string_value(json_object_get(rec, "tlp")));
	int withheld = tlp < 0 || tlp > sh->ceiling || (!sh->nominal && one_of(type, personal_types));
	const struct cdn_field *idf = cdn_schema_lookup(CDN_ENTITY, "identifiers");
	const char *k;
	json_t *v;
	size_t i;
	int rc = 0;

	/* A case's title under non-nominal, or of a withheld case. */
	if (id && id[0] == 'C') {
		if (withheld || !sh->nominal)
			rc = phrase_add(sh, &sh->secrets, json_string_value(json_object_get(rec, "title")));
		return rc;
	}
	/* A route's carriers (companies) likewise. */
	if (id && id[0] == 'R') {
		json_array_foreach(json_object_get(rec, "legs"), i, v)
			if (withheld || !sh->nominal)
				rc |= phrase_add(sh, &sh->secrets, json_string_value(json_object_get(v,
				    "carrier")));
		return rc ? cdn_error_set(CDN_ENOMEM, NULL, "out of memory") : 0;
	}
	/* What of an entity the partner receives, and what it may not. */
	{
		int names = !withheld && (sh->nominal || one_of(type, open_names));
		struct cdn_intern *nset = names ? &sh->allowed : &sh->secrets;

		rc |= phrase_add(sh, nset, json_string_value(json_object_get(rec, "name")));
		json_array_foreach(json_object_get(rec, "aliases"), i, v)
			rc |= phrase_add(sh, nset, json_string_value(v));
		if (!names)
			rc |= phrase_add(sh, &sh->secrets, json_string_value(json_object_get(rec,
			    "born_on")));
		json_object_foreach(json_object_get(rec, "identifiers"), k, v) {
			const struct cdn_field *f = field_named(idf->sub, k);
			int shared = !withheld && (sh->nominal || (f && f->share == SH_OPEN));

			rc |= phrase_add(sh, shared ? &sh->allowed : &sh->secrets, json_string_value(v));
		}
	}
	return rc;
}

/*
 * Under nominal, a case's title and a route's carriers are secret only if
 * it is withheld, which is rare, and a store may hold tens of thousands of
 * cases: only those whose bytes hold the key "tlp" and a level above the
 * ceiling, side by side, are parsed (under non-nominal, all are). The
 * test is safe because a key and a short string are always written the
 * same way (MessagePack's fixstr; in the JSON text of a store not yet
 * upgraded, "tlp":"LEVEL"); a false match (an attribute named tlp, those
 * bytes inside a longer string) only costs a parse.
 */
static int
raw_secrets(void *arg, const char *json, size_t len)
{
	struct cdn_share *sh = arg;
	int text = cdn_rec_is_text(json, len);
	char pat[32];
	json_t *rec;
	int rc, hit = !sh->nominal;

	for (int t = sh->ceiling + 1; t <= CDN_TLP_RED && !hit; t++) {
		const char *lvl = cdn_tlp_name(t);
		int n = text ? snprintf(pat, sizeof pat, "\"tlp\":\"%s\"", lvl) :
		    snprintf(pat, sizeof pat, "\xa3tlp%c%s", (char)(0xa0 | strlen(lvl)), lvl);

		hit = memmem(json, len, pat, (size_t)n) != NULL;
	}
	if (!hit)
		return 0;
	if ((rc = cdn_rec_decode(json, len, "record", &rec)) != 0)
		return rc;
	rc = secrets_of(sh, rec);
	json_decref(rec);
	return rc;
}

static int
make_secrets(struct cdn_share *sh)
{
	struct cdn_query q = { .kind = CDN_ENTITY };
	int rc;

	if (sh->secrets_made)
		return sh->secrets_rc;
	sh->secrets_made = 1;
	if ((rc = cdn_query_run(sh->txn, &q, secrets_of, sh)) == 0 &&
	    (rc = cdn_scan_raw(sh->txn, CDN_CASE, raw_secrets, sh)) == 0)
		rc = cdn_scan_raw(sh->txn, CDN_ROUTE, raw_secrets, sh);
	return sh->secrets_rc = rc;
}

/* 1 if folded text `t` holds a secret phrase or the id of a withheld
 * record; -1 on an error. */
static int
reveals(struct cdn_share *sh, const char *t)
{
	const char *w[PHRASE_MAX + 1];
	size_t len[PHRASE_MAX + 1];
	const char *p = t;
	int n = 0;

	for (size_t i = 0; i < sh->unspaced.n; i++) {
		size_t l;
		const unsigned char *u = cdn_intern_bytes(&sh->unspaced, i, &l);

		if (memmem(t, strlen(t), u, l) && cdn_intern_find(&sh->allowed, u, l) < 0)
			return 1;
	}

	/* A window of the last PHRASE_MAX words, each phrase ending at the
	 * newest word looked up. */
	while (*p) {
		const char *start;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ' ')
			p++;
		if (n == PHRASE_MAX) {
			memmove(w, w + 1, (PHRASE_MAX - 1) * sizeof *w);
			memmove(len, len + 1, (PHRASE_MAX - 1) * sizeof *len);
			n--;
		}
		w[n] = start;
		len[n++] = (size_t)(p - start);
		for (int k = n - 1; k >= 0; k--) {
			size_t l = (size_t)(w[n - 1] + len[n - 1] - w[k]);

			if (cdn_intern_find(&sh->secrets, w[k], l) >= 0 &&
			    cdn_intern_find(&sh->allowed, w[k], l) < 0)
				return 1;
		}
		/* An id: a kind letter, then a number ("s 3" from "S-3"). */
		if (n >= 2 && len[n - 2] == 1 && w[n - 2][0] >= 'a' && w[n - 2][0] <= 'z' &&
		    cdn_kind_parse((char[]){ (char)(w[n - 2][0] - 'a' + 'A'), '\0' }) >= 0 &&
		    strspn(w[n - 1], "0123456789") == len[n - 1] && len[n - 1] < 20) {
			char id[24];
			int64_t i;

			snprintf(id, sizeof id, "%c-%.*s", w[n - 2][0] - 'a' + 'A', (int)len[n - 1],
			    w[n - 1]);
			if (load(sh, id, &i, NULL) != 0)
				return -1;
			if (sh->st[i].loaded > 0 && !visible(sh, i))
				return 1;
		}
	}
	return 0;
}

#define TEXTS_MAX	(1u << 16)	/* verdicts kept */
#define TEXT_KEPT_MAX	256		/* bytes of a text whose verdict is kept */

/* A copy of string `v` unless it reveals what the partner may not see. */
static json_t *
guarded(struct rctx *c, json_t *v)
{
	struct cdn_share *sh = c->sh;
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	int64_t i = -1;
	char *t;
	int bad, added;

	if ((c->rc = c->rc ? c->rc : make_secrets(sh)) != 0)
		return NULL;
	if (len <= TEXT_KEPT_MAX && (i = cdn_intern_find(&sh->texts, s, len)) >= 0) {
		bad = sh->bad[i];
	} else {
		if ((t = norm(s)) == NULL) {
			c->rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			return NULL;
		}
		bad = reveals(sh, t);
		free(t);
		if (bad < 0) {
			c->rc = cdn_error_last()->code ? cdn_error_last()->code : CDN_ESTORE;
			return NULL;
		}
		/* Kept if it is short and there is room; else checked again. */
		if (len <= TEXT_KEPT_MAX && sh->texts.n < TEXTS_MAX &&
		    cdn_grow(&sh->bad, &sh->badcap, sh->texts.n + 1, 1, 1024) == 0 &&
		    (i = cdn_intern_add(&sh->texts, s, len, &added)) >= 0)
			sh->bad[i] = (uint8_t)bad;
	}
	if (bad) {
		c->sh->stats.texts_dropped++;
		return NULL;
	}
	return json_incref(v);
}

static json_t *redact_value(struct rctx *c, const struct cdn_field *f, json_t *v);

static json_t *
redact_object(struct rctx *c, const struct cdn_field *fields, json_t *obj, int custom)
{
	/* A key the table does not name (a custom identifier): nominal. */
	static const struct cdn_field unnamed = { "", FT_STRING, 0 };
	json_t *out = json_object(), *v, *nv;
	const char *key;

	if (!out)
		return NULL;
	json_object_foreach(obj, key, v) {
		const struct cdn_field *f = field_named(fields, key);

		if (!f && !custom)
			continue;
		/* A key no table names (an attribute, a custom identifier) is
		 * someone's free text too. */
		if (!f && keep(c, SH_NOMINAL)) {
			json_t *k = json_string(key), *gk = k ? guarded(c, k) : NULL;

			json_decref(k);
			json_decref(gk);
			if (!gk)
				continue;
		}
		if ((nv = redact_value(c, f ? f : &unnamed, v)) != NULL)
			json_object_set_new(out, key, nv);
	}
	if (json_object_size(out) == 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static json_t *
redact_value(struct rctx *c, const struct cdn_field *f, json_t *v)
{
	if (!keep(c, f->share))
		return NULL;
	if (json_is_object(v)) {
		if (f->type == FT_OBJECT)
			return redact_object(c, f->sub, v, (f->flags & F_CUSTOM) != 0);
		/* Attributes: free text and numbers, none of them named. */
		return redact_object(c, NULL, v, 1);
	}
	if (json_is_array(v)) {
		json_t *out = json_array(), *item, *nv;
		size_t i;

		if (!out || !f->sub)
			return out;
		json_array_foreach(v, i, item)
			if ((nv = redact_value(c, f->sub, item)) != NULL)
				json_array_append_new(out, nv);
		if (json_array_size(out) == 0) {
			json_decref(out);
			return NULL;
		}
		return out;
	}
	if (json_is_string(v)) {
		if (f->share == SH_REF) {
			int64_t i;

			int rc = load(c->sh, json_string_value(v), &i, NULL);

			if (rc != 0) {
				c->rc = rc;
				return NULL;
			}
			return visible(c->sh, i) ? json_incref(v) : NULL;
		}
		if (f->share == SH_TEXT || f->share == SH_NAME || f->share == SH_NOMINAL)
			return guarded(c, v);
		/* A custom value of a list ("x-…" link types) is free text. */
		if (f->type == FT_ENUM && (f->flags & F_CUSTOM)) {
			const char *t = json_string_value(v);
			int known = 0;

			for (int k = 0; f->values && f->values[k]; k++)
				known |= strcmp(f->values[k], t) == 0;
			if (!known)
				return guarded(c, v);
		}
	}
	return json_incref(v);
}

/* Append to `buf` (holding `*n` bytes of `cap`), cutting what does not
 * fit at a character's start, so the text stays valid UTF-8. */
static void __attribute__((format(printf, 4, 5)))
append(char *buf, size_t cap, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n + 1 >= cap)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *n, cap - *n, fmt, ap);
	va_end(ap);
	if (w < 0)
		return;
	if ((size_t)w < cap - *n) {
		*n += (size_t)w;
		return;
	}
	*n = cap - 1;
	/* Back off the bytes of a character cut short. */
	while (*n > 0 && ((unsigned char)buf[*n - 1] & 0xc0) == 0x80)
		(*n)--;
	if (*n > 0 && (unsigned char)buf[*n - 1] >= 0xc0)
		(*n)--;
	buf[*n] = '\0';
}

/* The route's countries as "KE → MY → VN". */
static void
route_path(json_t *rec, char *buf, size_t cap)
{
	json_t *t;
	size_t i, n = 0;

	buf[0] = '\0';
	append(buf, cap, &n, "%s", json_string_value(json_object_get(rec, "origin")) ?: "?");
	json_array_foreach(json_object_get(rec, "transit"), i, t)
		append(buf, cap, &n, " → %s", json_string_value(t) ?: "?");
	append(buf, cap, &n, " → %s", json_string_value(json_object_get(rec, "destination")) ?: "?");
}

static const char *
rule_title(struct cdn_share *sh, const char *rule)
{
	json_t *t = json_object_get(sh->rule_titles, rule), *r = NULL;
	char key[96];

	if (t)
		return json_string_value(t);
	snprintf(key, sizeof key, "rule/%s", rule);
	if (cdn_meta_get_json(sh->txn, key, &r) != 0)
		cdn_error_clear();
	t = json_object_get(r, "title");
	json_object_set_new(sh->rule_titles, rule, json_string(json_is_string(t) ?
	    json_string_value(t) : rule));
	json_decref(r);
	return json_string_value(json_object_get(sh->rule_titles, rule));
}

/* A display name the partner may see, from what it does see. */
static void
add_label(struct rctx *c, enum cdn_kind kind, json_t *rec, json_t *out, const char *rule)
{
	const char *id = json_string_value(json_object_get(out, "id"));
	const char *s;
	char buf[512], path[256];
	size_t n = 0;
	json_t *v;

	buf[0] = '\0';
	switch (kind) {
	case CDN_ENTITY:
		if ((s = json_string_value(json_object_get(out, "name"))) != NULL)
			append(buf, sizeof buf, &n, "%s", s);
		else
			append(buf, sizeof buf, &n, "%s %s (name withheld)",
			    json_string_value(json_object_get(rec, "type")) ?: "entity", id);
		break;
	case CDN_CASE:
		if ((s = json_string_value(json_object_get(out, "title"))) != NULL)
			append(buf, sizeof buf, &n, "%s", s);
		else
			append(buf, sizeof buf, &n, "case %s", id);
		break;
	case CDN_SEIZURE:
		v = json_object_get(out, "commodity");
		s = json_string_value(json_object_get(v, "description"));
		append(buf, sizeof buf, &n, "%s: %s%s%s", id,
		    json_string_value(json_object_get(v, "category")) ?: "seizure", s ? ", " : "", s ?: "");
		break;
	case CDN_ROUTE:
		route_path(out, path, sizeof path);
		append(buf, sizeof buf, &n, "%s: %s", id, path);
		break;
	case CDN_LINK:
		append(buf, sizeof buf, &n, "%s %s %s", json_string_value(json_object_get(out, "from")) ?: "?",
		    json_string_value(json_object_get(out, "type")) ?: "link",
		    json_string_value(json_object_get(out, "to")) ?: "?");
		break;
	case CDN_ALERT:
		if ((s = json_string_value(json_object_get(out, "title"))) != NULL) {
			append(buf, sizeof buf, &n, "%s", s);
		} else {
			json_t *t = json_string(rule_title(c->sh, rule));
			json_t *g = t ? guarded(c, t) : NULL;

			append(buf, sizeof buf, &n, "%s: %s", id, g ? json_string_value(g) :
			    json_string_value(json_object_get(out, "rule")) ?: "alert");
			json_decref(t);
			json_decref(g);
		}
		break;
	default:
		append(buf, sizeof buf, &n, "%s", id);
	}
	/* Valid UTF-8 by construction; the id if, even so, it is not. */
	if (json_object_set_new(out, "label", json_string(buf)) != 0)
		json_object_set_new(out, "label", json_string(id ? id : "?"));
}

/* Record `rec` as the partner sees it: `*out`, or NULL if nothing of it
 * may be seen. */
static int
redact(struct cdn_share *sh, enum cdn_kind kind, json_t *rec, json_t **out)
{
	const char *etype = json_string_value(json_object_get(rec, "type"));
	struct rctx c = { sh, kind == CDN_ENTITY && one_of(etype, open_names), 0 };
	const struct cdn_field top = { "", FT_OBJECT, 0, .sub = cdn_schema_fields(kind),
		.share = SH_OPEN };

	*out = redact_value(&c, &top, rec);
	if (*out && c.rc == 0)
		add_label(&c, kind, rec, *out, json_string_value(json_object_get(rec, "rule")) ?: "");
	if (c.rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return c.rc;
}

/* --- groups ---------------------------------------------------------------------------- */

/* A group being built: its members' numbers and, for those it will
 * give, their stored records (NULL for one an earlier group gave). */
struct build {
	int64_t head;
	json_t *head_rec;
	int64_t *mem;
	json_t **recs;
	size_t n, cap;
};

static void
build_clear(struct build *b)
{
	for (size_t i = 0; i < b->n; i++)
		json_decref(b->recs[i]);
	json_decref(b->head_rec);
	free(b->mem);
	free(b->recs);
	memset(b, 0, sizeof *b);
}

/* Take record `id` into the group if the partner may see it. A record
 * is read once when first met, and again only for a group that gives it. */
static int
add_member(struct cdn_share *sh, struct build *b, const char *id)
{
	json_t *rec = NULL;
	int64_t i;
	int rc, first;

	if ((i = id_num(sh, id)) < 0)
		return (int)i;
	first = !sh->st[i].loaded;
	if ((rc = load(sh, id, &i, first ? &rec : NULL)) != 0)
		return rc;
	if (i == b->head || sh->st[i].mark == sh->group || !visible(sh, i) ||
	    sh->st[i].kind == CDN_ALERT || sh->st[i].kind == CDN_LINK ||
	    sh->st[i].kind == CDN_CASE) {
		json_decref(rec);
		return 0;
	}
	if ((sh->flags & CDN_SHARE_ONCE) && sh->st[i].given) {
		json_decref(rec);
		rec = NULL;
	} else if (!rec && ((rc = load(sh, id, &i, &rec)) != 0 || !rec)) {
		return rc;
	}
	if (b->n == b->cap) {
		size_t cap = b->cap;
		json_t **recs;

		if (cdn_grow(&b->mem, &cap, b->n + 1, sizeof *b->mem, 16) != 0 ||
		    (recs = realloc(b->recs, cap * sizeof *b->recs)) == NULL) {
			json_decref(rec);
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		}
		b->recs = recs;
		b->cap = cap;
	}
	sh->st[i].mark = sh->group;
	b->mem[b->n] = i;
	b->recs[b->n++] = rec;
	return 0;
}

/* The routes of the seizures among the members. */
static int
add_routes(struct cdn_share *sh, struct build *b)
{
	size_t n = b->n;
	int rc;

	for (size_t k = 0; k < n; k++) {
		int64_t r = sh->st[b->mem[k]].route;

		char id[CDN_ID_MAX + 1];

		if (r >= 0 && (rc = add_member(sh, b, id_of(sh, r, id))) != 0)
			return rc;
	}
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	struct cdn_id i, j;

	if (cdn_id_parse(json_string_value(json_object_get(x, "id")), &i) != 0 ||
	    cdn_id_parse(json_string_value(json_object_get(y, "id")), &j) != 0)
		return 0;
	if (i.kind != j.kind)
		return (int)i.kind - (int)j.kind;
	return i.seq < j.seq ? -1 : i.seq > j.seq;
}

/* A member, for putting them in id order (kind, then number). */
struct member {
	int64_t i;
	json_t *rec;
};

static int
cmp_member(const void *a, const void *b, void *arg)
{
	const struct rstate *st = arg;
	const struct rstate *x = &st[((const struct member *)a)->i];
	const struct rstate *y = &st[((const struct member *)b)->i];

	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The links between the members of a group (and its head) into g's
 * link_ids, in id order: for each pair, the shorter list's links looked
 * up in the longer's, so a hub's thousands of links cost a search each
 * the short side has, never a read. */
static int
group_links(struct cdn_share *sh, struct build *b, struct member *order, struct cdn_share_group *g)
{
	uint64_t *found = NULL;
	size_t nfound = 0, cap = 0, n = b->n + 1;
	int rc = 0;

	for (size_t x = 0; x < n && rc == 0; x++)
		rc = links_of(sh, x < b->n ? order[x].i : b->head);
	for (size_t x = 0; x < n && rc == 0; x++) {
		int64_t a = x < b->n ? order[x].i : b->head;

		for (size_t y = x + 1; y < n && rc == 0; y++) {
			int64_t c = y < b->n ? order[y].i : b->head;
			struct rstate *s = &sh->st[a], *l = &sh->st[c];

			if (s->nlinks > l->nlinks) {
				struct rstate *t = s;

				s = l;
				l = t;
			}
			for (size_t k = 0; k < s->nlinks; k++) {
				if (!bsearch(&s->links[k], l->links, l->nlinks, sizeof *l->links, cmp_u64))
					continue;
				if (cdn_grow(&found, &cap, nfound + 1, sizeof *found, 16) != 0) {
					rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
					break;
				}
				found[nfound++] = s->links[k];
			}
		}
	}
	if (nfound > 1)
		qsort(found, nfound, sizeof *found, cmp_u64);
	for (size_t k = 0; k < nfound && rc == 0; k++) {
		char lid[CDN_ID_MAX + 1];
		struct rstate *ls;
		int64_t li;

		if ((k > 0 && found[k] == found[k - 1]) || (rc = load_link(sh, found[k], &li)) != 0)
			continue;
		ls = &sh->st[li];
		if (ls->mark == sh->group || !visible(sh, li))
			continue;
		ls->mark = sh->group;
		json_array_append_new(g->link_ids, json_string(id_of(sh, li, lid)));
		if (ls->tlp > g->tlp)
			g->tlp = ls->tlp;
		if (ls->modified > g->modified)
			g->modified = ls->modified;
	}
	free(found);
	return rc;
}

/* Fill `g` from a built group and hand it to `fn`. */
static int
emit(struct cdn_share *sh, struct build *b, json_t *head, cdn_share_fn fn, void *arg,
    int64_t since)
{
	struct cdn_share_group g = { 0 };
	struct member *order = NULL;
	int rc = 0;

	g.kind = sh->st[b->head].kind;
	g.members = json_array();
	g.member_ids = json_array();
	g.links = json_array();
	g.link_ids = json_array();
	g.tlp = sh->st[b->head].tlp;
	g.modified = sh->st[b->head].modified;
	if (!g.members || !g.member_ids || !g.links || !g.link_ids) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	/* Members in id order, so that the same state gives the same bytes. */
	if ((order = calloc(b->n + 1, sizeof *order)) == NULL) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < b->n; k++)
		order[k] = (struct member){ b->mem[k], b->recs[k] };
	qsort_r(order, b->n, sizeof *order, cmp_member, sh->st);
	for (size_t k = 0; k < b->n; k++) {
		int64_t i = order[k].i;
		struct rstate *s = &sh->st[i];

		char id[CDN_ID_MAX + 1];

		json_array_append_new(g.member_ids, json_string(id_of(sh, i, id)));
		if (s->tlp > g.tlp)
			g.tlp = s->tlp;
		if (s->modified > g.modified)
			g.modified = s->modified;
	}
	/* Links between members, and between members and the head: a link
	 * in the index lists of two of them. */
	if ((rc = group_links(sh, b, order, &g)) != 0)
		goto out;
	if (since && g.modified < since)
		goto out;
	/* Now the contents, as the partner may see them. */
	for (size_t k = 0; k < b->n; k++) {
		int64_t i = order[k].i;
		json_t *r;

		if (!order[k].rec)	/* given by an earlier group */
			continue;
		if ((rc = redact(sh, sh->st[i].kind, order[k].rec, &r)) != 0)
			goto out;
		if (r) {
			json_array_append_new(g.members, r);
			sh->stats.records += !sh->st[i].given;
		}
		sh->st[i].given = 1;
	}
	json_t *lid;
	size_t k;

	json_array_foreach(g.link_ids, k, lid) {
		const char *id = json_string_value(lid);
		int64_t i = cdn_intern_find(&sh->ids, id, strlen(id));
		json_t *lrec = NULL, *r;

		if ((sh->flags & CDN_SHARE_ONCE) && sh->st[i].given)
			continue;
		if ((rc = cdn_record_get(sh->txn, id, &lrec)) != 0)
			goto out;
		if ((rc = redact(sh, CDN_LINK, lrec, &r)) == 0 && r) {
			json_array_append_new(g.links, r);
			sh->stats.links += !sh->st[i].given;
		}
		json_decref(lrec);
		if (rc != 0)
			goto out;
		sh->st[i].given = 1;
	}
	/* The alert or case itself. */
	if ((rc = redact(sh, g.kind, head, &g.head)) != 0)
		goto out;
	if (!g.head) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	g.id = json_string_value(json_object_get(head, "id"));
	sh->stats.groups++;
	rc = fn(arg, &g);
out:
	free(order);
	json_decref(g.head);
	json_decref(g.members);
	json_decref(g.member_ids);
	json_decref(g.links);
	json_decref(g.link_ids);
	return rc;
}

struct walk {
	struct cdn_share *sh;
	cdn_share_fn fn;
	void *arg;
	int rc;
};

static void
progress(struct cdn_share *sh, int last)
{
	sh->done++;
	if (sh->req->progress && (last || (sh->done & 255) == 0))
		sh->req->progress(sh->req->progress_arg, sh->done, sh->total);
}

/* An alert the policy selects. */
static int
selected(struct cdn_share *sh, json_t *a)
{
	json_t *t;
	size_t i;

	if (sh->rules && !in_list(sh->rules, json_string_value(json_object_get(a, "rule"))))
		return 0;
	if (sh->severities && !in_list(sh->severities, json_string_value(json_object_get(a,
	    "severity"))))
		return 0;
	if (!in_list(sh->statuses, json_string_value(json_object_get(a, "status"))))
		return 0;
	if (sh->tags) {
		json_array_foreach(json_object_get(a, "tags"), i, t)
			if (in_list(sh->tags, json_string_value(t)))
				break;
		if (i == json_array_size(json_object_get(a, "tags")))
			return 0;
	}
	return 1;
}

static int
walk_alert(void *arg, json_t *a)
{
	struct walk *w = arg;
	struct cdn_share *sh = w->sh;
	struct build b = { 0 };
	const char *id = json_string_value(json_object_get(a, "id"));
	json_t *ref;
	size_t i;

	progress(sh, 0);
	if (!id || !selected(sh, a))
		return 0;
	sh->group++;
	if ((w->rc = load(sh, id, &b.head, NULL)) != 0)
		return 1;
	if (!visible(sh, b.head))
		return 0;
	json_array_foreach(json_object_get(a, "refs"), i, ref)
		if (json_is_string(ref) && (w->rc = add_member(sh, &b, json_string_value(ref))) != 0)
			goto out;
	if ((w->rc = add_routes(sh, &b)) != 0)
		goto out;
	/* An alert none of whose records may be shared says nothing the
	 * partner may know: it is not shared either. */
	if (b.n > 0)
		w->rc = emit(sh, &b, a, w->fn, w->arg, sh->since);
out:
	build_clear(&b);
	return w->rc != 0;
}

static int
add_seizure(void *arg, json_t *s)
{
	struct walk *w = arg;

	w->rc = add_member(w->sh, (struct build *)w->arg, json_string_value(json_object_get(s, "id")));
	return w->rc != 0;
}

/* A case shared whole: its seizures, their routes, what is linked to it
 * and to them. */
static int
walk_case(struct walk *w, const char *id)
{
	struct cdn_share *sh = w->sh;
	struct build b = { 0 };
	struct cdn_cond cond = { "case", id };
	struct cdn_query q = { .kind = CDN_SEIZURE, .where = &cond, .nwhere = 1 };
	struct walk inner = { sh, NULL, &b, 0 };
	size_t n;
	int rc;

	progress(sh, 0);
	sh->group++;
	if ((rc = load(sh, id, &b.head, &b.head_rec)) != 0 || !b.head_rec || !visible(sh, b.head))
		goto out;
	if ((rc = cdn_query_run(sh->txn, &q, add_seizure, &inner)) != 0 || (rc = inner.rc) != 0)
		goto out;
	n = b.n;
	/* What is linked to the case and to each of its seizures. */
	for (size_t k = 0; k <= n; k++) {
		int64_t at = k < n ? b.mem[k] : b.head;

		if ((rc = links_of(sh, at)) != 0)
			goto out;
		for (size_t l = 0; l < sh->st[at].nlinks; l++) {
			int64_t li, other;

			char oid[CDN_ID_MAX + 1];

			if ((rc = load_link(sh, sh->st[at].links[l], &li)) != 0)
				goto out;
			/* What only a withheld link leads to stays out: the
			 * association is what the link's TLP protects. */
			if (sh->st[li].loaded <= 0 || !sh->st[li].visible)
				continue;
			other = sh->st[li].from == at ? sh->st[li].to : sh->st[li].from;
			if (other >= 0 && (rc = add_member(sh, &b, id_of(sh, other, oid))) != 0)
				goto out;
		}
	}
	if ((rc = add_routes(sh, &b)) == 0)
		rc = emit(sh, &b, b.head_rec, w->fn, w->arg, sh->since);
out:
	build_clear(&b);
	return rc;
}

int
cdn_share_walk(struct cdn_share *sh, cdn_share_fn fn, void *arg)
{
	struct walk w = { sh, fn, arg, 0 };
	struct cdn_query q = { .kind = CDN_ALERT };
	json_t *c, *cases = NULL;
	size_t i, n;
	int rc = 0;

	if (cdn_kind_count(sh->txn, CDN_ALERT, &n) == 0)
		sh->total = n + json_array_size(sh->cases);
	cdn_error_clear();
	/* Cases in id order, whatever order the policy names them in. */
	if (sh->cases) {
		json_t **v;

		n = json_array_size(sh->cases);
		if ((cases = json_array()) == NULL || (v = calloc(n + 1, sizeof *v)) == NULL) {
			json_decref(cases);
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		}
		for (i = 0; i < n; i++)
			v[i] = json_pack("{s:O}", "id", json_array_get(sh->cases, i));
		qsort(v, n, sizeof *v, cmp_id);
		for (i = 0; i < n; i++)
			json_array_append_new(cases, v[i]);
		free(v);
	}
	json_array_foreach(cases, i, c)
		if ((rc = walk_case(&w, json_string_value(json_object_get(c, "id")))) != 0)
			break;
	json_decref(cases);
	if (rc == 0 && (rc = cdn_query_run(sh->txn, &q, walk_alert, &w)) != 0 && w.rc)
		rc = w.rc;
	if (rc == 0) {
		sh->done--;
		progress(sh, 1);
	}
	return rc;
}

/* --- opening ----------------------------------------------------------------------------- */

int
cdn_share_open(struct cdn_txn *txn, const struct cdn_share_req *req, unsigned flags,
    struct cdn_share **out)
{
	json_t *partner = req->partner;
	struct cdn_share *sh;
	const char *profile = json_string_value(json_object_get(partner, "profile"));
	int ceiling = cdn_tlp_rank(json_string_value(json_object_get(partner, "max_tlp")));
	int64_t since = 0;
	int rc;

	*out = NULL;
	if (ceiling < 0 || ceiling >= CDN_TLP_RED)
		return cdn_error_set(CDN_EINVAL, "max_tlp", "the partner's ceiling must be clear, "
		    "green, amber or amber+strict: red is never shared");
	if (req->since) {
		char why[CDN_WHY_MAX];

		if (cdn_time_parse(req->since, &since, why) != 0)
			return cdn_error_set(CDN_EUSAGE, "since", "%s", why);
		since *= 1000;
	}
	if ((sh = calloc(1, sizeof *sh)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	sh->txn = txn;
	sh->req = req;
	sh->since = since;
	sh->partner = json_incref(partner);
	sh->ceiling = ceiling;
	sh->nominal = profile && strcmp(profile, "nominal") == 0;
	sh->flags = flags;
	sh->rules = json_is_array(json_object_get(partner, "rules")) ?
	    json_object_get(partner, "rules") : NULL;
	sh->severities = json_is_array(json_object_get(partner, "severities")) ?
	    json_object_get(partner, "severities") : NULL;
	sh->tags = json_is_array(json_object_get(partner, "tags")) ?
	    json_object_get(partner, "tags") : NULL;
	sh->statuses = json_object_get(partner, "statuses");
	sh->cases = json_is_array(json_object_get(partner, "cases")) ?
	    json_object_get(partner, "cases") : NULL;
	if ((sh->rule_titles = json_object()) == NULL)
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	else
		rc = cdn_org_get(txn, &sh->org);
	if (rc != 0) {
		cdn_share_free(sh);
		return rc;
	}
	*out = sh;
	return 0;
}

void
cdn_share_free(struct cdn_share *sh)
{
	if (!sh)
		return;
	for (size_t i = 0; i < sh->ids.n; i++)
		free(sh->st[i].links);
	cdn_intern_free(&sh->secrets);
	cdn_intern_free(&sh->unspaced);
	cdn_intern_free(&sh->allowed);
	cdn_intern_free(&sh->texts);
	free(sh->bad);
	free(sh->st);
	cdn_intern_free(&sh->ids);
	json_decref(sh->partner);
	json_decref(sh->org);
	json_decref(sh->rule_titles);
	free(sh);
}

const struct cdn_share_stats *
cdn_share_stats(const struct cdn_share *sh)
{
	return &sh->stats;
}

json_t *
cdn_share_org(const struct cdn_share *sh)
{
	return sh->org;
}

/* --- preview ------------------------------------------------------------------------------- */

struct preview {
	json_t *groups;
	size_t limit;
	int more;
};

static int
preview_group(void *arg, const struct cdn_share_group *g)
{
	struct preview *p = arg;

	if (json_array_size(p->groups) >= p->limit) {
		p->more = 1;
		return 0;
	}
	json_array_append_new(p->groups, json_pack("{s:s,s:s,s:s,s:O,s:O,s:O}", "id", g->id, "kind",
	    cdn_kind_info(g->kind)->name, "tlp", cdn_tlp_name(g->tlp), "head", g->head, "members",
	    g->members, "links", g->links));
	return 0;
}

int
cdn_share_preview(struct cdn_store *st, const char *name, const char *since, size_t limit,
    json_t **out)
{
	struct cdn_share_req req = { NULL, since, NULL, NULL };
	struct preview p = { json_array(), limit, 0 };
	struct cdn_share *sh = NULL;
	struct cdn_txn *txn;
	int rc;

	*out = NULL;
	if (!p.groups)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0) {
		json_decref(p.groups);
		return rc;
	}
	if ((rc = cdn_partner_get_txn(txn, name, &req.partner)) == 0 &&
	    (rc = cdn_share_open(txn, &req, 0, &sh)) == 0 &&
	    (rc = cdn_share_walk(sh, preview_group, &p)) == 0) {
		const struct cdn_share_stats *s = cdn_share_stats(sh);

		*out = json_pack("{s:s,s:O,s:b,s:{s:I,s:I,s:I,s:I,s:I}}", "partner", name, "groups",
		    p.groups, "more", p.more, "stats", "groups", (json_int_t)s->groups, "records",
		    (json_int_t)s->records, "links", (json_int_t)s->links, "withheld",
		    (json_int_t)s->withheld, "texts_dropped", (json_int_t)s->texts_dropped);
		if (!*out)
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	cdn_share_free(sh);
	cdn_txn_abort(txn);
	json_decref(req.partner);
	json_decref(p.groups);
	return rc;
}
