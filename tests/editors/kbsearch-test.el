;;; kbsearch-test.el --- Tests of kbsearch.el  -*- lexical-binding: t; -*-

;;; Commentary:

;; Run by emacs.sh in `emacs --batch' with KB_WORK the indexed copy of
;; the fixture folder (kb/) and a folder with no index (noindex/), and
;; KBSEARCH the built program.  Every expectation is the fixture's
;; text, checked against what kbsearch --json says.

;;; Code:

(require 'ert)
(require 'kbsearch)

(setq kbsearch-program (getenv "KBSEARCH"))

(defconst kbsearch-test-work (file-name-as-directory (getenv "KB_WORK")))
(defconst kbsearch-test-kb (expand-file-name "kb/" kbsearch-test-work))

(defun kbsearch-test-file (name)
  "Visit NAME, relative to the fixture folder, and return its buffer."
  (find-file-noselect (expand-file-name name kbsearch-test-work)))

(defun kbsearch-test-wait ()
  "Wait, at most 20 s, until the search's results are shown; return *kbsearch*."
  (let ((results (get-buffer "*kbsearch*"))
        (deadline (+ (float-time) 20)))
    (while (and (buffer-local-value 'kbsearch--process results)
                (< (float-time) deadline))
      ;; Any process: the stderr pipe ends the search too.
      (accept-process-output nil 0.05))
    (should-not (buffer-local-value 'kbsearch--process results))
    results))

(defun kbsearch-test-search (from query)
  "Run `kbsearch' for QUERY from the buffer of file FROM; return *kbsearch*."
  (with-current-buffer (kbsearch-test-file from)
    (should (processp (kbsearch query)))
    (kbsearch-test-wait)))

