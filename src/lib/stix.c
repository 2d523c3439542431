/*
 * stix.c - shared records as STIX 2.1 objects, and the bundle (stix.h).
 *
 * The mapping is data in, objects out: the redacted records of share.c
 * are the only input, so nothing withheld can reach a STIX object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cordon/check.h"
#include "cordon/record.h"
#include "cordon/share.h"
#include "cordon/stix.h"
#include "grow.h"
#include "intern.h"
#include "internal.h"
#include "stix-schemas.h"
#include "uuid.h"

/* When the custom objects' schemas were last changed. */
#define EXT_DATE "2026-12-01T00:00:00.000Z"
#define EXT_VERSION "1.0"

/* The OASIS TLP 2.0 marking definitions, as published (cti-stix-common-
 * objects, extension-definition-specifications/tlp-2.0): clear, green,
 * amber and amber+strict. Red is never shared, so never needed. */
#define TLP_EXT "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
static const char *const tlp_ids[] = {
	"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
};
static const char *const tlp_titles[] = { "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT" };
static const char *const tlp_values[] = { "clear", "green", "amber", "amber+strict" };

/* The STIX type each shared record became, kept by record id. */
enum stype { ST_NONE, ST_IDENTITY, ST_ENTITY, ST_SEIZURE, ST_ROUTE, ST_REPORT, ST_GROUPING,
	ST_RELATIONSHIP };
static const char *const stype_names[] = { "", "identity", "x-cordon-entity", "x-cordon-seizure",
	"x-cordon-route", "report", "grouping", "relationship" };
/* What came with a seizure. */
enum { HAS_LOCATION = 1, HAS_ROUTE = 2 };

enum ext { EXT_SEIZURE, EXT_ROUTE, EXT_ENTITY, EXT_DETAILS, NEXT };
static const struct {
	const char *name, *title, *desc, *schema, *kind;
} exts[NEXT] = {
	{ "x-cordon-seizure", "cordon seizure", "A customs seizure: goods, quantity, value, place, "
	    "time, concealment and detection.", x_cordon_seizure, "new-sdo" },
	{ "x-cordon-route", "cordon route", "The legs a consignment travelled, and the countries it "
	    "began in, passed through and ended in.", x_cordon_route, "new-sdo" },
	{ "x-cordon-entity", "cordon entity", "A vessel, vehicle, aircraft, container, parcel or "
	    "other thing involved in seizures (people and companies are identities).",
	    x_cordon_entity, "new-sdo" },
	{ "cordon-details", "cordon details", "What the producer knows of a person, company, alert, "
	    "case or link beyond the STIX properties.", cordon_details, "property-extension" },
};

struct given {
	uint8_t type;		/* enum stype */
	uint8_t with;		/* HAS_* */
};

struct stix {
	struct cdn_txn *txn;
	char ns[CDN_UUID_LEN + 1];
	char org[128];
	char ext[NEXT][128];
	struct cdn_intern ids;	/* record ids given */
	struct given *g;
	size_t gcap;
	cdn_stix_fn fn;
	void *arg;
	int rc;			/* an id that could not be made */
};

/* The id of `type` `name` under namespace `ns` (the store's). */
static int
make_id(const char *ns, const char *type, const char *name, char out[128])
{
	char u[CDN_UUID_LEN + 1], buf[160];
	int n = snprintf(buf, sizeof buf, "%s/%s", type, name);

	if (cdn_uuid5(ns, buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1), u) != 0) {
		snprintf(out, 128, "%s--", type);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory (an identifier)");
	}
	snprintf(out, 128, "%s--%s", type, u);
	return 0;
}

int
cdn_stix_id(struct cdn_txn *txn, const char *type, const char *name, char out[128])
{
	return make_id(txn->st->ns, type, name, out);
}

/* An id for the walk; a failure is kept in x->rc and ends the walk. */
static void
sid(struct stix *x, const char *type, const char *name, char out[128])
{
	int rc = make_id(x->ns, type, name, out);

	if (rc && !x->rc)
		x->rc = rc;
}

