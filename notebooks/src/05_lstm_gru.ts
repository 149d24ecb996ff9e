// %% [markdown]
// # 05. LSTM과 GRU (long short-term memory, gated recurrent unit)
//
// 노트북 03에서 SimpleRNN의 기울기(gradient)가 시간을 거슬러 갈수록 기하급수적으로 작아지는 것을 숫자로 보았습니다.
// 강의는 그 개선으로 **LSTM**(장단기 메모리, long short-term memory)과 **GRU**(gated recurrent unit)를 듭니다.
// 이 노트북은 세 부분입니다.
//
// 1. LSTM을 책(Chollet 6.25 / 6.26)의 식을 따라 손으로 짜고, 같은 가중치의 `tf.layers.lstm`과 비교합니다.
//    책의 의사코드가 어디를 단순화했는지도 숫자로 봅니다.
// 2. GRU를 같은 방식으로 짜서 `tf.layers.gru`와 비교하고, TensorFlow.js의 기본값(default) 중 다른 라이브러리와
//    다른 것(`hardSigmoid` 게이트, reset-before GRU)이 출력을 얼마나 바꾸는지 봅니다.
// 3. 먼 과거를 기억해야 풀리는 문제(adding problem)에서 SimpleRNN, LSTM, GRU를 같은 조건으로 학습시켜 비교합니다.

// %%
import * as rl from "rnnlab";
const tf = rl.tf;
await rl.initRuntime();
rl.seedEverything(42);

// %% [markdown]
// ## 1. LSTM 처음부터 (LSTM from scratch)
//
// 작은 입력 하나로 시작합니다: 시퀀스 2개, 시간 단계 6개, 특성(feature) 3개, 은닉 유닛(unit) 4개.

// %%
const batch = 2, steps = 6, features = 3, units = 4;
const x = tf.randomNormal([batch, steps, features], 0, 1, "float32", 7) as rl.tf.Tensor3D;
// The largest |a - b|, read with await: a GPU backend has no synchronous read-back (dataSync) in Node.js.
const maxDiff = async (a: rl.tf.Tensor, b: rl.tf.Tensor): Promise<number> => {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const value = (await d.data())[0];
  d.dispose();
  return value;
};
console.log("x:", x.shape, "= [batch, time, features]");

// %% [markdown]
// ### 게이트별 가중치 (the gates' weights)
//
// LSTM에는 블록(block)이 네 개 있습니다. 입력 게이트(input gate) `i`, 망각 게이트(forget gate) `f`, 출력 게이트(output gate) `o`,
// 그리고 새 기억의 후보(candidate) `k`(TensorFlow.js는 `c`라고 부릅니다). 블록마다 책의 `W`(입력용), `U`(상태용), `b`가 있습니다.
// `tf.layers.lstm`은 이 넷을 `[i, f, k, o]` 순서로 옆으로 붙여 저장합니다. `rl.splitGates`로 잘라서 하나씩 봅니다.

// %%
const lstmParams = rl.initLstmParams(features, units, 42);
console.log("kernel:", lstmParams.kernel.shape, " recurrentKernel:", lstmParams.recurrentKernel.shape, " bias:", lstmParams.bias.shape, "(4 blocks side by side)");
const g = rl.splitGates("lstm", lstmParams);
for (const name of ["i", "f", "k", "o"]) {
  console.log(`gate ${name}: W${name} ${JSON.stringify(g[name].W.shape)}  U${name} ${JSON.stringify(g[name].U.shape)}  b${name} ${JSON.stringify(g[name].b.shape)}`);
}

// %% [markdown]
// 강의의 그림 6.15(LSTM의 구조, anatomy of an LSTM)를 이 노트북의 이름으로 그리면 이렇습니다: 위쪽의 셀 상태 `c`는 망각 게이트 `f_t`와 곱해지고(×) 입력 게이트 `i_t`와 후보 `tanh(k_t)`의 곱이 더해지며(+), 출력 게이트 `o_t`가 `tanh(c_t)`를 걸러 `h_t`를 냅니다.

// %%
rl.drawLstmCell();

