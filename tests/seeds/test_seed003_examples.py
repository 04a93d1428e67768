"""Seed 003 (craffel's "Theano Tutorial" notebook as a script): every code example, in Python 3 form.

The seed's matplotlib plotting calls (scatter plots / plt.show) only display
data and are left out; everything that is computed is checked.
"""
import os
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

import theano
import theano.tensor as T

REPO_ROOT = Path(__file__).resolve().parents[2]
floatX = theano.config.floatX


def _change_flags(**kwargs):
    """``theano.config.change_flags`` (Theano 1.0 also has ``theano.change_flags``)."""
    cf = getattr(theano.config, "change_flags", None)
    if cf is None:
        cf = getattr(theano, "change_flags", None)
    if cf is None:
        from theano.configparser import change_flags as cf
    return cf(**kwargs)


# ---------------------------------------------------------------------------
# Basics: symbolic variables, functions, eval
# ---------------------------------------------------------------------------

def _foo_bar():
    foo = T.scalar('foo')
    bar = foo ** 2
    return foo, bar


def test_symbolic_variable_type():
    """Seed 003 '符号变量': type(bar) is TensorVariable and bar.type prints TensorType(float64, scalar)."""
    foo, bar = _foo_bar()
    assert str(type(bar)) == "<class 'theano.tensor.var.TensorVariable'>"
    assert type(bar) is theano.tensor.var.TensorVariable
    assert str(bar.type) == "TensorType(%s, scalar)" % floatX
    assert bar.type == T.TensorType(floatX, ())
    assert bar.owner is not None and foo in bar.owner.inputs


@pytest.mark.rewrite
def test_pretty_print_foo_squared():
    """Seed 003 '符号变量': theano.pp(bar) prints (foo ** TensorConstant{2})."""
    foo, bar = _foo_bar()
    assert theano.pp(bar) == "(foo ** TensorConstant{2})"


def test_function_and_eval_foo_squared():
    """Seed 003 'Functions': f(3) == 9.0, bar.eval({foo: 3}) == 9.0, and the def square(x) form."""
    foo, bar = _foo_bar()
    f = theano.function([foo], bar)
    assert f(3) == 9.0
    assert bar.eval({foo: 3}) == 9.0

    def square(x):
        return x ** 2
    bar = square(foo)
    assert bar.eval({foo: 3}) == 9.0


def _linear_mix_graph():
    A = T.matrix('A')
    x = T.vector('x')
    b = T.vector('b')
    # T.dot(A, x) multiplies A by the column vector x
    y = T.dot(A, x) + b
    # note that squaring a matrix is elementwise
    z = T.sum(A ** 2)
    return A, x, b, y, z


def test_linear_mix_with_param_default():
    """Seed 003 'theano.tensor': linear_mix with theano.Param(b, default=...) -> [18, 37], 91 and [14, 32], 91."""
    A, x, b, y, z = _linear_mix_graph()
    b_default = np.array([0, 0], dtype=floatX)
    with warnings.catch_warnings():
        # Theano 1.0 deprecates Param in favour of In but keeps it working.
        warnings.simplefilter("ignore")
        linear_mix = theano.function([A, x, theano.Param(b, default=b_default)],
                                     [y, z])
    # The seed lost the newlines after its "#A" / "#x" comments, which made
    # the following arguments part of the comments; they are restored here.
    out = linear_mix(np.array([[1, 2, 3], [4, 5, 6]], dtype=floatX),  # A
                     np.array([1, 2, 3], dtype=floatX),  # x
                     np.array([4, 5], dtype=floatX))  # b
    assert isinstance(out, list) and len(out) == 2
    np.testing.assert_array_equal(out[0], [18., 37.])
    assert np.ndim(out[1]) == 0 and out[1] == 91.0
    # use the default value for b
    out = linear_mix(np.array([[1, 2, 3], [4, 5, 6]], dtype=floatX),  # A
                     np.array([1, 2, 3], dtype=floatX))  # x
    np.testing.assert_array_equal(out[0], [14., 32.])
    assert np.ndim(out[1]) == 0 and out[1] == 91.0


