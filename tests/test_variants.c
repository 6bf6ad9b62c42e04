/* Tests for include/kbsearch/variants.h: every rule in both directions
 * with its inflections, the words each guard keeps alone, and the
 * callback contract (distinct, never the word, stop, NUL). */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kbsearch/variants.h"

#define MAX_GOT 64

typedef struct {
    char w[MAX_GOT][80];
    size_t n;
    size_t calls;
    size_t stop_after; /* return stop_rc on this call (1-based); 0: never */
    int stop_rc;
    bool bad_nul; /* a candidate was not NUL-terminated */
} collector;

static int collect(void *ctx, const char *word, size_t len)
{
    collector *c = ctx;
    c->calls++;
    if (word[len] != '\0')
        c->bad_nul = true;
    if (c->n < MAX_GOT && len < sizeof c->w[0]) {
        memcpy(c->w[c->n], word, len);
        c->w[c->n++][len] = '\0';
    }
    if (c->stop_after && c->calls == c->stop_after)
        return c->stop_rc;
    return 0;
}

static collector variants_of(const char *word)
{
    collector c = {0};
    kb_status st = kb_spelling_variants(word, strlen(word), collect, &c);
    cr_assert_eq(st, KB_OK, "%s: status %d", word, (int)st);
    return c;
}

static bool has(const collector *c, const char *w)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->w[i], w) == 0)
            return true;
    return false;
}

/* The candidates, as text for a failure message. */
static const char *describe(const collector *c)
{
    static char out[4096];
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < c->n && at < sizeof out - 100; i++)
        at += (size_t)snprintf(out + at, sizeof out - at, "%s%s", i ? " " : "", c->w[i]);
    return c->n ? out : "(none)";
}

/* ---- each pair both ways ------------------------------------------------ */

static const char *const pairs[][2] = {
    /* -ise/-ize */
    {"organise", "organize"}, {"organised", "organized"}, {"organises", "organizes"},
    {"organising", "organizing"}, {"organiser", "organizer"}, {"organisers", "organizers"},
    {"organisation", "organization"}, {"organisations", "organizations"},
    {"organisational", "organizational"}, {"realise", "realize"}, {"realised", "realized"},
    {"realisation", "realization"}, {"realisable", "realizable"}, {"recognise", "recognize"},
    {"criticise", "criticize"}, {"apologising", "apologizing"}, {"prioritised", "prioritized"},
    /* -yse/-yze */
    {"analyse", "analyze"}, {"analysed", "analyzed"}, {"analysing", "analyzing"},
    {"analyser", "analyzer"}, {"paralyse", "paralyze"}, {"paralysed", "paralyzed"},
    {"catalysed", "catalyzed"},
    /* -our/-or */
    {"colour", "color"}, {"colours", "colors"}, {"coloured", "colored"},
    {"colouring", "coloring"}, {"colourful", "colorful"}, {"colourless", "colorless"},
    {"favour", "favor"}, {"favourite", "favorite"}, {"favourites", "favorites"},
    {"favourable", "favorable"}, {"favourably", "favorably"}, {"behaviour", "behavior"},
    {"behavioural", "behavioral"}, {"honour", "honor"}, {"honourable", "honorable"},
    {"labour", "labor"}, {"labourer", "laborer"}, {"neighbour", "neighbor"},
    {"neighbourhood", "neighborhood"}, {"odour", "odor"}, {"savoury", "savory"},
    {"armoury", "armory"}, {"endeavoured", "endeavored"},
    /* -re/-er */
    {"centre", "center"}, {"centres", "centers"}, {"centred", "centered"},
    {"centring", "centering"}, {"theatre", "theater"}, {"theatres", "theaters"},
    {"metre", "meter"}, {"kilometres", "kilometers"}, {"litre", "liter"},
    {"spectre", "specter"}, {"lustre", "luster"}, {"fibre", "fiber"}, {"fibres", "fibers"},
    {"calibre", "caliber"}, {"sombre", "somber"}, {"sabre", "saber"}, {"louvre", "louver"},
    /* -ence/-ense */
    {"licence", "license"}, {"licences", "licenses"}, {"defence", "defense"},
    {"defences", "defenses"}, {"offence", "offense"}, {"offences", "offenses"},
    {"pretence", "pretense"},
    /* -ogue/-og */
    {"catalogue", "catalog"}, {"catalogues", "catalogs"}, {"catalogued", "cataloged"},
    {"cataloguing", "cataloging"}, {"dialogue", "dialog"}, {"dialogues", "dialogs"},
    {"analogue", "analog"}, {"monologue", "monolog"}, {"prologue", "prolog"},
    {"pedagogue", "pedagog"},
    /* -ll-/-l- */
    {"travelled", "traveled"}, {"travelling", "traveling"}, {"traveller", "traveler"},
    {"travellers", "travelers"}, {"cancelled", "canceled"}, {"cancelling", "canceling"},
    {"cancellation", "cancelation"}, {"modelling", "modeling"}, {"modelled", "modeled"},
    {"labelled", "labeled"}, {"labelling", "labeling"}, {"levelled", "leveled"},
    {"signalled", "signaled"}, {"counsellor", "counselor"}, {"channelled", "channeled"},
    /* -ment */
    {"judgement", "judgment"}, {"judgements", "judgments"}, {"judgemental", "judgmental"},
    {"acknowledgement", "acknowledgment"}, {"enrolment", "enrollment"},
    {"fulfilment", "fulfillment"}, {"instalments", "installments"},
    /* ae, oe */
    {"paediatric", "pediatric"}, {"paediatrician", "pediatrician"}, {"anaemia", "anemia"},
    {"anaemic", "anemic"}, {"leukaemia", "leukemia"}, {"haemoglobin", "hemoglobin"},
    {"haemorrhage", "hemorrhage"}, {"orthopaedic", "orthopedic"},
    {"encyclopaedia", "encyclopedia"}, {"archaeology", "archeology"},
    {"palaeontology", "paleontology"}, {"aesthetic", "esthetic"},
    {"anaesthesia", "anesthesia"}, {"faeces", "feces"}, {"gynaecology", "gynecology"},
    {"oestrogen", "estrogen"}, {"oesophagus", "esophagus"}, {"oedema", "edema"},
    {"diarrhoea", "diarrhea"},
    /* rules combined */
    {"manoeuvre", "maneuver"}, {"manoeuvres", "maneuvers"}, {"manoeuvred", "maneuvered"},
    {"manoeuvring", "maneuvering"}, {"anaesthetised", "anesthetized"},
    {"paediatricians", "pediatricians"},
};