// %% [markdown]
// ### 시간 단계 하나를 손으로 (one LSTM step by hand)
//
// 책의 식(listing 6.25 / 6.26)을 실제 LSTM의 형태로 씁니다. `σ`는 로지스틱 시그모이드(logistic sigmoid)입니다.
//
// ```
// i_t = σ(dot(input_t, Wi) + dot(state_t, Ui) + bi)
// f_t = σ(dot(input_t, Wf) + dot(state_t, Uf) + bf)
// o_t = σ(dot(input_t, Wo) + dot(state_t, Uo) + bo)
// k_t =      dot(input_t, Wk) + dot(state_t, Uk) + bk
// c_t = f_t * c_{t-1} + i_t * tanh(k_t)      # the carry (cell state)
// h_t = o_t * tanh(c_t)                       # the output, the next state_t
// ```

// %%
const gatePre = (name: string, xt: rl.tf.Tensor2D, h: rl.tf.Tensor2D) =>
  tf.matMul(xt, g[name].W).add(tf.matMul(h, g[name].U)).add(g[name].b);   // [batch, units]

const lstmStepByHand = (xt: rl.tf.Tensor2D, h: rl.tf.Tensor2D, c: rl.tf.Tensor2D) => tf.tidy(() => {
  const i = tf.sigmoid(gatePre("i", xt, h));
  const f = tf.sigmoid(gatePre("f", xt, h));
  const o = tf.sigmoid(gatePre("o", xt, h));
  const k = gatePre("k", xt, h);
  const cNew = f.mul(c).add(i.mul(tf.tanh(k))) as rl.tf.Tensor2D;
  const hNew = o.mul(tf.tanh(cNew)) as rl.tf.Tensor2D;
  return { h: hNew, c: cNew };
});

const x1 = tf.tidy(() => tf.squeeze(tf.slice(x, [0, 0, 0], [batch, 1, features]), [1])) as rl.tf.Tensor2D;
const zeros = tf.zeros([batch, units]) as rl.tf.Tensor2D;
const s1 = lstmStepByHand(x1, zeros, zeros);
console.log("x_1:", x1.shape, " h_1:", s1.h.shape, " c_1:", s1.c.shape);
const s1Lib = rl.lstmStep(lstmParams, x1, { h: zeros, c: zeros });
console.log("max |by hand - rl.lstmStep|: h", await maxDiff(s1.h, s1Lib.h), " c", await maxDiff(s1.c, s1Lib.c));

// %% [markdown]
// ### 시간을 따라 돌리고 `tf.layers.lstm`과 비교 (unrolled, against the library layer)
//
// 같은 계산을 6번 반복하고, 같은 가중치를 넣은 `tf.layers.lstm`(`returnSequences: true`, 게이트는 `sigmoid`)의 출력과 비교합니다.

// %%
const lstmByHand = tf.tidy(() => {
  let s = { h: tf.zeros([batch, units]) as rl.tf.Tensor2D, c: tf.zeros([batch, units]) as rl.tf.Tensor2D };
  const hs: rl.tf.Tensor2D[] = [];
  for (const xt of tf.unstack(x, 1) as rl.tf.Tensor2D[]) {
    s = lstmStepByHand(xt, s.h, s.c);
    hs.push(s.h);
  }
  return tf.stack(hs, 1) as rl.tf.Tensor3D;                              // [batch, time, units]
});

const builtLayer = (layer: rl.tf.layers.Layer) => {
  tf.tidy(() => { layer.apply(tf.zeros([1, steps, features])); });      // creates the weights
  return layer;
};
const stockLstm = builtLayer(tf.layers.lstm({ units: units, returnSequences: true, recurrentActivation: "sigmoid" }));
rl.lstmParamsToLayer(lstmParams, stockLstm);
const stockLstmOut = stockLstm.apply(x) as rl.tf.Tensor3D;
console.log("by hand:", lstmByHand.shape, " tf.layers.lstm:", stockLstmOut.shape);
console.log("max |LSTM by hand - tf.layers.lstm (sigmoid gates)| =", await maxDiff(lstmByHand, stockLstmOut));

