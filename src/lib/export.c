/*
 * export.c - exports for partners: output files, signatures, the audit
 * record, checking, and the log of what left (export.h).
 *
 * The order of an export: the partner and the signing key are looked up
 * before anything is written; the export is written to temporary names
 * beside its destination, in one read transaction (one state of the
 * store); it is hashed and signed; the audit record naming every file's
 * SHA-256 is committed; only then are the files renamed into place. A
 * crash leaves temporary files (".NAME.XXXXXX", "DIR.export-XXXXXX") and
 * never a half-written file under the final name. A MISP feed's event
 * timestamps (misp.h) are saved in the transaction of the audit record.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cordon/checkpoint.h"
#include "cordon/export.h"
#include "cordon/misp.h"
#include "cordon/partner.h"
#include "cordon/sign.h"
#include "cordon/stix.h"
#include "internal.h"
#include "json.h"
#include "cordon/config.h"

static const char *const format_names[] = { "stix", "misp", "csv", NULL };

int
cdn_export_format_parse(const char *s)
{
	for (int i = 0; s && format_names[i]; i++)
		if (strcmp(s, format_names[i]) == 0)
			return i;
	return -1;
}

const char *
cdn_export_format_name(enum cdn_export_format f)
{
	return (unsigned)f < 3 ? format_names[f] : "?";
}

/* --- files ---------------------------------------------------------------------- */

/* SHA-256 (hex) and size of the bytes of open file `fd`, from its start. */
static int
hash_fd(int fd, const char *name, char hex[65], uint64_t *bytes)
{
	unsigned char buf[1 << 16], h[EVP_MAX_MD_SIZE];
	unsigned int hlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ssize_t n;
	int rc = 0;

	*bytes = 0;
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", name, strerror(errno));
		goto out;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		*bytes += (uint64_t)n;
	}
	if (n < 0) {
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", name, strerror(errno));
		goto out;
	}
	EVP_DigestFinal_ex(ctx, h, &hlen);
	cdn_hex(h, 32, hex);
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

static int
hash_file(const char *path, char hex[65], uint64_t *bytes)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", path, strerror(errno));
	rc = hash_fd(fd, path, hex, bytes);
	close(fd);
	return rc;
}

/* Map a whole file read-only: `*len` its size; `*p` NULL for an empty one. */
static int
map_file(const char *path, void **p, size_t *len)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*p = NULL;
	*len = 0;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", path, strerror(e));
	}
	*len = (size_t)sb.st_size;
	if (*len && (*p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		*p = NULL;
		close(fd);
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", path, strerror(errno));
	}
	close(fd);
	if (*p)
		madvise(*p, *len, MADV_SEQUENTIAL);
	return 0;
}

static int
write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	const char *p = data;

	if (fd < 0)
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", path, strerror(errno));
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return cdn_error_set(CDN_EIO, NULL, "%s: %s", path, strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0)
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", path, strerror(errno));
	return 0;
}

/* Sign file `path` into `sigpath`. */
static int
sign_file(struct cdn_store *st, const char *path, const char *sigpath, char keyid[CDN_KEYID_LEN + 1])
{
	unsigned char sig[CDN_SIG_LEN];
	void *p;
	size_t len;
	int rc;

	if ((rc = map_file(path, &p, &len)) != 0)
		return rc;
	rc = cdn_sign(st, p ? p : "", len, sig, keyid);
	if (p)
		munmap(p, len);
	return rc ? rc : write_file(sigpath, sig, sizeof sig);
}

/* Add {name, bytes, sha256} of file `path` to `files` as `name`. */
static int
list_file(json_t *files, const char *path, const char *name)
{
	char hex[65];
	uint64_t bytes;
	int rc;

	if ((rc = hash_file(path, hex, &bytes)) != 0)
		return rc;
	json_array_append_new(files, json_pack("{s:s,s:I,s:s}", "name", name, "bytes",
	    (json_int_t)bytes, "sha256", hex));
	return 0;
}

