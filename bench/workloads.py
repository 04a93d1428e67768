"""The workloads of ``bench/run.py``: each one defined once, for every implementation.

A workload holds its data (``data(rng)``), its NumPy implementation written by
hand (``numpy``, which is also the reference every other implementation is
checked against), one symbolic builder shared by theano and PyTensor
(``symbolic(lib, d)``, where ``lib`` is a :class:`SymLib`), a JAX version
(``jax(jx, d)``), the bytes it must at least read and write (``traffic``)
and, for training steps, the matrix products alone (``dots``).

Every implementation returns a :class:`Runner`: ``call()`` does one step (the
thing timed; JAX calls block until ready) and ``result(out)`` turns what the
first call returned into a list of NumPy arrays to compare with the
reference: the outputs, and for training steps the cost followed by the
parameters after the step.
"""
import numpy as np

LR = 0.1


class Runner:
    __slots__ = ("call", "result")

    def __init__(self, call, result):
        self.call = call
        self.result = result


class SymLib:
    """What the symbolic builders need from theano or PyTensor (same names in both)."""

    def __init__(self, name, function, shared, scan, T, softmax, sigmoid):
        self.name, self.function, self.shared, self.scan = name, function, shared, scan
        self.T, self.softmax, self.sigmoid = T, softmax, sigmoid


def theano_lib(mode=None):
    """The theano library with its default mode (FAST_RUN, default flags), or with ``mode``
    (``'JAX'``: this project's JAX mode): public 1.0 API only."""
    import functools

    import theano
    import theano.tensor as T
    function = theano.function if mode is None else functools.partial(theano.function,
                                                                         mode=mode)
    return SymLib("theano", function, theano.shared, theano.scan, T,
                  T.nnet.softmax, T.nnet.sigmoid)


def pytensor_lib(mode):
    """PyTensor compiled with ``mode`` (None: its default mode)."""
    import functools

    import pytensor
    import pytensor.tensor as pt
    from pytensor.tensor.special import softmax

    function = pytensor.function if mode is None else functools.partial(pytensor.function,
                                                                           mode=mode)
    return SymLib("pytensor", function, pytensor.shared, pytensor.scan, pt,
                  lambda z: softmax(z, axis=-1), pt.sigmoid)


def _arrays(out):
    if isinstance(out, (list, tuple)):
        return [np.asarray(o) for o in out]
    return [np.asarray(out)]


def _fn_runner(call):
    return Runner(call, _arrays)


def _jax_fn_runner(jx, fn, args):
    f = jx.jax.jit(fn)
    dev = [jx.jnp.asarray(a) for a in args]
    return Runner(lambda: jx.jax.block_until_ready(f(*dev)), _arrays)


def _np_softmax_rows(z):
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def _nbytes(*arrays):
    return sum(a.nbytes for a in arrays)


class Workload:
    key = ""           # name for --only
    title = ""         # table row label
    kind = "fn"        # "fn" (outputs compared) or "train" (cost + updated parameters)
    steps = 1          # times are reported per step: seconds / steps
    per = "call"
    size = ""          # sizes, for RESULTS.md
    outputs = None     # names of the compared arrays, for mismatch messages

    # Each workload defines: data(rng) -> dict of arrays; numpy(d), symbolic(lib, d) and
    # jax(jx, d) -> Runner; traffic(d, ref) -> (bytes read, bytes written) at the least, given
    # the reference results ``ref``.
    dots = None        # training steps: d -> callable doing only the step's matrix products

    def reference(self, d):
        r = self.numpy(d)
        return r.result(r.call())


# --------------------------------------------------------------------------- training steps

