/*
 * misp.c - shared records as a MISP feed (misp.h).
 *
 * Like stix.c, data in, files out: the redacted groups of share.c are the
 * only input, so nothing withheld can reach an event. Each group is one
 * event: its alert (an annotation object) or case (a report object)
 * first, then an object per record in the share's id order, a seizure's
 * place as a geolocation object after it. The share's links, and what a
 * seizure came with (its place, its route), are object references; the
 * event's head annotates (alert) or includes (case) every other object.
 *
 * The objects follow the official MISP templates (copies in
 * tests/misp-objects, against which tests/tools/check-misp.py checks every
 * feed): `templates` and `relations` below hold what this file uses of
 * them. doc/partners.md (MISP feed) has the mapping, field by field.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cordon/check.h"
#include "cordon/misp.h"
#include "cordon/record.h"
#include "cordon/share.h"
#include "cordon/stix.h"
#include "grow.h"
#include "internal.h"
#include "json.h"
#include "uuid.h"

/* --- the templates -------------------------------------------------------------- */

enum tmpl { T_PERSON, T_LEGAL_ENTITY, T_VESSEL, T_PHYSICAL, T_POSTAL, T_GEOLOCATION,
	T_TICKET, T_ANNOTATION, T_REPORT, NTMPL };

/* As in objects/NAME/definition.json of MISP/misp-objects. */
static const struct {
	const char *name, *uuid, *version, *meta, *desc;
} templates[NTMPL] = {
	[T_PERSON] = { "person", "a15b0477-e9d1-4b9c-9546-abe78a4f4248", "21", "misc",
	    "An object which describes a person or an identity." },
	[T_LEGAL_ENTITY] = { "legal-entity", "14f5688f-d89c-469f-9878-c48bf6c41c65", "2", "misc",
	    "An object to describe a legal entity." },
	[T_VESSEL] = { "ftm-Vessel", "2ee3df38-7756-4179-abea-ba8d2fbb7c6c", "1", "followthemoney",
	    "A boat or ship" },
	[T_PHYSICAL] = { "physical-object", "dc786f86-4a8f-4da9-82d1-130fcefc1453", "1", "misc",
	    "A generic object to describe a physical object recovered, observed, or seized in an "
	    "investigation." },
	[T_POSTAL] = { "postal-address", "c22cdd17-d38e-42d3-a365-4febdaaaf25e", "4", "misc",
	    "A postal address." },
	[T_GEOLOCATION] = { "geolocation", "cd6f2238-ba55-4888-82c4-104e6e1acf21", "8", "misc",
	    "An object to describe a geographic location." },
	[T_TICKET] = { "transport-ticket", "8d6bd699-86f8-477c-aac3-a7f273c19266", "2", "misc",
	    "A transport ticket." },
	[T_ANNOTATION] = { "annotation", "5d8dc046-15a1-4ca3-a09f-ed4ede7c4487", "3", "misc",
	    "An annotation object allowing analysts to add annotations, comments, executive "
	    "summary to a MISP event, objects or attributes." },
	[T_REPORT] = { "report", "70a68471-df22-4e3f-aa1a-5a3be19f82df", "8", "misc",
	    "Report object to describe a report along with its metadata." },
};

/* Of a template's attribute: it may repeat (R_MULTIPLE), it does not
 * correlate (R_NOCORR); of one value: it does not correlate (A_NOCORR). */
enum { R_MULTIPLE = 1 << 0, R_NOCORR = 1 << 1, A_NOCORR = 1 << 2 };

/*
 * The template attributes used: object_relation, its misp-attribute type,
 * and its category: the first the template lists, else the default MISP
 * gives the type (describeTypes: text, counter, float and datetime
 * "Other"; the person types "Person"; email-src "Payload delivery").
 */
static const struct relation {
	enum tmpl t;
	const char *name, *type, *category;
	unsigned flags;
} relations[] = {
	{ T_PERSON, "full-name", "full-name", "Person", 0 },
	{ T_PERSON, "alias", "text", "Other", R_MULTIPLE },
	{ T_PERSON, "date-of-birth", "date-of-birth", "Person", 0 },
	{ T_PERSON, "nationality", "nationality", "Person", R_MULTIPLE | R_NOCORR },
	{ T_PERSON, "passport-number", "passport-number", "Person", 0 },
	{ T_PERSON, "identity-card-number", "identity-card-number", "Person", 0 },
	{ T_PERSON, "phone-number", "phone-number", "Person", R_MULTIPLE },
	{ T_PERSON, "e-mail", "email-src", "Payload delivery", R_MULTIPLE },
	{ T_PERSON, "text", "text", "Other", R_NOCORR },
	{ T_LEGAL_ENTITY, "name", "text", "Other", 0 },
	{ T_LEGAL_ENTITY, "registration-number", "text", "Other", 0 },
	{ T_LEGAL_ENTITY, "phone-number", "phone-number", "Person", 0 },
	{ T_LEGAL_ENTITY, "text", "text", "Other", R_NOCORR },
	{ T_VESSEL, "name", "text", "Other", R_MULTIPLE },
	{ T_VESSEL, "alias", "text", "Other", R_MULTIPLE },
	{ T_VESSEL, "imoNumber", "text", "Other", R_MULTIPLE },
	{ T_VESSEL, "mmsi", "text", "Other", R_MULTIPLE },
	{ T_VESSEL, "flag", "text", "Other", R_MULTIPLE },
	{ T_VESSEL, "notes", "text", "Other", R_MULTIPLE | R_NOCORR },
	{ T_PHYSICAL, "object-type", "text", "Other", R_NOCORR },
	{ T_PHYSICAL, "name", "text", "Other", R_NOCORR },
	{ T_PHYSICAL, "identifier", "text", "Other", R_MULTIPLE },
	{ T_PHYSICAL, "description", "text", "Other", R_NOCORR },
	{ T_PHYSICAL, "weight", "text", "Other", R_NOCORR },
	{ T_PHYSICAL, "quantity", "counter", "Other", R_NOCORR },
	{ T_PHYSICAL, "estimated-value", "float", "Other", R_NOCORR },
	{ T_PHYSICAL, "acquisition-date", "datetime", "Other", R_NOCORR },
	{ T_PHYSICAL, "location-found", "text", "Other", R_NOCORR },
	{ T_POSTAL, "street", "text", "Other", 0 },
	{ T_POSTAL, "country", "text", "Other", R_NOCORR },
	{ T_POSTAL, "description", "text", "Other", R_NOCORR },
	{ T_GEOLOCATION, "latitude", "float", "Other", R_NOCORR },
	{ T_GEOLOCATION, "longitude", "float", "Other", R_NOCORR },
	{ T_GEOLOCATION, "countrycode", "text", "Other", 0 },
	{ T_GEOLOCATION, "address", "text", "Other", 0 },
	{ T_GEOLOCATION, "text", "text", "Other", R_NOCORR },
	{ T_TICKET, "origin", "text", "Other", R_NOCORR },
	{ T_TICKET, "destination", "text", "Other", R_NOCORR },
	{ T_TICKET, "date-of-departure", "datetime", "Other", R_NOCORR },
	{ T_TICKET, "date-of-arrival", "datetime", "Other", R_NOCORR },
	{ T_TICKET, "type-of-transport", "text", "Other", R_NOCORR },
	{ T_TICKET, "description", "text", "Other", R_NOCORR },
	{ T_TICKET, "company", "text", "Other", R_NOCORR },
	{ T_ANNOTATION, "text", "text", "Other", 0 },
	{ T_ANNOTATION, "type", "text", "Other", R_NOCORR },
	{ T_ANNOTATION, "format", "text", "Other", R_NOCORR },
	{ T_ANNOTATION, "creation-date", "datetime", "Other", 0 },
	{ T_ANNOTATION, "modification-date", "datetime", "Other", 0 },
	{ T_REPORT, "title", "text", "Other", R_MULTIPLE },
	{ T_REPORT, "summary", "text", "Other", R_MULTIPLE },
	{ T_REPORT, "case-number", "text", "Internal reference", 0 },
	{ T_REPORT, "type", "text", "Other", R_NOCORR },
};

