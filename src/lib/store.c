/*
 * store.c - the LMDB environment, its transactions and meta values: the
 * bottom of the core. It calls no module above it; those that must act
 * when a transaction ends or a write is in register a hook (internal.h).
 * Making a whole store and bringing an old one up to date: open.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/file.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cordon/check.h"
#include "cordon/config.h"
#include "cordon/query.h"
#include "grow.h"
#include "internal.h"
#include "sorter.h"
#include "uuid.h"

#define MAP_INITIAL	(32UL << 20)	/* allocated on disk: grown as needed */
#define BULK_SORT_MEM	(64UL << 20)	/* index entries held before spilling */
#define TRIM_EVERY	16384		/* bulk index inserts between trims */
#define IX_GROUP_MAX	1024		/* record keys written in one put */
#define MAX_DBS		8

int
cdn_lmdb_error(struct cdn_txn *txn, int rc, const char *what)
{
	if (rc == MDB_NOTFOUND)
		return cdn_error_set(CDN_ENOTFOUND, NULL, "%s: not found", what);
	if (rc == MDB_MAP_FULL && txn)
		txn->map_full = 1;
	if (rc == ENOSPC || rc == EDQUOT)
		return cdn_error_set(CDN_ENOSPC, NULL, "%s: the disk holding the store is full: "
		    "nothing was written; free some space and try again", what);
	if (rc == EACCES && txn && txn->st->readonly)
		return cdn_error_set(CDN_ESTORE, NULL, "%s: the store is read-only", what);
	return cdn_error_set(CDN_ESTORE, NULL, "%s: %s", what, mdb_strerror(rc));
}

void
cdn_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

uint64_t
cdn_get_be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

void
cdn_rkey(struct cdn_id id, unsigned char key[CDN_RKEY_LEN])
{
	key[0] = (unsigned char)cdn_kind_info(id.kind)->letter;
	cdn_be64(key + 1, id.seq);
}

int
cdn_rkey_id(const unsigned char *key, size_t len, struct cdn_id *id)
{
	int kind;

	if (len != CDN_RKEY_LEN)
		return -1;
	char letter[2] = { (char)key[0], 0 };
	if ((kind = cdn_kind_parse(letter)) < 0)
		return -1;
	id->kind = (enum cdn_kind)kind;
	id->seq = cdn_get_be64(key + 1);
	return 0;
}

static EVP_MD *sha256_md;

static void
sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* The digest is fetched once: an implicit fetch on every call costs as
 * much as hashing a record. */
void
cdn_sha256(const void *data, size_t len, unsigned char out[32])
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	unsigned int n = 32;

	pthread_once(&once, sha256_fetch);
	EVP_Digest(data, len, out, &n, sha256_md ? sha256_md : EVP_sha256(), NULL);
}

void
cdn_hex(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

/* Found once, for every thread: getlogin and getpwuid share buffers. */
static char default_user[65];
static pthread_once_t default_user_once = PTHREAD_ONCE_INIT;

static void
find_default_user(void)
{
	const struct cdn_config *c;
	const char *u = cdn_config(&c) == 0 ? c->user : NULL;
	struct passwd pw, *found = NULL;
	char buf[1024];

	cdn_error_clear();
	if (u)
		snprintf(default_user, sizeof default_user, "%s", u);
	else if (getlogin_r(default_user, sizeof default_user) == 0 && default_user[0])
		;
	else if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &found) == 0 && found)
		snprintf(default_user, sizeof default_user, "%s", found->pw_name);
	else
		snprintf(default_user, sizeof default_user, "unknown");
}

const char *
cdn_default_user(void)
{
	pthread_once(&default_user_once, find_default_user);
	return default_user;
}

/* --- indexes --------------------------------------------------------------- */

size_t
cdn_index_key(enum cdn_index ix, const char *val, size_t len, unsigned char *key)
{
	key[0] = (unsigned char)ix;
	if (len + 1 <= CDN_IKEY_MAX) {
		memcpy(key + 1, val, len);
		return len + 1;
	}
	/* Too long for an LMDB key: a prefix keeps ranges useful, a hash of
	 * the whole keeps distinct values distinct. */
	unsigned char h[32];
	size_t keep = CDN_IKEY_MAX - 1 - 16;

	cdn_sha256(val, len, h);
	memcpy(key + 1, val, keep);
	memcpy(key + 1 + keep, h, 16);
	return CDN_IKEY_MAX;
}

/* Keys compare as bytes, which is why dates are stored as sortable
 * instants. */
