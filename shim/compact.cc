// Rewriting an index compactly and switching to the copy atomically.
//
// An index folder holds its tables either itself (as Xapian first writes
// them: "iamglass" and the *.glass files) or in a folder "compact.N" that
// a stub file KB_DB_STUB names, which Xapian opens in the folder's place
// for reading and writing alike.  A compaction copies the live tables into
// compact.N+1 and then switches with one atomic step: renaming a new stub
// over the old one, or, the first time, removing "iamglass" (Xapian reads
// the folder's own tables while that file is there and the stub once it
// is gone).  What the switch leaves behind is removed after it, and again
// by the next compaction if a crash came first.
#include "shim.hh"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <unistd.h>

namespace fs = std::filesystem;

static const char COPY_PREFIX[] = "compact.";

// A stream's failure may leave errno unset: then it is an I/O error.
static void fail(const std::string &what, const fs::path &p)
{
    throw fs::filesystem_error(what, p, std::error_code(errno ? errno : EIO, std::generic_category()));
}

static void sync_path(const fs::path &p)
{
    int fd = open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail("opening", p);
    int rc = fsync(fd);
    close(fd);
    if (rc != 0)
        fail("syncing", p);
}

// The copy the stub names ("" if there is no stub).
static std::string stub_target(const fs::path &stub)
{
    std::ifstream in(stub);
    std::string backend, name;
    if (in && !(in >> backend >> name))
        throw Xapian::DatabaseCorruptError(stub.string() + ": not a stub naming one database");
    return name;
}

// N of "compact.N", 0 for any other name.
static unsigned long copy_number(const std::string &name)
{
    if (name.compare(0, sizeof COPY_PREFIX - 1, COPY_PREFIX) != 0)
        return 0;
    const char *digits = name.c_str() + sizeof COPY_PREFIX - 1;
    char *end;
    unsigned long n = std::strtoul(digits, &end, 10);
    return *digits && !*end ? n : 0;
}

// Removes what a switch left: copies other than `live`, and the folder's
// own tables once they are no longer the live ones.
static void remove_leftovers(const fs::path &dir, const std::string &live, bool flat)
{
    std::vector<fs::path> gone;
    for (const auto &e : fs::directory_iterator(dir)) {
        std::string name = e.path().filename().string();
        if (copy_number(name) && name != live)
            gone.push_back(e.path());
        else if (!flat && e.path().extension() == ".glass")
            gone.push_back(e.path());
    }
    if (!flat)
        gone.push_back(dir / "flintlock");
    for (const fs::path &p : gone)
        fs::remove_all(p);
}

extern "C" kb_status kb_db_compact(const char *path, char **errmsg) noexcept
{
    if (errmsg)
        *errmsg = nullptr;
    std::string msg;
    try {
        const fs::path dir(path), stub = dir / KB_DB_STUB;
        bool flat = fs::exists(dir / "iamglass");
        std::string live = flat ? std::string() : stub_target(stub);
        if (!flat && live.empty())
            throw Xapian::DatabaseNotFoundError(std::string("no index at ") + path);
        remove_leftovers(dir, live, flat);

        std::string next = COPY_PREFIX + std::to_string(copy_number(live) + 1);
        Xapian::Database(flat ? dir.string() : (dir / live).string())
            .compact((dir / next).string(), Xapian::DBCOMPACT_NO_RENUMBER | Xapian::Compactor::FULL);

        const fs::path tmp = dir / (std::string(KB_DB_STUB) + ".new");
        {
            std::ofstream out(tmp, std::ios::trunc);
            out << "glass " << next << '\n';
            out.close();
            if (!out)
                fail("writing", tmp);
        }
        sync_path(tmp);
        if (std::rename(tmp.c_str(), stub.c_str()) != 0)
            fail("renaming", tmp);
        if (flat && unlink((dir / "iamglass").c_str()) != 0)
            fail("removing", dir / "iamglass");
        sync_path(dir);
        remove_leftovers(dir, next, false);
        return KB_OK;
    } catch (...) {
        kb_status st = kb__map_exception(&msg, (std::string("compacting the index at ") + path).c_str());
        if (errmsg)
            *errmsg = kb__dup(msg);
        return st;
    }
}