/* Link types as relationship types of relationships/definition.json;
 * anything else (a custom x-… type) is related-to. */
static const struct pair {
	const char *from, *to;
} link_relations[] = {
	{ "consignor_of", "sends" }, { "consignee_of", "acquires" }, { "owner_of", "owner-of" },
	{ "director_of", "directs" }, { "employee_of", "works-for" },
	{ "associate_of", "associated-with" }, { "family_of", "Kin" },
	{ "carrier_of", "delivers" }, { "travelled_on", "user-of" },
	{ "registered_to", "registered-to" }, { "used", "uses" }, { "involved_in", "involved-in" },
	{ "seized_from", "recovered-from" }, { "same_as", "same-as" }, { NULL, NULL },
};

/* Severity → threat_level_id (1 high, 2 medium, 3 low, 4 undefined), and
 * status → analysis (0 initial, 1 ongoing, 2 complete). */
static const struct pair threat_levels[] = {
	{ "critical", "1" }, { "high", "1" }, { "medium", "2" }, { "low", "3" }, { NULL, NULL },
};
static const struct pair alert_analysis[] = {
	{ "new", "0" }, { "acknowledged", "1" }, { "escalated", "1" }, { "dismissed", "2" },
	{ "promoted", "2" }, { NULL, NULL },
};
static const struct pair case_analysis[] = {
	{ "open", "0" }, { "investigating", "1" }, { "referred", "1" }, { "prosecuted", "2" },
	{ "closed", "2" }, { NULL, NULL },
};

/* The TLP taxonomy's tags and colours, by TLP rank (red is never shared). */
static const struct pair tlp_tags[] = {
	{ "tlp:clear", "#ffffff" }, { "tlp:green", "#339900" }, { "tlp:amber", "#FFC000" },
	{ "tlp:amber+strict", "#FFC000" },
};
#define CORDON_TAG_COLOUR "#1f4e79"

static const char *const mass_units[] = { "kg", "g", "t", NULL };
static const char *const count_units[] = { "pcs", "packs", "cartons", "heads", NULL };

/* --- small helpers ---------------------------------------------------------------- */

