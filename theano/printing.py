"""Seeing a graph: ``pp`` (math-like text), ``debugprint`` (one line per node),
``pydotprint`` (a picture, through pydot and graphviz) and the ``Print`` op.

>>> import theano, theano.tensor as T
>>> x = T.dscalar('x')
>>> theano.pp(x ** 2)
'(x ** TensorConstant{2})'
"""
import io
import logging
import sys

import numpy as np

from theano.graph.basic import Apply, Variable
from theano.graph.fg import FunctionGraph
from theano.graph.op import Op
from theano.graph.type import Type
# pydotprint lives in its own module, which imports pydot only when called.
from theano.printing_graphviz import (PydotNotAvailable, _import_pydot,  # noqa: F401
                                      default_colorCodes, pydotprint)

__all__ = [
    "pp", "pprint", "debugprint", "pydotprint", "Print", "PPrinter", "PrinterState",
    "OperatorPrinter", "PatternPrinter", "FunctionPrinter", "MemberPrinter", "IgnorePrinter",
    "LeafPrinter", "DefaultPrinter", "DimShufflePrinter", "SubtensorPrinter",
    "PydotNotAvailable", "char_from_number", "default_colorCodes",
]

_logger = logging.getLogger("theano.printing")
VALID_ASSOC = ("left", "right", "either")

# Names printed as LaTeX-like symbols, as Theano did.
special = {"middle_dot": "\\dot", "big_sigma": "\\Sigma"}
greek = {n: "\\" + n for n in ("alpha", "beta", "gamma", "delta", "epsilon")}


# ---------------------------------------------------------------------------
# The Print op
# ---------------------------------------------------------------------------

def _print_fn(op, xin):
    """Default action of :class:`Print`: ``message attr = value`` for each attr."""
    for attr in op.attrs:
        value = getattr(xin, attr)
        if callable(value):
            value = value()
        print(op.message, attr, "=", value)


class Print(Op):
    """Identity op that prints ``message`` and attributes of its value when run.

    Parameters
    ----------
    message : str
        Text put in front of each printed attribute.
    attrs : tuple of str
        Attributes of the runtime value to print (callables are called),
        e.g. ``('shape', 'min', 'max')``.  Default: the value itself.
    global_fn : callable
        ``global_fn(op, value)`` does the printing; replace it to log elsewhere.

    Notes
    -----
    No rewrite looks through a Print node, so ``log(1 + Print('x')(x))``
    keeps its ``log`` and ``add`` instead of becoming ``log1p``.
    """

    __props__ = ("message", "attrs", "global_fn")
    view_map = {0: [0]}

    def __init__(self, message="", attrs=("__str__",), global_fn=_print_fn):
        self.message = message
        self.attrs = tuple(attrs)  # a tuple keeps the op hashable
        self.global_fn = global_fn

    def make_node(self, xin):
        if not isinstance(xin, Variable):
            from theano.tensor.basic import as_tensor_variable
            xin = as_tensor_variable(xin)
        return Apply(self, [xin], [xin.type()])

    def perform(self, node, inputs, output_storage):
        (xin,) = inputs
        output_storage[0][0] = xin
        self.global_fn(self, xin)

    def infer_shape(self, fgraph, node, shapes):
        return list(shapes)

    def grad(self, inputs, output_grads):
        return list(output_grads)

    def R_op(self, inputs, eval_points):
        return list(eval_points)

    def do_constant_folding(self, node):
        # Folding would print once at compile time and drop the node.
        return False

    def __setstate__(self, state):
        state.setdefault("global_fn", _print_fn)
        self.__dict__.update(state)

    def __str__(self):
        # The default props string would show the function's address.
        return "Print{%s}" % (self.message,)


# ---------------------------------------------------------------------------
# Pretty printer
# ---------------------------------------------------------------------------

