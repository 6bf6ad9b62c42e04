// Internals shared by the shim's .cc files: the handle structs and the
// exception-to-status mapper.  Only shim/ includes this (and <xapian.h>).
#ifndef KBSEARCH_SHIM_HH
#define KBSEARCH_SHIM_HH

#include <memory>
#include <string>
#include <xapian.h>

#include "kbsearch/index.h"

struct kb_db {
    std::unique_ptr<Xapian::Database> rd;     // reader, or the writer below
    Xapian::WritableDatabase *wr = nullptr;   // same object when writable
    std::string path;
    std::string error;                        // kb_db_last_error
};

// Call inside a catch block: rethrows the current exception, maps its type
// to a status (most specific first) and writes "context: message" into
// *msg.  Never throws.
kb_status kb__map_exception(std::string *msg, const char *context) noexcept;

#endif
