"""Ops: the operations that Apply nodes apply."""
import hashlib
import inspect
import os
import re

import numpy as np

from theano.configparser import config
from theano.graph.basic import Apply, format_source_line
from theano.graph.rules import connection_rules, grad_rules, rop_rules
from theano.graph.type import PropsEq
from theano.graph.utils import MethodNotDefined

__all__ = ["Op", "COp", "TestValueError", "get_test_value", "NoParams", "node_params"]


class _NoParams:
    """The parameters of a node whose op has none (see :func:`node_params`)."""

    __slots__ = ()

    def __repr__(self):
        return "NoParams"

    def __reduce__(self):
        return "NoParams"


NoParams = _NoParams()


def node_params(node):
    """The parameters ``node.op.get_params(node)`` of an op declaring ``params_type``
    (Theano 1.0's *op params*), filtered by that type; :data:`NoParams` otherwise.

    ``perform`` then receives them as a fourth argument, and C code as ``sub['params']``.
    """
    get = getattr(node.op, "get_params", None)
    if get is None:
        return NoParams
    try:
        params = get(node)
    except MethodNotDefined:
        return NoParams
    if params is None:  # Theano 1.0: None means "no parameters"
        return NoParams
    ptype = getattr(node.op, "params_type", None)
    if ptype is not None and hasattr(ptype, "filter"):
        params = ptype.filter(params)
    return params


class TestValueError(ValueError):
    """Raised (at graph-building time) when computing a node's test value fails."""


def get_test_value(var):
    """The test value of ``var``, or raise AttributeError."""
    return var.get_test_value()


def positional_count(fn):
    """How many positional parameters ``fn`` takes; -1 if it takes ``*args``."""
    params = inspect.signature(fn).parameters.values()
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return -1
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


def _with_fgraph(infer_shape):
    """Theano 1.0's ``infer_shape(self, node, input_shapes)`` as this library calls it,
    ``infer_shape(self, fgraph, node, input_shapes)`` (the graph is not passed on)."""

    def adapted(self, fgraph, node, input_shapes):
        return infer_shape(self, node, input_shapes)

    adapted.__name__ = adapted.__qualname__ = infer_shape.__name__
    adapted.__doc__ = infer_shape.__doc__
    adapted.__wrapped__ = infer_shape
    return adapted


