/*
 * test-evidence.c - evidence: versions in git with their hashes, media
 * types from content, identical content stored once, custody, bad input
 * refused with nothing written, and verify naming each kind of damage and
 * accepting each state a crash can leave.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>
#include <openssl/evp.h>

#include "cordon/audit.h"
#include "cordon/evidence.h"
#include "cordon/query.h"
#include "internal.h"
#include "repo.h"
#include "tap.h"

static char top[] = "/tmp/cordon-evidence-test-XXXXXX";
static struct cdn_store *st;
static char problems[4096];
static int nproblems;

static void
report(void *arg, const char *where, const char *problem)
{
	(void)arg;
	nproblems++;
	snprintf(problems + strlen(problems), sizeof problems - strlen(problems), "%s: %s\n",
	    where, problem);
}

static int
verify(struct cdn_evidence_check *c)
{
	problems[0] = '\0';
	nproblems = 0;
	return cdn_evidence_verify(st, report, NULL, c);
}

static char *
file_with(const char *name, const void *data, size_t len)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", top, name);
	if ((f = fopen(path, "wb")) == NULL || (len && fwrite(data, 1, len, f) != len) || fclose(f))
		exit(99);
	return path;
}

static const char *
field(json_t *rec, const char *name)
{
	return json_string_value(json_object_get(rec, name));
}

static json_t *
version(json_t *rec, size_t i)
{
	return json_array_get(json_object_get(rec, "versions"), i);
}

/* Objects in the repository, loose, temporary files excepted. */
static int
count_objects(void)
{
	char dir[600], sub[700];
	struct dirent *e, *o;
	DIR *d, *s;
	int n = 0;

	snprintf(dir, sizeof dir, "%s/store/evidence.git/objects", top);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strlen(e->d_name) != 2)
			continue;
		snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
		if ((s = opendir(sub)) == NULL)
			continue;
		while ((o = readdir(s)) != NULL)
			n += o->d_name[0] != '.';
		closedir(s);
	}
	closedir(d);
	return n;
}

static size_t
count(enum cdn_kind kind)
{
	struct cdn_txn *txn;
	size_t n = 0;

	cdn_txn_begin(st, CDN_TXN_READ, &txn);
	cdn_kind_count(txn, kind, &n);
	cdn_txn_abort(txn);
	return n;
}

static uint64_t
audit_entries(void)
{
	struct cdn_txn *txn;
	uint64_t n = 0;

	cdn_txn_begin(st, CDN_TXN_READ, &txn);
	cdn_audit_verify(txn, report, NULL, &n);
	cdn_txn_abort(txn);
	return n;
}

/* Read a version back into memory. */
static char *
get_back(const char *id, int64_t v, size_t *len, int *rc)
{
	char path[600], *buf;
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "%s/out", top);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	*rc = cdn_evidence_get(st, id, v, fd, NULL);
	close(fd);
	f = fopen(path, "rb");
	buf = malloc(4 << 20);
	*len = fread(buf, 1, 4 << 20, f);
	fclose(f);
	return buf;
}

/* Overwrite a record behind the store's back. */
static void
put_raw(const char *id, const char *json)
{
	unsigned char key[CDN_RKEY_LEN];
	struct cdn_id rid;
	MDB_txn *t;
	MDB_val k = { CDN_RKEY_LEN, key }, v = { strlen(json), (void *)json };

	cdn_id_parse(id, &rid);
	cdn_rkey(rid, key);
	mdb_txn_begin(st->env, NULL, 0, &t);
	mdb_put(t, st->recs, &k, &v, 0);
	mdb_txn_commit(t);
}

static char *
get_raw(const char *id)
{
	struct cdn_txn *txn;
	struct cdn_id rid;
	const char *json;
	size_t len;
	char *s = NULL;

	cdn_id_parse(id, &rid);
	cdn_txn_begin(st, CDN_TXN_READ, &txn);
	if (cdn_record_get_raw(txn, rid, &json, &len) == 0 && cdn_record_text(json, len, &s, &len) != 0)
		s = NULL;
	cdn_txn_abort(txn);
	return s;
}

