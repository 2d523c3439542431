/*
 * test-recform.c - the form records are stored in (src/lib/recform.c):
 * any record a user could write comes back as the same JSON text, byte
 * for byte (what `get` prints and the audit trail hashes); bytes of a
 * store before format 5 (JSON text) read as they did; damaged bytes are
 * an error naming the record, at every length they could be cut to.
 */
#include <stdlib.h>
#include <string.h>

#include "cordon/error.h"
#include "internal.h"
#include "json.h"
#include "recform.h"
#include "tap.h"

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static json_t *
random_value(int depth)
{
	static const char *const words[] = { "", "ivory", "Nguyễn Văn Hùng", "tab\there",
	    "quote \" and \\ backslash", "\xe2\x80\xae RTL override", "<script>x</script>",
	    "a string of more than thirty-one bytes, so not a fixstr", "\xf0\x9f\x90\x98" };
	static const double reals[] = { 0.1, 2.0, -0.0, 1.34, 1e-300, 1.7976931348623157e308,
	    123456.789012345, -48658.5, 3.0e15 };
	static const json_int_t ints[] = { 0, 1, -1, 127, 128, -33, 65536, 4294967296LL,
	    INT64_MAX, INT64_MIN };
	unsigned k = rnd(depth > 2 ? 6 : 8);
	json_t *v;

	switch (k) {
	case 0: return json_string(words[rnd(sizeof words / sizeof words[0])]);
	case 1: return json_real(reals[rnd(sizeof reals / sizeof reals[0])]);
	case 2: return json_integer(ints[rnd(sizeof ints / sizeof ints[0])]);
	case 3: return json_boolean(rnd(2));
	case 4: return json_null();
	case 5: return json_string("S-1");
	case 6:
		v = json_array();
		for (unsigned i = rnd(12); i > 0; i--)
			json_array_append_new(v, random_value(depth + 1));
		return v;
	default:
		v = json_object();
		for (unsigned i = rnd(12); i > 0; i--) {
			char key[32];

			snprintf(key, sizeof key, "%s%u", i % 3 ? "field_" : "z", rnd(1000));
			json_object_set_new(v, key, random_value(depth + 1));
		}
		return v;
	}
}

