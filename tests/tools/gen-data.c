/*
 * gen-data.c - write generated sample data for the end-to-end tests:
 *   gen-data [--seizures N] [--cases N] [--seed S] [--entities]
 * JSON Lines on standard output, as `cordon demo` and the benchmark use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/gen.h"

int
main(int argc, char **argv)
{
	struct cdn_gen_opts o = { .seed = 1, .cases = 10 };

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seizures") == 0 && i + 1 < argc)
			o.seizures = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
			o.cases = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			o.seed = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--entities") == 0)
			o.with_entities = 1;
		else {
			fprintf(stderr, "usage: gen-data [--seizures N] [--cases N] [--seed S] [--entities]\n");
			return 2;
		}
	}
	if (cdn_gen_write(stdout, &o) != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "gen-data: write failed\n");
		return 1;
	}
	return 0;
}
