"""``MRG_RandomStreams``: Theano 1.0's MRG31k3p random streams.

MRG31k3p (L'Ecuyer & Touzin, 2000) with many parallel streams spaced
``2**72`` steps apart (L'Ecuyer, Simard, Chen & Kelton, 2002).  Each random
variable owns a shared ``(n_streams, 6)`` int32 state matrix whose
``default_update`` is the state after the draw; the generator arithmetic is
:mod:`theano.sandbox.mrg_core`.

Compatibility with Theano 1.0 (same seed, same calls, same numbers):

* ``uniform`` in float64 is bit-identical (checked against the reference
  numbers of L'Ecuyer's Java code that Theano 1.0 was tested with), and so
  are ``binomial``, ``multinomial`` and ``choice`` built on it;
* float32 ``uniform`` reproduces Theano's C (and GPU) conversion, the one
  ``FAST_RUN`` used; Theano's pure-Python ``perform`` could differ in the
  last bit for some values;
* stream bookkeeping (substreams per variable, ``nstreams`` guesses,
  ``seed()``) is Theano's, so variables created in the same order get the
  same states;
* ``normal``/``truncated_normal`` run the same Box-Muller steps in the same
  dtype; ``log``/``sin``/``cos`` come from NumPy, which may differ from the
  C library Theano compiled against by an ulp.

Beyond Theano 1.0: ``choice(replace=True)`` is implemented, ``updates()``
returns ``(state, new_state)`` pairs usable as function updates, and sizes
may be lists or plain ints.

>>> import theano
>>> from theano.sandbox.rng_mrg import MRG_RandomStreams
>>> srng = MRG_RandomStreams(seed=12345)
>>> u = srng.uniform((7,), nstreams=7, dtype='float64')
>>> theano.function([], u)()[:2].round(6).tolist()
[0.735324, 0.258569]
"""
import warnings

import numpy as np

from theano.configparser import config
from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.graph.rules import register_connection_pattern, register_grad, register_rop
from theano.graph.sharedvalue import shared
from theano.scalar.basic import upcast
from theano.tensor.basic import (NotScalarConstantError, as_tensor_variable, cast, constant,
                                 get_scalar_constant_value)
from theano.tensor.gradient_ops import disconnected_grad
from theano.tensor.math import prod
from theano.tensor.random import mrg_core
from theano.tensor.random.basic import (as_size_vector, constant_entries, packed_scalars,
                                        samples_connection_pattern, samples_grad, samples_rop,
                                        size_vector, vector_length)
from theano.tensor.random.mrg_core import (M1, M2, ff_2p72, ff_2p134, guess_n_streams,
                                           matVecModM, multMatVect)
from theano.tensor.shape import shape_i
from theano.tensor.type import TensorType

__all__ = ["MRG_RandomStreams", "mrg_uniform", "mrg_uniform_base", "guess_n_streams",
           "NormalFromUniform", "TruncatedNormalFixCount", "TruncatedNormalFromUniform",
           "MultinomialFromUniform", "ChoiceFromUniform", "M1", "M2", "ff_2p72", "ff_2p134",
           "matVecModM", "multMatVect"]


def _is_int(dtype):
    """True for integer dtypes."""
    return dtype[:3] in ("int", "uin")


def _bcast_from_size(size, ndim):
    return tuple(e == 1 for e in constant_entries(size, ndim))


class _RandomHelperOp(Op):
    """Common part of the ops below: samples are constants for differentiation."""


register_connection_pattern(_RandomHelperOp)(samples_connection_pattern)
register_grad(_RandomHelperOp)(samples_grad)
register_rop(_RandomHelperOp)(samples_rop)


def _no_grad(x):
    """``x`` with no gradient flowing back: a sample is constant w.r.t. its parameters."""
    if isinstance(x, Constant):
        return x
    return disconnected_grad(x)


# ---------------------------------------------------------------------------
# The generator op
# ---------------------------------------------------------------------------
class mrg_uniform_base(_RandomHelperOp):
    """Uniform draws in the open interval (0, 1) from an MRG31k3p state matrix.

    Inputs ``(rstate, size)``: the ``(n_streams, 6)`` int32 states and the
    int vector shape of the sample.  Outputs ``(new_rstate, sample)``; the
    input state is never modified.
    """

    __props__ = ("output_type", "inplace")

    def __init__(self, output_type, inplace=False):
        if inplace:
            raise NotImplementedError("mrg_uniform always draws from a copy of its state")
        self.output_type = output_type
        self.inplace = False

    def __str__(self):
        return "%s{%s,%s}" % (type(self).__name__, self.output_type,
                              "inplace" if self.inplace else "no_inplace")


