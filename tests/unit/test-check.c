/*
 * test-check.c - the value-format validators of check.h.
 *
 * Check digits and epochs here were worked out independently of check.c
 * (by hand or with another implementation), so a test compares against
 * the standard, not against the code under test.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cordon/check.h"
#include "tap.h"

typedef int (*check_fn)(const char *, char *);

/* The input as a test name can show it: a control character would end
 * the TAP line early. */
static const char *
shown(const char *s)
{
	static char buf[400];
	size_t n = 0;

	for (; *s && n < sizeof buf - 5; s++) {
		if ((unsigned char)*s < ' ')
			n += (size_t)snprintf(buf + n, sizeof buf - n, "\\x%02x", *s);
		else
			buf[n++] = *s;
	}
	buf[n] = '\0';
	return buf;
}

static void
valid(check_fn fn, const char *name, const char *s)
{
	char why[CDN_WHY_MAX] = "";

	if (!ok(fn(s, why) == 0, "%s accepts \"%s\"", name, shown(s)))
		diag("why: %s", why);
}

/* Refused, and when want is not NULL, for that reason. */
static void
invalid(check_fn fn, const char *name, const char *s, const char *want)
{
	char why[CDN_WHY_MAX] = "", what[500];

	ok(fn(s, why) == -1, "%s refuses \"%s\"", name, shown(s));
	if (want) {
		snprintf(what, sizeof what, "%s(\"%s\") says why", name, shown(s));
		is_str(why, want, what);
	}
}

static void
test_country(void)
{
	static const char *good[] = {
		"VN", "LA", "KH", "TH", "CN", "US", "GB", "DE", "AX", "BQ", "SS", "ZW",
	};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		valid(cdn_check_country, "country", good[i]);
	invalid(cdn_check_country, "country", "vn", "expected upper case");
	invalid(cdn_check_country, "country", "UK", "not a country code (ISO 3166-1 alpha-2)");
	invalid(cdn_check_country, "country", "EU", "not a country code (ISO 3166-1 alpha-2)");
	invalid(cdn_check_country, "country", "XK", "not a country code (ISO 3166-1 alpha-2)");
	invalid(cdn_check_country, "country", "ZZ", NULL);
	invalid(cdn_check_country, "country", "1A", NULL);
	invalid(cdn_check_country, "country", "VNM", "expected 2 letters");
	invalid(cdn_check_country, "country", "V", "expected 2 letters");
	invalid(cdn_check_country, "country", "", "empty");
}

static void
test_currency(void)
{
	static const char *good[] = {
		"USD", "VND", "EUR", "CNY", "THB", "LAK", "KHR", "MYR", "SGD", "HKD",
		"NGN", "KES", "TZS", "MZN", "ZAR", "AED", "XOF", "XAF", "XDR", "XAU",
		"SLE", "ZWG", "XCG",
	};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		valid(cdn_check_currency, "currency", good[i]);
	invalid(cdn_check_currency, "currency", "usd", "expected upper case");
	invalid(cdn_check_currency, "currency", "HRK", "not a currency code (ISO 4217)");
	invalid(cdn_check_currency, "currency", "XXX", "not a currency code (ISO 4217)");
	invalid(cdn_check_currency, "currency", "ABC", "not a currency code (ISO 4217)");
	invalid(cdn_check_currency, "currency", "US$", NULL);
	invalid(cdn_check_currency, "currency", "US", "expected 3 letters");
	invalid(cdn_check_currency, "currency", "USDT", "expected 3 letters");
	invalid(cdn_check_currency, "currency", "", "empty");
}

