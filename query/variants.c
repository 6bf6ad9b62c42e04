/* British and American spellings of one word (rules in variants.h). */
#include "kbsearch/variants.h"

#include <stdbool.h>
#include <string.h>

#include "kbsearch/tokenize.h"

/* Enough for every single rule and their few combinations on any real
 * word; past it the rarest combinations are dropped, never a crash. */
enum { MAX_CANDIDATES = 32 };

typedef struct candidate {
    char w[KB_TERM_MAX + 1]; /* NUL-terminated */
    size_t n;
    unsigned used; /* bit per family already applied to reach it */
} candidate;

typedef struct candidates {
    candidate c[MAX_CANDIDATES]; /* c[0] is the word itself */
    size_t n;
    unsigned used; /* `used` of the candidate being expanded, plus the family */
} candidates;

static bool is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static bool is_consonant(char c)
{
    return c >= 'a' && c <= 'z' && !is_vowel(c);
}

static bool has_vowel(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_vowel(s[i]))
            return true;
    return false;
}

/* Runs of vowels: a rough syllable count ("travel" 2, "fill" 1). */
static unsigned vowel_groups(const char *s, size_t n)
{
    unsigned g = 0;
    for (size_t i = 0; i < n; i++)
        if (is_vowel(s[i]) && (i == 0 || !is_vowel(s[i - 1])))
            g++;
    return g;
}

static bool ends_with(const char *w, size_t n, const char *end, size_t k)
{
    return n >= k && memcmp(w + n - k, end, k) == 0;
}

/* Adds a .. b .. c (three pieces) unless too long or already there. */
static void add(candidates *cs, const char *a, size_t an, const char *b, size_t bn,
                const char *c, size_t cn)
{
    size_t n = an + bn + cn;
    if (n > KB_TERM_MAX || cs->n == MAX_CANDIDATES)
        return;
    char w[KB_TERM_MAX + 1];
    memcpy(w, a, an);
    memcpy(w + an, b, bn);
    memcpy(w + an + bn, c, cn);
    w[n] = '\0';
    for (size_t i = 0; i < cs->n; i++)
        if (cs->c[i].n == n && memcmp(cs->c[i].w, w, n) == 0)
            return;
    candidate *out = &cs->c[cs->n++];
    memcpy(out->w, w, n + 1);
    out->n = n;
    out->used = cs->used;
}

/* ---- families that swap an ending ------------------------------------ */

typedef bool (*stem_guard)(const char *stem, size_t n);

typedef struct ending_family {
    const char *const (*pairs)[2]; /* {British ending, American ending} */
    size_t npairs;
    stem_guard guard; /* the same stem is judged in both directions */
} ending_family;

/* A consonant before -ise: the -ize verbs are built on consonant stems
 * (organ-, real-, critic-).  A vowel before it is praise, noise, cruise,
 * w is likewise/otherwise, v is advise/revise/supervise: words that take
 * -ise in every spelling.  Three letters keep wise, rise, size, prize. */
static bool ise_stem(const char *s, size_t n)
{
    return n >= 3 && is_consonant(s[n - 1]) && s[n - 1] != 'w' && s[n - 1] != 'v';
}

/* -yse/-yze is the Greek -lyse (analyse, paralyse, catalyse) only. */
static bool yse_stem(const char *s, size_t n)
{
    return n >= 3 && s[n - 1] == 'l';
}

/* -our words have a syllable before "our" (col-our, hon-our, od-our);
 * one letter is four, hour, your, tour, pour; a cluster without a vowel
 * is flour, scour (and scored/scoured).  An o before is floor/flour,
 * poor/pour; a, e, u before never alternate (theory, liquor); i does
 * (behaviour, saviour). */
static bool our_stem(const char *s, size_t n)
{
    if (n < 2 || !has_vowel(s, n))
        return false;
    char last = s[n - 1];
    return last != 'a' && last != 'e' && last != 'o' && last != 'u';
}

/* The stem ends in the t, b or v that -re follows (cent-re, fib-re,
 * manoeuv-re).  See variants.h for the reasons of each condition; they
 * keep enter/entre, letter, voter/votre, sober/sobre, timber/timbre and
 * member apart, and acre, genre, ogre out. */
static bool re_stem(const char *s, size_t n)
{
    if (n < 3)
        return false;
    char x = s[n - 1], prev = s[n - 2];
    if (x != 't' && x != 'b' && x != 'v')
        return false;
    if (prev == x || prev == 'o')
        return false;
    if (n == 3 && !(is_consonant(s[0]) && is_vowel(s[1])))
        return false;
    if (x == 'b')
        return prev == 'a' || prev == 'e' || prev == 'i' || prev == 'u' ||
               (prev == 'm' && n >= 4 && s[n - 3] == 'o');
    if (x == 'v')
        return prev == 'u'; /* the French -uvre: manoeuvre, louvre */
    return true;
}

