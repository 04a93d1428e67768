"""One training step of the Deep Learning Tutorials' LeNet, Theano vs. NumPy.

The network of ``convolutional_mlp.py``: a batch of 500 MNIST-sized images
(1 x 28 x 28); conv 5x5 with 20 filters, 2x2 max pooling, tanh; conv 5x5 with
50 filters, 2x2 max pooling, tanh; a 800 -> 500 tanh layer; a 500 -> 10
softmax; negative log-likelihood; SGD updates of the 8 parameters.

The Theano step is the compiled function of the tutorial (``conv2d`` and
``pool_2d``, gradients from ``T.grad``, updates).  The reference is the same
forward and backward pass written by hand in NumPy (``sliding_window_view``
+ ``np.tensordot`` for the convolutions, reshapes for the pooling).  Both
run in float64 and float32 (``--floatX``); the script checks that they agree
and prints the times and their ratio.

Run: python bench/bench_conv.py [--floatX float32]
"""
import argparse
import os

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from _common import best_time, report

parser = argparse.ArgumentParser()
parser.add_argument("--floatX", default="float64", choices=["float64", "float32"])
parser.add_argument("--repeat", type=int, default=5)
args = parser.parse_args()
# As the tutorial is run: THEANO_FLAGS=floatX=float32 for single precision.
os.environ["THEANO_FLAGS"] = ",".join(
    f for f in (os.environ.get("THEANO_FLAGS", ""), "floatX=" + args.floatX) if f)

import theano  # noqa: E402
import theano.tensor as T  # noqa: E402
from theano.tensor.nnet import conv_api  # noqa: E402
from theano.tensor.signal import pool  # noqa: E402

FX = args.floatX
BATCH, LR = 500, 0.1
rng = np.random.RandomState(23455)


def uniform(shape, fan_in, fan_out):
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=shape).astype(FX)


shapes = {"W0": (20, 1, 5, 5), "W1": (50, 20, 5, 5)}
params0 = {
    "W0": uniform(shapes["W0"], 25, 20 * 25 / 4), "b0": np.zeros(20, FX),
    "W1": uniform(shapes["W1"], 20 * 25, 50 * 25 / 4), "b1": np.zeros(50, FX),
    "W2": uniform((800, 500), 800, 500), "b2": np.zeros(500, FX),
    "W3": np.zeros((500, 10), FX), "b3": np.zeros(10, FX)}
# A zero output layer gives zero gradients below it: start from random weights.
params0["W3"] = uniform((500, 10), 500, 10)
x_val = rng.rand(BATCH, 784).astype(FX)
y_val = rng.randint(0, 10, size=BATCH).astype("int32")

# -- Theano -----------------------------------------------------------------
shared = {k: theano.shared(v.copy(), name=k) for k, v in params0.items()}
x, y = T.matrix("x", dtype=FX), T.ivector("y")
layer0_in = x.reshape((BATCH, 1, 28, 28))
c0 = conv_api.conv2d(layer0_in, shared["W0"], filter_shape=shapes["W0"],
                     input_shape=(BATCH, 1, 28, 28))
h0 = T.tanh(pool.pool_2d(c0, ws=(2, 2), ignore_border=True)
            + shared["b0"].dimshuffle("x", 0, "x", "x"))
c1 = conv_api.conv2d(h0, shared["W1"], filter_shape=shapes["W1"],
                     input_shape=(BATCH, 20, 12, 12))
h1 = T.tanh(pool.pool_2d(c1, ws=(2, 2), ignore_border=True)
            + shared["b1"].dimshuffle("x", 0, "x", "x"))
h2 = T.tanh(T.dot(h1.flatten(2), shared["W2"]) + shared["b2"])
p_y = T.nnet.softmax(T.dot(h2, shared["W3"]) + shared["b3"])
cost = -T.mean(T.log(p_y)[T.arange(y.shape[0]), y])
names = ["W0", "b0", "W1", "b1", "W2", "b2", "W3", "b3"]
grads = T.grad(cost, [shared[k] for k in names])
train = theano.function([x, y], cost, updates=[(shared[k], shared[k] - LR * g)
                                               for k, g in zip(names, grads)])


