"""Parser for Go text/template (text/template/parse/parse.go), producing `nodes`.

The structure mirrors Go's recursive-descent parser, including its three-token
lookahead, because parse error messages (and the line they report: the line of
the most recently lexed token) depend on exactly when tokens are consumed.

Long because: one recursive-descent parser, mirroring parse.go function by function.
"""

from __future__ import annotations

import math
from collections.abc import Collection

from pyhelmfile.golang.strconv import INT64_MAX, INT64_MIN, quote
from pyhelmfile.gotmpl import nodes as n
from pyhelmfile.gotmpl.lexer import Item, T, lex

# Go allows 10000 nested parentheses; a recursive parser in Python needs a lower bound.
MAX_STACK_DEPTH = 400
_UINT64_MAX = (1 << 64) - 1


class ParseError(Exception):
    """A template failed to parse; `str()` is Go's message (template: NAME:LINE: ...)."""


class Tree:
    """One parsed template (the top-level one or a {{define}}d one)."""

    __slots__ = (
        "_action_line",
        "_funcs",
        "_items",
        "_next_index",
        "_peek_count",
        "_range_depth",
        "_stack_depth",
        "_token",
        "_tree_set",
        "_vars",
        "name",
        "parse_name",
        "root",
        "text",
    )

    def __init__(self, name: str, text: str = "", parse_name: str | None = None) -> None:
        self.name = name
        self.parse_name = parse_name if parse_name is not None else name
        self.root: n.ListNode | None = None
        self.text = text
        self._items: list[Item] = []
        self._next_index = 0
        self._token: list[Item] = [_EOF_ITEM, _EOF_ITEM, _EOF_ITEM]
        self._peek_count = 0
        self._vars: list[str] = ["$"]
        self._funcs: Collection[str] = ()
        self._tree_set: dict[str, Tree] = {}
        self._action_line = 0
        self._range_depth = 0
        self._stack_depth = 0

    def __repr__(self) -> str:
        return f"Tree({self.name!r})"

    # -- token stream

    def _lex_next(self) -> Item:
        items = self._items
        i = self._next_index
        if i < len(items):
            self._next_index = i + 1
            return items[i]
        return items[-1]

    def _next(self) -> Item:
        if self._peek_count > 0:
            self._peek_count -= 1
        else:
            self._token[0] = self._lex_next()
        return self._token[self._peek_count]

    def _backup(self) -> None:
        self._peek_count += 1

    def _backup2(self, t1: Item) -> None:
        self._token[1] = t1
        self._peek_count = 2

    def _backup3(self, t2: Item, t1: Item) -> None:
        self._token[1] = t1
        self._token[2] = t2
        self._peek_count = 3

    def _peek(self) -> Item:
        if self._peek_count > 0:
            return self._token[self._peek_count - 1]
        self._peek_count = 1
        self._token[0] = self._lex_next()
        return self._token[0]

    def _next_non_space(self) -> Item:
        while True:
            token = self._next()
            if token.typ != T.SPACE:
                return token

    def _peek_non_space(self) -> Item:
        token = self._next_non_space()
        self._backup()
        return token

    # -- errors

    def errorf(self, msg: str) -> None:
        self.root = None
        raise ParseError(f"template: {self.parse_name}:{self._token[0].line}: {msg}")

    def _expect(self, expected: int, context: str) -> Item:
        token = self._next_non_space()
        if token.typ != expected:
            self._unexpected(token, context)
        return token

    def _expect_one_of(self, e1: int, e2: int, context: str) -> Item:
        token = self._next_non_space()
        if token.typ != e1 and token.typ != e2:
            self._unexpected(token, context)
        return token

    def _unexpected(self, token: Item, context: str) -> None:
        if token.typ == T.ERROR:
            extra = ""
            if self._action_line != 0 and self._action_line != token.line:
                extra = f" in action started at {self.parse_name}:{self._action_line}"
                if token.val.endswith(" action"):
                    extra = extra[len(" in action") :]
            self.errorf(f"{token}{extra}")
        self.errorf(f"unexpected {token} in {context}")

    # -- entry points

    def _start_parse(self, funcs: Collection[str], items: list[Item], tree_set: dict[str, Tree]) -> None:
        self.root = None
        self._items = items
        self._vars = ["$"]
        self._funcs = funcs
        self._tree_set = tree_set
        self._stack_depth = 0

    def add(self) -> None:
        tree = self._tree_set.get(self.name)
        if tree is None or is_empty_tree(tree.root):
            self._tree_set[self.name] = self
            return
        if not is_empty_tree(self.root):
            self.errorf(f"template: multiple definition of template {quote(self.name)}")

    def parse_all(self) -> None:
        self.root = n.ListNode(self._peek().pos, self)
        while self._peek().typ != T.EOF:
            if self._peek().typ == T.LEFT_DELIM:
                delim = self._next()
                if self._next_non_space().typ == T.DEFINE:
                    new_t = Tree("definition", self.text, self.parse_name)
                    new_t._start_parse(self._funcs, self._items, self._tree_set)
                    self._hand_over(new_t)
                    new_t._parse_definition()
                    self._take_back(new_t)
                    continue
                self._backup2(delim)
            node = self._text_or_action()
            if isinstance(node, (n.EndNode, n.ElseNode)):
                self.errorf(f"unexpected {node}")
            else:
                self.root.nodes.append(node)

    def _hand_over(self, child: Tree) -> None:
        # Go shares the lexer between parent and child tree; the lookahead buffer is
        # empty at this point (the define keyword was just consumed), so sharing the
        # stream index is equivalent. token[0] is carried so error lines match.
        child._items = self._items
        child._next_index = self._next_index
        child._token = [self._token[0], self._token[1], self._token[2]]
        child._peek_count = 0

    def _take_back(self, child: Tree) -> None:
        # The child always ends having consumed {{end}} (no lookahead left), so only
        # the stream position needs to come back.
        self._next_index = child._next_index
        self._peek_count = 0

    def _parse_definition(self) -> None:
        context = "define clause"
        name = self._expect_one_of(T.STRING, T.RAW_STRING, context)
        self.name = self._unquote(name.val)
        self._expect(T.RIGHT_DELIM, context)
        self.root, end = self._item_list()
        if not isinstance(end, n.EndNode):
            self.errorf(f"unexpected {end} in {context}")
        self.add()

    def _item_list(self) -> tuple[n.ListNode, n.Node]:
        lst = n.ListNode(self._peek_non_space().pos, self)
        while self._peek_non_space().typ != T.EOF:
            node = self._text_or_action()
            if isinstance(node, (n.EndNode, n.ElseNode)):
                return lst, node
            lst.nodes.append(node)
        self.errorf("unexpected EOF")
        raise AssertionError("unreachable")

    def _text_or_action(self) -> n.Node:
        token = self._next_non_space()
        if token.typ == T.TEXT:
            return n.TextNode(token.pos, self, token.val)
        if token.typ == T.LEFT_DELIM:
            self._action_line = token.line
            try:
                return self._action()
            finally:
                self._action_line = 0
        if token.typ == T.COMMENT:
            return n.CommentNode(token.pos, self, token.val)
        self._unexpected(token, "input")
        raise AssertionError("unreachable")

    def _action(self) -> n.Node:
        token = self._next_non_space()
        typ = token.typ
        if typ == T.BLOCK:
            return self._block_control()
        if typ == T.BREAK:
            return self._break_control(token.pos, token.line)
        if typ == T.CONTINUE:
            return self._continue_control(token.pos, token.line)
        if typ == T.ELSE:
            return self._else_control()
        if typ == T.END:
            return self._end_control()
        if typ == T.IF:
            return self._branch_control(n.IfNode, "if")
        if typ == T.RANGE:
            return self._branch_control(n.RangeNode, "range")
        if typ == T.TEMPLATE:
            return self._template_control()
        if typ == T.WITH:
            return self._branch_control(n.WithNode, "with")
        self._backup()
        token = self._peek()
        return n.ActionNode(token.pos, self, token.line, self._pipeline("command", T.RIGHT_DELIM))

    def _break_control(self, pos: int, line: int) -> n.Node:
        token = self._next_non_space()
        if token.typ != T.RIGHT_DELIM:
            self._unexpected(token, "{{break}}")
        if self._range_depth == 0:
            self.errorf("{{break}} outside {{range}}")
        return n.BreakNode(pos, self, line)

    def _continue_control(self, pos: int, line: int) -> n.Node:
        token = self._next_non_space()
        if token.typ != T.RIGHT_DELIM:
            self._unexpected(token, "{{continue}}")
        if self._range_depth == 0:
            self.errorf("{{continue}} outside {{range}}")
        return n.ContinueNode(pos, self, line)

    def _pipeline(self, context: str, end: int) -> n.PipeNode:
        token = self._peek_non_space()
        pipe = n.PipeNode(token.pos, self, token.line)
        while True:  # the "decls:" label in Go
            v = self._peek_non_space()
            if v.typ != T.VARIABLE:
                break
            self._next()
            token_after = self._peek()
            nxt = self._peek_non_space()
            if nxt.typ in (T.ASSIGN, T.DECLARE):
                pipe.is_assign = nxt.typ == T.ASSIGN
                self._next_non_space()
                pipe.decl.append(self._new_variable(v.pos, v.val))
                self._vars.append(v.val)
            elif nxt.typ == T.CHAR and nxt.val == ",":
                self._next_non_space()
                pipe.decl.append(self._new_variable(v.pos, v.val))
                self._vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self._peek_non_space().typ in (T.VARIABLE, T.RIGHT_DELIM, T.RIGHT_PAREN):
                        continue
                    self.errorf("range can only initialize variables")
                self.errorf(f"too many declarations in {context}")
            elif token_after.typ == T.SPACE:
                self._backup3(v, token_after)
            else:
                self._backup2(v)
            break
        while True:
            token = self._next_non_space()
            if token.typ == end:
                self._check_pipeline(pipe, context)
                return pipe
            if token.typ in _OPERAND_START:
                self._backup()
                pipe.cmds.append(self._command())
            else:
                self._unexpected(token, context)

    def _check_pipeline(self, pipe: n.PipeNode, context: str) -> None:
        if not pipe.cmds:
            self.errorf(f"missing value for {context}")
        for i, c in enumerate(pipe.cmds[1:]):
            if isinstance(c.args[0], (n.BoolNode, n.DotNode, n.NilNode, n.NumberNode, n.StringNode)):
                self.errorf(f"non executable command in pipeline stage {i + 2}")

    def _branch_control(self, cls: type[n.BranchNode], context: str) -> n.Node:
        mark = len(self._vars)
        try:
            pipe = self._pipeline(context, T.RIGHT_DELIM)
            if context == "range":
                self._range_depth += 1
            lst, nxt = self._item_list()
            if context == "range":
                self._range_depth -= 1
            else_list: n.ListNode | None = None
            if isinstance(nxt, n.ElseNode):
                if context == "if" and self._peek().typ == T.IF:
                    self._next()
                    else_list = n.ListNode(nxt.pos, self)
                    else_list.nodes.append(self._branch_control(n.IfNode, "if"))
                elif context == "with" and self._peek().typ == T.WITH:
                    self._next()
                    else_list = n.ListNode(nxt.pos, self)
                    else_list.nodes.append(self._branch_control(n.WithNode, "with"))
                else:
                    else_list, nxt = self._item_list()
                    if not isinstance(nxt, n.EndNode):
                        self.errorf(f"expected end; found {nxt}")
            return cls(pipe.pos, self, pipe.line, pipe, lst, else_list)
        finally:
            del self._vars[mark:]

    def _end_control(self) -> n.Node:
        return n.EndNode(self._expect(T.RIGHT_DELIM, "end").pos, self)

    def _else_control(self) -> n.Node:
        peek = self._peek_non_space()
        if peek.typ in (T.IF, T.WITH):
            return n.ElseNode(peek.pos, self, peek.line)
        token = self._expect(T.RIGHT_DELIM, "else")
        return n.ElseNode(token.pos, self, token.line)

    def _block_control(self) -> n.Node:
        context = "block clause"
        token = self._next_non_space()
        name = self._parse_template_name(token, context)
        pipe = self._pipeline(context, T.RIGHT_DELIM)
        block = Tree(name, self.text, self.parse_name)
        block._start_parse(self._funcs, self._items, self._tree_set)
        self._hand_over(block)
        block.root, end = block._item_list()
        if not isinstance(end, n.EndNode):
            self.errorf(f"unexpected {end} in {context}")
        block.add()
        self._take_back(block)
        return n.TemplateNode(token.pos, self, token.line, name, pipe)

    def _template_control(self) -> n.Node:
        context = "template clause"
        token = self._next_non_space()
        name = self._parse_template_name(token, context)
        pipe: n.PipeNode | None = None
        if self._next_non_space().typ != T.RIGHT_DELIM:
            self._backup()
            pipe = self._pipeline(context, T.RIGHT_DELIM)
        return n.TemplateNode(token.pos, self, token.line, name, pipe)

    def _parse_template_name(self, token: Item, context: str) -> str:
        if token.typ in (T.STRING, T.RAW_STRING):
            return self._unquote(token.val)
        self._unexpected(token, context)
        raise AssertionError("unreachable")

    def _command(self) -> n.CommandNode:
        cmd = n.CommandNode(self._peek_non_space().pos, self)
        while True:
            self._peek_non_space()
            operand = self._operand()
            if operand is not None:
                cmd.args.append(operand)
            token = self._next()
            if token.typ == T.SPACE:
                continue
            if token.typ in (T.RIGHT_DELIM, T.RIGHT_PAREN):
                self._backup()
            elif token.typ == T.PIPE:
                pass
            else:
                self._unexpected(token, "operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def _operand(self) -> n.Node | None:
        node = self._term()
        if node is None:
            return None
        if self._peek().typ == T.FIELD:
            chain = n.ChainNode(self._peek().pos, self, node)
            while self._peek().typ == T.FIELD:
                chain.fields.append(self._next().val[1:])
            if isinstance(node, n.FieldNode):
                return n.FieldNode(chain.pos, self, [*node.ident, *chain.fields])
            if isinstance(node, n.VariableNode):
                return n.VariableNode(chain.pos, self, [*node.ident, *chain.fields])
            if isinstance(node, (n.BoolNode, n.StringNode, n.NumberNode, n.NilNode, n.DotNode)):
                self.errorf(f"unexpected . after term {quote(str(node))}")
            return chain
        return node

    def _term(self) -> n.Node | None:
        token = self._next_non_space()
        typ = token.typ
        if typ == T.IDENTIFIER:
            if token.val not in self._funcs:
                self.errorf(f"function {quote(token.val)} not defined")
            return n.IdentifierNode(token.pos, self, token.val)
        if typ == T.DOT:
            return n.DotNode(token.pos, self)
        if typ == T.NIL:
            return n.NilNode(token.pos, self)
        if typ == T.VARIABLE:
            return self._use_var(token.pos, token.val)
        if typ == T.FIELD:
            return n.FieldNode(token.pos, self, token.val[1:].split("."))
        if typ == T.BOOL:
            return n.BoolNode(token.pos, self, token.val == "true")
        if typ in (T.CHAR_CONSTANT, T.COMPLEX, T.NUMBER):
            return self._new_number(token)
        if typ == T.LEFT_PAREN:
            if self._stack_depth >= MAX_STACK_DEPTH:
                self.errorf("max expression depth exceeded")
            self._stack_depth += 1
            try:
                return self._pipeline("parenthesized pipeline", T.RIGHT_PAREN)
            finally:
                self._stack_depth -= 1
        if typ in (T.STRING, T.RAW_STRING):
            return n.StringNode(token.pos, self, token.val, self._unquote(token.val))
        self._backup()
        return None

    def _new_variable(self, pos: int, ident: str) -> n.VariableNode:
        return n.VariableNode(pos, self, ident.split("."))

    def _use_var(self, pos: int, name: str) -> n.VariableNode:
        v = self._new_variable(pos, name)
        if v.ident[0] not in self._vars:
            self.errorf(f"undefined variable {quote(v.ident[0])}")
        return v

    def _unquote(self, s: str) -> str:
        try:
            return unquote(s)
        except ValueError:
            self.errorf("invalid syntax")
            raise AssertionError("unreachable") from None

    def _new_number(self, token: Item) -> n.NumberNode:
        try:
            return new_number(token.pos, self, token.val, token.typ)
        except ValueError as e:
            self.errorf(str(e))
            raise AssertionError("unreachable") from None


_OPERAND_START = frozenset(
    {
        T.BOOL,
        T.CHAR_CONSTANT,
        T.COMPLEX,
        T.DOT,
        T.FIELD,
        T.IDENTIFIER,
        T.NUMBER,
        T.NIL,
        T.RAW_STRING,
        T.STRING,
        T.VARIABLE,
        T.LEFT_PAREN,
    }
)

_EOF_ITEM = Item(T.EOF, 0, "EOF", 1)


def is_empty_tree(node: n.Node | None) -> bool:
    if node is None:
        return True
    if isinstance(node, n.CommentNode):
        return True
    if isinstance(node, n.ListNode):
        return all(is_empty_tree(x) for x in node.nodes)
    if isinstance(node, n.TextNode):
        return not node.text.strip(" \t\n\v\f\r\x85\xa0")
    return False


def parse(
    name: str,
    text: str,
    funcs: Collection[str],
    left: str = "{{",
    right: str = "}}",
) -> dict[str, Tree]:
    """Parse `text` into the set of trees it defines (the main one under `name`)."""
    items = lex(text, left, right, break_ok="break" not in funcs, continue_ok="continue" not in funcs)
    tree_set: dict[str, Tree] = {}
    t = Tree(name, text)
    t._start_parse(funcs, items, tree_set)
    try:
        t.parse_all()
    except RecursionError:
        raise ParseError(f"template: {name}:{t._token[0].line}: max expression depth exceeded") from None
    t.add()
    return tree_set


# ---------------------------------------------------------------------------
# Literals: strconv.Unquote, strconv.UnquoteChar, NumberNode construction


_SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def unquote_char(s: str, i: int, quote_ch: str) -> tuple[str, int]:
    """One (possibly escaped) character of a Go literal starting at s[i]; returns (char, next index)."""
    c = s[i]
    if c == quote_ch and quote_ch in "'\"":
        raise ValueError("invalid syntax")
    if c != "\\":
        return c, i + 1
    if i + 1 >= len(s):
        raise ValueError("invalid syntax")
    c = s[i + 1]
    j = i + 2
    if c in _SIMPLE:
        return _SIMPLE[c], j
    if c in "xuU":
        size = {"x": 2, "u": 4, "U": 8}[c]
        digits = s[j : j + size]
        if len(digits) < size or any(d not in "0123456789abcdefABCDEF" for d in digits):
            raise ValueError("invalid syntax")
        v = int(digits, 16)
        if c == "x":
            if quote_ch == "'":
                return chr(v), j + size
            # \xHH in a string is a raw byte; keep it as a code point when it is ASCII.
            return chr(v), j + size
        if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
            raise ValueError("invalid syntax")
        return chr(v), j + size
    if c in "01234567":
        digits = s[i + 1 : i + 4]
        if len(digits) < 3 or any(d not in "01234567" for d in digits):
            raise ValueError("invalid syntax")
        v = int(digits, 8)
        if v > 255:
            raise ValueError("invalid syntax")
        return chr(v), i + 4
    if c == quote_ch and c in "'\"":
        return c, j
    raise ValueError("invalid syntax")


def unquote(s: str) -> str:
    """strconv.Unquote for "..." and `...` literals (ValueError on bad syntax)."""
    if len(s) < 2:
        raise ValueError("invalid syntax")
    q = s[0]
    if q != s[-1]:
        raise ValueError("invalid syntax")
    body = s[1:-1]
    if q == "`":
        if "`" in body:
            raise ValueError("invalid syntax")
        return body.replace("\r", "")
    if q != '"':
        raise ValueError("invalid syntax")
    if "\\" not in body and '"' not in body and "\n" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        if body[i] == "\n":
            raise ValueError("invalid syntax")
        ch, i = unquote_char(body, i, '"')
        out.append(ch)
    return "".join(out)


def _parse_go_int(text: str) -> int | None:
    """strconv.ParseInt/ParseUint(text, 0, 64) without the range check; None when malformed."""
    s = text
    sign = 1
    if s[:1] in "+-" and s:
        if s[0] == "-":
            sign = -1
        s = s[1:]
    if not s:
        return None
    body = s
    if len(s) > 1 and s[0] == "0" and s[1] not in "xXoObB":
        if s[1] in ".eEpP":
            return None
        body = "0o" + s[1:]
    try:
        return sign * int(body, 0)
    except ValueError:
        return None


def _parse_go_float(text: str) -> float | None:
    s = text
    try:
        if "x" in s or "X" in s:
            neg = s.startswith("-")
            core = s.lstrip("+-").replace("_", "")
            if "p" not in core.lower():
                return None
            v = float.fromhex(core)
            if math.isinf(v):
                return None
            return -v if neg else v
        if s.lstrip("+-")[:2].lower() in ("0o", "0b"):
            return None
        v = float(s)
        if math.isinf(v):
            return None  # strconv.ParseFloat: value out of range
        if "_" in s and ("__" in s or s.startswith("_") or s.endswith("_") or "_." in s or "._" in s):
            return None
        return v
    except (ValueError, OverflowError):
        return None


def _simplify_complex(node: n.NumberNode) -> None:
    c = node.complex_value
    node.is_float = c.imag == 0
    if node.is_float:
        node.float_value = c.real
        node.is_int = math.isfinite(c.real) and float(int(c.real)) == c.real
        if node.is_int:
            node.int_value = int(c.real)


def new_number(pos: int, tree: Tree, text: str, typ: int) -> n.NumberNode:
    """NumberNode with Go's rules, and the exec-time "ideal constant" value precomputed."""
    node = n.NumberNode(pos, tree, text)
    is_uint = False
    if typ == T.CHAR_CONSTANT:
        try:
            ch, j = unquote_char(text, 1, "'")
        except ValueError:
            raise ValueError("invalid syntax") from None
        if text[j:] != "'":
            raise ValueError(f"malformed character constant: {text}")
        node.is_int = node.is_float = True
        node.int_value = ord(ch)
        node.float_value = float(ord(ch))
        node.value = ord(ch)
        return node
    if typ == T.COMPLEX:
        split = max(text.rfind("+"), text.rfind("-"))
        real = _parse_go_float(text[:split]) if split > 0 else None
        imag = _parse_go_float(text[split:-1]) if split > 0 else None
        if real is None or imag is None:
            raise ValueError("expected integer")
        node.is_complex = True
        node.complex_value = complex(real, imag)
        _simplify_complex(node)
        node.value = node.complex_value
        return node
    if text.endswith("i"):
        f = _parse_go_float(text[:-1])
        if f is None:
            iv = _parse_go_int(text[:-1])
            f = float(iv) if iv is not None else None
        if f is not None:
            node.is_complex = True
            node.complex_value = complex(0, f)
            _simplify_complex(node)
            node.value = node.complex_value
            return node
    iv = _parse_go_int(text)
    if (iv is not None and 0 <= iv <= _UINT64_MAX and not text.startswith("-")) or (iv is not None and iv == 0):
        is_uint = True
    if iv is not None and INT64_MIN <= iv <= INT64_MAX:
        node.is_int = True
        node.int_value = iv
    if node.is_int:
        node.is_float = True
        node.float_value = float(node.int_value)
    elif is_uint and iv is not None:
        node.is_float = True
        node.float_value = float(iv)
    else:
        fv = _parse_go_float(text)
        if fv is not None:
            if not any(c in text for c in ".eEpP"):
                raise ValueError(f"integer overflow: {quote(text)}")
            node.is_float = True
            node.float_value = fv
            if math.isfinite(fv) and float(int(fv)) == fv and INT64_MIN <= int(fv) <= INT64_MAX:
                node.is_int = True
                node.int_value = int(fv)
            if math.isfinite(fv) and float(int(fv)) == fv and 0 <= int(fv) <= _UINT64_MAX:
                is_uint = True
    if not node.is_int and not is_uint and not node.is_float:
        raise ValueError(f"illegal number syntax: {quote(text)}")
    # idealConstant (exec.go): what a bare number evaluates to.
    hex_int = len(text) > 2 and text[0] == "0" and text[1] in "xX" and not any(c in text for c in "pP")
    if node.is_float and not hex_int and any(c in text for c in ".eEpP"):
        node.value = node.float_value
    elif node.is_int:
        node.value = node.int_value
    elif is_uint:
        node.error = f"{text} overflows int"
    return node
