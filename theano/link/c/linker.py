"""The C linker: the whole function runs in the C VM, one step per node.

Nodes whose Op has a registered C kernel (:mod:`theano.link.c.registry`) run it in C;
the others run their NumPy ``perform`` through the thunk protocol, called from C.  The
C text the kernels of a function need (fused elementwise loops, user C ops) goes into
ONE translation unit, compiled once (or loaded from the on-disk cache); the builtin
kernels (products, reductions, softmax...) live in the runtime module.
"""
import functools
import re

import numpy as np

from theano.link.c import (blas_c, cop, elemwise_c, index_c, nnet_c,  # noqa: F401  (kernels)
                           random_c, reduce_c, shape_c)
from theano.link.c.cache import MODULE_NAME_PLACEHOLDER, get_module
from theano.link.c.compiler import (BuildOptions, CompileError, compiler_info,
                                    vector_math_functions)
from theano.link.c.registry import c_kernel_generator
from theano.link.c.runtime import kernel_module_source, load_runtime
from theano.link.py.vm import Program
from theano.link.utils import raise_with_op

__all__ = ["CProgram", "ModuleSource"]


class ModuleSource:
    """The C text of one kernel module being assembled.

    A function has one kernel module (C, default flags) and, when generators ask for them,
    *companion* modules built differently (:meth:`companion`; user C ops go to a C++
    companion with the ops' own flags, see :mod:`theano.link.c.cop`).

    Attributes
    ----------
    helpers : dict
        Helper functions shared by kernels (name -> C definition).
    errors : list
        Run-time error messages; elementwise blocks return their 1-based index.
    """

    def __init__(self, info, language="c", numpy=False, flags=()):
        self.info = info
        self.language = language
        self.numpy = numpy
        self.helpers = {}
        self.errors = []
        self.parts = []
        self.exports = []
        self.state_makers = []
        self.headers = []
        self.support = []
        self.init_code = []
        self.build = {"flags": list(flags), "no_flags": [], "include_dirs": [],
                      "lib_dirs": [], "libraries": []}
        self.companions = {}
        self.marks = {}   # marker comment -> what the code after it belongs to
        self._n = 0

    def new_name(self):
        """A fresh C identifier for a kernel's symbols."""
        self._n += 1
        return "k%d" % self._n

    def add(self, text):
        self.parts.append(text)

    def export(self, symbol):
        """Index of ``symbol`` in the module's address table."""
        if symbol not in self.exports:
            self.exports.append(symbol)
        return self.exports.index(symbol)

    # -- what companions for user code need -----------------------------------------
    def companion(self, key, language="c", numpy=False, flags=()):
        """The companion module ``key`` of this function (made on first use)."""
        if key not in self.companions:
            self.companions[key] = ModuleSource(self.info, language, numpy, flags)
        return self.companions[key]

    def mark(self, description):
        """A C comment line marking code that belongs to ``description`` (an op); a
        compile error inside that code names it."""
        marker = "/* theano: code of %d */" % (len(self.marks) + 1)
        self.marks[marker] = description
        return marker

    def add_headers(self, lines):
        for h in lines:
            if h not in self.headers:
                self.headers.append(h)

    def add_support(self, text, marker=""):
        """Module-level code, once per distinct text."""
        if text and text not in [t for _, t in self.support]:
            self.support.append((marker, text))

    def add_init(self, snippets, once=True):
        """C statements for the module's init."""
        for c in snippets:
            if c and (not once or c not in self.init_code):
                self.init_code.append(c)

    def add_build(self, **lists):
        """Compiler flags (``flags``, ``no_flags``), ``include_dirs``, ``lib_dirs`` and
        ``libraries`` this module needs."""
        for k, items in lists.items():
            for x in items:
                if x not in self.build[k]:
                    self.build[k].append(x)

    def add_state_maker(self, symbol):
        """Index of the per-node state maker ``symbol`` (``module._state(index, args)``)."""
        self.state_makers.append(symbol)
        return len(self.state_makers) - 1

    def options(self):
        """The :class:`~theano.link.c.compiler.BuildOptions` of this module, or None for
        the default build."""
        if self.language == "c" and not any(self.build.values()):
            return None
        b = self.build
        return BuildOptions(self.language, tuple(b["flags"]), tuple(b["no_flags"]),
                            tuple(b["include_dirs"]), tuple(b["lib_dirs"]),
                            tuple(b["libraries"]))

    def source(self, runtime_name):
        errors = "static const char *const th_errors[] = {%s};\n" % ", ".join(
            ['"%s"' % e.replace('"', '\\"') for e in self.errors] or ["NULL"])
        if self.language == "c":
            vec = vector_math_functions(self.info[2])
            decls = "".join(
                '__attribute__((__simd__("notinbranch"))) extern double %s(double);\n'
                '__attribute__((__simd__("notinbranch"))) extern float %sf(float);\n'
                % (f, f) for f in vec)
            pre = ("/* glibc's libmvec vector variants (accuracy checked; no fast-math) */\n"
                   + decls)
        else:
            pre = "#include <exception>\n#include <new>\n"
        headers = "".join(h + "\n" for h in self.headers)
        support = "".join("%s\n%s\n" % (m, t) for m, t in self.support)
        body = "".join([
            "/* Generated by theano.link.c; module " + MODULE_NAME_PLACEHOLDER + " */\n",
            pre, "\n".join(self.helpers.values()), errors, support, "\n".join(self.parts),
            "\n/* theano: end of generated code */\n"])
        init = "".join("    {\n%s\n    }\n" % c for c in self.init_code)
        return kernel_module_source(body, self.exports, runtime_name, self.state_makers,
                                    init, self.numpy, headers)

    def compile(self, runtime_name):
        """The loaded module (from the cache, or compiled now).

        Raises
        ------
        CompileError
            Naming the ops whose C code the compiler rejected, with its message.
        """
        text = self.source(runtime_name)
        try:
            return get_module(text, self.info, options=self.options())
        except CompileError as exc:
            if not self.marks:
                raise
            raise CompileError(_explain(str(exc), text, self.marks)) from None


