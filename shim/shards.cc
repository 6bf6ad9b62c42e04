// Several indexes, local or remote, opened as one searchable database.
#include "shim.hh"

#include <cstdlib>

static const size_t scheme_len = sizeof KB_REMOTE_PREFIX - 1;

static bool is_remote(const std::string &name)
{
    return name.compare(0, scheme_len, KB_REMOTE_PREFIX) == 0;
}

// "tcp://HOST:PORT" (HOST possibly "[v6]") into host and port; false when
// the name is not of that form.
static bool parse_remote(const std::string &name, std::string *host, unsigned *port)
{
    if (!is_remote(name))
        return false;
    std::string rest = name.substr(scheme_len);
    size_t colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size())
        throw Xapian::InvalidArgumentError("a remote index is tcp://HOST:PORT");
    char *end = nullptr;
    unsigned long p = std::strtoul(rest.c_str() + colon + 1, &end, 10);
    if (*end || p == 0 || p > 65535)
        throw Xapian::InvalidArgumentError(
            "the port of tcp://HOST:PORT is a number from 1 to 65535");
    *host = rest.substr(0, colon);
    if (host->size() > 2 && host->front() == '[' && host->back() == ']')
        *host = host->substr(1, host->size() - 2);
    *port = unsigned(p);
    return true;
}

static Xapian::Database open_one(const std::string &name, const kb_remote_opts *r)
{
    std::string host;
    unsigned port = 0;
    if (parse_remote(name, &host, &port))
        return Xapian::Remote::open(host, port, r->timeout_ms, r->connect_ms);
    return Xapian::Database(name);
}

// Makes rd search the shards listed in db->live.
static void combine(kb_db *db)
{
    std::unique_ptr<Xapian::Database> all(new Xapian::Database);
    for (size_t i : db->live)
        all->add_database(db->shards[i]);
    db->rd = std::move(all);
}

extern "C" kb_status kb_db_open_many(const char *const *names, size_t n,
                                     const kb_remote_opts *remote, int partial,
                                     kb_db **out, char **errmsg) noexcept
{
    *out = nullptr;
    if (errmsg)
        *errmsg = nullptr;
    std::string msg;
    kb_status st = KB_ERR_INVALID;
    try {
        std::unique_ptr<kb_db> db(new kb_db);
        db->names.assign(names, names + n);
        db->shards.resize(n);
        db->missing.resize(n);
        for (size_t i = 0; i < n; i++) {
            try {
                db->shards[i] = open_one(db->names[i], remote);
                db->live.push_back(i);
            } catch (...) {
                std::string ctx = "opening index " + db->names[i];
                st = kb__map_exception(&db->missing[i], ctx.c_str());
                if (!partial) {
                    msg = db->missing[i];
                    break;
                }
            }
        }
        if (db->live.size() == n || (partial && !db->live.empty())) {
            db->path = db->names[db->live[0]];
            combine(db.get());
            *out = db.release();
            return KB_OK;
        }
        if (msg.empty()) {
            msg = n ? "no index could be opened" : "no index given";
            for (const std::string &m : db->missing)
                msg += (m.empty() ? "" : "; ") + m;
        }
    } catch (...) {
        st = kb__map_exception(&msg, "opening indexes");
    }
    if (errmsg)
        *errmsg = kb__dup(msg);
    return st;
}

extern "C" size_t kb_db_shard_count(const kb_db *db) noexcept
{
    return db->names.empty() ? 1 : db->names.size();
}

extern "C" kb_status kb_db_shard_of(const kb_db *db, unsigned docid, size_t *shard) noexcept
{
    *shard = 0;
    if (docid == 0)
        return KB_ERR_INVALID;
    if (!db->live.empty())
        *shard = db->live[(docid - 1) % db->live.size()];
    return KB_OK;
}

extern "C" const char *kb_db_shard_missing(const kb_db *db, size_t shard) noexcept
{
    if (shard >= db->missing.size() || db->missing[shard].empty())
        return nullptr;
    return db->missing[shard].c_str();
}

extern "C" kb_status kb_db_get_shard_meta(kb_db *db, size_t shard, const char *key,
                                          char **value, size_t *len) noexcept
{
    *value = nullptr;
    if (db->names.empty() && shard == 0)
        return kb_db_get_meta(db, key, value, len);
    if (shard >= db->names.size() || !db->missing[shard].empty()) {
        db->error = "reading metadata: no such index is searched";
        return KB_ERR_INVALID;
    }
    try {
        std::string v = db->shards[shard].get_metadata(key);
        *value = kb__dup(v);
        if (!*value)
            return KB_ERR_NOMEM;
        if (len)
            *len = v.size();
        return KB_OK;
    } catch (...) {
        std::string ctx = "reading metadata of index " + db->names[shard];
        return kb__map_exception(&db->error, ctx.c_str());
    }
}

extern "C" kb_status kb_db_check_remotes(kb_db *db, int leave_out, size_t *unreachable) noexcept
{
    *unreachable = 0;
    try {
        std::vector<size_t> live;
        std::string gone;
        for (size_t i : db->live) {
            std::string why;
            try {
                // A round trip to a remote index; nothing for a local one.
                if (is_remote(db->names[i]))
                    db->shards[i].keep_alive();
                live.push_back(i);
                continue;
            } catch (...) {
                std::string ctx = "index " + db->names[i];
                kb__map_exception(&why, ctx.c_str());
            }
            gone += (gone.empty() ? "" : "; ") + why;
            ++*unreachable;
            if (leave_out)
                db->missing[i] = why;
        }
        if (!*unreachable)
            return KB_OK;
        db->error = gone;
        if (!leave_out || live.empty())
            return KB_ERR_NETWORK;
        db->live = live;
        combine(db);
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, "checking remote indexes");
    }
}
