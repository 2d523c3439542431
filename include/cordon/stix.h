/*
 * stix.h - what a partner receives (share.h) as STIX 2.1 objects, for the
 * bundle export and the TAXII collection alike.
 *
 * The producing service is an `identity` (organization) that every other
 * object names as `created_by_ref`. An alert is a `grouping` (context
 * suspicious-activity) and a shared case a `report`, each with the
 * objects behind it in `object_refs`. People and companies are
 * `identity` objects (individual, organization), a seizure's place a
 * `location`, a link a `relationship`; seizures, routes and the other
 * entities are the custom objects `x-cordon-seizure`, `x-cordon-route`
 * and `x-cordon-entity`, each declared by an `extension-definition`
 * (new-sdo) whose `schema` is the JSON schema of doc/stix/. Every object
 * carries its TLP 2.0 marking, and the four official OASIS TLP 2.0
 * marking-definition objects (clear, green, amber, amber+strict) travel
 * with the objects, byte for byte.
 *
 * Identifiers are UUIDv5 under a namespace derived from the store's UUID,
 * over the STIX type and the record id, so that a second export of the
 * same record carries the same id: a partner's system updates the object
 * instead of adding another. `modified` is the record's version
 * (cdn_share_version_ms).
 */
#ifndef CORDON_STIX_H
#define CORDON_STIX_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "cordon/share.h"
#include "cordon/store.h"

/*
 * Called once with the fixed objects (identity, markings, extension
 * definitions; `modified` 0), then once per shared group: `objects` the
 * STIX objects first given in this group (borrowed), `ids` the ids of all
 * the group's objects, and `modified` the group's newest change (ms).
 * A non-zero return stops the walk.
 */
typedef int (*cdn_stix_fn)(void *arg, json_t *objects, json_t *ids, int64_t modified);

/* Walk what the partner of `req` receives; `stats` (may be NULL) gets
 * the share's counts. */
int cdn_stix_walk(struct cdn_txn *txn, const struct cdn_share_req *req, cdn_stix_fn fn,
    void *arg, struct cdn_share_stats *stats);

/*
 * Write it as one STIX bundle to `out`, an object a line, streamed:
 * `{"type":"bundle","objects":[…],"id":"bundle--…"}`, the bundle's id
 * (last, as it is made from what the bundle holds) a UUIDv5 of its
 * contents, so that the same store state gives the same bytes.
 * `*objects` (may be NULL) receives how many objects it holds.
 */
int cdn_stix_bundle(struct cdn_txn *txn, const struct cdn_share_req *req, FILE *out,
    uint64_t *objects, struct cdn_share_stats *stats);

/* The id of a STIX object of `type` for `name` ("S-12", "org") in this
 * store: "TYPE--UUID" into `out` (at most 128 bytes); CDN_ENOMEM if the
 * digest could not be made. */
int cdn_stix_id(struct cdn_txn *txn, const char *type, const char *name, char out[128]);

#endif
