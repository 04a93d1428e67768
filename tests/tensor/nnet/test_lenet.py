"""The Deep Learning Tutorials' LeNet shape (conv 5x5 -> max-pool 2x2 -> conv 5x5 -> max-pool
2x2 -> tanh hidden layer -> softmax), trained on a small MNIST-shaped data set (28x28 images of
ten noisy templates) with the default mode; its error on held-out images falls far below
chance."""
import numpy as np

import theano
import theano.tensor as T
from theano.tensor.nnet import conv2d
from theano.tensor.signal import pool


def _data(rng, templates, n):
    labels = rng.randint(0, len(templates), n).astype("int32")
    images = templates[labels] + 0.8 * rng.rand(n, 28, 28)
    return images.reshape(n, 784).astype(theano.config.floatX), labels


def _conv_pool_layer(h, shape, rng):
    fan_in = np.prod(shape[1:])
    W = theano.shared(rng.uniform(-1, 1, shape).astype(theano.config.floatX) / np.sqrt(fan_in))
    b = theano.shared(np.zeros(shape[0], theano.config.floatX))
    out = pool.pool_2d(conv2d(h, W, filter_shape=shape), ws=(2, 2), ignore_border=True)
    return T.tanh(out + b.dimshuffle("x", 0, "x", "x")), [W, b]


def _dense(n_in, n_out, rng):
    W = theano.shared(rng.uniform(-1, 1, (n_in, n_out)).astype(theano.config.floatX)
                      / np.sqrt(n_in))
    return W, theano.shared(np.zeros(n_out, theano.config.floatX))


def test_lenet_trains_below_chance_on_mnist_shaped_images():
    rng = np.random.RandomState(0)
    templates = rng.rand(10, 28, 28) > 0.7
    train_x, train_y = _data(rng, templates, 200)
    test_x, test_y = _data(rng, templates, 100)

    x, y = T.matrix("x"), T.ivector("y")
    h = x.reshape((x.shape[0], 1, 28, 28))
    h, p1 = _conv_pool_layer(h, (4, 1, 5, 5), rng)     # -> 4 x 12 x 12
    h, p2 = _conv_pool_layer(h, (6, 4, 5, 5), rng)     # -> 6 x 4 x 4
    W3, b3 = _dense(6 * 4 * 4, 32, rng)
    W4, b4 = _dense(32, 10, rng)
    h = T.tanh(T.dot(h.flatten(2), W3) + b3)
    p_y = T.nnet.softmax(T.dot(h, W4) + b4)
    cost = -T.mean(T.log(p_y)[T.arange(y.shape[0]), y])
    error = T.mean(T.neq(T.argmax(p_y, axis=1), y))
    params = p1 + p2 + [W3, b3, W4, b4]
    grads = T.grad(cost, params)
    train = theano.function([x, y], cost,
                            updates=[(q, q - 0.3 * g) for q, g in zip(params, grads)])
    test = theano.function([x, y], error)

    before = test(test_x, test_y)
    assert before > 0.7                          # chance is 0.9
    costs = []
    for _ in range(8):
        for k in range(0, 200, 20):
            costs.append(train(train_x[k:k + 20], train_y[k:k + 20]))
    assert np.all(np.isfinite(costs))
    assert np.mean(costs[-10:]) < 0.5 * np.mean(costs[:10])
    assert test(test_x, test_y) < 0.2
