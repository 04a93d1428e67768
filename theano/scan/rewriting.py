"""Rewrites of scan loops, registered in the rewrite database on import.

``scan_save_mem``: an output of which only the last step is used (``out[-1]``,
as in ``reduce`` or the power example ``outputs[-1]``) is stored for the last
step only, instead of all ``n_steps`` of them.

``scan_grad_prune``: the backward loop of a scan (``ScanGrad``) computes the gradients of
the sequences and non-sequences whose gradient is used, not all of them (``T.grad(cost,
params)`` uses the weights' gradients, not the input sequence's).
"""
from theano.rewriting.basic import graph_rewriter
from theano.rewriting.db import optdb
from theano.scan.grad import ScanGrad
from theano.scan.op import Scan
from theano.tensor.subtensor import Subtensor

__all__ = ["scan_save_mem", "scan_grad_prune"]


def _last_step_clients(fgraph, var):
    """The Subtensor clients of ``var`` if every use is ``var[-1, ...]``, else None."""
    clients = fgraph.clients.get(var, [])
    if not clients:
        return None
    out = []
    for client, i in clients:
        if client == "output" or i != 0 or not isinstance(client.op, Subtensor):
            return None
        idx = client.op.idx_list
        if not idx or isinstance(idx[0], slice) or not isinstance(idx[0], int) or idx[0] != -1:
            return None
        out.append(client)
    return out


@graph_rewriter
def scan_save_mem(fgraph):
    """Keep only the last step of scan outputs that are only read as ``out[-1]``."""

    for node in list(fgraph.toposort()):
        if not isinstance(node.op, Scan) or node not in fgraph.apply_nodes:
            continue
        op = node.op
        info = op.info
        stores = list(info.state_store) + list(info.nit_store)
        plan = {}
        for k, out in enumerate(node.outputs):
            if stores[k] != "all":
                continue
            clients = _last_step_clients(fgraph, out)
            if clients:
                plan[k] = clients
        if not plan:
            continue
        new_stores = ["last" if k in plan else s for k, s in enumerate(stores)]
        new_op = Scan(op.inner_inputs, op.inner_outputs,
                      info._replace(state_store=tuple(new_stores[:op.n_states]),
                                    nit_store=tuple(new_stores[op.n_states:])))
        new_outs = new_op(*node.inputs, return_list=True)
        pairs = []
        for k, (old, new) in enumerate(zip(node.outputs, new_outs)):
            if k not in plan:
                pairs.append((old, new))
                continue
            for client in plan[k]:
                rest = client.op.idx_list[1:]
                repl = Subtensor(rest)(new, *client.inputs[1:]) if rest else new
                pairs.append((client.outputs[0], repl))
        for old, new in pairs:
            if old in fgraph.clients:
                fgraph.replace(old, new, reason="scan_save_mem")


@graph_rewriter
def scan_grad_prune(fgraph):
    """Drop the unused gradients of sequences and non-sequences from backward loops."""
    for node in list(fgraph.toposort()):
        if not isinstance(node.op, ScanGrad) or node not in fgraph.apply_nodes:
            continue
        op = node.op
        ns, nst = op.fwd.n_seqs, op.fwd.n_states
        unused = {p for p, out in zip(op.diff_outer, node.outputs)
                  if not fgraph.clients.get(out) and not 1 + ns <= p < 1 + ns + nst}
        if not unused:
            continue
        new_op = ScanGrad(op.fwd, skip=op.skip | unused)
        new_outs = dict(zip(new_op.diff_outer, new_op(*node.inputs, return_list=True)))
        for p, old in zip(op.diff_outer, node.outputs):
            if p in new_outs:
                fgraph.replace(old, new_outs[p], reason="scan_grad_prune")


def _register():

    if "scan_save_mem" not in optdb:
        optdb.register("scan_save_mem", scan_save_mem, "fast_run", "scan", "scan_save_mem",
                       position=2.5)
    if "scan_grad_prune" not in optdb:
        optdb.register("scan_grad_prune", scan_grad_prune, "fast_run", "scan",
                       "scan_grad_prune", position=2.51)


_register()
