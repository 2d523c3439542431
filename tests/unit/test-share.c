/*
 * test-share.c - what partners receive, against what doc/partners.md
 * promises: the field-by-field table held to the schema's share classes
 * (every field listed, each with its class), and the redaction of records
 * of a shared case under each profile, with the text guard's edges: whole
 * words, diacritics, ids that are prefixes of others, long names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cordon/partner.h"
#include "cordon/record.h"
#include "cordon/share.h"
#include "cordon/store.h"
#include "internal.h"
#include "json.h"
#include "schema.h"
#include "tap.h"

static const char *const class_names[] = { "nominal", "open", "text", "name", "ref", "never" };

/* --- the table ------------------------------------------------------------------------ */

struct row {
	char kind[16], field[96], cls[16];
	int each, seen;
};

static struct row rows[256];
static size_t nrows;

/* The rows between the share-table markers: one per field named. */
static int
read_table(const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int in = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		char kind[16], fields[800], cls[16], *p;

		if (strncmp(line, "<!-- share-table", 16) == 0) {
			in = 1;
			continue;
		}
		if (strncmp(line, "<!-- /share-table", 17) == 0)
			break;
		if (!in || sscanf(line, "| %15[a-z] | %799[^|]| %15[a-z] |", kind, fields, cls) != 3)
			continue;
		for (p = fields; (p = strchr(p, '`')) != NULL && nrows < 256;) {
			char *end = strchr(p + 1, '`');
			struct row *r = &rows[nrows++];

			if (!end)
				break;
			snprintf(r->kind, sizeof r->kind, "%s", kind);
			snprintf(r->field, sizeof r->field, "%.*s", (int)(end - p - 1), p + 1);
			snprintf(r->cls, sizeof r->cls, "%s", cls);
			r->each = strncmp(end + 1, " (each)", 7) == 0;
			p = end + 1;
		}
	}
	fclose(f);
	return in ? 0 : -1;
}

static struct row *
row_for(const char *kind, const char *field)
{
	for (size_t i = 0; i < nrows; i++)
		if (strcmp(rows[i].field, field) == 0 && (strcmp(rows[i].kind, kind) == 0 ||
		    strcmp(rows[i].kind, "any") == 0))
			return &rows[i];
	return NULL;
}

static int bad_fields;

/* Every leaf of `fields` (objects walked into, arrays of scalars by their
 * items) against its row. */
static void
check_fields(const char *kind, const char *prefix, const struct cdn_field *fields)
{
	for (const struct cdn_field *f = fields; f && f->name; f++) {
		char path[96];
		const struct cdn_field *sub = NULL;
		struct row *r;
		int cls = f->share, each = 0;

		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", f->name);
		if (f->type == FT_OBJECT)
			sub = f->sub;
		else if (f->type == FT_ARRAY && f->sub->type == FT_OBJECT)
			sub = f->sub->sub;
		if (sub) {
			/* A container is open: its fields decide. */
			if (f->share != SH_OPEN) {
				ok(0, "%s.%s: a container whose class is not open", kind, path);
				bad_fields++;
			}
			check_fields(kind, path, sub);
			continue;
		}
		if (f->type == FT_ARRAY) {
			cls = f->sub->share;
			each = 1;
		}
		if ((r = row_for(kind, path)) == NULL) {
			ok(0, "%s.%s is in doc/partners.md's table", kind, path);
			bad_fields++;
			continue;
		}
		r->seen = 1;
		if (strcmp(r->cls, class_names[cls]) != 0 || r->each != each) {
			ok(0, "%s.%s: the doc says %s%s, the code %s%s", kind, path, r->cls,
			    r->each ? " (each)" : "", class_names[cls], each ? " (each)" : "");
			bad_fields++;
		}
	}
}

static void
test_table(void)
{
	char path[1024];
	const char *dir = getenv("TESTS_DIR");

	int rc;

	snprintf(path, sizeof path, "%s/../doc/partners.md", dir ? dir : "tests");
	rc = read_table(path);
	if (!ok(rc == 0 && nrows > 20, "doc/partners.md has the share table (%zu fields)", nrows))
		return;
	for (int k = 0; k < CDN_NKINDS; k++)
		if (k != CDN_EVIDENCE)
			check_fields(cdn_kind_info((enum cdn_kind)k)->name, "", cdn_schema_fields((enum cdn_kind)k));
	ok(bad_fields == 0, "every field's class is the one the doc gives (%d differ)", bad_fields);
	for (size_t i = 0; i < nrows; i++)
		if (!rows[i].seen)
			ok(0, "the doc's %s.%s is a field", rows[i].kind, rows[i].field);
}

