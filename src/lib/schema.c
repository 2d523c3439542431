/*
 * schema.c - the record kinds of contract §2 as data, and the validator
 * and index-key extractor that walk it.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "cordon/check.h"
#include "cordon/fold.h"
#include "cordon/text.h"
#include "internal.h"
#include "rules.h"
#include "schema.h"

/* --- checks that are not in check.c -------------------------------------- */

static int
check_date_or_datetime(const char *s, char *why)
{
	if (strlen(s) == 10)
		return cdn_check_date(s, why);
	return cdn_check_datetime(s, why);
}

static int
check_short_id(const char *s, char *why)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64) {
		snprintf(why, CDN_WHY_MAX, "must be 1 to 64 characters");
		return -1;
	}
	return 0;
}

/* --- the table ----------------------------------------------------------- */

static const char *const tlp_values[] = { "clear", "green", "amber", "amber+strict", "red", NULL };
static const char *const case_status[] = { "open", "investigating", "referred", "prosecuted", "closed", NULL };
static const char *const categories[] = { "narcotics", "precursors", "wildlife", "timber", "tobacco",
	"alcohol", "counterfeit", "weapons", "currency", "cultural_property", "ods", "waste",
	"medicines", "other", NULL };
static const char *const units[] = { "kg", "g", "t", "l", "ml", "pcs", "packs", "cartons", "heads", "m3", NULL };
static const char *const loc_types[] = { "seaport", "airport", "land_border", "mail_centre", "express_hub", "inland", NULL };
static const char *const directions[] = { "import", "export", "transit", NULL };
static const char *const modes[] = { "air", "sea", "road", "rail", "post", "express", "foot", NULL };
static const char *const methods[] = { "in_goods", "false_compartment", "body", "baggage", "misdeclared",
	"parcel", "vehicle", "none", "other", NULL };
static const char *const detections[] = { "x_ray", "canine", "risk_profile", "tip_off", "intelligence",
	"random", "physical", "other", NULL };
static const char *const etypes[] = { "person", "company", "vessel", "vehicle", "aircraft", "container",
	"parcel", "phone", "account", "address", "document", NULL };
static const char *const link_types[] = { "consignor_of", "consignee_of", "owner_of", "director_of",
	"employee_of", "associate_of", "family_of", "carrier_of", "travelled_on", "registered_to",
	"used", "involved_in", "seized_from", "same_as", NULL };
static const char *const grade_source[] = { "A", "B", "C", "D", "E", "F", NULL };
static const char *const grade_info[] = { "1", "2", "3", "4", "5", "6", NULL };

#define END { .name = NULL }

static const struct cdn_field grading_fields[] = {
	{ "source", FT_ENUM, F_REQUIRED, .values = grade_source, .share = SH_OPEN },
	{ "info", FT_ENUM, F_REQUIRED, .values = grade_info, .share = SH_OPEN },
	END
};

static const struct cdn_field tag_item = { "", FT_STRING, 0, .minlen = 1, .maxlen = 64, .index = IX_TAG, .share = SH_TEXT };
static const struct cdn_field alias_item = { "", FT_STRING, F_SEARCH, .minlen = 1, .maxlen = 200, .index = IX_NAME, .share = SH_NAME };
static const struct cdn_field country_item = { "", FT_STRING, 0, .check = cdn_check_country, .share = SH_OPEN };

#define HEAD_FIELDS \
	{ "id", FT_STRING, F_READONLY, .share = SH_OPEN }, \
	{ "kind", FT_STRING, F_READONLY, .share = SH_OPEN }, \
	{ "version", FT_INTEGER, F_READONLY | F_PROVENANCE | F_RANGE, .min = 1, \
	    .max = (double)CDN_VERSION_MAX, .share = SH_OPEN }

#define TAIL_FIELDS \
	{ "tlp", FT_ENUM, 0, .values = tlp_values, .dflt = "amber", .share = SH_OPEN }, \
	{ "tags", FT_ARRAY, 0, .sub = &tag_item, .dflt = "[]", .share = SH_OPEN }, \
	{ "notes", FT_STRING, F_MULTILINE, .maxlen = 100000, .dflt = "" }, \
	{ "attributes", FT_ATTRIBUTES, 0 }, \
	{ "created_at", FT_STRING, F_READONLY | F_PROVENANCE, .check = cdn_check_datetime, \
	    .share = SH_OPEN }, \
	{ "created_by", FT_STRING, F_READONLY | F_PROVENANCE, .check = cdn_check_username, \
	    .share = SH_NEVER }, \
	{ "updated_at", FT_STRING, F_READONLY | F_PROVENANCE, .check = cdn_check_datetime, \
	    .share = SH_OPEN }, \
	{ "updated_by", FT_STRING, F_READONLY | F_PROVENANCE, .check = cdn_check_username, \
	    .share = SH_NEVER }, \
	END

static const struct cdn_field case_fields[] = {
	HEAD_FIELDS,
	{ "title", FT_STRING, F_REQUIRED | F_SEARCH, .minlen = 1, .maxlen = 200 },
	{ "status", FT_ENUM, 0, .values = case_status, .dflt = "open", .index = IX_STATUS, .share = SH_OPEN },
	{ "office", FT_STRING, 0, .maxlen = 200, .share = SH_TEXT },
	{ "lead", FT_STRING, 0, .check = cdn_check_username, .share = SH_NEVER },
	{ "opened_on", FT_STRING, 0, .check = cdn_check_date, .share = SH_OPEN },
	{ "summary", FT_STRING, F_SEARCH | F_MULTILINE, .maxlen = 20000 },
	TAIL_FIELDS
};

static const struct cdn_field commodity_fields[] = {
	{ "category", FT_ENUM, F_REQUIRED, .values = categories, .index = IX_CATEGORY, .share = SH_OPEN },
	{ "description", FT_STRING, F_SEARCH | F_MULTILINE, .maxlen = 2000, .share = SH_TEXT },
	{ "hs_code", FT_STRING, 0, .check = cdn_check_hs_code, .share = SH_OPEN },
	{ "species", FT_STRING, F_SEARCH, .check = cdn_check_species, .share = SH_OPEN },
	END
};

