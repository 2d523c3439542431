/*
 * repo.c - the store's git repository (see repo.h).
 *
 * A loose object is the zlib stream of "blob SIZE\0" and the content,
 * named by the SHA-1 of those bytes, in objects/XX/YYYY…: the format git
 * and libgit2 read. Written to a temporary file, fsynced, renamed into
 * place and its directory fsynced, so the object either is whole and on
 * disk or is not there.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "cordon/error.h"
#include "internal.h"
#include "repo.h"

#define CHUNK		(1u << 20)	/* bytes read and deflated at a time */
#define TRIAL		(64u << 10)	/* bytes compressed to decide how */
#define STORE_ABOVE	0.95		/* stored when compressing keeps this much */

/*
 * libgit2's objects may be used by one thread at a time: a server's
 * request threads share one repository, so every function here holds
 * `lock` (recursive: a callback may call back in) for its whole call.
 */
struct cdn_repo {
	git_repository *repo;
	git_odb *odb;
	char *objdir;
	pthread_mutex_t lock;
};

/* The last libgit2 error as ours. */
static int
git_fail(const char *what)
{
	const git_error *e = git_error_last();

	return cdn_error_set(CDN_ESTORE, NULL, "%s: %s", what,
	    e && e->message ? e->message : "git error");
}

static int
parse_oid(const char *hex, git_oid *oid)
{
	if (!hex || strlen(hex) != CDN_OID_HEX - 1 || git_oid_fromstr(oid, hex) != 0)
		return cdn_error_set(CDN_EINVAL, NULL, "'%.60s' is not a git object id", hex ? hex : "");
	return 0;
}