class PrinterState:
    """What printers pass down: the pretty printer, the precedence and a memo."""

    def __init__(self, props=None, **more):
        if isinstance(props, PrinterState):
            self.__dict__.update(props.__dict__)
        elif props:
            self.__dict__.update(props)
        self.__dict__.update(more)
        # variable -> its text, so a DAG is walked once (texts still repeat).
        self.memo = {}

    def clone(self, props=None, **more):
        st = PrinterState(self)
        st.__dict__.update(props or {})
        st.__dict__.update(more)
        return st


def _with_precedence(pstate, precedence, var):
    """Print ``var`` with ``pstate.precedence`` temporarily set."""
    old = getattr(pstate, "precedence", None)
    pstate.precedence = precedence
    try:
        return pstate.pprinter.process(var, pstate)
    finally:
        pstate.precedence = old


def _need_owner(output, what):
    if output.owner is None:
        raise TypeError("%s cannot print %s: it is not the result of an operation"
                        % (what, output))
    return output.owner


class OperatorPrinter:
    """Infix (or prefix for one input) operator: ``(a + b)``, ``(-a)``.

    Theano 1.0 parenthesizes every operator expression, whatever the
    precedences, so the text is unambiguous; ``precedence`` and ``assoc``
    are still recorded for printers that consult ``pstate.precedence``.
    """

    def __init__(self, operator, precedence, assoc="left"):
        if assoc not in VALID_ASSOC:
            raise ValueError("assoc must be one of %s, got %r" % (VALID_ASSOC, assoc))
        self.operator = operator
        self.precedence = precedence
        self.assoc = assoc

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = _need_owner(output, "operator %s" % self.operator)
        last = len(node.inputs) - 1
        parts = []
        for i, inp in enumerate(node.inputs):
            prec = self.precedence
            if (self.assoc == "left" and i != 0) or (self.assoc == "right" and i != last):
                prec += 1e-6
            parts.append(_with_precedence(pstate, prec, inp))
        if len(parts) == 1:
            text = self.operator + parts[0]
        else:
            text = (" %s " % self.operator).join(parts)
        result = "(%s)" % text
        pstate.memo[output] = result
        return result


class PatternPrinter:
    """Fill a ``%(0)s``-style pattern with the inputs' texts, one pattern per output.

    Each pattern is a string or ``(string, precedence_of_input_0, ...)``.
    """

    def __init__(self, *patterns):
        self.patterns = [(p, ()) if isinstance(p, str) else (p[0], tuple(p[1:]))
                         for p in patterns]

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = _need_owner(output, "pattern %s" % (self.patterns,))
        pattern, precs = self.patterns[node.outputs.index(output)]
        precs = precs + (1000,) * len(node.inputs)
        texts = {str(i): _with_precedence(pstate, p, inp)
                 for i, (inp, p) in enumerate(zip(node.inputs, precs))}
        result = pattern % texts
        pstate.memo[output] = result
        return result


class FunctionPrinter:
    """``name(input0, input1, ...)``; one name per output of the node."""

    def __init__(self, *names):
        self.names = names

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = _need_owner(output, "function %s" % (self.names,))
        name = self.names[node.outputs.index(output)]
        result = "%s(%s)" % (name, ", ".join(_with_precedence(pstate, -1000, i)
                                             for i in node.inputs))
        pstate.memo[output] = result
        return result


class MemberPrinter:
    """``input0.name``, for attribute-like ops such as ``x.shape``."""

    def __init__(self, *names):
        self.names = names

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = _need_owner(output, "member %s" % (self.names,))
        name = self.names[node.outputs.index(output)]
        result = "%s.%s" % (_with_precedence(pstate, 1000, node.inputs[0]), name)
        pstate.memo[output] = result
        return result


class IgnorePrinter:
    """Print the node's first input only (for copies and other invisible ops)."""

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = _need_owner(output, "IgnorePrinter")
        result = pstate.pprinter.process(node.inputs[0], pstate)
        pstate.memo[output] = result
        return result


