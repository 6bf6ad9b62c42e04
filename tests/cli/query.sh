#!/usr/bin/env bash
# The query language and forgiving matching, end to end on a corpus of our
# own: operators, fields, proximity, prefixes, corrections, spelling
# variants, acronyms and synonyms, numbers, Unicode, and what the output
# says about each.
. "$(dirname "$0")/lib.bash"
mkdir -p "$work/kb/reports" "$work/kb/notes"
cd "$work/kb"
cat >reports/alliance.md <<'EOF'
# Alliance review

The transfer of wartime operational control (OPCON) to the government was delayed again.

## Budget

The defence budget grew by 3.5% in 2026, to 1 250 million won, and a $2bn programme was signed.
EOF
cat >reports/command.txt <<'EOF'
Command structure

The Combined Forces Command (CFC) meets every spring in the capital.
EOF
cat >notes/garden.txt <<'EOF'
Garden colours

The colour of the café awning fades in summer; we organised a meeting about it.

Strategic flexibility matters more than a tidy plan, said the strategy memo.

The ﬁnal report on the ＧＡＲＤＥＮ was written in the U.S. last year.

The owner’s dog sleeps under the awning.
EOF
cat >notes/american.md <<'EOF'
# American notes

The color of the cafe sign is red, and the US budget review was organized by the
committee, whose operational control of the plan is total.

Twelve hundred and fifty is 1250, or 1,250; the rate was 3.5 percent of 2 billion.
EOF
cat >notes/asia.txt <<'EOF'
Travel notes

東京都に行きました。大阪にも。

서울에서 회의가 있었습니다.
EOF
for i in 1 2 3 4 5 6 7 8; do printf 'The harbour meeting number %d discussed the budget.\n\n' "$i"; done >notes/meetings.txt
printf 'ROK, Republic of Korea\n# a comment\nonly-one-form\n' >.kbsearch-synonyms
mkdir -p .kbsearch && mv .kbsearch-synonyms .kbsearch/synonyms.txt
out=$("$KBINDEX" . 2>&1) || fail "kbindex: $out"
grep -q "synonyms.txt: line 3" <<<"$out" || fail "a one-form group in synonyms.txt should be warned about: $out"

s() { "$KBSEARCH" --color=never -n 20 --per-file 0 "$@"; }
paths() { s "$@" | grep -E '^[^ ].*:[0-9]+-[0-9]+$' | sed -E 's/:[0-9]+-[0-9]+$//' | sort -u | tr '\n' ' '; }
# Is some result of QUERY in PLACE, a path or "path:first-"?  (The results
# are read whole first: grep -q would end the pipe early.)  A query that
# fails (exit 2) fails the test rather than finding nothing.
found() {
    local q=$1 p=$2 out rc=0
    [[ $p == *:* ]] || p="$p:"
    out=$(s -- "$q" 2>&1) || rc=$?
    [ "$rc" -le 1 ] || fail "[$q] failed (exit $rc): $out"
    awk -v p="$p" 'index($0, p) == 1 { f = 1 } END { exit !f }' <<<"$out"
}
has() { found "$1" "$2" || fail "[$1] should find $2: $(s -- "$1" 2>&1)"; }
hasnt() { ! found "$1" "$2" || fail "[$1] should not find $2: $(s -- "$1" 2>&1)"; }