class _Classifier(Workload):
    """Softmax classifier trained by one SGD step on the mean NLL of integer labels."""

    kind = "train"
    per = "step"

    def traffic(self, d, ref):
        ps = self.params(d)
        return _nbytes(d["X"], d["y"], *ps), _nbytes(*ps)

    @staticmethod
    def _sym_step(lib, d, names, forward, x_type="dmatrix"):
        T = lib.T
        X, y = getattr(T, x_type)("X"), T.ivector("y")
        params = [lib.shared(d[n].copy(), name=n) for n in names]
        p = lib.softmax(forward(T, X, *params))
        cost = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
        grads = T.grad(cost, params)
        f = lib.function([X, y], cost,
                         updates=[(q, q - LR * g) for q, g in zip(params, grads)])
        X_v, y_v = d["X"], d["y"]
        return Runner(lambda: f(X_v, y_v),
                      lambda out: [np.asarray(out)] + [q.get_value() for q in params])

    @staticmethod
    def _jax_step(jx, d, names, forward):
        jax, jnp = jx.jax, jx.jnp
        n = d["y"].shape[0]

        def loss(params, X, y):
            logp = jax.nn.log_softmax(forward(jnp, X, *params), axis=-1)
            return -jnp.mean(logp[jnp.arange(n), y])

        @jax.jit
        def step(params, X, y):
            cost, grads = jax.value_and_grad(loss)(params, X, y)
            return cost, tuple(q - LR * g for q, g in zip(params, grads))

        state = [tuple(jnp.asarray(d[k]) for k in names)]
        X_d, y_d = jnp.asarray(d["X"]), jnp.asarray(d["y"])

        def call():
            cost, state[0] = jax.block_until_ready(step(state[0], X_d, y_d))
            return cost

        return Runner(call, lambda cost: [np.asarray(cost)] + [np.asarray(q) for q in state[0]])


def _nll_backward(p, y):
    """Cost and d(cost)/d(logits) of the mean NLL; ``p`` (softmax rows) is overwritten."""
    n = p.shape[0]
    rows = np.arange(n)
    cost = -np.mean(np.log(p[rows, y]))
    p[rows, y] -= 1.0
    p /= n
    return cost, p


class LogReg(_Classifier):
    key = "logreg"
    title = "logistic regression SGD step"
    size = "X 500x784, W 784x10, b 10, int labels, lr 0.1"
    outputs = ["cost", "W after the step", "b after the step"]

    def data(self, rng):
        return {"X": rng.standard_normal((500, 784)),
                "y": rng.integers(0, 10, 500).astype(np.int32),
                "W": rng.standard_normal((784, 10)) * 0.01,
                "b": rng.standard_normal(10) * 0.01}

    def params(self, d):
        return [d["W"], d["b"]]

    @staticmethod
    def _forward(T, X, W, b):
        return T.dot(X, W) + b

    def numpy(self, d):
        X, y, W, b = d["X"], d["y"], d["W"].copy(), d["b"].copy()

        def step():
            cost, dz = _nll_backward(_np_softmax_rows(X @ W + b), y)
            W[...] -= LR * (X.T @ dz)
            b[...] -= LR * dz.sum(axis=0)
            return cost

        return Runner(step, lambda cost: [np.asarray(cost), W.copy(), b.copy()])

    def symbolic(self, lib, d):
        return self._sym_step(lib, d, ["W", "b"], self._forward)

    def jax(self, jx, d):
        return self._jax_step(jx, d, ["W", "b"], self._forward)

    def dots(self, d):
        X, W = d["X"], d["W"]
        z = np.empty((500, 10))
        g = np.empty_like(W)

        def run():
            np.dot(X, W, out=z)
            np.dot(X.T, z, out=g)
        return run


class MLP(_Classifier):
    key = "mlp"
    title = "MLP 784-500-10 tanh SGD step"
    size = "batch 128, tanh hidden 500, softmax 10, NLL, lr 0.1"

    def data(self, rng):
        a1, a2 = np.sqrt(6.0 / (784 + 500)), np.sqrt(6.0 / (500 + 10))
        return {"X": rng.standard_normal((128, 784)),
                "y": rng.integers(0, 10, 128).astype(np.int32),
                "W1": rng.uniform(-a1, a1, (784, 500)), "b1": np.zeros(500),
                "W2": rng.uniform(-a2, a2, (500, 10)), "b2": np.zeros(10)}

    NAMES = ["W1", "b1", "W2", "b2"]
    outputs = ["cost"] + ["%s after the step" % k for k in NAMES]

    def params(self, d):
        return [d[k] for k in self.NAMES]

    @staticmethod
    def _forward(T, X, W1, b1, W2, b2):
        return T.dot(T.tanh(T.dot(X, W1) + b1), W2) + b2

    def numpy(self, d):
        X, y = d["X"], d["y"]
        W1, b1, W2, b2 = (d[k].copy() for k in self.NAMES)

        def step():
            h = np.tanh(X @ W1 + b1)
            cost, dz = _nll_backward(_np_softmax_rows(h @ W2 + b2), y)
            dh = (dz @ W2.T) * (1.0 - h * h)
            W2[...] -= LR * (h.T @ dz)
            b2[...] -= LR * dz.sum(axis=0)
            W1[...] -= LR * (X.T @ dh)
            b1[...] -= LR * dh.sum(axis=0)
            return cost

        return Runner(step, lambda cost: [np.asarray(cost)] + [a.copy() for a in (W1, b1, W2, b2)])

    def symbolic(self, lib, d):
        return self._sym_step(lib, d, self.NAMES, self._forward)

    def jax(self, jx, d):
        return self._jax_step(jx, d, self.NAMES, self._forward)

    def dots(self, d):
        X, W1, W2 = d["X"], d["W1"], d["W2"]
        h, z, dh = np.empty((128, 500)), np.empty((128, 10)), np.empty((128, 500))
        g1, g2 = np.empty_like(W1), np.empty_like(W2)

        def run():
            np.dot(X, W1, out=h)
            np.dot(h, W2, out=z)
            np.dot(h.T, z, out=g2)
            np.dot(z, W2.T, out=dh)
            np.dot(X.T, dh, out=g1)
        return run


