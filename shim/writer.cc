// Write-behind: a writer's changes applied by a thread of the handle's own,
// so that the caller prepares the next document while Xapian writes the
// last one (Xapian's writer is single-threaded, and half of kbindex's time
// is spent inside it).
#include "shim.hh"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

// Changes are handed over in batches, so that the lock is taken once per
// batch, and at most a few batches wait, so that memory stays bounded and
// a failure stops the caller soon.
static const size_t BATCH = 64;
static const size_t MAX_WAITING = 4;

struct kb_writer {
    struct change {
        kb__change fn;
        const char *what; // static string naming it in an error message
    };

    explicit kb_writer(Xapian::WritableDatabase *w) : wr(w) {}

    Xapian::WritableDatabase *wr;
    std::vector<change> open;                 // the caller's batch, unlocked
    std::mutex m;
    std::condition_variable work, room, idle; // all under m
    std::deque<std::vector<change>> waiting;
    bool busy = false;                        // the thread holds a batch
    bool quit = false;
    std::atomic<kb_status> status{KB_OK};     // the first failure, sticky
    std::string error;                        // its message, under m
    std::thread thread;

    void apply(std::vector<change> &batch)
    {
        for (change &c : batch) {
            if (status.load(std::memory_order_relaxed))
                return; // nothing after a failure may reach the index
            try {
                c.fn(*wr);
            } catch (...) {
                std::string msg;
                kb_status st = kb__map_exception(&msg, c.what);
                std::lock_guard<std::mutex> lock(m);
                error.swap(msg);
                status.store(st);
            }
        }
    }

    void loop()
    {
        std::unique_lock<std::mutex> lock(m);
        for (;;) {
            work.wait(lock, [this] { return quit || !waiting.empty(); });
            if (quit)
                return;
            std::vector<change> batch = std::move(waiting.front());
            waiting.pop_front();
            busy = true;
            room.notify_one();
            lock.unlock();
            apply(batch);
            batch.clear(); // documents are freed here, not under the lock
            lock.lock();
            busy = false;
            if (waiting.empty())
                idle.notify_all();
        }
    }

    void hand_over()
    {
        std::unique_lock<std::mutex> lock(m);
        room.wait(lock, [this] { return waiting.size() < MAX_WAITING || status.load(); });
        waiting.push_back(std::move(open));
        open.clear();
        open.reserve(BATCH);
        work.notify_one();
    }
};

static kb_status failure(kb_db *db) noexcept
{
    kb_writer *w = db->behind.get();
    kb_status st = w->status.load();
    if (st) {
        std::lock_guard<std::mutex> lock(w->m);
        try {
            db->error = w->error;
        } catch (...) {
        }
    }
    return st;
}

extern "C" kb_status kb_db_write_behind(kb_db *db) noexcept
{
    kb_status st = kb__need_writer(db, "writing behind");
    if (st || db->behind)
        return st;
    try {
        db->behind.reset(new kb_writer(db->wr));
        kb_writer *w = db->behind.get();
        w->open.reserve(BATCH);
        w->thread = std::thread([w] { w->loop(); });
        return KB_OK;
    } catch (...) {
        db->behind.reset();
        return kb__map_exception(&db->error, "starting the index writer");
    }
}

kb_status kb__queue(kb_db *db, const char *what, kb__change fn) noexcept
{
    kb_writer *w = db->behind.get();
    if (kb_status st = failure(db))
        return st;
    try {
        w->open.push_back({std::move(fn), what});
        if (w->open.size() >= BATCH)
            w->hand_over();
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, what);
    }
}

kb_status kb__sync(kb_db *db) noexcept
{
    kb_writer *w = db->behind.get();
    if (!w)
        return KB_OK;
    try {
        if (!w->open.empty())
            w->hand_over();
        std::unique_lock<std::mutex> lock(w->m);
        w->idle.wait(lock, [w] { return w->waiting.empty() && !w->busy; });
    } catch (...) {
        return kb__map_exception(&db->error, "waiting for the index writer");
    }
    return failure(db);
}

kb_status kb__writer_now(kb_db *db, const char *what) noexcept
{
    kb_status st = kb__need_writer(db, what);
    return st ? st : kb__sync(db);
}

void kb__stop_writer(kb_db *db) noexcept
{
    kb_writer *w = db->behind.get();
    if (!w)
        return;
    {
        std::lock_guard<std::mutex> lock(w->m);
        w->quit = true;
        w->waiting.clear(); // uncommitted anyway: closing drops them
    }
    w->work.notify_one();
    w->thread.join();
    db->behind.reset();
}

kb_db::kb_db() = default;
kb_db::~kb_db() = default;