static void
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* --- the audit record ----------------------------------------------------------------- */

static int
last_seq(void *arg, MDB_val *k, MDB_val *v)
{
	(void)v;
	if (k->mv_size > 7)
		*(uint64_t *)arg = strtoull((const char *)k->mv_data + 7, NULL, 10);
	return 1;
}

/* A MISP feed's event timestamps (misp.h), derived state kept in meta
 * "misp/PARTNER": as the export read them, and as it leaves them. */
struct stamps {
	char key[96];
	json_t *before;		/* NULL if there were none */
	json_t *after;		/* NULL unless the export is a MISP feed */
};

/* Save the timestamps a feed leaves, unless another feed for the same
 * partner was recorded since they were read: its events may carry the
 * same timestamps over other content, which MISP would never fetch. */
static int
stamps_put(struct cdn_txn *txn, const struct stamps *sp)
{
	json_t *now = NULL;
	char *text;
	int rc, same;

	if ((rc = cdn_meta_get_json(txn, sp->key, &now)) != 0)
		return rc;
	same = now ? sp->before && json_equal(now, sp->before) : !sp->before;
	json_decref(now);
	if (!same)
		return cdn_error_set(CDN_ECONFLICT, NULL, "another MISP feed for this partner was "
		    "exported meanwhile: export again");
	if ((rc = cdn_json_encode(sp->after, &text, NULL)) != 0)
		return rc;
	rc = cdn_meta_put(txn, sp->key, text, strlen(text));
	free(text);
	return rc;
}

struct record_write {
	json_t *rec;		/* without id and seq, which are given here */
	const struct stamps *stamps;
};

static int
record_fn(struct cdn_txn *txn, void *arg)
{
	struct record_write *w = arg;
	uint64_t seq = 0;
	char key[64];
	int rc;

	if ((rc = cdn_meta_each(txn, "export/", 1, last_seq, &seq)) < 0)
		return rc;
	cdn_error_clear();
	snprintf(key, sizeof key, "export/%012" PRIu64, seq + 1);
	json_object_set_new(w->rec, "id", json_string(key));
	json_object_set_new(w->rec, "seq", json_integer((json_int_t)(seq + 1)));
	json_object_set_new(w->rec, "at", json_string(cdn_txn_now(txn)));
	json_object_set_new(w->rec, "by", json_string(cdn_txn_user(txn)));
	/* Derived state, not audited; with the record or not at all. */
	if (w->stamps->after && (rc = stamps_put(txn, w->stamps)) != 0)
		return rc;
	return cdn_meta_put_audited(txn, key, w->rec, 1, "export", NULL);
}

/* The policy as it stood, for the record. */
static json_t *
policy_of(json_t *partner)
{
	static const char *const keys[] = { "country", "max_tlp", "profile", "rules", "severities",
		"tags", "statuses", "cases", "version", NULL };
	json_t *p = json_object();

	for (int i = 0; p && keys[i]; i++)
		json_object_set(p, keys[i], json_object_get(partner, keys[i]) ?: json_null());
	return p;
}

/* --- exporting --------------------------------------------------------------------- */

/* Where an export goes: final names, and the temporary ones it is
 * written to. */
struct dest {
	char final[PATH_MAX], tmp[PATH_MAX];		/* the file, or the directory */
	char sig_final[PATH_MAX], sig_tmp[PATH_MAX];	/* its signature (files) */
	/* The audit checkpoint beside a file, and its signature. */
	char cp_final[PATH_MAX], cp_tmp[PATH_MAX], cps_final[PATH_MAX], cps_tmp[PATH_MAX];
	int is_dir, made;
	int spool;		/* for standard output: an unlinked file, or -1 */
};

/* Standard output gets the export only once it is recorded: until then
 * it waits in an unlinked file under $TMPDIR. */