/* An instant as STIX wants it ("…:00.000Z"), from a date or date-time. */
static json_t *
timestamp(const char *s)
{
	char why[CDN_WHY_MAX], buf[32];
	int64_t t;

	if (!s || cdn_time_parse(s, &t, why) != 0)
		return NULL;
	cdn_share_format_ms(t * 1000, buf);
	return json_string(buf);
}

static json_t *
ms_string(int64_t ms)
{
	char buf[32];

	cdn_share_format_ms(ms, buf);
	return json_string(buf);
}

static int
tlp_of(json_t *rec)
{
	const char *t = json_string_value(json_object_get(rec, "tlp"));

	for (int i = 0; i < 4; i++)
		if (t && strcmp(t, tlp_values[i]) == 0)
			return i;
	return 3;	/* cannot happen: share.c passes nothing else */
}

/* Admiralty information credibility 1..6 as STIX confidence (STIX 2.1
 * Appendix B); 6 ("cannot be judged") gives none. */
static int
confidence(json_t *grading)
{
	static const int scale[] = { 90, 70, 50, 30, 10 };
	const char *info = json_string_value(json_object_get(grading, "info"));

	if (!info || info[0] < '1' || info[0] > '5' || info[1])
		return -1;
	return scale[info[0] - '1'];
}

/* The properties every object of a record has, in the usual order. */
static json_t *
head(struct stix *x, const char *type, const char *rid, int64_t created, int64_t modified)
{
	char id[128];

	sid(x, type, rid, id);
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "type", type, "spec_version", "2.1", "id", id,
	    "created_by_ref", x->org, "created", ms_string(created), "modified",
	    ms_string(modified < created ? created : modified));
}

/* …and the ones that close it: labels, references, marking, extension. */
static void
tail(struct stix *x, json_t *obj, json_t *rec, const char *rid, int tlp, enum ext e,
    json_t *details)
{
	json_t *tags = json_object_get(rec, "tags");
	int conf = confidence(json_object_get(rec, "grading"));

	if (conf >= 0)
		json_object_set_new(obj, "confidence", json_integer(conf));
	if (json_array_size(tags) > 0)
		json_object_set(obj, "labels", tags);
	if (rid)
		json_object_set_new(obj, "external_references", json_pack("[{s:s,s:s}]",
		    "source_name", "cordon", "external_id", rid));
	json_object_set_new(obj, "object_marking_refs", json_pack("[s]", tlp_ids[tlp]));
	if (e == EXT_DETAILS) {
		json_t *d = json_pack("{s:s}", "extension_type", "property-extension");
		const char *k;
		json_t *v;

		json_object_foreach(details, k, v)
			json_object_set(d, k, v);
		json_object_set_new(obj, "extensions", json_pack("{s:o}", x->ext[e], d));
	} else if (e != NEXT) {
		json_object_set_new(obj, "extensions", json_pack("{s:{s:s}}", x->ext[e],
		    "extension_type", "new-sdo"));
	}
	json_decref(details);
}

/* Copy the members named in `keys` from `from` to `to`, where present. */
static void
copy(json_t *to, json_t *from, const char *const *keys)
{
	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(from, keys[i]);

		if (v)
			json_object_set(to, keys[i], v);
	}
}

/* What record `rid` became, once it has been given. */
static struct given *
given(struct stix *x, const char *rid, int add)
{
	int64_t i;
	int added;

	if (!add)
		return (i = cdn_intern_find(&x->ids, rid, strlen(rid))) < 0 ? NULL : &x->g[i];
	if ((i = cdn_intern_add(&x->ids, rid, strlen(rid), &added)) < 0 ||
	    cdn_grow(&x->g, &x->gcap, (size_t)i + 1, sizeof *x->g, 256) != 0)
		return NULL;
	if (added)
		memset(&x->g[i], 0, sizeof x->g[i]);
	return &x->g[i];
}

