"""DebugMode runs every node's C kernel and its NumPy perform, and compares them."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.debugmode import BadThunkOutput, DebugMode
from theano.configparser import change_flags
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.link.c import compiler as c_compiler
from theano.link.c.registry import CKernel, register_c_kernel

pytestmark = pytest.mark.skipif(c_compiler.compiler_info() is None, reason="no C compiler")


class _Twice(Op):
    """2 * x for float64 vectors; its C kernel below computes 3 * x (deliberately wrong)."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0] * 2

    def infer_shape(self, fgraph, node, shapes):
        return shapes


class _Copy(Op):
    """x itself, with a correct C kernel (a copy)."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0].copy()

    def infer_shape(self, fgraph, node, shapes):
        return shapes


_KERNEL = r"""
static int %(name)s(th_cell *const *in, th_cell *const *out, const void *data)
{
    const th_cell *x = in[0];
    Py_ssize_t i;
    if (th_api->prepare_output(out[0], 1, x->dims, x->typenum, 0) < 0) return -1;
    for (i = 0; i < x->dims[0]; i++)
        ((double *)out[0]->data)[i] = %(factor)s * *(const double *)(x->data + i * x->strides[0]);
    return 0;
}
"""


def _kernel(factor):
    def gen(node, module):
        if node.inputs[0].type.ndim != 1 or node.inputs[0].type.dtype != "float64":
            return None
        name = "debugmode_test_" + module.new_name()
        module.add(_KERNEL % dict(name=name, factor=factor))
        return CKernel(symbol=name)
    return gen


register_c_kernel(_Twice)(_kernel("3.0"))
register_c_kernel(_Copy)(_kernel("1.0"))


def test_a_wrong_c_kernel_is_caught_naming_the_node():
    x = T.dvector("x")
    # the kernel really runs in the C linker (and gives its wrong answer there)
    f = theano.function([x], _Twice()(x), mode=theano.compile.mode.Mode(linker="c"))
    assert f.maker.program.c_nodes == [0]
    assert np.array_equal(f(np.arange(3.0)), [0.0, 3.0, 6.0])
    g = theano.function([x], _Twice()(x) + 1, mode="DebugMode")
    with pytest.raises(BadThunkOutput) as info:
        g(np.arange(3.0))
    msg = str(info.value)
    assert "_Twice" in msg and "C kernel" in msg
    assert "[0., 3., 6.]" in msg and "[0., 2., 4.]" in msg  # both results
    assert "input shapes: [(3,)]" in msg
    assert "test_debugmode_c.py" in msg  # the line that built the node


def test_a_correct_c_kernel_passes_and_check_c_off_skips_c():
    x = T.dvector("x")
    f = theano.function([x], _Copy()(x[::-1]) * 2, mode="DebugMode")
    assert np.array_equal(f(np.arange(3.0)), [4.0, 2.0, 0.0])
    prog = f.maker.program
    assert any(isinstance(prog.nodes[k].op, _Copy) for k in prog.c_nodes)
    with change_flags(DebugMode__check_c=False):
        g = theano.function([x], _Twice()(x), mode=DebugMode())
    assert not getattr(g.maker.program, "c_nodes", [])
    assert np.array_equal(g(np.arange(3.0)), [0.0, 2.0, 4.0])


def test_debugmode_checks_structural_kernels_of_a_training_step():
    x, t = T.dmatrix("x"), T.lvector("t")
    w = theano.shared(np.zeros((4, 3)), name="w")
    p = T.nnet.softmax(T.dot(x, w))
    cost = -T.log(p)[T.arange(t.shape[0]), t].mean()
    upd = [(w, w - 0.1 * T.grad(cost, w))]
    f = theano.function([x, t], [cost, x.T.reshape((-1,))[::-2], T.concatenate([x, x], 1)],
                        updates=upd, mode="DebugMode")
    prog = f.maker.program
    assert len(prog.c_nodes) >= 5
    rng = np.random.default_rng(0)
    out = f(rng.standard_normal((5, 4)), np.array([0, 1, 2, 0, 1]))
    assert out[1].shape == (10,) and out[2].shape == (5, 8)
