"use strict";
// tslab sends on its zeromq sockets without waiting; zeromq 6 throws EBUSY on a send while another is in flight.
// rnnlab queues sends per socket inside the kernel. This reproduces the race deterministically: a Push socket
// with no peer keeps its first send in flight, so a second send collides — unless sends are queued.
const assert = require("assert");
const zmq = require("zeromq");
const rl = require("rnnlab");

describe("kernel sockets: queued zeromq sends", function () {
  this.timeout(20000);

  async function pair(port) {
    const push = new zmq.Push({ sendHighWaterMark: 1 });
    await push.bind(`tcp://127.0.0.1:${port}`);
    return push;
  }

  it("without the queue, a second send while the first is in flight throws EBUSY", async function () {
    if (zmq.Push.prototype.send.rnnlabQueued) this.skip(); // the queue is already installed in this process
    const push = await pair(39871);
    const first = push.send("a").catch(() => undefined); // no peer yet: stays in flight
    await new Promise((r) => setTimeout(r, 50));
    assert.throws(() => push.send("b"), /busy writing/);
    push.close();
    await first;
  });

  it("with the queue, sends made back to back all arrive, in order", async () => {
    assert.strictEqual(rl.serializeZmqSends(), true);
    assert.strictEqual(rl.serializeZmqSends(), true); // idempotent
    const push = await pair(39872);
    const sends = ["m1", "m2", "m3"].map((m) => push.send(m));
    const pull = new zmq.Pull();
    pull.connect("tcp://127.0.0.1:39872");
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await pull.receive())[0].toString());
    await Promise.all(sends);
    assert.deepStrictEqual(got, ["m1", "m2", "m3"]);
    push.close();
    pull.close();
  });
});