static const char *
str(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static const char *
lookup(const struct pair *p, const char *from, const char *dflt)
{
	for (; from && p->from; p++)
		if (strcmp(p->from, from) == 0)
			return p->to;
	return dflt;
}

static int
one_of(const char *s, const char *const *list)
{
	for (int i = 0; s && list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* The UUID this store gives what `type` names `name`: the part of its
 * STIX id after "--", so that the organisation is the STIX producer. */
static int
uuid_of(struct cdn_txn *txn, const char *type, const char *name, char out[CDN_UUID_LEN + 1])
{
	char id[128];
	const char *u;
	int rc = cdn_stix_id(txn, type, name, id);

	u = strstr(id, "--");
	snprintf(out, CDN_UUID_LEN + 1, "%s", u ? u + 2 : id);
	return rc;
}

/* A JSON number as MISP wants a value: text, with the 15 significant
 * digits the store's JSON keeps (CDN_JSON_REAL). */
static const char *
num_text(json_t *v, char buf[40])
{
	if (json_is_integer(v))
		snprintf(buf, 40, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, 40, "%.15g", json_real_value(v));
	else
		return NULL;
	return buf;
}

static int
whole(json_t *v)
{
	double d = json_number_value(v);

	return json_is_integer(v) || (json_is_real(v) && d == floor(d) && fabs(d) < 1e15);
}

/* A date or date-time as MISP writes a datetime value. */
static const char *
misp_time(const char *s, char buf[40])
{
	char why[CDN_WHY_MAX];
	int64_t t;
	time_t tt;
	struct tm tm;

	if (!s || cdn_time_parse(s, &t, why) != 0)
		return NULL;
	tt = (time_t)t;
	if (!gmtime_r(&tt, &tm) || strftime(buf, 40, "%Y-%m-%dT%H:%M:%S.000000+0000", &tm) == 0)
		return NULL;
	return buf;
}

/* Text built a piece at a time; `err` once memory ran out. */
struct text {
	char *s;
	size_t len, cap;
	int err;
};

static void __attribute__((format(printf, 2, 3)))
text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (t->err || n < 0 || cdn_grow(&t->s, &t->cap, t->len + (size_t)n + 1, 1, 256) != 0) {
		t->err = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* Start a new sentence of `t`. */
static void
text_next(struct text *t)
{
	if (t->len)
		text_add(t, " ");
}

/* --- an event being built ------------------------------------------------------------- */

struct obj {
	json_t *o;		/* the MISP object */
	enum tmpl t;
	char key[80];		/* its UUIDs' name: "A-1/S-3", "A-1/S-3/location" */
	int64_t ts;		/* its timestamp: the record's version, in seconds */
};

#define NO_OBJ ((size_t)-1)

struct feed {
	struct cdn_txn *txn;
	const char *dir;
	json_t *stamps;		/* EVENT-UUID → [timestamp, content SHA-256] */
	json_t *manifest;
	FILE *hashes;
	char hashes_path[PATH_MAX];
	char org_uuid[CDN_UUID_LEN + 1];
	const char *org_name;
	uint64_t events, objects;
};

struct event {
	struct feed *f;
	const struct cdn_share_group *g;
	char uuid[CDN_UUID_LEN + 1];
	struct obj *objs;	/* the head's first */
	size_t n, cap;
	json_t *index;		/* record id → its object's number in objs */
	int rc;			/* the first error: everything after it is skipped */
};

static void
fail(struct event *e, int rc)
{
	if (!e->rc)
		e->rc = rc;
}

static void
oom(struct event *e)
{
	if (!e->rc)
		e->rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
}

static void
ts_text(int64_t s, char buf[24])
{
	snprintf(buf, 24, "%" PRId64, s);
}

/* A new object of template `t` for record `rid` (NULL for one derived
 * from a record); its number in e->objs, or NO_OBJ after an error. */
static size_t
obj_add(struct event *e, enum tmpl t, const char *key, const char *rid, int64_t ts)
{
	char u[CDN_UUID_LEN + 1], tss[24], comment[64];
	struct obj *ob;

	if (e->rc)
		return NO_OBJ;
	if (cdn_grow(&e->objs, &e->cap, e->n + 1, sizeof *e->objs, 16) != 0) {
		oom(e);
		return NO_OBJ;
	}
	ob = &e->objs[e->n];
	memset(ob, 0, sizeof *ob);
	ob->t = t;
	ob->ts = ts;
	snprintf(ob->key, sizeof ob->key, "%s", key);
	if (uuid_of(e->f->txn, "misp-object", key, u) != 0)
		fail(e, CDN_ENOMEM);
	ts_text(ts, tss);
	/* The comment names the record, for partners who write back about it. */
	snprintf(comment, sizeof comment, "cordon %s", rid ? rid : strchr(key, '/') ?
	    strchr(key, '/') + 1 : key);
	ob->o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:[],s:[]}", "uuid", u, "name",
	    templates[t].name, "meta-category", templates[t].meta, "description", templates[t].desc,
	    "template_uuid", templates[t].uuid, "template_version", templates[t].version,
	    "timestamp", tss, "comment", comment, "deleted", 0, "ObjectReference", "Attribute");
	if (!ob->o || (rid && json_object_set_new(e->index, rid, json_integer((json_int_t)e->n)))) {
		json_decref(ob->o);
		oom(e);
		return NO_OBJ;
	}
	return e->n++;
}

static const struct relation *
relation(enum tmpl t, const char *name)
{
	for (size_t i = 0; i < sizeof relations / sizeof *relations; i++)
		if (relations[i].t == t && strcmp(relations[i].name, name) == 0)
			return &relations[i];
	return NULL;
}

/* Add attribute `rel` = `value` (nothing if `value` is NULL or empty). */
static void
put(struct event *e, size_t i, const char *rel, const char *value, unsigned flags,
    const char *comment)
{
	const struct relation *r;
	char key[160], u[CDN_UUID_LEN + 1], tss[24];
	json_t *attrs, *a;
	size_t k, n = 0;

	if (e->rc || i == NO_OBJ || !value || !*value)
		return;
	if ((r = relation(e->objs[i].t, rel)) == NULL) {
		fail(e, cdn_error_set(CDN_EINVAL, NULL, "template %s has no attribute %s",
		    templates[e->objs[i].t].name, rel));
		return;
	}
	attrs = json_object_get(e->objs[i].o, "Attribute");
	json_array_foreach(attrs, k, a)
		n += strcmp(str(a, "object_relation"), rel) == 0;
	if (n > 0 && !(r->flags & R_MULTIPLE)) {
		fail(e, cdn_error_set(CDN_EINVAL, NULL, "template %s allows one %s only",
		    templates[e->objs[i].t].name, rel));
		return;
	}
	if (n == 0)
		snprintf(key, sizeof key, "%s/%s", e->objs[i].key, rel);
	else
		snprintf(key, sizeof key, "%s/%s/%zu", e->objs[i].key, rel, n);
	if (uuid_of(e->f->txn, "misp-attribute", key, u) != 0)
		fail(e, CDN_ENOMEM);
	ts_text(e->objs[i].ts, tss);
	a = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:s,s:b}", "uuid", u, "object_relation",
	    rel, "type", r->type, "category", r->category, "value", value, "timestamp", tss,
	    "to_ids", 0, "disable_correlation", (r->flags & R_NOCORR) || (flags & A_NOCORR),
	    "comment", comment ? comment : "", "deleted", 0);
	if (!a || json_array_append_new(attrs, a) != 0)
		oom(e);
}

static void
put_text(struct event *e, size_t i, const char *rel, struct text *t, unsigned flags)
{
	if (t->err)
		oom(e);
	else if (t->len)
		put(e, i, rel, t->s, flags, NULL);
	free(t->s);
	memset(t, 0, sizeof *t);
}

static void
put_number(struct event *e, size_t i, const char *rel, json_t *v, const char *comment)
{
	char buf[40];

	put(e, i, rel, num_text(v, buf), 0, comment);
}

