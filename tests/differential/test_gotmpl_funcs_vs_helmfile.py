"""Template functions, pyhelmfile vs the real helmfile 0.166.0.

Every success case is one pipeline rendered inside a release's `values.yaml.gotmpl`; the real
helmfile renders the whole batch through `helmfile write-values`, pyhelmfile renders the same
text with `helmfile_funcs()`, and the parsed values are compared key by key. Each output lands
in a literal block (`|2+`, indented by `indent 2`), so every case's value is the exact text the
function produced. Error cases get one helmfile run each (helmfile stops at the first failing
values file) and must fail in both implementations.
"""

# ruff: noqa: E501  (each case is one template pipeline; splitting them would hide what is tested)

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from pyhelmfile.gotmpl import Template
from pyhelmfile.gotmpl.funcs import helmfile_funcs
from pyhelmfile.gotmpl.funcs.helmfile import TPL_NAME, helper_templates
from tests.support.differential import run_helmfile, tmp_env
from tests.support.toolchain import Toolchain

pytestmark = pytest.mark.differential

ENV = {"PYHF_DIFF_VAR": "from-env", "PYHF_EMPTY_VAR": ""}

# (name, pipeline) — the pipeline's result is printed with toString.
CASES: list[tuple[str, str]] = [
    # strings
    ("trim", 'trim "  a b \\t\\n"'),
    ("trimAll", 'trimAll "$-" "-$x$-"'),
    ("trimPrefix", 'trimPrefix "ab" "abab"'),
    ("trimSuffix", 'trimSuffix "ab" "abab"'),
    ("upper", 'upper "straße ünï"'),
    ("lower", 'lower "ÀB C"'),
    ("title", 'title "hello wORLD foo-bar o\'neil x_y"'),
    ("untitle", 'untitle "Hello World  FOO"'),
    ("substr", 'substr 1 4 "abcdef"'),
    ("substr-open", 'substr 2 -1 "abcdef"'),
    ("substr-neg-start", 'substr -1 3 "abcdef"'),
    ("repeat", 'repeat 3 "ab"'),
    ("nospace", 'nospace " a\\tb\\nc d "'),
    ("trunc", 'trunc 3 "abcdef"'),
    ("trunc-neg", 'trunc -2 "abcdef"'),
    ("trunc-big", 'trunc 99 "abc"'),
    ("abbrev", 'abbrev 6 "hello world"'),
    ("abbrev-short", 'abbrev 3 "hello world"'),
    ("abbrevboth", 'abbrevboth 5 10 "1234 5678 9123 4567"'),
    ("initials", 'initials "hello big World"'),
    ("swapcase", 'swapcase "Hello wORLD 1a"'),
    ("snakecase-1", 'snakecase "HTTPServerV2Beta"'),
    ("snakecase-2", 'snakecase "some-Mixed_caseString 2things"'),
    ("snakecase-3", 'snakecase "myIDNumber a1B2 x.y"'),
    ("kebabcase", 'kebabcase "FooBar_baz Qux99Zap"'),
    ("camelcase-1", 'camelcase "foo_bar-baz qux"'),
    ("camelcase-2", 'camelcase "__x__y"'),
    ("wrap", 'wrap 10 "the quick brown fox jumps over the lazy dog"'),
    ("wrapWith", 'wrapWith 5 "|" "abcdefghijk lmn op"'),
    ("contains", 'contains "b" "abc"'),
    ("hasPrefix", 'hasPrefix "x" "abc"'),
    ("hasSuffix", 'hasSuffix "c" "abc"'),
    ("quote", 'quote "a\\"b" "tab\\there" 1 2.5 true nil "é\\u00a0\\x01"'),
    ("squote", 'squote "it\'s" 1 nil'),
    ("cat", 'cat "a" 1 nil (list 1 "b") (dict "k" "v") 1.5'),
    ("indent", 'indent 3 "a\\nb\\n"'),
    ("nindent", 'nindent 2 "a\\nb"'),
    ("replace", 'replace "a" "X" "banana"'),
    ("replace-empty", 'replace "" "-" "abc"'),
    ("plural", 'list (plural "one" "many" 1) (plural "one" "many" 2) (plural "one" "many" 0)'),
    (
        "toString",
        "list (toString 1.0) (toString 1e21) (toString 0.000001) (toString 1e6) (toString nil) (toString true)",
    ),
    ("split", 'split "." "a.b.c"'),
    ("splitList", 'splitList "," "a,,b"'),
    ("splitn", 'splitn "." 2 "a.b.c"'),
    ("join", 'join "-" (list 1 "a" nil 2.5)'),
    ("sortAlpha", 'sortAlpha (list "b" "A" "a" "10" "9" 3)'),
    ("toStrings", 'toStrings (list 1 nil "x" 2.0)'),
    # lists
    ("list-ops", "list (first (list 1 2 3)) (rest (list 1 2 3)) (last (list 1 2 3)) (initial (list 1 2 3))"),
    ("list-empty", "list (first list) (rest list) (last list) (initial list)"),
    ("append", "prepend (append (list 1 2) 3) 0"),
    ("concat", "concat (list 1) (list 2 3) list (list (list 4))"),
    ("reverse", "reverse (list 1 2 3)"),
    ("uniq", 'uniq (list 1 "1" 1 2 1.0 (list 1) (list 1))'),
    ("without", "without (list 1 2 3 2) 2 4"),
    ("has", 'list (has 2 (list 1 2)) (has "2" (list 1 2)) (has 1 nil)'),
    ("compact", 'compact (list 0 1 "" "a" nil false true (list) (dict))'),
    ("slice", "list (slice (list 1 2 3 4) 1 3) (slice (list 1 2 3 4) 2) (slice (list 1 2 3))"),
    ("chunk", "chunk 2 (list 1 2 3 4 5)"),
    ("until", "list (until 3) (until -3) (untilStep 0 10 3) (untilStep 10 0 -4) (untilStep 0 10 -1)"),
    ("seq", "list (seq 5) (seq -2) (seq 2 5) (seq 5 2) (seq 0 3 10) (seq 10 -3 0) (seq 3 3 2)"),
    # dicts
    ("dict", 'dict "b" 2 "a" 1 "c"'),
    ("sprigGet", 'list (sprigGet (dict "a" 1) "a") (sprigGet (dict "a" 1) "b")'),
    ("set-unset", 'unset (set (dict "a" 1) "b" 2) "a"'),
    ("hasKey", 'hasKey (dict "a" nil) "a"'),
    ("pluck", 'pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3)'),
    ("dig", 'list (dig "a" "b" "def" (dict "a" (dict "b" 5))) (dig "a" "x" "def" (dict "a" (dict "b" 5)))'),
    ("keys", 'keys (dict "b" 1 "a" 2) (dict "c" 3) | sortAlpha'),
    ("pick-omit", 'list (pick (dict "a" 1 "b" 2 "c" 3) "a" "c" "z") (omit (dict "a" 1 "b" 2 "c" 3) "a")'),
    ("values", 'values (dict "a" "x" "b" "y") | sortAlpha'),
    (
        "merge",
        'merge (dict "a" "one" "c" 3 "d" (dict "f" 5) "g" (list 8) "i" "" "k" (dict "l" true) "z" 0)'
        ' (dict "a" 1 "b" 2 "d" (dict "e" "four") "g" (list 6) "i" "aye" "k" (dict "l" false) "z" 9 "n" nil)',
    ),
    (
        "mergeOverwrite",
        'mergeOverwrite (dict "a" "one" "c" 3 "d" (dict "f" 5) "g" (list 8) "k" (dict "l" true) "s" "str")'
        ' (dict "a" 1 "b" 2 "d" (dict "e" "four") "g" (list 6) "k" (dict "l" false) "s" (dict "x" 1) "c" "")',
    ),
    ("deepCopy", 'deepCopy (dict "a" (list 1 (dict "b" 2)))'),
    # math
    (
        "int-casts",
        'list (int "3") (int "abc") (int 3.7) (int "0x1F") (int "010") (int "3.00") (int "1e3") (int true) (int nil)',
    ),
    ("int64-float64", 'list (int64 "-7") (float64 "1.5") (float64 "x") (float64 3) (float64 "1e3")'),
    ("atoi", 'list (atoi "42") (atoi "4.2") (atoi "-1") (atoi " 1")'),
    ("arith", 'list (add 1 2 "3") (add1 "4") (sub 10 "3") (div 7 -2) (mod -7 2) (mul 2 "3" 4.9)'),
    ("max-min", 'list (max 1 "5" 3) (min 4 "-2" 1) (biggest 1 9)'),
    ("floats", 'list (addf 1.1 2.2) (subf 1 0.9) (mulf 1.1 3) (divf 10 3) (add1f 0.1) (maxf 1 2.5 "3") (minf 1 -2.5)'),
    (
        "floor-ceil-round",
        "list (floor 1.5) (ceil 1.2) (round 2.5 0) (round -2.5 0) (round 1.23456 3) (round 1.25 1 0.6)",
    ),
    ("toDecimal", 'list (toDecimal "777") (toDecimal 10) (toDecimal "9")'),
    # regex
    (
        "regexMatch",
        'list (regexMatch "^a.c$" "abc") (regexMatch "a$" "a\\n") (regexMatch "(" "x") (regexMatch "\\\\d" "٣")',
    ),
    ("regexFind", 'regexFind "[a-z]+" "123abc456def"'),
    (
        "regexFindAll",
        'list (regexFindAll "a*" "baaab" -1) (regexFindAll "[0-9]" "a1b2c3" 2) (regexFindAll "x" "abc" -1)',
    ),
    (
        "regexReplaceAll",
        'list (regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W") (regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W")',
    ),
    (
        "regexReplaceAll-named",
        'regexReplaceAll "(?P<first>\\\\w+) (?P<last>\\\\w+)" "john smith" "$last, $first $$ $9"',
    ),
    ("regexReplaceAllLiteral", 'regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}"'),
    (
        "regexSplit",
        'list (regexSplit "a" "banana" -1) (regexSplit "z+" "pizza" -1) (regexSplit "" "abc" -1) (regexSplit "a" "banana" 2)',
    ),
    ("regexQuoteMeta", 'regexQuoteMeta "1.2+3*[x]{y}(z)|^$\\\\ -#&"'),
    ("regex-posix", 'regexFindAll "[[:alpha:]]+" "ab12cd" -1'),
    # encoding
    ("b64", 'list (b64enc "héllo?") (b64dec "aMOpbGxvPw==") (b64dec "not-valid")'),
    ("b32", 'list (b32enc "hi") (b32dec "NBUQ====")'),
    (
        "toJson",
        'toJson (dict "z" (list 1 1.0 1.5 1e21 1e-7 0.000001 true nil) "a" "<&>\'\\u2028é" "m" (dict))',
    ),
    ("toPrettyJson", 'toPrettyJson (dict "b" (list 1 (dict "c" list)) "a" (dict))'),
    ("toRawJson", 'toRawJson (dict "a" "<&>")'),
    ("fromJson", 'fromJson "{\\"a\\": 1, \\"b\\": [1.5, \\"x\\", null], \\"c\\": {\\"d\\": true}}"'),
    ("fromJson-bad", 'fromJson "{bad"'),
    # YAML (yaml.v2)
    (
        "toYaml-quoting",
        'toYaml (list "y" "Y" "yes" "on" "off" "n" "NO" "true" "1.0" "1e3" "" "~" "null" "0x1F" "012" "1_000"'
        ' "2001-12-14" "2001-12-14T10:00:00Z" "12:30" "1:20" ".5" ".inf" "+1" "-1" "0o17" "0b101" "<<" "=")',
    ),
    (
        "toYaml-styles",
        'toYaml (list "-" "- a" "a: b" "#c" "a #c" " lead" "trail " "multi\\nline" "multi\\nline\\n" "tab\\there"'
        ' "\'q\'" "\\"dq\\"" "@at" "`tick" "%pct" "!bang" "&amp" "*star" "[x]" "{x}" ">" "|" "?" "? x" "héllo" "a:b")',
    ),
    (
        "toYaml-long",
        'toYaml (dict "k" "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut'
        ' labore et dolore magna aliqua")',
    ),
    (
        "toYaml-keys",
        'toYaml (dict "a10" 1 "a2" 2 "b" 3 "A" 4 "_x" 5 "1" 6 "10" 7 "2" 8 "a02" 9 "on" 10 "" 11 "z z" 12)',
    ),
    (
        "toYaml-values",
        'toYaml (dict "f" (list 1.0 1e6 0.000001 123456789.0 1.5 -0.0) "i" (list 0 -5) "n" nil "m" (dict) "l" list'
        ' "nested" (list (dict "a" 1 "b" (list 1 2)) (list 3 (list 4))))',
    ),
    ("toYaml-scalar", 'list (toYaml "abc") (toYaml 1) (toYaml nil) (toYaml (list))'),
    (
        "fromYaml",
        'fromYaml "a: y\\nb: 1.0\\nc: 1e3\\nd: 0x10\\ne: 2001-12-14\\nf: 017\\ng: ~\\nh: [1, two]\\ni: {k: v}" | toJson',
    ),
    ("fromYaml-empty", 'list (fromYaml "") (fromYaml "~") (fromYaml "# only a comment")'),
    ("fromYaml-top-keys", 'fromYaml "y: 1\\n1: 2\\n~: 3\\ntrue: 4\\n1.5: 5" | toJson'),
    # hashes and derived values
    ("hashes", 'list (sha1sum "abc") (sha256sum "abc") (adler32sum "abc")'),
    ("derivePassword", 'derivePassword 1 "long" "password" "user" "example.com"'),
    # semver
    (
        "semverCompare",
        'list (semverCompare ">=1.2.0" "1.3.0") (semverCompare "~1.2" "1.3.0") (semverCompare "^1.2" "1.9.9")'
        ' (semverCompare "1.2 - 1.4" "1.4.5") (semverCompare ">1.0 <2.0 || =3.0.0" "3.0.0") (semverCompare "*" "1.0.0-rc1")',
    ),
    ("semver", 'semver "v1.2.3-rc.1+b5"'),
    # dates (fixed instants, explicit zones)
    ("dateInZone", 'dateInZone "2006-01-02T15:04:05.000Z07:00 Mon Jan _2 3PM MST" 1560458379 "UTC"'),
    ("dateInZone-ny", 'dateInZone "Monday January 2 2006 15:04 -0700 MST" 1560458379 "America/New_York"'),
    ("htmlDateInZone", 'htmlDateInZone 86400 "UTC"'),
    ("toDate", 'toDate "2006-01-02 15:04" "2020-03-04 05:06" | unixEpoch'),
    ("dateModify", 'toDate "2006-01-02" "2020-03-04" | dateModify "1h30m" | unixEpoch'),
    ("duration", 'list (duration "95") (duration "93784") (duration 95) (durationRound "2h5m") (durationRound "400h")'),
    # paths and urls
    (
        "paths",
        'list (base "a/b/c.txt") (dir "a/b/c.txt") (ext "a/b.tar.gz") (clean "a//b/../c/.") (isAbs "/x") (base "") (dir "x")',
    ),
    ("osPaths", 'list (osBase "/a/b/") (osDir "/a") (osExt "x") (osClean "/../a") (osIsAbs "a")'),
    ("urlParse", 'urlParse "https://u:p@host:8080/p%20a?q=1&r=2#frag" | toJson'),
    (
        "urlJoin",
        'urlJoin (dict "scheme" "https" "host" "h:1" "path" "/a b" "query" "x=1" "fragment" "f g" "userinfo" "u")',
    ),
    # defaults and flow
    (
        "default",
        'list (default "d" "") (default "d" "x") (default "d" 0) (default "d" nil) (default "d" (list)) (default "d" false)',
    ),
    ("empty", 'list (empty 0) (empty 0.0) (empty "") (empty (dict)) (empty (list 0)) (empty false) (empty nil)'),
    ("coalesce", 'coalesce nil "" 0 "x" "y"'),
    ("all-any", 'list (all 1 "a" true) (all 1 "") (any 0 "" nil) (any 0 "x")'),
    ("ternary", 'list (ternary "y" "n" true) (ternary "y" "n" false)'),
    # types
    ("typeOf", 'list (typeOf 1) (typeOf 1.5) (typeOf "s") (typeOf (list)) (typeOf (dict)) (typeOf nil) (typeOf true)'),
    ("kindOf", 'list (kindOf 1) (kindOf (list)) (kindOf (dict)) (kindOf "s") (kindIs "map" (dict)) (typeIs "int" 2)'),
    ("deepEqual", 'list (deepEqual (list 1 (dict "a" 1)) (list 1 (dict "a" 1))) (deepEqual 1 1.0) (deepEqual "a" "a")'),
    # helmfile's functions
    ("get", 'list (get "a.b" (dict "a" (dict "b" 5))) (get "a.x" "def" (dict "a" (dict "b" 5))) (get "" "whole")'),
    ("getOrNil", 'list (getOrNil "a.x" (dict "a" (dict))) (getOrNil "a" (dict "a" 1)) (getOrNil "a.b" (dict "a" "s"))'),
    ("setValueAtPath", 'setValueAtPath "a.b" 5 (dict "a" (dict "c" 1))'),
    ("required-ok", 'required "must be set" "value"'),
    ("requiredEnv", 'requiredEnv "PYHF_DIFF_VAR"'),
    ("env", 'list (env "PYHF_DIFF_VAR") (env "PYHF_NOT_SET_ANYWHERE")'),
    ("expandenv", 'expandenv "x-$PYHF_DIFF_VAR-${PYHF_DIFF_VAR}-$PYHF_NOT_SET_ANYWHERE-$"'),
    ("exec", 'exec "sh" (list "-c" "printf \'%s|\' \\"$0\\" hi; pwd | wc -l")'),
    ("exec-stdin", 'exec "cat" (list) "from stdin\\n"'),
    ("envExec", 'envExec (dict "PYHF_EXTRA" "extra") "sh" (list "-c" "printf %s $PYHF_EXTRA")'),
    ("readFile", 'readFile "data.txt"'),
    ("readDir", 'readDir "sub"'),
    ("isFile", 'list (isFile "data.txt") (isFile "sub") (isFile "nope")'),
    ("tpl", 'tpl "{{ .x | upper }}-{{ env \\"PYHF_DIFF_VAR\\" }}" (dict "x" "y")'),
    ("include", 'include "greet" "world"'),
    ("expandSecretRefs", 'expandSecretRefs (dict "a" "ref+envsubst://$PYHF_DIFF_VAR" "b" (list "plain"))'),
    ("fetchSecretValue", 'fetchSecretValue "ref+file://SECRET_PATH#/db/password"'),
    # second batch: corners of YAML, JSON, quoting, dates and regexes
    (
        "toYaml-fold",
        'toYaml (dict "k" (repeat 30 "word ") "k2" (printf "%s %s" (repeat 90 "x") "tail") "k3" (repeat 10 "ab  cd "))',
    ),
    (
        "toYaml-blocks",
        'toYaml (list " lead\\nline" "trail \\nline" "a\\n\\nb\\n\\n" "\\ttab\\nx" "x\\n " "é\\nü" "- a\\nb" "#x\\ny")',
    ),
    ("toYaml-unicode", 'toYaml (list "nbsp\\u00a0" "emoji😀" "zwsp\\u200b" "tab\\tmid")'),
    ("toYaml-floats", "toYaml (list 1e21 1e20 1e-7 100000.0 1000000.0 0.1 -1.5 3.0)"),
    ("toYaml-keys2", 'toYaml (dict "y" 1 "true" 2 "1.5" 3 "null" 4 "- x" 5 "a: b" 6 "#k" 7 "k#" 8 " sp" 9 "é" 10)'),
    ("toYaml-longkey", 'toYaml (dict (repeat 130 "k") 1)'),
    ("toYaml-nested-empty", 'toYaml (dict "a" (list (list) (dict) nil "" (list (dict "x" (list)))))'),
    ("fromYaml-anchors", 'fromYaml "base: &b {x: 1, w: 2}\\nd:\\n  <<: *b\\n  w: 3\\nl: [*b]" | toJson'),
    (
        "fromYaml-types",
        'fromYaml "a: yes\\nb: No\\nc: +12\\nd: -0x1A\\ne: 1_000\\nf: .5\\ng: -.inf\\nh: 12:30\\ni: 9223372036854775808\\nj: 0o17\\nk: 0b11\\nl: 1.\\nm: \\"1\\"\\nn: !!str 5" | toJson',
    ),
    ("fromYaml-multiline", 'fromYaml "a: |\\n  x\\n  y\\nb: >\\n  p\\n  q\\nc: \\"esc\\\\t\\\\u00e9\\"" | toJson'),
    ("toJson-floats", "toJson (list 1e20 1e21 123456789.0 0.1 1e-6 1e-7 -0.0 5e-324 1.7976931348623157e308)"),
    ("toJson-strings", 'toJson (list "\\u0000\\u001f" "\\b\\f\\n\\r\\t" "é😀" "\\u2029" "\\\\/")'),
    ("toPrettyJson-nested", 'toPrettyJson (list (list) (dict "a" (list (dict))) nil)'),
    ("quote-unicode", 'quote "é" "😀" "\\u00ad" "\\u200b" "\\u0301" "\\x7f" "\\u2028"'),
    ("toString-nested", 'toString (dict "b" (list 1.5 nil (dict "z" 1e21)) "a" true)'),
    ("title-unicode", 'list (title "ßtraße élan ñu") (upper "ǅ") (lower "ǅ") (title "hello\\tworld\\u00a0x")'),
    (
        "camel-unicode",
        'list (camelcase "élan_vital") (snakecase "ÉlanVital") (kebabcase "日本Go语言") (snakecase "a.b,c") (snakecase "a__b")',
    ),
    (
        "date-layouts",
        'list (dateInZone "Jan 2, 2006 at 3:04pm (MST)" 1560458379 "UTC") (dateInZone "06-1-2 15:4:5.000000 Z0700" 1560458379 "UTC") (dateInZone "2006-01-02T15:04:05Z07:00" 1560458379 "Asia/Kolkata") (dateInZone "002 __2 _2 Monday Mon January" 1560458379 "UTC")',
    ),
    (
        "date-fraction",
        'list (toDate "2006-01-02 15:04:05.000" "2020-03-04 05:06:07.890" | date "15:04:05.999 .000000 ,999999999") (toDate "2006-01-02" "bad" | unixEpoch)',
    ),
    (
        "regex-flags",
        'list (regexMatch "(?i)ABC" "xabcx") (regexFindAll "(?m)^a" "a\\na\\nb" -1) (regexReplaceAll "(?s)a.b" "a\\nb" "X") (regexFind "\\\\bfoo\\\\b" "a foo b")',
    ),
    (
        "regex-classes",
        'list (regexFindAll "\\\\w+" "héllo wörld" -1) (regexFindAll "\\\\s" "a b\\tc" -1) (regexFindAll "[^a-z]" "aBc1" -1)',
    ),
    (
        "regex-empty-matches",
        'list (regexReplaceAll "x*" "abc" "-") (regexSplit "x*" "axbc" -1) (regexFindAll "" "ab" -1)',
    ),
    (
        "semver-corners",
        'list (semverCompare "^0.2.3" "0.2.9") (semverCompare "^0.2.3" "0.3.0") (semverCompare "~1" "1.9.0") (semverCompare ">=1.0.0-0" "1.0.0-rc1") (semverCompare "<2.0.0" "2.0.0-rc1") (semverCompare "1.x" "1.5.0") (semverCompare "!=1.2.3" "1.2.3")',
    ),
    (
        "b64dec-invalid",
        'list (b64dec "YWJj=") (b64dec "YW") (b64dec "Y") (b64dec "YW=j") (b32dec "MFRG") (b64dec "YWJj\\nZGVm")',
    ),
    (
        "int-casts-2",
        'list (int "+5") (int "-0x10") (int "0b101") (int "0o17") (int "1_000") (int "9223372036854775808") (int 1e19) (int64 "  5") (float64 "1_0") (float64 "0x1p-2") (float64 "inf")',
    ),
    (
        "split-corners",
        'list (splitList "" "héllo") (splitn "," 0 "a,b") (splitn "," -1 "a,b,c") (split "" "ab") (splitList "x" "")',
    ),
    ("wrap-corners", 'list (wrap 0 "ab cd") (wrap 3 "  ab   cd  ") (wrapWith 3 "\\n" "abcdefg") (wrap 5 "")'),
    ("substr-bytes", 'list (substr 0 3 "héllo") (trunc 3 "héllo") (trunc -3 "héllo") (abbrev 6 "héllo wörld")'),
    ("initials-swap", 'list (initials " a  b\\tc") (swapcase "hello World ǅx") (untitle "ÀB Éc")'),
    ("indent-corners", 'list (indent 0 "a") (indent 2 "") (nindent 1 "a\\n\\nb")'),
    ("dict-corners", 'list (dict 1 2 true 3 nil 4) (sprigGet (dict) "x") (pick (dict "a" 1)) (omit (dict "a" 1) "a")'),
    (
        "list-corners",
        'list (without (list nil 1 "") nil "") (uniq (list nil nil)) (compact (list)) (reverse list) (chunk 3 list) (has nil (list nil))',
    ),
    ("default-corners", 'list (default 5 0.0) (default "x" (dict)) (coalesce) (ternary 1 2 true) (empty (list nil))'),
    (
        "urlParse-corners",
        'list (urlParse "mailto:a@b.c" | toJson) (urlParse "/rel/path?x#y" | toJson) (urlParse "//host/p" | toJson) (urlParse "http://[::1]:80/" | toJson)',
    ),
    (
        "getOrNil-nested",
        'list (getOrNil "a.b.c" (dict "a" (dict "b" (dict "c" nil)))) (get "a" "d" (dict "a" nil)) (getOrNil "" (dict "x" 1))',
    ),
    ("setValueAtPath-top", 'setValueAtPath "new" (list 1) (dict "a" 1)'),
    (
        "readDirEntries",
        'list (index (readDirEntries "sub") 0).Name (index (readDirEntries "sub") 2).Name (index (readDirEntries "sub") 2).IsDir (len (readDirEntries "sub"))',
    ),
    # third batch: long/nested YAML, Go values from dates, semver and crypto, printing
    (
        "toYaml-long-quoted",
        'toYaml (list (printf "%s: %s" (repeat 50 "ab ") (repeat 40 "cd ")) (printf "- %s" (repeat 60 "x y ")) (printf "%s\\t%s" (repeat 50 "a ") (repeat 50 "b ")))',
    ),
    (
        "toYaml-long-nested",
        'toYaml (dict "outer" (dict "inner" (list (repeat 40 "word ") (dict "k" (repeat 45 "w ")))))',
    ),
    ("toYaml-lists-of-lists", 'toYaml (list (list 1 (list 2 3)) (list) (list (dict "a" (list (dict)))))'),
    ("toYaml-literal-long", 'toYaml (dict "script" (printf "%s\\n%s\\n" (repeat 50 "echo ") "done"))'),
    (
        "toYaml-specials",
        'toYaml (list "!" "&a" "*a" "%" "@" "`" "?" "-" ":" "," "[" "]" "{" "}" "#" "|" ">" "\'" "\\"" "a:" "a :b" "a# b" "a #b" "x\\ty" "-1.5e3" "0." "+.5" "1e" "0x" "00" "08" "0.0.1")',
    ),
    ("toYaml-roundtrip", 'fromYaml "a: 1.0\\nb: 1e6\\nc: 3\\nd: [x, 2.50]\\ne: {f: null}" | toYaml'),
    (
        "printing-dates",
        'list (toDate "2006-01-02" "2020-03-04" | toString) (toDate "2006-01-02" "2020-03-04" | toJson) (toDate "2006-01-02" "2020-03-04" | typeOf) (toDate "2006-01-02" "2020-03-04" | kindOf) (now | typeOf)',
    ),
    (
        "dates-more",
        'list (toDate "2006-01-02T15:04:05Z07:00" "2020-03-04T05:06:07+02:00" | unixEpoch) (toDate "02 Jan 06 15:04 MST" "13 Jun 19 20:39 UTC" | unixEpoch) (toDate "2006-01-02" "2020-03-04" | dateModify "-1.5h" | unixEpoch) (toDate "2006-01-02" "2020-03-04" | dateModify "bogus" | unixEpoch) (dateInZone "2006 Z07:00" 0 "Bogus/Zone")',
    ),
    (
        "semver-printing",
        'list (semver "1.2.3" | toJson) (semver "1.2.3" | typeOf) (semver "v1.2" | toString) (semver "1.2.3+m" | quote)',
    ),
    (
        "crypto-shapes",
        'list (uuidv4 | len) (randAlphaNum 10 | len) (randNumeric 3 | len) (shuffle "abc" | len) (bcrypt "x" | len) (htpasswd "u" "p" | len) (encryptAES "k" "text" | len) (randBytes 9 | len)',
    ),
    (
        "derivePassword-types",
        'list (derivePassword 7 "maximum" "pw" "user" "site") (derivePassword 1 "pin" "pw" "u" "s") (derivePassword 1 "nope" "pw" "u" "s")',
    ),
    ("genPrivateKey-ecdsa-length", 'genPrivateKey "ecdsa" | len'),
    ("quote-values", 'list (quote (list 1 "a") (dict "k" 1.5)) (squote 1.5 (list nil)) (cat nil) (quote)'),
    (
        "typeOf-values",
        'list (typeOf (int "3")) (typeOf (float64 1)) (typeOf (fromJson "1")) (typeOf (fromYaml "a: 1").a) (kindOf (keys (dict)))',
    ),
    ("expandenv-forms", 'expandenv "${PYHF_DIFF_VAR:-def}|$$|${}|$1x|$PYHF_DIFF_VAR.tail|${PYHF_DIFF_VAR"'),
    ("tpl-nested", 'tpl "{{ include \\"helper\\" .n }}/{{ tpl \\"{{ . }}\\" 5 }}" (dict "n" "you")'),
    ("getOrNil-types", 'list (getOrNil "a" (list 1)) (getOrNil "a" "str") (getOrNil "a" nil)'),
    (
        "urlJoin-opaque",
        'list (urlJoin (dict "scheme" "mailto" "opaque" "a@b.c")) (urlJoin (dict "path" "a:b")) (urlJoin (dict "host" "h" "path" "p")) (urlJoin (dict "scheme" "s" "path" "/x?y#z"))',
    ),
    (
        "regexReplace-backrefs",
        'list (regexReplaceAll "(a)(b)" "ab" "\\\\1") (regexReplaceAll "(?P<n>a)" "a" "${n}${n}") (regexReplaceAll "a" "aaa" "$0") (regexReplaceAll "(a)" "a" "${1")',
    ),
    (
        "local-zone-dates",
        'list (date "2006-01-02 15:04 MST -0700" 1560458379) (htmlDate 0) (toDate "2006-01-02 15:04" "2020-03-04 05:06" | date "Mon 2 Jan 15:04:05 MST") (now | date "2006" | len) (toDate "2006-01-02" "2020-03-04" | toString)',
    ),
    (
        "durations-more",
        'list (durationRound "-3h") (durationRound "59s") (durationRound "1.5s") (durationRound "8760h1s") (durationRound 5) (duration "-5") (duration "1.5") (duration "")',
    ),
    (
        "go-values-in-yaml",
        'toYaml (dict "t" (toDate "2006-01-02" "2020-03-04") "v" (semver "1.2.3") "z" (toDate "2006-01-02T15:04:05Z07:00" "2020-03-04T05:06:07.5+02:00"))',
    ),
    (
        "offset-zone-printing",
        'list (toDate "2006-01-02T15:04:05Z07:00" "2020-03-04T05:06:07+02:00" | toString) (toDate "2006-01-02 MST" "2020-03-04 CET" | toString) (toDate "2006-01-02 -0700" "2020-03-04 +0000" | toString)',
    ),
    (
        "casing-matrix",
        'list (snakecase "ABC123def") (kebabcase "ABC123def") (camelcase "ABC123def") (snakecase "abc123DEF") (kebabcase "abc123DEF") (camelcase "abc123DEF") (snakecase "a1") (kebabcase "a1") (camelcase "a1") (snakecase "1a") (kebabcase "1a") (camelcase "1a") (snakecase "A1B") (kebabcase "A1B") (camelcase "A1B") (snakecase "Version10Alpha") (kebabcase "Version10Alpha") (camelcase "Version10Alpha") (snakecase "XMLHttpRequest") (kebabcase "XMLHttpRequest") (camelcase "XMLHttpRequest") (snakecase "I18n") (kebabcase "I18n") (camelcase "I18n") (snakecase "ab-CD_ef GH") (kebabcase "ab-CD_ef GH") (camelcase "ab-CD_ef GH") (snakecase "--a--") (kebabcase "--a--") (camelcase "--a--") (snakecase "a..b") (kebabcase "a..b") (camelcase "a..b") (snakecase "já_Ok") (kebabcase "já_Ok") (camelcase "já_Ok") (snakecase "HTTP2Server") (kebabcase "HTTP2Server") (camelcase "HTTP2Server") (snakecase "x86_64") (kebabcase "x86_64") (camelcase "x86_64") (snakecase "getHTTPResponse200OK") (kebabcase "getHTTPResponse200OK") (camelcase "getHTTPResponse200OK") (snakecase "  spaced  out  ") (kebabcase "  spaced  out  ") (camelcase "  spaced  out  ") (snakecase "CamelCase$Dollar") (kebabcase "CamelCase$Dollar") (camelcase "CamelCase$Dollar") (snakecase "a-1-b") (kebabcase "a-1-b") (camelcase "a-1-b")',
    ),
]

