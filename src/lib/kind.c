/*
 * kind.c - the kinds of record and their ids (kind.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cordon/error.h"
#include "cordon/kind.h"

static const struct cdn_kind_info kinds[CDN_NKINDS] = {
	[CDN_CASE] = { 'C', "case", "cases", 1, 1 },
	[CDN_SEIZURE] = { 'S', "seizure", "seizures", 1, 1 },
	[CDN_ENTITY] = { 'E', "entity", "entities", 1, 1 },
	[CDN_ROUTE] = { 'R', "route", "routes", 1, 1 },
	[CDN_LINK] = { 'L', "link", "links", 1, 1 },
	/* Evidence is added by its commands; its description, tags, notes
	 * and tlp are edited like any record's. */
	[CDN_EVIDENCE] = { 'V', "evidence", "evidence", 0, 1 },
	[CDN_ALERT] = { 'A', "alert", "alerts", 0, 1 },
};

const struct cdn_kind_info *
cdn_kind_info(enum cdn_kind kind)
{
	return &kinds[kind];
}

int
cdn_kind_parse(const char *name)
{
	for (int k = 0; k < CDN_NKINDS; k++)
		if (strcmp(name, kinds[k].name) == 0 ||
		    strcmp(name, kinds[k].plural) == 0 ||
		    (name[0] == kinds[k].letter && name[1] == '\0'))
			return k;
	return -1;
}

int
cdn_id_parse(const char *s, struct cdn_id *out)
{
	char letter[2] = { s[0], 0 };
	uint64_t seq = 0;
	int kind;
	const char *p;

	if (!s[0] || s[1] != '-' || (kind = cdn_kind_parse(letter)) < 0)
		return cdn_error_set(CDN_EINVAL, NULL, "'%.40s' is not a record id (like C-1, S-42)", s);
	p = s + 2;
	if (*p < '1' || *p > '9')
		return cdn_error_set(CDN_EINVAL, NULL, "'%.40s' is not a record id (like C-1, S-42)", s);
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || seq > (UINT64_MAX - 9) / 10)
			return cdn_error_set(CDN_EINVAL, NULL, "'%.40s' is not a record id (like C-1, S-42)", s);
		seq = seq * 10 + (uint64_t)(*p - '0');
	}
	out->kind = (enum cdn_kind)kind;
	out->seq = seq;
	return 0;
}

void
cdn_id_format(struct cdn_id id, char buf[CDN_ID_MAX])
{
	snprintf(buf, CDN_ID_MAX, "%c-%" PRIu64, kinds[id.kind].letter, id.seq);
}
