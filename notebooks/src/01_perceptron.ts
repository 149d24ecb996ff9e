// %% [markdown]
// # 01. 퍼셉트론 (perceptron): 신경망의 최소 단위
//
// 강의는 RNN으로 가기 전에 가장 작은 것부터 시작합니다. 퍼셉트론(perceptron)은 신경망(neural network, NN)의 최소 단위로,
// 입력 $n$개에 가중치(weight)를 곱해 더하고, 편향(bias)을 더한 뒤, 활성화 함수(activation function) $f$를 통과시킵니다.
//
// $$y = f(\mathbf{w}\mathbf{x} + b), \qquad \mathbf{w} = [w_1 \ w_2 \ \dots \ w_n], \qquad \mathbf{x} = [x_1 \ x_2 \ \dots \ x_n]^T$$
//
// $\mathbf{w}$는 행 벡터(row vector), $\mathbf{x}$는 열 벡터(column vector)이므로 $\mathbf{w}\mathbf{x}$는 숫자 하나(내적, dot product)입니다.
// 강의의 활성화 함수는 시그모이드(sigmoid) $\sigma(z) = 1/(1+e^{-z})$입니다.
//
// 이 노트북의 순서: 계산 한 번 → 활성화 함수 → 논리 게이트 데이터(AND, OR, XOR) → 처음부터 만든 퍼셉트론으로 학습 →
// 결정 경계(decision boundary)가 학습 중에 움직이는 모습 → XOR에서 실패하는 모습 → 같은 퍼셉트론을 `tf.layers.dense`로 만들어 비교.

// %% [markdown]
// ## 0. 준비 (setup)
//
// 모든 노트북은 같은 네 줄로 시작합니다: 코스 라이브러리 `rnnlab`, TensorFlow.js, 백엔드 선택, 시드(seed) 고정.

// %%
import * as rl from "rnnlab";
const tf = rl.tf;
await rl.initRuntime();
rl.seedEverything(42);

// %% [markdown]
// ## 1. 퍼셉트론 한 번 계산하기 (one forward pass)
//
// 강의의 퍼셉트론 그림부터 봅니다(`rl.drawPerceptron`): 입력 $x_1 \dots x_n$에 가중치 $w_1 \dots w_n$을 곱해 합(Σ)하고 편향 $b$를 더한 $z$가 활성화 함수 $f$(시그모이드)를 지나 출력 $y$가 됩니다.

// %%
rl.drawPerceptron({ inputs: 3 });

// %% [markdown]
// 입력이 3개인 퍼셉트론을 손으로 계산합니다. 먼저 보통 숫자로 $z = \mathbf{w}\mathbf{x} + b$와 $y = \sigma(z)$를 구합니다.

// %%
const w = [0.5, -1.0, 2.0];
const x = [1.0, 2.0, 3.0];
const b = 0.1;
const z = w.reduce((sum, wi, i) => sum + wi * x[i], b);
console.log(`z = w·x + b = ${z.toFixed(4)},  y = sigmoid(z) = ${rl.sigmoid(z).toFixed(4)}`);

// %% [markdown]
// 같은 계산을 텐서(tensor)로 합니다. $\mathbf{w}$는 `[1, n]` 행렬, $\mathbf{x}$는 `[n, 1]` 행렬이므로 곱은 `[1, 1]`입니다.
// 모양(shape)을 출력해서 강의의 식과 같은지 확인하고, 위 셀과 같은 숫자가 나오는지 봅니다.

// %%
const wT = tf.tensor2d([w]); // row vector [1, n]
const xT = tf.tensor2d(x, [3, 1]); // column vector [n, 1]
const yT = tf.tidy(() => tf.sigmoid(tf.matMul(wT, xT).add(b))); // tidy frees the intermediate wx
console.log("w:", wT.shape, " x:", xT.shape, " y = sigmoid(wx + b):", yT.shape, (await yT.data())[0].toFixed(4)); // async read (GPU-safe)
tf.dispose([wT, xT, yT]);

