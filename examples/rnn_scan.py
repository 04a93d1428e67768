#!/usr/bin/env python
"""A recurrent network written with ``theano.scan`` learns to continue sine waves.

Each sequence is ``sin(f * t + phase)`` with a random frequency and phase; at
every step the network sees the current value and predicts the next one.  The
recurrence ``h[t] = tanh(x[t] W_x + h[t-1] W_h + b)`` is one ``scan`` over the
time axis, and ``T.grad`` differentiates through it (backpropagation through
time).  Adam updates the weights.

A second ``scan`` then runs the trained network on its own: after a warm-up
on true values, each prediction is fed back as the next input.

    python examples/rnn_scan.py              # about 15 s, validation MSE ~1e-3
    python examples/rnn_scan.py --quick      # the reduced run of the test suite

Writes examples/out/rnn_scan_predictions.png (targets against one-step
predictions and a free-running continuation) and rnn_scan_loss.png.
"""
import example_utils as ex  # first: sets up matplotlib and BLAS threads
import numpy as np

import theano
import theano.tensor as T

floatX = theano.config.floatX


def sine_waves(rng, n, length):
    """``n`` sequences of ``length + 1`` samples, shaped (time, batch, 1) as scan wants."""
    freq = rng.uniform(0.15, 0.45, size=(1, n, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(1, n, 1))
    t = np.arange(length + 1).reshape(-1, 1, 1)
    return np.sin(freq * t + phase).astype(floatX)


def adam(cost, params, learning_rate=0.01, b1=0.9, b2=0.999, eps=1e-8):
    """Adam's updates as a list of (shared variable, new value) pairs."""
    step = theano.shared(np.asarray(0, dtype=floatX))
    t = step + 1
    updates = [(step, t)]
    scale = learning_rate * T.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    for param, grad in zip(params, T.grad(cost, params)):
        m = theano.shared(np.zeros_like(param.get_value()))
        v = theano.shared(np.zeros_like(param.get_value()))
        m_t = b1 * m + (1 - b1) * grad
        v_t = b2 * v + (1 - b2) * grad ** 2
        updates += [(m, m_t), (v, v_t), (param, param - scale * m_t / (T.sqrt(v_t) + eps))]
    return updates


def build(rng, n_hidden):
    def shared(value, name):
        return theano.shared(np.asarray(value, dtype=floatX), name=name)

    w_x = shared(rng.uniform(-0.5, 0.5, (1, n_hidden)), "w_x")
    w_h = shared(rng.randn(n_hidden, n_hidden) / np.sqrt(n_hidden), "w_h")
    b_h = shared(np.zeros(n_hidden), "b_h")
    w_y = shared(rng.randn(n_hidden, 1) / np.sqrt(n_hidden), "w_y")
    b_y = shared(np.zeros(1), "b_y")
    params = [w_x, w_h, b_h, w_y, b_y]

    def step(x_t, h_prev):
        return T.tanh(T.dot(x_t, w_x) + T.dot(h_prev, w_h) + b_h)

    x = T.tensor3("x")                      # (time, batch, 1): the inputs
    target = T.tensor3("target")            # the same sequences one step later
    h0 = T.zeros((x.shape[1], n_hidden), dtype=floatX)
    h, _ = theano.scan(step, sequences=x, outputs_info=h0, name="rnn")
    y = T.dot(h, w_y) + b_y                 # a prediction at every step
    cost = T.mean((y - target) ** 2)
    train = theano.function([x, target], cost, updates=adam(cost, params))
    evaluate = theano.function([x, target], [cost, y])

    # Free running: start from the last hidden state and prediction of the
    # warm-up and feed every prediction back in as the next input.
    n_steps = T.iscalar("n_steps")

    def generate(y_prev, h_prev):
        h_t = step(y_prev, h_prev)
        return T.dot(h_t, w_y) + b_y, h_t

    (y_free, _), _ = theano.scan(generate, outputs_info=[y[-1], h[-1]], n_steps=n_steps,
                                 name="free_running")
    continue_ = theano.function([x, n_steps], y_free)
    return train, evaluate, continue_


def plot_predictions(valid, y_valid, continuation, warmup):
    fig, axes = ex.plt.subplots(3, 1, figsize=(9, 6.5), sharex=True)
    t = np.arange(valid.shape[0])
    for k, ax in enumerate(axes):
        ax.plot(t, valid[:, k, 0], color="black", lw=1, label="target")
        ax.plot(t[1:], y_valid[:, k, 0], "o", ms=3, color="tab:blue",
                label="one-step prediction")
        free_t = np.arange(warmup + 2, warmup + 2 + len(continuation))
        ax.plot(free_t, continuation[:, k, 0], color="tab:red", lw=2,
                label="free running (own outputs fed back)")
        ax.axvline(warmup, color="grey", ls=":")
        ax.set_ylim(-1.4, 1.4)
    axes[0].legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=8, ncol=3)
    axes[-1].set_xlabel("time step")
    fig.suptitle("RNN (scan) on held-out sine waves: targets vs predictions")
    fig.tight_layout()
    return ex.save_figure(fig, "rnn_scan_predictions")


def plot_loss(history):
    fig, ax = ex.plt.subplots(figsize=(6, 4))
    ax.semilogy(np.arange(1, len(history) + 1), history)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation mean squared error")
    ax.set_title("RNN on sine waves")
    fig.tight_layout()
    return ex.save_figure(fig, "rnn_scan_loss")


def main(argv=None):
    args = ex.parse_args(__doc__.splitlines()[0], argv,
                         epochs=(60, 8, "number of epochs"),
                         hidden=(24, 16, "hidden units"),
                         length=(50, 30, "steps per training sequence"),
                         sequences=(512, 128, "training sequences"),
                         batch_size=(32, 32, "minibatch size"))
    rng = np.random.RandomState(args.seed)
    train_seqs = sine_waves(rng, args.sequences, args.length)
    valid_seqs = sine_waves(rng, 64, 2 * args.length)
    train, evaluate, continue_ = build(rng, args.hidden)

    history = []
    bar = ex.progress(range(args.epochs), "rnn_scan", unit="epoch")
    for _ in bar:
        order = rng.permutation(args.sequences)
        costs = []
        for start in range(0, len(order), args.batch_size):
            seqs = train_seqs[:, order[start:start + args.batch_size]]
            costs.append(float(train(seqs[:-1], seqs[1:])))
            bar.set_postfix(cost="%.5f" % np.mean(costs))
        valid_cost, _ = evaluate(valid_seqs[:-1], valid_seqs[1:])
        history.append(float(valid_cost))
        bar.set_postfix(cost="%.5f" % np.mean(costs), valid="%.5f" % history[-1])
    bar.close()

    warmup = args.length
    _, y_valid = evaluate(valid_seqs[:-1], valid_seqs[1:])
    continuation = continue_(valid_seqs[:warmup + 1], 2 * args.length - warmup)
    # The continuation drifts off the true frequency after a while: report its first steps.
    free_mse = float(np.mean((continuation[:10] - valid_seqs[warmup + 2:warmup + 12]) ** 2))
    figures = [plot_predictions(valid_seqs, y_valid, continuation, warmup),
               plot_loss(history)]
    ex.summary("rnn_scan", args, "validation MSE %.5f one step ahead, %.5f over the first 10 "
               "free-running steps" % (history[-1], free_mse), figures)
    return history[-1]


if __name__ == "__main__":
    main()
