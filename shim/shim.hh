// Internals shared by the shim's .cc files: the handle structs and the
// exception-to-status mapper.  Only shim/ includes this (and <xapian.h>).
#ifndef KBSEARCH_SHIM_HH
#define KBSEARCH_SHIM_HH

#include <functional>
#include <memory>
#include <string>
#include <vector>
#include <xapian.h>

#include "kbsearch/index.h"

struct kb_writer; // writer.cc

struct kb_db {
    kb_db();
    ~kb_db();
    std::unique_ptr<Xapian::Database> rd;     // reader, or the writer below
    Xapian::WritableDatabase *wr = nullptr;   // same object when writable
    std::unique_ptr<kb_writer> behind;        // kb_db_write_behind's thread
    std::string path;
    // Set by kb_db_open_many: rd searches the live ones together.
    std::vector<std::string> names;           // as given
    std::vector<Xapian::Database> shards;     // one per name (empty: missing)
    std::vector<std::string> missing;         // per name: why it is not searched
    std::vector<size_t> live;                 // rd's sub-databases, as indexes into names
    std::string error;                        // kb_db_last_error
};

// Call inside a catch block: rethrows the current exception, maps its type
// to a status (most specific first) and writes "context: message" into
// *msg.  Never throws.
kb_status kb__map_exception(std::string *msg, const char *context) noexcept;

// KB_OK for a writer; otherwise KB_ERR_INVALID with "<what>: ... read-only"
// in db->error.
kb_status kb__need_writer(kb_db *db, const char *what) noexcept;

// A change to a writer, run now or by the write-behind thread.
using kb__change = std::function<void(Xapian::WritableDatabase &)>;

// Queues a change for the write-behind thread; its failure, or an earlier
// one's, comes back from a later call.  `what` (static) names it.
kb_status kb__queue(kb_db *db, const char *what, kb__change fn) noexcept;

// Waits until every queued change is applied; every call that reads the
// index, or writes it other than through kb__write, does this first, so
// that it sees the changes made before it.  Returns the first failure of
// a queued change (its message in db->error), or KB_OK; at once without
// write-behind.
kb_status kb__sync(kb_db *db) noexcept;

// kb__need_writer, then kb__sync: for a change made on the spot.
kb_status kb__writer_now(kb_db *db, const char *what) noexcept;

// Ends the write-behind thread, dropping what it has not applied yet.
void kb__stop_writer(kb_db *db) noexcept;

// Applies fn to a writer: now, or queued under write-behind.  `what`
// (static) names the change in an error message.
template <class F>
kb_status kb__write(kb_db *db, const char *what, F fn) noexcept
{
    kb_status st = kb__need_writer(db, what);
    if (st)
        return st;
    try {
        if (db->behind)
            return kb__queue(db, what, kb__change(std::move(fn)));
        fn(*db->wr);
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, what);
    }
}

// BM25 split between indexing and searching (weight.cc): kb__fold_length
// divides each weighted term's wdf of a document about to be added by the
// document's length factor; searches weigh with kb__weighting() and scale
// the query by kb__weight_factor().
void kb__fold_length(Xapian::Document &doc);
Xapian::BM25Weight kb__weighting();
double kb__weight_factor();

// A malloc'd, NUL-terminated copy of s (which may hold NULs); NULL when
// out of memory.
char *kb__dup(const std::string &s) noexcept;

// Runs fn() and returns what it returns.  A reader sees the index as of its
// last (re)open; once kbindex has committed twice since, the blocks it was
// about to read may be reused and Xapian throws DatabaseModifiedError.
// Reopening catches up, so fn is run again, a few times before the error
// is let through (it becomes KB_ERR_MODIFIED).  fn must be safe to repeat:
// nothing may reach the caller before it returns.
template <class F>
auto kb__retry(kb_db *db, F fn) -> decltype(fn())
{
    for (int attempt = 0;; attempt++) {
        try {
            return fn();
        } catch (const Xapian::DatabaseModifiedError &) {
            if (attempt == 3)
                throw;
            db->rd->reopen();
        }
    }
}

#endif
