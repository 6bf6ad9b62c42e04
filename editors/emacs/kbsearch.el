;;; kbsearch.el --- Search notes indexed by kbsearch  -*- lexical-binding: t; -*-

;; Author: the kbsearch authors
;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1"))
;; Keywords: matching, files, outlines

;; This file is not part of GNU Emacs.

;;; Commentary:

;; kbsearch ranks the passages of a folder of notes that kbindex has
;; indexed.  This package runs `kbsearch --json' from the current
;; buffer's folder (kbsearch finds the index there or in the nearest
;; parent, as on the command line) and shows the passages:
;;
;; - `kbsearch': a results buffer in a mode derived from `grep-mode',
;;   one line per passage, PATH:LINE:COLUMN: SNIPPET, the matched words
;;   highlighted; RET and `next-error' visit the first matched word and
;;   highlight the matched words of that file until the next search.
;; - `kbsearch-xref': the same passages in an xref buffer.
;; - `consult-kbsearch' (when consult is installed): a live search in
;;   the minibuffer, like `consult-ripgrep', with a preview.
;;
;; Columns are characters (kbsearch's `col_cp'), so the jumps land on
;; the word after multi-byte letters too.

;;; Code:

(require 'grep)
(require 'json)
(require 'xref)

(defgroup kbsearch nil
  "Search folders of notes indexed by kbsearch."
  :group 'matching
  :prefix "kbsearch-")

(defcustom kbsearch-program "kbsearch"
  "The kbsearch program (a file name, or a name in the variable `exec-path')."
  :type 'string)

(defcustom kbsearch-limit 50
  "At most this many passages per search (kbsearch --limit)."
  :type 'natnum)

(defface kbsearch-match '((t :inherit match))
  "The matched words, in snippets and in the visited files.")

(defvar kbsearch-history nil
  "Queries given to the kbsearch commands.")

(defun kbsearch--read-query ()
  "Read a query in the minibuffer."
  (let ((query (string-trim (read-string "Search notes: " nil 'kbsearch-history))))
    (if (string-empty-p query) (user-error "Nothing to search for") query)))

(defun kbsearch--command (query &optional options)
  "The kbsearch command line for QUERY, with extra OPTIONS (strings)."
  `(,(or (executable-find kbsearch-program)
         (user-error "Cannot run kbsearch as `%s': set `kbsearch-program'" kbsearch-program))
    "--json" "--limit" ,(number-to-string kbsearch-limit) ,@options "--" ,query))

(defun kbsearch--parse (line)
  "The JSON object on LINE, an alist, with null and false as nil."
  (if (json-available-p)
      (json-parse-string line :object-type 'alist :array-type 'list
                         :null-object nil :false-object nil)
    (let ((json-object-type 'alist) (json-array-type 'list)
          (json-key-type 'symbol) (json-null nil) (json-false nil))
      (json-read-from-string line))))

(defun kbsearch--file (match)
  "The file MATCH points into, or nil when there is no line to visit.
A PDF's passage has a page, not a line, and a deleted file is gone."
  (let ((file (alist-get 'abspath match)))
    (unless (or (alist-get 'page match) (alist-get 'deleted match))
      (if (stringp file)
          file
        ;; A name that is not UTF-8 comes as base64: raw bytes, which
        ;; Emacs writes back unchanged when it opens the file.
        (decode-coding-string (base64-decode-string (alist-get 'bytes file))
                              'utf-8-unix)))))

(defun kbsearch--char-offset (bytes offset)
  "The number of characters in the first OFFSET bytes of BYTES (UTF-8)."
  (length (decode-coding-string (substring bytes 0 offset) 'utf-8-unix)))

(defun kbsearch--snippet (match property)
  "MATCH's snippet, its matched words with PROPERTY set to `kbsearch-match'.
PROPERTY is `face', or `font-lock-face' for a buffer under font-lock."
  (let* ((snippet (copy-sequence (alist-get 'snippet match)))
         (bytes (encode-coding-string snippet 'utf-8-unix)))
    ;; The span offsets count bytes of the UTF-8 snippet.
    (dolist (span (alist-get 'spans match))
      (let ((beg (alist-get 'snippet_start span))
            (end (alist-get 'snippet_end span)))
        (when (and beg end)
          (put-text-property (kbsearch--char-offset bytes beg)
                             (kbsearch--char-offset bytes end)
                             property 'kbsearch-match snippet))))
    (if (alist-get 'stale match) (concat "[stale] " snippet) snippet)))

(defun kbsearch--line (match file snippet-property)
  "MATCH as PATH:LINE:COLUMN: SNIPPET, for FILE.
PATH is relative to `default-directory', LINE and COLUMN (1-based,
in characters) those of the first matched word.  SNIPPET-PROPERTY
is as PROPERTY of `kbsearch--snippet'."
  (let ((span (car (alist-get 'spans match))))
    (format "%s:%d:%d: %s" (file-relative-name file)
            (alist-get 'line span (alist-get 'line_start match))
            (alist-get 'col_cp span 1)
            (kbsearch--snippet match snippet-property))))

(defun kbsearch--span-region (span)
  "Where SPAN is in the current buffer, (BEG . END), or nil if it is not there.
BEG is from the span's line and character column; its length comes
from its bytes, since a match may hold markup the snippet does not."
  (save-excursion
    (save-restriction
      (widen)
      (goto-char (point-min))
      (when (zerop (forward-line (1- (alist-get 'line span))))
        (let ((beg (min (+ (point) (1- (alist-get 'col_cp span)))
                        (line-end-position))))
          (cons beg (or (byte-to-position
                         (+ (position-bytes beg)
                            (- (alist-get 'byte_end span)
                               (alist-get 'byte_start span))))
                        (point-max))))))))

(defun kbsearch--error-message (status stderr)
  "What to tell of a kbsearch run that exited with STATUS, writing STDERR."
  (let ((said (string-trim stderr)))
    (if (string-empty-p said) (format "kbsearch: exit status %s" status) said)))

;;;; The results buffer

(defvar-local kbsearch--query nil
  "The query of this results buffer.")

(defvar-local kbsearch--process nil
  "The kbsearch process filling this results buffer, while it runs.")

(defvar-local kbsearch--spans nil
  "The spans of this buffer's passages, by the `file-truename' of their file.")

(defvar-local kbsearch--marked nil
  "The buffers where this buffer's matched words are highlighted.")

(defvar kbsearch-mode-map
  (let ((map (make-sparse-keymap)))
    (set-keymap-parent map grep-mode-map)
    (define-key map "g" #'kbsearch-rerun)
    map)
  "Keymap of the kbsearch results buffer.")

;;;###autoload
(define-derived-mode kbsearch-mode grep-mode "kbsearch"
  "The passages kbsearch found, one per line: PATH:LINE:COLUMN: SNIPPET.
\\<kbsearch-mode-map>\\[compile-goto-error] or `next-error' visits a passage's first matched
word, \\[kbsearch-rerun] searches again.

\\{kbsearch-mode-map}"
  (setq-local compilation-error-regexp-alist
              '(("^\\([^\n]+?\\):\\([1-9][0-9]*\\):\\([1-9][0-9]*\\): " 1 2 3)))
  ;; Columns count characters (kbsearch's col_cp, from 1), not screen
  ;; columns; grep's count from 0.
  (setq-local compilation-error-screen-columns nil)
  (setq-local compilation-first-column 1)
  ;; grep-mode's keywords would take a dated file name for a context line.
  (setq-local compilation-mode-font-lock-keywords nil)
  (add-hook 'kill-buffer-hook #'kbsearch--stop nil t)
  (add-hook 'next-error-hook #'kbsearch--mark-visited))

;;;###autoload
(defun kbsearch (query)
  "Search the notes' index for QUERY and list the passages found.
kbsearch runs in `default-directory' and finds the index there or in
the nearest parent folder.  The list is in the buffer *kbsearch*.
Return the kbsearch process."
  (interactive (list (kbsearch--read-query)))
  (let ((dir default-directory))
    (with-current-buffer (get-buffer-create "*kbsearch*")
      (setq default-directory dir)
      (kbsearch--start query)
      (display-buffer (current-buffer))
      kbsearch--process)))

(defun kbsearch-rerun ()
  "Search again for this results buffer's query."
  (interactive)
  (unless kbsearch--query (user-error "Not a kbsearch results buffer"))
  (kbsearch--start kbsearch--query))

(defun kbsearch--stop ()
  "Stop this results buffer's search and remove the highlighting it made."
  (let ((process kbsearch--process))
    ;; First, so that the sentinels the kills run find nothing to show.
    (setq kbsearch--process nil)
    (when process
      ;; Killing a process's buffer kills the process.
      (kill-buffer (process-buffer (process-get process 'kbsearch-stderr)))
      (kill-buffer (process-buffer process))))
  (dolist (buffer kbsearch--marked)
    (when (buffer-live-p buffer)
      (with-current-buffer buffer
        (remove-overlays nil nil 'kbsearch t)))))

(defun kbsearch--start (query)
  "Empty the current buffer and run kbsearch for QUERY into it."
  (let ((command (kbsearch--command query))
        (results (current-buffer)))
    (kbsearch--stop)
    (let ((inhibit-read-only t))
      (erase-buffer))
    (kbsearch-mode)
    ;; As in grep's buffer: the first line says how to read the buffer
    ;; again, and puts the first passage after the start, where
    ;; `next-error' looks for the first one.
    (let ((inhibit-read-only t))
      (insert (format "-*- mode: kbsearch; default-directory: %S -*-\n"
                      (abbreviate-file-name default-directory))))
    (setq kbsearch--query query
          header-line-format (format "kbsearch: %s" query)
          mode-line-process ":run"
          next-error-last-buffer results)
    (let ((stderr (make-pipe-process
                   :name "kbsearch-stderr" :noquery t
                   :buffer (generate-new-buffer " *kbsearch-stderr*")
                   :sentinel (lambda (_ _) (kbsearch--finish results)))))
      (setq kbsearch--process
            (make-process
             :name "kbsearch" :noquery t :connection-type 'pipe
             :coding 'utf-8-unix :command command
             :buffer (generate-new-buffer " *kbsearch-json*") :stderr stderr
             :sentinel (lambda (_ _) (kbsearch--finish results))))
      (process-put kbsearch--process 'kbsearch-stderr stderr))))

(defun kbsearch--finish (results)
  "Show the passages in RESULTS once its kbsearch process and stderr are done.
Each of the two calls this when it ends, in either order."
  (let* ((process (and (buffer-live-p results)
                       (buffer-local-value 'kbsearch--process results)))
         (stderr (and process (process-get process 'kbsearch-stderr))))
    (when (and process
               (memq (process-status process) '(exit signal))
               (not (process-live-p stderr)))
      (with-current-buffer results
        (setq kbsearch--process nil)
        (kbsearch--show process (process-exit-status process)
                        (with-current-buffer (process-buffer stderr)
                          (buffer-string))))
      (kill-buffer (process-buffer process))
      (kill-buffer (process-buffer stderr)))))

(defun kbsearch--show (process status stderr)
  "Fill the current buffer from PROCESS, which ended with STATUS and STDERR."
  (let ((inhibit-read-only t)
        (spans (make-hash-table :test #'equal))
        (shown 0))
    (goto-char (point-max))
    (if (not (memq status '(0 1)))
        (let ((message (kbsearch--error-message status stderr)))
          (insert (propertize message 'font-lock-face 'error) "\n")
          (setq mode-line-process ":failed")
          (message "%s" message))
      (dolist (line (with-current-buffer (process-buffer process)
                      (split-string (buffer-string) "\n" t)))
        (let* ((object (kbsearch--parse line))
               (file (and (equal (alist-get 'type object) "match")
                          (kbsearch--file object))))
          (when file
            (setq shown (1+ shown))
            (insert (kbsearch--line object file 'font-lock-face) "\n")
            (unless (alist-get 'stale object)
              (let ((key (file-truename file)))
                (puthash key (append (gethash key spans) (alist-get 'spans object))
                         spans))))))
      (insert (propertize (if (zerop shown)
                              "kbsearch finished: no match"
                            (format "kbsearch finished: %d passage%s"
                                    shown (if (= shown 1) "" "s")))
                          'font-lock-face 'compilation-info)
              "\n")
      (setq kbsearch--spans spans
            mode-line-process ":exit")
      (when (zerop shown)
        (message "kbsearch: no match for %s" kbsearch--query))
      (unless (string-empty-p stderr)
        (message "%s" (string-trim stderr))))
    ;; On the first passage, for RET.
    (goto-char (point-min))
    (forward-line 1)
    (dolist (window (get-buffer-window-list nil nil t))
      (set-window-point window (point)))))

(defun kbsearch--mark-visited ()
  "Highlight the matched words in the buffer `next-error' has just visited."
  (let ((results next-error-last-buffer))
    (when (and (buffer-live-p results) buffer-file-name
               (eq (buffer-local-value 'major-mode results) 'kbsearch-mode))
      (let ((spans (gethash (file-truename buffer-file-name)
                            (buffer-local-value 'kbsearch--spans results))))
        (remove-overlays nil nil 'kbsearch t)
        (dolist (span spans)
          (let ((region (kbsearch--span-region span)))
            (when region
              (let ((overlay (make-overlay (car region) (cdr region))))
                (overlay-put overlay 'kbsearch t)
                (overlay-put overlay 'face 'kbsearch-match)))))
        (let ((buffer (current-buffer)))
          (with-current-buffer results
            (unless (memq buffer kbsearch--marked)
              (push buffer kbsearch--marked))))))))

;;;; xref

(defun kbsearch--run (query)
  "Run kbsearch for QUERY in `default-directory' and wait for it.
Return its match objects that have a line to visit, best first, as
\(FILE . MATCH); signal a `user-error' with kbsearch's message if it fails."
  (let ((stderr (make-temp-file "kbsearch-stderr")))
    (unwind-protect
        (with-temp-buffer
          (let* ((coding-system-for-read 'utf-8-unix)
                 (command (kbsearch--command query))
                 (status (apply #'call-process (car command) nil (list t stderr) nil
                                (cdr command))))
            (unless (memq status '(0 1))
              (user-error "%s" (kbsearch--error-message
                                status (with-temp-buffer
                                         (insert-file-contents stderr)
                                         (buffer-string)))))
            (delq nil (mapcar (lambda (line)
                                (let* ((object (kbsearch--parse line))
                                       (file (and (equal (alist-get 'type object) "match")
                                                  (kbsearch--file object))))
                                  (and file (cons file object))))
                              (split-string (buffer-string) "\n" t)))))
      (delete-file stderr))))

(defun kbsearch--xrefs (query)
  "The passages for QUERY as xref items, at their first matched word."
  (mapcar (lambda (found)
            (let ((span (car (alist-get 'spans (cdr found)))))
              (xref-make (kbsearch--snippet (cdr found) 'face)
                         (xref-make-file-location
                          (car found)
                          (alist-get 'line span (alist-get 'line_start (cdr found)))
                          (1- (alist-get 'col_cp span 1))))))
          (kbsearch--run query)))

;;;###autoload
(defun kbsearch-xref-backend ()
  "The xref backend of kbsearch, for `xref-backend-functions'.
With it, `xref-find-apropos' searches the notes' index."
  'kbsearch)

(cl-defmethod xref-backend-apropos ((_backend (eql kbsearch)) pattern)
  "The passages for the query PATTERN."
  (kbsearch--xrefs pattern))

;;;###autoload
(defun kbsearch-xref (query)
  "Search the notes' index for QUERY and show the passages with xref.
kbsearch runs in `default-directory', as for `kbsearch'."
  (interactive (list (kbsearch--read-query)))
  (let ((xref-backend-functions (list #'kbsearch-xref-backend)))
    (xref-find-apropos query)))

;;;; consult

(defun kbsearch--candidate (line)
  "A consult candidate for a --json LINE, or nil if it is not a passage to visit.
It is PATH:LINE:COLUMN: SNIPPET with the property `kbsearch--location',
\(FILE . SPANS)."
  (let* ((object (kbsearch--parse line))
         (file (and (equal (alist-get 'type object) "match")
                    (kbsearch--file object))))
    (when file
      (let ((candidate (kbsearch--line object file 'face))
            (path (file-relative-name file)))
        (add-text-properties 0 (length path)
                             `(face consult-file consult--prefix-group ,path)
                             candidate)
        (put-text-property (1+ (length path)) (string-search ": " candidate (length path))
                           'face 'consult-line-number candidate)
        (put-text-property 0 1 'kbsearch--location
                           (cons file (alist-get 'spans object)) candidate)
        candidate))))

(defun kbsearch--candidate-position (candidate &optional find-file)
  "Where CANDIDATE's first matched word is, with its other matched words.
Return (MARKER . ((BEG . END) ...)), offsets from MARKER, as consult
previews; FIND-FILE opens the file (default `find-file')."
  (let ((location (and candidate (get-text-property 0 'kbsearch--location candidate))))
    (when location
      (with-current-buffer (funcall (or find-file #'find-file) (car location))
        (let* ((regions (delq nil (mapcar #'kbsearch--span-region (cdr location))))
               (first (car (car regions))))
          (when first
            (cons (copy-marker first)
                  (mapcar (lambda (region)
                            (cons (- (car region) first) (- (cdr region) first)))
                          regions))))))))

(declare-function consult--async-process "ext:consult")
(declare-function consult--async-refresh-timer "ext:consult")
(declare-function consult--async-sink "ext:consult")
(declare-function consult--async-split "ext:consult")
(declare-function consult--async-split-initial "ext:consult")
(declare-function consult--async-split-thingatpt "ext:consult")
(declare-function consult--async-throttle "ext:consult")
(declare-function consult--command-split "ext:consult")
(declare-function consult--directory-prompt "ext:consult")
(declare-function consult--jump-state "ext:consult")
(declare-function consult--lookup-member "ext:consult")
(declare-function consult--prefix-group "ext:consult")
(declare-function consult--read "ext:consult")
(declare-function consult--temporary-files "ext:consult")

(defun kbsearch--consult-builder (input)
  "The kbsearch command for consult's INPUT, as (ARGS . nil).
INPUT is the query, then optionally \" -- \" and kbsearch options."
  (pcase-let ((`(,query . ,options) (consult--command-split input)))
    (unless (string-blank-p query)
      (list (kbsearch--command query options)))))

(defun kbsearch--consult-async (sink)
  "A consult async source running kbsearch --json, candidates into SINK.
kbsearch runs in `default-directory'."
  (let ((dir default-directory))
    (consult--async-process
     (lambda (action)
       (funcall sink (if (consp action)
                         (let ((default-directory dir))
                           (delq nil (mapcar #'kbsearch--candidate action)))
                       action)))
     #'kbsearch--consult-builder)))

(defun kbsearch--consult-state ()
  "The consult state: preview a candidate's file, jump to it on return."
  (let ((open (consult--temporary-files))
        (jump (consult--jump-state)))
    (lambda (action candidate)
      (unless candidate
        (funcall open))
      (funcall jump action (kbsearch--candidate-position
                            candidate (and (not (eq action 'return)) open))))))

;; `consult-kbsearch' exists once consult is loaded; its autoload is
;; made then, so that a configuration without consult has no such command.
;;;###autoload
(with-eval-after-load 'consult
  (autoload 'consult-kbsearch "kbsearch"
    "Search the notes' index with kbsearch as you type." t))

(with-eval-after-load 'consult
  (defun consult-kbsearch (&optional dir initial)
    "Search the notes' index with kbsearch as you type, like `consult-ripgrep'.
kbsearch runs in `default-directory', or in DIR, asked for with a
prefix argument; INITIAL is the initial input."
    (interactive "P")
    (pcase-let ((`(,prompt . ,default-directory)
                 (consult--directory-prompt "kbsearch" (or dir default-directory))))
      (consult--read
       (consult--async-split
        (consult--async-throttle
         (kbsearch--consult-async (consult--async-refresh-timer (consult--async-sink)))))
       :prompt prompt
       :lookup #'consult--lookup-member
       :state (kbsearch--consult-state)
       :initial (consult--async-split-initial initial)
       :add-history (consult--async-split-thingatpt 'symbol)
       :require-match t
       :category 'consult-grep
       :group #'consult--prefix-group
       :history '(:input kbsearch-history)
       :sort nil))))

(provide 'kbsearch)
;;; kbsearch.el ends here
