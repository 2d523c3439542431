/*
 * kind.h - the kinds of record and their ids ("S-42"): names every other
 * module uses, and nothing else. A leaf: it calls nothing of the store.
 */
#ifndef CORDON_KIND_H
#define CORDON_KIND_H

#include <stdint.h>

enum cdn_kind {
	CDN_CASE,
	CDN_SEIZURE,
	CDN_ENTITY,
	CDN_ROUTE,
	CDN_LINK,
	CDN_EVIDENCE,
	CDN_ALERT,
	CDN_NKINDS
};

struct cdn_kind_info {
	char letter;		/* 'C' */
	const char *name;	/* "case" */
	const char *plural;	/* "cases" */
	int writable;		/* created through the generic record API */
	int editable;		/* updated through it (its own fields stay its
				 * module's) */
};

const struct cdn_kind_info *cdn_kind_info(enum cdn_kind kind);
/* "case", "cases" or "C" → kind; -1 if none. */
int cdn_kind_parse(const char *name);

/* An id: kind letter, '-', decimal sequence ("S-42"). */
#define CDN_ID_MAX 24

/* The highest version a record may reach (and an import may give):
 * 2^53 - 1, exact in every JSON reader. An update past it is refused. */
#define CDN_VERSION_MAX 9007199254740991LL
struct cdn_id {
	enum cdn_kind kind;
	uint64_t seq;		/* >= 1 */
};
/* 0, or CDN_EINVAL with a message naming the problem. */
int cdn_id_parse(const char *s, struct cdn_id *out);
void cdn_id_format(struct cdn_id id, char buf[CDN_ID_MAX]);

#endif