def test_param_is_importable_from_theano():
    """Seed 003 uses theano.Param; `from theano import function, In, shared, Param, Out` must work."""
    from theano import function, In, shared, Param, Out  # noqa: F401
    assert Param is theano.Param
    assert In is theano.In and Out is theano.Out


# ---------------------------------------------------------------------------
# Shared variables and updates
# ---------------------------------------------------------------------------

def test_shared_variable_type_and_values():
    """Seed 003 'Shared variables': type() prints <TensorType(float64, matrix)>, set/get_value, function_1."""
    shared_var = theano.shared(np.array([[1, 2], [3, 4]], dtype=floatX))
    # The type of the shared variable is deduced from its initialization
    assert str(shared_var.type()) == "<TensorType(%s, matrix)>" % floatX
    assert shared_var.type == T.TensorType(floatX, (False, False))

    shared_var.set_value(np.array([[3, 4], [2, 1]], dtype=floatX))
    np.testing.assert_array_equal(shared_var.get_value(), [[3., 4.], [2., 1.]])

    shared_squared = shared_var ** 2
    # shared_var is an implicit input of function_1
    function_1 = theano.function([], shared_squared)
    np.testing.assert_array_equal(function_1(), [[9., 16.], [4., 1.]])


def test_shared_variable_dict_updates():
    """Seed 003 'updates': function_2 with updates={shared_var: shared_var - subtract}; function_1 sees it."""
    shared_var = theano.shared(np.array([[3, 4], [2, 1]], dtype=floatX))
    function_1 = theano.function([], shared_var ** 2)
    subtract = T.matrix('subtract')
    function_2 = theano.function([subtract], shared_var,
                                 updates={shared_var: shared_var - subtract})
    # shared_var before subtracting [[1, 1], [1, 1]] using function_2
    np.testing.assert_array_equal(shared_var.get_value(), [[3., 4.], [2., 1.]])
    returned = function_2(np.array([[1, 1], [1, 1]], dtype=floatX))
    # the output is computed before the update is applied
    np.testing.assert_array_equal(returned, [[3., 4.], [2., 1.]])
    # shared_var after calling function_2
    np.testing.assert_array_equal(shared_var.get_value(), [[2., 3.], [1., 0.]])
    # New output of function_1() (shared_var**2)
    np.testing.assert_array_equal(function_1(), [[4., 9.], [1., 0.]])


# ---------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------

@pytest.mark.grad
def test_grad_of_foo_squared():
    """Seed 003 'Gradients': T.grad(bar, foo).eval({foo: 10}) == array(20.0)."""
    foo, bar = _foo_bar()
    bar_grad = T.grad(bar, foo)
    val = bar_grad.eval({foo: 10})
    assert np.ndim(val) == 0
    assert val == 20.0


@pytest.mark.grad
@pytest.mark.scan   # Theano 1.0 builds jacobian/hessian with scan
def test_jacobian_of_linear_mix_is_A():
    """Seed 003 'Gradients': theano.gradient.jacobian(y, x) of y = Ax + b evaluates to A."""
    A, x, b, y, z = _linear_mix_graph()
    y_J = theano.gradient.jacobian(y, x)
    linear_mix_J = theano.function([A, x, b], y_J)
    A_val = np.array([[9, 8, 7], [4, 5, 6]], dtype=floatX)
    out = linear_mix_J(A_val,  # A
                       np.array([1, 2, 3], dtype=floatX),  # x
                       np.array([4, 5], dtype=floatX))  # b
    assert out.shape == (2, 3)
    np.testing.assert_array_equal(out, [[9., 8., 7.], [4., 5., 6.]])


