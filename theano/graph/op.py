"""Ops: the operations that Apply nodes apply."""
import numpy as np

from theano.configparser import config
from theano.graph.basic import Apply, format_source_line
from theano.graph.rules import connection_rules, grad_rules, rop_rules
from theano.graph.type import PropsEq

__all__ = ["Op", "TestValueError", "get_test_value"]


class TestValueError(ValueError):
    """Raised (at graph-building time) when computing a node's test value fails."""


def get_test_value(var):
    """The test value of ``var``, or raise AttributeError."""
    return var.get_test_value()


class Op(PropsEq):
    """An operation.

    An Op is identified by its class and ``__props__``: two equal ops are
    interchangeable, which is what merging and caching rely on.

    Subclasses implement:

    * ``make_node(*inputs) -> Apply`` — type checking and output types;
    * ``perform(node, inputs, output_storage)`` — the NumPy reference,
      writing ``output_storage[i][0]``;
    * optionally ``L_op``/``grad``, ``R_op``, ``infer_shape``,
      ``destroy_map``/``view_map`` (``{output_idx: [input_idx]}``).
    """

    destroy_map = {}
    view_map = {}
    default_output = None

    itypes = None
    otypes = None

    def make_node(self, *inputs):
        """Build the Apply node; the default uses ``itypes``/``otypes`` (Theano 1.0)."""
        if self.itypes is None or self.otypes is None:
            raise NotImplementedError(
                "%s must implement make_node, or set the itypes and otypes attributes"
                % type(self).__name__)
        if len(inputs) != len(self.itypes):
            raise TypeError("%s takes %d inputs (itypes %s), got %d"
                            % (self, len(self.itypes), list(self.itypes), len(inputs)))
        checked = []
        for k, (t, x) in enumerate(zip(self.itypes, inputs)):
            v = t.filter_variable(x)
            if v.type != t:
                raise TypeError("input %d of %s must have type %s, got %s of type %s"
                                % (k, self, t, x, getattr(x, "type", type(x))))
            checked.append(v)
        return Apply(self, checked, [t() for t in self.otypes])

    def __call__(self, *inputs, **kwargs):
        return_list = kwargs.pop("return_list", False)
        node = self.make_node(*inputs, **kwargs)
        if config.compute_test_value != "off":
            self._compute_test_value(node)
        if return_list:
            return list(node.outputs)
        if self.default_output is not None:
            return node.outputs[self.default_output]
        if len(node.outputs) == 1:
            return node.outputs[0]
        return list(node.outputs)

    def _compute_test_value(self, node):
        """Run ``perform`` on the inputs' test values (config.compute_test_value)."""
        mode = config.compute_test_value
        values = []
        for i, var in enumerate(node.inputs):
            try:
                values.append(var.get_test_value())
            except AttributeError:
                if mode == "ignore":
                    return
                msg = ("Cannot compute test value: input %d (%s) of Op %s is missing a "
                       "test value (set var.tag.test_value)." % (i, var, self))
                if mode == "warn":
                    import warnings
                    warnings.warn(msg, stacklevel=3)
                    return
                raise TestValueError(msg) from None
        storage = [[None] for _ in node.outputs]
        try:
            self.perform(node, [np.asarray(v) if isinstance(v, (list, tuple)) else v
                                for v in values], storage)
        except Exception as exc:
            shapes = [getattr(v, "shape", "no shape") for v in values]
            if mode == "pdb":
                import pdb
                pdb.post_mortem(exc.__traceback__)
            raise TestValueError(
                "Error computing the test value of %s\n  input shapes: %s\n  %s: %s\n"
                "Node built at:\n  %s"
                % (node, shapes, type(exc).__name__, exc, format_source_line(node.tag.trace))
            ) from exc
        for out, cell in zip(node.outputs, storage):
            out.tag.test_value = cell[0]

    def perform(self, node, inputs, output_storage):
        raise NotImplementedError("%s has no perform implementation" % type(self).__name__)

    def make_thunk_fn(self, node):
        """A callable ``f(inputs, output_storage)`` for the reference VM.

        Ops may override this to precompute per-node constants once.
        """
        perform = self.perform

        def fn(inputs, output_storage):
            perform(node, inputs, output_storage)

        return fn

    # -- differentiation -------------------------------------------------
    # Library ops attach their rules from outside (theano.graph.rules); an Op
    # written by a user overrides these methods, as in Theano 1.0.
    def L_op(self, inputs, outputs, output_grads):
        """Vector-Jacobian product: the registered rule, else :meth:`grad`."""
        rule = grad_rules.lookup(type(self))
        if rule is not None:
            return rule(self, inputs, outputs, output_grads)
        return self.grad(inputs, output_grads)

    def grad(self, inputs, output_grads):
        rule = grad_rules.lookup(type(self))
        if rule is not None:
            return rule(self, inputs, self.make_node(*inputs).outputs, output_grads)
        raise NotImplementedError("%s does not implement a gradient" % self)

    def R_op(self, inputs, eval_points):
        rule = rop_rules.lookup(type(self))
        if rule is not None:
            return rule(self, inputs, eval_points)
        raise NotImplementedError("%s does not implement R_op" % self)

    def connection_pattern(self, node):
        rule = connection_rules.lookup(type(self))
        if rule is not None:
            return rule(self, node)
        return [[True] * len(node.outputs) for _ in node.inputs]

    def do_constant_folding(self, node):
        return True

    def __str__(self):
        # Theano 1.0's default: ``MakeVector{dtype='int64'}``.
        if not self.__props__:
            return type(self).__name__
        return "%s{%s}" % (type(self).__name__, ", ".join(
            "%s=%r" % (p, getattr(self, p)) for p in self.__props__))

    def __repr__(self):
        return str(self)

