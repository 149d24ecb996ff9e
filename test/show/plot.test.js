"use strict";
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const rl = require("rnnlab");

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
function pngSize(png) {
  const b = Buffer.from(png);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe("plots", function () {
  this.timeout(30000);
  let dir;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-fig-"));
    process.env.RNNLAB_FIGURES = dir;
  });
  after(() => delete process.env.RNNLAB_FIGURES);

  it("draw lines to SVG and PNG, saved to a file outside a notebook", async () => {
    const log = console.log;
    const lines = [];
    console.log = (s) => lines.push(s);
    let fig;
    try {
      fig = await rl.plotLines([{ name: "a", y: [1, 2, 3] }, { name: "b", y: [3, 2, 1] }], { title: "Two lines" });
    } finally {
      console.log = log;
    }
    assert.ok(fig.svg.startsWith("<svg"));
    assert.ok(fig.svg.includes("Two lines"));
    assert.deepStrictEqual(Buffer.from(fig.png).subarray(0, 4), PNG_MAGIC);
    assert.ok(fs.existsSync(fig.file) && fig.file.startsWith(dir));
    assert.match(lines[0], /\[figure: Two lines\] saved to /);
    const [w, h] = pngSize(fig.png);
    assert.ok(w > 400 && h > 200, `${w}x${h}`);
  });

  it("refuse NaN with the series and index named", async () => {
    await assert.rejects(rl.plotLines({ name: "loss", y: [1, NaN] }, { show: false }), /series 'loss' y\[1\] is NaN/);
  });

  it("draw a confusion matrix, training curves, a heatmap and an image grid", async () => {
    const cm = await rl.plotConfusionMatrix([[5, 1], [2, 7]], ["down", "up"], { show: false });
    assert.ok(cm.svg.includes("predicted") && cm.svg.includes(">7<"));
    const tc = await rl.plotTrainingCurves({ lstm: { loss: [1, 0.5], val_loss: [1.2, 0.7] }, gru: { loss: [0.9, 0.4] } }, { show: false });
    assert.ok(tc.svg.includes("lstm") && tc.svg.includes("gru"));
    const grid = await rl.plotImageGrid([new Array(784).fill(0.5), new Array(784).fill(1)], { captions: ["3", "8"], show: false });
    assert.ok(grid.svg.includes("data:image/png;base64,") && grid.svg.includes(">8<"));
    assert.deepStrictEqual(Buffer.from(grid.png).subarray(0, 4), PNG_MAGIC);
    await assert.rejects(rl.plotImageGrid([new Array(700).fill(0)], { show: false }), /image 0 has 700 values/);
  });

  it("a scatter shows a legend only when its points come in more than one group", async () => {
    const one = await rl.plotScatter([{ x: 1, y: 2 }, { x: 2, y: 3 }], { show: false });
    const two = await rl.plotScatter([{ x: 1, y: 2, group: "up" }, { x: 2, y: 3, group: "down" }], { show: false });
    assert.ok(!one.svg.includes("role-legend"), "a single unnamed group drew a legend");
    assert.ok(two.svg.includes("role-legend") && two.svg.includes(">down<"), "two groups drew no legend");
  });

  it("print as nothing when a notebook cell returns one (the image is already shown)", async () => {
    const fig = await rl.plotScatter([{ x: 1, y: 2, group: "a" }], { show: false });
    assert.strictEqual(require("util").inspect(fig), "");
  });
});