class LeafPrinter:
    """A variable by its name (greek names as symbols) or its ``str``."""

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        result = greek.get(output.name, None) or str(output)
        pstate.memo[output] = result
        return result


leaf_printer = LeafPrinter()


class DefaultPrinter:
    """``str(op)(inputs...)`` for nodes, :class:`LeafPrinter` for leaves."""

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = output.owner
        if node is None:
            return leaf_printer.process(output, pstate)
        result = "%s(%s)" % (node.op, ", ".join(_with_precedence(pstate, -1000, i)
                                                for i in node.inputs))
        pstate.memo[output] = result
        return result


default_printer = DefaultPrinter()


class DimShufflePrinter:
    """Leading new axes are invisible, a full reversal is ``x.T``, else ``DimShuffle{..}(x)``."""

    def process(self, output, pstate):
        node = _need_owner(output, "DimShufflePrinter")
        order = list(node.op.new_order)
        x = node.inputs[0]
        while order and order[0] == "x":
            order.pop(0)
        # Theano prints the input with a fresh state here.
        text = pstate.pprinter.process(x)
        if order == list(range(x.type.ndim)):
            return text
        if order == list(range(x.type.ndim))[::-1]:
            return "%s.T" % text
        return "DimShuffle{%s}(%s)" % (", ".join(str(o) for o in order), text)


class SubtensorPrinter:
    """``x[i, a:b:c]`` for ops with an ``idx_list`` (Theano's Subtensor layout).

    An ``idx_list`` entry (or slice bound) that is a :class:`Type` stands for
    the next symbolic index input; ints, ``None`` and variables print as such.
    """

    def process(self, output, pstate):
        node = _need_owner(output, "SubtensorPrinter")
        inputs = list(node.inputs[1:])

        def text(entry):
            if isinstance(entry, Type):
                entry = inputs.pop(0)
            if isinstance(entry, Variable):
                return _with_precedence(pstate, -1000, entry)
            return str(entry)

        parts = []
        for entry in node.op.idx_list:
            if isinstance(entry, slice):
                start = "" if entry.start is None or (
                    not isinstance(entry.start, (Type, Variable)) and entry.start == 0) \
                    else text(entry.start)
                stop = "" if entry.stop is None or (
                    not isinstance(entry.stop, (Type, Variable)) and entry.stop == sys.maxsize) \
                    else text(entry.stop)
                step = "" if entry.step is None else ":" + text(entry.step)
                parts.append("%s:%s%s" % (start, stop, step))
            else:
                parts.append(text(entry))
        return "%s[%s]" % (_with_precedence(pstate, 1000, node.inputs[0]), ", ".join(parts))


