/*
 * gen.c - a deterministic generator of realistic customs-enforcement data
 * in the import format (contract §5), for `cordon demo`, the end-to-end
 * tests and the benchmarks.
 *
 * Every case, seizure and route is a pure function of the seed and its own
 * index: each draws from a private PRNG stream keyed by (seed, stream,
 * index). So the bench mode streams a million seizures without keeping any
 * of them, a case can quote its first seizure in its summary before that
 * seizure is written, and the demo's second look at a seizure (for its
 * route, entities and links) sees exactly what the seizure line says.
 *
 * Lines are built with jansson, never printed by hand: names carry
 * diacritics and quotes. Values that repeat from line to line (places,
 * commodities, enum strings) are built once and shared by reference, which
 * keeps the per-line cost to a handful of small allocations.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cordon/check.h"
#include "cordon/error.h"
#include "cordon/gen.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define DAY		86400
#define HOUR		3600

/* %.12g keeps 2.8 as 2.8 where the default %.17g writes 2.7999999999999998. */
#define DUMP_FLAGS	(JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12))

/* --- PRNG: xoshiro256** seeded through splitmix64 ---------------------------- */

struct rng {
	uint64_t s[4];
};

/* PRNG streams: one per record family, so adding a draw to one family
 * does not shift the data of another. */
enum { ST_CASE = 1, ST_SEIZURE, ST_ROUTE, ST_ENTITY, ST_BENCHROUTE, ST_ROUTEPICK,
	ST_SEIZURELINK, ST_CASELINK, ST_CASETEXT };

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
stream_key(uint64_t seed, unsigned stream, uint64_t idx)
{
	return seed * 0x9e3779b97f4a7c15ULL + stream * 0xd1b54a32d192ed03ULL + idx;
}

/* One well-mixed word for (seed, stream, idx): a cheap coin for choices
 * that need no stream of their own. */
static uint64_t
mix64(uint64_t seed, unsigned stream, uint64_t idx)
{
	uint64_t x = stream_key(seed, stream, idx);

	return splitmix64(&x);
}

