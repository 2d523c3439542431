/*
 * graph.c - the neighbourhood of a record: the records within N hops over
 * links (both directions) and the links between them.
 *
 * cdn_graph walks it whole (`cordon graph`, cordon.neighbors);
 * cdn_graph_view caps it for a screen: at most so many nodes, and a node's
 * neighbours of one kind past a threshold answered as one summary ("500
 * seizures") instead of being read.
 *
 * Which links touch a record, of which types and to what, comes from the
 * index of links by their ends (cdn_link_ends): a link is read only when
 * it joins the answer, a record at the other end only when it joins the
 * graph, so a summarised hub's neighbours are counted, never loaded.
 * The nodes that are not expanded (the last hop, or all that are left
 * once the cap is reached) are never asked for their links one by one:
 * a link joining two of them is a sequence number that the index gives
 * for both, and only those links are read.
 */
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "cordon/query.h"
#include "internal.h"

/* --- ordering ------------------------------------------------------------ */

static int
cmp_idstr(const char *sx, const char *sy)
{
	struct cdn_id i, j;

	if (cdn_id_parse(sx, &i) || cdn_id_parse(sy, &j)) {
		cdn_error_clear();
		return strcmp(sx, sy);
	}
	if (i.kind != j.kind)
		return (int)i.kind - (int)j.kind;
	return i.seq < j.seq ? -1 : i.seq > j.seq;
}

static int
cmp_rec(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;

	return cmp_idstr(json_string_value(json_object_get(x, "id")),
	    json_string_value(json_object_get(y, "id")));
}

/* The values of `map` (records by id) as a new array in id order. */
static json_t *
sorted_values(json_t *map)
{
	size_t n = json_object_size(map), i = 0;
	json_t **v = calloc(n ? n : 1, sizeof *v), *arr = json_array(), *val;
	const char *key;

	if (!v || !arr) {
		free(v);
		json_decref(arr);
		return NULL;
	}
	json_object_foreach(map, key, val)
		v[i++] = val;
	qsort(v, n, sizeof *v, cmp_rec);
	for (i = 0; i < n; i++)
		json_array_append(arr, v[i]);
	free(v);
	return arr;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* --- one walk ------------------------------------------------------------ */

struct walk {
	struct cdn_txn *txn;
	const struct cdn_graph_opts *o;
	json_t *nodes;		/* id → record */
	json_t *links;		/* link id → link, in the answer */
	json_t *pending;	/* link id → link whose other end was left out */
	json_t *summaries;	/* array */
	int truncated;
};

/* A link of the node being expanded, and its other end. */
struct end {
	const struct cdn_link_end *ix;	/* borrowed from expand's list */
	char lid[CDN_ID_MAX];
	struct cdn_id oid;
};

static int
cmp_end(const void *a, const void *b)
{
	const struct end *x = a, *y = b;

	if (x->oid.kind != y->oid.kind)
		return (int)x->oid.kind - (int)y->oid.kind;
	if (x->oid.seq != y->oid.seq)
		return x->oid.seq < y->oid.seq ? -1 : 1;
	return strcmp(x->lid, y->lid);
}

/* Add record `id` as a node; 1 if added, 0 if it is missing. */
static int
add_node(struct walk *w, const char *id, json_t *next)
{
	json_t *rec;
	int rc;

	if ((rc = cdn_record_get(w->txn, id, &rec)) != 0) {
		if (rc == CDN_ENOTFOUND) {
			cdn_error_clear();
			return 0;
		}
		return rc;
	}
	json_object_set_new(w->nodes, id, rec);
	json_array_append_new(next, json_string(id));
	return 1;
}

/* Put link `name` in the answer (read now, once); 0 if it is missing. */
static int
add_link(struct walk *w, const char *name)
{
	char lid[CDN_ID_MAX];
	json_t *l;
	int rc;

	snprintf(lid, sizeof lid, "%s", name);	/* `name` may be pending's own key */
	json_object_del(w->pending, lid);
	if (json_object_get(w->links, lid))
		return 0;
	if ((rc = cdn_record_get(w->txn, lid, &l)) != 0) {
		if (rc != CDN_ENOTFOUND)
			return rc;
		cdn_error_clear();
		return 0;
	}
	json_object_set_new(w->links, lid, l);
	return 0;
}

/* The summary of node `id`'s neighbours of `kind`: the `n` ends from `e`,
 * sorted by other end; count the distinct records, list the link types. */
static json_t *
summary(const char *id, enum cdn_kind kind, const struct end *e, size_t n)
{
	json_t *via = json_array(), *s;
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		const char *type = e[i].ix->type;
		size_t k;

		if (i == 0 || e[i].oid.seq != e[i - 1].oid.seq)
			count++;
		for (k = 0; k < json_array_size(via); k++)
			if (strcmp(json_string_value(json_array_get(via, k)), type) == 0)
				break;
		if (k == json_array_size(via))
			json_array_append_new(via, json_string(type));
	}
	s = json_pack("{s:s,s:s,s:I,s:o}", "id", id, "kind", cdn_kind_info(kind)->name,
	    "count", (json_int_t)count, "via", via);
	return s;
}

