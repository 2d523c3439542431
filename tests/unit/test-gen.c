/*
 * test-gen.c - the sample-data generator: every line is a record the
 * import accepts (known kinds and fields, valid formats, refs that
 * resolve), the output is fixed by the seed, and bench mode writes exactly
 * the seizures asked for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cordon/check.h"
#include "cordon/error.h"
#include "cordon/gen.h"
#include "tap.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const categories[] = { "narcotics", "precursors", "wildlife", "timber",
	"tobacco", "alcohol", "counterfeit", "weapons", "currency", "cultural_property", "ods",
	"waste", "medicines", "other", NULL };
static const char *const units[] = { "kg", "g", "t", "l", "ml", "pcs", "packs", "cartons",
	"heads", "m3", NULL };
static const char *const etypes[] = { "person", "company", "vessel", "vehicle", "aircraft",
	"container", "parcel", "phone", "account", "address", "document", NULL };
static const char *const link_types[] = { "consignor_of", "consignee_of", "owner_of",
	"director_of", "employee_of", "associate_of", "family_of", "carrier_of", "travelled_on",
	"registered_to", "used", "involved_in", "seized_from", "same_as", NULL };
static const char *const modes[] = { "air", "sea", "road", "rail", "post", "express", "foot", NULL };
static const char *const ltypes[] = { "seaport", "airport", "land_border", "mail_centre",
	"express_hub", "inland", NULL };
static const char *const tlps[] = { "clear", "green", "amber", "amber+strict", "red", NULL };
static const char *const statuses[] = { "open", "investigating", "referred", "prosecuted",
	"closed", NULL };

/* Fields the store accepts, per kind and per nested object (contract §2). */
static const char *const case_keys[] = { "kind", "ref", "title", "status", "office", "lead",
	"opened_on", "summary", "tlp", "tags", "notes", "attributes", NULL };
static const char *const seizure_keys[] = { "kind", "ref", "case", "occurred_at", "commodity",
	"quantity", "value", "location", "direction", "transport_mode", "concealment", "detection",
	"route", "grading", "tlp", "tags", "notes", "attributes", NULL };
static const char *const entity_keys[] = { "kind", "ref", "type", "name", "aliases", "country",
	"nationality", "born_on", "identifiers", "grading", "tlp", "tags", "notes", "attributes", NULL };
static const char *const route_keys[] = { "kind", "ref", "legs", "tlp", "tags", "notes",
	"attributes", NULL };
static const char *const link_keys[] = { "kind", "ref", "from", "to", "type", "since", "until",
	"grading", "tlp", "tags", "notes", "attributes", NULL };
static const char *const commodity_keys[] = { "category", "description", "hs_code", "species", NULL };
static const char *const quantity_keys[] = { "amount", "unit", NULL };
static const char *const value_keys[] = { "amount", "currency", NULL };
static const char *const location_keys[] = { "office", "place", "country", "lat", "lon", "type", NULL };
static const char *const concealment_keys[] = { "method", "detail", NULL };
static const char *const grading_keys[] = { "source", "info", NULL };
static const char *const leg_keys[] = { "from", "to", "mode", "carrier", "departed_at",
	"arrived_at", NULL };
static const char *const point_keys[] = { "country", "place", NULL };
static const char *const ident_keys[] = { "imo", "container", "passport", "national_id",
	"tax_id", "mmsi", "plate", "awb", "bl", "flight", "phone", "email", "iban", NULL };