static void
test_date(void)
{
	valid(cdn_check_date, "date", "2024-06-04");
	valid(cdn_check_date, "date", "2024-02-29");
	valid(cdn_check_date, "date", "2000-02-29");
	valid(cdn_check_date, "date", "1000-01-01");
	valid(cdn_check_date, "date", "9999-12-31");
	invalid(cdn_check_date, "date", "2023-02-29", "not a real date");
	invalid(cdn_check_date, "date", "1900-02-29", "not a real date");
	invalid(cdn_check_date, "date", "2024-04-31", "not a real date");
	invalid(cdn_check_date, "date", "2024-13-01", "not a real date");
	invalid(cdn_check_date, "date", "2024-00-10", "not a real date");
	invalid(cdn_check_date, "date", "2024-01-00", "not a real date");
	invalid(cdn_check_date, "date", "0999-12-31", "year must be 1000 to 9999");
	invalid(cdn_check_date, "date", "2024-6-4", "expected YYYY-MM-DD");
	invalid(cdn_check_date, "date", "2024/06/04", "expected YYYY-MM-DD");
	invalid(cdn_check_date, "date", "04-06-2024", "expected YYYY-MM-DD");
	invalid(cdn_check_date, "date", " 2024-06-04", "expected YYYY-MM-DD");
	invalid(cdn_check_date, "date", "2024-06-04T10:00:00Z", "expected YYYY-MM-DD");
	invalid(cdn_check_date, "date", "", "empty");
}

static void
test_datetime(void)
{
	valid(cdn_check_datetime, "datetime", "2024-06-04T10:00:00Z");
	valid(cdn_check_datetime, "datetime", "2024-06-04t10:00:00z");
	valid(cdn_check_datetime, "datetime", "2024-06-04T10:00:00.5Z");
	valid(cdn_check_datetime, "datetime", "2024-06-04T10:00:00.123456789+05:30");
	valid(cdn_check_datetime, "datetime", "2024-02-29T23:59:59-23:59");
	valid(cdn_check_datetime, "datetime", "2024-06-04T00:00:00-00:00");
	invalid(cdn_check_datetime, "datetime", "2024-06-04T24:00:00Z", "hour must be 00 to 23");
	invalid(cdn_check_datetime, "datetime", "2024-06-04T10:60:00Z", "minute must be 00 to 59");
	invalid(cdn_check_datetime, "datetime", "2016-12-31T23:59:60Z", "second must be 00 to 59");
	invalid(cdn_check_datetime, "datetime", "2023-02-29T10:00:00Z", "not a real date");
	invalid(cdn_check_datetime, "datetime", "2024-06-04T10:00:00",
	    "missing offset (Z, +HH:MM or -HH:MM)");
	invalid(cdn_check_datetime, "datetime", "2024-06-04T10:00:00+0200",
	    "expected offset Z, +HH:MM or -HH:MM");
	invalid(cdn_check_datetime, "datetime", "2024-06-04T10:00:00 UTC",
	    "expected offset Z, +HH:MM or -HH:MM");
	invalid(cdn_check_datetime, "datetime", "2024-06-04T10:00:00+24:00",
	    "offset must be -23:59 to +23:59");
	invalid(cdn_check_datetime, "datetime", "2024-06-04T10:00:00.Z",
	    "expected digits after the decimal point");
	invalid(cdn_check_datetime, "datetime", "2024-06-04T10:00:00Z ",
	    "unexpected text after the offset");
	invalid(cdn_check_datetime, "datetime", "2024-06-04T10:00Z", "expected YYYY-MM-DDTHH:MM:SS");
	invalid(cdn_check_datetime, "datetime", "2024-06-04 10:00:00Z", "expected YYYY-MM-DDTHH:MM:SS");
	invalid(cdn_check_datetime, "datetime", "2024-06-04", "expected YYYY-MM-DDTHH:MM:SS");
	invalid(cdn_check_datetime, "datetime", "", "empty");
}

static void
parses_to(const char *s, int64_t want)
{
	char why[CDN_WHY_MAX] = "";
	int64_t t = 0;
	int rc = cdn_time_parse(s, &t, why);

	if (!ok(rc == 0 && t == want, "parse(\"%s\") == %" PRId64, s, want))
		diag("rc %d, got %" PRId64 ", why: %s", rc, t, rc ? why : "");
}

static void
formats_to(int64_t t, const char *want)
{
	char buf[32], what[64];

	memset(buf, 'x', sizeof buf);
	cdn_time_format(t, buf);
	snprintf(what, sizeof what, "format(%" PRId64 ")", t);
	is_str(buf, want, what);
}

