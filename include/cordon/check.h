/*
 * check.h - validators for the value formats of the record model.
 *
 * Each function checks one format and returns 0 when the value is valid,
 * or -1 with a short, impersonal reason ("check digit is 3, expected 7")
 * written to `why` (at most CDN_WHY_MAX bytes, always NUL-terminated).
 * `why` may be NULL. Inputs are NUL-terminated UTF-8 strings owned by the
 * caller; nothing is allocated and nothing is retained.
 *
 * These are pure functions: no store, no global state, safe from any thread.
 */
#ifndef CORDON_CHECK_H
#define CORDON_CHECK_H

#include <stddef.h>
#include <stdint.h>

#define CDN_WHY_MAX 128

/* ISO 3166-1 alpha-2, upper case, officially assigned codes only ("VN"). */
int cdn_check_country(const char *s, char *why);
/* ISO 4217 active alphabetic currency code, upper case ("USD", "VND"). */
int cdn_check_currency(const char *s, char *why);

/* Calendar date "YYYY-MM-DD" (real day of a real month, leap years). */
int cdn_check_date(const char *s, char *why);
/*
 * RFC 3339 date-time "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)";
 * 't' and 'z' are accepted too. Leap second 60 is refused.
 */
int cdn_check_datetime(const char *s, char *why);

/*
 * Parse a date or an RFC 3339 date-time into seconds since the epoch (UTC).
 * A bare date means 00:00:00Z that day. Returns 0 or -1 (with why).
 */
int cdn_time_parse(const char *s, int64_t *epoch, char *why);

/* Parse a size: a whole number above 0, optionally followed by K, M or G
 * (binary multiples). Returns 0, or -1 if `s` is not one. */
int cdn_size_parse(const char *s, uint64_t *out);
/* Format epoch seconds as "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21 bytes). */
void cdn_time_format(int64_t epoch, char *buf);

/* IMO ship number: 7 digits, optionally prefixed "IMO " or "IMO"; check digit. */
int cdn_check_imo(const char *s, char *why);
/* ISO 6346 container code: 3-letter owner, category U/J/Z, 6 digits, check digit. */
int cdn_check_container(const char *s, char *why);
/* IBAN: country code, 2 check digits, BBAN; length per country; mod-97 == 1.
 * Spaces are allowed between groups. */
int cdn_check_iban(const char *s, char *why);
/* MMSI: exactly 9 digits. */
int cdn_check_mmsi(const char *s, char *why);
/* E.164 phone number: '+' then 8..15 digits, first digit not 0. */
int cdn_check_e164(const char *s, char *why);
/* E-mail address: local@domain, one '@', domain with a dot, no spaces,
 * at most 254 bytes. Deliberately simple: this is a sanity check. */
int cdn_check_email(const char *s, char *why);
/* Flight number: 2-character IATA airline designator + 1..4 digits
 * + optional suffix letter ("VN123", "QR8971", "5J560A"). */
int cdn_check_flight(const char *s, char *why);
/* HS code: 4 to 10 digits (dots allowed between groups: "1211.90"). */
int cdn_check_hs_code(const char *s, char *why);
/* Species: a scientific name, "Genus species" with optional further words;
 * genus capitalised, epithet lower case ("Manis javanica"). */
int cdn_check_species(const char *s, char *why);

/* User name: 1 to 64 of letters, digits and . _ - @ (what the audit
 * trail records without escaping). */
int cdn_check_username(const char *s, char *why);

/*
 * Evidence file name: a base name of 1 to 255 bytes of UTF-8, no '/',
 * '\\', NUL, "..", control characters, and not "." alone.
 */
int cdn_check_filename(const char *s, char *why);

/*
 * Unicode's bidirectional controls make text show in another order than
 * it is stored ("invoice<U+202E>gpj.exe" shows as "invoiceexe.jpg"). The
 * first one in `s` (`len` bytes) and where it is: the code point (0 if
 * none) and its offset in `*at` (may be NULL). The overrides, embeddings
 * and isolates (U+202A-U+202E, U+2066-U+2069) always count; the marks
 * (U+200E, U+200F, U+061C) only with `marks`. cdn_bidi_name names one
 * ("U+202E RIGHT-TO-LEFT OVERRIDE"). File names refuse all of them,
 * one-line fields the controls; wherever text is printed for people they
 * are shown as <U+XXXX>.
 */
unsigned cdn_bidi_find(const char *s, size_t len, int marks, size_t *at);
const char *cdn_bidi_name(unsigned cp);
/* Hex digests as the store writes them: 64 (SHA-256) or 40 (git object
 * id) lower-case hex digits. */
int cdn_check_sha256(const char *s, char *why);
int cdn_check_git_oid(const char *s, char *why);

/* Check digit helpers, exported for generators and tests. */
int cdn_imo_check_digit(const char six_digits[6]);          /* 0..9, or -1 if not digits */
int cdn_container_check_digit(const char first_ten[10]);    /* 0..9, or -1 if malformed */

#endif
