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
exec_generate(struct cmd_ctx *ctx, struct args *args)
{
	const char *file = args_get(args, "out");
	char id[CDN_KEYID_LEN + 1], *pem = NULL;

	if (!file)
		return cmd_usage(args, "-o FILE is for key generate, and it needs one");
	/* No store needed: the key is for keeping elsewhere. */
	if (cdn_key_file_new(file, &pem, id) != 0)
		return cmd_fail();
	if (ctx->json)
		cmd_print_new(json_pack("{s:s,s:s,s:s}", "file", file, "id", id, "public", pem));
	else
		printf("new private key %s in %s (mode 0600); its public key:\n%s", id, file, pem);
	free(pem);
	return 0;
}

static int
exec_show(struct cmd_ctx *ctx, struct args *args)
{
	int all = args_has(args, "all"), rc;
	json_t *keys = NULL, *k;
	size_t i;

	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_key_list(ctx->st, &keys) != 0)
		return cmd_fail();
	json_array_foreach(keys, i, k) {
		if (i > 0 && !all)
			break;
		if (all && !ctx->json)
			print_key(ctx, k, 0);
		print_key(ctx, k, 1);
	}
	json_decref(keys);
	return 0;
}

static int
exec_rotate(struct cmd_ctx *ctx, struct args *args)
{
	json_t *k;
	int rc;

	(void)args;
	if ((rc = cmd_open(ctx)) != 0)
		return rc;
	if (cdn_key_rotate(ctx->st, ctx->user, &k) != 0)
		return cmd_fail();
	if (ctx->json)
		cmd_print_jsonl(k);
	else if (json_is_string(json_object_get(k, "replaced")))
		printf("new signing key %s; the key it replaced, %s, stays listed (cordon key show "
		    "--all) so that earlier exports still check\n",
		    json_string_value(json_object_get(k, "id")),
		    json_string_value(json_object_get(k, "replaced")));
	else
		printf("new signing key %s (the store had none to replace)\n",
		    json_string_value(json_object_get(k, "id")));
	json_decref(k);
	return 0;
}

static const struct cmd_entry key_subs[] = {
	{ "show", NULL, { "all", 0, 0 }, "[--all]", NULL, NULL, exec_show },
	{ "rotate", NULL, { "", 0, 0 }, "", NULL, NULL, exec_rotate },
	{ "generate", NULL, { "o|out=", 0, 0 }, "-o FILE", NULL, NULL, exec_generate },
	{ NULL },
};

const struct cmd_entry cmd_key = {
	"key", NULL, { NULL, 0, -1 }, "show [--all] | rotate | generate -o FILE",
	"the store's signing key for exports",
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
	NULL, key_subs,
};