# -- NumPy ------------------------------------------------------------------
def conv_valid(img, w):
    """Convolution (flipped kernel) of (B, C, H, W) by (F, C, kh, kw), 'valid'."""
    win = sliding_window_view(img, w.shape[2:], axis=(2, 3))   # B, C, oh, ow, kh, kw
    return np.tensordot(win, w[:, :, ::-1, ::-1], axes=([1, 4, 5], [1, 2, 3])).transpose(
        0, 3, 1, 2)


def conv_grad_w(img, top, kshape):
    win = sliding_window_view(img, kshape, axis=(2, 3))         # B, C, oh, ow, kh, kw
    g = np.tensordot(top, win, axes=([0, 2, 3], [0, 2, 3]))     # F, C, kh, kw
    return g[:, :, ::-1, ::-1]


def conv_grad_x(w, top):
    kh, kw = w.shape[2:]
    padded = np.pad(top, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    win = sliding_window_view(padded, (kh, kw), axis=(2, 3))   # B, F, H, W, kh, kw
    return np.tensordot(win, w, axes=([1, 4, 5], [0, 2, 3])).transpose(0, 3, 1, 2)


def maxpool(a):
    b, c, h, w = a.shape
    blocks = a.reshape(b, c, h // 2, 2, w // 2, 2)
    out = blocks.max(axis=(3, 5))
    mask = blocks == out[:, :, :, None, :, None]
    return out, mask


def unpool(g, mask):
    b, c, h, _, w, _ = mask.shape
    return (mask * g[:, :, :, None, :, None]).reshape(b, c, 2 * h, 2 * w)


def numpy_step(p, xb, yb):
    a0 = xb.reshape(BATCH, 1, 28, 28)
    c0 = conv_valid(a0, p["W0"])
    m0, mask0 = maxpool(c0)
    h0 = np.tanh(m0 + p["b0"][None, :, None, None])
    c1 = conv_valid(h0, p["W1"])
    m1, mask1 = maxpool(c1)
    h1 = np.tanh(m1 + p["b1"][None, :, None, None])
    f1 = h1.reshape(BATCH, -1)
    h2 = np.tanh(f1 @ p["W2"] + p["b2"])
    z = h2 @ p["W3"] + p["b3"]
    z = z - z.max(axis=1, keepdims=True)
    sm = np.exp(z)
    sm /= sm.sum(axis=1, keepdims=True)
    cost = -np.mean(np.log(sm[np.arange(BATCH), yb]))
    dz = sm.copy()
    dz[np.arange(BATCH), yb] -= 1
    dz /= BATCH
    g = {"W3": h2.T @ dz, "b3": dz.sum(0)}
    dh2 = (dz @ p["W3"].T) * (1 - h2 ** 2)
    g["W2"], g["b2"] = f1.T @ dh2, dh2.sum(0)
    dm1 = (dh2 @ p["W2"].T).reshape(h1.shape) * (1 - h1 ** 2)
    g["b1"] = dm1.sum(axis=(0, 2, 3))
    dc1 = unpool(dm1, mask1)
    g["W1"] = conv_grad_w(h0, dc1, p["W1"].shape[2:])
    dm0 = conv_grad_x(p["W1"], dc1) * (1 - h0 ** 2)
    g["b0"] = dm0.sum(axis=(0, 2, 3))
    g["W0"] = conv_grad_w(a0, unpool(dm0, mask0), p["W0"].shape[2:])
    for k in p:
        p[k] = (p[k] - LR * g[k]).astype(FX)
    return cost


# -- Check, then time ---------------------------------------------------------
ref_params = {k: v.copy() for k, v in params0.items()}
costs_np = [numpy_step(ref_params, x_val, y_val) for _ in range(3)]
costs_th = [float(train(x_val, y_val)) for _ in range(3)]
tol = 1e-3 if FX == "float32" else 1e-9
assert np.allclose(costs_np, costs_th, rtol=tol), (costs_np, costs_th)
for k in names:
    assert np.allclose(ref_params[k], shared[k].get_value(), rtol=tol * 10, atol=tol), k

t_np = best_time(lambda: numpy_step(ref_params, x_val, y_val), repeat=args.repeat)
t_th = best_time(lambda: train(x_val, y_val), repeat=args.repeat)
print("LeNet training step, batch %d, %s (costs agree: %s)"
      % (BATCH, FX, ", ".join("%.6f" % c for c in costs_th)))
report([("NumPy (sliding_window_view + tensordot)", t_np), ("Theano (conv2d + pool_2d)", t_th)],
       "NumPy (sliding_window_view + tensordot)")