class mrg_uniform(mrg_uniform_base):
    """The CPU (NumPy) MRG31k3p uniform op; see :func:`theano.sandbox.mrg_core.mrg_uniform`."""

    @classmethod
    def new(cls, rstate, ndim, dtype, size):
        """Apply a new op to ``rstate``/``size``; returns ``[new_rstate, sample]``."""
        v_size = as_size_vector(size)
        if ndim is None:
            ndim = vector_length(v_size)
        return cls(TensorType(dtype, (False,) * ndim))(rstate, v_size)

    def make_node(self, rstate, size):
        rstate = as_tensor_variable(rstate)
        if rstate.type.dtype != "int32" or rstate.type.ndim != 2:
            raise TypeError("mrg_uniform: the state must be an int32 matrix (n_streams, 6), "
                            "got %s" % rstate.type)
        size = as_size_vector(size)
        ndim = self.output_type.ndim
        try:
            n = vector_length(size)
        except ValueError:
            n = ndim
        if n != ndim:
            raise ValueError("mrg_uniform: size %s has %d entries but the sample has %d "
                             "dimensions" % (size, n, ndim))
        out_type = TensorType(self.output_type.dtype, _bcast_from_size(size, ndim))
        return Apply(self, [rstate, size], [rstate.type(), out_type()])

    def perform(self, node, inputs, out):
        rstate, size = inputs
        if rstate.ndim != 2 or rstate.shape[1] != 6 or rstate.dtype != np.int32:
            raise ValueError("mrg_uniform: the state must be an int32 array of shape "
                             "(n_streams, 6), got %s of shape %s" % (rstate.dtype, rstate.shape))
        if len(size) != self.output_type.ndim:
            raise ValueError("mrg_uniform: size must have length %d, got %s"
                             % (self.output_type.ndim, tuple(size)))
        if any(s < 0 for s in size):
            raise ValueError("mrg_uniform: negative size %s" % (tuple(size),))
        new_state, sample = mrg_core.mrg_uniform(rstate, tuple(int(s) for s in size),
                                                 self.output_type.dtype)
        out[0][0] = new_state
        out[1][0] = sample

    def infer_shape(self, fgraph, node, shapes):
        size = node.inputs[1]
        ndim = self.output_type.ndim
        known = constant_entries(size, ndim)
        dims = packed_scalars(size) or [size[i] for i in range(ndim)]
        return [shapes[0], [k if k is not None else d for k, d in zip(known, dims)]]


# ---------------------------------------------------------------------------
# Transforming uniforms
# ---------------------------------------------------------------------------
class NormalFromUniform(_RandomHelperOp):
    """Box-Muller: ``n + n % 2`` uniforms -> standard normal sample of shape ``size``.

    See :func:`theano.sandbox.mrg_core.normal_from_uniform` for the layout.
    """

    __props__ = ("ndim",)

    def __init__(self, ndim):
        self.ndim = int(ndim)

    def make_node(self, unis, size):
        unis, size = as_tensor_variable(unis), as_size_vector(size)
        if unis.type.ndim != 1 or _is_int(unis.type.dtype):
            raise TypeError("%s: the uniforms must be a float vector, got %s" % (self, unis.type))
        out = TensorType(unis.type.dtype, _bcast_from_size(size, self.ndim))
        return Apply(self, [unis, size], [out()])

    def perform(self, node, inputs, out):
        unis, size = inputs
        out[0][0] = mrg_core.normal_from_uniform(unis, tuple(int(s) for s in size),
                                                 dtype=unis.dtype)


class TruncatedNormalFixCount(_RandomHelperOp):
    """How many Box-Muller variates of ``unis`` fall outside [-2, 2] (to re-draw)."""

    __props__ = ()

    def make_node(self, unis):
        unis = as_tensor_variable(unis)
        return Apply(self, [unis], [TensorType("int64", ())()])

    def perform(self, node, inputs, out):
        unis = inputs[0]
        counted = []

        def count(n_fix):
            counted.append(n_fix)
            return np.full(n_fix, 0.5, dtype=unis.dtype)

        mrg_core.truncated_normal_from_uniform(unis, count, dtype=unis.dtype,
                                               rescale_std=False)
        out[0][0] = np.asarray(counted[0], dtype="int64")


