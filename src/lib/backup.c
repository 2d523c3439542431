/*
 * backup.c - a consistent copy of a store while it is in use.
 *
 * The database is copied first, as one snapshot (mdb_env_copy2 in a read
 * transaction, compacted). The repository's objects are copied after it:
 * objects are only ever added, and every object the snapshot names was
 * written before the transaction that named it, so all of them are
 * there; objects written since are harmless extras. The refs are not
 * copied but written from the snapshot's record of each branch head, so
 * the copy's refs never point past what its database knows. The copy is
 * built beside DEST and renamed into place when whole. A backup holds
 * everything the store does, so it is for its owner alone: files 0600
 * (0400 for git's read-only objects), directories 0700.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cordon/backup.h"
#include "internal.h"

#define COPY_BUF (1u << 20)

struct copy {
	cdn_progress_fn progress;
	void *arg;
	uint64_t done, total;
	unsigned char *buf;
};

/* Copy one file, its mode kept, synced. */
static int
copy_file(struct copy *c, const char *from, const char *to, mode_t mode)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = 0;
	ssize_t n;

	if (in < 0) {
		/* A temporary object gone since the listing is no loss. */
		return errno == ENOENT ? 0 : cdn_error_set(CDN_EIO, NULL, "%s: %s", from, strerror(errno));
	}
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0700)) < 0) {
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", to, strerror(errno));
		goto out;
	}
	while ((n = read(in, c->buf, COPY_BUF)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, c->buf, (size_t)n) != n) {
			rc = cdn_error_set(CDN_EIO, NULL, "copying %s: %s", from, strerror(errno));
			goto out;
		}
		c->done += (uint64_t)n;
		if (c->progress)
			c->progress(c->arg, c->done, c->total);
	}
	if (fsync(out) != 0)
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", to, strerror(errno));
out:
	if (out >= 0)
		close(out);
	close(in);
	return rc;
}

/* Walk `from`: with `to` NULL only count bytes into c->total; else copy
 * into `to`, skipping refs (written from the snapshot) and temporary
 * objects. */
static int
walk(struct copy *c, const char *from, const char *to, int depth)
{
	char src[PATH_MAX], dst[PATH_MAX];
	struct dirent *e;
	struct stat sb;
	DIR *d;
	int rc = 0;

	if ((d = opendir(from)) == NULL)
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", from, strerror(errno));
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strncmp(e->d_name, "tmp_", 4) == 0 ||
		    (depth == 0 && (strcmp(e->d_name, "refs") == 0 ||
		    strcmp(e->d_name, "packed-refs") == 0 || strcmp(e->d_name, "logs") == 0)))
			continue;
		snprintf(src, sizeof src, "%s/%s", from, e->d_name);
		if (to)
			snprintf(dst, sizeof dst, "%s/%s", to, e->d_name);
		if (lstat(src, &sb) != 0)
			continue;	/* gone meanwhile */
		if (S_ISDIR(sb.st_mode)) {
			if (to && mkdir(dst, 0700) != 0)
				rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", dst, strerror(errno));
			else
				rc = walk(c, src, to ? dst : NULL, depth + 1);
		} else if (S_ISREG(sb.st_mode)) {
			if (to)
				rc = copy_file(c, src, dst, sb.st_mode);
			else
				c->total += (uint64_t)sb.st_size;
		}
	}
	closedir(d);
	return rc;
}

/* refs/heads/BRANCH for each "git.BRANCH" head the snapshot records,
 * read from the copy itself, read-only and without a lock file. */
