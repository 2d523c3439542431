/*
 * cmd-key.c - `cordon key show|rotate|generate`: the store's signing key,
 * whose public half partners use to check what they receive, and keys
 * kept outside the store (a supervisor's, for audit checkpoints).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cordon/sign.h"

static void
print_key(struct cmd_ctx *ctx, json_t *k, int pem)
{
	const char *retired = json_string_value(json_object_get(k, "retired_at"));
	const char *created = json_string_value(json_object_get(k, "created_at"));

	if (ctx->json) {
		cmd_print_jsonl(k);
		return;
	}
	if (pem) {
		fputs(json_string_value(json_object_get(k, "public")), stdout);
		return;
	}
	printf("%s  %s%s%s%s%s\n", json_string_value(json_object_get(k, "id")),
	    json_is_true(json_object_get(k, "current")) ? "current" : "retired",
	    created ? ", made " : "", created ? created : "", retired ? " " : "",
	    retired ? retired : "");
}

static int
run_key(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_opt opts[] = { { "all", 0, 0, NULL, NULL, 0 }, { "out", 'o', 1, NULL, NULL, 0 } };
	json_t *keys = NULL, *k;
	const char *sub;
	char **pos;
	size_t i;
	int npos, done, rc;

	rc = cmd_parse(ctx, &cmd_key, argc, argv, opts, 2, &pos, &npos, &done);
	if (done)
		return rc;
	sub = npos > 0 ? pos[0] : "";
	if (npos != 1 || (strcmp(sub, "show") != 0 && strcmp(sub, "rotate") != 0 &&
	    strcmp(sub, "generate") != 0)) {
		rc = cmd_usage(&cmd_key, "give show, rotate or generate");
	} else if (strcmp(sub, "show") != 0 && opts[0].value) {
		rc = cmd_usage(&cmd_key, "--all is for key show");
	} else if ((strcmp(sub, "generate") == 0) != (opts[1].value != NULL)) {
		rc = cmd_usage(&cmd_key, "-o FILE is for key generate, and it needs one");
	} else if (strcmp(sub, "generate") == 0) {
		char id[CDN_KEYID_LEN + 1], *pem = NULL;

		/* No store needed: the key is for keeping elsewhere. */
		if (cdn_key_file_new(opts[1].value, &pem, id) != 0) {
			rc = cmd_fail();
		} else if (ctx->json) {
			k = json_pack("{s:s,s:s,s:s}", "file", opts[1].value, "id", id, "public", pem);
			cmd_print_jsonl(k);
			json_decref(k);
		} else {
			printf("new private key %s in %s (mode 0600); its public key:\n%s", id,
			    opts[1].value, pem);
		}
		free(pem);
	} else if ((rc = cmd_open(ctx)) != 0) {
		;
	} else if (strcmp(sub, "show") == 0) {
		if (cdn_key_list(ctx->st, &keys) != 0)
			rc = cmd_fail();
		json_array_foreach(keys, i, k) {
			if (i > 0 && !opts[0].value)
				break;
			if (opts[0].value && !ctx->json) {
				print_key(ctx, k, 0);
				print_key(ctx, k, 1);
			} else {
				print_key(ctx, k, 1);
			}
		}
	} else {
		if (cdn_key_rotate(ctx->st, ctx->user, &k) != 0) {
			rc = cmd_fail();
		} else {
			if (ctx->json)
				cmd_print_jsonl(k);
			else
				printf("new signing key %s; the keys it replaced stay listed (cordon key "
				    "show --all) so that earlier exports still check\n",
				    json_string_value(json_object_get(k, "id")));
			json_decref(k);
		}
	}
	json_decref(keys);
	free(pos);
	return rc;
}

const struct cmd cmd_key = {
	"key", "show [--all] | rotate | generate -o FILE", "the store's signing key for exports",
	"  show          print the public key (PEM) partners check exports with\n"
	"  show --all    every key, current and retired, each with its id\n"
	"  rotate        make a new signing key; the public keys it replaces\n"
	"                stay listed, so exports signed before still check\n"
	"  generate -o FILE  make a key that is not the store's (a supervisor's, to\n"
	"                sign audit checkpoints with: cordon audit checkpoint --key\n"
	"                FILE): the private key goes to FILE (mode 0600, never\n"
	"                overwritten), its public key to standard output. Keep FILE\n"
	"                on removable media, away from the machine that holds the\n"
	"                store, and plug it in only to sign a checkpoint\n"
	"\n"
	"A key's id is the first 16 hex digits of the SHA-256 of its raw 32 bytes:\n"
	"  openssl pkey -pubin -in key.pem -outform DER | tail -c 32 | sha256sum\n"
	"A partner checks an exported FILE with stock OpenSSL (3.0 or later):\n"
	"  cordon key show > cordon-key.pem\n"
	"  openssl pkeyutl -verify -pubin -inkey cordon-key.pem -rawin \\\n"
	"      -in FILE -sigfile FILE.sig\n",
	run_key,
};