class PPrinter:
    """A registry of printers, chosen per variable.

    ``assign(condition, printer)``: ``condition`` is an Op instance (matches
    equal ops), an Op class (matches its instances, subclasses included) or a
    predicate ``condition(pstate, var) -> bool``; later predicates win.
    """

    def __init__(self):
        self.printers = []
        self.printers_dict = {}
        self._load_defaults = False
        self._priority = []  # predicates consulted before the op table

    def assign(self, condition, printer):
        if isinstance(condition, (Op, type)):
            self.printers_dict[condition] = printer
        elif callable(condition):
            self.printers.insert(0, (condition, printer))
        else:
            raise TypeError("PPrinter.assign: the condition must be an Op, an Op class or a "
                            "predicate f(pstate, var), got %r" % (condition,))

    def _printer_for(self, r, pstate):
        if self._load_defaults:
            _install_default_printers(self)
        for condition, printer in self._priority:
            if condition(pstate, r):
                return printer
        owner = getattr(r, "owner", None)
        if owner is not None:
            op = owner.op
            try:
                found = self.printers_dict.get(op)
            except TypeError:  # an op with unhashable props
                found = None
            if found is not None:
                return found
            for cls in type(op).__mro__:
                if cls in self.printers_dict:
                    return self.printers_dict[cls]
        for condition, printer in self.printers:
            if condition(pstate, r):
                return printer
        return default_printer

    def process(self, r, pstate=None):
        """The text of variable ``r``."""
        if not isinstance(r, Variable):
            raise TypeError("pp expects a symbolic Variable, got %r (of type %s)"
                            % (r, type(r).__name__))
        if pstate is None or isinstance(pstate, dict):
            pstate = PrinterState(pstate, pprinter=self)
            try:
                return self._printer_for(r, pstate).process(r, pstate)
            except RecursionError:
                # Printers recurse once per graph level: allow deep graphs
                # (unrolled loops) by retrying with a higher limit.
                old = sys.getrecursionlimit()
                sys.setrecursionlimit(max(old, 100000))
                try:
                    pstate = PrinterState(pstate, pprinter=self)
                    return self._printer_for(r, pstate).process(r, pstate)
                finally:
                    sys.setrecursionlimit(old)
        return self._printer_for(r, pstate).process(r, pstate)

    def clone(self):
        if self._load_defaults:
            _install_default_printers(self)
        cp = PPrinter()
        cp.printers = list(self.printers)
        cp.printers_dict = dict(self.printers_dict)
        cp._priority = list(self._priority)
        return cp

    def clone_assign(self, condition, printer):
        cp = self.clone()
        cp.assign(condition, printer)
        return cp

    def process_graph(self, inputs, outputs, updates=None, display_inputs=False):
        """A small program: one ``name = expr`` line per named variable and output."""
        updates = dict(updates or {})
        inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        current = [None]
        strings = []
        if display_inputs:
            strings.append((0, "inputs: " + ", ".join(map(str, inputs + list(updates)))))
        # Named intermediate results print as their name, whatever their op.
        printer = self.clone()
        printer._priority.insert(
            0, (lambda pstate, r: r.name is not None and r is not current[0], leaf_printer))
        inv_updates = {new: old for old, new in updates.items()}
        from theano.graph.basic import io_toposort

        i = 1
        for node in io_toposort(inputs + list(updates), outputs + list(updates.values())):
            for out in node.outputs:
                if out in inv_updates:
                    strings.append((i + 1000, "%s <- %s" % (inv_updates[out],
                                                            printer.process(out))))
                    i += 1
                if out.name is not None or out in outputs:
                    name = out.name if out.name is not None else "out[%i]" % outputs.index(out)
                    current[0] = out
                    idx = 2000 + outputs.index(out) if out in outputs else i
                    if len(outputs) == 1 and outputs[0] is out:
                        strings.append((idx, "return %s" % printer.process(out)))
                    else:
                        strings.append((idx, "%s = %s" % (name, printer.process(out))))
                    i += 1
        strings.sort(key=lambda s: s[0])
        return "\n".join(s[1] for s in strings)

    def __call__(self, *args):
        if len(args) == 1:
            return self.process(*args)
        if len(args) == 2 and isinstance(args[1], (PrinterState, dict)):
            return self.process(*args)
        if len(args) > 2 or (len(args) == 2 and isinstance(args[1], (list, tuple))):
            return self.process_graph(*args)
        raise TypeError("pp takes a variable (and optionally a PrinterState), or "
                        "(inputs, outputs[, updates[, display_inputs]])")


pprint = PPrinter()
pprint._load_defaults = True
pp = pprint


