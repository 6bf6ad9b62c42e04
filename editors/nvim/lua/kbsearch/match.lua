-- A `match` object of kbsearch's JSON output (docs/output.md) as a place in
-- an editor: shared by the quickfix list and the telescope picker, so both
-- land on the same byte.
local M = {}

local alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
local sextet = {}
for i = 1, #alphabet do
  sextet[alphabet:byte(i)] = i - 1
end

local function from_base64(text)
  local out, bits, nbits = {}, 0, 0
  for i = 1, #text do
    local v = sextet[text:byte(i)]
    if v then
      bits, nbits = bits * 64 + v, nbits + 6
      if nbits >= 8 then
        nbits = nbits - 8
        local byte = math.floor(bits / 2 ^ nbits)
        out[#out + 1] = string.char(byte)
        bits = bits - byte * 2 ^ nbits
      end
    end
  end
  return table.concat(out)
end

-- A string of the output: kbsearch writes one that is not valid UTF-8 (a
-- file name) as {"bytes": base64}, and Neovim opens such a name by its bytes.
function M.text(value)
  if type(value) == 'table' then
    return from_base64(value.bytes or '')
  end
  return value
end

-- The place to open for a match, or nil when there is no line to go to: a
-- PDF passage (it has a page instead) or a file deleted since indexing.
-- lnum and col (1-based, bytes: Neovim's columns) are the first matched
-- word's; spans are all of the match's words, for highlighting.
function M.location(m)
  if m.page or m.deleted then
    return nil
  end
  local first = m.spans[1]
  return {
    filename = M.text(m.abspath),
    path = M.text(m.path),
    lnum = first and first.line or m.line_start,
    col = first and first.col_byte or 1,
    snippet = (m.snippet:gsub('\n', ' ')),
    stale = m.stale == true,
    spans = m.spans,
  }
end

return M