int
cdn_index_seqs(struct cdn_txn *txn, enum cdn_kind kind, const unsigned char *lo, size_t lolen,
    const unsigned char *hi, size_t hilen, uint64_t **v, size_t *n, size_t *cap)
{
	char letter = cdn_kind_info(kind)->letter;
	MDB_cursor *cur;
	MDB_val k = { lolen, (void *)lo }, d;
	int rc;

	if ((rc = mdb_cursor_open(txn->txn, txn->st->idx, &cur)) != 0)
		return cdn_lmdb_error(txn, rc, "index");
	rc = mdb_cursor_get(cur, &k, &d, hi ? MDB_SET_RANGE : MDB_SET_KEY);
	while (rc == 0) {
		if (hi) {
			size_t m = k.mv_size < hilen ? k.mv_size : hilen;
			int c = memcmp(k.mv_data, hi, m);

			if (c > 0 || (c == 0 && k.mv_size > hilen))
				break;
		}
		/* DUPFIXED: fetch a page of record keys at a time. */
		rc = mdb_cursor_get(cur, &k, &d, MDB_GET_MULTIPLE);
		while (rc == 0) {
			const unsigned char *p = d.mv_data;

			for (size_t i = 0; i < d.mv_size / CDN_RKEY_LEN; i++, p += CDN_RKEY_LEN)
				if (p[0] == (unsigned char)letter &&
				    cdn_grow(v, cap, *n + 1, sizeof **v, 256) == 0) {
					(*v)[(*n)++] = cdn_get_be64(p + 1);
				} else if (p[0] == (unsigned char)letter) {
					mdb_cursor_close(cur);
					return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
				}
			rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT_MULTIPLE);
		}
		if (!hi)
			break;
		rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT_NODUP);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return cdn_lmdb_error(txn, rc, "index");
	return 0;
}

/* --- environment --------------------------------------------------------- */

/*
 * Give the data file real blocks up to `size` bytes. Through the map
 * (MDB_WRITEMAP) a page in a hole of a sparse file is allocated when it is
 * first written, and if the disk is full then the process gets SIGBUS; a
 * file allocated whole leaves nothing to allocate then. CDN_ENOSPC if the
 * disk cannot hold it (the file is left as it was).
 */
static int
map_allocate(struct cdn_store *st, size_t size)
{
	mdb_filehandle_t fd;
	struct stat sb;
	int rc;

	if (mdb_env_get_fd(st->env, &fd) != 0 || fstat(fd, &sb) != 0)
		return 0;
	/* Already allocated: blocks cover the size (st_blocks is 512-byte). */
	if ((uint64_t)sb.st_size >= size && (uint64_t)sb.st_blocks * 512 >= size)
		return 0;
	rc = posix_fallocate(fd, 0, (off_t)size);
	if (rc == ENOSPC || rc == EDQUOT || rc == EFBIG)
		return cdn_error_set(CDN_ENOSPC, NULL, "the disk holding the store is full "
		    "(the store needs %zu MiB): nothing was written; free some space and try again",
		    size >> 20);
	/* A file system without fallocate: nothing more can be done here. */
	return 0;
}

/*
 * The lock over the data file's length between processes (internal.h,
 * `mapfd`): LOCK_SH to open the store, LOCK_EX to grow its map, LOCK_UN.
 * Without the directory open (it cannot be), processes go unlocked.
 */
static void
map_lock(struct cdn_store *st, int how)
{
	if (st->mapfd >= 0)
		while (flock(st->mapfd, how) != 0 && errno == EINTR)
			;
}

/* The data file's length now (0 if there is none yet). */
static size_t
data_length(const char *dir)
{
	char path[PATH_MAX];
	struct stat sb;

	snprintf(path, sizeof path, "%s/data.mdb", dir);
	return stat(path, &sb) == 0 ? (size_t)sb.st_size : 0;
}