# --- operators ---------------------------------------------------------------
has 'awning AND colour' notes/garden.txt
hasnt 'awning AND budget' notes/garden.txt
has 'awning OR committee' notes/american.md
hasnt 'summer AND NOT colour' notes/garden.txt
has 'awning AND NOT colour' notes/garden.txt
has '+committee color' notes/american.md
hasnt '+committee colour' notes/garden.txt
hasnt 'budget -harbour' notes/meetings.txt
has '(awning OR committee) AND red' notes/american.md
# A phrase alone also brings passages with only its words (after the
# others); required, ANDed or excluded, it must hold as a phrase.
has '"awning sleeps"' notes/garden.txt
hasnt '+"awning sleeps"' notes/garden.txt
hasnt '"awning sleeps" AND dog' notes/garden.txt
has '"under the awning" AND dog' notes/garden.txt
has '+"tidy plan"' notes/garden.txt
has '("awning sleeps" OR tidy) AND plan' notes/garden.txt
hasnt '("awning sleeps" OR committee) AND dog' notes/garden.txt
has 'awning -"awning sleeps"' notes/garden.txt:1-
has 'awning -"awning fades"' notes/garden.txt:9-
hasnt 'awning -"awning fades"' notes/garden.txt:1-
# lower-case and/or/not are words
s 'and' >/dev/null || fail "'and' is an ordinary word"
# NEAR and ADJ: windows, order
has 'flexibility NEAR/6 plan' notes/garden.txt
hasnt 'flexibility NEAR/5 plan' notes/garden.txt
hasnt 'strategic NEAR/1 plan' notes/garden.txt
has 'flexibility ADJ/1 matters' notes/garden.txt
hasnt 'matters ADJ/1 flexibility' notes/garden.txt
has 'matters NEAR/1 flexibility' notes/garden.txt
# prefix
has 'strat*' notes/garden.txt
hasnt 'strat*' notes/american.md
# --- fields ---------------------------------------------------------------------
[ "$(paths 'path:reports/ budget')" = "reports/alliance.md " ] || fail "path filter: $(paths 'path:reports/ budget')"
[ "$(paths 'ext:md budget')" = "notes/american.md reports/alliance.md " ] || fail "ext filter: $(paths 'ext:md budget')"
[ "$(paths 'budget -path:notes/')" = "reports/alliance.md " ] || fail "negated path: $(paths 'budget -path:notes/')"
[ "$(paths 'title:american budget')" = "notes/american.md " ] || fail "title filter: $(paths 'title:american budget')"
[ "$(paths 'heading:budget defence')" = "reports/alliance.md " ] || fail "heading filter"
[ "$(paths 'path:reports/ path:notes/american budget')" = "notes/american.md reports/alliance.md " ] ||
    fail "one field twice means either value"

# --- lenient parsing and errors -----------------------------------------------------
err=$(s '(awning "colour' 2>&1 >/dev/null)
grep -q 'unclosed parenthesis at column 1' <<<"$err" || fail "no warning for ( : $err"
grep -q 'unclosed quote at column 9' <<<"$err" || fail "no warning for \" : $err"
"$KBSEARCH" --json 'awning AND' | head -1 | grep -q '"warnings":\["AND at column 8 has nothing after it; dropped"\]' ||
    fail "JSON begin should carry the warning: $("$KBSEARCH" --json 'awning AND' | head -1)"
expect_exit 2 "$KBSEARCH" -- '-awning'
err=$("$KBSEARCH" -- '  -awning' 2>&1) && fail "only an exclusion should fail"
grep -q 'column 3' <<<"$err" || fail "error should name the column: $err"
expect_exit 2 "$KBSEARCH" 'path:notes/'

# --- stems: the exact form ranks first ---------------------------------------------------
first() { s "$@" | head -1; }
[ "$(first strategic)" = "notes/garden.txt:5-5" ] || fail "strategic"

# --- spelling correction ------------------------------------------------------------------
err=$(s flexibilty 2>&1 >/dev/null)
grep -q 'showing results for "flexibility" instead of "flexibilty"' <<<"$err" || fail "no correction: $err"
has flexibilty notes/garden.txt
"$KBSEARCH" --json flexibilty | grep -q '{"type":"correction","qid":"1","from":"flexibilty","to":"flexibility","column":1}' ||
    fail "JSON correction object"
"$KBSEARCH" --json flexibilty | grep '"type":"match"' | grep -q '"match":"correction"' || fail "span says correction"
expect_exit 1 "$KBSEARCH" --no-correct flexibilty
# never inside quotes, never a word the index holds
expect_exit 1 "$KBSEARCH" '"flexibilty"'
err=$(s harbour 2>&1 >/dev/null)
[ -z "$err" ] || fail "a word the index holds was corrected: $err"

# --- British/American spelling --------------------------------------------------------------
has colour notes/american.md
has color notes/garden.txt
has organized notes/garden.txt
has organised notes/american.md
"$KBSEARCH" --json color | grep '"path":"notes/garden.txt"' | grep -q '"match":"variant"' || fail "span says variant"

# --- acronyms and synonyms --------------------------------------------------------------------
has opcon notes/american.md
has '"operational control"' reports/alliance.md
has 'operational control' reports/alliance.md
has cfc reports/command.txt
has 'combined forces command' reports/command.txt
lst=$("$KBINDEX" --list-synonyms .)
grep -qx 'opcon = operational control' <<<"$lst" || fail "--list-synonyms: $lst"
grep -qx 'operational control = opcon' <<<"$lst" || fail "--list-synonyms reverse: $lst"
grep -qx 'rok = republic of korea' <<<"$lst" || fail "synonyms.txt group: $lst"
# U.S. is US
has 'U.S.' notes/american.md
has 'us' notes/garden.txt

