"""Theano 1.0 "Graph optimization" (doc/extending/optimization.txt): the ``Simplify``
global optimizer, its local version with ``TopoOptimizer``, ``merge_optimizer``, and
``OpSub``/``OpRemove``/``PatternSub``, on the ``double`` type and ops of type.txt/op.txt."""
from theano import gof
from theano.gof import toolbox


class Double(gof.Type):
    # type.txt's double (Python part only; its C code is run in tests/link/test_c_op.py)
    def filter(self, x, strict=False, allow_downcast=None):
        if strict and not isinstance(x, float):
            raise TypeError('Expected a float!')
        return float(x)

    def values_eq_approx(self, x, y, tolerance=1e-4):
        return abs(x - y) / (abs(x) + abs(y)) < tolerance

    def __str__(self):
        return 'double'


double = Double()


class BinaryDoubleOp(gof.Op):
    # op.txt's ops on doubles (no __props__: each instance is its own op)
    def __init__(self, name, fn):
        self.name = name
        self.fn = fn

    def make_node(self, x, y):
        if isinstance(x, (int, float)):
            x = gof.Constant(double, x)
        if isinstance(y, (int, float)):
            y = gof.Constant(double, y)
        if x.type != double or y.type != double:
            raise TypeError('%s only works on doubles' % self.name)
        return gof.Apply(self, [x, y], [double()])

    def perform(self, node, inp, out):
        x, y = inp
        z, = out
        z[0] = self.fn(x, y)

    def __str__(self):
        return self.name


add = BinaryDoubleOp(name='add', fn=lambda x, y: x + y)
mul = BinaryDoubleOp(name='mul', fn=lambda x, y: x * y)
div = BinaryDoubleOp(name='div', fn=lambda x, y: x / y)


class Simplify(gof.Optimizer):
    def add_requirements(self, fgraph):
        fgraph.attach_feature(toolbox.ReplaceValidate())

    def apply(self, fgraph):
        for node in fgraph.toposort():
            if node.op == div:
                x, y = node.inputs
                z = node.outputs[0]
                if x.owner and x.owner.op == mul:
                    a, b = x.owner.inputs
                    if y == a:
                        fgraph.replace_validate(z, b)
                    elif y == b:
                        fgraph.replace_validate(z, a)


simplify = Simplify()


class LocalSimplify(gof.LocalOptimizer):
    def transform(self, node):
        if node.op == div:
            x, y = node.inputs
            if x.owner and x.owner.op == mul:
                a, b = x.owner.inputs
                if y == a:
                    return [b]
                elif y == b:
                    return [a]
        return False

    def tracks(self):
        # This should be needed for the EquilibriumOptimizer
        # but it isn't now
        # TODO: do this and explain it
        return []  # that's not what you should do


local_simplify = LocalSimplify()


def _graph():
    x = double('x')
    y = double('y')
    z = double('z')
    a = add(z, mul(div(mul(y, x), y), div(z, x)))
    return gof.FunctionGraph([x, y, z], [a])


def test_global_optimization():
    e = _graph()
    assert str(e) == "[add(z, mul(div(mul(y, x), y), div(z, x)))]"
    simplify.optimize(e)
    assert str(e) == "[add(z, mul(x, div(z, x)))]"


def test_merge_then_simplify():
    x = double('x')
    y = double('y')
    z = double('z')
    a = div(mul(add(y, z), x), add(y, z))
    e = gof.FunctionGraph([x, y, z], [a])
    assert str(e) == "[div(mul(add(y, z), x), add(y, z))]"
    simplify.optimize(e)
    assert str(e) == "[div(mul(add(y, z), x), add(y, z))]"  # add(y, z) != add(y, z)
    from theano.gof.opt import merge_optimizer
    merge_optimizer.optimize(e)
    assert str(e) == "[div(mul(*1 -> add(y, z), x), *1)]"
    simplify.optimize(e)
    assert str(e) == "[x]"


def test_local_optimization_with_a_navigator():
    e = _graph()
    simplify = gof.TopoOptimizer(local_simplify)
    simplify.optimize(e)
    assert str(e) == "[add(z, mul(x, div(z, x)))]"


def test_opsub_opremove_patternsub():
    from theano.gof.opt import OpRemove, OpSub, PatternSub

    class Identity(gof.Op):
        def make_node(self, x):
            return gof.Apply(self, [x], [double()])

        def perform(self, node, inp, out):
            out[0][0] = inp[0]

        def __str__(self):
            return 'identity'

    identity = Identity()
    add_to_mul = OpSub(add, mul)
    remove_identity = OpRemove(identity)
    local_simplify_1 = PatternSub((div, (mul, 'x', 'y'), 'y'), 'x')
    local_simplify_2 = PatternSub((div, (mul, 'x', 'y'), 'x'), 'y')

    x, y, z = double('x'), double('y'), double('z')
    e = gof.FunctionGraph([x, y, z], [add(identity(z), mul(div(mul(y, x), y),
                                                           div(mul(x, z), x)))])
    for local in (add_to_mul, remove_identity, local_simplify_1, local_simplify_2):
        gof.TopoOptimizer(local).optimize(e)
    assert str(e) == "[mul(z, mul(x, z))]"
