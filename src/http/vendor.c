/*
 * vendor.c - the web UI's libraries, served from where Debian installs
 * them (vendor.h): /vendor/NAME/FILE for an allow-listed NAME, read from
 * that package's directory. Nothing is copied into cordon's tree; a
 * missing package costs only the feature it serves, and the server says
 * which package to install.
 *
 * Debian's directories hold symbolic links (Chart.min.js → chart.min.js,
 * codemirror.css → lib/codemirror.css): a file is served after resolving
 * them, only if it still lies inside the package's directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cordon/config.h"
#include "vendor.h"

#define VENDOR_FILE_MAX	(8u << 20)

static const struct vendor {
	const char *name;	/* /vendor/NAME/ */
	const char *dir;	/* where the package installs it */
	const char *package;	/* the Debian package */
	const char *feature;	/* what the UI loses without it */
} vendors[] = {
	{ "chart.js", "/usr/share/javascript/chart.js", "libjs-chart.js",
	  "the dashboard's charts (tables are shown instead)" },
	{ "d3", "/usr/share/nodejs/d3/dist", "node-d3",
	  "the drawn link graph (a list is shown instead)" },
	{ "codemirror", "/usr/share/javascript/codemirror", "libjs-codemirror",
	  "the rule editor's highlighting (a plain text area is used instead)" },
};
#define NVENDORS (sizeof vendors / sizeof *vendors)

/* The directory of vendor `v`: under $CORDON_VENDOR_ROOT if set (tests
 * point it at an empty directory to play a machine without the
 * packages). */
static int
vendor_dir(const struct vendor *v, char *buf, size_t cap)
{
	const struct cdn_config *c;
	const char *root = cdn_config(&c) == 0 ? c->vendor_root : "";

	return snprintf(buf, cap, "%s%s", root, v->dir) < (int)cap ? 0 : -1;
}

void
http_vendor_check(void)
{
	for (size_t i = 0; i < NVENDORS; i++) {
		char dir[PATH_MAX];
		struct stat sb;

		if (vendor_dir(&vendors[i], dir, sizeof dir) != 0 || stat(dir, &sb) != 0 ||
		    !S_ISDIR(sb.st_mode))
			fprintf(stderr, "cordon: %s is not installed: the web UI does without %s "
			    "(apt-get install %s)\n", vendors[i].package, vendors[i].feature,
			    vendors[i].package);
	}
}

/* A path made only of plain segments: letters, digits, '-', '_', '.',
 * none starting with '.'. */
static int
plain(const char *p)
{
	int start = 1;

	if (!*p)
		return 0;
	for (; *p; p++) {
		if (*p == '/') {
			if (start)
				return 0;	/* "//" or a leading '/' */
			start = 1;
			continue;
		}
		if ((start && *p == '.') || !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return 0;
		start = 0;
	}
	return !start;
}

int
http_vendor_open(const char *rest, int *fd_out, uint64_t *size)
{
	const char *slash = strchr(rest, '/');
	char dir[PATH_MAX], path[PATH_MAX], real[PATH_MAX], realdir[PATH_MAX];
	const struct vendor *v = NULL;
	struct stat sb;
	size_t n;
	int fd;

	if (!slash)
		return -1;
	for (size_t i = 0; i < NVENDORS; i++)
		if (strlen(vendors[i].name) == (size_t)(slash - rest) &&
		    strncmp(vendors[i].name, rest, (size_t)(slash - rest)) == 0)
			v = &vendors[i];
	if (!v || !plain(slash + 1) || vendor_dir(v, dir, sizeof dir) != 0 ||
	    snprintf(path, sizeof path, "%s/%s", dir, slash + 1) >= (int)sizeof path)
		return -1;
	/* Resolved, and still inside the package's own directory. */
	if (!realpath(dir, realdir) || !realpath(path, real))
		return -1;
	n = strlen(realdir);
	if (strncmp(real, realdir, n) != 0 || real[n] != '/')
		return -1;
	if ((fd = open(real, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > VENDOR_FILE_MAX) {
		close(fd);
		return -1;
	}
	*fd_out = fd;
	*size = (uint64_t)sb.st_size;
	return 0;
}