static void
put_time(struct event *e, size_t i, const char *rel, const char *s)
{
	char buf[40];

	put(e, i, rel, misp_time(s, buf), 0, NULL);
}

/* The name of a record, or its label (the safe display name) when the
 * name is withheld: such a label correlates with nothing. */
static void
put_name(struct event *e, size_t i, const char *rel, json_t *rec)
{
	if (str(rec, "name"))
		put(e, i, rel, str(rec, "name"), 0, NULL);
	else
		put(e, i, rel, str(rec, "label"), A_NOCORR, "display name: the name is withheld");
}

/* A reference from object `from` to object `to`, its UUID made from `key`. */
static void
ref(struct event *e, size_t from, size_t to, const char *rel, const char *key, int64_t ts,
    const char *comment)
{
	char u[CDN_UUID_LEN + 1], tss[24];
	json_t *r;

	if (e->rc || from == NO_OBJ || to == NO_OBJ || from == to)
		return;
	if (uuid_of(e->f->txn, "misp-reference", key, u) != 0)
		fail(e, CDN_ENOMEM);
	ts_text(ts, tss);
	r = json_pack("{s:s,s:O,s:O,s:s,s:s,s:s,s:b}", "uuid", u, "object_uuid",
	    json_object_get(e->objs[from].o, "uuid"), "referenced_uuid",
	    json_object_get(e->objs[to].o, "uuid"), "relationship_type", rel, "timestamp", tss,
	    "comment", comment ? comment : "", "deleted", 0);
	if (!r || json_array_append_new(json_object_get(e->objs[from].o, "ObjectReference"), r))
		oom(e);
}

/* A reference made from what two objects are, not from a link. */
static void
derived_ref(struct event *e, size_t from, size_t to, const char *rel, int64_t ts)
{
	char key[200];

	if (from == NO_OBJ || to == NO_OBJ)
		return;
	snprintf(key, sizeof key, "%s>%s>%s", e->objs[from].key, rel, e->objs[to].key);
	ref(e, from, to, rel, key, ts, NULL);
}

static size_t
obj_of(struct event *e, const char *rid)
{
	json_t *v = rid ? json_object_get(e->index, rid) : NULL;

	return v ? (size_t)json_integer_value(v) : NO_OBJ;
}

/* --- records as objects ------------------------------------------------------------------ */

/* Add "LABELVALUE." to `t` if there is a value. */
static void
sentence(struct text *t, const char *label, const char *value)
{
	size_t n = value ? strlen(value) : 0;

	if (!n)
		return;
	text_next(t);
	text_add(t, "%s%s%s", label, value, value[n - 1] == '.' ? "" : ".");
}

enum { D_COUNTRY = 1 << 0, D_ALIASES = 1 << 1, D_IDS = 1 << 2 };

/*
 * What a template has no attribute for, as sentences: the entity's
 * country, its aliases, and its identifiers other than those in `mapped`.
 */
static void
entity_details(struct text *t, json_t *rec, const char *const *mapped, unsigned what)
{
	json_t *aliases = json_object_get(rec, "aliases"), *v;
	struct text names = { 0 };
	const char *k;
	size_t i;

	if (what & D_COUNTRY)
		sentence(t, "Country: ", str(rec, "country"));
	if (what & D_ALIASES) {
		json_array_foreach(aliases, i, v)
			if (json_is_string(v))
				text_add(&names, "%s%s", names.len ? ", " : "", json_string_value(v));
		sentence(t, "Also known as: ", names.s);
		t->err |= names.err;
		free(names.s);
	}
	if (what & D_IDS) {
		json_object_foreach(json_object_get(rec, "identifiers"), k, v) {
			char label[80];

			if (one_of(k, mapped))
				continue;
			snprintf(label, sizeof label, "%s: ", k);
			sentence(t, label, json_string_value(v));
		}
	}
}

static void
map_entity(struct event *e, json_t *rec, const char *key, int64_t ts)
{
	static const char *const person_ids[] = { "passport", "national_id", "phone", "email",
		NULL };
	static const char *const company_ids[] = { "tax_id", "phone", NULL };
	static const char *const vessel_ids[] = { "imo", "mmsi", NULL };
	static const char *const no_ids[] = { NULL };
	const char *rid = str(rec, "id"), *type = str(rec, "type");
	json_t *ids = json_object_get(rec, "identifiers"), *v;
	struct text t = { 0 };
	const char *k;
	size_t i, n;

	if (type && strcmp(type, "person") == 0) {
		i = obj_add(e, T_PERSON, key, rid, ts);
		if (str(rec, "name"))
			put(e, i, "full-name", str(rec, "name"), 0, NULL);
		else	/* requiredOneOf: full-name, alias, … */
			put(e, i, "alias", str(rec, "label"), A_NOCORR,
			    "display name: the name is withheld");
		json_array_foreach(json_object_get(rec, "aliases"), n, v)
			put(e, i, "alias", json_string_value(v), 0, NULL);
		put(e, i, "date-of-birth", str(rec, "born_on"), 0, NULL);
		put(e, i, "nationality", str(rec, "nationality"), 0, NULL);
		put(e, i, "passport-number", str(ids, "passport"), 0, NULL);
		put(e, i, "identity-card-number", str(ids, "national_id"), 0, NULL);
		put(e, i, "phone-number", str(ids, "phone"), 0, NULL);
		put(e, i, "e-mail", str(ids, "email"), 0, NULL);
		entity_details(&t, rec, person_ids, D_COUNTRY | D_IDS);
		put_text(e, i, "text", &t, 0);
	} else if (type && strcmp(type, "company") == 0) {
		i = obj_add(e, T_LEGAL_ENTITY, key, rid, ts);
		put_name(e, i, "name", rec);
		put(e, i, "registration-number", str(ids, "tax_id"), 0, "tax_id");
		put(e, i, "phone-number", str(ids, "phone"), 0, NULL);
		entity_details(&t, rec, company_ids, D_COUNTRY | D_ALIASES | D_IDS);
		put_text(e, i, "text", &t, 0);
	} else if (type && strcmp(type, "vessel") == 0) {
		i = obj_add(e, T_VESSEL, key, rid, ts);
		put_name(e, i, "name", rec);
		json_array_foreach(json_object_get(rec, "aliases"), n, v)
			put(e, i, "alias", json_string_value(v), 0, NULL);
		put(e, i, "imoNumber", str(ids, "imo"), 0, NULL);
		put(e, i, "mmsi", str(ids, "mmsi"), 0, NULL);
		/* Two letters correlate with every other ship of that flag. */
		put(e, i, "flag", str(rec, "country"), A_NOCORR, NULL);
		entity_details(&t, rec, vessel_ids, D_IDS);
		put_text(e, i, "notes", &t, 0);
	} else if (type && strcmp(type, "address") == 0 &&
	    (str(rec, "name") || str(rec, "country"))) {
		i = obj_add(e, T_POSTAL, key, rid, ts);
		put(e, i, "street", str(rec, "name"), 0, NULL);
		put(e, i, "country", str(rec, "country"), 0, NULL);
		entity_details(&t, rec, no_ids, D_ALIASES | D_IDS);
		put_text(e, i, "description", &t, 0);
	} else {
		/* Containers, parcels, vehicles, aircraft; phones, accounts and
		 * documents (nominal only): things with identifiers. */
		i = obj_add(e, T_PHYSICAL, key, rid, ts);
		put(e, i, "object-type", type, 0, NULL);
		put_name(e, i, "name", rec);
		json_object_foreach(ids, k, v)
			put(e, i, "identifier", json_string_value(v), 0, k);
		entity_details(&t, rec, no_ids, D_COUNTRY | D_ALIASES);
		put_text(e, i, "description", &t, 0);
	}
}

