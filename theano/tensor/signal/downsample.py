"""Old name of :mod:`theano.tensor.signal.pool` (``max_pool_2d``, ``DownsampleFactorMax``).

Theano 0.8 made this module a deprecated alias and later releases dropped it;
code written against it (older DeepLearningTutorials, Lasagne) still runs
here, with a deprecation warning on import.
"""
import warnings

from theano.tensor.signal import pool

warnings.warn("theano.tensor.signal.downsample is deprecated: use theano.tensor.signal.pool "
              "(downsample.max_pool_2d is pool.pool_2d).", DeprecationWarning, stacklevel=2)

max_pool_2d = pool.pool_2d
max_pool_2d_same_size = pool.max_pool_2d_same_size
DownsampleFactorMax = pool.Pool
PoolGrad = pool.PoolGrad
MaxPoolGrad = pool.MaxPoolGrad
AveragePoolGrad = pool.AveragePoolGrad
DownsampleFactorMaxGradGrad = pool.DownsampleFactorMaxGradGrad
