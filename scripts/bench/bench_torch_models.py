"""PyTorch side of scripts/bench/bench-models.js: the course's whole models, trained on the CPU beside rnnlab's.

Started once with one JSON object in argv[1]: {"threads"}. Then reads one JSON command a line from stdin,
{"model": "lab07" | "mnist" | "mlp", "batches": n}, trains that many batches of that model (Adam 1e-3, cross-entropy) and
prints {"seconds": s, "cpuSeconds": c} (wall and CPU time of the process) on one line; so that the two sides can be timed in alternation, under the same load.
The first line it prints is {"torch": version, "threads": n}.

lab07: 3 x [LSTM(128) -> Dropout -> BatchNorm] (the first two return sequences) -> Dense(32, relu) -> Dropout .2
       -> Dense(2), windows of 60 x 8, batch 64. BatchNorm over the features as Keras's (momentum 0.01 in PyTorch's
       convention = Keras's 0.99, eps 1e-3).
mnist: LSTM(128) -> Dropout .2 -> LSTM(128) -> Dropout .1 -> Dense(32, relu) -> Dropout .2 -> Dense(10), 28 x 28,
       batch 32.
mlp:   Flatten -> Dense(128, relu) -> Dense(10), 28 x 28, batch 32 (lessons 02 and 06).
"""
import json
import sys
import time

import torch
from torch import nn


class Lab07(nn.Module):
    def __init__(self, features=8, units=128, rates=(0.2, 0.1, 0.2)):
        super().__init__()
        self.rnns = nn.ModuleList()
        self.drops = nn.ModuleList()
        self.norms = nn.ModuleList()
        d = features
        for r in rates:
            self.rnns.append(nn.LSTM(d, units, batch_first=True))
            self.drops.append(nn.Dropout(r))
            self.norms.append(nn.BatchNorm1d(units, eps=1e-3, momentum=0.01))
            d = units
        self.dense = nn.Linear(units, 32)
        self.drop = nn.Dropout(0.2)
        self.out = nn.Linear(32, 2)

    def forward(self, x):
        n = len(self.rnns)
        for i in range(n):
            x, _ = self.rnns[i](x)
            if i == n - 1:
                x = x[:, -1]
            x = self.drops[i](x)
            x = self.norms[i](x) if x.dim() == 2 else self.norms[i](x.transpose(1, 2)).transpose(1, 2)
        return self.out(self.drop(torch.relu(self.dense(x))))


class Mnist(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.LSTM(28, 128, batch_first=True)
        self.l2 = nn.LSTM(128, 128, batch_first=True)
        self.d1, self.d2, self.d3 = nn.Dropout(0.2), nn.Dropout(0.1), nn.Dropout(0.2)
        self.dense = nn.Linear(128, 32)
        self.out = nn.Linear(32, 10)

    def forward(self, x):
        x, _ = self.l1(x)
        x, _ = self.l2(self.d1(x))
        x = self.d2(x[:, -1])
        return self.out(self.d3(torch.relu(self.dense(x))))


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(cfg["threads"])
    torch.manual_seed(0)
    setups = {}
    mlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    for name, model, shape, classes in [("lab07", Lab07(), (64, 60, 8), 2), ("mnist", Mnist(), (32, 28, 28), 10), ("mlp", mlp, (32, 28, 28), 10)]:
        x = torch.randn(*shape)
        y = torch.randint(0, classes, (shape[0],))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        setups[name] = (model, opt, x, y)
    loss_fn = nn.CrossEntropyLoss()
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        model, opt, x, y = setups[cmd["model"]]
        model.train()
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(cmd["batches"]):
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()
        print(json.dumps({"seconds": time.perf_counter() - t0, "cpuSeconds": time.process_time() - c0}), flush=True)


if __name__ == "__main__":
    main()
