/*
 * replay.c - a harness's main where libFuzzer is not used (the plain
 * build): run LLVMFuzzerTestOneInput on each file named (a directory:
 * each file in it, in name order), then, with -seconds=N, on random
 * mutations of them for N seconds. A small stand-in for libFuzzer's
 * engine, so that every build replays the seed corpus and its regression
 * inputs and tries a few thousand inputs more.
 *
 *   fuzz-NAME [-seconds=N] [-seed=N] FILE|DIR...
 *
 * If an input crashes the harness, it is written to crash-SEED-N (in the
 * current directory) before the process dies, so it can be replayed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Set by the sanitizers' runtime when linked in. */
extern void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

#define REPLAY_MAX (1u << 20)

struct input {
	uint8_t *data;
	size_t len;
};

static struct input *corpus;
static size_t ncorpus, capcorpus;

/* The input being run, for the crash handler. */
static const uint8_t *cur_data;
static size_t cur_len;
static char crash_name[64];

static void
save_crash(void)
{
	int fd;

	if (!cur_data || !crash_name[0])
		return;
	if ((fd = open(crash_name, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0) {
		size_t off = 0;

		while (off < cur_len) {
			ssize_t w = write(fd, cur_data + off, cur_len - off);

			if (w <= 0)
				break;
			off += (size_t)w;
		}
		close(fd);
		(void)!write(2, "replay: the input is in ", 24);
		(void)!write(2, crash_name, strlen(crash_name));
		(void)!write(2, "\n", 1);
	}
	cur_data = NULL;
}

static void
on_signal(int sig)
{
	save_crash();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
add(uint8_t *data, size_t len)
{
	if (ncorpus == capcorpus) {
		capcorpus = capcorpus ? 2 * capcorpus : 64;
		if ((corpus = realloc(corpus, capcorpus * sizeof *corpus)) == NULL)
			abort();
	}
	corpus[ncorpus++] = (struct input){ data, len };
}

static int
load_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((buf = malloc(REPLAY_MAX)) == NULL)
		abort();
	n = fread(buf, 1, REPLAY_MAX, f);
	fclose(f);
	add(realloc(buf, n ? n : 1), n);
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
load(const char *path)
{
	struct stat sb;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (stat(path, &sb) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode))
		return load_file(path);
	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap && (names = realloc(names, (cap = cap ? 2 * cap : 32) * sizeof *names)) == NULL)
			abort();
		if (asprintf(&names[n++], "%s/%s", path, e->d_name) < 0)
			abort();
	}
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		if (load(names[i]) != 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

static uint64_t rng;

static uint64_t
next(void)
{
	/* xorshift64*: reproducible from the seed printed. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static size_t
below(size_t n)
{
	return n ? (size_t)(next() % n) : 0;
}

/* Bytes that matter to our parsers, more often than chance gives them. */
static const uint8_t special[] = { 0, 0xff, 0x80, 0xc3, 0xe2, '"', '\\', '\n', '\r', ',', '{',
	'}', '[', ']', ':', '-', '=', '&', '%', '.', '0', '9', '@', '/' };

static size_t
mutate(uint8_t *buf, size_t len, size_t cap)
{
	int rounds = 1 + (int)below(6);

	while (rounds-- > 0) {
		size_t at = below(len + 1), k;
		const struct input *o;

		switch (below(7)) {
		case 0:		/* flip a bit */
			if (len)
				buf[below(len)] ^= (uint8_t)(1u << below(8));
			break;
		case 1:		/* a byte that matters */
			if (len)
				buf[below(len)] = special[below(sizeof special)];
			break;
		case 2:		/* insert one */
			if (len < cap) {
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = below(2) ? special[below(sizeof special)] : (uint8_t)next();
				len++;
			}
			break;
		case 3:		/* delete a run */
			if (len) {
				at = below(len);
				k = 1 + below(len - at < 16 ? len - at : 16);
				memmove(buf + at, buf + at + k, len - at - k);
				len -= k;
			}
			break;
		case 4:		/* repeat a run */
			if (len && len < cap) {
				size_t from = below(len);

				k = 1 + below(len - from < 64 ? len - from : 64);
				if (k > cap - len)
					k = cap - len;
				memmove(buf + at + k, buf + at, len - at);
				memmove(buf + at, buf + (from >= at ? from + k : from), k);
				len += k;
			}
			break;
		case 5:		/* splice in a piece of another input */
			o = &corpus[below(ncorpus)];
			if (o->len) {
				size_t from = below(o->len);

				k = 1 + below(o->len - from < 256 ? o->len - from : 256);
				if (k > cap - len)
					k = cap - len;
				memmove(buf + at + k, buf + at, len - at);
				memcpy(buf + at, o->data + from, k);
				len += k;
			}
			break;
		default:	/* an interesting number's digits */
			if (len + 20 <= cap) {
				static const char *const nums[] = { "-1", "0", "9223372036854775807",
					"-9223372036854775808", "1e308", "18446744073709551616", "4294967296",
					"1.5", "NaN", "65536" };
				const char *s = nums[below(sizeof nums / sizeof *nums)];

				k = strlen(s);
				memmove(buf + at + k, buf + at, len - at);
				memcpy(buf + at, s, k);
				len += k;
			}
			break;
		}
	}
	return len;
}

static void
run(const uint8_t *data, size_t len)
{
	/* A copy of exactly `len` bytes, so the sanitizers see a read past it. */
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		abort();
	memcpy(copy, data, len);
	cur_data = copy;
	cur_len = len;
	LLVMFuzzerTestOneInput(copy, len);
	cur_data = NULL;
	free(copy);
}

int
main(int argc, char **argv)
{
	double seconds = 0;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	unsigned long long runs = 0;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "-seconds=", 9) == 0)
			seconds = strtod(argv[i] + 9, NULL);
		else if (strncmp(argv[i], "-seed=", 6) == 0)
			seed = strtoull(argv[i] + 6, NULL, 10);
		else if (argv[i][0] == '-')
			continue;	/* libFuzzer's flags mean nothing here */
		else if (load(argv[i]) != 0)
			rc = 1;
	}
	if (rc)
		return rc;
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
	signal(SIGABRT, on_signal);
	signal(SIGFPE, on_signal);
	signal(SIGILL, on_signal);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(save_crash);
	snprintf(crash_name, sizeof crash_name, "crash-replay");
	for (size_t i = 0; i < ncorpus; i++)
		run(corpus[i].data, corpus[i].len);
	printf("replay: %zu inputs ran\n", ncorpus);
	if (seconds > 0 && ncorpus > 0) {
		struct timespec t0, t;
		uint8_t *buf = malloc(REPLAY_MAX);

		if (!buf)
			abort();
		rng = seed ? seed : 1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		do {
			const struct input *in = &corpus[below(ncorpus)];
			size_t len = in->len < 65536 ? in->len : 65536;

			memcpy(buf, in->data, len);
			len = mutate(buf, len, 65536);
			snprintf(crash_name, sizeof crash_name, "crash-%llu-%llu",
			    (unsigned long long)seed, runs);
			run(buf, len);
			runs++;
			clock_gettime(CLOCK_MONOTONIC, &t);
		} while ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
		free(buf);
		printf("replay: %llu mutations ran in %.0f s (seed %llu)\n", runs, seconds,
		    (unsigned long long)seed);
	}
	for (size_t i = 0; i < ncorpus; i++)
		free(corpus[i].data);
	free(corpus);
	return 0;
}