static enum stype
stype_of(json_t *rec)
{
	const char *rid = json_string_value(json_object_get(rec, "id"));
	const char *et = json_string_value(json_object_get(rec, "type"));

	switch (rid ? rid[0] : 0) {
	case 'S': return ST_SEIZURE;
	case 'R': return ST_ROUTE;
	case 'E': return et && (strcmp(et, "person") == 0 || strcmp(et, "company") == 0) ?
	    ST_IDENTITY : ST_ENTITY;
	default: return ST_NONE;
	}
}

/* The STIX id of a record given as `type`. */
static void
record_sid(struct stix *x, enum stype type, const char *rid, char out[128])
{
	sid(x, stype_names[type], rid, out);
}

/* A relationship between two objects, for what a seizure came with. */
static json_t *
derived_rel(struct stix *x, const char *rid, const char *what, const char *src, const char *dst,
    int64_t created, int64_t modified, int tlp)
{
	char name[64];
	json_t *o;

	snprintf(name, sizeof name, "%s/%s", rid, what);
	o = head(x, "relationship", name, created, modified);
	json_object_set_new(o, "relationship_type", json_string(what));
	json_object_set_new(o, "source_ref", json_string(src));
	json_object_set_new(o, "target_ref", json_string(dst));
	json_object_set_new(o, "object_marking_refs", json_pack("[s]", tlp_ids[tlp]));
	return o;
}

/* A shared record as STIX objects, appended to `out` (with what came
 * with it), its STIX ids to `ids`. */
static int
record(struct stix *x, json_t *rec, json_t *out, json_t *ids)
{
	static const char *const seizure_keys[] = { "commodity", "quantity", "value", "location",
		"direction", "transport_mode", "concealment", "detection", NULL };
	static const char *const tail_keys[] = { "grading", "notes", "attributes", NULL };
	const char *rid = json_string_value(json_object_get(rec, "id"));
	const char *label = json_string_value(json_object_get(rec, "label"));
	int64_t created = cdn_share_created_ms(rec), modified = cdn_share_version_ms(rec);
	int tlp = tlp_of(rec);
	enum stype type = stype_of(rec);
	struct given *gv = given(x, rid ? rid : "", 1);
	json_t *o, *d;
	char me[128];