// %% [markdown]
// ### 책의 의사코드는 어디를 단순화했나 (where the book's sketch simplifies)
//
// 강의에 실린 책의 의사코드는 이렇습니다.
//
// ```
// output_t = activation(dot(state_t, Uo) + dot(input_t, Wo) + dot(C_t, Vo) + bo)
// i_t = activation(dot(state_t, Ui) + dot(input_t, Wi) + bi)
// f_t = activation(dot(state_t, Uf) + dot(input_t, Wf) + bf)
// k_t = activation(dot(state_t, Uk) + dot(input_t, Wk) + bk)
// c_{t+1} = i_t * k_t + c_t * f_t
// ```
//
// - **셀 상태는 같습니다.** 기호 하나를 조심하세요: 스케치의 `k_t`는 `activation`을 **이미 적용한** 값이고, 위에서 손으로 쓴
//   식의 `k_t`는 적용하기 **전** 값입니다. 스케치의 `activation`이 `k_t`에는 `tanh`, `i_t`, `f_t`에는 시그모이드라면, 스케치의
//   `k_t`는 위 식의 `tanh(k_t)`이고, `c_{t+1} = i_t * k_t + c_t * f_t`는 실제 LSTM의 `c_t = f_t * c_{t-1} + i_t * tanh(k_t)`와
//   같은 식입니다.
// - **출력이 다릅니다.** 실제 LSTM의 출력은 게이트 `o_t`에 **새** 셀 상태를 `tanh`로 누른 값을 곱한 `h_t = o_t * tanh(c_t)`입니다.
//   책의 스케치는 **이전** 셀 상태 `C_t`를 행렬 `Vo`로 곱해 더한 뒤 `activation`을 한 번 적용합니다. 이런 "peephole" 항 `Vo`는
//   `tf.layers.lstm`에 없습니다. 여기서는 `Vo = 0`으로 둡니다.
//
// `rl.lstmBookSketchStep`(lib/src/course/scratch.ts)은 스케치를 그대로 옮긴 것입니다. 실제 LSTM이 시간 단계 3개를 읽은 뒤의 상태 `(h, c)`에서
// 두 식으로 **시간 단계 하나만** 계산해 셀 상태와 출력을 따로 비교하고, 이어서 시퀀스 전체를 각자의 식으로 돌린 출력도 비교합니다.

// %%
const real = rl.lstmForward(lstmParams, x);
const at = (seq: rl.tf.Tensor3D, t: number, width: number) =>
  tf.tidy(() => tf.squeeze(tf.slice(seq, [0, t, 0], [batch, 1, width]), [1])) as rl.tf.Tensor2D;
const state3 = { h: at(real.hiddenStates, 2, units), c: at(real.cellStates, 2, units) };
const x4 = at(x, 3, features);
const realStep = rl.lstmStep(lstmParams, x4, state3);
const sketchStep = rl.lstmBookSketchStep(lstmParams, x4, state3);
console.log("one step from the same state: carry max |sketch - real| =", await maxDiff(sketchStep.c, realStep.c));
console.log("one step from the same state: output max |sketch - real| =", await maxDiff(sketchStep.h, realStep.h));
const sketch = rl.lstmBookSketchForward(lstmParams, x);
console.log("whole sequence, each with its own state: output max |sketch - real| =", await maxDiff(sketch.hiddenStates, real.hiddenStates));

// %% [markdown]
// 위 셀이 출력한 첫 줄(`carry`, 셀 상태)은 반올림 오차 수준이고, 둘째 줄(출력)은 그렇지 않습니다. 시퀀스 전체를 돌리면 달라진 출력이 다음
// 시간 단계의 상태로 들어가므로 셋째 줄의 차이가 쌓입니다. 책의 스케치는 "정보가 셀 상태(`carry`)를 따라 흐른다"는 생각을 보여 주는 그림이고,
// `tf.layers.lstm`과 이 노트북의 계산은 실제 LSTM 식을 따릅니다.

// %% [markdown]
// ## 2. GRU 처음부터 (GRU from scratch)
//
// GRU는 게이트가 둘입니다: 업데이트 게이트(update gate) `z`와 리셋 게이트(reset gate) `r`입니다. 셀 상태가 따로 없고 `h` 하나로 기억합니다.
//
// ```
// z_t = σ(x_t Wz + h_{t-1} Uz + bz)
// r_t = σ(x_t Wr + h_{t-1} Ur + br)
// h~_t = tanh(x_t Wh + (r_t * h_{t-1}) Uh + bh)   # reset BEFORE the matrix product (tf.layers.gru)
// h_t = z_t * h_{t-1} + (1 - z_t) * h~_t
// ```
//
// `z_t`가 1에 가까우면 이전 상태를 그대로 가져가므로, LSTM의 망각 게이트처럼 기울기가 지나갈 길이 생깁니다.

