/*
 * test-csv.c - the CSV reader: quoting, line breaks, errors and the line
 * numbers that import reports them with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "tap.h"

/* A reader over a string; the FILE is closed by done(). */
static FILE *
open_str(const char *s, size_t len, struct csv *c)
{
	FILE *fp = fmemopen((void *)s, len, "r");

	if (!fp) {
		perror("fmemopen");
		exit(2);
	}
	csv_init(c, fp);
	return fp;
}

static void
done(struct csv *c, FILE *fp)
{
	csv_free(c);
	fclose(fp);
}

static void
test_header(void)
{
	static const char in[] = "case,occurred_at, commodity.category\nC-1,2024-03-01,narcotics\n";
	struct csv c;
	FILE *fp = open_str(in, sizeof in - 1, &c);

	ok(csv_read_header(&c) == CSV_ROW, "header: read");
	ok(c.nfields == 3 && c.width == 3, "header: three columns set the width");
	is_str(csv_field(&c, 0), "case", "header: first name");
	is_str(csv_field(&c, 2), " commodity.category", "header: spaces are kept (the caller trims)");
	ok(c.line == 1, "header: on line 1");
	ok(csv_read(&c) == CSV_ROW && c.line == 2, "row: on line 2");
	is_str(csv_field(&c, 2), "narcotics", "row: last field");
	ok(csv_read(&c) == CSV_EOF, "end of file");
	ok(csv_read(&c) == CSV_EOF, "end of file again");
	ok(c.bytes == sizeof in - 1, "every byte counted (%llu)", (unsigned long long)c.bytes);
	done(&c, fp);
}

static void
test_quoted(void)
{
	static const char in[] =
	    "a,b,c\n"
	    "1,\"methamphetamine, crystal\",\"first line\nsecond line\"\n"
	    "2,\"scales in \"\"cashew\"\" bags\",\"\"\"\"\n"
	    "3,\"\",\n";
	struct csv c;
	FILE *fp = open_str(in, sizeof in - 1, &c);

	csv_read_header(&c);
	ok(csv_read(&c) == CSV_ROW, "quoted: row read");
	is_str(csv_field(&c, 1), "methamphetamine, crystal", "quoted: comma inside quotes");
	is_str(csv_field(&c, 2), "first line\nsecond line", "quoted: newline inside quotes");
	ok(c.line == 2, "quoted: row starts on line 2");
	ok(csv_read(&c) == CSV_ROW, "escapes: row read");
	ok(c.line == 4, "escapes: the embedded newline counted (line %llu)",
	    (unsigned long long)c.line);
	is_str(csv_field(&c, 1), "scales in \"cashew\" bags", "escapes: \"\" is a quote");
	is_str(csv_field(&c, 2), "\"", "escapes: a field that is one quote");
	ok(csv_read(&c) == CSV_ROW && c.nfields == 3, "empty: row of three fields");
	is_str(csv_field(&c, 1), "", "empty: quoted empty field");
	is_str(csv_field(&c, 2), "", "empty: trailing empty field");
	ok(csv_field_len(&c, 2) == 0, "empty: length 0");
	ok(csv_read(&c) == CSV_EOF, "quoted: end");
	done(&c, fp);
}

static void
test_crlf(void)
{
	static const char in[] = "a,b\r\n1,\"x\r\ny\"\r\n\r\n,\r\n3,4";
	struct csv c;
	FILE *fp = open_str(in, sizeof in - 1, &c);

	ok(csv_read_header(&c) == CSV_ROW, "crlf: header");
	is_str(csv_field(&c, 1), "b", "crlf: no CR in the last header field");
	ok(csv_read(&c) == CSV_ROW, "crlf: row");
	is_str(csv_field(&c, 0), "1", "crlf: first field");
	is_str(csv_field(&c, 1), "x\r\ny", "crlf: CRLF inside quotes is data");
	ok(csv_read(&c) == CSV_ROW && c.line == 5, "crlf: blank line skipped, next row on line 5 (%llu)",
	    (unsigned long long)c.line);
	ok(c.nfields == 2 && csv_field(&c, 0)[0] == '\0' && csv_field(&c, 1)[0] == '\0',
	    "crlf: a lone comma is two empty fields");
	ok(csv_read(&c) == CSV_ROW && c.line == 6, "crlf: last row without a line break");
	is_str(csv_field(&c, 1), "4", "crlf: its last field");
	ok(csv_read(&c) == CSV_EOF, "crlf: end");
	done(&c, fp);
}

static void
test_lone_cr(void)
{
	static const char in[] = "a,b\r1,2\r";
	struct csv c;
	FILE *fp = open_str(in, sizeof in - 1, &c);

	csv_read_header(&c);
	ok(csv_read(&c) == CSV_ROW && c.line == 2, "lone CR ends a row");
	is_str(csv_field(&c, 1), "2", "lone CR: field");
	ok(csv_read(&c) == CSV_EOF, "lone CR: end");
	done(&c, fp);
}

