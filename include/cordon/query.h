/*
 * query.h - reading many records: filtered lists, graph walks, search and
 * whole-store iteration. All run inside a caller's transaction and use the
 * secondary indexes where a condition allows, scanning otherwise.
 *
 * Visitors receive records borrowed for the duration of the call; a
 * visitor that returns non-zero stops the walk and that value is returned.
 */
#ifndef CORDON_QUERY_H
#define CORDON_QUERY_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "cordon/record.h"

/* FIELD=VALUE with a dotted path; matches a scalar whose text equals
 * VALUE, or an array holding such a scalar. */
struct cdn_cond {
	const char *path;
	const char *value;
};

struct cdn_query {
	enum cdn_kind kind;
	const struct cdn_cond *where;
	size_t nwhere;
	const char *since;	/* inclusive, date or date-time; NULL = open */
	const char *until;	/* inclusive; a bare date means that whole day */
	const char *tag;	/* records carrying this tag */
	const char *linked;	/* records with a link to or from this id */
	size_t limit;		/* 0 = no limit */
	const char *after;	/* resume after this id (paging); NULL = start */
	/* Called before each candidate is checked, matching or not, with
	 * `parsed` 1 if its record is read and parsed for it, 0 if what a
	 * query cache knows of it was enough; a non-zero return stops the
	 * query and is returned (a caller's budget). NULL: no limit. */
	int (*examine)(void *arg, int parsed);
	void *examine_arg;
};

typedef int (*cdn_record_fn)(void *arg, json_t *rec);

/* Visit the records matching `q`, in id order. */
int cdn_query_run(struct cdn_txn *txn, const struct cdn_query *q,
    cdn_record_fn fn, void *arg);
/* Count them (stops at q->limit if set). */
int cdn_query_count(struct cdn_txn *txn, const struct cdn_query *q,
    size_t *count);

/* A number field summed up over the records matching a query; records
 * where it is missing or not a number are left out. */
struct cdn_stats {
	size_t n;
	double sum, sumsq, min, max;
};
int cdn_query_stats(struct cdn_txn *txn, const struct cdn_query *q,
    const char *path, struct cdn_stats *out);

/*
 * Records within `depth` hops of `id` over links (both directions; 0 to
 * CDN_GRAPH_DEPTH_MAX, else CDN_EUSAGE), and the links between them. `*nodes` and `*links` are new arrays, ids sorted;
 * nodes include `id` itself.
 */
int cdn_graph(struct cdn_txn *txn, const char *id, int depth,
    json_t **nodes, json_t **links);

/*
 * The same walk, capped for a screen (graph.c). `*out`: a new object
 * {"nodes":[…],"links":[…],"summaries":[…],"truncated":BOOL}.
 * - At most `limit` nodes (0: no cap); past it the walk stops and
 *   "truncated" is true. Nodes join in hops, each hop's in id order.
 * - When a node is expanded and its neighbours of one kind number more
 *   than `summary` (0: never), they do not join: the answer has a summary
 *   {"id": the node, "kind", "count": how many records, "via": [link
 *   types]} instead, counted from the links without reading them. Those
 *   already in the graph keep their links to the node.
 * Every link between two nodes of the answer is in it. With no cap and
 * no summaries, nodes and links are those cdn_graph gives.
 */
struct cdn_graph_opts {
	int depth;
	size_t limit;
	size_t summary;
};
int cdn_graph_view(struct cdn_txn *txn, const char *id,
    const struct cdn_graph_opts *opts, json_t **out);

/*
 * Records whose names, aliases, titles, descriptions, species or
 * identifiers contain every word of `text` (folded, so diacritics and case
 * do not matter; the last word may be a prefix). `*out`: new array.
 */
int cdn_search(struct cdn_txn *txn, const char *text, size_t limit,
    json_t **out);