// %% [markdown]
// ## 2. 활성화 함수 (activation functions)
//
// 계단 함수(step function)는 가장 오래된 퍼셉트론의 활성화 함수로, 0 또는 1만 냅니다. 시그모이드는 그것을 매끄럽게 만든 것이라
// 출력이 0과 1 사이의 확률처럼 읽히고, 미분할 수 있어서 경사 하강법(gradient descent)으로 학습할 수 있습니다.
// tanh는 -1과 1 사이, ReLU는 $\max(0, z)$로 뒤의 노트북들(DNN, RNN)에서 쓰입니다.

// %%
const zs = Array.from({ length: 161 }, (_, i) => -4 + i * 0.05);
await rl.plotLines(
  Object.entries(rl.ACTIVATIONS).map(([name, f]) => ({ name, x: zs, y: zs.map(f) })),
  { title: "Activation functions f(z)", xLabel: "z = w·x + b", yLabel: "f(z)" },
);

// %% [markdown]
// ## 3. 데이터: 논리 게이트 (logic gates)
//
// 입력 두 개 $(x_1, x_2) \in \{0, 1\}^2$, 출력 하나인 가장 작은 분류 문제 세 개입니다. AND는 둘 다 1일 때만 1, OR는 하나라도 1이면 1,
// XOR(배타적 논리합, exclusive or)는 둘이 다를 때만 1입니다.

// %%
const gates = { AND: rl.logicGate("AND"), OR: rl.logicGate("OR"), XOR: rl.logicGate("XOR") };
rl.showTable(
  gates.AND.x.map(([x1, x2], k) => ({ x1, x2, AND: gates.AND.y[k], OR: gates.OR.y[k], XOR: gates.XOR.y[k] })),
  { title: "Truth tables" },
);

// %% [markdown]
// ## 4. 고전적인 퍼셉트론 학습 규칙 (the perceptron learning rule)
//
// 로젠블랫(Rosenblatt)의 원래 규칙은 계단 함수를 쓰고, 틀린 샘플을 만날 때마다 가중치를 그 방향으로 조금 옮깁니다:
// $\mathbf{w} \leftarrow \mathbf{w} + \eta\,(y - \hat{y})\,\mathbf{x}$, $b \leftarrow b + \eta\,(y - \hat{y})$.
// 맞힌 샘플에서는 $y - \hat{y} = 0$이라 아무것도 바뀌지 않습니다. 아래 함수는 에포크(epoch, 데이터 전체를 한 번 도는 것)마다
// 틀린 개수를 기록합니다. 직선 하나로 나눌 수 있는(선형 분리 가능, linearly separable) 데이터라면 이 규칙은 유한한 횟수만 갱신하고 멈춘다는 것이
// 알려져 있습니다(퍼셉트론 수렴 정리, perceptron convergence theorem).

// %%
function perceptronRule(X: number[][], Y: number[], epochs: number, eta = 0.1) {
  const p = { w: [0, 0], b: 0 };
  const errors: number[] = [];
  for (let e = 0; e < epochs; e++) {
    let wrong = 0;
    X.forEach((x, k) => {
      const yHat = rl.step(p.w[0] * x[0] + p.w[1] * x[1] + p.b);
      const delta = Y[k] - yHat; // 0 when right, +1 or -1 when wrong
      if (delta !== 0) wrong++;
      p.w = p.w.map((wi, i) => wi + eta * delta * x[i]);
      p.b += eta * delta;
    });
    errors.push(wrong);
  }
  return { p, errors };
}

const ruleRuns = Object.fromEntries(Object.entries(gates).map(([name, g]) => [name, perceptronRule(g.x, g.y, 20)]));
rl.showTable(
  Object.entries(ruleRuns).map(([gate, r]) => ({
    gate,
    "errors per epoch": r.errors.join(" "),
    "first epoch with 0 errors": r.errors.indexOf(0) >= 0 ? r.errors.indexOf(0) + 1 : "never",
    "w1, w2, b": [...r.p.w, r.p.b].map((v) => v.toFixed(2)).join(", "),
  })),
  { title: "Perceptron learning rule, 20 epochs" },
);

