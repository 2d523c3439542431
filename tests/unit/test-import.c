/*
 * test-import.c - the importer's mechanics: the same store whatever the
 * number of threads, forward references (lines set aside and replayed),
 * plain ids naming the file's own records or the store's, and bad lines
 * reported by their line numbers with nothing written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cordon/audit.h"
#include "cordon/gen.h"
#include "cordon/import.h"
#include "cordon/query.h"
#include <openssl/evp.h>

#include "internal.h"
#include "tap.h"

static char top[] = "/tmp/cordon-import-test-XXXXXX";

struct errs {
	char text[4096];
	size_t len;
	unsigned n;
};

static void
on_error(void *arg, uint64_t line, const char *field, const char *reason)
{
	struct errs *e = arg;

	e->n++;
	e->len += (size_t)snprintf(e->text + e->len, sizeof e->text - e->len,
	    "%llu: %s: %s\n", (unsigned long long)line, field, reason);
	if (e->len >= sizeof e->text)
		e->len = sizeof e->text - 1;
}

static struct cdn_store *
new_store(const char *name)
{
	char path[256];
	struct cdn_store *st = NULL;

	snprintf(path, sizeof path, "%s/%s", top, name);
	if (cdn_store_init(path) != 0 || cdn_store_open(path, &st) != 0) {
		fprintf(stderr, "cannot make store %s: %s\n", path, cdn_error_last()->message);
		exit(99);
	}
	return st;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) == EOF || fclose(f) != 0)
		exit(99);
}

static int
import(struct cdn_store *st, const char *path, int threads, struct errs *e,
    struct cdn_import_result *res)
{
	struct cdn_import_opts o = { 0 };

	memset(e, 0, sizeof *e);
	o.on_error = on_error;
	o.arg = e;
	o.threads = threads;
	return cdn_import_file(st, path, "tester", &o, res);
}

/* The store's export with the write times taken out (they differ from
 * one import to the next), as one string. */
static char *
export_sans_times(struct cdn_store *st)
{
	struct cdn_txn *txn;
	char *buf = NULL, *out = NULL, *line, *save = NULL;
	size_t len = 0, olen = 0;
	FILE *f = open_memstream(&buf, &len), *o = open_memstream(&out, &olen);

	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0 || cdn_export_json(txn, f, NULL) != 0)
		exit(99);
	cdn_txn_abort(txn);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *r = json_loads(line, 0, NULL);
		char *s;

		json_object_del(r, "created_at");
		json_object_del(r, "updated_at");
		s = json_dumps(r, JSON_COMPACT);
		fprintf(o, "%s\n", s);
		free(s);
		json_decref(r);
	}
	fclose(o);
	free(buf);
	return out;
}

static const char *
field(json_t *rec, const char *name)
{
	return json_string_value(json_object_get(rec, name));
}

/* What a record is, without its id: enough to tell records apart. */
static void
describe(struct cdn_txn *txn, const char *id, char *out, size_t cap)
{
	json_t *r = NULL;

	if (cdn_record_get(txn, id, &r) != 0) {
		snprintf(out, cap, "missing %s", id);
		return;
	}
	snprintf(out, cap, "%s|%s|%s|%s|%s", field(r, "kind"), field(r, "title") ? field(r, "title") : "",
	    field(r, "name") ? field(r, "name") : "",
	    field(r, "occurred_at") ? field(r, "occurred_at") : "",
	    json_string_value(json_object_get(json_object_get(r, "commodity"), "description")) ?
	    json_string_value(json_object_get(json_object_get(r, "commodity"), "description")) : "");
	json_decref(r);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct links {
	struct cdn_txn *txn;
	char **v;
	size_t n;
};

static int
link_cb(void *arg, json_t *rec)
{
	struct links *l = arg;
	char from[400], to[400];

	describe(l->txn, field(rec, "from"), from, sizeof from);
	describe(l->txn, field(rec, "to"), to, sizeof to);
	l->v = realloc(l->v, (l->n + 1) * sizeof *l->v);
	if (asprintf(&l->v[l->n++], "%s -%s-> %s", from, field(rec, "type"), to) < 0)
		exit(99);
	return 0;
}

/* Every link as "what -type-> what", sorted: equal for two stores whose
 * links join the same records, whatever their ids. */
static char *
links_by_content(struct cdn_store *st)
{
	struct cdn_query q = { .kind = CDN_LINK };
	struct links l = { 0 };
	char *all = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&all, &len);

	if (cdn_txn_begin(st, CDN_TXN_READ, &l.txn) != 0 ||
	    cdn_query_run(l.txn, &q, link_cb, &l) != 0)
		exit(99);
	cdn_txn_abort(l.txn);
	qsort(l.v, l.n, sizeof *l.v, cmp_str);
	for (size_t i = 0; i < l.n; i++) {
		fprintf(f, "%s\n", l.v[i]);
		free(l.v[i]);
	}
	free(l.v);
	fclose(f);
	return all;
}

