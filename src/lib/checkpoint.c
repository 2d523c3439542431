/*
 * checkpoint.c - signed checkpoints of the audit trail (checkpoint.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cordon/checkpoint.h"
#include "cordon/sign.h"
#include "internal.h"

#define CP_TYPE "cordon-audit-checkpoint"
#define MARK_HEX 16	/* a mark keeps 64 bits of the hash: enough to tell */

/* The hash of the entry at `seq` as it is now; CDN_ENOTFOUND if the
 * trail has no such entry. */
static int
entry_hash(struct cdn_txn *txn, uint64_t seq, unsigned char h[32])
{
	unsigned char key[8];
	MDB_val k = { 8, key }, v;
	int rc;

	cdn_be64(key, seq);
	if ((rc = mdb_get(txn->txn, txn->st->audit, &k, &v)) != 0)
		return cdn_lmdb_error(txn, rc, "audit entry");
	cdn_sha256(v.mv_data, v.mv_size, h);
	return 0;
}

/* The i-th of n marks (1-based) over a trail of `seq` entries: spread
 * evenly, the last at `seq` itself. */
static uint64_t
mark_seq(uint64_t seq, uint64_t n, uint64_t i)
{
	/* seq * i / n without overflow for any seq. */
	return seq / n * i + (seq % n) * i / n;
}

/* The bytes a checkpoint's signature is over. */
static char *
signed_bytes(json_t *body)
{
	return json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int
unhex(const char *s, unsigned char *out, size_t n)
{
	if (!s || strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int a = hexval(s[2 * i]), b = hexval(s[2 * i + 1]);

		if (a < 0 || b < 0)
			return -1;
		out[i] = (unsigned char)(a << 4 | b);
	}
	return 0;
}

int
cdn_checkpoint_make(struct cdn_store *st, const char *keyfile, const char *actor, json_t **out)
{
	unsigned char h[32], sig[CDN_SIG_LEN];
	char hex[65], sighex[2 * CDN_SIG_LEN + 1], keyid[CDN_KEYID_LEN + 1], *pem = NULL;
	char *bytes = NULL;
	struct cdn_txn *txn = NULL;
	json_t *body = NULL, *marks;
	uint64_t seq, n;
	int rc;

	*out = NULL;
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	if (actor && (rc = cdn_txn_set_user(txn, actor)) != 0)
		goto out;
	if ((rc = cdn_audit_head(txn, &seq)) != 0)
		goto out;
	if (seq == 0) {
		rc = cdn_error_set(CDN_EINVAL, NULL, "the audit trail is empty: nothing to witness yet");
		goto out;
	}
	if ((rc = entry_hash(txn, seq, h)) != 0)
		goto out;
	cdn_hex(h, 32, hex);
	body = json_pack("{s:s,s:i,s:s,s:s,s:s,s:I,s:s,s:[]}", "type", CP_TYPE, "format", 1,
	    "store", cdn_store_uuid(st), "at", cdn_txn_now(txn), "by", cdn_txn_user(txn),
	    "seq", (json_int_t)seq, "hash", hex, "marks");
	if (!body) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	marks = json_object_get(body, "marks");
	n = seq < CDN_CHECKPOINT_MARKS ? seq : CDN_CHECKPOINT_MARKS;
	for (uint64_t i = 1; i <= n; i++) {
		uint64_t at = mark_seq(seq, n, i);

		if ((rc = entry_hash(txn, at, h)) != 0)
			goto out;
		cdn_hex(h, MARK_HEX / 2, hex);
		json_array_append_new(marks, json_pack("[I,s]", (json_int_t)at, hex));
	}
	cdn_txn_abort(txn);
	txn = NULL;
	if ((bytes = signed_bytes(body)) == NULL) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if (keyfile) {
		rc = cdn_sign_keyfile(keyfile, bytes, strlen(bytes), sig, keyid, &pem);
	} else if ((rc = cdn_sign(st, bytes, strlen(bytes), sig, keyid)) == 0) {
		rc = cdn_key_public(st, &pem, keyid);
	}
	if (rc != 0)
		goto out;
	cdn_hex(sig, CDN_SIG_LEN, sighex);
	*out = json_pack("{s:O,s:s,s:s,s:s}", "checkpoint", body, "key", keyid, "public", pem,
	    "signature", sighex);
	if (!*out)
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
out:
	cdn_txn_abort(txn);
	json_decref(body);
	free(bytes);
	free(pem);
	return rc;
}

int
cdn_checkpoint_save(json_t *cp, const char *path)
{
	char tmp[PATH_MAX];
	int fd;

	if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp)
		return cdn_error_set(CDN_EUSAGE, NULL, "%s: path too long", path);
	if ((fd = mkstemp(tmp)) < 0)
		return cdn_error_set(CDN_EIO, NULL, "cannot write %s: %s", path, strerror(errno));
	if (json_dumpfd(cp, fd, JSON_COMPACT) != 0 || write(fd, "\n", 1) != 1 ||
	    fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
		int e = errno;

		close(fd);
		unlink(tmp);
		return cdn_error_set(CDN_EIO, NULL, "cannot write %s: %s", path, strerror(e));
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		int e = errno;

		unlink(tmp);
		return cdn_error_set(CDN_EIO, NULL, "cannot write %s: %s", path, strerror(e));
	}
	return 0;
}

