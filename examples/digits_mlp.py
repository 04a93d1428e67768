#!/usr/bin/env python
"""A multilayer perceptron on handwritten digits, trained with momentum and early stopping.

The data is scikit-learn's bundled digits (8x8 pixels, 10 classes).  The
network has one hidden layer of rectified linear units and a softmax output;
minibatch gradient descent with momentum minimises the cross-entropy plus a
small L2 penalty.  After every epoch the validation error is measured; the
best parameters are kept, and training stops when the validation error has
not improved for ``--patience`` epochs.

    python examples/digits_mlp.py            # about 10 s, test accuracy ~97-98%
    python examples/digits_mlp.py --quick    # the reduced run of the test suite

Writes examples/out/digits_mlp_curves.png (learning curves),
digits_mlp_confusion.png (confusion matrix) and digits_mlp_errors.png (the
misclassified test digits).
"""
import example_utils as ex  # first: sets up matplotlib and BLAS threads
import numpy as np

import theano
import theano.tensor as T


def build(n_in, n_hidden, n_out, rng, learning_rate, momentum, l2):
    """The symbolic network and its compiled functions."""
    x = T.matrix("x")      # a minibatch of images, one per row
    y = T.ivector("y")     # their labels

    def weights(n_rows, n_cols, name):
        # He initialisation: keeps the variance of the activations at ~1.
        w = rng.randn(n_rows, n_cols) * np.sqrt(2.0 / n_rows)
        return theano.shared(w.astype(theano.config.floatX), name=name)

    def zeros(n, name):
        return theano.shared(np.zeros(n, dtype=theano.config.floatX), name=name)

    w1, b1 = weights(n_in, n_hidden, "w1"), zeros(n_hidden, "b1")
    w2, b2 = weights(n_hidden, n_out, "w2"), zeros(n_out, "b2")
    params = [w1, b1, w2, b2]

    hidden = T.nnet.relu(T.dot(x, w1) + b1)
    p_y = T.nnet.softmax(T.dot(hidden, w2) + b2)          # class probabilities
    prediction = T.argmax(p_y, axis=1)
    cost = T.nnet.categorical_crossentropy(p_y, y).mean() \
        + l2 * ((w1 ** 2).sum() + (w2 ** 2).sum())

    # Momentum: each parameter has a velocity, an average of past gradients.
    updates = []
    for param, grad in zip(params, T.grad(cost, params)):
        velocity = theano.shared(np.zeros_like(param.get_value()), name="v_" + param.name)
        new_velocity = momentum * velocity - learning_rate * grad
        updates += [(velocity, new_velocity), (param, param + new_velocity)]

    train = theano.function([x, y], cost, updates=updates)
    predict = theano.function([x], prediction)
    return params, train, predict


def plot_curves(history, best_epoch):
    fig, (ax_cost, ax_err) = ex.plt.subplots(1, 2, figsize=(10, 4))
    epochs = np.arange(1, len(history) + 1)
    ax_cost.plot(epochs, [h[0] for h in history], label="training cost")
    ax_cost.set_xlabel("epoch")
    ax_cost.set_ylabel("cross-entropy + L2")
    ax_cost.set_yscale("log")
    ax_cost.legend()
    ax_err.plot(epochs, [100 * h[1] for h in history], label="training error")
    ax_err.plot(epochs, [100 * h[2] for h in history], label="validation error")
    ax_err.axvline(best_epoch, color="grey", linestyle="--", label="best (kept)")
    ax_err.set_xlabel("epoch")
    ax_err.set_ylabel("error (%)")
    ax_err.legend()
    fig.suptitle("MLP on the digits: learning curves")
    fig.tight_layout()
    return ex.save_figure(fig, "digits_mlp_curves")


def plot_confusion(y_true, y_pred):
    counts = np.zeros((10, 10), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    fig, ax = ex.plt.subplots(figsize=(5.5, 5))
    ax.imshow(counts, cmap="Blues")
    for i in range(10):
        for j in range(10):
            if counts[i, j]:
                ax.text(j, i, counts[i, j], ha="center", va="center",
                        color="white" if counts[i, j] > counts.max() / 2 else "black")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("Test set confusion matrix")
    fig.tight_layout()
    return ex.save_figure(fig, "digits_mlp_confusion")


def plot_errors(x, y_true, y_pred, n_max=24):
    wrong = np.flatnonzero(y_true != y_pred)[:n_max]
    cols = 8
    rows = max(1, -(-len(wrong) // cols))
    fig, axes = ex.plt.subplots(rows, cols, figsize=(cols * 1.2, rows * 1.4), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), wrong):
        ax.imshow(x[i].reshape(8, 8), cmap="gray_r")
        ax.set_title("%d, not %d" % (y_pred[i], y_true[i]), fontsize=9, color="darkred")
    fig.suptitle("Misclassified test digits (predicted, not true): %d" % (y_true != y_pred).sum())
    fig.tight_layout()
    return ex.save_figure(fig, "digits_mlp_errors")


def main(argv=None):
    args = ex.parse_args(__doc__.splitlines()[0], argv,
                         epochs=(200, 15, "maximum number of epochs"),
                         patience=(20, 15, "stop after this many epochs without improvement"),
                         hidden=(128, 64, "hidden units"),
                         batch_size=(32, 32, "minibatch size"))
    rng = np.random.RandomState(args.seed)
    data = ex.digits(args.seed)
    (x_train, y_train), (x_valid, y_valid), (x_test, y_test) = \
        data["train"], data["valid"], data["test"]

    params, train, predict = build(64, args.hidden, 10, rng, learning_rate=0.05,
                                   momentum=0.9, l2=1e-4)

    def error(x, y):
        return float(np.mean(predict(x) != y))

    history, best = [], (np.inf, 0, None)       # (validation error, epoch, parameters)
    bar = ex.progress(range(1, args.epochs + 1), "digits_mlp", unit="epoch")
    for epoch in bar:
        order = rng.permutation(len(y_train))
        costs = []
        for start in range(0, len(order), args.batch_size):
            batch = order[start:start + args.batch_size]
            costs.append(float(train(x_train[batch], y_train[batch])))
        valid_error = error(x_valid, y_valid)
        history.append((np.mean(costs), error(x_train, y_train), valid_error))
        if valid_error < best[0]:
            best = (valid_error, epoch, [p.get_value() for p in params])
        bar.set_postfix(cost="%.4f" % np.mean(costs), valid_err="%.2f%%" % (100 * valid_error))
        if epoch - best[1] >= args.patience:
            break                              # early stopping
    bar.close()
    for param, value in zip(params, best[2]):   # back to the best epoch's parameters
        param.set_value(value)

    y_pred = predict(x_test)
    accuracy = float(np.mean(y_pred == y_test))
    figures = [plot_curves(history, best[1]), plot_confusion(y_test, y_pred),
               plot_errors(x_test, y_test, y_pred)]
    ex.summary("digits_mlp", args,
               "test accuracy %.2f%% (%d of %d), best validation error %.2f%% at epoch %d "
               "of %d" % (100 * accuracy, int((y_pred == y_test).sum()), len(y_test),
                          100 * best[0], best[1], len(history)), figures)
    return accuracy


if __name__ == "__main__":
    main()
