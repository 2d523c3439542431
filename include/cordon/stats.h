/*
 * stats.h - records counted in groups, for dashboards: seizures per
 * commodity and month, the countries and routes seen most, alerts by
 * severity. One or two group keys, each a field (a dotted path to a
 * single value) or `month`, the month (UTC) of the kind's instant:
 * occurred_at for seizures, raised_at for alerts, created_at otherwise.
 *
 * Where every group key and every filter has an exact index (seizures'
 * commodity.category, location.country, transport_mode, route, case and
 * occurred_at; cases' status; entities' type; links' ends; tags), the
 * answer is counted from the indexes alone, without reading a record.
 * Alerts and evidence are always counted from their records (stats.c
 * says why).
 * Otherwise the records the filters select are read (through the query
 * machinery, which narrows them by an index where it can), up to a
 * budget.
 *
 * Runs inside a caller's read transaction; the answer is a new object
 * owned by the caller.
 */
#ifndef CORDON_STATS_H
#define CORDON_STATS_H

#include <stddef.h>
#include <jansson.h>

#include "cordon/query.h"

#define CDN_GROUP_KEYS 2
/* Records a question without an index may read, unless told otherwise. */
#define CDN_GROUP_READ_MAX 50000

struct cdn_group_query {
	/* The kind and its filters: where, since, until, tag, linked
	 * (limit, after and examine are not used). */
	struct cdn_query q;
	const char *by[CDN_GROUP_KEYS];
	size_t nby;		/* 1 or 2 */
	size_t limit;		/* groups answered, the first in order; 0: all */
	int by_key;		/* order by the keys, not by count (largest first) */
	size_t read_max;	/* records that may be read; 0: CDN_GROUP_READ_MAX */
	int read_all;		/* never use the indexes alone (tests, measures) */
};

/*
 * Count the records matching `g->q` in groups of equal values of the
 * group keys. `*out` (new):
 *
 *   {"groups":[{"key":[V1,V2],"count":N},…], "total":N, "others":N,
 *    "missing":N, "read":N}
 *
 * `total` counts every matching record; `missing` those without a value
 * for a group key (in no group); `others` those in groups past `limit`;
 * `read` the records read to answer (0 when the indexes answered). A key
 * is a string (numbers and booleans as their JSON text). Groups come by
 * count, largest first (ties by key), or by key with `by_key`; keys that
 * are record ids order by their number.
 *
 * Errors: CDN_EUSAGE naming "by" for a key that is not a field of the
 * kind or holds an array or object, or naming the filter that is wrong;
 * CDN_EINVAL naming "by" when answering would read more than the budget.
 */
int cdn_stats_group(struct cdn_txn *txn, const struct cdn_group_query *g, json_t **out);

#endif