# --- numbers ----------------------------------------------------------------------------------------
has '1 250' notes/american.md
has '1250' reports/alliance.md
has '1,250' reports/alliance.md
has '3.5%' notes/american.md
has '"3.5 percent"' reports/alliance.md
has '$2bn' notes/american.md
has '"2 billion"' reports/alliance.md

# --- Unicode ------------------------------------------------------------------------------------------
has 'ＧＡＲＤＥＮ' notes/garden.txt
has 'final' notes/garden.txt
has 'ﬁnal' notes/garden.txt
has 'garden' notes/garden.txt
has 'cafe' notes/garden.txt
has "owner's" notes/garden.txt
has 'owner’s' notes/garden.txt
has '東京' notes/asia.txt
has '大阪' notes/asia.txt
has '서울' notes/asia.txt
hasnt '京大' notes/asia.txt
# exact accents rank first, the other form still found
[ "$(first café | cut -d: -f1)" = "notes/garden.txt" ] || fail "café: $(first café)"
[ "$(s café | grep -c '^notes/american.md:')" = 1 ] || fail "café should find cafe too"

# --- highlights follow the query -------------------------------------------------------------------
spans() { # TEXT|TERM|MATCH of each span of the first match
    "$KBSEARCH" --json "$@" | python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if o["type"] == "match":
        print(" ".join("%s|%s|%s" % (s["text"], s["term"], s["match"]) for s in o["spans"]))
        break'
}
[ "$(spans '"tidy plan"')" = 'tidy plan|"tidy plan"|phrase' ] ||
    fail "a phrase is one span: $(spans '"tidy plan"')"
[ "$(spans 'strategy NEAR/2 memo')" = 'strategy|strategy NEAR/2 memo|near memo|strategy NEAR/2 memo|near' ] ||
    fail "NEAR spans: $(spans 'strategy NEAR/2 memo')"
# the passage with "summer" also holds the word excluded from the other branch
[ "$(spans 'summer OR (awning -colour)')" = 'awning|awning|exact summer|summer|exact' ] ||
    fail "excluded words are never highlighted: $(spans 'summer OR (awning -colour)')"
[ "$(spans 'strategic OR flexibility NEAR/1 tidy')" = 'Strategic|strategic|exact' ] ||
    fail "a NEAR that did not match is not highlighted: $(spans 'strategic OR flexibility NEAR/1 tidy')"
[ "$(spans 'strat*')" = 'Strategic|strat*|prefix strategy|strat*|prefix' ] ||
    fail "prefix spans: $(spans 'strat*')"
[ "$(spans 'opcon')" = 'operational control|opcon|synonym OPCON|opcon|exact' ] ||
    fail "synonym spans: $(spans opcon)"
[ "$(spans 'strategies')" = 'strategy|strategies|stem' ] ||
    fail "stem spans: $(spans strategies)"

# --- --explain-query --------------------------------------------------------------------------------
eq=$("$KBSEARCH" --explain-query 'colour NEAR/3 awning "tidy plan" -draft path:notes/ strat* +budget flexibilty opcon')
for want in 'NEAR/3: these exact forms within 3 words, any order' 'phrase "tidy plan"' \
    'NOT: leave out passages matching' 'filter path:notes/' 'prefix strat*' 'required: word budget' \
    'corrected from "flexibilty"' 'or synonym "operational control" (as a phrase)'; do
    grep -qF -- "$want" <<<"$eq" || fail "--explain-query lacks [$want]: $eq"
done
"$KBSEARCH" --explain-query colour | grep -q 'or spelling variant color (1 passage)' ||
    fail "--explain-query shows variants: $("$KBSEARCH" --explain-query colour)"

# --- incremental: definitions and spellings follow the files ------------------------------------
s combinde 2>&1 >/dev/null | grep -q 'showing results for "combined"' || fail "combinde not corrected"
rm reports/command.txt
"$KBINDEX" . >/dev/null
"$KBINDEX" --list-synonyms . | grep -q '^cfc = ' && fail "a removed file's acronym is still listed"
s combinde 2>&1 >/dev/null | grep -q 'showing results for' && fail "corrected to a word of a removed file"
echo ok