def _install_default_printers(pprinter):
    """Register the printers of the tensor and scalar ops (once, on first use).

    Done lazily so that importing this module never imports the tensor
    package (which may itself register printers here).  Registrations made
    before this runs take precedence over these defaults.
    """
    pprinter._load_defaults = False
    import theano.scalar.basic as ts
    from theano.tensor import math as tm
    from theano.tensor.elemwise import DimShuffle, Elemwise, Sum

    table = {}

    def put(key, printer):
        if key not in pprinter.printers_dict:
            table[key] = printer

    operators = [(ts.add, "+", -2, "either"), (ts.mul, "*", -1, "either"),
                 (ts.sub, "-", -2, "left"), (ts.neg, "-", 0, "either"),
                 (ts.true_div, "/", -1, "left"), (ts.int_div, "//", -1, "left"),
                 (ts.pow, "**", 1, "right")]
    for sop, sym, prec, assoc in operators:
        put(Elemwise(sop), OperatorPrinter(sym, prec, assoc))
        put(type(sop), OperatorPrinter(sym, prec, assoc))  # scalar graphs
    put(type(ts.mod), OperatorPrinter("%", -1, "left"))
    put(Elemwise(ts.abs_), PatternPrinter(("|%(0)s|", -1000)))
    put(Elemwise(ts.second), FunctionPrinter("fill"))
    put(Elemwise(ts.identity), IgnorePrinter())
    put(DimShuffle, DimShufflePrinter())
    dot = getattr(tm, "Dot", None)
    if dot is not None:
        put(dot, OperatorPrinter(special["middle_dot"], -1, "left"))
    try:
        from theano.tensor.shape import Shape
        put(Shape, MemberPrinter("shape"))
    except ImportError:
        pass
    pprinter.printers_dict.update(table)

    # Every other elementwise function prints under its tensor-level name.
    names = {}
    for name, fn in tm.elemwise_functions.items():
        names.setdefault(type(fn.op.scalar_op), name.lstrip("_"))
    names[type(ts.switch)] = "switch"
    names[type(ts.clip)] = "clip"
    elemwise_names = _ElemwiseNamePrinter(names)
    sum_printer = FunctionPrinter("sum")

    def is_full_sum(pstate, r):
        op = getattr(r.owner, "op", None)
        return (type(op) is Sum and op.dtype is None and op.acc_dtype is None
                and r.owner.inputs and len(op.axis) == r.owner.inputs[0].type.ndim)

    def is_subtensor(pstate, r):
        op = getattr(r.owner, "op", None)
        return type(op).__name__ == "Subtensor" and hasattr(op, "idx_list")

    pprinter.printers.append((elemwise_names.matches, elemwise_names))
    pprinter.printers.append((is_full_sum, sum_printer))
    pprinter.printers.append((is_subtensor, SubtensorPrinter()))


class _ElemwiseNamePrinter(FunctionPrinter):
    """``exp(x)``, ``maximum(x, y)``, ``convert_to_float32(x)``: non-inplace Elemwise."""

    def __init__(self, names):
        super().__init__()
        self.by_class = names

    def name_of(self, op):
        from theano.scalar.basic import Cast

        sop = op.scalar_op
        if isinstance(sop, Cast):
            return sop.name
        return self.by_class.get(type(sop))

    def matches(self, pstate, r):
        op = getattr(r.owner, "op", None)
        return (hasattr(op, "scalar_op") and type(op).__name__ == "Elemwise"
                and not op.inplace_pattern and self.name_of(op) is not None)

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = output.owner
        result = "%s(%s)" % (self.name_of(node.op), ", ".join(
            _with_precedence(pstate, -1000, i) for i in node.inputs))
        pstate.memo[output] = result
        return result


# ---------------------------------------------------------------------------
# debugprint
# ---------------------------------------------------------------------------

def char_from_number(number):
    """0 -> 'A', 25 -> 'Z', 26 -> 'BA': base 26 with capital letters as digits."""
    if number == 0:
        return "A"
    digits = ""
    while number:
        number, rem = divmod(number, 26)
        digits = chr(ord("A") + rem) + digits
    return digits


