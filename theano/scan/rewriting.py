"""Rewrites of scan loops, registered in the rewrite database on import.

``scan_save_mem``: an output of which only the last step is used (``out[-1]``,
as in ``reduce`` or the power example ``outputs[-1]``) is stored for the last
step only, instead of all ``n_steps`` of them.
"""
from theano.rewriting.basic import graph_rewriter
from theano.rewriting.db import optdb
from theano.scan.op import Scan
from theano.tensor.subtensor import Subtensor

__all__ = ["scan_save_mem"]


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


def _register():

    if "scan_save_mem" not in optdb:
        optdb.register("scan_save_mem", scan_save_mem, "fast_run", "scan", "scan_save_mem",
                       position=2.5)


_register()
