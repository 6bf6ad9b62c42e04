" Run by vim.sh in vim -Es with $KB_WORK the indexed fixture copy: every
" failure goes to v:errors, which ends up in $KB_WORK/errors and exits 1.

let s:kb = $KB_WORK . '/kb'
let g:kbsearch_program = $KBSEARCH
" Buffers stay loaded when left, so a new search has old marks to remove.
set hidden

" The match objects kbsearch --json gives for {query} run in {dir}.
function! s:json_matches(dir, query) abort
  let out = systemlist('cd ' . shellescape(a:dir) . ' && ' . shellescape($KBSEARCH)
        \ . ' --json --limit 50 -- ' . shellescape(a:query))
  return filter(map(out, 'json_decode(v:val)'), 'v:val.type ==# "match"')
endfunction

" The quickfix list is --json's matches, in order, at their first span.
function! s:check_quickfix(query, matches) abort
  let items = getqflist()
  call assert_equal(len(a:matches), len(items), a:query . ': entries')
  for [m, item] in map(copy(a:matches), '[v:val, get(items, v:key, {})]')
    call assert_equal(m.abspath, fnamemodify(bufname(item.bufnr), ':p'), a:query)
    call assert_equal(m.spans[0].line, item.lnum, a:query . ': lnum')
    call assert_equal(m.spans[0].col_byte, item.col, a:query . ': col')
    call assert_equal(0, item.vcol, a:query . ': col is in bytes')
    call assert_equal(m.snippet, item.text, a:query . ': text')
  endfor
endfunction

" The kbsearch marks on line {lnum} of the current buffer or buffer {1}:
" [[col, length], ...].
function! s:marks(lnum, ...) abort
  let props = prop_list(a:lnum, {'bufnr': get(a:, 1, bufnr())})
  call filter(props, 'v:val.type ==# "kbsearch"')
  return map(props, '[v:val.col, v:val.length]')
endfunction

" :KbSearch {query} from {file}, then :cc 1 lands on {word} at {line}, {col}.
function! s:search_and_jump(file, query, word, line, col) abort
  execute 'edit' fnameescape(a:file)
  execute 'KbSearch' a:query
  call s:check_quickfix(a:query, s:json_matches(fnamemodify(a:file, ':h'), a:query))
  call assert_equal('quickfix', &buftype, a:query . ': the quickfix window is open')
  cc 1
  call assert_equal([a:line, a:col], [line('.'), col('.')], a:query . ': cursor')
  call assert_equal(a:word, expand('<cword>'), a:query . ': word under the cursor')
endfunction

function! s:test() abort
  call assert_false(exists('*kbsearch#search'), 'the autoload part loads on first use')
  call assert_equal(2, exists(':KbSearch'))

  call s:search_and_jump(s:kb . '/README.txt', 'compost', 'Compost', 3, 4)
  call assert_equal(s:kb . '/notes/garden.md', expand('%:p'))
  call assert_equal([[4, 7]], s:marks(3), 'compost: heading marked')
  call assert_equal([[5, 7]], s:marks(5), 'compost: body marked')

  call s:search_and_jump(s:kb . '/notes/garden.md', 'lighthouse', 'lighthouse', 3, 44)
  call assert_equal(s:kb . '/travel/zürich.md', expand('%:p'))
  call assert_equal([[44, 10]], s:marks(3), 'lighthouse marked')
  call assert_equal([], s:marks(3, bufnr(s:kb . '/notes/garden.md')), 'the last search only')

  KbSearchClear
  call assert_equal([], s:marks(3), 'cleared')

  " A phrase over a line break is marked on both lines.
  call s:search_and_jump(s:kb . '/notes/garden.md', '"keeps the rain"', 'keeps', 5, 62)
  call assert_equal([[62, 6]], s:marks(5), 'phrase, first line with its newline')
  call assert_equal([[1, 8]], s:marks(6), 'phrase, second line')

  let before = getqflist({'nr': '$'}).nr
  call assert_match('kbsearch: no match for zyzzyva', execute('KbSearch zyzzyva'))
  call assert_equal([], getqflist(), 'no match: an empty list')

  execute 'edit' fnameescape($KB_WORK . '/noindex/note.txt')
  try
    KbSearch compost
    call assert_report('no index: no error')
  catch
    call assert_match('^Vim(echoerr):kbsearch: no index found in ' . $KB_WORK . '/noindex', v:exception)
  endtry
  call assert_equal(before + 1, getqflist({'nr': '$'}).nr, 'an error leaves the lists alone')

  let g:kbsearch_program = $KB_WORK . '/no-such-kbsearch'
  try
    KbSearch compost
    call assert_report('no program: no error')
  catch
    call assert_match("^Vim(echoerr):kbsearch: cannot run '.*/no-such-kbsearch'", v:exception)
  endtry
endfunction

runtime plugin/kbsearch.vim
try
  call s:test()
catch
  call add(v:errors, 'exception: ' . v:exception . ' at ' . v:throwpoint)
endtry
if empty(v:errors)
  call writefile([], $KB_WORK . '/passed')
  qa!
endif
call writefile(v:errors, $KB_WORK . '/errors')
cquit!