static int
dest_spool(struct dest *d)
{
	if ((d->spool = cdn_tmpfile("export", NULL, d->tmp, sizeof d->tmp)) < 0)
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", d->tmp, strerror(errno));
	unlink(d->tmp);
	return 0;
}

/* Copy the spool to `out`. */
static int
dest_copy(struct dest *d, FILE *out)
{
	char buf[1 << 16];
	ssize_t n;

	if (lseek(d->spool, 0, SEEK_SET) != 0)
		return cdn_error_set(CDN_EIO, NULL, "the export: %s", strerror(errno));
	while ((n = read(d->spool, buf, sizeof buf)) > 0)
		if (fwrite(buf, 1, (size_t)n, out) != (size_t)n)
			return cdn_error_set(CDN_EIO, NULL, "cannot write the export out");
	if (n < 0 || fflush(out) != 0)
		return cdn_error_set(CDN_EIO, NULL, "cannot write the export out");
	return 0;
}

static int
dest_file(struct dest *d, const char *out)
{
	const char *slash = strrchr(out, '/'), *base = slash ? slash + 1 : out;
	char dir[PATH_MAX];
	struct stat sb;
	int fd;

	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode)))
		return cdn_error_set(CDN_EINVAL, NULL, "%s is a directory: give a file name", out);
	if (strlen(out) + 32 >= sizeof d->final)
		return cdn_error_set(CDN_EUSAGE, NULL, "%s: path too long", out);
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - out) + (slash == out) : 1,
	    slash ? out : ".");
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return cdn_error_set(CDN_EIO, NULL, "%s: no such directory", dir);
	snprintf(d->final, sizeof d->final, "%s", out);
	snprintf(d->sig_final, sizeof d->sig_final, "%s.sig", out);
	snprintf(d->cp_final, sizeof d->cp_final, "%s.checkpoint.json", out);
	snprintf(d->cps_final, sizeof d->cps_final, "%s.checkpoint.json.sig", out);
	snprintf(d->tmp, sizeof d->tmp, "%s/.%s.XXXXXX", dir, base);
	snprintf(d->sig_tmp, sizeof d->sig_tmp, "%s/.%s.sig.XXXXXX", dir, base);
	snprintf(d->cp_tmp, sizeof d->cp_tmp, "%s/.%s.checkpoint.json.XXXXXX", dir, base);
	snprintf(d->cps_tmp, sizeof d->cps_tmp, "%s/.%s.checkpoint.json.sig.XXXXXX", dir, base);
	{
		char *tmps[] = { d->tmp, d->sig_tmp, d->cp_tmp, d->cps_tmp };

		for (int i = 0; i < 4; i++) {
			if ((fd = mkstemp(tmps[i])) < 0) {
				int e = errno;

				while (i-- > 0)
					unlink(tmps[i]);
				return cdn_error_set(CDN_EIO, NULL, "cannot write beside %s: %s", out,
				    strerror(e));
			}
			close(fd);
		}
	}
	d->made = 1;
	return 0;
}

static int
dest_dir(struct dest *d, const char *out)
{
	int empty = cdn_dir_is_empty(out);
	int rc;

	d->is_dir = 1;
	if (empty < 0)
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", out, strerror(errno));
	if (empty == 0) {
		struct stat sb;

		return cdn_error_set(CDN_EINVAL, NULL, "%s %s: give a new or empty directory", out,
		    stat(out, &sb) == 0 && !S_ISDIR(sb.st_mode) ? "is not a directory" :
		    "exists and is not empty");
	}
	snprintf(d->final, sizeof d->final, "%s", out);
	if (strlen(out) + 40 >= sizeof d->final)
		return cdn_error_set(CDN_EUSAGE, NULL, "%s: path too long", out);
	while (strlen(d->final) > 1 && d->final[strlen(d->final) - 1] == '/')
		d->final[strlen(d->final) - 1] = '\0';
	snprintf(d->cp_final, sizeof d->cp_final, "%s.checkpoint.json", d->final);
	snprintf(d->cps_final, sizeof d->cps_final, "%s.checkpoint.json.sig", d->final);
	if ((rc = cdn_sibling_dir(out, "export", d->tmp)) != 0)
		return rc;
	/* The checkpoint is built inside the feed's temporary directory under
	 * a dot name (which no feed file has) and moved beside it. */
	snprintf(d->cp_tmp, sizeof d->cp_tmp, "%s/.checkpoint.json", d->tmp);
	snprintf(d->cps_tmp, sizeof d->cps_tmp, "%s/.checkpoint.json.sig", d->tmp);
	d->made = 1;
	return 0;
}

