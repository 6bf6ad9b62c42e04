// BM25 split in two: the document-length part is applied once, when a
// document is added, and searching weighs with the rest.
//
// BM25 gives a term of wdf w in a document of length L the weight
//   tw * (k1 + 1) * w / (k1 * K + w),   K = 1 - b + b * max(L / P, 0.5)
// (P the length pivot; the floor of 0.5 keeps a heading alone from an
// outsized weight).  Storing w / K instead of w gives the same value from
// BM25 with b = 0, which never reads a document's length.  Those lookups
// were a third of a search's instructions on the bench corpus: Xapian
// decodes the length list forwards to each of a query's thousands of
// candidates.
//
// Xapian keeps wdfs as integers, so they are stored multiplied by
// KB_WDF_SCALE and k1 is multiplied by it at search time; a final factor
// brings the weights back to the scale of plain BM25.
//
// The pivot is fixed rather than the index's average length: a passage's
// stored weights must not depend on what else was indexed, or when (a file
// indexed again must weigh as in a fresh index), and the average moves
// with every commit.
#include "shim.hh"

#include <algorithm>
#include <cmath>
#include <utility>

// 64 keeps the usual wdf (1 occurrence, K near 1) in one byte of a
// posting list and the rounding under 1% of a weight for passages up to
// twice the pivot.
static const double KB_WDF_SCALE = 64;
static const double KB_MIN_NORMLEN = 0.5;

void kb__fold_length(Xapian::Document &doc)
{
    std::vector<std::pair<std::string, Xapian::termcount>> weighted;
    Xapian::termcount len = 0;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        if (Xapian::termcount w = t.get_wdf()) {
            len += w;
            weighted.emplace_back(*t, w);
        }
    }
    double norm = std::max(len / KB_BM25_PIVOT, KB_MIN_NORMLEN);
    double k = KB_WDF_SCALE / (1 - KB_BM25_B + KB_BM25_B * norm);
    for (auto &[term, w] : weighted) {
        auto want = Xapian::termcount(std::max(1.0, std::round(w * k)));
        if (want > w) {
            doc.add_term(term, want - w);
        } else if (want < w) {
            // Only past about 2 * KB_WDF_SCALE pivots of length; Xapian cannot
            // lower a wdf but by removing the term, positions and all.
            auto t = doc.termlist_begin();
            t.skip_to(term);
            std::vector<Xapian::termpos> pos(t.positionlist_begin(), t.positionlist_end());
            doc.remove_term(term);
            for (Xapian::termpos p : pos)
                doc.add_posting(term, p, 0);
            doc.add_term(term, want);
        }
    }
}

Xapian::BM25Weight kb__weighting()
{
    // k2 = 0 and k3 = 1 are Xapian's defaults.
    return Xapian::BM25Weight(KB_BM25_K1 * KB_WDF_SCALE, 0, 1, 0, KB_MIN_NORMLEN);
}

double kb__weight_factor()
{
    // The weighting's (k1 + 1) factor, back to plain BM25's.
    return (KB_BM25_K1 + 1) / (KB_BM25_K1 * KB_WDF_SCALE + 1);
}
