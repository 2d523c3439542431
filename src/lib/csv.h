/*
 * csv.h - a small RFC 4180 reader: one row at a time from a FILE, into a
 * buffer reused from row to row.
 *
 * Fields may be quoted; inside quotes "" is a quote and commas and line
 * breaks are data. Rows end with LF, CRLF or a lone CR. Empty lines are
 * skipped. A UTF-8 byte order mark at the start of the file is dropped;
 * every other byte is passed through as it is.
 */
#ifndef CORDON_CSV_H
#define CORDON_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The longest row kept, in bytes; a longer one is skipped (CSV_ETOOLONG). */
#define CSV_ROW_MAX	(1u << 20)

enum {
	CSV_ROW = 1,		/* a row was read */
	CSV_EOF = 0,		/* no more rows */
	/* The row was read but is bad; reading can go on. */
	CSV_ERAGGED = -1,	/* field count differs from the header's */
	CSV_ETOOLONG = -2,	/* longer than the limit: fields dropped */
	CSV_EQUOTE = -3,	/* text after a closing quote */
	/* Reading cannot go on. */
	CSV_EUNTERMINATED = -4,	/* a quoted field runs to the end of file */
	CSV_EIO = -5,		/* read error (errno set) */
	CSV_ENOMEM = -6,
};

struct csv {
	FILE *fp;
	char *buf;		/* the row's fields, each NUL-terminated */
	size_t len, cap;
	size_t *off;		/* field i starts at buf + off[i] */
	size_t nfields, fcap;
	size_t width;		/* fields a row must have; 0 = any */
	size_t max;		/* longest row kept (CSV_ROW_MAX) */
	uint64_t line;		/* physical line the last row started on */
	uint64_t nextline;	/* line the next row starts on */
	uint64_t bytes;		/* bytes consumed so far */
	int started;		/* past the byte order mark check */
	int back[4];		/* bytes read ahead and pushed back */
	int nback;
	char err[160];		/* what was wrong with the last row */
};

void csv_init(struct csv *c, FILE *fp);
void csv_free(struct csv *c);

/* Read the next row: CSV_ROW, CSV_EOF or an error above (message in err). */
int csv_read(struct csv *c);
/* Read the header row and make its field count the width of every row. */
int csv_read_header(struct csv *c);

static inline const char *
csv_field(const struct csv *c, size_t i)
{
	return c->buf + c->off[i];
}

/* Length in bytes (a field may hold NUL bytes). */
static inline size_t
csv_field_len(const struct csv *c, size_t i)
{
	size_t end = i + 1 < c->nfields ? c->off[i + 1] : c->len;

	return end - c->off[i] - 1;
}

#endif
