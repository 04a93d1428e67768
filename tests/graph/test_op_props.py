"""Every Op's identity comes from its ``__props__``: each constructor argument must be one.

Two ops that differ in a constructor argument missing from ``__props__``
compare equal, so the merge rewrite could swap them (``Prod`` once dropped
``no_zeros_in_input`` and merged nodes with different gradients).
"""
import importlib
import inspect
import pkgutil

import pytest

import theano
from theano.graph.op import Op


def _all_op_classes():
    for mod in pkgutil.walk_packages(theano.__path__, "theano."):
        if ".tests" in mod.name:
            continue
        importlib.import_module(mod.name)
    seen, stack = set(), [Op]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return sorted((c for c in seen if c.__module__.startswith("theano.")),
                  key=lambda c: (c.__module__, c.__qualname__))


OPS = _all_op_classes()

# Constructor arguments that are deliberately not part of an op's identity.
NOT_PROPS = {
    # Names for printing only: equal computations still merge.
    ("Elemwise", "name"), ("Reshape", "name"),
    # Theano 1.0's hint naming a NumPy function; the scalar op's own is used.
    ("Elemwise", "nfunc_spec"),
    # Stored under another name: the prop is ``infer_shape_fn``.
    ("FromFunctionOp", "infer_shape"), ("ConvOp", "output_mode"),
    # The inner graph is reduced to a structural key (the ``_key`` prop), so
    # equal inner computations compare equal.
    ("Composite", "inputs"), ("Composite", "outputs"),
    # Accepted only to raise a clear error: removed in Theano 0.7.
    ("CSM", "kmap"), ("CSMGrad", "kmap"), ("CSMProperties", "kmap"),
    # Theano 1.0's COp: a subclass fixes its C files and declares its own __props__
    # (without any, each instance is equal only to itself).
    ("COp", "func_files"), ("COp", "func_name"),
}
# Ops that own an inner function: each instance is equal only to itself, so
# no constructor argument can make two of them compare equal wrongly.
IDENTITY_EQUAL = {"_LoopOp", "Scan", "ScanGrad"}


@pytest.mark.parametrize("cls", OPS, ids=lambda c: "%s.%s" % (c.__module__, c.__qualname__))
def test_constructor_arguments_are_props(cls):
    init = cls.__dict__.get("__init__")
    if cls.__name__ in IDENTITY_EQUAL:
        a, b = object.__new__(cls), object.__new__(cls)
        assert a == a and a != b and hash(a) != hash(b)
        return
    if init is None:
        return  # inherits a checked constructor (or has none)
    params = [p for name, p in inspect.signature(init).parameters.items()
              if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    props = set(getattr(cls, "__props__", ()))
    missing = [p.name for p in params if p.name not in props
               and (cls.__name__, p.name) not in NOT_PROPS]
    assert not missing, ("%s.__init__ takes %s, which %s not in __props__ %s"
                         % (cls.__qualname__, missing, "is" if len(missing) == 1 else "are",
                            tuple(props)))


def test_the_ops_are_found():
    names = {c.__name__ for c in OPS}
    assert {"Elemwise", "Prod", "Scan", "IfElse", "Softmax", "Dot"} <= names
