/*
 * user.c - users, roles, passwords and API tokens (user.h).
 *
 * A password is kept as scrypt (OpenSSL's EVP_PBE_scrypt) of the password
 * with a random 16-byte salt, N = 2^15, r = 8, p = 1: about 0.2 s and
 * 32 MiB a check, which is what makes a stolen store's hashes expensive
 * to attack. The parameters are stored with each hash, so they can be
 * raised later without breaking old ones.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "cordon/audit.h"
#include "cordon/check.h"
#include "cordon/user.h"
#include "internal.h"
#include "json.h"

#define SCRYPT_N	32768
#define SCRYPT_R	8
#define SCRYPT_P	1
#define SCRYPT_MAXMEM	((uint64_t)64 << 20)
#define SALT_LEN	16
#define HASH_LEN	32

static const char *const role_names[] = { "partner", "officer", "analyst", "supervisor",
	"admin", NULL };

/* The role named `s`, or -1. */
static int
role_parse(const char *s)
{
	for (int i = 0; s && role_names[i]; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

const char *
cdn_role_name(enum cdn_role r)
{
	return (unsigned)r < sizeof role_names / sizeof *role_names - 1 ? role_names[r] : "?";
}

/* --- passwords ------------------------------------------------------------------ */

static int
scrypt(const char *password, const unsigned char *salt, uint64_t n, uint64_t r, uint64_t p,
    unsigned char out[HASH_LEN])
{
	if (EVP_PBE_scrypt(password, strlen(password), salt, SALT_LEN, n, r, p, SCRYPT_MAXMEM,
	    out, HASH_LEN) != 1)
		return cdn_error_set(CDN_ENOMEM, NULL, "cannot hash the password (scrypt failed)");
	return 0;
}

static int
check_password(const char *password)
{
	size_t n = password ? strlen(password) : 0;

	if (n < CDN_PASSWORD_MIN)
		return cdn_error_set(CDN_EINVAL, "password", "must be at least %d bytes",
		    CDN_PASSWORD_MIN);
	if (n > CDN_PASSWORD_MAX)
		return cdn_error_set(CDN_EINVAL, "password", "must be at most %d bytes",
		    CDN_PASSWORD_MAX);
	return 0;
}

/* The stored form of `password`: a new object. */
static int
password_json(const char *password, json_t **out)
{
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	char salthex[2 * SALT_LEN + 1], hashhex[2 * HASH_LEN + 1];
	int rc;

	if (RAND_bytes(salt, sizeof salt) != 1)
		return cdn_error_set(CDN_ESTORE, NULL, "no random bytes for a salt");
	if ((rc = scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, hash)) != 0)
		return rc;
	cdn_hex(salt, sizeof salt, salthex);
	cdn_hex(hash, sizeof hash, hashhex);
	OPENSSL_cleanse(hash, sizeof hash);
	*out = json_pack("{s:s,s:I,s:I,s:I,s:s,s:s}", "scheme", "scrypt", "N", (json_int_t)SCRYPT_N,
	    "r", (json_int_t)SCRYPT_R, "p", (json_int_t)SCRYPT_P, "salt", salthex, "hash", hashhex);
	return *out ? 0 : cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
}

static int
unhex(const char *s, unsigned char *out, size_t n)
{
	if (!s || strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;

		for (int j = 0; j < 2; j++) {
			char c = s[2 * i + j];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

/* 1 if `password` matches the stored `pw`, 0 if not. */
static int
password_matches(json_t *pw, const char *password)
{
	unsigned char salt[SALT_LEN], want[HASH_LEN], got[HASH_LEN];
	json_int_t n = json_integer_value(json_object_get(pw, "N"));
	json_int_t r = json_integer_value(json_object_get(pw, "r"));
	json_int_t p = json_integer_value(json_object_get(pw, "p"));
	int same;

	if (unhex(json_string_value(json_object_get(pw, "salt")), salt, SALT_LEN) != 0 ||
	    unhex(json_string_value(json_object_get(pw, "hash")), want, HASH_LEN) != 0 ||
	    n < 2 || r < 1 || p < 1 || scrypt(password, salt, (uint64_t)n, (uint64_t)r,
	    (uint64_t)p, got) != 0) {
		cdn_error_clear();
		return 0;
	}
	same = CRYPTO_memcmp(got, want, HASH_LEN) == 0;
	OPENSSL_cleanse(got, sizeof got);
	return same;
}

/* --- stored users ------------------------------------------------------------------ */

static void
user_key(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "user/%s", name);
}

/* User `name` as stored: `*out` NULL if there is none. */
static int
user_get(struct cdn_txn *txn, const char *name, json_t **out)
{
	char key[96];

	user_key(key, sizeof key, name);
	return cdn_meta_get_json(txn, key, out);
}

struct user_write {
	const char *name, *role, *password;
	int add;
	int disable;		/* 1 disable, 0 enable, -1 neither (a password) */
};

static int
user_write_fn(struct cdn_txn *txn, void *arg)
{
	struct user_write *w = arg;
	char key[96];
	json_t *rec = NULL, *pw = NULL;
	int64_t version = 1;
	int rc;

	if ((rc = user_get(txn, w->name, &rec)) != 0)
		return rc;
	if (w->add && rec) {
		json_decref(rec);
		return cdn_error_set(CDN_EEXIST, NULL, "user %s exists", w->name);
	}
	if (!w->add && !rec)
		return cdn_error_set(CDN_ENOTFOUND, NULL, "no user %s", w->name);
	if (w->disable >= 0) {
		/* Already so: nothing to write. */
		if (json_is_true(json_object_get(rec, "disabled")) == w->disable) {
			json_decref(rec);
			return 0;
		}
		version = json_integer_value(json_object_get(rec, "version")) + 1;
		if (w->disable)
			json_object_set_new(rec, "disabled", json_true());
		else
			json_object_del(rec, "disabled");
		json_object_set_new(rec, "version", json_integer(version));
		json_object_set_new(rec, "updated_at", json_string(cdn_txn_now(txn)));
		json_object_set_new(rec, "updated_by", json_string(cdn_txn_user(txn)));
		user_key(key, sizeof key, w->name);
		rc = cdn_meta_put_audited(txn, key, rec, version, w->disable ? "user-disable" :
		    "user-enable", NULL);
		json_decref(rec);
		return rc;
	}
	/* No password: the user signs in with API tokens only. */
	if (!w->password)
		pw = json_null();
	else if ((rc = password_json(w->password, &pw)) != 0) {
		json_decref(rec);
		return rc;
	}
	if (rec) {
		version = json_integer_value(json_object_get(rec, "version")) + 1;
		json_object_set_new(rec, "password", pw);
		json_object_set_new(rec, "version", json_integer(version));
	} else {
		rec = json_pack("{s:s,s:s,s:I,s:o,s:s,s:s}", "name", w->name, "role", w->role,
		    "version", (json_int_t)version, "password", pw, "created_at", cdn_txn_now(txn),
		    "created_by", cdn_txn_user(txn));
	}
	if (!rec)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	json_object_set_new(rec, "updated_at", json_string(cdn_txn_now(txn)));
	json_object_set_new(rec, "updated_by", json_string(cdn_txn_user(txn)));
	user_key(key, sizeof key, w->name);
	rc = cdn_meta_put_audited(txn, key, rec, version, w->add ? "user-add" : "user-passwd", NULL);
	json_decref(rec);
	return rc;
}

int
cdn_user_add(struct cdn_store *st, const char *actor, const char *name, const char *role,
    const char *password)
{
	struct user_write w = { name, role, password, 1, -1 };
	char why[CDN_WHY_MAX];
	int rc;

	if (!name || cdn_check_username(name, why) != 0)
		return cdn_error_set(CDN_EINVAL, "name", "%s", name ? why : "required");
	if (role_parse(role) < 0)
		return cdn_error_set(CDN_EINVAL, "role", "'%.40s' is not a role (partner, officer, "
		    "analyst, supervisor or admin)", role ? role : "");
	if ((rc = check_password(password)) != 0)
		return rc;
	return cdn_store_write(st, actor, user_write_fn, &w);
}

int
cdn_user_add_txn(struct cdn_txn *txn, const char *name, const char *role)
{
	struct user_write w = { name, role, NULL, 1, -1 };

	return user_write_fn(txn, &w);
}

/* The meta keys of a user's tokens. */
struct user_tokens {
	const char *user;
	json_t *keys;
};

static int
token_of(void *arg, MDB_val *k, MDB_val *v)
{
	struct user_tokens *t = arg;
	json_t *rec = json_loadb(v->mv_data, v->mv_size, 0, NULL);
	const char *u = json_string_value(json_object_get(rec, "user"));

	if (!rec)
		return cdn_error_set(CDN_ESTORE, NULL, "the stored %.*s is damaged",
		    (int)(k->mv_size < 80 ? k->mv_size : 80), (const char *)k->mv_data);
	if (u && strcmp(u, t->user) == 0)
		json_array_append_new(t->keys, json_stringn(k->mv_data, k->mv_size));
	json_decref(rec);
	return 0;
}

int
cdn_user_remove_txn(struct cdn_txn *txn, const char *name)
{
	struct user_tokens t = { name, json_array() };
	char key[96];
	json_t *rec = NULL, *k;
	size_t i;
	int rc;

	if (!t.keys)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if ((rc = user_get(txn, name, &rec)) != 0 || !rec ||
	    (rc = cdn_meta_each(txn, "token/", 0, token_of, &t)) != 0)
		goto out;
	/* Its tokens go with it: none may outlive the user it stood for. */
	json_array_foreach(t.keys, i, k)
		if ((rc = cdn_meta_del_audited(txn, json_string_value(k), 2, "token-remove",
		    NULL)) != 0)
			goto out;
	user_key(key, sizeof key, name);
	rc = cdn_meta_del_audited(txn, key, json_integer_value(json_object_get(rec, "version")) + 1,
	    "user-remove", NULL);
out:
	json_decref(rec);
	json_decref(t.keys);
	return rc;
}

int
cdn_user_passwd(struct cdn_store *st, const char *actor, const char *name, const char *password)
{
	struct user_write w = { name, NULL, password, 0, -1 };
	int rc;

	if ((rc = check_password(password)) != 0)
		return rc;
	return cdn_store_write(st, actor, user_write_fn, &w);
}

int
cdn_user_disable(struct cdn_store *st, const char *actor, const char *name, int disabled)
{
	struct user_write w = { name, NULL, NULL, 0, disabled ? 1 : 0 };
	char why[CDN_WHY_MAX];

	if (!name || cdn_check_username(name, why) != 0)
		return cdn_error_set(CDN_EINVAL, "name", "%s", name ? why : "required");
	return cdn_store_write(st, actor, user_write_fn, &w);
}

/* `*role` and `*version` of stored user `rec`: 0, or CDN_EAUTH if it is
 * disabled or its role is unknown. */
static int
user_may_act(json_t *rec, enum cdn_role *role, int64_t *version)
{
	int r = role_parse(json_string_value(json_object_get(rec, "role")));

	if (r < 0)
		return cdn_error_set(CDN_EAUTH, NULL, "the user's role is unknown");
	if (json_is_true(json_object_get(rec, "disabled")))
		return cdn_error_set(CDN_EAUTH, NULL, "user %s is disabled",
		    json_string_value(json_object_get(rec, "name")));
	*role = (enum cdn_role)r;
	if (version)
		*version = json_integer_value(json_object_get(rec, "version"));
	return 0;
}

int
cdn_user_state(struct cdn_store *st, const char *name, enum cdn_role *role, int64_t *version)
{
	struct cdn_txn *txn;
	json_t *rec = NULL;
	char why[CDN_WHY_MAX];
	int rc;

	if (!name || cdn_check_username(name, why) != 0)
		return cdn_error_set(CDN_EAUTH, NULL, "no such user");
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	rc = user_get(txn, name, &rec);
	cdn_txn_abort(txn);
	if (rc == 0)
		rc = rec ? user_may_act(rec, role, version) : cdn_error_set(CDN_EAUTH, NULL,
		    "no user %s", name);
	json_decref(rec);
	return rc;
}

int
cdn_user_list(struct cdn_store *st, json_t **out)
{
	struct cdn_txn *txn;
	json_t *rec;
	size_t i;
	int rc;

	if ((*out = json_array()) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	rc = cdn_meta_list(txn, "user/", *out);
	cdn_txn_abort(txn);
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_array_foreach(*out, i, rec)
		json_object_del(rec, "password");
	return 0;
}

int
cdn_user_check(struct cdn_store *st, const char *name, const char *password,
    enum cdn_role *role, int64_t *version)
{
	/* Checked against when there is no such user, so that the answer
	 * takes as long either way. */
	static const char *const dummy = "{\"scheme\":\"scrypt\",\"N\":32768,\"r\":8,\"p\":1,"
	    "\"salt\":\"00000000000000000000000000000000\",\"hash\":"
	    "\"0000000000000000000000000000000000000000000000000000000000000000\"}";
	struct cdn_txn *txn;
	json_t *rec = NULL, *pw;
	char why[CDN_WHY_MAX];
	int rc, ok;

	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	if (name && cdn_check_username(name, why) == 0)
		rc = user_get(txn, name, &rec);
	cdn_txn_abort(txn);
	if (rc != 0)
		return rc;
	pw = rec ? json_incref(json_object_get(rec, "password")) : json_loads(dummy, 0, NULL);
	ok = password && strlen(password) <= CDN_PASSWORD_MAX && password_matches(pw, password);
	json_decref(pw);
	if (!rec || !ok) {
		json_decref(rec);
		return cdn_error_set(CDN_EAUTH, NULL, "wrong user name or password");
	}
	/* Only who knows the password learns that the user is disabled. */
	rc = user_may_act(rec, role, version);
	json_decref(rec);
	return rc;
}

/* --- tokens ----------------------------------------------------------------------- */

static void
token_key(char *buf, size_t cap, const char *token)
{
	unsigned char h[32];
	char hex[65];

	cdn_sha256(token, strlen(token), h);
	cdn_hex(h, sizeof h, hex);
	snprintf(buf, cap, "token/%s", hex);
}

struct token_write {
	const char *name, *label, *token;
};

static int
token_write_fn(struct cdn_txn *txn, void *arg)
{
	struct token_write *w = arg;
	char key[96];
	json_t *user, *rec;
	int rc;

	if ((rc = user_get(txn, w->name, &user)) != 0)
		return rc;
	if (!user)
		return cdn_error_set(CDN_ENOTFOUND, NULL, "no user %s", w->name);
	json_decref(user);
	rec = json_pack("{s:s,s:s,s:I,s:s,s:s}", "user", w->name, "label", w->label ? w->label : "",
	    "version", (json_int_t)1, "created_at", cdn_txn_now(txn), "created_by",
	    cdn_txn_user(txn));
	if (!rec)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	token_key(key, sizeof key, w->token);
	rc = cdn_meta_put_audited(txn, key, rec, 1, "token-create", NULL);
	json_decref(rec);
	return rc;
}

int
cdn_token_create(struct cdn_store *st, const char *actor, const char *name, const char *label,
    char token[CDN_TOKEN_LEN + 1])
{
	unsigned char raw[32];
	struct token_write w = { name, label, token };
	int rc;

	if (label && strlen(label) > 200)
		return cdn_error_set(CDN_EINVAL, "label", "must be at most 200 bytes");
	if (RAND_bytes(raw, sizeof raw) != 1)
		return cdn_error_set(CDN_ESTORE, NULL, "no random bytes for a token");
	memcpy(token, "cordon_", 7);
	cdn_hex(raw, sizeof raw, token + 7);
	OPENSSL_cleanse(raw, sizeof raw);
	if ((rc = cdn_store_write(st, actor, token_write_fn, &w)) != 0)
		OPENSSL_cleanse(token, CDN_TOKEN_LEN + 1);
	return rc;
}

int
cdn_token_check(struct cdn_store *st, const char *token, char user[65], enum cdn_role *role)
{
	struct cdn_txn *txn;
	char key[96];
	json_t *rec = NULL, *u = NULL;
	int rc, r = -1;

	if (!token || strlen(token) != CDN_TOKEN_LEN || strncmp(token, "cordon_", 7) != 0)
		return cdn_error_set(CDN_EAUTH, NULL, "not a valid token");
	token_key(key, sizeof key, token);
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	/* The key is the token's hash: looking it up reveals nothing of
	 * other tokens, however long the comparison takes. A store that
	 * cannot say is its error, not an unknown token. */
	rc = cdn_meta_get_json(txn, key, &rec);
	if (rc == 0 && rec && (rc = user_get(txn, json_string_value(json_object_get(rec, "user")),
	    &u)) == 0 && u && !json_is_true(json_object_get(u, "disabled")))
		r = role_parse(json_string_value(json_object_get(u, "role")));
	cdn_txn_abort(txn);
	if (rc == 0 && r >= 0) {
		snprintf(user, 65, "%s", json_string_value(json_object_get(u, "name")));
		*role = (enum cdn_role)r;
	}
	json_decref(rec);
	json_decref(u);
	if (rc != 0)
		return rc;
	return r >= 0 ? 0 : cdn_error_set(CDN_EAUTH, NULL, "unknown token");
}

/* The id a token is listed and revoked by: the first hex digits of its
 * SHA-256, which is its key in the store ("token/HASH"). */
static int
token_list_one(void *arg, MDB_val *k, MDB_val *v)
{
	struct user_tokens *t = arg;
	const char *hash = (const char *)k->mv_data + 6;	/* after "token/" */
	const char *u;
	json_t *rec;
	int rc;

	if ((rc = cdn_json_decode_meta(k->mv_data, k->mv_size, v->mv_data, v->mv_size, &rec)) != 0)
		return rc;
	if (k->mv_size < 6 + CDN_TOKEN_ID_LEN) {
		json_decref(rec);
		return cdn_error_set(CDN_ESTORE, NULL, "the stored %.*s is damaged",
		    (int)(k->mv_size < 80 ? k->mv_size : 80), (const char *)k->mv_data);
	}
	u = json_string_value(json_object_get(rec, "user"));
	if (!t->user || (u && strcmp(u, t->user) == 0)) {
		json_object_del(rec, "version");
		json_object_set_new(rec, "id", json_stringn(hash, CDN_TOKEN_ID_LEN));
		json_array_append(t->keys, rec);
	}
	json_decref(rec);
	return 0;
}

int
cdn_token_list(struct cdn_store *st, const char *user, json_t **out)
{
	struct user_tokens t = { user, json_array() };
	struct cdn_txn *txn;
	int rc;

	*out = NULL;
	if (!t.keys)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0) {
		json_decref(t.keys);
		return rc;
	}
	rc = cdn_meta_each(txn, "token/", 0, token_list_one, &t);
	cdn_txn_abort(txn);
	if (rc != 0) {
		json_decref(t.keys);
		return rc;
	}
	*out = t.keys;
	return 0;
}

struct token_revoke {
	char prefix[80];	/* "token/" and the hex digits given */
	char key[80];		/* the one found */
	int found;
};

static int
token_match(void *arg, MDB_val *k, MDB_val *v)
{
	struct token_revoke *t = arg;

	(void)v;
	if (t->found++ == 0 && k->mv_size < sizeof t->key) {
		memcpy(t->key, k->mv_data, k->mv_size);
		t->key[k->mv_size] = '\0';
	}
	return 0;
}

static int
token_revoke_fn(struct cdn_txn *txn, void *arg)
{
	struct token_revoke *t = arg;
	int rc;

	if ((rc = cdn_meta_each(txn, t->prefix, 0, token_match, t)) != 0)
		return rc;
	if (t->found == 0)
		return cdn_error_set(CDN_ENOTFOUND, NULL, "no token %s", t->prefix + 6);
	if (t->found > 1)
		return cdn_error_set(CDN_EINVAL, "id", "%s names %d tokens: give more of its digits",
		    t->prefix + 6, t->found);
	return cdn_meta_del_audited(txn, t->key, 2, "token-revoke", NULL);
}

int
cdn_token_revoke(struct cdn_store *st, const char *actor, const char *id)
{
	struct token_revoke t = { "", "", 0 };
	size_t n = id ? strlen(id) : 0;

	if (n == CDN_TOKEN_LEN && strncmp(id, "cordon_", 7) == 0) {
		token_key(t.prefix, sizeof t.prefix, id);	/* the token itself */
	} else {
		if (n < 8 || n > 64 || strspn(id, "0123456789abcdef") != n)
			return cdn_error_set(CDN_EINVAL, "id", "a token id is 8 to 64 hex digits (as "
			    "token list shows them), or the token itself");
		snprintf(t.prefix, sizeof t.prefix, "token/%s", id);
	}
	return cdn_store_write(st, actor, token_revoke_fn, &t);
}