int
cdn_repo_open(const char *path, struct cdn_repo **out)
{
	struct cdn_repo *r;

	*out = NULL;
	if ((r = calloc(1, sizeof *r)) == NULL ||
	    (r->objdir = malloc(strlen(path) + sizeof "/objects")) == NULL) {
		free(r);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	sprintf(r->objdir, "%s/objects", path);
	{
		pthread_mutexattr_t a;

		pthread_mutexattr_init(&a);
		pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
		pthread_mutex_init(&r->lock, &a);
		pthread_mutexattr_destroy(&a);
	}
	git_libgit2_init();
	/* Trees, commits and refs libgit2 writes are fsynced too: the store
	 * records a commit only once it is on disk. */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	/* No object cache: libgit2 keeps every commit and small tree it reads
	 * or writes (up to 256 MiB by default, and an id map that never
	 * shrinks), so a server adding evidence all day grew by about 2 KiB
	 * an upload even with the cache capped at 4 MiB. Each object is read
	 * once or twice here, so the cache saved nothing measurable
	 * (bench-evidence). */
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
	if (git_repository_open_bare(&r->repo, path) != 0 ||
	    git_repository_odb(&r->odb, r->repo) != 0) {
		int rc = git_fail(path);

		cdn_repo_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

void
cdn_repo_close(struct cdn_repo *r)
{
	if (!r)
		return;
	git_odb_free(r->odb);
	git_repository_free(r->repo);
	if (r->repo || r->odb || r->objdir)
		git_libgit2_shutdown();
	if (r->objdir)
		pthread_mutex_destroy(&r->lock);
	free(r->objdir);
	free(r);
}

static void
locked_object_path(struct cdn_repo *r, const char *oid, char *path, size_t cap)
{
	snprintf(path, cap, "%s/%.2s/%s", r->objdir, oid, oid + 2);
}

void
cdn_repo_object_path(struct cdn_repo *r, const char *oid, char *path, size_t cap)
{
	pthread_mutex_lock(&r->lock);
	locked_object_path(r, oid, path, cap);
	pthread_mutex_unlock(&r->lock);
}

/* --- writing blobs --------------------------------------------------------- */

static long
fd_read(void *arg, void *buf, size_t cap)
{
	ssize_t n;

	while ((n = read(*(int *)arg, buf, cap)) < 0 && errno == EINTR)
		;
	return n < 0 ? cdn_error_set(CDN_EIO, NULL, "read: %s", strerror(errno)) : (long)n;
}

/* Up to `len` bytes from `src`, fewer only at its end. */
static int
read_full(const struct cdn_source *src, unsigned char *buf, size_t len, size_t *got)
{
	*got = 0;
	while (*got < len) {
		long n = src->read(src->arg, buf + *got, len - *got);

		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

static int
write_full(int fd, const unsigned char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cdn_error_set(CDN_ESTORE, NULL, "writing an object: %s", strerror(errno));
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY), rc = 0;

	if (fd < 0 || fsync(fd) != 0)
		rc = cdn_error_set(CDN_ESTORE, NULL, "%s: %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Does the start of the content shrink under zlib's fastest level? */
static int
compressible(const unsigned char *buf, size_t len)
{
	uLongf out = compressBound(len);
	unsigned char *tmp = malloc(out);
	int yes;

	if (!tmp || len < 512)
		yes = 1;	/* too little to tell: compress */
	else
		yes = compress2(tmp, &out, buf, len, 1) == Z_OK && out < len * STORE_ABOVE;
	free(tmp);
	return yes;
}

/* Feed `len` bytes to deflate, writing out what it produces. */
static int
deflate_some(z_stream *z, int tfd, const unsigned char *in, size_t len, int flush,
    unsigned char *out)
{
	int zr;

	z->next_in = (unsigned char *)in;
	z->avail_in = (uInt)len;
	do {
		z->next_out = out;
		z->avail_out = CHUNK;
		zr = deflate(z, flush);
		if (zr == Z_STREAM_ERROR)
			return cdn_error_set(CDN_ESTORE, NULL, "zlib failed");
		if (write_full(tfd, out, CHUNK - z->avail_out) != 0)
			return CDN_ESTORE;
	} while (z->avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	return 0;
}

/* The bytes go to a temporary file without the lock (they may arrive
 * slowly, from a client); the object is put in place under it. */
static int
write_blob(struct cdn_repo *r, const struct cdn_source *src, uint64_t size, struct cdn_blob *out)
{
	unsigned char *buf = NULL, *zbuf = NULL, sha1[20], extra;
	char tmp[4096], final[4096], dir[4096], header[64];
	EVP_MD_CTX *c1 = EVP_MD_CTX_new(), *c256 = EVP_MD_CTX_new();
	z_stream z = { 0 };
	int tfd = -1, zinit = 0, have_tmp = 0, locked = 0, rc = 0;
	uint64_t done = 0;
	size_t got, hlen;

	memset(out, 0, sizeof *out);
	snprintf(tmp, sizeof tmp, "%s/tmp_cordon_XXXXXX", r->objdir);
	if (!c1 || !c256 || (buf = malloc(CHUNK)) == NULL || (zbuf = malloc(CHUNK)) == NULL) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = read_full(src, buf, size < CHUNK ? (size_t)size : CHUNK, &got)) != 0)
		goto out;
	out->stored = !compressible(buf, got < TRIAL ? got : TRIAL);
	if ((tfd = mkstemp(tmp)) < 0) {
		rc = cdn_error_set(CDN_ESTORE, NULL, "%s: %s", r->objdir, strerror(errno));
		goto out;
	}
	have_tmp = 1;
	if (deflateInit(&z, out->stored ? Z_NO_COMPRESSION : 1) != Z_OK) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "zlib: out of memory");
		goto out;
	}
	zinit = 1;
	hlen = (size_t)snprintf(header, sizeof header, "blob %" PRIu64, size) + 1;
	EVP_DigestInit_ex(c1, EVP_sha1(), NULL);
	EVP_DigestInit_ex(c256, EVP_sha256(), NULL);
	EVP_DigestUpdate(c1, header, hlen);
	if ((rc = deflate_some(&z, tfd, (unsigned char *)header, hlen, Z_NO_FLUSH, zbuf)) != 0)
		goto out;
	for (;;) {
		EVP_DigestUpdate(c1, buf, got);
		EVP_DigestUpdate(c256, buf, got);
		if ((rc = deflate_some(&z, tfd, buf, got, Z_NO_FLUSH, zbuf)) != 0)
			goto out;
		done += got;
		if (done >= size || got == 0)
			break;
		if ((rc = read_full(src, buf, size - done < CHUNK ? (size_t)(size - done) : CHUNK,
		    &got)) != 0)
			goto out;
	}
	/* Exactly `size` bytes: the header promised it. */
	if (done != size || read_full(src, &extra, 1, &got) != 0 || got != 0) {
		rc = cdn_error_set(CDN_EIO, NULL, "the file is not the %" PRIu64 " bytes it was "
		    "said to be (it changed while it was read, or was cut short)", size);
		goto out;
	}
	if ((rc = deflate_some(&z, tfd, NULL, 0, Z_FINISH, zbuf)) != 0)
		goto out;
	if (fsync(tfd) != 0 || close(tfd) != 0) {
		tfd = -1;
		rc = cdn_error_set(CDN_ESTORE, NULL, "writing an object: %s", strerror(errno));
		goto out;
	}
	tfd = -1;
	EVP_DigestFinal_ex(c1, sha1, NULL);
	EVP_DigestFinal_ex(c256, out->sha256, NULL);
	for (int i = 0; i < 20; i++)
		snprintf(out->oid + 2 * i, 3, "%02x", sha1[i]);
	out->size = size;
	pthread_mutex_lock(&r->lock);
	locked = 1;
	snprintf(dir, sizeof dir, "%s/%.2s", r->objdir, out->oid);
	if (mkdir(dir, 0755) == 0)
		rc = fsync_dir(r->objdir);
	else if (errno != EEXIST)
		rc = cdn_error_set(CDN_ESTORE, NULL, "%s: %s", dir, strerror(errno));
	if (rc != 0)
		goto out;
	cdn_repo_object_path(r, out->oid, final, sizeof final);
	if (access(final, F_OK) == 0) {
		unlink(tmp);	/* the same content is there already */
	} else {
		chmod(tmp, 0444);
		if (rename(tmp, final) != 0) {
			rc = cdn_error_set(CDN_ESTORE, NULL, "%s: %s", final, strerror(errno));
			goto out;
		}
		rc = fsync_dir(dir);
	}
	have_tmp = 0;
out:
	if (locked)
		pthread_mutex_unlock(&r->lock);
	if (zinit)
		deflateEnd(&z);
	if (tfd >= 0)
		close(tfd);
	if (have_tmp)
		unlink(tmp);
	EVP_MD_CTX_free(c1);
	EVP_MD_CTX_free(c256);
	free(buf);
	free(zbuf);
	return rc;
}

int
cdn_repo_write_blob(struct cdn_repo *r, int fd, uint64_t size, struct cdn_blob *out)
{
	struct cdn_source src = { fd_read, &fd };

	return write_blob(r, &src, size, out);
}

int
cdn_repo_write_from(struct cdn_repo *r, const struct cdn_source *src, uint64_t size,
    struct cdn_blob *out)
{
	return write_blob(r, src, size, out);
}

/* --- reading ---------------------------------------------------------------- */

static int
locked_read_blob(struct cdn_repo *r, const char *hex, cdn_chunk_fn fn, void *arg,
    uint64_t *size)
{
	git_odb_stream *st = NULL;
	EVP_MD_CTX *c1 = NULL;
	git_object_t type;
	git_oid oid;
	unsigned char sha1[20];
	char header[64];
	size_t len, hlen, total = 0;
	char *buf;
	int n = 0, rc;

	*size = 0;
	if ((rc = parse_oid(hex, &oid)) != 0)
		return rc;
	if ((rc = git_odb_open_rstream(&st, &len, &type, r->odb, &oid)) != 0) {
		if (rc == GIT_ENOTFOUND)
			return cdn_error_set(CDN_ENOTFOUND, NULL, "object %s is not in the repository",
			    hex);
		/* Packed objects have no streaming read: read it whole. */
		git_odb_object *o;

		if ((rc = git_odb_read(&o, r->odb, &oid)) != 0)
			return rc == GIT_ENOTFOUND ?
			    cdn_error_set(CDN_ENOTFOUND, NULL, "object %s is not in the repository", hex) :
			    git_fail(hex);
		*size = git_odb_object_size(o);
		rc = git_odb_object_type(o) != GIT_OBJECT_BLOB ?
		    cdn_error_set(CDN_ESTORE, NULL, "object %s is not a blob", hex) :
		    fn(arg, git_odb_object_data(o), *size);
		git_odb_object_free(o);
		return rc;
	}
	*size = len;
	if (type != GIT_OBJECT_BLOB) {
		git_odb_stream_free(st);
		return cdn_error_set(CDN_ESTORE, NULL, "object %s is not a blob", hex);
	}
	if ((buf = malloc(CHUNK)) == NULL || (c1 = EVP_MD_CTX_new()) == NULL) {
		free(buf);
		git_odb_stream_free(st);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	/* A streamed read is not checked against the object's name: do it
	 * here, so that no damaged byte passes unnoticed. */
	hlen = (size_t)snprintf(header, sizeof header, "blob %zu", len) + 1;
	EVP_DigestInit_ex(c1, EVP_sha1(), NULL);
	EVP_DigestUpdate(c1, header, hlen);
	rc = 0;
	while (rc == 0 && total < len && (n = git_odb_stream_read(st, buf, CHUNK)) > 0) {
		EVP_DigestUpdate(c1, buf, (size_t)n);
		total += (size_t)n;
		rc = fn(arg, buf, (size_t)n);
	}
	if (rc == 0 && (n < 0 || total != len))
		rc = cdn_error_set(CDN_ESTORE, NULL, "object %s cannot be read: %s", hex,
		    n < 0 && git_error_last() ? git_error_last()->message : "damaged");
	EVP_DigestFinal_ex(c1, sha1, NULL);
	if (rc == 0 && memcmp(sha1, oid.id, 20) != 0)
		rc = cdn_error_set(CDN_ESTORE, NULL,
		    "object %s is damaged: its content no longer hashes to its name", hex);
	EVP_MD_CTX_free(c1);
	free(buf);
	git_odb_stream_free(st);
	return rc;
}

int
cdn_repo_read_blob(struct cdn_repo *r, const char *hex, cdn_chunk_fn fn, void *arg,
    uint64_t *size)
{
	int rc;

	pthread_mutex_lock(&r->lock);
	rc = locked_read_blob(r, hex, fn, arg, size);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static int
locked_write_buf(struct cdn_repo *r, const void *data, size_t len, char oid[CDN_OID_HEX])
{
	git_oid id;

	/* libgit2 syncs it: GIT_OPT_ENABLE_FSYNC_GITDIR is on. */
	if (git_blob_create_from_buffer(&id, r->repo, data, len) != 0)
		return git_fail("writing a blob");
	git_oid_tostr(oid, CDN_OID_HEX, &id);
	return 0;
}

int
cdn_repo_write_buf(struct cdn_repo *r, const void *data, size_t len, char oid[CDN_OID_HEX])
{
	int rc;

	pthread_mutex_lock(&r->lock);
	rc = locked_write_buf(r, data, len, oid);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

struct membuf {
	char *p;
	size_t n, max;
};

static int
membuf_add(void *arg, const void *data, size_t len)
{
	struct membuf *m = arg;
	char *p;

	if (m->n + len > m->max)
		return cdn_error_set(CDN_ESTORE, NULL, "the object is larger than %zu bytes", m->max);
	if ((p = realloc(m->p, m->n + len + 1)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	memcpy(p + m->n, data, len);
	m->p = p;
	m->n += len;
	m->p[m->n] = '\0';
	return 0;
}

static int
locked_read_buf(struct cdn_repo *r, const char *oid, size_t max, char **out, size_t *len)
{
	struct membuf m = { NULL, 0, max };
	uint64_t size;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = cdn_repo_read_blob(r, oid, membuf_add, &m, &size)) != 0) {
		free(m.p);
		return rc;
	}
	if (!m.p && (m.p = calloc(1, 1)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	*out = m.p;
	*len = m.n;
	return 0;
}

int
cdn_repo_read_buf(struct cdn_repo *r, const char *oid, size_t max, char **out, size_t *len)
{
	int rc;

	pthread_mutex_lock(&r->lock);
	rc = locked_read_buf(r, oid, max, out, len);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static int
locked_has(struct cdn_repo *r, const char *hex)
{
	git_oid oid;

	if (parse_oid(hex, &oid) != 0)
		return 0;
	return git_odb_exists(r->odb, &oid) ? 1 : 0;
}

int
cdn_repo_has(struct cdn_repo *r, const char *hex)
{
	int rc;

	pthread_mutex_lock(&r->lock);
	rc = locked_has(r, hex);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

/* --- commits and refs ---------------------------------------------------------- */

static int
locked_commit(struct cdn_repo *r, const char *parent,
    const struct cdn_repo_change *changes, size_t n, const char *user,
    const char *message, char commit[CDN_OID_HEX])
{
	git_commit *pc = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_tree_update *up = NULL;
	git_signature *sig = NULL;
	git_oid poid, toid, coid;
	char email[128];
	int rc = 0;

	if (parent && *parent) {
		if ((rc = parse_oid(parent, &poid)) != 0)
			return rc;
		if (git_commit_lookup(&pc, r->repo, &poid) != 0 || git_commit_tree(&base, pc) != 0) {
			rc = git_fail("the store's last commit");
			goto out;
		}
	}
	if ((up = calloc(n ? n : 1, sizeof *up)) == NULL) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		up[i].path = changes[i].path;
		if (changes[i].blob) {
			up[i].action = GIT_TREE_UPDATE_UPSERT;
			up[i].filemode = GIT_FILEMODE_BLOB;
			if ((rc = parse_oid(changes[i].blob, &up[i].id)) != 0)
				goto out;
		} else {
			up[i].action = GIT_TREE_UPDATE_REMOVE;
		}
	}
	snprintf(email, sizeof email, "%s@cordon.invalid", user);
	if (git_tree_create_updated(&toid, r->repo, base, n, up) != 0 ||
	    git_tree_lookup(&tree, r->repo, &toid) != 0) {
		rc = git_fail("building the commit's tree");
		goto out;
	}
	if (git_signature_now(&sig, user, email) != 0 ||
	    git_commit_create(&coid, r->repo, NULL, sig, sig, NULL, message, tree,
	    pc ? 1 : 0, (const git_commit **)&pc) != 0) {
		rc = git_fail("making the commit");
		goto out;
	}
	git_oid_tostr(commit, CDN_OID_HEX, &coid);
out:
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(pc);
	free(up);
	return rc;
}

int
cdn_repo_commit(struct cdn_repo *r, const char *parent,
    const struct cdn_repo_change *changes, size_t n, const char *user,
    const char *message, char commit[CDN_OID_HEX])
{
	int rc;

	pthread_mutex_lock(&r->lock);
	rc = locked_commit(r, parent, changes, n, user, message, commit);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static int
locked_ref(struct cdn_repo *r, const char *branch, char commit[CDN_OID_HEX])
{
	git_reference *ref = NULL, *res = NULL;
	char name[256];
	int rc;

	commit[0] = '\0';
	snprintf(name, sizeof name, "refs/heads/%s", branch);
	if ((rc = git_reference_lookup(&ref, r->repo, name)) == GIT_ENOTFOUND)
		return 0;
	if (rc != 0 || git_reference_resolve(&res, ref) != 0) {
		git_reference_free(ref);
		return git_fail(name);
	}
	git_oid_tostr(commit, CDN_OID_HEX, git_reference_target(res));
	git_reference_free(res);
	git_reference_free(ref);
	return 0;
}

int
cdn_repo_ref(struct cdn_repo *r, const char *branch, char commit[CDN_OID_HEX])
{
	int rc;

	pthread_mutex_lock(&r->lock);
	rc = locked_ref(r, branch, commit);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static int
locked_reaches(struct cdn_repo *r, const char *b, const char *a)
{
	git_oid ob, oa;
	int rc;

	if (parse_oid(b, &ob) != 0 || parse_oid(a, &oa) != 0)
		return 0;
	if (git_oid_equal(&oa, &ob))
		return 1;
	rc = git_graph_descendant_of(r->repo, &ob, &oa);
	return rc < 0 ? git_fail("walking the history") : rc;
}

int
cdn_repo_reaches(struct cdn_repo *r, const char *b, const char *a)
{
	int rc;

	pthread_mutex_lock(&r->lock);
	rc = locked_reaches(r, b, a);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static int
locked_advance(struct cdn_repo *r, const char *branch, const char *commit)
{
	char name[256], cur[CDN_OID_HEX];
	git_reference *ref = NULL;
	git_oid new, old;
	int rc;

	if ((rc = parse_oid(commit, &new)) != 0)
		return rc;
	snprintf(name, sizeof name, "refs/heads/%s", branch);
	/* Compare and swap: another writer may move it meanwhile. */
	for (int attempt = 0; attempt < 8; attempt++) {
		if ((rc = cdn_repo_ref(r, branch, cur)) != 0)
			return rc;
		if (!*cur) {
			rc = git_reference_create(&ref, r->repo, name, &new, 0, "cordon");
		} else {
			if ((rc = cdn_repo_reaches(r, commit, cur)) < 0)
				return rc;
			if (rc == 0) {
				/* Not forward: fine if the ref is already past it. */
				if ((rc = cdn_repo_reaches(r, cur, commit)) < 0)
					return rc;
				return rc ? 0 : cdn_error_set(CDN_ESTORE, NULL,
				    "%s points at %s, which the store's history does not hold", name, cur);
			}
			git_oid_fromstr(&old, cur);
			rc = git_reference_create_matching(&ref, r->repo, name, &new, 1, &old, "cordon");
		}
		git_reference_free(ref);
		ref = NULL;
		if (rc == 0)
			return 0;
		if (rc != GIT_EMODIFIED && rc != GIT_EEXISTS && rc != GIT_ELOCKED)
			return git_fail(name);
	}
	return cdn_error_set(CDN_ESTORE, NULL, "%s keeps moving", name);
}

int
cdn_repo_advance(struct cdn_repo *r, const char *branch, const char *commit)
{
	int rc;

	pthread_mutex_lock(&r->lock);
	rc = locked_advance(r, branch, commit);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static int
locked_blob_at(struct cdn_repo *r, const char *commit, const char *path,
    char blob[CDN_OID_HEX])
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	git_oid oid;
	int rc = 0;

	blob[0] = '\0';
	if ((rc = parse_oid(commit, &oid)) != 0)
		return rc;
	if ((rc = git_commit_lookup(&c, r->repo, &oid)) != 0) {
		rc = rc == GIT_ENOTFOUND ?
		    cdn_error_set(CDN_ENOTFOUND, NULL, "commit %s is not in the repository", commit) :
		    git_fail(commit);
		goto out;
	}
	if (git_commit_tree(&t, c) != 0) {
		rc = git_fail(commit);
		goto out;
	}
	if (git_tree_entry_bypath(&e, t, path) == 0 && git_tree_entry_type(e) == GIT_OBJECT_BLOB)
		git_oid_tostr(blob, CDN_OID_HEX, git_tree_entry_id(e));
out:
	git_tree_entry_free(e);
	git_tree_free(t);
	git_commit_free(c);
	return rc;
}

int
cdn_repo_blob_at(struct cdn_repo *r, const char *commit, const char *path,
    char blob[CDN_OID_HEX])
{
	int rc;

	pthread_mutex_lock(&r->lock);
	rc = locked_blob_at(r, commit, path, blob);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static int
locked_commit_info(struct cdn_repo *r, const char *commit, char *author, size_t cap,
    int64_t *when, char **message)
{
	const git_signature *sig;
	git_commit *c = NULL;
	git_oid oid;
	int rc;

	*message = NULL;
	if ((rc = parse_oid(commit, &oid)) != 0)
		return rc;
	if ((rc = git_commit_lookup(&c, r->repo, &oid)) != 0)
		return rc == GIT_ENOTFOUND ?
		    cdn_error_set(CDN_ENOTFOUND, NULL, "commit %s is not in the repository", commit) :
		    git_fail(commit);
	sig = git_commit_author(c);
	snprintf(author, cap, "%s", sig && sig->name ? sig->name : "");
	*when = sig ? (int64_t)sig->when.time : (int64_t)git_commit_time(c);
	if ((*message = strdup(git_commit_message(c) ? git_commit_message(c) : "")) == NULL)
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	git_commit_free(c);
	return rc;
}

int
cdn_repo_commit_info(struct cdn_repo *r, const char *commit, char *author, size_t cap,
    int64_t *when, char **message)
{
	int rc;

	pthread_mutex_lock(&r->lock);
	rc = locked_commit_info(r, commit, author, cap, when, message);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static int
locked_diff(struct cdn_repo *r, const char *a, const char *apath, const char *b,
    const char *bpath, char **out, size_t *len, size_t *added, size_t *removed)
{
	git_blob *ba = NULL, *bb = NULL;
	git_patch *patch = NULL;
	git_buf buf = { 0 };
	git_oid oa, ob;
	size_t ctx;
	int rc;

	*out = NULL;
	*len = *added = *removed = 0;
	if ((rc = parse_oid(a, &oa)) != 0 || (rc = parse_oid(b, &ob)) != 0)
		return rc;
	if (git_blob_lookup(&ba, r->repo, &oa) != 0 || git_blob_lookup(&bb, r->repo, &ob) != 0) {
		rc = git_fail("reading a blob to compare");
		goto out;
	}
	if (git_patch_from_blobs(&patch, ba, apath, bb, bpath, NULL) != 0 ||
	    git_patch_to_buf(&buf, patch) != 0 ||
	    git_patch_line_stats(&ctx, added, removed, patch) != 0) {
		rc = git_fail("comparing two versions");
		goto out;
	}
	if ((*out = malloc(buf.size + 1)) == NULL) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if (buf.size)
		memcpy(*out, buf.ptr, buf.size);
	(*out)[buf.size] = '\0';
	*len = buf.size;
out:
	git_buf_dispose(&buf);
	git_patch_free(patch);
	git_blob_free(bb);
	git_blob_free(ba);
	return rc;
}

int
cdn_repo_diff(struct cdn_repo *r, const char *a, const char *apath, const char *b,
    const char *bpath, char **out, size_t *len, size_t *added, size_t *removed)
{
	int rc;

	pthread_mutex_lock(&r->lock);
	rc = locked_diff(r, a, apath, b, bpath, out, len, added, removed);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static int
locked_history(struct cdn_repo *r, const char *head, cdn_commit_fn fn, void *arg)
{
	git_revwalk *w = NULL;
	git_oid oid;
	char hex[CDN_OID_HEX];
	int rc, grc;

	if ((rc = parse_oid(head, &oid)) != 0)
		return rc;
	if (git_revwalk_new(&w, r->repo) != 0 || git_revwalk_push(w, &oid) != 0) {
		git_revwalk_free(w);
		return git_fail("walking the history");
	}
	rc = 0;
	while ((grc = git_revwalk_next(&oid, w)) == 0) {
		git_oid_tostr(hex, sizeof hex, &oid);
		if ((rc = fn(arg, hex)) != 0)
			break;
	}
	if (rc == 0 && grc != GIT_ITEROVER)
		rc = git_fail("walking the history");
	git_revwalk_free(w);
	return rc;
}

int
cdn_repo_history(struct cdn_repo *r, const char *head, cdn_commit_fn fn, void *arg)
{
	int rc;

	pthread_mutex_lock(&r->lock);
	rc = locked_history(r, head, fn, arg);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

/* --- the store's repository ---------------------------------------------- */

int
cdn_repo_init(const char *path)
{
	git_repository *repo = NULL;
	git_repository_init_options o = GIT_REPOSITORY_INIT_OPTIONS_INIT;
	int rc;

	git_libgit2_init();
	o.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	o.initial_head = "main";
	o.description = "cordon evidence and rule history";
	rc = git_repository_init_ext(&repo, path, &o);
	git_repository_free(repo);
	if (rc < 0) {
		const git_error *e = git_error_last();

		cdn_error_set(CDN_ESTORE, NULL, "%s: %s", path, e ? e->message : "cannot create repository");
	}
	git_libgit2_shutdown();
	return rc < 0 ? CDN_ESTORE : 0;
}

static void
release(void *repo)
{
	cdn_repo_close(repo);
}

int
cdn_store_repo(struct cdn_store *st, struct cdn_repo **out)
{
	/* Threads asking at once: one opens it, the others wait for it. */
	static pthread_mutex_t opening = PTHREAD_MUTEX_INITIALIZER;
	struct cdn_repo *repo;
	char path[PATH_MAX];
	int rc = 0;

	pthread_mutex_lock(&opening);
	if (!st->parts[CDN_PART_REPO].ptr) {
		snprintf(path, sizeof path, "%s/evidence.git", st->dir);
		if ((rc = cdn_repo_open(path, &repo)) == 0) {
			st->parts[CDN_PART_REPO].ptr = repo;
			st->parts[CDN_PART_REPO].release = release;
		}
	}
	*out = st->parts[CDN_PART_REPO].ptr;
	pthread_mutex_unlock(&opening);
	return rc;
}
