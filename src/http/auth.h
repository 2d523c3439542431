/*
 * auth.h - who is calling (auth.c): API tokens, session cookies with
 * their CSRF token, login and its rate limit, what each role may do.
 * Over request.h only.
 */
#ifndef CORDON_HTTP_AUTH_H
#define CORDON_HTTP_AUTH_H

#include "request.h"

int http_auth_init(void);
void http_auth_free(void);
/* Identify the caller from its bearer token or session cookie (or no
 * one). 0, or an answer was queued (401, 403) and its result is in *res. */
int http_identify(struct http_req *r, enum MHD_Result *res);
/* Identify the caller from the Authorization header alone, answering
 * nothing: a bearer token, or with `basic`, HTTP Basic with a user name
 * and one of that user's tokens (TAXII clients). 0 (r->authed tells if
 * there was a header), -1 if the header names no one, or -2 if the store
 * could not say (its error left in the slot: an answer of 500, never
 * "not valid"). */
int http_identify_header(struct http_req *r, int basic);
/* 1 if the caller may do it: a role at least `need`. Otherwise answers
 * 401 (no one) or 403 and returns 0 with *res set. */
int http_require(struct http_req *r, enum cdn_role need, enum MHD_Result *res);
enum MHD_Result http_login(struct http_req *r);
enum MHD_Result http_logout(struct http_req *r);
enum MHD_Result http_me(struct http_req *r);
enum MHD_Result http_session(struct http_req *r);

#endif
