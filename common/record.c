/* Binary layout: a version byte, then LEB128 varints for numbers and for
 * the length of each byte string that follows. */
#include "kbsearch/record.h"

#include "kbsearch/utf8.h"

static void put_varint(kb_buf *out, uint64_t v)
{
    unsigned char b[10];
    size_t n = 0;
    do {
        b[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            b[n] |= 0x80;
        n++;
    } while (v);
    kb_buf_add(out, b, n);
}

static void put_str(kb_buf *out, kb_str s)
{
    put_varint(out, s.n);
    kb_buf_add(out, s.p, s.n);
}

/* A cursor over encoded bytes; `bad` sticks once a read overruns. */
typedef struct {
    const unsigned char *p, *end;
    int bad;
} reader;

static uint64_t get_varint(reader *r)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end) {
            r->bad = 1;
            return 0;
        }
        unsigned char c = *r->p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return v;
    }
    r->bad = 1;
    return 0;
}

static kb_str get_str(reader *r)
{
    kb_str s = {"", 0};
    uint64_t n = get_varint(r);
    if (r->bad || n > (uint64_t)(r->end - r->p)) {
        r->bad = 1;
        return s;
    }
    s.p = (const char *)r->p;
    s.n = (size_t)n;
    r->p += n;
    return s;
}

void kb_record_encode(const kb_record *r, kb_buf *out)
{
    const unsigned char version = KB_SCHEMA_VERSION;
    kb_buf_add(out, &version, 1);
    put_varint(out, r->line_start);
    put_varint(out, r->line_end);
    put_varint(out, r->byte_start);
    put_varint(out, r->byte_end);
    put_varint(out, r->col.bytes);
    put_varint(out, r->col.cps);
    put_varint(out, r->col.utf16);
    put_varint(out, r->content);
    put_varint(out, r->chrome);
    put_varint(out, r->chrome_signals);
    put_varint(out, r->is_chrome != 0);
    put_varint(out, r->page);
    put_varint(out, r->flags);
    put_str(out, r->path);
    put_str(out, r->heading);
    put_str(out, r->text);
    put_str(out, r->map);
}

kb_status kb_record_decode(const char *data, size_t len, kb_record *r)
{
    reader rd = {(const unsigned char *)data, (const unsigned char *)data + len, 0};
    if (len < 1 || *rd.p++ != KB_SCHEMA_VERSION)
        return KB_ERR_CORRUPT;
    r->line_start = (unsigned)get_varint(&rd);
    r->line_end = (unsigned)get_varint(&rd);
    r->byte_start = (size_t)get_varint(&rd);
    r->byte_end = (size_t)get_varint(&rd);
    r->col.bytes = (size_t)get_varint(&rd);
    r->col.cps = (size_t)get_varint(&rd);
    r->col.utf16 = (size_t)get_varint(&rd);
    r->content = get_varint(&rd);
    r->chrome = (unsigned)get_varint(&rd);
    r->chrome_signals = (unsigned)get_varint(&rd);
    r->is_chrome = get_varint(&rd) != 0;
    r->page = (unsigned)get_varint(&rd);
    r->flags = (unsigned)get_varint(&rd);
    r->path = get_str(&rd);
    r->heading = get_str(&rd);
    r->text = get_str(&rd);
    r->map = get_str(&rd);
    return rd.bad ? KB_ERR_CORRUPT : KB_OK;
}

/* Each run as deltas from the one before (text and source positions only
 * grow), so a typical run takes 8 bytes or so. */
void kb_map_encode(const kb_run *runs, size_t n, kb_buf *out)
{
    kb_run prev = {0, 0, 0, 0, false, 0, {0, 0, 0}};
    for (size_t i = 0; i < n; i++) {
        const kb_run *r = &runs[i];
        put_varint(out, r->text - (prev.text + prev.len));
        put_varint(out, r->len);
        put_varint(out, r->src - (prev.src + prev.src_len));
        put_varint(out, (uint64_t)r->src_len << 1 | r->verbatim);
        put_varint(out, r->line - prev.line);
        put_varint(out, r->col.bytes);
        put_varint(out, r->col.cps);
        put_varint(out, r->col.utf16);
        prev = *r;
    }
}