/*
 * Which field of `rec` (a record cdn_search found for `text`) matched: a
 * new object {"field": its dotted path ("aliases", "identifiers.imo",
 * "commodity.description"), "text": its value}, the field holding most of
 * the words (an identifier equal to the whole text first); NULL if none
 * holds any.
 */
json_t *cdn_search_match(json_t *rec, const char *text);

/*
 * What a front-end may ask of a query, the same on the command line
 * (--where, --limit, --depth) and over HTTP (where=, limit=, depth=):
 * both read what the user wrote with the two parsers below and check it
 * against these bounds.
 */
#define CDN_WHERE_MAX		16	/* FIELD=VALUE conditions in one query */
#define CDN_LIST_LIMIT_MAX	1000	/* records in one page of a list (from 1) */
#define CDN_SEARCH_LIMIT_MAX	1000	/* records one search answers (from 1) */
#define CDN_GRAPH_DEPTH_MAX	4	/* hops of a graph walk (from 1) */
#define CDN_GRAPH_LIMIT_MAX	2000	/* records in a graph's answer (from 1) */
#define CDN_GRAPH_SUMMARY_MAX	1000	/* neighbours of one kind shown before a
					 * summary (from 0: never summed up) */
#define CDN_PREVIEW_LIMIT_MAX	200	/* alerts and cases a partner's preview
					 * shows (from 1) */

/*
 * A whole number in [lo, hi] written as `text`: decimal digits only, no
 * sign, space or trailing text ("4abc", "+5", " 5" are no numbers), at
 * most 19 of them. CDN_EUSAGE otherwise, with `name` (the parameter as
 * the user wrote it: "limit", "--limit") as the error's field and in its
 * message ("limit must be 1 to 1000"; with `hi` INT64_MAX or more, "must
 * be a whole number, 1 or more").
 */
int cdn_query_number(const char *name, const char *text, uint64_t lo, uint64_t hi,
    uint64_t *out);

/*
 * The conditions of a query as a user writes them, FIELD=VALUE: FIELD a
 * dotted path of letters, digits, '_', '-' and '.' (at most 200 bytes),
 * VALUE any text. Zero it before use; `c` and `n` are ready for
 * cdn_query's `where` and `nwhere`; cdn_where_free frees what it holds.
 */
struct cdn_where {
	struct cdn_cond c[CDN_WHERE_MAX];
	char *buf[CDN_WHERE_MAX];	/* the copies parsed conditions point into */
	size_t n;
};
/* Add the condition `text` (FIELD=VALUE). CDN_EUSAGE, field `name`, if it
 * is not one or is one more than CDN_WHERE_MAX. */
int cdn_where_parse(struct cdn_where *w, const char *name, const char *text);
/* Add the condition path = value, both borrowed for as long as `w` is
 * used. CDN_EUSAGE, field `name`, if it is one too many. */
int cdn_where_add(struct cdn_where *w, const char *name, const char *path,
    const char *value);
/* The same, and CDN_EUSAGE ("status is new, acknowledged, …") if `path`
 * is an enum of `kind` that never takes `value`: a shorthand such as
 * --status or status= names a value the records can hold. */
int cdn_where_enum(struct cdn_where *w, const char *name, enum cdn_kind kind,
    const char *path, const char *value);
void cdn_where_free(struct cdn_where *w);
/* Whether the `len` bytes at `s` are a FIELD as above (a name safe to
 * write back in an error, too). */
int cdn_where_field_ok(const char *s, size_t len);

/* Every record of `kind` in id order, as its stored bytes (read them
 * with cdn_record_parse or cdn_record_text). */
typedef int (*cdn_raw_fn)(void *arg, const char *bytes, size_t len);
int cdn_scan_raw(struct cdn_txn *txn, enum cdn_kind kind, cdn_raw_fn fn,
    void *arg);
/* Number of records of `kind` (O(1)). */
int cdn_kind_count(struct cdn_txn *txn, enum cdn_kind kind, size_t *count);

#endif