class RNN(Workload):
    """Elman RNN over a sequence with scan; cost and gradients w.r.t. the weights."""

    key = "rnn"
    title = "RNN scan T=200: cost + grads"
    kind = "fn"
    per = "call"
    size = "T 200, batch 16, input 32, hidden 64, tanh; cost mean((H-Y)^2); grads Wx, Wh, b"
    T_, B, NI, NH = 200, 16, 32, 64
    outputs = ["cost", "grad Wx", "grad Wh", "grad b"]

    def data(self, rng):
        T_, B, NI, NH = self.T_, self.B, self.NI, self.NH
        return {"X": rng.standard_normal((T_, B, NI)),
                "Y": rng.standard_normal((T_, B, NH)) * 0.5,
                "h0": rng.standard_normal((B, NH)) * 0.1,
                "Wx": rng.standard_normal((NI, NH)) / np.sqrt(NI),
                "Wh": rng.standard_normal((NH, NH)) * (0.9 / np.sqrt(NH)),
                "b": rng.standard_normal(NH) * 0.1}

    def traffic(self, d, ref):
        w = (d["Wx"], d["Wh"], d["b"])
        return _nbytes(d["X"], d["Y"], d["h0"], *w), _nbytes(*w) + 8

    def numpy(self, d):
        X, Y, h0, Wx, Wh, b = (d[k] for k in ("X", "Y", "h0", "Wx", "Wh", "b"))
        T_, B, NI, NH = self.T_, self.B, self.NI, self.NH
        X2 = X.reshape(T_ * B, NI)

        def run():
            H = (X2 @ Wx).reshape(T_, B, NH)
            H += b
            h = h0
            for t in range(T_):
                H[t] += h @ Wh
                np.tanh(H[t], out=H[t])
                h = H[t]
            diff = H - Y
            cost = np.mean(diff * diff)
            dH = diff * (2.0 / diff.size)
            dA = np.empty_like(H)
            dh = np.zeros((B, NH))
            for t in range(T_ - 1, -1, -1):
                dh += dH[t]
                dA[t] = dh * (1.0 - H[t] * H[t])
                dh = dA[t] @ Wh.T
            dA2 = dA.reshape(T_ * B, NH)
            H_prev = np.concatenate([h0[None], H[:-1]]).reshape(T_ * B, NH)
            return [np.asarray(cost), X2.T @ dA2, H_prev.T @ dA2, dA2.sum(axis=0)]

        return _fn_runner(run)

    def symbolic(self, lib, d):
        T = lib.T
        X, Y, h0 = T.dtensor3("X"), T.dtensor3("Y"), T.dmatrix("h0")
        Wx, Wh, b = (lib.shared(d[k].copy(), name=k) for k in ("Wx", "Wh", "b"))
        H, _ = lib.scan(lambda x_t, h, Wx, Wh, b: T.tanh(T.dot(x_t, Wx) + T.dot(h, Wh) + b),
                        sequences=X, outputs_info=h0, non_sequences=[Wx, Wh, b])
        cost = T.mean((H - Y) ** 2)
        f = lib.function([X, Y, h0], [cost] + T.grad(cost, [Wx, Wh, b]))
        args = (d["X"], d["Y"], d["h0"])
        return _fn_runner(lambda: f(*args))

    def jax(self, jx, d):
        jax, jnp = jx.jax, jx.jnp

        def loss(params, X, Y, h0):
            Wx, Wh, b = params

            def step(h, x_t):
                h = jnp.tanh(x_t @ Wx + h @ Wh + b)
                return h, h

            _, H = jax.lax.scan(step, h0, X)
            return jnp.mean((H - Y) ** 2)

        def fn(Wx, Wh, b, X, Y, h0):
            cost, grads = jax.value_and_grad(loss)((Wx, Wh, b), X, Y, h0)
            return (cost,) + tuple(grads)

        return _jax_fn_runner(jx, fn, [d[k] for k in ("Wx", "Wh", "b", "X", "Y", "h0")])

    def dots(self, d):
        T_, B, NI, NH = self.T_, self.B, self.NI, self.NH
        X2, Wx, Wh = d["X"].reshape(T_ * B, NI), d["Wx"], d["Wh"]
        A = np.empty((T_ * B, NH))
        H = np.empty((T_, B, NH))
        H[0] = d["h0"]
        dh = np.empty((B, NH))
        gx, gh = np.empty_like(Wx), np.empty_like(Wh)
        H2 = H.reshape(T_ * B, NH)

        def run():
            np.dot(X2, Wx, out=A)
            for t in range(1, T_):
                np.dot(H[t - 1], Wh, out=H[t])
            for t in range(T_ - 1, -1, -1):
                np.dot(H[t], Wh.T, out=dh)
            np.dot(X2.T, A, out=gx)
            np.dot(H2.T, A, out=gh)
        return run


