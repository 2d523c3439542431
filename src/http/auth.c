/*
 * auth.c - who is calling (http.h).
 *
 * Scripts send an API token (`Authorization: Bearer cordon_…`, made by
 * `cordon token create`). Under /taxii2/ a token may also come as the
 * password of HTTP Basic with its user's name, as many TAXII clients know
 * no other scheme; a password is never taken that way. People sign in
 * with a password: POST /api/v1/login sets a session cookie (HttpOnly,
 * SameSite=Strict, Secure over HTTPS) and returns a CSRF token, which
 * every state-changing request from that session must carry in
 * X-CSRF-Token. Sessions live in this process's memory: restarting the
 * server signs everyone out.
 *
 * A token once checked is believed for TOKEN_TTL seconds without reading
 * the store again.
 *
 * Failed logins are counted per user name and per client address in a
 * window of LOGIN_WINDOW seconds; past the limit, logins are refused with
 * 429 until the window has passed, before the password is even checked.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "cordon/error.h"
#include "http.h"

#define SESSIONS	1024
#define SESSION_S	(12 * 3600)	/* a session lasts at most this */
#define IDLE_S		(2 * 3600)	/* or this long unused */
#define COOKIE		"cordon_session"
#define LOGIN_WINDOW	900		/* seconds */
#define LOGIN_PER_USER	5		/* failures in the window */
#define LOGIN_PER_ADDR	20
#define LIMIT_SLOTS	1024
#define TOKEN_SLOTS	64
#define TOKEN_TTL	30		/* seconds a checked token is believed */
#define BASIC_MAX	344		/* base64 characters of Basic credentials */

struct session {
	char id[65], csrf[65];
	char user[65];
	enum cdn_role role;
	time_t created, used;
};

struct limit {
	char key[96];
	unsigned fails;
	time_t since;
};

/* A token checked against the store lately: scripts send the same one
 * with every request, and checking it means reading and parsing two
 * objects. Believed for TOKEN_TTL seconds. */
struct known_token {
	unsigned char hash[32];
	char user[65];
	enum cdn_role role;
	time_t until;
};

static struct {
	pthread_mutex_t lock;
	struct session *s;
	struct limit *l;
	struct known_token t[TOKEN_SLOTS];
} auth = { PTHREAD_MUTEX_INITIALIZER, NULL, NULL, { { { 0 }, { 0 }, 0, 0 } } };

/* 0 and the user if `token` is valid, from the cache or the store. */
static int
token_user(struct cdn_store *st, const char *token, char user[65], enum cdn_role *role)
{
	unsigned char h[32];
	time_t now = time(NULL);
	struct known_token *slot;

	SHA256((const unsigned char *)token, strlen(token), h);
	slot = &auth.t[h[0] % TOKEN_SLOTS];
	pthread_mutex_lock(&auth.lock);
	if (slot->until > now && CRYPTO_memcmp(slot->hash, h, 32) == 0) {
		snprintf(user, 65, "%s", slot->user);
		*role = slot->role;
		pthread_mutex_unlock(&auth.lock);
		return 0;
	}
	pthread_mutex_unlock(&auth.lock);
	if (cdn_token_check(st, token, user, role) != 0)
		return -1;
	pthread_mutex_lock(&auth.lock);
	memcpy(slot->hash, h, 32);
	snprintf(slot->user, sizeof slot->user, "%s", user);
	slot->role = *role;
	slot->until = now + TOKEN_TTL;
	pthread_mutex_unlock(&auth.lock);
	return 0;
}

int
http_auth_init(void)
{
	auth.s = calloc(SESSIONS, sizeof *auth.s);
	auth.l = calloc(LIMIT_SLOTS, sizeof *auth.l);
	return auth.s && auth.l ? 0 : -1;
}

void
http_auth_free(void)
{
	if (auth.s)
		OPENSSL_cleanse(auth.s, SESSIONS * sizeof *auth.s);
	free(auth.s);
	free(auth.l);
	auth.s = NULL;
	auth.l = NULL;
}

