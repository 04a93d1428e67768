#!/usr/bin/env python
"""A denoising autoencoder on handwritten digits, its corruption drawn with RandomStreams.

Each training image is corrupted by switching off a random fraction of its
pixels (a binomial mask from ``RandomStreams``, drawn anew at every call of
the training function); the network learns to reconstruct the clean image
from the corrupted one.  Encoder and decoder share their weights (tied):
``h = sigmoid(x~ W + b)``, ``z = sigmoid(h W^T + b')``, trained on the
cross-entropy between ``x`` and ``z`` with momentum.

    python examples/autoencoder.py            # about 10 s
    python examples/autoencoder.py --quick    # the reduced run of the test suite

Writes examples/out/autoencoder_filters.png (the learned weights of each
hidden unit as an 8x8 image) and autoencoder_reconstructions.png.
"""
import example_utils as ex  # first: sets up matplotlib and BLAS threads
import numpy as np

import theano
import theano.tensor as T
from theano.tensor.shared_randomstreams import RandomStreams


def build(rng, n_visible, n_hidden, corruption, learning_rate=0.1, momentum=0.9):
    floatX = theano.config.floatX
    bound = 4 * np.sqrt(6.0 / (n_hidden + n_visible))   # Glorot's range for sigmoids
    w = theano.shared(rng.uniform(-bound, bound, (n_visible, n_hidden)).astype(floatX),
                      name="w")
    b_hidden = theano.shared(np.zeros(n_hidden, dtype=floatX), name="b_hidden")
    b_visible = theano.shared(np.zeros(n_visible, dtype=floatX), name="b_visible")
    params = [w, b_hidden, b_visible]

    srng = RandomStreams(seed=rng.randint(2 ** 30))
    x = T.matrix("x")
    # Keep each pixel with probability 1 - corruption, zero it otherwise.
    mask = srng.binomial(size=x.shape, n=1, p=1 - corruption, dtype=floatX)
    x_tilde = x * mask

    def encode(v):
        return T.nnet.sigmoid(T.dot(v, w) + b_hidden)

    def decode(h):
        return T.nnet.sigmoid(T.dot(h, w.T) + b_visible)

    z = decode(encode(x_tilde))
    cost = T.nnet.binary_crossentropy(z, x).sum(axis=1).mean()

    updates = []
    for param, grad in zip(params, T.grad(cost, params)):
        velocity = theano.shared(np.zeros_like(param.get_value()))
        updates += [(velocity, momentum * velocity - learning_rate * grad),
                    (param, param + momentum * velocity - learning_rate * grad)]
    train = theano.function([x], cost, updates=updates)
    # The same corruption, for pictures and a noisy test score; and clean ones.
    denoise = theano.function([x], [x_tilde, z])
    reconstruct = theano.function([x], decode(encode(x)))
    return w, train, denoise, reconstruct


def plot_filters(w):
    n = w.shape[1]
    cols = 10
    rows = -(-n // cols)
    fig, axes = ex.plt.subplots(rows, cols, figsize=(cols, rows * 1.05))
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k < n:
            ax.imshow(w[:, k].reshape(8, 8), cmap="gray")
    fig.suptitle("Denoising autoencoder: weights of the %d hidden units" % n)
    fig.tight_layout()
    return ex.save_figure(fig, "autoencoder_filters")


def plot_reconstructions(x, x_tilde, z, n=10):
    fig, axes = ex.plt.subplots(3, n, figsize=(n, 3.4))
    for row, (images, title) in enumerate([(x, "original"), (x_tilde, "corrupted"),
                                           (z, "reconstructed")]):
        for k in range(n):
            axes[row, k].imshow(images[k].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            axes[row, k].axis("off")
        axes[row, 0].set_title(title, fontsize=9, loc="left")
    fig.suptitle("Test digits: original, corrupted by the random mask, reconstructed")
    fig.tight_layout()
    return ex.save_figure(fig, "autoencoder_reconstructions")


def main(argv=None):
    args = ex.parse_args(__doc__.splitlines()[0], argv,
                         epochs=(60, 6, "number of epochs"),
                         hidden=(50, 20, "hidden units"),
                         corruption=(0.3, 0.3, "fraction of pixels switched off"),
                         batch_size=(20, 20, "minibatch size"))
    rng = np.random.RandomState(args.seed)
    data = ex.digits(args.seed)
    x_train = np.concatenate([data["train"][0], data["valid"][0]])  # labels are not used
    x_test = data["test"][0]
    w, train, denoise, reconstruct = build(rng, 64, args.hidden, args.corruption)

    bar = ex.progress(range(args.epochs), "autoencoder", unit="epoch")
    for _ in bar:
        order = rng.permutation(len(x_train))
        costs = []
        for start in range(0, len(order), args.batch_size):
            costs.append(float(train(x_train[order[start:start + args.batch_size]])))
        bar.set_postfix(cost="%.3f" % np.mean(costs))
    bar.close()

    x_tilde, z = denoise(x_test)
    noisy_error = float(np.mean((z - x_test) ** 2))
    clean_error = float(np.mean((reconstruct(x_test) - x_test) ** 2))
    figures = [plot_filters(w.get_value()), plot_reconstructions(x_test, x_tilde, z)]
    ex.summary("autoencoder", args, "test reconstruction MSE per pixel %.4f from corrupted "
               "inputs, %.4f from clean ones (pixels in [0, 1])"
               % (noisy_error, clean_error), figures)
    return noisy_error


if __name__ == "__main__":
    main()
