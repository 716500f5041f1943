"""Parse-tree nodes of a Go template (text/template/parse/node.go).

`str(node)` gives Go's Node.String(), which exec errors quote as `at <...>`.
Every node keeps its position (string index) and the tree it came from, so error
locations are computed the way Go's ErrorContext does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyhelmfile.gotmpl.gofmt import quote

if TYPE_CHECKING:
    from pyhelmfile.gotmpl.parse import Tree


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class Node:
    pos: int
    tree: Tree | None = field(default=None, repr=False)


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class TextNode(Node):
    text: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class CommentNode(Node):
    text: str = ""

    def __str__(self) -> str:
        return "{{" + self.text + "}}"


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class ListNode(Node):
    nodes: list[Node] = field(default_factory=list)

    def __str__(self) -> str:
        return "".join(str(n) for n in self.nodes)


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class DotNode(Node):
    def __str__(self) -> str:
        return "."


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class NilNode(Node):
    def __str__(self) -> str:
        return "nil"


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class BoolNode(Node):
    value: bool = False

    def __str__(self) -> str:
        return "true" if self.value else "false"


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class NumberNode(Node):
    """A numeric constant; `value` is what the executor uses (int, float or complex)."""

    text: str = ""
    is_int: bool = False
    is_float: bool = False
    is_complex: bool = False
    int_value: int = 0
    float_value: float = 0.0
    complex_value: complex = 0j
    value: Any = None  # the "ideal constant" as a typed value, or an error message
    error: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class StringNode(Node):
    quoted: str = ""
    text: str = ""

    def __str__(self) -> str:
        return self.quoted


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class IdentifierNode(Node):
    ident: str = ""

    def __str__(self) -> str:
        return self.ident


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class VariableNode(Node):
    ident: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return ".".join(self.ident)


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class FieldNode(Node):
    ident: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "".join("." + i for i in self.ident)


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class ChainNode(Node):
    node: Node | None = None
    fields: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        inner = f"({self.node})" if isinstance(self.node, PipeNode) else str(self.node)
        return inner + "".join("." + f for f in self.fields)


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class CommandNode(Node):
    args: list[Node] = field(default_factory=list)

    def __str__(self) -> str:
        return " ".join(f"({a})" if isinstance(a, PipeNode) else str(a) for a in self.args)


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class PipeNode(Node):
    line: int = 0
    is_assign: bool = False
    decl: list[VariableNode] = field(default_factory=list)
    cmds: list[CommandNode] = field(default_factory=list)

    def __str__(self) -> str:
        s = ""
        if self.decl:
            s = ", ".join(str(v) for v in self.decl) + (" = " if self.is_assign else " := ")
        return s + " | ".join(str(c) for c in self.cmds)


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class ActionNode(Node):
    line: int = 0
    pipe: PipeNode | None = None

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class BranchNode(Node):
    line: int = 0
    pipe: PipeNode | None = None
    list: ListNode | None = None
    else_list: ListNode | None = None
    keyword = ""

    def __str__(self) -> str:
        s = "{{" + self.keyword + " " + str(self.pipe) + "}}" + str(self.list)
        if self.else_list is not None:
            s += "{{else}}" + str(self.else_list)
        return s + "{{end}}"


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class IfNode(BranchNode):
    keyword = "if"


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class RangeNode(BranchNode):
    keyword = "range"


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class WithNode(BranchNode):
    keyword = "with"


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class BreakNode(Node):
    line: int = 0

    def __str__(self) -> str:
        return "{{break}}"


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class ContinueNode(Node):
    line: int = 0

    def __str__(self) -> str:
        return "{{continue}}"


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class TemplateNode(Node):
    line: int = 0
    name: str = ""
    pipe: PipeNode | None = None

    def __str__(self) -> str:
        s = "{{template " + quote(self.name)
        if self.pipe is not None:
            s += " " + str(self.pipe)
        return s + "}}"


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class EndNode(Node):
    def __str__(self) -> str:
        return "{{end}}"


@dataclass(eq=False, slots=True, repr=False)  # generated reprs cost start-up time
class ElseNode(Node):
    line: int = 0

    def __str__(self) -> str:
        return "{{else}}"