// %%
const gruParams = rl.initGruParams(features, units, 42);
const gg = rl.splitGates("gru", gruParams);
console.log("kernel:", gruParams.kernel.shape, " recurrentKernel:", gruParams.recurrentKernel.shape, "(3 blocks z, r, h)");

const gruStepByHand = (xt: rl.tf.Tensor2D, h: rl.tf.Tensor2D, resetAfter = false) => tf.tidy(() => {
  const z = tf.sigmoid(tf.matMul(xt, gg.z.W).add(tf.matMul(h, gg.z.U)).add(gg.z.b));
  const r = tf.sigmoid(tf.matMul(xt, gg.r.W).add(tf.matMul(h, gg.r.U)).add(gg.r.b));
  const recurrent = resetAfter
    ? r.mul(tf.matMul(h, gg.h.U))             // PyTorch / Keras 2 default: reset AFTER the product
    : tf.matMul(r.mul(h), gg.h.U);            // tf.layers.gru: reset BEFORE the product
  const candidate = tf.tanh(tf.matMul(xt, gg.h.W).add(recurrent).add(gg.h.b));
  return z.mul(h).add(tf.sub(1, z).mul(candidate)) as rl.tf.Tensor2D;
});

const gruLoop = (resetAfter: boolean) => tf.tidy(() => {
  let h = tf.zeros([batch, units]) as rl.tf.Tensor2D;
  const hs: rl.tf.Tensor2D[] = [];
  for (const xt of tf.unstack(x, 1) as rl.tf.Tensor2D[]) {
    h = gruStepByHand(xt, h, resetAfter);
    hs.push(h);
  }
  return tf.stack(hs, 1) as rl.tf.Tensor3D;
});
const gruByHand = gruLoop(false);
const stockGru = builtLayer(tf.layers.gru({ units: units, returnSequences: true, recurrentActivation: "sigmoid" }));
rl.gruParamsToLayer(gruParams, stockGru);
const stockGruOut = stockGru.apply(x) as rl.tf.Tensor3D;
console.log("by hand:", gruByHand.shape, " tf.layers.gru:", stockGruOut.shape);
console.log("max |GRU by hand - tf.layers.gru (sigmoid gates)| =", await maxDiff(gruByHand, stockGruOut));

// %% [markdown]
// 위에서 계산한 GRU의 시간 단계 하나를 그림으로 그리면 이렇습니다: `h_{t-1}`은 `z_t`만큼 그대로 가고, 리셋 게이트 `r_t`를 곱한 `h_{t-1}`과 `x_t`로 만든 후보 `h~_t`가 `1 - z_t`만큼 더해집니다.

// %%
rl.drawGruCell();

// %% [markdown]
// ## 3. 라이브러리마다 다른 기본값 (defaults that differ)
//
// 같은 이름의 층이라도 라이브러리마다 기본값이 다릅니다. TensorFlow.js 4.22의 `tf.layers.lstm`과 `tf.layers.gru`는
// 게이트에 `recurrentActivation: 'hardSigmoid'`(조각별 직선 `clip(0.2x + 0.5, 0, 1)`)를 기본으로 씁니다. Keras 2.3 이후,
// PyTorch, 그리고 강의의 식은 로지스틱 시그모이드입니다. 아래 셀은 층이 실제로 가진 설정을 출력하고, 두 함수를 그립니다.

// %%
const defaultLstm = builtLayer(tf.layers.lstm({ units: units, returnSequences: true }));
const defaultGru = builtLayer(tf.layers.gru({ units: units, returnSequences: true }));
console.log("tf.layers.lstm default recurrentActivation:", defaultLstm.getConfig().recurrentActivation);
console.log("tf.layers.gru  default recurrentActivation:", defaultGru.getConfig().recurrentActivation);
const zs = Array.from({ length: 81 }, (_, i) => -4 + i * 0.1);
await rl.plotLines(
  [
    { name: "sigmoid", x: zs, y: zs.map((v) => 1 / (1 + Math.exp(-v))) },
    { name: "hardSigmoid (tfjs)", x: zs, y: zs.map((v) => Math.min(1, Math.max(0, 0.2 * v + 0.5))) },
  ],
  { title: "Gate activations", xLabel: "pre-activation", yLabel: "gate value" },
);

