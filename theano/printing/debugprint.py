"""``debugprint``: one line per node, with ids, types and inner graphs (scan, ifelse)."""
import io
import sys

import numpy as np

from theano.graph.basic import Apply, Variable
from theano.graph.fg import FunctionGraph

__all__ = ["debugprint", "char_from_number"]



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
    frames = list(getattr(fn, "_frames", None) or ())
    caller = getattr(fn, "_caller", None)   # whole calls in C keep their own frame
    if caller is not None and getattr(caller, "frame", None) is not None:
        frames.append(caller.frame)
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
