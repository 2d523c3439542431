/*
 * taxii.c - TAXII 2.1, read-only, under /taxii2/ (routes.h): each partner's
 * collection of the STIX objects its sharing policy lets it receive, for
 * its MISP, OpenCTI or any TAXII 2.1 client to pull page by page.
 *
 *   GET /taxii2/                                  discovery
 *   GET /taxii2/api/                              the one API root
 *   GET /taxii2/api/collections/                  the caller's collections
 *   GET /taxii2/api/collections/ID/               one collection
 *   GET /taxii2/api/collections/ID/objects/       an envelope of objects
 *   GET /taxii2/api/collections/ID/objects/OID/   one object, in an envelope
 *   GET /taxii2/api/collections/ID/objects/OID/versions/
 *   GET /taxii2/api/collections/ID/manifest/      what the objects are
 *
 * Who: the Authorization header alone (auth.c: a bearer token, or HTTP
 * Basic with a user name and that user's token; no session cookies). A
 * partner sees exactly its own collection, supervisors and admins every
 * partner's, other roles nothing (403). A collection the caller may not
 * see is answered 404, as one that does not exist.
 *
 * What: a collection holds the objects of `cordon export stix --partner
 * NAME`, with the same ids and bytes (cdn_stix_walk), one version of each:
 * the current one. An object's date_added is the newest of its own
 * `modified`, the policy's `updated_at` and the `modified` of every shared
 * group (alert, case) it is part of, so that an object that changed,
 * joined another alert, or whose partner's policy changed is offered again
 * to a client polling with added_after. Record timestamps have whole
 * seconds (the milliseconds count versions): an object is shown only once
 * SETTLE_MS have passed since its date_added, so that a write made after a
 * client's poll can never carry a date_added the client has gone past.
 *
 * Paging: objects go in (date_added, id) order. `next` is the position of
 * the last object given, with a MAC under a key made when the server
 * starts: a page follows the position whatever changed meanwhile (what
 * changed moves behind it), and an altered token is refused.
 *
 * Cost: building a collection walks every shared record, so each one built
 * is kept, serialised and sorted, while the store's audit head and the
 * partner's version stay the same; a page is then a slice of it. At most
 * CACHE_MAX collections and CACHE_BYTES are kept (one larger is built for
 * each request). Handlers run on the server's pool threads: the cache is
 * under a mutex; a collection, immutable once built, is reference counted,
 * so a request goes on with the one it took while another replaces it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "cordon/audit.h"
#include "cordon/error.h"
#include "cordon/partner.h"
#include "cordon/record.h"
#include "cordon/share.h"
#include "cordon/stix.h"
#include "auth.h"
#include "routes.h"

#define TAXII_TYPE	"application/taxii+json;version=2.1"
#define STIX_TYPE	"application/stix+json;version=2.1"
#define ROOT_PATH	"/taxii2/api/"
#define COLL_PREFIX	"taxii-collection--"
#define PAGE_DEFAULT	100
#define PAGE_MAX	1000
#define SETTLE_MS	2000		/* an object shows this long after its date_added */
#define CACHE_MAX	8		/* collections kept */
#define CACHE_BYTES	((size_t)128 << 20)
#define SEGS_MAX	6		/* path segments after /taxii2/ */
#define SEG_MAX		300		/* bytes of a segment: a STIX id at most */
#define ARGS_MAX	32		/* query parameters */
#define MATCH_MAX	64		/* values of one match[…] filter */
#define MAC_LEN		16
#define TOKEN_MAX	512		/* characters of a next token */

/* --- collections ---------------------------------------------------------------------- */

struct item {
	int64_t added;			/* date_added (ms) */
	int64_t version;		/* its modified, or created (ms) */
	char *id;			/* "type--uuid" */
	size_t tlen;			/* the length of its type, in id */
	char *text;			/* the object as the bundle has it */
	size_t len;
};

struct coll {
	char partner[65];
	uint64_t seq;			/* the audit head it was built at */
	json_int_t pversion;		/* and the partner's version */
	struct item *items;		/* by (added, id) */
	size_t n;
	struct item **by_id;
	size_t bytes;
	unsigned refs;			/* the cache's and each request's */
	uint64_t used;
};

static struct {
	pthread_mutex_t lock;
	struct coll *c[CACHE_MAX];
	size_t bytes;
	uint64_t tick;
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void
coll_free(struct coll *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].id);
		free(c->items[i].text);
	}
	free(c->items);
	free(c->by_id);
	free(c);
}

/* Let go of a collection taken with coll_get. */
static void
coll_put(struct coll *c)
{
	int last;

	if (!c)
		return;
	pthread_mutex_lock(&cache.lock);
	last = --c->refs == 0;
	pthread_mutex_unlock(&cache.lock);
	if (last)
		coll_free(c);
}

/* Take slot `i` out of the cache (locked by the caller). */
static void
cache_drop(size_t i)
{
	struct coll *c = cache.c[i];

	cache.c[i] = NULL;
	cache.bytes -= c->bytes;
	if (--c->refs == 0)
		coll_free(c);
}

void
http_taxii_free(void)
{
	pthread_mutex_lock(&cache.lock);
	for (size_t i = 0; i < CACHE_MAX; i++)
		if (cache.c[i])
			cache_drop(i);
	pthread_mutex_unlock(&cache.lock);
}

/* Keep `c`, newly built, in place of its partner's older one, making room
 * by dropping the least recently used. */
