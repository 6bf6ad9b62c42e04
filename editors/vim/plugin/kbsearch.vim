" kbsearch.vim: search a kbsearch index from Vim into the quickfix list.
" The commands only; the work is in autoload/kbsearch.vim, loaded on first use.
" See :help kbsearch.

if exists('g:loaded_kbsearch') || v:version < 802
  finish
endif
let g:loaded_kbsearch = 1

" No -bar: the whole line is the query, '"' (phrases) and '|' included.
command! -nargs=+ KbSearch call kbsearch#search(<q-args>)
command! -bar KbSearchClear call kbsearch#clear()
