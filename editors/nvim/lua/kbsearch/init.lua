-- :KbSearch: kbsearch --json into the quickfix list, the matched words
-- highlighted in the files. Works on Neovim 0.7 (no vim.system).
local match = require('kbsearch.match')
local highlight = require('kbsearch.highlight')

local M = {}

-- cmd: the program (a string, or a list to add arguments such as
-- {'kbsearch', '--db', '/path/.kbsearch'}); args: more options for every
-- search; limit, per_file: -n and --per-file, nil for kbsearch's defaults.
M.config = { cmd = 'kbsearch', args = {}, limit = nil, per_file = nil }

function M.setup(opts)
  M.config = vim.tbl_extend('force', M.config, opts or {})
end

-- The command line for one run: the program, the configured options, then
-- these.
function M.command(extra)
  local cmd = M.config.cmd
  local argv = type(cmd) == 'table' and vim.deepcopy(cmd) or { cmd }
  vim.list_extend(argv, M.config.args)
  return vim.list_extend(argv, extra)
end

-- The folder kbsearch runs in, so that it finds the index as it would from
-- a shell there: the buffer's folder (or the buffer itself when it shows a
-- folder); the current directory for an unnamed or special buffer.
function M.folder(buf)
  local name = vim.api.nvim_buf_get_name(buf)
  if vim.bo[buf].buftype == '' and name ~= '' then
    if vim.fn.isdirectory(name) == 1 then
      return vim.fn.fnamemodify(name, ':p')
    end
    local parent = vim.fn.fnamemodify(name, ':p:h')
    if vim.fn.isdirectory(parent) == 1 then
      return parent
    end
  end
  return vim.fn.getcwd()
end

local function trim(lines)
  return vim.trim(table.concat(lines, '\n'))
end

-- Runs argv in folder and waits for it (a search takes milliseconds; CTRL-C
-- stops it). Returns the exit code (negative when it did not finish), the
-- stdout lines and stderr's text.
local function run(argv, folder)
  local stdout, stderr = {}, {}
  local ok, job = pcall(vim.fn.jobstart, argv, {
    cwd = folder,
    stdout_buffered = true,
    stderr_buffered = true,
    on_stdout = function(_, data)
      stdout = data
    end,
    on_stderr = function(_, data)
      stderr = data
    end,
  })
  if not ok or job <= 0 then
    return -1, {}, 'cannot run ' .. argv[1] .. (ok and '' or ': ' .. job)
  end
  local code = vim.fn.jobwait({ job }, -1)[1]
  if code < 0 then
    vim.fn.jobstop(job)
  end
  return code, stdout, trim(stderr)
end

local function decode(lines)
  local objects = {}
  for _, line in ipairs(lines) do
    local ok, object = pcall(vim.json.decode, line)
    if ok and type(object) == 'table' then
      objects[#objects + 1] = object
    end
  end
  return objects
end

local function summary(query, found, shown, corrections)
  local text
  if found == 0 then
    text = string.format("kbsearch: no match for '%s'", query)
  elseif shown == 0 then
    text = string.format('kbsearch: the %d matches are in PDFs or deleted files (no line to go to)', found)
  else
    text = string.format('kbsearch: %d match%s', shown, shown == 1 and '' or 'es')
  end
  if #corrections > 0 then
    text = text .. ' (searched ' .. table.concat(corrections, ', ') .. ')'
  end
  return text
end

-- Searches for query from buffer opts.buf's folder (default: the current
-- buffer), fills the quickfix list with one entry per match and opens it;
-- an error (no index, say) is kbsearch's own message at ERROR level.
function M.search(query, opts)
  opts = opts or {}
  local extra = { '--json' }
  if M.config.limit then
    vim.list_extend(extra, { '--limit', tostring(M.config.limit) })
  end
  if M.config.per_file then
    vim.list_extend(extra, { '--per-file', tostring(M.config.per_file) })
  end
  vim.list_extend(extra, { '--', query })

  local code, stdout, stderr = run(M.command(extra), M.folder(opts.buf or 0))
  if code ~= 0 and code ~= 1 then
    local message = stderr ~= '' and stderr
      or code < 0 and 'kbsearch: interrupted'
      or string.format('kbsearch: exit %d', code)
    vim.notify(message, vim.log.levels.ERROR)
    return
  end
  if stderr ~= '' then
    vim.notify(stderr, vim.log.levels.WARN)
  end

  local items, locations, corrections, found = {}, {}, {}, 0
  for _, object in ipairs(decode(stdout)) do
    if object.type == 'correction' then
      corrections[#corrections + 1] = object.to .. ' for ' .. object.from
    elseif object.type == 'match' then
      found = found + 1
      local loc = match.location(object)
      if loc then
        locations[#locations + 1] = loc
        items[#items + 1] = {
          filename = loc.filename,
          lnum = loc.lnum,
          col = loc.col,
          text = (loc.stale and '[stale] ' or '') .. loc.snippet,
        }
      end
    end
  end

  highlight.show(locations)
  vim.fn.setqflist({}, ' ', { title = 'KbSearch ' .. query, items = items })
  if #items > 0 then
    vim.cmd('copen')
  end
  vim.notify(summary(query, found, #items, corrections), vim.log.levels.INFO)
end

-- Removes the highlights of the last search.
function M.clear()
  highlight.clear()
end

return M