// %% [markdown]
// 같은 가중치를 기본값 층에 넣으면 출력이 얼마나 달라지는지 숫자로 봅니다. 다음으로 GRU의 두 변형을 비교합니다.
// `tf.layers.gru`는 리셋 게이트를 행렬 곱 **전에** 적용하고(Keras의 `reset_after=False`, Keras 2.3까지의 기본값), PyTorch와
// TensorFlow 2의 `tf.keras` GRU는 행렬 곱 **뒤에** 적용합니다(`reset_after=True`가 기본값; 이쪽은 편향도 하나 더 있지만 여기서는 같은 가중치로 식의 차이만 봅니다).

// %%
rl.lstmParamsToLayer(lstmParams, defaultLstm);
rl.gruParamsToLayer(gruParams, defaultGru);
const hardLstmOut = defaultLstm.apply(x) as rl.tf.Tensor3D;
const hardGruOut = defaultGru.apply(x) as rl.tf.Tensor3D;
const gruResetAfter = gruLoop(true);
const noOutput = tf.zerosLike(stockLstmOut);
rl.showTable(
  [
    { comparison: "LSTM: sigmoid vs hardSigmoid gates (same weights)", "max abs diff": await maxDiff(stockLstmOut, hardLstmOut) },
    { comparison: "GRU: sigmoid vs hardSigmoid gates (same weights)", "max abs diff": await maxDiff(stockGruOut, hardGruOut) },
    { comparison: "GRU: reset before vs reset after (same weights)", "max abs diff": await maxDiff(gruByHand, gruResetAfter) },
    { comparison: "(for scale) largest |h_t| of the sigmoid LSTM", "max abs diff": await maxDiff(stockLstmOut, noOutput) },
  ],
  { title: "Same weights, different defaults" },
);
noOutput.dispose();

// %% [markdown]
// 표의 차이는 반올림 오차가 아니라 함수가 달라서 생긴 것입니다. 그래서 Keras나 PyTorch에서 학습한 가중치를 옮기거나 논문의 숫자와
// 비교할 때는 게이트 함수와 GRU 변형을 맞춰야 합니다. 이 코스 라이브러리의 빌더(`rl.recurrentLayer`, `rl.buildRnnClassifier`)는
// 두 구현 모두 게이트를 시그모이드로 둡니다. 아래 셀이 그 설정을 출력합니다.

// %%
for (const impl of ["rnnlab", "stock"] as const) {
  const layer = rl.recurrentLayer("lstm", { units: units }, impl);
  console.log(`rl.recurrentLayer("lstm", ..., "${impl}") -> ${layer.getClassName()}, recurrentActivation: ${layer.getConfig().recurrentActivation}`);
}

// %% [markdown]
// ## 4. 먼 과거를 기억하기: 덧셈 문제 (a long-dependency task: the adding problem)
//
// Hochreiter와 Schmidhuber(1997)의 덧셈 문제(adding problem)입니다. 각 시간 단계의 입력은 (값, 표시) 한 쌍입니다.
// 값은 0과 1 사이의 난수이고, 시퀀스 전체에서 딱 두 시간 단계에만 표시(marker) 1이 붙습니다: 하나는 앞쪽 절반, 하나는 뒤쪽 절반.
// 정답은 표시된 두 값의 합입니다. 앞쪽 값을 수십 시간 단계 동안 기억해야 풀 수 있습니다.
//
// 아무것도 배우지 못한 모델은 평균(약 1.0)을 답하고, 그때의 평균제곱오차(MSE, mean squared error)는 약 1/6입니다.
// 이것이 기준선(baseline)입니다. 길이와 에포크 수는 프로파일에 따라 다릅니다(quick은 더 짧고 적습니다).

// %%
const T = rl.byProfile({ full: 100, quick: 30 });
const nTrain = rl.byProfile({ full: 4000, quick: 1500 });
const epochs = rl.byProfile({ full: 40, quick: 25 });
const train = rl.addingProblem(nTrain, T, { seed: 1 });
const valid = rl.addingProblem(500, T, { seed: 2 });
const baselineMse = await rl.meanPredictorMse(valid.y);
console.log(`T = ${T} steps, ${nTrain} training / 500 validation sequences, ${epochs} epochs`);
console.log("train x:", train.x.shape, " y:", train.y.shape, ` baseline (predict the mean) validation MSE = ${baselineMse.toFixed(4)}`);
const ex = ((await train.x.array()) as number[][][])[0];
const target0 = ((await train.y.array()) as number[][])[0][0];
const [early, late] = train.markedSteps[0];
console.log(`example 0: marked steps ${early} and ${late}: ${ex[early][0].toFixed(3)} + ${ex[late][0].toFixed(3)} = target ${target0.toFixed(3)}`);