_ERROR_LINE = re.compile(r"\.c:(\d+):(?:\d+:)?\s*(?:fatal )?error", re.I)


def _explain(message, text, marks):
    """``message`` (the compiler's) preceded by the ops whose code holds its errors."""
    starts = []
    for lineno, line in enumerate(text.split("\n"), 1):
        line = line.strip()
        if line in marks:
            starts.append((lineno, marks[line]))
        elif line == "/* theano: end of generated code */":
            starts.append((lineno, None))
    culprits = []
    for m in _ERROR_LINE.finditer(message):
        line = int(m.group(1))
        owner = None
        for start, desc in starts:
            if start <= line:
                owner = desc
        if owner is not None and owner not in culprits:
            culprits.append(owner)
    if not culprits:
        culprits = list(marks.values())
        head = "The C code of these ops could not be compiled:"
    else:
        head = "The C code of this op could not be compiled:" if len(culprits) == 1 else \
            "The C code of these ops could not be compiled:"
    return "\n".join([head] + ["  " + c.replace("\n", "\n  ") for c in culprits]
                     + ["", message])


def _signature(node):
    return (node.op, tuple(i.type for i in node.inputs), tuple(o.type for o in node.outputs))


def plan_kernels(nodes):
    """``(runtime, {index: (kernel address, params)}, keep)`` for the ``nodes`` with C
    kernels; ``keep`` holds the modules the addresses point into and the nodes' states.

    ``(None, {}, ())`` when no compiler is usable (after one warning).  ``params`` is
    bytes, an address, or None.
    """
    info = compiler_info()
    rt = load_runtime() if info is not None else None
    if rt is None:
        return None, {}, ()
    src = ModuleSource(info)
    by_sig, chosen = {}, {}
    for k, node in enumerate(nodes):
        sig = _signature(node)
        if sig not in by_sig:
            gen = c_kernel_generator(node.op)
            by_sig[sig] = gen(node, src) if gen is not None else None
        if by_sig[sig] is not None:
            chosen[k] = by_sig[sig]
    sources = [src] + list(src.companions.values())
    symbols = {}
    for kern in chosen.values():
        ms = kern.module or src
        for sym in (kern.symbol, kern.data):
            if sym is not None:
                symbols[id(ms), sym] = ms.export(sym)
    modules, tables, keep = {}, {}, []
    for ms in sources:
        if ms.exports:
            module = ms.compile(rt.__name__)
            modules[id(ms)] = module
            tables[id(ms)] = module._table()
            keep.append(module)
    kernels = {}
    for k, kern in chosen.items():
        ms = kern.module or src
        if kern.builtin:
            fn = rt.kernels[kern.builtin]
        else:
            fn = tables[id(ms)][symbols[id(ms), kern.symbol]]
        if kern.state is not None:
            args = tuple(kern.state_args(nodes[k])) if kern.state_args else ()
            state, data = modules[id(ms)]._state(kern.state, args)
            keep.append(state)
        elif kern.data:
            data = tables[id(ms)][symbols[id(ms), kern.data]]
        else:
            data = kern.packed_params()
        kernels[k] = (fn, data)
    return rt, kernels, tuple(keep)