static void
dest_drop(struct dest *d)
{
	if (d->spool >= 0)
		close(d->spool);
	d->spool = -1;
	if (!d->made)
		return;
	if (d->is_dir) {
		cdn_rm_tree(d->tmp);
	} else {
		unlink(d->tmp);
		unlink(d->sig_tmp);
		unlink(d->cp_tmp);
		unlink(d->cps_tmp);
	}
	d->made = 0;
}

static int
dest_place(struct dest *d)
{
	char copy[PATH_MAX];

	if (d->is_dir) {
		/* An empty directory in the way is replaced by rename(2). */
		if (chmod(d->cp_tmp, 0644) != 0 || chmod(d->cps_tmp, 0644) != 0 ||
		    rename(d->cp_tmp, d->cp_final) != 0 || rename(d->cps_tmp, d->cps_final) != 0 ||
		    chmod(d->tmp, 0755) != 0 || rename(d->tmp, d->final) != 0)
			return cdn_error_set(CDN_EIO, NULL, "%s: %s", d->final, strerror(errno));
	} else if (chmod(d->tmp, 0644) != 0 || chmod(d->sig_tmp, 0644) != 0 ||
	    chmod(d->cp_tmp, 0644) != 0 || chmod(d->cps_tmp, 0644) != 0 ||
	    rename(d->cp_tmp, d->cp_final) != 0 || rename(d->cps_tmp, d->cps_final) != 0 ||
	    rename(d->tmp, d->final) != 0 || rename(d->sig_tmp, d->sig_final) != 0) {
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", d->final, strerror(errno));
	}
	d->made = 0;
	snprintf(copy, sizeof copy, "%s", d->final);
	if (strrchr(copy, '/'))
		*strrchr(copy, '/') = '\0';
	else
		snprintf(copy, sizeof copy, ".");
	fsync_dir(copy[0] ? copy : "/");
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* SHA256SUMS over every file of a feed directory, signed. */
static int
sign_dir(struct cdn_store *st, const char *dir, json_t *files, char keyid[CDN_KEYID_LEN + 1])
{
	char path[PATH_MAX], sums[PATH_MAX], **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	FILE *f = NULL;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL)
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);

			if (!nn) {
				rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
				goto out;
			}
			names = nn;
		}
		if ((names[n] = strdup(e->d_name)) == NULL) {
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			goto out;
		}
		n++;
	}
	qsort(names, n, sizeof *names, cmp_str);
	snprintf(sums, sizeof sums, "%s/SHA256SUMS", dir);
	if ((f = fopen(sums, "w")) == NULL) {
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", sums, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if ((rc = list_file(files, path, names[i])) != 0)
			goto out;
		/* The format of sha256sum, so `sha256sum -c SHA256SUMS` checks it. */
		fprintf(f, "%s  %s\n", json_string_value(json_object_get(json_array_get(files,
		    json_array_size(files) - 1), "sha256")), names[i]);
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0) {
		f = NULL;
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", sums, strerror(errno));
		goto out;
	}
	f = NULL;
	snprintf(path, sizeof path, "%s/SHA256SUMS.sig", dir);
	if ((rc = sign_file(st, sums, path, keyid)) != 0 ||
	    (rc = list_file(files, sums, "SHA256SUMS")) != 0 ||
	    (rc = list_file(files, path, "SHA256SUMS.sig")) != 0)
		goto out;
	/* A feed is thousands of files: one sync of their file system, not
	 * an fsync each, before the directory is renamed into place. */
	{
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd < 0 || syncfs(dfd) != 0 || fsync(dfd) != 0) {
			rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", dir, strerror(errno));
			if (dfd >= 0)
				close(dfd);
			goto out;
		}
		close(dfd);
	}
