#!/usr/bin/env python
"""Logistic regression trained with Theano -- the classic tutorial example.

N = 400 random points with 784 features and random 0/1 labels are fitted by
gradient descent on the cross-entropy cost plus an L2 penalty.  Everything is
written with core tensor operations and ``T.grad``: the sigmoid is spelled
out as ``1 / (1 + T.exp(-T.dot(x, w) - b))``.

Run it with::

    python examples/logistic_regression.py              # 1000 steps
    python examples/logistic_regression.py --steps 200

Progress (step, cost, training accuracy) is printed every 100 steps, then the
final accuracy.  If matplotlib is installed, the progress curves are also
saved to ``examples/out/logistic_progress.png``.
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# Let the example run from a source checkout without installing the package.
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import theano  # noqa: E402
import theano.tensor as T  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=1000,
                        help="number of training steps (default: 1000)")
    parser.add_argument("--print-every", type=int, default=100,
                        help="print progress every N steps (default: 100)")
    parser.add_argument("--learning-rate", type=float, default=0.1,
                        help="gradient descent step size (default: 0.1)")
    parser.add_argument("--seed", type=int, default=42,
                        help="seed of the numpy RandomState (default: 42)")
    parser.add_argument("--no-plot", action="store_true",
                        help="do not write examples/out/logistic_progress.png")
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error("--steps must be at least 1")
    if args.print_every < 1:
        parser.error("--print-every must be at least 1")
    return args


def build_model(feats, rng, learning_rate):
    """Symbolic graph and compiled train/predict functions."""
    # Declare Theano symbolic variables
    x = T.dmatrix("x")
    y = T.dvector("y")

    # Weights and bias are shared variables: their values persist between
    # calls and are changed by the updates of `train`.  The weights start
    # small so that the explicit sigmoid never saturates to exactly 0 or 1
    # (which would make log(p) or log(1 - p) infinite).
    w = theano.shared(0.01 * rng.randn(feats), name="w")
    b = theano.shared(0., name="b")

    # Construct the Theano expression graph
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))   # probability that target = 1
    prediction = p_1 > 0.5                     # the prediction thresholded
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)   # cross-entropy loss
    cost = xent.mean() + 0.01 * (w ** 2).sum()          # cost to minimize
    gw, gb = T.grad(cost, [w, b])              # gradient of the cost

    # Compile
    train = theano.function(
        inputs=[x, y],
        outputs=[prediction, cost],
        updates=[(w, w - learning_rate * gw), (b, b - learning_rate * gb)])
    predict = theano.function(inputs=[x], outputs=prediction)
    return w, b, train, predict


def save_plot(history, path):
    """Plot cost and accuracy against the step; silently skipped without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    steps = [h[0] for h in history]
    costs = [h[1] for h in history]
    accs = [h[2] for h in history]
    fig, ax_cost = plt.subplots(figsize=(7, 4))
    ax_cost.plot(steps, costs, "o-", color="tab:blue", label="cost")
    ax_cost.set_xlabel("training step")
    ax_cost.set_ylabel("cost", color="tab:blue")
    ax_acc = ax_cost.twinx()
    ax_acc.plot(steps, accs, "s--", color="tab:orange", label="train accuracy")
    ax_acc.set_ylabel("train accuracy", color="tab:orange")
    ax_acc.set_ylim(0, 1.05)
    ax_cost.set_title("Theano logistic regression")
    fig.tight_layout()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def main(argv=None):
    args = parse_args(argv)
    rng = np.random.RandomState(args.seed)

    N = 400                                   # training sample size
    feats = 784                               # number of input variables
    # generate a dataset: D = (input_values, target_class)
    D = (rng.randn(N, feats), rng.randint(size=N, low=0, high=2))

    w, b, train, predict = build_model(feats, rng, args.learning_rate)

    print("training logistic regression: %d points, %d features, %d steps"
          % (N, feats, args.steps))
    history = []
    for step in range(1, args.steps + 1):
        pred, cost = train(D[0], D[1])
        if step == 1 or step % args.print_every == 0 or step == args.steps:
            # `pred` is the prediction made with the parameters before this
            # step's update, i.e. the accuracy reached after step - 1 steps.
            accuracy = float(np.mean(pred == D[1]))
            history.append((step, float(cost), accuracy))
            print("step %5d  cost %.6f  train accuracy %.4f"
                  % (step, float(cost), accuracy))

    final = predict(D[0])
    final_accuracy = float(np.mean(final == D[1]))
    print("final accuracy: %.4f" % final_accuracy)

    if not args.no_plot:
        path = save_plot(history, os.path.join(HERE, "out", "logistic_progress.png"))
        if path:
            print("progress plot written to %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
