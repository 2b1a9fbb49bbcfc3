#!/usr/bin/env python3
"""PersonalizedRouter's GNN in PyTorch Geometric, on a prouter graph file: the peer of
`pr-train --model personalized` for examples/bench-peer.sh (not part of prouter).

Same graph (the .prg file, read here), same node inputs (the stored text embeddings;
users get their observed mean normalized performance and cost per LLM), same layers:
per relation z_e = W h_src (+ E x_e on query-LLM edges),
alpha_e = softmax_dst(LeakyReLU(a.z_e + b.h_dst)), m_v = ReLU(sum_r w_r sum_e alpha_e z_e),
h_v = ReLU(U [h_v ; m_v] + c), 2 layers of width 32; scores
MLP([h_u ; h_t ; h_q]) . h_m; softmax loss over each training query's candidates; Adam
at 1e-3. Trained full-batch (PyG's usual way), EPOCHS epochs; prints one JSON line with
the seconds per epoch, total seconds, peak memory and the test ratio to the Oracle.

Usage: pyg_router.py GRAPH.prg EPOCHS SEED
"""
import json
import resource
import struct
import sys
import time

import numpy as np
import torch
from torch import nn
from torch_geometric.utils import softmax as segment_softmax

TRAIN, VALIDATION, TEST = 0, 1, 2


def read_graph(path):
    """The sections of a prouter graph file (format documented in SectionFile.swift)."""
    data = open(path, "rb").read()
    assert data[:8] == b"PRGRAPH\0", "not a prouter graph file"
    count = struct.unpack_from("<I", data, 12)[0]
    sections = {}
    for i in range(count):
        tag, kind, offset, length, elements = struct.unpack_from("<4sIQQQ", data, 32 + 40 * i)
        payload = data[offset:offset + length]
        dtype = {1: np.uint8, 2: np.uint32, 3: np.float32, 4: np.float64}.get(kind)
        sections[tag.decode()] = np.frombuffer(payload, dtype=dtype) if dtype else payload
    meta = json.loads(sections["META"])
    return sections, meta


