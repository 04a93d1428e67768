"""Small helpers of the graph layer kept under their Theano 1.0 names (``theano.gof.utils``)."""

__all__ = ["MethodNotDefined"]


class MethodNotDefined(Exception):
    """An optional method of an Op or Type is not implemented for this case.

    Raised by the C-code methods of an Op (``c_code``, ``c_support_code``...) to say "no
    C code here": the linker then leaves the node to its NumPy ``perform``.  Theano 1.0
    code raises it as ``theano.gof.utils.MethodNotDefined``.
    """