static void
test_utf8(void)
{
	static const char in[] =
	    "\xef\xbb\xbfname,place\n"
	    "Công ty TNHH Minh Phát,\"Hải Phòng, Việt Nam\"\n"
	    "Nguyễn  Văn Hùng,Đà Nẵng\n";
	struct csv c;
	FILE *fp = open_str(in, sizeof in - 1, &c);

	csv_read_header(&c);
	is_str(csv_field(&c, 0), "name", "utf8: byte order mark dropped");
	csv_read(&c);
	is_str(csv_field(&c, 0), "Công ty TNHH Minh Phát", "utf8: diacritics unchanged");
	is_str(csv_field(&c, 1), "Hải Phòng, Việt Nam", "utf8: quoted diacritics unchanged");
	csv_read(&c);
	is_str(csv_field(&c, 0), "Nguyễn  Văn Hùng", "utf8: double space kept");
	is_str(csv_field(&c, 1), "Đà Nẵng", "utf8: capital Đ");
	done(&c, fp);
}

static void
test_not_bom(void)
{
	/* Bytes that start like a byte order mark but are not one. */
	static const char in[] = "\xef\xbb" "x,y\n";
	struct csv c;
	FILE *fp = open_str(in, sizeof in - 1, &c);

	ok(csv_read_header(&c) == CSV_ROW, "not a BOM: read");
	is_str(csv_field(&c, 0), "\xef\xbb" "x", "not a BOM: bytes kept in order");
	done(&c, fp);
}

static void
test_errors(void)
{
	static const char ragged[] = "a,b,c\n1,2\n1,2,3\n";
	static const char quote[] = "a,b\n\"x\"y,2\n3,4\n";
	static const char unterminated[] = "a,b\n1,2\n3,\"never closed\n4,5\n";
	struct csv c;
	FILE *fp;

	fp = open_str(ragged, sizeof ragged - 1, &c);
	csv_read_header(&c);
	ok(csv_read(&c) == CSV_ERAGGED && c.line == 2, "ragged row on line 2");
	is_str(c.err, "row has 2 fields, the header has 3", "ragged: message");
	ok(csv_read(&c) == CSV_ROW && c.line == 3, "ragged: the next row still reads");
	done(&c, fp);

	fp = open_str(quote, sizeof quote - 1, &c);
	csv_read_header(&c);
	ok(csv_read(&c) == CSV_EQUOTE && c.line == 2, "text after a closing quote");
	ok(strstr(c.err, "field 1") != NULL, "closing quote: names the field (%s)", c.err);
	ok(csv_read(&c) == CSV_ROW && strcmp(csv_field(&c, 0), "3") == 0,
	    "closing quote: the next row still reads");
	done(&c, fp);

	fp = open_str(unterminated, sizeof unterminated - 1, &c);
	csv_read_header(&c);
	ok(csv_read(&c) == CSV_ROW, "unterminated: good row first");
	ok(csv_read(&c) == CSV_EUNTERMINATED && c.line == 3, "unterminated quote in the row on line 3");
	is_str(c.err, "unterminated quoted field (opened on line 3)", "unterminated: message");
	done(&c, fp);
}

static void
test_too_long(void)
{
	static const char in[] = "a,b\n1,\"a field far longer\nthan the limit\"\n2,3\n";
	struct csv c;
	FILE *fp = open_str(in, sizeof in - 1, &c);

	c.max = 16;
	csv_read_header(&c);
	ok(csv_read(&c) == CSV_ETOOLONG && c.line == 2, "a row over the limit is an error");
	ok(c.nfields == 0, "too long: no fields kept");
	ok(csv_read(&c) == CSV_ROW && c.line == 4, "too long: the next row reads, on line 4");
	is_str(csv_field(&c, 1), "3", "too long: next row's field");
	done(&c, fp);
}

static void
test_nul(void)
{
	static const char in[] = "a,b\nx\0y,z\n";
	struct csv c;
	FILE *fp = open_str(in, sizeof in - 1, &c);

	csv_read_header(&c);
	ok(csv_read(&c) == CSV_ROW, "NUL byte: row read");
	ok(csv_field_len(&c, 0) == 3 && memcmp(csv_field(&c, 0), "x\0y", 3) == 0,
	    "NUL byte: kept with its length");
	is_str(csv_field(&c, 1), "z", "NUL byte: next field");
	done(&c, fp);
}

static void
test_many_fields(void)
{
	char in[4096];
	size_t n = 0;
	struct csv c;
	FILE *fp;

	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(in + n, sizeof in - n, "%sf%d", i ? "," : "", i);
	in[n++] = '\n';
	fp = open_str(in, n, &c);
	ok(csv_read_header(&c) == CSV_ROW && c.nfields == 100, "100 columns");
	is_str(csv_field(&c, 99), "f99", "100 columns: last");
	done(&c, fp);
}

int
main(void)
{
	test_header();
	test_quoted();
	test_crlf();
	test_lone_cr();
	test_utf8();
	test_not_bom();
	test_errors();
	test_too_long();
	test_nul();
	test_many_fields();
	return done_testing();
}