# Each must fail in both implementations (one helmfile run per case).
ERROR_CASES: list[tuple[str, str]] = [
    ("required", '{{ required "value is required" nil }}'),
    ("required-empty", '{{ required "empty %d" "" }}'),
    ("fail", '{{ fail "boom" }}'),
    ("requiredEnv-unset", '{{ requiredEnv "PYHF_NOT_SET_ANYWHERE" }}'),
    ("requiredEnv-empty", '{{ requiredEnv "PYHF_EMPTY_VAR" }}'),
    ("exec-fails", '{{ exec "sh" (list "-c" "echo oops >&2; exit 3") }}'),
    ("get-missing", '{{ get "a.b" (dict "a" (dict)) }}'),
    ("div-zero", "{{ div 1 0 }}"),
    ("fromYaml-list", '{{ fromYaml "- a" }}'),
    ("mustRegexFind-bad", '{{ mustRegexFind "(" "x" }}'),
    ("readFile-missing", '{{ readFile "missing.txt" }}'),
    ("sha512sum-undefined", '{{ sha512sum "x" }}'),
    ("indent-negative", '{{ indent -1 "x" }}'),
    ("fromYaml-bool-key", '{{ fromYaml "a: {y: 1}" }}'),
    ("fromYaml-nested-int-key", '{{ fromYaml "a:\\n  1: a" }}'),
    ("fromYaml-invalid", '{{ fromYaml "a: [" }}'),
    ("setValueAtPath-missing", '{{ setValueAtPath "a.b.c" 1 (dict "a" (dict)) }}'),
    ("exec-arg-type", '{{ exec "echo" (list 1) }}'),
    ("include-missing", '{{ include "nope" . }}'),
    ("fromYaml-scalar", '{{ fromYaml "abc" }}'),
    ("tpl-missing-key", '{{ tpl "{{ .missing }}" (dict) }}'),
    ("mustToJson-nan", '{{ mustToJson (float64 "NaN") }}'),
    ("toRawJson-nan", '{{ toRawJson (float64 "NaN") }}'),
    ("mustFromJson-bad", '{{ mustFromJson "{" }}'),
    ("semver-bad", '{{ semver "not.a.version" }}'),
    ("semverCompare-bad", '{{ semverCompare "bad constraint !" "1.0.0" }}'),
    ("urlParse-bad", '{{ urlParse "%zz" }}'),
    ("dig-non-string-key", '{{ dig 1 "d" (dict) }}'),
    ("chunk-zero", "{{ chunk 0 (list 1) }}"),
    ("wrong-arg-type", '{{ trunc "3" "abc" }}'),
    ("tpl-no-outer-defines", '{{ define "d" }}x{{ end }}{{ tpl "{{ include \\"d\\" . }}" . }}'),
]

