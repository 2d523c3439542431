/*
 * partner.h - the services cordon shares with (a neighbouring customs
 * service, a regional liaison office), each with its sharing policy, and
 * the organisation that shares: the producer partners see on everything.
 *
 * A partner is a name, a policy and a user of role `partner` (which signs
 * in with API tokens only, so `cordon token create NAME` gives it access
 * to its TAXII collection). Its policy, kept in meta "partner/NAME" and
 * audited, says what it may receive:
 *
 *   country     ISO 3166-1 alpha-2 of the partner
 *   max_tlp     its TLP ceiling: clear, green, amber or amber+strict
 *               (red is never shared)
 *   profile     "non-nominal" (the default: no names of people or
 *               companies, no personal identifiers, no free text that may
 *               name them) or "nominal"
 *   rules, severities, tags
 *               which alerts: arrays, or null for all (tags: an alert
 *               carrying any of them)
 *   statuses    alert statuses shared (default new, acknowledged,
 *               escalated, promoted: all but dismissed)
 *   cases       ids of cases shared whole, as reports (default none)
 *
 * Objects returned through `json_t **out` are new references.
 */
#ifndef CORDON_PARTNER_H
#define CORDON_PARTNER_H

#include <jansson.h>

#include "cordon/store.h"

/* TLP 2.0 levels in order; a rank for each, -1 for no such level. */
enum cdn_tlp { CDN_TLP_CLEAR, CDN_TLP_GREEN, CDN_TLP_AMBER, CDN_TLP_AMBER_STRICT, CDN_TLP_RED };
int cdn_tlp_rank(const char *name);
const char *cdn_tlp_name(int rank);

/* Add partner `name` with `policy` (and its user). CDN_EEXIST if there is
 * one, or a user of that name with another role. */
int cdn_partner_add(struct cdn_store *st, const char *actor, const char *name, json_t *policy,
    json_t **out);
/* Change a partner's policy: each member of `patch` replaces the current
 * one (null: back to the default). */
int cdn_partner_update(struct cdn_store *st, const char *actor, const char *name,
    json_t *patch, json_t **out);
/* Remove a partner, its user and that user's tokens. */
int cdn_partner_remove(struct cdn_store *st, const char *actor, const char *name);
/* One partner (CDN_ENOTFOUND if none), or every partner by name. */
int cdn_partner_get(struct cdn_store *st, const char *name, json_t **out);
int cdn_partner_list(struct cdn_store *st, json_t **out);
/* The same inside a caller's transaction. */
int cdn_partner_get_txn(struct cdn_txn *txn, const char *name, json_t **out);

/*
 * The organisation that shares, as partners see it: {name, country}.
 * Until it is set, its name is "cordon store" and the first eight digits
 * of the store's UUID.
 */
int cdn_org_get(struct cdn_txn *txn, json_t **out);
int cdn_org_set(struct cdn_store *st, const char *actor, const char *name, const char *country,
    json_t **out);

#endif