out:
	if (f)
		fclose(f);
	closedir(d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/*
 * A checkpoint of the audit trail (checkpoint.h) goes with every signed
 * export, so that each partner holds a witness of the trail as it was
 * when the export left: `path`, signed by the store's key.
 */
static int
write_checkpoint(struct cdn_store *st, const char *actor, const char *path)
{
	json_t *cp = NULL;
	int rc = cdn_checkpoint_make(st, NULL, actor, &cp);

	if (rc == 0)
		rc = cdn_checkpoint_save(cp, path);
	json_decref(cp);
	return rc;
}

/* Write the export itself, in one read transaction. */
static int
generate(struct cdn_store *st, const struct cdn_export_opts *o, struct cdn_share_req *req,
    struct dest *d, struct stamps *sp, struct cdn_share_stats *stats, uint64_t *objects)
{
	struct cdn_txn *txn;
	FILE *f = NULL;
	int rc;

	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	if (o->format == CDN_EXPORT_MISP) {
		/* The feed's files go into the fresh directory; the event
		 * timestamps come from the last feed and go to the record. */
		snprintf(sp->key, sizeof sp->key, "misp/%s", o->partner);
		if ((rc = cdn_meta_get_json(txn, sp->key, &sp->before)) != 0)
			goto out;
		if ((sp->after = sp->before ? json_deep_copy(sp->before) : json_object()) == NULL) {
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			goto out;
		}
		rc = cdn_misp_feed(txn, req, d->tmp, sp->after, NULL, objects, stats);
		goto out;
	}
	if (d->made) {
		f = fopen(d->tmp, "w");
	} else {
		int fd = dup(d->spool);

		if (fd >= 0 && (f = fdopen(fd, "w")) == NULL)
			close(fd);
	}
	if (!f) {
		rc = cdn_error_set(CDN_EIO, NULL, "%s: %s", d->tmp, strerror(errno));
		goto out;
	}
	if (o->format == CDN_EXPORT_STIX)
		rc = cdn_stix_bundle(txn, req, f, objects, stats);
	else
		rc = cdn_csv_export(txn, req, f, objects, stats);
	if (rc == 0 && (fflush(f) != 0 || (d->made && fsync(fileno(f)) != 0)))
		rc = cdn_error_set(CDN_EIO, NULL, "cannot write the export: %s", strerror(errno));
out:
	if (f && fclose(f) != 0 && rc == 0)
		rc = cdn_error_set(CDN_EIO, NULL, "cannot write the export: %s", strerror(errno));
	cdn_txn_abort(txn);
	return rc;
}

int
cdn_export(struct cdn_store *st, const char *actor, const struct cdn_export_opts *o,
    json_t **result)
{
	struct cdn_share_req req = { NULL, o->since, o->progress, o->progress_arg };
	struct cdn_share_stats stats = { 0 };
	struct dest d = { .spool = -1 };
	struct stamps sp = { "", NULL, NULL };
	struct record_write w = { NULL, &sp };
	char keyid[CDN_KEYID_LEN + 1] = "", *pem = NULL;
	json_t *files = json_array();
	uint64_t objects = 0;
	int rc;

	if (result)
		*result = NULL;
	if (!files)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	/* Who it is for, and that it can be signed, before writing a byte: a
	 * store without its key exports nothing, not even unsigned CSV. */
	if ((rc = cdn_partner_get(st, o->partner, &req.partner)) != 0 ||
	    (rc = cdn_key_public(st, &pem, keyid)) != 0)
		goto out;
	if (o->out || o->format != CDN_EXPORT_CSV) {
		if (!o->out) {
			rc = cdn_error_set(CDN_EUSAGE, "out", "give where to write it (-o %s)",
			    o->format == CDN_EXPORT_MISP ? "DIR" : "FILE");
			goto out;
		}
		rc = o->format == CDN_EXPORT_MISP ? dest_dir(&d, o->out) : dest_file(&d, o->out);
		if (rc != 0)
			goto out;
	} else if ((rc = dest_spool(&d)) != 0) {
		goto out;
	} else {
		keyid[0] = '\0';	/* to standard output: unsigned */
	}
	if ((rc = generate(st, o, &req, &d, &sp, &stats, &objects)) != 0)
		goto out;
	if (stats.groups == 0) {
		rc = cdn_error_set(CDN_EINVAL, NULL, "nothing to share with %s%s: its policy selects no "
		    "alert or case it may receive (see cordon partner show %s)", o->partner,
		    o->since ? " since then" : "", o->partner);
		goto out;
	}
	/* What leaves: each file's hash, and the signature over it. */
	if (d.is_dir) {
		rc = sign_dir(st, d.tmp, files, keyid);
	} else if (d.made) {
		const char *name = strrchr(d.final, '/') ? strrchr(d.final, '/') + 1 : d.final;
		char signame[NAME_MAX + 8];

		snprintf(signame, sizeof signame, "%s.sig", name);
		if ((rc = sign_file(st, d.tmp, d.sig_tmp, keyid)) == 0 &&
		    (rc = list_file(files, d.tmp, name)) == 0)
			rc = list_file(files, d.sig_tmp, signame);
	} else {
		uint64_t bytes;
		char hex[65];

		if ((rc = hash_fd(d.spool, "the export", hex, &bytes)) == 0)
			json_array_append_new(files, json_pack("{s:s,s:I,s:s}", "name",
			    "(standard output)", "bytes", (json_int_t)bytes, "sha256", hex));
	}
	/* And beside it, the trail's checkpoint, signed the same way. */
	if (rc == 0 && d.made) {
		const char *name = strrchr(d.final, '/') ? strrchr(d.final, '/') + 1 : d.final;
		char signame[NAME_MAX + 32];

		if ((rc = write_checkpoint(st, actor, d.cp_tmp)) == 0 &&
		    (rc = sign_file(st, d.cp_tmp, d.cps_tmp, keyid)) == 0) {
			snprintf(signame, sizeof signame, "%s.checkpoint.json", name);
			if ((rc = list_file(files, d.cp_tmp, signame)) == 0) {
				snprintf(signame, sizeof signame, "%s.checkpoint.json.sig", name);
				rc = list_file(files, d.cps_tmp, signame);
			}
		}
	}
	if (rc != 0)
		goto out;
	w.rec = json_pack("{s:s,s:s,s:s?,s:o,s:I,s:I,s:I,s:I,s:O,s:s?}", "partner", o->partner,
	    "format", cdn_export_format_name(o->format), "since", o->since, "policy",
	    policy_of(req.partner), "groups", (json_int_t)stats.groups, "records",
	    (json_int_t)stats.records, "links", (json_int_t)stats.links, "objects",
	    (json_int_t)objects, "files", files, "key", keyid[0] ? keyid : NULL);
	if (!w.rec) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if (!o->since)
		json_object_set_new(w.rec, "since", json_null());
	if (!keyid[0])
		json_object_set_new(w.rec, "key", json_null());
	/* Recorded first: nothing is put where it can leave unrecorded. */
	if ((rc = cdn_store_write(st, actor, record_fn, &w)) != 0)
		goto out;
	if (d.made && (rc = dest_place(&d)) != 0)
		goto out;
	if (d.spool >= 0 && (rc = dest_copy(&d, o->stdout_ ? o->stdout_ : stdout)) != 0)
		goto out;
	if (result)
		*result = json_incref(w.rec);
out:
	dest_drop(&d);
	json_decref(w.rec);
	json_decref(files);
	json_decref(req.partner);
	json_decref(sp.before);
	json_decref(sp.after);
	free(pem);
	return rc;
}

/* --- checking --------------------------------------------------------------------- */

static int
read_sig(const char *path, unsigned char sig[CDN_SIG_LEN])
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return cdn_error_set(CDN_ENOTFOUND, NULL, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0 || sb.st_size != CDN_SIG_LEN ||
	    (n = read(fd, sig, CDN_SIG_LEN)) != CDN_SIG_LEN) {
		close(fd);
		return cdn_error_set(CDN_EINVAL, NULL, "%s is not a signature (%d raw bytes)", path,
		    CDN_SIG_LEN);
	}
	close(fd);
	return 0;
}