@pytest.mark.grad
@pytest.mark.scan   # Theano 1.0 builds jacobian/hessian with scan
def test_hessian():
    """Seed 003 'Gradients' mentions theano.gradient.hessian: Hessian of sum(x**3) + x0*x1."""
    x = T.vector('x')
    cost = T.sum(x ** 3) + x[0] * x[1]
    H = theano.gradient.hessian(cost, x)
    xv = np.array([1., 2., 3.], dtype=floatX)
    out = theano.function([x], H)(xv)
    expected = np.diag(6 * xv.astype('float64'))
    expected[0, 1] = expected[1, 0] = 1.
    np.testing.assert_allclose(out, expected, rtol=1e-6)


# ---------------------------------------------------------------------------
# Debugging
# ---------------------------------------------------------------------------

@pytest.mark.rewrite
def test_shape_mismatch_error_names_node_and_shapes():
    """Seed 003 'Debugging': C.eval with (3,4)·(5,6) raises ValueError naming the dot node and both shapes."""
    A = T.matrix('A')
    B = T.matrix('B')
    C = T.dot(A, B)
    with pytest.raises(ValueError) as excinfo:
        C.eval({A: np.zeros((3, 4), dtype=floatX),
                B: np.zeros((5, 6), dtype=floatX)})
    msg = str(excinfo.value)
    assert re.search(r"Apply node that caused the error: \S*[Dd]ot\S*\(A, B\)", msg), msg
    assert "Inputs shapes: [(3, 4), (5, 6)]" in msg, msg


@pytest.mark.rewrite
def test_compute_test_value_raises_at_dot_line():
    """Seed 003 'Debugging' In [15]: with compute_test_value='warn', C = T.dot(A, B) itself raises."""
    A = T.matrix('A')
    B = T.matrix('B')
    old = theano.config.compute_test_value
    try:
        # tell Theano to use test values, and warn when one is missing
        theano.config.compute_test_value = 'warn'
        A.tag.test_value = np.random.random((3, 4)).astype(floatX)
        B.tag.test_value = np.random.random((5, 6)).astype(floatX)
        # the error is raised while building the graph, on the T.dot line
        with pytest.raises(ValueError) as excinfo:
            T.dot(A, B)
    finally:
        # In [16]: we won't be using test values for the rest of the tutorial
        theano.config.compute_test_value = 'off'
        theano.config.compute_test_value = old
    msg = str(excinfo.value)
    assert re.search(r"\(3, ?4\)", msg) and re.search(r"\(5, ?6\)", msg), msg
    # with matching shapes the test value is propagated to the result
    with _change_flags(compute_test_value='raise'):
        A2 = T.matrix('A2')
        B2 = T.matrix('B2')
        A2.tag.test_value = np.ones((3, 4), dtype=floatX)
        B2.tag.test_value = np.ones((4, 6), dtype=floatX)
        C2 = T.dot(A2, B2)
        np.testing.assert_array_equal(C2.tag.test_value, np.full((3, 6), 4.))


def test_divide_gives_nan_in_fast_run():
    """Seed 003 'Debugging' In [17]: divide(10, 2) == 5.0 and divide(0, 0) is nan (FAST_RUN)."""
    num = T.scalar('num')
    den = T.scalar('den')
    divide = theano.function([num, den], num / den, mode='FAST_RUN')
    assert divide(10, 2) == 5.0
    with np.errstate(all='ignore'), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = divide(0, 0)
    assert np.isnan(out)


@pytest.mark.rewrite
def test_debugmode_raises_on_nan():
    """Seed 003 'Debugging' In [18]: under mode='DebugMode' the NaN of divide(0, 0) raises."""
    # The seed shows a Theano 0.7 AttributeError (config.unittests missing)
    # instead of the documented behaviour; Theano 1.0 raises InvalidValueError.
    from theano.compile.debugmode import InvalidValueError
    num = T.scalar('num')
    den = T.scalar('den')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        divide = theano.function([num, den], num / den, mode='DebugMode')
        assert divide(10, 2) == 5.0
        with np.errstate(all='ignore'):
            with pytest.raises(InvalidValueError):
                divide(0, 0)