// %% [markdown]
// 위 표에서 AND와 OR은 몇 에포크 만에 틀린 개수가 0이 되어 멈추고, XOR은 20 에포크 내내 틀린 샘플이 남아 가중치가 계속 흔들립니다.
// 이유는 아래 5절의 그림에서 보듯, 네 점을 직선 하나로 나눌 수 없기 때문입니다.

// %% [markdown]
// ## 5. 시그모이드 퍼셉트론을 처음부터 (from scratch, gradient descent)
//
// 이제 강의의 시그모이드 퍼셉트론입니다. 출력 $\hat{y} = \sigma(\mathbf{w}\mathbf{x} + b)$를 "y = 1일 확률"로 읽고,
// 이진 교차 엔트로피(binary cross-entropy) 손실 $L = -\frac{1}{N}\sum [y \log \hat{y} + (1-y)\log(1-\hat{y})]$를
// 경사 하강법으로 줄입니다. 시그모이드와 교차 엔트로피를 함께 미분하면 식이 아주 짧아집니다:
// $\partial L / \partial z = \hat{y} - y$, 그래서 $\partial L/\partial \mathbf{w} = \frac{1}{N}\sum (\hat{y} - y)\,\mathbf{x}$,
// $\partial L/\partial b = \frac{1}{N}\sum (\hat{y} - y)$. 아래 코드가 그것의 전부이고, 파라미터는 텐서가 아닌 보통의 숫자 배열 `w`와 숫자 `b`입니다.
// 한 에포크에 네 샘플 전체로 한 번 갱신합니다(full-batch). 손실과 정확도(accuracy)는 갱신 **전에** 잽니다 (TensorFlow.js가 기록하는 방식과 같습니다).

// %%
interface Perceptron {
  w: number[];
  b: number;
}

function predict(p: Perceptron, x: number[]): number {
  return rl.sigmoid(p.w.reduce((sum, wi, i) => sum + wi * x[i], p.b));
}

/** One full-batch gradient-descent step; returns the loss and accuracy measured before the step. */
function gradientStep(p: Perceptron, X: number[][], Y: number[], lr: number): { loss: number; acc: number } {
  const n = X.length;
  const gradW = p.w.map(() => 0);
  let gradB = 0;
  let loss = 0;
  let correct = 0;
  X.forEach((x, k) => {
    const yHat = predict(p, x);
    const err = yHat - Y[k]; // dL/dz for sigmoid + cross-entropy
    x.forEach((xi, i) => (gradW[i] += (err * xi) / n));
    gradB += err / n;
    loss -= (Y[k] * Math.log(yHat) + (1 - Y[k]) * Math.log(1 - yHat)) / n;
    if ((yHat > 0.5 ? 1 : 0) === Y[k]) correct++;
  });
  p.w = p.w.map((wi, i) => wi - lr * gradW[i]);
  p.b -= lr * gradB;
  return { loss, acc: correct / n };
}

/** Trains from `init` for `epochs` steps; keeps the loss, accuracy and a copy of (w, b) at the epochs asked. */
function trainPerceptron(X: number[][], Y: number[], init: Perceptron, epochs: number, lr: number, keepAt: number[] = []) {
  const p: Perceptron = { w: [...init.w], b: init.b };
  const history = { loss: [] as number[], acc: [] as number[] };
  const snapshots: { epoch: number; w: [number, number]; b: number }[] = [];
  const keep = (epoch: number) => keepAt.includes(epoch) && snapshots.push({ epoch, w: [p.w[0], p.w[1]], b: p.b });
  keep(0);
  for (let e = 1; e <= epochs; e++) {
    const { loss, acc } = gradientStep(p, X, Y, lr);
    history.loss.push(loss);
    history.acc.push(acc);
    keep(e);
  }
  return { p, history, snapshots };
}

