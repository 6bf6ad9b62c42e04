-- :Telescope kbsearch: a live picker over one `kbsearch --serve` process
-- per index, asked again at each change of the prompt, kbsearch's ranking
-- kept as it is. Written against telescope 0.1.x (the releases for Neovim
-- 0.7); tried by hand with 0.1.4, not by the tests (telescope is not
-- installed on the test machines).
local telescope = require('telescope')
local pickers = require('telescope.pickers')
local sorters = require('telescope.sorters')
local conf = require('telescope.config').values
local actions = require('telescope.actions')
local action_state = require('telescope.actions.state')

local kbsearch = require('kbsearch')
local match = require('kbsearch.match')
local highlight = require('kbsearch.highlight')
local serve = require('kbsearch.serve')

-- The running processes, one per index folder (a process stays up between
-- pickers: opening the index is the slow part).
local clients = {}

-- The folder holding the index kbsearch finds from folder (the nearest with
-- a .kbsearch), or folder itself when there is none (kbsearch will say so).
local function index_root(folder)
  local dir = folder
  repeat
    if vim.fn.isdirectory(dir .. '/.kbsearch') == 1 then
      return dir
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    local top = parent == dir
    dir = parent
  until top
  return folder
end

local function client_for(folder)
  local key = index_root(vim.fn.fnamemodify(folder, ':p:h'))
  clients[key] = clients[key] or serve.new(kbsearch.command({ '--serve' }), folder)
  return clients[key]
end

-- path:line snippet, the matched words highlighted from their spans.
local function entry(loc)
  local prefix = string.format('%s:%d: %s', loc.path, loc.lnum, loc.stale and '[stale] ' or '')
  local text = prefix .. loc.snippet
  local marks = {}
  for _, span in ipairs(loc.spans) do
    if type(span.snippet_start) == 'number' then
      marks[#marks + 1] = { { #prefix + span.snippet_start, #prefix + span.snippet_end }, highlight.group }
    end
  end
  return {
    value = loc,
    ordinal = text,
    display = function()
      return text, marks
    end,
    filename = loc.filename,
    lnum = loc.lnum,
    -- 1-based, as in telescope's grep entries: its edit action hands col to
    -- nvim_win_set_cursor (0-based), and leaving the prompt's insert mode
    -- then moves the cursor one byte left, onto the word.
    col = loc.col,
  }
end

-- A telescope finder: called with each new prompt; results of a prompt
-- superseded by a newer one never reach the picker (the client drops them).
local function live_finder(client, opts)
  local last_failure
  local function find(_, prompt, process_result, process_complete)
    if not prompt or prompt == '' then
      client:cancel()
      process_complete()
      return
    end
    local request = { query = prompt, limit = opts.limit or kbsearch.config.limit, per_file = opts.per_file or kbsearch.config.per_file }
    client:request(request, function(objects, failure)
      -- Said once, not at every key typed while the index is missing.
      if failure and failure ~= last_failure then
        vim.notify(failure, vim.log.levels.ERROR)
      end
      last_failure = failure
      for _, object in ipairs(objects) do
        local loc = object.type == 'match' and match.location(object)
        if loc and process_result(entry(loc)) then
          return
        end
      end
      process_complete()
    end)
  end
  return setmetatable({
    close = function()
      client:cancel()
    end,
  }, { __call = find })
end

-- opts: telescope's picker options, and cwd (the folder to search from;
-- default: the current buffer's), limit, per_file (default: setup's).
local function picker(opts)
  opts = opts or {}
  local folder = opts.cwd and vim.fn.expand(opts.cwd) or kbsearch.folder(0)
  opts.limit, opts.per_file = tonumber(opts.limit), tonumber(opts.per_file)
  pickers.new(opts, {
    prompt_title = 'kbsearch',
    finder = live_finder(client_for(folder), opts),
    sorter = sorters.empty(),
    previewer = conf.grep_previewer(opts),
    attach_mappings = function()
      -- The chosen passage's words are highlighted in its file, as after
      -- :KbSearch (until :KbSearchClear or the next search).
      actions.select_default:enhance({
        pre = function()
          local selected = action_state.get_selected_entry()
          if selected then
            highlight.show({ selected.value })
          end
        end,
      })
      return true
    end,
  }):find()
end

return telescope.register_extension({ exports = { kbsearch = picker } })