static int
write_refs(const char *copy, const char *gitdir)
{
	char path[PATH_MAX], name[128];
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_dbi meta;
	MDB_val k = { 4, "git." }, v;
	FILE *f;
	int rc = 0, mrc;

	snprintf(path, sizeof path, "%s/refs", gitdir);
	if (mkdir(path, 0700) != 0)
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", path, strerror(errno));
	snprintf(path, sizeof path, "%s/refs/heads", gitdir);
	if (mkdir(path, 0700) != 0)
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", path, strerror(errno));
	snprintf(path, sizeof path, "%s/refs/tags", gitdir);
	mkdir(path, 0700);
	if ((mrc = mdb_env_create(&env)) != 0 || (mrc = mdb_env_set_maxdbs(env, 16)) != 0 ||
	    (mrc = mdb_env_open(env, copy, MDB_RDONLY | MDB_NOLOCK, 0600)) != 0 ||
	    (mrc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0 ||
	    (mrc = mdb_dbi_open(txn, "meta", 0, &meta)) != 0 ||
	    (mrc = mdb_cursor_open(txn, meta, &cur)) != 0) {
		rc = cdn_lmdb_error(NULL, mrc, "reading the copy");
		goto out;
	}
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); mrc == 0 && rc == 0;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < 5 || memcmp(k.mv_data, "git.", 4) != 0)
			break;
		if (k.mv_size - 4 >= sizeof name || v.mv_size != 40)
			continue;
		memcpy(name, (char *)k.mv_data + 4, k.mv_size - 4);
		name[k.mv_size - 4] = '\0';
		snprintf(path, sizeof path, "%s/refs/heads/%s", gitdir, name);
		if ((f = fopen(path, "w")) == NULL || fchmod(fileno(f), 0600) != 0 ||
		    fprintf(f, "%.40s\n", (const char *)v.mv_data) < 0 || fflush(f) != 0 ||
		    fsync(fileno(f)) != 0)
			rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
	}
out:
	if (cur)
		mdb_cursor_close(cur);
	if (txn)
		mdb_txn_abort(txn);
	if (env)
		mdb_env_close(env);
	return rc;
}

int
cdn_store_backup(struct cdn_store *st, const char *dest, cdn_progress_fn progress, void *arg,
    struct cdn_backup_result *res)
{
	char tmp[PATH_MAX], from[PATH_MAX], to[PATH_MAX];
	struct copy c = { progress, arg, 0, 0, NULL };
	struct stat sb;
	int rc, empty;

	if (res)
		memset(res, 0, sizeof *res);
	if ((empty = cdn_dir_is_empty(dest)) <= 0)
		return empty < 0 ? cdn_error_set(CDN_EIO, NULL, "%s: %s", dest, strerror(errno)) :
		    cdn_error_set(CDN_EEXIST, NULL, "%s exists and is not empty: give a new directory",
		    dest);
	if ((rc = cdn_sibling_dir(dest, "backup", tmp)) != 0)
		return rc;
	if ((c.buf = malloc(COPY_BUF)) == NULL) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	/* 1. The database, as one snapshot. */
	if ((rc = mdb_env_copy2(st->env, tmp, MDB_CP_COMPACT)) != 0) {
		rc = cdn_lmdb_error(NULL, rc, "copying the database");
		goto fail;
	}
	snprintf(to, sizeof to, "%s/data.mdb", tmp);
	/* LMDB makes the copy with the umask's mode (0644). */
	if (chmod(to, 0600) != 0) {
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", to, strerror(errno));
		goto fail;
	}
	if (res && stat(to, &sb) == 0)
		res->db_bytes = (uint64_t)sb.st_size;
	/* 2. The repository's objects and settings, then its refs from the
	 * snapshot. */
	snprintf(from, sizeof from, "%s/evidence.git", st->dir);
	snprintf(to, sizeof to, "%s/evidence.git", tmp);
	if (mkdir(to, 0700) != 0) {
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", to, strerror(errno));
		goto fail;
	}
	if ((rc = walk(&c, from, NULL, 0)) != 0 || (rc = walk(&c, from, to, 0)) != 0)
		goto fail;
	if (res)
		res->repo_bytes = c.done;
	if ((rc = write_refs(tmp, to)) != 0)
		goto fail;
	/* 3. The signing key, still for the owner's eyes only. */
	snprintf(from, sizeof from, "%s/signing.key", st->dir);
	snprintf(to, sizeof to, "%s/signing.key", tmp);
	if ((rc = copy_file(&c, from, to, 0600)) != 0)
		goto fail;
	if (chmod(tmp, 0700) != 0 || rename(tmp, dest) != 0) {
		rc = cdn_error_set(CDN_EIO, NULL, "cannot create %s: %s", dest, strerror(errno));
		goto fail;
	}
	free(c.buf);
	return 0;
fail:
	free(c.buf);
	cdn_rm_tree(tmp);
	return rc;
}