static const struct cdn_field quantity_fields[] = {
	{ "amount", FT_NUMBER, F_REQUIRED | F_POSITIVE, .share = SH_OPEN },
	{ "unit", FT_ENUM, F_REQUIRED, .values = units, .share = SH_OPEN },
	END
};

static const struct cdn_field value_fields[] = {
	{ "amount", FT_NUMBER, F_REQUIRED | F_NONNEG, .share = SH_OPEN },
	{ "currency", FT_STRING, F_REQUIRED, .check = cdn_check_currency, .share = SH_OPEN },
	END
};

static const struct cdn_field location_fields[] = {
	{ "office", FT_STRING, 0, .maxlen = 200, .share = SH_TEXT },
	{ "place", FT_STRING, F_SEARCH, .maxlen = 200, .share = SH_TEXT },
	{ "country", FT_STRING, 0, .check = cdn_check_country, .index = IX_COUNTRY, .share = SH_OPEN },
	{ "lat", FT_NUMBER, F_RANGE, .min = -90, .max = 90, .share = SH_OPEN },
	{ "lon", FT_NUMBER, F_RANGE, .min = -180, .max = 180, .share = SH_OPEN },
	{ "type", FT_ENUM, 0, .values = loc_types, .share = SH_OPEN },
	END
};

static const struct cdn_field concealment_fields[] = {
	{ "method", FT_ENUM, 0, .values = methods, .share = SH_OPEN },
	{ "detail", FT_STRING, F_MULTILINE, .maxlen = 2000 },
	END
};

static const struct cdn_field seizure_fields[] = {
	HEAD_FIELDS,
	{ "case", FT_REF, F_REQUIRED, .refkinds = "C", .index = IX_CASE, .share = SH_REF },
	{ "occurred_at", FT_STRING, F_REQUIRED, .check = check_date_or_datetime, .index = IX_DATE,
	    .share = SH_OPEN },
	{ "commodity", FT_OBJECT, F_REQUIRED, .sub = commodity_fields, .share = SH_OPEN },
	{ "quantity", FT_OBJECT, 0, .sub = quantity_fields, .share = SH_OPEN },
	{ "value", FT_OBJECT, 0, .sub = value_fields, .share = SH_OPEN },
	{ "location", FT_OBJECT, 0, .sub = location_fields, .share = SH_OPEN },
	{ "direction", FT_ENUM, 0, .values = directions, .share = SH_OPEN },
	{ "transport_mode", FT_ENUM, 0, .values = modes, .index = IX_MODE, .share = SH_OPEN },
	{ "concealment", FT_OBJECT, 0, .sub = concealment_fields, .share = SH_OPEN },
	{ "detection", FT_ENUM, 0, .values = detections, .share = SH_OPEN },
	{ "route", FT_REF, 0, .refkinds = "R", .index = IX_ROUTE, .share = SH_REF },
	{ "grading", FT_OBJECT, 0, .sub = grading_fields, .share = SH_OPEN },
	TAIL_FIELDS
};

static const struct cdn_field identifier_fields[] = {
	{ "imo", FT_STRING, F_SEARCH, .check = cdn_check_imo, .index = IX_IDENT, .share = SH_OPEN },
	{ "container", FT_STRING, F_SEARCH, .check = cdn_check_container, .index = IX_IDENT, .share = SH_OPEN },
	{ "passport", FT_STRING, F_SEARCH, .check = check_short_id, .index = IX_IDENT },
	{ "national_id", FT_STRING, F_SEARCH, .check = check_short_id, .index = IX_IDENT },
	{ "tax_id", FT_STRING, F_SEARCH, .check = check_short_id, .index = IX_IDENT },
	{ "mmsi", FT_STRING, F_SEARCH, .check = cdn_check_mmsi, .index = IX_IDENT, .share = SH_OPEN },
	{ "plate", FT_STRING, F_SEARCH, .check = check_short_id, .index = IX_IDENT },
	{ "awb", FT_STRING, F_SEARCH, .check = check_short_id, .index = IX_IDENT, .share = SH_OPEN },
	{ "bl", FT_STRING, F_SEARCH, .check = check_short_id, .index = IX_IDENT, .share = SH_OPEN },
	{ "flight", FT_STRING, F_SEARCH, .check = cdn_check_flight, .index = IX_IDENT, .share = SH_OPEN },
	{ "phone", FT_STRING, F_SEARCH, .check = cdn_check_e164, .index = IX_IDENT },
	{ "email", FT_STRING, F_SEARCH, .check = cdn_check_email, .index = IX_IDENT },
	{ "iban", FT_STRING, F_SEARCH, .check = cdn_check_iban, .index = IX_IDENT },
	END
};

static const struct cdn_field entity_fields[] = {
	HEAD_FIELDS,
	{ "type", FT_ENUM, F_REQUIRED, .values = etypes, .index = IX_ETYPE, .share = SH_OPEN },
	{ "name", FT_STRING, F_REQUIRED | F_SEARCH, .minlen = 1, .maxlen = 200, .index = IX_NAME,
	    .share = SH_NAME },
	{ "aliases", FT_ARRAY, 0, .sub = &alias_item, .share = SH_OPEN },
	{ "country", FT_STRING, 0, .check = cdn_check_country, .share = SH_OPEN },
	{ "nationality", FT_STRING, 0, .check = cdn_check_country, .share = SH_OPEN },
	{ "born_on", FT_STRING, 0, .check = cdn_check_date },
	{ "identifiers", FT_OBJECT, F_CUSTOM, .sub = identifier_fields, .share = SH_OPEN },
	{ "grading", FT_OBJECT, 0, .sub = grading_fields, .share = SH_OPEN },
	TAIL_FIELDS
};

static const struct cdn_field place_fields[] = {
	{ "country", FT_STRING, F_REQUIRED, .check = cdn_check_country, .share = SH_OPEN },
	{ "place", FT_STRING, F_SEARCH, .maxlen = 200, .share = SH_TEXT },
	END
};

static const struct cdn_field leg_fields[] = {
	{ "from", FT_OBJECT, F_REQUIRED, .sub = place_fields, .share = SH_OPEN },
	{ "to", FT_OBJECT, F_REQUIRED, .sub = place_fields, .share = SH_OPEN },
	{ "mode", FT_ENUM, 0, .values = modes, .share = SH_OPEN },
	/* A carrier is a company: its name is nominal. */
	{ "carrier", FT_STRING, F_SEARCH, .maxlen = 200 },
	{ "departed_at", FT_STRING, 0, .check = check_date_or_datetime, .share = SH_OPEN },
	{ "arrived_at", FT_STRING, 0, .check = check_date_or_datetime, .share = SH_OPEN },
	END
};

