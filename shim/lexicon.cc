// The spelling and synonym tables: Xapian's own, kept beside the postings
// so that they commit (or are dropped) with the documents they came from.
#include "shim.hh"

#include <utility>
#include <vector>

// Lengths are checked here because Xapian only meets an overlong key when
// it flushes the table (at commit, long after the call that caused it),
// and stores a synonym's length in one byte, so a longer one would be
// written truncated and read back as corrupt.
static kb_status too_long(kb_db *db, const char *what, size_t len, size_t max) noexcept
{
    try {
        db->error = std::string(what) + ": " + std::to_string(len) + " bytes, at most " +
                    std::to_string(max) + " allowed";
    } catch (...) {
    }
    return KB_ERR_INVALID;
}

extern "C" kb_status kb_db_add_spelling(kb_db *db, const char *word, size_t len,
                                        unsigned freq) noexcept
{
    kb_status st = kb__need_writer(db, "adding a spelling");
    if (st)
        return st;
    if (len > KB_SPELLING_WORD_MAX)
        return too_long(db, "adding a spelling", len, KB_SPELLING_WORD_MAX);
    // Xapian would store a new word with frequency 0 as present in the
    // fragment lists but absent from the word list.
    if (freq == 0)
        return KB_OK;
    try {
        std::string w(word, len);
        return kb__write(db, "adding a spelling",
                         [w, freq](Xapian::WritableDatabase &d) { d.add_spelling(w, freq); });
    } catch (...) {
        return kb__map_exception(&db->error, "adding a spelling");
    }
}

extern "C" kb_status kb_db_remove_spelling(kb_db *db, const char *word, size_t len,
                                           unsigned freq) noexcept
{
    try {
        std::string w(word, len);
        return kb__write(db, "removing a spelling", [w, freq](Xapian::WritableDatabase &d) {
            d.remove_spelling(w, freq);
        });
    } catch (...) {
        return kb__map_exception(&db->error, "removing a spelling");
    }
}

extern "C" kb_status kb_db_spelling_freq(kb_db *db, const char *word, size_t len,
                                         unsigned *out) noexcept
{
    *out = 0;
    if (kb_status st = kb__sync(db))
        return st;
    try {
        std::string w(word, len);
        // Xapian 1.4 has no public get_spelling_frequency: the word list's
        // term frequency is the spelling frequency.  (When a retry is
        // needed, Xapian leaks the list's cursor, ~16 KB: a 1.4 bug in
        // GlassSpellingWordsList's constructor, rare enough to live with.)
        *out = kb__retry(db, [&] {
            Xapian::TermIterator it = db->rd->spellings_begin();
            it.skip_to(w);
            return it != db->rd->spellings_end() && *it == w ? it.get_termfreq() : 0;
        });
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, "reading a spelling frequency");
    }
}

extern "C" kb_status kb_db_spelling_suggest(kb_db *db, const char *word, size_t len,
                                            unsigned max_edits, char **out) noexcept
{
    *out = nullptr;
    if (kb_status st = kb__sync(db))
        return st;
    try {
        std::string w(word, len);
        std::string s =
            kb__retry(db, [&] { return db->rd->get_spelling_suggestion(w, max_edits); });
        *out = kb__dup(s);
        return *out ? KB_OK : KB_ERR_NOMEM;
    } catch (...) {
        return kb__map_exception(&db->error, "suggesting a spelling");
    }
}

extern "C" kb_status kb_db_add_synonym(kb_db *db, const char *key, size_t key_len,
                                       const char *value, size_t value_len) noexcept
{
    kb_status st = kb__need_writer(db, "adding a synonym");
    if (st)
        return st;
    if (key_len == 0 || value_len == 0) {
        try {
            db->error = "adding a synonym: empty key or value";
        } catch (...) {
        }
        return KB_ERR_INVALID;
    }
    if (key_len > KB_SYNONYM_MAX)
        return too_long(db, "adding a synonym: key", key_len, KB_SYNONYM_MAX);
    if (value_len > KB_SYNONYM_MAX)
        return too_long(db, "adding a synonym: value", value_len, KB_SYNONYM_MAX);
    try {
        std::string k(key, key_len), v(value, value_len);
        return kb__write(db, "adding a synonym",
                         [k, v](Xapian::WritableDatabase &d) { d.add_synonym(k, v); });
    } catch (...) {
        return kb__map_exception(&db->error, "adding a synonym");
    }
}

extern "C" kb_status kb_db_clear_synonyms(kb_db *db) noexcept
{
    if (kb_status st = kb__writer_now(db, "clearing synonyms"))
        return st;
    try {
        // The keys are listed first: clearing one changes the table that
        // the key iterator is walking.
        std::vector<std::string> keys(db->wr->synonym_keys_begin(), db->wr->synonym_keys_end());
        for (const std::string &k : keys)
            db->wr->clear_synonyms(k);
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, "clearing synonyms");
    }
}

using pairs = std::vector<std::pair<std::string, std::string>>;

static void values_of(const Xapian::Database &d, const std::string &key, pairs *out)
{
    for (auto it = d.synonyms_begin(key); it != d.synonyms_end(key); ++it)
        out->emplace_back(key, *it);
}

extern "C" kb_status kb_db_each_synonym(kb_db *db, const char *key, size_t key_len,
                                        kb_synonym_fn fn, void *ctx) noexcept
{
    if (kb_status st = kb__sync(db))
        return st;
    try {
        pairs all = kb__retry(db, [&] {
            pairs p;
            if (key_len) {
                values_of(*db->rd, std::string(key, key_len), &p);
            } else {
                for (auto k = db->rd->synonym_keys_begin(); k != db->rd->synonym_keys_end(); ++k)
                    values_of(*db->rd, *k, &p);
            }
            return p;
        });
        for (const auto &kv : all) {
            int rc = fn(ctx, kv.first.data(), kv.first.size(), kv.second.data(),
                        kv.second.size());
            if (rc)
                return static_cast<kb_status>(rc);
        }
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, "listing synonyms");
    }
}