# ---------------------------------------------------------------------------
# CPU vs GPU / floatX
# ---------------------------------------------------------------------------

FLOATX_SCRIPT = textwrap.dedent("""
    import numpy as np
    import theano
    import theano.tensor as T
    print(theano.config.device)
    print(theano.config.floatX)
    print(T.scalar('s').dtype)
    print(theano.shared(np.array([1.3, 2.4])).type())
    print(theano.shared(np.array([1.3, 2.4], dtype=theano.config.floatX)).type())
""")


@pytest.mark.parametrize("flags,expected_floatX", [
    (None, "float64"),
    ("device=cpu,floatX=float64", "float64"),
    ("device=cpu,floatX=float32", "float32"),
])
def test_floatX_from_theano_flags_subprocess(flags, expected_floatX, tmp_path):
    """Seed 003 'Using the CPU vs GPU': THEANO_FLAGS=device=cpu,floatX=... python your_script.py."""
    env = dict(os.environ)
    env.pop("THEANO_FLAGS", None)
    if flags is not None:
        env["THEANO_FLAGS"] = flags
    env["THEANORC"] = str(tmp_path / "no-such-theanorc")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    script = tmp_path / "your_script.py"
    script.write_text(FLOATX_SCRIPT)
    proc = subprocess.run([sys.executable, str(script)], cwd=str(tmp_path),
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()[-5:]
    assert lines == [
        "cpu",
        expected_floatX,
        expected_floatX,
        "<TensorType(float64, vector)>",
        "<TensorType(%s, vector)>" % expected_floatX,
    ]


def test_floatX_change_flags():
    """Seed 003 In [20]/[21] via theano.config.change_flags(floatX='float32'): numpy float64 stays float64."""
    old_floatX = theano.config.floatX
    with theano.config.change_flags(floatX='float32'):
        assert theano.config.floatX == 'float32'
        var = theano.shared(np.array([1.3, 2.4]))
        assert str(var.type()) == "<TensorType(float64, vector)>"  # !!!
        var = theano.shared(np.array([1.3, 2.4], dtype=theano.config.floatX))
        assert str(var.type()) == "<TensorType(float32, vector)>"
        assert T.scalar('s').dtype == 'float32'
        assert T.matrix('m').dtype == 'float32'
    assert theano.config.floatX == old_floatX


def test_floatX_runtime_assignment():
    """Seed 003 In [19]-[21] literally: print device/floatX, assign theano.config.floatX, restore it."""
    assert theano.config.device == 'cpu'
    old_floatX = theano.config.floatX
    try:
        theano.config.floatX = 'float32'
        var = theano.shared(np.array([1.3, 2.4]))
        assert str(var.type()) == "<TensorType(float64, vector)>"
        var = theano.shared(np.array([1.3, 2.4], dtype=theano.config.floatX))
        assert str(var.type()) == "<TensorType(float32, vector)>"
    finally:
        # restore the original value
        theano.config.floatX = old_floatX
    assert theano.config.floatX == old_floatX


# ---------------------------------------------------------------------------
# Example: MLP
# ---------------------------------------------------------------------------

class Layer(object):
    def __init__(self, W_init, b_init, activation):
        '''A layer of a neural network, computes s(Wx + b) where s is a
        nonlinearity and x is the input vector.'''
        # Retrieve the input and output dimensionality based on W's initialization
        n_output, n_input = W_init.shape
        # Make sure b is n_output in size
        assert b_init.shape == (n_output,)
        # All parameters should be shared variables.
        self.W = theano.shared(value=W_init.astype(theano.config.floatX),
                               # The name parameter is solely for printing purposes
                               name='W',
                               # Setting borrow=True allows Theano to use user memory for this object.
                               borrow=True)
        # We can force our bias vector b to be a column vector using numpy's reshape method.
        self.b = theano.shared(value=b_init.reshape(n_output, 1).astype(theano.config.floatX),
                               name='b',
                               borrow=True,
                               # b can be broadcast (copied) along its second dimension
                               broadcastable=(False, True))
        self.activation = activation
        # We'll compute the gradient of the cost of the network with respect to the parameters in this list.
        self.params = [self.W, self.b]

    def output(self, x):
        '''Compute this layer's output given an input'''
        # Compute linear mix
        lin_output = T.dot(self.W, x) + self.b
        # Output is just linear mix if no activation function
        # Otherwise, apply the activation function
        return (lin_output if self.activation is None else self.activation(lin_output))


class MLP(object):
    def __init__(self, W_init, b_init, activations):
        '''Multi-layer perceptron class, computes the composition of a sequence of Layers'''
        # Make sure the input lists are all of the same length
        assert len(W_init) == len(b_init) == len(activations)
        # Initialize lists of layers
        self.layers = []
        # Construct the layers
        for W, b, activation in zip(W_init, b_init, activations):
            self.layers.append(Layer(W, b, activation))
        # Combine parameters from all layers
        self.params = []
        for layer in self.layers:
            self.params += layer.params

    def output(self, x):
        '''Compute the MLP's output given an input'''
        # Recursively compute output
        for layer in self.layers:
            x = layer.output(x)
        return x

    def squared_error(self, x, y):
        '''Compute the squared euclidean error of the network output against the "true" output y'''
        return T.sum((self.output(x) - y) ** 2)


def gradient_updates_momentum(cost, params, learning_rate, momentum):
    '''Compute updates for gradient descent with momentum'''
    # Make sure momentum is a sane value
    assert momentum < 1 and momentum >= 0
    # List of update steps for each parameter
    updates = []
    # Just gradient descent on cost
    for param in params:
        # For each parameter, we'll create a param_update shared variable.
        # We initialize it to 0
        param_update = theano.shared(param.get_value() * 0., broadcastable=param.broadcastable)
        # Each parameter is updated by taking a step in the direction of the gradient.
        # However, we also "mix in" the previous step according to the given momentum value.
        updates.append((param, param - learning_rate * param_update))
        # Note that we don't need to derive backpropagation to compute updates - just use T.grad!
        updates.append((param_update, momentum * param_update + (1. - momentum) * T.grad(cost, param)))
    return updates


def _numpy_reference_mlp(X, y, W_init, b_init, learning_rate, momentum, iterations):
    """Plain numpy version of the seed's 2-layer sigmoid MLP trained with momentum."""
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    params = [W_init[0].astype('float64'), b_init[0].reshape(-1, 1).astype('float64'),
              W_init[1].astype('float64'), b_init[1].reshape(-1, 1).astype('float64')]
    param_updates = [p * 0. for p in params]
    X = X.astype('float64')
    y = y.astype('float64')
    costs, accuracies = [], []
    for _ in range(iterations):
        W0, b0, W1, b1 = params
        h = sig(W0 @ X + b0)
        o = sig(W1 @ h + b1)
        costs.append(np.sum((o - y) ** 2))
        d_o = 2 * (o - y) * o * (1 - o)
        d_h = (W1.T @ d_o) * h * (1 - h)
        grads = [d_h @ X.T, d_h.sum(1, keepdims=True), d_o @ h.T, d_o.sum(1, keepdims=True)]
        params = [p - learning_rate * pu for p, pu in zip(params, param_updates)]
        param_updates = [momentum * pu + (1. - momentum) * g
                         for pu, g in zip(param_updates, grads)]
        W0, b0, W1, b1 = params
        out = sig(W1 @ sig(W0 @ X + b0) + b1)
        accuracies.append(np.mean((out > .5) == y))
    return costs, accuracies


@pytest.mark.grad
def test_mlp_with_momentum_trains():
    """Seed 003 'Example: MLP': 20 momentum iterations on 1000 points; cost decreases, accuracy > 0.75."""
    # Training data - two randomly-generated Gaussian-distributed clouds of points in 2d space
    np.random.seed(0)
    # Number of points
    N = 1000
    # Labels for each cluster.  The seed calls np.random.random_integers(0, 1, N),
    # removed from NumPy; randint(0, 2, N) draws the identical stream.
    y = np.random.randint(0, 2, N)
    # Mean of each cluster
    means = np.array([[-1, 1], [-1, 1]])
    # Covariance (in X and Y direction) of each cluster
    covariances = np.random.random_sample((2, 2)) + 1
    # Dimensions of each point
    X = np.vstack([np.random.randn(N) * covariances[0, y] + means[0, y],
                   np.random.randn(N) * covariances[1, y] + means[1, y]]).astype(theano.config.floatX)
    # Convert to targets, as floatX
    y = y.astype(theano.config.floatX)

    # First, set the size of each layer (and the number of layers)
    layer_sizes = [X.shape[0], X.shape[0] * 2, 1]
    # Set initial parameter values
    W_init = []
    b_init = []
    activations = []
    for n_input, n_output in zip(layer_sizes[:-1], layer_sizes[1:]):
        # Normally distribute initial weights
        W_init.append(np.random.randn(n_output, n_input))
        # Set initial biases to 1
        b_init.append(np.ones(n_output))
        # We'll use sigmoid activation for all layers
        activations.append(T.nnet.sigmoid)
    # Create an instance of the MLP class
    mlp = MLP(W_init, b_init, activations)
    assert len(mlp.params) == 4
    assert mlp.layers[0].b.broadcastable == (False, True)

    # Create Theano variables for the MLP input
    mlp_input = T.matrix('mlp_input')
    # ... and the desired output
    mlp_target = T.vector('mlp_target')
    # Learning rate and momentum hyperparameter values
    learning_rate = 0.01
    momentum = 0.9
    # Create a function for computing the cost of the network given an input
    cost = mlp.squared_error(mlp_input, mlp_target)
    # Create a theano function for training the network
    train = theano.function([mlp_input, mlp_target], cost,
                            updates=gradient_updates_momentum(cost, mlp.params, learning_rate, momentum))
    # Create a theano function for computing the MLP's output given some input
    mlp_output = theano.function([mlp_input], mlp.output(mlp_input))

    # Keep track of the number of training iterations performed
    iteration = 0
    # We'll only train the network with 20 iterations.
    max_iteration = 20
    costs, accuracies = [], []
    while iteration < max_iteration:
        current_cost = train(X, y)
        # Get the current network output for all points in the training set
        current_output = mlp_output(X)
        assert current_output.shape == (1, N)
        # We can compute the accuracy by thresholding the output
        # and computing the proportion of points whose class match the ground truth class.
        accuracy = np.mean((current_output > .5) == y)
        costs.append(float(current_cost))
        accuracies.append(accuracy)
        iteration += 1

    assert all(np.isfinite(costs))
    # param_update starts at 0, so the first step leaves the parameters unchanged
    np.testing.assert_allclose(costs[1], costs[0], rtol=1e-6)
    # with momentum the cost is not monotonic, but it does go down overall
    assert costs[-1] < costs[0]
    assert min(costs) < 0.7 * costs[0]
    assert accuracies[-1] > 0.75

    ref_costs, ref_acc = _numpy_reference_mlp(X, y, W_init, b_init,
                                              learning_rate, momentum, max_iteration)
    rtol = 1e-3 if theano.config.floatX == 'float32' else 1e-8
    np.testing.assert_allclose(costs, ref_costs, rtol=rtol)
    np.testing.assert_allclose(accuracies, ref_acc, atol=0.01)
