/*
 * config.c - the environment, read once (config.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cordon/check.h"
#include "cordon/config.h"
#include "cordon/error.h"
#include "cordon/evidence.h"
#include "cordon/rule.h"

static struct cdn_config config;
static struct cdn_error failure;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *
var(const char *name)
{
	const char *s = getenv(name);

	return s && *s ? s : NULL;
}

/* A whole number in [lo, hi]. */
static int
number(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	*out = strtoull(s, &end, 10);
	return *end || *out < lo || *out > hi ? -1 : 0;
}

/* A size, or a count, with K, M or G. */
static int
size(const char *name, const char *what, uint64_t dflt, uint64_t *out)
{
	const char *s = var(name);

	*out = dflt;
	if (s && cdn_size_parse(s, out) != 0)
		return cdn_error_set(CDN_EUSAGE, name, "%s must be %s (or with K, M, G)", name, what);
	return 0;
}

static int
read_env(void)
{
	const char *s;
	uint64_t v;
	int rc;

	config.store = var("CORDON_STORE");
	config.user = var("CORDON_USER");
	config.vendor_root = (s = getenv("CORDON_VENDOR_ROOT")) != NULL ? s : "";
	config.tmpdir = var("TMPDIR") ? var("TMPDIR") : "/tmp";
	if ((rc = size("CORDON_EVIDENCE_MAX", "a size in bytes", CDN_EVIDENCE_MAX_DEFAULT,
	    &config.evidence_max)) != 0 ||
	    (rc = size("CORDON_IMPORT_MAX", "a size in bytes", CDN_IMPORT_MAX_DEFAULT,
	    &config.import_max)) != 0 ||
	    (rc = size("CORDON_RULE_INSTRUCTIONS", "a positive number",
	    CDN_RULE_INSTRUCTIONS_DEFAULT, &config.rule_instructions)) != 0 ||
	    (rc = size("CORDON_RULE_MEMORY", "a positive number of bytes", CDN_RULE_MEMORY_DEFAULT,
	    &config.rule_memory)) != 0)
		return rc;
	if (config.rule_memory < (1u << 20))
		return cdn_error_set(CDN_EUSAGE, "CORDON_RULE_MEMORY",
		    "CORDON_RULE_MEMORY must be at least 1M");
	if ((s = var("CORDON_SESSIONS")) != NULL) {
		if (number(s, CDN_SESSIONS_MIN, CDN_SESSIONS_MAX, &v) != 0)
			return cdn_error_set(CDN_EUSAGE, "CORDON_SESSIONS", "CORDON_SESSIONS must be "
			    "%d to %u", CDN_SESSIONS_MIN, CDN_SESSIONS_MAX);
		config.sessions = (unsigned)v;
	}
	if ((s = var("CORDON_HEAD_TIMEOUT")) != NULL) {
		if (number(s, 1, CDN_HEAD_TIMEOUT_MAX, &v) != 0)
			return cdn_error_set(CDN_EUSAGE, "CORDON_HEAD_TIMEOUT", "CORDON_HEAD_TIMEOUT must "
			    "be 1 to %u seconds", CDN_HEAD_TIMEOUT_MAX);
		config.head_timeout = (unsigned)v;
	}
	config.body_rate = -1;
	if ((s = var("CORDON_BODY_RATE")) != NULL) {
		if (number(s, 0, CDN_BODY_RATE_MAX, &v) != 0)
			return cdn_error_set(CDN_EUSAGE, "CORDON_BODY_RATE", "CORDON_BODY_RATE must be "
			    "0 (no minimum) to %u bytes a second", CDN_BODY_RATE_MAX);
		config.body_rate = (int64_t)v;
	}
	return 0;
}

static void
load(void)
{
	if (read_env() != 0)
		failure = *cdn_error_last();
}

int
cdn_tmpfile(const char *what, const char *suffix, char *path, size_t cap)
{
	char buf[PATH_MAX];
	size_t slen = suffix ? strlen(suffix) : 0;
	int fd;

	/* TMPDIR is read before anything that can be wrong (read_env). */
	pthread_once(&once, load);
	if (!path) {
		path = buf;
		cap = sizeof buf;
	}
	if ((size_t)snprintf(path, cap, "%s/cordon-%s-XXXXXX%s", config.tmpdir, what,
	    suffix ? suffix : "") >= cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemps(path, (int)slen)) >= 0 && path == buf)
		unlink(buf);
	return fd;
}

int
cdn_config(const struct cdn_config **out)
{
	pthread_once(&once, load);
	*out = &config;
	if (failure.code == 0)
		return 0;
	return cdn_error_set(failure.code, failure.field, "%s", failure.message);
}
