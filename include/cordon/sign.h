/*
 * sign.h - the store's Ed25519 signing key, and detached signatures of
 * the files cordon exports to partners.
 *
 * The private key is STORE/signing.key (PEM, mode 0600, made by init).
 * A rotation replaces it and keeps the public key of the one it replaced
 * in the store's meta ("key/ID", audited), so exports signed before the
 * rotation can still be checked. A key's ID is the first 16 hex digits of
 * the SHA-256 of its raw 32-byte public key.
 *
 * A signature is the raw 64-byte Ed25519 signature of a file's bytes,
 * written beside it as FILE.sig, so that stock OpenSSL checks it:
 *
 *   openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in FILE -sigfile FILE.sig
 *
 * Ownership: strings and objects returned through `out` parameters are the
 * caller's (free, json_decref).
 */
#ifndef CORDON_SIGN_H
#define CORDON_SIGN_H

#include <jansson.h>

#include "cordon/store.h"

#define CDN_SIG_LEN 64
#define CDN_KEYID_LEN 16

/*
 * The store's public keys, the current one first, then those it replaced,
 * newest first: [{id, public (PEM), current, created_at, retired_at}]
 * (dates null where unknown). CDN_ENOTFOUND if the store has no key.
 */
int cdn_key_list(struct cdn_store *st, json_t **out);

/* The current public key as PEM (`*pem`, malloc'd) and its ID. */
int cdn_key_public(struct cdn_store *st, char **pem, char id[CDN_KEYID_LEN + 1]);

/*
 * Make a new signing key. The replaced key's public half stays listed,
 * retired now; a store without a key gets its first. `*out` (may be NULL)
 * receives the new key as cdn_key_list describes it, with "replaced": the
 * id of the key it replaced, or null.
 */
int cdn_key_rotate(struct cdn_store *st, const char *actor, json_t **out);

/*
 * Sign `len` bytes with the store's key: `sig` receives the signature and
 * `keyid` (may be NULL) the key's ID. CDN_ENOTFOUND, naming the remedy,
 * if the store has no key.
 */
int cdn_sign(struct cdn_store *st, const void *data, size_t len, unsigned char sig[CDN_SIG_LEN],
    char keyid[CDN_KEYID_LEN + 1]);

/*
 * Keys outside the store (a supervisor's, kept on removable media): make
 * a new private key in `path` (PEM, mode 0600; the file must not exist),
 * sign with the private key in `path`, and read the public half of the
 * key in `path` (a public or a private key, PEM). Each gives the key's
 * public half as PEM (`*pem`, malloc'd; may be NULL where optional) and
 * its ID.
 */
int cdn_key_file_new(const char *path, char **pem, char keyid[CDN_KEYID_LEN + 1]);
int cdn_sign_keyfile(const char *path, const void *data, size_t len, unsigned char sig[CDN_SIG_LEN],
    char keyid[CDN_KEYID_LEN + 1], char **pem);
int cdn_key_file_public(const char *path, char **pem, char keyid[CDN_KEYID_LEN + 1]);

/*
 * Check `sig` over `len` bytes against the public keys in `keys` (PEM
 * strings, or objects with a "public" member, as cdn_key_list gives).
 * 0 with the signer's ID in `keyid` (may be NULL), or CDN_EINVAL if no
 * key made it.
 */
int cdn_verify(json_t *keys, const void *data, size_t len, const unsigned char sig[CDN_SIG_LEN],
    char keyid[CDN_KEYID_LEN + 1]);

#endif