/* Check file `path` against `sigpath`. */
static int
verify_file(json_t *keys, const char *path, const char *sigpath, char keyid[CDN_KEYID_LEN + 1])
{
	unsigned char sig[CDN_SIG_LEN];
	void *p;
	size_t len;
	int rc;

	if ((rc = read_sig(sigpath, sig)) != 0 || (rc = map_file(path, &p, &len)) != 0)
		return rc;
	rc = cdn_verify(keys, p ? p : "", len, sig, keyid);
	if (p)
		munmap(p, len);
	return rc;
}

static void
report_file(json_t *files, const char *name, const char *problem)
{
	json_array_append_new(files, json_pack("{s:s,s:b,s:s?}", "name", name, "ok", !problem,
	    "problem", problem));
}

static int
verify_dir(json_t *keys, const char *dir, json_t *files, char keyid[CDN_KEYID_LEN + 1])
{
	char sums[PATH_MAX], sig[PATH_MAX], line[PATH_MAX + 80], path[PATH_MAX];
	json_t *listed = json_object();
	struct dirent *e;
	FILE *f;
	DIR *d;
	int rc, bad = 0;

	snprintf(sums, sizeof sums, "%s/SHA256SUMS", dir);
	snprintf(sig, sizeof sig, "%s/SHA256SUMS.sig", dir);
	if ((rc = verify_file(keys, sums, sig, keyid)) != 0) {
		report_file(files, "SHA256SUMS", cdn_error_last()->message);
		json_decref(listed);
		return rc;
	}
	report_file(files, "SHA256SUMS", NULL);
	if ((f = fopen(sums, "r")) == NULL) {
		json_decref(listed);
		return cdn_error_set(CDN_EIO, NULL, "%s: %s", sums, strerror(errno));
	}
	while (fgets(line, sizeof line, f)) {
		char hex[65], *name = line + 66;
		uint64_t bytes;

		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) < 67 || line[64] != ' ' || line[65] != ' ' || strchr(name, '/') ||
		    name[0] == '.') {
			bad = 1;
			report_file(files, "SHA256SUMS", "holds a line that is not HASH  NAME");
			continue;
		}
		json_object_set_new(listed, name, json_true());
		snprintf(path, sizeof path, "%s/%s", dir, name);
		if (hash_file(path, hex, &bytes) != 0) {
			bad = 1;
			report_file(files, name, "missing");
			cdn_error_clear();
		} else if (strncmp(hex, line, 64) != 0) {
			bad = 1;
			report_file(files, name, "differs from its SHA-256 in SHA256SUMS (changed)");
		} else {
			report_file(files, name, NULL);
		}
	}
	fclose(f);
	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.' && strcmp(e->d_name, "SHA256SUMS") != 0 &&
			    strcmp(e->d_name, "SHA256SUMS.sig") != 0 &&
			    !json_object_get(listed, e->d_name)) {
				bad = 1;
				report_file(files, e->d_name, "not in SHA256SUMS (added)");
			}
		closedir(d);
	}
	json_decref(listed);
	return bad ? cdn_error_set(CDN_EINVAL, NULL, "%s: files differ from what was signed", dir) : 0;
}

