"""``pp``: a graph as math-like text, through a table of printers.

>>> import theano, theano.tensor as T
>>> x = T.dscalar('x')
>>> theano.pp(x ** 2)
'(x ** TensorConstant{2})'

A printer is chosen for each node by its op (an equal op, then the op's
class along the MRO), then by predicates; :meth:`PPrinter.assign` adds one.
"""
import sys

import theano.scalar.basic as ts
from theano.graph.basic import Variable, io_toposort
from theano.graph.op import Op
from theano.graph.type import Type
from theano.scalar.basic import Cast
from theano.tensor import math as tm
from theano.tensor.elemwise import DimShuffle, Elemwise, Sum
from theano.tensor.shape import Shape
from theano.tensor.subtensor import Subtensor

__all__ = ["pp", "pprint", "PPrinter", "PrinterState", "OperatorPrinter", "PatternPrinter",
           "FunctionPrinter", "MemberPrinter", "IgnorePrinter", "LeafPrinter", "DefaultPrinter",
           "DimShufflePrinter", "SubtensorPrinter", "leaf_printer", "default_printer"]

VALID_ASSOC = ("left", "right", "either")

# Names printed as LaTeX-like symbols, as Theano did.
special = {"middle_dot": "\\dot", "big_sigma": "\\Sigma"}
greek = {n: "\\" + n for n in ("alpha", "beta", "gamma", "delta", "epsilon")}


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




class _ElemwiseNamePrinter(FunctionPrinter):
    """``exp(x)``, ``maximum(x, y)``, ``convert_to_float32(x)``: non-inplace Elemwise."""

    def __init__(self, names):
        super().__init__()
        self.by_class = names

    def name_of(self, op):
        sop = op.scalar_op
        if isinstance(sop, Cast):
            return sop.name
        return self.by_class.get(type(sop))

    def matches(self, pstate, r):
        op = getattr(r.owner, "op", None)
        return (type(op) is Elemwise
                and not op.inplace_pattern and self.name_of(op) is not None)

    def process(self, output, pstate):
        if output in pstate.memo:
            return pstate.memo[output]
        node = output.owner
        result = "%s(%s)" % (self.name_of(node.op), ", ".join(
            _with_precedence(pstate, -1000, i) for i in node.inputs))
        pstate.memo[output] = result
        return result


def _install_default_printers(pprinter):
    """Register the printers of the tensor and scalar ops."""
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
    put(tm.Dot, OperatorPrinter(special["middle_dot"], -1, "left"))
    put(Shape, MemberPrinter("shape"))
    pprinter.printers_dict.update(table)

    # Every other elementwise function prints under its tensor-level name.
    names = {}
    for name, op in tm.elemwise_functions.items():
        names.setdefault(type(op.scalar_op), name.lstrip("_"))
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
        return isinstance(op, Subtensor)

    pprinter.printers.append((elemwise_names.matches, elemwise_names))
    pprinter.printers.append((is_full_sum, sum_printer))
    pprinter.printers.append((is_subtensor, SubtensorPrinter()))


pprint = PPrinter()
_install_default_printers(pprint)
pp = pprint