static char *
get_field(struct cdn_store *st, const char *id, const char *name)
{
	struct cdn_txn *txn;
	json_t *r = NULL;
	char *v = NULL;

	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0)
		exit(99);
	if (cdn_record_get(txn, id, &r) == 0 && field(r, name))
		v = strdup(field(r, name));
	json_decref(r);
	cdn_txn_abort(txn);
	return v;
}

static void
no_report(void *arg, const char *where, const char *problem)
{
	(void)arg; (void)where; (void)problem;
}

/* Is field `name` of record `id` `want`? */
static void
field_is(struct cdn_store *st, const char *id, const char *name, const char *want,
    const char *what)
{
	char *v = get_field(st, id, name);

	is_str(v, want, what);
	free(v);
}

static int
audit_ok(struct cdn_store *st, uint64_t *n)
{
	struct cdn_txn *txn;
	int rc;

	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0)
		exit(99);
	rc = cdn_audit_verify(txn, no_report, NULL, n);
	cdn_txn_abort(txn);
	return rc == 0;
}

/* Every index entry of the store, in order, as one SHA-256 and a count. */
static void
index_digest(struct cdn_store *st, unsigned char out[32], size_t *count)
{
	struct cdn_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc;

	*count = 0;
	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0 ||
	    mdb_cursor_open(txn->txn, st->idx, &cur) != 0)
		exit(99);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		unsigned char len[2] = { (unsigned char)(k.mv_size >> 8), (unsigned char)k.mv_size };

		EVP_DigestUpdate(ctx, len, 2);
		EVP_DigestUpdate(ctx, k.mv_data, k.mv_size);
		EVP_DigestUpdate(ctx, v.mv_data, v.mv_size);
		(*count)++;
	}
	EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	mdb_cursor_close(cur);
	cdn_txn_abort(txn);
}

/* Create every record of an export one by one, outside bulk mode. */
static int
create_all(struct cdn_store *st, const char *path)
{
	FILE *f = fopen(path, "r");
	struct cdn_txn *txn;
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	if (!f || cdn_txn_begin(st, CDN_TXN_WRITE, &txn) != 0)
		exit(99);
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		json_t *r = json_loads(line, 0, NULL);

		rc = cdn_record_create(txn, cdn_kind_parse(field(r, "kind")), r,
		    CDN_CREATE_KEEP_PROVENANCE | CDN_CREATE_IGNORE_ID, NULL);
		json_decref(r);
	}
	free(line);
	fclose(f);
	if (rc != 0) {
		cdn_txn_abort(txn);
		return rc;
	}
	return cdn_txn_commit(txn);
}

static void
export_to(struct cdn_store *st, const char *path)
{
	struct cdn_txn *txn;
	FILE *f = fopen(path, "w");

	if (!f || cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0 || cdn_export_json(txn, f, NULL) != 0)
		exit(99);
	cdn_txn_abort(txn);
	fclose(f);
}

/* Reverse the lines of `in` into `out`: every ref becomes a forward one. */
static void
reverse_lines(const char *in, const char *out)
{
	FILE *f = fopen(in, "r"), *o = fopen(out, "w");
	char **lines = NULL, *line = NULL;
	size_t n = 0, cap = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, f)) > 0) {
		lines = realloc(lines, (n + 1) * sizeof *lines);
		lines[n++] = strdup(line);
	}
	while (n-- > 0) {
		fputs(lines[n], o);
		free(lines[n]);
	}
	free(lines);
	free(line);
	fclose(f);
	fclose(o);
}

