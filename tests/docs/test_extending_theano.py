"""Theano 1.0 "Creating a new Op: Python implementation" (doc/extending/extending_theano.txt).

Each example of the page runs as written (Python 3 form).  The page's test classes are
defined here as it shows them, so pytest collects and runs them like the page's
``theano-nose`` would.
"""
import numpy
import pytest

import theano
from theano import config
from theano.tests import unittest_tools as utt
from theano.tests.test_rop import RopLop_checker


class MyOp(theano.Op):
    # The page's skeleton: every method an op may define, none of them doing anything.
    __props__ = ()
    itypes = None
    otypes = None

    def make_node(self, *inputs):
        pass

    def perform(self, node, inputs_storage, output_storage):
        pass

    def c_code(self, node, inputs, outputs, sub):
        pass

    def make_thunk(self, node, storage_map, _, _2):
        pass

    check_input = True

    def __init__(self, *args):
        pass

    def grad(self, inputs, g):
        pass

    def R_op(self, inputs, eval_points):
        pass

    def infer_shape(node, input_shapes):
        pass


class DoubleOp1(theano.Op):
    __props__ = ()

    def make_node(self, x):
        x = theano.tensor.as_tensor_variable(x)
        return theano.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        z = output_storage[0]
        z[0] = x * 2

    def infer_shape(self, node, i0_shapes):
        return i0_shapes

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return eval_points
        return self.grad(inputs, eval_points)


doubleOp1 = DoubleOp1()


class DoubleOp2(theano.Op):
    __props__ = ()

    itypes = [theano.tensor.dmatrix]
    otypes = [theano.tensor.dmatrix]

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        z = output_storage[0]
        z[0] = x * 2

    def infer_shape(self, node, i0_shapes):
        return i0_shapes

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return eval_points
        return self.grad(inputs, eval_points)


doubleOp2 = DoubleOp2()


def test_the_skeleton_op_is_an_op():
    op = MyOp()
    assert isinstance(op, theano.Op) and op == MyOp() and str(op) == "MyOp"


def test_the_op_instance_is_the_nodes_op():
    out = doubleOp1(theano.tensor.vector())
    assert out.owner.op is doubleOp1 and isinstance(doubleOp1, theano.Op)
    assert out.type == theano.tensor.vector().type


@pytest.mark.parametrize("op_class", [DoubleOp1, DoubleOp2])
def test_try_the_new_op(op_class, capsys):
    x = theano.tensor.matrix()
    f = theano.function([x], op_class()(x))
    inp = numpy.random.rand(5, 4)
    out = f(inp)
    assert numpy.allclose(inp * 2, out)
    print(inp)
    print(out)
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 10 and printed[0].startswith("[[") and printed[5].startswith("[[")


@pytest.mark.parametrize("op", [doubleOp1, doubleOp2])
def test_infer_shape_grad_and_rop_of_both_variants(op):
    # What the page says the methods are for: the shape without running the op,
    # T.grad and T.Rop through it.
    x = theano.tensor.dmatrix()
    shape = theano.function([x], op(x).shape)
    assert not any(isinstance(n.op, type(op)) for n in shape.maker.fgraph.toposort())
    assert shape(numpy.zeros((5, 4))).tolist() == [5, 4]
    g = theano.function([x], theano.tensor.grad(op(x).sum(), x))
    numpy.testing.assert_array_equal(g(numpy.ones((2, 3))), numpy.full((2, 3), 2.0))
    v = theano.tensor.dmatrix()
    r = theano.function([v], theano.tensor.Rop(op(x), x, v), on_unused_input="ignore")
    numpy.testing.assert_array_equal(r(numpy.arange(6.0).reshape(2, 3)),
                                     2 * numpy.arange(6.0).reshape(2, 3))


def test_itypes_refuse_another_type():
    with pytest.raises(TypeError, match="DoubleOp2"):
        doubleOp2(theano.tensor.fvector())