class LSTM(_Classifier):
    """The Deep Learning Tutorials' LSTM sentiment model (``lstm.py``): gates i, f, o, c from
    one stacked product, the input projection computed for all steps before the scan, mean
    pooling over time, a softmax classifier; one SGD step (cost, then every parameter)."""

    key = "lstm"
    title = "LSTM (DLT lstm.py) scan T=100 SGD step"
    size = "T 100, batch 16, input 128, hidden 128, 2 classes, mean pooling, NLL, lr 0.1"
    T_, B, NI, NH, NC = 100, 16, 128, 128, 2
    NAMES = ["W", "U", "b", "V", "bv"]
    outputs = ["cost"] + ["%s after the step" % k for k in NAMES]

    def data(self, rng):
        T_, B, NI, NH, NC = self.T_, self.B, self.NI, self.NH, self.NC
        return {"X": rng.standard_normal((T_, B, NI)),
                "y": rng.integers(0, NC, B).astype(np.int32),
                "W": rng.standard_normal((NI, 4 * NH)) * 0.1,
                "U": rng.standard_normal((NH, 4 * NH)) * 0.1,
                "b": np.zeros(4 * NH),
                "V": rng.standard_normal((NH, NC)) * 0.1,
                "bv": np.zeros(NC)}

    def params(self, d):
        return [d[k] for k in self.NAMES]

    def numpy(self, d):
        T_, B, NI, NH = self.T_, self.B, self.NI, self.NH
        X, y = d["X"], d["y"]
        W, U, b, V, bv = (d[k].copy() for k in self.NAMES)
        X2 = X.reshape(T_ * B, NI)

        def sigmoid(a):
            np.negative(a, out=a)
            np.exp(a, out=a)
            a += 1.0
            np.reciprocal(a, out=a)

        def step():
            Z = (X2 @ W + b).reshape(T_, B, 4 * NH)   # pre-activations; then the gates
            H = np.empty((T_ + 1, B, NH))
            Cs = np.empty((T_ + 1, B, NH))
            H[0] = 0.0
            Cs[0] = 0.0
            for t in range(T_):
                z = Z[t]
                z += H[t] @ U
                sigmoid(z[:, :3 * NH])
                np.tanh(z[:, 3 * NH:], out=z[:, 3 * NH:])
                i, f, o, g = z[:, :NH], z[:, NH:2 * NH], z[:, 2 * NH:3 * NH], z[:, 3 * NH:]
                c = Cs[t + 1]
                np.multiply(f, Cs[t], out=c)
                c += i * g
                np.multiply(o, np.tanh(c), out=H[t + 1])
            proj = H[1:].mean(axis=0)
            cost, dz = _nll_backward(_np_softmax_rows(proj @ V + bv), y)
            dproj = (dz @ V.T) / T_
            dZ = np.empty_like(Z)
            dh = np.zeros((B, NH))
            dc = np.zeros((B, NH))
            for t in range(T_ - 1, -1, -1):
                z = Z[t]
                i, f, o, g = z[:, :NH], z[:, NH:2 * NH], z[:, 2 * NH:3 * NH], z[:, 3 * NH:]
                dh += dproj
                tc = np.tanh(Cs[t + 1])
                dc += dh * o * (1.0 - tc * tc)
                dzt = dZ[t]
                dzt[:, :NH] = dc * g * i * (1.0 - i)
                dzt[:, NH:2 * NH] = dc * Cs[t] * f * (1.0 - f)
                dzt[:, 2 * NH:3 * NH] = dh * tc * o * (1.0 - o)
                dzt[:, 3 * NH:] = dc * i * (1.0 - g * g)
                dc *= f
                dh = dzt @ U.T
            dZ2 = dZ.reshape(T_ * B, 4 * NH)
            H_prev = H[:-1].reshape(T_ * B, NH)
            V[...] -= LR * (proj.T @ dz)
            bv[...] -= LR * dz.sum(axis=0)
            W[...] -= LR * (X2.T @ dZ2)
            U[...] -= LR * (H_prev.T @ dZ2)
            b[...] -= LR * dZ2.sum(axis=0)
            return cost

        return Runner(step, lambda cost: [np.asarray(cost)] + [a.copy() for a in (W, U, b, V, bv)])

    def symbolic(self, lib, d):
        NH, B = self.NH, self.B

        def forward(T, X, W, U, b, V, bv):
            def step(z_t, h, c, U):
                z = z_t + T.dot(h, U)
                i, f = lib.sigmoid(z[:, :NH]), lib.sigmoid(z[:, NH:2 * NH])
                o, g = lib.sigmoid(z[:, 2 * NH:3 * NH]), T.tanh(z[:, 3 * NH:])
                c = f * c + i * g
                return o * T.tanh(c), c

            zeros = T.zeros((B, NH), dtype="float64")
            (H, _), _ = lib.scan(step, sequences=T.dot(X, W) + b, outputs_info=[zeros, zeros],
                                 non_sequences=[U])
            return T.dot(H.mean(axis=0), V) + bv

        return self._sym_step(lib, d, self.NAMES, forward, x_type="dtensor3")

    def jax(self, jx, d):
        jax, jnp, NH, B = jx.jax, jx.jnp, self.NH, self.B

        def forward(np_, X, W, U, b, V, bv):
            def step(carry, z_t):
                h, c = carry
                z = z_t + h @ U
                i, f = jax.nn.sigmoid(z[:, :NH]), jax.nn.sigmoid(z[:, NH:2 * NH])
                o, g = jax.nn.sigmoid(z[:, 2 * NH:3 * NH]), jnp.tanh(z[:, 3 * NH:])
                c = f * c + i * g
                h = o * jnp.tanh(c)
                return (h, c), h

            zeros = jnp.zeros((B, NH))
            _, H = jax.lax.scan(step, (zeros, zeros), X @ W + b)
            return H.mean(axis=0) @ V + bv

        return self._jax_step(jx, d, self.NAMES, forward)

    def dots(self, d):
        T_, B, NI, NH = self.T_, self.B, self.NI, self.NH
        X2, W, U = d["X"].reshape(T_ * B, NI), d["W"], d["U"]
        Z = np.empty((T_ * B, 4 * NH))
        H = np.zeros((T_, B, NH))
        z = np.empty((B, 4 * NH))
        dh = np.empty((B, NH))
        gW, gU = np.empty_like(W), np.empty_like(U)

        def run():
            np.dot(X2, W, out=Z)
            for t in range(T_):
                np.dot(H[t], U, out=z)
            for t in range(T_):
                np.dot(z, U.T, out=dh)
            np.dot(X2.T, Z, out=gW)
            np.dot(H.reshape(T_ * B, NH).T, Z, out=gU)
        return run