	if (!rid || !gv || type == ST_NONE)
		return gv ? 0 : cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	gv->type = (uint8_t)type;
	record_sid(x, type, rid, me);
	o = head(x, stype_names[type], rid, created, modified);
	json_object_set_new(o, "name", json_string(label ? label : rid));
	switch (type) {
	case ST_IDENTITY: {
		static const char *const keys[] = { "country", "nationality", "born_on", "aliases",
			"identifiers", "grading", "notes", "attributes", NULL };
		const char *et = json_string_value(json_object_get(rec, "type"));

		json_object_set_new(o, "identity_class", json_string(strcmp(et, "person") == 0 ?
		    "individual" : "organization"));
		d = json_pack("{s:s,s:s}", "cordon_id", rid, "entity_type", et);
		copy(d, rec, keys);
		tail(x, o, rec, rid, tlp, EXT_DETAILS, d);
		break;
	}
	case ST_ENTITY: {
		static const char *const keys[] = { "aliases", "country", "identifiers", NULL };

		json_object_set(o, "entity_type", json_object_get(rec, "type"));
		copy(o, rec, keys);
		copy(o, rec, tail_keys);
		tail(x, o, rec, rid, tlp, EXT_ENTITY, NULL);
		break;
	}
	case ST_ROUTE: {
		static const char *const keys[] = { "legs", "origin", "destination", "transit", NULL };

		copy(o, rec, keys);
		copy(o, rec, tail_keys);
		tail(x, o, rec, rid, tlp, EXT_ROUTE, NULL);
		break;
	}
	case ST_SEIZURE: {
		json_t *loc = json_object_get(rec, "location");
		const char *place = json_string_value(json_object_get(loc, "place"));
		const char *country = json_string_value(json_object_get(loc, "country"));
		json_t *lat = json_object_get(loc, "lat"), *lon = json_object_get(loc, "lon");
		const char *route = json_string_value(json_object_get(rec, "route"));
		json_t *ts = timestamp(json_string_value(json_object_get(rec, "occurred_at")));

		json_object_set_new(o, "occurred_at", ts ? ts : json_string(""));
		copy(o, rec, seizure_keys);
		if (json_object_get(rec, "case"))
			json_object_set(o, "case_id", json_object_get(rec, "case"));
		if (route)
			json_object_set_new(o, "route_id", json_string(route));
		copy(o, rec, tail_keys);
		tail(x, o, rec, rid, tlp, EXT_SEIZURE, NULL);
		json_array_append_new(out, o);
		json_array_append_new(ids, json_string(me));
		/* Its place: a location needs a country or coordinates. */
		if (country || (lat && lon)) {
			char lid[128], name[64];
			json_t *l;

			snprintf(name, sizeof name, "%s", rid);
			l = head(x, "location", name, created, modified);
			sid(x, "location", rid, lid);
			if (place || country)
				json_object_set_new(l, "name", json_string(place ? place : country));
			if (country)
				json_object_set_new(l, "country", json_string(country));
			if (lat && lon) {
				json_object_set(l, "latitude", lat);
				json_object_set(l, "longitude", lon);
			}
			json_object_set_new(l, "object_marking_refs", json_pack("[s]", tlp_ids[tlp]));
			json_array_append_new(out, l);
			json_array_append_new(ids, json_string(lid));
			o = derived_rel(x, rid, "located-at", me, lid, created, modified, tlp);
			json_array_append(ids, json_object_get(o, "id"));
			json_array_append_new(out, o);
			gv->with |= HAS_LOCATION;
		}
		/* The route it took: kept only if shared, and then always in the
		 * group with it (share.c). */
		if (route) {
			char rsid[128];

			record_sid(x, ST_ROUTE, route, rsid);
			o = derived_rel(x, rid, "transported-via", me, rsid, created, modified, tlp);
			json_array_append(ids, json_object_get(o, "id"));
			json_array_append_new(out, o);
			gv->with |= HAS_ROUTE;
		}
		return 0;
	}
	default:
		break;
	}
	json_array_append_new(out, o);
	json_array_append_new(ids, json_string(me));
	return 0;
}

/* The ids of a record given in an earlier group, with what came with it. */
static void
again(struct stix *x, const char *rid, json_t *ids)
{
	struct given *gv = given(x, rid, 0);
	char id[128], name[64];

	if (!gv || gv->type == ST_NONE)
		return;
	record_sid(x, (enum stype)gv->type, rid, id);
	json_array_append_new(ids, json_string(id));
	if (gv->with & HAS_LOCATION) {
		sid(x, "location", rid, id);
		json_array_append_new(ids, json_string(id));
		snprintf(name, sizeof name, "%s/located-at", rid);
		sid(x, "relationship", name, id);
		json_array_append_new(ids, json_string(id));
	}
	if (gv->with & HAS_ROUTE) {
		snprintf(name, sizeof name, "%s/transported-via", rid);
		sid(x, "relationship", name, id);
		json_array_append_new(ids, json_string(id));
	}
}

/* A link's type as a STIX relationship type: "consignee_of" →
 * "consignee-of" (lower case, digits and '-'). */
