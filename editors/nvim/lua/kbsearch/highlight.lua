-- The matched words of the last search, highlighted with extmarks in the
-- buffers of their files: at once in the loaded ones, and in the others
-- when they are entered (a jump from the quickfix list loads them later).
local M = {}

M.ns = vim.api.nvim_create_namespace('kbsearch')
M.group = 'KbSearchMatch'

local augroup = 'kbsearch_highlight'

-- The spans of the last search per file, keyed by real path so that a
-- buffer opened through a symlink or a relative name is still found.
local spans_by_file = {}

local function file_key(name)
  return vim.loop.fs_realpath(name) or name
end

local function define_group()
  vim.cmd('highlight default link ' .. M.group .. ' Search')
end

define_group()
vim.api.nvim_create_autocmd('ColorScheme', {
  group = vim.api.nvim_create_augroup('kbsearch_colors', { clear = true }),
  callback = define_group,
})

-- Where a span ends in the buffer: its bytes run from its line and column,
-- and may cross line ends (markup or a phrase over a line break), each of
-- which is one byte of the file.
local function span_end(buf, row, col, length)
  local line = vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1]
  while line and col + length > #line do
    length = length - (#line - col + 1)
    row, col = row + 1, 0
    line = vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1]
  end
  return row, col + length
end

local function place(buf)
  local spans = spans_by_file[file_key(vim.api.nvim_buf_get_name(buf))]
  if not spans or #vim.api.nvim_buf_get_extmarks(buf, M.ns, 0, -1, { limit = 1 }) > 0 then
    return
  end
  for _, span in ipairs(spans) do
    local row, col = span.line - 1, span.col_byte - 1
    local end_row, end_col = span_end(buf, row, col, span.byte_end - span.byte_start)
    -- A buffer edited since the search may no longer hold the place: skip it.
    pcall(vim.api.nvim_buf_set_extmark, buf, M.ns, row, col,
      { end_row = end_row, end_col = end_col, hl_group = M.group })
  end
end

-- Removes every highlight and forgets the words.
function M.clear()
  spans_by_file = {}
  pcall(vim.api.nvim_del_augroup_by_name, augroup)
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    vim.api.nvim_buf_clear_namespace(buf, M.ns, 0, -1)
  end
end

-- Highlights the spans of these locations (kbsearch.match), replacing the
-- previous search's.
function M.show(locations)
  M.clear()
  for _, loc in ipairs(locations) do
    local key = file_key(loc.filename)
    spans_by_file[key] = spans_by_file[key] or {}
    vim.list_extend(spans_by_file[key], loc.spans)
  end
  vim.api.nvim_create_autocmd('BufEnter', {
    group = vim.api.nvim_create_augroup(augroup, { clear = true }),
    callback = function(args)
      place(args.buf)
    end,
  })
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) then
      place(buf)
    end
  end
end

return M