# --------------------------------------------------------------------------- functions

class TinyScan(Workload):
    key = "scan_tiny"
    title = "tiny scan: 10,000 steps of x*0.5+1"
    size = "x 4 float64, all 10,000 states returned; time per step"
    steps = 10000
    per = "step"
    outputs = ["states"]

    def data(self, rng):
        return {"x0": rng.standard_normal(4) * 10}

    def traffic(self, d, ref):
        return d["x0"].nbytes, self.steps * d["x0"].nbytes

    def numpy(self, d):
        x0, n = d["x0"], self.steps

        def run():
            out = np.empty((n, x0.size))
            x = x0
            for t in range(n):
                x = x * 0.5 + 1.0
                out[t] = x
            return out

        return _fn_runner(run)

    def symbolic(self, lib, d):
        x0 = lib.T.dvector("x0")
        seq, _ = lib.scan(lambda x: x * 0.5 + 1.0, outputs_info=x0, n_steps=self.steps)
        f = lib.function([x0], seq)
        x0_v = d["x0"]
        return _fn_runner(lambda: f(x0_v))

    def jax(self, jx, d):
        jax = jx.jax

        def fn(x0):
            def step(x, _):
                x = x * 0.5 + 1.0
                return x, x
            return jax.lax.scan(step, x0, None, length=self.steps)[1]

        return _jax_fn_runner(jx, fn, [d["x0"]])