static const struct cdn_field leg_item = { "", FT_OBJECT, 0, .sub = leg_fields, .share = SH_OPEN };

static const struct cdn_field route_fields[] = {
	HEAD_FIELDS,
	{ "legs", FT_ARRAY, F_REQUIRED | F_NONEMPTY, .sub = &leg_item, .share = SH_OPEN },
	{ "origin", FT_STRING, F_DERIVED, .share = SH_OPEN },
	{ "destination", FT_STRING, F_DERIVED, .share = SH_OPEN },
	{ "transit", FT_ARRAY, F_DERIVED, .sub = &country_item, .share = SH_OPEN },
	TAIL_FIELDS
};

static const struct cdn_field link_fields[] = {
	HEAD_FIELDS,
	/* Any record but another link: a link to a link could close a cycle
	 * that no delete could break. */
	{ "from", FT_REF, F_REQUIRED, .refkinds = "CSERVA", .index = IX_FROM, .share = SH_REF },
	{ "to", FT_REF, F_REQUIRED, .refkinds = "CSERVA", .index = IX_TO, .share = SH_REF },
	{ "type", FT_ENUM, F_REQUIRED | F_CUSTOM, .values = link_types, .share = SH_OPEN },
	{ "since", FT_STRING, 0, .check = check_date_or_datetime, .share = SH_OPEN },
	{ "until", FT_STRING, 0, .check = check_date_or_datetime, .share = SH_OPEN },
	{ "grading", FT_OBJECT, 0, .sub = grading_fields, .share = SH_OPEN },
	TAIL_FIELDS
};

static const char *const custody_actions[] = {
	"collected", "received", "transferred", "analysed", "returned", "destroyed", "note", NULL
};

static const struct cdn_field version_fields[] = {
	{ "version", FT_INTEGER, F_REQUIRED },
	{ "filename", FT_STRING, F_REQUIRED, .check = cdn_check_filename },
	{ "media_type", FT_STRING, F_REQUIRED, .minlen = 1, .maxlen = 255 },
	{ "size", FT_INTEGER, F_REQUIRED },
	{ "sha256", FT_STRING, F_REQUIRED, .check = cdn_check_sha256 },
	{ "blob", FT_STRING, F_REQUIRED, .check = cdn_check_git_oid },
	{ "commit", FT_STRING, F_REQUIRED, .check = cdn_check_git_oid },
	{ "at", FT_STRING, F_REQUIRED, .check = cdn_check_datetime },
	{ "by", FT_STRING, F_REQUIRED, .check = cdn_check_username },
	{ "note", FT_STRING, F_MULTILINE, .maxlen = 2000 },
	END
};

static const struct cdn_field version_item = { "", FT_OBJECT, 0, .sub = version_fields };

static const struct cdn_field custody_fields[] = {
	{ "at", FT_STRING, F_REQUIRED, .check = cdn_check_datetime },
	{ "by", FT_STRING, F_REQUIRED, .check = cdn_check_username },
	{ "action", FT_ENUM, F_REQUIRED, .values = custody_actions },
	{ "note", FT_STRING, F_MULTILINE, .maxlen = 2000 },
	END
};

static const struct cdn_field custody_item = { "", FT_OBJECT, 0, .sub = custody_fields };

/* The latest version's facts stand at the top, for lists and search. */
#define OWNED (F_READONLY | F_OWNED)
static const struct cdn_field evidence_fields[] = {
	HEAD_FIELDS,
	{ "case", FT_REF, OWNED | F_REQUIRED, .refkinds = "C", .index = IX_CASE },
	{ "filename", FT_STRING, OWNED | F_REQUIRED | F_SEARCH, .check = cdn_check_filename },
	{ "media_type", FT_STRING, OWNED | F_REQUIRED, .minlen = 1, .maxlen = 255 },
	{ "size", FT_INTEGER, OWNED | F_REQUIRED },
	{ "sha256", FT_STRING, OWNED | F_REQUIRED, .check = cdn_check_sha256 },
	{ "description", FT_STRING, F_SEARCH | F_MULTILINE, .maxlen = 2000 },
	/* A file's history and its chain of custody are never refused for
	 * length (evidence.c bounds the custody notes on their own). */
	{ "versions", FT_ARRAY, OWNED | F_REQUIRED | F_NONEMPTY, .sub = &version_item,
	    .maxlen = UINT_MAX },
	{ "custody", FT_ARRAY, OWNED, .sub = &custody_item, .dflt = "[]", .maxlen = UINT_MAX },
	TAIL_FIELDS
};

const char *const cdn_severity_names[] = { "low", "medium", "high", "critical", NULL };
static const char *const alert_status[] = { "new", "acknowledged", "escalated", "dismissed",
	"promoted", NULL };

int
cdn_severity_parse(const char *s)
{
	for (int i = 0; s && cdn_severity_names[i]; i++)
		if (strcmp(s, cdn_severity_names[i]) == 0)
			return i;
	return -1;
}

static int
check_rule_name(const char *s, char *why)
{
	size_t n = strlen(s);

	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			n = 0;
	if (n == 0 || n > 64) {
		snprintf(why, CDN_WHY_MAX, "must be a rule name: 1 to 64 of a-z, 0-9 and -");
		return -1;
	}
	return 0;
}

static int
check_record_id(const char *s, char *why)
{
	struct cdn_id id;

	if (cdn_id_parse(s, &id) != 0) {
		snprintf(why, CDN_WHY_MAX, "'%.40s' is not a record id", s);
		return -1;
	}
	return 0;
}

/* An alert keeps the ids it names even once they are deleted: it is
 * what the rule saw then. */
static const struct cdn_field alert_ref_item = { "", FT_STRING, 0, .check = check_record_id,
	.index = IX_REF, .share = SH_REF };

/* Alerts are raised by rules (alert.c); people change only their status
 * (through alert.c) and the common fields. */