static void
cache_keep(struct coll *c)
{
	size_t i, free_slot = CACHE_MAX;

	if (c->bytes > CACHE_BYTES)
		return;
	pthread_mutex_lock(&cache.lock);
	for (i = 0; i < CACHE_MAX; i++)
		if (cache.c[i] && strcmp(cache.c[i]->partner, c->partner) == 0) {
			/* One from a newer snapshot, built meanwhile, stays. */
			if (cache.c[i]->seq >= c->seq) {
				pthread_mutex_unlock(&cache.lock);
				return;
			}
			cache_drop(i);
		}
	for (;;) {
		size_t lru = CACHE_MAX;

		free_slot = CACHE_MAX;
		for (i = 0; i < CACHE_MAX; i++) {
			if (!cache.c[i])
				free_slot = i;
			else if (lru == CACHE_MAX || cache.c[i]->used < cache.c[lru]->used)
				lru = i;
		}
		if (free_slot < CACHE_MAX && cache.bytes + c->bytes <= CACHE_BYTES)
			break;
		if (lru == CACHE_MAX) {		/* cannot be: an empty cache has room */
			pthread_mutex_unlock(&cache.lock);
			return;
		}
		cache_drop(lru);
	}
	cache.c[free_slot] = c;
	cache.bytes += c->bytes;
	c->refs++;
	c->used = ++cache.tick;
	pthread_mutex_unlock(&cache.lock);
}

/*
 * A timestamp as TAXII and STIX write it, "YYYY-MM-DDTHH:MM:SS[.s+]Z", in
 * milliseconds (digits past them dropped: for a whole number x, x > t
 * exactly when x > t truncated). -1 if it is not one.
 */
static int
ts_parse(const char *s, int64_t *ms)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	int v[6] = { 0 }, f = 0, digits = 0;
	struct tm tm = { 0 }, back;
	const char *p;
	time_t t;

	if (!s)
		return -1;
	for (int i = 0, k = 0; shape[i]; i++) {
		if (shape[i] != 'd') {
			if (s[i] != shape[i])
				return -1;
			k++;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v[k] = v[k] * 10 + (s[i] - '0');
	}
	p = s + sizeof shape - 1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 3)
				f = f * 10 + (*p - '0');
		if (digits == 0 || digits > 9)
			return -1;
		for (int d = digits; d < 3; d++)
			f *= 10;
	}
	if (p[0] != 'Z' || p[1])
		return -1;
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	back = tm;
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[3] > 23 || v[4] > 59 || v[5] > 59)
		return -1;
	t = timegm(&tm);
	/* timegm moves 31 April to 1 May: such a date is no date. */
	if (tm.tm_mday != back.tm_mday || tm.tm_mon != back.tm_mon)
		return -1;
	*ms = (int64_t)t * 1000 + f;
	return 0;
}

static int
pos_cmp(int64_t a_added, const char *a_id, int64_t b_added, const char *b_id)
{
	if (a_added != b_added)
		return a_added < b_added ? -1 : 1;
	return strcmp(a_id, b_id);
}

static int
item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return pos_cmp(x->added, x->id, y->added, y->id);
}

static int
by_id_cmp(const void *a, const void *b)
{
	return strcmp((*(struct item *const *)a)->id, (*(struct item *const *)b)->id);
}

/* While a collection is built: the items by id, to find each group's. */
struct build {
	struct coll *c;
	size_t cap;
	int64_t floor;			/* the policy's updated_at (ms) */
	uint32_t *slots;		/* item number + 1, 0 for none */
	size_t nslots;			/* a power of two, at least twice c->n */
};

static size_t
id_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static int64_t
build_find(const struct build *b, const char *id)
{
	if (!id || !b->nslots)
		return -1;
	for (size_t i = id_hash(id) & (b->nslots - 1);; i = (i + 1) & (b->nslots - 1)) {
		uint32_t s = b->slots[i];

		if (s == 0)
			return -1;
		if (strcmp(b->c->items[s - 1].id, id) == 0)
			return (int64_t)s - 1;
	}
}

/* Index item `k` by its id, growing the table to stay at most half full. */
static int
build_index(struct build *b, size_t k)
{
	size_t mask;

	if (2 * (k + 1) > b->nslots) {
		size_t n = b->nslots ? 2 * b->nslots : 1024;
		uint32_t *s = calloc(n, sizeof *s);

		if (!s)
			return -1;
		free(b->slots);
		b->slots = s;
		b->nslots = n;
		for (size_t j = 0; j < k; j++)
			build_index(b, j);
	}
	mask = b->nslots - 1;
	for (size_t i = id_hash(b->c->items[k].id) & mask;; i = (i + 1) & mask)
		if (b->slots[i] == 0) {
			b->slots[i] = (uint32_t)k + 1;
			return 0;
		}
}

static int64_t
max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* cdn_stix_fn: keep the objects first given here, serialised as the
 * bundle writes them, and date every object of the group by it. */
