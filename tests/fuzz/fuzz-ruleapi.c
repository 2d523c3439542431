/*
 * fuzz-ruleapi.c - the rule API's handling of its arguments: a fixed rule
 * calls one function of the API (cordon.get, find, count, stats, links,
 * neighbors, fold, time, days_before, or alert) with arguments built from
 * the input (nil, booleans, integers at their limits, NaN and infinities,
 * strings of any bytes, ids and field paths, nested tables), in a dry run
 * (cdn_rule_test) over the partner records' cases.
 *
 * Promises checked: whatever a rule passes, the run ends (a bad argument
 * is a Lua error, at worst a rule error), the rule is never refused for
 * its arguments, and every alert it raises is written as UTF-8 JSON with
 * a key and a title.
 */
#include <string.h>

#include <jansson.h>

#include "cordon/rule.h"
#include "fuzz.h"

struct src {
	char *s;
	size_t len, cap;
	const uint8_t *in;
	size_t n;
};

static void
put(struct src *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		b->cap = 2 * (b->len + len + 1);
		if ((b->s = realloc(b->s, b->cap)) == NULL)
			abort();
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void
puts_(struct src *b, const char *s)
{
	put(b, s, strlen(s));
}

static unsigned
byte(struct src *b)
{
	if (b->n == 0)
		return 0;
	b->n--;
	return *b->in++;
}

/* A Lua string literal of any bytes. */
static void
put_bytes(struct src *b, const uint8_t *s, size_t len)
{
	char esc[8];

	puts_(b, "\"");
	for (size_t i = 0; i < len; i++) {
		snprintf(esc, sizeof esc, "\\%03u", s[i]);
		puts_(b, esc);
	}
	puts_(b, "\"");
}

static const char *const words[] = {
	"S-1", "C-1", "E-1", "L-1", "R-1", "A-1", "S-99999999999999999999", "X-1", "S-0", "seizure",
	"case", "entity", "link", "route", "alert", "evidence", "seizures", "2025-03-01",
	"2025-02-21T03:10:00Z", "2025-02-30", "in", "out", "both", "low", "high", "critical",
	"commodity.category", "name", "aliases", "identifiers.passport", "tags", "wildlife",
	"Nguyễn Văn Hùng", "nguyen van hung", "", "consignee_of", "involved_in", "a.b.c.d.e.f",
};

static const char *const keys[] = {
	"key", "title", "refs", "explain", "severity", "since", "until", "tag", "linked", "limit",
	"type", "direction", "route", "commodity.category", "name", "aliases", "identifiers.passport",
	"occurred_at", "tlp", "case",
};

static void
put_value(struct src *b, int depth)
{
	static const char *const nums[] = { "0", "-1", "1", "2", "4", "5", "100", "math.maxinteger",
		"math.mininteger", "(0/0)", "(1/0)", "(-1/0)", "0.5", "1e308", "-0.0", "2^53", "-7" };
	unsigned c = byte(b), n;
	const char *w;
	char tmp[64];

	switch (c % 10) {
	case 0:
		puts_(b, "nil");
		break;
	case 1:
		puts_(b, c & 0x10 ? "true" : "false");
		break;
	case 2:
		puts_(b, nums[byte(b) % (sizeof nums / sizeof *nums)]);
		break;
	case 3:
		snprintf(tmp, sizeof tmp, "%d", (int)(int8_t)byte(b) * 1000 + (int)byte(b));
		puts_(b, tmp);
		break;
	case 4:
		n = byte(b) % 64;
		if (n > b->n)
			n = (unsigned)b->n;
		put_bytes(b, b->in, n);
		b->in += n;
		b->n -= n;
		break;
	case 5:
	case 6:
		w = words[byte(b) % (sizeof words / sizeof *words)];
		put_bytes(b, (const uint8_t *)w, strlen(w));
		break;
	case 7:
		/* A long string: the API must charge or refuse it, not hang. */
		snprintf(tmp, sizeof tmp, "(\"\\195\\169x\"):rep(%u)", 1u + byte(b) * 40u);
		puts_(b, tmp);
		break;
	default:
		if (depth >= 3) {
			puts_(b, "{}");
			break;
		}
		n = byte(b) % 6;
		puts_(b, "{");
		for (unsigned i = 0; i < n; i++) {
			if (c % 10 == 8) {
				puts_(b, "[");
				w = keys[byte(b) % (sizeof keys / sizeof *keys)];
				put_bytes(b, (const uint8_t *)w, strlen(w));
				puts_(b, "]=");
			}
			put_value(b, depth + 1);
			puts_(b, ",");
		}
		puts_(b, "}");
		break;
	}
}

static const char *const calls[] = {
	"cordon.get(V[1])",
	"cordon.find(V[1], V[2])",
	"cordon.count(V[1], V[2])",
	"cordon.stats(V[1], V[2], V[3])",
	"cordon.links(V[1], V[2])",
	"cordon.neighbors(V[1], V[2])",
	"cordon.fold(V[1])",
	"cordon.time(V[1])",
	"cordon.days_before(V[1], V[2])",
	"alert(V[1])",
	"alert({ key = V[1], title = V[2], refs = V[3], explain = V[4], severity = V[5] })",
	"cordon.find('seizure', { [V[1]] = V[2], limit = V[3] })",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cdn_store *st;
	struct src b = { NULL, 0, 0, data, size };
	struct cdn_rule_run_opts o = { .threads = 1,
		.limits = { .instructions = 200000, .memory = 8u << 20 } };
	struct cdn_rule_run_stats stats;
	const char *srcs[1];
	size_t lens[1], i;
	json_t *alerts = NULL, *a;
	unsigned call;
	int rc;

	if (!st)
		st = fuzz_store_records("records");
	if (size == 0)
		return 0;
	call = byte(&b) % (sizeof calls / sizeof *calls);
	puts_(&b, "local V = { ");
	for (int k = 0; k < 5; k++) {
		put_value(&b, 0);
		puts_(&b, ", ");
	}
	puts_(&b, "}\nreturn { name = \"fuzz\", title = \"fuzz\", severity = \"low\", on = { \"case\" },\n"
	    "  check = function(rec) return ");
	puts_(&b, calls[call]);
	puts_(&b, " end }\n");
	srcs[0] = b.s;
	lens[0] = b.len;
	rc = cdn_rule_test(st, srcs, lens, 1, &o, &alerts, &stats);
	/* Arguments built when the file loads are charged like any work: a
	 * file whose top level runs over the budget or the memory limit is
	 * refused for that, and for nothing else. */
	if (rc != 0 && (strstr(cdn_error_last()->message, "over its budget") ||
	    strstr(cdn_error_last()->message, "memory limit"))) {
		cdn_error_clear();
		free(b.s);
		return 0;
	}
	FUZZ_ASSERT(rc == 0, "the rule was refused (%d): %s\n%s", rc, cdn_error_last()->message, b.s);
	json_array_foreach(alerts, i, a) {
		char *text = json_dumps(a, JSON_COMPACT);

		FUZZ_ASSERT(text != NULL, "an alert that is not JSON");
		FUZZ_ASSERT(json_is_string(json_object_get(a, "key")) &&
		    json_is_string(json_object_get(a, "title")), "an alert without key or title: %s", text);
		free(text);
	}
	cdn_error_clear();
	json_decref(alerts);
	free(b.s);
	return 0;
}