class _Map(Workload):
    """A function of a few arrays: ``expr(M, *inputs)`` with ``M`` numpy, T or jnp."""

    inputs = ()   # names in d, in argument order
    dtype = "float64"

    def traffic(self, d, ref):
        args = [d[k] for k in self.inputs]
        return _nbytes(*args), _nbytes(*ref)

    def expr_numpy(self, *args):
        return self.expr(np, *args)

    def expr_sym(self, lib, *args):
        return self.expr(lib.T, *args)

    def expr_jax(self, jx, *args):
        return self.expr(jx.jnp, *args)

    def numpy(self, d):
        args = [d[k] for k in self.inputs]
        return _fn_runner(lambda: self.expr_numpy(*args))

    def symbolic(self, lib, d):
        args = [d[k] for k in self.inputs]
        make = {1: lib.T.vector, 2: lib.T.matrix}
        syms = [make[a.ndim](name=k, dtype=str(a.dtype)) for k, a in zip(self.inputs, args)]
        f = lib.function(syms, self.expr_sym(lib, *syms))
        return _fn_runner(lambda: f(*args))

    def jax(self, jx, d):
        return _jax_fn_runner(jx, lambda *a: self.expr_jax(jx, *a), [d[k] for k in self.inputs])


class SumSquares(_Map):
    key = "sumsq"
    title = "sum(x**2)"
    size = "x 10M float64"
    inputs = ("x",)

    def data(self, rng):
        return {"x": rng.standard_normal(10_000_000)}

    @staticmethod
    def expr(M, x):
        return M.sum(x ** 2)


class Softmax(_Map):
    key = "softmax"
    title = "row softmax"
    size = "4096x1024 float64"
    inputs = ("x",)

    def data(self, rng):
        return {"x": rng.standard_normal((4096, 1024)) * 3}

    def expr_numpy(self, x):
        return _np_softmax_rows(x.copy())

    def expr_sym(self, lib, x):
        return lib.softmax(x)

    def expr_jax(self, jx, x):
        return jx.jax.nn.softmax(x, axis=-1)


class Elemwise(_Map):
    key = "elemwise"
    title = "tanh(x*y+z)**2 - log1p(exp(x))*0.5"
    size = "3 arrays of 4M float64"
    inputs = ("x", "y", "z")

    def data(self, rng):
        n = 4_000_000
        return {"x": rng.standard_normal(n) * 3, "y": rng.standard_normal(n),
                "z": rng.standard_normal(n)}

    @staticmethod
    def expr(M, x, y, z):
        return M.tanh(x * y + z) ** 2 - M.log1p(M.exp(x)) * 0.5


class Sigmoid(_Map):
    size = "10M"
    inputs = ("x",)

    def __init__(self, dtype):
        self.dtype = dtype
        self.key = "sigmoid_" + {"float64": "f64", "float32": "f32"}[dtype]
        self.title = "sigmoid %s" % dtype
        self.size = "10M %s" % dtype

    def data(self, rng):
        return {"x": (rng.standard_normal(10_000_000) * 4).astype(self.dtype)}

    def expr_numpy(self, x):
        return 1 / (1 + np.exp(-x))

    def expr_sym(self, lib, x):
        return lib.sigmoid(x)

    def expr_jax(self, jx, x):
        return jx.jax.nn.sigmoid(x)


class AddSmall(_Map):
    key = "add_small"
    title = "a+b, length-10 vectors"
    size = "2 x 10 float64; time per call"
    inputs = ("a", "b")

    def data(self, rng):
        return {"a": rng.standard_normal(10), "b": rng.standard_normal(10)}

    @staticmethod
    def expr(M, a, b):
        return a + b


WORKLOADS = [LogReg(), MLP(), RNN(), LSTM(), TinyScan(), SumSquares(), Softmax(), Elemwise(),
             Sigmoid("float64"), Sigmoid("float32"), AddSmall()]

# The compile-time rows time building MLP's training function (graph, gradients, compile,
# first call) in a fresh process each.
COMPILE_WORKLOAD = MLP()
