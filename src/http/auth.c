/*
 * auth.c - who is calling (auth.h).
 *
 * Scripts send an API token (`Authorization: Bearer cordon_…`, made by
 * `cordon token create`). Under /taxii2/ a token may also come as the
 * password of HTTP Basic with its user's name, as many TAXII clients know
 * no other scheme; a password is never taken that way. People sign in
 * with a password: POST /api/v1/login sets a session cookie (HttpOnly,
 * SameSite=Strict, Secure over HTTPS) and returns a CSRF token, which
 * every state-changing request from that session must carry in
 * X-CSRF-Token. Sessions live in this process's memory: restarting the
 * server signs everyone out. A user keeps at most SESSIONS_PER_USER of
 * them (signing in again ends the user's least recently used one); when
 * the table is full, signing in is refused rather than ending someone
 * else's session.
 *
 * Every request checks its token or its session's user against the store,
 * nothing believed from before: a token revoked, a user disabled or a
 * password changed (which ends the user's sessions: the user's version
 * moved) is refused from the next request on, whoever changed it.
 *
 * Failed logins are counted per client address and per user name in a
 * window of LOGIN_WINDOW seconds; past either limit, logins are refused
 * with 429 until the window has passed, before the password is even
 * checked. The address is checked first and each attempt is counted
 * before its password is checked, so one address makes at most
 * LOGIN_PER_ADDR counters of user names a window; and a counter at its
 * limit is never dropped to make room for another.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "cordon/check.h"
#include "cordon/config.h"
#include "cordon/error.h"
#include "auth.h"

#define SESSIONS	1024		/* sessions kept at once (CORDON_SESSIONS) */
#define SESSIONS_PER_USER 8
#define SESSION_S	(12 * 3600)	/* a session lasts at most this */
#define IDLE_S		(2 * 3600)	/* or this long unused */
#define COOKIE		"cordon_session"
#define LOGIN_WINDOW	900		/* seconds */
#define LOGIN_PER_USER	5		/* failures in the window */
#define LOGIN_PER_ADDR	20
#define ADDR_SLOTS	4096		/* counters of client addresses */
#define NAME_SLOTS	4096		/* counters of user names */
#define BASIC_MAX	344		/* base64 characters of Basic credentials */

struct session {
	char id[65], csrf[65];
	char user[65];
	int64_t version;	/* of the user's record when it signed in */
	time_t created, used;
};

/* Failed logins of one client address or user name in its window. */
struct limit {
	char key[72];
	unsigned fails;
	time_t since;
};

static struct {
	pthread_mutex_t lock;
	struct session *s;
	size_t nsessions;
	struct limit *addrs, *names;
} auth = { PTHREAD_MUTEX_INITIALIZER, NULL, 0, NULL, NULL };

/* 0 and the user if `token` is valid now: read from the store each time,
 * so that a revoked token or a disabled user is refused at once; -1 if it
 * is not; -2 if the store could not say (its error in the slot). */
static int
token_user(struct cdn_store *st, const char *token, char user[65], enum cdn_role *role)
{
	int rc = cdn_token_check(st, token, user, role);

	return rc == 0 ? 0 : rc == CDN_EAUTH ? -1 : -2;
}