/* The -ence/-ense pairs are the nouns of defend, offend, pretend and
 * licence: f, t or c before the ending.  Other -ence nouns (evidence,
 * silence, science, reference, presence) are -ence everywhere, and -ense
 * after d, s, p, m (dense, sense, expense, immense) is -ense everywhere.
 * Three letters keep fence and tense alone. */
static bool ence_stem(const char *s, size_t n)
{
    return n >= 3 && (s[n - 1] == 'c' || s[n - 1] == 'f' || s[n - 1] == 't');
}

/* -logue and -gogue (dialogue, catalogue, pedagogue); vogue, rogue,
 * brogue, pirogue have another letter before "ogue". */
static bool ogue_stem(const char *s, size_t n)
{
    return n >= 3 && (s[n - 1] == 'l' || s[n - 1] == 'g');
}

/* British English doubles the l after an unstressed final -el or -al
 * (travel, cancel, model, signal); two vowel groups are what tells a
 * two-syllable stem from fill, call, spell.  A vowel pair before the l
 * (reveal, fuel, dial) and -il, -ol, -ul are left alone: there the l is
 * doubled in both spellings (refill, control, annul) or the single-l
 * form is another word (refilled/refiled, unfilled/unfiled). */
static bool ll_stem(const char *s, size_t n)
{
    return n >= 3 && (s[n - 1] == 'a' || s[n - 1] == 'e') && is_consonant(s[n - 2]) &&
           vowel_groups(s, n) >= 2;
}

/* enrol-ment, fulfil-ment, instal-ment: the verbs with a stressed final
 * syllable, so any single vowel; ailment has a vowel pair. */
static bool lment_stem(const char *s, size_t n)
{
    return n >= 3 && is_vowel(s[n - 1]) && is_consonant(s[n - 2]) && vowel_groups(s, n) >= 2;
}

static bool dgement_stem(const char *s, size_t n)
{
    return n >= 3 && s[n - 1] == 'd';
}

static const char *const ise_pairs[][2] = {
    {"ise", "ize"},       {"ises", "izes"},       {"ised", "ized"},
    {"ising", "izing"},   {"iser", "izer"},       {"isers", "izers"},
    {"isation", "ization"}, {"isations", "izations"}, {"isational", "izational"},
    {"isable", "izable"},
};
static const char *const yse_pairs[][2] = {
    {"yse", "yze"}, {"yses", "yzes"}, {"ysed", "yzed"},
    {"ysing", "yzing"}, {"yser", "yzer"}, {"ysers", "yzers"},
};
static const char *const our_pairs[][2] = {
    {"our", "or"},         {"ours", "ors"},         {"oured", "ored"},
    {"ouring", "oring"},   {"ourings", "orings"},   {"ourer", "orer"},
    {"ourers", "orers"},   {"ourite", "orite"},     {"ourites", "orites"},
    {"ouritism", "oritism"}, {"ourable", "orable"}, {"ourably", "orably"},
    {"ourful", "orful"},   {"ourfully", "orfully"}, {"ourless", "orless"},
    {"ourhood", "orhood"}, {"ourhoods", "orhoods"}, {"oural", "oral"},
    {"ourally", "orally"}, {"ourist", "orist"},     {"ourists", "orists"},
    {"oury", "ory"},
};
static const char *const re_pairs[][2] = {
    {"re", "er"}, {"res", "ers"}, {"red", "ered"}, {"ring", "ering"},
};
static const char *const ence_pairs[][2] = {
    {"ence", "ense"}, {"ences", "enses"},
};
static const char *const ogue_pairs[][2] = {
    {"ogue", "og"},     {"ogues", "ogs"},   {"ogued", "oged"},
    {"oguing", "oging"}, {"oguer", "oger"}, {"oguers", "ogers"},
};
static const char *const ll_pairs[][2] = {
    {"lled", "led"},   {"lling", "ling"},     {"ller", "ler"},
    {"llers", "lers"}, {"llor", "lor"},       {"llors", "lors"},
    {"llation", "lation"}, {"llations", "lations"},
};
static const char *const lment_pairs[][2] = {
    {"lment", "llment"}, {"lments", "llments"},
};
static const char *const dgement_pairs[][2] = {
    {"gement", "gment"}, {"gements", "gments"}, {"gemental", "gmental"},
};

#define FAMILY(p, g) {p, sizeof p / sizeof *p, g}
static const ending_family ending_families[] = {
    FAMILY(ise_pairs, ise_stem),   FAMILY(yse_pairs, yse_stem),
    FAMILY(our_pairs, our_stem),   FAMILY(re_pairs, re_stem),
    FAMILY(ence_pairs, ence_stem), FAMILY(ogue_pairs, ogue_stem),
    FAMILY(ll_pairs, ll_stem),     FAMILY(lment_pairs, lment_stem),
    FAMILY(dgement_pairs, dgement_stem),
};
#define N_ENDING_FAMILIES (sizeof ending_families / sizeof *ending_families)