def main():
    path, epochs, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.manual_seed(seed)
    s, meta = read_graph(path)
    feat = json.loads(s["FEAT"])
    dim = feat["dimension"]
    users = int(s["QNUS"].max()) + 1 if len(s["UTUS"]) == 0 else int(max(s["QNUS"].max(), s["UTUS"].max())) + 1
    tasks = len(s["FTSK"]) // dim
    llm_cols = feat["llm_columns"]
    llms = len(s["FLLM"]) // llm_cols
    node_user = torch.from_numpy(s["QNUS"].astype(np.int64))
    node_task = torch.from_numpy(s["QNTK"].astype(np.int64))
    node_query = torch.from_numpy(s["QNQY"].astype(np.int64))
    split = torch.from_numpy(s["QNSP"].astype(np.int64))
    nodes = len(node_user)
    edge_node = torch.from_numpy(s["QLQN"].astype(np.int64))
    edge_llm = torch.from_numpy(s["QLLM"].astype(np.int64))
    edge_feat = torch.from_numpy(s["QLFT"].astype(np.float32)).view(len(edge_node), -1)[:, :2]
    edge_best = torch.from_numpy(s["QLBS"].astype(np.int64))
    edge_reward = torch.from_numpy(s["QLRW"].astype(np.float64))

    x_query = torch.from_numpy(s["FQRY"].copy()).view(-1, dim)[node_query]
    x_task = torch.from_numpy(s["FTSK"].copy()).view(tasks, dim)
    x_llm = torch.from_numpy(s["FLLM"].copy()).view(llms, llm_cols)
    observed = split[edge_node] == TRAIN
    # Users: their observed mean normalized performance and cost per LLM.
    sums = torch.zeros(users * llms, 3)
    key = node_user[edge_node] * llms + edge_llm
    sums.index_add_(0, key[observed], torch.cat([edge_feat[observed], torch.ones(int(observed.sum()), 1)], 1))
    sums = sums.view(users, llms, 3)
    x_user = (sums[:, :, :2] / sums[:, :, 2:].clamp(min=1)).reshape(users, 2 * llms)
    # Edges (source index, destination index, edge inputs or None), as in prouter: messages
    # into tasks and LLMs come from observed query nodes only; outcomes masked elsewhere.
    masked = torch.cat([edge_feat * observed[:, None], observed[:, None].float()], 1)
    ut_user, ut_task = torch.from_numpy(s["UTUS"].astype(np.int64)), torch.from_numpy(s["UTTK"].astype(np.int64))
    pool = (split == TRAIN).nonzero().squeeze(1)
    relations = {
        "ut": ("user", "task", ut_user, ut_task, None),
        "tu": ("task", "user", ut_task, ut_user, None),
        "tq": ("task", "query", node_task, torch.arange(nodes), None),
        "qt": ("query", "task", pool, node_task[pool], None),
        "mq": ("llm", "query", edge_llm, edge_node, masked),
        "qm": ("query", "llm", edge_node[observed], edge_llm[observed], masked[observed]),
    }
    inputs = {"user": x_user, "task": x_task, "query": x_query, "llm": x_llm}
    counts = {k: len(v) for k, v in inputs.items()}
    hidden, layers = 32, 2

    class Router(nn.Module):
        def __init__(self):
            super().__init__()
            self.inputs = nn.ModuleDict({k: nn.Linear(v.shape[1], hidden) for k, v in inputs.items()})
            self.W = nn.ModuleList([nn.ModuleDict({r: nn.Linear(hidden, hidden, bias=False) for r in relations}) for _ in range(layers)])
            self.E = nn.ModuleList([nn.ModuleDict({r: nn.Linear(3, hidden, bias=False) for r in ("mq", "qm")}) for _ in range(layers)])
            self.a = nn.ParameterList([nn.Parameter(torch.randn(len(relations), hidden) * 0.1) for _ in range(layers)])
            self.b = nn.ParameterList([nn.Parameter(torch.randn(len(relations), hidden) * 0.1) for _ in range(layers)])
            self.w = nn.ParameterList([nn.Parameter(torch.ones(len(relations))) for _ in range(layers)])
            self.U = nn.ModuleList([nn.ModuleDict({k: nn.Linear(2 * hidden, hidden) for k in inputs}) for _ in range(layers)])
            self.combine = nn.Sequential(nn.Linear(3 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, hidden))

        def forward(self):
            h = {k: torch.relu(self.inputs[k](v)) for k, v in inputs.items()}
            for layer in range(layers):
                messages = {k: torch.zeros(counts[k], hidden) for k in inputs}
                for i, (name, (src, dst, si, di, attr)) in enumerate(relations.items()):
                    z = self.W[layer][name](h[src])[si]
                    if attr is not None:
                        z = z + self.E[layer][name](attr)
                    logits = nn.functional.leaky_relu(z @ self.a[layer][i] + h[dst][di] @ self.b[layer][i], 0.2)
                    alpha = segment_softmax(logits, di, num_nodes=counts[dst])
                    messages[dst] = messages[dst].index_add(0, di, self.w[layer][i] * alpha[:, None] * z)
                h = {k: torch.relu(self.U[layer][k](torch.cat([h[k], torch.relu(messages[k])], 1))) for k in inputs}
            combined = self.combine(torch.cat([h["user"][node_user], h["task"][node_task], h["query"]], 1))
            return (combined[edge_node] * h["llm"][edge_llm]).sum(1)

    model = Router()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    train_edges = split[edge_node] == TRAIN
    started = time.perf_counter()
    for _ in range(epochs):
        optimizer.zero_grad()
        scores = model()
        log_p = scores - torch.zeros(nodes).scatter_reduce(0, edge_node, scores, "amax", include_self=False)[edge_node]
        log_p = log_p - torch.log(torch.zeros(nodes).index_add(0, edge_node, log_p.exp()))[edge_node]
        loss = -(log_p * (edge_best * train_edges)).sum() / max(1, int((edge_best * train_edges).sum()))
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - started
    with torch.no_grad():
        scores = model()
    test = (split == TEST).nonzero().squeeze(1)
    best_score = torch.full((nodes,), -float("inf")).scatter_reduce(0, edge_node, scores, "amax")
    is_best = (scores == best_score[edge_node])
    first = torch.full((nodes,), len(edge_node), dtype=torch.int64).scatter_reduce(
        0, edge_node[is_best], is_best.nonzero().squeeze(1), "amin")
    chosen = edge_reward[first[test]]
    oracle = torch.full((nodes,), -float("inf"), dtype=torch.float64).scatter_reduce(0, edge_node, edge_reward, "amax")[test]
    print(json.dumps({"system": "PyG %s, torch %s, %d threads" % (__import__("torch_geometric").__version__, torch.__version__,
                                                                  torch.get_num_threads()),
                      "epochs": epochs, "seconds_per_epoch": round(seconds / epochs, 3), "total_seconds": round(seconds, 2),
                      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                      "test_ratio_to_oracle": round(float(chosen.sum() / oracle.sum()), 5), "test_queries": len(test)}))


if __name__ == "__main__":
    main()