def _inner_graph(op):
    """``(inner_inputs, inner_outputs, inner->outer index map or None)`` or None.

    Recognised forms: a compiled inner function (``op.fn.maker.fgraph``, as
    Scan after compilation), ``op.inner_inputs``/``op.inner_outputs``
    (attributes or methods), ``op.fgraph``, or Theano's Scan layout of
    ``op.inputs``/``op.outputs`` lists of variables.
    """
    ins = outs = None
    fn = getattr(op, "fn", None)
    fg = getattr(getattr(fn, "maker", None), "fgraph", None)
    if isinstance(fg, FunctionGraph):
        ins, outs = fg.inputs, fg.outputs
    elif hasattr(op, "inner_outputs") and hasattr(op, "inner_inputs"):
        ins, outs = op.inner_inputs, op.inner_outputs
        ins = ins() if callable(ins) else ins
        outs = outs() if callable(outs) else outs
    elif isinstance(getattr(op, "fgraph", None), FunctionGraph):
        ins, outs = op.fgraph.inputs, op.fgraph.outputs
    else:
        ins, outs = getattr(op, "inputs", None), getattr(op, "outputs", None)
    if not (isinstance(ins, (list, tuple)) and isinstance(outs, (list, tuple)) and outs
            and all(isinstance(v, Variable) for v in list(ins) + list(outs))):
        return None
    mapping = getattr(op, "var_mappings", {}).get("outer_inp_from_inner_inp") \
        if isinstance(getattr(op, "var_mappings", None), dict) else None
    return list(ins), list(outs), mapping


def _storage_map(fn):
    """``{variable: storage cell}`` of the last run of compiled function ``fn``."""
    smap = getattr(getattr(fn, "fn", None), "storage_map", None)
    if smap is not None:
        return smap
    frames = getattr(fn, "_frames", None)
    program = getattr(getattr(fn, "maker", None), "program", None)
    if not frames or program is None:
        return {}
    cells = frames[-1].cells
    return {v: cells[i] for v, i in program.index.items()}