(defun kbsearch-test-json (dir query)
  "The match objects of kbsearch --json for QUERY run in DIR."
  (let ((default-directory (expand-file-name dir kbsearch-test-work)))
    (mapcar #'cdr (kbsearch--run query))))

(defun kbsearch-test-text (buffer)
  "BUFFER's text, without its properties."
  (with-current-buffer buffer
    (buffer-substring-no-properties (point-min) (point-max))))

(defun kbsearch-test-first-line (buffer)
  "The first line of the results BUFFER, which says where it ran."
  (format "-*- mode: kbsearch; default-directory: %S -*-\n"
          (abbreviate-file-name (buffer-local-value 'default-directory buffer))))

(defun kbsearch-test-faced (string-or-buffer property)
  "The runs of text in STRING-OR-BUFFER whose PROPERTY is `kbsearch-match'."
  (let ((text (if (stringp string-or-buffer)
                  string-or-buffer
                (with-current-buffer string-or-buffer (buffer-string))))
        (runs nil) (pos 0))
    (while (setq pos (text-property-any pos (length text) property 'kbsearch-match text))
      (let ((end (or (text-property-not-all pos (length text) property 'kbsearch-match text)
                     (length text))))
        (push (substring-no-properties text pos end) runs)
        (setq pos end)))
    (nreverse runs)))

(defun kbsearch-test-marked ()
  "The text under the kbsearch overlays of the current buffer, in order."
  (mapcar (lambda (overlay)
            (should (eq (overlay-get overlay 'face) 'kbsearch-match))
            (buffer-substring-no-properties (overlay-start overlay) (overlay-end overlay)))
          (sort (seq-filter (lambda (overlay) (overlay-get overlay 'kbsearch))
                            (overlays-in (point-min) (point-max)))
                (lambda (a b) (< (overlay-start a) (overlay-start b))))))

(defun kbsearch-test-visited ()
  "The buffer a jump has just shown."
  (window-buffer (selected-window)))

(defun kbsearch-test-landed (file line column word)
  "Check that the current buffer is FILE with point at LINE, COLUMN on WORD.
COLUMN counts characters from 0."
  (should (equal (buffer-file-name) (expand-file-name file kbsearch-test-work)))
  (should (= (line-number-at-pos) line))
  (should (= (- (point) (line-beginning-position)) column))
  (should (eq (char-after) (aref word 0)))
  (should (looking-at-p (regexp-quote word))))

(ert-deftest kbsearch-test-results-buffer ()
  "One line per passage, PATH:LINE:COLUMN: SNIPPET, from the --json objects."
  (let ((results (kbsearch-test-search "kb/README.txt" "compost")))
    (with-current-buffer results
      (should (eq major-mode 'kbsearch-mode))
      (should (derived-mode-p 'grep-mode))
      (should (equal default-directory kbsearch-test-kb))
      (should (equal (kbsearch-test-text results)
                     (concat (kbsearch-test-first-line results)
                             "notes/garden.md:3:4: Compost The compost heap needs turning"
                             " once a fortnight, and the lid keeps the rain off so it"
                             " does not go sour.\n"
                             "kbsearch finished: 1 passage\n")))
      (should (equal (kbsearch-test-faced results 'font-lock-face) '("Compost" "compost"))))
    ;; The same lines as --json says, paths relative to the search's folder.
    (let ((results (kbsearch-test-search "kb/notes/garden.md" "lighthouse"))
          (json (kbsearch-test-json "kb/notes/" "lighthouse")))
      (should (= (length json) 1))
      (let* ((match (car json))
             (span (car (alist-get 'spans match))))
        (should (= (alist-get 'col_cp span) 36))
        (with-current-buffer results
          (should (equal (kbsearch-test-text results)
                         (format "%s../travel/zürich.md:%d:%d: %s\nkbsearch finished: 1 passage\n"
                                 (kbsearch-test-first-line results) (alist-get 'line span)
                                 (alist-get 'col_cp span) (alist-get 'snippet match))))
          ;; After multi-byte letters in the snippet too.
          (should (equal (kbsearch-test-faced results 'font-lock-face) '("lighthouse"))))))))

(ert-deftest kbsearch-test-jump ()
  "RET and `next-error' land on the word and highlight the file's matched words."
  (kbsearch-test-search "kb/README.txt" "compost")
  (next-error 1 t)
  (with-current-buffer (kbsearch-test-visited)
    (kbsearch-test-landed "kb/notes/garden.md" 3 3 "Compost")
    (should (equal (kbsearch-test-marked) '("Compost" "compost"))))
  (let ((results (kbsearch-test-search "kb/notes/garden.md" "lighthouse")))
    (with-current-buffer (kbsearch-test-file "kb/notes/garden.md")
      (should (equal (kbsearch-test-marked) '())))
    (with-current-buffer results
      (goto-char (point-min))
      (forward-line 1)
      (compile-goto-error))
    (with-current-buffer (kbsearch-test-visited)
      ;; Character column 35 (0-based): byte column 44 in the file.
      (kbsearch-test-landed "kb/travel/zürich.md" 3 35 "lighthouse")
      (should (equal (kbsearch-test-marked) '("lighthouse"))))))

(ert-deftest kbsearch-test-phrase-over-lines ()
  "A phrase over a line break is highlighted whole."
  (kbsearch-test-search "kb/README.txt" "\"keeps the rain\"")
  (next-error 1 t)
  (with-current-buffer (kbsearch-test-visited)
    (kbsearch-test-landed "kb/notes/garden.md" 5 61 "keeps")
    (should (member "keeps\nthe rain" (kbsearch-test-marked)))))

(ert-deftest kbsearch-test-rerun ()
  "`g' in the results buffer searches again."
  (let ((results (kbsearch-test-search "kb/README.txt" "compost")))
    (with-current-buffer results
      (let ((before (buffer-string)))
        (should (eq (key-binding "g") #'kbsearch-rerun))
        (kbsearch-rerun)
        (kbsearch-test-wait)
        (should (equal (buffer-string) before))))))

(ert-deftest kbsearch-test-no-match ()
  "No passage: no line to visit, and the last line says so."
  (let ((results (kbsearch-test-search "kb/README.txt" "zyzzyva")))
    (should (equal (kbsearch-test-text results)
                   (concat (kbsearch-test-first-line results) "kbsearch finished: no match\n")))))

(ert-deftest kbsearch-test-no-index ()
  "No index: kbsearch's message, in the results buffer and from xref."
  (let ((expected (concat "kbsearch: no index found in " kbsearch-test-work "noindex")))
    (let ((results (kbsearch-test-search "noindex/note.txt" "compost")))
      (should (string-prefix-p (concat (kbsearch-test-first-line results) expected)
                               (kbsearch-test-text results)))
      (should (equal (buffer-local-value 'mode-line-process results) ":failed")))
    (with-current-buffer (kbsearch-test-file "noindex/note.txt")
      (let ((err (should-error (kbsearch-xref "compost") :type 'user-error)))
        (should (string-prefix-p expected (cadr err)))))))

(ert-deftest kbsearch-test-xref ()
  "The xref items are at the first matched word, in characters."
  (with-current-buffer (kbsearch-test-file "kb/notes/garden.md")
    (let ((xrefs (kbsearch--xrefs "compost OR lighthouse")))
      (should (equal (mapcar (lambda (xref)
                               (let ((location (xref-item-location xref)))
                                 (list (xref-file-location-file location)
                                       (xref-file-location-line location)
                                       (xref-file-location-column location))))
                             xrefs)
                     `((,(expand-file-name "notes/garden.md" kbsearch-test-kb) 3 3)
                       (,(expand-file-name "travel/zürich.md" kbsearch-test-kb) 3 35))))
      (should (equal (kbsearch-test-faced (xref-item-summary (cadr xrefs)) 'face)
                     '("lighthouse")))
      (let ((marker (xref-location-marker (xref-item-location (cadr xrefs)))))
        (with-current-buffer (marker-buffer marker)
          (goto-char marker)
          (kbsearch-test-landed "kb/travel/zürich.md" 3 35 "lighthouse"))))
    (kbsearch-xref "lighthouse")
    (with-current-buffer "*xref*"
      (should (string-match-p "lighthouse keeper" (buffer-string))))))

(ert-deftest kbsearch-test-consult ()
  "With consult: the command, its kbsearch arguments, its candidates' jumps."
  (add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
  (package-initialize)
  (should (require 'consult nil t))
  (should (commandp 'consult-kbsearch))
  (should (equal (kbsearch--consult-builder "lighthouse keeper -- --per-file 1")
                 `((,(executable-find kbsearch-program) "--json" "--limit" "50"
                    "--per-file" "1" "--" "lighthouse keeper"))))
  (should-not (kbsearch--consult-builder "  "))
  (with-current-buffer (kbsearch-test-file "kb/notes/garden.md")
    (let ((async (kbsearch--consult-async (consult--async-sink)))
          (deadline (+ (float-time) 20)))
      (funcall async 'setup)
      (funcall async "compost OR lighthouse")
      (while (and (< (length (funcall async nil)) 2) (< (float-time) deadline))
        (accept-process-output nil 0.05))
      (let ((candidates (funcall async nil)))
        (should (equal (mapcar #'substring-no-properties candidates)
                       (list (concat "garden.md:3:4: Compost The compost heap needs turning"
                                     " once a fortnight, and the lid keeps the rain off so it"
                                     " does not go sour.")
                             (concat "../travel/zürich.md:3:36: Zürich notes Café Schönbühl"
                                     " — naïve résumé: the lighthouse keeper’s daughter told"
                                     " us about the ferry."))))
        (should (equal (kbsearch-test-faced (cadr candidates) 'face) '("lighthouse")))
        (pcase-let ((`(,marker . ,words) (kbsearch--candidate-position (car candidates))))
          (should (equal words '((0 . 7) (13 . 20))))
          (with-current-buffer (marker-buffer marker)
            (goto-char marker)
            (kbsearch-test-landed "kb/notes/garden.md" 3 3 "Compost")))
        (pcase-let ((`(,marker . ,words) (kbsearch--candidate-position (cadr candidates))))
          (should (equal words '((0 . 10))))
          (with-current-buffer (marker-buffer marker)
            (goto-char marker)
            (kbsearch-test-landed "kb/travel/zürich.md" 3 35 "lighthouse"))))
      (funcall async 'destroy))))

(ert-deftest kbsearch-test-no-program ()
  "A program that is not there is named in the error."
  (let ((kbsearch-program (concat kbsearch-test-work "no-such-kbsearch")))
    (with-current-buffer (kbsearch-test-file "kb/README.txt")
      (let ((err (should-error (kbsearch "compost") :type 'user-error)))
        (should (string-match-p "Cannot run kbsearch as .*no-such-kbsearch" (cadr err)))))))

;;; kbsearch-test.el ends here
