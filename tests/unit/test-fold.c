/*
 * test-fold.c - folding for diacritics- and case-insensitive matching.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/fold.h"
#include "tap.h"

static void
folds_to(const char *in, const char *want)
{
	char *got = cdn_fold(in), what[200];

	snprintf(what, sizeof what, "fold(\"%s\")", in);
	is_str(got, want, what);
	free(got);
}

struct collect {
	char buf[256];
	int n;
};

static int
word(void *arg, const char *w, size_t len)
{
	struct collect *c = arg;

	strncat(c->buf, w, len);
	strcat(c->buf, "|");
	c->n++;
	return 0;
}

int
main(void)
{
	folds_to("Nguyễn Văn Hùng", "nguyen van hung");
	folds_to("NGUYEN  VAN   HUNG", "nguyen van hung");
	folds_to("  Nguyễn\tVăn\nHùng  ", "nguyen van hung");
	folds_to("Đỗ Thị Hằng", "do thi hang");
	folds_to("đường", "duong");
	folds_to("Lê Đức Anh", "le duc anh");
	folds_to("Công ty TNHH Thương mại Minh Phát", "cong ty tnhh thuong mai minh phat");
	folds_to("Ｆｕｌｌｗｉｄｔｈ", "fullwidth");	/* compatibility forms */
	folds_to("Straße", "strasse");
	folds_to("São Tomé", "sao tome");
	folds_to("", "");
	ok(cdn_fold("\xff\xfe bad") == NULL, "invalid UTF-8 is refused, not passed through");

	/* The same name in decomposed form (e + combining marks) folds alike. */
	folds_to("Nguye\xcc\x82\xcc\x83n", "nguyen");
	/* Characters that show nothing do not split or hide a name. */
	folds_to("Dmi\u00adtri Pe\u200btrov\ufeff", "dmitri petrov");

	struct collect c = { "", 0 };
	cdn_fold_words("cong ty minh-phat, 2024/05", word, &c);
	is_str(c.buf, "cong|ty|minh|phat|2024|05|", "words split on punctuation and spaces");
	ok(c.n == 6, "six words");

	struct collect c2 = { "", 0 };
	cdn_fold_words("王建国 ltd", word, &c2);
	ok(c2.n == 2, "non-Latin script stays one word (%d)", c2.n);

	/* ASCII takes a shorter way than utf8proc: the same result for every
	 * character, alone, between letters, doubled and at the ends. */
	int differ = 0, first = -1;
	for (int ch = 1; ch < 128; ch++) {
		/* '#' stands for the character. */
		const char *forms[] = { "#", "a#b", "A##B", " #x# " };

		for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
			char in[16];
			char *fast, *full;
			size_t k;

			for (k = 0; forms[f][k]; k++)
				in[k] = forms[f][k] == '#' ? (char)ch : forms[f][k];
			in[k] = '\0';
			fast = cdn_fold(in);
			full = cdn_fold_full(in);
			if (!fast || !full || strcmp(fast, full) != 0) {
				differ++;
				if (first < 0)
					first = ch;
			}
			free(fast);
			free(full);
		}
	}
	ok(differ == 0, "every ASCII character folds as utf8proc folds it (first differing: %d)",
	    first);
	srand(11);
	differ = 0;
	for (int i = 0; i < 20000; i++) {
		char in[40], *fast, *full;
		int n = rand() % 39;

		for (int k = 0; k < n; k++)
			in[k] = (char)(1 + rand() % 127);
		in[n] = '\0';
		fast = cdn_fold(in);
		full = cdn_fold_full(in);
		differ += !fast || !full || strcmp(fast, full) != 0;
		free(fast);
		free(full);
	}
	ok(differ == 0, "20,000 random ASCII strings fold as utf8proc folds them (%d differ)", differ);
	return done_testing();
}
