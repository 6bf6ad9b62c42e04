-- The commands only: the plugin's code loads on first use.
if vim.g.loaded_kbsearch then
  return
end
vim.g.loaded_kbsearch = true

vim.api.nvim_create_user_command('KbSearch', function(command)
  require('kbsearch').search(command.args)
end, { nargs = '+', desc = 'kbsearch: ranked passages into the quickfix list' })

vim.api.nvim_create_user_command('KbSearchClear', function()
  require('kbsearch').clear()
end, { nargs = 0, desc = "kbsearch: remove the last search's highlights" })
