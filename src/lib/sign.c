/*
 * sign.c - the store's signing key and detached Ed25519 signatures
 * (sign.h), over OpenSSL.
 *
 * A rotation is ordered so that no public key is ever lost: the new key
 * is written beside the old one (signing.key.new), then both public keys
 * are listed in meta in one transaction, and only then is the new key
 * renamed over the old. A crash before the rename leaves the old key in
 * use (and, harmlessly, listed as retired); the next rotation starts over.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cordon/sign.h"
#include "internal.h"
#include "json.h"

int
cdn_key_generate(const char *path)
{
	EVP_PKEY *key = NULL;
	FILE *f = NULL;
	int fd, rc = CDN_ESTORE;

	if ((key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL) {
		cdn_error_set(CDN_ESTORE, NULL, "cannot generate the signing key");
		goto out;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 ||
	    (f = fdopen(fd, "w")) == NULL) {
		cdn_error_set(CDN_ESTORE, NULL, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) ||
	    fflush(f) != 0 || fsync(fileno(f)) != 0) {
		cdn_error_set(CDN_ESTORE, NULL, "%s: cannot write the key", path);
		goto out;
	}
	rc = 0;
out:
	if (f)
		fclose(f);
	EVP_PKEY_free(key);
	return rc;
}

/* The private key in `path`; `missing` is the error's remedy when there
 * is no such file (NULL: a plain "no such file"). */
static int
load_key_path(const char *path, const char *missing, EVP_PKEY **out)
{
	FILE *f;

	*out = NULL;
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && missing)
			return cdn_error_set(CDN_ENOTFOUND, NULL, "%s (%s): %s", missing, path,
			    "make one with cordon key rotate");
		return cdn_error_set(errno == ENOENT ? CDN_ENOTFOUND : CDN_ESTORE, NULL, "%s: %s",
		    path, strerror(errno));
	}
	*out = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!*out || EVP_PKEY_get_id(*out) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(*out);
		*out = NULL;
		return cdn_error_set(CDN_EINVAL, NULL, "%s is not an Ed25519 private key", path);
	}
	return 0;
}

/* The store's private key, or CDN_ENOTFOUND saying how to make one. */
static int
load_key(struct cdn_store *st, EVP_PKEY **out)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/signing.key", cdn_store_dir(st));
	return load_key_path(path, "the store has no signing key", out);
}

