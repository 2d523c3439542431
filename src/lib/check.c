/*
 * check.c - validators for the value formats of the record model.
 *
 * Everything here is ASCII-only on purpose: the <ctype.h> classifiers
 * follow the locale, and a value that validates in one locale must
 * validate in every other. Reasons never echo the input, so a reason is
 * always short, printable and valid UTF-8 whatever bytes were given.
 *
 * The code tables are snapshots of the registries; when one changes,
 * edit the table (keeping it sorted: the lookups use bsearch) and the
 * date it carries.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/check.h"

/*
 * ISO 3166-1 alpha-2, the 249 officially assigned codes (ISO 3166
 * Maintenance Agency, as of 2026). User-assigned codes such as XK
 * (Kosovo) and exceptionally reserved ones such as UK or EU are not
 * country codes and are refused.
 */
static const char countries[][3] = {
	"AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT",
	"AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI",
	"BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY",
	"BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
	"CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
	"DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK",
	"FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL",
	"GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
	"HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR",
	"IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
	"KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS",
	"LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
	"ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW",
	"MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP",
	"NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
	"PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
	"SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM",
	"SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF",
	"TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
	"TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
	"VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
};

/*
 * ISO 4217 list one (SIX, as of 2026-01-01): national currencies, funds,
 * precious metals and the supranational units. XTS (reserved for tests)
 * and XXX (no currency involved) are left out: neither can denominate an
 * amount, and accepting XXX would let a required currency be filled with
 * "none". Withdrawn codes (HRK, BGN, ANG, CUC, SLL, ZWL, ...) are in list
 * three, not here.
 */
static const char currencies[][4] = {
	"AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM",
	"BBD", "BDT", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD",
	"BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF",
	"CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK",
	"DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL",
	"GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF",
	"IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES",
	"KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP",
	"LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT",
	"MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD",
	"NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP",
	"PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD",
	"SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN",
	"SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD",
	"TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS",
	"VED", "VES", "VND", "VUV", "WST", "XAD", "XAF", "XAG", "XAU", "XBA",
	"XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD", "XPF", "XPT",
	"XSU", "XUA", "YER", "ZAR", "ZMW", "ZWG",
};

/*
 * IBAN lengths from the SWIFT IBAN registry (release of 2025). Only the
 * prefixes the registry lists: territories that bank under another
 * country's scheme (GF, RE, NC under FR; JE, GG, IM under GB; AX under
 * FI) write that country's prefix, so theirs are refused. XK is here
 * although it is no ISO 3166-1 code: the registry assigns it to Kosovo.
 */
struct iban_country {
	char cc[3];
	unsigned char len;
};