class CProgram(Program):
    """A :class:`~theano.link.py.vm.Program` that runs in the C VM.

    Attributes
    ----------
    c_nodes : list of int
        Toposort indices of the nodes that run C kernels (the others call their
        ``perform`` from the VM).
    """

    def __init__(self, fgraph, allow_gc=None, callback=None):
        super().__init__(fgraph, allow_gc=allow_gc, callback=callback)
        rt, kernels, keep = plan_kernels(self.nodes)
        self.runtime = rt
        self.kernel_keep = keep  # modules and node states the kernels' addresses point into
        self.c_nodes = sorted(kernels)
        self.kernels = kernels  # index -> (kernel address, params)
        for k, (fn, data) in kernels.items():
            # Python frames (DebugMode, NanGuardMode callbacks) call the kernel too.
            self.thunk_fns[k] = functools.partial(rt.run_kernel, fn, data)
        self.plan = None
        if rt is not None and callback is None:
            steps = []
            for k, node in enumerate(self.nodes):
                ins, outs = self.in_idx[k], self.out_idx[k]
                if k in kernels:
                    fn, data = kernels[k]
                    steps.append((fn, data, None, ins, outs))
                else:
                    steps.append((0, None, self.thunk_fns[k], ins, outs))
            self.plan = rt.Plan(self.n_cells, len(fgraph.inputs), steps, self.output_idx,
                                list(self.constants), [keep])

    def new_frame(self, input_cells):
        if self.plan is None:
            return super().new_frame(input_cells)
        return CFrame(self, input_cells)

    def loop_invariants(self, fed):
        """``(steps, cells)`` for a loop over this program (scan) that feeds the graph
        inputs whose cells are in ``fed`` anew each step and keeps the others: the plan
        steps that compute the same thing every step, to run once before the loop, and
        their result cells and the kept inputs that steps run in the loop read
        (``scan_loop`` makes a strided matrix there C-contiguous).

        A step qualifies when it has a C kernel, reads only kept inputs, constants and
        results of qualifying steps, overwrites none of its inputs, and no step of the
        loop overwrites its results or a view of them.
        """
        key = frozenset(fed)
        cache = self.__dict__.setdefault("_invariants", {})
        if key in cache:
            return cache[key]
        n_in = len(self.fgraph.inputs)
        fixed = {i for i in range(n_in) if i not in key} | {i for i, _ in self.constants}
        hoist = []
        for k, node in enumerate(self.nodes):
            if (k in self.kernels and not getattr(node.op, "destroy_map", None)
                    and all(i in fixed for i in self.in_idx[k])):
                hoist.append(k)
                fixed.update(self.out_idx[k])
        producer = {v: k for k in hoist for v in self.nodes[k].outputs}
        # What a step overwrites, followed back through views to whoever made it.
        spoiled = set()
        for node in self.nodes:
            for positions in (getattr(node.op, "destroy_map", None) or {}).values():
                for p in positions:
                    v = node.inputs[p]
                    while v is not None and v.owner is not None:
                        if v in producer:
                            spoiled.add(producer[v])
                        vmap = getattr(v.owner.op, "view_map", None) or {}
                        src = vmap.get(v.owner.outputs.index(v))
                        v = v.owner.inputs[src[0]] if src else None
        dropped = set(spoiled)
        for k in hoist:     # (in order: a step after the steps it reads)
            if any(producer.get(v) in dropped for v in self.nodes[k].inputs):
                dropped.add(k)
        steps = [k for k in hoist if k not in dropped]
        kept = {i for k in steps for i in self.out_idx[k]}
        kept.update(i for i in range(n_in) if i not in key)
        looped = {i for k, ins in enumerate(self.in_idx) if k not in steps for i in ins}
        cells = sorted(kept & looped)
        cache[key] = (steps, cells)
        return steps, cells

    def fast_caller(self, types, input_cells, ret_copy, single, upd_storage, upd_copy,
                    scalars=None):
        """A callable running whole calls in C (``c_code/th_call.c``), or None.

        ``caller(args)`` takes the tuple of values of the first ``len(types)`` graph inputs
        and returns the output (``single``) or the list of outputs, having stored the
        update values in the lists ``upd_storage``; it returns NotImplemented (nothing
        done) when an argument is not an ndarray that ``types[k]`` accepts unchanged (or,
        where ``scalars[k]``, a scalar it converts without loss).  The other graph inputs
        are read from ``input_cells[k]`` (one-element lists).
        """
        if self.plan is None:
            return None
        spec = []
        for t in types:
            dtype = getattr(t, "dtype", None)
            bcast = getattr(t, "broadcastable", None)
            if bcast is None or dtype is None or len(bcast) > 32:  # TH_MAXDIM
                return None
            spec.append((np.dtype(dtype).num, len(bcast), [d for d, b in enumerate(bcast) if b]))
        frame = self.runtime.Frame(self.plan, list(input_cells))
        scalars = [False] * len(spec) if scalars is None else list(scalars)
        return self.runtime.Caller(frame, [s[0] for s in spec], [s[1] for s in spec],
                                   [s[2] for s in spec], scalars, list(ret_copy),
                                   bool(single), list(upd_storage), list(upd_copy))

    def raise_error(self, frame, exc):
        """Re-raise ``exc``, raised by ``frame`` (a runtime Frame), naming the failing node;
        drops the values the frame kept."""
        k = frame.failed_step
        try:
            values = frame.step_inputs(k) if k >= 0 else []
        except Exception:
            values = []
        frame.release()
        if k < 0:
            raise exc
        raise_with_op(self.nodes[k], values, exc, self.fgraph, k)


class CFrame:
    """A frame of the C VM, with the interface of the NumPy VM's frames."""

    __slots__ = ("program", "_frame", "cells", "outputs", "clear", "_cell_index")

    def __init__(self, program, input_cells):
        f = program.runtime.Frame(program.plan, list(input_cells))
        self.program = program
        self._frame = f
        self.cells = f.cells
        self.outputs = f.outputs
        self.clear = f.clear
        self._cell_index = None

    def cell_index(self):
        """``{id(cell): position}`` over this frame's cells (made once: the cells are
        fixed for the frame's life), for C loops that name cells by position."""
        if self._cell_index is None:
            self._cell_index = {id(c): k for k, c in enumerate(self.cells)}
        return self._cell_index

    def run(self, timings=None):
        try:
            self._frame.run(timings)
        except Exception as exc:
            self.program.raise_error(self._frame, exc)
