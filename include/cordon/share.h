/*
 * share.h - what a partner receives: the one place where a partner's
 * sharing policy (partner.h) is applied, so that every format (STIX, the
 * MISP feed, CSV, TAXII) gives a partner the same records, redacted the
 * same way. Writers never see what the policy withholds.
 *
 * What is shared comes in groups: each alert the policy selects, and each
 * case it names, with the records behind it (an alert's refs, a case's
 * seizures and what is linked to them, the routes of those seizures) and
 * the links between them. A record is in a group only if the partner may
 * see it:
 *   - its TLP is at most the partner's ceiling, and never red;
 *   - it is not evidence (files never leave by export);
 *   - under the non-nominal profile, it is not a phone, account, address
 *     or document entity (which are personal data through and through).
 * Each record is then cut down field by field by the share classes of the
 * schema (schema.h, enum cdn_share_class): a reference to a withheld
 * record is removed, and kept free text that contains a value withheld
 * from the partner (a name, an alias, an identifier or id of a record
 * linked to it) is removed too. Every shared record gains `label`, a
 * display name safe to show the partner ("person E-4 (name withheld)").
 *
 * Threading: a cdn_share belongs to one thread and lives inside the read
 * transaction it was opened in. Objects handed to the callback are
 * borrowed for the call.
 */
#ifndef CORDON_SHARE_H
#define CORDON_SHARE_H

#include <stdint.h>
#include <jansson.h>

#include "cordon/record.h"
#include "cordon/store.h"

struct cdn_share;

struct cdn_share_group {
	const char *id;		/* "A-12" or "C-3" */
	enum cdn_kind kind;	/* CDN_ALERT or CDN_CASE */
	json_t *head;		/* the alert or case, as the partner sees it */
	json_t *members;	/* the records behind it, as the partner sees them,
				 * in id order; with CDN_SHARE_ONCE only those no
				 * earlier group gave */
	json_t *member_ids;	/* the ids of all of them */
	json_t *links;		/* links between head and members (same rule) */
	json_t *link_ids;
	int tlp;		/* the highest TLP rank among all of these */
	int64_t modified;	/* the newest change to any of them (ms) */
};

typedef int (*cdn_share_fn)(void *arg, const struct cdn_share_group *g);

/* Flags for cdn_share_open. */
enum {
	/* Each record once: a group lists by id what earlier ones gave. */
	CDN_SHARE_ONCE = 1 << 0,
};

struct cdn_share_stats {
	uint64_t groups;	/* alerts and cases shared */
	uint64_t records;	/* distinct records given */
	uint64_t links;		/* distinct links given */
	uint64_t withheld;	/* records left out: above the ceiling, … */
	uint64_t texts_dropped;	/* free text removed for naming what is withheld */
};

/* What to share, with whom. */
struct cdn_share_req {
	json_t *partner;	/* as cdn_partner_get gives it */
	const char *since;	/* a date or date-time: only groups where something
				 * changed from then on; NULL for all */
	/* Progress over the cases and alerts looked at (may be NULL). */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
};

/*
 * Prepare to share inside `txn`. CDN_EINVAL if the partner's policy
 * cannot be shared (a ceiling of red), CDN_EUSAGE for a bad `since`.
 * `req` must outlive the share.
 */
int cdn_share_open(struct cdn_txn *txn, const struct cdn_share_req *req, unsigned flags,
    struct cdn_share **out);
void cdn_share_free(struct cdn_share *sh);

/*
 * Visit the groups the policy selects: shared cases in id order, then
 * alerts in id order. A non-zero return of `fn` stops the walk and is
 * returned.
 */
int cdn_share_walk(struct cdn_share *sh, cdn_share_fn fn, void *arg);

const struct cdn_share_stats *cdn_share_stats(const struct cdn_share *sh);

/*
 * What partner `name` would receive now, for people to look at: `*out`
 * {partner, groups: [{id, kind, tlp, head, members, links}] (the first
 * `limit`), more (bool), stats: {groups, records, links, withheld,
 * texts_dropped}}, every record as the partner sees it.
 */
int cdn_share_preview(struct cdn_store *st, const char *name, const char *since, size_t limit,
    json_t **out);
/* The organisation sharing ({name, country}), borrowed. */
json_t *cdn_share_org(const struct cdn_share *sh);

/*
 * A record's version as an instant in milliseconds: its updated_at, with
 * the last three digits of its version as the milliseconds, so that two
 * versions written within one second still differ and still follow each
 * other (until a thousand versions in a second).
 */
int64_t cdn_share_version_ms(json_t *rec);
/* The same form for created_at (milliseconds 0). */
int64_t cdn_share_created_ms(json_t *rec);
/* An instant in milliseconds as RFC 3339 with milliseconds ("…:00.007Z"). */
void cdn_share_format_ms(int64_t ms, char buf[32]);

#endif