static void swap_ending(const ending_family *f, const char *w, size_t n, candidates *cs)
{
    for (size_t i = 0; i < f->npairs; i++)
        for (int side = 0; side < 2; side++) {
            const char *from = f->pairs[i][side], *to = f->pairs[i][!side];
            size_t k = strlen(from);
            if (ends_with(w, n, from, k) && f->guard(w, n - k))
                add(cs, w, n - k, to, strlen(to), "", 0);
        }
}

/* ---- families that drop a letter before e ----------------------------- */

/* Is the e at am[i] of an American spelling one that was written ae?
 * After a consonant or at the start (pae-diatric, aesthetic), not among
 * the last two letters (no inflection: Michael, algae), and before o
 * (archaeo-, palaeo-), "sth" (aesthetic, anaesthesia) or one consonant
 * and a vowel (paedi-, anaemi-, haemo-).  r is left out: "aer" is Greek
 * "air" (aerial, aerobic), not the ligature. */
static bool ae_at(const char *am, size_t n, size_t i)
{
    if (n < 5 || i + 3 > n || (i > 0 && !is_consonant(am[i - 1])))
        return false;
    char next = am[i + 1];
    if (next == 'o')
        return true;
    if (i + 4 <= n && memcmp(am + i + 1, "sth", 3) == 0)
        return true;
    return is_consonant(next) && next != 'r' && is_vowel(am[i + 2]);
}

/* Is the e at am[i] of an American spelling one that was written oe?
 * Only where oe is the Greek or French digraph and never two sounds (as
 * in does, poet, shoes, heroes): at the start before "st" or one
 * consonant and a vowel (oestrogen, oesophagus, oedema; not enter,
 * every), in consonant-euv (manoeuvre) and in -rrhoe- (diarrhoea). */
static bool oe_at(const char *am, size_t n, size_t i)
{
    if (i == 0)
        return n >= 5 && (memcmp(am + 1, "st", 2) == 0 ||
                          (is_consonant(am[1]) && am[1] != 'r' && is_vowel(am[2])));
    if (i + 3 <= n && am[i + 1] == 'u' && am[i + 2] == 'v')
        return is_consonant(am[i - 1]);
    return i >= 3 && memcmp(am + i - 3, "rrh", 3) == 0;
}

typedef bool (*e_rule)(const char *am, size_t n, size_t i);

/* Both directions of a digraph family: drop `letter` from "<letter>e"
 * when the American form passes `rule`, or put it back before an e that
 * does. */
static void swap_digraph(char letter, e_rule rule, const char *w, size_t n, candidates *cs)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (w[i] == letter && w[i + 1] == 'e') {
            char am[KB_TERM_MAX + 1];
            memcpy(am, w, i);
            memcpy(am + i, w + i + 1, n - i - 1);
            if (rule(am, n - 1, i))
                add(cs, am, n - 1, "", 0, "", 0);
        }
    for (size_t i = 0; i < n; i++)
        if (w[i] == 'e' && rule(w, n, i))
            add(cs, w, i, &letter, 1, w + i, n - i);
}

/* ---- all families ------------------------------------------------------ */

enum { FAMILY_AE = N_ENDING_FAMILIES, FAMILY_OE, N_FAMILIES };

static void apply(unsigned family, const char *w, size_t n, candidates *cs)
{
    if (family < N_ENDING_FAMILIES)
        swap_ending(&ending_families[family], w, n, cs);
    else if (family == FAMILY_AE)
        swap_digraph('a', ae_at, w, n, cs);
    else
        swap_digraph('o', oe_at, w, n, cs);
}

kb_status kb_spelling_variants(const char *word, size_t len, kb_variant_fn fn, void *ctx)
{
    if (!fn || (!word && len))
        return KB_ERR_INVALID;
    if (len == 0 || len > KB_TERM_MAX)
        return KB_OK;
    for (size_t i = 0; i < len; i++)
        if (word[i] < 'a' || word[i] > 'z')
            return KB_OK;

    candidates cs;
    cs.n = 0;
    cs.used = 0;
    add(&cs, word, len, "", 0, "", 0);
    /* Breadth first, so single-rule spellings come before combinations;
     * a family is applied at most once along a chain, so a rule never
     * undoes itself and the set stays small. */
    for (size_t k = 0; k < cs.n; k++)
        for (unsigned f = 0; f < N_FAMILIES; f++) {
            if (cs.c[k].used & (1u << f))
                continue;
            cs.used = cs.c[k].used | (1u << f);
            apply(f, cs.c[k].w, cs.c[k].n, &cs);
        }
    for (size_t k = 1; k < cs.n; k++) {
        int rc = fn(ctx, cs.c[k].w, cs.c[k].n);
        if (rc)
            return (kb_status)rc;
    }
    return KB_OK;
}
