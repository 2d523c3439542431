/*
 * uuid.h - RFC 4122 UUIDs as text ("8-4-4-4-12", lower-case hex): random
 * ones (version 4) for new things, and name-based ones (version 5, SHA-1)
 * for what must keep its identifier whenever it is made again, such as
 * the STIX id of a record exported twice. Library-internal.
 */
#ifndef CORDON_UUID_H
#define CORDON_UUID_H

#include <stddef.h>

#define CDN_UUID_LEN 36

/* The namespace of every store's namespace (a random UUID, fixed): a
 * store's ids are UUIDv5 under the UUIDv5 of its own UUID in this one,
 * so two stores never give the same id. */
#define CDN_UUID_NS "044baeab-438c-4549-bed4-1ebd89d52832"

/* A random UUID; CDN_ESTORE if no random bytes could be had. */
int cdn_uuid4(char out[CDN_UUID_LEN + 1]);
/* The UUID of `name` in namespace `ns` (itself a UUID as text); -1 if
 * `ns` is not one. */
int cdn_uuid5(const char *ns, const void *name, size_t len, char out[CDN_UUID_LEN + 1]);

#endif