static int
random_hex(char out[65])
{
	unsigned char raw[32];
	static const char hex[] = "0123456789abcdef";

	if (RAND_bytes(raw, sizeof raw) != 1)
		return -1;
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

static int
live(const struct session *s, time_t now)
{
	return s->id[0] && now - s->created < SESSION_S && now - s->used < IDLE_S;
}

/* The session with cookie value `id` (locked by the caller), or NULL. */
static struct session *
session_find(const char *id, time_t now)
{
	if (!id || strlen(id) != 64)
		return NULL;
	for (int i = 0; i < SESSIONS; i++)
		if (auth.s[i].id[0] && CRYPTO_memcmp(auth.s[i].id, id, 64) == 0)
			return live(&auth.s[i], now) ? &auth.s[i] : NULL;
	return NULL;
}

/*
 * HTTP Basic credentials `b64` (base64 of "USER:TOKEN"): 0 and the user if
 * TOKEN is a valid token of USER. The decoded secret is wiped after use.
 */
static int
basic_user(struct cdn_store *st, const char *b64, char user[65], enum cdn_role *role)
{
	unsigned char raw[BASIC_MAX / 4 * 3 + 1];
	size_t len;
	char *colon;
	int n, rc = -1;

	while (*b64 == ' ')
		b64++;
	len = strlen(b64);
	while (len && b64[len - 1] == ' ')
		len--;
	if (len == 0 || len > BASIC_MAX || len % 4 != 0 ||
	    (n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)len)) < 0)
		return -1;
	/* EVP_DecodeBlock counts the padding as bytes. */
	n -= (b64[len - 1] == '=') + (b64[len - 2] == '=');
	raw[n] = '\0';
	if (memchr(raw, '\0', (size_t)n) == NULL && (colon = strchr((char *)raw, ':')) != NULL) {
		*colon = '\0';
		if (token_user(st, colon + 1, user, role) == 0 && strcmp(user, (char *)raw) == 0)
			rc = 0;
	}
	OPENSSL_cleanse(raw, sizeof raw);
	return rc;
}

int
http_identify_header(struct http_req *r, int basic)
{
	const char *authz = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	int rc = -1;

	r->authed = 0;
	if (!authz)
		return 0;
	if (strncasecmp(authz, "Bearer ", 7) == 0)
		rc = token_user(r->st, authz + 7, r->user, &r->role);
	else if (basic && strncasecmp(authz, "Basic ", 6) == 0)
		rc = basic_user(r->st, authz + 6, r->user, &r->role);
	cdn_error_clear();
	if (rc != 0)
		memset(r->user, 0, sizeof r->user);
	r->authed = rc == 0;
	return rc == 0 ? 0 : -1;
}

int
http_identify(struct http_req *r, enum MHD_Result *res)
{
	const char *authz = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE);
	time_t now = time(NULL);

	r->authed = 0;
	if (authz) {
		if (http_identify_header(r, 0) != 0) {
			*res = http_error(r, 401, "unauthenticated", NULL, "the token is not valid");
			return -1;
		}
		return 0;
	}
	if (cookie) {
		struct session *s;
		int csrf_ok = 1, state_changing = strcmp(r->method, "GET") != 0 &&
		    strcmp(r->method, "HEAD") != 0;
		const char *csrf = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		    "X-CSRF-Token");

		pthread_mutex_lock(&auth.lock);
		if ((s = session_find(cookie, now)) != NULL) {
			s->used = now;
			snprintf(r->user, sizeof r->user, "%s", s->user);
			r->role = s->role;
			r->authed = 1;
			r->via_cookie = 1;
			memcpy(r->csrf, s->csrf, sizeof r->csrf);
			if (state_changing)
				csrf_ok = csrf && strlen(csrf) == 64 && CRYPTO_memcmp(csrf, s->csrf, 64) == 0;
		}
		pthread_mutex_unlock(&auth.lock);
		if (r->authed && !csrf_ok) {
			*res = http_error(r, 403, "csrf", NULL, "a request that changes something needs "
			    "the session's X-CSRF-Token header");
			return -1;
		}
	}
	return 0;
}

int
http_require(struct http_req *r, enum cdn_role need, enum MHD_Result *res)
{
	if (!r->authed) {
		*res = http_error(r, 401, "unauthenticated", NULL,
		    "sign in (POST /api/v1/login) or send an API token");
		return 0;
	}
	if (r->role < need || r->role == CDN_ROLE_PARTNER) {
		*res = http_error(r, 403, "forbidden", NULL, "the %s role may not do this (it needs %s)",
		    cdn_role_name(r->role), cdn_role_name(need));
		return 0;
	}
	return 1;
}

/* --- login ---------------------------------------------------------------------- */

/* The counter of `key`, made if need be (locked by the caller). */
static struct limit *
limit_of(const char *key, time_t now)
{
	struct limit *oldest = &auth.l[0];

	for (int i = 0; i < LIMIT_SLOTS; i++) {
		struct limit *l = &auth.l[i];

		if (strcmp(l->key, key) == 0) {
			if (now - l->since >= LOGIN_WINDOW) {
				l->fails = 0;
				l->since = now;
			}
			return l;
		}
		if (l->since < oldest->since)
			oldest = l;
	}
	snprintf(oldest->key, sizeof oldest->key, "%s", key);
	oldest->fails = 0;
	oldest->since = now;
	return oldest;
}