int
main(void)
{
	struct cdn_gen_opts g = { .seed = 42, .cases = 60, .with_entities = 1 };
	struct cdn_import_result res;
	struct errs e;
	char data[300], rev[300], path[300];
	struct cdn_store *serial, *one, *many, *back, *st;
	char *want, *got, *lwant, *lgot, *v;
	uint64_t n1 = 0, n2 = 0, total;
	FILE *f;
	int rc;

	if (!mkdtemp(top))
		return 99;
	snprintf(data, sizeof data, "%s/data.jsonl", top);
	snprintf(rev, sizeof rev, "%s/reversed.jsonl", top);
	if ((f = fopen(data, "w")) == NULL || cdn_gen_write(f, &g) != 0 || fclose(f) != 0)
		return 99;

	/* --- the number of threads changes nothing ------------------------- */
	serial = new_store("serial");
	one = new_store("one");
	many = new_store("many");
	ok(import(serial, data, -1, &e, &res) == 0, "import on the calling thread alone");
	ok(res.created[CDN_CASE] == 60 && res.created[CDN_LINK] > 0,
	    "it creates the cases and links of the file (%llu links)",
	    (unsigned long long)res.created[CDN_LINK]);
	ok(import(one, data, 1, &e, &res) == 0, "import with one worker thread");
	ok(import(many, data, 4, &e, &res) == 0, "import with four worker threads");
	want = export_sans_times(serial);
	got = export_sans_times(one);
	ok(strcmp(want, got) == 0, "one worker: the same records, ids and links as serial");
	free(got);
	got = export_sans_times(many);
	ok(strcmp(want, got) == 0, "four workers: the same records, ids and links as serial");
	free(got);
	total = 0;
	for (int k = 0; k < CDN_NKINDS; k++)
		total += res.created[k];
	rc = audit_ok(many, &n1);
	/* And one for the import's own record. */
	ok(rc && n1 == total + 1, "one audit entry per record and the import's, chain intact (%llu)",
	    (unsigned long long)n1);
	{
		json_t *log = NULL, *entry;

		ok(cdn_import_log(many, 0, &log) == 0 && json_array_size(log) == 1 && res.seq == 1,
		    "the import is recorded, as import/1");
		entry = json_array_get(log, 0);
		ok(entry && json_integer_value(json_object_get(entry, "records")) == (json_int_t)total &&
		    json_integer_value(json_object_get(entry, "lines")) == (json_int_t)res.lines &&
		    strcmp(json_string_value(json_object_get(entry, "format")) ?: "", "jsonl") == 0 &&
		    strcmp(json_string_value(json_object_get(entry, "by")) ?: "", "tester") == 0,
		    "with what it created, its lines, format and who");
		json_decref(log);
	}

	/* --- bulk writes leave the index record-by-record writes do ------------ */
	{
		/* 3,000 seizures: some keys (a category, a country) map to
		 * more record keys than one put takes. */
		struct cdn_gen_opts g2 = { .seed = 43, .cases = 25, .seizures = 3000 };
		struct cdn_store *bulk = new_store("bulk"), *direct = new_store("direct");
		unsigned char d1[32], d2[32];
		size_t c1, c2;
		char more[300], exp[300];

		snprintf(more, sizeof more, "%s/more.jsonl", top);
		snprintf(exp, sizeof exp, "%s/bulk-export.jsonl", top);
		if ((f = fopen(more, "w")) == NULL || cdn_gen_write(f, &g2) != 0 || fclose(f) != 0)
			return 99;
		ok(import(bulk, more, 0, &e, &res) == 0, "bulk: a first import, into an empty index");
		ok(import(bulk, data, 0, &e, &res) == 0, "bulk: a second, among existing entries");
		export_to(bulk, exp);
		ok(create_all(direct, exp) == 0, "the same records created one by one");
		index_digest(bulk, d1, &c1);
		index_digest(direct, d2, &c2);
		ok(c1 > 1000 && c1 == c2, "the same number of index entries (%zu, %zu)", c1, c2);
		ok(memcmp(d1, d2, 32) == 0, "the very same index entries");
		cdn_store_close(bulk);
		cdn_store_close(direct);
	}

	/* --- every reference forward: all set aside, then replayed ------------ */
	reverse_lines(data, rev);
	back = new_store("reversed");
	rc = import(back, rev, 0, &e, &res);
	ok(rc == 0, "a file whose every ref points forward imports");
	if (rc != 0)
		diag("%s", e.text);
	lwant = links_by_content(serial);
	lgot = links_by_content(back);
	ok(strlen(lwant) > 0 && strcmp(lwant, lgot) == 0,
	    "its links join the same records as the file in order does");
	free(lgot);
	rc = audit_ok(back, &n2);
	ok(rc && n2 == n1, "and its audit chain is whole (%llu entries)",
	    (unsigned long long)n2);
	free(lwant);
	free(want);

	/* --- links naming links: refused, a cycle of them could never be deleted */
	st = new_store("chains");
	snprintf(path, sizeof path, "%s/chain.jsonl", top);
	write_file(path,
	    "{\"kind\":\"link\",\"ref\":\"l1\",\"from\":\"@l2\",\"to\":\"@e1\",\"type\":\"x-about\"}\n"
	    "{\"kind\":\"link\",\"ref\":\"l2\",\"from\":\"@e1\",\"to\":\"@e2\",\"type\":\"associate_of\"}\n"
	    "{\"kind\":\"entity\",\"ref\":\"e1\",\"type\":\"person\",\"name\":\"L\u00ea V\u0103n T\u00e1m\"}\n"
	    "{\"kind\":\"entity\",\"ref\":\"e2\",\"type\":\"person\",\"name\":\"Ph\u1ea1m Th\u1ecb Hoa\"}\n");
	rc = import(st, path, 0, &e, &res);
	ok(rc != 0 && strstr(e.text, "1: from: cannot be a link"),
	    "a link naming a later link is refused, naming its line");
	ok(res.created[CDN_LINK] == 0 && res.created[CDN_ENTITY] == 0, "and nothing is imported");

	/* --- plain ids: the file's own records first, else the store's -------- */
	snprintf(path, sizeof path, "%s/ids.jsonl", top);
	write_file(path,
	    "{\"kind\":\"seizure\",\"case\":\"C-1\",\"occurred_at\":\"2024-01-02\","
	    "\"commodity\":{\"category\":\"tobacco\"}}\n");
	snprintf(rev, sizeof rev, "%s/case.jsonl", top);
	write_file(rev, "{\"kind\":\"case\",\"title\":\"Already here\"}\n");
	ok(import(st, rev, 0, &e, &res) == 0, "a case in the store");
	ok(import(st, path, 0, &e, &res) == 0 && res.created[CDN_SEIZURE] == 1,
	    "a seizure naming the store's case by id imports");
	field_is(st, "S-1", "case", "C-1", "it points at the store's C-1");
	write_file(path,
	    "{\"kind\":\"seizure\",\"case\":\"C-1\",\"occurred_at\":\"2024-01-03\","
	    "\"commodity\":{\"category\":\"tobacco\"}}\n"
	    "{\"kind\":\"case\",\"id\":\"C-1\",\"title\":\"From the file\"}\n");
	ok(import(st, path, 0, &e, &res) == 0, "a file that defines C-1 itself, after using it");
	field_is(st, "S-2", "case", "C-2", "its seizure points at the file's case, given the next id");
	field_is(st, "C-2", "title", "From the file", "which is the file's case");

	/* --- bad lines, set aside or not, reported; nothing written ----------- */
	write_file(path,
	    "{\"kind\":\"link\",\"from\":\"@nobody\",\"to\":\"@e9\",\"type\":\"used\"}\n"
	    "{\"kind\":\"seizure\",\"case\":\"@c9\",\"occurred_at\":\"2024-02-30\","
	    "\"commodity\":{\"category\":\"tobacco\"}}\n"
	    "{\"kind\":\"entity\",\"ref\":\"e9\",\"type\":\"vessel\",\"name\":\"Sea Star\"}\n"
	    "{\"kind\":\"case\",\"ref\":\"c9\",\"title\":\"Late case\"}\n"
	    "{\"kind\":\"case\",\"ref\":\"c9\",\"title\":\"Twice\"}\n");
	rc = import(st, path, 0, &e, &res);
	ok(rc == CDN_EINVAL && e.n == 3, "three bad lines fail the import (%u reported)", e.n);
	ok(strstr(e.text, "1: from: unknown ref @nobody") != NULL, "a set-aside line's unknown ref, by line");
	ok(strstr(e.text, "2: occurred_at:") != NULL, "a set-aside line's bad date, by line");
	ok(strstr(e.text, "5: ref: @c9 is already used on line 4") != NULL, "a ref defined twice");
	if (e.n != 3)
		diag("%s", e.text);
	v = get_field(st, "E-3", "name");
	ok(v == NULL, "nothing of the failed file was written");
	free(v);

	/* --- ids survive an export and import, gaps included ------------------ */
	{
		struct cdn_store *a = new_store("gaps"), *b2 = new_store("restored"),
		    *c2 = new_store("occupied");
		char exp1[300], exp2[300], *t1, *t2;
		struct cdn_txn *txn;

		snprintf(path, sizeof path, "%s/gaps.jsonl", top);
		write_file(path,
		    "{\"kind\":\"case\",\"ref\":\"c1\",\"title\":\"One\"}\n"
		    "{\"kind\":\"case\",\"ref\":\"c2\",\"title\":\"Two\"}\n"
		    "{\"kind\":\"case\",\"ref\":\"c3\",\"title\":\"Three\"}\n"
		    "{\"kind\":\"seizure\",\"ref\":\"s1\",\"case\":\"@c3\",\"occurred_at\":\"2024-04-01\","
		    "\"commodity\":{\"category\":\"wildlife\"}}\n"
		    "{\"kind\":\"entity\",\"ref\":\"e1\",\"type\":\"company\",\"name\":\"Minh Phát\"}\n"
		    "{\"kind\":\"link\",\"from\":\"@e1\",\"to\":\"@s1\",\"type\":\"consignee_of\"}\n"
		    "{\"kind\":\"link\",\"from\":\"@e1\",\"to\":\"@c3\",\"type\":\"involved_in\"}\n");
		ok(import(a, path, 0, &e, &res) == 0, "a store of three cases, a seizure and two links");
		if (cdn_txn_begin(a, CDN_TXN_WRITE, &txn) != 0 || cdn_record_delete(txn, "C-2") != 0 ||
		    cdn_record_delete(txn, "L-1") != 0 || cdn_txn_commit(txn) != 0)
			return 99;
		snprintf(exp1, sizeof exp1, "%s/gaps-export.jsonl", top);
		snprintf(exp2, sizeof exp2, "%s/restored-export.jsonl", top);
		export_to(a, exp1);
		ok(import(b2, exp1, 0, &e, &res) == 0, "its export, with C-2 and L-1 deleted, imports");
		export_to(b2, exp2);
		t1 = export_sans_times(a);
		t2 = export_sans_times(b2);
		ok(strcmp(t1, t2) == 0, "into an empty store: the same records under the same ids");
		free(t1);
		free(t2);
		field_is(b2, "L-2", "to", "C-3", "the link keeps pointing at C-3, not at a renumbered case");
		if (cdn_txn_begin(b2, CDN_TXN_WRITE, &txn) != 0)
			return 99;
		{
			json_t *in = json_pack("{s:s}", "title", "After the restore"), *out = NULL;

			rc = cdn_record_create(txn, CDN_CASE, in, 0, &out);
			is_str(rc == 0 ? field(out, "id") : NULL, "C-4",
			    "the next case is C-4: no deleted id is given again");
			json_decref(in);
			json_decref(out);
		}
		cdn_txn_commit(txn);

		/* Into a store that already has C-1: the file's ids are taken,
		 * so its records get new ones and references follow. */
		snprintf(path, sizeof path, "%s/one-case.jsonl", top);
		write_file(path, "{\"kind\":\"case\",\"title\":\"Already here\"}\n");
		import(c2, path, 0, &e, &res);
		ok(import(c2, exp1, 0, &e, &res) == 0, "the export into a store that has C-1");
		field_is(c2, "C-2", "title", "One", "the file's C-1 became C-2");
		field_is(c2, "C-3", "title", "Three", "its C-3 became C-3: past the store's ids, kept");
		field_is(c2, "S-1", "case", "C-3", "the seizure follows its case");
		cdn_store_close(a);
		cdn_store_close(b2);
		cdn_store_close(c2);
	}

	/* --- a bad line at the end of a long file, workers racing ahead ------- */
	{
		struct cdn_gen_opts g3 = { .seed = 44, .cases = 50, .seizures = 20000 };
		struct cdn_store *late = new_store("late");
		uint64_t before = 0, after = 0;

		snprintf(path, sizeof path, "%s/late.jsonl", top);
		if ((f = fopen(path, "w")) == NULL || cdn_gen_write(f, &g3) != 0 ||
		    fputs("{\"kind\":\"case\",\"title\":\"\"}\n", f) == EOF || fclose(f) != 0)
			return 99;
		audit_ok(late, &before);
		rc = import(late, path, 4, &e, &res);
		ok(rc == CDN_EINVAL && e.n == 1, "a bad last line among 20,000 fails the import (%u reported)",
		    e.n);
		ok(strstr(e.text, ": title: must not be empty") != NULL, "and is the one reported");
		rc = audit_ok(late, &after);
		ok(rc && after == before, "nothing was written (%llu audit entries)",
		    (unsigned long long)after);
		{
			json_t *log = NULL;

			ok(cdn_import_log(late, 0, &log) == 0 && json_array_size(log) == 0 && res.seq == 0,
			    "and no record of it");
			json_decref(log);
		}
		cdn_store_close(late);
	}

	cdn_store_close(serial);
	cdn_store_close(one);
	cdn_store_close(many);
	cdn_store_close(back);
	cdn_store_close(st);
	rm_tree(top);
	return done_testing();
}
