/*
 * uuid.c - version 4 and version 5 UUIDs (uuid.h), over OpenSSL.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "cordon/error.h"
#include "uuid.h"

static void
format(unsigned char b[16], unsigned version, char out[CDN_UUID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	char *w = out;

	b[6] = (unsigned char)((b[6] & 0x0f) | (version << 4));
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*w++ = '-';
		*w++ = hex[b[i] >> 4];
		*w++ = hex[b[i] & 15];
	}
	*w = '\0';
}

int
cdn_uuid4(char out[CDN_UUID_LEN + 1])
{
	unsigned char b[16];

	if (RAND_bytes(b, sizeof b) != 1)
		return cdn_error_set(CDN_ESTORE, NULL, "no random bytes for an identifier");
	format(b, 4, out);
	return 0;
}

static int
parse(const char *s, unsigned char b[16])
{
	size_t n = 0;

	if (!s || strlen(s) != CDN_UUID_LEN)
		return -1;
	for (const char *p = s; *p && n < 32; p++) {
		int v;

		if (*p == '-')
			continue;
		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			v = *p - 'A' + 10;
		else
			return -1;
		b[n / 2] = (unsigned char)(n % 2 ? b[n / 2] | v : v << 4);
		n++;
	}
	return n == 32 ? 0 : -1;
}

/* SHA-1, fetched once and kept for the process: an export makes an id
 * per object, and OpenSSL 3 would look the algorithm up for each. */
static EVP_MD *sha1;
static pthread_once_t sha1_once = PTHREAD_ONCE_INIT;

static void
sha1_fetch(void)
{
	sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
}

int
cdn_uuid5(const char *ns, const void *name, size_t len, char out[CDN_UUID_LEN + 1])
{
	unsigned char nsb[16], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	int ok;

	pthread_once(&sha1_once, sha1_fetch);
	if (!sha1 || parse(ns, nsb) != 0 || (ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, sha1, NULL) == 1 &&
	    EVP_DigestUpdate(ctx, nsb, sizeof nsb) == 1 &&
	    EVP_DigestUpdate(ctx, name, len) == 1 &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen >= 16;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	format(md, 5, out);
	return 0;
}