class Op(PropsEq):
    """An operation.

    An Op is identified by its class and ``__props__``: two equal ops are
    interchangeable, which is what merging and caching rely on.

    Subclasses implement:

    * ``make_node(*inputs) -> Apply`` — type checking and output types;
    * ``perform(node, inputs, output_storage)`` — the NumPy reference,
      writing ``output_storage[i][0]``;
    * optionally ``L_op``/``grad``, ``R_op``, ``infer_shape``,
      ``destroy_map``/``view_map`` (``{output_idx: [input_idx]}``).
    """

    destroy_map = {}
    view_map = {}
    default_output = None

    # Theano 1.0: an op class that declares no ``__props__`` (nor its own ``__eq__``)
    # compares by identity, so two instances built with different arguments (a user's
    # ``BinaryDoubleOp('add', ...)`` and ``BinaryDoubleOp('mul', ...)``) are never merged.
    _eq_by_identity = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._eq_by_identity = not any("__props__" in k.__dict__ for k in cls.__mro__
                                      if k is not PropsEq)
        own = cls.__dict__.get("infer_shape")
        if inspect.isfunction(own) and positional_count(own) == 3:
            cls.infer_shape = _with_fgraph(own)

    def __eq__(self, other):
        if self._eq_by_identity:
            return self is other
        return PropsEq.__eq__(self, other)

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        if self._eq_by_identity:
            return object.__hash__(self)
        return PropsEq.__hash__(self)

    itypes = None
    otypes = None

    def make_node(self, *inputs):
        """Build the Apply node; the default uses ``itypes``/``otypes`` (Theano 1.0)."""
        if self.itypes is None or self.otypes is None:
            raise NotImplementedError(
                "%s must implement make_node, or set the itypes and otypes attributes"
                % type(self).__name__)
        if len(inputs) != len(self.itypes):
            raise TypeError("%s takes %d inputs (itypes %s), got %d"
                            % (self, len(self.itypes), list(self.itypes), len(inputs)))
        checked = []
        for k, (t, x) in enumerate(zip(self.itypes, inputs)):
            try:
                v = t.filter_variable(x)
            except TypeError as exc:
                raise TypeError("input %d of %s must have type %s (itypes): %s"
                                % (k, self, t, exc)) from None
            if v.type != t:
                raise TypeError("input %d of %s must have type %s, got %s of type %s"
                                % (k, self, t, x, getattr(x, "type", type(x))))
            checked.append(v)
        return Apply(self, checked, [t() for t in self.otypes])

    def __call__(self, *inputs, **kwargs):
        return_list = kwargs.pop("return_list", False)
        node = self.make_node(*inputs, **kwargs)
        if config.compute_test_value != "off":
            self._compute_test_value(node)
        if return_list:
            return list(node.outputs)
        if self.default_output is not None:
            return node.outputs[self.default_output]
        if len(node.outputs) == 1:
            return node.outputs[0]
        return list(node.outputs)

    def _compute_test_value(self, node):
        """Run ``perform`` on the inputs' test values (config.compute_test_value)."""
        mode = config.compute_test_value
        values = []
        for i, var in enumerate(node.inputs):
            try:
                values.append(var.get_test_value())
            except AttributeError:
                if mode == "ignore":
                    return
                msg = ("Cannot compute test value: input %d (%s) of Op %s is missing a "
                       "test value (set var.tag.test_value)." % (i, var, self))
                if mode == "warn":
                    import warnings
                    warnings.warn(msg, stacklevel=3)
                    return
                raise TestValueError(msg) from None
        storage = [[None] for _ in node.outputs]
        params = node_params(node)
        extra = () if params is NoParams else (params,)
        try:
            self.perform(node, [np.asarray(v) if isinstance(v, (list, tuple)) else v
                                for v in values], storage, *extra)
        except Exception as exc:
            shapes = [getattr(v, "shape", "no shape") for v in values]
            if mode == "pdb":
                import pdb
                pdb.post_mortem(exc.__traceback__)
            raise TestValueError(
                "Error computing the test value of %s\n  input shapes: %s\n  %s: %s\n"
                "Node built at:\n  %s"
                % (node, shapes, type(exc).__name__, exc, format_source_line(node.tag.trace))
            ) from exc
        for out, cell in zip(node.outputs, storage):
            out.tag.test_value = cell[0]

    def perform(self, node, inputs, output_storage, *params):
        raise NotImplementedError("%s has no perform implementation (an op with only C code "
                                  "runs in the C linker)" % type(self).__name__)

    def make_thunk_fn(self, node):
        """A callable ``f(inputs, output_storage)`` for the reference VM.

        Ops may override this to precompute per-node constants once.
        """
        perform = self.perform
        params = node_params(node)
        if params is not NoParams:
            def fn_params(inputs, output_storage):
                perform(node, inputs, output_storage, params)

            return fn_params

        def fn(inputs, output_storage):
            perform(node, inputs, output_storage)

        return fn

    # -- differentiation -------------------------------------------------
    # Library ops attach their rules from outside (theano.graph.rules); an Op
    # written by a user overrides these methods, as in Theano 1.0.
    def L_op(self, inputs, outputs, output_grads):
        """Vector-Jacobian product: the registered rule, else :meth:`grad`."""
        rule = grad_rules.lookup(type(self))
        if rule is not None:
            return rule(self, inputs, outputs, output_grads)
        return self.grad(inputs, output_grads)

    def grad(self, inputs, output_grads):
        rule = grad_rules.lookup(type(self))
        if rule is not None:
            return rule(self, inputs, self.make_node(*inputs).outputs, output_grads)
        raise NotImplementedError("%s does not implement a gradient" % self)

    def R_op(self, inputs, eval_points):
        rule = rop_rules.lookup(type(self))
        if rule is not None:
            return rule(self, inputs, eval_points)
        raise NotImplementedError("%s does not implement R_op" % self)

    def connection_pattern(self, node):
        rule = connection_rules.lookup(type(self))
        if rule is not None:
            return rule(self, node)
        return [[True] * len(node.outputs) for _ in node.inputs]

    def do_constant_folding(self, node):
        return True

    def __str__(self):
        # Theano 1.0's default: ``MakeVector{dtype='int64'}``.
        if not self.__props__:
            return type(self).__name__
        return "%s{%s}" % (type(self).__name__, ", ".join(
            "%s=%r" % (p, getattr(self, p)) for p in self.__props__))

    def __repr__(self):
        return str(self)



# -- Theano 1.0's COp: an op whose C code lives in external files ----------------------
def _define(name, value):
    return "#define %s %s" % (name, value)


def _undef(name):
    return "#undef %s" % name.split("(")[0]