int
main(void)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	    0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89 };
	struct cdn_evidence_opts o = { 0 };
	struct cdn_evidence_check c;
	struct cdn_repo *repo;
	struct cdn_txn *txn;
	json_t *rec = NULL, *in, *out;
	char path[600], blob1[CDN_OID_HEX], *text, *back, *saved;
	unsigned char *noise;
	int rc, objects;
	uint64_t entries;
	size_t len;

	if (!mkdtemp(top))
		return 99;
	snprintf(path, sizeof path, "%s/store", top);
	if (cdn_store_init(path) != 0 || cdn_store_open(path, &st) != 0)
		return 99;
	cdn_txn_begin(st, CDN_TXN_WRITE, &txn);
	in = json_pack("{s:s}", "title", "Ivory in cashew nuts");
	cdn_record_create(txn, CDN_CASE, in, 0, NULL);
	json_decref(in);
	cdn_txn_commit(txn);
	text = malloc(200000);
	for (int i = 0; i < 200000; i++)
		text[i] = "Lab report. Ivory from 12 tusks.\n"[i % 33];
	noise = malloc(300000);
	for (int i = 0; i < 300000; i++)
		noise[i] = (unsigned char)(rand() >> 7);

	/* --- add ---------------------------------------------------------------- */
	o.note = "x-ray, Cat Lai, lane 4";
	o.description = "Scan of container CMAU4244930";
	rc = cdn_evidence_add(st, "tran.minh", "C-1", file_with("scan.png", png, sizeof png), &o, &rec);
	ok(rc == 0 && rec, "evidence added");
	is_str(field(rec, "id"), "V-1", "its id is V-1");
	is_str(field(rec, "media_type"), "image/png", "the media type comes from the content");
	{
		unsigned char h[32];
		unsigned int hl;
		char hex[65];

		EVP_Digest(png, sizeof png, h, &hl, EVP_sha256(), NULL);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", h[i]);
		is_str(field(rec, "sha256"), hex, "its SHA-256 is the content's");
	}
	snprintf(blob1, sizeof blob1, "%s", field(version(rec, 0), "blob"));
	ok(json_integer_value(json_object_get(rec, "size")) == (json_int_t)sizeof png, "its size");
	is_str(field(version(rec, 0), "note"), "x-ray, Cat Lai, lane 4", "the note is on version 1");
	is_str(field(version(rec, 0), "by"), "tran.minh", "version 1 is by the acting user");
	ok(strlen(field(version(rec, 0), "blob")) == 40 && strlen(field(version(rec, 0), "commit")) == 40,
	    "the git blob and commit are recorded");
	json_decref(rec);

	/* A PNG named .txt is still a PNG. */
	o = (struct cdn_evidence_opts){ 0 };
	rc = cdn_evidence_add(st, "tran.minh", "C-1", file_with("innocent.txt", png, sizeof png), &o, &rec);
	is_str(rc == 0 ? field(rec, "media_type") : NULL, "image/png", "the name does not decide the type");
	is_str(field(version(rec, 0), "blob"), blob1, "the same content is the same blob");
	json_decref(rec);
	objects = count_objects();
	rc = cdn_evidence_add(st, "le.hoa", "C-1", file_with("copy.png", png, sizeof png), &o, &rec);
	ok(rc == 0 && count_objects() == objects + 4,
	    "identical content is stored once: no second blob, only the three trees and the commit"
	    " that record it (%d more objects)", count_objects() - objects);
	json_decref(rec);

	rc = cdn_evidence_add(st, "le.hoa", "C-1", file_with("report.txt", text, 200000), &o, &rec);
	is_str(rc == 0 ? field(rec, "media_type") : NULL, "text/plain", "text is text/plain");
	json_decref(rec);

	/* --- bad input: clear errors, nothing written -------------------------------- */
	objects = count_objects();
	entries = audit_entries();
	o.filename = "a/b.png";
	ok(cdn_evidence_add(st, "x", "C-1", file_with("ok.png", png, sizeof png), &o, NULL) == CDN_EINVAL &&
	    strstr(cdn_error_last()->message, "base name"), "a name with / is refused");
	o.filename = "..";
	ok(cdn_evidence_add(st, "x", "C-1", file_with("ok.png", png, sizeof png), &o, NULL) == CDN_EINVAL,
	    "a name of .. is refused");
	o.filename = "evil..png";
	ok(cdn_evidence_add(st, "x", "C-1", file_with("ok.png", png, sizeof png), &o, NULL) == CDN_EINVAL,
	    "a name holding .. is refused");
	o.filename = "tab\there.png";
	ok(cdn_evidence_add(st, "x", "C-1", file_with("ok.png", png, sizeof png), &o, NULL) == CDN_EINVAL &&
	    strstr(cdn_error_last()->message, "control"), "a name with a control character is refused");
	o.filename = "back\\slash.png";
	ok(cdn_evidence_add(st, "x", "C-1", file_with("ok.png", png, sizeof png), &o, NULL) == CDN_EINVAL,
	    "a name with a backslash is refused");
	o.filename = NULL;
	ok(cdn_evidence_add(st, "x", "C-1", file_with("empty.png", "", 0), &o, NULL) == CDN_EINVAL &&
	    strstr(cdn_error_last()->message, "is empty"), "an empty file is refused");
	o.max_size = 1000;
	ok(cdn_evidence_add(st, "x", "C-1", file_with("big.bin", noise, 2000), &o, NULL) == CDN_EINVAL &&
	    strstr(cdn_error_last()->message, "over the limit"), "a file over the limit is refused");
	o.max_size = 0;
	ok(cdn_evidence_add(st, "x", "C-9", file_with("ok.png", png, sizeof png), &o, NULL) == CDN_ENOTFOUND &&
	    strstr(cdn_error_last()->message, "no case C-9"), "a missing case is refused");
	ok(cdn_evidence_add(st, "x", "S-1", file_with("ok.png", png, sizeof png), &o, NULL) == CDN_EINVAL,
	    "a case id that is not a case's is refused");
	snprintf(path, sizeof path, "%s/no-such-file", top);
	ok(cdn_evidence_add(st, "x", "C-1", path, &o, NULL) == CDN_EIO, "a missing file is refused");
	ok(cdn_evidence_add(st, "x", "C-1", top, &o, NULL) == CDN_EIO, "a directory is refused");
	ok(count_objects() == objects && audit_entries() == entries && count(CDN_EVIDENCE) == 4,
	    "none of them wrote an object, a record or an audit entry");

	/* --- versions ------------------------------------------------------------------------- */
	o.note = "better scan";
	o.filename = "scan-hires.bin";
	rc = cdn_evidence_update(st, "tran.minh", "V-1", file_with("hires", noise, 300000), &o, &rec);
	ok(rc == 0 && json_array_size(json_object_get(rec, "versions")) == 2, "a second version");
	is_str(field(rec, "filename"), "scan-hires.bin", "the record shows the latest name");
	ok(json_integer_value(json_object_get(rec, "size")) == 300000, "and its size");
	is_str(field(rec, "description"), "Scan of container CMAU4244930", "the description stays");
	json_decref(rec);
	back = get_back("V-1", 1, &len, &rc);
	ok(rc == 0 && len == sizeof png && memcmp(back, png, len) == 0, "version 1 reads back whole");
	free(back);
	back = get_back("V-1", 0, &len, &rc);
	ok(rc == 0 && len == 300000 && memcmp(back, noise, len) == 0, "the latest version reads back whole");
	free(back);
	back = get_back("V-1", 3, &len, &rc);
	ok(rc == CDN_ENOTFOUND, "there is no version 3");
	free(back);
	o = (struct cdn_evidence_opts){ 0 };

	/* --- custody ---------------------------------------------------------------------------- */
	entries = audit_entries();
	ok(cdn_evidence_custody(st, "le.hoa", "V-1", "received", "sealed bag 0042", &rec) == 0 &&
	    json_array_size(json_object_get(rec, "custody")) == 1, "a custody event is appended");
	is_str(field(json_array_get(json_object_get(rec, "custody"), 0), "by"), "le.hoa", "by the acting user");
	json_decref(rec);
	ok(audit_entries() == entries + 1, "and is an audit entry");
	ok(cdn_evidence_custody(st, "le.hoa", "V-1", "lost", NULL, NULL) == CDN_EINVAL &&
	    strstr(cdn_error_last()->message, "not one of collected"), "an unknown action is refused");
	/* Custody and versions cannot be changed through a plain update. */
	cdn_txn_begin(st, CDN_TXN_WRITE, &txn);
	in = json_loads("{\"custody\":[]}", 0, NULL);
	rc = cdn_record_update(txn, "V-1", in, 0, NULL);
	json_decref(in);
	in = json_loads("{\"description\":\"Scan, lane 4\"}", 0, NULL);
	ok(rc == CDN_EINVAL && cdn_record_update(txn, "V-1", in, 0, &out) == 0 &&
	    json_array_size(json_object_get(out, "custody")) == 1,
	    "an update may change the description, not the custody");
	json_decref(in);
	json_decref(out);
	ok(cdn_record_delete(txn, "V-1") == CDN_EINVAL, "evidence is never deleted");
	cdn_txn_commit(txn);
	ok(cdn_evidence_custody(st, "le.hoa", "V-3", "destroyed", "incinerated", NULL) == 0 &&
	    cdn_evidence_update(st, "x", "V-3", file_with("new.png", png, sizeof png), &o, NULL) == CDN_EINVAL,
	    "destroyed evidence takes no new version");

	/* --- verify -------------------------------------------------------------------------------- */
	ok(verify(&c) == 0 && nproblems == 0, "everything verifies");
	ok(c.records == 4 && c.versions == 5 && !c.ref_behind, "4 records, 5 versions, the ref on the head");
	if (nproblems)
		diag("%s", problems);

	cdn_store_repo(st, &repo);
	rec = NULL;
	{
		char *raw = get_raw("V-1");
		json_t *r = json_loads(raw, 0, NULL);
		char obj[600], aside[600];
		FILE *f;
		long sz;
		unsigned char *b;

		cdn_repo_object_path(repo, field(version(r, 1), "blob"), obj, sizeof obj);
		/* A flipped byte in the object's file. */
		f = fopen(obj, "rb");
		fseek(f, 0, SEEK_END);
		sz = ftell(f);
		rewind(f);
		b = malloc((size_t)sz);
		if (fread(b, 1, (size_t)sz, f) != (size_t)sz)
			return 99;
		fclose(f);
		chmod(obj, 0644);
		b[sz / 2] ^= 0x20;
		f = fopen(obj, "wb");
		fwrite(b, 1, (size_t)sz, f);
		fclose(f);
		ok(verify(&c) != 0 && strstr(problems, "evidence V-1 version 2: "),
		    "a flipped byte in an object is named");
		back = get_back("V-1", 2, &len, &rc);
		ok(rc == CDN_ESTORE, "and reading that version fails");
		free(back);
		b[sz / 2] ^= 0x20;
		f = fopen(obj, "wb");
		fwrite(b, 1, (size_t)sz, f);
		fclose(f);
		ok(verify(&c) == 0, "restored, it verifies again");
		/* A deleted object (kept aside in the test's own directory). */
		snprintf(aside, sizeof aside, "%s/object-aside", top);
		rename(obj, aside);
		ok(verify(&c) != 0 && strstr(problems, "evidence V-1 version 2: ") &&
		    strstr(problems, "not in the repository"), "a deleted object is named");
		rename(aside, obj);
		free(b);
		/* An edited record: the SHA-256 of version 1 changed. */
		saved = raw;
		json_object_set_new(version(r, 0), "sha256",
		    json_string("0000000000000000000000000000000000000000000000000000000000000000"));
		{
			char *edited = json_dumps(r, JSON_COMPACT);

			put_raw("V-1", edited);
			free(edited);
		}
		ok(verify(&c) != 0 && strstr(problems, "evidence V-1 version 1: ") &&
		    strstr(problems, "SHA-256"), "an edited record is named");
		put_raw("V-1", saved);
		free(saved);
		json_decref(r);
		ok(verify(&c) == 0, "restored, it verifies again");
	}

	/* --- what a crash can leave ----------------------------------------------------------------- */
	{
		struct cdn_blob blob;
		char head[CDN_OID_HEX], ref[CDN_OID_HEX], orphan[CDN_OID_HEX];
		struct cdn_repo_change ch;
		int fd;

		/* Killed after writing the blob: an object nothing names. */
		fd = open(file_with("orphan", "never recorded", 14), O_RDONLY);
		ok(cdn_repo_write_blob(repo, fd, 14, &blob) == 0, "a blob written and then a crash");
		close(fd);
		ok(verify(&c) == 0, "an orphan object is harmless");
		/* Killed after the store's commit, before the ref moved. */
		cdn_repo_ref(repo, "main", ref);
		ok(cdn_evidence_add(st, "x", "C-1", file_with("late.png", png, sizeof png), &o, NULL) == 0,
		    "another add");
		cdn_txn_begin(st, CDN_TXN_READ, &txn);
		{
			MDB_val v;

			cdn_meta_get(txn, "git.main", &v);
			snprintf(head, sizeof head, "%.40s", (const char *)v.mv_data);
		}
		cdn_txn_abort(txn);
		snprintf(path, sizeof path, "%s/store/evidence.git/refs/heads/main", top);
		{
			FILE *f = fopen(path, "w");

			fprintf(f, "%s\n", ref);
			fclose(f);
		}
		ok(verify(&c) == 0 && c.ref_behind, "a ref left behind the store's head verifies, noted");
		ok(cdn_evidence_custody(st, "x", "V-5", "note", "checked", NULL) == 0 &&
		    cdn_evidence_add(st, "x", "C-1", file_with("later.png", png, sizeof png), &o, &rec) == 0,
		    "the next writes go on");
		cdn_repo_ref(repo, "main", ref);
		is_str(ref, field(version(rec, 0), "commit"), "and the ref catches up with the store");
		ok(cdn_repo_reaches(repo, ref, head) == 1, "its history holds the commit that was behind");
		json_decref(rec);
		/* A ref on a commit the store does not know. */
		ch = (struct cdn_repo_change){ "C-1/stray", blob.oid };
		cdn_repo_commit(repo, ref, &ch, 1, "mallet", "not the store's\n", orphan);
		{
			FILE *f = fopen(path, "w");

			fprintf(f, "%s\n", orphan);
			fclose(f);
		}
		ok(verify(&c) != 0 && strstr(problems, "ref refs/heads/main: points at ") &&
		    strstr(problems, "does not know"), "a ref on a commit the store does not know is named");
		{
			FILE *f = fopen(path, "w");

			fprintf(f, "%s\n", ref);
			fclose(f);
		}
		ok(verify(&c) == 0, "put back, it verifies");
	}

	/* --- custody is never locked ------------------------------------------ */
	{
		int bad = 0;

		for (unsigned i = 0; i < CDN_CUSTODY_NOTES_MAX; i++)
			bad += cdn_evidence_custody(st, "x", "V-2", "note", "seal checked", NULL) != 0;
		ok(bad == 0, "%u custody notes are recorded", CDN_CUSTODY_NOTES_MAX);
		ok(cdn_evidence_custody(st, "x", "V-2", "note", "one more", NULL) == CDN_EINVAL &&
		    strstr(cdn_error_last()->message, "custody notes"),
		    "one note more is refused, saying why: %s", cdn_error_last()->message);
		cdn_error_clear();
		ok(cdn_evidence_custody(st, "x", "V-2", "transferred", "to the court", NULL) == 0,
		    "a transfer is still recorded after them");
		rc = cdn_evidence_custody(st, "x", "V-2", "destroyed", "by order", &rec);
		ok(rc == 0 && json_array_size(json_object_get(rec, "custody")) > CDN_CUSTODY_NOTES_MAX + 1,
		    "and so is its destruction (%zu events)",
		    json_array_size(json_object_get(rec, "custody")));
		json_decref(rec);
	}

	/* A server adds evidence all day: what libgit2 read or wrote for the
	 * adds above is not kept in memory after them. */
	{
		ssize_t cached = -1, allowed = -1;

		git_libgit2_opts(GIT_OPT_GET_CACHED_MEMORY, &cached, &allowed);
		ok(cached == 0, "no git objects are kept in memory after the adds (%zd bytes)", cached);
	}

	cdn_store_close(st);
	free(text);
	free(noise);
	rm_tree(top);
	return done_testing();
}