static const struct cdn_field alert_fields[] = {
	HEAD_FIELDS,
	/* A rule's name is an analyst's choice of words: checked as text. */
	{ "rule", FT_STRING, OWNED | F_REQUIRED, .check = check_rule_name, .share = SH_TEXT },
	{ "rule_version", FT_STRING, OWNED | F_REQUIRED, .check = cdn_check_git_oid,
	    .share = SH_NEVER },
	{ "key", FT_STRING, OWNED | F_REQUIRED, .minlen = 1, .maxlen = 200 },
	{ "severity", FT_ENUM, OWNED | F_REQUIRED, .values = cdn_severity_names, .share = SH_OPEN },
	{ "title", FT_STRING, OWNED | F_REQUIRED | F_SEARCH, .minlen = 1, .maxlen = 200 },
	{ "explain", FT_STRING, OWNED | F_MULTILINE, .maxlen = 2000 },
	{ "refs", FT_ARRAY, OWNED, .sub = &alert_ref_item, .dflt = "[]", .share = SH_OPEN },
	{ "status", FT_ENUM, OWNED, .values = alert_status, .dflt = "new", .index = IX_STATUS,
	    .share = SH_OPEN },
	{ "case", FT_REF, OWNED, .refkinds = "C", .share = SH_REF },
	{ "raised_at", FT_STRING, OWNED | F_REQUIRED, .check = cdn_check_datetime, .share = SH_OPEN },
	{ "last_seen_at", FT_STRING, OWNED | F_REQUIRED, .check = cdn_check_datetime,
	    .share = SH_OPEN },
	TAIL_FIELDS
};

static const struct cdn_field *const kind_fields[CDN_NKINDS] = {
	[CDN_CASE] = case_fields,
	[CDN_SEIZURE] = seizure_fields,
	[CDN_ENTITY] = entity_fields,
	[CDN_ROUTE] = route_fields,
	[CDN_LINK] = link_fields,
	[CDN_EVIDENCE] = evidence_fields,
	[CDN_ALERT] = alert_fields,
};

const struct cdn_field *
cdn_schema_fields(enum cdn_kind kind)
{
	return kind_fields[kind];
}

static const struct cdn_field *
find_field(const struct cdn_field *fields, const char *name, size_t len)
{
	for (const struct cdn_field *f = fields; f->name; f++)
		if (strlen(f->name) == len && memcmp(f->name, name, len) == 0)
			return f;
	return NULL;
}

const struct cdn_field *
cdn_schema_lookup(enum cdn_kind kind, const char *path)
{
	const struct cdn_field *fields = kind_fields[kind], *f = NULL;
	const char *p = path, *dot;

	for (;;) {
		dot = strchr(p, '.');
		f = find_field(fields, p, dot ? (size_t)(dot - p) : strlen(p));
		if (!f || !dot)
			return f;
		if (f->type == FT_ARRAY && f->sub->type == FT_OBJECT)
			fields = f->sub->sub;
		else if (f->type == FT_OBJECT)
			fields = f->sub;
		else
			return NULL;
		p = dot + 1;
	}
}

/* --- validation ---------------------------------------------------------- */

struct vctx {
	struct cdn_txn *txn;
	unsigned flags;
	/* Set only while validating the top level of a record. */
	enum cdn_kind kind;
	json_t *old;
	const struct cdn_sys *sys;
};

static int validate_value(struct vctx *vc, const struct cdn_field *f,
    json_t *v, json_t **out);

static int
is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static const char *
type_name(enum cdn_ftype t)
{
	switch (t) {
	case FT_STRING: case FT_ENUM: case FT_REF: return "a string";
	case FT_NUMBER: return "a number";
	case FT_INTEGER: return "an integer";
	case FT_OBJECT: case FT_ATTRIBUTES: return "an object";
	case FT_ARRAY: return "an array";
	}
	return "?";
}

static int
enum_ok(const struct cdn_field *f, const char *s)
{
	for (const char *const *v = f->values; *v; v++)
		if (strcmp(*v, s) == 0)
			return 1;
	if ((f->flags & F_CUSTOM) && strncmp(s, "x-", 2) == 0 && s[2]) {
		for (const char *p = s + 2; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			    *p == '_' || *p == '-'))
				return 0;
		return strlen(s) <= 64;
	}
	return 0;
}

