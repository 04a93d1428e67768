"""JAX rules of random draws.

``RandomStreams`` (``RandomFunction`` nodes): the generator state becomes a JAX key.
A shared variable holding a NumPy ``RandomState`` is turned, on its first use by a
JAX function, into a key derived from that state (so equal seeds give equal
streams), and the call's updates store the next key in it.  Draws are equal in law
to NumPy's, not equal in value (docs/jax.md).

``MRG_RandomStreams`` (``mrg_uniform``): its state is already an int32 matrix; the
rule runs MRG31k3p itself in integer arithmetic, so the numbers are the very ones
of the NumPy reference (and of Theano 1.0).  The Box-Muller transforms of the MRG
streams call their NumPy reference (``jax.pure_callback``): they are deterministic
functions of the uniforms.
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from theano.graph.sharedvalue import register_host_rule
from theano.link.jax.linker import register_jax_value, static
from theano.link.jax.registry import register_jax
from theano.tensor.random import basic as trb
from theano.tensor.random import mrg as tmrg
from theano.tensor.random import mrg_core as core


def _key_of(t, value):
    if isinstance(value, np.random.RandomState):
        state = value.get_state(legacy=False)["state"]
        seed = (int(np.bitwise_xor.reduce(state["key"].astype(np.uint64))) ^ int(state["pos"]))
        return jax.random.PRNGKey(seed & 0x7FFFFFFFFFFFFFFF)
    return value


def _state_of(t, key):
    """A NumPy generator for a key read on the host (get_value, a FAST_RUN function, a
    pickle): seeded from the key's bits, so the stream goes on in law, not in value."""
    bits = np.asarray(jax.random.key_data(key) if jax.dtypes.issubdtype(
        key.dtype, jax.dtypes.prng_key) else key).astype(np.uint32).ravel()
    return np.random.RandomState(bits)


register_jax_value(trb.RandomStateType, _key_of)
register_host_rule(trb.RandomStateType, _state_of)


def _shape(size, params, node):
    size = static(size, "The size of a random draw", node)
    if len(size):
        return tuple(int(s) for s in size)
    return jnp.broadcast_shapes(*[jnp.shape(p) for p in params]) if params else ()


def _uniform(key, shape, dtype, low, high):
    return jax.random.uniform(key, shape, dtype, minval=low, maxval=high)


def _normal(key, shape, dtype, avg, std):
    return avg + std * jax.random.normal(key, shape, dtype)


def _binomial(key, shape, dtype, n, p):
    n = jnp.broadcast_to(n, shape)
    return jax.random.binomial(key, n.astype(jnp.float64), jnp.broadcast_to(p, shape),
                               shape).astype(dtype)


def _random_integers(key, shape, dtype, low, high):
    return jax.random.randint(key, shape, low, high + 1, dtype="int64").astype(dtype)


def _poisson(key, shape, dtype, lam):
    return jax.random.poisson(key, lam, shape).astype(dtype)


# The distribution of a RandomFunction is named by its ``fn`` parameter (the NumPy
# RandomState method it calls): the same method of the same law here.
_SAMPLERS = {"uniform": _uniform, "normal": _normal, "binomial": _binomial,
             "random_integers": _random_integers, "poisson": _poisson}


@register_jax(trb.RandomFunction)
def _random_function(op, node):
    sampler = _SAMPLERS.get(op.fn) if isinstance(op.fn, str) else None
    if sampler is None or op.ndim_added:
        return None
    dtype = node.outputs[1].type.dtype
    ndim = node.outputs[1].type.ndim

    def fn(key, size, *params):
        shape = _shape(size, params, node)
        if len(shape) < ndim:
            shape = (1,) * (ndim - len(shape)) + tuple(shape)
        new_key, sub = jax.random.split(key)
        return new_key, sampler(sub, shape, dtype, *params)
    return fn


# -- MRG31k3p, bit for bit ------------------------------------------------------------
def _wrap32(v):
    return ((v + 0x80000000) & 0xFFFFFFFF) - 0x80000000


def _reduce(y, m):
    return jnp.where((y < 0) | (y >= m), _wrap32(y - m), y)


def _mrg_step(st):
    x11, x12, x13, x21, x22, x23 = (st[:, i] for i in range(6))
    y1 = _reduce(_wrap32(((x12 & core.MASK12) << 22) + (x12 >> 9)
                         + ((x13 & core.MASK13) << 7) + (x13 >> 24)), core.M1)
    y1 = _reduce(_wrap32(y1 + x13), core.M1)
    z1 = _reduce(_wrap32(((x21 & core.MASK2) << 15) + core.MULT2 * (x21 >> 16)), core.M2)
    y2 = _reduce(_wrap32(((x23 & core.MASK2) << 15) + core.MULT2 * (x23 >> 16)), core.M2)
    y2 = _reduce(_wrap32(y2 + x23), core.M2)
    y2 = _reduce(_wrap32(y2 + z1), core.M2)
    new = jnp.stack([y1, x11, x12, y2, x21, x22], axis=1)
    k = jnp.where(y1 <= y2, _wrap32(y1 - y2 + core.M1), _wrap32(y1 - y2))
    return new, k


def _ints_to_float(k, dtype):
    if dtype == "float64":
        return k.astype(jnp.float64) * core.NORM
    if dtype == "float32":
        return k.astype(jnp.float32) * core.NORM_FLOAT32
    return (((k & 0x7FFF) + 1).astype(jnp.float64) * float(core.NORM_FLOAT16)).astype(dtype)


@register_jax(tmrg.mrg_uniform)
def _mrg_uniform(op, node):
    dtype = op.output_type.dtype

    def fn(rstate, size):
        shape = tuple(int(s) for s in static(size, "The size of an MRG draw", node))
        n = int(np.prod(shape, dtype=np.int64))
        n_streams = rstate.shape[0]
        st = rstate.astype(jnp.int64)
        if n == 0:
            return rstate, jnp.zeros(shape, dtype)
        steps = -(-n // n_streams)
        # Stream j draws the elements j, j + n_streams, ...: count_j values in all.
        counts = n // n_streams + (np.arange(n_streams) < n % n_streams)

        def body(state, t):
            new, k = _mrg_step(state)
            live = (t < counts)[:, None]
            return jnp.where(live, new, state), k

        st, ks = lax.scan(body, st, jnp.arange(steps))
        sample = _ints_to_float(ks.reshape(-1)[:n], dtype).reshape(shape)
        return st.astype(jnp.int32), sample
    return fn


def _callback_rule(shape_of):
    def rule(op, node):
        dtype = node.outputs[0].type.dtype

        def fn(*args):
            shape = shape_of(node, args)

            def host(*vals):
                cells = [[None]]
                node.op.perform(node, [np.asarray(v) for v in vals], cells)
                return np.asarray(cells[0][0], dtype=dtype)
            return jax.pure_callback(host, jax.ShapeDtypeStruct(shape, dtype), *args)
        return fn
    return rule


def _size_shape(node, args):
    return tuple(int(s) for s in static(args[-1], "The size of an MRG draw", node))


register_jax(tmrg.NormalFromUniform, tmrg.TruncatedNormalFromUniform)(
    _callback_rule(_size_shape))
