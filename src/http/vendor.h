/*
 * vendor.h - the web UI's libraries, from their Debian packages
 * (vendor.c). Calls no other module of src/http.
 */
#ifndef CORDON_HTTP_VENDOR_H
#define CORDON_HTTP_VENDOR_H

#include <stdint.h>

/* Say on standard error which of their packages are missing, and what
 * the UI does without them. */
void http_vendor_check(void);
/* Open the file REST ("NAME/PATH", from /vendor/NAME/PATH) of an
 * allow-listed library: 0 with an open descriptor and its size, or -1 (no
 * such library or file, or one resolving outside its directory). */
int http_vendor_open(const char *rest, int *fd, uint64_t *size);

#endif