/*
 * Expand node `id`: its links' ends come from the index; the other ends
 * join the graph (into `next`), unless their kind is summarised here or
 * the cap is reached, in which case the link waits in `pending` (by its
 * ends) for the end. Only links that join the answer are read.
 */
static int
expand(struct walk *w, const char *id, json_t *next)
{
	struct cdn_link_end *ix = NULL;
	size_t nix = 0, n = 0;
	struct end *e = NULL;
	int rc;

	if ((rc = cdn_link_ends(w->txn, id, &ix, &nix)) != 0)
		goto out;
	if (nix && (e = calloc(nix, sizeof *e)) == NULL) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nix; i++) {
		struct cdn_id lid = { CDN_LINK, ix[i].seq };

		if (cdn_id_parse(ix[i].other, &e[n].oid) != 0) {
			cdn_error_clear();
			continue;
		}
		e[n].ix = &ix[i];
		cdn_id_format(lid, e[n].lid);
		n++;
	}
	/* By kind, then by record: a kind's ends are one run. */
	if (n)
		qsort(e, n, sizeof *e, cmp_end);
	for (size_t i = 0; i < n && rc == 0;) {
		size_t j = i, distinct = 0;
		int summarised;

		while (j < n && e[j].oid.kind == e[i].oid.kind) {
			if (j == i || e[j].oid.seq != e[j - 1].oid.seq)
				distinct++;
			j++;
		}
		summarised = w->o->summary && distinct > w->o->summary;
		if (summarised)
			json_array_append_new(w->summaries, summary(id, e[i].oid.kind, e + i, j - i));
		for (size_t k = i; k < j && rc >= 0; k++) {
			const char *other = e[k].ix->other;
			int in = json_object_get(w->nodes, other) != NULL;

			if (!in && !summarised) {
				if (w->o->limit && json_object_size(w->nodes) >= w->o->limit)
					w->truncated = 1;
				else if ((rc = add_node(w, other, next)) < 0)
					break;
				else
					in = 1;	/* or missing: the link is kept all the same */
			}
			if (in)
				rc = add_link(w, e[k].lid);
			else if (!json_object_get(w->links, e[k].lid) &&
			    json_object_set_new(w->pending, e[k].lid, json_pack("{s:s,s:s}", "from",
			    e[k].ix->out ? id : other, "to", e[k].ix->out ? other : id)) != 0)
				rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		}
		rc = rc < 0 ? rc : 0;
		i = j;
	}
out:
	free(e);
	free(ix);
	return rc;
}

/*
 * The links between nodes that were not expanded (`rest`, ids): from the
 * index alone, a link is between two of them if its sequence number comes
 * up twice among their links (a link to itself comes up twice too).
 */
