/*
 * recform.c - records as the store keeps them (recform.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/error.h"
#include "internal.h"
#include "json.h"
#include "recform.h"

/* A record nests a few levels; msgpack-c refuses deeper input itself. */
static int
pack_value(msgpack_packer *pk, json_t *v)
{
	const char *key;
	json_t *x;
	size_t i;
	int rc = 0;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		rc = msgpack_pack_map(pk, json_object_size(v));
		json_object_foreach(v, key, x) {
			size_t n = strlen(key);

			if (rc != 0 || (rc = msgpack_pack_str_with_body(pk, key, n)) != 0 ||
			    (rc = pack_value(pk, x)) != 0)
				break;
		}
		return rc;
	case JSON_ARRAY:
		rc = msgpack_pack_array(pk, json_array_size(v));
		json_array_foreach(v, i, x)
			if (rc != 0 || (rc = pack_value(pk, x)) != 0)
				break;
		return rc;
	case JSON_STRING:
		return msgpack_pack_str_with_body(pk, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return msgpack_pack_int64(pk, json_integer_value(v));
	case JSON_REAL:
		/* Always float64, even for 2.0: it prints back as "2.0". */
		return msgpack_pack_double(pk, json_real_value(v));
	case JSON_TRUE:
		return msgpack_pack_true(pk);
	case JSON_FALSE:
		return msgpack_pack_false(pk);
	default:
		return msgpack_pack_nil(pk);
	}
}

int
cdn_rec_pack(json_t *rec, size_t hint, char **out, size_t *len)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char *fit;

	msgpack_sbuffer_init(&sb);
	/* One allocation of about the right size, instead of 8 KB steps. */
	if (hint && (sb.data = malloc(hint + 64)) != NULL)
		sb.alloc = hint + 64;
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	if (pack_value(&pk, rec) != 0 || sb.size == 0) {
		msgpack_sbuffer_destroy(&sb);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	/* An import holds many at once: no slack kept. */
	*out = sb.alloc - sb.size > 256 && (fit = realloc(sb.data, sb.size)) != NULL ? fit : sb.data;
	*len = sb.size;
	return 0;
}

int
cdn_rec_is_text(const void *bytes, size_t len)
{
	return len > 0 && *(const unsigned char *)bytes == '{';
}

json_t *
cdn_rec_view_json(const msgpack_object *o)
{
	json_t *r = NULL, *x;

	switch (o->type) {
	case MSGPACK_OBJECT_MAP:
		if ((r = json_object()) == NULL)
			return NULL;
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			const msgpack_object_kv *kv = &o->via.map.ptr[i];

			if (kv->key.type != MSGPACK_OBJECT_STR ||
			    memchr(kv->key.via.str.ptr, 0, kv->key.via.str.size) ||
			    (x = cdn_rec_view_json(&kv->val)) == NULL ||
			    json_object_setn_new(r, kv->key.via.str.ptr, kv->key.via.str.size, x) != 0) {
				json_decref(r);
				return NULL;
			}
		}
		return r;
	case MSGPACK_OBJECT_ARRAY:
		if ((r = json_array()) == NULL)
			return NULL;
		for (uint32_t i = 0; i < o->via.array.size; i++)
			if ((x = cdn_rec_view_json(&o->via.array.ptr[i])) == NULL ||
			    json_array_append_new(r, x) != 0) {
				json_decref(r);
				return NULL;
			}
		return r;
	case MSGPACK_OBJECT_STR:
		/* What a JSON decode refuses (a NUL, bad UTF-8) is damage. */
		if (memchr(o->via.str.ptr, 0, o->via.str.size))
			return NULL;
		return json_stringn(o->via.str.ptr, o->via.str.size);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		return o->via.u64 > INT64_MAX ? NULL : json_integer((json_int_t)o->via.u64);
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		return json_integer(o->via.i64);
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		return json_real(o->via.f64);
	case MSGPACK_OBJECT_BOOLEAN:
		return json_boolean(o->via.boolean);
	case MSGPACK_OBJECT_NIL:
		return json_null();
	default:
		return NULL;	/* bin, ext: never written */
	}
}

static int
damaged(const char *what, const char *why)
{
	return cdn_error_set(CDN_ESTORE, NULL, "the stored %.120s is damaged: %s", what, why);
}

int
cdn_rec_view(const void *bytes, size_t len, msgpack_zone *zone, msgpack_object *out)
{
	size_t off = 0;

	if (cdn_rec_is_text(bytes, len) ||
	    msgpack_unpack(bytes, len, &off, zone, out) != MSGPACK_UNPACK_SUCCESS ||
	    out->type != MSGPACK_OBJECT_MAP)
		return CDN_ESTORE;
	return 0;
}

int
cdn_rec_decode(const void *bytes, size_t len, const char *what, json_t **out)
{
	msgpack_zone zone;
	msgpack_object o;

	if (cdn_rec_is_text(bytes, len))
		return cdn_json_decode(bytes, len, what, out);
	*out = NULL;
	if (!msgpack_zone_init(&zone, 2048))
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if (cdn_rec_view(bytes, len, &zone, &o) == 0)
		*out = cdn_rec_view_json(&o);
	msgpack_zone_destroy(&zone);
	return *out ? 0 : damaged(what, "not a record in MessagePack");
}

int
cdn_rec_text(const void *bytes, size_t len, const char *what, char **text, size_t *tlen)
{
	json_t *rec;
	int rc;

	if ((rc = cdn_rec_decode(bytes, len, what, &rec)) != 0)
		return rc;
	rc = cdn_json_encode(rec, text, tlen);
	json_decref(rec);
	return rc;
}

void
cdn_rec_hash(const void *bytes, size_t len, unsigned char out[32])
{
	char *text;
	size_t tlen;

	/* Text is hashed as it is stored: a store written before format 5
	 * is checked byte for byte, as it always was. */
	if (cdn_rec_is_text(bytes, len) || cdn_rec_text(bytes, len, "record", &text, &tlen) != 0) {
		cdn_error_clear();
		cdn_sha256(bytes, len, out);
		return;
	}
	cdn_sha256(text, tlen, out);
	free(text);
}

const char *
cdn_rec_path_str(const msgpack_object *rec, const char *path, char *buf, size_t cap)
{
	const msgpack_object *v = cdn_rec_path(rec, path);

	if (!v || v->type != MSGPACK_OBJECT_STR || v->via.str.size >= cap)
		return NULL;
	memcpy(buf, v->via.str.ptr, v->via.str.size);
	buf[v->via.str.size] = '\0';
	return buf;
}

const msgpack_object *
cdn_rec_key(const msgpack_object *m, const char *k, size_t n, uint32_t *at)
{
	if (m->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (uint32_t i = 0; i < m->via.map.size; i++) {
		const msgpack_object_kv *kv = &m->via.map.ptr[i];

		if (kv->key.type == MSGPACK_OBJECT_STR && kv->key.via.str.size == n &&
		    memcmp(kv->key.via.str.ptr, k, n) == 0) {
			if (at)
				*at = i;
			return &kv->val;
		}
	}
	return NULL;
}

const msgpack_object *
cdn_rec_path(const msgpack_object *rec, const char *path)
{
	for (;;) {
		const char *dot = strchr(path, '.');
		const msgpack_object *next = cdn_rec_key(rec, path,
		    dot ? (size_t)(dot - path) : strlen(path), NULL);

		if (!dot || !next)
			return next;
		rec = next;
		path = dot + 1;
	}
}