/* "PLACE, CC" of a place, or what there is of it. */
static void
place_text(struct text *t, json_t *place, const char *fallback)
{
	const char *p = str(place, "place"), *c = str(place, "country");

	if (p && c)
		text_add(t, "%s, %s", p, c);
	else if (p || c || fallback)
		text_add(t, "%s", p ? p : c ? c : fallback);
}

/* The seizure's facts no attribute holds, as sentences of its
 * description: dotted path, label. */
static const struct pair seizure_facts[] = {
	{ "commodity.description", "" }, { "commodity.species", "Species: " },
	{ "commodity.hs_code", "HS code: " }, { "direction", "Direction: " },
	{ "transport_mode", "Transport: " }, { "concealment.method", "Concealment: " },
	{ "concealment.detail", "Concealment detail: " }, { "detection", "Detection: " },
	{ "case", "Case: " }, { NULL, NULL },
};

static void
map_seizure(struct event *e, json_t *rec, const char *key, int64_t ts)
{
	json_t *com = json_object_get(rec, "commodity"), *q = json_object_get(rec, "quantity");
	json_t *val = json_object_get(rec, "value"), *loc = json_object_get(rec, "location");
	json_t *lat = json_object_get(loc, "lat"), *lon = json_object_get(loc, "lon");
	const char *unit = str(q, "unit"), *country = str(loc, "country");
	struct text t = { 0 };
	char num[40], buf[80], gkey[96];
	size_t i, g;
	int volume = 0;

	i = obj_add(e, T_PHYSICAL, key, str(rec, "id"), ts);
	put(e, i, "name", str(rec, "label"), 0, NULL);
	put(e, i, "object-type", str(com, "category"), 0, NULL);
	put_time(e, i, "acquisition-date", str(rec, "occurred_at"));
	/* Mass as a weight, whole counts as a quantity; anything else (volumes)
	 * in the description. */
	if (unit && num_text(json_object_get(q, "amount"), num)) {
		if (one_of(unit, mass_units)) {
			snprintf(buf, sizeof buf, "%s %s", num, unit);
			put(e, i, "weight", buf, 0, NULL);
		} else if (one_of(unit, count_units) && whole(json_object_get(q, "amount"))) {
			put(e, i, "quantity", num, 0, unit);
		} else {
			volume = 1;
		}
	}
	put_number(e, i, "estimated-value", json_object_get(val, "amount"), str(val, "currency"));
	/* The description: what the goods were, and how they travelled and
	 * were found. */
	for (const struct pair *p = seizure_facts; p->from; p++)
		sentence(&t, p->to, json_string_value(cdn_json_path(rec, p->from)));
	if (volume) {
		snprintf(buf, sizeof buf, "%s %s", num, unit);
		sentence(&t, "Quantity: ", buf);
	}
	put_text(e, i, "description", &t, 0);
	/* Where: as text on the goods, and as a place of its own when it can
	 * be put on a map. */
	place_text(&t, loc, NULL);
	if (str(loc, "office"))
		text_add(&t, "%s%s", t.len ? ", " : "", str(loc, "office"));
	if (str(loc, "type"))
		text_add(&t, "%s(%s)", t.len ? " " : "", str(loc, "type"));
	put_text(e, i, "location-found", &t, 0);
	if (!country && !(lat && lon))
		return;
	snprintf(gkey, sizeof gkey, "%s/location", key);
	g = obj_add(e, T_GEOLOCATION, gkey, NULL, ts);
	if (lat && lon) {
		put_number(e, g, "latitude", lat, NULL);
		put_number(e, g, "longitude", lon, NULL);
	}
	put(e, g, "countrycode", country, A_NOCORR, NULL);
	put(e, g, "address", str(loc, "place"), 0, NULL);
	if (str(loc, "type"))
		text_add(&t, "%s", str(loc, "type"));
	if (str(loc, "office"))
		text_add(&t, "%s%s", t.len ? ", " : "", str(loc, "office"));
	put_text(e, g, "text", &t, 0);
	derived_ref(e, i, g, "located-at", ts);
}

/* MISP's words for a mode of transport where it has one. */
static const struct pair transport_types[] = {
	{ "air", "Plane" }, { "rail", "Train" }, { NULL, NULL },
};

