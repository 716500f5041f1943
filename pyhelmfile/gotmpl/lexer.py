"""Lexer for Go text/template, following text/template/parse/lex.go state by state.

The whole input is scanned eagerly into a list of items; a lexing error becomes a
final ERROR item, which the parser reports when (and only if) it reaches it, just as
Go's parser does with its on-demand lexer. Positions are indexes into the Python
string; error columns are converted to Go's byte offsets by the caller.

Long because: it is one state machine (lex.go's states), split up it would only be harder to compare with Go's.
"""

from __future__ import annotations

from pyhelmfile.golang.strconv import quote


class T:
    """Item types, in Go's order: everything above KEYWORD prints as <word> in errors.

    Plain ints rather than an Enum: the lexer and parser compare and hash them a lot.
    """

    ERROR = 0
    BOOL = 1
    CHAR = 2
    CHAR_CONSTANT = 3
    COMMENT = 4
    COMPLEX = 5
    ASSIGN = 6
    DECLARE = 7
    EOF = 8
    FIELD = 9
    IDENTIFIER = 10
    LEFT_DELIM = 11
    LEFT_PAREN = 12
    NUMBER = 13
    PIPE = 14
    RAW_STRING = 15
    RIGHT_DELIM = 16
    RIGHT_PAREN = 17
    SPACE = 18
    STRING = 19
    TEXT = 20
    VARIABLE = 21
    KEYWORD = 22
    BLOCK = 23
    BREAK = 24
    CONTINUE = 25
    DOT = 26
    DEFINE = 27
    ELSE = 28
    END = 29
    IF = 30
    NIL = 31
    RANGE = 32
    TEMPLATE = 33
    WITH = 34


KEYWORDS: dict[str, int] = {
    ".": T.DOT,
    "block": T.BLOCK,
    "break": T.BREAK,
    "continue": T.CONTINUE,
    "define": T.DEFINE,
    "else": T.ELSE,
    "end": T.END,
    "if": T.IF,
    "range": T.RANGE,
    "nil": T.NIL,
    "template": T.TEMPLATE,
    "with": T.WITH,
}

_SPACE = " \t\r\n"
_TERMINATORS = frozenset(" \t\r\n.,|:)(")


class Item:
    """One lexed token (a plain class: typing.NamedTuple costs about 1 ms of start-up)."""

    __slots__ = ("line", "pos", "typ", "val")

    def __init__(self, typ: int, pos: int, val: str, line: int) -> None:
        self.typ = typ
        self.pos = pos
        self.val = val
        self.line = line

    def __str__(self) -> str:
        # item.String() in lex.go: used verbatim in "unexpected %s in %s" messages.
        if self.typ == T.EOF:
            return "EOF"
        if self.typ == T.ERROR:
            return self.val
        if self.typ > T.KEYWORD:
            return f"<{self.val}>"
        if len(self.val.encode("utf-8", "surrogatepass")) > 10:
            # %.10q: Go tests the length in bytes but truncates to 10 runes.
            return quote(self.val[:10]) + "..."
        return quote(self.val)