int
cdn_export_verify(json_t *keys, const char *path, json_t **report)
{
	char keyid[CDN_KEYID_LEN + 1] = "", sig[PATH_MAX];
	json_t *files = json_array();
	struct stat sb;
	int rc;

	*report = NULL;
	if (!files)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if (stat(path, &sb) != 0) {
		json_decref(files);
		return cdn_error_set(CDN_ENOTFOUND, NULL, "%s: %s", path, strerror(errno));
	}
	if (S_ISDIR(sb.st_mode)) {
		rc = verify_dir(keys, path, files, keyid);
	} else {
		snprintf(sig, sizeof sig, "%s.sig", path);
		rc = verify_file(keys, path, sig, keyid);
		report_file(files, path, rc ? cdn_error_last()->message : NULL);
	}
	*report = json_pack("{s:b,s:s?,s:o}", "ok", rc == 0, "key", keyid[0] ? keyid : NULL, "files",
	    files);
	return rc;
}

/* --- the log ------------------------------------------------------------------------ */

struct log {
	const char *partner;
	size_t limit;
	json_t *out;
};

/*
 * A feed's record lists each of its thousands of files with its SHA-256;
 * they are all in its SHA256SUMS, whose own hash the record holds. In a
 * list of exports, a feed shows only the files of its top level and the
 * checkpoint beside it, with "file_count" saying how many there are in
 * all; cdn_export_get gives the whole record.
 */