static void
map_route(struct event *e, json_t *rec, const char *key, int64_t ts)
{
	json_t *legs = json_object_get(rec, "legs"), *first = json_array_get(legs, 0), *leg, *c;
	json_t *last = json_array_get(legs, json_array_size(legs) - 1);
	json_t *modes = json_array(), *carriers = json_array();
	struct text t = { 0 };
	size_t i, k, m;

	if (!modes || !carriers) {
		json_decref(modes);
		json_decref(carriers);
		oom(e);
		return;
	}
	i = obj_add(e, T_TICKET, key, str(rec, "id"), ts);
	/* requiredOneOf origin, destination: the derived countries are always
	 * there, the places when they are shared. */
	place_text(&t, json_object_get(first, "from"), str(rec, "origin"));
	put_text(e, i, "origin", &t, 0);
	place_text(&t, json_object_get(last, "to"), str(rec, "destination"));
	put_text(e, i, "destination", &t, 0);
	put_time(e, i, "date-of-departure", str(first, "departed_at"));
	put_time(e, i, "date-of-arrival", str(last, "arrived_at"));
	json_array_foreach(legs, k, leg) {
		const char *mode = str(leg, "mode"), *carrier = str(leg, "carrier");

		json_array_foreach(modes, m, c)
			if (mode && strcmp(json_string_value(c), mode) == 0)
				break;
		if (mode && m == json_array_size(modes) &&
		    json_array_append_new(modes, json_string(mode)) != 0)
			oom(e);
		json_array_foreach(carriers, m, c)
			if (carrier && strcmp(json_string_value(c), carrier) == 0)
				break;
		if (carrier && m == json_array_size(carriers) &&
		    json_array_append_new(carriers, json_string(carrier)) != 0)
			oom(e);
	}
	if (json_array_size(modes) > 0)
		put(e, i, "type-of-transport", json_array_size(modes) == 1 ? lookup(transport_types,
		    json_string_value(json_array_get(modes, 0)), "Other") : "Other", 0, NULL);
	/* "KE → MY → VN (sea, road)" */
	text_add(&t, "%s", str(rec, "origin") ? str(rec, "origin") : "?");
	json_array_foreach(json_object_get(rec, "transit"), k, c)
		text_add(&t, " → %s", json_string_value(c) ? json_string_value(c) : "?");
	text_add(&t, " → %s", str(rec, "destination") ? str(rec, "destination") : "?");
	json_array_foreach(modes, k, c)
		text_add(&t, "%s%s", k ? ", " : " (", json_string_value(c));
	if (json_array_size(modes) > 0)
		text_add(&t, ")");
	put_text(e, i, "description", &t, 0);
	/* Carriers are companies: present only under the nominal profile. */
	json_array_foreach(carriers, k, c)
		text_add(&t, "%s%s", k ? ", " : "", json_string_value(c));
	put_text(e, i, "company", &t, 0);
	json_decref(modes);
	json_decref(carriers);
}

static void
map_case(struct event *e, json_t *rec, const char *key, int64_t ts)
{
	size_t i = obj_add(e, T_REPORT, key, str(rec, "id"), ts);

	put(e, i, "title", str(rec, "label"), 0, NULL);
	put(e, i, "summary", str(rec, "summary"), 0, NULL);
	put(e, i, "case-number", str(rec, "id"), 0, NULL);
	put(e, i, "type", "Case", 0, NULL);
}

/* The alert's explanation: its own, or a sentence of what the partner
 * sees of it. */
static void
map_alert(struct event *e, json_t *rec, const char *key, int64_t ts)
{
	size_t i = obj_add(e, T_ANNOTATION, key, str(rec, "id"), ts);
	struct text t = { 0 };

	if (str(rec, "explain")) {
		text_add(&t, "%s", str(rec, "explain"));
	} else {
		text_add(&t, "Raised by rule %s", str(rec, "rule") ? str(rec, "rule") : "?");
		if (str(rec, "severity"))
			text_add(&t, " with severity %s", str(rec, "severity"));
		text_add(&t, ": %s.", str(rec, "label") ? str(rec, "label") : str(rec, "id"));
	}
	put_text(e, i, "text", &t, 0);
	put(e, i, "type", "Annotation", 0, NULL);
	put(e, i, "format", "text", 0, NULL);
	put_time(e, i, "creation-date", str(rec, "raised_at"));
	put_time(e, i, "modification-date", str(rec, "last_seen_at"));
}

static void
map_record(struct event *e, json_t *rec)
{
	const char *rid = str(rec, "id");
	char key[80];
	int64_t ts = cdn_share_version_ms(rec) / 1000;

	if (!rid)
		return;
	snprintf(key, sizeof key, "%s/%s", e->g->id, rid);
	switch (rid[0]) {
	case 'A': map_alert(e, rec, key, ts); break;
	case 'C': map_case(e, rec, key, ts); break;
	case 'E': map_entity(e, rec, key, ts); break;
	case 'R': map_route(e, rec, key, ts); break;
	case 'S': map_seizure(e, rec, key, ts); break;
	default: break;	/* nothing else is shared */
	}
}

/* The share's links, and what a seizure came with, as references; then
 * the head's to everything else. */
static void
references(struct event *e)
{
	const struct cdn_share_group *g = e->g;
	json_t *r;
	size_t k;

	json_array_foreach(g->members, k, r) {
		const char *rid = str(r, "id");

		if (rid && rid[0] == 'S')
			derived_ref(e, obj_of(e, rid), obj_of(e, str(r, "route")), "delivered-by",
			    cdn_share_version_ms(r) / 1000);
	}
	json_array_foreach(g->links, k, r) {
		const char *lid = str(r, "id"), *type = str(r, "type");
		char key[80], comment[160];

		if (!lid || !type)
			continue;
		snprintf(key, sizeof key, "%s/%s", g->id, lid);
		snprintf(comment, sizeof comment, "cordon %s: %s", lid, type);
		ref(e, obj_of(e, str(r, "from")), obj_of(e, str(r, "to")),
		    lookup(link_relations, type, "related-to"), key, cdn_share_version_ms(r) / 1000,
		    comment);
	}
	for (k = 1; k < e->n; k++)
		derived_ref(e, 0, k, g->kind == CDN_ALERT ? "annotates" : "includes",
		    e->objs[0].ts);
}

/* --- the event ---------------------------------------------------------------------------- */