Test(variants, every_pair_both_ways)
{
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
        for (int side = 0; side < 2; side++) {
            const char *from = pairs[i][side], *to = pairs[i][!side];
            collector c = variants_of(from);
            cr_expect(has(&c, to), "%s should give %s; got %s", from, to, describe(&c));
        }
}

/* ---- what the guards keep alone ---------------------------------------- */

/* Words that get no candidate at all: common words next to a rule's
 * ending, which no rule may touch. */
static const char *const alone[] = {
    "four", "hour", "your", "tour", "pour", "flour", "scour", "floor", "poor", "door",
    "for", "filled", "called", "spelled", "wise", "rise", "noise", "praise", "raised",
    "size", "prize", "seize", "fence", "hence", "dense", "sense", "tense", "acre",
    "genre", "ogre", "vogue", "rogue", "brogue", "michael", "does", "poet",
    "shoes", "heroes", "pets", "scored", "string", "feeling", "ailment", "maestro",
    "enter", "voter", "letter", "sober", "colleague", "tongue", "league",
};

Test(variants, guards_keep_common_words_alone)
{
    for (size_t i = 0; i < sizeof alone / sizeof *alone; i++) {
        collector c = variants_of(alone[i]);
        cr_expect_eq(c.n, 0u, "%s should have no variant; got %s", alone[i], describe(&c));
    }
}

/* Words that may get harmless non-words, but never this real one. */
static const char *const never[][2] = {
    {"four", "for"},        {"hour", "hor"},         {"floor", "flour"},
    {"poor", "pour"},       {"flour", "flor"},       {"scoured", "scored"},
    {"scouring", "scoring"}, {"filled", "filed"},    {"filling", "filing"},
    {"refilled", "refiled"}, {"unfilled", "unfiled"}, {"killer", "kiler"},
    {"timbre", "timber"},   {"timber", "timbre"},    {"member", "membre"},
    {"enter", "entre"},     {"voter", "votre"},      {"sober", "sobre"},
    {"letter", "lettre"},   {"pets", "poets"},       {"heres", "heroes"},
    {"des", "does"},        {"fence", "fense"},      {"mediocre", "mediocer"},
    {"evidence", "evidense"}, {"expense", "expence"}, {"wise", "wize"},
    {"otherwise", "otherwize"}, {"advise", "advize"}, {"cruise", "cruize"},
    {"gael", "gel"},        {"aerial", "erial"},     {"revealed", "revealled"},
};