// %% [markdown]
// 시작 가중치는 시드를 고정한 작은 난수(random number)로, 편향은 0으로 둡니다. 세 게이트 모두 같은 시작점에서 출발시켜야 비교가 공정합니다.
// 그 시작점을 출력해 둡니다.

// %%
const init: Perceptron = { w: [rl.rng() - 0.5, rl.rng() - 0.5], b: 0 };
const LR = 1.0;
const EPOCHS = 500;
const KEEP = [0, 5, 20, 100, 500];
console.log(`init: w = [${init.w.map((v) => v.toFixed(4))}], b = ${init.b};  learning rate ${LR}, ${EPOCHS} epochs`);

// %% [markdown]
// ### AND
//
// AND를 학습시키고, 0·5·20·100·500 에포크 뒤의 경계선 $w_1 x_1 + w_2 x_2 + b = 0$을 한 그림에 겹쳐 그립니다.
// 배경색은 학습이 끝난 퍼셉트론이 각 위치에서 내는 $P(y=1)$입니다 (파랑은 0 쪽, 주황은 1 쪽). 흰 점은 정답 0, 검은 점은 정답 1입니다.

// %%
const pointsOf = (g: { x: number[][]; y: number[] }) => g.x.map(([x1, x2], k) => ({ x1, x2, label: g.y[k] }));
const linesOf = (snaps: { epoch: number; w: [number, number]; b: number }[]) => snaps.map((s) => ({ name: `epoch ${s.epoch}`, w: s.w, b: s.b }));

const andRun = trainPerceptron(gates.AND.x, gates.AND.y, init, EPOCHS, LR, KEEP);
console.log(`AND: w = [${andRun.p.w.map((v) => v.toFixed(3))}], b = ${andRun.p.b.toFixed(3)}, final loss ${andRun.history.loss[EPOCHS - 1].toFixed(4)}, accuracy ${andRun.history.acc[EPOCHS - 1]}`);
console.log("P(y=1) at (0,0) (0,1) (1,0) (1,1):", gates.AND.x.map((x) => predict(andRun.p, x).toFixed(3)).join("  "));
rl.showTable(andRun.snapshots.map((s) => ({ epoch: s.epoch, w1: s.w[0], w2: s.w[1], b: s.b, "|w|": Math.hypot(...s.w) })), { title: "AND: (w, b) as training goes" });
await rl.plotDecisionBoundary({
  points: pointsOf(gates.AND),
  lines: linesOf(andRun.snapshots),
  predict: (pts) => pts.map((x) => predict(andRun.p, x)),
  title: "AND: the boundary line as training goes",
});

// %% [markdown]
// 처음(epoch 0) 선은 아무렇게나 놓여 있다가, 학습이 진행되면서 검은 점 (1,1)과 나머지 세 흰 점 사이로 옮겨 갑니다.
// 표의 `|w|` 열을 보면 선이 자리를 잡은 뒤에도 $\mathbf{w}$의 크기는 계속 커집니다. 선의 위치는 거의 그대로인데, 배경의 0→1 전환이
// 날카로워져 점마다 더 확신(confidence)하게 되는 것입니다.
//
// ### OR
//
// 같은 시작점, 같은 학습률로 OR을 학습시킵니다. 이번에는 흰 점 (0,0) 하나만 선의 다른 쪽에 남아야 합니다.

// %%
const orRun = trainPerceptron(gates.OR.x, gates.OR.y, init, EPOCHS, LR, KEEP);
console.log(`OR: w = [${orRun.p.w.map((v) => v.toFixed(3))}], b = ${orRun.p.b.toFixed(3)}, final loss ${orRun.history.loss[EPOCHS - 1].toFixed(4)}, accuracy ${orRun.history.acc[EPOCHS - 1]}`);
await rl.plotDecisionBoundary({
  points: pointsOf(gates.OR),
  lines: linesOf(orRun.snapshots),
  predict: (pts) => pts.map((x) => predict(orRun.p, x)),
  title: "OR: the boundary line as training goes",
});