static bool next_run(reader *rd, kb_run *r)
{
    if (rd->p >= rd->end)
        return false;
    kb_run prev = *r;
    r->text = prev.text + prev.len + (size_t)get_varint(rd);
    r->len = (size_t)get_varint(rd);
    r->src = prev.src + prev.src_len + (size_t)get_varint(rd);
    uint64_t sl = get_varint(rd);
    r->src_len = (size_t)(sl >> 1);
    r->verbatim = sl & 1;
    r->line = prev.line + (unsigned)get_varint(rd);
    r->col.bytes = (size_t)get_varint(rd);
    r->col.cps = (size_t)get_varint(rd);
    r->col.utf16 = (size_t)get_varint(rd);
    return !rd->bad;
}

void kb_spot_advance(kb_spot *pl, const char *t, size_t n)
{
    size_t bol = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] == '\n') {
            pl->line++;
            bol = i + 1;
        }
    if (bol)
        pl->col = (kb_column){0, 0, 0};
    kb_column_advance(&pl->col, t + bol, n - bol);
    pl->byte += n;
}

kb_status kb_record_place(const kb_record *r, size_t off, bool end, kb_spot *out)
{
    if (off > r->text.n)
        off = r->text.n;
    if (!r->map.n) {
        *out = (kb_spot){r->byte_start, r->line_start, r->col};
        kb_spot_advance(out, r->text.p, off);
        return KB_OK;
    }
    reader rd = {(const unsigned char *)r->map.p, (const unsigned char *)r->map.p + r->map.n, 0};
    kb_run cur = {0, 0, 0, 0, false, 0, {0, 0, 0}}, best = cur;
    bool found = false;
    /* The last run starting at or before off (before it, for an end). */
    while (next_run(&rd, &cur)) {
        if (found && (end ? cur.text >= off : cur.text > off))
            break;
        best = cur;
        found = true;
    }
    if (rd.bad || !found)
        return KB_ERR_CORRUPT;
    *out = (kb_spot){best.src, best.line, best.col};
    if (off <= best.text)
        return KB_OK;
    if (best.verbatim) {
        size_t in = off - best.text < best.len ? off - best.text : best.len;
        if (best.text + in > r->text.n)
            return KB_ERR_CORRUPT;
        kb_spot_advance(out, r->text.p + best.text, in);
    } else if (off >= best.text + best.len) {
        out->byte = best.src + best.src_len;
    }
    return KB_OK;
}

void kb_file_entry_encode(const kb_file_entry *e, kb_buf *out)
{
    const unsigned char version = KB_SCHEMA_VERSION;
    kb_buf_add(out, &version, 1);
    put_varint(out, e->size);
    put_varint(out, (uint64_t)e->mtime_ns);
    put_varint(out, e->hash);
    put_varint(out, e->passages);
    put_str(out, e->title);
}

kb_status kb_file_entry_decode(const char *data, size_t len, kb_file_entry *e)
{
    reader rd = {(const unsigned char *)data, (const unsigned char *)data + len, 0};
    if (len < 1 || *rd.p++ != KB_SCHEMA_VERSION)
        return KB_ERR_CORRUPT;
    e->size = get_varint(&rd);
    e->mtime_ns = (int64_t)get_varint(&rd);
    e->hash = get_varint(&rd);
    e->passages = (unsigned)get_varint(&rd);
    e->title = get_str(&rd);
    return rd.bad ? KB_ERR_CORRUPT : KB_OK;
}

uint64_t kb_hash64_add(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

uint64_t kb_hash64(const void *data, size_t len)
{
    return kb_hash64_add(KB_HASH64_INIT, data, len);
}

void kb_column_advance(kb_column *c, const char *text, size_t n)
{
    c->bytes += n;
    for (size_t i = 0; i < n;) {
        size_t bad = 0, len = 1;
        /* One sequence: its length if valid, else one byte (shown as U+FFFD). */
        unsigned char b = (unsigned char)text[i];
        if (b >= 0xC2 && b <= 0xF4) {
            len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
            if (i + len > n || !kb_utf8_valid(text + i, len, &bad))
                len = 1;
        }
        c->cps++;
        c->utf16 += len == 4 ? 2 : 1; /* beyond the BMP: a surrogate pair */
        i += len;
    }
}
