// Report helpers: per-epoch tables of several runs, and the misclassified-samples picker.
const assert = require("assert");
const { epochTable, pickMisclassified } = require("rnnlab");

describe("report: epochTable", () => {
  it("puts one run per column and one epoch per row, leaving cells of shorter runs empty", () => {
    const rows = epochTable(
      { A: { val_acc: [0.5, 0.6, 0.7], loss: [1, 1, 1] }, B: { val_acc: [0.9] } },
      { extra: { ref: [0.1, 0.2] } },
    );
    assert.deepStrictEqual(rows, [
      { epoch: 1, A: 0.5, B: 0.9, ref: 0.1 },
      { epoch: 2, A: 0.6, B: "", ref: 0.2 },
      { epoch: 3, A: 0.7, B: "", ref: "" },
    ]);
  });

  it("tabulates the metric asked for", () => {
    const rows = epochTable({ A: { val_acc: [0.5], loss: [2.5] } }, { metric: "loss" });
    assert.deepStrictEqual(rows, [{ epoch: 1, A: 2.5 }]);
  });

  it("names the run and its keys when the metric is missing", () => {
    assert.throws(() => epochTable({ A: { acc: [0.5] } }), /run 'A' has no 'val_acc' \(it has acc\)/);
  });

  it("refuses an extra column named like a run", () => {
    assert.throws(() => epochTable({ A: { val_acc: [0.5] } }, { extra: { A: [1] } }), /clashes/);
  });
});

describe("report: pickMisclassified", () => {
  // Four 2-pixel "images": image k is [k, k + 0.5].
  const images = Float32Array.from([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
  const labels = Int32Array.from([7, 1, 3, 4]);

  it("picks the wrong ones in order, with their pixels and true→predicted captions", () => {
    const m = pickMisclassified(images, labels, [7, 7, 3, 9], { pixelsPerImage: 2 });
    assert.deepStrictEqual(m.indices, [1, 3]);
    assert.deepStrictEqual(Array.from(m.images), [1, 1.5, 3, 3.5]);
    assert.deepStrictEqual(m.captions, ["1→7", "4→9"]);
    assert.deepStrictEqual(m.highlight, [true, true]);
    assert.strictEqual(m.total, 2);
  });

  it("shows at most max but counts all mistakes", () => {
    const m = pickMisclassified(images, labels, [0, 0, 0, 0], { pixelsPerImage: 2, max: 1 });
    assert.deepStrictEqual(m.indices, [0]);
    assert.strictEqual(m.images.length, 2);
    assert.strictEqual(m.total, 4);
  });

  it("rejects predictions or pixels that do not match the labels", () => {
    assert.throws(() => pickMisclassified(images, labels, [7, 1, 3], { pixelsPerImage: 2 }), /4 labels but 3 predictions/);
    assert.throws(() => pickMisclassified(images, labels, [7, 1, 3, 4]), /8 pixel values are not 4 images of 784 pixels/);
  });
});