static int
enum_error(const struct cdn_field *f, const char *s)
{
	char list[400] = "";
	size_t n = 0;

	for (const char *const *v = f->values; *v && n < sizeof list - 40; v++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", *v);
	return cdn_error_set(CDN_EINVAL, f->name, "'%.60s' is not one of %s%s", s,
	    list, (f->flags & F_CUSTOM) ? ", x-…" : "");
}

static int
is_instant_check(int (*check)(const char *, char *))
{
	return check == cdn_check_datetime || check == cdn_check_date ||
	    check == check_date_or_datetime;
}

static int
validate_string(struct vctx *vc, const struct cdn_field *f, json_t *v, json_t **out)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v), chars;
	char why[CDN_WHY_MAX] = "";
	utf8proc_uint8_t *nfc = NULL;

	if (strlen(s) != len)
		return cdn_error_set(CDN_EINVAL, f->name, "contains a NUL character");
	/* The free-text rule every note and text obeys (text.h). */
	if (cdn_check_text(s, len, (f->flags & F_MULTILINE) != 0, why) != 0)
		return cdn_error_set(CDN_EINVAL, f->name, "%s", why);
	/* Names are stored in NFC so the same name typed on two keyboards
	 * is the same bytes; ASCII is already NFC. */
	if (!is_ascii(s, len)) {
		if ((nfc = utf8proc_NFC((const utf8proc_uint8_t *)s)) == NULL)
			return cdn_error_set(CDN_EINVAL, f->name, "is not valid UTF-8");
		s = (const char *)nfc;
	}
	chars = utf8_chars(s);
	if (chars < f->minlen || chars > (f->maxlen ? f->maxlen : 1000)) {
		free(nfc);
		if (f->minlen == 1 && chars == 0)
			return cdn_error_set(CDN_EINVAL, f->name, "must not be empty");
		if (f->minlen == 0)
			return cdn_error_set(CDN_EINVAL, f->name, "must be at most %u characters, not %zu",
			    f->maxlen ? f->maxlen : 1000, chars);
		return cdn_error_set(CDN_EINVAL, f->name, "must be %u to %u characters, not %zu",
		    f->minlen, f->maxlen ? f->maxlen : 1000, chars);
	}
	switch (f->type) {
	case FT_ENUM:
		if (!enum_ok(f, s)) {
			int rc = enum_error(f, s);

			free(nfc);
			return rc;
		}
		break;
	case FT_REF: {
		struct cdn_id id;
		int rc = 0;

		/* The messages quote `s`, which may be `nfc`: free it after. */
		if (cdn_id_parse(s, &id) != 0)
			rc = cdn_error_set(CDN_EINVAL, f->name, "'%.40s' is not a record id", s);
		else if (f->refkinds && !strchr(f->refkinds, cdn_kind_info(id.kind)->letter) &&
		    strlen(f->refkinds) > 1)
			rc = cdn_error_set(CDN_EINVAL, f->name, "cannot be a %s (%s)",
			    cdn_kind_info(id.kind)->name, s);
		else if (f->refkinds && !strchr(f->refkinds, cdn_kind_info(id.kind)->letter))
			rc = cdn_error_set(CDN_EINVAL, f->name, "must be a %s id, not %s",
			    cdn_kind_info(cdn_kind_parse((char[]){ f->refkinds[0], 0 }))->name, s);
		else if (vc->txn && (rc = cdn_record_exists(vc->txn, s)) != 1)
			rc = rc < 0 ? rc : cdn_error_set(CDN_EINVAL, f->name, "no record %s", s);
		else
			rc = 0;
		if (rc != 0) {
			free(nfc);
			return rc;
		}
		break;
	}
	default:
		if (f->check && f->check(s, why) != 0) {
			free(nfc);
			return cdn_error_set(CDN_EINVAL, f->name, "%s", why);
		}
		/* Instants are kept in one spelling: "T" and "Z" upper case. */
		if (is_instant_check(f->check) && strpbrk(s, "tz")) {
			char *up = strdup(s);

			free(nfc);
			if (!up)
				return cdn_error_set(CDN_ENOMEM, f->name, "out of memory");
			for (char *p = up; *p; p++)
				if (*p == 't' || *p == 'z')
					*p = (char)(*p - 'a' + 'A');
			*out = json_string(up);
			free(up);
			return *out ? 0 : cdn_error_set(CDN_ENOMEM, f->name, "out of memory");
		}
	}
	*out = nfc ? json_string((const char *)nfc) : json_incref(v);
	free(nfc);
	return *out ? 0 : cdn_error_set(CDN_ENOMEM, f->name, "out of memory");
}

/* The value a store-set field takes: from the store, the stored record,
 * or (import of an export) the input. */
static json_t *
sys_value(struct vctx *vc, const struct cdn_field *f, json_t *in)
{
	const struct cdn_sys *sys = vc->sys;
	const char *s = NULL;

	if ((f->flags & F_PROVENANCE) && (vc->flags & CDN_CREATE_KEEP_PROVENANCE) &&
	    in && !json_is_null(in))
		return NULL;	/* validated as input */
	if (sys) {
		if (strcmp(f->name, "version") == 0 && sys->version > 0)
			return json_integer(sys->version);
		if (strcmp(f->name, "id") == 0) s = sys->id;
		else if (strcmp(f->name, "kind") == 0) s = sys->kind;
		else if (strcmp(f->name, "created_at") == 0) s = sys->created_at;
		else if (strcmp(f->name, "created_by") == 0) s = sys->created_by;
		else if (strcmp(f->name, "updated_at") == 0) s = sys->updated_at;
		else if (strcmp(f->name, "updated_by") == 0) s = sys->updated_by;
		if (s)
			return json_string(s);
	}
	return vc->old ? json_incref(json_object_get(vc->old, f->name)) : NULL;
}

/* A read-only field in the input must hold its current value. */
static int
readonly_ok(struct vctx *vc, const struct cdn_field *f, json_t *in)
{
	json_t *cur = vc->old ? json_object_get(vc->old, f->name) : NULL;

	if (strcmp(f->name, "id") == 0 && (vc->flags & CDN_CREATE_IGNORE_ID))
		return 1;
	if (strcmp(f->name, "kind") == 0 && json_is_string(in) &&
	    strcmp(json_string_value(in), cdn_kind_info(vc->kind)->name) == 0)
		return 1;
	if ((f->flags & F_PROVENANCE) && (vc->flags & CDN_CREATE_KEEP_PROVENANCE))
		return 1;
	return cur && json_equal(cur, in);
}

