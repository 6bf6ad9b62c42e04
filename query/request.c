/* A --serve request line read with libjansson: a well-kept parser (depth
 * limits, UTF-8 checks, no NUL in strings, duplicate keys refused) rather
 * than ours, since the line comes from another program. */
#include "request.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A whole number from 0 to KB_REQUEST_COUNT_MAX at `key`, if there. */
static bool count(json_t *o, const char *key, size_t *out, kb_buf *error)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return true;
    json_int_t n = json_is_integer(v) ? json_integer_value(v) : -1;
    if (n < 0 || n > KB_REQUEST_COUNT_MAX) {
        kb_buf_printf(error, "\"%s\" must be a whole number from 0 to %d", key,
                      KB_REQUEST_COUNT_MAX);
        return false;
    }
    *out = (size_t)n;
    return true;
}

/* true or false at `key`, if there. */
static bool flag(json_t *o, const char *key, int *out, kb_buf *error)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return true;
    if (!json_is_boolean(v)) {
        kb_buf_printf(error, "\"%s\" must be true or false", key);
        return false;
    }
    *out = json_is_true(v);
    return true;
}

/* The id as JSON text: a string or number comes back as the same value. */
static kb_status read_id(json_t *o, kb_request *out)
{
    json_t *id = json_object_get(o, "id");
    if (!id || json_is_null(id))
        return KB_OK;
    if (!json_is_string(id) && !json_is_number(id)) {
        kb_buf_puts(&out->error, "\"id\" must be a string or a number");
        return KB_OK;
    }
    out->id = json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT);
    return out->id ? KB_OK : KB_ERR_NOMEM;
}

static kb_status read_query(json_t *o, kb_request *out)
{
    json_t *q = json_object_get(o, "query");
    if (!json_is_string(q)) {
        kb_buf_puts(&out->error, "\"query\" must be a string");
        return KB_OK;
    }
    out->query_len = json_string_length(q);
    out->query = malloc(out->query_len + 1);
    if (!out->query)
        return KB_ERR_NOMEM;
    memcpy(out->query, json_string_value(q), out->query_len + 1);
    return KB_OK;
}

/* The keys of a parsed line; the first problem goes to out->error. */
static kb_status read_request(json_t *o, kb_request *out)
{
    if (!json_is_object(o)) {
        kb_buf_puts(&out->error, "a request is a JSON object, as {\"id\":1,\"query\":\"words\"}");
        return KB_OK;
    }
    kb_status st = read_id(o, out);
    if (!st && !out->error.len)
        st = read_query(o, out);
    if (!st && !out->error.len && count(o, "limit", &out->opts.limit, &out->error) &&
        count(o, "per_file", &out->opts.per_file, &out->error) &&
        flag(o, "all", &out->opts.all, &out->error))
        flag(o, "no_correct", &out->opts.no_correct, &out->error);
    return st;
}

kb_status kb_request_parse(const char *line, size_t len, const kb_search_opts *defaults,
                           kb_request *out)
{
    *out = (kb_request){.opts = *defaults};
    json_error_t je;
    json_t *o = json_loadb(line, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    kb_status st = KB_OK;
    if (o)
        st = read_request(o, out);
    else
        kb_buf_printf(&out->error, "not JSON: %s (at byte %d)", je.text, je.position);
    json_decref(o);
    if (!st)
        st = kb_buf_status(&out->error);
    if (!st && out->error.len) {
        free(out->query);
        out->query = NULL;
    }
    return st;
}

void kb_request_free(kb_request *r)
{
    free(r->id);
    free(r->query);
    kb_buf_free(&r->error);
    *r = (kb_request){0};
}