/* --- redaction of a shared case --------------------------------------------------------- */

static char dir[] = "/tmp/test-share-XXXXXX";
static struct cdn_store *st;

struct add {
	enum cdn_kind kind;
	const char *json;
};

static int
add_fn(struct cdn_txn *txn, void *arg)
{
	const struct add *a = arg;
	json_t *in = json_loads(a->json, 0, NULL);
	int rc;

	if (!in)
		return CDN_EINVAL;
	rc = cdn_record_create(txn, a->kind, in, 0, NULL);
	json_decref(in);
	return rc;
}

static void
add(enum cdn_kind kind, const char *json)
{
	struct add a = { kind, json };

	if (cdn_store_write(st, "tester", add_fn, &a) != 0)
		diag("cannot add %s: %s", json, cdn_error_last()->message);
}

/* The member `id` of the first group of what `partner` would receive. */
static json_t *
member(json_t *preview, const char *id)
{
	json_t *g = json_array_get(json_object_get(preview, "groups"), 0), *m;
	size_t i;

	json_array_foreach(json_object_get(g, "members"), i, m)
		if (strcmp(json_string_value(json_object_get(m, "id")), id) == 0)
			return m;
	return NULL;
}

static const char *
str(json_t *o, const char *path)
{
	return json_string_value(cdn_json_path(o, path));
}

static json_t *
leg0(json_t *route)
{
	return json_array_get(json_object_get(route, "legs"), 0);
}

