/* variants.h — British and American spellings of one word, by rule.
 *
 * kb_spelling_variants() takes one normalized term (what kb_tokenize
 * gives: lower case, ASCII apostrophe) and proposes the other spellings it
 * may have.  The caller keeps only the candidates that occur in its index,
 * so a rule may propose a non-word ("exercize", "histoury"); what a rule
 * must never do is turn a common word into a different common word
 * ("four" -> "for", "filled" -> "filed", "floor" -> "flour").  Every rule
 * is therefore guarded by the letters before its ending, and the guards
 * below say which.  Each rule works in both directions and covers the
 * inflected forms listed with it.  "Stem" is what comes before the ending.
 *
 *  -ise/-ize   organise/organize, -es -ed -ing -er -ers -ation -ations
 *              -ational -able.  Stem of 3+ letters ending in a consonant
 *              other than v, w, y: not wise, rise, noise, praise, advise,
 *              likewise (nor size, prize, seize on the -ize side).
 *  -yse/-yze   analyse/analyze, paralyse, -es -ed -ing -er -ers.  Stem of
 *              3+ letters ending in l (the Greek -lyse verbs only).
 *  -our/-or    colour/color, favourite, behavioural, honourable, labourer,
 *              neighbourhood, savoury...  Stem of 2+ letters holding a
 *              vowel and not ending in a, e, o, u: not four, hour, your,
 *              tour, pour (one letter), flour, scour, scored (no vowel),
 *              floor, poor, door (o before).
 *  -re/-er     after t, b and uv: centre/center, -res/-ers, -red/-ered,
 *              -ring/-ering; theatre, metre, litre, fibre, calibre, sombre,
 *              manoeuvre, louvre.  2+ letters before the t/b/v, a
 *              two-letter one being consonant-vowel (metre, not enter/
 *              entre); no doubled consonant (letter, rubber); no o before
 *              (voter/votre, sober/sobre); before b only a, e, i, u or
 *              "om" (fibre, sabre, sombre; not timbre/timber, member).
 *              acre, genre, ogre, mediocre have no variant.
 *  -ence/-ense licence, defence, offence, pretence and their plurals.
 *              Stem of 3+ letters ending in c, f or t: not fence, hence,
 *              dense, sense, tense, evidence, silence, science.
 *  -ogue/-og   catalogue/catalog, dialogue, analogue, pedagogue,
 *              -ues/-s, -ued/-ed, -uing/-ing, -uer/-er.  Stem of 3+ letters
 *              ending in l or g (-logue, -gogue): not vogue, rogue, brogue.
 *  -ll-/-l-    travelled/traveled before -ed -ing -er -ers -or -ors
 *              -ation -ations.  The stem ends in a single a or e after a
 *              consonant (the unstressed -el, -al) and has 2+ vowel
 *              groups: not filled, called, spelled (one group), refilled
 *              (i), fuelled, dialled (vowel pair).
 *  -lment      enrolment/enrollment, fulfilment, instalment (+s): a single
 *              vowel after a consonant before the l, 2+ vowel groups.
 *  -dgement    judgement/judgment, acknowledgement (+s, +al): 2+ letters
 *              before "dg".
 *  ae/e        paediatric, anaemia, haemoglobin, aesthetic, archaeology,
 *              faeces: the e (of the American form, 5+ letters) is not
 *              among its last two letters, follows a consonant or starts
 *              the word, and comes before o, "sth" or a consonant other
 *              than r followed by a vowel: not Michael, maestro, aerial.
 *  oe/e        oestrogen, oesophagus, oedema (initial oe before "st" or
 *              a consonant other than r and a vowel, American form of 5+
 *              letters), manoeuvre (consonant-oeuv), diarrhoea (rrhoe):
 *              never inside other words (does, poet, shoes, heroes).
 *
 * Rules combine (manoeuvred -> maneuvered, anaesthetised ->
 * anesthetized), each at most once per candidate.
 */
#ifndef KBSEARCH_VARIANTS_H
#define KBSEARCH_VARIANTS_H

#include <stddef.h>
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called once per candidate.  `word` is NUL-terminated scratch, valid
 * only during the call.  Return 0 to go on; any other value stops and is
 * returned by kb_spelling_variants (KB_DONE: stop, no error). */
typedef int (*kb_variant_fn)(void *ctx, const char *word, size_t len);

/* Calls fn once per distinct candidate spelling of the `len` bytes of
 * `word` (need not be NUL-terminated), never with the word itself, the
 * candidates of one rule before those of two.  A word with anything but
 * the letters a-z (capitals, digits, an apostrophe, non-ASCII) or longer
 * than KB_TERM_MAX gets none, and so does a candidate longer than
 * KB_TERM_MAX (no term in an index is).  Allocates nothing.
 * Returns KB_OK, fn's non-zero value if it stopped the walk, or
 * KB_ERR_INVALID when fn is NULL or word is NULL with len > 0. */
kb_status kb_spelling_variants(const char *word, size_t len, kb_variant_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
