"""The C backend: generated C kernels compiled into CPython extension modules.

``Mode(linker='c')`` (also ``'cvm'``, ``'c|py'``, ``'c|py_nogc'``,
``'cvm_nogc'``) links a graph with :class:`~theano.link.c.linker.CProgram`:
elementwise nodes (including fused ``Composite`` ones) run compiled loops,
every other node its NumPy thunk.  Without a C compiler it warns once and
runs everything in NumPy.
"""