class AXPBOp(theano.Op):
    """
    This creates an Op that takes x to a*x+b.
    """
    __props__ = ("a", "b")

    def __init__(self, a, b):
        self.a = a
        self.b = b
        super(AXPBOp, self).__init__()

    def make_node(self, x):
        # check that the theano version has support for __props__.
        assert hasattr(self, '_props'), ("Your version of theano is too"
                                         "old to support __props__.")
        x = theano.tensor.as_tensor_variable(x)
        return theano.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        z = output_storage[0]
        z[0] = self.a * x + self.b

    def infer_shape(self, node, i0_shapes):
        return i0_shapes

    def grad(self, inputs, output_grads):
        return [a * output_grads[0] + b]  # noqa: F821 (as on the page; never called)


def test_props_define_equality_hash_and_str():
    mult4plus5op = AXPBOp(4, 5)
    another_mult4plus5op = AXPBOp(4, 5)
    mult2plus3op = AXPBOp(2, 3)

    assert mult4plus5op == another_mult4plus5op
    assert mult4plus5op != mult2plus3op

    x = theano.tensor.matrix()
    f = theano.function([x], mult4plus5op(x))
    g = theano.function([x], mult2plus3op(x))

    inp = numpy.random.rand(5, 4).astype(numpy.float32)
    assert numpy.allclose(4 * inp + 5, f(inp))
    assert numpy.allclose(2 * inp + 3, g(inp))
    # "It also generates a default __str__ method that prints the attribute names and
    # their values", and equal ops hash alike.
    assert str(mult4plus5op) == "AXPBOp{a=4, b=5}"
    assert hash(mult4plus5op) == hash(another_mult4plus5op)


def test_props_ops_merge():
    # Equal ops applied to the same input are computed once.
    x = theano.tensor.matrix()
    f = theano.function([x], [AXPBOp(4, 5)(x), AXPBOp(4, 5)(x), AXPBOp(2, 3)(x)])
    assert sum(isinstance(n.op, AXPBOp) for n in f.maker.fgraph.toposort()) == 2


# "How To Test it": the page's test classes, with the op of theano.misc.doubleop.
from theano.misc.doubleop import DoubleOp  # noqa: E402 (the page imports it here)


class test_Double(utt.InferShapeTester):
    def setUp(self):
        super(test_Double, self).setUp()
        self.op_class = DoubleOp
        self.op = DoubleOp()

    def test_basic(self):
        x = theano.tensor.matrix()
        f = theano.function([x], self.op(x))
        inp = numpy.asarray(numpy.random.rand(5, 4), dtype=config.floatX)
        out = f(inp)
        # Compare the result computed to the expected value.
        utt.assert_allclose(inp * 2, out)

    def test_infer_shape(self):
        x = theano.tensor.matrix()
        self._compile_and_check([x],  # theano.function inputs
                                [self.op(x)],  # theano.function outputs
                                # Always use not square matrix!
                                # inputs data
                                [numpy.asarray(numpy.random.rand(5, 4),
                                               dtype=config.floatX)],
                                # Op that should be removed from the graph.
                                self.op_class)

    def test_grad(self):
        theano.tests.unittest_tools.verify_grad(self.op,
                                                [numpy.random.rand(5, 7, 2)])


class test_DoubleRop(RopLop_checker):
    def setUp(self):
        super(test_DoubleRop, self).setUp()

    def test_double_rop(self):
        self.check_rop_lop(DoubleOp()(self.x), self.in_shape)


def test_in_file_run_of_one_test():
    # The page's ``if __name__ == '__main__':`` block.
    t = test_DoubleRop("test_double_rop")
    t.setUp()
    t.test_double_rop()


class _WrongShape(DoubleOp):
    def infer_shape(self, node, i0_shapes):
        return [i0_shapes[0][::-1]]


class _WrongGrad(DoubleOp):
    def grad(self, inputs, output_grads):
        return [output_grads[0]]  # the multiplication by 2 removed, as the page suggests


class _WrongRop(DoubleOp):
    def R_op(self, inputs, eval_points):
        return [eval_points[0] * 3]