Test(variants, guards_refuse_wrong_words)
{
    for (size_t i = 0; i < sizeof never / sizeof *never; i++) {
        collector c = variants_of(never[i][0]);
        cr_expect(!has(&c, never[i][1]), "%s must not give %s; got %s", never[i][0],
                  never[i][1], describe(&c));
    }
}

Test(variants, only_plain_lower_case_words)
{
    const char *const refused[] = {"colour2", "col0ur", "Colour", "colour's", "col\xc3\xb3ur",
                                   "colour-", ""};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        collector c = variants_of(refused[i]);
        cr_expect_eq(c.n, 0u, "'%s' should have no variant; got %s", refused[i], describe(&c));
    }
    char longw[100];
    memset(longw, 'x', sizeof longw);
    memcpy(longw + sizeof longw - 6, "colour", 6);
    collector c = {0};
    cr_expect_eq(kb_spelling_variants(longw, sizeof longw, collect, &c), KB_OK);
    cr_expect_eq(c.n, 0u, "a word longer than KB_TERM_MAX has none");
}

/* ---- the callback contract ---------------------------------------------- */

Test(variants, distinct_never_the_word_nul_terminated)
{
    const char *const words[] = {"manoeuvres", "anaesthetised", "colour", "centred",
                                 "travelling", "paediatricians", "development"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        collector c = variants_of(words[i]);
        cr_expect(!c.bad_nul, "%s: a candidate without its NUL", words[i]);
        cr_expect_eq(c.calls, c.n);
        for (size_t a = 0; a < c.n; a++) {
            cr_expect_neq(strcmp(c.w[a], words[i]), 0, "%s gave itself", words[i]);
            for (size_t b = a + 1; b < c.n; b++)
                cr_expect_neq(strcmp(c.w[a], c.w[b]), 0, "%s gave %s twice", words[i], c.w[a]);
        }
    }
}

Test(variants, single_rules_before_combinations)
{
    collector c = variants_of("manoeuvred");
    cr_assert_eq(c.n, 3u, "got %s", describe(&c));
    cr_expect_str_eq(c.w[2], "maneuvered", "got %s", describe(&c));
}

Test(variants, len_is_honoured)
{
    collector c = {0};
    cr_assert_eq(kb_spelling_variants("colourful", 6, collect, &c), KB_OK);
    cr_assert_eq(c.n, 1u, "got %s", describe(&c));
    cr_expect_str_eq(c.w[0], "color");
}

Test(variants, callback_stops_the_walk)
{
    collector c = {.stop_after = 1, .stop_rc = KB_DONE};
    cr_expect_eq(kb_spelling_variants("manoeuvred", 10, collect, &c), KB_DONE);
    cr_expect_eq(c.calls, 1u);

    collector e = {.stop_after = 2, .stop_rc = KB_ERR_IO};
    cr_expect_eq(kb_spelling_variants("manoeuvred", 10, collect, &e), KB_ERR_IO);
    cr_expect_eq(e.calls, 2u);
}

Test(variants, bad_arguments)
{
    collector c = {0};
    cr_expect_eq(kb_spelling_variants("colour", 6, NULL, &c), KB_ERR_INVALID);
    cr_expect_eq(kb_spelling_variants(NULL, 3, collect, &c), KB_ERR_INVALID);
    cr_expect_eq(kb_spelling_variants(NULL, 0, collect, &c), KB_OK);
    cr_expect_eq(c.calls, 0u);
}

/* Under the sanitizers: every short word over letters the rules look at
 * stays within its buffers, and its candidates keep the contract. */
Test(variants, survives_every_short_word)
{
    static const char letters[] = "aeioulrtsvgdcnz";
    const size_t k = sizeof letters - 1;
    char w[6];
    for (size_t n = 1; n <= 5; n++) {
        size_t total = 1;
        for (size_t i = 0; i < n; i++)
            total *= k;
        for (size_t code = 0; code < total; code++) {
            size_t v = code;
            for (size_t i = 0; i < n; i++, v /= k)
                w[i] = letters[v % k];
            collector c = {0};
            cr_assert_eq(kb_spelling_variants(w, n, collect, &c), KB_OK);
            cr_assert(!c.bad_nul);
        }
    }
    char longest[64];
    memset(longest, 'e', sizeof longest);
    memcpy(longest + sizeof longest - 8, "ourising", 8);
    collector c = {0};
    cr_expect_eq(kb_spelling_variants(longest, sizeof longest, collect, &c), KB_OK);
}