static json_t *
tag(const char *name, const char *colour)
{
	return json_pack("{s:s,s:s}", "name", name, "colour", colour);
}

/* One TLP tag, the group's; an alert's rule and severity as machine tags. */
static json_t *
event_tags(const struct cdn_share_group *g)
{
	json_t *tags = json_array();
	int tlp = g->tlp >= 0 && g->tlp < 4 ? g->tlp : 3;
	char buf[160];

	if (!tags || json_array_append_new(tags, tag(tlp_tags[tlp].from, tlp_tags[tlp].to)) != 0)
		goto oom;
	if (g->kind == CDN_ALERT) {
		const char *rule = str(g->head, "rule"), *sev = str(g->head, "severity");

		if (rule && !strchr(rule, '"')) {
			snprintf(buf, sizeof buf, "cordon:rule=\"%s\"", rule);
			if (json_array_append_new(tags, tag(buf, CORDON_TAG_COLOUR)) != 0)
				goto oom;
		}
		if (sev && !strchr(sev, '"')) {
			snprintf(buf, sizeof buf, "cordon:severity=\"%s\"", sev);
			if (json_array_append_new(tags, tag(buf, CORDON_TAG_COLOUR)) != 0)
				goto oom;
		}
	}
	return tags;
oom:
	json_decref(tags);
	return NULL;
}

/* YYYY-MM-DD of an alert's raising, a case's opening (or its creation). */
static void
event_date(const struct cdn_share_group *g, char out[11])
{
	const char *d = str(g->head, g->kind == CDN_ALERT ? "raised_at" : "opened_on");

	if (!d || strlen(d) < 10)
		d = str(g->head, "created_at");
	snprintf(out, 11, "%s", d && strlen(d) >= 10 ? d : "1970-01-01");
}

/* Every timestamp inside the event's objects set to `ts`. */
static void
restamp(struct event *e, const char *ts)
{
	static const char *const arrays[] = { "Attribute", "ObjectReference", NULL };
	json_t *x;
	size_t k;

	for (size_t i = 0; i < e->n; i++) {
		json_object_set_new(e->objs[i].o, "timestamp", json_string(ts));
		for (int a = 0; arrays[a]; a++)
			json_array_foreach(json_object_get(e->objs[i].o, arrays[a]), k, x)
				json_object_set_new(x, "timestamp", json_string(ts));
	}
}

/* Compact JSON of `j` and a newline; `*len` its length. */
static char *
dump(json_t *j, size_t *len)
{
	char *s = json_dumps(j, JSON_COMPACT | CDN_JSON_REAL), *t;

	if (!s)
		return NULL;
	*len = strlen(s);
	if ((t = realloc(s, *len + 2)) == NULL) {
		free(s);
		return NULL;
	}
	t[(*len)++] = '\n';
	t[*len] = '\0';
	return t;
}

/* Write `dir`/`name` whole and to disk. */
static int
write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[PATH_MAX];
	FILE *fp;
	int e = 0;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", path, strerror(errno));
	/* No fsync per file: export.c syncs the feed's directory whole, once,
	 * before it is renamed into place. */
	errno = 0;
	if (fwrite(data, 1, len, fp) != len || fflush(fp) != 0)
		e = errno ? errno : EIO;
	if (fclose(fp) != 0 && !e)
		e = errno;
	return e ? cdn_error_set(CDN_EIO, NULL, "%s: %s", path, strerror(e)) : 0;
}

static void
sha256_hex(const char *data, size_t len, char hex[65])
{
	unsigned char h[32];

	cdn_sha256(data, len, h);
	cdn_hex(h, 32, hex);
}

/*
 * The event's timestamp (misp.h): kept while its content is unchanged,
 * else the newest second of its records and at least one past the last.
 */
static int
stamp(struct feed *f, const char *uuid, const char *hash, int64_t newest, int64_t *ts)
{
	json_t *prev = json_object_get(f->stamps, uuid), *entry;
	json_int_t pts;
	const char *phash;

	if (!prev) {
		*ts = newest;
	} else {
		if (!json_is_array(prev) || json_array_size(prev) != 2 ||
		    !json_is_integer(json_array_get(prev, 0)) ||
		    (pts = json_integer_value(json_array_get(prev, 0))) < 0 ||
		    (phash = json_string_value(json_array_get(prev, 1))) == NULL)
			return cdn_error_set(CDN_ESTORE, NULL, "the stored MISP timestamp of event "
			    "%s is damaged", uuid);
		if (strcmp(phash, hash) == 0)
			*ts = pts;
		else
			*ts = newest > pts + 1 ? newest : pts + 1;
	}
	if ((entry = json_pack("[I,s]", (json_int_t)*ts, hash)) == NULL ||
	    json_object_set_new(f->stamps, uuid, entry) != 0)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	return 0;
}

/* hashes.csv: md5(value),EVENT-UUID for each value of `attrs`. */
static int
hash_values(struct feed *f, json_t *attrs, const char *uuid)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	char hex[33];
	json_t *a;
	size_t k;

	json_array_foreach(attrs, k, a) {
		const char *v = str(a, "value");

		if (!v || EVP_Digest(v, strlen(v), md, &mdlen, EVP_md5(), NULL) != 1)
			return cdn_error_set(CDN_EIO, NULL, "cannot hash an attribute value");
		cdn_hex(md, 16, hex);
		if (fprintf(f->hashes, "%s,%s\n", hex, uuid) < 0)
			return cdn_error_set(CDN_EIO, NULL, "%s: %s", f->hashes_path,
			    strerror(errno));
	}
	return 0;
}

/* …for every attribute of the event, its objects' included. */
static int
hash_lines(struct feed *f, json_t *event, const char *uuid)
{
	json_t *o;
	size_t i;
	int rc = hash_values(f, json_object_get(event, "Attribute"), uuid);

	json_array_foreach(json_object_get(event, "Object"), i, o)
		if (rc == 0)
			rc = hash_values(f, json_object_get(o, "Attribute"), uuid);
	return rc;
}