static int
build_group(void *arg, json_t *objects, json_t *ids, int64_t modified)
{
	struct build *b = arg;
	struct coll *c = b->c;
	json_t *o, *v;
	size_t i;

	json_array_foreach(objects, i, o) {
		const char *id = json_string_value(json_object_get(o, "id"));
		const char *ver = json_string_value(json_object_get(o, "modified"));
		const char *sep = id ? strstr(id, "--") : NULL;
		struct item *it;

		/* Neither can happen: stix.c gives each object once, with an id. */
		if (!sep || strlen(id) > SEG_MAX || build_find(b, id) >= 0)
			continue;
		if (c->n == b->cap) {
			size_t cap = b->cap ? 2 * b->cap : 256;
			struct item *n = realloc(c->items, cap * sizeof *n);

			if (!n)
				return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			c->items = n;
			b->cap = cap;
		}
		it = &c->items[c->n];
		memset(it, 0, sizeof *it);
		if (ts_parse(ver ? ver : json_string_value(json_object_get(o, "created")),
		    &it->version) != 0)
			it->version = 0;
		it->added = max64(max64(it->version, b->floor), modified);
		it->tlen = (size_t)(sep - id);
		it->id = strdup(id);
		it->text = json_dumps(o, JSON_COMPACT | CDN_JSON_REAL);
		if (!it->id || !it->text) {
			free(it->id);
			free(it->text);
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		}
		it->len = strlen(it->text);
		c->bytes += sizeof *it + sizeof(struct item *) + it->len + 1 + strlen(id) + 1;
		if (build_index(b, c->n++) != 0)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	/* Every object of the group, given here or before, is new with it. */
	json_array_foreach(ids, i, v) {
		int64_t k = build_find(b, json_string_value(v));

		if (k >= 0)
			c->items[k].added = max64(c->items[k].added, modified);
	}
	return 0;
}

static int
coll_build(struct cdn_txn *txn, json_t *partner, uint64_t seq, json_int_t pversion,
    struct coll **out)
{
	struct cdn_share_req req = { .partner = partner };
	struct build b = { .floor = cdn_share_version_ms(partner) };
	int rc;

	*out = NULL;
	if ((b.c = calloc(1, sizeof *b.c)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	snprintf(b.c->partner, sizeof b.c->partner, "%s",
	    json_string_value(json_object_get(partner, "name")) ?: "");
	b.c->seq = seq;
	b.c->pversion = pversion;
	b.c->refs = 1;
	rc = cdn_stix_walk(txn, &req, build_group, &b, NULL);
	free(b.slots);
	if (rc == 0 && b.c->n && (b.c->by_id = malloc(b.c->n * sizeof *b.c->by_id)) == NULL)
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if (rc != 0) {
		coll_free(b.c);
		return rc;
	}
	qsort(b.c->items, b.c->n, sizeof *b.c->items, item_cmp);
	for (size_t i = 0; i < b.c->n; i++)
		b.c->by_id[i] = &b.c->items[i];
	qsort(b.c->by_id, b.c->n, sizeof *b.c->by_id, by_id_cmp);
	*out = b.c;
	return 0;
}

/* The partner's collection as the store is in `txn`: kept, or built. */
static int
coll_get(struct cdn_txn *txn, json_t *partner, struct coll **out)
{
	const char *name = json_string_value(json_object_get(partner, "name"));
	json_int_t pversion = json_integer_value(json_object_get(partner, "version"));
	struct coll *c = NULL;
	uint64_t seq;
	int rc;

	*out = NULL;
	if (!name)
		return cdn_error_set(CDN_ESTORE, NULL, "a partner without a name");
	if ((rc = cdn_audit_head(txn, &seq)) != 0)
		return rc;
	pthread_mutex_lock(&cache.lock);
	for (size_t i = 0; i < CACHE_MAX; i++)
		if (cache.c[i] && cache.c[i]->seq == seq && cache.c[i]->pversion == pversion &&
		    strcmp(cache.c[i]->partner, name) == 0) {
			c = cache.c[i];
			c->refs++;
			c->used = ++cache.tick;
			break;
		}
	pthread_mutex_unlock(&cache.lock);
	if (!c) {
		if ((rc = coll_build(txn, partner, seq, pversion, &c)) != 0)
			return rc;
		cache_keep(c);
	}
	*out = c;
	return 0;
}

/* The first item after position (added, id) in `c`; with no id, the
 * first whose date_added is after `added`. */
static size_t
coll_after(const struct coll *c, int64_t added, const char *id)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct item *it = &c->items[mid];
		int after = id ? pos_cmp(it->added, it->id, added, id) > 0 : it->added > added;

		if (after)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static struct item *
coll_find(const struct coll *c, const char *id)
{
	struct item key = { .id = (char *)id }, *k = &key, **found;

	found = c->n ? bsearch(&k, c->by_id, c->n, sizeof *c->by_id, by_id_cmp) : NULL;
	return found ? *found : NULL;
}

/* The part of a partner's STIX-like collection id after "--" (empty,
 * matching no request, if the digest could not be made). */
static void
coll_id(struct cdn_txn *txn, const char *name, char out[40])
{
	char sid[128];

	cdn_stix_id(txn, "taxii-collection", name, sid);
	snprintf(out, 40, "%s", sid + strlen(COLL_PREFIX));
}

/* --- next tokens ----------------------------------------------------------------------- */

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static unsigned char mac_key[32];
static int mac_key_ok;

static void
key_make(void)
{
	mac_key_ok = RAND_bytes(mac_key, sizeof mac_key) == 1;
}

/* The MAC of position bytes `pos` in collection `cid`. */
static int
token_mac(const char *cid, const unsigned char *pos, size_t len, unsigned char out[32])
{
	unsigned char buf[SEG_MAX + 1 + 8 + SEG_MAX];
	size_t n = strlen(cid) + 1;
	unsigned int outlen = 0;

	pthread_once(&key_once, key_make);
	if (!mac_key_ok || n + len > sizeof buf)
		return -1;
	memcpy(buf, cid, n);
	memcpy(buf + n, pos, len);
	return HMAC(EVP_sha256(), mac_key, sizeof mac_key, buf, n + len, out, &outlen) ? 0 : -1;
}

/* A next token for the position of `it` in collection `cid`: base64url of
 * its date_added (8 bytes, big-endian), its id and their MAC. */
static int
token_make(const char *cid, const struct item *it, char out[TOKEN_MAX + 1])
{
	unsigned char raw[8 + SEG_MAX + 32];
	size_t idlen = strlen(it->id), n = 8 + idlen;
	int len;

	if (idlen > SEG_MAX)
		return -1;
	for (int i = 0; i < 8; i++)
		raw[i] = (unsigned char)((uint64_t)it->added >> (56 - 8 * i));
	memcpy(raw + 8, it->id, idlen);
	if (token_mac(cid, raw, n, raw + n) != 0)
		return -1;
	n += MAC_LEN;
	if (4 * ((n + 2) / 3) > TOKEN_MAX)
		return -1;
	len = EVP_EncodeBlock((unsigned char *)out, raw, (int)n);
	while (len > 0 && out[len - 1] == '=')
		len--;
	out[len] = '\0';
	for (int i = 0; i < len; i++)
		out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
	return 0;
}

/* The position a next token names, if it is one made for collection
 * `cid`; -1 for anything else. */
static int
token_read(const char *cid, const char *tok, int64_t *added, char id[SEG_MAX + 1])
{
	unsigned char raw[TOKEN_MAX], mac[32];
	char b64[TOKEN_MAX + 4];
	size_t len = strlen(tok), pad, n, idlen;
	uint64_t a = 0;
	int got;

	if (len == 0 || len > TOKEN_MAX || len % 4 == 1)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char ch = tok[i];

		if (ch == '-')
			ch = '+';
		else if (ch == '_')
			ch = '/';
		else if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9')))
			return -1;
		b64[i] = ch;
	}
	pad = (4 - len % 4) % 4;
	memset(b64 + len, '=', pad);
	if ((got = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)(len + pad))) < 0)
		return -1;
	n = (size_t)got - pad;
	if (n < 8 + 1 + MAC_LEN || (idlen = n - 8 - MAC_LEN) > SEG_MAX ||
	    token_mac(cid, raw, 8 + idlen, mac) != 0 ||
	    CRYPTO_memcmp(mac, raw + 8 + idlen, MAC_LEN) != 0)
		return -1;
	for (int i = 0; i < 8; i++)
		a = a << 8 | raw[i];
	*added = (int64_t)a;
	memcpy(id, raw + 8, idlen);
	id[idlen] = '\0';
	return strlen(id) == idlen ? 0 : -1;
}

