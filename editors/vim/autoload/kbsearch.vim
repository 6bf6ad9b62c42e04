" The work behind :KbSearch: run kbsearch --json in the current buffer's
" folder (kbsearch finds the index from there up, as on the command line),
" turn its match objects into quickfix entries, and mark the matched words
" in the files they point into.

let s:save_cpo = &cpo
set cpo&vim

highlight default link KbSearchMatch Search

" Text properties belong to a buffer and follow its edits; window matches
" (matchaddpos) would stay behind in a window that goes on to another file.
let s:can_mark = has('textprop')
if s:can_mark && empty(prop_type_get('kbsearch'))
  call prop_type_add('kbsearch', {'highlight': 'KbSearchMatch'})
endif

" The last search's spans, {bufnr: [span, ...]}: marked when the buffer is
" (re)read, since a property can only be added to a loaded buffer.
let s:spans = {}

function! kbsearch#search(query) abort
  let program = get(g:, 'kbsearch_program', 'kbsearch')
  if !executable(program)
    echoerr printf("kbsearch: cannot run '%s': set g:kbsearch_program", program)
    return
  endif
  let cmd = [program, '--json', '--limit', string(get(g:, 'kbsearch_limit', 50)),
        \ '--', a:query]
  let run = s:run(cmd, s:search_dir())
  " 0: matches, 1: none, anything else: kbsearch said why on stderr.
  if run.status != 0 && run.status != 1
    echoerr empty(run.err) ? printf('kbsearch: exit status %d', run.status)
          \ : join(run.err, "\n")
    return
  endif
  call kbsearch#clear()
  let items = []
  let skipped = 0
  for line in run.out
    let obj = json_decode(line)
    if get(obj, 'type', '') !=# 'match'
      continue
    endif
    let item = s:item(obj)
    if empty(item)
      let skipped += 1
    else
      call add(items, item)
    endif
  endfor
  call setqflist([], ' ', {'title': 'KbSearch ' . a:query, 'items': items})
  for warning in run.err
    echohl WarningMsg | echomsg warning | echohl None
  endfor
  if empty(items)
    echomsg printf('kbsearch: no match for %s%s', a:query,
          \ skipped ? printf(' to jump to (%d in PDFs or deleted files)', skipped) : '')
    return
  endif
  call s:watch()
  for bufnr in keys(s:spans)
    call s:mark(str2nr(bufnr))
  endfor
  copen
endfunction

" Removes the marks of the last search from every buffer.
function! kbsearch#clear() abort
  for bufnr in keys(s:spans)
    if s:can_mark && bufloaded(str2nr(bufnr))
      call prop_remove({'type': 'kbsearch', 'bufnr': str2nr(bufnr), 'all': 1})
    endif
  endfor
  let s:spans = {}
  silent! autocmd! kbsearch
endfunction

" The folder kbsearch runs in: the current file's, else Vim's.
function! s:search_dir() abort
  let dir = expand('%:p:h')
  return !empty(expand('%')) && isdirectory(dir) ? dir : getcwd()
endfunction

" Runs {cmd}, a list (no shell, so the query needs no quoting), in {dir} and
" waits for it: {'status': exit status, 'out': lines, 'err': lines}.
function! s:run(cmd, dir) abort
  let got = {'out': [], 'err': [], 'closed': 0}
  let job = job_start(a:cmd, {'cwd': a:dir, 'in_io': 'null',
        \ 'out_cb': {_, line -> add(got.out, line)},
        \ 'err_cb': {_, line -> add(got.err, line)},
        \ 'close_cb': {_ -> extend(got, {'closed': 1})}})
  " close_cb follows the last line; the exit status may come before or after.
  try
    while !got.closed || job_status(job) ==# 'run'
      sleep 1m
    endwhile
  finally
    if job_status(job) ==# 'run'
      call job_stop(job, 'kill')
    endif
  endtry
  return {'status': job_info(job).exitval, 'out': got.out, 'err': got.err}
endfunction

" A quickfix entry for a match object, at its first matched word; {} for a
" passage with no line to jump to (a PDF's, a deleted file's, a file name
" that is not UTF-8).
function! s:item(match) abort
  if has_key(a:match, 'page') || get(a:match, 'deleted', 0)
        \ || type(a:match.abspath) != v:t_string
    return {}
  endif
  let stale = get(a:match, 'stale', 0)
  let bufnr = bufadd(a:match.abspath)
  let spans = a:match.spans
  if !stale && !empty(spans)
    let s:spans[bufnr] = get(s:spans, bufnr, []) + spans
  endif
  return {'bufnr': bufnr,
        \ 'lnum': empty(spans) ? a:match.line_start : spans[0].line,
        \ 'col': empty(spans) ? 1 : spans[0].col_byte,
        \ 'text': (stale ? '[stale] ' : '') . a:match.snippet}
endfunction

function! s:watch() abort
  augroup kbsearch
    autocmd!
    autocmd BufReadPost * call s:mark(str2nr(expand('<abuf>')))
  augroup END
endfunction

" Marks the last search's spans in buffer {bufnr} if it is loaded.
function! s:mark(bufnr) abort
  if !s:can_mark || !bufloaded(a:bufnr) || !has_key(s:spans, a:bufnr)
    return
  endif
  call prop_remove({'type': 'kbsearch', 'bufnr': a:bufnr, 'all': 1})
  for span in s:spans[a:bufnr]
    let end = s:span_end(a:bufnr, span.line, span.col_byte,
          \ span.byte_end - span.byte_start)
    " No end: the file no longer has the span's lines.
    if !empty(end)
      call prop_add(span.line, span.col_byte, {'type': 'kbsearch',
            \ 'bufnr': a:bufnr, 'end_lnum': end[0], 'end_col': end[1]})
    endif
  endfor
endfunction

" Where a span of {nbytes} bytes from {lnum}, {col} ends in buffer {bufnr},
" [end_lnum, end_col] with end_col just after it: a phrase can go on over a
" line break. [] when the buffer is too short.
function! s:span_end(bufnr, lnum, col, nbytes) abort
  let [lnum, col, left] = [a:lnum, a:col, a:nbytes]
  while 1
    let text = getbufline(a:bufnr, lnum)
    if empty(text) || col > len(text[0]) + 1
      return []
    endif
    " The bytes left on this line, and its newline.
    let room = len(text[0]) - col + 1
    if left <= room
      return [lnum, col + left]
    endif
    let left -= room + 1
    let [lnum, col] = [lnum + 1, 1]
  endwhile
endfunction

let &cpo = s:save_cpo
unlet s:save_cpo
