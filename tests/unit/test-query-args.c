/*
 * test-query-args.c - a query as a user writes it (query.h): numbers in
 * their bounds and FIELD=VALUE conditions, as both front-ends read them.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cordon/error.h"
#include "cordon/query.h"
#include "tap.h"

static void
number_refused(const char *text, uint64_t lo, uint64_t hi)
{
	uint64_t n = 42;

	ok(cdn_query_number("limit", text, lo, hi, &n) == CDN_EUSAGE && n == 42 &&
	    strcmp(cdn_error_last()->field, "limit") == 0, "'%s' is no number in [%llu, %llu]",
	    text ? text : "(null)", (unsigned long long)lo, (unsigned long long)hi);
	cdn_error_clear();
}

int
main(void)
{
	struct cdn_where w = { .n = 0 };
	uint64_t n = 0;
	char many[32];

	ok(cdn_query_number("depth", "4", 1, CDN_GRAPH_DEPTH_MAX, &n) == 0 && n == 4,
	    "depth 4 is taken");
	ok(cdn_query_number("limit", "0", 0, 10, &n) == 0 && n == 0, "0 where 0 is allowed");
	ok(cdn_query_number("x", "9999999999999999999", 0, UINT64_MAX, &n) == 0 &&
	    n == 9999999999999999999ULL, "19 digits");
	number_refused("5", 1, CDN_GRAPH_DEPTH_MAX);
	number_refused("0", 1, 1000);
	number_refused("1001", 1, 1000);
	number_refused("+5", 1, 1000);
	number_refused(" 5", 1, 1000);
	number_refused("5 ", 1, 1000);
	number_refused("-1", 0, 1000);
	number_refused("4abc", 1, 1000);
	number_refused("", 1, 1000);
	number_refused(NULL, 1, 1000);
	number_refused("10000000000000000000", 0, UINT64_MAX);
	cdn_query_number("--depth", "9", 1, CDN_GRAPH_DEPTH_MAX, &n);
	is_str(cdn_error_last()->message, "--depth must be 1 to 4", "the message names the bounds");
	cdn_query_number("--if-version", "0", 1, INT64_MAX, &n);
	is_str(cdn_error_last()->message, "--if-version must be a whole number, 1 or more",
	    "and says 'or more' when there is no upper bound to speak of");
	cdn_error_clear();

	ok(cdn_where_parse(&w, "where", "commodity.category=wildlife") == 0 && w.n == 1 &&
	    strcmp(w.c[0].path, "commodity.category") == 0 &&
	    strcmp(w.c[0].value, "wildlife") == 0, "FIELD=VALUE, FIELD dotted");
	ok(cdn_where_parse(&w, "where", "name=a=b") == 0 && w.n == 2 &&
	    strcmp(w.c[1].path, "name") == 0 && strcmp(w.c[1].value, "a=b") == 0,
	    "the first = splits");
	ok(cdn_where_parse(&w, "where", "notes=") == 0 && w.n == 3 && strcmp(w.c[2].value, "") == 0,
	    "an empty value");
	ok(cdn_where_add(&w, "--status", "status", "new") == 0 && w.n == 4, "a condition as given");
	ok(cdn_where_enum(&w, "status", CDN_ALERT, "status", "open") == CDN_EUSAGE && w.n == 4,
	    "a value an alert's status never takes is refused");
	is_str(cdn_error_last()->message, "status is new, acknowledged, escalated, dismissed or "
	    "promoted", "naming those it takes");
	ok(cdn_where_enum(&w, "severity", CDN_ALERT, "severity", "high") == 0 && w.n == 5 &&
	    cdn_where_enum(&w, "rule", CDN_ALERT, "rule", "anything") == 0 && w.n == 6,
	    "one it takes, and any value of a field that is no enum");
	ok(cdn_where_parse(&w, "--where", "title") == CDN_EUSAGE && w.n == 6 &&
	    strcmp(cdn_error_last()->field, "--where") == 0, "no = is refused");
	ok(cdn_where_parse(&w, "where", "=x") == CDN_EUSAGE, "no field is refused");
	ok(cdn_where_parse(&w, "where", "a b=x") == CDN_EUSAGE, "a field that is no path is refused");
	ok(cdn_where_parse(&w, "where", NULL) == CDN_EUSAGE, "no text is refused");
	while (w.n < CDN_WHERE_MAX)
		cdn_where_parse(&w, "where", "status=open");
	snprintf(many, sizeof many, "at most %d where", CDN_WHERE_MAX);
	ok(cdn_where_parse(&w, "where", "status=open") == CDN_EUSAGE && w.n == CDN_WHERE_MAX &&
	    strstr(cdn_error_last()->message, many) != NULL, "one more than %d is refused",
	    CDN_WHERE_MAX);
	ok(cdn_where_add(&w, "where", "status", "new") == CDN_EUSAGE, "as given, too");
	cdn_error_clear();
	cdn_where_free(&w);
	ok(w.n == 0, "freed");
	return done_testing();
}
