/*
 * evidence.c - evidence files: add, new versions, custody, reading a
 * version back, and verification (see evidence.h, doc/evidence.md).
 *
 * Every write follows one order, so a crash anywhere leaves the store
 * consistent: (1) the blob is written and synced, outside any
 * transaction, since it names itself and depends on nothing; (2) inside
 * the store's write transaction, the commit holding it is made on the
 * store's head and synced, the record is written, and the head moves to
 * the commit; (3) after the transaction, the git ref follows the head.
 * A crash after (1) or within (2) leaves objects nothing names; after (2),
 * a ref one step behind, which the next write (or nothing) mends.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cordon/check.h"
#include "cordon/config.h"
#include "cordon/evidence.h"
#include "cordon/query.h"
#include "intern.h"
#include "internal.h"
#include "json.h"
#include "recform.h"
#include "repo.h"
#include "schema.h"

#define BRANCH		"main"
#define SNIFF_BYTES	(64u << 10)	/* what media type detection reads */

/* --- the file ------------------------------------------------------------------- */

/* Media type from the content (its first bytes), never from the name.
 * libmagic handles are not shared between threads; one is kept and used
 * under a lock. */
static void
sniff(const unsigned char *head, size_t n, char *type, size_t cap)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static magic_t m;
	static int tried;
	const char *t = NULL;

	pthread_mutex_lock(&lock);
	if (!tried) {
		tried = 1;
		if ((m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR)) != NULL && magic_load(m, NULL) != 0) {
			magic_close(m);
			m = NULL;
		}
	}
	if (m && n > 0)
		t = magic_buffer(m, head, n);
	snprintf(type, cap, "%s", t && *t ? t : "application/octet-stream");
	pthread_mutex_unlock(&lock);
}

/* The file being added: from a path (`fd`) or a caller's stream. Its
 * first bytes are kept as they pass into the repository, for sniff. */
struct file {
	int fd;
	const struct cdn_source *src;
	uint64_t size;
	char name[256];
	char media_type[256];
	unsigned char *head;
	size_t nhead;
};

/*
 * Check the file against the rules: a name that is a base name and
 * UTF-8, then a size neither empty nor over the limit. Nothing is read
 * before this, and nothing written before it and the record checks pass.
 * `shown` is the file as its user knows it.
 */
static int
file_name(struct file *f, const char *base)
{
	char why[CDN_WHY_MAX];
	json_t *s;

	if (!base)
		return cdn_error_set(CDN_EINVAL, "filename", "required: the file's name");
	if (cdn_check_filename(base, why) != 0)
		return cdn_error_set(CDN_EINVAL, "filename", "'%.80s': %s", base, why);
	if ((s = json_string(base)) == NULL)	/* NULL unless UTF-8 */
		return cdn_error_set(CDN_EINVAL, "filename", "is not UTF-8");
	json_decref(s);
	snprintf(f->name, sizeof f->name, "%s", base);
	return 0;
}