/* A key's public half as PEM (malloc'd) and its ID. */
static int
public_of(EVP_PKEY *key, char **pem, char id[CDN_KEYID_LEN + 1])
{
	unsigned char raw[32], h[32];
	char hex[65];
	size_t rawlen = sizeof raw;
	BIO *bio;
	char *p;
	long n;

	if (EVP_PKEY_get_raw_public_key(key, raw, &rawlen) != 1 || rawlen != 32)
		return cdn_error_set(CDN_ESTORE, NULL, "cannot read the public key");
	cdn_sha256(raw, rawlen, h);
	cdn_hex(h, 8, hex);
	memcpy(id, hex, CDN_KEYID_LEN);
	id[CDN_KEYID_LEN] = '\0';
	if (!pem)
		return 0;
	if ((bio = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_PUBKEY(bio, key) ||
	    (n = BIO_get_mem_data(bio, &p)) <= 0 || (*pem = strndup(p, (size_t)n)) == NULL) {
		BIO_free(bio);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	BIO_free(bio);
	return 0;
}

int
cdn_key_public(struct cdn_store *st, char **pem, char id[CDN_KEYID_LEN + 1])
{
	EVP_PKEY *key;
	int rc;

	*pem = NULL;
	if ((rc = load_key(st, &key)) != 0)
		return rc;
	rc = public_of(key, pem, id);
	EVP_PKEY_free(key);
	return rc;
}

static int
newest_first(const void *a, const void *b)
{
	const char *x = json_string_value(json_object_get(*(json_t *const *)a, "retired_at"));
	const char *y = json_string_value(json_object_get(*(json_t *const *)b, "retired_at"));

	return strcmp(y ? y : "", x ? x : "");
}

int
cdn_key_list(struct cdn_store *st, json_t **out)
{
	char id[CDN_KEYID_LEN + 1], *pem = NULL;
	json_t *stored = json_array(), *cur = NULL, *k, **old = NULL;
	struct cdn_txn *txn;
	size_t i, n = 0;
	int rc;

	*out = NULL;
	if (!stored)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_meta_list(txn, "key/", stored);
		cdn_txn_abort(txn);
	}
	if (rc == 0)
		rc = cdn_key_public(st, &pem, id);
	if (rc == 0 && (old = calloc(json_array_size(stored) + 1, sizeof *old)) == NULL)
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if (rc != 0) {
		free(pem);
		json_decref(stored);
		return rc;
	}
	/* The current key is the one in signing.key, listed or not. */
	json_array_foreach(stored, i, k) {
		if (strcmp(json_string_value(json_object_get(k, "id")) ?: "", id) == 0) {
			cur = json_incref(k);
		} else {
			json_object_set_new(k, "current", json_false());
			old[n++] = k;
		}
	}
	if (!cur)
		cur = json_pack("{s:s,s:n}", "id", id, "created_at");
	json_object_set_new(cur, "public", json_string(pem));
	json_object_set_new(cur, "current", json_true());
	json_object_set_new(cur, "retired_at", json_null());
	free(pem);
	qsort(old, n, sizeof *old, newest_first);
	*out = json_array();
	json_array_append_new(*out, cur);
	for (i = 0; i < n; i++)
		json_array_append(*out, old[i]);
	free(old);
	json_decref(stored);
	return 0;
}

struct rotate {
	const char *old_id, *old_pem, *new_id, *new_pem;
};

static int
rotate_fn(struct cdn_txn *txn, void *arg)
{
	struct rotate *r = arg;
	char key[64];
	json_t *old, *rec;
	int64_t version = 1;
	int rc;

	if (r->old_id) {
		snprintf(key, sizeof key, "key/%s", r->old_id);
		if ((rc = cdn_meta_get_json(txn, key, &old)) != 0)
			return rc;
		if (old) {
			version = json_integer_value(json_object_get(old, "version")) + 1;
			rec = old;
		} else {
			rec = json_pack("{s:s,s:s,s:n,s:n}", "id", r->old_id, "public", r->old_pem,
			    "created_at", "created_by");
		}
		if (!rec)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		json_object_set_new(rec, "version", json_integer(version));
		json_object_set_new(rec, "retired_at", json_string(cdn_txn_now(txn)));
		json_object_set_new(rec, "retired_by", json_string(cdn_txn_user(txn)));
		rc = cdn_meta_put_audited(txn, key, rec, version, "key-retire", NULL);
		json_decref(rec);
		if (rc != 0)
			return rc;
	}
	snprintf(key, sizeof key, "key/%s", r->new_id);
	rec = json_pack("{s:s,s:s,s:I,s:s,s:s,s:n,s:n}", "id", r->new_id, "public", r->new_pem,
	    "version", (json_int_t)1, "created_at", cdn_txn_now(txn), "created_by",
	    cdn_txn_user(txn), "retired_at", "retired_by");
	if (!rec)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	rc = cdn_meta_put_audited(txn, key, rec, 1, "key-create", NULL);
	json_decref(rec);
	return rc;
}

int
cdn_key_rotate(struct cdn_store *st, const char *actor, json_t **out)
{
	char path[PATH_MAX], tmp[PATH_MAX], old_id[CDN_KEYID_LEN + 1], new_id[CDN_KEYID_LEN + 1];
	char *old_pem = NULL, *new_pem = NULL;
	struct rotate r = { NULL, NULL, new_id, NULL };
	EVP_PKEY *key = NULL;
	FILE *f;
	int rc;

	if (out)
		*out = NULL;
	snprintf(path, sizeof path, "%s/signing.key", cdn_store_dir(st));
	snprintf(tmp, sizeof tmp, "%s/signing.key.new", cdn_store_dir(st));
	rc = cdn_key_public(st, &old_pem, old_id);
	if (rc == 0) {
		r.old_id = old_id;
		r.old_pem = old_pem;
	} else if (rc == CDN_ENOTFOUND) {
		cdn_error_clear();
	} else {
		return rc;
	}
	unlink(tmp);	/* what a rotation cut short left */
	if ((rc = cdn_key_generate(tmp)) != 0)
		goto out;
	if ((f = fopen(tmp, "r")) == NULL || (key = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL) {
		if (f)
			fclose(f);
		rc = cdn_error_set(CDN_ESTORE, NULL, "%s: cannot read back the new key", tmp);
		goto out;
	}
	fclose(f);
	if ((rc = public_of(key, &new_pem, new_id)) != 0)
		goto out;
	r.new_pem = new_pem;
	if ((rc = cdn_store_write(st, actor, rotate_fn, &r)) != 0)
		goto out;
	if (rename(tmp, path) != 0) {
		rc = cdn_error_set(CDN_ESTORE, NULL, "cannot put the new key in place: %s",
		    strerror(errno));
		goto out;
	}
	{
		int dfd = open(cdn_store_dir(st), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	if (out) {
		json_t *all = NULL;

		if ((rc = cdn_key_list(st, &all)) == 0 &&
		    (*out = json_deep_copy(json_array_get(all, 0))) != NULL)
			json_object_set_new(*out, "replaced", r.old_id ? json_string(r.old_id) :
			    json_null());
		json_decref(all);
	}
out:
	if (rc != 0)
		unlink(tmp);
	EVP_PKEY_free(key);
	free(old_pem);
	free(new_pem);
	return rc;
}

static int
sign_with(EVP_PKEY *key, const void *data, size_t len, unsigned char sig[CDN_SIG_LEN],
    char keyid[CDN_KEYID_LEN + 1], char **pem)
{
	EVP_MD_CTX *ctx = NULL;
	size_t siglen = CDN_SIG_LEN;
	int rc;

	if ((keyid || pem) && (rc = public_of(key, pem, keyid)) != 0)
		return rc;
	/* Ed25519 signs the message itself (no digest to stream), so the
	 * whole file is handed over at once: callers map it. */
	rc = 0;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, key, NULL) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, data, len) != 1 || siglen != CDN_SIG_LEN)
		rc = cdn_error_set(CDN_ESTORE, NULL, "cannot sign (OpenSSL failed)");
	EVP_MD_CTX_free(ctx);
	if (rc != 0 && pem) {
		free(*pem);
		*pem = NULL;
	}
	return rc;
}

int
cdn_sign(struct cdn_store *st, const void *data, size_t len, unsigned char sig[CDN_SIG_LEN],
    char keyid[CDN_KEYID_LEN + 1])
{
	EVP_PKEY *key;
	int rc;

	if ((rc = load_key(st, &key)) != 0)
		return rc;
	rc = sign_with(key, data, len, sig, keyid, NULL);
	EVP_PKEY_free(key);
	return rc;
}

int
cdn_sign_keyfile(const char *path, const void *data, size_t len, unsigned char sig[CDN_SIG_LEN],
    char keyid[CDN_KEYID_LEN + 1], char **pem)
{
	EVP_PKEY *key;
	int rc;

	if (pem)
		*pem = NULL;
	if ((rc = load_key_path(path, NULL, &key)) != 0)
		return rc;
	rc = sign_with(key, data, len, sig, keyid, pem);
	EVP_PKEY_free(key);
	return rc;
}

int
cdn_key_file_public(const char *path, char **pem, char keyid[CDN_KEYID_LEN + 1])
{
	EVP_PKEY *key = NULL;
	FILE *f;
	int rc;

	*pem = NULL;
	if ((f = fopen(path, "r")) == NULL)
		return cdn_error_set(errno == ENOENT ? CDN_ENOTFOUND : CDN_EIO, NULL, "%s: %s", path,
		    strerror(errno));
	/* A public key, or a private one whose public half is wanted. */
	key = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	if (!key) {
		rewind(f);
		key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	}
	fclose(f);
	if (!key || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(key);
		return cdn_error_set(CDN_EINVAL, NULL, "%s is not an Ed25519 key (PEM)", path);
	}
	rc = public_of(key, pem, keyid);
	EVP_PKEY_free(key);
	return rc;
}

int
cdn_key_file_new(const char *path, char **pem, char keyid[CDN_KEYID_LEN + 1])
{
	int rc;

	if ((rc = cdn_key_generate(path)) != 0)
		return rc;
	return cdn_key_file_public(path, pem, keyid);
}

/* 1 if `pem` is an Ed25519 public key that made `sig`. */
static int
verify_one(const char *pem, const void *data, size_t len, const unsigned char *sig,
    char keyid[CDN_KEYID_LEN + 1])
{
	BIO *bio = pem ? BIO_new_mem_buf(pem, -1) : NULL;
	EVP_PKEY *key = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	EVP_MD_CTX *ctx = NULL;
	int ok = 0;

	if (key && EVP_PKEY_get_id(key) == EVP_PKEY_ED25519 && (ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, key, NULL) == 1 &&
	    EVP_DigestVerify(ctx, sig, CDN_SIG_LEN, data, len) == 1)
		ok = keyid ? public_of(key, NULL, keyid) == 0 : 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	BIO_free(bio);
	return ok;
}

int
cdn_verify(json_t *keys, const void *data, size_t len, const unsigned char sig[CDN_SIG_LEN],
    char keyid[CDN_KEYID_LEN + 1])
{
	json_t *k;
	size_t i;

	json_array_foreach(keys, i, k) {
		const char *pem = json_is_string(k) ? json_string_value(k) :
		    json_string_value(json_object_get(k, "public"));

		if (verify_one(pem, data, len, sig, keyid))
			return 0;
	}
	return cdn_error_set(CDN_EINVAL, NULL, "the signature does not match: the file was changed "
	    "or signed with another key");
}
