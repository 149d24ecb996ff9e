"use strict";
// How output names a saved model or file: relative to the project, else to the working folder, else absolute.
const assert = require("assert");
const os = require("os");
const path = require("path");
const rl = require("rnnlab");

const ROOT = path.resolve(__dirname, "..", "..");

describe("displayLocation", () => {
  const notebooks = path.join(ROOT, "notebooks");

  it("names a file:// URL or path inside the project by its path from the project", () => {
    assert.strictEqual(rl.displayLocation("file://" + path.join(ROOT, "build", "models", "07_lstm_5m"), notebooks), "build/models/07_lstm_5m");
    assert.strictEqual(rl.displayLocation(path.join(ROOT, "datasets", "x.csv"), notebooks), "datasets/x.csv");
    assert.strictEqual(rl.displayLocation(rl.savedModelUrl("06_lecture_lstm"), notebooks), process.env.RNNLAB_MODELS ? rl.displayLocation(path.join(process.env.RNNLAB_MODELS, "06_lecture_lstm"), notebooks) : "build/models/06_lecture_lstm");
  });

  it("outside the project, relative to the working folder when inside it, else absolute", () => {
    const mine = path.join(os.tmpdir(), "my-notebooks");
    assert.strictEqual(rl.displayLocation("file://" + path.join(mine, "models", "m"), mine), "models/m");
    assert.strictEqual(rl.displayLocation("file://models/m", mine), "models/m");
    const elsewhere = path.join(os.tmpdir(), "elsewhere", "m");
    assert.strictEqual(rl.displayLocation("file://" + elsewhere, mine), elsewhere);
  });

  it("leaves other URLs alone", () => {
    assert.strictEqual(rl.displayLocation("indexeddb://m"), "indexeddb://m");
    assert.strictEqual(rl.displayLocation("http://host/model.json"), "http://host/model.json");
  });
});
