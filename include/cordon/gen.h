/*
 * gen.h - the generator of realistic sample data, shared by `cordon demo`
 * and the benchmarks. Output is JSON Lines in the import format (§5), with
 * `ref`s, fully determined by the seed.
 */
#ifndef CORDON_GEN_H
#define CORDON_GEN_H

#include <stdint.h>
#include <stdio.h>

struct cdn_gen_opts {
	uint64_t seed;
	unsigned cases;		/* number of cases (each with 1..n seizures) */
	uint64_t seizures;	/* if > 0: exactly this many seizures in total,
				   spread over `cases` cases (bench mode) */
	int with_entities;	/* emit entities, routes and links too */
};

/* Write the data set to `out` (flushed before returning); returns 0,
 * CDN_EIO on a write error, or CDN_ENOMEM. */
int cdn_gen_write(FILE *out, const struct cdn_gen_opts *opts);

#endif