// %% [markdown]
// 세 모델은 순환층(recurrent layer) 종류만 다릅니다: 유닛 16개의 순환층 하나, 그 위에 출력 하나의 `Dense` 층. 같은 데이터, 같은
// 에포크, 같은 배치 크기(64), 같은 옵티마이저(Adam, 학습률 0.01), 같은 시드. 순환층은 라이브러리의 빠른 층
// (`rl.recurrentLayer`, 게이트는 시그모이드)입니다. LSTM은 Keras의 기본값처럼 망각 게이트 편향을 1로 시작합니다
// (`unitForgetBias: true`; TensorFlow.js의 기본값은 0). 처음부터 "기억을 유지하는" 쪽에서 출발하게 하는 LSTM의 표준 초기화입니다.

// %%
const cells = ["simpleRnn", "lstm", "gru"] as const;
const cellName = { simpleRnn: "SimpleRNN", lstm: "LSTM", gru: "GRU" };
const runs: Record<string, rl.FitResult> = {};
for (const cell of cells) {
  rl.seedEverything(42);
  const model = tf.sequential();
  model.add(rl.recurrentLayer(cell, { units: 16, inputShape: [T, 2], ...(cell === "lstm" ? { unitForgetBias: true } : {}) }));
  model.add(tf.layers.dense({ units: 1 }));
  const optimizer = tf.train.adam(0.01);
  model.compile({ optimizer: optimizer, loss: "meanSquaredError" });
  runs[cellName[cell]] = await rl.fit(model, train.x, train.y, {
    name: cellName[cell], epochs: epochs, batchSize: 64, validationData: [valid.x, valid.y],
  });
  model.dispose();
  optimizer.dispose();
}

// %%
await rl.plotTrainingCurves(
  Object.fromEntries(Object.entries(runs).map(([name, r]) => [name, r.history])),
  { title: `Adding problem, T = ${T}: mean squared error per epoch` },
);

// %%
rl.showTable(
  Object.entries(runs).map(([name, r]) => ({
    model: name,
    "final train MSE": r.history.loss[r.epochs - 1],
    "final validation MSE": r.history.val_loss[r.epochs - 1],
    "validation MSE / baseline": r.history.val_loss[r.epochs - 1] / baselineMse,
    seconds: r.seconds,
  })),
  { title: `Adding problem (T = ${T}, ${epochs} epochs); baseline MSE ${baselineMse.toFixed(4)}` },
);

// %% [markdown]
// 표의 마지막에서 두 번째 열이 핵심입니다: 1에 가까우면 평균을 답하는 것보다 나을 것이 없다는 뜻(먼 앞쪽 값을 기억하지 못함)이고,
// 0에 가까우면 두 값을 기억해 더했다는 뜻입니다. 위 셀이 출력한 세 모델의 숫자를 비교해 보세요. 이 숫자는 시드 하나로 한 번
// 돌린 결과이므로, 다른 시드에서는 달라질 수 있습니다. quick 프로파일은 시퀀스가 짧아서(먼 과거가 덜 멀어서) 차이가 덜 분명할
// 수 있으니, 그때도 출력된 숫자 그대로 읽으세요. 그림에서 LSTM과 GRU의 곡선이 한동안 기준선 근처에 머물다가
// 어느 에포크에서 뚝 떨어지는지도 보세요: 두 값을 기억하는 방법을 "찾는" 순간입니다.
//
// 노트북 03의 그림과 이어 보면 이유가 보입니다. SimpleRNN에서는 수십 시간 단계 떨어진 입력에 대한 기울기가 거의 0이라서 앞쪽 값을
// 기억하도록 가중치를 바꿀 신호가 학습에 닿지 않습니다. LSTM의 셀 상태 `c_t = f_t * c_{t-1} + ...`와 GRU의 `h_t = z_t * h_{t-1} + ...`는
// 게이트가 1에 가까울 때 값을(그리고 기울기를) 거의 그대로 다음 시간 단계로 넘기는 길입니다.

// %% [markdown]
// ## 5. 정리 (clean up)

