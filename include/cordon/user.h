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
#include <stdint.h>
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
 * Disable (`disabled` 1) or enable user `name`, as `actor`. A disabled
 * user cannot sign in, its sessions end and its tokens are refused until
 * it is enabled again. Doing it twice changes nothing.
 */
int cdn_user_disable(struct cdn_store *st, const char *actor, const char *name, int disabled);

/*
 * Check `password` for `name`: 0 with `*role` (and, unless NULL,
 * `*version`, see cdn_user_state) if it is right, CDN_EAUTH if not (also
 * for a user that does not exist, after as long a wait) or if the user is
 * disabled.
 */
int cdn_user_check(struct cdn_store *st, const char *name, const char *password,
    enum cdn_role *role, int64_t *version);
/*
 * May user `name` act now: 0 with its role and the version of its stored
 * record, or CDN_EAUTH if there is no such user or it is disabled. The
 * version changes with every change to the user (password, disabled): a
 * session is good while the version it was opened at is current.
 */
int cdn_user_state(struct cdn_store *st, const char *name, enum cdn_role *role,
    int64_t *version);

/* Make an API token for user `name`: `token` receives it (NUL-ended). */
int cdn_token_create(struct cdn_store *st, const char *actor, const char *name,
    const char *label, char token[CDN_TOKEN_LEN + 1]);
/* The user and role a token stands for: 0, or CDN_EAUTH (also while its
 * user is disabled). */
int cdn_token_check(struct cdn_store *st, const char *token, char user[65],
    enum cdn_role *role);

#define CDN_TOKEN_ID_LEN 16	/* hex digits of a token's id */
/*
 * Tokens, of user `user` or of everyone (NULL): `*out` a new array of
 * {id, user, label, created_at, created_by}. A token's id is the start of
 * its SHA-256 (the token itself is never kept).
 */
int cdn_token_list(struct cdn_store *st, const char *user, json_t **out);
/* Revoke the token with id `id` (8 or more of its hex digits, naming one
 * token) or the token itself: from then on it is refused. */
int cdn_token_revoke(struct cdn_store *st, const char *actor, const char *id);

#endif
