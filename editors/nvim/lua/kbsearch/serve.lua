-- A client of `kbsearch --serve` (docs/output.md): one long-running process
-- that keeps the index open and answers JSON requests, for live searching
-- as one types. Only the newest request is wanted: an older one still
-- running is superseded, and whatever comes for it is ignored (the process
-- ends it with "cancelled").
local M = {}

local Client = {}
Client.__index = Client

-- A client that will run argv (a command line with --serve) in folder cwd;
-- the process starts with the first request.
function M.new(argv, cwd)
  return setmetatable({ argv = argv, cwd = cwd, job = nil, last_id = 0 }, Client)
end

function Client:running()
  return self.job ~= nil
end

-- One JSON object of the process: kept if it belongs to the pending
-- request, which its `end` completes.
local function receive(client, line)
  local ok, object = pcall(vim.json.decode, line)
  local pending = client.pending
  if not ok or type(object) ~= 'table' or not pending or object.id ~= pending.id then
    return
  end
  table.insert(pending.objects, object)
  if object.type == 'end' then
    client.pending = nil
    pending.on_done(pending.objects)
  end
end

-- stdout comes in chunks cut anywhere: data's first item continues the
-- previous chunk's last line, its last item is a line still incomplete.
local function read(client, data)
  data[1] = client.partial .. data[1]
  client.partial = table.remove(data)
  for _, line in ipairs(data) do
    if line ~= '' then
      receive(client, line)
    end
  end
end

-- The process ended (killed, crashed, or refused to start: no index): the
-- pending request ends with kbsearch's message; the next one restarts it.
local function exited(client, job, code)
  if job ~= client.job then
    return
  end
  client.job = nil
  local pending = client.pending
  client.pending = nil
  if pending then
    local message = client.last_error
    if message == '' then
      message = string.format('kbsearch --serve stopped (exit %d)', code)
    end
    pending.on_done(pending.objects, message)
  end
end

local function start(client)
  if client.job then
    return true
  end
  client.partial, client.last_error = '', ''
  local job
  local ok, id = pcall(vim.fn.jobstart, client.argv, {
    cwd = client.cwd,
    on_stdout = function(_, data)
      read(client, data)
    end,
    -- Only the last message is kept: the one said on the way out.
    on_stderr = function(_, data)
      local text = vim.trim(table.concat(data, '\n'))
      if text ~= '' then
        client.last_error = text
      end
    end,
    on_exit = function(_, code)
      exited(client, job, code)
    end,
  })
  if not ok or id <= 0 then
    return false, 'cannot run ' .. client.argv[1] .. (ok and '' or ': ' .. id)
  end
  job = id
  client.job = id
  return true
end

-- Sends request {query=, limit=, per_file=} (limit and per_file may be
-- nil: the process's defaults), superseding any pending one. on_done(objects,
-- failure) is called once, with the request's objects (begin, correction,
-- match, error, end: the end last), unless a newer request supersedes it
-- first; failure is a message when the process could not answer. Returns
-- the request's id, or nil when the process could not start.
function Client:request(request, on_done)
  local started, failure = start(self)
  if not started then
    on_done({}, failure)
    return nil
  end
  self.last_id = self.last_id + 1
  local id = self.last_id
  self.pending = { id = id, objects = {}, on_done = on_done }
  local line = vim.json.encode({
    id = id,
    query = request.query,
    limit = request.limit,
    per_file = request.per_file,
  })
  -- A process on its way out refuses input: exited() ends the request.
  pcall(vim.fn.chansend, self.job, line .. '\n')
  return id
end

-- Forgets the pending request: its on_done will not be called.
function Client:cancel()
  self.pending = nil
end

-- Ends the process the polite way (EOF on its stdin), killing it if it has
-- not exited after timeout_ms (default 2000). Returns its exit code, or nil
-- when it was not running.
function Client:stop(timeout_ms)
  local job = self.job
  if not job then
    return nil
  end
  self.pending = nil
  vim.fn.chanclose(job, 'stdin')
  local code = vim.fn.jobwait({ job }, timeout_ms or 2000)[1]
  if code < 0 then
    vim.fn.jobstop(job)
  end
  self.job = nil
  return code >= 0 and code or nil
end

return M