int
http_auth_init(void)
{
	const struct cdn_config *c;
	int rc;

	if ((rc = cdn_config(&c)) != 0)
		return rc;
	auth.nsessions = c->sessions ? c->sessions : SESSIONS;
	auth.s = calloc(auth.nsessions, sizeof *auth.s);
	auth.addrs = calloc(ADDR_SLOTS, sizeof *auth.addrs);
	auth.names = calloc(NAME_SLOTS, sizeof *auth.names);
	if (!auth.s || !auth.addrs || !auth.names) {
		http_auth_free();
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	return 0;
}

void
http_auth_free(void)
{
	if (auth.s)
		OPENSSL_cleanse(auth.s, auth.nsessions * sizeof *auth.s);
	free(auth.s);
	free(auth.addrs);
	free(auth.names);
	auth.s = NULL;
	auth.addrs = auth.names = NULL;
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
	for (size_t i = 0; i < auth.nsessions; i++)
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
		if ((rc = token_user(st, colon + 1, user, role)) == 0 && strcmp(user, (char *)raw) != 0)
			rc = -1;
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
	if (rc != -2)
		cdn_error_clear();
	if (rc != 0)
		memset(r->user, 0, sizeof r->user);
	r->authed = rc == 0;
	return rc;
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
		int rc = http_identify_header(r, 0);

		if (rc == -2) {
			*res = http_fail(r);
			return -1;
		}
		if (rc != 0) {
			*res = http_error(r, 401, "unauthenticated", NULL, "the token is not valid");
			return -1;
		}
		return 0;
	}
	if (cookie) {
		struct session *s;
		int64_t version = 0, now_version = -1;
		int src = 0, csrf_ok = 1, state_changing = strcmp(r->method, "GET") != 0 &&
		    strcmp(r->method, "HEAD") != 0;
		const char *csrf = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		    "X-CSRF-Token");

		pthread_mutex_lock(&auth.lock);
		if ((s = session_find(cookie, now)) != NULL) {
			s->used = now;
			snprintf(r->user, sizeof r->user, "%s", s->user);
			version = s->version;
			r->via_cookie = 1;
			memcpy(r->csrf, s->csrf, sizeof r->csrf);
			if (state_changing)
				csrf_ok = csrf && strlen(csrf) == 64 && CRYPTO_memcmp(csrf, s->csrf, 64) == 0;
		}
		pthread_mutex_unlock(&auth.lock);
		/* The user as the store has it now: disabled, or changed since
		 * (a new password), ends the session. */
		if (r->via_cookie && ((src = cdn_user_state(r->st, r->user, &r->role,
		    &now_version)) != 0 || now_version != version)) {
			if (src != 0 && src != CDN_EAUTH) {
				/* The store failed: its error, and the session kept. */
				memset(r->user, 0, sizeof r->user);
				memset(r->csrf, 0, sizeof r->csrf);
				r->via_cookie = 0;
				*res = http_fail(r);
				return -1;
			}
			cdn_error_clear();
			pthread_mutex_lock(&auth.lock);
			if ((s = session_find(cookie, now)) != NULL)
				OPENSSL_cleanse(s, sizeof *s);
			pthread_mutex_unlock(&auth.lock);
			memset(r->user, 0, sizeof r->user);
			memset(r->csrf, 0, sizeof r->csrf);
			r->via_cookie = 0;
		}
		r->authed = r->via_cookie;
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

/*
 * The counter of `key` in `t` (of `n`), made if `make` (locked by the
 * caller); NULL if there is none, or no room. Room is made from a free or
 * expired counter, else from the one with the fewest failures still under
 * `limit`: a counter at its limit stays until its window has passed.
 */
static struct limit *
limit_of(struct limit *t, size_t n, const char *key, unsigned limit, time_t now, int make)
{
	struct limit *room = NULL;

	for (size_t i = 0; i < n; i++) {
		struct limit *l = &t[i];
		int expired = !l->key[0] || now - l->since >= LOGIN_WINDOW;

		if (l->key[0] && strcmp(l->key, key) == 0) {
			if (expired) {
				l->fails = 0;
				l->since = now;
			}
			return l;
		}
		if (expired) {
			if (!room || room->key[0])
				room = l;
		} else if (l->fails < limit && (!room || (room->key[0] && now - room->since <
		    LOGIN_WINDOW && l->fails < room->fails))) {
			room = l;
		}
	}
	if (!make || !room)
		return NULL;
	snprintf(room->key, sizeof room->key, "%s", key);
	room->fails = 0;
	room->since = now;
	return room;
}

/* The key of the client's address: IPv6 addresses by their /64, which
 * one machine may hold whole. */
static void
addr_key(struct MHD_Connection *conn, char *buf, size_t cap)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char text[INET6_ADDRSTRLEN];

	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6) {
		struct in6_addr a = ((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr;

		if (!IN6_IS_ADDR_V4MAPPED(&a)) {
			memset(a.s6_addr + 8, 0, 8);
			inet_ntop(AF_INET6, &a, text, sizeof text);
			snprintf(buf, cap, "%s/64", text);
			return;
		}
	}
	snprintf(buf, cap, "%s", http_client_addr(conn, text, sizeof text));
}

static enum MHD_Result
too_many(struct http_req *r, json_t *in)
{
	json_decref(in);
	return http_json_header(r, 429, json_pack("{s:{s:s,s:s}}", "error", "code",
	    "too_many_attempts", "message", "too many failed sign-ins: try again later"),
	    "Retry-After", "900");
}

/* A new session for `user` (locked by the caller): a free or expired slot,
 * after ending the user's least recently used session if it has
 * SESSIONS_PER_USER; never another user's. NULL if the table is full. */
static struct session *
session_new(const char *user, time_t now)
{
	struct session *free_slot = NULL, *oldest = NULL;
	size_t mine = 0;

	for (size_t i = 0; i < auth.nsessions; i++) {
		struct session *s = &auth.s[i];

		if (!live(s, now)) {
			if (!free_slot)
				free_slot = s;
		} else if (strcmp(s->user, user) == 0) {
			mine++;
			if (!oldest || s->used < oldest->used)
				oldest = s;
		}
	}
	if (mine >= SESSIONS_PER_USER) {
		OPENSSL_cleanse(oldest, sizeof *oldest);
		return oldest;
	}
	return free_slot;
}

enum MHD_Result
http_login(struct http_req *r)
{
	enum MHD_Result res;
	json_t *in;
	const char *user, *password;
	char ukey[72], akey[72], cookie[200], why[CDN_WHY_MAX];
	struct session *slot = NULL;
	struct limit *a, *u = NULL;
	enum cdn_role role;
	int64_t version = 0;
	time_t now = time(NULL);
	int named, rc;

	if (strcmp(r->method, "POST") != 0)
		return http_error(r, 405, "method_not_allowed", NULL, "use POST");
	if (http_body_read(r, HTTP_BODY_JSON, &in, &res) != 0)
		return res;
	user = json_string_value(json_object_get(in, "user"));
	password = json_string_value(json_object_get(in, "password"));
	if (!user || !password) {
		json_decref(in);
		return http_error(r, 422, "invalid", user ? "password" : "user", "required, a string");
	}
	/* A name no user can have gets no counter of its own: its failures
	 * count against the address alone. */
	named = cdn_check_username(user, why) == 0;
	snprintf(ukey, sizeof ukey, "%s", named ? user : "");
	addr_key(r->conn, akey, sizeof akey);
	pthread_mutex_lock(&auth.lock);
	a = limit_of(auth.addrs, ADDR_SLOTS, akey, LOGIN_PER_ADDR, now, 1);
	if (a && a->fails < LOGIN_PER_ADDR && named)
		u = limit_of(auth.names, NAME_SLOTS, ukey, LOGIN_PER_USER, now, 1);
	if (!a || a->fails >= LOGIN_PER_ADDR || (named && (!u || u->fails >= LOGIN_PER_USER))) {
		pthread_mutex_unlock(&auth.lock);
		return too_many(r, in);
	}
	/* Counted before it is checked: attempts sent at once cannot pass
	 * the limit together. Given back if the password is right. */
	a->fails++;
	if (u)
		u->fails++;
	pthread_mutex_unlock(&auth.lock);
	rc = cdn_user_check(r->st, user, password, &role, &version);
	pthread_mutex_lock(&auth.lock);
	if (rc == 0) {
		if ((a = limit_of(auth.addrs, ADDR_SLOTS, akey, LOGIN_PER_ADDR, now, 0)) && a->fails)
			a->fails--;
		if ((u = limit_of(auth.names, NAME_SLOTS, ukey, LOGIN_PER_USER, now, 0)) && u->fails)
			u->fails--;
		if ((slot = session_new(user, now)) != NULL) {
			if (random_hex(slot->id) != 0 || random_hex(slot->csrf) != 0) {
				slot->id[0] = '\0';
				slot = NULL;
			} else {
				snprintf(slot->user, sizeof slot->user, "%s", user);
				slot->version = version;
				slot->created = slot->used = now;
				snprintf(cookie, sizeof cookie, COOKIE "=%s; HttpOnly; SameSite=Strict; "
				    "Path=/; Max-Age=%d%s", slot->id, SESSION_S, r->tls ? "; Secure" : "");
			}
		}
	}
	{
		json_t *out = slot ? json_pack("{s:s,s:s,s:s}", "user", user, "role",
		    cdn_role_name(role), "csrf_token", slot->csrf) : NULL;
		int full = rc == 0 && !slot;

		pthread_mutex_unlock(&auth.lock);
		if (rc == 0)
			snprintf(r->user, sizeof r->user, "%s", user);
		json_decref(in);	/* `user` goes with it */
		if (rc != 0) {
			res = http_error(r, 401, "unauthenticated", NULL, "%s",
			    cdn_error_last()->message[0] ? cdn_error_last()->message :
			    "wrong user name or password");

			cdn_error_clear();
			return res;
		}
		if (full)
			return http_error(r, 503, "too_many_sessions", NULL, "no room for another "
			    "session: try again later");
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
