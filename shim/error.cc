// Exceptions become statuses here, in one place (notmuch's Lippincott
// function): every exported shim function ends in
//     catch (...) { return kb__map_exception(&h->error, "context"); }
#include "shim.hh"

#include <new>
#include <system_error>

kb_status kb__map_exception(std::string *msg, const char *context) noexcept
{
    kb_status st = KB_ERR_INTERNAL;
    const char *what = "unknown exception";
    std::string desc;
    try {
        throw;
    } catch (const Xapian::NetworkError &e) {
        st = KB_ERR_NETWORK; desc = e.get_description();
    } catch (const Xapian::DatabaseLockError &e) {
        st = KB_ERR_LOCKED; desc = e.get_description();
    } catch (const Xapian::DatabaseModifiedError &e) {
        st = KB_ERR_MODIFIED; desc = e.get_description();
    } catch (const Xapian::DatabaseVersionError &e) {
        st = KB_ERR_VERSION; desc = e.get_description();
    } catch (const Xapian::DatabaseCorruptError &e) {
        st = KB_ERR_CORRUPT; desc = e.get_description();
    } catch (const Xapian::DatabaseNotFoundError &e) {
        st = KB_ERR_NOT_FOUND; desc = e.get_description();
    } catch (const Xapian::DatabaseOpeningError &e) {
        st = KB_ERR_NOT_FOUND; desc = e.get_description();
    } catch (const Xapian::InvalidArgumentError &e) {
        st = KB_ERR_INVALID; desc = e.get_description();
    } catch (const Xapian::Error &e) {
        st = KB_ERR_BACKEND; desc = e.get_description();
    } catch (const std::system_error &e) { // file operations of the shim's own
        st = KB_ERR_IO; what = e.what();
    } catch (const std::bad_alloc &) {
        st = KB_ERR_NOMEM; what = "out of memory";
    } catch (const std::exception &e) {
        what = e.what();
    } catch (...) {
    }
    try {
        *msg = std::string(context) + ": " + (desc.empty() ? what : desc.c_str());
    } catch (...) {
        // No memory for the message: the status still says what happened.
    }
    return st;
}