static int
file_size(struct file *f, const char *shown, const struct cdn_evidence_opts *o)
{
	const struct cdn_config *c;
	uint64_t max = o && o->max_size ? o->max_size : 0;
	int rc;

	if (!max && (rc = cdn_config(&c)) != 0)
		return rc;
	if (!max)
		max = c->evidence_max;
	if (f->size == 0)
		return cdn_error_set(CDN_EINVAL, NULL, "%s is empty", shown);
	if (f->size > max)
		return cdn_error_set(CDN_EINVAL, NULL, "%s is %" PRIu64 " bytes, over the limit of %"
		    PRIu64 " (set CORDON_EVIDENCE_MAX to change it)", shown, f->size, max);
	if ((f->head = malloc(SNIFF_BYTES)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	return 0;
}

/* The file at `path`, opened and checked. */
static int
file_open(const char *path, const struct cdn_evidence_opts *o, struct file *f)
{
	const char *base = strrchr(path, '/');
	/* An upload's temporary path means nothing to its user: the name
	 * given is what they know. */
	const char *shown = o && o->filename ? o->filename : path;
	struct stat sb;

	int rc;

	base = o && o->filename ? o->filename : base ? base + 1 : path;
	if ((rc = file_name(f, base)) != 0)
		return rc;
	if ((f->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", shown, strerror(errno));
	if (fstat(f->fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		return cdn_error_set(CDN_EIO, NULL, "%s: not a regular file", shown);
	f->size = (uint64_t)sb.st_size;
	return file_size(f, shown, o);
}

/* The file's bytes for the repository, its head kept on the way. */
static long
file_read(void *arg, void *buf, size_t cap)
{
	struct file *f = arg;
	long n;

	if (f->src) {
		n = f->src->read(f->src->arg, buf, cap);
	} else {
		while ((n = (long)read(f->fd, buf, cap)) < 0 && errno == EINTR)
			;
		if (n < 0)
			return cdn_error_set(CDN_EIO, NULL, "%s: %s", f->name, strerror(errno));
	}
	if (n > 0 && f->nhead < SNIFF_BYTES) {
		size_t k = (size_t)n < SNIFF_BYTES - f->nhead ? (size_t)n : SNIFF_BYTES - f->nhead;

		memcpy(f->head + f->nhead, buf, k);
		f->nhead += k;
	}
	return n;
}

/* --- writes --------------------------------------------------------------------- */

struct ev_write {
	struct cdn_repo *repo;
	const char *user;
	const char *case_id;		/* add */
	const char *id;			/* update, custody */
	const struct cdn_evidence_opts *o;
	struct file *file;
	struct cdn_blob blob;
	const char *action;		/* custody */
	const char *note;
	json_t *out;
	char commit[CDN_OID_HEX];
};

static json_t *
version_entry(struct ev_write *w, struct cdn_txn *txn, int64_t n)
{
	char sha[65];
	json_t *v;

	cdn_hex(w->blob.sha256, 32, sha);
	v = json_pack("{s:I,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "version", (json_int_t)n,
	    "filename", w->file->name, "media_type", w->file->media_type,
	    "size", (json_int_t)w->blob.size, "sha256", sha, "blob", w->blob.oid,
	    "commit", w->commit, "at", cdn_txn_now(txn), "by", cdn_txn_user(txn));
	if (v && w->note && *w->note)
		json_object_set_new(v, "note", json_string(w->note));
	return v;
}

/* The latest version's facts at the top of the record. */
static void
set_facts(json_t *rec, json_t *ver)
{
	static const char *const facts[] = { "filename", "media_type", "size", "sha256" };

	for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
		json_object_set(rec, facts[i], json_object_get(ver, facts[i]));
}

/* Validate and write `rec` as evidence `id` (old: the stored record of an
 * update), its audit entry as `op` with `note`. */
static int
add_fn(struct cdn_txn *txn, void *arg)
{
	struct ev_write *w = arg;
	struct cdn_id id = { CDN_EVIDENCE, cdn_txn_peek_seq(txn, CDN_EVIDENCE) };
	char idbuf[CDN_ID_MAX], head[CDN_OID_HEX], path[512], msg[600];
	struct cdn_repo_change ch;
	json_t *rec, *ver;
	int rc;

	json_decref(w->out);
	w->out = NULL;
	if ((rc = cdn_record_exists(txn, w->case_id)) <= 0)
		return rc < 0 ? rc : cdn_error_set(CDN_ENOTFOUND, "case", "no case %s", w->case_id);
	cdn_id_format(id, idbuf);
	if ((rc = cdn_branch_head(txn, BRANCH, head)) != 0)
		return rc;
	snprintf(path, sizeof path, "%s/%s/%s", w->case_id, idbuf, w->file->name);
	snprintf(msg, sizeof msg, "Add %s to %s: %s\n", idbuf, w->case_id, w->file->name);
	ch = (struct cdn_repo_change){ path, w->blob.oid };
	if ((rc = cdn_repo_commit(w->repo, head, &ch, 1, cdn_txn_user(txn), msg, w->commit)) != 0)
		return rc;
	if ((ver = version_entry(w, txn, 1)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	rec = json_pack("{s:s,s:[o],s:[]}", "case", w->case_id, "versions", ver, "custody");
	if (!rec)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	set_facts(rec, ver);
	if (w->o && w->o->description)
		json_object_set_new(rec, "description", json_string(w->o->description));
	rc = cdn_record_put_owned(txn, id, rec, NULL, "create", w->note, &w->out);
	json_decref(rec);
	return rc ? rc : cdn_branch_set(txn, BRANCH, w->commit);
}

static const char *
destroyed_on(json_t *rec)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(rec, "custody"), i, e)
		if (strcmp(json_string_value(json_object_get(e, "action")), "destroyed") == 0)
			return json_string_value(json_object_get(e, "at"));
	return NULL;
}

static int
update_fn(struct cdn_txn *txn, void *arg)
{
	struct ev_write *w = arg;
	char head[CDN_OID_HEX], path[512], oldpath[512], msg[600];
	struct cdn_repo_change ch[2];
	json_t *old = NULL, *rec = NULL, *ver;
	const char *case_id, *oldname;
	struct cdn_id id;
	size_t n = 0;
	int64_t next;
	int rc;

	json_decref(w->out);
	w->out = NULL;
	if ((rc = cdn_id_parse(w->id, &id)) != 0 || (rc = cdn_record_get(txn, w->id, &old)) != 0)
		return rc;
	if (id.kind != CDN_EVIDENCE) {
		rc = cdn_error_set(CDN_EINVAL, NULL, "%s is not evidence", w->id);
		goto out;
	}
	if (destroyed_on(old)) {
		rc = cdn_error_set(CDN_EINVAL, NULL, "%s was destroyed (%s): it takes no new versions",
		    w->id, destroyed_on(old));
		goto out;
	}
	case_id = json_string_value(json_object_get(old, "case"));
	oldname = json_string_value(json_object_get(old, "filename"));
	next = (int64_t)json_array_size(json_object_get(old, "versions")) + 1;
	if ((rc = cdn_branch_head(txn, BRANCH, head)) != 0)
		goto out;
	snprintf(path, sizeof path, "%s/%s/%s", case_id, w->id, w->file->name);
	snprintf(oldpath, sizeof oldpath, "%s/%s/%s", case_id, w->id, oldname);
	if (strcmp(path, oldpath) != 0)
		ch[n++] = (struct cdn_repo_change){ oldpath, NULL };
	ch[n++] = (struct cdn_repo_change){ path, w->blob.oid };
	snprintf(msg, sizeof msg, "Update %s in %s to version %" PRId64 ": %s\n", w->id, case_id,
	    next, w->file->name);
	if ((rc = cdn_repo_commit(w->repo, head, ch, n, cdn_txn_user(txn), msg, w->commit)) != 0)
		goto out;
	if ((rec = json_deep_copy(old)) == NULL || (ver = version_entry(w, txn, next)) == NULL) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	json_array_append_new(json_object_get(rec, "versions"), ver);
	set_facts(rec, ver);
	if ((rc = cdn_record_put_owned(txn, id, rec, old, "update", w->note, &w->out)) == 0)
		rc = cdn_branch_set(txn, BRANCH, w->commit);
out:
	json_decref(old);
	json_decref(rec);
	return rc;
}

static int
custody_fn(struct cdn_txn *txn, void *arg)
{
	struct ev_write *w = arg;
	json_t *old = NULL, *rec = NULL, *ev;
	char note[2100];
	struct cdn_id id;
	int rc;

	json_decref(w->out);
	w->out = NULL;
	if ((rc = cdn_id_parse(w->id, &id)) != 0 || (rc = cdn_record_get(txn, w->id, &old)) != 0)
		return rc;
	if (id.kind != CDN_EVIDENCE) {
		rc = cdn_error_set(CDN_EINVAL, NULL, "%s is not evidence", w->id);
		goto out;
	}
	ev = json_pack("{s:s,s:s,s:s}", "at", cdn_txn_now(txn), "by", cdn_txn_user(txn),
	    "action", w->action);
	if (!ev || (rec = json_deep_copy(old)) == NULL) {
		json_decref(ev);
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if (w->note && *w->note)
		json_object_set_new(ev, "note", json_string(w->note));
	/* Notes are bounded so that a record cannot be grown without end by
	 * them; an event that moves or changes the evidence never is. */
	if (strcmp(w->action, "note") == 0) {
		json_t *e;
		size_t i, notes = 0;

		json_array_foreach(json_object_get(rec, "custody"), i, e)
			notes += strcmp(json_string_value(json_object_get(e, "action")) ?: "", "note") == 0;
		if (notes >= CDN_CUSTODY_NOTES_MAX) {
			json_decref(ev);
			rc = cdn_error_set(CDN_EINVAL, "action", "%s has %u custody notes, the most it "
			    "may have: record the note in the evidence's description, or as the note "
			    "of a custody event (transfers and other events are always recorded)",
			    w->id, CDN_CUSTODY_NOTES_MAX);
			goto out;
		}
	}
	json_array_append_new(json_object_get(rec, "custody"), ev);
	/* The audit entry says what happened, with the note. */
	snprintf(note, sizeof note, "%s%s%s", w->action, w->note && *w->note ? ": " : "",
	    w->note ? w->note : "");
	rc = cdn_record_put_owned(txn, id, rec, old, "custody", note, &w->out);
out:
	json_decref(old);
	json_decref(rec);
	return rc;
}

/* Check the record's case before any object is written. */
static int
case_exists(struct cdn_store *st, const char *case_id)
{
	struct cdn_txn *txn;
	struct cdn_id id;
	int rc;

	if (cdn_id_parse(case_id, &id) != 0 || id.kind != CDN_CASE)
		return cdn_error_set(CDN_EINVAL, "case", "'%.40s' is not a case id", case_id);
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	rc = cdn_record_exists(txn, case_id);
	cdn_txn_abort(txn);
	if (rc < 0)
		return rc;
	return rc ? 0 : cdn_error_set(CDN_ENOTFOUND, "case", "no case %s", case_id);
}

/* Write the file's blob, run `fn` in a write transaction, then move the
 * ref after it. */
static int
write_evidence(struct cdn_store *st, const char *user, struct ev_write *w, const char *path,
    const struct cdn_source *src, cdn_write_fn fn, json_t **out)
{
	struct file f = { .fd = -1, .src = src };
	struct cdn_source tee = { file_read, &f, 0 };
	struct cdn_error saved;
	int rc;

	if (out)
		*out = NULL;
	w->user = user;
	w->file = &f;
	w->note = w->o ? w->o->note : NULL;
	if (src) {
		f.size = src->size;
		if ((rc = file_name(&f, w->o ? w->o->filename : NULL)) == 0)
			rc = file_size(&f, f.name, w->o);
	} else {
		rc = file_open(path, w->o, &f);
	}
	if (rc != 0 || (rc = cdn_store_repo(st, &w->repo)) != 0 ||
	    (rc = cdn_repo_write_from(w->repo, &tee, f.size, &w->blob)) != 0)
		goto out;
	sniff(f.head, f.nhead, f.media_type, sizeof f.media_type);
	if ((rc = cdn_store_write(st, user, fn, w)) != 0 && rc != CDN_ERULES)
		goto out;
	/* The store has it: now the ref may follow. If it cannot, the store
	 * is still right and the next write tries again. */
	saved = *cdn_error_last();
	(void)cdn_repo_advance(w->repo, BRANCH, w->commit);
	cdn_error_clear();
	if (rc != 0)
		cdn_error_set(rc, saved.field, "%s", saved.message);
	if (out) {
		*out = w->out;
		w->out = NULL;
	}
out:
	json_decref(w->out);
	if (f.fd >= 0)
		close(f.fd);
	free(f.head);
	return rc;
}

/* An add or an update, from a path or a stream (`src`, else `path`). */
static int
add_or_update(struct cdn_store *st, const char *user, const char *target, const char *path,
    const struct cdn_source *src, const struct cdn_evidence_opts *o, int update, json_t **out)
{
	struct ev_write w = { .o = o };
	struct cdn_id rid;
	int rc;

	if (out)
		*out = NULL;
	if (update) {
		if (cdn_id_parse(target, &rid) != 0 || rid.kind != CDN_EVIDENCE)
			return cdn_error_set(CDN_EINVAL, NULL, "'%.40s' is not an evidence id (V-…)",
			    target);
		w.id = target;
	} else {
		if ((rc = case_exists(st, target)) != 0)
			return rc;
		w.case_id = target;
	}
	return write_evidence(st, user, &w, path, src, update ? update_fn : add_fn, out);
}

int
cdn_evidence_add(struct cdn_store *st, const char *user, const char *case_id,
    const char *path, const struct cdn_evidence_opts *o, json_t **out)
{
	return add_or_update(st, user, case_id, path, NULL, o, 0, out);
}

int
cdn_evidence_add_from(struct cdn_store *st, const char *user, const char *case_id,
    const struct cdn_source *src, const struct cdn_evidence_opts *o, json_t **out)
{
	return add_or_update(st, user, case_id, NULL, src, o, 0, out);
}

int
cdn_evidence_update(struct cdn_store *st, const char *user, const char *id,
    const char *path, const struct cdn_evidence_opts *o, json_t **out)
{
	return add_or_update(st, user, id, path, NULL, o, 1, out);
}

int
cdn_evidence_update_from(struct cdn_store *st, const char *user, const char *id,
    const struct cdn_source *src, const struct cdn_evidence_opts *o, json_t **out)
{
	return add_or_update(st, user, id, NULL, src, o, 1, out);
}

int
cdn_evidence_custody(struct cdn_store *st, const char *user, const char *id,
    const char *action, const char *note, json_t **out)
{
	struct ev_write w = { .id = id, .action = action, .note = note };
	struct cdn_id rid;
	int rc;

	const struct cdn_field *f = cdn_schema_lookup(CDN_EVIDENCE, "custody.action");
	const char *const *a;
	char list[200] = "";

	if (out)
		*out = NULL;
	if (cdn_id_parse(id, &rid) != 0 || rid.kind != CDN_EVIDENCE)
		return cdn_error_set(CDN_EINVAL, NULL, "'%.40s' is not an evidence id (V-…)", id);
	for (a = f->values; *a && strcmp(*a, action) != 0; a++)
		;
	if (!*a) {
		for (a = f->values; *a; a++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
			    a == f->values ? "" : ", ", *a);
		return cdn_error_set(CDN_EINVAL, "action", "'%.40s' is not one of %s", action, list);
	}
	if (((rc = cdn_store_write(st, user, custody_fn, &w)) == 0 || rc == CDN_ERULES) && out) {
		*out = w.out;
		w.out = NULL;
	}
	json_decref(w.out);
	return rc;
}

/* --- reading back ------------------------------------------------------------------ */

/* The entry of version `n` (0: the latest) of a stored evidence record. */
static int
find_version(struct cdn_store *st, const char *id, int64_t n, json_t **rec, json_t **ver)
{
	struct cdn_txn *txn;
	struct cdn_id rid;
	json_t *versions;
	int rc;

	*rec = *ver = NULL;
	if (cdn_id_parse(id, &rid) != 0 || rid.kind != CDN_EVIDENCE)
		return cdn_error_set(CDN_EINVAL, NULL, "'%.40s' is not an evidence id (V-…)", id);
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	rc = cdn_record_get(txn, id, rec);
	cdn_txn_abort(txn);
	if (rc != 0)
		return rc;
	versions = json_object_get(*rec, "versions");
	if (n == 0)
		n = (int64_t)json_array_size(versions);
	if (n < 1 || (size_t)n > json_array_size(versions)) {
		rc = cdn_error_set(CDN_ENOTFOUND, "version", "%s has versions 1 to %zu, not %" PRId64,
		    id, json_array_size(versions), n);
		json_decref(*rec);
		*rec = NULL;
		return rc;
	}
	*ver = json_array_get(versions, (size_t)n - 1);
	return 0;
}

struct sink {
	int fd;
	EVP_MD_CTX *sha;
	uint64_t bytes;
};

static int
sink_fn(void *arg, const void *data, size_t len)
{
	struct sink *s = arg;
	const char *p = data;

	EVP_DigestUpdate(s->sha, data, len);
	s->bytes += len;
	while (s->fd >= 0 && len > 0) {
		ssize_t n = write(s->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cdn_error_set(CDN_EIO, NULL, "writing the file out: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read a version's blob into `fd` (-1: nowhere), checking its SHA-256. */
static int
read_version(struct cdn_repo *repo, const char *id, json_t *ver, int fd, uint64_t *bytes)
{
	const char *blob = json_string_value(json_object_get(ver, "blob"));
	const char *want = json_string_value(json_object_get(ver, "sha256"));
	struct sink s = { fd, EVP_MD_CTX_new(), 0 };
	unsigned char h[32];
	char hex[65];
	uint64_t size;
	int rc;

	if (!s.sha)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	EVP_DigestInit_ex(s.sha, EVP_sha256(), NULL);
	rc = cdn_repo_read_blob(repo, blob ? blob : "", sink_fn, &s, &size);
	EVP_DigestFinal_ex(s.sha, h, NULL);
	EVP_MD_CTX_free(s.sha);
	*bytes = s.bytes;
	if (rc != 0) {
		if (rc == CDN_ESTORE || rc == CDN_ENOTFOUND) {
			char msg[CDN_MESSAGE_MAX];

			snprintf(msg, sizeof msg, "%s", cdn_error_last()->message);
			cdn_error_set(CDN_ESTORE, NULL, "%s version %" JSON_INTEGER_FORMAT ": %s", id,
			    json_integer_value(json_object_get(ver, "version")), msg);
			return CDN_ESTORE;
		}
		return rc;
	}
	cdn_hex(h, 32, hex);
	if (!want || strcmp(hex, want) != 0)
		return cdn_error_set(CDN_ESTORE, NULL, "%s version %" JSON_INTEGER_FORMAT
		    ": the content does not match its SHA-256 (altered)", id,
		    json_integer_value(json_object_get(ver, "version")));
	if ((json_int_t)size != json_integer_value(json_object_get(ver, "size")))
		return cdn_error_set(CDN_ESTORE, NULL, "%s version %" JSON_INTEGER_FORMAT
		    ": %" PRIu64 " bytes, not the %" JSON_INTEGER_FORMAT " recorded", id,
		    json_integer_value(json_object_get(ver, "version")), size,
		    json_integer_value(json_object_get(ver, "size")));
	return 0;
}

int
cdn_evidence_get(struct cdn_store *st, const char *id, int64_t version, int fd, json_t **ver)
{
	struct cdn_repo *repo;
	json_t *rec, *v;
	uint64_t bytes;
	int rc;

	if (ver)
		*ver = NULL;
	if ((rc = find_version(st, id, version, &rec, &v)) != 0)
		return rc;
	if ((rc = cdn_store_repo(st, &repo)) == 0 &&
	    (rc = read_version(repo, id, v, fd, &bytes)) == 0 && ver)
		*ver = json_incref(v);
	json_decref(rec);
	return rc;
}

/* --- verification ------------------------------------------------------------------ */

struct verify {
	struct cdn_repo *repo;
	cdn_evidence_report_fn report;
	void *arg;
	struct cdn_intern history;	/* the commits of the store's head */
	struct cdn_evidence_check *out;
	int bad;
	/* One record alone (cdn_evidence_verify_one): its commits are looked
	 * for from `head` rather than in `history`, and each problem goes to
	 * `cur`, the JSON list of the record or of the version being read. */
	const char *head;
	json_t *json, *cur;
};

static void
problem(struct verify *v, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct verify *v, const char *where, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	v->bad = 1;
	if (v->cur)
		json_array_append_new(v->cur, json_string(msg));
	else
		v->report(v->arg, where, msg);
}

/* Is `commit` in the store's history: 1, 0, or an error. */
static int
in_history(struct verify *v, const char *commit)
{
	if (v->head)
		return *v->head ? cdn_repo_reaches(v->repo, v->head, commit) : 0;
	return cdn_intern_find(&v->history, commit, strlen(commit)) >= 0;
}

static int
add_commit(void *arg, const char *commit)
{
	int added;

	return cdn_intern_add(arg, commit, strlen(commit), &added) < 0 ?
	    cdn_error_set(CDN_ENOMEM, NULL, "out of memory") : 0;
}

static int
verify_record(void *arg, const char *json, size_t len)
{
	struct verify *v = arg;
	static const char *const facts[] = { "filename", "media_type", "size", "sha256" };
	json_t *rec, *versions, *ver;
	const char *id, *case_id;
	char where[96], path[600], held[CDN_OID_HEX];
	size_t i;
	int rc;

	if ((rc = cdn_rec_decode(json, len, "evidence record", &rec)) != 0)
		return rc;
	id = json_string_value(json_object_get(rec, "id"));
	case_id = json_string_value(json_object_get(rec, "case"));
	versions = json_object_get(rec, "versions");
	v->out->records++;
	snprintf(where, sizeof where, "evidence %s", id ? id : "?");
	if (!id || !case_id || json_array_size(versions) == 0) {
		problem(v, where, "the record has no case or no versions (edited)");
		json_decref(rec);
		return 0;
	}
	ver = json_array_get(versions, json_array_size(versions) - 1);
	for (size_t k = 0; k < sizeof facts / sizeof facts[0]; k++)
		if (!json_equal(json_object_get(rec, facts[k]), json_object_get(ver, facts[k])))
			problem(v, where, "its %s is not its latest version's (edited)", facts[k]);
	json_array_foreach(versions, i, ver) {
		const char *commit = json_string_value(json_object_get(ver, "commit"));
		const char *blob = json_string_value(json_object_get(ver, "blob"));
		const char *name = json_string_value(json_object_get(ver, "filename"));
		uint64_t bytes = 0;

		snprintf(where, sizeof where, "evidence %s version %zu", id, i + 1);
		v->out->versions++;
		if (v->json) {
			json_t *vj = json_pack("{s:I,s:O?,s:O?,s:[]}", "version", (json_int_t)(i + 1),
			    "sha256", json_object_get(ver, "sha256"), "size", json_object_get(ver, "size"),
			    "problems");

			if (!vj || json_array_append_new(json_object_get(v->json, "versions"), vj) != 0) {
				rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
				goto fatal;
			}
			v->cur = json_object_get(vj, "problems");
		}
		if (json_integer_value(json_object_get(ver, "version")) != (json_int_t)(i + 1))
			problem(v, where, "numbered %" JSON_INTEGER_FORMAT " (edited)",
			    json_integer_value(json_object_get(ver, "version")));
		if ((rc = read_version(v->repo, id, ver, -1, &bytes)) != 0) {
			const char *m = cdn_error_last()->message, *colon = strstr(m, ": ");

			if (rc == CDN_ENOMEM)
				goto fatal;
			/* The message names the version; `where` does already. */
			problem(v, where, "%s", strncmp(m, id, strlen(id)) == 0 && colon ? colon + 2 : m);
		}
		v->out->bytes += bytes;
		if (!commit || !name || !blob) {
			problem(v, where, "the entry has no commit, file name or blob (edited)");
			continue;
		}
		if ((rc = in_history(v, commit)) != 1) {
			if (rc < 0)
				problem(v, where, "commit %s: %s", commit, cdn_error_last()->message);
			else
				problem(v, where, "commit %s is not in the store's history", commit);
			continue;
		}
		snprintf(path, sizeof path, "%s/%s/%s", case_id, id, name);
		if ((rc = cdn_repo_blob_at(v->repo, commit, path, held)) != 0) {
			problem(v, where, "%s", cdn_error_last()->message);
		} else if (strcmp(held, blob) != 0) {
			problem(v, where, "commit %s holds %s, not %s, at %s", commit,
			    *held ? held : "nothing", blob, path);
		}
	}
	json_decref(rec);
	cdn_error_clear();
	return 0;
fatal:
	json_decref(rec);
	return rc;
}

int
cdn_evidence_verify_one(struct cdn_store *st, const char *id, json_t **out)
{
	struct cdn_evidence_check none = { 0 };
	struct verify v = { .out = &none };
	char head[CDN_OID_HEX];
	struct cdn_txn *txn = NULL;
	const char *json;
	struct cdn_id rid;
	json_t *e;
	size_t len, i;
	int rc, intact;

	*out = NULL;
	if (cdn_id_parse(id, &rid) != 0 || rid.kind != CDN_EVIDENCE)
		return cdn_error_set(CDN_EINVAL, NULL, "'%.40s' is not an evidence id (V-…)", id);
	if ((rc = cdn_store_repo(st, &v.repo)) != 0 ||
	    (rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	if ((rc = cdn_branch_head(txn, BRANCH, head)) != 0 ||
	    (rc = cdn_record_get_raw(txn, rid, &json, &len)) != 0)
		goto out;
	v.head = head;
	if ((v.json = json_pack("{s:s,s:b,s:[],s:[]}", "id", id, "intact", 1, "problems",
	    "versions")) == NULL) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	v.cur = json_object_get(v.json, "problems");
	if ((rc = verify_record(&v, json, len)) != 0)
		goto out;
	intact = json_array_size(json_object_get(v.json, "problems")) == 0;
	json_array_foreach(json_object_get(v.json, "versions"), i, e) {
		int ok = json_array_size(json_object_get(e, "problems")) == 0;

		json_object_set_new(e, "intact", json_boolean(ok));
		intact &= ok;
	}
	json_object_set_new(v.json, "intact", json_boolean(intact));
	*out = v.json;
	v.json = NULL;
out:
	cdn_txn_abort(txn);
	json_decref(v.json);
	return rc;
}

int
cdn_evidence_verify(struct cdn_store *st, cdn_evidence_report_fn report, void *arg,
    struct cdn_evidence_check *out)
{
	struct cdn_evidence_check none;
	struct verify v = { .report = report, .arg = arg, .out = out ? out : &none };
	char head[CDN_OID_HEX], ref[CDN_OID_HEX], where[64];
	struct cdn_txn *txn = NULL;
	size_t nev = 0;
	int rc;

	memset(v.out, 0, sizeof *v.out);
	if ((rc = cdn_store_repo(st, &v.repo)) != 0 ||
	    (rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	if ((rc = cdn_branch_head(txn, BRANCH, head)) != 0 || (rc = cdn_kind_count(txn, CDN_EVIDENCE, &nev)) != 0)
		goto out;
	snprintf(where, sizeof where, "ref refs/heads/%s", BRANCH);
	if ((rc = cdn_repo_ref(v.repo, BRANCH, ref)) != 0)
		goto out;
	if (!*head) {
		if (nev > 0)
			problem(&v, "the store", "it holds evidence but no git head (edited)");
		if (*ref)
			problem(&v, where, "points at %s, but the store has made no commit", ref);
		goto scan;
	}
	if (!cdn_repo_has(v.repo, head)) {
		problem(&v, "the store", "its git head %s is not in the repository", head);
		goto scan;
	}
	if ((rc = cdn_repo_history(v.repo, head, add_commit, &v.history)) != 0)
		goto out;
	/* The ref may trail the head (a crash before it moved), never lead or
	 * leave it. */
	if (!*ref || strcmp(ref, head) != 0) {
		if (*ref && cdn_intern_find(&v.history, ref, strlen(ref)) < 0)
			problem(&v, where, "points at %s, a commit the store does not know", ref);
		else
			v.out->ref_behind = 1;
	}
scan:
	rc = cdn_scan_raw(txn, CDN_EVIDENCE, verify_record, &v);
out:
	cdn_txn_abort(txn);
	cdn_intern_free(&v.history);
	if (rc == 0 && v.bad)
		rc = cdn_error_set(CDN_ESTORE, NULL, "the evidence does not check out");
	return rc;
}
