"""Parse-tree nodes of a Go template (text/template/parse/node.go).

`str(node)` gives Go's Node.String(), which exec errors quote as `at <...>`.
Every node keeps its position (string index) and the tree it came from, so error
locations are computed the way Go's ErrorContext does.

Plain classes with `__slots__` and hand-written `__init__`s: dataclasses would generate
and compile the same methods at every start-up, which cost more than parsing a state file.
The parser builds nodes positionally: `(pos, tree, *fields)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyhelmfile.golang.strconv import quote

if TYPE_CHECKING:
    from pyhelmfile.gotmpl.parse import Tree


class Node:
    __slots__ = ("pos", "tree")

    def __init__(self, pos: int, tree: Tree | None = None) -> None:
        self.pos = pos
        self.tree = tree


class TextNode(Node):
    __slots__ = ("text",)

    def __init__(self, pos: int, tree: Tree | None = None, text: str = "") -> None:
        self.pos = pos
        self.tree = tree
        self.text = text

    def __str__(self) -> str:
        return self.text


class CommentNode(Node):
    __slots__ = ("text",)

    def __init__(self, pos: int, tree: Tree | None = None, text: str = "") -> None:
        self.pos = pos
        self.tree = tree
        self.text = text

    def __str__(self) -> str:
        return "{{" + self.text + "}}"


class ListNode(Node):
    __slots__ = ("nodes",)

    def __init__(self, pos: int, tree: Tree | None = None, nodes: list[Node] | None = None) -> None:
        self.pos = pos
        self.tree = tree
        self.nodes: list[Node] = [] if nodes is None else nodes

    def __str__(self) -> str:
        return "".join(str(n) for n in self.nodes)


class DotNode(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "."


class NilNode(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "nil"


class BoolNode(Node):
    __slots__ = ("value",)

    def __init__(self, pos: int, tree: Tree | None = None, value: bool = False) -> None:
        self.pos = pos
        self.tree = tree
        self.value = value

    def __str__(self) -> str:
        return "true" if self.value else "false"


class NumberNode(Node):
    """A numeric constant; `value` is what the executor uses (int, float or complex)."""

    __slots__ = (
        "complex_value",
        "error",
        "float_value",
        "int_value",
        "is_complex",
        "is_float",
        "is_int",
        "text",
        "value",
    )

    def __init__(self, pos: int, tree: Tree | None = None, text: str = "") -> None:
        self.pos = pos
        self.tree = tree
        self.text = text
        self.is_int = False
        self.is_float = False
        self.is_complex = False
        self.int_value = 0
        self.float_value = 0.0
        self.complex_value = 0j
        self.value: Any = None  # the "ideal constant" as a typed value, or an error message
        self.error: str | None = None

    def __str__(self) -> str:
        return self.text


class StringNode(Node):
    __slots__ = ("quoted", "text")

    def __init__(self, pos: int, tree: Tree | None = None, quoted: str = "", text: str = "") -> None:
        self.pos = pos
        self.tree = tree
        self.quoted = quoted
        self.text = text

    def __str__(self) -> str:
        return self.quoted


class IdentifierNode(Node):
    __slots__ = ("ident",)

    def __init__(self, pos: int, tree: Tree | None = None, ident: str = "") -> None:
        self.pos = pos
        self.tree = tree
        self.ident = ident

    def __str__(self) -> str:
        return self.ident


class VariableNode(Node):
    __slots__ = ("ident",)

    def __init__(self, pos: int, tree: Tree | None = None, ident: list[str] | None = None) -> None:
        self.pos = pos
        self.tree = tree
        self.ident: list[str] = [] if ident is None else ident

    def __str__(self) -> str:
        return ".".join(self.ident)


class FieldNode(Node):
    __slots__ = ("ident",)

    def __init__(self, pos: int, tree: Tree | None = None, ident: list[str] | None = None) -> None:
        self.pos = pos
        self.tree = tree
        self.ident: list[str] = [] if ident is None else ident

    def __str__(self) -> str:
        return "".join("." + i for i in self.ident)


class ChainNode(Node):
    __slots__ = ("fields", "node")

    def __init__(
        self, pos: int, tree: Tree | None = None, node: Node | None = None, fields: list[str] | None = None
    ) -> None:
        self.pos = pos
        self.tree = tree
        self.node = node
        self.fields: list[str] = [] if fields is None else fields

    def __str__(self) -> str:
        inner = f"({self.node})" if isinstance(self.node, PipeNode) else str(self.node)
        return inner + "".join("." + f for f in self.fields)


class CommandNode(Node):
    __slots__ = ("args",)

    def __init__(self, pos: int, tree: Tree | None = None, args: list[Node] | None = None) -> None:
        self.pos = pos
        self.tree = tree
        self.args: list[Node] = [] if args is None else args

    def __str__(self) -> str:
        return " ".join(f"({a})" if isinstance(a, PipeNode) else str(a) for a in self.args)


class PipeNode(Node):
    __slots__ = ("cmds", "decl", "is_assign", "line")

    def __init__(
        self,
        pos: int,
        tree: Tree | None = None,
        line: int = 0,
        is_assign: bool = False,
        decl: list[VariableNode] | None = None,
        cmds: list[CommandNode] | None = None,
    ) -> None:
        self.pos = pos
        self.tree = tree
        self.line = line
        self.is_assign = is_assign
        self.decl: list[VariableNode] = [] if decl is None else decl
        self.cmds: list[CommandNode] = [] if cmds is None else cmds

    def __str__(self) -> str:
        s = ""
        if self.decl:
            s = ", ".join(str(v) for v in self.decl) + (" = " if self.is_assign else " := ")
        return s + " | ".join(str(c) for c in self.cmds)


class ActionNode(Node):
    __slots__ = ("line", "pipe")

    def __init__(self, pos: int, tree: Tree | None = None, line: int = 0, pipe: PipeNode | None = None) -> None:
        self.pos = pos
        self.tree = tree
        self.line = line
        self.pipe = pipe

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


class BranchNode(Node):
    __slots__ = ("else_list", "line", "list", "pipe")
    keyword = ""

    def __init__(
        self,
        pos: int,
        tree: Tree | None = None,
        line: int = 0,
        pipe: PipeNode | None = None,
        list: ListNode | None = None,  # Go's field name
        else_list: ListNode | None = None,
    ) -> None:
        self.pos = pos
        self.tree = tree
        self.line = line
        self.pipe = pipe
        self.list = list
        self.else_list = else_list

    def __str__(self) -> str:
        s = "{{" + self.keyword + " " + str(self.pipe) + "}}" + str(self.list)
        if self.else_list is not None:
            s += "{{else}}" + str(self.else_list)
        return s + "{{end}}"


class IfNode(BranchNode):
    __slots__ = ()
    keyword = "if"


class RangeNode(BranchNode):
    __slots__ = ()
    keyword = "range"


class WithNode(BranchNode):
    __slots__ = ()
    keyword = "with"


class BreakNode(Node):
    __slots__ = ("line",)

    def __init__(self, pos: int, tree: Tree | None = None, line: int = 0) -> None:
        self.pos = pos
        self.tree = tree
        self.line = line

    def __str__(self) -> str:
        return "{{break}}"


class ContinueNode(Node):
    __slots__ = ("line",)

    def __init__(self, pos: int, tree: Tree | None = None, line: int = 0) -> None:
        self.pos = pos
        self.tree = tree
        self.line = line

    def __str__(self) -> str:
        return "{{continue}}"


class TemplateNode(Node):
    __slots__ = ("line", "name", "pipe")

    def __init__(
        self, pos: int, tree: Tree | None = None, line: int = 0, name: str = "", pipe: PipeNode | None = None
    ) -> None:
        self.pos = pos
        self.tree = tree
        self.line = line
        self.name = name
        self.pipe = pipe

    def __str__(self) -> str:
        s = "{{template " + quote(self.name)
        if self.pipe is not None:
            s += " " + str(self.pipe)
        return s + "}}"


class EndNode(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "{{end}}"


class ElseNode(Node):
    __slots__ = ("line",)

    def __init__(self, pos: int, tree: Tree | None = None, line: int = 0) -> None:
        self.pos = pos
        self.tree = tree
        self.line = line

    def __str__(self) -> str:
        return "{{else}}"
