/*
 * json.c - stored JSON, written and read one way (json.h).
 */
#include <stdio.h>
#include <string.h>

#include "cordon/error.h"
#include "json.h"
#include "recform.h"

int
cdn_json_encode(json_t *v, char **out, size_t *len)
{
	if ((*out = json_dumps(v, CDN_JSON_STORED | JSON_ENCODE_ANY)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if (len)
		*len = strlen(*out);
	return 0;
}

int
cdn_json_decode(const void *bytes, size_t len, const char *what, json_t **out)
{
	json_error_t jerr;

	if ((*out = json_loadb(bytes, len, 0, &jerr)) != NULL && json_is_object(*out))
		return 0;
	json_decref(*out);
	*out = NULL;
	return cdn_error_set(CDN_ESTORE, NULL, "the stored %.120s is damaged: %s", what,
	    jerr.text[0] ? jerr.text : "not an object");
}

int
cdn_json_decode_meta(const void *key, size_t klen, const void *bytes, size_t len, json_t **out)
{
	char what[128];

	snprintf(what, sizeof what, "%.*s", (int)(klen < 120 ? klen : 120), (const char *)key);
	return cdn_json_decode(bytes, len, what, out);
}

int
cdn_json_decode_record(struct cdn_id id, const void *bytes, size_t len, json_t **out)
{
	char what[CDN_ID_MAX + 8];

	snprintf(what, sizeof what, "record ");
	cdn_id_format(id, what + 7);
	return cdn_rec_decode(bytes, len, what, out);
}

json_t *
cdn_json_path(json_t *rec, const char *path)
{
	char buf[256];
	char *p, *dot;

	snprintf(buf, sizeof buf, "%s", path);
	p = buf;
	while ((dot = strchr(p, '.')) != NULL) {
		*dot = '\0';
		rec = json_object_get(rec, p);
		p = dot + 1;
	}
	return json_object_get(rec, p);
}