static const struct iban_country iban_countries[] = {
	{ "AD", 24 }, { "AE", 23 }, { "AL", 28 }, { "AT", 20 }, { "AZ", 28 },
	{ "BA", 20 }, { "BE", 16 }, { "BG", 22 }, { "BH", 22 }, { "BI", 27 },
	{ "BR", 29 }, { "BY", 28 }, { "CH", 21 }, { "CR", 22 }, { "CY", 28 },
	{ "CZ", 24 }, { "DE", 22 }, { "DJ", 27 }, { "DK", 18 }, { "DO", 28 },
	{ "EE", 20 }, { "EG", 29 }, { "ES", 24 }, { "FI", 18 }, { "FK", 18 },
	{ "FO", 18 }, { "FR", 27 }, { "GB", 22 }, { "GE", 22 }, { "GI", 23 },
	{ "GL", 18 }, { "GR", 27 }, { "GT", 28 }, { "HN", 28 }, { "HR", 21 },
	{ "HU", 28 }, { "IE", 22 }, { "IL", 23 }, { "IQ", 23 }, { "IS", 26 },
	{ "IT", 27 }, { "JO", 30 }, { "KW", 30 }, { "KZ", 20 }, { "LB", 28 },
	{ "LC", 32 }, { "LI", 21 }, { "LT", 20 }, { "LU", 20 }, { "LV", 21 },
	{ "LY", 25 }, { "MC", 27 }, { "MD", 24 }, { "ME", 22 }, { "MK", 19 },
	{ "MN", 20 }, { "MR", 27 }, { "MT", 31 }, { "MU", 30 }, { "NI", 28 },
	{ "NL", 18 }, { "NO", 15 }, { "OM", 23 }, { "PK", 24 }, { "PL", 28 },
	{ "PS", 29 }, { "PT", 25 }, { "QA", 29 }, { "RO", 24 }, { "RS", 22 },
	{ "RU", 33 }, { "SA", 24 }, { "SC", 31 }, { "SD", 18 }, { "SE", 24 },
	{ "SI", 19 }, { "SK", 24 }, { "SM", 27 }, { "SO", 23 }, { "ST", 25 },
	{ "SV", 28 }, { "TL", 23 }, { "TN", 24 }, { "TR", 26 }, { "UA", 29 },
	{ "VA", 22 }, { "VG", 24 }, { "XK", 20 }, { "YE", 30 },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The longest IBAN any country may define (ISO 13616). */
#define IBAN_MAX	34

/* --- helpers ------------------------------------------------------------- */

__attribute__((format(printf, 2, 3)))
static int
fail(char *why, const char *fmt, ...)
{
	va_list ap;

	if (why) {
		va_start(ap, fmt);
		vsnprintf(why, CDN_WHY_MAX, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static int
is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static int
has_lower(const char *s)
{
	for (; *s; s++)
		if (is_lower(*s))
			return 1;
	return 0;
}

/*
 * Read exactly n digits. It stops at the first non-digit, so a string
 * that ends early (its NUL is not a digit) is never read past.
 */
static int
read_digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* bsearch comparators: the key is the caller's string, already known to
 * be exactly as long as the table entries. */
static int
cmp_code2(const void *key, const void *elem)
{
	return memcmp(key, elem, 2);
}

static int
cmp_code3(const void *key, const void *elem)
{
	return memcmp(key, elem, 3);
}

/* --- country and currency ------------------------------------------------ */

int
cdn_check_country(const char *s, char *why)
{
	if (*s == '\0')
		return fail(why, "empty");
	if (strlen(s) != 2)
		return fail(why, "expected 2 letters");
	if (is_lower(s[0]) || is_lower(s[1]))
		return fail(why, "expected upper case");
	if (!is_upper(s[0]) || !is_upper(s[1]) ||
	    !bsearch(s, countries, NELEM(countries), sizeof countries[0], cmp_code2))
		return fail(why, "not a country code (ISO 3166-1 alpha-2)");
	return 0;
}

int
cdn_check_currency(const char *s, char *why)
{
	if (*s == '\0')
		return fail(why, "empty");
	if (strlen(s) != 3)
		return fail(why, "expected 3 letters");
	if (has_lower(s))
		return fail(why, "expected upper case");
	if (!is_upper(s[0]) || !is_upper(s[1]) || !is_upper(s[2]) ||
	    !bsearch(s, currencies, NELEM(currencies), sizeof currencies[0], cmp_code3))
		return fail(why, "not a currency code (ISO 4217)");
	return 0;
}

/* --- dates and times ----------------------------------------------------- */

struct stamp {
	int year, mon, day;
	int hour, min, sec;
	int off;		/* seconds east of UTC */
};

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const unsigned char mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date, after Howard
 * Hinnant's days_from_civil: counting in 400-year eras that start on
 * March 1st puts the leap day last, so no table is needed. Our own
 * arithmetic rather than timegm(3): that one depends on TZ handling
 * and is not in C11.
 */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;				/* 0..399 */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;	/* 0..365 */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* 0..146096 */
	return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil. */
static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;				/* 0..146096 */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);	/* 0..365 */
	mp = (5 * doy + 2) / 153;			/* 0..11, from March */
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Scan "YYYY-MM-DD" at s, without judging the values. */
static int
scan_date(const char *s, struct stamp *t)
{
	if (read_digits(s, 4, &t->year) != 0 || s[4] != '-' ||
	    read_digits(s + 5, 2, &t->mon) != 0 || s[7] != '-' ||
	    read_digits(s + 8, 2, &t->day) != 0)
		return -1;
	return 0;
}

static int
valid_date(const struct stamp *t, char *why)
{
	if (t->year < 1000)
		return fail(why, "year must be 1000 to 9999");
	if (t->mon < 1 || t->mon > 12 || t->day < 1 ||
	    t->day > days_in_month(t->year, t->mon))
		return fail(why, "not a real date");
	return 0;
}

static int
parse_date(const char *s, struct stamp *t, char *why)
{
	if (scan_date(s, t) != 0 || s[10] != '\0')
		return fail(why, "expected YYYY-MM-DD");
	t->hour = t->min = t->sec = t->off = 0;
	return valid_date(t, why);
}

/*
 * RFC 3339 date-time. The shape is checked in full before any value is
 * judged, so "2024-13-01 10:00" is called malformed, not an unreal month.
 */
static int
parse_datetime(const char *s, struct stamp *t, char *why)
{
	const char *p;
	int oh = 0, om = 0, sign = 0;

	if (scan_date(s, t) != 0 || (s[10] != 'T' && s[10] != 't') ||
	    read_digits(s + 11, 2, &t->hour) != 0 || s[13] != ':' ||
	    read_digits(s + 14, 2, &t->min) != 0 || s[16] != ':' ||
	    read_digits(s + 17, 2, &t->sec) != 0)
		return fail(why, "expected YYYY-MM-DDTHH:MM:SS");
	p = s + 19;
	if (*p == '.') {
		if (!is_digit(*++p))
			return fail(why, "expected digits after the decimal point");
		while (is_digit(*p))
			p++;
	}
	if (*p == '\0')
		return fail(why, "missing offset (Z, +HH:MM or -HH:MM)");
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (read_digits(p + 1, 2, &oh) != 0 || p[3] != ':' ||
		    read_digits(p + 4, 2, &om) != 0)
			return fail(why, "expected offset Z, +HH:MM or -HH:MM");
		p += 6;
	} else {
		return fail(why, "expected offset Z, +HH:MM or -HH:MM");
	}
	if (*p != '\0')
		return fail(why, "unexpected text after the offset");

	if (valid_date(t, why) != 0)
		return -1;
	if (t->hour > 23)
		return fail(why, "hour must be 00 to 23");
	if (t->min > 59)
		return fail(why, "minute must be 00 to 59");
	/* A leap second has no epoch value of its own; refusing it keeps
	 * every accepted stamp convertible. */
	if (t->sec > 59)
		return fail(why, "second must be 00 to 59");
	if (oh > 23 || om > 59)
		return fail(why, "offset must be -23:59 to +23:59");
	t->off = sign * (oh * 3600 + om * 60);
	return 0;
}

int
cdn_check_date(const char *s, char *why)
{
	struct stamp t;

	if (*s == '\0')
		return fail(why, "empty");
	return parse_date(s, &t, why);
}

int
cdn_check_datetime(const char *s, char *why)
{
	struct stamp t;

	if (*s == '\0')
		return fail(why, "empty");
	return parse_datetime(s, &t, why);
}

int
cdn_time_parse(const char *s, int64_t *epoch, char *why)
{
	struct stamp t;
	int rc;

	if (*s == '\0')
		return fail(why, "empty");
	/* Ten bytes or fewer is meant as a date, longer as a date-time: the
	 * schema's rule (ten bytes is a date), with a reason for "2024-6-4"
	 * that asks for a date rather than a date-time. */
	if (strlen(s) <= 10)
		rc = parse_date(s, &t, why);
	else
		rc = parse_datetime(s, &t, why);
	if (rc != 0 && why && strlen(s) <= 10 && strcmp(why, "expected YYYY-MM-DD") == 0)
		return fail(why, "expected YYYY-MM-DD (or a date-time, YYYY-MM-DDTHH:MM:SSZ)");
	if (rc != 0)
		return rc;
	*epoch = days_from_civil(t.year, t.mon, t.day) * 86400 +
	    t.hour * 3600 + t.min * 60 + t.sec - t.off;
	return 0;
}

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range that fits the
 * 20-character form. */
#define EPOCH_MIN	INT64_C(-62167219200)
#define EPOCH_MAX	INT64_C(253402300799)

static char *
put_digits(char *p, int64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/*
 * Epochs beyond years 0000..9999 are clamped to the nearest end: there is
 * no way to report an error here, and a clamped stamp still sorts right.
 */
void
cdn_time_format(int64_t epoch, char *buf)
{
	int64_t days, secs, y;
	int m, d;
	char *p = buf;

	if (epoch < EPOCH_MIN)
		epoch = EPOCH_MIN;
	if (epoch > EPOCH_MAX)
		epoch = EPOCH_MAX;
	/* Floor division: -1 is the last second of 1969-12-31. */
	days = epoch / 86400;
	secs = epoch % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	p = put_digits(p, y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p++ = 'T';
	p = put_digits(p, secs / 3600, 2);
	*p++ = ':';
	p = put_digits(p, secs / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, secs % 60, 2);
	*p++ = 'Z';
	*p = '\0';
}

/* --- ship, container and bank identifiers -------------------------------- */

int
cdn_imo_check_digit(const char six_digits[6])
{
	int sum = 0;

	/* Weights 7 down to 2; -1 for a non-digit, which no caller that has
	 * checked its input will see. */
	for (int i = 0; i < 6; i++) {
		if (!is_digit(six_digits[i]))
			return -1;
		sum += (six_digits[i] - '0') * (7 - i);
	}
	return sum % 10;
}

int
cdn_check_imo(const char *s, char *why)
{
	int want;

	if (*s == '\0')
		return fail(why, "empty");
	if (strncmp(s, "IMO", 3) == 0) {
		s += 3;
		if (*s == ' ')
			s++;
	} else if ((s[0] == 'i' || s[0] == 'I') && (s[1] == 'm' || s[1] == 'M') &&
	    (s[2] == 'o' || s[2] == 'O')) {
		return fail(why, "expected upper case");
	}
	for (int i = 0; i < 7; i++)
		if (!is_digit(s[i]))
			return fail(why, "expected 7 digits");
	if (s[7] != '\0')
		return fail(why, "expected 7 digits");
	want = cdn_imo_check_digit(s);
	if (s[6] - '0' != want)
		return fail(why, "check digit is %c, expected %d", s[6], want);
	return 0;
}

/*
 * ISO 6346 letter values: 10 upwards, skipping 11, 22 and 33 because a
 * multiple of 11 would vanish in the mod-11 sum.
 */
static int
container_letter_value(char c)
{
	int v = c - 'A' + 10;

	return v + (v >= 11) + (v >= 21) + (v >= 31);
}

int
cdn_container_check_digit(const char first_ten[10])
{
	long sum = 0;

	for (int i = 0; i < 10; i++) {
		int v;

		if (i < 4 && is_upper(first_ten[i]))
			v = container_letter_value(first_ten[i]);
		else if (i >= 4 && is_digit(first_ten[i]))
			v = first_ten[i] - '0';
		else
			return -1;
		sum += (long)v << i;
	}
	/* A remainder of 10 is written 0 (ISO 6346 advises owners not to
	 * issue such serials, but they exist). */
	return (int)(sum % 11 % 10);
}

int
cdn_check_container(const char *s, char *why)
{
	int want;

	if (*s == '\0')
		return fail(why, "empty");
	if (strlen(s) != 11)
		return fail(why, "expected 11 characters");
	if (has_lower(s))
		return fail(why, "expected upper case");
	if (!is_upper(s[0]) || !is_upper(s[1]) || !is_upper(s[2]))
		return fail(why, "owner code must be 3 letters");
	if (s[3] != 'U' && s[3] != 'J' && s[3] != 'Z')
		return fail(why, "category must be U, J or Z");
	for (int i = 4; i < 10; i++)
		if (!is_digit(s[i]))
			return fail(why, "serial number must be 6 digits");
	if (!is_digit(s[10]))
		return fail(why, "check digit must be a digit");
	want = cdn_container_check_digit(s);
	if (s[10] - '0' != want)
		return fail(why, "check digit is %c, expected %d", s[10], want);
	return 0;
}

/* ISO 7064 MOD 97-10 over the rearranged IBAN (BBAN, then country and
 * check digits), one character at a time: the number itself would need
 * up to 68 decimal digits. */
static int
iban_mod97(const char *iban, size_t len)
{
	int r = 0;

	for (size_t i = 0; i < len; i++) {
		char c = iban[(i + 4) % len];

		if (is_digit(c))
			r = (r * 10 + (c - '0')) % 97;
		else
			r = (r * 100 + (c - 'A' + 10)) % 97;
	}
	return r;
}

int
cdn_check_iban(const char *s, char *why)
{
	const struct iban_country *ic;
	char iban[IBAN_MAX];
	size_t n = 0;

	for (const char *p = s; *p; p++) {
		if (*p == ' ')
			continue;
		if (n < IBAN_MAX)
			iban[n] = *p;
		n++;
	}
	if (n == 0)
		return fail(why, "empty");
	if (has_lower(s))
		return fail(why, "expected upper case");
	if (n < 2 || !is_upper(iban[0]) || !is_upper(iban[1]))
		return fail(why, "expected a country code at the start");
	ic = bsearch(iban, iban_countries, NELEM(iban_countries),
	    sizeof iban_countries[0], cmp_code2);
	if (!ic)
		return fail(why, "country %.2s does not use IBAN", iban);
	if (n < 4 || !is_digit(iban[2]) || !is_digit(iban[3]))
		return fail(why, "expected 2 check digits after the country code");
	for (size_t i = 4; i < n && i < IBAN_MAX; i++)
		if (!is_upper(iban[i]) && !is_digit(iban[i]))
			return fail(why, "expected only letters, digits and spaces");
	if (n != ic->len)
		return fail(why, "length %zu, expected %d for %s", n, ic->len, ic->cc);
	if (iban_mod97(iban, n) != 1)
		return fail(why, "mod-97 check failed");
	return 0;
}

/* --- numbers and addresses ----------------------------------------------- */

int
cdn_check_mmsi(const char *s, char *why)
{
	if (*s == '\0')
		return fail(why, "empty");
	for (int i = 0; i < 9; i++)
		if (!is_digit(s[i]))
			return fail(why, "expected 9 digits");
	if (s[9] != '\0')
		return fail(why, "expected 9 digits");
	return 0;
}

int
cdn_check_e164(const char *s, char *why)
{
	size_t n;

	if (*s == '\0')
		return fail(why, "empty");
	if (*s++ != '+')
		return fail(why, "expected + and the country code");
	for (n = 0; s[n]; n++)
		if (!is_digit(s[n]))
			return fail(why, "expected only digits after +");
	if (n < 8 || n > 15)
		return fail(why, "expected 8 to 15 digits, got %zu", n);
	if (s[0] == '0')
		return fail(why, "country code cannot start with 0");
	return 0;
}

int
cdn_check_email(const char *s, char *why)
{
	const char *at = NULL, *p;
	size_t n = 0;

	if (*s == '\0')
		return fail(why, "empty");
	for (p = s; *p; p++, n++) {
		unsigned char c = (unsigned char)*p;

		if (c <= ' ' || c == 0x7f)
			return fail(why, "contains a space or control character");
		if (c == '@') {
			if (at)
				return fail(why, "more than one @");
			at = p;
		}
	}
	if (n > 254)
		return fail(why, "longer than 254 bytes");
	if (!at)
		return fail(why, "missing @");
	if (at == s)
		return fail(why, "nothing before the @");
	p = at + 1;
	if (*p == '\0')
		return fail(why, "nothing after the @");
	if (!strchr(p, '.'))
		return fail(why, "domain has no dot");
	if (*p == '.' || p[strlen(p) - 1] == '.' || strstr(p, ".."))
		return fail(why, "domain has an empty label");
	return 0;
}

/* --- trade and travel ---------------------------------------------------- */

int
cdn_check_flight(const char *s, char *why)
{
	const char *p;
	int nd;

	if (*s == '\0')
		return fail(why, "empty");
	if (has_lower(s))
		return fail(why, "expected upper case");
	/* Two characters, so the designator never eats the flight number;
	 * "12" would be indistinguishable from a bare number. */
	if (!(is_upper(s[0]) || is_digit(s[0])) ||
	    !(is_upper(s[1]) || is_digit(s[1])) ||
	    (is_digit(s[0]) && is_digit(s[1])))
		return fail(why, "airline designator must be 2 letters or digits, not both digits");
	p = s + 2;
	for (nd = 0; is_digit(p[nd]); nd++)
		;
	if (nd < 1 || nd > 4)
		return fail(why, "expected 1 to 4 digits after the airline designator");
	p += nd;
	if (is_upper(*p))
		p++;
	if (*p != '\0')
		return fail(why, "unexpected text after the flight number");
	return 0;
}

int
cdn_check_hs_code(const char *s, char *why)
{
	int nd = 0;

	if (*s == '\0')
		return fail(why, "empty");
	for (const char *p = s; *p; p++) {
		if (is_digit(*p)) {
			nd++;
		} else if (*p == '.') {
			if (p == s || !is_digit(p[-1]) || !is_digit(p[1]))
				return fail(why, "a dot must stand between digits");
		} else {
			return fail(why, "expected only digits and dots");
		}
	}
	if (nd < 4 || nd > 10)
		return fail(why, "expected 4 to 10 digits, got %d", nd);
	return 0;
}

/* A lower-case epithet: letters, with single hyphens inside
 * ("novae-angliae"). Returns its length, or 0 if there is none. */
static size_t
epithet_len(const char *s)
{
	size_t n = 0;

	while (is_lower(s[n]) || (s[n] == '-' && n > 0 && is_lower(s[n - 1]) &&
	    is_lower(s[n + 1])))
		n++;
	return n;
}

int
cdn_check_species(const char *s, char *why)
{
	const char *p = s;
	size_t n;
	int words;

	if (*s == '\0')
		return fail(why, "empty");
	if (strlen(s) > 100)
		return fail(why, "longer than 100 bytes");
	if (!is_upper(*p) || !is_lower(p[1]))
		return fail(why, "genus must be a capital then lower-case letters");
	for (p++; is_lower(*p); p++)
		;
	for (words = 1; *p; words++) {
		if (*p != ' ')
			return fail(why, "genus must be a capital then lower-case letters");
		p++;
		if ((n = epithet_len(p)) == 0 || (p[n] != ' ' && p[n] != '\0'))
			return fail(why, words == 1 ?
			    "epithet must be lower-case letters" :
			    "words after the genus must be lower-case letters, one space apart");
		p += n;
	}
	if (words < 2)
		return fail(why, "expected genus and species epithet");
	return 0;
}

/* User names: what `user add` will accept, and what the audit trail can
 * carry without escaping. */
int
cdn_check_username(const char *s, char *why)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return fail(why, "must be 1 to 64 characters");
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-' || *p == '@'))
			return fail(why, "user names use letters, digits and . _ - @");
	return 0;
}

unsigned
cdn_bidi_find(const char *s, size_t len, int marks, size_t *at)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i + 1 < len; i++) {
		unsigned cp = 0;

		if (p[i] == 0xd8 && p[i + 1] == 0x9c)
			cp = 0x061c;
		else if (p[i] == 0xe2 && i + 2 < len && p[i + 1] == 0x80 &&
		    ((p[i + 2] >= 0xaa && p[i + 2] <= 0xae) || p[i + 2] == 0x8e || p[i + 2] == 0x8f))
			cp = 0x2000 + (unsigned)(p[i + 2] - 0x80);
		else if (p[i] == 0xe2 && i + 2 < len && p[i + 1] == 0x81 &&
		    p[i + 2] >= 0xa6 && p[i + 2] <= 0xa9)
			cp = 0x2040 + (unsigned)(p[i + 2] - 0x80);
		if (cp && (marks || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))) {
			if (at)
				*at = i;
			return cp;
		}
	}
	return 0;
}

