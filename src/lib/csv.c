/*
 * csv.c - the RFC 4180 reader of csv.h.
 *
 * Reads byte by byte through getc_unlocked (the FILE is ours alone), so a
 * row never needs more memory than its own bytes, and a row over the limit
 * is scanned to its end without being kept.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

void
csv_init(struct csv *c, FILE *fp)
{
	memset(c, 0, sizeof *c);
	c->fp = fp;
	c->max = CSV_ROW_MAX;
	c->nextline = 1;
}

void
csv_free(struct csv *c)
{
	free(c->buf);
	free(c->off);
	c->buf = NULL;
	c->off = NULL;
	c->cap = c->fcap = c->len = c->nfields = 0;
}

static int
csv_getc(struct csv *c)
{
	int ch;

	if (c->nback > 0)
		ch = c->back[--c->nback];
	else
		ch = getc_unlocked(c->fp);
	if (ch != EOF)
		c->bytes++;
	return ch;
}

static void
csv_unget(struct csv *c, int ch)
{
	if (ch == EOF)
		return;
	c->back[c->nback++] = ch;
	c->bytes--;
}

/* Append a byte to the row; past the limit only note that it is over. */
static int
csv_put(struct csv *c, int ch, int *over)
{
	if (*over)
		return 0;
	if (c->len + 1 >= c->max) {
		*over = 1;
		return 0;
	}
	if (c->len + 1 > c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 4096;
		char *nb;

		if (ncap > c->max)
			ncap = c->max;
		if ((nb = realloc(c->buf, ncap)) == NULL)
			return CSV_ENOMEM;
		c->buf = nb;
		c->cap = ncap;
	}
	c->buf[c->len++] = (char)ch;
	return 0;
}

static int
csv_field_start(struct csv *c, int over)
{
	if (over)
		return 0;
	if (c->nfields == c->fcap) {
		size_t ncap = c->fcap ? c->fcap * 2 : 32;
		size_t *no;

		if ((no = realloc(c->off, ncap * sizeof *no)) == NULL)
			return CSV_ENOMEM;
		c->off = no;
		c->fcap = ncap;
	}
	c->off[c->nfields++] = c->len;
	return 0;
}

/* Drop a UTF-8 byte order mark (spreadsheets write one) at file start. */
static void
csv_skip_bom(struct csv *c)
{
	static const int bom[3] = { 0xef, 0xbb, 0xbf };
	int b[3], n;

	c->started = 1;
	for (n = 0; n < 3; n++)
		if ((b[n] = csv_getc(c)) != bom[n])
			break;
	if (n == 3)
		return;
	/* Not a mark: give back the n + 1 bytes read, last first. */
	for (int i = n; i >= 0; i--)
		csv_unget(c, b[i]);
}

/* After CR: a following LF belongs to the same line break. */
static void
csv_eat_lf(struct csv *c)
{
	int ch = csv_getc(c);

	if (ch != '\n')
		csv_unget(c, ch);
}

int
csv_read(struct csv *c)
{
	int ch, over = 0, rc;
	size_t badfield = 0;
	uint64_t qline;

	if (!c->started)
		csv_skip_bom(c);
	/* Skip empty lines. */
	for (;;) {
		c->len = c->nfields = 0;
		c->line = c->nextline;
		ch = csv_getc(c);
		if (ch == EOF) {
			if (ferror(c->fp)) {
				snprintf(c->err, sizeof c->err, "read error: %s", strerror(errno));
				return CSV_EIO;
			}
			return CSV_EOF;
		}
		if (ch == '\n') {
			c->nextline++;
			continue;
		}
		if (ch == '\r') {
			c->nextline++;
			csv_eat_lf(c);
			continue;
		}
		break;
	}
	for (;;) {
		if ((rc = csv_field_start(c, over)) < 0)
			return rc;
		if (ch == '"') {
			qline = c->nextline;
			for (;;) {
				if ((ch = csv_getc(c)) == EOF) {
					if (ferror(c->fp)) {
						snprintf(c->err, sizeof c->err, "read error: %s",
						    strerror(errno));
						return CSV_EIO;
					}
					snprintf(c->err, sizeof c->err,
					    "unterminated quoted field (opened on line %" PRIu64 ")",
					    qline);
					return CSV_EUNTERMINATED;
				}
				if (ch == '"') {
					if ((ch = csv_getc(c)) != '"')
						break;	/* ch: the byte after the closing quote */
				} else if (ch == '\n') {
					c->nextline++;
				}
				if ((rc = csv_put(c, ch, &over)) < 0)
					return rc;
			}
			if (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF && !badfield)
				badfield = c->nfields ? c->nfields : 1;
		}
		/* Unquoted text; also what follows a misplaced closing quote,
		 * kept so that the rest of the row still parses. */
		while (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF) {
			if ((rc = csv_put(c, ch, &over)) < 0)
				return rc;
			ch = csv_getc(c);
		}
		if ((rc = csv_put(c, '\0', &over)) < 0)
			return rc;
		if (ch != ',')
			break;
		ch = csv_getc(c);
	}
	if (ch == '\n') {
		c->nextline++;
	} else if (ch == '\r') {
		c->nextline++;
		csv_eat_lf(c);
	} else if (ferror(c->fp)) {
		snprintf(c->err, sizeof c->err, "read error: %s", strerror(errno));
		return CSV_EIO;
	}
	if (over) {
		c->len = c->nfields = 0;
		snprintf(c->err, sizeof c->err, "row is longer than %zu bytes", c->max - 1);
		return CSV_ETOOLONG;
	}
	if (badfield) {
		snprintf(c->err, sizeof c->err,
		    "field %zu: text after the closing quote (a quote inside a quoted field is written \"\")",
		    badfield);
		return CSV_EQUOTE;
	}
	if (c->width && c->nfields != c->width) {
		snprintf(c->err, sizeof c->err, "row has %zu field%s, the header has %zu",
		    c->nfields, c->nfields == 1 ? "" : "s", c->width);
		return CSV_ERAGGED;
	}
	return CSV_ROW;
}

int
csv_read_header(struct csv *c)
{
	int rc;

	c->width = 0;
	if ((rc = csv_read(c)) == CSV_ROW)
		c->width = c->nfields;
	return rc;
}