def _is_alnum(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or ch.isdigit()


def _go_unicode_name(ch: str) -> str:
    """%#U of a rune, as lex errors print it: U+0023 '#'."""
    o = ord(ch)
    if ch.isprintable():
        return f"U+{o:04X} '{ch}'"
    return f"U+{o:04X}"


class Lexer:
    """Scan `text` into items; `break_ok`/`continue_ok` are false when a function shadows the keyword."""

    def __init__(
        self,
        text: str,
        left: str = "{{",
        right: str = "}}",
        *,
        break_ok: bool = True,
        continue_ok: bool = True,
    ) -> None:
        self.input = text
        self.left = left or "{{"
        self.right = right or "}}"
        self.break_ok = break_ok
        self.continue_ok = continue_ok
        self.pos = 0
        self.start = 0
        self.line = 1
        self.start_line = 1
        self.paren_depth = 0
        self.items: list[Item] = []

    # -- helpers

    def _emit(self, typ: int) -> None:
        val = self.input[self.start : self.pos]
        self.items.append(Item(typ, self.start, val, self.start_line))
        if typ == T.RAW_STRING:
            # Raw strings are the only items inside actions that can span lines.
            self.line += val.count("\n")
        self.start = self.pos
        self.start_line = self.line

    def _ignore(self) -> None:
        self.line += self.input.count("\n", self.start, self.pos)
        self.start = self.pos
        self.start_line = self.line

    def _error(self, msg: str) -> None:
        self.items.append(Item(T.ERROR, self.start, msg, self.start_line))

    def _peek(self) -> str:
        return self.input[self.pos] if self.pos < len(self.input) else ""

    def _at_right_delim(self) -> tuple[bool, bool]:
        s, p, r = self.input, self.pos, self.right
        if _has_right_trim(s, p) and s.startswith(r, p + 2):
            return True, True
        if s.startswith(r, p):
            return True, False
        return False, False

    def _at_terminator(self) -> bool:
        ch = self._peek()
        if ch == "" or ch in _TERMINATORS:
            return True
        return self.input.startswith(self.right, self.pos)

    # -- states

    def run(self) -> list[Item]:
        inside = False
        while True:
            if not inside:
                result = self._lex_text()
                if result is None:
                    return self.items
                inside = result
            else:
                ok = self._lex_inside_action()
                if ok is None:
                    return self.items
                inside = ok

    def _lex_text(self) -> bool | None:
        """Returns True when an action starts, False to continue with text, None when done."""
        s = self.input
        x = s.find(self.left, self.pos)
        if x >= 0:
            if x > self.pos:
                self.pos = x
                trim = 0
                delim_end = x + len(self.left)
                if _has_left_trim(s, delim_end):
                    trim = len(s[self.start : self.pos]) - len(s[self.start : self.pos].rstrip(_SPACE))
                self.pos -= trim
                text = s[self.start : self.pos]
                item = Item(T.TEXT, self.start, text, self.start_line)
                self.line += text.count("\n")
                self.start = self.pos
                self.start_line = self.line
                self.pos += trim
                self._ignore()
                if text:
                    self.items.append(item)
            return self._lex_left_delim()
        self.pos = len(s)
        if self.pos > self.start:
            text = s[self.start :]
            self.items.append(Item(T.TEXT, self.start, text, self.start_line))
            self.line += text.count("\n")
            self.start = self.pos
            self.start_line = self.line
        self.items.append(Item(T.EOF, self.pos, "EOF", self.start_line))
        return None

    def _lex_left_delim(self) -> bool | None:
        s = self.input
        self.pos += len(self.left)
        trim = _has_left_trim(s, self.pos)
        after = 2 if trim else 0
        if s.startswith("/*", self.pos + after):
            self.pos += after
            self._ignore()
            return self._lex_comment()
        self._emit(T.LEFT_DELIM)
        self.pos += after
        self._ignore()
        self.paren_depth = 0
        return True

    def _lex_comment(self) -> bool | None:
        s = self.input
        self.pos += 2
        x = s.find("*/", self.pos)
        if x < 0:
            self._error("unclosed comment")
            return None
        self.pos = x + 2
        delim, trim = self._at_right_delim()
        if not delim:
            self._error("comment ends before closing delimiter")
            return None
        self.line += s.count("\n", self.start, self.pos)
        self.start = self.pos
        self.start_line = self.line
        if trim:
            self.pos += 2
        self.pos += len(self.right)
        if trim:
            rest = s[self.pos :]
            self.pos += len(rest) - len(rest.lstrip(_SPACE))
        self._ignore()
        return False

    def _lex_right_delim(self) -> bool:
        s = self.input
        _, trim = self._at_right_delim()
        if trim:
            self.pos += 2
            self._ignore()
        self.pos += len(self.right)
        self._emit(T.RIGHT_DELIM)
        if trim:
            rest = s[self.pos :]
            self.pos += len(rest) - len(rest.lstrip(_SPACE))
            self._ignore()
        return False

    def _lex_inside_action(self) -> bool | None:
        """Scan one item inside an action; returns True to stay inside, False when it closed, None on error."""
        s = self.input
        delim, _ = self._at_right_delim()
        if delim:
            if self.paren_depth == 0:
                return self._lex_right_delim()
            self._error("unclosed left paren")
            return None
        if self.pos >= len(s):
            self._error("unclosed action")
            return None
        r = s[self.pos]
        self.pos += 1
        if r == "\n":
            self.line += 1
        if r in _SPACE:
            self.pos -= 1
            if r == "\n":
                self.line -= 1
            return self._lex_space()
        if r == "=":
            self._emit(T.ASSIGN)
        elif r == ":":
            if self._peek() != "=":
                if self.pos < len(s):
                    self.pos += 1
                self._error("expected :=")
                return None
            self.pos += 1
            self._emit(T.DECLARE)
        elif r == "|":
            self._emit(T.PIPE)
        elif r == '"':
            return self._lex_quote()
        elif r == "`":
            return self._lex_raw_quote()
        elif r == "$":
            return self._lex_variable()
        elif r == "'":
            return self._lex_char()
        elif r == "." and self.pos < len(s) and not "0" <= s[self.pos] <= "9":
            # At the very end of input Go falls through to the number scanner.
            return self._lex_field_or_variable(T.FIELD)
        elif r in "+-." or "0" <= r <= "9":
            self.pos -= 1
            return self._lex_number()
        elif _is_alnum(r):
            self.pos -= 1
            return self._lex_identifier()
        elif r == "(":
            self.paren_depth += 1
            self._emit(T.LEFT_PAREN)
        elif r == ")":
            self.paren_depth -= 1
            if self.paren_depth < 0:
                self._error("unexpected right paren")
                return None
            self._emit(T.RIGHT_PAREN)
        elif ord(r) < 0x80 and r.isprintable():
            self._emit(T.CHAR)
        else:
            self._error(f"unrecognized character in action: {_go_unicode_name(r)}")
            return None
        return True

    def _lex_space(self) -> bool:
        s = self.input
        num = 0
        while self.pos < len(s) and s[self.pos] in _SPACE:
            if s[self.pos] == "\n":
                self.line += 1
            self.pos += 1
            num += 1
        # " -}}": the space belongs to the trim marker, not to the action.
        if _has_right_trim(s, self.pos - 1) and s.startswith(self.right, self.pos - 1 + 2):
            self.pos -= 1
            if s[self.pos] == "\n":
                self.line -= 1
            if num == 1:
                return self._lex_right_delim()
        self._emit_space()
        return True

    def _emit_space(self) -> None:
        val = self.input[self.start : self.pos]
        self.items.append(Item(T.SPACE, self.start, val, self.start_line))
        self.start = self.pos
        self.start_line = self.line

    def _lex_identifier(self) -> bool | None:
        s = self.input
        while self.pos < len(s) and _is_alnum(s[self.pos]):
            self.pos += 1
        word = s[self.start : self.pos]
        if not self._at_terminator():
            self._bad_char()
            return None
        kw = KEYWORDS.get(word)
        if kw is not None and kw > T.KEYWORD:
            if (kw == T.BREAK and not self.break_ok) or (kw == T.CONTINUE and not self.continue_ok):
                self._emit(T.IDENTIFIER)
            else:
                self._emit(kw)
        elif word in ("true", "false"):
            self._emit(T.BOOL)
        else:
            self._emit(T.IDENTIFIER)
        return True

    def _bad_char(self) -> None:
        s = self.input
        ch = s[self.pos] if self.pos < len(s) else ""
        self.pos += 1
        if ch:
            self._error(f"bad character {_go_unicode_name(ch)}")
        else:
            self._error("bad character U+FFFFFFFF")

    def _lex_variable(self) -> bool | None:
        if self._at_terminator():
            self._emit(T.VARIABLE)
            return True
        return self._lex_field_or_variable(T.VARIABLE)

    def _lex_field_or_variable(self, typ: int) -> bool | None:
        if self._at_terminator():
            self._emit(T.VARIABLE if typ == T.VARIABLE else T.DOT)
            return True
        s = self.input
        while self.pos < len(s) and _is_alnum(s[self.pos]):
            self.pos += 1
        if not self._at_terminator():
            self._bad_char()
            return None
        self._emit(typ)
        return True

    def _lex_char(self) -> bool | None:
        return self._lex_delimited("'", "unterminated character constant", T.CHAR_CONSTANT)

    def _lex_number(self) -> bool | None:
        s = self.input
        if not self._scan_number():
            self._error(f"bad number syntax: {quote(s[self.start : self.pos])}")
            return None
        if self._peek() in ("+", "-"):
            if not self._scan_number() or s[self.pos - 1] != "i":
                self._error(f"bad number syntax: {quote(s[self.start : self.pos])}")
                return None
            self._emit(T.COMPLEX)
            return True
        self._emit(T.NUMBER)
        return True

    def _accept(self, valid: str) -> bool:
        if self.pos < len(self.input) and self.input[self.pos] in valid:
            self.pos += 1
            return True
        return False

    def _accept_run(self, valid: str) -> None:
        s = self.input
        while self.pos < len(s) and s[self.pos] in valid:
            self.pos += 1

    def _scan_number(self) -> bool:
        self._accept("+-")
        digits = "0123456789_"
        if self._accept("0"):
            if self._accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self._accept("oO"):
                digits = "01234567_"
            elif self._accept("bB"):
                digits = "01_"
        self._accept_run(digits)
        if self._accept("."):
            self._accept_run(digits)
        if len(digits) == 11 and self._accept("eE"):
            self._accept("+-")
            self._accept_run("0123456789_")
        if len(digits) == 23 and self._accept("pP"):
            self._accept("+-")
            self._accept_run("0123456789_")
        self._accept("i")
        if self.pos < len(self.input) and _is_alnum(self.input[self.pos]):
            self.pos += 1
            return False
        return True

    def _lex_quote(self) -> bool | None:
        return self._lex_delimited('"', "unterminated quoted string", T.STRING)

    def _lex_delimited(self, close: str, unterminated: str, token: int) -> bool | None:
        """A quoted item up to `close`, with backslash escapes, on one line (Go's lexChar/lexQuote)."""
        s = self.input
        while True:
            ch = s[self.pos] if self.pos < len(s) else ""
            self.pos += 1
            if ch == "\\":
                nxt = s[self.pos] if self.pos < len(s) else ""
                self.pos += 1
                if nxt and nxt != "\n":
                    continue
                self._error(unterminated)
                return None
            if ch == "" or ch == "\n":
                self._error(unterminated)
                return None
            if ch == close:
                break
        self._emit(token)
        return True

    def _lex_raw_quote(self) -> bool | None:
        s = self.input
        x = s.find("`", self.pos)
        if x < 0:
            self.pos = len(s)
            self._error("unterminated raw quoted string")
            return None
        self.pos = x + 1
        self._emit(T.RAW_STRING)
        return True


def _has_left_trim(s: str, i: int) -> bool:
    return len(s) >= i + 2 and s[i] == "-" and s[i + 1] in _SPACE


def _has_right_trim(s: str, i: int) -> bool:
    return i >= 0 and len(s) >= i + 2 and s[i] in _SPACE and s[i + 1] == "-"


def lex(
    text: str, left: str = "{{", right: str = "}}", *, break_ok: bool = True, continue_ok: bool = True
) -> list[Item]:
    return Lexer(text, left, right, break_ok=break_ok, continue_ok=continue_ok).run()
