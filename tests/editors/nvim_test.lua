-- The Neovim plugin in a headless Neovim, run by tests/editors/nvim.sh:
-- :KbSearch's quickfix entries against what kbsearch --json says, the jump
-- onto the matched word, the extmarks, :KbSearchClear, the no-index error,
-- and the serve.lua client against kbsearch --serve. Exits non-zero,
-- listing what failed.
local env = {
  kb = os.getenv('KB_DIR'), -- the indexed copy of the fixture
  noindex = os.getenv('NOINDEX_DIR'), -- a folder with no index above it
  expect = os.getenv('EXPECT_DIR'), -- QUERY.json: kbsearch --json QUERY, run in the kb
  kbsearch = os.getenv('KBSEARCH'),
  editors = os.getenv('KB_EDITORS'),
  doc = os.getenv('DOC_COPY'), -- a copy of editors/nvim/doc, for :helptags
}

local failures = {}

local function check(ok, what)
  if not ok then
    failures[#failures + 1] = what
  end
  return ok
end

local function eq(got, want, what)
  return check(vim.deep_equal(got, want),
    string.format('%s: got %s, wanted %s', what, vim.inspect(got), vim.inspect(want)))
end

local function real(path)
  return vim.loop.fs_realpath(path) or path
end

-- The match objects kbsearch --json gave for query.
local function expected(query)
  local matches = {}
  for line in io.lines(env.expect .. '/' .. query .. '.json') do
    local object = vim.json.decode(line)
    if object.type == 'match' then
      matches[#matches + 1] = object
    end
  end
  return matches
end

-- Every vim.notify call, {message, level}, kept instead of shown.
local notified = {}
vim.notify = function(message, level)
  notified[#notified + 1] = { message = message, level = level }
end

-- The notifications made while fn runs.
local function notifications(fn)
  local before = #notified
  fn()
  return vim.list_slice(notified, before + 1)
end

local function edit(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
end

local function buffer_of(path)
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if real(vim.api.nvim_buf_get_name(buf)) == real(path) then
      return buf
    end
  end
end

local function marks(buf)
  return vim.api.nvim_buf_get_extmarks(buf, require('kbsearch.highlight').ns, 0, -1, { details = true })
end

-- The quickfix list holds one entry per match: the file, the first span's
-- line and byte column, the snippet.
local function check_quickfix(query, matches)
  local items = vim.fn.getqflist()
  eq(#items, #matches, query .. ': quickfix entries')
  for i, m in ipairs(matches) do
    local item = items[i] or {}
    eq({ real(vim.api.nvim_buf_get_name(item.bufnr or 0)), item.lnum, item.col, item.text, item.valid },
      { real(m.abspath), m.spans[1].line, m.spans[1].col_byte, m.snippet, 1 },
      query .. ': quickfix entry ' .. i)
  end
  check(vim.fn.getqflist({ winid = 0 }).winid ~= 0, query .. ': quickfix window not open')
end

-- :cc 1 puts the cursor on the first matched word, byte-exact.
local function check_jump(query, m, word)
  vim.cmd('cc 1')
  local span = m.spans[1]
  eq(real(vim.api.nvim_buf_get_name(0)), real(m.abspath), query .. ': file after :cc 1')
  eq(vim.api.nvim_win_get_cursor(0), { span.line, span.col_byte - 1 }, query .. ': cursor after :cc 1')
  eq(vim.fn.expand('<cword>'):lower(), word, query .. ': word under the cursor')
  local col = vim.api.nvim_win_get_cursor(0)[2]
  eq(vim.api.nvim_get_current_line():sub(col + 1, col + #word):lower(), word, query .. ': bytes at the cursor')
end

-- Every span of every match in the buffer's file has its extmark, covering
-- exactly the matched word, in the KbSearchMatch group.
local function check_marks(query, buf, matches)
  local want = {}
  for _, m in ipairs(matches) do
    if real(m.abspath) == real(vim.api.nvim_buf_get_name(buf)) then
      for _, s in ipairs(m.spans) do
        want[#want + 1] = { s.line - 1, s.col_byte - 1, s.line - 1, s.col_byte - 1 + #s.text, 'KbSearchMatch', s.text }
      end
    end
  end
  local got = {}
  for _, mark in ipairs(marks(buf)) do
    local row, col, d = mark[2], mark[3], mark[4]
    local text = vim.api.nvim_buf_get_text(buf, row, col, d.end_row, d.end_col, {})
    got[#got + 1] = { row, col, d.end_row, d.end_col, d.hl_group, table.concat(text, '\n') }
  end
  check(#want > 0, query .. ': no span in this file')
  eq(got, want, query .. ': extmarks')
end

local function quickfix_part()
  local garden = env.kb .. '/notes/garden.md'
  local zurich = env.kb .. '/travel/zürich.md'

  edit(garden)
  local compost = expected('compost')
  vim.cmd('KbSearch compost')
  check_quickfix('compost', compost)
  check_marks('compost', buffer_of(garden), compost)
  check_jump('compost', compost[1], 'compost')

  -- zürich.md is not loaded yet: its marks come when :cc enters it.
  local lighthouse = expected('lighthouse')
  vim.cmd('KbSearch lighthouse')
  check_quickfix('lighthouse', lighthouse)
  eq(#marks(buffer_of(garden)), 0, "lighthouse: compost's marks replaced")
  check_jump('lighthouse', lighthouse[1], 'lighthouse')
  eq(vim.api.nvim_win_get_cursor(0), { 3, 43 }, 'lighthouse: cursor after the multi-byte letters')
  check_marks('lighthouse', buffer_of(zurich), lighthouse)

  vim.cmd('KbSearchClear')
  eq(#marks(buffer_of(zurich)), 0, 'KbSearchClear: extmarks left')
  edit(garden)
  vim.cmd('KbSearch compost')
  vim.cmd('KbSearchClear')
  edit(zurich)
  eq(#marks(buffer_of(garden)) + #marks(buffer_of(zurich)), 0, 'KbSearchClear: marks placed after it')

  local seen = notifications(function()
    vim.cmd('KbSearch zzzqqq')
  end)
  eq(#vim.fn.getqflist(), 0, 'no match: quickfix entries')
  check(#seen == 1 and seen[1].message:find('no match', 1, true), 'no match: message ' .. vim.inspect(seen))

  edit(env.noindex .. '/loose.txt')
  seen = notifications(function()
    vim.cmd('KbSearch compost')
  end)
  check(#seen == 1 and seen[1].level == vim.log.levels.ERROR and seen[1].message:find('no index found', 1, true)
    and seen[1].message:find(real(env.noindex), 1, true),
    'no index: ERROR naming the folder wanted, got ' .. vim.inspect(seen))
end

-- Waits for a request's on_done; returns its objects and failure.
local function answer(client, query, opts)
  local done
  client:request(vim.tbl_extend('force', { query = query }, opts or {}), function(objects, failure)
    done = { objects = objects, failure = failure }
  end)
  check(vim.wait(10000, function()
    return done ~= nil
  end, 10), query .. ': no answer from --serve')
  return done or { objects = {} }
end

-- The objects of an answer as --json writes them, for comparing.
local function matches_of(objects)
  local matches = {}
  for _, o in ipairs(objects) do
    if o.type == 'match' then
      o.id = nil
      o.qid = '1'
      matches[#matches + 1] = o
    end
  end
  return matches
end

local function serve_part()
  local serve = require('kbsearch.serve')
  local client = serve.new({ env.kbsearch, '--serve' }, env.kb)

  local got = answer(client, 'compost')
  local objects = got.objects
  eq(got.failure, nil, 'serve compost: failure')
  eq(objects[1] and objects[1].type, 'begin', 'serve compost: first object')
  eq(objects[#objects] and objects[#objects].type, 'end', 'serve compost: last object')
  eq(objects[#objects] and objects[#objects].matches, #expected('compost'), 'serve compost: end.matches')
  eq(matches_of(objects), expected('compost'), 'serve compost: matches as --json')

  -- Typing fast: the first request is superseded, only the second answers.
  local first_done
  client:request({ query = 'compost' }, function()
    first_done = true
  end)
  got = answer(client, 'lighthouse', { limit = 5, per_file = 1 })
  eq(matches_of(got.objects), expected('lighthouse'), 'serve superseded: the newer answer')
  vim.wait(200, function()
    return first_done
  end, 10)
  eq(first_done, nil, 'serve superseded: the older request was answered')

  got = answer(client, '-compost')
  local errors = vim.tbl_filter(function(o)
    return o.type == 'error'
  end, got.objects)
  check(#errors == 1 and type(errors[1].message) == 'string', 'serve -compost: one error object ' .. vim.inspect(got.objects))

  -- Killed: the next request starts a new process.
  local job = client.job
  vim.fn.jobstop(job)
  check(vim.wait(5000, function()
    return not client:running()
  end, 10), 'serve: still running after jobstop')
  got = answer(client, 'compost')
  check(client.job ~= job, 'serve: not restarted')
  eq(matches_of(got.objects), expected('compost'), 'serve restarted: matches')

  eq(client:stop(), 0, 'serve: exit code on EOF')
  eq(client:running(), false, 'serve: running after stop')

  local lost = serve.new({ env.kbsearch, '--serve' }, env.noindex)
  got = answer(lost, 'compost')
  check(type(got.failure) == 'string' and got.failure:find('no index found', 1, true),
    'serve without an index: failure ' .. vim.inspect(got))
end

local function main()
  require('kbsearch').setup({ cmd = env.kbsearch })
  check(vim.fn.exists(':KbSearch') == 2 and vim.fn.exists(':KbSearchClear') == 2, 'commands not defined')
  quickfix_part()
  local ok, err = pcall(vim.cmd, 'helptags ' .. vim.fn.fnameescape(env.doc))
  check(ok and #vim.fn.readfile(env.doc .. '/tags') > 0, 'helptags: ' .. tostring(err))
  -- Telescope is not installed here: the picker can only be compiled.
  _, err = loadfile(env.editors .. '/nvim/lua/telescope/_extensions/kbsearch.lua')
  eq(err, nil, 'telescope extension: compiles')
  serve_part()
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  failures[#failures + 1] = 'error: ' .. err
end
if #failures > 0 then
  io.stderr:write('FAIL: ' .. table.concat(failures, '\nFAIL: ') .. '\n')
  vim.cmd('cquit 1')
end
io.stdout:write('nvim: all checks passed\n')
vim.cmd('qall!')