int
main(void)
{
	int same = 0, decoded = 0, hashed = 0, cuts_ok = 1;
	const int records = 2000;

	for (int i = 0; i < records; i++) {
		json_t *rec = json_object(), *back = NULL;
		char *bytes, *want, *text = NULL;
		size_t len, wlen, tlen;
		unsigned char h1[32], h2[32];

		json_object_set_new(rec, "id", json_string("S-1"));
		for (unsigned f = rnd(30); f > 0; f--) {
			char key[16];

			snprintf(key, sizeof key, "k%u", rnd(100));
			json_object_set_new(rec, key, random_value(0));
		}
		cdn_json_encode(rec, &want, &wlen);
		if (cdn_rec_pack(rec, i % 3 ? wlen : (size_t)i % 7, &bytes, &len) != 0)
			break;
		if (cdn_rec_text(bytes, len, "record", &text, &tlen) == 0 && tlen == wlen &&
		    memcmp(text, want, wlen) == 0)
			same++;
		else if (same == i)
			diag("record %d: %s\n  came back as %s", i, want, text ? text : "(error)");
		if (cdn_rec_decode(bytes, len, "record", &back) == 0 && json_equal(back, rec) &&
		    !cdn_rec_is_text(bytes, len))
			decoded++;
		cdn_rec_hash(bytes, len, h1);
		cdn_sha256(want, wlen, h2);
		hashed += memcmp(h1, h2, 32) == 0;
		/* Cut short anywhere, the bytes are damaged, never misread:
		 * every length of the first records, a spread of the others'. */
		for (size_t cut = 0; cut < len; cut += i < 20 ? 1 : len / 64 + 1) {
			json_t *x = NULL;

			if (cdn_rec_decode(bytes, cut, "record S-1", &x) != CDN_ESTORE || x ||
			    !strstr(cdn_error_last()->message, "the stored record S-1 is damaged"))
				cuts_ok = 0;
			json_decref(x);
		}
		json_decref(back);
		json_decref(rec);
		free(text);
		free(want);
		free(bytes);
	}
	ok(same == records, "%d of %d random records give back their JSON text byte for byte",
	    same, records);
	ok(decoded == records, "and the same object (%d), from bytes that are not JSON text",
	    decoded);
	ok(hashed == records, "the hash the audit trail checks is their JSON text's (%d)", hashed);
	ok(cuts_ok, "bytes cut short at every length are reported damaged, naming the record");

	/* What a store before format 5 wrote: JSON text, read as it was. */
	{
		const char *old = "{\"id\":\"S-7\",\"quantity\":{\"amount\":1.34,\"unit\":\"kg\"}}";
		json_t *rec = NULL;
		char *text = NULL;
		size_t tlen;
		unsigned char h1[32], h2[32];

		ok(cdn_rec_is_text(old, strlen(old)), "JSON text is told from the stored form");
		ok(cdn_rec_decode(old, strlen(old), "record", &rec) == 0 &&
		    json_real_value(json_object_get(json_object_get(rec, "quantity"), "amount")) == 1.34,
		    "and read");
		ok(cdn_rec_text(old, strlen(old), "record", &text, &tlen) == 0 && strcmp(text, old) == 0,
		    "its text is itself");
		cdn_rec_hash(old, strlen(old), h1);
		cdn_sha256(old, strlen(old), h2);
		ok(memcmp(h1, h2, 32) == 0, "its hash is of its bytes, as before format 5");
		free(text);
		json_decref(rec);
	}

	/* Bytes no cordon writes: each is damage, not a record. */
	{
		static const struct { const char *bytes; size_t len; const char *what; } bad[] = {
			{ "\x81\x01\xa1x", 4, "a key that is not a string" },
			{ "\x81\xa1k\xc4\x01x", 6, "binary data" },
			{ "\x81\xa1k\xa2\xc3\x28", 6, "a string that is not UTF-8" },
			{ "\x81\xa1k\xa2x\x00", 6, "a string holding NUL" },
			{ "\x81\xa1k\xcf\xff\xff\xff\xff\xff\xff\xff\xff", 12, "an integer past int64" },
			{ "\x92\x01\x02", 3, "an array, not a map" },
			{ "\x81\xa1k\x01\x01", 5, "bytes after the record" },
			{ "", 0, "nothing" },
		};

		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			json_t *x = NULL;

			ok(cdn_rec_decode(bad[i].bytes, bad[i].len, "record E-9", &x) == CDN_ESTORE &&
			    !x && strstr(cdn_error_last()->message, "record E-9 is damaged"),
			    "damaged: %s", bad[i].what);
			json_decref(x);
		}
	}

	/* A field found in the stored form without a JSON tree. */
	{
		json_t *rec = json_pack("{s:s,s:{s:s,s:f},s:[i,i]}", "id", "S-3", "commodity",
		    "category", "wildlife", "weight", 2.5, "tags", 1, 2);
		msgpack_zone zone;
		msgpack_object o;
		const msgpack_object *v;
		char *bytes;
		size_t len;

		cdn_rec_pack(rec, 0, &bytes, &len);
		msgpack_zone_init(&zone, 2048);
		ok(cdn_rec_view(bytes, len, &zone, &o) == 0, "a view of the stored form");
		v = cdn_rec_path(&o, "commodity.category");
		ok(v && v->type == MSGPACK_OBJECT_STR && v->via.str.size == 8 &&
		    memcmp(v->via.str.ptr, "wildlife", 8) == 0, "a dotted path in it");
		ok(cdn_rec_path(&o, "commodity.missing") == NULL && cdn_rec_path(&o, "id.x") == NULL &&
		    cdn_rec_path(&o, "nope") == NULL, "and no value where there is none");
		msgpack_zone_destroy(&zone);
		free(bytes);
		json_decref(rec);
	}
	return done_testing();
}