int
cdn_checkpoint_load(const char *path, json_t **out)
{
	json_error_t jerr;
	json_t *body;

	*out = NULL;
	if ((*out = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		if (access(path, R_OK) != 0)
			return cdn_error_set(errno == ENOENT ? CDN_ENOTFOUND : CDN_EIO, NULL, "%s: %s",
			    path, strerror(errno));
		return cdn_error_set(CDN_EINVAL, NULL, "%s: not a checkpoint (line %d: %s)", path,
		    jerr.line, jerr.text);
	}
	body = json_object_get(*out, "checkpoint");
	if (!json_is_object(body) ||
	    strcmp(json_string_value(json_object_get(body, "type")) ?: "", CP_TYPE) != 0 ||
	    !json_is_integer(json_object_get(body, "seq")) ||
	    json_integer_value(json_object_get(body, "seq")) < 1 ||
	    !json_is_string(json_object_get(body, "hash")) ||
	    !json_is_array(json_object_get(body, "marks")) ||
	    !json_is_string(json_object_get(*out, "signature"))) {
		json_decref(*out);
		*out = NULL;
		return cdn_error_set(CDN_EINVAL, NULL, "%s: not an audit checkpoint", path);
	}
	if (json_integer_value(json_object_get(body, "format")) != 1) {
		json_decref(*out);
		*out = NULL;
		return cdn_error_set(CDN_EINVAL, NULL, "%s: a checkpoint of a newer format", path);
	}
	return 0;
}

/* Is the signature good, and by one of `keys`? */
static int
check_signature(json_t *cp, json_t *keys, const char *name, cdn_audit_report_fn report, void *arg)
{
	unsigned char sig[CDN_SIG_LEN];
	char msg[256], *bytes;
	json_t *own;
	int rc;

	if (unhex(json_string_value(json_object_get(cp, "signature")), sig, CDN_SIG_LEN) != 0) {
		report(arg, name, "the signature is not 128 hex digits");
		return cdn_error_set(CDN_EINVAL, NULL, "%s: not signed", name);
	}
	if ((bytes = signed_bytes(json_object_get(cp, "checkpoint"))) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	rc = cdn_verify(keys, bytes, strlen(bytes), sig, NULL);
	if (rc != 0) {
		/* Tell a good signature by an unknown key from a forgery. */
		own = json_pack("[s?]", json_string_value(json_object_get(cp, "public")));
		if (own && json_array_size(own) && cdn_verify(own, bytes, strlen(bytes), sig, NULL) == 0)
			snprintf(msg, sizeof msg, "signed by key %.16s, which is neither the store's "
			    "nor given with --key: it proves nothing here",
			    json_string_value(json_object_get(cp, "key")) ?: "?");
		else
			snprintf(msg, sizeof msg, "the signature does not match: the checkpoint was "
			    "changed after it was signed");
		json_decref(own);
		report(arg, name, msg);
		rc = cdn_error_set(CDN_EINVAL, NULL, "%s: %s", name, msg);
	}
	free(bytes);
	return rc;
}

int
cdn_checkpoint_check(struct cdn_txn *txn, json_t *cp, json_t *keys, const char *name,
    cdn_audit_report_fn report, void *arg, uint64_t *first_bad, uint64_t *last_bad)
{
	json_t *body = json_object_get(cp, "checkpoint"), *m;
	const char *store = json_string_value(json_object_get(body, "store"));
	uint64_t seq = (uint64_t)json_integer_value(json_object_get(body, "seq"));
	uint64_t good = 0, head, bad_from = 0, bad_to = 0;
	unsigned char want[32], h[32];
	char where[96], msg[320];
	size_t i;
	int rc;

	if (first_bad)
		*first_bad = 0;
	if (last_bad)
		*last_bad = 0;
	if ((rc = check_signature(cp, keys, name, report, arg)) != 0)
		return rc;
	if (!store || strcmp(store, cdn_store_uuid(txn->st)) != 0) {
		snprintf(msg, sizeof msg, "a checkpoint of another store (%.40s)", store ?: "?");
		report(arg, name, msg);
		return cdn_error_set(CDN_EINVAL, NULL, "%s: %s", name, msg);
	}
	if (unhex(json_string_value(json_object_get(body, "hash")), want, 32) != 0) {
		report(arg, name, "its hash is not 64 hex digits");
		return cdn_error_set(CDN_EINVAL, NULL, "%s: damaged", name);
	}
	if ((rc = cdn_audit_head(txn, &head)) != 0)
		return rc;
	/* The marks, oldest first: the last that still matches bounds what
	 * is intact; the first that does not, where the rewriting ends. */
	json_array_foreach(json_object_get(body, "marks"), i, m) {
		uint64_t at = (uint64_t)json_integer_value(json_array_get(m, 0));
		const char *hex = json_string_value(json_array_get(m, 1));
		char now[MARK_HEX + 1];

		if (at <= good || at > seq || !hex || strlen(hex) != MARK_HEX)
			continue;
		if (entry_hash(txn, at, h) != 0) {
			cdn_error_clear();
			now[0] = '\0';
		} else {
			cdn_hex(h, MARK_HEX / 2, now);
		}
		if (strcmp(now, hex) != 0) {
			bad_from = good + 1;
			bad_to = at;
			break;
		}
		good = at;
	}
	if (!bad_to) {
		if (entry_hash(txn, seq, h) != 0) {
			cdn_error_clear();
			bad_from = good + 1;
			bad_to = seq;
		} else if (memcmp(h, want, 32) != 0) {
			bad_from = good < seq ? good + 1 : seq;
			bad_to = seq;
		}
	}
	if (!bad_to)
		return 0;
	if (first_bad)
		*first_bad = bad_from;
	if (last_bad)
		*last_bad = bad_to;
	if (bad_from > head) {
		snprintf(where, sizeof where, "audit entry %" PRIu64, bad_from);
		snprintf(msg, sizeof msg, "missing: checkpoint %s witnessed the trail up to entry "
		    "%" PRIu64 ", it now ends at %" PRIu64 " (entries removed)", name, seq, head);
	} else if (bad_from == bad_to) {
		snprintf(where, sizeof where, "audit entry %" PRIu64, bad_from);
		snprintf(msg, sizeof msg, "first entry that differs from checkpoint %s (signed %s "
		    "at entry %" PRIu64 "): the trail was rewritten from here on", name,
		    json_string_value(json_object_get(body, "at")) ?: "?", seq);
	} else {
		snprintf(where, sizeof where, "audit entries %" PRIu64 " to %" PRIu64, bad_from,
		    bad_to);
		snprintf(msg, sizeof msg, "the first entry that differs from checkpoint %s (signed "
		    "%s at entry %" PRIu64 ") is one of these: the trail was rewritten from there "
		    "on", name, json_string_value(json_object_get(body, "at")) ?: "?", seq);
	}
	report(arg, where, msg);
	return cdn_error_set(CDN_ESTORE, NULL, "the audit trail does not extend checkpoint %s", name);
}
