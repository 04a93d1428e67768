"""C kernels for :class:`~theano.tensor.elemwise.Elemwise` nodes (fused Composites too).

Each node becomes a *block* function -- one flat loop over contiguous
elements, typed for the node's dtypes, that the compiler vectorises -- plus
a static description (dtypes, broadcastable flags, in-place pattern) run by
the runtime's elementwise driver (``c_code/th_elemwise.c``), which does the
broadcasting, allocation, strided buffering and threading.
"""
from theano.link.c.registry import CKernel, register_c_kernel
from theano.link.c.scalar_c import C_TYPES, TYPENUMS, KernelContext, scalar_c_code
from theano.tensor.elemwise import Elemwise

__all__ = ["elemwise_kernel"]

_MAX_OPERANDS = 64  # TH_MAXOP in the driver


def c_string(text):
    """``text`` as a C string literal (ASCII, escaped)."""
    text = text.encode("ascii", "replace").decode()
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _c_array(ctype, name, values):
    values = list(values) or [0]  # C has no zero-length arrays
    return "static const %s %s[] = {%s};\n" % (ctype, name, ", ".join(str(v) for v in values))


@register_c_kernel(Elemwise)
def elemwise_kernel(node, module):
    """The kernel of Elemwise ``node`` (its spec added to ``module``), or None."""
    in_dts = [i.type.dtype for i in node.inputs]
    out_dts = [o.type.dtype for o in node.outputs]
    if any(d not in C_TYPES for d in in_dts + out_dts):
        return None
    if len(in_dts) + len(out_dts) > _MAX_OPERANDS:
        return None
    fname = module.new_name()
    ctx = KernelContext(module.helpers, module.errors)
    args = ["v%d" % i for i in range(len(in_dts))]
    exprs = scalar_c_code(node.op.scalar_op, args, in_dts, out_dts, ctx)
    if exprs is None:
        return None
    nin, nout, nd = len(in_dts), len(out_dts), node.outputs[0].type.ndim
    lines = ["static int blk_%s(Py_ssize_t n, char **p)" % fname, "{"]
    for i, d in enumerate(in_dts):
        lines.append("    const %s *in%d = (const %s *)p[%d];" % (C_TYPES[d], i, C_TYPES[d], i))
    for k, d in enumerate(out_dts):
        lines.append("    %s *out%d = (%s *)p[%d];" % (C_TYPES[d], k, C_TYPES[d], nin + k))
    lines += ["    Py_ssize_t i;", "    int th_err = 0;", "    TH_IVDEP",
              "    for (i = 0; i < n; i++) {"]
    for i, d in enumerate(in_dts):
        lines.append("        const %s v%d = in%d[i];" % (C_TYPES[d], i, i))
    lines += ["        " + s for s in ctx.statements]
    for k, e in enumerate(exprs):
        lines.append("        out%d[i] = %s;" % (k, e))
    lines += ["    }", "    return th_err;", "}", ""]
    bcast = [int(b) for i in node.inputs for b in i.type.broadcastable]
    inplace = dict(node.op.inplace_pattern)
    text = "\n".join(lines)
    text += _c_array("int", "types_" + fname, [TYPENUMS[d] for d in in_dts + out_dts])
    text += _c_array("unsigned char", "bcast_" + fname, bcast)
    text += _c_array("int", "inplace_" + fname, [inplace.get(k, -1) for k in range(nout)])
    text += ("static const th_ew_spec spec_%(f)s = {%(name)s, %(nin)d, %(nout)d, %(nd)d, "
             "types_%(f)s, bcast_%(f)s, inplace_%(f)s, blk_%(f)s, th_errors};\n"
             % dict(f=fname, name=c_string(str(node.op)), nin=nin, nout=nout, nd=nd))
    module.add(text)
    return CKernel(builtin="elemwise", data="spec_" + fname)