const char *
cdn_bidi_name(unsigned cp)
{
	switch (cp) {
	case 0x061c: return "U+061C ARABIC LETTER MARK";
	case 0x200e: return "U+200E LEFT-TO-RIGHT MARK";
	case 0x200f: return "U+200F RIGHT-TO-LEFT MARK";
	case 0x202a: return "U+202A LEFT-TO-RIGHT EMBEDDING";
	case 0x202b: return "U+202B RIGHT-TO-LEFT EMBEDDING";
	case 0x202c: return "U+202C POP DIRECTIONAL FORMATTING";
	case 0x202d: return "U+202D LEFT-TO-RIGHT OVERRIDE";
	case 0x202e: return "U+202E RIGHT-TO-LEFT OVERRIDE";
	case 0x2066: return "U+2066 LEFT-TO-RIGHT ISOLATE";
	case 0x2067: return "U+2067 RIGHT-TO-LEFT ISOLATE";
	case 0x2068: return "U+2068 FIRST STRONG ISOLATE";
	case 0x2069: return "U+2069 POP DIRECTIONAL ISOLATE";
	}
	return "a bidirectional control";
}

int
cdn_check_filename(const char *s, char *why)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	unsigned cp;

	if (n == 0)
		return fail(why, "empty");
	if (n > 255)
		return fail(why, "longer than 255 bytes");
	if (strcmp(s, ".") == 0 || strstr(s, ".."))
		return fail(why, "must not contain '..' or be '.'");
	for (; *p; p++) {
		if (*p == '/' || *p == '\\')
			return fail(why, "a base name only: no '/' or '\\'");
		if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return fail(why, "contains a control character");
	}
	if ((cp = cdn_bidi_find(s, n, 1, NULL)) != 0)
		return fail(why, "contains %s, which changes the order the name is shown in",
		    cdn_bidi_name(cp));
	return 0;
}

static int
check_hex(const char *s, size_t len, char *why)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return fail(why, "expected lower-case hex digits");
	if (n != len)
		return fail(why, "expected %zu hex digits", len);
	return 0;
}

int
cdn_check_sha256(const char *s, char *why)
{
	return check_hex(s, 64, why);
}

int
cdn_check_git_oid(const char *s, char *why)
{
	return check_hex(s, 40, why);
}

int
cdn_size_parse(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	}
	if (errno || *end || v == 0 || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}