/* --- requests ---------------------------------------------------------------------------- */

enum kind { K_DISCOVERY, K_ROOT, K_COLLECTIONS, K_COLLECTION, K_OBJECTS, K_OBJECT, K_VERSIONS,
	K_MANIFEST };

struct route {
	enum kind kind;
	char cid[SEG_MAX + 1], oid[SEG_MAX + 1];
};

/* Which resource `path` (under /taxii2) names; -1 for none. The
 * trailing slash TAXII puts on every URL may be left out. */
static int
route_parse(const char *path, struct route *rt)
{
	const char *seg[SEGS_MAX + 1];
	size_t len[SEGS_MAX + 1], n = 0;
	const char *p = path + strlen("/taxii2");

	memset(rt, 0, sizeof *rt);
	while (*p == '/' && p[1]) {
		const char *e = strchr(p + 1, '/');
		size_t l = e ? (size_t)(e - p - 1) : strlen(p + 1);

		if (l == 0 || l > SEG_MAX || n == SEGS_MAX)
			return -1;
		seg[n] = p + 1;
		len[n++] = l;
		p += 1 + l;
	}
	if (*p && !(*p == '/' && !p[1]))
		return -1;
#define SEG(i, s) (len[i] == strlen(s) && strncmp(seg[i], s, len[i]) == 0)
	if (n == 0) {
		rt->kind = K_DISCOVERY;
		return 0;
	}
	if (!SEG(0, "api"))
		return -1;
	if (n == 1) {
		rt->kind = K_ROOT;
		return 0;
	}
	if (!SEG(1, "collections"))
		return -1;
	if (n == 2) {
		rt->kind = K_COLLECTIONS;
		return 0;
	}
	memcpy(rt->cid, seg[2], len[2]);
	if (n == 3)
		rt->kind = K_COLLECTION;
	else if (n == 4 && SEG(3, "objects"))
		rt->kind = K_OBJECTS;
	else if (n == 4 && SEG(3, "manifest"))
		rt->kind = K_MANIFEST;
	else if (n >= 5 && SEG(3, "objects") && (n == 5 || (n == 6 && SEG(5, "versions")))) {
		memcpy(rt->oid, seg[4], len[4]);
		rt->kind = n == 5 ? K_OBJECT : K_VERSIONS;
	} else
		return -1;
#undef SEG
	return 0;
}

const char *
http_taxii_route(const char *path)
{
	static const char *const labels[] = {
		[K_DISCOVERY] = "/taxii2/",
		[K_ROOT] = "/taxii2/api/",
		[K_COLLECTIONS] = "/taxii2/api/collections/",
		[K_COLLECTION] = "/taxii2/api/collections/{id}/",
		[K_OBJECTS] = "/taxii2/api/collections/{id}/objects/",
		[K_OBJECT] = "/taxii2/api/collections/{id}/objects/{id}/",
		[K_VERSIONS] = "/taxii2/api/collections/{id}/objects/{id}/versions/",
		[K_MANIFEST] = "/taxii2/api/collections/{id}/manifest/",
	};
	struct route rt;

	return route_parse(path, &rt) == 0 ? labels[rt.kind] : "/taxii2/{other}";
}

/* An answer in TAXII's media type, `json` stolen. */
static enum MHD_Result
send_json(struct http_req *r, unsigned status, json_t *json, const char *const (*extra)[2],
    size_t n)
{
	char *text = json ? json_dumps(json, JSON_COMPACT | CDN_JSON_REAL) : NULL;

	json_decref(json);
	if (!text)
		return MHD_NO;
	return http_send(r, status, TAXII_TYPE, text, strlen(text), extra, n);
}