/* Walk every day from 1000-01-01 to 9999-12-31 with a plain calendar
 * counter and check that format and parse agree with it. */
static void
test_calendar_walk(void)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t day = -30610224000 / 86400, t;
	int y = 1000, m = 1, d = 1, bad_fmt = 0, bad_parse = 0;
	char want[48], got[32];

	for (; y <= 9999; day++) {
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

		snprintf(want, sizeof want, "%04d-%02d-%02dT00:00:00Z", y, m, d);
		cdn_time_format(day * 86400, got);
		if (strcmp(got, want) != 0 && bad_fmt++ == 0)
			diag("format(%" PRId64 ") = %s, want %s", day * 86400, got, want);
		want[10] = '\0';
		if ((cdn_time_parse(want, &t, NULL) != 0 || t != day * 86400) &&
		    bad_parse++ == 0)
			diag("parse(%s) wrong", want);
		if (++d > mdays[m - 1] + (m == 2 && leap)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	ok(bad_fmt == 0, "format matches the calendar for every day of years 1000-9999");
	ok(bad_parse == 0, "parse matches the calendar for every day of years 1000-9999");
}

static void
test_time(void)
{
	char why[CDN_WHY_MAX] = "", buf[32];
	int64_t t = 42;
	int bad = 0;

	parses_to("2024-06-04T10:00:00Z", 1717495200);
	parses_to("2024-06-04T12:00:00+02:00", 1717495200);
	parses_to("2024-06-04T05:00:00-05:00", 1717495200);
	parses_to("2024-06-04T15:30:00+05:30", 1717495200);
	parses_to("2024-06-04t10:00:00z", 1717495200);
	parses_to("2024-06-04T10:00:00.999Z", 1717495200);
	parses_to("2024-06-04", 1717459200);
	parses_to("1970-01-01", 0);
	parses_to("1969-12-31T23:59:59Z", -1);
	parses_to("1969-12-31T23:59:59.999Z", -1);
	parses_to("2000-02-29", 951782400);
	parses_to("1900-03-01", -2203891200);
	parses_to("1000-01-01", -30610224000);
	parses_to("1000-01-01T00:00:00+01:00", -30610227600);
	parses_to("9999-12-31T23:59:59Z", 253402300799);
	parses_to("2025-01-01T00:30:00+01:00", 1735687800);

	ok(cdn_time_parse("2023-02-29", &t, why) == -1 && t == 42,
	    "parse refuses 2023-02-29 and leaves the result alone");
	is_str(why, "not a real date", "parse(\"2023-02-29\") says why");
	ok(cdn_time_parse("2024-06-04T10:00:00", &t, why) == -1,
	    "parse refuses a date-time without an offset");
	is_str(why, "missing offset (Z, +HH:MM or -HH:MM)", "parse without offset says why");
	ok(cdn_time_parse("2024-6-4", &t, why) == -1, "parse refuses 2024-6-4");
	is_str(why, "expected YYYY-MM-DD (or a date-time, YYYY-MM-DDTHH:MM:SSZ)",
	    "parse(\"2024-6-4\") asks for a date, or a date-time");
	ok(cdn_time_parse("", &t, why) == -1, "parse refuses the empty string");
	ok(cdn_time_parse("2016-12-31T23:59:60Z", &t, NULL) == -1,
	    "parse refuses a leap second");

	formats_to(0, "1970-01-01T00:00:00Z");
	formats_to(-1, "1969-12-31T23:59:59Z");
	formats_to(-86400, "1969-12-31T00:00:00Z");
	formats_to(-86401, "1969-12-30T23:59:59Z");
	formats_to(1717495200, "2024-06-04T10:00:00Z");
	formats_to(951782400, "2000-02-29T00:00:00Z");
	formats_to(951868800, "2000-03-01T00:00:00Z");
	formats_to(-2203891200, "1900-03-01T00:00:00Z");
	formats_to(-2203977600, "1900-02-28T00:00:00Z");
	formats_to(-30610224000, "1000-01-01T00:00:00Z");
	formats_to(253402300799, "9999-12-31T23:59:59Z");
	formats_to(1735687800, "2024-12-31T23:30:00Z");
	formats_to(INT64_MAX, "9999-12-31T23:59:59Z");
	formats_to(INT64_MIN, "0000-01-01T00:00:00Z");

	memset(buf, 'x', sizeof buf);
	cdn_time_format(-30610224000, buf);
	ok(buf[20] == '\0' && buf[21] == 'x', "format writes exactly 21 bytes");

	/* Seconds, not just midnights, survive format then parse. */
	for (int64_t s = -30610224000; s <= 253402300799; s += 9999991) {
		int64_t back;

		cdn_time_format(s, buf);
		if ((cdn_time_parse(buf, &back, NULL) != 0 || back != s) && bad++ == 0)
			diag("round trip of %" PRId64 " via %s failed", s, buf);
	}
	ok(bad == 0, "format then parse gives back the epoch, years 1000-9999");
	test_calendar_walk();
}

static void
test_imo(void)
{
	valid(cdn_check_imo, "imo", "9074729");
	valid(cdn_check_imo, "imo", "IMO 9074729");
	valid(cdn_check_imo, "imo", "IMO9074729");
	valid(cdn_check_imo, "imo", "9176187");
	valid(cdn_check_imo, "imo", "9811000");
	invalid(cdn_check_imo, "imo", "9074728", "check digit is 8, expected 9");
	invalid(cdn_check_imo, "imo", "IMO 9398191", "check digit is 1, expected 9");
	invalid(cdn_check_imo, "imo", "907472", "expected 7 digits");
	invalid(cdn_check_imo, "imo", "90747290", "expected 7 digits");
	invalid(cdn_check_imo, "imo", "IMO  9074729", "expected 7 digits");
	invalid(cdn_check_imo, "imo", "IMO-9074729", "expected 7 digits");
	invalid(cdn_check_imo, "imo", "907472a", "expected 7 digits");
	invalid(cdn_check_imo, "imo", "imo 9074729", "expected upper case");
	invalid(cdn_check_imo, "imo", "", "empty");

	ok(cdn_imo_check_digit("907472") == 9, "IMO check digit of 907472 is 9");
	ok(cdn_imo_check_digit("981100") == 0, "IMO check digit of 981100 is 0");
	ok(cdn_imo_check_digit("12345x") == -1, "IMO check digit of a non-digit is -1");
}

static void
test_container(void)
{
	valid(cdn_check_container, "container", "CSQU3054383");
	valid(cdn_check_container, "container", "MSKU9070323");
	valid(cdn_check_container, "container", "MAEU1234567");
	valid(cdn_check_container, "container", "APZU4812090");
	valid(cdn_check_container, "container", "ABCJ1234563");
	/* Sum mod 11 is 10 here, written as check digit 0. */
	valid(cdn_check_container, "container", "CSQU3054300");
	invalid(cdn_check_container, "container", "MSCU6639871", "check digit is 1, expected 0");
	invalid(cdn_check_container, "container", "CSQU3054384", "check digit is 4, expected 3");
	invalid(cdn_check_container, "container", "CSQU3054310", "check digit is 0, expected 5");
	invalid(cdn_check_container, "container", "csqu3054383", "expected upper case");
	invalid(cdn_check_container, "container", "CSQX3054383", "category must be U, J or Z");
	invalid(cdn_check_container, "container", "C5QU3054383", "owner code must be 3 letters");
	invalid(cdn_check_container, "container", "CSQU30543A3", "serial number must be 6 digits");
	invalid(cdn_check_container, "container", "CSQU305438X", "check digit must be a digit");
	invalid(cdn_check_container, "container", "CSQU305438", "expected 11 characters");
	invalid(cdn_check_container, "container", "CSQU 3054383", "expected 11 characters");
	invalid(cdn_check_container, "container", "", "empty");

	ok(cdn_container_check_digit("CSQU305438") == 3, "container check digit of CSQU305438 is 3");
	ok(cdn_container_check_digit("CSQU305430") == 0, "container check digit 10 is written 0");
	ok(cdn_container_check_digit("CSQU30543A") == -1, "container check digit of a bad serial is -1");
	ok(cdn_container_check_digit("csqu305438") == -1, "container check digit of lower case is -1");
}

static void
test_iban(void)
{
	static const char *good[] = {
		"GB82 WEST 1234 5698 7654 32",
		"GB82WEST12345698765432",
		"DE89370400440532013000",
		"DE89 3704 0044 0532 0130 00",
		"FR1420041010050500013M02606",
		"NL91ABNA0417164300",
		"BE68539007547034",
		"NO9386011117947",
		"MT84MALT011000012345MTLCAST001S",
		"SC18SSCB11010000000000001497USD",
		"LC55HEMM000100010012001200023015",
		"XK051212012345678906",
	};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		valid(cdn_check_iban, "iban", good[i]);
	invalid(cdn_check_iban, "iban", "GB82 WEST 1234 5698 7654 33", "mod-97 check failed");
	invalid(cdn_check_iban, "iban", "DE89370400440532013001", "mod-97 check failed");
	/* Two digits swapped: what the check exists to catch. */
	invalid(cdn_check_iban, "iban", "DE89370400440532031000", "mod-97 check failed");
	invalid(cdn_check_iban, "iban", "DE8937040044053201300", "length 21, expected 22 for DE");
	invalid(cdn_check_iban, "iban", "DE89 3704 0044 0532 0130 00 00", "length 24, expected 22 for DE");
	invalid(cdn_check_iban, "iban", "GB82WEST1234569876543212345678901234567",
	    "length 39, expected 22 for GB");
	invalid(cdn_check_iban, "iban", "VN12345678901234", "country VN does not use IBAN");
	invalid(cdn_check_iban, "iban", "US12345678901234", "country US does not use IBAN");
	invalid(cdn_check_iban, "iban", "gb82west12345698765432", "expected upper case");
	invalid(cdn_check_iban, "iban", "GB8AWEST12345698765432",
	    "expected 2 check digits after the country code");
	invalid(cdn_check_iban, "iban", "GB82WEST1234569876543-",
	    "expected only letters, digits and spaces");
	invalid(cdn_check_iban, "iban", "1282WEST12345698765432", "expected a country code at the start");
	invalid(cdn_check_iban, "iban", "   ", "empty");
	invalid(cdn_check_iban, "iban", "", "empty");
}

static void
test_mmsi(void)
{
	valid(cdn_check_mmsi, "mmsi", "574123456");
	valid(cdn_check_mmsi, "mmsi", "412345678");
	invalid(cdn_check_mmsi, "mmsi", "57412345", "expected 9 digits");
	invalid(cdn_check_mmsi, "mmsi", "5741234567", "expected 9 digits");
	invalid(cdn_check_mmsi, "mmsi", "57412345a", "expected 9 digits");
	invalid(cdn_check_mmsi, "mmsi", " 574123456", "expected 9 digits");
	invalid(cdn_check_mmsi, "mmsi", "", "empty");
}

static void
test_e164(void)
{
	valid(cdn_check_e164, "e164", "+84912345678");
	valid(cdn_check_e164, "e164", "+12025550123");
	valid(cdn_check_e164, "e164", "+8613812345678");
	valid(cdn_check_e164, "e164", "+12345678");
	valid(cdn_check_e164, "e164", "+123456789012345");
	invalid(cdn_check_e164, "e164", "84912345678", "expected + and the country code");
	invalid(cdn_check_e164, "e164", "+0912345678", "country code cannot start with 0");
	invalid(cdn_check_e164, "e164", "+1234567", "expected 8 to 15 digits, got 7");
	invalid(cdn_check_e164, "e164", "+1234567890123456", "expected 8 to 15 digits, got 16");
	invalid(cdn_check_e164, "e164", "+84 912 345 678", "expected only digits after +");
	invalid(cdn_check_e164, "e164", "+", "expected 8 to 15 digits, got 0");
	invalid(cdn_check_e164, "e164", "", "empty");
}

static void
test_email(void)
{
	char addr[300];

	valid(cdn_check_email, "email", "a@b.co");
	valid(cdn_check_email, "email", "officer.nguyen@customs.gov.vn");
	valid(cdn_check_email, "email", "x+tag@example.org");
	invalid(cdn_check_email, "email", "no-at.example.com", "missing @");
	invalid(cdn_check_email, "email", "a@@b.com", "more than one @");
	invalid(cdn_check_email, "email", "a@b@c.com", "more than one @");
	invalid(cdn_check_email, "email", "@example.com", "nothing before the @");
	invalid(cdn_check_email, "email", "user@", "nothing after the @");
	invalid(cdn_check_email, "email", "user@localhost", "domain has no dot");
	invalid(cdn_check_email, "email", "user@.example.com", "domain has an empty label");
	invalid(cdn_check_email, "email", "user@example.", "domain has an empty label");
	invalid(cdn_check_email, "email", "user@exa..mple.com", "domain has an empty label");
	invalid(cdn_check_email, "email", "us er@example.com", "contains a space or control character");
	invalid(cdn_check_email, "email", "user@example.com\n", "contains a space or control character");
	invalid(cdn_check_email, "email", "", "empty");

	/* 254 bytes is the limit, 255 is over it. */
	memset(addr, 'a', 254);
	memcpy(addr + 254 - 12, "@example.com", 12);
	addr[254] = '\0';
	valid(cdn_check_email, "email", addr);
	memmove(addr + 1, addr, 255);
	ok(strlen(addr) == 255, "255-byte address built");
	invalid(cdn_check_email, "email", addr, "longer than 254 bytes");
}

static void
test_flight(void)
{
	valid(cdn_check_flight, "flight", "VN123");
	valid(cdn_check_flight, "flight", "QR8971");
	valid(cdn_check_flight, "flight", "5J560A");
	valid(cdn_check_flight, "flight", "U21234");
	valid(cdn_check_flight, "flight", "VN1");
	invalid(cdn_check_flight, "flight", "vn123", "expected upper case");
	invalid(cdn_check_flight, "flight", "12345",
	    "airline designator must be 2 letters or digits, not both digits");
	invalid(cdn_check_flight, "flight", "V-123",
	    "airline designator must be 2 letters or digits, not both digits");
	invalid(cdn_check_flight, "flight", "VN", "expected 1 to 4 digits after the airline designator");
	invalid(cdn_check_flight, "flight", "VN12345", "expected 1 to 4 digits after the airline designator");
	invalid(cdn_check_flight, "flight", "VN 123", "expected 1 to 4 digits after the airline designator");
	invalid(cdn_check_flight, "flight", "VN123AB", "unexpected text after the flight number");
	invalid(cdn_check_flight, "flight", "", "empty");
}

static void
test_hs_code(void)
{
	valid(cdn_check_hs_code, "hs_code", "1211");
	valid(cdn_check_hs_code, "hs_code", "121190");
	valid(cdn_check_hs_code, "hs_code", "1211.90");
	valid(cdn_check_hs_code, "hs_code", "0106.19.00");
	valid(cdn_check_hs_code, "hs_code", "9601100000");
	invalid(cdn_check_hs_code, "hs_code", "121", "expected 4 to 10 digits, got 3");
	invalid(cdn_check_hs_code, "hs_code", "12.1", "expected 4 to 10 digits, got 3");
	invalid(cdn_check_hs_code, "hs_code", "96011000001", "expected 4 to 10 digits, got 11");
	invalid(cdn_check_hs_code, "hs_code", ".1211", "a dot must stand between digits");
	invalid(cdn_check_hs_code, "hs_code", "1211.", "a dot must stand between digits");
	invalid(cdn_check_hs_code, "hs_code", "12..11", "a dot must stand between digits");
	invalid(cdn_check_hs_code, "hs_code", "1211-90", "expected only digits and dots");
	invalid(cdn_check_hs_code, "hs_code", "12 11", "expected only digits and dots");
	invalid(cdn_check_hs_code, "hs_code", "", "empty");
}

static void
test_species(void)
{
	char name[120];

	valid(cdn_check_species, "species", "Loxodonta africana");
	valid(cdn_check_species, "species", "Manis javanica");
	valid(cdn_check_species, "species", "Panthera tigris tigris");
	valid(cdn_check_species, "species", "Dalbergia cochinchinensis");
	valid(cdn_check_species, "species", "Symphyotrichum novae-angliae");
	invalid(cdn_check_species, "species", "manis javanica",
	    "genus must be a capital then lower-case letters");
	invalid(cdn_check_species, "species", "MAnis javanica",
	    "genus must be a capital then lower-case letters");
	invalid(cdn_check_species, "species", " Manis javanica",
	    "genus must be a capital then lower-case letters");
	invalid(cdn_check_species, "species", "Manis Javanica", "epithet must be lower-case letters");
	invalid(cdn_check_species, "species", "Manis  javanica", "epithet must be lower-case letters");
	invalid(cdn_check_species, "species", "Manis java-", "epithet must be lower-case letters");
	invalid(cdn_check_species, "species", "Manis -javanica", "epithet must be lower-case letters");
	invalid(cdn_check_species, "species", "Dalbergia sp.", "epithet must be lower-case letters");
	invalid(cdn_check_species, "species", "Manis", "expected genus and species epithet");
	invalid(cdn_check_species, "species", "Manis javanica ",
	    "words after the genus must be lower-case letters, one space apart");
	invalid(cdn_check_species, "species", "Manis javanica Desmarest",
	    "words after the genus must be lower-case letters, one space apart");
	invalid(cdn_check_species, "species", "", "empty");

	/* 100 bytes is the limit, 101 is over it. */
	memset(name, 'a', 100);
	memcpy(name, "Manis ", 6);
	name[100] = '\0';
	valid(cdn_check_species, "species", name);
	name[100] = 'a';
	name[101] = '\0';
	invalid(cdn_check_species, "species", name, "longer than 100 bytes");
}

/* A NULL why must be safe everywhere, and a reason must fit. */
static void
test_why(void)
{
	static const struct {
		check_fn fn;
		const char *name, *bad;
	} cases[] = {
		{ cdn_check_country, "country", "XK" },
		{ cdn_check_currency, "currency", "usd" },
		{ cdn_check_date, "date", "2023-02-29" },
		{ cdn_check_datetime, "datetime", "2024-06-04T10:00:00" },
		{ cdn_check_imo, "imo", "9074728" },
		{ cdn_check_container, "container", "CSQU3054384" },
		{ cdn_check_iban, "iban", "DE89370400440532013001" },
		{ cdn_check_mmsi, "mmsi", "1" },
		{ cdn_check_e164, "e164", "+0" },
		{ cdn_check_email, "email", "a@b" },
		{ cdn_check_flight, "flight", "12345" },
		{ cdn_check_hs_code, "hs_code", "1" },
		{ cdn_check_species, "species", "manis" },
	};
	char why[CDN_WHY_MAX + 16];
	int64_t t;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ok(cases[i].fn(cases[i].bad, NULL) == -1, "%s refuses \"%s\" with why NULL",
		    cases[i].name, cases[i].bad);
		memset(why, 'x', sizeof why);
		cases[i].fn(cases[i].bad, why);
		ok(memchr(why, '\0', CDN_WHY_MAX) != NULL && why[CDN_WHY_MAX] == 'x' &&
		    why[0] != '\0' && why[strlen(why) - 1] != '.',
		    "%s reason is set, terminated within CDN_WHY_MAX, no period", cases[i].name);
	}
	ok(cdn_time_parse("2023-02-29", &t, NULL) == -1, "time_parse refuses with why NULL");
}

int
main(void)
{
	test_country();
	test_currency();
	test_date();
	test_datetime();
	test_time();
	test_imo();
	test_container();
	test_iban();
	test_mmsi();
	test_e164();
	test_email();
	test_flight();
	test_hs_code();
	test_species();
	test_why();
	return done_testing();
}
