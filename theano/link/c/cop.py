"""Kernels for ops written against Theano 1.0's C-op interface.

An op (a user's :class:`~theano.graph.op.Op` or :class:`~theano.graph.op.COp`) that
defines ``c_code(node, name, inputs, outputs, sub)`` runs that code in the C VM.  The code
is wrapped, as Theano 1.0's CLinker did, in a C++ struct per node::

    struct th_node_k1 {
        <params variable>              sub['params'], extracted once (op.get_params(node))
        <c_support_code_struct>
        int init(PyObject *params)     extracts the params, runs c_init_code_struct
        void cleanup()                 c_cleanup_code_struct, releases the params
        int run(th_cell *const *in, th_cell *const *out)
            inputs:  cells -> PyArrayObject* (TensorType), C scalars (ScalarType),
                     PyObject* (Generic), or the type's own c_declare/c_extract
            outputs: the previous call's array when nobody else holds it, else NULL
            { c_code }  then  { c_code_cleanup }  (sub['fail'] jumps to the cleanup)
            outputs -> cells (checked: ndarray of the variable's ndim and dtype)
    };

whose ``run`` is the node's kernel (the C VM's ABI, ``th_abi.h``); one state object is
made per node when a function is linked.  The ops' ``c_support_code``, ``c_headers``,
``c_init_code``, ``c_support_code_apply``... go into the function's *user-op module*, a
C++ companion of its kernel module compiled with the ops' ``c_compile_args``,
``c_no_compile_args``, ``c_header_dirs``, ``c_lib_dirs`` and ``c_libraries`` (Theano 1.0
compiled its C code as C++; keeping user flags out of the elementwise kernels keeps those
NumPy-exact).  The module is cached on disk by a hash of its whole source and build flags,
so ``c_code_cache_version`` decides nothing.

A node gets no C code (its ``perform`` runs) when ``c_code`` returns None or raises
:class:`~theano.graph.utils.MethodNotDefined` (or NotImplementedError), or when one of its
variables has a type with no C form here (TensorType, ScalarType, Generic and types with
their own ``c_declare``/``c_extract``... have one).
"""
import inspect

import numpy as np

from theano.graph.basic import format_source_line
from theano.graph.op import NoParams, Op, node_params
from theano.graph.type import Generic
from theano.graph.utils import MethodNotDefined
from theano.link.c.elemwise_c import c_string
from theano.link.c.registry import CKernel, register_c_kernel
from theano.scalar.basic import ScalarType
from theano.tensor.type import TensorType

__all__ = ["c_op_kernel", "USER_OP_MODULE"]

USER_OP_MODULE = "user C ops"
# Theano 1.0 compiled with the NumPy 1.7 API (no deprecated names); an op may remove the
# flag with c_no_compile_args.
DEFAULT_FLAGS = ("-DNPY_NO_DEPRECATED_API=NPY_1_7_API_VERSION",)