def test_the_checkers_catch_a_wrong_op():
    # "If you want to see it fail, you can implement an incorrect infer_shape" (and grad).
    t = test_Double("test_infer_shape")
    t.setUp()
    t.op_class, t.op = _WrongShape, _WrongShape()
    with pytest.raises(AssertionError, match="infer_shape gives"):
        t.test_infer_shape()
    with pytest.raises(theano.gradient.GradientError):
        utt.verify_grad(_WrongGrad(), [numpy.random.rand(5, 7, 2)])
    r = test_DoubleRop("test_double_rop")
    r.setUp()
    with pytest.raises(AssertionError, match="Rop mismatch"):
        r.check_rop_lop(_WrongRop()(r.x), r.in_shape)


def test_compile_and_check_warns_on_square_inputs():
    t = test_Double("test_infer_shape")
    t.setUp()
    x = theano.tensor.matrix()
    square = [numpy.ones((4, 4), dtype=config.floatX)]
    with pytest.warns(UserWarning, match="equal"):
        t._compile_and_check([x], [t.op(x)], square, DoubleOp)
    t._compile_and_check([x], [t.op(x)], square, DoubleOp, warn=False)


def test_non_differentiable_rop_raises():
    r = test_DoubleRop("test_double_rop")
    r.setUp()
    r.check_nondiff_rop(r.x.shape[0])


def test_random_numbers_in_tests_are_seeded():
    # "the classes InferShapeTester and RopLop_checker already do this for you"
    expected = numpy.random.RandomState(utt.fetch_seed()).rand(3)
    for t in (test_Double("test_basic"), test_DoubleRop("test_double_rop")):
        t.setUp()
        numpy.testing.assert_array_equal(numpy.random.rand(3), expected)


def test_as_op_numpy_dot():
    from theano import function
    from theano.compile.ops import as_op

    def infer_shape_numpy_dot(node, input_shapes):
        ashp, bshp = input_shapes
        return [ashp[:-1] + bshp[-1:]]

    @as_op(itypes=[theano.tensor.fmatrix, theano.tensor.fmatrix],
           otypes=[theano.tensor.fmatrix], infer_shape=infer_shape_numpy_dot)
    def numpy_dot(a, b):
        return numpy.dot(a, b)

    x = theano.tensor.fmatrix()
    y = theano.tensor.fmatrix()
    f = function([x, y], numpy_dot(x, y))
    inp1 = numpy.random.rand(5, 4).astype('float32')
    inp2 = numpy.random.rand(4, 7).astype('float32')
    out = f(inp1, inp2)
    assert out.dtype == numpy.float32
    numpy.testing.assert_allclose(out, numpy.dot(inp1, inp2), rtol=1e-5)
    # The infer_shape given: the shape is known without calling numpy.dot.
    shape = function([x, y], numpy_dot(x, y).shape)
    assert len(shape.maker.fgraph.toposort()) < 4
    assert not any(isinstance(n.op, type(numpy_dot)) for n in shape.maker.fgraph.toposort())
    assert shape(inp1, inp2).tolist() == [5, 7]


def test_documentation_example_and_the_doubleop_module():
    class DoubleOp(theano.Op):
        """ Double each element of a tensor.

        :param x: input tensor.

        :return: a tensor of the same shape and dtype as the input with all
        values doubled.

        :note:
            this is a test note

        :seealso:
            You can use the elemwise op to replace this example.
            Just execute `x * 2` with x being a Theano variable.

        .. versionadded:: 0.6
        """

    assert DoubleOp.__doc__.lstrip().startswith("Double each element")
    from theano.misc import doubleop
    assert "Double each element" in doubleop.DoubleOp.__doc__


def test_nan_guard_mode_check_tag():
    from theano.compile.nanguardmode import NanGuardError, NanGuardMode

    x = theano.tensor.dvector()
    y = theano.tensor.log(x)
    mode = NanGuardMode(nan_is_error=True, inf_is_error=False, big_is_error=False)
    with pytest.raises(NanGuardError):
        theano.function([x], y, mode=mode)(numpy.array([-1.0]))
    y.tag.nan_guard_mode_check = False
    assert numpy.isnan(theano.function([x], y, mode=mode)(numpy.array([-1.0]))).all()