static int
env_open(const char *dir, struct cdn_store *st, int create)
{
	MDB_txn *txn = NULL;
	size_t length;
	int rc;

	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->cond, NULL);
	st->mapfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if ((rc = mdb_env_create(&st->env)) != 0)
		goto fail;
	mdb_env_set_maxdbs(st->env, MAX_DBS);
	mdb_env_set_maxreaders(st->env, 256);
	/*
	 * At least as large as the data file, read while no other process
	 * can grow it: a map smaller than another process's would cut the
	 * file under it (LMDB sets the file's length to the map size). A
	 * larger size recorded in the file wins over this one too.
	 */
	map_lock(st, LOCK_SH);
	length = data_length(dir);
	st->mapsize = length > MAP_INITIAL ? length : MAP_INITIAL;
	mdb_env_set_mapsize(st->env, st->mapsize);
	/*
	 * MDB_NOTLS: read transactions are tied to our handles, not to
	 * threads, which the server's thread pool needs.
	 * MDB_WRITEMAP: a write goes straight into the shared map instead of
	 * a heap copy of each dirty page; without it a large import holds up
	 * to 512 MiB of dirty pages on the heap before LMDB spills them. With
	 * it they are page cache, which the kernel can write back and reclaim.
	 * The data file is then as large as the map; it is allocated whole
	 * (map_allocate), never left sparse, so that a full disk is an error
	 * when the map grows, not a SIGBUS when a page in a hole is written.
	 * MDB_RDONLY (and MDB_NOLOCK when there is no lock file it may
	 * write): a write-protected store (a backup on read-only media) can
	 * still be read and verified.
	 */
	unsigned flags = MDB_NOTLS | MDB_WRITEMAP;

	if (st->readonly)
		flags = MDB_NOTLS | MDB_RDONLY | (st->readonly > 1 ? MDB_NOLOCK : 0);
	rc = mdb_env_open(st->env, dir, flags, 0600);
	map_lock(st, LOCK_UN);
	if (rc != 0)
		goto fail;
	{
		MDB_envinfo info;

		mdb_env_info(st->env, &info);
		st->mapsize = info.me_mapsize;
	}
	/* A store made sparse (by an older cordon, or a copy) is allocated
	 * now; if the disk cannot hold it, writes wait until it can. */
	if (!st->readonly && map_allocate(st, st->mapsize) != 0) {
		cdn_error_clear();
		st->unallocated = 1;
	}
	int dead;
	if (!(flags & MDB_NOLOCK))
		mdb_reader_check(st->env, &dead);
	if ((rc = mdb_txn_begin(st->env, NULL, create ? 0 : MDB_RDONLY, &txn)) != 0)
		goto fail;
	unsigned fl = create ? MDB_CREATE : 0;
	if ((rc = mdb_dbi_open(txn, "meta", fl, &st->meta)) != 0 ||
	    (rc = mdb_dbi_open(txn, "records", fl, &st->recs)) != 0 ||
	    (rc = mdb_dbi_open(txn, "index", fl | MDB_DUPSORT | MDB_DUPFIXED, &st->idx)) != 0 ||
	    (rc = mdb_dbi_open(txn, "audit", fl, &st->audit)) != 0) {
		if (rc == MDB_NOTFOUND) {
			mdb_txn_abort(txn);
			return cdn_error_set(CDN_ENOTSTORE, NULL,
			    "%s is not a cordon store (run cordon init)", dir);
		}
		goto fail;
	}
	/* Format 2's databases; a format-1 store has none (store_upgrade). */
	fl |= MDB_DUPSORT | MDB_DUPFIXED;
	if ((rc = mdb_dbi_open(txn, "audit-by-record", fl, &st->arec)) == MDB_NOTFOUND ||
	    (rc == 0 && (rc = mdb_dbi_open(txn, "audit-by-user", fl, &st->auser)) == MDB_NOTFOUND)) {
		st->upgrade = 1;
		rc = 0;
	}
	if (rc != 0)
		goto fail;
	if (create) {
		if ((rc = mdb_txn_commit(txn)) != 0) {
			txn = NULL;
			goto fail;
		}
		return 0;
	}
	MDB_val k = { 4, "uuid" }, v;
	if ((rc = mdb_get(txn, st->meta, &k, &v)) != 0 || v.mv_size >= sizeof st->uuid) {
		mdb_txn_abort(txn);
		return cdn_error_set(CDN_ENOTSTORE, NULL,
		    "%s is not a cordon store (no store id)", dir);
	}
	memcpy(st->uuid, v.mv_data, v.mv_size);
	st->uuid[v.mv_size] = '\0';
	if (cdn_uuid5(CDN_UUID_NS, st->uuid, v.mv_size, st->ns) != 0) {
		mdb_txn_abort(txn);
		return cdn_error_set(CDN_ENOTSTORE, NULL, "%s is not a cordon store (bad store id)", dir);
	}
	/* A store without a format number is of format 1. */
	MDB_val fk = { 6, "format" };
	st->format = mdb_get(txn, st->meta, &fk, &v) == 0 && v.mv_size == 8 ?
	    cdn_get_be64(v.mv_data) : 1;
	if (st->format > CDN_FORMAT) {
		mdb_txn_abort(txn);
		return cdn_error_set(CDN_ESTORE, NULL,
		    "%s was written by a newer cordon (format %llu)", dir,
		    (unsigned long long)st->format);
	}
	if (st->format < CDN_FORMAT)
		st->upgrade = 1;
	/* Committing keeps the database handles; an abort would close them. */
	if ((rc = mdb_txn_commit(txn)) != 0) {
		txn = NULL;
		goto fail;
	}
	return 0;
fail:
	if (txn)
		mdb_txn_abort(txn);
	return cdn_error_set(CDN_ESTORE, NULL, "%s: cannot open the store: %s",
	    dir, mdb_strerror(rc));
}

/* --- creation ------------------------------------------------------------ */

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

