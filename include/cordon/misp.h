/*
 * misp.h - what a partner receives (share.h) as a MISP feed: the files a
 * MISP instance reads when it adds the directory as a feed of format
 * "MISP Feed" (doc/partners.md).
 *
 *   manifest.json     an entry per event: info, Orgc, date, timestamp,
 *                     threat_level_id, analysis, Tag, and integrity:sha256
 *                     (the SHA-256 of that event's file)
 *   EVENT-UUID.json   {"Event": {…}} per alert or shared case, self-
 *                     contained: every record behind it is an object of
 *                     its own (built on the official MISP object templates),
 *                     links are object references
 *   hashes.csv        md5(value),EVENT-UUID for every attribute value
 *
 * Every identifier is a UUIDv5 of this store (cdn_stix_id) over what it
 * stands for, so that the next export of the same event, object or
 * attribute carries the same one. The producing organisation (Orgc) is
 * the STIX identity's UUID and the organisation's name.
 *
 * MISP fetches an event again only when its manifest timestamp grows, so
 * an event's timestamp is kept from one export to the next in `stamps`:
 * {EVENT-UUID: [timestamp, "SHA-256 of the event without its own
 * timestamps"]}. Unchanged content keeps the timestamp it had; changed
 * content gets the newest second of the records in it, and at least one
 * more than before, so two changes within one second still count. Objects,
 * attributes and references carry their record's version second, or the
 * event's timestamp when that is later than every record's (MISP updates
 * inside an event only what grew). The same store state and the same
 * stamps give the same bytes.
 *
 * Threading: inside the caller's read transaction, on its thread.
 */
#ifndef CORDON_MISP_H
#define CORDON_MISP_H

#include <stdint.h>
#include <jansson.h>

#include "cordon/share.h"
#include "cordon/store.h"

/*
 * Write the MISP feed of what the partner of `req` receives into `dir`
 * (an existing, empty directory): manifest.json, hashes.csv, one
 * EVENT-UUID.json per shared group. `stamps` (a JSON object, see above)
 * is read and updated in place for every event written; the caller keeps
 * it. `*events` (may be NULL) receives the number of events, `*objects`
 * (may be NULL) the number of MISP objects in all of them (events not
 * counted), `stats` (may be NULL) the share's counts. CDN_ESTORE if
 * `stamps` is not in the form above, CDN_EIO if a file cannot be written;
 * on error `dir` may hold part of a feed.
 */
int cdn_misp_feed(struct cdn_txn *txn, const struct cdn_share_req *req, const char *dir,
    json_t *stamps, uint64_t *events, uint64_t *objects, struct cdn_share_stats *stats);

#endif