class COp(Op):
    """An op whose C implementation is kept in C files (Theano 1.0's ``theano.gof.COp``).

    ``COp(func_files, func_name=None)``: ``func_files`` (a path or a list of paths,
    relative to the file that defines the op's class) hold the C code, cut into sections
    by lines ``#section <tag>``; each section gives the op's method ``c_<tag>``:

    ``support_code``, ``support_code_apply``, ``support_code_struct``, ``init_code``,
    ``init_code_apply``, ``init_code_struct``, ``cleanup_code_struct``, ``code``,
    ``code_cleanup``.  Repeated tags are concatenated in order.

    With ``func_name`` (typically ``"APPLY_SPECIFIC(my_function)"``), ``c_code`` calls
    that function as ``func(input0, ..., &output0, ...[, params])`` and fails when it
    returns non-zero; it must be defined in a ``support_code_apply`` section.  Without
    it, the ``code`` section is the node's code, with the macros ``INPUT_i``,
    ``OUTPUT_i``, ``FAIL`` and ``PARAMS``.

    Apply-specific sections see ``APPLY_SPECIFIC(str)`` (``str`` suffixed with the
    node's unique name) and, for every input and output with a dtype,
    ``DTYPE_INPUT_i`` (``npy_float64``...), ``TYPENUM_INPUT_i`` and ``ITEMSIZE_INPUT_i``
    (and ``..._OUTPUT_i``), plus the ``(name, value)`` macros of :meth:`get_op_params`.
    """

    section_re = re.compile(r"^#section ([a-zA-Z0-9_]+)$", re.MULTILINE)
    backward_re = re.compile(r"^THEANO_(APPLY|SUPPORT)_CODE_SECTION$", re.MULTILINE)
    SECTIONS = frozenset([
        "init_code", "init_code_apply", "init_code_struct", "support_code",
        "support_code_apply", "support_code_struct", "cleanup_code_struct", "code",
        "code_cleanup"])

    @classmethod
    def get_path(cls, f):
        """``f`` relative to the directory of the file defining ``cls`` (absolute paths
        are kept)."""
        if not os.path.isabs(f):
            class_dir = os.path.dirname(inspect.getfile(cls))
            f = os.path.realpath(os.path.join(class_dir, f))
        return f

    def __init__(self, func_files, func_name=None):
        if not isinstance(func_files, (list, tuple)):
            func_files = [func_files]
        self.func_name = func_name
        self.func_files = list(func_files)
        self.load_c_code(self.func_files)
        if not self.code_sections:
            raise ValueError("No sections were defined in the C files %s" % self.func_files)
        if func_name is not None:
            for tag in ("code", "code_cleanup"):
                if tag in self.code_sections:
                    raise ValueError("%s: a '#section %s' and func_name=%r cannot be used "
                                     "together" % (type(self).__name__, tag, func_name))

    def load_c_code(self, func_files):
        """Read ``func_files`` and split them into :attr:`code_sections` (tag -> code)."""
        paths = [self.get_path(f) for f in func_files]
        self.func_codes = []
        for path in paths:
            with open(path) as f:
                self.func_codes.append(f.read())
        old = any(self.backward_re.search(c) for c in self.func_codes)
        new = any(self.section_re.search(c) for c in self.func_codes)
        if old and new:
            raise ValueError("Both the old (THEANO_*_CODE_SECTION) and the new (#section) "
                             "markers are used in %s; use one syntax" % paths)
        self.code_sections = {}
        for path, code in zip(paths, self.func_codes):
            if self.backward_re.search(code):
                split = self.backward_re.split(code)
                for n in range(1, len(split), 2):
                    tag = "support_code_apply" if split[n] == "APPLY" else "support_code"
                    self.code_sections[tag] = split[n + 1]
                continue
            if not self.section_re.search(code):
                raise ValueError("No '#section <tag>' marker was found in the C file %s"
                                 % path)
            split = self.section_re.split(code)
            if split[0].strip():
                raise ValueError("Code before the first '#section' marker in %s: %s"
                                 % (path, split[0].strip()[:200]))
            for n in range(1, len(split), 2):
                tag = split[n]
                if tag not in self.SECTIONS:
                    raise ValueError("Unknown section '#section %s' in %s (known: %s)"
                                     % (tag, path, ", ".join(sorted(self.SECTIONS))))
                self.code_sections[tag] = self.code_sections.get(tag, "") + split[n + 1]

    def get_op_params(self):
        """``(name, value)`` pairs defined as macros in the op's apply-specific code
        (values are C literals); none by default."""
        return []

    def c_code_cache_version(self):
        return (hashlib.sha256("\0".join(self.func_codes).encode()).hexdigest(),)

    # -- macros ------------------------------------------------------------------------
    def get_c_macros(self, node, name, check_input=None):
        """``(#define lines, #undef lines)`` of the apply-specific macros."""
        defs = []
        if check_input is None:
            check_input = getattr(self, "check_input", True)
        if check_input:
            names = (["INPUT_%d" % i for i in range(len(node.inputs))]
                     + ["OUTPUT_%d" % i for i in range(len(node.outputs))])
            for vname, v in zip(names, list(node.inputs) + list(node.outputs)):
                dtype = getattr(v.type, "dtype", None)
                if dtype is None:
                    continue
                d = np.dtype(dtype)
                defs += [("DTYPE_" + vname, "npy_" + d.name), ("TYPENUM_" + vname, d.num),
                         ("ITEMSIZE_" + vname, d.itemsize)]
        defs.append(("APPLY_SPECIFIC(str)", "str##_%s" % name))
        defs += list(self.get_op_params())
        return ("\n".join(_define(n, v) for n, v in defs),
                "\n".join(_undef(n) for n, _ in defs))

    @staticmethod
    def get_sub_macros(sub):
        defs = [("FAIL", " \\\n".join(sub["fail"].split("\n")))]
        if "params" in sub:
            defs.append(("PARAMS", sub["params"]))
        return ("\n".join(_define(n, v) for n, v in defs),
                "\n".join(_undef(n) for n, _ in defs))

    @staticmethod
    def get_io_macros(inputs, outputs):
        defs = ([("INPUT_%d" % i, n) for i, n in enumerate(inputs)]
                + [("OUTPUT_%d" % i, n) for i, n in enumerate(outputs)])
        return ("\n".join(_define(n, v) for n, v in defs),
                "\n".join(_undef(n) for n, _ in defs))

    def _section(self, tag):
        if tag not in self.code_sections:
            raise MethodNotDefined("c_" + tag, type(self), type(self).__name__)
        return self.code_sections[tag]

    def _apply_section(self, tag, node, name, sub=None, io=None):
        code = self._section(tag)
        parts = [self.get_c_macros(node, name)]
        if sub is not None:
            parts.append(self.get_sub_macros(sub))
        if io is not None:
            parts.append(self.get_io_macros(*io))
        return "\n".join(["", *[d for d, _ in parts], code, *[u for _, u in reversed(parts)],
                          ""])

    # -- the C-code methods --------------------------------------------------------------
    def c_support_code(self):
        return self._section("support_code")

    def c_init_code(self):
        return [self._section("init_code")]

    def c_support_code_apply(self, node, name):
        return self._apply_section("support_code_apply", node, name)

    def c_init_code_apply(self, node, name):
        return self._apply_section("init_code_apply", node, name)

    def c_support_code_struct(self, node, name):
        return self._apply_section("support_code_struct", node, name)

    def c_cleanup_code_struct(self, node, name):
        return self._apply_section("cleanup_code_struct", node, name)

    def c_init_code_struct(self, node, name, sub):
        return self._apply_section("init_code_struct", node, name, sub)

    def format_c_function_args(self, inp, out):
        """``"in0, in1, &out0"``, padded with NULL up to ``_cop_num_inputs`` /
        ``_cop_num_outputs`` when the op sets them."""
        inp = list(inp)
        inp += ["NULL"] * (getattr(self, "_cop_num_inputs", len(inp)) - len(inp))
        out = ["&%s" % o for o in out]
        out += ["NULL"] * (getattr(self, "_cop_num_outputs", len(out)) - len(out))
        return ", ".join(inp + out)

    def c_code(self, node, name, inp, out, sub):
        if self.func_name is not None:
            defs, undefs = self.get_c_macros(node, name, check_input=False)
            params = ", %s" % sub["params"] if "params" in sub else ""
            return "\n".join([defs, "{",
                              "  if (%s(%s%s) != 0) {" % (
                                  self.func_name, self.format_c_function_args(inp, out),
                                  params),
                              "    %s" % sub["fail"], "  }", "}", undefs, ""])
        return self._apply_section("code", node, name, sub, (inp, out))

    def c_code_cleanup(self, node, name, inputs, outputs, sub):
        return self._apply_section("code_cleanup", node, name, sub, (inputs, outputs))