/* A TAXII error message: title, description and http_status. */
static enum MHD_Result
fail(struct http_req *r, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum MHD_Result
fail(struct http_req *r, unsigned status, const char *fmt, ...)
{
	static const struct {
		unsigned status;
		const char *title;
	} titles[] = {
		{ 400, "Bad request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not found" }, { 405, "Method not allowed" }, { 406, "Not acceptable" },
	};
	static const char *const challenge[][2] = {
		{ "WWW-Authenticate", "Basic realm=\"cordon TAXII\"" },
		{ "WWW-Authenticate", "Bearer realm=\"cordon TAXII\"" },
	};
	static const char *const allow[][2] = { { "Allow", "GET, HEAD" } };
	const char *title = "Internal error";
	char desc[256], code[8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof desc, fmt, ap);
	va_end(ap);
	cdn_error_clear();
	for (size_t i = 0; i < sizeof titles / sizeof *titles; i++)
		if (titles[i].status == status)
			title = titles[i].title;
	snprintf(code, sizeof code, "%u", status);
	return send_json(r, status, json_pack("{s:s,s:s,s:s}", "title", title, "description", desc,
	    "http_status", code), status == 401 ? challenge : status == 405 ? allow : NULL,
	    status == 401 ? 2 : status == 405 ? 1 : 0);
}

/* Does one media range of an Accept header admit TAXII 2.1? */
static int
range_ok(const char *s, size_t n)
{
	char buf[256], *save = NULL, *tok;
	int type_ok = 0, first = 1;

	if (n >= sizeof buf)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save), first = 0) {
		char *e, *v;

		while (*tok == ' ' || *tok == '\t')
			tok++;
		for (e = tok + strlen(tok); e > tok && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = '\0';
		if (first) {
			type_ok = strcasecmp(tok, "*/*") == 0 ||
			    strcasecmp(tok, "application/*") == 0 ||
			    strcasecmp(tok, "application/taxii+json") == 0;
			continue;
		}
		if ((v = strchr(tok, '=')) == NULL)
			continue;
		for (e = v; e > tok && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = '\0';
		for (v++; *v == ' ' || *v == '\t'; v++)
			;
		if (strcasecmp(tok, "version") == 0 && strcmp(v, "2.1") != 0 &&
		    strcmp(v, "\"2.1\"") != 0)
			return 0;
		if (strcasecmp(tok, "q") == 0 && strtod(v, NULL) <= 0)
			return 0;
	}
	return type_ok;
}

static int
accept_ok(const char *h)
{
	if (!h || !*h)
		return 1;
	for (const char *p = h; *p;) {
		size_t n = strcspn(p, ",");

		if (range_ok(p, n))
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* "http://host:port", from the Host header if it is plain, else from the
 * address the connection came to. */
static void
origin(struct http_req *r, char *out, size_t cap)
{
	static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789.:-[]";
	const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST);
	char local[INET6_ADDRSTRLEN + 16] = "localhost";
	size_t n = host ? strlen(host) : 0;

	if (n == 0 || n > 255 || strspn(host, plain) != n) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		char a[INET6_ADDRSTRLEN];

		if (ci && getsockname(ci->connect_fd, (struct sockaddr *)&ss, &sl) == 0) {
			if (ss.ss_family == AF_INET && inet_ntop(AF_INET,
			    &((struct sockaddr_in *)&ss)->sin_addr, a, sizeof a))
				snprintf(local, sizeof local, "%s:%u", a,
				    ntohs(((struct sockaddr_in *)&ss)->sin_port));
			else if (ss.ss_family == AF_INET6 && inet_ntop(AF_INET6,
			    &((struct sockaddr_in6 *)&ss)->sin6_addr, a, sizeof a))
				snprintf(local, sizeof local, "[%s]:%u", a,
				    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
		}
		host = local;
	}
	snprintf(out, cap, "%s://%s", r->tls ? "https" : "http", host);
}

/* --- filters -------------------------------------------------------------------------------- */

enum { M_ID, M_TYPE, M_VERSION, M_SPEC, NMATCH };
static const char *const match_names[NMATCH] = { "match[id]", "match[type]", "match[version]",
	"match[spec_version]" };

/* What a request asks for, as given. */
struct args {
	const char *added_after, *limit, *next, *match[NMATCH];
	unsigned n;
	char twice[32];			/* a parameter given twice */
};

static enum MHD_Result
args_collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct args *a = cls;
	const char **slot = NULL;

	(void)kind;
	a->n++;
	if (http_is(key, "added_after"))
		slot = &a->added_after;
	else if (http_is(key, "limit"))
		slot = &a->limit;
	else if (http_is(key, "next"))
		slot = &a->next;
	for (int i = 0; !slot && i < NMATCH; i++)
		if (http_is(key, match_names[i]))
			slot = &a->match[i];
	/* Anything else is not ours to refuse: TAXII servers ignore it. */
	if (!slot)
		return MHD_YES;
	if (*slot && !a->twice[0])
		snprintf(a->twice, sizeof a->twice, "%s", key);
	*slot = value ? value : "";
	return MHD_YES;
}

/* What a page may hold: the filters, parsed. */
struct filter {
	int64_t after;			/* added_after, or INT64_MIN */
	size_t limit;
	int from;			/* a next token was given: */
	int64_t from_added;		/* the position it names */
	char from_id[SEG_MAX + 1];
	char *buf[NMATCH];		/* the match lists, split in place */
	const char *v[NMATCH][MATCH_MAX];
	size_t nv[NMATCH];
	int any_version;		/* first, last or all asked for, or nothing */
	int64_t versions[MATCH_MAX];
	int spec_ok;			/* match[spec_version] admits 2.1 */
};

static void
filter_free(struct filter *f)
{
	for (int i = 0; i < NMATCH; i++)
		free(f->buf[i]);
}

/* Split a comma-separated list into f->v[m]: 0, or -1 if an item is empty
 * or too long, or there are too many. */
static int
filter_split(struct filter *f, int m, const char *list)
{
	char *p;

	if ((f->buf[m] = strdup(list)) == NULL)
		return -1;
	for (p = f->buf[m];;) {
		char *end = p + strcspn(p, ","), *e = end, last = *end;

		while (*p == ' ')
			p++;
		while (e > p && e[-1] == ' ')
			e--;
		*e = '\0';
		if (e == p || (size_t)(e - p) > SEG_MAX || f->nv[m] == MATCH_MAX)
			return -1;
		f->v[m][f->nv[m]++] = p;
		if (!last)
			return 0;
		p = end + 1;
	}
}

/* Parse the query of a request on collection `cid`: 0, or an answer (400)
 * was queued and its result is in *res. */
static int
filter_parse(struct http_req *r, const char *cid, struct filter *f, enum MHD_Result *res)
{
	struct args a = { 0 };

	memset(f, 0, sizeof *f);
	f->after = INT64_MIN;
	f->limit = PAGE_DEFAULT;
	f->any_version = 1;
	f->spec_ok = 1;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, args_collect, &a);
	if (a.n > ARGS_MAX) {
		*res = fail(r, 400, "at most %d query parameters", ARGS_MAX);
		return -1;
	}
	if (a.twice[0]) {
		*res = fail(r, 400, "%s is given twice: give it once (a list of values is "
		    "comma-separated)", a.twice);
		return -1;
	}
	if (a.added_after && ts_parse(a.added_after, &f->after) != 0) {
		*res = fail(r, 400, "added_after must be a timestamp like "
		    "2026-01-31T08:00:00.000Z");
		return -1;
	}
	if (a.limit) {
		uint64_t n;

		if (http_number(a.limit, 1, PAGE_MAX, &n) != 0) {
			*res = fail(r, 400, "limit must be a whole number from 1 to %d", PAGE_MAX);
			return -1;
		}
		f->limit = n;
	}
	/* Some clients send an empty next on the first page. */
	if (a.next && a.next[0]) {
		if (token_read(cid, a.next, &f->from_added, f->from_id) != 0) {
			*res = fail(r, 400, "next is not a token this collection gave: start again "
			    "without it");
			return -1;
		}
		f->from = 1;
	}
	for (int m = 0; m < NMATCH; m++)
		if (a.match[m] && filter_split(f, m, a.match[m]) != 0) {
			*res = fail(r, 400, "%s must be a comma-separated list of at most %d "
			    "values", match_names[m], MATCH_MAX);
			return -1;
		}
	if (f->nv[M_VERSION]) {
		f->any_version = 0;
		for (size_t i = 0; i < f->nv[M_VERSION]; i++) {
			const char *v = f->v[M_VERSION][i];

			/* One version of each object is kept: it is the first, the last and all. */
			if (http_is(v, "first") || http_is(v, "last") || http_is(v, "all"))
				f->any_version = 1;
			else if (ts_parse(v, &f->versions[i]) != 0) {
				*res = fail(r, 400, "match[version] takes first, last, all or "
				    "timestamps");
				return -1;
			}
		}
	}
	if (f->nv[M_SPEC]) {
		f->spec_ok = 0;
		for (size_t i = 0; i < f->nv[M_SPEC]; i++)
			if (http_is(f->v[M_SPEC][i], "2.1"))
				f->spec_ok = 1;
	}
	return 0;
}