enum MHD_Result
http_login(struct http_req *r)
{
	json_error_t jerr;
	json_t *in;
	const char *user, *password;
	char ukey[96], akey[96], addr[64], cookie[200];
	struct session *slot = NULL;
	enum cdn_role role;
	time_t now = time(NULL);
	int limited, rc;

	if (strcmp(r->method, "POST") != 0)
		return http_error(r, 405, "method_not_allowed", NULL, "use POST");
	{
		const char *type = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_TYPE);

		if (!type || strncmp(type, "application/json", 16) != 0)
			return http_error(r, 415, "unsupported_media_type", NULL,
			    "send {\"user\",\"password\"} as application/json");
	}
	if ((in = json_loadb(r->body ? r->body : "", r->len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return http_error(r, 400, "bad_json", NULL, "not JSON: %s", jerr.text);
	user = json_string_value(json_object_get(in, "user"));
	password = json_string_value(json_object_get(in, "password"));
	if (!user || !password) {
		json_decref(in);
		return http_error(r, 422, "invalid", user ? "password" : "user", "required, a string");
	}
	snprintf(ukey, sizeof ukey, "u:%.80s", user);
	snprintf(akey, sizeof akey, "a:%s", http_client_addr(r->conn, addr, sizeof addr));
	pthread_mutex_lock(&auth.lock);
	limited = limit_of(ukey, now)->fails >= LOGIN_PER_USER ||
	    limit_of(akey, now)->fails >= LOGIN_PER_ADDR;
	pthread_mutex_unlock(&auth.lock);
	if (limited) {
		json_decref(in);
		r->status = 429;
		return http_json_header(r, 429, json_pack("{s:{s:s,s:s}}", "error", "code",
		    "too_many_attempts", "message", "too many failed sign-ins: try again later"),
		    "Retry-After", "900");
	}
	rc = cdn_user_check(r->st, user, password, &role);
	pthread_mutex_lock(&auth.lock);
	if (rc != 0) {
		limit_of(ukey, now)->fails++;
		limit_of(akey, now)->fails++;
	} else {
		/* A free or expired slot, else the least recently used. */
		for (int i = 0; i < SESSIONS; i++) {
			struct session *s = &auth.s[i];

			if (!live(s, now)) {
				slot = s;
				break;
			}
			if (!slot || s->used < slot->used)
				slot = s;
		}
		if (random_hex(slot->id) != 0 || random_hex(slot->csrf) != 0) {
			slot->id[0] = '\0';
			slot = NULL;
		} else {
			snprintf(slot->user, sizeof slot->user, "%s", user);
			slot->role = role;
			slot->created = slot->used = now;
			snprintf(cookie, sizeof cookie, COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/; "
			    "Max-Age=%d%s", slot->id, SESSION_S, r->tls ? "; Secure" : "");
		}
	}
	{
		json_t *out = slot ? json_pack("{s:s,s:s,s:s}", "user", user, "role",
		    cdn_role_name(role), "csrf_token", slot->csrf) : NULL;

		pthread_mutex_unlock(&auth.lock);
		if (rc == 0)
			snprintf(r->user, sizeof r->user, "%s", user);
		json_decref(in);	/* `user` goes with it */
		if (rc != 0) {
			cdn_error_clear();
			return http_error(r, 401, "unauthenticated", NULL, "wrong user name or password");
		}
		if (!out)
			return http_error(r, 500, "internal", NULL, "cannot make a session");
		r->authed = 1;
		return http_json_header(r, 200, out, MHD_HTTP_HEADER_SET_COOKIE, cookie);
	}
}

enum MHD_Result
http_logout(struct http_req *r)
{
	const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE);
	enum MHD_Result res;

	if (strcmp(r->method, "POST") != 0)
		return http_error(r, 405, "method_not_allowed", NULL, "use POST");
	if (!r->authed) {
		http_require(r, CDN_ROLE_PARTNER, &res);
		return res;
	}
	pthread_mutex_lock(&auth.lock);
	{
		struct session *s = session_find(cookie, time(NULL));

		if (s)
			memset(s, 0, sizeof *s);
	}
	pthread_mutex_unlock(&auth.lock);
	return http_json_header(r, 200, json_pack("{s:b}", "signed_out", 1),
	    MHD_HTTP_HEADER_SET_COOKIE, COOKIE "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
}

enum MHD_Result
http_me(struct http_req *r)
{
	enum MHD_Result res;

	if (!r->authed) {
		http_require(r, CDN_ROLE_PARTNER, &res);
		return res;
	}
	return http_session(r);
}

/* What /me says, or {"user":null} for no one: the web UI asks this when
 * it opens, where no one being signed in is no error. */
enum MHD_Result
http_session(struct http_req *r)
{
	if (!http_is(r->method, "GET"))
		return http_error(r, 405, "method_not_allowed", NULL, "use GET");
	if (!r->authed)
		return http_json(r, 200, json_pack("{s:n}", "user"));
	/* A page reloaded keeps its session cookie but not the CSRF token it
	 * was given at sign-in: it asks again here (same origin only). */
	return http_json(r, 200, json_pack("{s:s,s:s,s:s,s:s*}", "user", r->user, "role",
	    cdn_role_name(r->role), "via", r->via_cookie ? "session" : "token", "csrf_token",
	    r->via_cookie ? r->csrf : NULL));
}
