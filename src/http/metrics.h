/*
 * metrics.h - requests counted for Prometheus (metrics.c): by route,
 * method and status, with their latency. Over request.h, and routes.h
 * for the label of a TAXII path.
 */
#ifndef CORDON_HTTP_METRICS_H
#define CORDON_HTTP_METRICS_H

#include "request.h"

/* Count a request answered (the access log's line): any thread. */
void http_metrics_count(const char *path, const char *method, unsigned status, int authed,
    double secs);
/* GET /metrics: the counts, the store's size, records by kind, rule
 * errors, as Prometheus text. */
enum MHD_Result http_metrics(struct http_req *r);

#endif