static void
test_redaction(void)
{
	json_t *p, *pre = NULL, *m;
	char path[96];

	snprintf(path, sizeof path, "%s/store", dir);
	if (!ok(cdn_store_init(path) == 0 && cdn_store_open(path, &st) == 0, "a store"))
		return;
	add(CDN_CASE, "{\"title\":\"Scales for Nguyễn Văn Hùng\",\"tlp\":\"green\"}");	/* C-1 */
	add(CDN_CASE, "{\"title\":\"Closed file\",\"tlp\":\"red\"}");			/* C-2 */
	add(CDN_ENTITY, "{\"type\":\"person\",\"name\":\"Nguyễn Văn Hùng\",\"nationality\":\"VN\","
	    "\"identifiers\":{\"passport\":\"N4175316\"},\"tlp\":\"green\"}");		/* E-1 */
	add(CDN_ENTITY, "{\"type\":\"vessel\",\"name\":\"Ocean Pearl\",\"identifiers\":"
	    "{\"imo\":\"9074729\"},\"tlp\":\"green\"}");				/* E-2 */
	add(CDN_ENTITY, "{\"type\":\"phone\",\"name\":\"+84908765432\",\"tlp\":\"green\"}");	/* E-3 */
	add(CDN_ENTITY, "{\"type\":\"company\",\"name\":\"A B C D E F G H I J K L M N O\","
	    "\"tlp\":\"red\"}");							/* E-4 */
	/* S-1: the text names E-1; S-2: a red seizure; S-3: names S-2 and
	 * S-20 (no such record); S-4: a word that merely starts like a name,
	 * and a long name's first twelve words; S-5: without diacritics. */
	add(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2025-01-01\",\"commodity\":{\"category\":"
	    "\"wildlife\",\"description\":\"scales for nguyen van HUNG\"},\"tlp\":\"green\"}");
	add(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2025-01-02\",\"commodity\":{\"category\":"
	    "\"narcotics\",\"description\":\"kept back\"},\"tlp\":\"red\"}");
	add(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2025-01-03\",\"commodity\":{\"category\":"
	    "\"wildlife\",\"description\":\"same lot as s-2\"},\"location\":{\"place\":\"near S-20\"},"
	    "\"tlp\":\"green\"}");
	add(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2025-01-04\",\"commodity\":{\"category\":"
	    "\"wildlife\",\"description\":\"Hunger games\"},\"location\":{\"place\":\"a b c d e f g h i "
	    "j k l and more\"},\"tlp\":\"green\"}");
	add(CDN_SEIZURE, "{\"case\":\"C-2\",\"occurred_at\":\"2025-01-05\",\"commodity\":{\"category\":"
	    "\"timber\"},\"tlp\":\"green\"}");
	/* S-6: names the red case by its title. */
	add(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2025-01-06\",\"commodity\":{\"category\":"
	    "\"timber\",\"description\":\"logs, see the closed FILE\"},\"tlp\":\"green\"}");
	add(CDN_LINK, "{\"from\":\"E-1\",\"to\":\"S-1\",\"type\":\"involved_in\",\"tlp\":\"green\"}");
	add(CDN_LINK, "{\"from\":\"S-1\",\"to\":\"E-2\",\"type\":\"seized_from\",\"tlp\":\"green\"}");
	add(CDN_LINK, "{\"from\":\"E-3\",\"to\":\"S-1\",\"type\":\"used\",\"tlp\":\"green\"}");
	/* E-5: a red name in a script written without spaces; S-7 names it
	 * inside a sentence. S-8 names E-1 with a soft hyphen and a
	 * zero-width space inside words. L-4: a custom link type naming the
	 * red S-2. S-9: an attribute whose key names E-5. C-3: a green case
	 * not shared, named by S-10. R-1: a route whose carrier S-11 names. */
	add(CDN_ENTITY, "{\"type\":\"person\",\"name\":\"王小明\",\"tlp\":\"red\"}");	/* E-5 */
	add(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2025-01-07\",\"commodity\":{\"category\":"
	    "\"wildlife\",\"description\":\"货物属于王小明。\"},\"tlp\":\"green\"}");	/* S-7 */
	add(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2025-01-08\",\"commodity\":{\"category\":"
	    "\"wildlife\",\"description\":\"for Ngu\u00adyễn Văn Hù\u200bng\"},\"tlp\":\"green\"}");
	add(CDN_LINK, "{\"from\":\"E-2\",\"to\":\"S-1\",\"type\":\"x-chartered-after-s-2\","
	    "\"tlp\":\"green\"}");							/* L-4 */
	add(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2025-01-09\",\"commodity\":{\"category\":"
	    "\"wildlife\"},\"attributes\":{\"paid by 王小明\":\"yes\",\"crates\":3},"
	    "\"tlp\":\"green\"}");							/* S-9 */
	add(CDN_CASE, "{\"title\":\"Operation Kingfisher\",\"tlp\":\"green\"}");		/* C-3 */
	add(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2025-01-10\",\"commodity\":{\"category\":"
	    "\"wildlife\",\"description\":\"as in operation KINGFISHER\"},\"tlp\":\"green\"}");
	add(CDN_ROUTE, "{\"legs\":[{\"from\":{\"country\":\"NG\"},\"to\":{\"country\":\"VN\"},"
	    "\"carrier\":\"Merlin Air Cargo\"}],\"tlp\":\"green\"}");		/* */
	add(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2025-01-11\",\"commodity\":{\"category\":"
	    "\"wildlife\",\"description\":\"flown by merlin air cargo\"},\"route\":\"R-1\","
	    "\"tlp\":\"green\"}");							/* S-11 */

	p = json_pack("{s:s,s:s,s:[ss]}", "country", "KH", "max_tlp", "amber", "cases", "C-1", "C-2");
	ok(cdn_partner_add(st, "tester", "nn", p, NULL) == 0, "a non-nominal partner");
	json_object_set_new(p, "profile", json_string("nominal"));
	ok(cdn_partner_add(st, "tester", "nom", p, NULL) == 0, "a nominal partner");
	json_decref(p);

	ok(cdn_share_preview(st, "nn", NULL, 10, &pre) == 0, "what the non-nominal one receives");
	ok(json_array_size(json_object_get(pre, "groups")) == 1, "one case: the red one is not shared");
	m = member(pre, "E-1");
	is_str(str(m, "label"), "person E-1 (name withheld)", "a person, by its label");
	ok(m && !json_object_get(m, "name") && !cdn_json_path(m, "identifiers.passport"),
	    "without name or passport");
	is_str(str(m, "nationality"), "VN", "with its nationality");
	m = member(pre, "E-2");
	is_str(str(m, "name"), "Ocean Pearl", "a vessel keeps its name");
	is_str(str(m, "identifiers.imo"), "9074729", "and its IMO number");
	ok(!member(pre, "E-3"), "a phone is not shared at all");
	ok(!member(pre, "S-2"), "nor a red seizure");
	ok(!cdn_json_path(member(pre, "S-1"), "commodity.description"),
	    "text naming a person (in other letters, without diacritics) is dropped");
	is_str(str(member(pre, "S-1"), "label"), "S-1: wildlife", "and the label is made without it");
	ok(!cdn_json_path(member(pre, "S-3"), "commodity.description"),
	    "text naming a red seizure's id (lower case) is dropped");
	is_str(str(member(pre, "S-3"), "location.place"), "near S-20",
	    "an id of no record is only text");
	is_str(str(member(pre, "S-4"), "commodity.description"), "Hunger games",
	    "a word that only starts like a name stays");
	ok(!cdn_json_path(member(pre, "S-4"), "location.place"),
	    "a withheld name longer than twelve words is caught by its first twelve");
	ok(!member(pre, "S-5"), "a seizure of a case not shared is not there");
	ok(member(pre, "S-6") && !cdn_json_path(member(pre, "S-6"), "commodity.description"),
	    "text naming a red case by its title is dropped");
	ok(member(pre, "S-7") && !cdn_json_path(member(pre, "S-7"), "commodity.description"),
	    "a name in a script without spaces is found inside a sentence");
	ok(member(pre, "S-8") && !cdn_json_path(member(pre, "S-8"), "commodity.description"),
	    "a name split by invisible characters is still found");
	{
		json_t *g = json_array_get(json_object_get(pre, "groups"), 0), *l;
		size_t i;
		int found = 0;

		json_array_foreach(json_object_get(g, "links"), i, l)
			if (strcmp(str(l, "id"), "L-4") == 0)
				found = !json_object_get(l, "type") ? 1 : -1;
		ok(found == 1, "a custom link type naming a red seizure is dropped, the link kept");
	}
	ok(member(pre, "S-10") && !cdn_json_path(member(pre, "S-10"), "commodity.description"),
	    "text copying a case's title is dropped under non-nominal");
	ok(member(pre, "S-11") && !cdn_json_path(member(pre, "S-11"), "commodity.description"),
	    "text copying a route's carrier is dropped under non-nominal");
	ok(member(pre, "R-1") && !json_object_get(leg0(member(pre, "R-1")), "carrier") &&
	    str(leg0(member(pre, "R-1")), "to.country") != NULL, "the route, without its carrier");
	{
		json_t *g = json_array_get(json_object_get(pre, "groups"), 0);

		is_str(str(json_object_get(g, "head"), "label"), "case C-1",
		    "the case, under non-nominal, by its id");
	}
	json_decref(pre);

	ok(cdn_share_preview(st, "nom", NULL, 10, &pre) == 0, "what the nominal one receives");
	is_str(str(member(pre, "E-1"), "name"), "Nguyễn Văn Hùng", "the person's name");
	is_str(str(member(pre, "E-1"), "identifiers.passport"), "N4175316", "and passport");
	is_str(str(member(pre, "S-1"), "commodity.description"), "scales for nguyen van HUNG",
	    "text naming someone the partner may see stays");
	ok(member(pre, "E-3") != NULL, "a phone is shared");
	ok(!cdn_json_path(member(pre, "S-3"), "commodity.description"),
	    "text naming a red seizure is dropped under nominal too");
	ok(!cdn_json_path(member(pre, "S-7"), "commodity.description"),
	    "a red name without spaces is dropped under nominal too");
	is_str(str(member(pre, "S-8"), "commodity.description"), "for Ngu\u00adyễn Văn Hù\u200bng",
	    "a name the partner receives is no secret, however it is written");
	ok(!cdn_json_path(member(pre, "S-9"), "attributes.paid by 王小明") &&
	    json_integer_value(cdn_json_path(member(pre, "S-9"), "attributes.crates")) == 3,
	    "an attribute whose key names a red person is dropped, the others kept");
	is_str(str(member(pre, "S-10"), "commodity.description"), "as in operation KINGFISHER",
	    "a case's title is no secret under nominal");
	is_str(str(leg0(member(pre, "R-1")), "carrier"), "Merlin Air Cargo",
	    "nor a route's carrier");
	json_decref(pre);

	ok(cdn_share_preview(st, "nobody", NULL, 10, &pre) == CDN_ENOTFOUND, "an unknown partner");
	cdn_store_close(st);
}

int
main(void)
{
	if (!mkdtemp(dir))
		return 99;
	test_table();
	test_redaction();
	rm_tree(dir);
	return done_testing();
}
