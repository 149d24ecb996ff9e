"""PyTorch side of scripts/bench/bench-rnn.js: the same models, shapes and optimiser, on the CPU.

Reads one JSON object from argv[1]: {"threads", "batch", "steps", "features", "classes", "configs": [[cell, units]],
"train_reps", "infer_reps", "batches_per_rep"}; prints one JSON object: {"torch": version, "threads": n,
"results": {"cell/units": {"train": samples/s, "infer": samples/s}}}. Medians of the repetitions after a warm-up.
"""
import json
import statistics
import sys
import time

import torch
from torch import nn


class Classifier(nn.Module):
    def __init__(self, cell, features, units, classes):
        super().__init__()
        rnn = {"simpleRnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = rnn(features, units, batch_first=True)
        self.out = nn.Linear(units, classes)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.out(y[:, -1])  # logits; CrossEntropyLoss applies the softmax


def median_rate(fn, samples, reps):
    rates = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        rates.append(samples / (time.perf_counter() - t0))
    return statistics.median(rates)


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(cfg["threads"])
    torch.manual_seed(0)
    b, t, f, k, n = cfg["batch"], cfg["steps"], cfg["features"], cfg["classes"], cfg["batches_per_rep"]
    x = torch.randn(b, t, f)
    y = torch.randint(0, k, (b,))
    results = {}
    for cell, units in cfg["configs"]:
        model = Classifier(cell, f, units, k)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()

        def train():
            for _ in range(n):
                opt.zero_grad()
                loss_fn(model(x), y).backward()
                opt.step()

        def infer():
            with torch.no_grad():
                for _ in range(n):
                    model(x)

        train()  # warm-up
        infer()
        results[f"{cell}/{units}"] = {
            "train": median_rate(train, b * n, cfg["train_reps"]),
            "infer": median_rate(infer, b * n, cfg["infer_reps"]),
        }
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    main()