/* The group as an event: its file, its manifest entry, its hashes. */
static int
write_event(struct event *e)
{
	struct feed *f = e->f;
	const struct cdn_share_group *g = e->g;
	const char *level = g->kind == CDN_ALERT ? lookup(threat_levels, str(g->head, "severity"),
	    "4") : "2";
	const char *analysis = lookup(g->kind == CDN_ALERT ? alert_analysis : case_analysis,
	    str(g->head, "status"), "0");
	json_t *objects = json_array(), *tags = event_tags(g), *ev = NULL, *body, *entry;
	char date[11], hash[65], file_hash[65], tss[24], name[CDN_UUID_LEN + 8];
	char *text = NULL;
	int64_t newest = g->modified / 1000, ts = 0;
	size_t len;
	int rc;

	for (size_t i = 0; objects && i < e->n; i++)
		if (json_array_append(objects, e->objs[i].o) != 0)
			goto oom;
	event_date(g, date);
	/* Built with empty timestamps, which are not part of its content. */
	ev = json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:{s:s,s:s},s:O,s:[],s:O}}", "Event",
	    "uuid", e->uuid, "info", str(g->head, "label") ? str(g->head, "label") : g->id, "date",
	    date, "threat_level_id", level, "analysis", analysis, "timestamp", "",
	    "publish_timestamp", "", "published", 1, "Orgc", "name", f->org_name, "uuid",
	    f->org_uuid, "Tag", tags, "Attribute", "Object", objects);
	if (!objects || !tags || !ev || (text = dump(ev, &len)) == NULL)
		goto oom;
	sha256_hex(text, len, hash);
	free(text);
	text = NULL;
	if ((rc = stamp(f, e->uuid, hash, newest, &ts)) != 0)
		goto out;
	ts_text(ts, tss);
	/* A timestamp past every record's (a change within the second of the
	 * last export): objects and attributes must pass their last one too,
	 * or MISP keeps what it has of them. */
	if (ts > newest)
		restamp(e, tss);
	body = json_object_get(ev, "Event");
	if (json_object_set_new(body, "timestamp", json_string(tss)) != 0 ||
	    json_object_set_new(body, "publish_timestamp", json_string(tss)) != 0 ||
	    (text = dump(ev, &len)) == NULL)
		goto oom;
	snprintf(name, sizeof name, "%s.json", e->uuid);
	if ((rc = write_file(f->dir, name, text, len)) != 0)
		goto out;
	sha256_hex(text, len, file_hash);
	entry = json_pack("{s:O,s:{s:s,s:s},s:s,s:I,s:I,s:I,s:O,s:s}", "info",
	    json_object_get(body, "info"), "Orgc", "name", f->org_name, "uuid", f->org_uuid, "date",
	    date, "timestamp", (json_int_t)ts, "threat_level_id", (json_int_t)atoi(level),
	    "analysis", (json_int_t)atoi(analysis), "Tag", tags, "integrity:sha256", file_hash);
	if (!entry || json_object_set_new(f->manifest, e->uuid, entry) != 0)
		goto oom;
	if ((rc = hash_lines(f, body, e->uuid)) != 0)
		goto out;
	f->events++;
	f->objects += e->n;
	goto out;
oom:
	rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
out:
	free(text);
	json_decref(ev);
	json_decref(objects);
	json_decref(tags);
	return rc;
}

static int
feed_group(void *arg, const struct cdn_share_group *g)
{
	struct event e = { .f = arg, .g = g };
	json_t *m;
	size_t i;
	int rc;

	if ((rc = uuid_of(e.f->txn, "misp-event", g->id, e.uuid)) != 0)
		return rc;
	if ((e.index = json_object()) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	map_record(&e, g->head);
	json_array_foreach(g->members, i, m)
		map_record(&e, m);
	references(&e);
	if ((rc = e.rc) == 0 && e.n == 0)
		rc = cdn_error_set(CDN_EINVAL, NULL, "%s gives no MISP object", g->id);
	if (rc == 0)
		rc = write_event(&e);
	for (i = 0; i < e.n; i++)
		json_decref(e.objs[i].o);
	free(e.objs);
	json_decref(e.index);
	return rc;
}

/* --- the feed ------------------------------------------------------------------------------- */

int
cdn_misp_feed(struct cdn_txn *txn, const struct cdn_share_req *req, const char *dir,
    json_t *stamps, uint64_t *events, uint64_t *objects, struct cdn_share_stats *stats)
{
	struct feed f = { .txn = txn, .dir = dir, .stamps = stamps };
	struct cdn_share *sh = NULL;
	char *text = NULL;
	size_t len;
	int rc;

	if (events)
		*events = 0;
	if (objects)
		*objects = 0;
	if (!json_is_object(stamps))
		return cdn_error_set(CDN_ESTORE, NULL, "the stored MISP timestamps are damaged");
	if ((f.manifest = json_object()) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	/* Without CDN_SHARE_ONCE: each event holds all it refers to. */
	if ((rc = cdn_share_open(txn, req, 0, &sh)) != 0)
		goto out;
	f.org_name = str(cdn_share_org(sh), "name") ? str(cdn_share_org(sh), "name") : "cordon";
	if ((rc = uuid_of(txn, "identity", "org", f.org_uuid)) != 0)
		goto out;
	snprintf(f.hashes_path, sizeof f.hashes_path, "%s/hashes.csv", dir);
	if ((f.hashes = fopen(f.hashes_path, "w")) == NULL) {
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", f.hashes_path, strerror(errno));
		goto out;
	}
	if ((rc = cdn_share_walk(sh, feed_group, &f)) != 0)
		goto out;
	if (fflush(f.hashes) != 0 || fsync(fileno(f.hashes)) != 0) {
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", f.hashes_path, strerror(errno));
		goto out;
	}
	if ((text = dump(f.manifest, &len)) == NULL)
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	else
		rc = write_file(dir, "manifest.json", text, len);
out:
	if (f.hashes && fclose(f.hashes) != 0 && rc == 0)
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", f.hashes_path, strerror(errno));
	if (sh && stats)
		*stats = *cdn_share_stats(sh);
	if (events)
		*events = f.events;
	if (objects)
		*objects = f.objects;
	free(text);
	json_decref(f.manifest);
	cdn_share_free(sh);
	return rc;
}
