// Snowball stemming through Xapian::Stem.
#include "shim.hh"

#include <cstdlib>
#include <cstring>

struct kb_stemmer {
    Xapian::Stem stem;
    bool none = false;
    std::string buf; // the last stem, handed out by kb_stem
};

extern "C" kb_status kb_stemmer_new(const char *language, kb_stemmer **out,
                                    char **errmsg) noexcept
{
    *out = nullptr;
    if (errmsg)
        *errmsg = nullptr;
    std::string msg;
    try {
        std::unique_ptr<kb_stemmer> st(new kb_stemmer);
        st->none = std::strcmp(language, "none") == 0;
        st->stem = Xapian::Stem(language);
        *out = st.release();
        return KB_OK;
    } catch (const Xapian::InvalidArgumentError &) {
        try {
            msg = std::string("unknown language '") + language +
                  "' (valid: none " + Xapian::Stem::get_available_languages() + ")";
        } catch (...) {
        }
        if (errmsg) {
            *errmsg = static_cast<char *>(std::malloc(msg.size() + 1));
            if (*errmsg)
                std::memcpy(*errmsg, msg.c_str(), msg.size() + 1);
        }
        return KB_ERR_INVALID;
    } catch (...) {
        return kb__map_exception(&msg, "creating stemmer");
    }
}

extern "C" void kb_stemmer_free(kb_stemmer *st) noexcept
{
    delete st;
}

extern "C" int kb_stemmer_is_none(const kb_stemmer *st) noexcept
{
    return st->none;
}

extern "C" kb_status kb_stem(kb_stemmer *st, const char *word, size_t len,
                             const char **stem, size_t *stem_len) noexcept
{
    try {
        st->buf = st->stem(std::string(word, len));
        *stem = st->buf.c_str();
        *stem_len = st->buf.size();
        return KB_OK;
    } catch (...) {
        *stem = nullptr;
        *stem_len = 0;
        return KB_ERR_NOMEM;
    }
}