class TruncatedNormalFromUniform(_RandomHelperOp):
    """Normal sample with the variates outside [-2, 2] re-drawn once (Theano 1.0).

    Inputs: the Box-Muller uniforms, the raw (0, 1) uniforms of the re-draw
    and the size.  See :func:`theano.sandbox.mrg_core.truncated_normal_from_uniform`.
    """

    __props__ = ("ndim",)

    def __init__(self, ndim):
        self.ndim = int(ndim)

    def make_node(self, unis, fix_unis, size):
        unis, fix_unis = as_tensor_variable(unis), as_tensor_variable(fix_unis)
        size = as_size_vector(size)
        out = TensorType(unis.type.dtype, _bcast_from_size(size, self.ndim))
        return Apply(self, [unis, fix_unis, size], [out()])

    def perform(self, node, inputs, out):
        unis, fix_unis, size = inputs
        out[0][0] = mrg_core.truncated_normal_from_uniform(
            unis, fix_unis, tuple(int(s) for s in size), dtype=unis.dtype, rescale_std=False)


class MultinomialFromUniform(_RandomHelperOp):
    """Counts of ``n`` draws per row of ``pvals`` (nb_multi, K) from ``nb_multi * n`` uniforms.

    ``odtype='auto'`` gives the output the dtype of ``pvals``.
    """

    __props__ = ("odtype",)

    def __init__(self, odtype):
        self.odtype = odtype

    def make_node(self, pvals, unis, n=1):
        pvals, unis, n = self._check_inputs(pvals, unis, n)
        odtype = pvals.type.dtype if self.odtype == "auto" else self.odtype
        # The counts have the shape, so the broadcastable pattern, of pvals (Theano 1.0).
        return Apply(self, [pvals, unis, n], [TensorType(odtype, pvals.type.broadcastable)()])

    @staticmethod
    def _check_inputs(pvals, unis, n):
        pvals, unis, n = (as_tensor_variable(v) for v in (pvals, unis, n))
        if pvals.type.ndim != 2:
            raise NotImplementedError("pvals must be a matrix (one distribution per row), got "
                                      "%d dimensions" % pvals.type.ndim)
        if unis.type.ndim != 1:
            raise NotImplementedError("unis must be a vector, got %d dimensions"
                                      % unis.type.ndim)
        if n.type.ndim != 0 or not _is_int(n.type.dtype):
            raise TypeError("the number of draws must be an integer scalar, got %s" % n.type)
        return pvals, unis, n

    def perform(self, node, inputs, out):
        pvals, unis, n = inputs
        out[0][0] = mrg_core.multinomial_from_uniform(pvals, unis, int(n),
                                                      node.outputs[0].type.dtype)


class ChoiceFromUniform(MultinomialFromUniform):
    """``n`` indices per row of ``p`` (nb_multi, K), drawn from ``nb_multi * n`` uniforms.

    Without replacement (Theano 1.0's only mode) each chosen index gets
    probability 0 for the next draws of its row.
    """

    __props__ = ("odtype", "replace")

    def __init__(self, odtype, replace=False):
        self.odtype = odtype
        self.replace = bool(replace)

    def make_node(self, pvals, unis, n=1):
        pvals, unis, n = self._check_inputs(pvals, unis, n)
        odtype = "int64" if self.odtype == "auto" else self.odtype
        return Apply(self, [pvals, unis, n], [TensorType(odtype, (False, False))()])

    def perform(self, node, inputs, out):
        pvals, unis, n = inputs
        odtype = node.outputs[0].type.dtype
        if not self.replace:
            out[0][0] = mrg_core.choice_from_uniform(pvals, unis, int(n), False, odtype)
            return
        # With replacement every draw is an independent inverse-CDF lookup,
        # laid out like the draws without replacement (draw c, row r uses
        # unis[c * nb_multi + r]); -1 where no index qualifies.
        nb_multi, n = pvals.shape[0], int(n)
        if unis.shape != (nb_multi * n,):
            raise ValueError("ChoiceFromUniform: expected %d uniforms, got %d"
                             % (nb_multi * n, unis.shape[0]))
        cums = np.cumsum(pvals.astype("float64"), axis=1)
        hit = cums[:, None, :] > unis.reshape(n, nb_multi).T.astype("float64")[:, :, None]
        out[0][0] = np.where(hit.any(axis=2), hit.argmax(axis=2), -1).astype(odtype)


