// Opening, writing, metadata and statistics of an index.
#include "shim.hh"

#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <vector>

struct kb_doc {
    Xapian::Document doc;
};

char *kb__dup(const std::string &s) noexcept
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (p)
        std::memcpy(p, s.c_str(), s.size() + 1);
    return p;
}

extern "C" kb_status kb_db_open(const char *path, kb_db_mode mode, kb_db **out,
                                char **errmsg) noexcept
{
    *out = nullptr;
    if (errmsg)
        *errmsg = nullptr;
    std::string msg;
    try {
        std::unique_ptr<kb_db> db(new kb_db);
        db->path = path;
        if (mode == KB_DB_WRITE) {
            auto *w = new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
            db->rd.reset(w);
            db->wr = w;
            // All writing happens inside a transaction, so that closing
            // without kb_db_commit (an error, a crash) drops a half-done
            // batch instead of committing it.
            w->begin_transaction(true);
        } else {
            db->rd.reset(new Xapian::Database(path));
        }
        *out = db.release();
        return KB_OK;
    } catch (...) {
        std::string ctx = std::string("opening index at ") + path;
        kb_status st = kb__map_exception(&msg, ctx.c_str());
        if (errmsg)
            *errmsg = kb__dup(msg);
        return st;
    }
}

extern "C" void kb_db_close(kb_db *db) noexcept
{
    if (!db)
        return;
    kb__stop_writer(db);
    try {
        db->rd->close(); // aborts a writer's open transaction
    } catch (...) {
        // Nothing to report to, and nothing is committed here anyway.
    }
    delete db;
}

extern "C" const char *kb_db_last_error(const kb_db *db) noexcept
{
    return db ? db->error.c_str() : "";
}

kb_status kb__need_writer(kb_db *db, const char *what) noexcept
{
    if (db->wr)
        return KB_OK;
    try {
        db->error = std::string(what) + ": index at " + db->path + " is open read-only";
    } catch (...) {
    }
    return KB_ERR_INVALID;
}

extern "C" kb_status kb_db_commit(kb_db *db) noexcept
{
    return kb__write(db, "committing", [](Xapian::WritableDatabase &w) {
        w.commit_transaction();
        w.begin_transaction(true);
#ifdef __GLIBC__
        // A commit frees what Xapian buffered since the last one, scattered
        // over the heaps of two threads; glibc would keep those pages, and
        // kbindex's resident size would ratchet up to its largest batch.
        malloc_trim(0);
#endif
    });
}

extern "C" kb_status kb_db_sync(kb_db *db) noexcept
{
    return kb__sync(db);
}

extern "C" kb_status kb_db_reopen(kb_db *db) noexcept
{
    if (kb_status st = kb__sync(db))
        return st;
    try {
        db->rd->reopen();
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, "reopening index");
    }
}

extern "C" kb_status kb_doc_new(kb_doc **out) noexcept
{
    try {
        *out = new kb_doc;
        return KB_OK;
    } catch (...) {
        *out = nullptr;
        return KB_ERR_NOMEM;
    }
}

extern "C" void kb_doc_free(kb_doc *doc) noexcept
{
    delete doc;
}

extern "C" kb_status kb_doc_add_posting(kb_doc *doc, const char *term,
                                        size_t len, unsigned pos) noexcept
{
    try {
        doc->doc.add_posting(std::string(term, len), pos);
        return KB_OK;
    } catch (const std::bad_alloc &) {
        return KB_ERR_NOMEM;
    } catch (...) {
        return KB_ERR_INVALID;
    }
}

extern "C" kb_status kb_doc_add_term(kb_doc *doc, const char *term, size_t len,
                                     unsigned wdf) noexcept
{
    try {
        if (wdf)
            doc->doc.add_term(std::string(term, len), wdf);
        else
            doc->doc.add_boolean_term(std::string(term, len));
        return KB_OK;
    } catch (const std::bad_alloc &) {
        return KB_ERR_NOMEM;
    } catch (...) {
        return KB_ERR_INVALID;
    }
}

extern "C" kb_status kb_doc_set_data(kb_doc *doc, const void *data,
                                     size_t len) noexcept
{
    try {
        doc->doc.set_data(std::string(static_cast<const char *>(data), len));
        return KB_OK;
    } catch (...) {
        return KB_ERR_NOMEM;
    }
}