static int
in_list(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* What one pass over a generated data set found. */
struct scan {
	size_t lines, bad_json, bad_kind, kinds[5];
	size_t bad_keys, bad_ref, dup_ref, dangling;
	size_t bad_imo, bad_container, bad_iban, bad_mmsi, bad_phone, bad_flight, bad_email;
	size_t nimo, ncontainer, niban;
	size_t bad_country, bad_currency, bad_date, bad_order, bad_category, bad_enum;
	size_t bad_amount, bad_species, bad_hs, non_ascii_names, route_refs;
	size_t minhphat_consignee;
	char first_problem[512];
	/* refs defined, and "@refs" used */
	char **defs, **uses;
	size_t ndefs, nuses, adefs, auses;
};

static void
problem(struct scan *sc, size_t *counter, size_t line, const char *what, const char *val)
{
	(*counter)++;
	if (!sc->first_problem[0])
		snprintf(sc->first_problem, sizeof sc->first_problem, "line %zu: %.200s '%.200s'",
		    line, what, val ? val : "(null)");
}

static void
push(char ***v, size_t *n, size_t *a, const char *s)
{
	if (*n == *a) {
		*a = *a ? *a * 2 : 256;
		*v = realloc(*v, *a * sizeof **v);
	}
	(*v)[(*n)++] = strdup(s);
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
check_keys(struct scan *sc, size_t line, json_t *o, const char *const *allowed)
{
	const char *k;
	json_t *v;

	if (!json_is_object(o)) {
		problem(sc, &sc->bad_keys, line, "not an object", "");
		return;
	}
	json_object_foreach(o, k, v)
		if (!in_list(allowed, k))
			problem(sc, &sc->bad_keys, line, "unknown field", k);
}

static const char *
str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void
check_with(struct scan *sc, size_t *counter, size_t line, const char *what,
    int (*fn)(const char *, char *), const char *val)
{
	char why[CDN_WHY_MAX];

	if (val && fn(val, why) != 0) {
		char msg[200];

		snprintf(msg, sizeof msg, "%s (%s)", what, why);
		problem(sc, counter, line, msg, val);
	}
}

static int
check_date_any(const char *s, char *why)
{
	return strlen(s) == 10 ? cdn_check_date(s, why) : cdn_check_datetime(s, why);
}

static void
use_ref(struct scan *sc, size_t line, const char *s)
{
	if (s == NULL) {
		problem(sc, &sc->bad_ref, line, "missing reference", "");
		return;
	}
	if (s[0] != '@') {
		problem(sc, &sc->bad_ref, line, "reference without @", s);
		return;
	}
	push(&sc->uses, &sc->nuses, &sc->auses, s + 1);
}

static int
non_ascii(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

static void
scan_seizure(struct scan *sc, size_t line, json_t *o)
{
	json_t *c = json_object_get(o, "commodity"), *q = json_object_get(o, "quantity");
	json_t *v = json_object_get(o, "value"), *l = json_object_get(o, "location");
	json_t *amt;

	use_ref(sc, line, str(o, "case"));
	if (json_object_get(o, "route")) {
		use_ref(sc, line, str(o, "route"));
		sc->route_refs++;
	}
	check_with(sc, &sc->bad_date, line, "occurred_at", check_date_any, str(o, "occurred_at"));
	if (!str(o, "occurred_at"))
		problem(sc, &sc->bad_date, line, "occurred_at missing", "");
	check_keys(sc, line, c, commodity_keys);
	if (!in_list(categories, str(c, "category")))
		problem(sc, &sc->bad_category, line, "category", str(c, "category"));
	check_with(sc, &sc->bad_species, line, "species", cdn_check_species, str(c, "species"));
	check_with(sc, &sc->bad_hs, line, "hs_code", cdn_check_hs_code, str(c, "hs_code"));
	if (q) {
		check_keys(sc, line, q, quantity_keys);
		amt = json_object_get(q, "amount");
		if (!json_is_number(amt) || !(json_number_value(amt) > 0))
			problem(sc, &sc->bad_amount, line, "quantity.amount", "");
		if (!in_list(units, str(q, "unit")))
			problem(sc, &sc->bad_enum, line, "unit", str(q, "unit"));
	}
	if (v) {
		check_keys(sc, line, v, value_keys);
		amt = json_object_get(v, "amount");
		if (!json_is_number(amt) || json_number_value(amt) < 0)
			problem(sc, &sc->bad_amount, line, "value.amount", "");
		check_with(sc, &sc->bad_currency, line, "currency", cdn_check_currency,
		    str(v, "currency"));
	}
	if (l) {
		check_keys(sc, line, l, location_keys);
		check_with(sc, &sc->bad_country, line, "location.country", cdn_check_country,
		    str(l, "country"));
		if (!in_list(ltypes, str(l, "type")))
			problem(sc, &sc->bad_enum, line, "location.type", str(l, "type"));
	}
	if (json_object_get(o, "concealment"))
		check_keys(sc, line, json_object_get(o, "concealment"), concealment_keys);
	if (json_object_get(o, "grading"))
		check_keys(sc, line, json_object_get(o, "grading"), grading_keys);
	if (!in_list(modes, str(o, "transport_mode")))
		problem(sc, &sc->bad_enum, line, "transport_mode", str(o, "transport_mode"));
}

static void
scan_entity(struct scan *sc, size_t line, json_t *o)
{
	json_t *ids = json_object_get(o, "identifiers"), *a;
	const char *k;
	json_t *v;
	size_t i;

	if (!in_list(etypes, str(o, "type")))
		problem(sc, &sc->bad_enum, line, "entity type", str(o, "type"));
	if (non_ascii(str(o, "name")))
		sc->non_ascii_names++;
	json_array_foreach(json_object_get(o, "aliases"), i, a)
		if (non_ascii(json_string_value(a)))
			sc->non_ascii_names++;
	check_with(sc, &sc->bad_country, line, "country", cdn_check_country, str(o, "country"));
	check_with(sc, &sc->bad_country, line, "nationality", cdn_check_country,
	    str(o, "nationality"));
	check_with(sc, &sc->bad_date, line, "born_on", cdn_check_date, str(o, "born_on"));
	if (!ids)
		return;
	check_keys(sc, line, ids, ident_keys);
	json_object_foreach(ids, k, v) {
		const char *s = json_string_value(v);

		if (strcmp(k, "imo") == 0) {
			sc->nimo++;
			check_with(sc, &sc->bad_imo, line, "imo", cdn_check_imo, s);
		} else if (strcmp(k, "container") == 0) {
			sc->ncontainer++;
			check_with(sc, &sc->bad_container, line, "container", cdn_check_container, s);
		} else if (strcmp(k, "iban") == 0) {
			sc->niban++;
			check_with(sc, &sc->bad_iban, line, "iban", cdn_check_iban, s);
		} else if (strcmp(k, "mmsi") == 0) {
			check_with(sc, &sc->bad_mmsi, line, "mmsi", cdn_check_mmsi, s);
		} else if (strcmp(k, "phone") == 0) {
			check_with(sc, &sc->bad_phone, line, "phone", cdn_check_e164, s);
		} else if (strcmp(k, "flight") == 0) {
			check_with(sc, &sc->bad_flight, line, "flight", cdn_check_flight, s);
		} else if (strcmp(k, "email") == 0) {
			check_with(sc, &sc->bad_email, line, "email", cdn_check_email, s);
		}
	}
}

static void
scan_route(struct scan *sc, size_t line, json_t *o)
{
	json_t *legs = json_object_get(o, "legs"), *leg;
	size_t i;

	if (json_array_size(legs) == 0)
		problem(sc, &sc->bad_keys, line, "route without legs", "");
	json_array_foreach(legs, i, leg) {
		const char *dep = str(leg, "departed_at"), *arr = str(leg, "arrived_at");

		check_keys(sc, line, leg, leg_keys);
		check_keys(sc, line, json_object_get(leg, "from"), point_keys);
		check_keys(sc, line, json_object_get(leg, "to"), point_keys);
		check_with(sc, &sc->bad_country, line, "from.country", cdn_check_country,
		    str(json_object_get(leg, "from"), "country"));
		check_with(sc, &sc->bad_country, line, "to.country", cdn_check_country,
		    str(json_object_get(leg, "to"), "country"));
		check_with(sc, &sc->bad_date, line, "departed_at", cdn_check_datetime, dep);
		check_with(sc, &sc->bad_date, line, "arrived_at", cdn_check_datetime, arr);
		/* Same format and zone: text order is time order. */
		if (dep && arr && strcmp(dep, arr) >= 0)
			problem(sc, &sc->bad_order, line, "arrived before departing", arr);
		if (!in_list(modes, str(leg, "mode")))
			problem(sc, &sc->bad_enum, line, "leg mode", str(leg, "mode"));
	}
}

static void
scan_line(struct scan *sc, size_t line, const char *text, size_t len)
{
	static const char *const kinds[] = { "case", "seizure", "entity", "route", "link", NULL };
	static const char *const *const keys[] = { case_keys, seizure_keys, entity_keys,
		route_keys, link_keys };
	json_error_t err;
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	const char *kind, *ref;
	int k;

	sc->lines++;
	if (!json_is_object(o)) {
		problem(sc, &sc->bad_json, line, "not a JSON object", err.text);
		json_decref(o);
		return;
	}
	kind = str(o, "kind");
	for (k = 0; kinds[k] && !(kind && strcmp(kinds[k], kind) == 0); k++)
		;
	if (!kinds[k]) {
		problem(sc, &sc->bad_kind, line, "kind", kind);
		json_decref(o);
		return;
	}
	sc->kinds[k]++;
	check_keys(sc, line, o, keys[k]);
	if ((ref = str(o, "ref")) != NULL)
		push(&sc->defs, &sc->ndefs, &sc->adefs, ref);
	if (json_object_get(o, "tlp") && !in_list(tlps, str(o, "tlp")))
		problem(sc, &sc->bad_enum, line, "tlp", str(o, "tlp"));
	if (json_object_get(o, "grading"))
		check_keys(sc, line, json_object_get(o, "grading"), grading_keys);

	switch (k) {
	case 0:
		if (!str(o, "title") || !in_list(statuses, str(o, "status")))
			problem(sc, &sc->bad_keys, line, "case title or status", str(o, "status"));
		check_with(sc, &sc->bad_date, line, "opened_on", cdn_check_date, str(o, "opened_on"));
		if (non_ascii(str(o, "title")))
			sc->non_ascii_names++;
		break;
	case 1:
		scan_seizure(sc, line, o);
		break;
	case 2:
		scan_entity(sc, line, o);
		break;
	case 3:
		scan_route(sc, line, o);
		break;
	case 4:
		use_ref(sc, line, str(o, "from"));
		use_ref(sc, line, str(o, "to"));
		if (!in_list(link_types, str(o, "type")) && strncmp(str(o, "type") ? str(o, "type") : "",
		    "x-", 2) != 0)
			problem(sc, &sc->bad_enum, line, "link type", str(o, "type"));
		check_with(sc, &sc->bad_date, line, "since", check_date_any, str(o, "since"));
		break;
	}
	json_decref(o);
}

static void
scan_free(struct scan *sc)
{
	for (size_t i = 0; i < sc->ndefs; i++)
		free(sc->defs[i]);
	for (size_t i = 0; i < sc->nuses; i++)
		free(sc->uses[i]);
	free(sc->defs);
	free(sc->uses);
}

/* Parse every line; then check that refs are unique and every use resolves. */
static void
scan(struct scan *sc, const char *buf, size_t size)
{
	const char *p = buf, *end = buf + size, *nl;
	size_t line = 0;

	memset(sc, 0, sizeof *sc);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			problem(sc, &sc->bad_json, line + 1, "last line without newline", "");
			nl = end;
		}
		scan_line(sc, ++line, p, (size_t)(nl - p));
		p = nl + 1;
	}
	qsort(sc->defs, sc->ndefs, sizeof *sc->defs, cmpstr);
	for (size_t i = 1; i < sc->ndefs; i++)
		if (strcmp(sc->defs[i - 1], sc->defs[i]) == 0)
			problem(sc, &sc->dup_ref, 0, "ref defined twice", sc->defs[i]);
	for (size_t i = 0; i < sc->nuses; i++)
		if (!bsearch(&sc->uses[i], sc->defs, sc->ndefs, sizeof *sc->defs, cmpstr))
			problem(sc, &sc->dangling, 0, "undefined ref", sc->uses[i]);
}

static char *
generate(const struct cdn_gen_opts *o, size_t *size, int *rc)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, size);

	*rc = cdn_gen_write(f, o);
	fclose(f);
	return buf;
}

