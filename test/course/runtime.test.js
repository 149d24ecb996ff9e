"use strict";
const assert = require("assert");
const rl = require("rnnlab");

// A fake loader: the kinds in `works` load, the rest fail with a reason naming them.
function fakeLoader(works) {
  const tried = [];
  const load = async (kind) => {
    tried.push(kind);
    if (works.includes(kind)) return `${kind} loaded`;
    throw new Error(`${kind} unavailable here\nsecond line that must not show`);
  };
  return { load, tried };
}

describe("runtime: backend choice", () => {
  const saved = process.env.RNNLAB_BACKEND;
  beforeEach(() => delete process.env.RNNLAB_BACKEND);
  after(() => {
    if (saved === undefined) delete process.env.RNNLAB_BACKEND;
    else process.env.RNNLAB_BACKEND = saved;
  });

  it("tries tfjs-node-gpu, webgpu, wasm, cpu in that order; tfjs-node only when RNNLAB_BACKEND asks for it", async () => {
    assert.deepStrictEqual(rl.BACKEND_ORDER, ["tfjs-node-gpu", "webgpu", "wasm", "cpu"]);
    const { load, tried } = fakeLoader(["tfjs-node", "wasm", "cpu"]);
    assert.strictEqual((await rl.chooseBackend({ load })).chosen, "wasm", "tfjs-node installed is passed over for wasm");
    assert.ok(!tried.includes("tfjs-node"), `tried ${tried}`);
    process.env.RNNLAB_BACKEND = "tfjs-node";
    assert.strictEqual((await rl.chooseBackend({ load })).chosen, "tfjs-node");
    process.env.RNNLAB_BACKEND = "node";
    assert.strictEqual((await rl.chooseBackend({ load })).chosen, "tfjs-node", "and by its alias");
  });

  for (const [i, kind] of rl.BACKEND_ORDER.entries()) {
    it(`chooses ${kind} when it is the best one present, with a one-line reason per skipped backend`, async () => {
      const { load, tried } = fakeLoader(rl.BACKEND_ORDER.slice(i));
      const { chosen, attempts } = await rl.chooseBackend({ load });
      assert.strictEqual(chosen, kind);
      assert.deepStrictEqual(tried, rl.BACKEND_ORDER.slice(0, i + 1));
      const skipped = attempts.filter((a) => !a.ok);
      assert.strictEqual(skipped.length, i);
      for (const s of skipped) {
        assert.strictEqual(s.reason, `${s.kind} unavailable here`);
        assert.ok(!s.reason.includes("\n"));
      }
      assert.strictEqual(attempts[attempts.length - 1].reason, `${kind} loaded`);
    });
  }

  it("fails with every reason when nothing loads", async () => {
    const { load } = fakeLoader([]);
    await assert.rejects(rl.chooseBackend({ load }), /no TensorFlow.js backend could be used: tfjs-node-gpu: tfjs-node-gpu unavailable here; .*cpu: cpu unavailable here/);
  });

  it("RNNLAB_BACKEND forces one backend and does not fall back", async () => {
    process.env.RNNLAB_BACKEND = "cpu";
    const ok = fakeLoader(["cpu", "wasm"]);
    const r = await rl.chooseBackend({ load: ok.load });
    assert.strictEqual(r.chosen, "cpu");
    assert.deepStrictEqual(ok.tried, ["cpu"]);
    process.env.RNNLAB_BACKEND = "webgpu";
    await assert.rejects(rl.chooseBackend({ load: fakeLoader(["cpu"]).load }), /backend 'webgpu' was asked for \(RNNLAB_BACKEND\) but cannot be used: webgpu unavailable here/);
    process.env.RNNLAB_BACKEND = "tpu";
    await assert.rejects(rl.chooseBackend({ load: ok.load }), /RNNLAB_BACKEND='tpu' is not a backend rnnlab knows/);
  });

  it("on this machine the real loaders fall back to wasm or better, each skip explained in one line", async () => {
    const { chosen, attempts } = await rl.chooseBackend();
    assert.ok(["tfjs-node-gpu", "webgpu", "tfjs-node", "wasm"].includes(chosen), `chose ${chosen}`);
    for (const a of attempts) assert.ok(a.reason.length > 0 && !a.reason.includes("\n"), a.reason);
    assert.strictEqual(rl.tf.getBackend(), chosen.startsWith("tfjs-node") ? "tensorflow" : chosen);
  });

  it("initRuntime prints one line naming the chosen backend and versions", async () => {
    const lines = [];
    const log = console.log;
    console.log = (s) => lines.push(String(s));
    let info;
    try {
      info = await rl.initRuntime({ force: "cpu" });
    } finally {
      console.log = log;
    }
    assert.strictEqual(info.backend, "cpu");
    assert.match(lines[0], /^rnnlab backend: cpu — .*tfjs 4\.\d+\.\d+, node \d+/);
    assert.strictEqual(rl.tf.getBackend(), "cpu");
  });
});

describe("profile", () => {
  const saved = process.env.RNNLAB_PROFILE;
  after(() => {
    if (saved === undefined) delete process.env.RNNLAB_PROFILE;
    else process.env.RNNLAB_PROFILE = saved;
  });
  it("reads RNNLAB_PROFILE and rejects unknown names", () => {
    process.env.RNNLAB_PROFILE = "quick";
    assert.strictEqual(rl.byProfile({ full: 10, quick: 1 }), 1);
    process.env.RNNLAB_PROFILE = "full";
    assert.strictEqual(rl.byProfile({ full: 10, quick: 1 }), 10);
    delete process.env.RNNLAB_PROFILE;
    assert.strictEqual(rl.profile(), "full");
    process.env.RNNLAB_PROFILE = "fast";
    assert.throws(() => rl.profile(), /RNNLAB_PROFILE='fast' is not a profile/);
  });
});

describe("seeding", () => {
  it("makes weights and shuffles repeat", () => {
    const draw = () => {
      rl.seedEverything(7);
      const w = rl.tf.tidy(() => rl.tf.randomNormal([5]).arraySync());
      const p = rl.permutation(10);
      return { w, p, r: Math.random() };
    };
    const a = draw();
    const b = draw();
    assert.deepStrictEqual(a, b);
    rl.seedEverything(8);
    assert.notDeepStrictEqual(rl.tf.tidy(() => rl.tf.randomNormal([5]).arraySync()), a.w);
  });
});