// %% [markdown]
// ## 6. XOR: 퍼셉트론 하나로는 풀 수 없다
//
// XOR에서 정답이 1인 두 점 (0,1), (1,0)은 한 대각선의 양 끝에, 정답이 0인 두 점 (0,0), (1,1)은 다른 대각선의 양 끝에 있습니다. 직선 하나는 평면을 두 쪽으로만
// 나누므로 어떤 선을 그어도 적어도 한 점은 틀립니다 (최선이 4개 중 3개, 정확도 0.75). 같은 조건으로 학습시켜 봅니다.

// %%
const xorRun = trainPerceptron(gates.XOR.x, gates.XOR.y, init, EPOCHS, LR, KEEP);
console.log(`XOR: w = [${xorRun.p.w.map((v) => v.toExponential(2))}], b = ${xorRun.p.b.toExponential(2)}`);
console.log(`final loss ${xorRun.history.loss[EPOCHS - 1].toFixed(4)} (ln 2 = ${Math.LN2.toFixed(4)}), best accuracy over all epochs ${Math.max(...xorRun.history.acc)}`);
console.log("P(y=1) at (0,0) (0,1) (1,0) (1,1):", gates.XOR.x.map((x) => predict(xorRun.p, x).toFixed(3)).join("  "));
await rl.plotDecisionBoundary({
  points: pointsOf(gates.XOR),
  lines: linesOf(xorRun.snapshots).filter((l) => Math.hypot(...l.w) > 1e-3),
  predict: (pts) => pts.map((x) => predict(xorRun.p, x)),
  title: "XOR: no line separates the points",
});

// %% [markdown]
// 정말 어떤 직선도 네 점을 다 맞히지 못하는지, 무작위 직선 2만 개로 확인해 봅니다. 각 직선의 정확도를 재서 가장 좋은 값과,
// 그 값에 이른 직선의 수를 출력합니다.

// %%
const xorAccuracies = Array.from({ length: 20000 }, () => {
  const [w1, w2, bias] = [rl.rng() * 8 - 4, rl.rng() * 8 - 4, rl.rng() * 8 - 4];
  const right = gates.XOR.x.filter(([x1, x2], k) => rl.step(w1 * x1 + w2 * x2 + bias) === gates.XOR.y[k]).length;
  return right / 4;
});
const bestLine = Math.max(...xorAccuracies);
console.log(`best accuracy of 20,000 random lines on XOR: ${bestLine} (${xorAccuracies.filter((a) => a === bestLine).length} lines reach it)`);

// %% [markdown]
// 위 셀의 출력을 보면 경사 하강법은 XOR에서 "최선의 선"을 찾는 대신 가중치를 0 쪽으로 줄여 버립니다. 그러면 모든 점에서 $P(y=1) = 0.5$가 되고
// (배경이 온통 흰색), 손실은 $\ln 2$에 멈춥니다. 네 점에 대해 어떤 선도 다른 선보다 낫지 않으니, "모르겠다(0.5)"가 교차 엔트로피로는 가장 작은 손실입니다.
// 그림에는 가중치가 아직 0이 아닌 에포크의 선만 그려져 있습니다.
//
// 세 게이트의 손실 곡선을 한 그림에 그립니다. AND와 OR은 계속 내려가고, XOR은 $\ln 2$ 근처에 평평하게 붙어 있습니다.

// %%
await rl.plotLines(
  [
    { name: "AND", y: andRun.history.loss },
    { name: "OR", y: orRun.history.loss },
    { name: "XOR", y: xorRun.history.loss },
  ].map((s) => ({ ...s, x: s.y.map((_, i) => i + 1) })),
  { title: "Sigmoid perceptron: loss per epoch", xLabel: "epoch", yLabel: "binary cross-entropy", logY: true },
);