HEADER = '{{- define "greet" }}hello {{ . }}{{ end -}}\n'


def _values_template(cases: list[tuple[str, str]], secret: Path) -> str:
    lines = [HEADER]
    for name, pipeline in cases:
        expr = pipeline.replace("SECRET_PATH", str(secret))
        lines.append(f'"{name}": |2+\n{{{{ ({expr}) | toString | indent 2 }}}}\n')
    return "".join(lines)


def _project(root: Path, template: str) -> None:
    (root / "chart").mkdir(parents=True, exist_ok=True)
    (root / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (root / "data.txt").write_text("line one\nline two\n")
    (root / "sub").mkdir(exist_ok=True)
    (root / "sub" / "b.txt").write_text("b")
    (root / "sub" / "a.txt").write_text("a")
    (root / "sub" / "nested").mkdir(exist_ok=True)
    (root / "secret.yaml").write_text("db:\n  password: s3cr3t\n")
    (root / "_helpers.tpl").write_text('{{ define "helper" }}H:{{ . }}{{ end }}')
    (root / "values.yaml.gotmpl").write_text(template)
    (root / "helmfile.yaml").write_text("releases:\n- name: r\n  chart: ./chart\n  values:\n  - values.yaml.gotmpl\n")


def _reference(tools: Toolchain, root: Path) -> tuple[int, dict[str, Any], str]:
    run = run_helmfile(
        tools, root, "write-values", "--output-file-template", "out/values.yaml", env={**tmp_env(root), **ENV}
    )
    if run.returncode != 0:
        return run.returncode, {}, run.stderr + run.stdout
    return 0, yaml.safe_load((root / "out" / "values.yaml").read_text()) or {}, ""


def _ours(root: Path, template: str) -> dict[str, Any]:
    from pyhelmfile.secrets.vals import Vals

    env = {**os.environ, **ENV}
    funcs = helmfile_funcs(root, env=env, secret_refs=Vals(env).evaluator(str(root)))
    data = {"Values": {}, "StateValues": {}, "Environment": {"Name": "default", "Values": {}}}
    # helmfile parses the base directory's _*.tpl helpers into every template it renders
    tmpl = None
    for _, helper in helper_templates(root):
        tmpl = Template(TPL_NAME, helper, funcs) if tmpl is None else tmpl.new_sibling(TPL_NAME, helper)
    tmpl = Template(TPL_NAME, template, funcs) if tmpl is None else tmpl.new_sibling(TPL_NAME, template)
    return yaml.safe_load(tmpl.execute(data)) or {}


def test_functions_match_helmfile(tools: Toolchain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    root.mkdir()
    template = _values_template(CASES, root / "secret.yaml")
    _project(root, template)
    code, reference, err = _reference(tools, root)
    assert code == 0, err
    monkeypatch.chdir(root)  # helmfile runs there: vals resolves relative refs against it
    ours = _ours(root, template)
    mismatches = [
        f"{name}:\n  helmfile:   {reference.get(name)!r}\n  pyhelmfile: {ours.get(name)!r}"
        for name, _ in CASES
        if reference.get(name) != ours.get(name)
    ]
    assert len(reference) == len(CASES)
    assert not mismatches, f"{len(mismatches)}/{len(CASES)} differ:\n" + "\n".join(mismatches)


@pytest.mark.parametrize(("name", "body"), ERROR_CASES, ids=[n for n, _ in ERROR_CASES])
def test_errors_match_helmfile(tools: Toolchain, tmp_path: Path, name: str, body: str) -> None:
    root = tmp_path / "project"
    root.mkdir()
    template = f"key: {body}\n"
    _project(root, template)
    code, reference, err = _reference(tools, root)
    assert code != 0, f"helmfile accepted {body!r}: {reference}"
    with pytest.raises(Exception) as ours:
        _ours(root, template)
    assert str(ours.value), err


def test_function_names_exist_in_helmfile(tools: Toolchain, tmp_path: Path) -> None:
    """Every function pyhelmfile offers is defined in helmfile 0.166.0 (Go checks names at parse
    time, even in a branch that never runs), and a name helmfile lacks is rejected by both."""
    root = tmp_path / "project"
    root.mkdir()
    names = sorted(helmfile_funcs(root))
    body = "".join(f"{{{{ {name} }}}}" for name in names)
    _project(root, f"{{{{ if false }}}}{body}{{{{ end }}}}key: ok\n")
    code, reference, err = _reference(tools, root)
    assert code == 0, err
    assert reference == {"key": "ok"}
    assert len(names) > 200


LOCAL_ZONE_CASES = [
    c for c in CASES if c[0] in ("local-zone-dates", "dateInZone-ny", "date-fraction", "dates-more", "toDate")
]


def test_local_zone_follows_tz(tools: Toolchain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`date`, `toDate` and friends use Go's time.Local, which $TZ selects."""
    root = tmp_path / "project"
    root.mkdir()
    template = _values_template(LOCAL_ZONE_CASES, root / "secret.yaml")
    _project(root, template)
    run = run_helmfile(
        tools,
        root,
        "write-values",
        "--output-file-template",
        "out/values.yaml",
        env={**tmp_env(root), **ENV, "TZ": "America/New_York"},
    )
    assert run.returncode == 0, run.stderr
    reference = yaml.safe_load((root / "out" / "values.yaml").read_text())
    monkeypatch.setenv("TZ", "America/New_York")
    ours = _ours(root, template)
    assert ours == reference
    assert "EDT" in reference["local-zone-dates"] or "EST" in reference["local-zone-dates"]