class _DebugPrinter:
    """The state of one :func:`debugprint` call (ids are shared by all its lines)."""

    def __init__(self, file, ids, print_type, stop_on_name, done, used_ids, print_clients):
        self.file = file
        self.ids = ids
        self.print_type = print_type
        self.stop_on_name = stop_on_name
        self.done = done
        self.used_ids = used_ids
        self.print_clients = print_clients
        self.inner = []  # variables whose node has an inner graph

    def id_of(self, obj, printed=True):
        if obj in self.used_ids:
            text = self.used_ids[obj]
        elif isinstance(obj, str):  # the 'output' pseudo-client
            text = obj
        elif self.ids == "id":
            text = "[id %d]" % id(obj)
        elif self.ids == "int":
            text = "[id %d]" % len(self.used_ids)
        elif self.ids == "CHAR":
            text = "[id %s]" % char_from_number(len(self.used_ids))
        else:
            text = ""
        if printed:
            self.done[obj] = text
        self.used_ids[obj] = text
        return text

    def note_inner(self, var):
        if _inner_graph(var.owner.op) is not None and all(
                v.owner is not var.owner for v in self.inner):
            self.inner.append(var)

    def run(self, var, depth, prefix="", prefix_child=None, order=None, profile=None,
            smap=None, clients=None, inner_to_outer=None):
        """Print ``var`` and (depth-first) the graph above it."""
        stack = [(var, prefix, prefix if prefix_child is None else prefix_child, depth)]
        while stack:
            r, pre, pre_child, d = stack.pop()
            if d == 0:
                continue
            kids = self.line(r, pre, order, profile, smap, clients, inner_to_outer)
            if not kids:
                continue
            todo = []
            for k, inp in enumerate(r.owner.inputs):
                last = k == len(r.owner.inputs) - 1
                todo.append((inp, pre_child + " |", pre_child + ("  " if last else " |"),
                             d - 1))
            stack.extend(reversed(todo))

    def line(self, r, prefix, order, profile, smap, clients, inner_to_outer):
        """Print the line of ``r``; True if its inputs should be printed below it."""
        type_str = " <%s>" % (r.type,) if self.print_type else ""
        node = r.owner
        if node is None:
            if inner_to_outer is not None and r in inner_to_outer:
                own_id = self.id_of(r)
                outer = inner_to_outer[r]
                outer_id = self.id_of(outer.owner if outer.owner is not None else outer)
                print("%s%s %s%s -> %s" % (prefix, r, own_id, type_str, outer_id),
                      file=self.file)
            else:
                data = " " + str(smap.get(r, "")) if smap else ""
                print("%s%s %s%s%s" % (prefix, r, self.id_of(r), type_str, data), file=self.file)
            return False
        already = node in self.done
        id_str = self.id_of(node)
        self.note_inner(r)
        idx = "" if len(node.outputs) == 1 else ".%i" % node.outputs.index(r)
        position = str(order[node]) if order and node in order else ""
        data = " " + str(smap.get(node.outputs[0], "")) if smap else ""
        client_str = ""
        users = clients.get(r, []) if clients else []
        if self.print_clients and len(users) > 1:
            client_str = " clients:" + str([
                (self.id_of(c, False), order.get(c, "") if order else "") for c, _ in users])
        line = "%s%s%s %s%s '%s' %s %s %s%s%s" % (
            prefix, node.op, idx, id_str, type_str, r.name or "", "", "", position, data,
            client_str)
        times = getattr(profile, "apply_time", None)
        if times and node in times and getattr(profile, "fct_call_time", 0):
            total = profile.fct_call_time
            own = times[node]
            cumul = own
            if hasattr(profile, "compute_total_times"):
                cumul = profile.compute_total_times().get(node, own)
            line += " --> %8.2es %4.1f%% %8.2es %4.1f%%" % (
                own, own / total * 100, cumul, cumul / total * 100)
        print(line, file=self.file)
        if already:
            return False
        return not (self.stop_on_name and r.name is not None)

    def print_inner_graphs(self, depth):
        if not self.inner:
            return
        scan_only = all("Scan" in type(v.owner.op).__name__ for v in self.inner)
        print("", file=self.file)
        print("Inner graphs of the scan ops:" if scan_only else "Inner graphs:", file=self.file)
        for var in self.inner:  # grows while printing nested inner graphs
            node = var.owner
            inner_ins, inner_outs, mapping = _inner_graph(node.op)
            if mapping is not None:
                inner_to_outer = {inner_ins[i]: node.inputs[o] for i, o in mapping.items()}
            elif len(inner_ins) == len(node.inputs):
                inner_to_outer = dict(zip(inner_ins, node.inputs))
            else:
                inner_to_outer = {}
            print("", file=self.file)
            self.run(var, depth, inner_to_outer=inner_to_outer)
            for out in inner_outs:
                self.run(out, depth, prefix=" >", prefix_child=" >",
                         inner_to_outer=inner_to_outer)