extern "C" kb_status kb_db_add_doc(kb_db *db, kb_doc *doc) noexcept
{
    // Moved, never copied, from the caller to the change: Xapian's reference
    // counts are not atomic, and the write-behind thread drops the last.
    Xapian::Document d(std::move(doc->doc));
    doc->doc = Xapian::Document();
    try {
        kb__fold_length(d);
    } catch (...) {
        return kb__map_exception(&db->error, "adding a document");
    }
    return kb__write(db, "adding a document",
                     [d = std::move(d)](Xapian::WritableDatabase &w) { w.add_document(d); });
}

extern "C" kb_status kb_db_delete_by_term(kb_db *db, const char *term,
                                          size_t len) noexcept
{
    try {
        std::string t(term, len);
        return kb__write(db, "deleting documents",
                         [t](Xapian::WritableDatabase &w) { w.delete_document(t); });
    } catch (...) {
        return kb__map_exception(&db->error, "deleting documents");
    }
}

extern "C" kb_status kb_db_clear(kb_db *db) noexcept
{
    if (kb_status st = kb__writer_now(db, "emptying the index"))
        return st;
    try {
        Xapian::WritableDatabase &w = *db->wr;
        // Each list is copied before it is changed: an iterator over a
        // table being written is not stable.
        std::vector<Xapian::docid> ids(w.postlist_begin(""), w.postlist_end(""));
        for (Xapian::docid id : ids)
            w.delete_document(id);
        std::vector<std::string> keys(w.metadata_keys_begin(), w.metadata_keys_end());
        for (const std::string &k : keys)
            w.set_metadata(k, "");
        std::vector<std::pair<std::string, Xapian::termcount>> words;
        for (auto it = w.spellings_begin(); it != w.spellings_end(); ++it)
            words.emplace_back(*it, it.get_termfreq());
        for (const auto &wf : words)
            w.remove_spelling(wf.first, wf.second);
        std::vector<std::string> syn(w.synonym_keys_begin(), w.synonym_keys_end());
        for (const std::string &k : syn)
            w.clear_synonyms(k);
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, "emptying the index");
    }
}

extern "C" kb_status kb_db_set_meta(kb_db *db, const char *key,
                                    const char *value, size_t len) noexcept
{
    try {
        std::string k(key), v(value, len);
        return kb__write(db, "setting metadata",
                         [k, v](Xapian::WritableDatabase &w) { w.set_metadata(k, v); });
    } catch (...) {
        return kb__map_exception(&db->error, "setting metadata");
    }
}

extern "C" kb_status kb_db_get_meta(kb_db *db, const char *key, char **value,
                                    size_t *len) noexcept
{
    *value = nullptr;
    if (kb_status st = kb__sync(db))
        return st;
    try {
        std::string v = db->rd->get_metadata(key);
        *value = kb__dup(v);
        if (!*value)
            return KB_ERR_NOMEM;
        if (len)
            *len = v.size();
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, "reading metadata");
    }
}

extern "C" kb_status kb_db_each_meta(kb_db *db, const char *prefix,
                                     kb_meta_fn fn, void *ctx) noexcept
{
    if (kb_status st = kb__sync(db))
        return st;
    try {
        for (auto it = db->rd->metadata_keys_begin(prefix);
             it != db->rd->metadata_keys_end(prefix); ++it) {
            std::string key = *it;
            std::string value = db->rd->get_metadata(key);
            int rc = fn(ctx, key.c_str(), value.data(), value.size());
            if (rc)
                return static_cast<kb_status>(rc);
        }
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, "listing metadata");
    }
}

extern "C" kb_status kb_db_each_doc(kb_db *db, const char *term, size_t len,
                                    kb_doc_fn fn, void *ctx) noexcept
{
    if (kb_status st = kb__sync(db))
        return st;
    try {
        std::string t(term ? term : "", term ? len : 0);
        for (auto it = db->rd->postlist_begin(t); it != db->rd->postlist_end(t); ++it) {
            std::string data = db->rd->get_document(*it).get_data();
            int rc = fn(ctx, *it, data.data(), data.size());
            if (rc)
                return static_cast<kb_status>(rc);
        }
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, "reading passages");
    }
}

extern "C" kb_status kb_db_doc_count(kb_db *db, unsigned *out) noexcept
{
    if (kb_status st = kb__sync(db))
        return st;
    try {
        *out = db->rd->get_doccount();
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, "counting documents");
    }
}

extern "C" kb_status kb_db_term_freq(kb_db *db, const char *term, size_t len,
                                     unsigned *out) noexcept
{
    if (kb_status st = kb__sync(db))
        return st;
    try {
        *out = db->rd->get_termfreq(std::string(term, len));
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, "reading term frequency");
    }
}