static int
filter_match(const struct filter *f, const struct item *it)
{
	size_t i;

	if (!f->spec_ok || it->added <= f->after)
		return 0;
	if (f->nv[M_ID]) {
		for (i = 0; i < f->nv[M_ID] && strcmp(f->v[M_ID][i], it->id) != 0; i++)
			;
		if (i == f->nv[M_ID])
			return 0;
	}
	if (f->nv[M_TYPE]) {
		for (i = 0; i < f->nv[M_TYPE] && !(strlen(f->v[M_TYPE][i]) == it->tlen &&
		    strncmp(f->v[M_TYPE][i], it->id, it->tlen) == 0); i++)
			;
		if (i == f->nv[M_TYPE])
			return 0;
	}
	if (!f->any_version) {
		for (i = 0; i < f->nv[M_VERSION] && f->versions[i] != it->version; i++)
			;
		if (i == f->nv[M_VERSION])
			return 0;
	}
	return 1;
}

/* A page: the items in [lo, hi) of `c` that pass `f`, after its next
 * position, at most its limit, and whether more would follow. */
struct page {
	const struct item **it;
	size_t n;
	int more;
};

static int
page_take(const struct coll *c, size_t lo, size_t hi, const struct filter *f, struct page *p)
{
	size_t start = coll_after(c, f->after, NULL);

	if (f->from) {
		size_t from = coll_after(c, f->from_added, f->from_id);

		start = from > start ? from : start;
	}
	memset(p, 0, sizeof *p);
	if ((p->it = malloc(f->limit * sizeof *p->it)) == NULL)
		return -1;
	for (size_t i = lo > start ? lo : start; i < hi; i++) {
		if (!filter_match(f, &c->items[i]))
			continue;
		if (p->n == f->limit) {
			p->more = 1;
			break;
		}
		p->it[p->n++] = &c->items[i];
	}
	return 0;
}

/* --- answers ------------------------------------------------------------------------------ */

/* A growing text. */
struct text {
	char *b;
	size_t len, cap;
	int err;
};