// %%
tf.dispose([x, x1, x4, zeros, state3.h, state3.c, realStep.h, realStep.c, sketchStep.h, sketchStep.c, s1.h, s1.c, s1Lib.h, s1Lib.c, lstmByHand, stockLstmOut, gruByHand, stockGruOut, hardLstmOut, hardGruOut, gruResetAfter]);
tf.dispose([real as unknown as rl.tf.TensorContainer, sketch as unknown as rl.tf.TensorContainer]);
tf.dispose([g as unknown as rl.tf.TensorContainer, gg as unknown as rl.tf.TensorContainer]);
tf.dispose([lstmParams.kernel, lstmParams.recurrentKernel, lstmParams.bias, gruParams.kernel, gruParams.recurrentKernel, gruParams.bias]);
tf.dispose([train.x, train.y, valid.x, valid.y]);
[stockLstm, stockGru, defaultLstm, defaultGru].forEach((l) => l.dispose());
console.log("tensors still allocated:", tf.memory().numTensors);

// %% [markdown]
// ## 연습 문제 (exercises)
//
// 문제마다 빈칸(skeleton) 셀과 확인(check) 셀이 한 쌍입니다. `rl.notYet()`을 여러분의 코드로 바꾸고 두 셀을 차례로
// 실행하세요. 확인 셀은 여러분의 함수를 기준 구현(reference)과 여러 무작위 입력과 경계 사례에서 비교하고, 틀리면 어떻게
// 틀렸는지 알려 줍니다. 아직 풀지 않은 문제는 "아직 풀지 않았습니다"라고만 합니다. 답은 `notebooks/solutions/`에 있습니다.
//
// ### 연습 05-1. LSTM의 시간 단계 하나, tfjs의 게이트 순서 (i, f, k, o)
//
// `tf.layers.lstm`은 네 게이트의 가중치를 한 행렬에 옆으로 붙여 둡니다: `kernel` `[특성, 4·units]`,
// `recurrentKernel` `[units, 4·units]`, `bias` `[4·units]`의 열 블록이 차례로 입력 게이트 i, 망각 게이트 f,
// 후보 k(위 식의 `k_t`, tfjs의 소스에서는 `c`), 출력 게이트 o입니다.
// $z = x\,\mathrm{kernel} + h\,\mathrm{recurrentKernel} + \mathrm{bias}$를 네 블록 $i, f, k, o$로 나누고(`tf.split(z, 4, 1)`),
// 게이트에는 로지스틱 시그모이드(`tf.sigmoid`)를 써서 $c_t = f * c_{t-1} + i * \tanh(k)$,
// $h_t = o * \tanh(c_t)$를 `{ h, c }`로 돌려주세요.

// %%
function myLstmStep(x: rl.tf.Tensor2D, h: rl.tf.Tensor2D, c: rl.tf.Tensor2D, kernel: rl.tf.Tensor2D, recurrentKernel: rl.tf.Tensor2D, bias: rl.tf.Tensor1D): { h: rl.tf.Tensor2D; c: rl.tf.Tensor2D } {
  return rl.notYet();
}

// %%
await rl.checkExercise("05-1", myLstmStep);

// %% [markdown]
// ### 연습 05-2. GRU의 시간 단계 하나, 후보보다 먼저 리셋 게이트 (reset before)
//
// `tf.layers.gru`의 블록 순서는 업데이트 게이트 z, 리셋 게이트 r, 후보 h입니다 (`kernel` `[특성, 3·units]`,
// `recurrentKernel` `[units, 3·units]`, `bias` `[3·units]`). tfjs는 리셋 게이트를 행렬 곱 **전에** 곱합니다:
// $\tilde{h} = \tanh(x W_h + b_h + (r * h_{t-1}) U_h)$, 그리고 $h_t = z * h_{t-1} + (1 - z) * \tilde{h}$.
// 게이트 z, r은 $\sigma(x W + b + h U)$ (로지스틱 시그모이드)입니다. 새 은닉 상태를 돌려주세요.

// %%
function myGruStep(x: rl.tf.Tensor2D, h: rl.tf.Tensor2D, kernel: rl.tf.Tensor2D, recurrentKernel: rl.tf.Tensor2D, bias: rl.tf.Tensor1D): rl.tf.Tensor2D {
  // tf's ops are typed as rl.tf.Tensor: return your result `as rl.tf.Tensor2D`
  return rl.notYet();
}

// %%
await rl.checkExercise("05-2", myGruStep);