static void
rng_init(struct rng *r, uint64_t seed, unsigned stream, uint64_t idx)
{
	uint64_t x = stream_key(seed, stream, idx);

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* Uniform in [0, n); the bias of the multiply-shift is below 2^-32. */
static unsigned
rng_below(struct rng *r, unsigned n)
{
	return (unsigned)(((rng_next(r) >> 32) * n) >> 32);
}

static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static int
rng_pct(struct rng *r, unsigned pct)
{
	return rng_below(r, 100) < pct;
}

static unsigned
rng_range(struct rng *r, unsigned lo, unsigned hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

/* Quantities of seizures are heavily skewed: many small, few huge. A cubed
 * uniform gives that shape without libm. */
static double
rng_skewed(struct rng *r, double lo, double hi)
{
	double u = rng_unit(r);

	return lo + (hi - lo) * u * u * u;
}

/* --- time ---------------------------------------------------------------------- */

static int64_t
days_from_civil(int y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400) + (*m <= 2);
}

static char *
put_digits(char *p, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

/* "YYYY-MM-DD" into b (11 bytes). */
static void
fmt_date(char *b, int64_t t)
{
	int64_t days = t >= 0 ? t / DAY : (t - DAY + 1) / DAY;
	unsigned m, d;
	int y;

	civil_from_days(days, &y, &m, &d);
	b = put_digits(b, (unsigned)y, 4);
	*b++ = '-';
	b = put_digits(b, m, 2);
	*b++ = '-';
	b = put_digits(b, d, 2);
	*b = '\0';
}

/* "YYYY-MM-DDTHH:MM:SSZ" into b (21 bytes). */
static void
fmt_datetime(char *b, int64_t t)
{
	int64_t s = ((t % DAY) + DAY) % DAY;

	fmt_date(b, t);
	b += 10;
	*b++ = 'T';
	b = put_digits(b, (unsigned)(s / 3600), 2);
	*b++ = ':';
	b = put_digits(b, (unsigned)(s / 60 % 60), 2);
	*b++ = ':';
	b = put_digits(b, (unsigned)(s % 60), 2);
	*b++ = 'Z';
	*b = '\0';
}

static const char *const month_name[] = { "January", "February", "March",
	"April", "May", "June", "July", "August", "September", "October",
	"November", "December" };

/* "12 May 2023", for summaries. */
static void
fmt_long_date(char *b, size_t len, int64_t t)
{
	unsigned m, d;
	int y;

	civil_from_days(t / DAY, &y, &m, &d);
	snprintf(b, len, "%u %s %d", d, month_name[m - 1], y);
}

/* Cases open between these days; seizures follow within five months, so
 * everything falls in 2019..2025 and nothing lies in the future. */
#define FIRST_DAY	days_from_civil(2019, 1, 1)
#define LAST_DAY	days_from_civil(2025, 6, 30)
#define NOW_DAY		days_from_civil(2025, 12, 1)

/* --- the vocabulary of the contract (§2) ------------------------------------- */

enum { K_NARC, K_PREC, K_WILD, K_TIMB, K_TOBA, K_ALCO, K_FAKE, K_WEAP, K_CURR,
	K_CULT, K_ODS, K_WAST, K_MEDI, K_OTHR };
static const char *const cat_name[] = { "narcotics", "precursors", "wildlife",
	"timber", "tobacco", "alcohol", "counterfeit", "weapons", "currency",
	"cultural_property", "ods", "waste", "medicines", "other" };

enum { U_KG, U_G, U_T, U_L, U_ML, U_PCS, U_PACKS, U_CARTONS, U_HEADS, U_M3 };
static const char *const unit_name[] = { "kg", "g", "t", "l", "ml", "pcs",
	"packs", "cartons", "heads", "m3" };
static const char *const unit_word[] = { "kg", "g", "t", "litres", "ml",
	"pieces", "packs", "cartons", "head", "m³" };

enum { LT_SEA, LT_AIR, LT_LAND, LT_MAIL, LT_EXPR, LT_INLAND };
static const char *const ltype_name[] = { "seaport", "airport", "land_border",
	"mail_centre", "express_hub", "inland" };

enum { DIR_IMPORT, DIR_EXPORT, DIR_TRANSIT };
static const char *const dir_name[] = { "import", "export", "transit" };

/* 0 means "as the class of the modus implies". */
enum { TM_CLASS, TM_AIR, TM_SEA, TM_ROAD, TM_RAIL, TM_POST, TM_EXPRESS, TM_FOOT };
static const char *const mode_name[] = { NULL, "air", "sea", "road", "rail",
	"post", "express", "foot" };

enum { CM_IN_GOODS, CM_FALSE, CM_BODY, CM_BAGGAGE, CM_MISDECL, CM_PARCEL,
	CM_VEHICLE, CM_NONE, CM_OTHER };
static const char *const method_name[] = { "in_goods", "false_compartment",
	"body", "baggage", "misdeclared", "parcel", "vehicle", "none", "other" };

enum { DT_XRAY, DT_CANINE, DT_RISK, DT_TIP, DT_INTEL, DT_RANDOM, DT_PHYS, DT_OTHER };
static const char *const det_name[] = { "x_ray", "canine", "risk_profile",
	"tip_off", "intelligence", "random", "physical", "other" };
static const char *const det_phrase[] = { "X-ray screening", "a detector dog",
	"risk profiling of the declaration", "a tip-off",
	"intelligence shared by a partner agency", "a random check",
	"physical inspection", "other means" };

enum { TLP_CLEAR, TLP_GREEN, TLP_AMBER, TLP_STRICT, TLP_RED };
static const char *const tlp_name[] = { "clear", "green", "amber", "amber+strict", "red" };

enum { CS_OPEN, CS_INVESTIGATING, CS_REFERRED, CS_PROSECUTED, CS_CLOSED };
static const char *const status_name[] = { "open", "investigating", "referred",
	"prosecuted", "closed" };

/* 0 means "as the class implies": VND inland, USD across borders. */
enum { CY_CLASS, CY_USD, CY_VND };
static const char *const ccy_name[] = { NULL, "USD", "VND" };

enum { KIND_CASE, KIND_SEIZURE, KIND_ENTITY, KIND_ROUTE, KIND_LINK };
static const char *const kind_name[] = { "case", "seizure", "entity", "route", "link" };

/* Where a seizure happens decides how the goods travelled. */
enum { C_AIR, C_SEA, C_LAND, C_EXPR, C_INLAND, NCLASS };

/* Networks of the demo data set; 0 is none. */
enum { N_NONE, N_WILD, N_AIRDRUG, N_TOBA, N_FAKES, N_TIMB, NNET };
static const char *const net_tag[] = { NULL, "operation-lotus", "operation-mekong",
	"operation-border-shield", "operation-pangea", "operation-thunder" };
static const char *const net_desc[] = { NULL,
	"Linked to the Minh Phát ivory and pangolin-scale network under investigation.",
	"Linked to a courier network organised from Ho Chi Minh City.",
	"Linked to the Tây Ninh cigarette-smuggling ring.",
	"Part of a series of parcels from the same Shenzhen consignor.",
	"Linked to the Savannakhet rosewood supply chain." };

/* --- route points: places outside the seizure, as {country, place} ------------ */

enum {
	P_SGN, P_HAN, P_DAD, P_CXR, P_HPH, P_CATLAI, P_CAIMEP, P_TIENSA,
	P_MOCBAI, P_TINHBIEN, P_LAOBAO, P_CAUTREO, P_NAMEO, P_HUUNGHI, P_MONGCAI, P_LAOCAI,
	P_LOS, P_ADD, P_DOH, P_DXB, P_IST, P_GRU, P_EBB, P_NBO, P_JNB, P_LHE, P_FRA,
	P_CDG, P_BKK, P_KUL, P_SYD, P_NRT, P_ICN, P_LAD, P_FIH, P_MPM, P_DEL,
	P_APAPA, P_ONNE, P_LOME, P_MOMBASA, P_DAR, P_NACALA, P_BEIRA, P_MATADI,
	P_PNR, P_TEMA, P_ABIDJAN, P_DOUALA, P_PKLANG, P_TPP, P_SIN, P_HKG, P_SANTOS,
	P_GYE, P_LGB, P_BUSAN, P_YOKOHAMA, P_HAMBURG, P_NHAVA, P_NANSHA, P_BOTANY,
	P_PNH, P_BAVET, P_TAKEO, P_SAVAN, P_DENSAVANH, P_VTE, P_LAKSAO, P_XAMNEUA,
	P_PINGXIANG, P_NANNING, P_DONGXING, P_HEKOU, P_KUNMING,
	P_CAN, P_SZX, P_LEJ, P_AMS, P_LAX, P_YYZ, P_BOM, NPOINT
};

static const struct point {
	const char *place, *cc;
} points[NPOINT] = {
	[P_SGN] = { "Ho Chi Minh City", "VN" },
	[P_HAN] = { "Hanoi", "VN" },
	[P_DAD] = { "Da Nang", "VN" },
	[P_CXR] = { "Cam Ranh", "VN" },
	[P_HPH] = { "Hai Phong", "VN" },
	[P_CATLAI] = { "Cat Lai, Ho Chi Minh City", "VN" },
	[P_CAIMEP] = { "Cai Mep, Ba Ria-Vung Tau", "VN" },
	[P_TIENSA] = { "Tien Sa, Da Nang", "VN" },
	[P_MOCBAI] = { "Moc Bai", "VN" },
	[P_TINHBIEN] = { "Tinh Bien", "VN" },
	[P_LAOBAO] = { "Lao Bao", "VN" },
	[P_CAUTREO] = { "Cau Treo", "VN" },
	[P_NAMEO] = { "Na Meo", "VN" },
	[P_HUUNGHI] = { "Huu Nghi, Lang Son", "VN" },
	[P_MONGCAI] = { "Mong Cai", "VN" },
	[P_LAOCAI] = { "Lao Cai", "VN" },
	[P_LOS] = { "Lagos", "NG" },
	[P_ADD] = { "Addis Ababa", "ET" },
	[P_DOH] = { "Doha", "QA" },
	[P_DXB] = { "Dubai", "AE" },
	[P_IST] = { "Istanbul", "TR" },
	[P_GRU] = { "São Paulo", "BR" },
	[P_EBB] = { "Entebbe", "UG" },
	[P_NBO] = { "Nairobi", "KE" },
	[P_JNB] = { "Johannesburg", "ZA" },
	[P_LHE] = { "Lahore", "PK" },
	[P_FRA] = { "Frankfurt", "DE" },
	[P_CDG] = { "Paris", "FR" },
	[P_BKK] = { "Bangkok", "TH" },
	[P_KUL] = { "Kuala Lumpur", "MY" },
	[P_SYD] = { "Sydney", "AU" },
	[P_NRT] = { "Tokyo", "JP" },
	[P_ICN] = { "Seoul", "KR" },
	[P_LAD] = { "Luanda", "AO" },
	[P_FIH] = { "Kinshasa", "CD" },
	[P_MPM] = { "Maputo", "MZ" },
	[P_DEL] = { "New Delhi", "IN" },
	[P_APAPA] = { "Apapa, Lagos", "NG" },
	[P_ONNE] = { "Onne, Port Harcourt", "NG" },
	[P_LOME] = { "Lomé", "TG" },
	[P_MOMBASA] = { "Mombasa", "KE" },
	[P_DAR] = { "Dar es Salaam", "TZ" },
	[P_NACALA] = { "Nacala", "MZ" },
	[P_BEIRA] = { "Beira", "MZ" },
	[P_MATADI] = { "Matadi", "CD" },
	[P_PNR] = { "Pointe-Noire", "CG" },
	[P_TEMA] = { "Tema", "GH" },
	[P_ABIDJAN] = { "Abidjan", "CI" },
	[P_DOUALA] = { "Douala", "CM" },
	[P_PKLANG] = { "Port Klang", "MY" },
	[P_TPP] = { "Tanjung Pelepas", "MY" },
	[P_SIN] = { "Singapore", "SG" },
	[P_HKG] = { "Hong Kong", "HK" },
	[P_SANTOS] = { "Santos", "BR" },
	[P_GYE] = { "Guayaquil", "EC" },
	[P_LGB] = { "Long Beach", "US" },
	[P_BUSAN] = { "Busan", "KR" },
	[P_YOKOHAMA] = { "Yokohama", "JP" },
	[P_HAMBURG] = { "Hamburg", "DE" },
	[P_NHAVA] = { "Nhava Sheva", "IN" },
	[P_NANSHA] = { "Nansha, Guangzhou", "CN" },
	[P_BOTANY] = { "Port Botany, Sydney", "AU" },
	[P_PNH] = { "Phnom Penh", "KH" },
	[P_BAVET] = { "Bavet", "KH" },
	[P_TAKEO] = { "Takeo", "KH" },
	[P_SAVAN] = { "Savannakhet", "LA" },
	[P_DENSAVANH] = { "Densavanh", "LA" },
	[P_VTE] = { "Vientiane", "LA" },
	[P_LAKSAO] = { "Lak Sao", "LA" },
	[P_XAMNEUA] = { "Xam Neua", "LA" },
	[P_PINGXIANG] = { "Pingxiang", "CN" },
	[P_NANNING] = { "Nanning", "CN" },
	[P_DONGXING] = { "Dongxing", "CN" },
	[P_HEKOU] = { "Hekou", "CN" },
	[P_KUNMING] = { "Kunming", "CN" },
	[P_CAN] = { "Guangzhou", "CN" },
	[P_SZX] = { "Shenzhen", "CN" },
	[P_LEJ] = { "Leipzig", "DE" },
	[P_AMS] = { "Amsterdam", "NL" },
	[P_LAX] = { "Los Angeles", "US" },
	[P_YYZ] = { "Toronto", "CA" },
	[P_BOM] = { "Mumbai", "IN" },
};

/* --- where seizures happen ------------------------------------------------------ */

static const struct place {
	const char *office, *name, *brief, *cc;
	double lat, lon;
	unsigned char cls, type, pt;
	unsigned char nb[2];		/* land: places across the border */
	const char *nbcc;		/* land: the neighbour */
	const char *plate;		/* local vehicle registration prefix */
	const char *cnplate;		/* Chinese plates seen at this gate */
	const char *prov;		/* citizen-ID province code */
} places[] = {
	{ "Tan Son Nhat International Airport Customs", "Tan Son Nhat International Airport, Ho Chi Minh City",
	  "Tan Son Nhat", "VN", 10.8188, 106.6520, C_AIR, LT_AIR, P_SGN, .plate = "51", .prov = "079" },
	{ "Noi Bai International Airport Customs", "Noi Bai International Airport, Hanoi",
	  "Noi Bai", "VN", 21.2212, 105.8072, C_AIR, LT_AIR, P_HAN, .plate = "29", .prov = "001" },
	{ "Da Nang International Airport Customs", "Da Nang International Airport",
	  "Da Nang airport", "VN", 16.0439, 108.1994, C_AIR, LT_AIR, P_DAD, .plate = "43", .prov = "048" },
	{ "Cam Ranh International Airport Customs", "Cam Ranh International Airport, Khanh Hoa",
	  "Cam Ranh", "VN", 11.9982, 109.2194, C_AIR, LT_AIR, P_CXR, .plate = "79", .prov = "056" },
	{ "Hai Phong Customs Department", "Lach Huyen International Port, Hai Phong",
	  "Lach Huyen", "VN", 20.8289, 106.9592, C_SEA, LT_SEA, P_HPH, .plate = "15", .prov = "031" },
	{ "Dinh Vu Port Customs", "Dinh Vu Port, Hai Phong",
	  "Dinh Vu", "VN", 20.8440, 106.7640, C_SEA, LT_SEA, P_HPH, .plate = "15", .prov = "031" },
	{ "Cat Lai Port Customs", "Cat Lai Port, Ho Chi Minh City",
	  "Cat Lai", "VN", 10.7590, 106.7880, C_SEA, LT_SEA, P_CATLAI, .plate = "51", .prov = "079" },
	{ "Cai Mep Port Customs", "Cai Mep International Terminal, Ba Ria-Vung Tau",
	  "Cai Mep", "VN", 10.5390, 107.0260, C_SEA, LT_SEA, P_CAIMEP, .plate = "72", .prov = "077" },
	{ "Da Nang Port Customs", "Tien Sa Port, Da Nang",
	  "Tien Sa", "VN", 16.1237, 108.2135, C_SEA, LT_SEA, P_TIENSA, .plate = "43", .prov = "048" },
	{ "Moc Bai Border Gate Customs", "Moc Bai International Border Gate, Tay Ninh",
	  "Moc Bai", "VN", 11.0768, 106.1798, C_LAND, LT_LAND, P_MOCBAI, { P_PNH, P_BAVET }, "KH",
	  "70", NULL, "072" },
	{ "Tinh Bien Border Gate Customs", "Tinh Bien International Border Gate, An Giang",
	  "Tinh Bien", "VN", 10.6020, 104.9470, C_LAND, LT_LAND, P_TINHBIEN, { P_PNH, P_TAKEO }, "KH",
	  "67", NULL, "089" },
	{ "Lao Bao Border Gate Customs", "Lao Bao International Border Gate, Quang Tri",
	  "Lao Bao", "VN", 16.6237, 106.5943, C_LAND, LT_LAND, P_LAOBAO, { P_SAVAN, P_DENSAVANH }, "LA",
	  "74", NULL, "045" },
	{ "Cau Treo Border Gate Customs", "Cau Treo International Border Gate, Ha Tinh",
	  "Cau Treo", "VN", 18.3873, 105.1466, C_LAND, LT_LAND, P_CAUTREO, { P_VTE, P_LAKSAO }, "LA",
	  "38", NULL, "042" },
	{ "Na Meo Border Gate Customs", "Na Meo International Border Gate, Thanh Hoa",
	  "Na Meo", "VN", 20.3650, 104.4560, C_LAND, LT_LAND, P_NAMEO, { P_XAMNEUA, P_XAMNEUA }, "LA",
	  "36", NULL, "038" },
	{ "Huu Nghi Border Gate Customs", "Huu Nghi International Border Gate, Lang Son",
	  "Huu Nghi", "VN", 21.9735, 106.7050, C_LAND, LT_LAND, P_HUUNGHI, { P_PINGXIANG, P_NANNING }, "CN",
	  "12", "桂F", "020" },
	{ "Mong Cai Border Gate Customs", "Mong Cai International Border Gate, Quang Ninh",
	  "Mong Cai", "VN", 21.5300, 107.9660, C_LAND, LT_LAND, P_MONGCAI, { P_DONGXING, P_DONGXING }, "CN",
	  "14", "桂P", "022" },
	{ "Lao Cai Border Gate", "Lao Cai International Border Gate (Kim Thanh)",
	  "Lao Cai", "VN", 22.5050, 103.9660, C_LAND, LT_LAND, P_LAOCAI, { P_HEKOU, P_KUNMING }, "CN",
	  "24", "云G", "010" },
	{ "Express Customs Branch, Ho Chi Minh City", "Tan Son Nhat Express Cargo Terminal",
	  "Tan Son Nhat express terminal", "VN", 10.8150, 106.6590, C_EXPR, LT_EXPR, P_SGN,
	  .plate = "51", .prov = "079" },
	{ "Noi Bai Express Customs Branch", "Noi Bai Express Cargo Terminal, Hanoi",
	  "Noi Bai express terminal", "VN", 21.2170, 105.8040, C_EXPR, LT_EXPR, P_HAN,
	  .plate = "29", .prov = "001" },
	{ "Ho Chi Minh City Post Office Customs", "International Mail Exchange Centre, Ho Chi Minh City",
	  "Ho Chi Minh City mail centre", "VN", 10.7990, 106.6660, C_EXPR, LT_MAIL, P_SGN,
	  .plate = "51", .prov = "079" },
	{ "Hanoi Post Office Customs", "International Mail Exchange Centre, Hanoi",
	  "Hanoi mail centre", "VN", 21.0245, 105.8412, C_EXPR, LT_MAIL, P_HAN,
	  .plate = "29", .prov = "001" },
	{ "Anti-Smuggling and Investigation Department", "Warehouse, Long Bien District, Hanoi",
	  "Long Bien", "VN", 21.0470, 105.8890, C_INLAND, LT_INLAND, P_HAN, .plate = "29", .prov = "001" },
	{ "Ho Chi Minh City Customs Department", "Warehouse, Binh Tan District, Ho Chi Minh City",
	  "Binh Tan", "VN", 10.7650, 106.6030, C_INLAND, LT_INLAND, P_SGN, .plate = "51", .prov = "079" },
	{ "Hai Phong Customs Department", "Inland clearance depot, An Duong, Hai Phong",
	  "An Duong", "VN", 20.8700, 106.6200, C_INLAND, LT_INLAND, P_HPH, .plate = "15", .prov = "031" },
	{ "Tay Ninh Customs Department", "Warehouse, Trang Bang, Tay Ninh",
	  "Trang Bang", "VN", 11.0330, 106.3600, C_INLAND, LT_INLAND, P_MOCBAI, .plate = "70", .prov = "072" },
	{ "Quang Ninh Customs Department", "Storage yard, Mong Cai City, Quang Ninh",
	  "Mong Cai city", "VN", 21.5240, 107.9650, C_INLAND, LT_INLAND, P_MONGCAI, .plate = "14", .prov = "022" },
};
#define NPLACE NELEM(places)

/* --- what is smuggled, and how: one row per modus operandi --------------------- */

static const struct modus {
	const char *title;		/* case title stem */
	unsigned char w;		/* relative frequency */
	unsigned char cat, cls, dir, tm, unit, dec, ccy, method, net;
	unsigned char det[3];		/* detection, most likely first */
	double qmin, qmax, price;	/* quantity range; USD per unit */
	const char *desc, *hs, *species;
	const char *origins;		/* ISO codes; for exports, destinations */
	const char *tag;		/* tag on each seizure */
	const char *detail;		/* concealment detail, a sentence */
} modi[] = {
	/* air */
	{ "Heroin in blower consignment", 3, K_NARC, C_AIR, .unit = U_KG, .dec = 2,
	  .qmin = 1.5, .qmax = 12, .price = 35000, .method = CM_FALSE,
	  .det = { DT_XRAY, DT_RISK, DT_CANINE }, .desc = "heroin", .hs = "2939.11",
	  .origins = "PK ZA AE",
	  .detail = "Heroin packed inside the motor housings of industrial air blowers declared as machinery parts" },
	{ "Heroin swallowed by inbound passenger", 3, K_NARC, C_AIR, .unit = U_KG, .dec = 2,
	  .qmin = 0.3, .qmax = 1.4, .price = 35000, .method = CM_BODY, .net = N_AIRDRUG,
	  .det = { DT_RISK, DT_CANINE, DT_XRAY }, .desc = "heroin", .hs = "2939.11",
	  .origins = "NG UG ZA PK", .tag = "body-packer",
	  .detail = "Heroin pellets swallowed by the passenger and recovered under medical supervision" },
	{ "Crystal methamphetamine in outbound baggage", 3, K_NARC, C_AIR, DIR_EXPORT,
	  .unit = U_KG, .dec = 2, .qmin = 1, .qmax = 15, .price = 12000, .method = CM_BAGGAGE,
	  .net = N_AIRDRUG, .det = { DT_XRAY, DT_RISK, DT_CANINE },
	  .desc = "crystal methamphetamine", .hs = "2939.71", .origins = "AU JP KR",
	  .detail = "Methamphetamine vacuum-packed in tea packets and hidden in the lining of checked suitcases" },
	{ "Cocaine in false-bottom suitcases", 2, K_NARC, C_AIR, .unit = U_KG, .dec = 2,
	  .qmin = 1, .qmax = 6, .price = 60000, .method = CM_FALSE, .net = N_AIRDRUG,
	  .det = { DT_RISK, DT_XRAY, DT_CANINE }, .desc = "cocaine", .hs = "2939.71",
	  .origins = "BR",
	  .detail = "Cocaine in the false bottoms of hard-shell suitcases checked through from South America" },
	{ "Ketamine declared as laundry detergent", 2, K_NARC, C_AIR, .unit = U_KG, .dec = 1,
	  .qmin = 2, .qmax = 40, .price = 15000, .method = CM_MISDECL,
	  .det = { DT_XRAY, DT_RISK, DT_INTEL }, .desc = "ketamine", .hs = "2922.39",
	  .origins = "DE IN FR",
	  .detail = "Ketamine in 1 kg bags inside an air-cargo consignment declared as laundry detergent" },
	{ "Rhino horn in checked baggage", 2, K_WILD, C_AIR, .unit = U_KG, .dec = 2,
	  .qmin = 2, .qmax = 30, .price = 40000, .method = CM_BAGGAGE,
	  .det = { DT_XRAY, DT_CANINE, DT_RISK }, .desc = "rhinoceros horn", .hs = "0507.90",
	  .species = "Ceratotherium simum", .origins = "ZA MZ KE", .tag = "cites-i",
	  .detail = "Horn pieces wrapped in aluminium foil and plaster of Paris in checked suitcases" },
	{ "Worked ivory in passenger baggage", 2, K_WILD, C_AIR, .unit = U_KG, .dec = 2,
	  .qmin = 1, .qmax = 25, .price = 1500, .method = CM_BAGGAGE,
	  .det = { DT_XRAY, DT_RISK, DT_CANINE }, .desc = "worked ivory (bangles, carvings, chopsticks)",
	  .hs = "9601.10", .species = "Loxodonta africana", .origins = "NG AO CD", .tag = "cites-i",
	  .detail = "Carved ivory wrapped in clothing in checked and cabin baggage" },
	{ "Undeclared US dollars in outbound baggage", 1, K_CURR, C_AIR, DIR_EXPORT,
	  .unit = U_PCS, .qmin = 300, .qmax = 20000, .price = 100, .ccy = CY_USD,
	  .method = CM_BAGGAGE, .det = { DT_XRAY, DT_RANDOM, DT_RISK },
	  .desc = "undeclared US dollar banknotes", .hs = "4907.00", .origins = "AE KR",
	  .detail = "Bundles of 100-dollar notes in the cabin baggage, above the declaration threshold" },
	{ "Antique ceramics in outbound baggage", 1, K_CULT, C_AIR, DIR_EXPORT,
	  .unit = U_PCS, .qmin = 3, .qmax = 60, .price = 1200, .method = CM_BAGGAGE,
	  .det = { DT_XRAY, DT_RANDOM, DT_PHYS }, .desc = "antique ceramics of the Lý and Trần dynasties",
	  .hs = "9706.90", .origins = "FR JP",
	  .detail = "Glazed bowls and jars wrapped in newspaper, declared as souvenirs" },
	/* sea */
	{ "Ivory tusks declared as cashew nuts", 3, K_WILD, C_SEA, .unit = U_KG, .dec = 1,
	  .qmin = 150, .qmax = 3500, .price = 700, .method = CM_MISDECL, .net = N_WILD,
	  .det = { DT_XRAY, DT_INTEL, DT_RISK }, .desc = "raw elephant ivory tusks", .hs = "0507.10",
	  .species = "Loxodonta africana", .origins = "NG MZ CD KE TZ", .tag = "cites-i",
	  .detail = "Whole and cut tusks hidden behind bags of raw cashew nuts in a container declared as cashew nuts" },
	{ "Ivory concealed in hollowed-out timber", 2, K_WILD, C_SEA, .unit = U_KG, .dec = 1,
	  .qmin = 100, .qmax = 2500, .price = 700, .method = CM_IN_GOODS, .net = N_WILD,
	  .det = { DT_INTEL, DT_XRAY, DT_RISK }, .desc = "raw elephant ivory tusks", .hs = "0507.10",
	  .species = "Loxodonta africana", .origins = "MZ CD CM", .tag = "cites-i",
	  .detail = "Tusks sealed inside hollowed-out hardwood logs declared as sawn timber" },
	{ "Pangolin scales declared as cashew nuts", 3, K_WILD, C_SEA, .unit = U_KG, .dec = 1,
	  .qmin = 300, .qmax = 8000, .price = 350, .method = CM_MISDECL, .net = N_WILD,
	  .det = { DT_XRAY, DT_INTEL, DT_RISK }, .desc = "pangolin scales", .hs = "0507.90",
	  .species = "Smutsia gigantea", .origins = "NG CD CM", .tag = "cites-i",
	  .detail = "Sacks of pangolin scales loaded at the container doors behind raw cashew nuts" },
	{ "Pangolin scales in frozen fish container", 2, K_WILD, C_SEA, .unit = U_KG, .dec = 1,
	  .qmin = 200, .qmax = 5000, .price = 350, .method = CM_IN_GOODS, .net = N_WILD,
	  .det = { DT_XRAY, DT_INTEL, DT_CANINE }, .desc = "pangolin scales", .hs = "0507.90",
	  .species = "Manis tricuspis", .origins = "NG CM GH", .tag = "cites-i",
	  .detail = "Pangolin scales packed under cartons of frozen fish in a refrigerated container" },
	{ "Live pangolins in fishing boat", 1, K_WILD, C_SEA, .unit = U_HEADS,
	  .qmin = 8, .qmax = 120, .price = 300, .ccy = CY_USD, .method = CM_FALSE,
	  .det = { DT_TIP, DT_INTEL, DT_PHYS }, .desc = "live Sunda pangolins", .hs = "0106.19",
	  .species = "Manis javanica", .origins = "ID", .tag = "cites-i",
	  .detail = "Live pangolins in crates hidden in the fish hold of a wooden fishing boat" },
	{ "African rosewood logs without CITES permits", 2, K_TIMB, C_SEA, .unit = U_M3, .dec = 1,
	  .qmin = 20, .qmax = 400, .price = 900, .method = CM_MISDECL, .net = N_WILD,
	  .det = { DT_RISK, DT_INTEL, DT_XRAY }, .desc = "kosso (African rosewood) logs",
	  .hs = "4403.49", .species = "Pterocarpus erinaceus", .origins = "NG GH CI", .tag = "cites-ii",
	  .detail = "Kosso logs declared as ordinary hardwood logs, without CITES export permits" },
	{ "Cocaine in coffee bean container", 1, K_NARC, C_SEA, .unit = U_KG, .dec = 1,
	  .qmin = 20, .qmax = 300, .price = 60000, .method = CM_IN_GOODS,
	  .det = { DT_INTEL, DT_XRAY, DT_CANINE }, .desc = "cocaine", .hs = "2939.71",
	  .origins = "BR EC",
	  .detail = "Bricks of cocaine hidden among sacks of green coffee beans" },
	{ "Methamphetamine in granite slabs bound for Australia", 1, K_NARC, C_SEA, DIR_EXPORT,
	  .unit = U_KG, .dec = 1, .qmin = 20, .qmax = 300, .price = 12000, .method = CM_FALSE,
	  .det = { DT_INTEL, DT_XRAY, DT_RISK }, .desc = "crystal methamphetamine", .hs = "2939.71",
	  .origins = "AU",
	  .detail = "Methamphetamine sealed in cavities cut into the undersides of granite slabs" },
	{ "Plastic scrap misdeclared as raw material", 2, K_WAST, C_SEA, .unit = U_T, .dec = 1,
	  .qmin = 20, .qmax = 400, .price = 150, .method = CM_MISDECL,
	  .det = { DT_RISK, DT_XRAY, DT_PHYS }, .desc = "contaminated mixed plastic scrap",
	  .hs = "3915.90", .origins = "US JP KR DE",
	  .detail = "Contaminated mixed plastic waste declared as plastic raw material for recycling" },
	{ "Counterfeit handbags in container", 2, K_FAKE, C_SEA, .unit = U_PCS,
	  .qmin = 500, .qmax = 20000, .price = 25, .method = CM_MISDECL,
	  .det = { DT_RISK, DT_XRAY, DT_PHYS }, .desc = "counterfeit branded handbags",
	  .hs = "4202.21", .origins = "CN HK",
	  .detail = "Handbags bearing counterfeit luxury trademarks in cartons declared as unbranded polyester bags" },
	{ "Undeclared whisky behind soft drinks", 1, K_ALCO, C_SEA, .unit = U_L,
	  .qmin = 300, .qmax = 8000, .price = 25, .method = CM_MISDECL,
	  .det = { DT_RISK, DT_XRAY, DT_PHYS }, .desc = "foreign whisky", .hs = "2208.30",
	  .origins = "SG MY HK",
	  .detail = "Cases of whisky stacked behind a declared load of soft drinks" },
	{ "Acetic anhydride misdeclared as industrial solvent", 1, K_PREC, C_SEA, DIR_TRANSIT,
	  .unit = U_L, .qmin = 500, .qmax = 10000, .price = 8, .method = CM_MISDECL,
	  .det = { DT_INTEL, DT_RISK, DT_XRAY }, .desc = "acetic anhydride", .hs = "2915.24",
	  .origins = "CN IN",
	  .detail = "Acetic anhydride in drums declared as an industrial solvent, consigned onward to Laos" },
	{ "Ephedrine declared as food additive", 1, K_PREC, C_SEA, .unit = U_KG, .dec = 1,
	  .qmin = 50, .qmax = 800, .price = 1000, .method = CM_MISDECL,
	  .det = { DT_INTEL, DT_RISK, DT_XRAY }, .desc = "ephedrine hydrochloride", .hs = "2939.41",
	  .origins = "IN CN",
	  .detail = "Ephedrine in fibre drums declared as the food additive sodium citrate" },
	/* land borders */
	{ "Cigarettes in truck false compartment", 4, K_TOBA, C_LAND, .unit = U_PACKS,
	  .qmin = 2000, .qmax = 40000, .price = 0.8, .method = CM_FALSE, .net = N_TOBA,
	  .det = { DT_XRAY, DT_TIP, DT_PHYS }, .desc = "cigarettes (Jet, Hero and Esse brands)",
	  .hs = "2402.20", .origins = "KH",
	  .detail = "Packs stacked in a welded false floor under a load of dried cassava" },
	{ "Cigarettes carried by porters across the border", 3, K_TOBA, C_LAND, .tm = TM_FOOT,
	  .unit = U_CARTONS, .qmin = 50, .qmax = 1500, .price = 8, .method = CM_OTHER, .net = N_TOBA,
	  .det = { DT_PHYS, DT_TIP, DT_RANDOM }, .desc = "cigarettes (Jet and Hero brands)",
	  .hs = "2402.20", .origins = "KH LA",
	  .detail = "Cartons carried in backpacks by hired porters along a forest trail beside the border gate" },
	{ "Cigarettes in passenger bus luggage hold", 2, K_TOBA, C_LAND, .unit = U_CARTONS,
	  .qmin = 20, .qmax = 600, .price = 8, .method = CM_VEHICLE,
	  .det = { DT_PHYS, DT_XRAY, DT_RISK }, .desc = "cigarettes (Esse and Marlboro brands)",
	  .hs = "2402.20", .origins = "LA KH",
	  .detail = "Cartons hidden in the luggage hold and under the seats of a cross-border passenger bus" },
	{ "Siamese rosewood in trucks", 2, K_TIMB, C_LAND, .unit = U_M3, .dec = 2,
	  .qmin = 1.5, .qmax = 40, .price = 8000, .ccy = CY_USD, .method = CM_VEHICLE, .net = N_TIMB,
	  .det = { DT_PHYS, DT_TIP, DT_XRAY }, .desc = "Siamese rosewood, square-sawn",
	  .hs = "4407.29", .species = "Dalbergia cochinchinensis", .origins = "LA KH", .tag = "cites-ii",
	  .detail = "Square-sawn rosewood under a layer of cassava roots on a covered truck" },
	{ "Heroin bricks in car door panels", 3, K_NARC, C_LAND, .unit = U_KG, .dec = 2,
	  .qmin = 2, .qmax = 60, .price = 25000, .ccy = CY_USD, .method = CM_VEHICLE,
	  .det = { DT_TIP, DT_INTEL, DT_CANINE }, .desc = "heroin (350 g bricks)", .hs = "2939.11",
	  .origins = "LA",
	  .detail = "Heroin bricks hidden in the door panels and fuel tank of a passenger car" },
	{ "Methamphetamine tablets from Laos", 2, K_NARC, C_LAND, .unit = U_PCS,
	  .qmin = 20000, .qmax = 600000, .price = 1.5, .ccy = CY_USD, .method = CM_VEHICLE,
	  .det = { DT_TIP, DT_INTEL, DT_CANINE }, .desc = "methamphetamine tablets (yaba)",
	  .hs = "2939.71", .origins = "LA",
	  .detail = "Bags of tablets in a compartment welded behind the cab of a lorry" },
	{ "Crystal methamphetamine in tea packets", 2, K_NARC, C_LAND, .unit = U_KG, .dec = 1,
	  .qmin = 10, .qmax = 300, .price = 9000, .ccy = CY_USD, .method = CM_IN_GOODS,
	  .det = { DT_INTEL, DT_XRAY, DT_CANINE }, .desc = "crystal methamphetamine", .hs = "2939.71",
	  .origins = "LA KH",
	  .detail = "Methamphetamine in green Chinese-tea packets among a load of agricultural produce" },
	{ "Counterfeit sportswear and footwear", 3, K_FAKE, C_LAND, .unit = U_PCS,
	  .qmin = 300, .qmax = 15000, .price = 8, .method = CM_MISDECL,
	  .det = { DT_RISK, DT_XRAY, DT_PHYS }, .desc = "counterfeit branded sportswear and footwear",
	  .hs = "6404.11", .origins = "CN",
	  .detail = "Footwear and clothing bearing counterfeit trademarks declared as unbranded garments" },
	{ "HCFC-22 refrigerant misdeclared", 1, K_ODS, C_LAND, .unit = U_KG,
	  .qmin = 300, .qmax = 8000, .price = 6, .ccy = CY_USD, .method = CM_MISDECL,
	  .det = { DT_RISK, DT_PHYS, DT_XRAY }, .desc = "HCFC-22 refrigerant (chlorodifluoromethane)",
	  .hs = "2903.71", .origins = "CN",
	  .detail = "Cylinders relabelled as the HFC refrigerant R-410A" },
	{ "Firecrackers smuggled from China", 2, K_OTHR, C_LAND, .unit = U_KG, .dec = 1,
	  .qmin = 20, .qmax = 800, .price = 15, .method = CM_VEHICLE,
	  .det = { DT_TIP, DT_PHYS, DT_RANDOM }, .desc = "firecrackers", .hs = "3604.10",
	  .origins = "CN",
	  .detail = "Boxes of firecrackers hidden under vegetables on a pick-up truck" },
	{ "Unregistered pharmaceuticals from China", 2, K_MEDI, C_LAND, .unit = U_PCS,
	  .qmin = 500, .qmax = 20000, .price = 3, .method = CM_IN_GOODS,
	  .det = { DT_RISK, DT_PHYS, DT_TIP }, .desc = "unregistered medicines (antibiotics and painkillers), boxes",
	  .hs = "3004.90", .origins = "CN",
	  .detail = "Boxes of medicines without Vietnamese marketing authorisation mixed into household goods" },
	{ "Live pangolins in car boot", 1, K_WILD, C_LAND, .unit = U_HEADS,
	  .qmin = 2, .qmax = 40, .price = 300, .method = CM_VEHICLE,
	  .det = { DT_TIP, DT_INTEL, DT_PHYS }, .desc = "live Sunda pangolins", .hs = "0106.19",
	  .species = "Manis javanica", .origins = "LA", .tag = "cites-i",
	  .detail = "Live pangolins in net bags in the boot of a car" },
	/* express and post */
	{ "MDMA tablets in mail parcel", 3, K_NARC, C_EXPR, .unit = U_PCS,
	  .qmin = 200, .qmax = 20000, .price = 10, .method = CM_PARCEL,
	  .det = { DT_XRAY, DT_CANINE, DT_RISK }, .desc = "MDMA (ecstasy) tablets", .hs = "2932.99",
	  .origins = "DE NL FR",
	  .detail = "Tablets vacuum-sealed inside a parcel declared as children's toys" },
	{ "Cannabis buds in express parcels", 3, K_NARC, C_EXPR, .unit = U_KG, .dec = 2,
	  .qmin = 0.3, .qmax = 12, .price = 6000, .method = CM_PARCEL,
	  .det = { DT_XRAY, DT_CANINE, DT_RISK }, .desc = "cannabis (herbal, \"kush\")", .hs = "1211.90",
	  .origins = "US CA",
	  .detail = "Vacuum-sealed cannabis buds in a parcel declared as clothing and food supplements" },
	{ "Counterfeit mobile phones in express parcels", 3, K_FAKE, C_EXPR, .unit = U_PCS,
	  .qmin = 20, .qmax = 800, .price = 60, .method = CM_MISDECL, .net = N_FAKES,
	  .det = { DT_RISK, DT_XRAY, DT_PHYS }, .desc = "counterfeit branded mobile phones",
	  .hs = "8517.13", .origins = "CN HK",
	  .detail = "Phones and accessories bearing counterfeit trademarks declared as phone cases" },
	{ "Counterfeit luxury watches in parcels", 2, K_FAKE, C_EXPR, .unit = U_PCS,
	  .qmin = 10, .qmax = 400, .price = 30, .method = CM_PARCEL, .net = N_FAKES,
	  .det = { DT_RISK, DT_XRAY, DT_PHYS }, .desc = "counterfeit luxury watches", .hs = "9102.11",
	  .origins = "CN HK",
	  .detail = "Watches bearing counterfeit luxury trademarks in parcels declared as gifts" },
	{ "Unregistered sildenafil tablets in parcels", 2, K_MEDI, C_EXPR, .unit = U_PCS,
	  .qmin = 500, .qmax = 30000, .price = 0.5, .method = CM_PARCEL, .net = N_FAKES,
	  .det = { DT_XRAY, DT_RISK, DT_RANDOM }, .desc = "unregistered sildenafil tablets",
	  .hs = "3004.90", .origins = "IN CN",
	  .detail = "Blister packs of tablets without registration declared as herbal supplements" },
	{ "Falsified cancer medicines", 1, K_MEDI, C_EXPR, .unit = U_PCS,
	  .qmin = 10, .qmax = 500, .price = 40, .method = CM_MISDECL, .net = N_FAKES,
	  .det = { DT_RISK, DT_INTEL, DT_XRAY }, .desc = "falsified oncology medicines, boxes",
	  .hs = "3004.90", .origins = "IN",
	  .detail = "Boxes in counterfeit packaging of a patented oncology medicine" },
	{ "Gas pistols and air rifles in parcels", 1, K_WEAP, C_EXPR, .unit = U_PCS,
	  .qmin = 3, .qmax = 80, .price = 150, .method = CM_PARCEL,
	  .det = { DT_XRAY, DT_RISK, DT_PHYS }, .desc = "gas-powered pistols and air rifles",
	  .hs = "9304.00", .origins = "CN",
	  .detail = "Disassembled gas pistols and air rifles declared as toys and spare parts" },
	/* inland */
	{ "Warehouse of smuggled cigarettes", 2, K_TOBA, C_INLAND, .unit = U_CARTONS,
	  .qmin = 200, .qmax = 8000, .price = 8, .method = CM_NONE, .net = N_TOBA,
	  .det = { DT_TIP, DT_INTEL, DT_PHYS }, .desc = "cigarettes (Jet, Hero and Esse brands)",
	  .hs = "2402.20", .origins = "KH LA",
	  .detail = "Cartons stored in a rented warehouse awaiting distribution to retailers" },
	{ "Worked ivory in traditional-medicine shop", 1, K_WILD, C_INLAND, .unit = U_KG, .dec = 2,
	  .qmin = 0.5, .qmax = 20, .price = 1500, .ccy = CY_USD, .method = CM_OTHER, .net = N_WILD,
	  .det = { DT_INTEL, DT_TIP, DT_PHYS }, .desc = "worked ivory and ivory powder",
	  .hs = "9601.10", .species = "Loxodonta africana", .origins = "NG", .tag = "cites-i",
	  .detail = "Ivory pieces and powder kept in a locked cabinet behind the counter" },
	{ "Counterfeit cosmetics warehouse", 2, K_FAKE, C_INLAND, .unit = U_PCS,
	  .qmin = 1000, .qmax = 50000, .price = 5, .method = CM_NONE,
	  .det = { DT_TIP, DT_INTEL, DT_PHYS }, .desc = "counterfeit branded cosmetics",
	  .hs = "3304.99", .origins = "CN",
	  .detail = "Cosmetics with counterfeit labels stored for sale through social-media shops" },
};
#define NMODUS NELEM(modi)

/*
 * Routes: the points before (import) or after (export) the Vietnamese end
 * of the journey, with the carrier of each leg. For C_EXPR, car[0] is the
 * express carrier and car[1] the postal operator.
 */
static const struct rtpl {
	unsigned char cls, exp, n;
	unsigned char pt[3];
	const char *car[3];
} tpls[] = {
	{ C_AIR, 0, 2, { P_LOS, P_ADD }, { "Ethiopian Airlines", "Ethiopian Airlines" } },
	{ C_AIR, 0, 2, { P_EBB, P_ADD }, { "Ethiopian Airlines", "Ethiopian Airlines" } },
	{ C_AIR, 0, 2, { P_LAD, P_ADD }, { "Ethiopian Airlines", "Ethiopian Airlines" } },
	{ C_AIR, 0, 2, { P_FIH, P_ADD }, { "Ethiopian Airlines", "Ethiopian Airlines" } },
	{ C_AIR, 0, 2, { P_JNB, P_DOH }, { "Qatar Airways", "Qatar Airways" } },
	{ C_AIR, 0, 2, { P_JNB, P_DXB }, { "Emirates", "Emirates" } },
	{ C_AIR, 0, 3, { P_MPM, P_JNB, P_DOH }, { "LAM Mozambique Airlines", "Qatar Airways", "Qatar Airways" } },
	{ C_AIR, 0, 2, { P_NBO, P_DOH }, { "Qatar Airways", "Qatar Airways" } },
	{ C_AIR, 0, 2, { P_LHE, P_DXB }, { "Emirates", "Emirates" } },
	{ C_AIR, 0, 1, { P_DXB }, { "Emirates" } },
	{ C_AIR, 0, 2, { P_GRU, P_DOH }, { "Qatar Airways", "Qatar Airways" } },
	{ C_AIR, 0, 2, { P_GRU, P_IST }, { "Turkish Airlines", "Turkish Airlines" } },
	{ C_AIR, 0, 1, { P_FRA }, { "Vietnam Airlines" } },
	{ C_AIR, 0, 1, { P_CDG }, { "Vietnam Airlines" } },
	{ C_AIR, 0, 2, { P_DEL, P_BKK }, { "Thai Airways", "Thai Airways" } },
	{ C_AIR, 1, 1, { P_SYD }, { "Vietnam Airlines" } },
	{ C_AIR, 1, 1, { P_NRT }, { "Vietnam Airlines" } },
	{ C_AIR, 1, 1, { P_ICN }, { "Vietjet Air" } },
	{ C_AIR, 1, 1, { P_DXB }, { "Emirates" } },
	{ C_AIR, 1, 1, { P_CDG }, { "Vietnam Airlines" } },
	{ C_SEA, 0, 3, { P_APAPA, P_LOME, P_SIN }, { "MSC", "MSC", "MSC" } },
	{ C_SEA, 0, 3, { P_ONNE, P_LOME, P_TPP }, { "Maersk", "Maersk", "Maersk" } },
	{ C_SEA, 0, 2, { P_MOMBASA, P_PKLANG }, { "CMA CGM", "CMA CGM" } },
	{ C_SEA, 0, 2, { P_DAR, P_SIN }, { "PIL", "Wan Hai Lines" } },
	{ C_SEA, 0, 2, { P_NACALA, P_PKLANG }, { "MSC", "MSC" } },
	{ C_SEA, 0, 2, { P_BEIRA, P_SIN }, { "Maersk", "Maersk" } },
	{ C_SEA, 0, 3, { P_MATADI, P_PNR, P_SIN }, { "CMA CGM", "CMA CGM", "CMA CGM" } },
	{ C_SEA, 0, 2, { P_DOUALA, P_TPP }, { "Maersk", "Maersk" } },
	{ C_SEA, 0, 2, { P_TEMA, P_SIN }, { "MSC", "MSC" } },
	{ C_SEA, 0, 2, { P_ABIDJAN, P_PKLANG }, { "CMA CGM", "CMA CGM" } },
	{ C_SEA, 0, 2, { P_SANTOS, P_SIN }, { "MSC", "MSC" } },
	{ C_SEA, 0, 2, { P_GYE, P_BUSAN }, { "ONE", "ONE" } },
	{ C_SEA, 0, 1, { P_LGB }, { "Evergreen" } },
	{ C_SEA, 0, 1, { P_BUSAN }, { "HMM" } },
	{ C_SEA, 0, 1, { P_YOKOHAMA }, { "ONE" } },
	{ C_SEA, 0, 2, { P_HAMBURG, P_SIN }, { "Hapag-Lloyd", "Hapag-Lloyd" } },
	{ C_SEA, 0, 1, { P_NHAVA }, { "ONE" } },
	{ C_SEA, 0, 1, { P_NANSHA }, { "COSCO Shipping" } },
	{ C_SEA, 0, 1, { P_HKG }, { "OOCL" } },
	{ C_SEA, 0, 1, { P_SIN }, { "ONE" } },
	{ C_SEA, 0, 1, { P_PKLANG }, { "Wan Hai Lines" } },
	{ C_SEA, 1, 1, { P_BOTANY }, { "ANL" } },
	{ C_EXPR, 0, 1, { P_CAN }, { "SF Express", "China Post" } },
	{ C_EXPR, 0, 1, { P_SZX }, { "DHL Express", "China Post" } },
	{ C_EXPR, 0, 1, { P_HKG }, { "DHL Express", "Hongkong Post" } },
	{ C_EXPR, 0, 1, { P_LEJ }, { "DHL Express", "Deutsche Post" } },
	{ C_EXPR, 0, 1, { P_AMS }, { "UPS", "PostNL" } },
	{ C_EXPR, 0, 1, { P_CDG }, { "FedEx", "La Poste" } },
	{ C_EXPR, 0, 1, { P_LAX }, { "FedEx", "USPS" } },
	{ C_EXPR, 0, 1, { P_YYZ }, { "UPS", "Canada Post" } },
	{ C_EXPR, 0, 1, { P_BOM }, { "DHL Express", "India Post" } },
};
#define NTPL NELEM(tpls)

/* --- people, companies and things ------------------------------------------------ */

struct name2 {
	const char *vi, *ascii;		/* with diacritics, and folded */
};

static const struct name2 vn_surname[] = {
	{ "Nguyễn", "Nguyen" }, { "Trần", "Tran" }, { "Lê", "Le" }, { "Phạm", "Pham" },
	{ "Hoàng", "Hoang" }, { "Huỳnh", "Huynh" }, { "Phan", "Phan" }, { "Vũ", "Vu" },
	{ "Võ", "Vo" }, { "Đặng", "Dang" }, { "Bùi", "Bui" }, { "Đỗ", "Do" },
	{ "Hồ", "Ho" }, { "Ngô", "Ngo" }, { "Dương", "Duong" }, { "Lý", "Ly" },
};
static const struct name2 vn_middle[2][6] = {
	{ { "Văn", "Van" }, { "Đức", "Duc" }, { "Quốc", "Quoc" }, { "Minh", "Minh" },
	  { "Hữu", "Huu" }, { "Công", "Cong" } },
	{ { "Thị", "Thi" }, { "Ngọc", "Ngoc" }, { "Thu", "Thu" }, { "Thanh", "Thanh" },
	  { "Kim", "Kim" }, { "Mỹ", "My" } },
};
static const struct name2 vn_given[2][14] = {
	{ { "Hùng", "Hung" }, { "Anh", "Anh" }, { "Bảo", "Bao" }, { "Dũng", "Dung" },
	  { "Tuấn", "Tuan" }, { "Long", "Long" }, { "Hải", "Hai" }, { "Phong", "Phong" },
	  { "Khánh", "Khanh" }, { "Sơn", "Son" }, { "Thắng", "Thang" }, { "Cường", "Cuong" },
	  { "Tùng", "Tung" }, { "Quân", "Quan" } },
	{ { "Mai", "Mai" }, { "Hằng", "Hang" }, { "Lan", "Lan" }, { "Hương", "Huong" },
	  { "Thảo", "Thao" }, { "Linh", "Linh" }, { "Trang", "Trang" }, { "Nhung", "Nhung" },
	  { "Yến", "Yen" }, { "Phương", "Phuong" }, { "Hà", "Ha" }, { "Ngân", "Ngan" },
	  { "Loan", "Loan" }, { "Vy", "Vy" } },
};
/* Nicknames as they appear in wiretap transcripts: given name + epithet. */
static const struct name2 vn_nick[] = {
	{ "Béo", "Beo" }, { "Sẹo", "Seo" }, { "Đen", "Den" }, { "Lùn", "Lun" },
	{ "Còi", "Coi" }, { "Xoăn", "Xoan" },
};

/* `lead`: an organiser of the demo's networks, never drawn as a courier. */
static const struct fperson {
	const char *name, *cc, *alias;
	unsigned char female, lead;
} foreigners[] = {
	{ "Chinedu Okafor", "NG", NULL, 0, 1 }, { "Emeka Nwosu", "NG", NULL, 0, 1 },
	{ "Oluwaseun Adeyemi", "NG", NULL, 0, 0 }, { "Ibrahim Musa", "NG", NULL, 0, 0 },
	{ "Ngozi Eze", "NG", NULL, 1, 0 }, { "Wang Jianguo", "CN", "王建国", 0, 1 },
	{ "Li Wei", "CN", "李伟", 0, 1 }, { "Chen Zhiqiang", "CN", "陈志强", 0, 0 },
	{ "Zhou Hongmei", "CN", "周红梅", 1, 0 }, { "Liu Jun", "CN", "刘军", 0, 0 },
	{ "Somchai Phongsawat", "TH", NULL, 0, 0 }, { "Anucha Srisuk", "TH", NULL, 0, 0 },
	{ "Bounmy Sisavath", "LA", NULL, 0, 1 }, { "Khamphanh Vongsa", "LA", NULL, 0, 0 },
	{ "Sok Dara", "KH", NULL, 0, 1 }, { "Chea Vanna", "KH", NULL, 1, 0 },
	{ "Heng Sophal", "KH", NULL, 0, 0 }, { "Aung Ko Ko", "MM", NULL, 0, 0 },
	{ "Kyaw Zin Htet", "MM", NULL, 0, 0 }, { "Mohamed Abdi Hassan", "KE", NULL, 0, 1 },
	{ "Peter Otieno Ouma", "KE", NULL, 0, 0 }, { "João Pereira da Silva", "BR", "Joao Pereira da Silva", 0, 0 },
	{ "Rafael Souza Lima", "BR", NULL, 0, 0 }, { "Moses Ssemakula", "UG", NULL, 0, 0 },
	{ "Armando Mucavele", "MZ", NULL, 0, 0 }, { "Jean-Pierre Mukendi", "CD", NULL, 0, 0 },
	{ "Ahmad Faizal bin Ismail", "MY", NULL, 0, 0 }, { "Thabo Mokoena", "ZA", NULL, 0, 0 },
	{ "Muhammad Imran Shah", "PK", NULL, 0, 0 }, { "Samuel Mensah", "GH", NULL, 0, 0 },
	{ "Paul Biya Nkemelu", "CM", NULL, 0, 0 }, { "Jonathan Pierce", "AU", NULL, 0, 0 },
	{ "Agus Santoso", "ID", NULL, 0, 0 }, { "Rajesh Kumar Yadav", "IN", NULL, 0, 0 },
};

/* Passport number shapes by nationality. */
static const struct pfmt {
	const char *cc, *prefix;
	unsigned char digits;
} passport_fmt[] = {
	{ "VN", "C", 7 }, { "CN", "E", 8 }, { "NG", "A", 8 }, { "TH", "AA", 7 },
	{ "LA", "P", 7 }, { "KH", "N", 8 }, { "MM", "MA", 6 }, { "KE", "AK", 7 },
	{ "BR", "FZ", 6 }, { "UG", "B", 7 }, { "MZ", "AB", 6 }, { "CD", "OP", 7 },
	{ "MY", "A", 8 }, { "ZA", "A", 8 }, { "PK", "AB", 7 }, { "GH", "G", 7 },
	{ "CM", "01", 6 }, { "AU", "PA", 7 }, { "ID", "X", 7 }, { "IN", "Z", 7 },
};

/* Mobile numbers: country code, mobile prefixes, digits after the prefix. */
static const struct dial {
	const char *cc, *code;
	const char *pre[4];
	unsigned char rest;
} dials[] = {
	{ "VN", "84", { "91", "98", "90", "35" }, 7 },
	{ "CN", "86", { "138", "139", "186", "135" }, 8 },
	{ "NG", "234", { "803", "806", "813", "703" }, 7 },
	{ "KH", "855", { "12", "17", "92", "97" }, 6 },
	{ "LA", "856", { "2055", "2077", "2022", "2099" }, 6 },
	{ "TH", "66", { "81", "86", "89", "92" }, 7 },
	{ "MM", "95", { "925", "979", "943", "996" }, 7 },
	{ "KE", "254", { "722", "733", "711", "701" }, 6 },
	{ "BR", "55", { "119", "219", "119", "479" }, 8 },
	{ "UG", "256", { "772", "701", "752", "782" }, 6 },
	{ "ZA", "27", { "82", "83", "72", "76" }, 7 },
	{ "MZ", "258", { "84", "82", "86", "87" }, 7 },
	{ "AE", "971", { "50", "55", "52", "56" }, 7 },
	{ "HK", "852", { "61", "90", "94", "68" }, 6 },
};

static const struct name2 co_kind[] = {
	{ "Thương mại", "Trading" }, { "Xuất nhập khẩu", "Import Export" },
	{ "Vận tải", "Transport" }, { "Thương mại và Dịch vụ", "Trading and Services" },
	{ "Logistics", "Logistics" }, { "Đầu tư và Phát triển", "Investment and Development" },
};
static const struct name2 co_brand[] = {
	{ "Hoàng Long", "Hoang Long" }, { "Đại Phát", "Dai Phat" }, { "Thành Công", "Thanh Cong" },
	{ "Phúc An", "Phuc An" }, { "Việt Tiến", "Viet Tien" }, { "Hưng Thịnh", "Hung Thinh" },
	{ "Kim Ngân", "Kim Ngan" }, { "Tân Phú", "Tan Phu" }, { "Sao Mai", "Sao Mai" },
	{ "Bình Minh", "Binh Minh" }, { "An Khang", "An Khang" }, { "Nam Việt", "Nam Viet" },
	{ "Thiên Phúc", "Thien Phuc" }, { "Quang Vinh", "Quang Vinh" },
};

/* Foreign company names: first word, second word, legal suffix. */
static const struct fco {
	const char *cc;
	const char *a[4], *b[4], *suffix;
} foreign_co[] = {
	{ "CN", { "Guangxi Pingxiang", "Dongxing", "Shenzhen", "Guangzhou" },
	  { "Huaxin Trading", "Jinhai Import and Export", "Longsheng Electronics", "Tianma Logistics" }, "Co., Ltd" },
	{ "HK", { "Ever Bright", "Grand Harvest", "Pacific Link", "Golden Ocean" },
	  { "Trading", "Holdings", "International", "Enterprise" }, "Limited" },
	{ "NG", { "Lekki", "Crestline", "Niger Delta", "Ikeja" },
	  { "Agro Exports", "Commodities", "Global Ventures", "Produce" }, "Ltd" },
	{ "KE", { "Kilindini", "Coastal", "Mombasa Bay", "Nyali" },
	  { "Produce", "General Merchants", "Hardwood", "Exporters" }, "Ltd" },
	{ "TZ", { "Zanzibar", "Kariakoo", "Bagamoyo", "Msasani" },
	  { "Produce", "General Trading", "Exporters", "Timber" }, "Ltd" },
	{ "MZ", { "Nacala", "Zambeze", "Beira", "Pemba" },
	  { "Madeiras", "Comercial", "Exportações", "Agro" }, "Lda" },
	{ "CD", { "Congo", "Kivu", "Matadi", "Kasai" },
	  { "Bois Tropicaux", "Import-Export", "Négoce", "Agro" }, "SARL" },
	{ "CM", { "Douala", "Wouri", "Sanaga", "Kribi" },
	  { "Bois", "Négoce", "Export", "Commerce" }, "SARL" },
	{ "GH", { "Tema", "Volta", "Ashanti", "Accra" },
	  { "Timber", "Agro Exports", "Commodities", "Traders" }, "Ltd" },
	{ "LA", { "Savan", "Mekong", "Xieng Khouang", "Champasak" },
	  { "Timber Export", "Trading", "Import-Export", "Agro" }, "Sole Co., Ltd" },
	{ "KH", { "Angkor", "Bavet", "Mekong", "Svay Rieng" },
	  { "Trading", "Import Export", "Logistics", "Development" }, "Co., Ltd" },
	{ "MY", { "Klang", "Selat", "Melaka", "Johor" },
	  { "Marine", "Trading", "Logistics", "Resources" }, "Sdn Bhd" },
	{ "IN", { "Shree", "Ganesh", "Sai", "Mumbai" },
	  { "Pharma", "Chemicals", "Exports", "Life Sciences" }, "Pvt Ltd" },
	{ "AE", { "Al Safa", "Gulf Crest", "Al Noor", "Jebel" },
	  { "General Trading", "Commercial", "Trading", "Investments" }, "LLC" },
};

static const struct vessel_name {
	const char *name, *flag;
} vessel_names[] = {
	{ "Glory Ocean", "PA" }, { "Asian Star", "LR" }, { "Sea Lotus", "SG" },
	{ "Pacific Jade", "LR" }, { "Ocean Harmony", "HK" }, { "Blue Marlin", "PA" },
	{ "Cape Vega", "MH" }, { "Mekong Spirit", "VN" }, { "Đông Phong 27", "VN" },
	{ "Golden Bridge", "PA" }, { "Silver Horizon", "MH" }, { "Tân Cảng Pioneer", "VN" },
};

/* First three digits of MMSIs by flag (maritime identification digits). */
static const struct mid {
	const char *flag, *mid;
} mids[] = {
	{ "PA", "357" }, { "LR", "636" }, { "SG", "563" }, { "HK", "477" },
	{ "MH", "538" }, { "VN", "574" },
};

/* Container owners (ISO 6346 prefixes) and bill-of-lading SCAC codes by carrier. */
static const struct boxco {
	const char *carrier, *owner, *scac;
} boxcos[] = {
	{ "MSC", "MSCU", "MEDU" }, { "Maersk", "MSKU", "MAEU" }, { "CMA CGM", "CMAU", "CMDU" },
	{ "OOCL", "OOLU", "OOLU" }, { "Hapag-Lloyd", "HLXU", "HLCU" }, { "ONE", "ONEU", "ONEY" },
	{ "Evergreen", "EGHU", "EGLV" }, { "COSCO Shipping", "CSNU", "COSU" },
	{ NULL, "TGHU", "SNKO" }, { NULL, "TCNU", "KMTU" },
};

/* Aircraft as flights: carrier, flight number, airframe, state of registry. */
static const struct flight {
	const char *carrier, *flight, *airframe, *cc;
} flights[] = {
	{ "Ethiopian Airlines", "ET700", "Boeing 787-8", "ET" },
	{ "Qatar Airways", "QR970", "Airbus A350-900", "QA" },
	{ "Emirates", "EK392", "Boeing 777-300ER", "AE" },
	{ "Turkish Airlines", "TK162", "Airbus A330-300", "TR" },
	{ "Vietnam Airlines", "VN31", "Boeing 787-10", "VN" },
	{ "Thai Airways", "TG564", "Airbus A320-200", "TH" },
};

static const char *const users[] = { "tran.minh", "nguyen.thu", "le.hoang", "pham.anh",
	"vu.lan", "do.khoa", "hoang.nam", "bui.thao", "dang.quang", "ngo.hieu" };

/* Citizen-ID province codes with company tax-code prefixes of the same city. */
static const struct prov {
	const char *code, *tax;
} provs[] = {
	{ "001", "01" }, { "031", "02" }, { "079", "03" }, { "048", "04" },
	{ "072", "39" }, { "045", "32" }, { "022", "57" }, { "020", "49" },
};

/* --- the generator ------------------------------------------------------------ */

struct glink {
	char fk, tk;			/* ref letters: c s e r */
	unsigned fi, ti;		/* 0-based indexes */
	const char *type;
	int32_t since;			/* day number, or INT32_MIN */
	unsigned char grade;		/* 1 + source*6 + info, or 0 */
};

/* The fixed cast of the demo's networks (entity indexes). */
struct cast {
	unsigned hung, mai, ducanh, bao, hung_dup, chinedu, abdi, wang;
	unsigned minhphat, golden, hailong, afrigreen, kilindini, alnoor, shipco;
	unsigned vessels[3], acct, hung_phone, wang_phone;
	unsigned hang, emeka, hang_phone, hang_acct, couriers[6], ncouriers;
	unsigned aircraft[NELEM(flights)];
	unsigned tai, donga, cambodian_co, sokdara, trucks[3], drivers[3];
	unsigned szco, hkco, liwei, recipients[3];
	unsigned laoco, bounmy, truongson, son, timber_trucks[2];
	/* pools of unaffiliated entities, reused so the graph has hubs */
	unsigned pool_co[12], npool_co;
	unsigned pool_vessel[6];
};

struct gen {
	FILE *out;
	uint64_t seed;
	unsigned ncases;
	uint64_t nseiz;
	int bench, with_entities, nomem;
	char *buf;
	size_t cap;
	unsigned wsum;			/* sum of modus weights */

	/* shared values, built once */
	json_t *j_kind[NELEM(kind_name)], *j_cat[NELEM(cat_name)], *j_unit[NELEM(unit_name)];
	json_t *j_dir[NELEM(dir_name)], *j_mode[NELEM(mode_name)], *j_det[NELEM(det_name)];
	json_t *j_tlp[NELEM(tlp_name)], *j_status[NELEM(status_name)], *j_ccy[NELEM(ccy_name)];
	json_t *j_commodity[NMODUS], *j_conceal[NMODUS], *j_mtags[NMODUS];
	json_t *j_loc[NPLACE], *j_pt[NPOINT], *j_grade[36];

	/* Encoded fragments of seizure lines (see seizure_emit): the kind, the
	 * middle by modus, place and detection, and the optional tail fields. */
	struct frag {
		char *s;
		size_t n;
	} *frag, f_kind, f_grade[36], f_tlp[NELEM(tlp_name)], f_tags[NMODUS];
	size_t n;			/* length of the line being assembled */

	/* The varying part of a seizure line, kept from line to line and
	 * updated in place: new objects cost a dozen allocations a line.
	 * o[1] has a route, o[0] not; qty[1] has a real amount, qty[0] an
	 * integer one. */
	struct {
		json_t *o[2], *ref, *cas, *route, *when, *qty[2], *amount[2], *value, *sum;
	} sl;

	/* demo: first seizure of each case (ncases + 1 entries) */
	uint64_t *first;

	/* entities and links kept until written (demo, and bench's modest set) */
	json_t **ent;
	size_t nent, aent;
	struct glink *lnk;
	size_t nlnk, alnk;
	struct rng er;			/* stream for entities and links */
	struct cast c;
	unsigned fent[NELEM(foreigners)];	/* entity + 1 of each foreigner */

	/* bench: routes by class, and pools for the streamed links */
	unsigned *broutes[NCLASS], nbroutes[NCLASS], nroutes;
	unsigned *bpool_co, nbpool_co, *bpool_person, nbpool_person;
};

/* A case as drawn from its stream. */
struct cdraw {
	unsigned idx, modus, place, net, nseiz, lead, tlp, status;
	int64_t day;
};

/* A seizure as drawn from its stream. */
struct sdraw {
	uint64_t idx;
	unsigned cas, modus, place, det, tm, ccy, grade, nb;
	int tpl;			/* route template, -1 for none */
	int want_route, dateonly;
	int64_t t;
	double qty;
	int64_t value;
	char origin[3];
};

static void *
grow(struct gen *g, void *p, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *np;

	if (n < *cap)
		return p;
	ncap = *cap ? *cap * 2 : 64;
	if ((np = realloc(p, ncap * size)) == NULL) {
		g->nomem = 1;
		return NULL;
	}
	*cap = ncap;
	return np;
}

/* --- small JSON helpers ------------------------------------------------------- */

static void
put(json_t *o, const char *k, json_t *v)
{
	json_object_set_new_nocheck(o, k, v);
}

static void
put_str(json_t *o, const char *k, const char *s)
{
	json_object_set_new_nocheck(o, k, json_string(s));
}

/* For values known to be ASCII: skips jansson's UTF-8 scan. */
static void
put_ascii(json_t *o, const char *k, const char *s)
{
	json_object_set_new_nocheck(o, k, json_stringn_nocheck(s, strlen(s)));
}

static void
put_shared(json_t *o, const char *k, json_t *v)
{
	json_object_set_nocheck(o, k, v);
}

/* Refs are a letter and the 1-based index: "c12", "s3". A reference to
 * one, in `case`, `route`, `from` or `to`, is the same with an '@'. */
static void
put_refname(json_t *o, const char *k, int at, char letter, uint64_t idx)
{
	char b[24], *p = b + sizeof b;
	uint64_t v = idx + 1;

	/* Three per seizure line: cheaper than snprintf. */
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	*--p = letter;
	if (at)
		*--p = '@';
	json_object_set_new_nocheck(o, k, json_stringn_nocheck(p, (size_t)(b + sizeof b - p)));
}

static void
put_ref(json_t *o, const char *k, char letter, uint64_t idx)
{
	put_refname(o, k, 1, letter, idx);
}

/* A new line of `kind`; with a ref unless letter is 0 (nothing points at
 * links, and a million refs cost the import memory). */
static json_t *
record(struct gen *g, int kind, char letter, uint64_t idx)
{
	json_t *o = json_object();

	put_shared(o, "kind", g->j_kind[kind]);
	if (letter)
		put_refname(o, "ref", 0, letter, idx);
	return o;
}

static int
reserve(struct gen *g, size_t n)
{
	char *nb;

	if (n <= g->cap)
		return 0;
	if ((nb = realloc(g->buf, n + 1024)) == NULL) {
		g->nomem = 1;
		return -1;
	}
	g->buf = nb;
	g->cap = n + 1024;
	return 0;
}

/*
 * Encode `o` into the line buffer at `off`, growing the buffer as needed;
 * one byte is always left free after it for the newline. Returns the
 * length, or 0 on failure.
 */
static size_t
dump_at(struct gen *g, json_t *o, size_t off)
{
	size_t n;

	if (o == NULL || g->nomem) {
		g->nomem = 1;
		return 0;
	}
	while ((n = json_dumpb(o, g->buf + off, g->cap - off - 1, DUMP_FLAGS)) >= g->cap - off - 1)
		if (n == 0 || reserve(g, off + n + 2) != 0)
			break;
	if (n == 0 || n >= g->cap - off - 1) {
		g->nomem = 1;
		return 0;
	}
	return n;
}

/* Write the first `n` bytes of the buffer as a line. A failed write shows
 * in ferror(out), checked at the end. */
static void
put_line(struct gen *g, size_t n)
{
	g->buf[n] = '\n';
	fwrite(g->buf, 1, n + 1, g->out);
}

/* Write `o` as one line, and drop it. */
static void
emit(struct gen *g, json_t *o)
{
	size_t n = dump_at(g, o, 0);

	if (n)
		put_line(g, n);
	json_decref(o);
}

/* --- init ----------------------------------------------------------------------- */

static void
strings(const char *const *names, size_t n, json_t **out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = names[i] ? json_string(names[i]) : NULL;
}

static void seizure_frags(struct gen *);

static void
gen_init(struct gen *g)
{
	static const char gsrc[] = "ABCDEF";

	strings(kind_name, NELEM(kind_name), g->j_kind);
	strings(cat_name, NELEM(cat_name), g->j_cat);
	strings(unit_name, NELEM(unit_name), g->j_unit);
	strings(dir_name, NELEM(dir_name), g->j_dir);
	strings(mode_name, NELEM(mode_name), g->j_mode);
	strings(det_name, NELEM(det_name), g->j_det);
	strings(tlp_name, NELEM(tlp_name), g->j_tlp);
	strings(status_name, NELEM(status_name), g->j_status);
	strings(ccy_name, NELEM(ccy_name), g->j_ccy);

	for (unsigned i = 0; i < NMODUS; i++) {
		const struct modus *m = &modi[i];
		json_t *o = json_object();

		put_shared(o, "category", g->j_cat[m->cat]);
		put_str(o, "description", m->desc);
		if (m->hs)
			put_str(o, "hs_code", m->hs);
		if (m->species)
			put_str(o, "species", m->species);
		g->j_commodity[i] = o;
		o = json_object();
		put_str(o, "method", method_name[m->method]);
		put_str(o, "detail", m->detail);
		g->j_conceal[i] = o;
		if (m->tag) {
			g->j_mtags[i] = json_array();
			json_array_append_new(g->j_mtags[i], json_string(m->tag));
		}
		g->wsum += m->w;
	}
	for (unsigned i = 0; i < NPLACE; i++) {
		const struct place *p = &places[i];
		json_t *o = json_object();

		put_str(o, "office", p->office);
		put_str(o, "place", p->name);
		put_str(o, "country", p->cc);
		put(o, "lat", json_real(p->lat));
		put(o, "lon", json_real(p->lon));
		put_str(o, "type", ltype_name[p->type]);
		g->j_loc[i] = o;
	}
	for (unsigned i = 0; i < NPOINT; i++) {
		json_t *o = json_object();

		put_str(o, "country", points[i].cc);
		put_str(o, "place", points[i].place);
		g->j_pt[i] = o;
	}
	for (unsigned i = 0; i < 36; i++) {
		char s[2] = { gsrc[i / 6], 0 }, n[2] = { (char)('1' + i % 6), 0 };
		json_t *o = json_object();

		put_str(o, "source", s);
		put_str(o, "info", n);
		g->j_grade[i] = o;
	}
	g->cap = 4096;
	if ((g->buf = malloc(g->cap)) == NULL)
		g->nomem = 1;
	else
		seizure_frags(g);
}

static void
decref_all(json_t **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref(v[i]);
}

static void
gen_free(struct gen *g)
{
	decref_all(g->j_kind, NELEM(g->j_kind));
	decref_all(g->j_cat, NELEM(g->j_cat));
	decref_all(g->j_unit, NELEM(g->j_unit));
	decref_all(g->j_dir, NELEM(g->j_dir));
	decref_all(g->j_mode, NELEM(g->j_mode));
	decref_all(g->j_det, NELEM(g->j_det));
	decref_all(g->j_tlp, NELEM(g->j_tlp));
	decref_all(g->j_status, NELEM(g->j_status));
	decref_all(g->j_ccy, NELEM(g->j_ccy));
	decref_all(g->j_commodity, NMODUS);
	decref_all(g->j_conceal, NMODUS);
	decref_all(g->j_mtags, NMODUS);
	decref_all(g->j_loc, NPLACE);
	decref_all(g->j_pt, NPOINT);
	decref_all(g->j_grade, 36);
	decref_all(g->ent, g->nent);
	free(g->ent);
	free(g->lnk);
	free(g->first);
	if (g->frag)
		for (size_t i = 0; i < (size_t)NMODUS * NPLACE * NELEM(det_name); i++)
			free(g->frag[i].s);
	free(g->frag);
	free(g->f_kind.s);
	for (unsigned i = 0; i < 36; i++)
		free(g->f_grade[i].s);
	for (unsigned i = 0; i < NELEM(tlp_name); i++)
		free(g->f_tlp[i].s);
	for (unsigned i = 0; i < NMODUS; i++)
		free(g->f_tags[i].s);
	decref_all(g->sl.o, 2);
	decref_all(g->sl.qty, 2);
	for (unsigned i = 0; i < NCLASS; i++)
		free(g->broutes[i]);
	free(g->bpool_co);
	free(g->bpool_person);
	free(g->buf);
}

/* --- drawing cases and seizures ------------------------------------------------ */

static unsigned
pick_modus(struct gen *g, struct rng *r)
{
	unsigned x = rng_below(r, g->wsum);

	for (unsigned i = 0; i < NMODUS; i++) {
		if (x < modi[i].w)
			return i;
		x -= modi[i].w;
	}
	return 0;
}

static int
origin_has(const char *origins, const char *cc)
{
	for (const char *p = origins; p[0] && p[1]; p += p[2] ? 3 : 2)
		if (p[0] == cc[0] && p[1] == cc[1])
			return 1;
	return 0;
}

static void
pick_origin(struct rng *r, const char *origins, char cc[3])
{
	unsigned n = (unsigned)(strlen(origins) + 1) / 3, k = rng_below(r, n);

	cc[0] = origins[3 * k];
	cc[1] = origins[3 * k + 1];
	cc[2] = '\0';
}

/* A place where this modus is met: its class, and for land borders a
 * neighbour the goods come from. */
static unsigned
pick_place(struct rng *r, const struct modus *m)
{
	unsigned cand[NPLACE], n = 0;

	for (unsigned i = 0; i < NPLACE; i++) {
		if (places[i].cls != m->cls)
			continue;
		if (m->cls == C_LAND && !origin_has(m->origins, places[i].nbcc))
			continue;
		cand[n++] = i;
	}
	return n ? cand[rng_below(r, n)] : 0;
}

static int
pick_template(struct rng *r, unsigned cls, int exp, const char *cc)
{
	unsigned cand[NTPL], n = 0;

	for (unsigned i = 0; i < NTPL; i++) {
		const struct rtpl *t = &tpls[i];
		const char *tcc = points[t->pt[exp ? t->n - 1 : 0]].cc;

		if (t->cls == cls && t->exp == exp && strcmp(tcc, cc) == 0)
			cand[n++] = i;
	}
	return n ? (int)cand[rng_below(r, n)] : -1;
}

static void
case_draw(struct gen *g, unsigned c, struct cdraw *cd)
{
	/* The first cases of the demo seed its networks, so that even a small
	 * demo has a ring worth drawing with `cordon graph`. */
	static const struct {
		const char *title;
		unsigned char net, min;
	} seeds[] = {
		{ "Ivory tusks declared as cashew nuts", N_WILD, 3 },
		{ "Heroin swallowed by inbound passenger", N_AIRDRUG, 2 },
		{ "Pangolin scales declared as cashew nuts", N_WILD, 2 },
		{ "Cigarettes in truck false compartment", N_TOBA, 2 },
		{ "Counterfeit mobile phones in express parcels", N_FAKES, 2 },
		{ "Ivory tusks declared as cashew nuts", N_WILD, 2 },
		{ "Siamese rosewood in trucks", N_TIMB, 2 },
		{ "Cocaine in false-bottom suitcases", N_AIRDRUG, 2 },
	};
	static const unsigned char nweights[] = { 35, 25, 15, 10, 8, 7 };
	struct rng r;
	int64_t age;
	unsigned x;

	rng_init(&r, g->seed, ST_CASE, c);
	memset(cd, 0, sizeof *cd);
	cd->idx = c;
	cd->modus = pick_modus(g, &r);
	cd->day = FIRST_DAY + rng_below(&r, (unsigned)(LAST_DAY - FIRST_DAY + 1));
	x = rng_below(&r, 100);
	for (cd->nseiz = 1; cd->nseiz < 6 && x >= nweights[cd->nseiz - 1]; cd->nseiz++)
		x -= nweights[cd->nseiz - 1];
	if (!g->bench) {
		if (c < NELEM(seeds)) {
			for (unsigned i = 0; i < NMODUS; i++)
				if (strcmp(modi[i].title, seeds[c].title) == 0)
					cd->modus = i;
			cd->net = seeds[c].net;
			if (cd->nseiz < seeds[c].min)
				cd->nseiz = seeds[c].min;
		} else if (modi[cd->modus].net && rng_pct(&r, 35)) {
			cd->net = modi[cd->modus].net;
		}
	}
	cd->place = pick_place(&r, &modi[cd->modus]);
	cd->lead = rng_below(&r, NELEM(users));
	x = rng_below(&r, 100);
	cd->tlp = x < 75 ? TLP_AMBER : x < 87 ? TLP_GREEN : x < 95 ? TLP_RED : TLP_STRICT;
	if (cd->net && cd->tlp == TLP_GREEN)
		cd->tlp = TLP_AMBER;
	/* Old cases have mostly run their course; recent ones are still open. */
	age = NOW_DAY - cd->day;
	x = rng_below(&r, 100);
	if (age < 365)
		cd->status = x < 40 ? CS_OPEN : CS_INVESTIGATING;
	else if (age < 900)
		cd->status = x < 10 ? CS_OPEN : x < 45 ? CS_INVESTIGATING : x < 70 ? CS_REFERRED :
		    x < 85 ? CS_PROSECUTED : CS_CLOSED;
	else
		cd->status = x < 3 ? CS_OPEN : x < 12 ? CS_INVESTIGATING : x < 25 ? CS_REFERRED :
		    x < 60 ? CS_PROSECUTED : CS_CLOSED;
}

static double
round_to(double v, unsigned dec)
{
	double f = dec == 0 ? 1 : dec == 1 ? 10 : dec == 2 ? 100 : 1000;

	return (double)(int64_t)(v * f + 0.5) / f;
}

/* USD→VND by year, near the market rate of the time. */
static int64_t
vnd_rate(int64_t t)
{
	int y;
	unsigned m, d;

	civil_from_days(t / DAY, &y, &m, &d);
	return 23100 + (y - 2019) * 380;
}

static unsigned
class_mode(const struct place *p, const struct modus *m)
{
	if (m->tm)
		return m->tm;
	switch (p->cls) {
	case C_AIR: return TM_AIR;
	case C_SEA: return TM_SEA;
	case C_EXPR: return p->type == LT_MAIL ? TM_POST : TM_EXPRESS;
	default: return TM_ROAD;
	}
}

/*
 * Seizure `i` of case `cd`; `first` says whether it is the case's first,
 * which happens where and when the case was opened.
 */
static void
seizure_draw(struct gen *g, uint64_t i, const struct cdraw *cd, int first, struct sdraw *sd)
{
	static const unsigned char route_pct[NCLASS] = { 70, 85, 40, 60, 0 };
	static const unsigned char dateonly_pct[NCLASS] = { 15, 60, 40, 50, 50 };
	const struct modus *m;
	const struct place *p;
	unsigned x, tod;
	double v;
	struct rng r;

	rng_init(&r, g->seed, ST_SEIZURE, i);
	memset(sd, 0, sizeof *sd);
	sd->idx = i;
	sd->cas = cd->idx;
	sd->modus = cd->modus;
	/* One seizure in five is of a related modus: same trade, same kind of
	 * place, same network. */
	if (!first && rng_pct(&r, 20)) {
		unsigned alt[NMODUS], n = 0;

		for (unsigned k = 0; k < NMODUS; k++)
			if (k != cd->modus && modi[k].cat == modi[cd->modus].cat &&
			    modi[k].cls == modi[cd->modus].cls && modi[k].net == modi[cd->modus].net)
				alt[n++] = k;
		if (n)
			sd->modus = alt[rng_below(&r, n)];
	}
	m = &modi[sd->modus];
	sd->place = cd->place;
	if (!first && (sd->modus != cd->modus || rng_pct(&r, 30)))
		sd->place = pick_place(&r, m);
	p = &places[sd->place];

	tod = m->cls == C_AIR ? rng_below(&r, 288) * 300 : (6 * 12 + rng_below(&r, 14 * 12)) * 300;
	sd->t = (cd->day + (first ? 0 : rng_range(&r, 1, 150))) * DAY + tod;
	sd->dateonly = rng_pct(&r, dateonly_pct[m->cls]);

	v = rng_skewed(&r, m->qmin, m->qmax);
	if (m->unit == U_PACKS)
		v = (double)((int64_t)(v / 10 + 0.5) * 10);
	else if (m->unit == U_PCS && v > 10000)
		v = (double)((int64_t)(v / 100 + 0.5) * 100);
	sd->qty = round_to(v, m->dec);
	if (sd->qty <= 0)
		sd->qty = m->dec ? 0.1 : 1;

	sd->ccy = m->ccy ? m->ccy : (m->cls == C_LAND || m->cls == C_INLAND) ? CY_VND : CY_USD;
	if (m->cat == K_CURR) {
		sd->value = (int64_t)sd->qty * 100;
	} else {
		v = sd->qty * m->price * (0.7 + 0.6 * rng_unit(&r));
		if (sd->ccy == CY_VND) {
			int64_t q = v * vnd_rate(sd->t) >= 1e8 ? 1000000 : 1000;

			sd->value = (int64_t)(v * (double)vnd_rate(sd->t) / (double)q + 0.5) * q;
		} else {
			sd->value = (int64_t)(v + 0.5);
		}
	}

	x = rng_below(&r, 100);
	sd->det = m->det[x < 60 ? 0 : x < 85 ? 1 : 2];
	sd->tm = class_mode(p, m);
	/* Intelligence comes graded; what officers see themselves does not. */
	if ((sd->det == DT_INTEL || sd->det == DT_TIP) && rng_pct(&r, 60))
		sd->grade = 1 + rng_range(&r, 1, 3) * 6 + rng_range(&r, 1, 2);

	if (m->cls == C_LAND) {
		memcpy(sd->origin, p->nbcc, 3);
		sd->nb = p->nb[rng_below(&r, 2)];
	} else {
		pick_origin(&r, m->origins, sd->origin);
	}
	sd->tpl = m->cls == C_LAND || m->cls == C_INLAND ? -1 :
	    pick_template(&r, m->cls, m->dir == DIR_EXPORT, sd->origin);
	/* Porters walk from the nearest village, not from Phnom Penh. */
	sd->want_route = (sd->tpl >= 0 || m->cls == C_LAND) && sd->tm != TM_FOOT &&
	    rng_pct(&r, route_pct[m->cls]);
}

/* --- formatting for summaries ---------------------------------------------- */

/* "2.85 kg", "12,500 packs". */
static void
fmt_qty(char *b, size_t len, double q, unsigned unit, unsigned dec)
{
	char num[48], out[64], *dot;
	size_t n, k = 0, ilen;

	snprintf(num, sizeof num, "%.*f", (int)dec, q);
	if (dec) {
		for (n = strlen(num); num[n - 1] == '0'; n--)
			num[n - 1] = '\0';
		if (num[n - 1] == '.')
			num[n - 1] = '\0';
	}
	dot = strchr(num, '.');
	ilen = dot ? (size_t)(dot - num) : strlen(num);
	for (size_t i = 0; i < ilen; i++) {
		if (i && (ilen - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = num[i];
	}
	snprintf(out + k, sizeof out - k, "%s", dot ? dot : "");
	snprintf(b, len, "%s %s", out, unit_word[unit]);
}

/* --- cases ---------------------------------------------------------------------- */

static json_t *
case_json(struct gen *g, const struct cdraw *cd, const struct sdraw *s0)
{
	const struct modus *m = &modi[cd->modus];
	const struct place *p = &places[cd->place];
	char title[256], summary[1200], qty[80], when[40], date[11];
	const char *office = p->office;
	json_t *o = record(g, KIND_CASE, 'c', cd->idx), *tags = json_array();
	struct rng r;
	size_t n;

	rng_init(&r, g->seed, ST_CASETEXT, cd->idx);
	if (cd->net && rng_pct(&r, 50))
		office = "Anti-Smuggling and Investigation Department";
	snprintf(title, sizeof title, "%s, %s", m->title, p->brief);
	put_str(o, "title", title);
	put_shared(o, "status", g->j_status[cd->status]);
	put_str(o, "office", office);
	put_ascii(o, "lead", users[cd->lead]);
	fmt_date(date, cd->day * DAY);
	put_ascii(o, "opened_on", date);

	fmt_qty(qty, sizeof qty, s0->qty, modi[s0->modus].unit, modi[s0->modus].dec);
	fmt_long_date(when, sizeof when, s0->t);
	n = (size_t)snprintf(summary, sizeof summary,
	    "On %s officers of %s seized %s of %s at %s. %s. Detected by %s.",
	    when, places[s0->place].office, qty, modi[s0->modus].desc,
	    places[s0->place].name, modi[s0->modus].detail, det_phrase[s0->det]);
	if (cd->net && n < sizeof summary)
		n += (size_t)snprintf(summary + n, sizeof summary - n, " %s", net_desc[cd->net]);
	if (cd->nseiz > 1 && n < sizeof summary)
		n += (size_t)snprintf(summary + n, sizeof summary - n,
		    " Follow-up seizures are recorded under this case.");
	put_str(o, "summary", summary);
	put_shared(o, "tlp", g->j_tlp[cd->tlp]);

	if (cd->net)
		json_array_append_new(tags, json_string(net_tag[cd->net]));
	if (m->cat == K_WILD || m->cat == K_TIMB)
		json_array_append_new(tags, json_string("cites"));
	if (rng_pct(&r, 20))
		json_array_append_new(tags, json_string("joint-op"));
	if ((m->cls == C_AIR || m->cls == C_SEA) && rng_pct(&r, 8))
		json_array_append_new(tags, json_string("interpol"));
	if (rng_pct(&r, 8))
		json_array_append_new(tags, json_string("media-release"));
	if (s0->ccy == CY_USD ? s0->value >= 1000000 : s0->value >= 20000000000LL)
		json_array_append_new(tags, json_string("priority"));
	put(o, "tags", tags);
	return o;
}

/* --- routes ---------------------------------------------------------------------- */

/* How long legs, stops and the last wait before the seizure take. */
static int64_t
leg_time(struct rng *r, unsigned tm)
{
	switch (tm) {
	case TM_AIR: return (3 + rng_below(r, 10)) * HOUR + rng_below(r, 12) * 300;
	case TM_SEA: return (5 + rng_below(r, 18)) * DAY + rng_below(r, 24) * HOUR;
	case TM_POST: case TM_EXPRESS: return (1 + rng_below(r, 3)) * DAY;
	default: return (2 + rng_below(r, 9)) * HOUR + rng_below(r, 12) * 300;
	}
}

static int64_t
stop_time(struct rng *r, unsigned tm)
{
	switch (tm) {
	case TM_AIR: return (2 + rng_below(r, 8)) * HOUR + rng_below(r, 12) * 300;
	case TM_SEA: return (1 + rng_below(r, 4)) * DAY + rng_below(r, 24) * HOUR;
	case TM_POST: case TM_EXPRESS: return rng_below(r, 24) * HOUR;
	default: return (1 + rng_below(r, 6)) * HOUR;
	}
}

static int64_t
wait_time(struct rng *r, unsigned tm)
{
	switch (tm) {
	case TM_AIR: return (30 + rng_below(r, 90)) * 60;
	case TM_SEA: return (1 + rng_below(r, 12)) * DAY;
	case TM_POST: case TM_EXPRESS: return (1 + rng_below(r, 4)) * DAY;
	default: return rng_below(r, 120) * 60;
	}
}

static json_t *
route_json(struct gen *g, const struct sdraw *sd, uint64_t rno)
{
	const struct rtpl *t = sd->tpl >= 0 ? &tpls[sd->tpl] : NULL;
	const struct place *p = &places[sd->place];
	unsigned pts[5], n = 0, tm = sd->tm;
	const char *car[4] = { NULL, NULL, NULL, NULL };
	int exp = t && t->exp;
	int64_t dep[4], arr[4], cur;
	json_t *o = record(g, KIND_ROUTE, 'r', rno), *legs = json_array();
	char b[24];
	struct rng r;

	rng_init(&r, g->seed, ST_ROUTE, sd->idx);
	if (t == NULL) {
		pts[n++] = sd->nb;
		pts[n++] = p->pt;
	} else if (exp) {
		pts[n++] = p->pt;
		for (unsigned k = 0; k < t->n; k++) {
			pts[n++] = t->pt[k];
			car[k] = t->car[k];
		}
	} else {
		for (unsigned k = 0; k < t->n; k++) {
			pts[n++] = t->pt[k];
			car[k] = t->car[k];
		}
		pts[n++] = p->pt;
	}
	if (t && t->cls == C_EXPR)
		car[0] = t->car[tm == TM_POST ? 1 : 0];

	/* Imports end shortly before the seizure; a seized export never left,
	 * so its legs carry no times. */
	cur = sd->t - wait_time(&r, tm);
	for (int k = (int)n - 2; k >= 0; k--) {
		arr[k] = cur;
		dep[k] = cur - leg_time(&r, tm);
		cur = dep[k] - stop_time(&r, tm);
	}
	for (unsigned k = 0; k + 1 < n; k++) {
		json_t *leg = json_object();

		put_shared(leg, "from", g->j_pt[pts[k]]);
		put_shared(leg, "to", g->j_pt[pts[k + 1]]);
		put_shared(leg, "mode", g->j_mode[tm]);
		if (car[k])
			put_str(leg, "carrier", car[k]);
		if (!exp) {
			fmt_datetime(b, dep[k]);
			put_ascii(leg, "departed_at", b);
			fmt_datetime(b, arr[k]);
			put_ascii(leg, "arrived_at", b);
		}
		json_array_append_new(legs, leg);
	}
	put(o, "legs", legs);
	return o;
}

/* --- seizures -------------------------------------------------------------------- */

/*
 * Seizure lines, the bulk of a benchmark file, are assembled from parts
 * that jansson encoded: one small object per line for what varies (ref,
 * case, route, date, quantity, value), and fragments for the rest, encoded
 * once when first needed. jansson's encoder walks strings one UTF-8
 * character at a time and runs a loop check (a formatted pointer and a
 * hash-table insert) for every object it writes; encoding the long place
 * and concealment texts and six nested objects again on every line was
 * four fifths of the cost.
 *
 * A fragment is an encoded object without its braces; the line buffer
 * always holds a complete object, and appending means putting a comma
 * where its closing brace was.
 */
static int
make_frag(struct gen *g, json_t *o, struct frag *f)
{
	size_t n = dump_at(g, o, 0);

	json_decref(o);
	if (n < 2 || (f->s = malloc(n)) == NULL) {
		g->nomem = 1;
		return -1;
	}
	memcpy(f->s, g->buf + 1, n - 2);
	f->n = n - 2;
	return 0;
}

static json_t *
obj1(const char *k, json_t *shared)
{
	json_t *o = json_object();

	put_shared(o, k, shared);
	return o;
}

static void
seizure_frags(struct gen *g)
{
	make_frag(g, obj1("kind", g->j_kind[KIND_SEIZURE]), &g->f_kind);
	for (unsigned i = 0; i < 36; i++)
		make_frag(g, obj1("grading", g->j_grade[i]), &g->f_grade[i]);
	for (unsigned i = 0; i < NELEM(tlp_name); i++)
		make_frag(g, obj1("tlp", g->j_tlp[i]), &g->f_tlp[i]);
	for (unsigned i = 0; i < NMODUS; i++)
		if (g->j_mtags[i])
			make_frag(g, obj1("tags", g->j_mtags[i]), &g->f_tags[i]);
	g->frag = calloc((size_t)NMODUS * NPLACE * NELEM(det_name), sizeof *g->frag);
	if (g->frag == NULL)
		g->nomem = 1;

	g->sl.ref = json_string("");
	g->sl.cas = json_string("");
	g->sl.route = json_string("");
	g->sl.when = json_string("");
	g->sl.amount[0] = json_integer(0);
	g->sl.amount[1] = json_real(0);
	g->sl.sum = json_integer(0);
	for (int k = 0; k < 2; k++) {
		g->sl.qty[k] = json_object();
		put(g->sl.qty[k], "amount", g->sl.amount[k]);
		put_shared(g->sl.qty[k], "unit", g->j_unit[0]);
	}
	g->sl.value = json_object();
	put(g->sl.value, "amount", g->sl.sum);
	put_shared(g->sl.value, "currency", g->j_ccy[CY_USD]);
	for (int k = 0; k < 2; k++) {
		json_t *o = g->sl.o[k] = json_object();

		put_shared(o, "ref", g->sl.ref);
		put_shared(o, "case", g->sl.cas);
		if (k)
			put_shared(o, "route", g->sl.route);
		put_shared(o, "occurred_at", g->sl.when);
		put_shared(o, "quantity", g->sl.qty[0]);
		put_shared(o, "value", g->sl.value);
	}
	/* The objects own them now. */
	json_decref(g->sl.ref);
	json_decref(g->sl.cas);
	json_decref(g->sl.route);
	json_decref(g->sl.when);
	json_decref(g->sl.value);
}

static void
set_refname(json_t *s, int at, char letter, uint64_t idx)
{
	char b[24], *p = b + sizeof b;
	uint64_t v = idx + 1;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	*--p = letter;
	if (at)
		*--p = '@';
	json_string_setn_nocheck(s, p, (size_t)(b + sizeof b - p));
}

static const struct frag *
seizure_middle(struct gen *g, const struct sdraw *sd)
{
	const struct modus *m = &modi[sd->modus];
	struct frag *f = &g->frag[((size_t)sd->modus * NPLACE + sd->place) * NELEM(det_name) + sd->det];
	json_t *o;

	if (f->s)
		return f;
	o = json_object();
	put_shared(o, "commodity", g->j_commodity[sd->modus]);
	put_shared(o, "location", g->j_loc[sd->place]);
	put_shared(o, "direction", g->j_dir[m->dir]);
	put_shared(o, "transport_mode", g->j_mode[sd->tm]);
	put_shared(o, "concealment", g->j_conceal[sd->modus]);
	put_shared(o, "detection", g->j_det[sd->det]);
	return make_frag(g, o, f) == 0 ? f : NULL;
}

static void
line_start(struct gen *g)
{
	g->buf[0] = '{';
	g->buf[1] = '}';
	g->n = 2;
}

static void
line_frag(struct gen *g, const struct frag *f)
{
	size_t pos = g->n - 1;

	if (f == NULL || g->nomem || reserve(g, g->n + f->n + 2) != 0)
		return;
	if (g->n > 2)
		g->buf[pos++] = ',';
	memcpy(g->buf + pos, f->s, f->n);
	pos += f->n;
	g->buf[pos++] = '}';
	g->n = pos;
}

/* Append the members of `o`, and drop it. */
static void
line_obj(struct gen *g, json_t *o)
{
	size_t pos = g->n > 2 ? g->n - 1 : 0, len = dump_at(g, o, pos);

	json_decref(o);
	if (len <= 2)
		return;
	if (pos)
		g->buf[pos] = ',';
	g->n = pos + len;
}

static void
seizure_emit(struct gen *g, const struct sdraw *sd, const struct cdraw *cd, int64_t route)
{
	const struct modus *m = &modi[sd->modus];
	/* Before the line is begun: a new fragment is encoded in the buffer. */
	const struct frag *mid = seizure_middle(g, sd);
	json_t *o = g->sl.o[route >= 0], *q = g->sl.qty[m->dec != 0];
	char b[24];

	set_refname(g->sl.ref, 0, 's', sd->idx);
	set_refname(g->sl.cas, 1, 'c', sd->cas);
	if (route >= 0)
		set_refname(g->sl.route, 1, 'r', (uint64_t)route);
	if (sd->dateonly)
		fmt_date(b, sd->t);
	else
		fmt_datetime(b, sd->t);
	json_string_set_nocheck(g->sl.when, b);
	if (m->dec)
		json_real_set(g->sl.amount[1], sd->qty);
	else
		json_integer_set(g->sl.amount[0], (json_int_t)sd->qty);
	json_object_set_nocheck(q, "unit", g->j_unit[m->unit]);
	json_object_set_nocheck(o, "quantity", q);
	json_integer_set(g->sl.sum, sd->value);
	json_object_set_nocheck(g->sl.value, "currency", g->j_ccy[sd->ccy]);

	line_start(g);
	line_frag(g, &g->f_kind);
	line_obj(g, json_incref(o));
	line_frag(g, mid);
	if (sd->grade)
		line_frag(g, &g->f_grade[sd->grade - 1]);
	if (cd->tlp != TLP_AMBER)
		line_frag(g, &g->f_tlp[cd->tlp]);
	if (g->j_mtags[sd->modus])
		line_frag(g, &g->f_tags[sd->modus]);
	if (!g->nomem)
		put_line(g, g->n);
}

/* --- entities ---------------------------------------------------------------------- */

static unsigned
ent_new(struct gen *g, const char *type, const char *name)
{
	json_t *o;
	json_t **ne;

	if ((ne = grow(g, g->ent, &g->aent, g->nent, sizeof *g->ent)) == NULL)
		return 0;
	g->ent = ne;
	o = record(g, KIND_ENTITY, 'e', g->nent);
	put_str(o, "type", type);
	put_str(o, "name", name);
	g->ent[g->nent] = o;
	return (unsigned)g->nent++;
}

static json_t *
ent(struct gen *g, unsigned e)
{
	return g->nomem ? NULL : g->ent[e];
}

static void
ent_set(struct gen *g, unsigned e, const char *k, const char *v)
{
	if (!g->nomem)
		put_str(g->ent[e], k, v);
}

static void
ent_ident(struct gen *g, unsigned e, const char *k, const char *v)
{
	json_t *ids;

	if (g->nomem)
		return;
	if ((ids = json_object_get(g->ent[e], "identifiers")) == NULL) {
		ids = json_object();
		put(g->ent[e], "identifiers", ids);
	}
	put_str(ids, k, v);
}

static void
ent_alias(struct gen *g, unsigned e, const char *alias)
{
	json_t *a;

	if (g->nomem)
		return;
	if ((a = json_object_get(g->ent[e], "aliases")) == NULL) {
		a = json_array();
		put(g->ent[e], "aliases", a);
	}
	json_array_append_new(a, json_string(alias));
}

static void
ent_tag(struct gen *g, unsigned e, const char *tag)
{
	json_t *a;

	if (g->nomem)
		return;
	if ((a = json_object_get(g->ent[e], "tags")) == NULL) {
		a = json_array();
		put(g->ent[e], "tags", a);
	}
	json_array_append_new(a, json_string(tag));
}

static void
random_digits(struct rng *r, char *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[i] = (char)('0' + rng_below(r, 10));
	b[n] = '\0';
}

static void
ent_passport(struct gen *g, unsigned e, const char *cc)
{
	char b[24];

	for (unsigned i = 0; i < NELEM(passport_fmt); i++)
		if (strcmp(passport_fmt[i].cc, cc) == 0) {
			size_t n = strlen(passport_fmt[i].prefix);

			memcpy(b, passport_fmt[i].prefix, n);
			random_digits(&g->er, b + n, passport_fmt[i].digits);
			ent_ident(g, e, "passport", b);
			return;
		}
}

/* Vietnamese citizen ID (CCCD): province, sex and century, year of birth,
 * then a serial. */
static void
ent_citizen_id(struct gen *g, unsigned e, const char *prov, int female, const char *born)
{
	char b[13];
	int y = atoi(born);

	memcpy(b, prov, 3);
	b[3] = (char)('0' + (y >= 2000 ? 2 : 0) + (female ? 1 : 0));
	b[4] = born[2];
	b[5] = born[3];
	random_digits(&g->er, b + 6, 6);
	ent_ident(g, e, "national_id", b);
}

static void
random_born(struct gen *g, char b[11], int from, int to)
{
	int64_t lo = days_from_civil(from, 1, 1), hi = days_from_civil(to, 12, 31);

	fmt_date(b, (lo + rng_below(&g->er, (unsigned)(hi - lo + 1))) * DAY);
}

static unsigned
person_named(struct gen *g, const char *name, const char *cc, int female,
    const char *born, const char *prov)
{
	unsigned e = ent_new(g, "person", name);

	ent_set(g, e, "nationality", cc);
	ent_set(g, e, "country", cc);
	ent_set(g, e, "born_on", born);
	ent_passport(g, e, cc);
	if (prov)
		ent_citizen_id(g, e, prov, female, born);
	return e;
}

static unsigned
person_vn(struct gen *g, int female, const char *prov)
{
	struct rng *r = &g->er;
	const struct name2 *s = &vn_surname[rng_pct(r, 30) ? 0 : rng_below(r, NELEM(vn_surname))];
	const struct name2 *mid = &vn_middle[female][rng_below(r, 6)];
	const struct name2 *giv = &vn_given[female][rng_below(r, 14)];
	char name[128], ascii[128], born[11];
	unsigned e;

	snprintf(name, sizeof name, "%s %s %s", s->vi, mid->vi, giv->vi);
	snprintf(ascii, sizeof ascii, "%s %s %s", s->ascii, mid->ascii, giv->ascii);
	random_born(g, born, 1962, 2001);
	if (prov == NULL)
		prov = provs[rng_below(r, NELEM(provs))].code;
	e = person_named(g, name, "VN", female, born, prov);
	if (strcmp(name, ascii) != 0 && rng_pct(r, 60))
		ent_alias(g, e, ascii);
	if (rng_pct(r, 15)) {
		const struct name2 *k = &vn_nick[rng_below(r, NELEM(vn_nick))];

		snprintf(name, sizeof name, "%s %s", giv->vi, k->vi);
		ent_alias(g, e, name);
	}
	return e;
}

/* The entity of listed foreigner k, made on first use: a name met again
 * is the same person, a repeat courier, not a namesake. */
static unsigned
person_foreign(struct gen *g, unsigned k)
{
	const struct fperson *f = &foreigners[k];
	char born[11];
	unsigned e;

	if (g->fent[k])
		return g->fent[k] - 1;
	random_born(g, born, 1965, 1999);
	e = person_named(g, f->name, f->cc, f->female, born, NULL);
	if (f->alias)
		ent_alias(g, e, f->alias);
	g->fent[k] = e + 1;
	return e;
}

static unsigned
foreigner(struct gen *g, const char *name)
{
	unsigned k = 0;

	while (k + 1 < NELEM(foreigners) && strcmp(foreigners[k].name, name) != 0)
		k++;
	return person_foreign(g, k);
}

/* A person of nationality cc: a listed foreigner of that country (not one
 * of the organisers), or a Vietnamese national. */
static unsigned
person_of(struct gen *g, const char *cc)
{
	unsigned cand[NELEM(foreigners)], n = 0;

	for (unsigned i = 0; i < NELEM(foreigners); i++)
		if (!foreigners[i].lead && strcmp(foreigners[i].cc, cc) == 0)
			cand[n++] = i;
	if (n == 0 || rng_pct(&g->er, 30))
		return person_vn(g, rng_pct(&g->er, 25), NULL);
	return person_foreign(g, cand[rng_below(&g->er, n)]);
}

static const char *
tax_prefix(const char *prov)
{
	for (unsigned i = 0; i < NELEM(provs); i++)
		if (strcmp(provs[i].code, prov) == 0)
			return provs[i].tax;
	return "01";
}

static unsigned
company_vn_named(struct gen *g, const char *name, const char *alias, const char *prov)
{
	char tax[16];
	unsigned e = ent_new(g, "company", name);

	ent_set(g, e, "country", "VN");
	if (alias)
		ent_alias(g, e, alias);
	memcpy(tax, tax_prefix(prov), 2);
	random_digits(&g->er, tax + 2, 8);
	ent_ident(g, e, "tax_id", tax);
	return e;
}

static unsigned
company_vn(struct gen *g)
{
	struct rng *r = &g->er;
	const struct name2 *k = &co_kind[rng_below(r, NELEM(co_kind))];
	const struct name2 *b = &co_brand[rng_below(r, NELEM(co_brand))];
	char name[200], alias[200];
	int jsc = rng_pct(r, 30);

	snprintf(name, sizeof name, "Công ty %s %s %s", jsc ? "Cổ phần" : "TNHH", k->vi, b->vi);
	snprintf(alias, sizeof alias, "%s %s %s", b->ascii, k->ascii, jsc ? "JSC" : "Co., Ltd");
	return company_vn_named(g, name, alias, provs[rng_below(r, NELEM(provs))].code);
}

static unsigned
company_foreign(struct gen *g, const char *cc)
{
	struct rng *r = &g->er;
	char name[200];
	unsigned e;

	for (unsigned i = 0; i < NELEM(foreign_co); i++) {
		const struct fco *f = &foreign_co[i];

		if (strcmp(f->cc, cc) != 0)
			continue;
		snprintf(name, sizeof name, "%s %s %s", f->a[rng_below(r, 4)],
		    f->b[rng_below(r, 4)], f->suffix);
		e = ent_new(g, "company", name);
		ent_set(g, e, "country", cc);
		return e;
	}
	return company_vn(g);
}

static unsigned
company_named(struct gen *g, const char *name, const char *cc)
{
	unsigned e = ent_new(g, "company", name);

	ent_set(g, e, "country", cc);
	return e;
}

static unsigned
vessel(struct gen *g, const struct vessel_name *vn)
{
	char imo[8], mmsi[10];
	unsigned e = ent_new(g, "vessel", vn->name);

	ent_set(g, e, "country", vn->flag);
	imo[0] = '9';
	random_digits(&g->er, imo + 1, 5);
	imo[6] = (char)('0' + cdn_imo_check_digit(imo));
	imo[7] = '\0';
	ent_ident(g, e, "imo", imo);
	for (unsigned i = 0; i < NELEM(mids); i++)
		if (strcmp(mids[i].flag, vn->flag) == 0)
			memcpy(mmsi, mids[i].mid, 3);
	random_digits(&g->er, mmsi + 3, 6);
	ent_ident(g, e, "mmsi", mmsi);
	return e;
}

static const struct boxco *
boxco_for(struct gen *g, const char *carrier)
{
	for (unsigned i = 0; i < NELEM(boxcos); i++)
		if (carrier && boxcos[i].carrier && strcmp(boxcos[i].carrier, carrier) == 0)
			return &boxcos[i];
	/* No carrier named, or one without its own boxes: a leasing company's. */
	return &boxcos[NELEM(boxcos) - 1 - rng_below(&g->er, 2)];
}

static unsigned
container(struct gen *g, const char *carrier)
{
	const struct boxco *bc = boxco_for(g, carrier);
	char code[12], name[40], bl[20];
	unsigned e;

	memcpy(code, bc->owner, 4);
	random_digits(&g->er, code + 4, 6);
	code[10] = (char)('0' + cdn_container_check_digit(code));
	code[11] = '\0';
	snprintf(name, sizeof name, "Container %s", code);
	e = ent_new(g, "container", name);
	ent_ident(g, e, "container", code);
	memcpy(bl, bc->scac, 4);
	random_digits(&g->er, bl + 4, 10);
	ent_ident(g, e, "bl", bl);
	return e;
}

static const struct dial *
dial_for(const char *cc)
{
	for (unsigned i = 0; i < NELEM(dials); i++)
		if (strcmp(dials[i].cc, cc) == 0)
			return &dials[i];
	return &dials[0];
}

static unsigned
phone(struct gen *g, const char *cc)
{
	const struct dial *d = dial_for(cc);
	char num[24];
	int n;
	unsigned e;

	n = snprintf(num, sizeof num, "+%s%s", d->code, d->pre[rng_below(&g->er, 4)]);
	random_digits(&g->er, num + n, d->rest);
	e = ent_new(g, "phone", num);
	ent_set(g, e, "country", d->cc);
	ent_ident(g, e, "phone", num);
	return e;
}

/* IBAN check digits: 98 minus the remainder of BBAN + country + "00". */
static void
make_iban(char *out, const char *cc, const char *bban)
{
	char re[40];
	int r = 0;

	snprintf(re, sizeof re, "%s%s00", bban, cc);
	for (const char *p = re; *p; p++)
		r = *p >= 'A' ? (r * 100 + (*p - 'A' + 10)) % 97 : (r * 10 + (*p - '0')) % 97;
	sprintf(out, "%s%02d%s", cc, 98 - r, bban);
}

static unsigned
account(struct gen *g, const char *cc, const char *holder)
{
	static const struct bank {
		const char *cc, *name, *code;
		unsigned char digits;
	} banks[] = {
		{ "AE", "Emirates NBD", "260", 16 }, { "AE", "Mashreq", "033", 16 },
		{ "GB", "Barclays", "BARC200000", 8 }, { "GB", "HSBC UK", "HBUK400000", 8 },
		{ "DE", "Commerzbank", "20040000", 10 }, { "DE", "Deutsche Bank", "10070000", 10 },
	};
	const struct bank *b = &banks[0];
	char bban[40], iban[44], name[200];
	unsigned cand[NELEM(banks)], n = 0, e;
	size_t k;

	for (unsigned i = 0; i < NELEM(banks); i++)
		if (strcmp(banks[i].cc, cc) == 0)
			cand[n++] = i;
	if (n)
		b = &banks[cand[rng_below(&g->er, n)]];
	k = strlen(b->code);
	memcpy(bban, b->code, k);
	/* UK sort codes are six digits after the bank's four letters. */
	if (strcmp(b->cc, "GB") == 0)
		random_digits(&g->er, bban + 8, 2), k = 10;
	random_digits(&g->er, bban + k, b->digits);
	make_iban(iban, b->cc, bban);
	snprintf(name, sizeof name, "%s account of %s", b->name, holder);
	e = ent_new(g, "account", name);
	ent_set(g, e, "country", b->cc);
	ent_ident(g, e, "iban", iban);
	return e;
}

static unsigned
vehicle(struct gen *g, const struct place *p, char kind, int chinese)
{
	static const char *const models[3][4] = {
		{ "Hino 500 truck", "Isuzu N-series truck", "Hyundai HD210 truck", "Thaco Ollin truck" },
		{ "Toyota Innova", "Toyota Fortuner", "Kia Morning", "Mazda CX-5" },
		{ "Thaco Universe coach", "Hyundai Universe coach", "Samco Felix bus", "Ford Transit minibus" },
	};
	char plate[32], name[96], d[6];
	unsigned row = kind == 'C' ? 0 : kind == 'A' ? 1 : 2, e;

	random_digits(&g->er, d, 5);
	if (chinese && p->cnplate) {
		snprintf(plate, sizeof plate, "%s·%s", p->cnplate, d);
		snprintf(name, sizeof name, "Dongfeng truck %s", plate);
	} else {
		snprintf(plate, sizeof plate, "%s%c-%.3s.%.2s", p->plate ? p->plate : "29", kind, d, d + 3);
		snprintf(name, sizeof name, "%s %s", models[row][rng_below(&g->er, 4)], plate);
	}
	e = ent_new(g, "vehicle", name);
	ent_set(g, e, "country", chinese && p->cnplate ? "CN" : "VN");
	ent_ident(g, e, "plate", plate);
	return e;
}

/* Air waybill: airline prefix, 7-digit serial, check digit = serial mod 7. */
static unsigned
parcel(struct gen *g, const char *cc, int post)
{
	static const char *const prefixes[] = { "157", "071", "176", "738", "235", "180" };
	char name[64], serial[8], awb[16];
	unsigned e;

	random_digits(&g->er, serial, 7);
	if (post) {
		/* UPU S10 item id: weights 8 6 4 2 3 5 9 7, mod 11. */
		static const unsigned char w[8] = { 8, 6, 4, 2, 3, 5, 9, 7 };
		char d8[9];
		unsigned s = 0, c;

		random_digits(&g->er, d8, 8);
		for (int i = 0; i < 8; i++)
			s += (unsigned)(d8[i] - '0') * w[i];
		c = 11 - s % 11;
		c = c == 10 ? 0 : c == 11 ? 5 : c;
		snprintf(name, sizeof name, "Postal parcel E%c%s%u%s", 'A' + rng_below(&g->er, 26), d8, c, cc);
		e = ent_new(g, "parcel", name);
	} else {
		snprintf(awb, sizeof awb, "%s-%s%ld", prefixes[rng_below(&g->er, NELEM(prefixes))],
		    serial, atol(serial) % 7);
		snprintf(name, sizeof name, "Express parcel, AWB %s", awb);
		e = ent_new(g, "parcel", name);
		ent_ident(g, e, "awb", awb);
	}
	ent_set(g, e, "country", cc);
	return e;
}

static unsigned
aircraft(struct gen *g, const struct flight *f)
{
	char name[128];
	unsigned e;

	snprintf(name, sizeof name, "%s flight %s (%s)", f->carrier, f->flight, f->airframe);
	e = ent_new(g, "aircraft", name);
	ent_set(g, e, "country", f->cc);
	ent_ident(g, e, "flight", f->flight);
	return e;
}

static unsigned
address(struct gen *g, const char *text, const char *cc)
{
	unsigned e = ent_new(g, "address", text);

	ent_set(g, e, "country", cc);
	return e;
}

/* --- links ---------------------------------------------------------------------- */

static void
link_add(struct gen *g, char fk, uint64_t fi, char tk, uint64_t ti, const char *type,
    int32_t since, unsigned grade)
{
	struct glink *nl;

	if ((nl = grow(g, g->lnk, &g->alnk, g->nlnk, sizeof *g->lnk)) == NULL)
		return;
	g->lnk = nl;
	g->lnk[g->nlnk++] = (struct glink){ fk, tk, (unsigned)fi, (unsigned)ti, type, since,
		(unsigned char)grade };
}

#define NO_SINCE INT32_MIN

/* Entity-to-entity link. */
static void
elink(struct gen *g, unsigned from, unsigned to, const char *type)
{
	link_add(g, 'e', from, 'e', to, type, NO_SINCE, 0);
}

/* The same relation is learnt from several seizures; record it once. */
static void
elink_once(struct gen *g, unsigned from, unsigned to, const char *type, unsigned grade)
{
	for (size_t i = 0; i < g->nlnk; i++) {
		const struct glink *l = &g->lnk[i];

		if (l->fk == 'e' && l->tk == 'e' && l->type == type &&
		    ((l->fi == from && l->ti == to) || (l->fi == to && l->ti == from)))
			return;
	}
	if (from != to)
		link_add(g, 'e', from, 'e', to, type, NO_SINCE, grade);
}

static void
elink_since(struct gen *g, unsigned from, unsigned to, const char *type, int y, unsigned m)
{
	link_add(g, 'e', from, 'e', to, type, (int32_t)days_from_civil(y, m, 1), 0);
}

static json_t *
link_json(struct gen *g, const struct glink *l)
{
	json_t *o = record(g, KIND_LINK, 0, 0);
	char b[11];

	put_ref(o, "from", l->fk, l->fi);
	put_ref(o, "to", l->tk, l->ti);
	put_ascii(o, "type", l->type);
	if (l->since != NO_SINCE) {
		fmt_date(b, (int64_t)l->since * DAY);
		put_ascii(o, "since", b);
	}
	if (l->grade)
		put_shared(o, "grading", g->j_grade[l->grade - 1]);
	return o;
}

/* --- the networks ----------------------------------------------------------------- */

#define GRADE(s, i)	(1 + ((s) - 'A') * 6 + ((i) - 1))

static const struct place *
place_named(const char *brief)
{
	for (unsigned i = 0; i < NPLACE; i++)
		if (strcmp(places[i].brief, brief) == 0)
			return &places[i];
	return &places[0];
}

static void
build_cast(struct gen *g)
{
	struct cast *c = &g->c;
	unsigned e;

	/* Wildlife: an importer in Hai Phong and its circle. */
	c->hung = person_named(g, "Nguyễn Văn Hùng", "VN", 0, "1972-03-14", "031");
	ent_alias(g, c->hung, "Nguyen Van Hung");
	ent_alias(g, c->hung, "Hùng Béo");
	ent_alias(g, c->hung, "Hung Beo");
	ent_tag(g, c->hung, "known-offender");
	put(ent(g, c->hung), "grading", json_incref(g->j_grade[GRADE('B', 2) - 1]));
	c->mai = person_named(g, "Trần Thị Mai", "VN", 1, "1976-09-02", "031");
	ent_alias(g, c->mai, "Tran Thi Mai");
	c->ducanh = person_named(g, "Lê Đức Anh", "VN", 0, "1988-11-21", "031");
	c->bao = person_named(g, "Phạm Quốc Bảo", "VN", 0, "1980-06-30", "079");
	ent_alias(g, c->bao, "Pham Quoc Bao");
	c->chinedu = foreigner(g, "Chinedu Okafor");
	ent_tag(g, c->chinedu, "known-offender");
	c->abdi = foreigner(g, "Mohamed Abdi Hassan");
	c->wang = foreigner(g, "Wang Jianguo");
	c->minhphat = company_vn_named(g, "Công ty TNHH Thương mại Minh Phát",
	    "Minh Phat Trading Co., Ltd", "031");
	c->golden = company_vn_named(g, "Golden Delta Trading Co., Ltd",
	    "Công ty TNHH Thương mại Châu Thổ Vàng", "079");
	c->hailong = company_vn_named(g, "Hải Long Logistics JSC",
	    "Công ty Cổ phần Logistics Hải Long", "031");
	ent_alias(g, c->hailong, "Hai Long Logistics JSC");
	c->afrigreen = company_named(g, "Afrigreen Agro Exports Ltd", "NG");
	c->kilindini = company_named(g, "Kilindini Coastal Produce Ltd", "KE");
	c->alnoor = company_named(g, "Al Noor General Trading LLC", "AE");
	c->shipco = company_named(g, "Asian Star Shipping Limited", "HK");
	for (unsigned i = 0; i < 3; i++) {
		c->vessels[i] = vessel(g, &vessel_names[i]);
		elink(g, c->shipco, c->vessels[i], "owner_of");
	}
	c->acct = account(g, "AE", "Al Noor General Trading LLC");
	c->hung_phone = phone(g, "VN");
	c->wang_phone = phone(g, "CN");
	/* A partner's report of the same man, before anyone matched the names. */
	c->hung_dup = ent_new(g, "person", "NGUYEN VAN HUNG");
	ent_set(g, c->hung_dup, "nationality", "VN");
	ent_set(g, c->hung_dup, "born_on", "1972-03-14");
	put(ent(g, c->hung_dup), "tlp", json_incref(g->j_tlp[TLP_GREEN]));
	ent_tag(g, c->hung_dup, "partner-report");

	elink_since(g, c->hung, c->minhphat, "director_of", 2014, 3);
	elink_since(g, c->mai, c->hailong, "director_of", 2017, 8);
	link_add(g, 'e', c->hung, 'e', c->mai, "family_of", NO_SINCE, GRADE('A', 1));
	elink_since(g, c->ducanh, c->hailong, "employee_of", 2019, 5);
	elink_since(g, c->bao, c->golden, "director_of", 2018, 1);
	elink_since(g, c->bao, c->alnoor, "director_of", 2020, 2);
	link_add(g, 'e', c->bao, 'e', c->hung, "associate_of", NO_SINCE, GRADE('B', 2));
	elink_since(g, c->chinedu, c->afrigreen, "director_of", 2015, 6);
	link_add(g, 'e', c->chinedu, 'e', c->hung, "associate_of", NO_SINCE, GRADE('B', 2));
	elink_since(g, c->abdi, c->kilindini, "director_of", 2016, 10);
	link_add(g, 'e', c->abdi, 'e', c->chinedu, "associate_of", NO_SINCE, GRADE('C', 3));
	link_add(g, 'e', c->wang, 'e', c->hung, "associate_of", NO_SINCE, GRADE('C', 3));
	elink(g, c->hung, c->hung_phone, "used");
	elink(g, c->wang, c->wang_phone, "used");
	elink(g, c->hung, c->acct, "used");
	elink(g, c->acct, c->alnoor, "registered_to");
	e = account(g, "GB", "Afrigreen Agro Exports Ltd");
	elink(g, e, c->afrigreen, "registered_to");
	elink(g, c->chinedu, e, "used");
	ent_ident(g, c->minhphat, "email", "xnk.minhphat@minhphat-trading.vn");
	ent_ident(g, c->golden, "email", "accounts@goldendelta.com.vn");
	ent_ident(g, c->afrigreen, "email", "exports@afrigreen-agro.com.ng");
	link_add(g, 'e', c->hung_dup, 'e', c->hung, "same_as", NO_SINCE, GRADE('B', 2));
	e = address(g, "Số 45 Lê Hồng Phong, Đông Khê, Ngô Quyền, Hải Phòng", "VN");
	elink(g, c->minhphat, e, "registered_to");
	elink(g, c->hailong, e, "registered_to");
	e = address(g, "Số 128 Nguyễn Tất Thành, Phường 13, Quận 4, Thành phố Hồ Chí Minh",
	    "VN");
	elink(g, c->golden, e, "registered_to");

	/* Couriers by air, organised from Ho Chi Minh City. */
	c->hang = person_named(g, "Đỗ Thị Hằng", "VN", 1, "1983-12-05", "079");
	ent_alias(g, c->hang, "Do Thi Hang");
	ent_alias(g, c->hang, "Hằng Xoăn");
	ent_tag(g, c->hang, "known-offender");
	c->emeka = foreigner(g, "Emeka Nwosu");
	c->hang_phone = phone(g, "VN");
	elink(g, c->hang, c->hang_phone, "used");
	elink(g, c->emeka, phone(g, "NG"), "used");
	link_add(g, 'e', c->emeka, 'e', c->hang, "associate_of", NO_SINCE, GRADE('B', 3));
	/* Couriers are paid through a Dubai front company. */
	e = company_named(g, "Gulf Crest General Trading LLC", "AE");
	elink(g, c->hang, e, "director_of");
	c->hang_acct = account(g, "AE", "Gulf Crest General Trading LLC");
	elink(g, c->hang_acct, e, "registered_to");
	elink(g, c->hang, c->hang_acct, "used");
	{
		static const char *const names[] = { "Aung Ko Ko", "João Pereira da Silva",
			"Moses Ssemakula", "Ngozi Eze", "Thabo Mokoena" };

		for (unsigned i = 0; i < NELEM(names); i++)
			c->couriers[c->ncouriers++] = foreigner(g, names[i]);
		c->couriers[c->ncouriers++] = person_vn(g, 1, "079");
	}
	for (unsigned i = 0; i < NELEM(flights); i++)
		c->aircraft[i] = aircraft(g, &flights[i]);

	/* Cigarettes from Cambodia through Tây Ninh. */
	c->tai = person_named(g, "Phan Văn Tài", "VN", 0, "1969-07-19", "072");
	ent_alias(g, c->tai, "Phan Van Tai");
	ent_alias(g, c->tai, "Tài Sẹo");
	ent_tag(g, c->tai, "known-offender");
	c->donga = company_vn_named(g, "Công ty TNHH Vận tải Đông Á",
	    "Dong A Transport Co., Ltd", "072");
	elink_since(g, c->tai, c->donga, "director_of", 2012, 4);
	c->sokdara = foreigner(g, "Sok Dara");
	c->cambodian_co = company_named(g, "Bavet Angkor Trading Co., Ltd", "KH");
	elink(g, c->sokdara, c->cambodian_co, "director_of");
	link_add(g, 'e', c->sokdara, 'e', c->tai, "associate_of", NO_SINCE, GRADE('B', 2));
	for (unsigned i = 0; i < 3; i++) {
		c->trucks[i] = vehicle(g, place_named("Moc Bai"), 'C', 0);
		elink(g, c->trucks[i], c->donga, "registered_to");
		c->drivers[i] = person_vn(g, 0, "072");
		elink(g, c->drivers[i], c->donga, "employee_of");
		elink(g, c->drivers[i], c->trucks[i], "used");
	}

	/* Counterfeits by express from Shenzhen. */
	c->liwei = foreigner(g, "Li Wei");
	c->szco = company_named(g, "Shenzhen Huaxin Electronics Co., Ltd", "CN");
	ent_alias(g, c->szco, "深圳华信电子有限公司");
	ent_ident(g, c->szco, "email", "sales@huaxin-sz.com.cn");
	c->hkco = company_named(g, "Ever Bright Trading Limited", "HK");
	elink(g, c->liwei, c->szco, "director_of");
	elink(g, c->liwei, c->hkco, "director_of");
	for (unsigned i = 0; i < 3; i++) {
		c->recipients[i] = person_vn(g, i == 1, i == 2 ? "001" : "079");
		elink(g, c->recipients[i], phone(g, "VN"), "used");
	}
	link_add(g, 'e', c->recipients[0], 'e', c->recipients[1], "family_of", NO_SINCE, 0);

	/* Rosewood from Laos through Lao Bao. */
	c->bounmy = foreigner(g, "Bounmy Sisavath");
	c->laoco = company_named(g, "Savan Timber Export Sole Co., Ltd", "LA");
	elink(g, c->bounmy, c->laoco, "director_of");
	c->son = person_named(g, "Hồ Văn Sơn", "VN", 0, "1975-01-23", "045");
	ent_alias(g, c->son, "Ho Van Son");
	c->truongson = company_vn_named(g, "Công ty Cổ phần Gỗ Trường Sơn",
	    "Truong Son Timber JSC", "045");
	elink_since(g, c->son, c->truongson, "director_of", 2013, 9);
	link_add(g, 'e', c->bounmy, 'e', c->son, "associate_of", NO_SINCE, GRADE('B', 2));
	/* The buyer who ties the rosewood trade to the ivory ring. */
	link_add(g, 'e', c->wang, 'e', c->son, "associate_of", NO_SINCE, GRADE('C', 3));
	for (unsigned i = 0; i < 2; i++) {
		c->timber_trucks[i] = vehicle(g, place_named("Lao Bao"), 'C', 0);
		elink(g, c->timber_trucks[i], c->truongson, "registered_to");
	}

	/* Unaffiliated importers and vessels, reused across cases. */
	c->npool_co = NELEM(c->pool_co);
	for (unsigned i = 0; i < c->npool_co; i++)
		c->pool_co[i] = company_vn(g);
	for (unsigned i = 0; i < NELEM(c->pool_vessel); i++)
		c->pool_vessel[i] = vessel(g, &vessel_names[3 + i]);
}

static const char *
route_carrier(const struct sdraw *sd)
{
	const struct rtpl *t;

	if (sd->tpl < 0)
		return NULL;
	t = &tpls[sd->tpl];
	return t->car[t->exp ? 0 : t->n - 1];
}

static int
flight_of(const char *carrier)
{
	for (unsigned i = 0; carrier && i < NELEM(flights); i++)
		if (strcmp(flights[i].carrier, carrier) == 0)
			return (int)i;
	return -1;
}

/* Seizure to case link letters: 's' and 'c' with 0-based indexes. */
static void
slink(struct gen *g, unsigned from, const struct sdraw *sd, const char *type, unsigned grade)
{
	link_add(g, 'e', from, 's', sd->idx, type, NO_SINCE, grade);
}

static void
seized_from(struct gen *g, const struct sdraw *sd, unsigned e)
{
	link_add(g, 's', sd->idx, 'e', e, "seized_from", NO_SINCE, 0);
}

static void
involved(struct gen *g, unsigned e, const struct sdraw *sd)
{
	for (size_t i = 0; i < g->nlnk; i++) {
		const struct glink *l = &g->lnk[i];

		if (l->fk == 'e' && l->fi == e && l->tk == 'c' && l->ti == sd->cas)
			return;
	}
	link_add(g, 'e', e, 'c', sd->cas, "involved_in", NO_SINCE, 0);
}

/* The entities and links a demo seizure brings: who shipped, received,
 * carried or held the goods. */
static void
seizure_entities(struct gen *g, const struct cdraw *cd, const struct sdraw *sd)
{
	struct cast *c = &g->c;
	struct rng *r = &g->er;
	const struct modus *m = &modi[sd->modus];
	const struct place *p = &places[sd->place];
	const char *carrier = route_carrier(sd);
	unsigned e;
	int f;

	switch (cd->net) {
	case N_WILD:
		if (m->cls == C_SEA) {
			unsigned cons = cd->idx < 8 || rng_pct(r, 65) ? c->minhphat : c->golden;

			slink(g, cons, sd, "consignee_of", 0);
			if (strcmp(sd->origin, "NG") == 0)
				slink(g, c->afrigreen, sd, "consignor_of", 0);
			else if (strcmp(sd->origin, "KE") == 0 || strcmp(sd->origin, "TZ") == 0)
				slink(g, c->kilindini, sd, "consignor_of", 0);
			else
				slink(g, company_foreign(g, sd->origin), sd, "consignor_of", 0);
			/* A custom link type: the broker who lodged the declaration. */
			if (rng_pct(r, 50))
				slink(g, c->hailong, sd, "x-declarant_of", 0);
			e = container(g, carrier);
			seized_from(g, sd, e);
			elink(g, c->vessels[rng_below(r, 3)], e, "carrier_of");
			if (cons == c->golden)
				involved(g, c->bao, sd);
		}
		if (rng_pct(r, 40))
			involved(g, c->hung, sd);
		if (rng_pct(r, 50))
			involved(g, c->ducanh, sd);
		return;
	case N_AIRDRUG:
		e = rng_pct(r, 55) ? c->couriers[rng_below(r, c->ncouriers)] : person_of(g, sd->origin);
		seized_from(g, sd, e);
		involved(g, e, sd);
		if ((f = flight_of(carrier)) >= 0)
			elink_once(g, e, c->aircraft[f], "travelled_on", 0);
		if (rng_pct(r, 50))
			elink_once(g, c->hang, e, "associate_of", GRADE('B', 2));
		if (strcmp(sd->origin, "NG") == 0 || strcmp(sd->origin, "UG") == 0)
			elink_once(g, c->emeka, e, "associate_of", GRADE('C', 3));
		if (rng_pct(r, 30))
			involved(g, c->hang, sd);
		return;
	case N_TOBA:
		if (m->method == CM_FALSE || m->method == CM_VEHICLE) {
			unsigned k = rng_below(r, 3);

			seized_from(g, sd, c->trucks[k]);
			involved(g, c->drivers[k], sd);
		} else if (m->cls == C_INLAND) {
			involved(g, c->tai, sd);
		} else {
			e = person_vn(g, rng_pct(r, 30), "072");
			seized_from(g, sd, e);
			involved(g, e, sd);
		}
		if (rng_pct(r, 40))
			slink(g, c->cambodian_co, sd, "consignor_of", GRADE('C', 2));
		if (rng_pct(r, 25))
			involved(g, c->tai, sd);
		return;
	case N_FAKES:
		e = parcel(g, sd->origin, sd->tm == TM_POST);
		seized_from(g, sd, e);
		slink(g, strcmp(sd->origin, "HK") == 0 ? c->hkco : c->szco, sd, "consignor_of", 0);
		slink(g, c->recipients[rng_below(r, 3)], sd, "consignee_of", 0);
		return;
	case N_TIMB:
		slink(g, c->laoco, sd, "consignor_of", 0);
		slink(g, c->truongson, sd, "consignee_of", 0);
		seized_from(g, sd, c->timber_trucks[rng_below(r, 2)]);
		if (rng_pct(r, 40))
			involved(g, c->son, sd);
		return;
	}

	/* Outside the networks: the person, vehicle, box or parcel at hand. */
	switch (m->cls) {
	case C_AIR:
		if (m->method != CM_BODY && m->method != CM_BAGGAGE && m->method != CM_FALSE)
			break;
		if (!rng_pct(r, 70))
			break;
		e = m->dir == DIR_EXPORT ? person_vn(g, rng_pct(r, 30), p->prov) : person_of(g, sd->origin);
		seized_from(g, sd, e);
		involved(g, e, sd);
		if ((f = flight_of(carrier)) >= 0 && rng_pct(r, 60))
			elink(g, e, c->aircraft[f], "travelled_on");
		if (rng_pct(r, 30))
			elink(g, e, phone(g, rng_pct(r, 50) ? "VN" : sd->origin), "used");
		break;
	case C_SEA:
		if (rng_pct(r, 55))
			slink(g, c->pool_co[rng_below(r, c->npool_co)], sd,
			    m->dir == DIR_EXPORT ? "consignor_of" : "consignee_of", 0);
		if (m->method != CM_FALSE || m->cat != K_WILD) {
			if (rng_pct(r, 50)) {
				e = container(g, carrier);
				seized_from(g, sd, e);
				elink(g, c->pool_vessel[rng_below(r, NELEM(c->pool_vessel))], e,
				    "carrier_of");
			}
		} else {
			/* the fishing boat itself */
			char name[48];

			snprintf(name, sizeof name, "Fishing boat NA-%05u-TS", rng_range(r, 90000, 99999));
			e = ent_new(g, "vessel", name);
			ent_set(g, e, "country", "VN");
			seized_from(g, sd, e);
		}
		break;
	case C_LAND:
		if (m->method == CM_VEHICLE || m->method == CM_FALSE) {
			if (!rng_pct(r, 50))
				break;
			unsigned driver;

			e = vehicle(g, p, strstr(m->title, " bus ") ? 'B' : strstr(m->title, " car ") ?
			    'A' : 'C', strcmp(sd->origin, "CN") == 0 && rng_pct(r, 40));
			seized_from(g, sd, e);
			driver = person_vn(g, 0, p->prov);
			elink(g, driver, e, "used");
			involved(g, driver, sd);
		} else if (rng_pct(r, 30)) {
			e = person_vn(g, rng_pct(r, 30), p->prov);
			seized_from(g, sd, e);
			involved(g, e, sd);
		}
		break;
	case C_EXPR:
		if (!rng_pct(r, 50))
			break;
		e = parcel(g, sd->origin, sd->tm == TM_POST);
		seized_from(g, sd, e);
		if (rng_pct(r, 50)) {
			unsigned who = person_vn(g, rng_pct(r, 40), p->prov);

			slink(g, who, sd, "consignee_of", 0);
		}
		break;
	case C_INLAND:
		if (rng_pct(r, 40)) {
			e = person_vn(g, rng_pct(r, 40), p->prov);
			seized_from(g, sd, e);
			involved(g, e, sd);
		}
		break;
	}
}

/* --- the two modes --------------------------------------------------------------- */

/* Seizure i belongs to case i * cases / seizures; the product needs more
 * than 64 bits beyond 2^32 seizures. */
static uint64_t
bench_first(const struct gen *g, unsigned c)
{
	return (uint64_t)(((unsigned __int128)c * g->nseiz + g->ncases - 1) / g->ncases);
}

static unsigned
bench_case_of(const struct gen *g, uint64_t i)
{
	return (unsigned)(((unsigned __int128)i * g->ncases) / g->nseiz);
}

static uint64_t
first_of(const struct gen *g, unsigned c)
{
	return g->bench ? bench_first(g, c) : g->first[c];
}

static void
write_cases(struct gen *g)
{
	struct cdraw cd;
	struct sdraw s0;

	for (unsigned c = 0; c < g->ncases && !g->nomem; c++) {
		case_draw(g, c, &cd);
		/* A bench case past the last seizure (more cases than seizures)
		 * still quotes a seizure of its own kind in its summary. */
		seizure_draw(g, first_of(g, c), &cd, 1, &s0);
		emit(g, case_json(g, &cd, &s0));
	}
}

static void
demo_plan(struct gen *g)
{
	struct cdraw cd;

	if ((g->first = malloc(((size_t)g->ncases + 1) * sizeof *g->first)) == NULL) {
		g->nomem = 1;
		return;
	}
	g->first[0] = 0;
	for (unsigned c = 0; c < g->ncases; c++) {
		case_draw(g, c, &cd);
		g->first[c + 1] = g->first[c] + cd.nseiz;
	}
	g->nseiz = g->first[g->ncases];
}

/* Walk the demo's seizures in order: fn sees each with its route number
 * (or -1), numbered the same way on every walk. */
static void
demo_walk(struct gen *g, void (*fn)(struct gen *, const struct cdraw *,
    const struct sdraw *, int64_t))
{
	struct cdraw cd;
	struct sdraw sd;
	int64_t nr = 0;

	for (unsigned c = 0; c < g->ncases && !g->nomem; c++) {
		case_draw(g, c, &cd);
		for (uint64_t i = g->first[c]; i < g->first[c + 1]; i++) {
			seizure_draw(g, i, &cd, i == g->first[c], &sd);
			fn(g, &cd, &sd, sd.want_route ? nr++ : -1);
		}
	}
}

static void
walk_route(struct gen *g, const struct cdraw *cd, const struct sdraw *sd, int64_t rno)
{
	(void)cd;
	if (rno >= 0)
		emit(g, route_json(g, sd, (uint64_t)rno));
}

static void
walk_entities(struct gen *g, const struct cdraw *cd, const struct sdraw *sd, int64_t rno)
{
	(void)rno;
	seizure_entities(g, cd, sd);
}

static void
walk_seizure(struct gen *g, const struct cdraw *cd, const struct sdraw *sd, int64_t rno)
{
	/* Routes are written only with entities. */
	seizure_emit(g, sd, cd, g->with_entities ? rno : -1);
}

static void
write_entities(struct gen *g)
{
	for (size_t i = 0; i < g->nent && !g->nomem; i++)
		emit(g, json_incref(g->ent[i]));
}

static void
write_links(struct gen *g)
{
	for (size_t i = 0; i < g->nlnk && !g->nomem; i++)
		emit(g, link_json(g, &g->lnk[i]));
}

static void
demo(struct gen *g)
{
	demo_plan(g);
	write_cases(g);
	if (g->with_entities)
		demo_walk(g, walk_route);
	if (g->with_entities && !g->nomem) {
		build_cast(g);
		demo_walk(g, walk_entities);
		write_entities(g);
	}
	demo_walk(g, walk_seizure);
	if (g->with_entities)
		write_links(g);
}

/*
 * Bench mode: `nseiz` seizures spread evenly over the cases, streamed.
 * With entities, a modest fixed set of routes, entities and links; the
 * links to seizures are decided by a hash of the seizure index, so they
 * too are streamed without memory of the seizures.
 */
static unsigned
clampu(uint64_t v, unsigned lo, unsigned hi)
{
	return v < lo ? lo : v > hi ? hi : (unsigned)v;
}

static void
bench_routes(struct gen *g)
{
	unsigned want = clampu(g->ncases / 10, 8, 4000), cls, *nl;
	struct cdraw cd;
	struct sdraw sd;
	struct rng r;

	/* A route is drawn like a seizure of a random case; inland ones have
	 * none, so a few more draws than routes are allowed for. */
	for (unsigned a = 0; a < 2 * want && g->nroutes < want && !g->nomem; a++) {
		rng_init(&r, g->seed, ST_BENCHROUTE, a);
		case_draw(g, rng_below(&r, g->ncases), &cd);
		seizure_draw(g, g->nseiz + a, &cd, 1, &sd);
		cls = modi[sd.modus].cls;
		if (sd.tpl < 0 && cls != C_LAND)
			continue;
		if ((nl = realloc(g->broutes[cls], (g->nbroutes[cls] + 1) * sizeof *nl)) == NULL) {
			g->nomem = 1;
			return;
		}
		g->broutes[cls] = nl;
		nl[g->nbroutes[cls]++] = g->nroutes;
		emit(g, route_json(g, &sd, g->nroutes++));
	}
}

static void
bench_entities(struct gen *g)
{
	unsigned n = clampu(g->ncases / 40, 8, 1000);

	build_cast(g);
	g->nbpool_co = n + 3;
	g->nbpool_person = n;
	g->bpool_co = malloc(g->nbpool_co * sizeof *g->bpool_co);
	g->bpool_person = malloc(g->nbpool_person * sizeof *g->bpool_person);
	if (g->bpool_co == NULL || g->bpool_person == NULL) {
		g->nomem = 1;
		return;
	}
	g->bpool_co[0] = g->c.minhphat;
	g->bpool_co[1] = g->c.golden;
	g->bpool_co[2] = g->c.truongson;
	for (unsigned i = 3; i < g->nbpool_co; i++)
		g->bpool_co[i] = company_vn(g);
	for (unsigned i = 0; i < n; i++)
		g->bpool_person[i] = rng_pct(&g->er, 75) ? person_vn(g, rng_pct(&g->er, 30), NULL) :
		    person_foreign(g, rng_below(&g->er, NELEM(foreigners)));
	write_entities(g);
}

static void
bench_seizures(struct gen *g)
{
	struct cdraw cd;
	struct sdraw sd;
	unsigned cur = UINT32_MAX;

	for (uint64_t i = 0; i < g->nseiz && !g->nomem; i++) {
		unsigned c = bench_case_of(g, i);
		int64_t route = -1;

		if (c != cur) {
			case_draw(g, c, &cd);
			cur = c;
		}
		seizure_draw(g, i, &cd, i == bench_first(g, c), &sd);
		if (g->with_entities) {
			uint64_t h = mix64(g->seed, ST_ROUTEPICK, i);
			unsigned cls = modi[sd.modus].cls;

			if ((h >> 40) % 4 == 0 && g->nbroutes[cls])
				route = g->broutes[cls][(h >> 8) % g->nbroutes[cls]];
		}
		seizure_emit(g, &sd, &cd, route);
		if ((i & 0xfff) == 0 && ferror(g->out))
			return;
	}
}

static void
bench_links(struct gen *g)
{
	struct glink l;

	write_links(g);
	for (uint64_t i = 0; i < g->nseiz && !g->nomem; i++) {
		uint64_t h = mix64(g->seed, ST_SEIZURELINK, i);

		if (h % 10 == 0) {
			l = (struct glink){ 'e', 's', g->bpool_co[(h >> 16) % g->nbpool_co], (unsigned)i,
				"consignee_of", NO_SINCE, 0 };
			emit(g, link_json(g, &l));
		}
		if ((h >> 8) % 25 == 0) {
			l = (struct glink){ 's', 'e', (unsigned)i, g->bpool_person[(h >> 24) % g->nbpool_person],
				"seized_from", NO_SINCE, 0 };
			emit(g, link_json(g, &l));
		}
	}
	for (unsigned c = 0; c < g->ncases && !g->nomem; c++) {
		uint64_t h = mix64(g->seed, ST_CASELINK, c);

		if (h % 5 == 0) {
			l = (struct glink){ 'e', 'c', g->bpool_person[(h >> 16) % g->nbpool_person], c,
				"involved_in", NO_SINCE, 0 };
			emit(g, link_json(g, &l));
		}
	}
}

static void
bench(struct gen *g)
{
	write_cases(g);
	if (g->with_entities) {
		bench_routes(g);
		bench_entities(g);
	}
	bench_seizures(g);
	if (g->with_entities)
		bench_links(g);
}

int
cdn_gen_write(FILE *out, const struct cdn_gen_opts *opts)
{
	struct gen g;
	int rc = 0;

	memset(&g, 0, sizeof g);
	g.out = out;
	g.seed = opts->seed;
	g.ncases = opts->cases;
	g.nseiz = opts->seizures;
	g.bench = opts->seizures > 0;
	g.with_entities = opts->with_entities;
	/* Seizures need a case to belong to. */
	if (g.bench && g.ncases == 0)
		g.ncases = 1;
	rng_init(&g.er, g.seed, ST_ENTITY, 0);
	gen_init(&g);
	if (!g.nomem) {
		if (g.bench)
			bench(&g);
		else
			demo(&g);
	}
	/* Flushed here so that a failed write is reported here. */
	if (fflush(out) != 0 || ferror(out))
		rc = CDN_EIO;
	else if (g.nomem)
		rc = CDN_ENOMEM;
	gen_free(&g);
	return rc;
}