_C_DTYPES = frozenset(["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                       "uint64", "float16", "float32", "float64", "complex64", "complex128"])


# -- calling the optional methods of ops and types ------------------------------------------
# What a C-code method raises to say "not defined here" (Theano 1.0 fell back to perform
# on both).
_UNDEFINED = (MethodNotDefined, NotImplementedError)


def _call(obj, meth, *args, **kwargs):
    """``obj.meth(*args)``, or None when it is not defined (absent, or MethodNotDefined)."""
    f = getattr(obj, meth, None)
    if f is None or not callable(f):
        return None
    try:
        return f(*args, **kwargs)
    except _UNDEFINED:
        return None


def _takes(f, pname):
    try:
        return pname in inspect.signature(f).parameters
    except (TypeError, ValueError):
        return False


def _call_list(obj, meth):
    """A list-returning method such as ``c_headers`` (Theano 1.0 passed some of them a
    ``c_compiler`` argument; None is given to those that take it)."""
    f = getattr(obj, meth, None)
    if f is None or not callable(f):
        return []
    try:
        params = [p for p in inspect.signature(f).parameters.values()
                  if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY,
                                                         p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    try:
        res = f(None) if params else f()
    except _UNDEFINED:
        return []
    if res is None:
        return []
    if isinstance(res, str):
        return [res]
    return list(res)


def _text(res):
    if res is None:
        return ""
    if isinstance(res, (list, tuple)):
        return "\n".join(res)
    return str(res)


def _include(h):
    h = h.strip()
    return "#include %s" % (h if h[:1] in "<\"" else "<%s>" % h)


# -- the C form of each variable ----------------------------------------------------------
class _TensorVar:
    """A TensorType value: ``PyArrayObject *name`` and ``dtype_<name>``."""

    def __init__(self, t, name, opname):
        self.name, self.opname = name, opname
        self.nd = t.ndim
        self.dtype = np.dtype(t.dtype)
        self.ctype = "npy_" + self.dtype.name

    def declare(self):
        return ("PyArrayObject *%(n)s = NULL;\ntypedef %(c)s dtype_%(n)s;\n"
                "enum { typenum_%(n)s = %(num)d };\n"
                % dict(n=self.name, c=self.ctype, num=self.dtype.num))

    def extract_input(self, cell, what, fail):
        return ("%s = thc_get_array(%s, %d, %d, %s, \"%s\");\nif (!%s) %s\n"
                % (self.name, cell, self.nd, self.dtype.num, self.opname, what, self.name,
                   fail))

    def extract_params(self, obj, fail):
        return ("%s = thc_array_from_object(%s, %d, %d, %s, \"params\");\nif (!%s) %s\n"
                % (self.name, obj, self.nd, self.dtype.num, self.opname, self.name, fail))

    def extract_output(self, cell, fail):
        return "%s = thc_take_output(%s, %d, %d);\n" % (self.name, cell, self.nd,
                                                          self.dtype.num)

    def sync(self, cell, k, fail, may_own, nin):
        return ("if (thc_set_array(%s, %s, %d, %d, %d, th_in, %d, %s, %d) < 0) th_failed = 1;\n"
                "%s = NULL;\n" % (cell, self.name, self.nd, self.dtype.num, int(may_own), nin,
                                  self.opname, k, self.name))

    def cleanup(self):
        return "Py_XDECREF(%s);\n%s = NULL;\n" % (self.name, self.name)


class _ScalarVar:
    """A ScalarType value: a C scalar ``npy_<dtype> name``."""

    def __init__(self, t, name, opname):
        self.name, self.opname = name, opname
        self.dtype = np.dtype(t.dtype)
        self.ctype = "npy_" + self.dtype.name

    def declare(self):
        return ("%(c)s %(n)s = %(c)s();\ntypedef %(c)s dtype_%(n)s;\ntypedef %(c)s %(n)s_dtype;\n"
                "enum { typenum_%(n)s = %(num)d };\n"
                % dict(n=self.name, c=self.ctype, num=self.dtype.num))

    def extract_input(self, cell, what, fail):
        return ("if (thc_get_scalar(%s, %d, &%s, sizeof(%s), %s, \"%s\") < 0) %s\n"
                % (cell, self.dtype.num, self.name, self.name, self.opname, what, fail))

    def extract_params(self, obj, fail):
        return ("if (thc_scalar_from_object(%s, %d, &%s, sizeof(%s), %s, \"params\") < 0) %s\n"
                % (obj, self.dtype.num, self.name, self.name, self.opname, fail))

    def extract_output(self, cell, fail):
        return ""

    def sync(self, cell, k, fail, may_own, nin):
        return "if (thc_set_scalar(%s, &%s, %d) < 0) th_failed = 1;\n" % (
            cell, self.name, self.dtype.num)

    def cleanup(self):
        return ""


class _ObjectVar:
    """A Generic value: ``PyObject *name`` (NULL stores None)."""

    def __init__(self, t, name, opname):
        self.name = name

    def declare(self):
        return "PyObject *%s = NULL;\n" % self.name

    def extract_input(self, cell, what, fail):
        return "%s = th_api->cell_get_object(%s);\nif (!%s) %s\n" % (self.name, cell,
                                                                     self.name, fail)

    def extract_params(self, obj, fail):
        return "%s = %s;\nPy_INCREF(%s);\n" % (self.name, obj, self.name)

    def extract_output(self, cell, fail):
        return ""

    def sync(self, cell, k, fail, may_own, nin):
        return "if (thc_set_object(%s, %s) < 0) th_failed = 1;\n%s = NULL;\n" % (
            cell, self.name, self.name)

    def cleanup(self):
        return "Py_XDECREF(%s);\n%s = NULL;\n" % (self.name, self.name)


class _TypeCodeVar:
    """A value of a Type with its own C code (Theano 1.0's CLinkerType: ``c_declare``,
    ``c_init``, ``c_extract``, ``c_sync``, ``c_cleanup``), over ``PyObject *py_<name>``."""

    def __init__(self, t, name, opname, check_input=True):
        self.t, self.name, self.check_input = t, name, check_input

    def _sub(self, fail):
        return dict(fail=fail, failure_var="th_failed", id=0, py_ptr="py_" + self.name)

    def _code(self, meth, fail="{th_failed = 1;}"):
        f = getattr(self.t, meth, None)
        if f is None:
            return ""
        kwargs = {"check_input": self.check_input} if _takes(f, "check_input") else {}
        try:
            return _text(f(self.name, self._sub(fail), **kwargs))
        except _UNDEFINED:
            return ""

    def declare(self):
        return "PyObject *py_%s = NULL;\n%s\n" % (self.name, self._code("c_declare"))

    def extract_input(self, cell, what, fail):
        return ("py_%s = th_api->cell_get_object(%s);\nif (!py_%s) %s\n{\n%s\n}\n"
                % (self.name, cell, self.name, fail, self._code("c_extract", fail)))

    def extract_params(self, obj, fail):
        return "py_%s = %s;\nPy_INCREF(py_%s);\n{\n%s\n}\n" % (
            self.name, obj, self.name, self._code("c_extract", fail))

    def extract_output(self, cell, fail):
        return ("py_%(n)s = th_api->cell_get_object(%(c)s);\nif (!py_%(n)s) %(f)s\n"
                "if (py_%(n)s == Py_None) {\n%(init)s\n} else {\n%(ext)s\n}\n"
                % dict(n=self.name, c=cell, f=fail, init=self._code("c_init", fail),
                       ext=self._code("c_extract", fail)))

    def sync(self, cell, k, fail, may_own, nin):
        return ("{\n%s\n}\nif (th_api->cell_set_object(%s, py_%s) < 0) th_failed = 1;\n"
                % (self._code("c_sync", fail), cell, self.name))

    def cleanup(self):
        return "{\n%s\n}\nPy_XDECREF(py_%s);\npy_%s = NULL;\n" % (
            self._code("c_cleanup"), self.name, self.name)


def _c_var(t, name, opname, check_input=True):
    """The C form of a value of type ``t``, or None (then the node has no C code)."""
    if callable(getattr(t, "c_declare", None)) and callable(getattr(t, "c_extract", None)):
        return _TypeCodeVar(t, name, opname, check_input)
    if isinstance(t, TensorType):
        return _TensorVar(t, name, opname) if t.dtype in _C_DTYPES else None
    if isinstance(t, ScalarType):
        return _ScalarVar(t, name, opname) if t.dtype in _C_DTYPES else None
    if isinstance(t, Generic):
        return _ObjectVar(t, name, opname)
    return None


# -- the kernel generator -----------------------------------------------------------------
def has_c_code(op):
    """Whether ``op`` implements Theano 1.0's ``c_code``."""
    return callable(getattr(op, "c_code", None))


@register_c_kernel(Op)
def c_op_kernel(node, module):
    """The kernel of a node whose op defines ``c_code`` (None for any other op)."""
    op = node.op
    if not has_c_code(op):
        return None
    return _generate(node, module.companion(USER_OP_MODULE, language="c++", numpy=True,
                                            flags=DEFAULT_FLAGS))


def _generate(node, module):
    op = node.op
    ident = module.new_name()
    name = "node_" + ident
    opname = c_string(str(op))
    check_input = getattr(op, "check_input", True)
    nin = len(node.inputs)

    variables = list(node.inputs) + list(node.outputs)
    cvars = [_c_var(v.type, "V%d" % (i + 1), opname, check_input)
             for i, v in enumerate(variables)]
    if any(cv is None for cv in cvars):
        return None
    in_vars, out_vars = cvars[:nin], cvars[nin:]

    params = node_params(node)
    pvar = None
    if params is not NoParams:
        ptype = getattr(op, "params_type", None) or Generic()
        pvar = _c_var(ptype, "th_params_" + ident, opname, check_input)
        if pvar is None:
            return None

    def sub(label, **extra):
        s = dict(fail="{th_failed = 1; goto %s;}" % label, failure_var="th_failed", id=0,
                 **extra)
        if pvar is not None:
            s["params"] = pvar.name
        return s

    in_names = [cv.name for cv in in_vars]
    out_names = [cv.name for cv in out_vars]
    code = _call(op, "c_code", node, name, in_names, out_names, sub("th_label_op"))
    if code is None:
        return None
    cleanup = _text(_call(op, "c_code_cleanup", node, name, in_names, out_names,
                          sub("th_label_opc")))
    support_apply = _text(_call(op, "c_support_code_apply", node, name))
    init_apply = _text(_call(op, "c_init_code_apply", node, name))
    support_struct = _text(_call(op, "c_support_code_struct", node, name))
    init_struct = _text(_call(op, "c_init_code_struct", node, name, sub("th_init_end")))
    cleanup_struct = _text(_call(op, "c_cleanup_code_struct", node, name))

    # What the op and the types of its variables need from the module and its build.
    desc = "%s, in the node built at:\n  %s" % (
        op, format_source_line(getattr(node.tag, "trace", None)))
    marker = module.mark(desc)
    for o in _c_code_owners(op, cvars, pvar):
        module.add_headers(_include(h) for h in _call_list(o, "c_headers"))
        module.add_build(flags=_call_list(o, "c_compile_args"),
                         no_flags=_call_list(o, "c_no_compile_args"),
                         include_dirs=_call_list(o, "c_header_dirs"),
                         lib_dirs=_call_list(o, "c_lib_dirs"),
                         libraries=_call_list(o, "c_libraries"))
        module.add_support(_text(_call(o, "c_support_code")), marker)
        module.add_init(_call_list(o, "c_init_code"))
    if init_apply:
        module.add_init([init_apply], once=False)

    struct = "th_node_" + ident
    lines = [marker, support_apply, "", "struct %s {" % struct]
    if pvar is not None:
        lines.append(pvar.declare())
    lines += [support_struct, "",
              "int init(PyObject *th_params_obj)", "{", "    int th_failed = 0;",
              "    (void)th_params_obj;", "    {"]
    if pvar is not None:
        lines.append(pvar.extract_params("th_params_obj", "{th_failed = 1; goto th_init_end;}"))
    lines += ["    {", init_struct, "    }", "    }", "    th_init_end: ;",
              "    if (th_failed) { thc_no_error(%s); return -1; }" % opname,
              "    return 0;", "}", "",
              "void cleanup(void)", "{", "{", cleanup_struct, "}"]
    if pvar is not None:
        lines.append(pvar.cleanup())
    lines += ["}", ""]
    lines += _run_method(node, in_vars, out_vars, code, cleanup, opname)
    lines += ["};", ""]
    lines += _entry_points(ident, struct, opname)
    module.add("\n".join(lines))
    maker = module.add_state_maker("th_state_" + ident)

    def state_args(n):
        if pvar is None:
            return ()
        return (node_params(n),)

    return CKernel(symbol="th_kernel_" + ident, module=module, state=maker,
                   state_args=state_args)


def _c_code_owners(op, cvars, pvar):
    """The op, then the types with their own C code (each once)."""
    owners = [op]
    for cv in cvars + ([pvar] if pvar is not None else []):
        if isinstance(cv, _TypeCodeVar) and cv.t not in owners:
            owners.append(cv.t)
    return owners


def _run_method(node, in_vars, out_vars, code, cleanup, opname):
    """``int run(th_in, th_out)``: the variables' blocks nested around the op's code, as
    Theano 1.0 laid them out (a failure jumps to the cleanup of what was extracted)."""
    op = node.op
    nin = len(in_vars)
    no_own = set(op.view_map) | set(op.destroy_map)
    head = ["int run(th_cell *const *th_in, th_cell *const *th_out)", "{",
            "int th_failed = 0;"]
    head += [cv.declare() for cv in in_vars + out_vars]
    opening, closing = [], []
    for i, cv in enumerate(in_vars):
        label = "th_label_i%d" % i
        opening.append("{\n" + cv.extract_input("th_in[%d]" % i, "input %d" % i,
                                                "{th_failed = 1; goto %s;}" % label))
        closing.insert(0, "%s: ;\n{\n%s}\n}\n" % (label, cv.cleanup()))
    for k, cv in enumerate(out_vars):
        label = "th_label_o%d" % k
        opening.append("{\n" + cv.extract_output("th_out[%d]" % k,
                                                 "{th_failed = 1; goto %s;}" % label))
        sync_end = "th_label_s%d" % k
        closing.insert(0, "%s: ;\nif (!th_failed) {\n%s}\n%s: ;\n{\n%s}\n}\n" % (
            label, cv.sync("th_out[%d]" % k, k, "{th_failed = 1; goto %s;}" % sync_end,
                           k not in no_own, nin), sync_end, cv.cleanup()))
    # As in Theano 1.0, the cleanup shares the code's block: it sees the variables the
    # code declared at its top level (the code must not jump over their initialisation).
    body = ["{", code, "th_label_op: ;", "{", cleanup, "}", "th_label_opc: ;", "}"]
    tail = ["if (th_failed) { thc_no_error(%s); return -1; }" % opname, "return 0;", "}"]
    return head + opening + body + closing + tail


def _entry_points(ident, struct, opname):
    """The kernel (C VM ABI) and the state maker/destructor of one node's struct."""
    return [r"""static int th_kernel_%(i)s(th_cell *const *in, th_cell *const *out, const void *data)
{
    try {
        return ((%(s)s *)data)->run(in, out);
    } catch (const std::exception &e) {
        PyErr_Format(PyExc_RuntimeError, "%%s: C++ exception: %%s", %(o)s, e.what());
    } catch (...) {
        PyErr_Format(PyExc_RuntimeError, "%%s: unknown C++ exception", %(o)s);
    }
    return -1;
}

static void th_free_%(i)s(PyObject *cap)
{
    %(s)s *st = (%(s)s *)PyCapsule_GetPointer(cap, "theano.c_op_state");
    if (st) {
        try { st->cleanup(); } catch (...) {}
        delete st;
    }
}

static PyObject *th_state_%(i)s(PyObject *args)
{
    %(s)s *st = NULL;
    PyObject *cap, *params = PyTuple_GET_SIZE(args) ? PyTuple_GET_ITEM(args, 0) : Py_None;
    int rc = -1;
    try {
        st = new %(s)s();
        rc = st->init(params);
    } catch (const std::bad_alloc &) {
        PyErr_NoMemory();
    } catch (const std::exception &e) {
        PyErr_Format(PyExc_RuntimeError, "%%s: C++ exception: %%s", %(o)s, e.what());
    } catch (...) {
        PyErr_Format(PyExc_RuntimeError, "%%s: unknown C++ exception", %(o)s);
    }
    if (rc < 0) {
        if (st) {
            try { st->cleanup(); } catch (...) {}
            delete st;
        }
        return NULL;
    }
    cap = PyCapsule_New(st, "theano.c_op_state", th_free_%(i)s);
    if (!cap) {
        st->cleanup();
        delete st;
    }
    return cap;
}
""" % dict(i=ident, s=struct, o=opname)]