# ---------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------
def _check_uniform_size(size):
    """Theano 1.0's rules for ``uniform``'s size (plus lists and plain ints)."""
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (size,)
    if isinstance(size, list):
        size = tuple(size)
    if isinstance(size, tuple):
        for s in size:
            if not isinstance(s, (int, np.integer, Variable)):
                raise TypeError("size must be a tuple of ints or integer scalars, or an "
                                "integer vector; got %r in %s" % (s, size))
            if isinstance(s, (int, np.integer)) and s <= 0:
                raise ValueError("The specified size contains a dimension with value <= 0: "
                                 "%s" % (size,))
        return size
    if isinstance(size, Variable) and size.type.ndim in (0, 1):
        return size if size.type.ndim == 1 else size_vector(size)
    raise TypeError("size must be a tuple of ints or a Theano variable with 1 dimension, got "
                    "%r of type %s" % (size, type(size).__name__))


def _check_size(size):
    """``size`` of ``normal`` as a symbolic int vector (ints, tuples, lists or variables)."""
    size = _check_uniform_size(size)
    return as_size_vector(size)


def _scalar_int(v):
    try:
        return int(get_scalar_constant_value(v))
    except NotScalarConstantError:
        return None


# ---------------------------------------------------------------------------
# The streams
# ---------------------------------------------------------------------------
class MRG_RandomStreams:
    """Random variables from the MRG31k3p generator, with a NumPy-like interface.

    Parameters
    ----------
    seed : int or sequence of 6 ints
        A nonzero int ``< M2`` (replicated 6 times), or 6 ints: the first 3
        ``< M1`` and not all 0, the last 3 ``< M2`` and not all 0.

    Attributes
    ----------
    rstate : ndarray
        The (6,) int32 state the next random variable starts from.
    state_updates : list of (shared state, new state, size, nstreams)
        One entry per random variable, in creation order.
    """

    def __init__(self, seed=12345):
        self.state_updates = []
        self.default_instance_seed = seed
        self.set_rstate(seed)

    def updates(self):
        """``(state, new_state)`` pairs, usable as ``theano.function(updates=...)``."""
        return [(su[0], su[1]) for su in self.state_updates]

    def set_rstate(self, seed):
        """Make ``seed`` (1 or 6 ints) the state of the next random variable."""
        self.rstate = mrg_core.seed_to_rstate(seed)

    def seed(self, seed=None):
        """Re-seed every random variable made so far, in creation order.

        Each gets the states it would have had if it had been made right after
        ``MRG_RandomStreams(seed)`` (``seed=None``: the constructor's seed).
        """
        if seed is None:
            seed = self.default_instance_seed
        self.set_rstate(seed)
        for old_r, new_r, size, nstreams in self.state_updates:
            if nstreams is None:
                nstreams = self.n_streams(size)
            rstates = self.get_substream_rstates(nstreams, new_r.owner.outputs[1].dtype)
            old_r.set_value(rstates, borrow=True)

    def inc_rstate(self):
        """Jump :attr:`rstate` ``2**134`` steps ahead, to the next stream."""
        self.rstate = mrg_core.next_rstate(self.rstate)

    def get_substream_rstates(self, n_streams, dtype, inc_rstate=True):
        """``n_streams`` states spaced ``2**72`` steps apart, from :attr:`rstate`."""
        rval = mrg_core.substream_rstates(self.rstate, n_streams)
        if inc_rstate:
            self.inc_rstate()
        return rval

    def n_streams(self, size):
        """The number of streams used for a draw of ``size`` (Theano's guess)."""
        return guess_n_streams(size)

    def pretty_return(self, node_rstate, new_rstate, sample, size, nstreams):
        """Record a new random variable and make its state update itself."""
        sample.rstate = node_rstate
        sample.update = (node_rstate, new_rstate)
        self.state_updates.append((node_rstate, new_rstate, size, nstreams))
        node_rstate.default_update = new_rstate
        return sample

    def _uniform(self, size, low, high, ndim, dtype, nstreams, kwargs):
        """``(scaled, raw)``: the uniform sample in [low, high) and the raw (0, 1) one."""
        target = kwargs.pop("target", None)
        if kwargs:
            raise TypeError("uniform() got unexpected keyword arguments %s" % sorted(kwargs))
        if target not in (None, "cpu"):
            raise ValueError("MRG_RandomStreams only supports target='cpu', got %r" % target)
        low, high = as_tensor_variable(low), as_tensor_variable(high)
        if dtype is None:
            dtype = upcast(config.floatX, low.type.dtype, high.type.dtype)
        low, high = _no_grad(cast(low, dtype)), _no_grad(cast(high, dtype))
        size = _check_uniform_size(size)
        orig_nstreams = nstreams
        if nstreams is None:
            nstreams = self.n_streams(size)
        rstates = self.get_substream_rstates(int(nstreams), dtype)
        node_rstate = shared(rstates)
        node_rstate.tag.is_rng = True
        new_rstate, u = mrg_uniform.new(node_rstate, ndim, dtype, size)
        self.pretty_return(node_rstate, new_rstate, u, size, orig_nstreams)
        r = u * (high - low) + low
        if u.type.broadcastable != r.type.broadcastable:
            raise NotImplementedError("Increase the size to match the broadcasting pattern of "
                                      "`low` and `high` arguments")
        r.rstate, r.update = u.rstate, u.update
        return r, u

    def uniform(self, size, low=0.0, high=1.0, ndim=None, dtype=None, nstreams=None,
                **kwargs):
        """Uniform draws in the open interval (low, high).

        Parameters
        ----------
        size : tuple of ints or integer scalars, or an integer vector
        low, high : float or tensor, cast to ``dtype``
        ndim : int, optional
            Needed when the length of a symbolic ``size`` is unknown.
        dtype : str, optional
            Default ``upcast(floatX, low.dtype, high.dtype)``.
        nstreams : int, optional
            Parallel streams (default: guessed from a size of Python ints,
            else 15360).
        """
        return self._uniform(size, low, high, ndim, dtype, nstreams, kwargs)[0]

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype="int64", nstreams=None,
                 **kwargs):
        """0/1 draws of probability ``p`` (only ``n=1`` exists): ``cast(uniform < p, dtype)``."""
        n_val = _scalar_int(n) if isinstance(n, Variable) else n
        if n_val != 1:
            raise NotImplementedError("MRG_RandomStreams.binomial with n > 1 (got n=%s); use "
                                      "RandomStreams.binomial" % (n,))
        if size is None:
            raise TypeError("MRG_RandomStreams.binomial needs a size")
        p = _no_grad(as_tensor_variable(p))
        x = self.uniform(size=size, ndim=ndim, nstreams=nstreams, **kwargs)
        return cast(x < p, dtype)

    def _rows_uniform(self, pvals, n, nstreams, kwargs):
        """Uniforms for ``n`` draws per row of the matrix ``pvals`` (Theano's layout)."""
        n = as_tensor_variable(n)
        if n.type.ndim != 0 or not _is_int(n.type.dtype):
            raise TypeError("the number of draws must be an integer scalar, got %s" % n.type)
        size = size_vector(shape_i(pvals, 0) * n)
        return self.uniform(size=size, ndim=1, nstreams=nstreams, **kwargs), n

    def multinomial(self, size=None, n=1, pvals=None, ndim=None, dtype="int64",
                    nstreams=None, **kwargs):
        """Counts of ``n`` draws from each row of the matrix ``pvals``.

        ``pvals = [[.98, .01, .01], [.01, .49, .50]]`` with ``n=1`` probably
        gives ``[[1, 0, 0], [0, 0, 1]]``.  ``size`` and ``ndim`` must be None
        (kept for the common signature); pvals is not validated.
        """
        if pvals is None:
            raise TypeError("MRG_RandomStreams.multinomial: you have to specify pvals")
        pvals = _no_grad(as_tensor_variable(pvals))
        if size is not None:
            raise ValueError("Provided a size argument to MRG_RandomStreams.multinomial, which "
                             "does not use it: the shape comes from pvals.")
        if ndim is not None:
            raise ValueError("Provided an ndim argument to MRG_RandomStreams.multinomial, which "
                             "does not use it.")
        if pvals.type.ndim != 2:
            raise NotImplementedError("MRG_RandomStreams.multinomial only implemented for "
                                      "pvals.ndim = 2 (got %d)" % pvals.type.ndim)
        unis, n = self._rows_uniform(pvals, n, nstreams, kwargs)
        return MultinomialFromUniform(dtype)(pvals, unis, n)

    def choice(self, size=1, a=None, replace=True, p=None, ndim=None, dtype="int64",
               nstreams=None, **kwargs):
        """``size`` indices per row of the matrix ``p``: shape ``(p.shape[0], size)``.

        Theano 1.0 only implemented ``replace=False`` (and raised for the
        default ``replace=True``); here both work.  ``a`` must be None (the
        values are ``0 .. p.shape[1] - 1``).
        """
        if a is not None:
            raise TypeError("For now, a has to be None in MRG_RandomStreams.choice. Sampled "
                            "values are between 0 and p.shape[1]-1")
        if p is None:
            raise TypeError("For now, p has to be specified in MRG_RandomStreams.choice.")
        p = _no_grad(as_tensor_variable(p))
        if ndim is not None:
            raise ValueError("ndim argument to MRG_RandomStreams.choice is not used.")
        if p.type.ndim != 2:
            raise NotImplementedError("MRG_RandomStreams.choice is only implemented for "
                                      "p.ndim = 2 (got %d)" % p.type.ndim)
        unis, n = self._rows_uniform(p, size, nstreams, kwargs)
        return ChoiceFromUniform(odtype=dtype, replace=replace)(p, unis, n)

    def multinomial_wo_replacement(self, size=None, n=1, pvals=None, ndim=None,
                                   dtype="int64", nstreams=None, **kwargs):
        """Deprecated: ``choice(size=n, p=pvals, replace=False)``."""
        warnings.warn("MRG_RandomStreams.multinomial_wo_replacement() is deprecated: use "
                      "MRG_RandomStreams.choice(size=n, p=pvals, replace=False).",
                      DeprecationWarning, stacklevel=2)
        if size is not None:
            raise ValueError("multinomial_wo_replacement does not use size (give n)")
        return self.choice(size=n, a=None, replace=False, p=pvals, dtype=dtype,
                           nstreams=nstreams, ndim=ndim, **kwargs)

    def normal(self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None,
               truncate=False, **kwargs):
        """Normal draws (Box-Muller on ``n + n % 2`` uniforms of one new variable).

        With ``truncate=True`` the variates outside ``[-2, 2]`` are re-drawn
        once from a second uniform variable (so the std is below ``std``).
        ``dtype`` defaults to ``upcast(floatX, avg.dtype, std.dtype)``.
        """
        size = _check_size(size)
        avg = _no_grad(as_tensor_variable(avg))
        std = _no_grad(as_tensor_variable(std))
        if dtype is None:
            dtype = upcast(config.floatX, avg.type.dtype, std.type.dtype)
        avg, std = cast(avg, dtype), cast(std, dtype)
        if ndim is None or _known_length(size):
            length = vector_length(size)
            if ndim is not None and ndim != length:
                raise ValueError("ndim=%d does not match the %d entries of size %s"
                                 % (ndim, length, size))
            ndim = length
        n_odd = prod(size, dtype="int64")
        n_even = n_odd + n_odd % 2
        _, unis = self._uniform((n_even,), 0.0, 1.0, 1, dtype, nstreams, dict(kwargs))
        if truncate:
            n_fix = TruncatedNormalFixCount()(unis)
            lower = constant(np.asarray(1.0 / np.e ** 2, dtype=dtype))
            _, fix_raw = self._uniform((n_fix,), lower, 1.0, 1, dtype, nstreams, dict(kwargs))
            z = TruncatedNormalFromUniform(ndim)(unis, fix_raw, size)
        else:
            z = NormalFromUniform(ndim)(unis, size)
        return z * std + avg

    def truncated_normal(self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None,
                         **kwargs):
        """Normal draws truncated to ``avg +- 2 std`` with (about) standard deviation ``std``.

        ``normal(..., std=std / 0.8796..., truncate=True)``; 0.8796 is the std
        of a standard normal truncated to [-2, 2].
        """
        std = as_tensor_variable(std) / constant(mrg_core.TRUNCATED_NORMAL_STD)
        return self.normal(size=size, avg=avg, std=std, truncate=True, ndim=ndim, dtype=dtype,
                           nstreams=nstreams, **kwargs)


def _known_length(v):
    try:
        vector_length(v)
        return True
    except ValueError:
        return False