// %% [markdown]
// ## 7. 같은 퍼셉트론을 `tf.layers.dense`로 (the library version)
//
// 퍼셉트론은 TensorFlow.js에서 유닛(unit) 하나짜리 완전 연결 층(dense layer) `tf.layers.dense({units: 1, activation: 'sigmoid'})`입니다.
// 층의 가중치는 커널(kernel) `[2, 1]`과 편향 `[1]` 두 텐서입니다. 처음부터 만든 것과 똑같은지 확인하려고 같은 시작 가중치를 넣고,
// 같은 손실(binary cross-entropy), 같은 옵티마이저(확률적 경사 하강법 SGD, 학습률 1.0), 같은 full-batch(batchSize 4)로 학습시킵니다.

// %%
const perceptron = tf.sequential({
  layers: [tf.layers.dense({ units: 1, activation: "sigmoid", inputShape: [2] })],
});
tf.tidy(() => perceptron.setWeights([tf.tensor2d(init.w, [2, 1]), tf.tensor1d([init.b])])); // setWeights copies, so tidy frees ours
const sgd = tf.train.sgd(LR);
perceptron.compile({ optimizer: sgd, loss: "binaryCrossentropy", metrics: ["accuracy"] });
perceptron.summary();
perceptron.weights.forEach((v) => console.log(v.name, v.shape));

// %% [markdown]
// AND 데이터를 텐서로 만들고 코스 공용 트레이너 `rl.fit`으로 학습시킵니다. 에포크 수는 프로파일(profile)에 따라 다릅니다
// (빠른 확인용 quick 프로파일은 더 적게). 에포크 하나가 몇 밀리초라 실시간 진행 표시는 끄고(`verbose: false`), 끝난 뒤 요약만 출력합니다.
// 처음부터 만든 퍼셉트론도 같은 에포크 수로 다시 학습시켜 나란히 놓습니다.

// %%
const TF_EPOCHS = rl.byProfile({ full: EPOCHS, quick: 100 });
const andX = tf.tensor2d(gates.AND.x);
const andY = tf.tensor2d(gates.AND.y, [4, 1]);
const tfRun = await rl.fit(perceptron, andX, andY, { name: "dense(1, sigmoid)", epochs: TF_EPOCHS, batchSize: 4, shuffle: false, verbose: false });
console.log(`${tfRun.name}: ${tfRun.epochs} epochs in ${tfRun.seconds.toFixed(1)} s, loss ${tfRun.history.loss[0].toFixed(4)} -> ${tfRun.history.loss[tfRun.epochs - 1].toFixed(4)}`);
const scratchRun = trainPerceptron(gates.AND.x, gates.AND.y, init, TF_EPOCHS, LR);

// %% [markdown]
// 두 결과를 비교합니다. 가중치와 에포크별 손실의 가장 큰 차이를 출력하고, 그 차이가 float32 반올림 오차 수준(1e-3)보다 크면 셀이 오류를 냅니다:
// 처음부터 만든 코드를 믿지 않고 숫자로 확인하는 것입니다.

// %%
const [kernel, bias] = await Promise.all(perceptron.getWeights().map(async (t) => Array.from(await t.data())));
rl.showTable(
  [
    { model: "from scratch", w1: scratchRun.p.w[0], w2: scratchRun.p.w[1], b: scratchRun.p.b, "final loss": scratchRun.history.loss[TF_EPOCHS - 1] },
    { model: "tf.layers.dense", w1: kernel[0], w2: kernel[1], b: bias[0], "final loss": tfRun.history.loss[TF_EPOCHS - 1] },
  ],
  { title: `AND after ${TF_EPOCHS} epochs` },
);
const weightDiff = Math.max(...[...scratchRun.p.w, scratchRun.p.b].map((v, i) => Math.abs(v - [...kernel, ...bias][i])));
const lossDiff = Math.max(...scratchRun.history.loss.map((v, i) => Math.abs(v - tfRun.history.loss[i])));
console.log(`largest difference: weights ${weightDiff.toExponential(2)}, loss per epoch ${lossDiff.toExponential(2)}`);
if (weightDiff > 1e-3 || lossDiff > 1e-3) throw new Error("the scratch perceptron and tf.layers.dense disagree");

// %% [markdown]
// 두 손실 곡선을 겹쳐 그립니다. 선이 하나로 보이면 두 구현이 같은 계산을 한 것입니다.

