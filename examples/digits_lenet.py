#!/usr/bin/env python
"""A small LeNet (convolution + max-pooling) on handwritten digits.

Two convolutional layers of 3x3 filters (``theano.tensor.nnet.conv2d`` with
``border_mode='half'``, which keeps the image size), each followed by a
rectifier and 2x2 max-pooling (``theano.tensor.signal.pool.pool_2d``), then a
softmax layer: 8x8 -> 4x4 -> 2x2 feature maps.  Trained with momentum; the
parameters of the best validation epoch are kept.

    python examples/digits_lenet.py          # about 10 s, test accuracy ~98%
    python examples/digits_lenet.py --quick  # the reduced run of the test suite

Writes examples/out/digits_lenet_filters.png (the first layer's filters and
what they make of one digit) and digits_lenet_curves.png.
"""
import example_utils as ex  # first: sets up matplotlib and BLAS threads
import numpy as np

import theano
import theano.tensor as T
from theano.tensor.nnet import conv2d
from theano.tensor.signal.pool import pool_2d


def conv_pool_layer(inputs, n_in, n_out, rng, name):
    """3x3 convolution (same size) + bias + rectifier + 2x2 max-pooling."""
    fan_in = n_in * 3 * 3
    filters = theano.shared((rng.randn(n_out, n_in, 3, 3) * np.sqrt(2.0 / fan_in))
                            .astype(theano.config.floatX), name=name + "_filters")
    bias = theano.shared(np.zeros(n_out, dtype=theano.config.floatX), name=name + "_b")
    maps = T.nnet.relu(conv2d(inputs, filters, border_mode="half")
                       + bias.dimshuffle("x", 0, "x", "x"))   # one bias per feature map
    return pool_2d(maps, ws=(2, 2), ignore_border=True), maps, [filters, bias]


def build(rng, n1, n2, learning_rate=0.05, momentum=0.9):
    x = T.tensor4("x")          # (batch, 1 channel, 8, 8)
    y = T.ivector("y")
    pooled1, maps1, params1 = conv_pool_layer(x, 1, n1, rng, "conv1")        # n1 x 4 x 4
    pooled2, _, params2 = conv_pool_layer(pooled1, n1, n2, rng, "conv2")     # n2 x 2 x 2
    w = theano.shared(np.zeros((n2 * 2 * 2, 10), dtype=theano.config.floatX), name="w")
    b = theano.shared(np.zeros(10, dtype=theano.config.floatX), name="b")
    p_y = T.nnet.softmax(T.dot(pooled2.flatten(2), w) + b)
    params = params1 + params2 + [w, b]
    cost = T.nnet.categorical_crossentropy(p_y, y).mean()

    updates = []
    for param, grad in zip(params, T.grad(cost, params)):
        velocity = theano.shared(np.zeros_like(param.get_value()))
        updates += [(velocity, momentum * velocity - learning_rate * grad),
                    (param, param + momentum * velocity - learning_rate * grad)]
    train = theano.function([x, y], cost, updates=updates)
    predict = theano.function([x], T.argmax(p_y, axis=1))
    feature_maps = theano.function([x], maps1)
    return params, train, predict, feature_maps


def plot_filters(filters, maps, image):
    n = filters.shape[0]
    fig, axes = ex.plt.subplots(2, n + 1, figsize=(1.3 * (n + 1), 3.6))
    limit = np.abs(filters).max()
    axes[0, 0].imshow(image[0], cmap="gray_r")
    axes[0, 0].set_title("digit", fontsize=9)
    axes[1, 0].axis("off")
    for k in range(n):
        axes[0, k + 1].imshow(filters[k, 0], cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes[0, k + 1].set_title("filter %d" % k, fontsize=9)
        axes[1, k + 1].imshow(maps[k], cmap="viridis")
        axes[1, k + 1].set_title("its map", fontsize=9)
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("First convolutional layer: 3x3 filters (red +, blue -) and their "
                 "rectified feature maps")
    fig.tight_layout()
    return ex.save_figure(fig, "digits_lenet_filters")


def plot_curves(history):
    fig, ax = ex.plt.subplots(figsize=(6, 4))
    epochs = np.arange(1, len(history) + 1)
    ax.plot(epochs, [h[0] for h in history], label="training cost")
    ax.plot(epochs, [h[1] for h in history], label="validation error")
    ax.set_xlabel("epoch")
    ax.set_yscale("log")
    ax.legend()
    ax.set_title("LeNet on the digits")
    fig.tight_layout()
    return ex.save_figure(fig, "digits_lenet_curves")


def main(argv=None):
    args = ex.parse_args(__doc__.splitlines()[0], argv,
                         epochs=(30, 4, "number of epochs"),
                         filters1=(8, 6, "filters of the first layer"),
                         filters2=(16, 8, "filters of the second layer"),
                         batch_size=(32, 32, "minibatch size"))
    rng = np.random.RandomState(args.seed)
    data = ex.digits(args.seed, images=True)
    (x_train, y_train), (x_valid, y_valid), (x_test, y_test) = \
        data["train"], data["valid"], data["test"]
    params, train, predict, feature_maps = build(rng, args.filters1, args.filters2)

    history, best = [], (np.inf, None)
    bar = ex.progress(range(args.epochs), "digits_lenet", unit="epoch")
    for _ in bar:
        order = rng.permutation(len(y_train))
        costs = []
        for start in range(0, len(order), args.batch_size):
            batch = order[start:start + args.batch_size]
            costs.append(float(train(x_train[batch], y_train[batch])))
            bar.set_postfix(cost="%.4f" % np.mean(costs))
        valid_error = float(np.mean(predict(x_valid) != y_valid))
        history.append((np.mean(costs), max(valid_error, 1e-3)))
        bar.set_postfix(cost="%.4f" % np.mean(costs), valid_err="%.2f%%" % (100 * valid_error))
        if valid_error <= best[0]:
            best = (valid_error, [p.get_value() for p in params])
    bar.close()
    for param, value in zip(params, best[1]):
        param.set_value(value)

    accuracy = float(np.mean(predict(x_test) == y_test))
    figures = [plot_filters(params[0].get_value(), feature_maps(x_test[:1])[0], x_test[0]),
               plot_curves(history)]
    ex.summary("digits_lenet", args, "test accuracy %.2f%% after %d epochs, best validation "
               "error %.2f%%" % (100 * accuracy, len(history), 100 * best[0]), figures)
    return accuracy


if __name__ == "__main__":
    main()