static void
rel_type(const char *t, char *out, size_t cap)
{
	size_t n = 0;

	for (; t && *t && n + 1 < cap; t++)
		out[n++] = (*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') ? *t :
		    (*t >= 'A' && *t <= 'Z') ? (char)(*t - 'A' + 'a') : '-';
	out[n] = '\0';
	if (n == 0)
		snprintf(out, cap, "related-to");
}

/* The STIX id of a link's end: a member given, or the group's head. */
static int
end_sid(struct stix *x, const struct cdn_share_group *g, const char *rid, char out[128])
{
	struct given *gv;

	if (rid && strcmp(rid, g->id) == 0) {
		sid(x, g->kind == CDN_CASE ? "report" : "grouping", rid, out);
		return 0;
	}
	if (!rid || (gv = given(x, rid, 0)) == NULL || gv->type == ST_NONE ||
	    gv->type == ST_RELATIONSHIP)
		return -1;
	record_sid(x, (enum stype)gv->type, rid, out);
	return 0;
}

static void
link_object(struct stix *x, const struct cdn_share_group *g, json_t *l, json_t *out, json_t *ids)
{
	const char *rid = json_string_value(json_object_get(l, "id"));
	char src[128], dst[128], type[96];
	json_t *o, *d, *since, *until;
	struct given *gv;

	if (!rid || end_sid(x, g, json_string_value(json_object_get(l, "from")), src) != 0 ||
	    end_sid(x, g, json_string_value(json_object_get(l, "to")), dst) != 0 ||
	    (gv = given(x, rid, 1)) == NULL)
		return;
	gv->type = ST_RELATIONSHIP;
	rel_type(json_string_value(json_object_get(l, "type")), type, sizeof type);
	o = head(x, "relationship", rid, cdn_share_created_ms(l), cdn_share_version_ms(l));
	json_object_set_new(o, "relationship_type", json_string(type));
	json_object_set_new(o, "source_ref", json_string(src));
	json_object_set_new(o, "target_ref", json_string(dst));
	since = timestamp(json_string_value(json_object_get(l, "since")));
	until = timestamp(json_string_value(json_object_get(l, "until")));
	if (since)
		json_object_set(o, "start_time", since);
	/* stop_time must come after start_time. */
	if (until && (!since || strcmp(json_string_value(until), json_string_value(since)) > 0))
		json_object_set(o, "stop_time", until);
	json_decref(since);
	json_decref(until);
	d = json_pack("{s:s,s:O}", "cordon_id", rid, "link_type", json_object_get(l, "type"));
	copy(d, l, (const char *const[]){ "grading", "notes", "attributes", NULL });
	tail(x, o, l, rid, tlp_of(l), EXT_DETAILS, d);
	json_array_append(ids, json_object_get(o, "id"));
	json_array_append_new(out, o);
}

/* The alert (grouping) or case (report) at the head of a group; `refs`
 * (taken) its object_refs. */
static json_t *
group_object(struct stix *x, const struct cdn_share_group *g, json_t *refs)
{
	json_t *h = g->head, *o, *d;
	const char *rid = g->id;
	int64_t created = cdn_share_created_ms(h);

	/* Its version is the group's: object_refs change with the records. */
	if (g->kind == CDN_ALERT) {
		o = head(x, "grouping", rid, created, g->modified);
		json_object_set(o, "name", json_object_get(h, "label"));
		if (json_object_get(h, "explain"))
			json_object_set(o, "description", json_object_get(h, "explain"));
		json_object_set_new(o, "context", json_string("suspicious-activity"));
		d = json_pack("{s:s}", "cordon_id", rid);
		copy(d, h, (const char *const[]){ "rule", "severity", "status", "key", "raised_at",
		    "last_seen_at", "notes", NULL });
	} else {
		char ts[32];

		o = head(x, "report", rid, created, g->modified);
		json_object_set(o, "name", json_object_get(h, "label"));
		if (json_object_get(h, "summary"))
			json_object_set(o, "description", json_object_get(h, "summary"));
		json_object_set_new(o, "report_types", json_pack("[s]", "threat-report"));
		cdn_share_format_ms(g->modified < created ? created : g->modified, ts);
		json_object_set_new(o, "published", json_string(ts));
		d = json_pack("{s:s}", "cordon_id", rid);
		copy(d, h, (const char *const[]){ "status", "office", "opened_on", "notes", NULL });
	}
	/* A report must point at something: the producer, if at nothing else. */
	if (json_array_size(refs) == 0)
		json_array_append_new(refs, json_string(x->org));
	json_object_set_new(o, "object_refs", refs);
	tail(x, o, h, rid, tlp_of(h), EXT_DETAILS, d);
	return o;
}

static int
group(void *arg, const struct cdn_share_group *g)
{
	struct stix *x = arg;
	json_t *out = json_array(), *ids = json_array(), *v;
	size_t i;
	int rc = 0;

	if (!out || !ids) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto done;
	}
	json_array_foreach(g->members, i, v)
		if ((rc = record(x, v, out, ids)) != 0)
			goto done;
	/* Those an earlier group gave: their ids only. */
	json_array_foreach(g->member_ids, i, v) {
		json_t *m;
		size_t k;

		json_array_foreach(g->members, k, m)
			if (json_equal(json_object_get(m, "id"), v))
				break;
		if (k == json_array_size(g->members))
			again(x, json_string_value(v), ids);
	}
	json_array_foreach(g->links, i, v)
		link_object(x, g, v, out, ids);
	json_array_foreach(g->link_ids, i, v) {
		struct given *gv;
		char id[128];
		json_t *l;
		size_t k;

		json_array_foreach(g->links, k, l)
			if (json_equal(json_object_get(l, "id"), v))
				break;
		if (k < json_array_size(g->links))
			continue;
		if ((gv = given(x, json_string_value(v), 0)) != NULL && gv->type == ST_RELATIONSHIP) {
			sid(x, "relationship", json_string_value(v), id);
			json_array_append_new(ids, json_string(id));
		}
	}
	json_array_append_new(out, group_object(x, g, json_copy(ids)));
	json_array_append(ids, json_object_get(json_array_get(out, json_array_size(out) - 1), "id"));
	rc = x->rc ? x->rc : x->fn(x->arg, out, ids, g->modified);
done:
	json_decref(out);
	json_decref(ids);
	return rc;
}