static int
validate_object(struct vctx *vc, const struct cdn_field *fields, unsigned flags,
    json_t *in, json_t **out)
{
	int top = vc->sys != NULL || vc->old != NULL;
	const char *key;
	json_t *v, *obj;
	int rc;

	json_object_foreach(in, key, v) {
		if (!find_field(fields, key, strlen(key)) &&
		    !((flags & F_CUSTOM) && strncmp(key, "x-", 2) == 0))
			return cdn_error_set(CDN_EINVAL, key, "unknown field");
	}
	if ((obj = json_object()) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	for (const struct cdn_field *f = fields; f->name; f++) {
		json_t *nv = NULL;

		v = json_object_get(in, f->name);
		if (top && (f->flags & F_READONLY) &&
		    !((f->flags & F_OWNED) && (vc->flags & CDN_WRITE_OWNED))) {
			if (v && !readonly_ok(vc, f, v)) {
				json_decref(obj);
				return cdn_error_set(CDN_EINVAL, f->name, "read-only (set by the store)");
			}
			if ((nv = sys_value(vc, f, v)) != NULL) {
				json_object_set_new(obj, f->name, nv);
				continue;
			}
			if (!v || json_is_null(v))
				continue;
			/* A kept provenance value: validated below. */
		} else if (f->flags & F_DERIVED) {
			/* Recomputed after validation; input is ignored. */
			json_object_set_new(obj, f->name, json_null());
			continue;
		}
		if (!v || json_is_null(v)) {
			if (f->flags & F_REQUIRED) {
				json_decref(obj);
				return cdn_error_set(CDN_EINVAL, f->name, "required");
			}
			if (f->dflt)
				json_object_set_new(obj, f->name, f->type == FT_ARRAY ?
				    json_array() : json_string(f->dflt));
			continue;
		}
		if ((rc = validate_value(vc, f, v, &nv)) != 0) {
			json_decref(obj);
			return rc;
		}
		json_object_set_new(obj, f->name, nv);
	}
	/* Custom identifier keys ("x-driving-licence"): plain short strings. */
	if (flags & F_CUSTOM) {
		json_object_foreach(in, key, v) {
			if (strncmp(key, "x-", 2) != 0)
				continue;
			if (!json_is_string(v) || json_string_length(v) > 200) {
				json_decref(obj);
				return cdn_error_set(CDN_EINVAL, key, "must be a string of at most 200 bytes");
			}
			json_object_set(obj, key, v);
		}
	}
	*out = obj;
	return 0;
}

static int
validate_value(struct vctx *vc, const struct cdn_field *f, json_t *v, json_t **out)
{
	int rc;

	switch (f->type) {
	case FT_STRING:
	case FT_ENUM:
	case FT_REF:
		if (!json_is_string(v))
			break;
		return validate_string(vc, f, v, out);
	case FT_NUMBER: {
		double d;

		if (!json_is_number(v))
			break;
		d = json_number_value(v);
		if ((f->flags & F_POSITIVE) && !(d > 0))
			return cdn_error_set(CDN_EINVAL, f->name, "must be greater than 0");
		if ((f->flags & F_NONNEG) && d < 0)
			return cdn_error_set(CDN_EINVAL, f->name, "must not be negative");
		if ((f->flags & F_RANGE) && (d < f->min || d > f->max))
			return cdn_error_set(CDN_EINVAL, f->name, "must be between %g and %g", f->min, f->max);
		*out = json_incref(v);
		return 0;
	}
	case FT_INTEGER:
		if (!json_is_integer(v))
			break;
		if (json_integer_value(v) < 1)
			return cdn_error_set(CDN_EINVAL, f->name, "must be at least 1");
		if ((f->flags & F_RANGE) && (double)json_integer_value(v) > f->max)
			return cdn_error_set(CDN_EINVAL, f->name, "must be at most %.0f", f->max);
		*out = json_incref(v);
		return 0;
	case FT_OBJECT: {
		struct vctx inner = { vc->txn, vc->flags, vc->kind, NULL, NULL };

		if (!json_is_object(v))
			break;
		if ((rc = validate_object(&inner, f->sub, f->flags, v, out)) != 0)
			cdn_error_prefix_field(f->name);
		return rc;
	}
	case FT_ARRAY: {
		size_t i;
		json_t *item, *arr;

		if (!json_is_array(v))
			break;
		if ((f->flags & F_NONEMPTY) && json_array_size(v) == 0)
			return cdn_error_set(CDN_EINVAL, f->name, "must have at least one item");
		if (json_array_size(v) > (f->maxlen ? f->maxlen : 1000))
			return cdn_error_set(CDN_EINVAL, f->name, "has more than %u items",
			    f->maxlen ? f->maxlen : 1000);
		arr = json_array();
		json_array_foreach(v, i, item) {
			json_t *nv = NULL;
			char idx[24];

			if ((rc = validate_value(vc, f->sub, item, &nv)) != 0) {
				json_decref(arr);
				snprintf(idx, sizeof idx, "[%zu]", i);
				cdn_error_prefix_field(idx);
				cdn_error_prefix_field(f->name);
				return rc;
			}
			json_array_append_new(arr, nv);
		}
		*out = arr;
		return 0;
	}
	case FT_ATTRIBUTES: {
		const char *key;
		json_t *item;

		if (!json_is_object(v))
			break;
		if (json_object_size(v) > 200)
			return cdn_error_set(CDN_EINVAL, f->name, "has more than 200 keys");
		json_object_foreach(v, key, item) {
			if (strlen(key) == 0 || strlen(key) > 64) {
				cdn_error_set(CDN_EINVAL, f->name, "keys must be 1 to 64 bytes");
				return CDN_EINVAL;
			}
			if (!json_is_string(item) && !json_is_number(item) && !json_is_boolean(item))
				return cdn_error_set(CDN_EINVAL, f->name,
				    "'%.64s' must be a string, number or boolean", key);
			if (json_is_string(item) && json_string_length(item) > 2000)
				return cdn_error_set(CDN_EINVAL, f->name, "'%.64s' is longer than 2000 bytes", key);
		}
		*out = json_deep_copy(v);
		return 0;
	}
	}
	return cdn_error_set(CDN_EINVAL, f->name, "must be %s", type_name(f->type));
}

/* Route: origin, destination and transit countries follow from the legs. */
static void
derive_route(json_t *rec)
{
	json_t *legs = json_object_get(rec, "legs"), *leg, *transit;
	const char *last = NULL;
	size_t i, n = json_array_size(legs);

	if (n == 0)
		return;
	json_object_set(rec, "origin", json_object_get(json_object_get(json_array_get(legs, 0), "from"), "country"));
	json_object_set(rec, "destination",
	    json_object_get(json_object_get(json_array_get(legs, n - 1), "to"), "country"));
	const char *origin = json_string_value(json_object_get(rec, "origin"));
	const char *dest = json_string_value(json_object_get(rec, "destination"));
	transit = json_array();
	json_array_foreach(legs, i, leg) {
		const char *c[2] = {
			json_string_value(json_object_get(json_object_get(leg, "from"), "country")),
			json_string_value(json_object_get(json_object_get(leg, "to"), "country")),
		};
		for (int k = 0; k < 2; k++) {
			size_t j;
			json_t *t;
			int seen = 0;

			if ((i == 0 && k == 0) || (i == n - 1 && k == 1))
				continue;
			if (!c[k] || (last && strcmp(last, c[k]) == 0))
				continue;
			json_array_foreach(transit, j, t)
				if (strcmp(json_string_value(t), c[k]) == 0)
					seen = 1;
			if (!seen && strcmp(c[k], origin) != 0 && strcmp(c[k], dest) != 0)
				json_array_append_new(transit, json_string(c[k]));
			last = c[k];
		}
	}
	json_object_set_new(rec, "transit", transit);
}

/* `first` and `last` of `obj`, if both are given, must be in that order. */
static int
in_order(json_t *obj, const char *first, const char *last, const char *prefix)
{
	const char *a = json_string_value(json_object_get(obj, first));
	const char *b = json_string_value(json_object_get(obj, last));
	int64_t ta, tb;

	if (!a || !b || cdn_time_parse(a, &ta, NULL) != 0 || cdn_time_parse(b, &tb, NULL) != 0)
		return 0;
	if (ta <= tb)
		return 0;
	cdn_error_set(CDN_EINVAL, last, "%s is before %s %s", b, first, a);
	cdn_error_prefix_field(prefix);
	return CDN_EINVAL;
}

/* What no single field can say: a link ends after it begins, a leg
 * arrives after it departs. */
static int
validate_across(enum cdn_kind kind, json_t *rec)
{
	json_t *leg;
	size_t i;
	char idx[32];
	int rc;

	if (kind == CDN_LINK)
		return in_order(rec, "since", "until", NULL);
	if (kind == CDN_ROUTE) {
		json_array_foreach(json_object_get(rec, "legs"), i, leg) {
			snprintf(idx, sizeof idx, "legs[%zu]", i);
			if ((rc = in_order(leg, "departed_at", "arrived_at", idx)) != 0)
				return rc;
		}
	}
	return 0;
}

int
cdn_schema_validate(struct cdn_txn *txn, enum cdn_kind kind, json_t *input,
    json_t *old, const struct cdn_sys *sys, unsigned flags, json_t **out)
{
	static const struct cdn_sys none;
	struct vctx vc = { txn, flags, kind, old, sys ? sys : &none };
	int rc;

	*out = NULL;
	if (!json_is_object(input))
		return cdn_error_set(CDN_EINVAL, NULL, "a record must be a JSON object");
	if ((rc = validate_object(&vc, kind_fields[kind], 0, input, out)) != 0)
		return rc;
	if ((rc = validate_across(kind, *out)) != 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	if (kind == CDN_ROUTE)
		derive_route(*out);
	if (kind == CDN_LINK && json_equal(json_object_get(*out, "from"), json_object_get(*out, "to"))) {
		json_decref(*out);
		*out = NULL;
		return cdn_error_set(CDN_EINVAL, "to", "a link must join two different records");
	}
	return 0;
}

/* --- index keys ---------------------------------------------------------- */

void
cdn_time_key(int64_t t, unsigned char out[8])
{
	cdn_be64(out, (uint64_t)t ^ (1ULL << 63));
}

const char *
cdn_when_field(enum cdn_kind kind)
{
	return kind == CDN_SEIZURE ? "occurred_at" : "created_at";
}

int64_t
cdn_time_unkey(const unsigned char in[8])
{
	return (int64_t)(cdn_get_be64(in) ^ (1ULL << 63));
}

size_t
cdn_seized_key(const unsigned char rkey[CDN_RKEY_LEN], const unsigned char when[8],
    unsigned char *key)
{
	unsigned char v[CDN_RKEY_LEN + 8];

	memcpy(v, rkey, CDN_RKEY_LEN);
	memcpy(v + CDN_RKEY_LEN, when, 8);
	return cdn_index_key(IX_SEIZED, (const char *)v, sizeof v, key);
}

int
cdn_index_exact(enum cdn_index ix)
{
	switch (ix) {
	case IX_CASE: case IX_CATEGORY: case IX_COUNTRY: case IX_MODE:
	case IX_ROUTE: case IX_ETYPE: case IX_FROM: case IX_TO:
	case IX_STATUS: case IX_TAG: case IX_REF:
		return 1;
	default:
		return 0;
	}
}

/* --- which index answers a field alone ------------------------------------ */

/* How many fields of `fields` (and below) index into `ix`. */
static int
index_uses(const struct cdn_field *fields, enum cdn_index ix)
{
	int n = 0;

	for (const struct cdn_field *f = fields; f && f->name; f++) {
		if (f->index == ix)
			n++;
		if (f->type == FT_OBJECT) {
			n += index_uses(f->sub, ix);
		} else if (f->type == FT_ARRAY && f->sub) {
			if (f->sub->index == ix)
				n++;
			if (f->sub->type == FT_OBJECT)
				n += index_uses(f->sub->sub, ix);
		}
	}
	return n;
}

const struct cdn_field *
cdn_schema_single(enum cdn_kind kind, const char *path)
{
	char buf[128];
	const struct cdn_field *f;
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof buf)
		return NULL;
	memcpy(buf, path, len + 1);
	if (strncmp(buf, "attributes.", 11) == 0 && buf[11] && !strchr(buf + 11, '.'))
		return cdn_schema_lookup(kind, "attributes");
	for (char *dot = strchr(buf, '.'); dot; dot = strchr(dot + 1, '.')) {
		*dot = '\0';
		f = cdn_schema_lookup(kind, buf);
		*dot = '.';
		if (!f || f->type != FT_OBJECT)
			return NULL;
	}
	f = cdn_schema_lookup(kind, buf);
	if (!f || f->type == FT_OBJECT || f->type == FT_ARRAY || f->type == FT_ATTRIBUTES)
		return NULL;
	return f;
}

enum cdn_index
cdn_value_index(enum cdn_kind kind, const char *path)
{
	const struct cdn_field *f = cdn_schema_single(kind, path);

	if (!f || f->type == FT_ATTRIBUTES || f->index == IX_TAG || !cdn_index_exact(f->index) ||
	    index_uses(cdn_schema_fields(kind), f->index) != 1)
		return IX_NONE;
	return f->index;
}

enum cdn_index
cdn_cond_index(enum cdn_kind kind, const char *path)
{
	const struct cdn_field *f = cdn_schema_lookup(kind, path);

	if (f && f->type == FT_ARRAY && f->sub && f->sub->type != FT_OBJECT && !strchr(path, '.') &&
	    cdn_index_exact(f->sub->index) && index_uses(cdn_schema_fields(kind), f->sub->index) == 1)
		return f->sub->index;
	return cdn_value_index(kind, path);
}

struct kctx {
	cdn_key_fn fn;
	void *arg;
};

static int
emit(struct kctx *kc, enum cdn_index ix, const char *val, size_t len)
{
	unsigned char key[CDN_IKEY_MAX];

	return kc->fn(kc->arg, key, cdn_index_key(ix, val, len, key));
}

static int
word_cb(void *arg, const char *w, size_t len)
{
	/* Single characters would index half the store for no use. */
	if (len < 2)
		return 0;
	return emit(arg, IX_WORD, w, len > 64 ? 64 : len);
}

/* Identifier values are compared without case or spaces: "gb82 west…"
 * and "GB82WEST…" are one account; an IMO number without its "IMO". */
void
cdn_ident_norm(const char *name, const char *v, char *out, size_t cap)
{
	size_t n = (size_t)snprintf(out, cap, "%s=", name);

	if (strcmp(name, "imo") == 0 && strncasecmp(v, "imo", 3) == 0)
		v += 3;
	for (; *v && n + 1 < cap; v++) {
		if (*v == ' ')
			continue;
		out[n++] = (*v >= 'a' && *v <= 'z') ? (char)(*v - 32) : *v;
	}
	out[n] = '\0';
}

static int
keys_of(struct kctx *kc, const struct cdn_field *f, json_t *v)
{
	int rc = 0;

	if (f->type == FT_OBJECT) {
		for (const struct cdn_field *s = f->sub; s->name; s++) {
			json_t *sv = json_object_get(v, s->name);

			if (sv && (rc = keys_of(kc, s, sv)) != 0)
				return rc;
		}
		return 0;
	}
	if (f->type == FT_ARRAY) {
		size_t i;
		json_t *item;

		json_array_foreach(v, i, item)
			if ((rc = keys_of(kc, f->sub, item)) != 0)
				return rc;
		return 0;
	}
	if (!json_is_string(v))
		return 0;
	const char *s = json_string_value(v);
	char *folded = NULL;

	if (f->flags & F_SEARCH) {
		if ((folded = cdn_fold(s)) == NULL)
			return cdn_error_set(CDN_ENOMEM, f->name, "cannot fold text");
		rc = cdn_fold_words(folded, word_cb, kc);
	}
	switch (f->index) {
	case IX_NONE:
		break;
	case IX_DATE: {
		int64_t t;
		unsigned char k[8];

		if (cdn_time_parse(s, &t, NULL) == 0) {
			cdn_time_key(t, k);
			rc = rc ? rc : emit(kc, f->index, (const char *)k, 8);
		}
		break;
	}
	case IX_NAME:
		if (!folded && (folded = cdn_fold(s)) == NULL)
			return cdn_error_set(CDN_ENOMEM, f->name, "cannot fold text");
		rc = rc ? rc : emit(kc, f->index, folded, strlen(folded));
		break;
	case IX_IDENT: {
		char buf[CDN_IKEY_MAX];

		cdn_ident_norm(f->name, s, buf, sizeof buf);
		rc = rc ? rc : emit(kc, f->index, buf, strlen(buf));
		break;
	}
	default:
		rc = rc ? rc : emit(kc, f->index, s, strlen(s));
	}
	free(folded);
	return rc;
}

int
cdn_schema_index_keys(enum cdn_kind kind, json_t *rec, cdn_key_fn fn, void *arg)
{
	struct kctx kc = { fn, arg };
	int rc;

	for (const struct cdn_field *f = kind_fields[kind]; f->name; f++) {
		json_t *v = json_object_get(rec, f->name);

		if (v && (rc = keys_of(&kc, f, v)) != 0)
			return rc;
	}
	/* An alert is found by (rule, key): its raise is deduplicated on it. */
	if (kind == CDN_ALERT) {
		const char *rule = json_string_value(json_object_get(rec, "rule"));
		const char *key = json_string_value(json_object_get(rec, "key"));
		unsigned char k[CDN_IKEY_MAX];
		size_t n;

		if (rule && key) {
			n = cdn_alert_key(rule, key, k);
			if ((rc = fn(arg, k, n)) != 0)
				return rc;
		}
	}
	/* A seizure's time, found from its id: dates are checked against a
	 * window without reading the record (query.c). */
	if (kind == CDN_SEIZURE) {
		const char *when = json_string_value(json_object_get(rec, "occurred_at"));
		const char *sid = json_string_value(json_object_get(rec, "id"));
		unsigned char k[CDN_IKEY_MAX], rk[CDN_RKEY_LEN], tk[8];
		struct cdn_id id;
		int64_t t;

		if (when && sid && cdn_time_parse(when, &t, NULL) == 0) {
			if (cdn_id_parse(sid, &id) != 0) {
				cdn_error_clear();	/* not a stored record: no entry */
			} else {
				cdn_rkey(id, rk);
				cdn_time_key(t, tk);
				if ((rc = fn(arg, k, cdn_seized_key(rk, tk, k))) != 0)
					return rc;
			}
		}
	}
	/* A link is found from either end with its type and its other end,
	 * so that a walk over links need not read them (graph.c). */
	if (kind == CDN_LINK) {
		const char *from = json_string_value(json_object_get(rec, "from"));
		const char *to = json_string_value(json_object_get(rec, "to"));
		const char *type = json_string_value(json_object_get(rec, "type"));
		unsigned char k[CDN_IKEY_MAX];

		if (from && to && type &&
		    ((rc = fn(arg, k, cdn_link_end_key(from, 1, type, to, k))) != 0 ||
		    (rc = fn(arg, k, cdn_link_end_key(to, 0, type, from, k))) != 0))
			return rc;
	}
	return 0;
}

size_t
cdn_link_end_key(const char *end, int out, const char *type, const char *other,
    unsigned char *key)
{
	char buf[CDN_IKEY_MAX];
	int n = snprintf(buf, sizeof buf, "%s%c%c%s%c%s", end, 0x1f, out ? '>' : '<', type, 0x1f,
	    other);

	/* Ids and types are short (a type is at most 64 bytes), so the key
	 * always holds the whole; were it cut, cdn_link_ends would not take
	 * it for one it can read. */
	if (n < 0)
		n = 0;
	return cdn_index_key(IX_LINKEND, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1,
	    key);
}

size_t
cdn_alert_key(const char *rule, const char *key, unsigned char *out)
{
	char buf[CDN_IKEY_MAX];
	int n = snprintf(buf, sizeof buf, "%s%c%s", rule, 0x1f, key);

	return cdn_index_key(IX_ALERT, buf, n < 0 ? 0 : (size_t)n, out);
}

size_t
cdn_ident_key(const char *name, const char *value, unsigned char *key)
{
	char buf[CDN_IKEY_MAX];

	cdn_ident_norm(name, value, buf, sizeof buf);
	return cdn_index_key(IX_IDENT, buf, strlen(buf), key);
}
