/*
 * user.h - the people and scripts allowed into the HTTP API: users with a
 * role and a password (hashed with scrypt), and API tokens.
 *
 * Users and tokens live in the store's meta ("user/NAME", "token/HASH"),
 * each write an audit entry under that name, checked by audit verify. A
 * token is shown once, when made; the store keeps only its SHA-256.
 */
#ifndef CORDON_USER_H
#define CORDON_USER_H

#include <stddef.h>
#include <jansson.h>

#include "cordon/store.h"

/* Roles, each with the rights of the one before it, except partner. */
enum cdn_role {
	CDN_ROLE_PARTNER,	/* its own TAXII collection, nothing else (partner.h) */
	CDN_ROLE_OFFICER,	/* records, links, evidence, alert triage */
	CDN_ROLE_ANALYST,	/* + rules */
	CDN_ROLE_SUPERVISOR,	/* + audit, the user list */
	CDN_ROLE_ADMIN,		/* + users */
};

/* The role named `s`, or -1. */
int cdn_role_parse(const char *s);
const char *cdn_role_name(enum cdn_role r);

#define CDN_PASSWORD_MIN 12	/* bytes */
#define CDN_PASSWORD_MAX 1024
#define CDN_TOKEN_LEN 71	/* "cordon_" and 64 hex digits */

/* Add user `name` with `role` and `password`, as `actor`. CDN_EINVAL for a
 * bad name, role or password, CDN_EEXISTS if the user exists. */
int cdn_user_add(struct cdn_store *st, const char *actor, const char *name,
    const char *role, const char *password);
/* Set a user's password. */
int cdn_user_passwd(struct cdn_store *st, const char *actor, const char *name,
    const char *password);
/* Every user, without their password hashes: `*out` a new array. */
int cdn_user_list(struct cdn_store *st, json_t **out);

/*
 * Check `password` for `name`: 0 with `*role` if it is right, CDN_EAUTH
 * if not (also for a user that does not exist, after as long a wait).
 */
int cdn_user_check(struct cdn_store *st, const char *name, const char *password,
    enum cdn_role *role);

/* Make an API token for user `name`: `token` receives it (NUL-ended). */
int cdn_token_create(struct cdn_store *st, const char *actor, const char *name,
    const char *label, char token[CDN_TOKEN_LEN + 1]);
/* The user and role a token stands for: 0, or CDN_EAUTH. */
int cdn_token_check(struct cdn_store *st, const char *token, char user[65],
    enum cdn_role *role);

#endif