static void
text_add(struct text *t, const char *s, size_t n)
{
	if (t->err)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->cap ? 2 * t->cap : 4096) + n;
		char *b = realloc(t->b, cap);

		if (!b) {
			t->err = 1;
			return;
		}
		t->b = b;
		t->cap = cap;
	}
	memcpy(t->b + t->len, s, n);
	t->len += n;
	t->b[t->len] = '\0';
}

static void
text_str(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

/* Answer a page: an envelope of objects, of manifest records, or the
 * versions of one object; X-TAXII-Date-Added-First and -Last say the
 * date_added of its first and last objects. */
static enum MHD_Result
page_answer(struct http_req *r, const char *cid, enum kind kind, const struct page *p)
{
	char first[32], last[32], token[TOKEN_MAX + 1], ts[32];
	const char *const headers[][2] = {
		{ "X-TAXII-Date-Added-First", first }, { "X-TAXII-Date-Added-Last", last },
	};
	struct text t = { 0 };

	if (p->n) {
		cdn_share_format_ms(p->it[0]->added, first);
		cdn_share_format_ms(p->it[p->n - 1]->added, last);
	}
	text_str(&t, p->more ? "{\"more\":true" : "{\"more\":false");
	if (p->more && kind != K_VERSIONS) {
		if (token_make(cid, p->it[p->n - 1], token) != 0) {
			free(t.b);
			return fail(r, 500, "cannot make the next token");
		}
		text_str(&t, ",\"next\":\"");
		text_str(&t, token);
		text_str(&t, "\"");
	}
	if (p->n)
		text_str(&t, kind == K_VERSIONS ? ",\"versions\":[" : ",\"objects\":[");
	for (size_t i = 0; i < p->n; i++) {
		const struct item *it = p->it[i];

		if (i)
			text_str(&t, ",");
		if (kind == K_OBJECTS || kind == K_OBJECT) {
			text_add(&t, it->text, it->len);
			continue;
		}
		cdn_share_format_ms(it->version, ts);
		if (kind == K_VERSIONS) {
			text_str(&t, "\"");
			text_str(&t, ts);
			text_str(&t, "\"");
			continue;
		}
		{
			char added[32], *s;
			json_t *rec;

			cdn_share_format_ms(it->added, added);
			rec = json_pack("{s:s,s:s,s:s,s:s}", "id", it->id, "date_added", added,
			    "version", ts, "media_type", STIX_TYPE);
			s = rec ? json_dumps(rec, JSON_COMPACT) : NULL;
			json_decref(rec);
			if (!s) {
				t.err = 1;
				break;
			}
			text_str(&t, s);
			free(s);
		}
	}
	text_str(&t, p->n ? "]}" : "}");
	if (t.err) {
		free(t.b);
		return fail(r, 500, "out of memory");
	}
	return http_send(r, 200, TAXII_TYPE, t.b, t.len, headers, p->n ? 2 : 0);
}

/* The collection resource of `partner`. */
static json_t *
coll_resource(struct cdn_txn *txn, json_t *partner)
{
	const char *name = json_string_value(json_object_get(partner, "name"));
	const char *tlp = json_string_value(json_object_get(partner, "max_tlp"));
	const char *profile = json_string_value(json_object_get(partner, "profile"));
	char cid[40], desc[256];

	coll_id(txn, name, cid);
	snprintf(desc, sizeof desc, "The alerts and cases shared with %s (TLP up to %s, %s), "
	    "as STIX 2.1 objects", name, tlp ? tlp : "?", profile ? profile : "non-nominal");
	return json_pack("{s:s,s:s,s:s,s:b,s:b,s:[s]}", "id", cid, "title", name, "description",
	    desc, "can_read", 1, "can_write", 0, "media_types", STIX_TYPE);
}

static int
sees_all(const struct http_req *r)
{
	return r->role == CDN_ROLE_SUPERVISOR || r->role == CDN_ROLE_ADMIN;
}

/*
 * The partners (their policies, as read in `txn`) whose collections the
 * caller sees: a partner its own, supervisors and admins those of `all`
 * (cdn_partner_list, read before `txn` began). `*out` a new array.
 */
static json_t *
partners_seen(struct http_req *r, struct cdn_txn *txn, json_t *all)
{
	json_t *out = json_array(), *p, *v;
	size_t i;

	if (!sees_all(r)) {
		if (cdn_partner_get_txn(txn, r->user, &p) == 0)
			json_array_append_new(out, p);
	} else {
		json_array_foreach(all, i, v)
			if (cdn_partner_get_txn(txn, json_string_value(json_object_get(v, "name")),
			    &p) == 0)
				json_array_append_new(out, p);
	}
	/* A partner removed meanwhile is simply not there. */
	cdn_error_clear();
	return out;
}

static enum MHD_Result
discovery(struct http_req *r)
{
	char host[280], root[300];

	origin(r, host, sizeof host);
	snprintf(root, sizeof root, "%s%s", host, ROOT_PATH);
	return send_json(r, 200, json_pack("{s:s,s:s,s:s,s:[s]}", "title", "cordon TAXII",
	    "description", "Alerts and cases shared with partner services, as STIX 2.1, read-only",
	    "default", root, "api_roots", root), NULL, 0);
}

static enum MHD_Result
api_root(struct http_req *r)
{
	struct cdn_txn *txn;
	json_t *org = NULL;
	const char *name;
	char title[200];

	if (cdn_txn_begin(r->st, CDN_TXN_READ, &txn) != 0)
		return fail(r, 500, "the store cannot be read");
	if (cdn_org_get(txn, &org) != 0)
		cdn_error_clear();
	cdn_txn_abort(txn);
	name = json_string_value(json_object_get(org, "name"));
	snprintf(title, sizeof title, "%.150s, shared through cordon", name ? name : "cordon");
	json_decref(org);
	return send_json(r, 200, json_pack("{s:s,s:s,s:[s],s:I}", "title", title, "description",
	    "One collection for each partner service, of what its sharing policy gives it",
	    "versions", TAXII_TYPE, "max_content_length", (json_int_t)HTTP_BODY_MAX), NULL, 0);
}

/* The collections the caller sees, or one of them with what is in it. */
static enum MHD_Result
collections(struct http_req *r, const struct route *rt)
{
	struct cdn_txn *txn = NULL;
	struct filter f = { 0 };
	struct coll *c = NULL;
	struct page p = { 0 };
	json_t *all = NULL, *seen = NULL, *partner = NULL, *v;
	enum MHD_Result res;
	struct timespec now;
	int64_t cutoff;
	size_t i, lo, hi;
	char cid[40];

	if (rt->kind >= K_OBJECTS && !http_is(r->method, "POST")) {
		if (filter_parse(r, rt->cid, &f, &res) != 0)
			goto out;
		/* One object's endpoints take no match[id] nor match[type];
		 * its versions no match[version]. */
		if (rt->kind == K_OBJECT || rt->kind == K_VERSIONS)
			f.nv[M_ID] = f.nv[M_TYPE] = 0;
		if (rt->kind == K_VERSIONS)
			f.any_version = 1;
	}
	/* Only what has settled shows (SETTLE_MS), as of before the snapshot
	 * is taken: a write it misses is newer than that, however long the
	 * collection takes to build. */
	clock_gettime(CLOCK_REALTIME, &now);
	cutoff = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 - SETTLE_MS;
	/* The list opens a transaction of its own: before ours. */
	if ((sees_all(r) && cdn_partner_list(r->st, &all) != 0) ||
	    cdn_txn_begin(r->st, CDN_TXN_READ, &txn) != 0) {
		txn = NULL;
		res = fail(r, 500, "the store cannot be read");
		goto out;
	}
	seen = partners_seen(r, txn, all);
	if (rt->kind == K_COLLECTIONS) {
		/* With none to list, the resource is empty: {}. */
		json_t *body = json_object(), *list = json_array();

		json_array_foreach(seen, i, v)
			json_array_append_new(list, coll_resource(txn, v));
		if (json_array_size(list))
			json_object_set(body, "collections", list);
		json_decref(list);
		res = send_json(r, 200, body, NULL, 0);
		goto out;
	}
	json_array_foreach(seen, i, v) {
		coll_id(txn, json_string_value(json_object_get(v, "name")), cid);
		if (http_is(cid, rt->cid))
			partner = v;
	}
	if (!partner) {
		res = fail(r, 404, "no collection %.40s here", rt->cid);
		goto out;
	}
	if (rt->kind == K_COLLECTION) {
		res = send_json(r, 200, coll_resource(txn, partner), NULL, 0);
		goto out;
	}
	if (rt->kind == K_OBJECTS && http_is(r->method, "POST")) {
		res = fail(r, 403, "the collection is read-only (can_write is false)");
		goto out;
	}
	if (coll_get(txn, partner, &c) != 0) {
		res = fail(r, 500, "the collection cannot be made now");
		goto out;
	}
	cdn_txn_abort(txn);
	txn = NULL;
	lo = 0;
	hi = coll_after(c, cutoff - 1, NULL);	/* the first at or after the cutoff */
	if (rt->kind == K_OBJECT || rt->kind == K_VERSIONS) {
		const struct item *it = coll_find(c, rt->oid);

		if (!it || (size_t)(it - c->items) >= hi) {
			res = fail(r, 404, "no object %.100s in this collection", rt->oid);
			goto out;
		}
		lo = (size_t)(it - c->items);
		hi = lo + 1;
	}
	if (page_take(c, lo, hi, &f, &p) != 0) {
		res = fail(r, 500, "out of memory");
		goto out;
	}
	res = page_answer(r, rt->cid, rt->kind, &p);
out:
	if (txn)
		cdn_txn_abort(txn);
	free(p.it);
	coll_put(c);
	json_decref(seen);
	json_decref(all);
	filter_free(&f);
	cdn_error_clear();
	return res;
}

enum MHD_Result
http_taxii(struct http_req *r)
{
	struct route rt;
	int get = http_is(r->method, "GET") || http_is(r->method, "HEAD");
	int who = http_identify_header(r, 1);

	if (who == -2)
		return fail(r, 500, "%s", cdn_error_last()->message);
	if (who != 0)
		return fail(r, 401, "the credentials are not valid: send Authorization: Bearer "
		    "TOKEN, or Basic with the user name and the token");
	if (!r->authed)
		return fail(r, 401, "send Authorization: Bearer TOKEN, or Basic with the user name "
		    "and the token");
	if (r->role != CDN_ROLE_PARTNER && !sees_all(r))
		return fail(r, 403, "the %s role has no TAXII collections", cdn_role_name(r->role));
	if (!accept_ok(MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT)))
		return fail(r, 406, "this server answers " TAXII_TYPE " only");
	if (route_parse(r->path, &rt) != 0)
		return fail(r, 404, "no such TAXII resource");
	/* Adding objects is refused by the collection itself (after its 404). */
	if (!get && !(rt.kind == K_OBJECTS && http_is(r->method, "POST")))
		return fail(r, 405, "%.16s is not allowed here: the TAXII service is read-only",
		    r->method);
	switch (rt.kind) {
	case K_DISCOVERY:
		return discovery(r);
	case K_ROOT:
		return api_root(r);
	default:
		return collections(r, &rt);
	}
}
