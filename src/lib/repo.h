/*
 * repo.h - the store's git repository (evidence.git): blobs written
 * durably and streamed, and commits whose order the store keeps.
 *
 * The store is the authority on history: each branch's head is kept in
 * the store's meta ("git.BRANCH", a commit id), written in the same
 * transaction as the records that name the commit. The git ref follows
 * it after that transaction commits, forward only, so a crash in between
 * leaves the ref behind, never ahead of what the store knows; the next
 * commit builds on the store's head and moves the ref on.
 *
 * Blobs are written as loose objects by this module, through zlib, so
 * that content that does not compress (photographs, video, PDFs) is
 * stored rather than compressed again: libgit2 1.5 has no working way to
 * ask for that (its level 0 writes objects nothing can read). Everything
 * else, reading included, is libgit2's.
 *
 * Ownership: the repository handle is the store's (cdn_store_repo); ids
 * are 40-character lower-case hex strings in caller buffers.
 */
#ifndef CORDON_REPO_H
#define CORDON_REPO_H

#include <stddef.h>
#include <stdint.h>

#include "cordon/evidence.h"	/* struct cdn_source */

struct cdn_repo;
struct cdn_store;

#define CDN_OID_HEX 41		/* a git object id as hex, with its NUL */

/* Create the bare repository of a new store at `path` (HEAD at "main"). */
int cdn_repo_init(const char *path);
/* Open the repository at `path`. */
int cdn_repo_open(const char *path, struct cdn_repo **out);
void cdn_repo_close(struct cdn_repo *r);
/* The store's repository, opened on first use and closed with the store. */
int cdn_store_repo(struct cdn_store *st, struct cdn_repo **out);

/* What writing a blob found out. */
struct cdn_blob {
	char oid[CDN_OID_HEX];
	unsigned char sha256[32];
	uint64_t size;
	int stored;		/* kept uncompressed: it did not shrink */
};

/*
 * Write exactly `size` bytes read from `fd` (from its current offset) as
 * a blob, hashing them with SHA-256 on the way, and make it durable
 * (fsync of the object and its directory) before returning. Identical
 * content already in the repository is not written again. Memory use
 * does not depend on the size. CDN_EIO if the file changes size while
 * being read.
 */
int cdn_repo_write_blob(struct cdn_repo *r, int fd, uint64_t size, struct cdn_blob *out);
/* The same from a stream (evidence.h): CDN_EIO if it gives more or fewer
 * than `size` bytes. The repository is locked only to put the object in
 * place, not while the bytes arrive. */
struct cdn_source;
int cdn_repo_write_from(struct cdn_repo *r, const struct cdn_source *src, uint64_t size,
    struct cdn_blob *out);

/* Write a small blob from memory (a rule's source), durably. */
int cdn_repo_write_buf(struct cdn_repo *r, const void *data, size_t len,
    char oid[CDN_OID_HEX]);
/* Read a small blob whole: `*out` is malloc'd and NUL-terminated; at
 * most `max` bytes, else CDN_ESTORE. */
int cdn_repo_read_buf(struct cdn_repo *r, const char *oid, size_t max, char **out,
    size_t *len);

/* Read blob `oid`, handing its content to `fn` in chunks; *size gets its
 * length. CDN_ENOTFOUND if there is no such object, CDN_ESTORE if it
 * cannot be read (damaged). A non-zero return of `fn` stops and is
 * returned. */
typedef int (*cdn_chunk_fn)(void *arg, const void *data, size_t len);
int cdn_repo_read_blob(struct cdn_repo *r, const char *oid, cdn_chunk_fn fn, void *arg,
    uint64_t *size);

/* One change to a tree: the blob at `path` ("C-1/V-2/scan.pdf"), or, with
 * blob NULL, its removal. */
struct cdn_repo_change {
	const char *path;
	const char *blob;
};

/*
 * Make a commit of `parent`'s tree (parent "" for the first) with the
 * changes applied, authored by `user`, and write it durably. No ref
 * moves: see cdn_repo_advance.
 */
int cdn_repo_commit(struct cdn_repo *r, const char *parent,
    const struct cdn_repo_change *changes, size_t n, const char *user,
    const char *message, char commit[CDN_OID_HEX]);

/* Move refs/heads/BRANCH to `commit` if that is forward (it descends
 * from where the ref is, or the ref does not exist yet). 0 if the ref is
 * there or further on. */
int cdn_repo_advance(struct cdn_repo *r, const char *branch, const char *commit);

/* Where refs/heads/BRANCH points ("" if nowhere). */
int cdn_repo_ref(struct cdn_repo *r, const char *branch, char commit[CDN_OID_HEX]);

/* 1 if `a` is `b` or one of its ancestors, 0 if not, or an error. */
int cdn_repo_reaches(struct cdn_repo *r, const char *b, const char *a);

/* The blob at `path` in `commit`'s tree, in `blob` ("" if none). */
int cdn_repo_blob_at(struct cdn_repo *r, const char *commit, const char *path,
    char blob[CDN_OID_HEX]);

/* Every commit of `head`'s history, `head` first; a non-zero return of
 * `fn` stops and is returned. */
typedef int (*cdn_commit_fn)(void *arg, const char *commit);
int cdn_repo_history(struct cdn_repo *r, const char *head, cdn_commit_fn fn, void *arg);

/* Who made `commit` (its author's name, in `author`), when (epoch
 * seconds) and its message (`*message`, malloc'd). CDN_ENOTFOUND if the
 * repository has no such commit. */
int cdn_repo_commit_info(struct cdn_repo *r, const char *commit, char *author, size_t cap,
    int64_t *when, char **message);

/*
 * A unified diff, made by libgit2, from blob `a` (shown as path `apath`)
 * to blob `b` (as `bpath`), with 3 lines of context: `*out` malloc'd and
 * NUL-terminated ("" when they are the same), `*len` its length, and
 * how many lines it adds and removes.
 */
int cdn_repo_diff(struct cdn_repo *r, const char *a, const char *apath, const char *b,
    const char *bpath, char **out, size_t *len, size_t *added, size_t *removed);

/* Does the object exist (1), not (0), or an error. */
int cdn_repo_has(struct cdn_repo *r, const char *oid);

/* The path of a loose object's file, for the hand checks of verify
 * (doc/evidence.md) and tests. */
void cdn_repo_object_path(struct cdn_repo *r, const char *oid, char *path, size_t cap);

#endif