def debugprint(obj, depth=-1, print_type=False, file=None, ids="CHAR", stop_on_name=False,
               done=None, print_storage=False, print_clients=False, used_ids=None):
    """Print a graph as text, one line per variable, inputs indented below.

    Parameters
    ----------
    obj : Variable, Apply, FunctionGraph, compiled Function, In/Out, or a list of them
        What to print.  For a function (or FunctionGraph) each node line ends
        with its position in the execution order.
    depth : int
        Stop this many levels below each output (-1: no limit).
    print_type : bool
        Append each variable's type, ``<TensorType(float64, matrix)>``.
    file : None, 'str' or file-like
        Where to print: stdout (None), a returned string ('str') or ``file``.
    ids : {'CHAR', 'int', 'id', ''}
        How nodes are labelled: ``[id A]``, ``[id 0]``, the Python id, or not at all.
        A node reached again is printed once more with the same label and no inputs.
    stop_on_name : bool
        Do not print the inputs of named variables.
    done, used_ids : dict, optional
        Labels already given; pass the same dicts to several calls to share labels.
    print_storage : bool
        For a function, append the value stored for each variable by the last call.
    print_clients : bool
        For a function or FunctionGraph, list the users of variables used more than once.

    Returns
    -------
    str if ``file == 'str'``, else the file.

    Notes
    -----
    A line is ``Op[.k] [id X] <type> 'name' position``: ``.k`` is the output
    index of a multi-output node.  Inner graphs (Scan and similar ops) are
    printed after the main graph, their lines prefixed by ``>``.
    """
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)):
        raise TypeError("debugprint: depth must be an int (-1 for no limit), got %r" % (depth,))
    if ids not in ("CHAR", "int", "id", ""):
        raise ValueError("debugprint: ids must be 'CHAR', 'int', 'id' or '', got %r" % (ids,))
    if file == "str":
        out = io.StringIO()
    elif file is None:
        out = sys.stdout
    else:
        out = file
    printer = _DebugPrinter(out, ids, print_type, stop_on_name,
                            {} if done is None else done,
                            {} if used_ids is None else used_ids, print_clients)
    jobs = []  # (variable, order, profile, storage map, clients)
    items = list(obj) if isinstance(obj, (list, tuple, set)) else [obj]
    for item in items:
        if isinstance(item, Variable):
            jobs.append((item, None, None, None, None))
        elif isinstance(item, Apply):
            jobs.extend((o, None, None, None, None) for o in item.outputs)
        elif isinstance(item, FunctionGraph) or (
                hasattr(item, "maker") and isinstance(getattr(item.maker, "fgraph", None),
                                                      FunctionGraph)):
            is_fn = not isinstance(item, FunctionGraph)
            fg = item.maker.fgraph if is_fn else item
            order = {n: i for i, n in enumerate(fg.toposort())}
            profile = getattr(item, "profile", None)
            if print_storage:
                smap = _storage_map(item) if is_fn else getattr(item, "storage_map", None)
            else:
                smap = None
            jobs.extend((o, order, profile, smap, fg.clients) for o in fg.outputs)
        elif isinstance(item, (int, float, np.integer, np.floating, np.ndarray)):
            print(item, file=out)
        elif isinstance(getattr(item, "variable", None), Variable):  # In / Out
            jobs.append((item.variable, None, None, None, None))
        else:
            raise TypeError(
                "debugprint cannot print an object of type %s (%r): expected a Variable, an "
                "Apply node, a FunctionGraph, a compiled function, or a list of those"
                % (type(item).__name__, item))

    if any(getattr(p, "fct_callcount", 0) > 0 and getattr(p, "apply_time", None)
           for _, _, p, _, _ in jobs):
        print(_TIMING_HEADER, file=out)
    for var, order, profile, smap, clients in jobs:
        printer.run(var, depth, order=order, profile=profile, smap=smap, clients=clients)
    printer.print_inner_graphs(depth)

    if file == "str":
        return out.getvalue()
    if hasattr(out, "flush"):
        out.flush()
    return out


_TIMING_HEADER = """
Timing Info
-----------
--> <time> <% time> - <total time> <% total time>

<time>         time spent in this node
<% time>       that time as a fraction of the function's total run time
<total time>   time of this node plus the times of all the nodes it depends on
<% total time> that total as a fraction of the function's total run time

Times include the per-node call overhead.  An ancestor shared by several inputs
is counted once per input, so <total time> is an upper bound: use it to rule out
cheap subgraphs rather than to add times up.
"""


def __getattr__(name):
    # Theano exposed these flags; computing them imports pydot, so only on demand.
    if name in ("pydot_imported", "pydot_imported_msg"):
        try:
            _import_pydot()
            ok, msg = True, ""
        except PydotNotAvailable as exc:
            ok, msg = False, str(exc)
        return ok if name == "pydot_imported" else msg
    raise AttributeError("module 'theano.printing' has no attribute %r" % name)