// %%
await rl.plotLines(
  [
    { name: "from scratch", y: scratchRun.history.loss },
    { name: "tf.layers.dense", y: tfRun.history.loss },
  ],
  { title: "AND: scratch vs tf.layers.dense", xLabel: "epoch", yLabel: "loss", logY: true },
);

// %% [markdown]
// ## 8. 정리 (summary)
//
// - 퍼셉트론은 $y = f(\mathbf{w}\mathbf{x} + b)$: 가중합 하나와 활성화 함수 하나입니다. 그 결정 경계는 $\mathbf{w}\mathbf{x} + b = 0$, 곧 직선(입력이 n개면 초평면, hyperplane)입니다.
// - 그래서 AND, OR처럼 직선 하나로 나뉘는 문제는 풀지만 XOR은 풀지 못합니다.
// - `tf.layers.dense({units: 1, activation: 'sigmoid'})`는 처음부터 만든 퍼셉트론과 같은 계산입니다.
//
// 다음 노트북(02_dnn)은 퍼셉트론을 여러 개 옆으로 놓고(층, layer) 층을 쌓아 XOR을 풀고, 손글씨 숫자 MNIST를 분류합니다.
// 텐서와 모델을 해제하고 남은 텐서 수를 확인합니다.

// %%
tf.dispose([andX, andY]);
perceptron.dispose();
sgd.dispose();
console.log("tensors still allocated:", tf.memory().numTensors);

// %% [markdown]
// ## 연습 문제 (exercises)
//
// 문제마다 빈칸(skeleton) 셀과 확인(check) 셀이 한 쌍입니다. 빈칸 셀의 `rl.notYet()`을 여러분의 코드로 바꾸고 두 셀을
// 차례로 실행하세요. 확인 셀은 여러분의 함수를 기준 구현(reference)과 여러 무작위 입력과 경계 사례(edge case)에서
// 비교하고, 틀리면 어디가 어떻게 틀렸는지(편향이 빠졌다, 부호가 반대다, ...) 알려 줍니다. 아직 풀지 않은 문제는
// "아직 풀지 않았습니다"라고만 하고 노트북 실행을 멈추지 않습니다. 답은 `notebooks/solutions/`에 있지만, 먼저 풀어 보세요.
//
// ### 연습 01-1. 퍼셉트론의 출력
//
// 가중치 `w`, 편향 `b`, 입력 `x`를 받아 퍼셉트론의 출력 $y = \mathrm{step}(\mathbf{w}\cdot\mathbf{x} + b)$를 돌려주세요.
// 계단 함수(step)는 이 노트북의 `rl.step`처럼 $z \ge 0$이면 1, 아니면 0입니다.

// %%
function perceptronOutput(w: number[], b: number, x: number[]): number {
  // w·x + b, then the step function
  return rl.notYet();
}

// %%
await rl.checkExercise("01-1", perceptronOutput);

// %% [markdown]
// ### 연습 01-2. 퍼셉트론 학습 규칙 (perceptron update rule)
//
// 샘플 하나 `(x, y)`를 보고 가중치를 한 번 고치는 로젠블랫(Rosenblatt)의 규칙입니다. 먼저 지금의 출력 $\hat{y}$를 구하고
// (연습 01-1의 함수를 써도 됩니다), 오차 $y - \hat{y}$만큼 움직입니다:
// $\mathbf{w} \leftarrow \mathbf{w} + \eta\,(y - \hat{y})\,\mathbf{x}$, $b \leftarrow b + \eta\,(y - \hat{y})$
// ($\eta$는 학습률 `lr`). 새 가중치와 편향을 `{ w, b }`로 돌려주세요. 맞게 분류한 샘플에서는 아무것도 바뀌지 않습니다.

// %%
function perceptronUpdate(w: number[], b: number, x: number[], y: number, lr: number): { w: number[]; b: number } {
  // predicted = ..., error = y - predicted, then move w and b
  return rl.notYet();
}

// %%
await rl.checkExercise("01-2", perceptronUpdate);