static int
links_among(struct walk *w, json_t *rest)
{
	uint64_t *all = NULL;
	size_t n = 0, cap = 0, i;
	json_t *id;
	int rc = 0;

	json_array_foreach(rest, i, id) {
		uint64_t *s;
		size_t ns;

		if ((rc = cdn_link_seqs(w->txn, json_string_value(id), &s, &ns)) != 0)
			break;
		if (ns && cdn_grow(&all, &cap, n + ns, sizeof *all, 256) != 0) {
			free(s);
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			break;
		}
		if (ns)
			memcpy(all + n, s, ns * sizeof *s);
		n += ns;
		free(s);
	}
	if (rc == 0 && n)
		qsort(all, n, sizeof *all, cmp_u64);
	for (i = 1; i < n && rc == 0; i++) {
		struct cdn_id lid = { CDN_LINK, all[i] };
		char lbuf[CDN_ID_MAX];
		json_t *l;

		if (all[i] != all[i - 1] || (i > 1 && all[i - 2] == all[i]))
			continue;
		cdn_id_format(lid, lbuf);
		if (json_object_get(w->links, lbuf))
			continue;
		if ((rc = cdn_record_get(w->txn, lbuf, &l)) != 0) {
			if (rc == CDN_ENOTFOUND) {
				cdn_error_clear();
				rc = 0;
			}
			continue;
		}
		if (json_object_get(w->nodes, json_string_value(json_object_get(l, "from"))) &&
		    json_object_get(w->nodes, json_string_value(json_object_get(l, "to"))))
			json_object_set(w->links, lbuf, l);
		json_decref(l);
	}
	free(all);
	return rc;
}

int
cdn_graph_view(struct cdn_txn *txn, const char *id, const struct cdn_graph_opts *o, json_t **out)
{
	struct walk w = { txn, o, json_object(), json_object(), json_object(), json_array(), 0 };
	json_t *frontier = json_array(), *start = NULL, *rest = NULL, *l, *nodes, *links;
	const char *lid;
	void *tmp;
	int rc;

	*out = NULL;
	if (!w.nodes || !w.links || !w.pending || !w.summaries || !frontier) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	/* Whoever asks, a walk is bounded (query.h). */
	if (o->depth < 0 || o->depth > CDN_GRAPH_DEPTH_MAX) {
		rc = cdn_error_set(CDN_EUSAGE, "depth", "depth must be 0 to %d", CDN_GRAPH_DEPTH_MAX);
		goto out;
	}
	if ((rc = cdn_record_get(txn, id, &start)) != 0)
		goto out;
	/* Keyed by the record's own id ("S-01" names S-1). */
	json_object_set(w.nodes, json_string_value(json_object_get(start, "id")), start);
	json_array_append(frontier, json_object_get(start, "id"));
	for (int d = 0; d < o->depth && json_array_size(frontier) > 0; d++) {
		json_t *next = json_array();
		size_t i;

		for (i = 0; i < json_array_size(frontier) && !w.truncated; i++)
			if ((rc = expand(&w, json_string_value(json_array_get(frontier, i)), next)) != 0)
				break;
		if (rc != 0) {
			json_decref(next);
			goto out;
		}
		if (w.truncated) {
			/* Full: what is left of this hop joins the next, unexpanded. */
			for (; i < json_array_size(frontier); i++)
				json_array_append(next, json_array_get(frontier, i));
			json_decref(frontier);
			frontier = next;
			break;
		}
		json_decref(frontier);
		frontier = next;
	}
	rest = frontier;
	frontier = NULL;
	if ((rc = links_among(&w, rest)) != 0)
		goto out;
	/* A link left waiting may have both its ends in the graph by now. */
	json_object_foreach_safe(w.pending, tmp, lid, l)
		if (json_object_get(w.nodes, json_string_value(json_object_get(l, "from"))) &&
		    json_object_get(w.nodes, json_string_value(json_object_get(l, "to"))) &&
		    (rc = add_link(&w, lid)) != 0)
			goto out;
	nodes = sorted_values(w.nodes);
	links = sorted_values(w.links);
	if (!nodes || !links || (*out = json_pack("{s:o,s:o,s:O,s:b}", "nodes", nodes, "links",
	    links, "summaries", w.summaries, "truncated", w.truncated)) == NULL)
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
out:
	json_decref(start);
	json_decref(frontier);
	json_decref(rest);
	json_decref(w.nodes);
	json_decref(w.links);
	json_decref(w.pending);
	json_decref(w.summaries);
	return rc;
}

int
cdn_graph(struct cdn_txn *txn, const char *id, int depth, json_t **nodes, json_t **links)
{
	struct cdn_graph_opts o = { .depth = depth };
	json_t *g;
	int rc;

	*nodes = *links = NULL;
	if ((rc = cdn_graph_view(txn, id, &o, &g)) != 0)
		return rc;
	*nodes = json_incref(json_object_get(g, "nodes"));
	*links = json_incref(json_object_get(g, "links"));
	json_decref(g);
	return 0;
}