/* --- the objects every export carries --------------------------------------------- */

static int
fixed(struct stix *x, json_t *org, json_t *out, json_t *ids)
{
	json_t *o, *schema, *v;
	MDB_val created;
	char at[32] = "1970-01-01T00:00:00Z";
	int64_t c, m;
	char why[CDN_WHY_MAX];

	/* The producer: created with the store, modified with its name. */
	if (cdn_meta_get(x->txn, "created_at", &created) == 0)
		snprintf(at, sizeof at, "%.*s", (int)(created.mv_size < 31 ? created.mv_size : 31),
		    (const char *)created.mv_data);
	cdn_error_clear();
	if (cdn_time_parse(at, &c, why) != 0)
		c = 0;
	c *= 1000;
	m = cdn_share_version_ms(org);
	o = head(x, "identity", "org", c, m);
	json_object_set(o, "name", json_object_get(org, "name"));
	json_object_set_new(o, "identity_class", json_string("organization"));
	json_object_set_new(o, "sectors", json_pack("[s]", "government-national"));
	v = json_object_get(org, "country");
	tail(x, o, org, NULL, 0, json_is_string(v) ? EXT_DETAILS : NEXT,
	    json_is_string(v) ? json_pack("{s:O}", "country", v) : NULL);
	json_array_append(ids, json_object_get(o, "id"));
	json_array_append_new(out, o);
	/* The TLP 2.0 markings, as OASIS publishes them. */
	for (int i = 0; i < 4; i++) {
		o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:{s:s,s:s}}}", "type", "marking-definition",
		    "spec_version", "2.1", "id", tlp_ids[i], "created", "2022-10-01T00:00:00.000Z",
		    "name", tlp_titles[i], "extensions", TLP_EXT, "extension_type",
		    "property-extension", "tlp_2_0", tlp_values[i]);
		json_array_append(ids, json_object_get(o, "id"));
		json_array_append_new(out, o);
	}
	/* Our own objects and properties, each with its schema. */
	for (int e = 0; e < NEXT; e++) {
		char *text;

		if ((schema = json_loads(exts[e].schema, 0, NULL)) == NULL ||
		    (text = json_dumps(schema, JSON_COMPACT)) == NULL) {
			json_decref(schema);
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		}
		json_decref(schema);
		o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s]}", "type",
		    "extension-definition", "spec_version", "2.1", "id", x->ext[e], "created_by_ref",
		    x->org, "created", EXT_DATE, "modified", EXT_DATE, "name", exts[e].title,
		    "description", exts[e].desc, "schema", text, "version", EXT_VERSION,
		    "extension_types", exts[e].kind);
		free(text);
		json_object_set_new(o, "object_marking_refs", json_pack("[s]", tlp_ids[0]));
		json_array_append(ids, json_object_get(o, "id"));
		json_array_append_new(out, o);
	}
	return 0;
}