static int
short_files(json_t *rec)
{
	json_t *files = json_object_get(rec, "files"), *kept, *f;
	size_t i, n = json_array_size(files);

	if (strcmp(json_string_value(json_object_get(rec, "format")) ?: "", "misp") != 0)
		return 0;
	if ((kept = json_array()) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	json_array_foreach(files, i, f) {
		const char *name = json_string_value(json_object_get(f, "name")) ?: "";

		if (strncmp(name, "SHA256SUMS", 10) == 0 || strstr(name, ".checkpoint.json") ||
		    strcmp(name, "manifest.json") == 0 || strcmp(name, "hashes.csv") == 0)
			json_array_append(kept, f);
	}
	if (json_object_set_new(rec, "files", kept) != 0 ||
	    json_object_set_new(rec, "file_count", json_integer((json_int_t)n)) != 0)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	return 0;
}

static int
log_one(void *arg, MDB_val *k, MDB_val *v)
{
	struct log *l = arg;
	const char *p;
	json_t *rec;
	int rc;

	if ((rc = cdn_json_decode_meta(k->mv_data, k->mv_size, v->mv_data, v->mv_size, &rec)) != 0)
		return rc;
	p = json_string_value(json_object_get(rec, "partner"));
	if ((!l->partner || (p && strcmp(p, l->partner) == 0)) &&
	    ((rc = short_files(rec)) != 0 || json_array_append(l->out, rec) != 0)) {
		json_decref(rec);
		return rc ? rc : cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	json_decref(rec);
	return l->limit && json_array_size(l->out) >= l->limit;
}

int
cdn_export_get(struct cdn_store *st, uint64_t seq, json_t **out)
{
	struct cdn_txn *txn;
	char key[64];
	int rc;

	*out = NULL;
	snprintf(key, sizeof key, "export/%012" PRIu64, seq);
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	rc = cdn_meta_get_json(txn, key, out);
	cdn_txn_abort(txn);
	if (rc == 0 && !*out)
		rc = cdn_error_set(CDN_ENOTFOUND, NULL, "no export %" PRIu64, seq);
	return rc;
}

int
cdn_export_log(struct cdn_store *st, const char *partner, size_t limit, json_t **out)
{
	struct log l = { partner, limit, json_array() };
	struct cdn_txn *txn;
	int rc;

	*out = NULL;
	if (!l.out)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_meta_each(txn, "export/", 1, log_one, &l);
		cdn_txn_abort(txn);
	}
	if (rc < 0) {
		json_decref(l.out);
		return rc;
	}
	*out = l.out;
	return 0;
}
