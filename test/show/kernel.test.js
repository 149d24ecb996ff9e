"use strict";
// The display layer picks the kernel's way to the notebook: tslab's writer under tslab, Deno.jupyter.broadcast
// under Deno's kernel, plain text elsewhere. Deno's API is stood in for by a recorder on globalThis.Deno (the real
// kernel runs in test/tooling/deno.test.js).
const assert = require("assert");
const rl = require("rnnlab");
const jupyter = require("tslab/dist/jupyter");

describe("the display layer under each kernel", () => {
  let sent;
  let hadDeno;
  const fakeDeno = (broadcast) => {
    globalThis.Deno = { version: { deno: "9.8.7", typescript: "6.0.3", v8: "15.0.1" }, jupyter: { broadcast } };
  };
  before(() => {
    hadDeno = "Deno" in globalThis;
    assert.ok(!hadDeno, "these cases run under Node.js");
  });
  beforeEach(() => {
    sent = [];
  });
  afterEach(() => {
    delete globalThis.Deno;
    jupyter.lastWriteDisplayData = null;
  });

  it("outside a notebook: no kernel, publish says so, the text goes to stdout", () => {
    assert.strictEqual(rl.currentKernel(), null);
    assert.strictEqual(rl.publish({ "text/plain": "x" }), false);
    assert.match(rl.kernelLine(), /^kernel: none \(Node\.js v\d+/);
  });

  it("tslab: bundles go through tslab's writer", () => {
    jupyter.lastWriteDisplayData = (data, update) => sent.push({ data, update });
    assert.strictEqual(rl.currentKernel(), "tslab");
    assert.strictEqual(rl.publish({ "text/plain": "hello" }, "d1"), true);
    assert.deepStrictEqual(sent, [{ data: { data: { "text/plain": "hello" }, metadata: {}, transient: { display_id: "d1" } }, update: false }]);
    assert.match(rl.kernelLine(), /^kernel: tslab \d+\.\d+\.\d+, TypeScript \d+\.\d+\.\d+, Node\.js v\d+/);
  });

  it("Deno: display_data, then update_display_data with the same display id, through Deno.jupyter.broadcast", async () => {
    fakeDeno(async (type, content) => sent.push({ type, content }));
    jupyter.lastWriteDisplayData = () => assert.fail("tslab's writer must not be used under Deno");
    assert.strictEqual(rl.currentKernel(), "deno");
    assert.strictEqual(rl.kernelLine(), "kernel: Deno 9.8.7, TypeScript 6.0.3, V8 15.0.1");
    const live = rl.liveOutput();
    live.update("epoch 1", "<b>epoch 1</b>");
    live.update("epoch 2");
    rl.showHtml("<table></table>", "(table)");
    assert.deepStrictEqual(
      sent.map((s) => s.type),
      ["display_data", "update_display_data", "display_data"],
    );
    const id = sent[0].content.transient.display_id;
    assert.ok(id, "the live output has a display id");
    assert.strictEqual(sent[1].content.transient.display_id, id);
    assert.deepStrictEqual(sent[0].content.data, { "text/plain": "epoch 1", "text/html": "<b>epoch 1</b>" });
    assert.deepStrictEqual(sent[1].content.data, { "text/plain": "epoch 2" });
    assert.deepStrictEqual(sent[2].content, { data: { "text/html": "<table></table>", "text/plain": "(table)" }, metadata: {}, transient: {} });
  });

  it("Deno: a figure is a PNG in the notebook, and as a cell's last value shows as empty text", async () => {
    fakeDeno(async (type, content) => sent.push({ type, content }));
    const fig = await rl.plotLines({ name: "y", y: [1, 2, 3] }, { title: "three points" });
    assert.strictEqual(sent.length, 1);
    assert.strictEqual(sent[0].type, "display_data");
    const png = Buffer.from(sent[0].content.data["image/png"], "base64");
    assert.deepStrictEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.strictEqual(sent[0].content.data["text/plain"], "[figure: three points]");
    assert.strictEqual(fig.file, undefined, "not saved to a file: it is in the notebook");
    assert.deepStrictEqual(fig[Symbol.for("Jupyter.display")](), { "text/plain": "" });
  });

  it("Deno: a display that cannot be sent is one line on stderr, not an unhandled rejection", async () => {
    fakeDeno(() => Promise.reject(new Error("socket closed")));
    const errors = [];
    const original = console.error;
    console.error = (...a) => errors.push(a.join(" "));
    try {
      assert.strictEqual(rl.publish({ "text/plain": "x" }), true);
      await new Promise((r) => setImmediate(r));
    } finally {
      console.error = original;
    }
    assert.deepStrictEqual(errors, ["rnnlab: a display could not be sent to the notebook (socket closed)"]);
  });

  it("Deno: console output goes out as stream messages, in order with the displays, formatted as Node.js does", () => {
    fakeDeno(async (type, content) => sent.push({ type, content }));
    const restore = require("../../lib/dist/show/kernel").routeConsoleToKernel();
    try {
      console.log("a", { b: [1, 2] });
      rl.showHtml("<i>t</i>", "t");
      console.error("oops", 3);
    } finally {
      restore();
    }
    assert.deepStrictEqual(sent, [
      { type: "stream", content: { name: "stdout", text: "a { b: [ 1, 2 ] }\n" } },
      { type: "display_data", content: { data: { "text/html": "<i>t</i>", "text/plain": "t" }, metadata: {}, transient: {} } },
      { type: "stream", content: { name: "stderr", text: "oops 3\n" } },
    ]);
  });

  it("Deno outside its kernel (a script): plain output, as under Node.js", () => {
    globalThis.Deno = { version: { deno: "9.8.7" } };
    jupyter.lastWriteDisplayData = () => assert.fail("tslab's writer must not be used under Deno");
    assert.strictEqual(rl.currentKernel(), null);
    assert.strictEqual(rl.publish({ "text/plain": "x" }), false);
    assert.strictEqual(rl.kernelLine(), "kernel: none (Deno 9.8.7)");
    assert.strictEqual(require("../../lib/dist/show/kernel").routeConsoleToKernel(), null, "the console stays as it is");
  });
});