/* Count "consignee_of" links from the entity named `name`. */
static size_t
consignee_links(const char *buf, size_t size, const char *name)
{
	char ref[32] = "";
	size_t n = 0;

	for (int pass = 0; pass < 2; pass++) {
		const char *p = buf, *end = buf + size, *nl;

		for (; p < end; p = nl + 1) {
			json_t *o;

			nl = memchr(p, '\n', (size_t)(end - p));
			if (nl == NULL)
				nl = end;
			if ((o = json_loadb(p, (size_t)(nl - p), 0, NULL)) == NULL)
				continue;
			if (pass == 0 && str(o, "name") && strcmp(str(o, "name"), name) == 0)
				snprintf(ref, sizeof ref, "@%s", str(o, "ref"));
			if (pass == 1 && ref[0] && str(o, "type") && str(o, "from") &&
			    strcmp(str(o, "type"), "consignee_of") == 0 &&
			    strcmp(str(o, "from"), ref) == 0)
				n++;
			json_decref(o);
		}
	}
	return n;
}

static void
report(const struct scan *sc)
{
	if (sc->first_problem[0])
		diag("first problem: %s", sc->first_problem);
}

int
main(void)
{
	struct cdn_gen_opts demo = { .seed = 42, .cases = 60, .with_entities = 1 };
	struct cdn_gen_opts bench = { .seed = 7, .cases = 13, .seizures = 1000, .with_entities = 1 };
	struct scan sc;
	size_t n1, n2, n3;
	char *a, *b, *c;
	int rc;
	FILE *full;

	/* demo */
	a = generate(&demo, &n1, &rc);
	ok(rc == 0 && n1 > 0, "demo set written (%zu bytes)", n1);
	scan(&sc, a, n1);
	report(&sc);
	ok(sc.bad_json == 0 && sc.bad_kind == 0, "every line is a JSON object of a known kind");
	ok(sc.kinds[0] == demo.cases, "%zu cases, as asked", sc.kinds[0]);
	ok(sc.kinds[1] >= demo.cases && sc.kinds[1] <= 6 * demo.cases,
	    "1 to 6 seizures per case (%zu)", sc.kinds[1]);
	ok(sc.kinds[2] > 0 && sc.kinds[3] > 0 && sc.kinds[4] > 0,
	    "entities, routes and links too (%zu, %zu, %zu)", sc.kinds[2], sc.kinds[3], sc.kinds[4]);
	ok(sc.bad_keys == 0, "only fields of the contract");
	ok(sc.bad_ref == 0 && sc.dup_ref == 0 && sc.dangling == 0 && sc.nuses > 0,
	    "every @ref resolves, refs are unique (%zu uses)", sc.nuses);
	ok(sc.route_refs > 0, "seizures refer to routes");
	ok(sc.nimo > 0 && sc.bad_imo == 0, "IMO numbers pass their check (%zu)", sc.nimo);
	ok(sc.ncontainer > 0 && sc.bad_container == 0, "container codes pass their check (%zu)",
	    sc.ncontainer);
	ok(sc.niban > 0 && sc.bad_iban == 0, "IBANs pass their check (%zu)", sc.niban);
	ok(sc.bad_mmsi == 0 && sc.bad_phone == 0 && sc.bad_flight == 0 && sc.bad_email == 0,
	    "MMSIs, phone numbers, flight numbers and e-mail addresses are well formed");
	ok(sc.bad_country == 0, "countries are ISO 3166 codes");
	ok(sc.bad_currency == 0, "currencies are ISO 4217 codes");
	ok(sc.bad_date == 0, "dates and date-times are valid");
	ok(sc.bad_order == 0, "route legs arrive after they depart");
	ok(sc.bad_category == 0, "seizure categories are the contract's");
	ok(sc.bad_enum == 0, "units, modes, location types, entity and link types are the contract's");
	ok(sc.bad_amount == 0, "quantities are positive, values not negative");
	ok(sc.bad_species == 0 && sc.bad_hs == 0, "species and HS codes are well formed");
	ok(sc.non_ascii_names > 0, "names carry diacritics (%zu)", sc.non_ascii_names);
	ok(consignee_links(a, n1, "Công ty TNHH Thương mại Minh Phát") >= 5,
	    "the demo's importer is consignee in 5+ seizures");
	scan_free(&sc);

	b = generate(&demo, &n2, &rc);
	ok(rc == 0 && n1 == n2 && memcmp(a, b, n1) == 0, "the same seed gives the same data");
	free(b);
	demo.seed = 43;
	b = generate(&demo, &n2, &rc);
	ok(rc == 0 && (n1 != n2 || memcmp(a, b, n1) != 0), "another seed gives other data");
	free(b);
	free(a);

	/* bench */
	c = generate(&bench, &n3, &rc);
	scan(&sc, c, n3);
	report(&sc);
	ok(rc == 0 && sc.kinds[1] == bench.seizures, "bench: exactly %zu seizures",
	    (size_t)sc.kinds[1]);
	ok(sc.kinds[0] == bench.cases, "bench: exactly %zu cases", sc.kinds[0]);
	ok(sc.bad_json == 0 && sc.bad_kind == 0 && sc.bad_keys == 0 && sc.dangling == 0 &&
	    sc.dup_ref == 0 && sc.bad_date == 0 && sc.bad_category == 0 && sc.bad_enum == 0,
	    "bench: valid lines, refs resolve");
	ok(sc.kinds[2] > 0 && sc.kinds[4] > 0, "bench: with entities and links");
	scan_free(&sc);
	free(c);

	bench.with_entities = 0;
	bench.seizures = 997;
	c = generate(&bench, &n3, &rc);
	scan(&sc, c, n3);
	report(&sc);
	ok(rc == 0 && sc.kinds[1] == 997 && sc.kinds[2] == 0 && sc.kinds[3] == 0 &&
	    sc.kinds[4] == 0 && sc.dangling == 0,
	    "bench without entities: seizures and cases only, refs resolve");
	scan_free(&sc);
	free(c);

	/* A write error is reported, not ignored. */
	if ((full = fopen("/dev/full", "w")) != NULL) {
		demo.cases = 5;
		ok(cdn_gen_write(full, &demo) == CDN_EIO, "a failed write gives CDN_EIO");
		fclose(full);
	}
	return done_testing();
}
