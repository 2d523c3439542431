/*
 * api.h - the router (api.c): /healthz, /metrics, /taxii2/ and every
 * route under /api/v1/, records' own among them; over routes.h,
 * metrics.h, auth.h, filters.h and request.h. The daemon (http.h) alone
 * calls it.
 */
#ifndef CORDON_HTTP_API_H
#define CORDON_HTTP_API_H

#include "request.h"

/* Answer a request whose body (if any) is whole. */
enum MHD_Result http_route(struct http_req *r);

#endif