int
cdn_stix_walk(struct cdn_txn *txn, const struct cdn_share_req *req, cdn_stix_fn fn,
    void *arg, struct cdn_share_stats *stats)
{
	struct stix x = { .txn = txn, .fn = fn, .arg = arg };
	struct cdn_share *sh = NULL;
	json_t *out = json_array(), *ids = json_array();
	int rc;

	if (!out || !ids) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto done;
	}
	if ((rc = cdn_share_open(txn, req, CDN_SHARE_ONCE, &sh)) != 0)
		goto done;
	snprintf(x.ns, sizeof x.ns, "%s", txn->st->ns);
	sid(&x, "identity", "org", x.org);
	for (int e = 0; e < NEXT; e++)
		sid(&x, "extension-definition", exts[e].name, x.ext[e]);
	if ((rc = fixed(&x, cdn_share_org(sh), out, ids)) != 0 || (rc = x.rc) != 0 ||
	    (rc = fn(arg, out, ids, 0)) != 0)
		goto done;
	rc = cdn_share_walk(sh, group, &x);
	if (stats)
		*stats = *cdn_share_stats(sh);
done:
	cdn_share_free(sh);
	cdn_intern_free(&x.ids);
	free(x.g);
	json_decref(out);
	json_decref(ids);
	return rc;
}

/* --- the bundle -------------------------------------------------------------------- */

struct bundle {
	FILE *out;
	EVP_MD_CTX *sha;
	uint64_t n;
	int err;
};

static int
bundle_group(void *arg, json_t *objects, json_t *ids, int64_t modified)
{
	struct bundle *b = arg;
	json_t *o;
	size_t i;

	(void)ids;
	(void)modified;
	json_array_foreach(objects, i, o) {
		char *text = json_dumps(o, JSON_COMPACT | CDN_JSON_REAL);
		size_t len;

		if (!text)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		len = strlen(text);
		if ((b->n ? fputs(",\n", b->out) : fputs("\n", b->out)) == EOF ||
		    fwrite(text, 1, len, b->out) != len) {
			free(text);
			return cdn_error_set(CDN_EIO, NULL, "cannot write the bundle");
		}
		EVP_DigestUpdate(b->sha, text, len);
		free(text);
		b->n++;
	}
	return 0;
}

int
cdn_stix_bundle(struct cdn_txn *txn, const struct cdn_share_req *req, FILE *out,
    uint64_t *objects, struct cdn_share_stats *stats)
{
	struct bundle b = { out, EVP_MD_CTX_new(), 0, 0 };
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hlen = 0;
	char hex[65], id[128];
	int rc;

	if (!b.sha || EVP_DigestInit_ex(b.sha, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(b.sha);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	if (fputs("{\"type\":\"bundle\",\"objects\":[", out) == EOF)
		rc = cdn_error_set(CDN_EIO, NULL, "cannot write the bundle");
	else
		rc = cdn_stix_walk(txn, req, bundle_group, &b, stats);
	if (rc == 0) {
		/* The bundle's id names what it holds. */
		EVP_DigestFinal_ex(b.sha, h, &hlen);
		cdn_hex(h, 32, hex);
		cdn_stix_id(txn, "bundle", hex, id);
		if (fprintf(out, "\n],\"id\":\"%s\"}\n", id) < 0)
			rc = cdn_error_set(CDN_EIO, NULL, "cannot write the bundle");
	}
	EVP_MD_CTX_free(b.sha);
	if (objects)
		*objects = b.n;
	return rc;
}