void
cdn_rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
cdn_dir_is_empty(const char *dir)
{
	struct dirent *e;
	struct stat sb;
	int empty = 1;
	DIR *d;

	if (stat(dir, &sb) != 0)
		return errno == ENOENT ? 1 : -1;
	if (!S_ISDIR(sb.st_mode))
		return 0;
	if ((d = opendir(dir)) == NULL)
		return -1;
	while (empty && (e = readdir(d)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(d);
	return empty;
}

int
cdn_sibling_dir(const char *dir, const char *what, char tmp[PATH_MAX])
{
	char *slash;

	/* Beside the target, so that rename() stays on one file system. */
	snprintf(tmp, PATH_MAX, "%s", dir);
	while ((slash = strrchr(tmp, '/')) != NULL && slash[1] == '\0' && slash != tmp)
		*slash = '\0';
	if (strlen(tmp) + strlen(what) + 10 >= PATH_MAX)
		return cdn_error_set(CDN_EIO, NULL, "%s: path too long", dir);
	strcat(tmp, ".");
	strcat(tmp, what);
	strcat(tmp, "-XXXXXX");
	if (mkdtemp(tmp) == NULL)
		return cdn_error_set(CDN_EIO, NULL, "cannot create %s: %s", dir, strerror(errno));
	return 0;
}

int
cdn_store_create_db(const char *dir)
{
	struct cdn_store st = { .mapfd = -1 };
	struct cdn_txn *txn = NULL;
	unsigned char fmt[8];
	int rc;

	if ((rc = env_open(dir, &st, 1)) != 0)
		goto out;
	st.dir = (char *)dir;
	if ((rc = cdn_uuid4(st.uuid)) != 0 || (rc = cdn_txn_begin(&st, CDN_TXN_WRITE, &txn)) != 0)
		goto out;
	cdn_be64(fmt, CDN_FORMAT);
	if ((rc = cdn_meta_put(txn, "uuid", st.uuid, strlen(st.uuid))) != 0 ||
	    (rc = cdn_meta_put(txn, "format", fmt, 8)) != 0 ||
	    (rc = cdn_meta_put(txn, "created_at", txn->now, strlen(txn->now))) != 0) {
		cdn_txn_abort(txn);
		goto out;
	}
	rc = cdn_txn_commit(txn);
out:
	if (st.env)
		mdb_env_close(st.env);
	if (st.mapfd >= 0)
		close(st.mapfd);
	pthread_cond_destroy(&st.cond);
	pthread_mutex_destroy(&st.lock);
	return rc;
}

int
cdn_store_open_db(const char *dir, struct cdn_store **out)
{
	char path[PATH_MAX];
	struct cdn_store *st;
	struct stat sb;
	int rc;

	*out = NULL;
	snprintf(path, sizeof path, "%s/data.mdb", dir);
	if (stat(path, &sb) != 0 && errno != ENOENT && errno != ENOTDIR)
		return cdn_error_set(CDN_ESTORE, NULL, "cannot open the store %s: %s", dir,
		    strerror(errno));
	if (!*dir || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return cdn_error_set(CDN_ENOTSTORE, NULL,
		    "%s is not a cordon store (create one with cordon init)", *dir ? dir : "''");
	if ((st = calloc(1, sizeof *st)) == NULL || (st->dir = strdup(dir)) == NULL) {
		free(st);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	/* Files we may not write: open read-only; without a lock file we may
	 * write (or create), without one at all. */
	if (access(path, W_OK) != 0 && (errno == EACCES || errno == EROFS)) {
		char lock[PATH_MAX];

		snprintf(lock, sizeof lock, "%s/lock.mdb", dir);
		st->readonly = access(lock, W_OK) == 0 ? 1 : 2;
	}
	if ((rc = env_open(dir, st, 0)) != 0) {
		cdn_store_close(st);
		return rc;
	}
	if (st->upgrade && st->readonly) {
		cdn_store_close(st);
		return cdn_error_set(CDN_ESTORE, NULL, "%s is read-only and was written by an older "
		    "cordon: copy it somewhere writable to open it", dir);
	}
	*out = st;
	return 0;
}

void
cdn_store_close(struct cdn_store *st)
{
	if (!st)
		return;
	for (int i = CDN_STORE_PARTS - 1; i >= 0; i--)
		if (st->parts[i].release)
			st->parts[i].release(st->parts[i].ptr);
	if (st->env)
		mdb_env_close(st->env);
	if (st->mapfd >= 0)
		close(st->mapfd);
	pthread_cond_destroy(&st->cond);
	pthread_mutex_destroy(&st->lock);
	free(st->dir);
	free(st);
}

const char *
cdn_store_dir(const struct cdn_store *st)
{
	return st->dir;
}

const char *
cdn_store_uuid(const struct cdn_store *st)
{
	return st->uuid;
}

/* --- transactions -------------------------------------------------------- */

/* Transactions this thread holds, of any store: a thread that holds one
 * may begin another while a resize waits (the resize waits for it
 * anyway), and may not resize itself. */
static __thread unsigned txns_held;


static void
txn_enter(struct cdn_txn *txn)
{
	struct cdn_store *st = txn->st;

	pthread_mutex_lock(&st->lock);
	while (st->resizing && txns_held == 0)
		pthread_cond_wait(&st->cond, &st->lock);
	st->active++;
	pthread_mutex_unlock(&st->lock);
	/* Counted for the thread that began it, wherever it ends. */
	txn->held = &txns_held;
	__atomic_add_fetch(txn->held, 1, __ATOMIC_RELAXED);
}

static void
txn_leave(struct cdn_txn *txn)
{
	struct cdn_store *st = txn->st;

	pthread_mutex_lock(&st->lock);
	if (--st->active == 0 && st->resizing)
		pthread_cond_broadcast(&st->cond);
	pthread_mutex_unlock(&st->lock);
	__atomic_sub_fetch(txn->held, 1, __ATOMIC_RELAXED);
}

/*
 * mdb_env_set_mapsize with no transaction of this process open: new ones
 * wait, open ones are waited for. `size` 0 adopts the size another
 * process set. A thread holding a transaction cannot wait for itself:
 * it gets an error instead of a deadlock.
 */
static int
resize_map(struct cdn_store *st, size_t size)
{
	MDB_envinfo info;
	size_t length;
	int rc, err = 0, adopt = size == 0;

	if (__atomic_load_n(&txns_held, __ATOMIC_RELAXED) > 0)
		return cdn_error_set(CDN_ESTORE, NULL, "the store's map must grow, but this thread "
		    "holds a transaction: try again");
	pthread_mutex_lock(&st->lock);
	while (st->resizing)
		pthread_cond_wait(&st->cond, &st->lock);
	st->resizing = 1;
	while (st->active > 0)
		pthread_cond_wait(&st->cond, &st->lock);
	/* Another thread, or another process, may have grown it meanwhile:
	 * never map less than the data file holds (internal.h, `mapfd`).
	 * The file is allocated first: if the disk cannot hold the larger
	 * map, the map stays as it is and the write fails with CDN_ENOSPC. */
	rc = 0;
	map_lock(st, LOCK_EX);
	length = data_length(st->dir);
	if (size < length)
		size = length;
	if (size > st->mapsize || (adopt && size)) {
		if ((err = map_allocate(st, size)) == 0 &&
		    (rc = mdb_env_set_mapsize(st->env, size)) == 0) {
			mdb_env_info(st->env, &info);
			st->mapsize = info.me_mapsize;
		}
	} else if (adopt && (rc = mdb_env_set_mapsize(st->env, 0)) == 0) {
		mdb_env_info(st->env, &info);
		st->mapsize = info.me_mapsize;
	}
	map_lock(st, LOCK_UN);
	st->resizing = 0;
	pthread_cond_broadcast(&st->cond);
	pthread_mutex_unlock(&st->lock);
	if (err)
		return err;
	return rc ? cdn_lmdb_error(NULL, rc, "grow the store map") : 0;
}

static void
now_rfc3339(char buf[32])
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
cdn_txn_begin(struct cdn_store *st, enum cdn_txn_mode mode, struct cdn_txn **out)
{
	struct cdn_txn *txn;
	int rc;

	*out = NULL;
	if ((txn = calloc(1, sizeof *txn)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	txn->st = st;
	txn->write = mode == CDN_TXN_WRITE;
	/* A login name the audit trail cannot carry is replaced; writes
	 * with an explicit user are checked by cdn_txn_set_user. */
	if (cdn_check_username(cdn_default_user(), NULL) == 0)
		snprintf(txn->user, sizeof txn->user, "%s", cdn_default_user());
	else
		strcpy(txn->user, "unknown");
	now_rfc3339(txn->now);
	if (txn->write && st->readonly) {
		free(txn);
		return cdn_error_set(CDN_ESTORE, NULL, "the store %s is read-only (its files are "
		    "write-protected): it can be read and verified, not changed", st->dir);
	}
	if (txn->write && st->unallocated) {
		/* The disk was full when the store was opened: it may not be now. */
		pthread_mutex_lock(&st->lock);
		rc = st->unallocated ? map_allocate(st, st->mapsize) : 0;
		if (rc == 0)
			st->unallocated = 0;
		pthread_mutex_unlock(&st->lock);
		if (rc != 0) {
			free(txn);
			return rc;
		}
	}
	txn_enter(txn);
	rc = mdb_txn_begin(st->env, NULL, txn->write ? 0 : MDB_RDONLY, &txn->txn);
	if (rc == MDB_MAP_RESIZED && txns_held == 1) {
		/* Another process grew the map: adopt its size. */
		txn_leave(txn);
		if ((rc = resize_map(st, 0)) != 0) {
			free(txn);
			return rc;
		}
		txn_enter(txn);
		rc = mdb_txn_begin(st->env, NULL, txn->write ? 0 : MDB_RDONLY, &txn->txn);
	}
	if (rc != 0) {
		txn_leave(txn);
		free(txn);
		return cdn_lmdb_error(NULL, rc, "begin transaction");
	}
	*out = txn;
	return 0;
}

int
cdn_txn_bulk(struct cdn_txn *txn, struct cdn_pool *pool)
{
	if (!txn->write)
		return cdn_error_set(CDN_ESTORE, NULL, "bulk mode needs a write transaction");
	if (!txn->ixsort && (txn->ixsort = cdn_sorter_new(BULK_SORT_MEM, CDN_RKEY_LEN, pool)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	return 0;
}

/*
 * The sorted entries are written a key at a time: all the record keys one
 * index key maps to go in one MDB_MULTIPLE put (the index is DUPFIXED),
 * so LMDB finds each key once, not once per entry. Keys past the index's
 * last key at the start are appended (MDB_APPEND, MDB_APPENDDUP), which
 * also fills their pages instead of splitting them in half; that is every
 * key of a first import. Keys already present are written the ordinary
 * way, since their existing entries may sort after the new ones.
 */
struct ixput {
	struct cdn_txn *txn;
	MDB_cursor *cur;
	unsigned char key[CDN_IKEY_MAX];	/* the key being gathered */
	size_t klen;
	unsigned char *vals;			/* its record keys, in order */
	size_t nvals, vcap;
	unsigned char prev[CDN_RKEY_LEN];	/* the key's last record key */
	int put;				/* some of the key's are written */
	unsigned char last[CDN_IKEY_MAX];	/* the index's last key before */
	size_t lastlen;
	int empty, beyond;			/* no index yet; past `last` */
	size_t n, total;
	cdn_progress_fn progress;
	void *arg;
};

static int
put_group(struct ixput *p)
{
	MDB_val k = { p->klen, p->key }, v[2];
	unsigned flags = MDB_MULTIPLE;
	size_t done = 0;
	int rc;

	if (p->nvals == 0)
		return 0;
	if (!p->beyond) {
		int c = memcmp(p->key, p->last, p->klen < p->lastlen ? p->klen : p->lastlen);

		p->beyond = p->empty || c > 0 || (c == 0 && p->klen > p->lastlen);
	}
	/* Once a key is there, MDB_APPEND would refuse it: it must be past
	 * the last key, not equal to it. */
	if (p->beyond)
		flags |= p->put ? MDB_APPENDDUP : MDB_APPEND | MDB_APPENDDUP;
	while (done < p->nvals) {
		v[0].mv_size = CDN_RKEY_LEN;
		v[0].mv_data = p->vals + done * CDN_RKEY_LEN;
		v[1].mv_size = p->nvals - done;
		v[1].mv_data = NULL;
		rc = mdb_cursor_put(p->cur, &k, v, flags);
		if (rc != 0)
			return cdn_lmdb_error(p->txn, rc, "index");
		done += v[1].mv_size;
	}
	p->n += p->nvals;
	p->nvals = 0;
	p->put = 1;
	return 0;
}

static int
put_sorted(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct ixput *p = arg;
	size_t before = p->n;
	int rc;

	if (klen > CDN_IKEY_MAX || vlen != CDN_RKEY_LEN)
		return cdn_error_set(CDN_ESTORE, NULL, "index: bad entry");
	if (klen != p->klen || memcmp(key, p->key, klen) != 0) {
		if ((rc = put_group(p)) != 0)
			return rc;
		memcpy(p->key, key, klen);
		p->klen = klen;
		p->put = 0;
	} else if (memcmp(p->prev, val, vlen) == 0) {
		return 0;	/* the same entry twice (a word twice in a record) */
	}
	memcpy(p->prev, val, vlen);
	if (p->nvals == p->vcap) {
		size_t cap = p->vcap ? p->vcap * 2 : 1024;
		unsigned char *nv = realloc(p->vals, cap * CDN_RKEY_LEN);

		if (!nv)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		p->vals = nv;
		p->vcap = cap;
	}
	memcpy(p->vals + p->nvals * CDN_RKEY_LEN, val, vlen);
	p->nvals++;
	/* A large group is written in parts: memory stays bounded. */
	if (p->nvals == IX_GROUP_MAX && (rc = put_group(p)) != 0)
		return rc;
	if (p->n / TRIM_EVERY != before / TRIM_EVERY) {
		cdn_txn_trim(p->txn);
		if (p->progress)
			p->progress(p->arg, p->n, p->total);
	}
	return 0;
}

int
cdn_txn_bulk_finish(struct cdn_txn *txn, cdn_progress_fn progress, void *arg)
{
	struct ixput *p;
	MDB_val k, v;
	int rc;

	if (!txn->ixsort)
		return 0;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	p->txn = txn;
	p->progress = progress;
	p->arg = arg;
	p->total = cdn_sorter_count(txn->ixsort);
	if ((rc = mdb_cursor_open(txn->txn, txn->st->idx, &p->cur)) != 0) {
		rc = cdn_lmdb_error(txn, rc, "index");
		goto out;
	}
	rc = mdb_cursor_get(p->cur, &k, &v, MDB_LAST);
	if (rc == MDB_NOTFOUND) {
		p->empty = 1;
	} else if (rc != 0 || k.mv_size > CDN_IKEY_MAX) {
		rc = cdn_lmdb_error(txn, rc ? rc : MDB_CORRUPTED, "index");
		goto out;
	} else {
		memcpy(p->last, k.mv_data, k.mv_size);
		p->lastlen = k.mv_size;
	}
	if ((rc = cdn_sorter_drain(txn->ixsort, put_sorted, p)) == 0)
		rc = put_group(p);
	if (rc == 0 && progress)
		progress(arg, p->total, p->total);
out:
	if (p->cur)
		mdb_cursor_close(p->cur);
	cdn_sorter_free(txn->ixsort);
	txn->ixsort = NULL;
	free(p->vals);
	free(p);
	return rc;
}

/* Bulk mode: write the deferred index entries, in key order. */
static int
flush_index(struct cdn_txn *txn)
{
	return cdn_txn_bulk_finish(txn, NULL, NULL);
}

static int
flush_counters(struct cdn_txn *txn)
{
	char name[16];
	unsigned char b[8];
	MDB_val v;
	int rc;

	for (int k = 0; k < CDN_NKINDS; k++) {
		char letter = cdn_kind_info(k)->letter;

		if (txn->seq_dirty & (1u << k)) {
			snprintf(name, sizeof name, "seq.%c", letter);
			cdn_be64(b, txn->seq[k]);
			if ((rc = cdn_meta_put(txn, name, b, 8)) != 0)
				return rc;
		}
		if (txn->count[k] != 0) {
			uint64_t n = 0;

			snprintf(name, sizeof name, "count.%c", letter);
			if (cdn_meta_get(txn, name, &v) == 0 && v.mv_size == 8)
				n = cdn_get_be64(v.mv_data);
			cdn_be64(b, (uint64_t)((int64_t)n + txn->count[k]));
			if ((rc = cdn_meta_put(txn, name, b, 8)) != 0)
				return rc;
		}
	}
	if (txn->audit_dirty) {
		unsigned char head[40];

		cdn_be64(head, txn->audit_seq);
		memcpy(head + 8, txn->audit_hash, 32);
		if ((rc = cdn_meta_put(txn, "audit.head", head, sizeof head)) != 0)
			return rc;
	}
	return 0;
}

int
cdn_txn_commit(struct cdn_txn *txn)
{
	int rc;

	if (txn->write && ((rc = flush_index(txn)) != 0 || (rc = flush_counters(txn)) != 0)) {
		cdn_txn_abort(txn);
		return rc;
	}
	rc = mdb_txn_commit(txn->txn);
	if (rc != 0)
		rc = cdn_lmdb_error(txn, rc, "commit");
	if (txn->on_end)
		txn->on_end(txn);
	txn_leave(txn);
	free(txn);
	return rc;
}

void
cdn_txn_abort(struct cdn_txn *txn)
{
	if (!txn)
		return;
	if (txn->on_end)
		txn->on_end(txn);
	mdb_txn_abort(txn->txn);
	txn_leave(txn);
	cdn_sorter_free(txn->ixsort);
	free(txn);
}

int
cdn_txn_set_user(struct cdn_txn *txn, const char *user)
{
	char why[CDN_WHY_MAX];

	if (cdn_check_username(user, why) != 0)
		return cdn_error_set(CDN_EINVAL, "user", "'%.64s': %s (set CORDON_USER)", user, why);
	snprintf(txn->user, sizeof txn->user, "%s", user);
	return 0;
}

const char *
cdn_txn_user(const struct cdn_txn *txn)
{
	return txn->user;
}

const char *
cdn_txn_now(const struct cdn_txn *txn)
{
	return txn->now;
}

int
cdn_meta_get(struct cdn_txn *txn, const char *name, MDB_val *val)
{
	MDB_val k = { strlen(name), (void *)name };
	int rc = mdb_get(txn->txn, txn->st->meta, &k, val);

	return rc == 0 ? 0 : cdn_lmdb_error(txn, rc, name);
}

int
cdn_meta_put(struct cdn_txn *txn, const char *name, const void *val, size_t len)
{
	MDB_val k = { strlen(name), (void *)name }, v = { len, (void *)val };
	int rc = mdb_put(txn->txn, txn->st->meta, &k, &v, 0);

	return rc == 0 ? 0 : cdn_lmdb_error(txn, rc, name);
}

/* Visit every meta entry under `prefix`, in key order (or reverse). */
int
cdn_meta_each(struct cdn_txn *txn, const char *prefix, int reverse, cdn_meta_fn fn, void *arg)
{
	size_t plen = strlen(prefix);
	char end[128];
	MDB_cursor *cur;
	MDB_val k = { plen, (void *)prefix }, v;
	int rc, mrc;

	if ((rc = mdb_cursor_open(txn->txn, txn->st->meta, &cur)) != 0)
		return cdn_lmdb_error(txn, rc, "meta");
	if (reverse) {
		/* Just past the prefix: the prefix with its last byte + 1. */
		snprintf(end, sizeof end, "%s", prefix);
		end[plen - 1]++;
		k.mv_data = end;
		mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		mrc = mrc == 0 ? mdb_cursor_get(cur, &k, &v, MDB_PREV) :
		    mdb_cursor_get(cur, &k, &v, MDB_LAST);
	} else {
		mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	}
	rc = 0;
	while (mrc == 0 && rc == 0 && k.mv_size >= plen && memcmp(k.mv_data, prefix, plen) == 0) {
		rc = fn(arg, &k, &v);
		mrc = mdb_cursor_get(cur, &k, &v, reverse ? MDB_PREV : MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = cdn_lmdb_error(txn, mrc, "meta");
	return rc;
}

int
cdn_branch_head(struct cdn_txn *txn, const char *branch, char head[41])
{
	char name[64];
	MDB_val v;
	int rc;

	head[0] = '\0';
	snprintf(name, sizeof name, "git.%s", branch);
	if ((rc = cdn_meta_get(txn, name, &v)) != 0) {
		if (rc != CDN_ENOTFOUND)
			return rc;
		cdn_error_clear();
		return 0;
	}
	if (v.mv_size != 40)
		return cdn_error_set(CDN_ESTORE, NULL, "the store's record of its git head is damaged");
	memcpy(head, v.mv_data, 40);
	head[40] = '\0';
	return 0;
}

int
cdn_branch_set(struct cdn_txn *txn, const char *branch, const char *commit)
{
	char name[64];

	snprintf(name, sizeof name, "git.%s", branch);
	return cdn_meta_put(txn, name, commit, strlen(commit));
}

static void
load_seq(struct cdn_txn *txn, enum cdn_kind kind)
{
	char name[16];
	MDB_val v;

	if (txn->seq_loaded & (1u << kind))
		return;
	snprintf(name, sizeof name, "seq.%c", cdn_kind_info(kind)->letter);
	txn->seq[kind] = 0;
	if (cdn_meta_get(txn, name, &v) == 0 && v.mv_size == 8)
		txn->seq[kind] = cdn_get_be64(v.mv_data);
	txn->seq_loaded |= 1u << kind;
}

uint64_t
cdn_txn_peek_seq(struct cdn_txn *txn, enum cdn_kind kind)
{
	load_seq(txn, kind);
	return txn->seq[kind] + 1;
}

void
cdn_txn_seq_at_least(struct cdn_txn *txn, enum cdn_kind kind, uint64_t seq)
{
	load_seq(txn, kind);
	if (txn->seq[kind] < seq) {
		txn->seq[kind] = seq;
		txn->seq_dirty |= 1u << kind;
	}
}

void
cdn_txn_count_add(struct cdn_txn *txn, enum cdn_kind kind, int delta)
{
	txn->count[kind] += delta;
}

int
cdn_kind_count(struct cdn_txn *txn, enum cdn_kind kind, size_t *count)
{
	char name[16];
	MDB_val v;

	snprintf(name, sizeof name, "count.%c", cdn_kind_info(kind)->letter);
	*count = 0;
	if (cdn_meta_get(txn, name, &v) == 0 && v.mv_size == 8)
		*count = (size_t)cdn_get_be64(v.mv_data);
	*count = (size_t)((int64_t)*count + txn->count[kind]);
	cdn_error_clear();
	return 0;
}

/*
 * LMDB does not say where it mapped the file (MDB_envinfo.me_mapaddr is
 * only set with MDB_FIXEDMAP), so find the mapping of data.mdb by device
 * and inode in /proc/self/maps.
 */
void
cdn_txn_trim(struct cdn_txn *txn)
{
	unsigned long start, end, off, ino;
	unsigned maj, min;
	char line[512], perms[8];
	struct stat sb;
	mdb_filehandle_t fd;
	FILE *maps;

	if (mdb_env_get_fd(txn->st->env, &fd) != 0 || fstat(fd, &sb) != 0)
		return;
	if ((maps = fopen("/proc/self/maps", "r")) == NULL)
		return;
	while (fgets(line, sizeof line, maps)) {
		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &start, &end, perms,
		    &off, &maj, &min, &ino) != 7)
			continue;
		if (ino == (unsigned long)sb.st_ino && makedev(maj, min) == sb.st_dev)
			madvise((void *)start, end - start, MADV_DONTNEED);
	}
	fclose(maps);
	/* Start writing the pages back now: they are page cache the kernel
	 * can reclaim once clean, and the commit's sync waits only for the
	 * rest. Early writes of pages not yet committed are what LMDB does
	 * itself when it spills; the commit's ordering still protects them. */
	sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

/* --- write with retry ---------------------------------------------------- */

/* The writes the after-write hook makes itself do not run it again;
 * the progress of its work, as this thread's writer asked. */
static __thread int in_after_write;
static __thread cdn_progress_fn after_progress;
static __thread void *after_progress_arg;

static int
after_write(struct cdn_store *st, const char *user)
{
	int rc;

	if (!st->after_write || in_after_write)
		return 0;
	in_after_write = 1;
	rc = st->after_write(st, user, after_progress, after_progress_arg);
	in_after_write = 0;
	return rc;
}

void
cdn_store_after_progress(cdn_progress_fn fn, void *arg)
{
	after_progress = fn;
	after_progress_arg = arg;
}

void
cdn_store_set_after_write(struct cdn_store *st, cdn_after_write_fn fn)
{
	st->after_write = fn;
}

static int
grow_map(struct cdn_store *st, size_t want)
{
	size_t size = st->mapsize;

	while (size < want)
		size *= 2;
	return resize_map(st, size);
}

int
cdn_store_reserve(struct cdn_store *st, uint64_t bytes)
{
	MDB_envinfo info;
	MDB_stat ms;
	size_t used, want;

	mdb_env_info(st->env, &info);
	mdb_env_stat(st->env, &ms);
	used = (info.me_last_pgno + 1) * (size_t)ms.ms_psize;
	/* The map is allocated on disk whole, so it is grown to what the hint
	 * asks (in steps of the initial size), not to the next power of two;
	 * a hint that falls short still doubles it on MDB_MAP_FULL. */
	want = used + bytes;
	if (want <= st->mapsize)
		return 0;
	want = (want + MAP_INITIAL - 1) / MAP_INITIAL * MAP_INITIAL;
	return resize_map(st, want);
}

int
cdn_store_write(struct cdn_store *st, const char *user, cdn_write_fn fn, void *arg)
{
	struct cdn_txn *txn;
	int rc, full, changed;

	for (int attempt = 0; attempt < 16; attempt++) {
		if ((rc = cdn_txn_begin(st, CDN_TXN_WRITE, &txn)) != 0)
			return rc;
		if (user && (rc = cdn_txn_set_user(txn, user)) != 0) {
			cdn_txn_abort(txn);
			return rc;
		}
		rc = fn(txn, arg);
		full = txn->map_full;
		changed = txn->changed;
		if (rc == 0 && !full) {
			/* The commit itself may need pages for the counters. */
			if ((rc = flush_index(txn)) == 0 && (rc = flush_counters(txn)) == 0) {
				txn->seq_dirty = 0;
				memset(txn->count, 0, sizeof txn->count);
				txn->audit_dirty = 0;
				rc = mdb_txn_commit(txn->txn);
				full = rc == MDB_MAP_FULL;
				if (rc != 0 && !full)
					rc = cdn_lmdb_error(NULL, rc, "commit");
				if (txn->on_end)
					txn->on_end(txn);
				txn_leave(txn);
				free(txn);
				if (!full)
					return rc == 0 && changed ? after_write(st, user) : rc;
				txn = NULL;
			} else {
				full = txn->map_full;
			}
		}
		if (txn)
			cdn_txn_abort(txn);
		if (!full)
			return rc;
		if ((rc = grow_map(st, st->mapsize * 2)) != 0)
			return rc;
	}
	return cdn_error_set(CDN_ESTORE, NULL, "the store map cannot grow any further");
}
