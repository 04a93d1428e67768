"""The C backend: generated C kernels compiled into CPython extension modules.

``Mode(linker='c')`` (also ``'cvm'``, ``'c|py'``, ``'c|py_nogc'``,
``'cvm_nogc'``) links a graph with :class:`~theano.link.c.linker.CProgram`:
elementwise nodes (including fused ``Composite`` ones) run compiled loops,
every other node its NumPy thunk.  Without a C compiler it warns once and
runs everything in NumPy.

>>> import numpy as np, theano, theano.tensor as T
>>> from theano.compile.mode import Mode
>>> x = T.dvector('x')
>>> f = theano.function([x], 1 / (1 + T.exp(-x)), mode=Mode(linker='c'))
>>> f(np.zeros(3))
array([0.5, 0.5, 0.5])
"""
