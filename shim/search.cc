// Turning a kb_xq tree into a Xapian query and running it.
#include "shim.hh"

#include <algorithm>
#include <vector>

struct kb_results {
    struct item {
        unsigned docid;
        double weight;
        std::string data;
    };
    std::vector<item> items;
};

static Xapian::Query wildcard(const kb_xq *q, bool filtering)
{
    if (q->term_len == 0)
        throw Xapian::InvalidArgumentError("a wildcard needs a prefix");
    std::string prefix(q->term, q->term_len);
    if (filtering) // no weight to dilute, and a limit would drop matches
        return Xapian::Query(Xapian::Query::OP_WILDCARD, prefix, 0,
                             Xapian::Query::WILDCARD_LIMIT_ERROR, Xapian::Query::OP_SYNONYM);
    return Xapian::Query(Xapian::Query::OP_WILDCARD, prefix, KB_WILDCARD_MAX,
                         Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT, Xapian::Query::OP_SYNONYM);
}

// `filtering`: q only decides which documents match and its weight is
// never used (a filter of KB_XQ_FILTER, an excluded kid of KB_XQ_AND_NOT),
// which changes how a wildcard expands.
static Xapian::Query build(const kb_xq *q, bool filtering)
{
    if (q->op == KB_XQ_TERM)
        return Xapian::Query(std::string(q->term, q->term_len));
    if (q->op == KB_XQ_WILDCARD)
        return wildcard(q, filtering);
    // Past kids[0] of these two, nothing counts towards the weight.
    bool rest_filter = filtering || q->op == KB_XQ_FILTER || q->op == KB_XQ_AND_NOT;
    std::vector<Xapian::Query> kids;
    kids.reserve(q->nkids);
    for (size_t i = 0; i < q->nkids; i++)
        kids.push_back(build(&q->kids[i], i ? rest_filter : filtering));
    if (q->op == KB_XQ_SCALE) {
        if (kids.size() != 1)
            throw Xapian::InvalidArgumentError("scale takes one subquery");
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, kids[0], q->scale);
    }
    Xapian::Query::op op = Xapian::Query::OP_OR;
    switch (q->op) {
    case KB_XQ_PHRASE: op = Xapian::Query::OP_PHRASE; break;
    case KB_XQ_NEAR: op = Xapian::Query::OP_NEAR; break;
    case KB_XQ_AND: op = Xapian::Query::OP_AND; break;
    case KB_XQ_OR: op = Xapian::Query::OP_OR; break;
    case KB_XQ_AND_NOT: op = Xapian::Query::OP_AND_NOT; break;
    case KB_XQ_AND_MAYBE: op = Xapian::Query::OP_AND_MAYBE; break;
    case KB_XQ_SYNONYM: op = Xapian::Query::OP_SYNONYM; break;
    case KB_XQ_FILTER: op = Xapian::Query::OP_FILTER; break;
    case KB_XQ_TERM: case KB_XQ_SCALE: case KB_XQ_WILDCARD: break;
    }
    Xapian::termcount window = 0; // only positional operators take one
    if (q->op == KB_XQ_PHRASE || q->op == KB_XQ_NEAR)
        window = q->window ? q->window : Xapian::termcount(q->nkids);
    return Xapian::Query(op, kids.begin(), kids.end(), window);
}

namespace {
// Lets one document through: to weigh it under a query.
struct only_doc : Xapian::MatchDecider {
    Xapian::docid id;
    explicit only_doc(Xapian::docid d) : id(d) {}
    bool operator()(const Xapian::Document &doc) const override { return doc.get_docid() == id; }
};
}

static Xapian::MSet top(kb_db *db, const Xapian::Query &query, size_t max,
                        const Xapian::MatchDecider *decider)
{
    Xapian::Enquire enquire(*db->rd);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, query, kb__weight_factor()));
    enquire.set_weighting_scheme(kb__weighting());
    return enquire.get_mset(0, Xapian::doccount(max), 0, nullptr, decider);
}

static void run(kb_db *db, const Xapian::Query &query, size_t max, kb_results *res)
{
    Xapian::MSet mset = top(db, query, max, nullptr);
    res->items.clear();
    res->items.reserve(mset.size());
    std::vector<size_t> by_docid(mset.size());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        by_docid[res->items.size()] = res->items.size();
        res->items.push_back({*it, it.get_weight(), std::string()});
    }
    // The payloads are read in docid order, which is their order on disk:
    // neighbours (passages of one file) then share the B-tree blocks
    // Xapian has just read, where rank order would read them again.
    std::sort(by_docid.begin(), by_docid.end(), [&](size_t a, size_t b) {
        return res->items[a].docid < res->items[b].docid;
    });
    for (size_t i : by_docid) {
        auto &item = res->items[i];
        item.data = db->rd->get_document(item.docid, Xapian::DOC_ASSUME_VALID).get_data();
    }
}

extern "C" kb_status kb_db_search(kb_db *db, const kb_xq *q, size_t max,
                                  kb_results **out) noexcept
{
    *out = nullptr;
    if (kb_status st = kb__sync(db))
        return st;
    try {
        std::unique_ptr<kb_results> res(new kb_results);
        Xapian::Query query = build(q, false);
        // A commit by kbindex between reading the posting lists and the
        // documents invalidates the reader: reopen and run it again.
        kb__retry(db, [&] { run(db, query, max, res.get()); });
        *out = res.release();
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, "searching");
    }
}

extern "C" kb_status kb_db_weigh(kb_db *db, const kb_xq *q, unsigned docid,
                                 double *weight) noexcept
{
    *weight = 0;
    if (kb_status st = kb__sync(db))
        return st;
    try {
        only_doc decider(docid);
        Xapian::MSet mset = top(db, build(q, false), 1, &decider);
        if (!mset.empty())
            *weight = mset.begin().get_weight();
        return KB_OK;
    } catch (...) {
        return kb__map_exception(&db->error, "weighing a passage");
    }
}

extern "C" size_t kb_results_count(const kb_results *res) noexcept
{
    return res ? res->items.size() : 0;
}

extern "C" kb_status kb_results_get(const kb_results *res, size_t i,
                                    kb_result *out) noexcept
{
    if (!res || i >= res->items.size())
        return KB_DONE;
    const auto &it = res->items[i];
    out->docid = it.docid;
    out->weight = it.weight;
    out->data = it.data.data();
    out->data_len = it.data.size();
    return KB_OK;
}

extern "C" void kb_results_free(kb_results *res) noexcept
{
    delete res;
}
