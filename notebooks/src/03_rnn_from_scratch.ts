// %% [markdown]
// # 03. 순환 신경망을 처음부터 (RNN from scratch)
//
// 강의의 핵심 식은 두 줄입니다. 순환 신경망(RNN, recurrent neural network)은 시퀀스(sequence)의 벡터 `x_t`를
// 하나씩 읽으면서, 시간 단계(time step)마다 같은 점화식(recurrence)을 적용합니다.
//
// $$h_t = \tanh(W_{hh} h_{t-1} + W_{xh} x_t), \qquad y_t = W_{hy} h_t$$
//
// `h_t`는 은닉 상태(hidden state)로, 지금까지 읽은 것을 요약한 벡터입니다. 이 노트북은 d2l.ai의 순서를 따릅니다.
// 먼저 가중치(weight)가 다 보이게 손으로 짜고 계산할 때마다 모양(shape)을 확인한 다음, 같은 가중치를
// `tf.layers.simpleRNN`에 넣어 같은 숫자가 나오는지 비교합니다. 마지막으로 시간을 거슬러 올라가는 역전파
// (BPTT, backpropagation through time)에서 기울기(gradient)가 얼마나 빨리 작아지는지 숫자로 보고, 반대로 기울기가 커지기만
// 할 때(기울기 폭발) 학습이 어떻게 망가지고 기울기 클리핑(gradient clipping)이 그것을 어떻게 막는지 돌려 봅니다.

// %%
import * as rl from "rnnlab";
const tf = rl.tf;
await rl.initRuntime();
rl.seedEverything(42);

// Tensor values are read with await (t.data(), t.array()): a GPU backend has no synchronous read-back in Node.js.
// printMatrix shows a matrix like tensor.print() (which reads synchronously), four decimals per entry.
const printMatrix = async (m: rl.tf.Tensor) => {
  const rows = (await m.array()) as number[][];
  console.log(rows.map((row) => row.map((v) => v.toFixed(4).padStart(7)).join(" ")).join("\n"));
};

// %% [markdown]
// 강의의 그림 6.9(Chollet)는 고리(loop)가 있는 네트워크입니다: 입력 `x_t`는 `W_xh`로 들어오고, 은닉 상태 `h_t`는 `W_hh`를 거쳐 다음 시간 단계의 `h_{t-1}`로 되돌아가며, 출력 `y_t`는 `W_hy`로 나갑니다.

// %%
rl.drawRnnLoop();

// %% [markdown]
// ## 1. 데이터: 작은 시퀀스 묶음 (a small batch of sequences)
//
// 입력은 `[batch, time, features]` 모양의 3차원 텐서입니다: 시퀀스 2개, 각각 시간 단계 8개, 시간 단계마다 특성(feature) 3개.
// 숫자 자체는 의미가 없는 난수이고, 여기서는 계산이 맞는지만 봅니다.

// %%
const batch = 2, steps = 8, features = 3, units = 4;
const x = tf.randomNormal([batch, steps, features], 0, 1, "float32", 7) as rl.tf.Tensor3D;
console.log("x:", x.shape, "= [batch, time, features]");

// %% [markdown]
// ## 2. 가중치 들여다보기 (parameters in plain sight)
//
// `rl.initSimpleRnnParams(features, units)`는 `tf.layers.simpleRNN`과 같은 방식으로 초기화한 가중치 세 개를 돌려줍니다.
// TensorFlow.js(와 Keras)는 벡터를 **행 벡터(row vector)**로 다루기 때문에 강의 식의 행렬이 전치(transpose)되어 저장됩니다:
//
// - `kernel` = $W_{xh}^T$ : `[features, units]`
// - `recurrentKernel` = $W_{hh}^T$ : `[units, units]`
// - `bias` = $b$ : `[units]` (강의 식에는 빠져 있지만 실제 층에는 있습니다)
//
// 그래서 코드에서 시간 단계 하나의 계산은 `h_t = tanh(x_t · kernel + h_{t-1} · recurrentKernel + b)`이고, 식으로는 강의의 것과 같습니다.
//
// 행렬의 값은 `printMatrix`로 봅니다. 텐서의 값은 `await m.array()`처럼 비동기(asynchronous)로 읽습니다: GPU 백엔드(WebGPU)는
// Node.js에서 `print()`나 `dataSync()` 같은 동기(synchronous) 읽기를 할 수 없기 때문입니다 (00 노트북 참고).

// %%
const params = rl.initSimpleRnnParams(features, units, 42);
console.log("kernel (W_xh^T):         ", params.kernel.shape);
console.log("recurrentKernel (W_hh^T):", params.recurrentKernel.shape);
console.log("bias (b):                ", params.bias.shape);
await printMatrix(params.recurrentKernel);

// %% [markdown]
// ## 3. 시간 단계 하나를 손으로 (one time step by hand)
//
// 처음 상태는 `h_0 = 0`입니다. 첫 입력 `x_1`(배치 전체, `[batch, features]`)을 꺼내 시간 단계 하나를 계산하고,
// 연산마다 모양을 확인합니다. 행렬 곱의 안쪽 차원이 맞아야 하는 것이 모양 확인의 요점입니다.

// %%
const h0 = tf.zeros([batch, units]) as rl.tf.Tensor2D;
const x1 = tf.tidy(() => tf.squeeze(tf.slice(x, [0, 0, 0], [batch, 1, features]), [1])) as rl.tf.Tensor2D;
const fromInput = tf.matMul(x1, params.kernel);                // [batch, features] x [features, units]
const fromState = tf.matMul(h0, params.recurrentKernel);       // [batch, units] x [units, units]
const h1 = tf.tidy(() => tf.tanh(fromInput.add(fromState).add(params.bias))); // + b broadcast over the batch; tidy frees the sums
console.log("x_1:", x1.shape, " x_1·W_xh^T:", fromInput.shape, " h_0·W_hh^T:", fromState.shape, " h_1:", h1.shape);
await printMatrix(h1);

// %% [markdown]
// 라이브러리의 `rl.simpleRnnStep`도 같은 식입니다. 두 결과의 최대 절대 차이(max abs difference)를 출력합니다.

// %%
// The largest |a - b|: computed inside tf.tidy, then read with await (a tidy callback cannot wait for a read).
const maxDiff = async (a: rl.tf.Tensor, b: rl.tf.Tensor): Promise<number> => {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const value = (await d.data())[0];
  d.dispose();
  return value;
};
const h1Lib = rl.simpleRnnStep(params, x1, h0);
console.log("max |h_1(by hand) - h_1(simpleRnnStep)| =", await maxDiff(h1, h1Lib));

// %% [markdown]
// ## 4. 시간을 따라 펼치기 (the RNN unrolled over time)
//
// 같은 가중치로 같은 계산을 `t = 1 … 8`까지 반복합니다. 이것이 "시간에 대해 펼친(unrolled)" RNN입니다.
// 각 시간 단계의 새 상태가 다음 시간 단계의 이전 상태가 됩니다. 모든 `h_t`를 모아 `[batch, time, units]`로 쌓습니다.

// %%
const byHand = tf.tidy(() => {
  let h = tf.zeros([batch, units]) as rl.tf.Tensor2D;
  const states: rl.tf.Tensor2D[] = [];
  for (const xt of tf.unstack(x, 1) as rl.tf.Tensor2D[]) {      // xt: [batch, features]
    h = tf.tanh(tf.matMul(xt, params.kernel).add(tf.matMul(h, params.recurrentKernel)).add(params.bias)) as rl.tf.Tensor2D;
    states.push(h);                                              // h: [batch, units]
  }
  return tf.stack(states, 1) as rl.tf.Tensor3D;                 // [batch, time, units]
});
console.log("all hidden states:", byHand.shape, "= [batch, time, units]");

// %% [markdown]
// 이 반복문을 그리면 강의의 그림 6.10, 시간에 대해 펼친(unrolled) RNN입니다: 시간 단계마다 셀이 하나씩 있지만 가중치 `W_xh`, `W_hh`, `W_hy`는 모든 시간 단계에서 같습니다.

// %%
rl.drawRnnUnrolled({ steps: steps });

// %% [markdown]
// ## 5. 책의 의사코드 그대로 (the book's pseudocode, listings 6.19 / 6.20)
//
// 강의가 인용한 Chollet의 의사코드입니다:
//
// ```
// state_t = 0
// for input_t in input_sequence:
//     output_t = activation(dot(W, input_t) + dot(U, state_t) + b)
//     state_t = output_t
// ```
//
// 책은 열 벡터(column vector)로 쓰므로 `W = kernel^T` (`[units, features]`), `U = recurrentKernel^T` (`[units, units]`)입니다.
// `rl.simpleRnnPseudocode`는 이 반복문을 텐서 없이 보통의 숫자 배열과 `for`문으로 옮긴 것입니다(lib/src/course/scratch.ts).
// 첫 번째 시퀀스에 돌려서 위의 텐서 버전과 비교합니다.

// %%
const kernelT = params.kernel.transpose(), recurrentKernelT = params.recurrentKernel.transpose();
const W = (await kernelT.array()) as number[][];                            // [units][features]
const U = (await recurrentKernelT.array()) as number[][];                   // [units][units]
tf.dispose([kernelT, recurrentKernelT]);
const b = (await params.bias.array()) as number[];
const inputSequence = ((await x.array()) as number[][][])[0];              // [time][features]
const pseudoOutputs = rl.simpleRnnPseudocode(inputSequence, W, U, b);       // [time][units]
const tensorOutputs = ((await byHand.array()) as number[][][])[0];
const pseudoDiff = Math.max(...pseudoOutputs.flatMap((row, t) => row.map((v, j) => Math.abs(v - tensorOutputs[t][j]))));
console.log(`W: [${W.length}][${W[0].length}], U: [${U.length}][${U[0].length}], outputs: [${pseudoOutputs.length}][${pseudoOutputs[0].length}]`);
console.log("max |pseudocode - tensor loop| =", pseudoDiff);

// %% [markdown]
// ## 6. 출력 `y_t = W_hy h_t` (the output layer)
//
// 강의 식의 두 번째 줄은 은닉 상태를 출력으로 바꾸는 행렬입니다. 모든 시간 단계에 같은 `W_hy`를 씁니다.
// Keras에서는 RNN 층 뒤의 `Dense` 층이 이 일을 합니다. 여기서는 출력 1개짜리 `W_hy^T`(`[units, 1]`)를 손으로 만듭니다.

// %%
const Why = tf.randomNormal([units, 1], 0, 0.5, "float32", 11);                // W_hy^T: [units, outputs]
const y = tf.tidy(() => tf.matMul(byHand.reshape([batch * steps, units]), Why).reshape([batch, steps, 1]));
console.log("h:", byHand.shape, " W_hy^T:", Why.shape, " y:", y.shape, "= [batch, time, outputs]");
console.log("y_t of sequence 0:", ((await y.array()) as number[][][])[0].map((v) => v[0].toFixed(3)).join(" "));

// %% [markdown]
// ### 펼친 RNN의 은닉 상태 그림 (hidden states over time)
//
// 첫 번째 시퀀스의 은닉 상태 4개를 시간에 따라 그립니다. 위는 히트맵(heatmap, 행 = 은닉 유닛, 열 = 시간 단계),
// 아래는 같은 숫자를 선으로 그린 것입니다. `tanh` 때문에 모든 값이 -1과 1 사이에 있습니다.

// %%
const seq0 = ((await byHand.array()) as number[][][])[0];                      // [time][units]
const unitsByTime = Array.from({ length: units }, (_, j) => seq0.map((h) => h[j]));
await rl.plotHeatmap(unitsByTime, {
  title: "SimpleRNN hidden states h_t (sequence 0)",
  xLabels: seq0.map((_, t) => `t=${t + 1}`),
  yLabels: unitsByTime.map((_, j) => `unit ${j}`),
  annotate: true,
  scheme: "redblue",
});

// %%
await rl.plotLines(
  unitsByTime.map((ys, j) => ({ name: `unit ${j}`, x: ys.map((_, t) => t + 1), y: ys })),
  { title: "Hidden states over time", xLabel: "time step t", yLabel: "h_t", points: true },
);

// %% [markdown]
// ## 7. 같은 가중치를 `tf.layers.simpleRNN`에 (the library layer, same weights)
//
// 이제 TensorFlow.js의 층을 만들고, 위에서 쓴 가중치를 그대로 넣습니다(`rl.simpleRnnParamsToLayer`).
// `returnSequences: true`면 층도 모든 `h_t`를 돌려줍니다. 손으로 짠 반복문과의 최대 절대 차이를 출력합니다.
// 같은 일을 하는 코스 라이브러리의 빠른 층(`rl.recurrentLayer("simpleRnn", ...)`, 시퀀스 전체를 한 번에 계산하고
// 역전파도 손으로 짠 층)도 함께 비교합니다.

// %%
const stockLayer = tf.layers.simpleRNN({ units: units, returnSequences: true });
tf.tidy(() => { stockLayer.apply(tf.zeros([1, steps, features])); }); // builds the layer (creates its weights)
rl.simpleRnnParamsToLayer(params, stockLayer);
const stockOut = stockLayer.apply(x) as rl.tf.Tensor3D;

const fastLayer = rl.recurrentLayer("simpleRnn", { units: units, returnSequences: true });
tf.tidy(() => { fastLayer.apply(tf.zeros([1, steps, features])); });
fastLayer.setWeights([params.kernel, params.recurrentKernel, params.bias]);
const fastOut = fastLayer.apply(x) as rl.tf.Tensor3D;

console.log("tf.layers.simpleRNN output:", stockOut.shape);
console.log("max |by hand - tf.layers.simpleRNN| =", await maxDiff(byHand, stockOut));
console.log("max |by hand - rl fast SimpleRNN|   =", await maxDiff(byHand, fastOut));

// %% [markdown]
// 차이는 부동소수점(float32) 반올림 수준입니다. 즉 `tf.layers.simpleRNN`이 하는 일은 위의 몇 줄짜리 반복문이 전부입니다.
// `returnSequences: false`(기본값)면 층은 마지막 상태 `h_T`만 돌려줍니다. 분류기는 보통 이 마지막 상태 위에 `Dense` 층을 얹습니다.

// %%
const lastOnly = tf.layers.simpleRNN({ units: units });
tf.tidy(() => { lastOnly.apply(tf.zeros([1, steps, features])); });
rl.simpleRnnParamsToLayer(params, lastOnly);
const hT = lastOnly.apply(x) as rl.tf.Tensor2D;
const hTByHand = tf.tidy(() => tf.squeeze(tf.slice(byHand, [0, steps - 1, 0], [batch, 1, units]), [1]));
console.log("returnSequences=false:", hT.shape, " max |h_T - last row by hand| =", await maxDiff(hT, hTByHand));

// %% [markdown]
// ## 8. 시간을 거슬러 올라가는 역전파(BPTT)와 기울기 소실 (vanishing gradients)
//
// 펼친 RNN은 시간 단계 수만큼 층이 깊은 신경망과 같습니다. 학습할 때 기울기는 마지막 시간 단계에서 첫 시간 단계 쪽으로
// 거꾸로 흐르는데, 시간 단계 하나를 건널 때마다 같은 행렬 $W_{hh}$와 `tanh`의 기울기 $1 - h_t^2$ (1 이하)가 곱해집니다:
//
// $$\frac{\partial h_T}{\partial h_t} = \prod_{s=t+1}^{T} \mathrm{diag}(1 - h_s^2)\, W_{hh}$$
//
// 이 곱이 시간 단계마다 1보다 작아지면 먼 과거의 입력에 대한 기울기는 기하급수적으로 작아집니다. 이것이 기울기 소실
// (vanishing gradient)이고, SimpleRNN이 먼 과거를 잘 배우지 못하는 이유입니다. 숫자로 확인합니다.
//
// 먼저 위 식을 손으로 계산합니다. 시퀀스 하나(시간 단계 50개)를 돌리고, 저장한 `h_s`로 시간 단계마다 야코비 행렬(Jacobian)
// `diag(1 - h_s^2) W_hh`를 만들어 뒤에서부터 곱해 나가며 그 크기(Frobenius norm)를 기록합니다.
// 행 벡터 규약에서는 `dh_s = dh_{s-1} · recurrentKernel ⊙ (1 - h_s^2)`입니다.

// %%
const longSteps = 50;
const longX = tf.randomNormal([1, longSteps, features], 0, 1, "float32", 3) as rl.tf.Tensor3D;
const longRun = rl.simpleRnnForward(params, longX);
const hs = ((await longRun.hiddenStates.array()) as number[][][])[0];           // [time][units]
const R = (await params.recurrentKernel.array()) as number[][];                  // W_hh^T [units][units]

// J = ∂h_T/∂h_t as a matrix acting on row vectors; start with the identity at t = T and walk back.
let J: number[][] = Array.from({ length: units }, (_, i) => Array.from({ length: units }, (_, j) => (i === j ? 1 : 0)));
const frob = (M: number[][]) => Math.sqrt(M.flat().reduce((s, v) => s + v * v, 0));
const handNorms: number[] = [frob(J)];
for (let s = longSteps - 1; s >= 1; s--) {
  // ∂h_s/∂h_{s-1} = recurrentKernel · diag(1 - h_s^2); ∂h_T/∂h_{s-1} = (∂h_s/∂h_{s-1}) · ∂h_T/∂h_s
  const step = R.map((row) => row.map((r, j) => r * (1 - hs[s][j] ** 2)));
  J = step.map((row) => J[0].map((_, k) => row.reduce((acc, v, m) => acc + v * J[m][k], 0)));
  handNorms.unshift(frob(J));
}
console.log("hand-computed ||∂h_T/∂h_t|| for t = 1..", handNorms.length, "(first 3 / last 3):",
  handNorms.slice(0, 3).map((v) => v.toExponential(2)).join(" "), "...", handNorms.slice(-3).map((v) => v.toFixed(3)).join(" "));

// %% [markdown]
// 손으로 한 계산을 그대로 믿지 않고 확인합니다. `rl.gradientNormsOverTime`은 같은 크기를 TensorFlow.js의 자동 미분(`tf.grads`)으로
// 반복문 전체를 거슬러 계산합니다. 두 목록의 최대 상대 차이(max relative difference)를 출력합니다.

// %%
const autoNorms = await rl.gradientNormsOverTime("simpleRnn", params, longX, { wrt: "state" });
const relDiff = Math.max(...autoNorms.map((v, t) => Math.abs(v - handNorms[t]) / Math.max(v, 1e-30)));
console.log("time steps:", autoNorms.length, " max relative |hand - tf.grads| =", relDiff.toExponential(2));

// %% [markdown]
// 이제 입력에 대한 기울기 `‖∂h_T/∂x_t‖`를 시간 거리 `T - t`에 대해 로그 눈금(log scale)으로 그립니다. 곧은 내리막은
// 거리마다 같은 비율로 줄어든다는 뜻, 즉 기하급수적 감소입니다. 비교를 위해 같은 입력에 대한 LSTM(장단기 메모리,
// long short-term memory)도 그립니다. LSTM은 망각 게이트(forget gate)의 편향(bias)을 1로 두어(Keras의 기본값
// `unit_forget_bias=True`, TensorFlow.js에서는 `unitForgetBias: true`) 시작합니다.

// %%
const simpleNorms = await rl.gradientNormsOverTime("simpleRnn", params, longX);
const lstmParams = rl.initLstmParams(features, units, 42);
const lstmBias = tf.tidy(() => tf.concat([tf.zeros([units]), tf.ones([units]), tf.zeros([2 * units])])) as rl.tf.Tensor1D; // i, f, k, o
const lstmNorms = await rl.gradientNormsOverTime("lstm", { ...lstmParams, bias: lstmBias }, longX);
const distance = simpleNorms.map((_, t) => longSteps - 1 - t);                  // T - t (0 = the last input)
await rl.plotLines(
  [
    { name: "SimpleRNN", x: distance, y: simpleNorms },
    { name: "LSTM", x: distance, y: lstmNorms },
  ],
  { title: "BPTT: ||∂h_T/∂x_t|| against distance in time", xLabel: "distance in time T - t", yLabel: "gradient norm (log)", logY: true },
);

// %%
const atDistance = [0, 1, 5, 10, 20, 30, 49];
rl.showTable(
  atDistance.map((d) => ({
    "distance T-t": d,
    SimpleRNN: simpleNorms[longSteps - 1 - d].toExponential(2),
    LSTM: lstmNorms[longSteps - 1 - d].toExponential(2),
  })),
  { title: "||∂h_T/∂x_t|| at a few distances" },
);
const perStep = Math.pow(simpleNorms[0] / simpleNorms[longSteps - 1], 1 / (longSteps - 1));
console.log(`SimpleRNN: the gradient shrinks by a factor of about ${perStep.toFixed(3)} per step back in time on average`);
console.log(`after 49 steps: SimpleRNN ${(simpleNorms[0] / simpleNorms[longSteps - 1]).toExponential(2)}, LSTM ${(lstmNorms[0] / lstmNorms[longSteps - 1]).toExponential(2)} of the gradient at distance 0`);

// %% [markdown]
// 위 셀이 출력한 표와 그림을 읽어 보세요. SimpleRNN의 기울기는 시간 단계 하나를 거슬러 갈 때마다 위 셀이 출력한 평균 비율로
// 줄어들고, 마지막 줄(거리 49)의 값은 거리 0의 값에 비하면 사실상 0입니다. 그 시점의 입력이 손실(loss)에 미치는 영향을
// 학습이 "볼" 수 없다는 뜻입니다. LSTM의 기울기도 줄어들지만, 표의 두 열을 거리가 먼 줄끼리 비교해 보면 얼마나 더
// 천천히 줄어드는지 보입니다.
//
// 표의 첫 줄들(가까운 거리)에서는 SimpleRNN의 기울기가 LSTM보다 클 수 있습니다. 이유는 입력이 은닉 상태에 닿는 길의
// 차이입니다. SimpleRNN에서 $x_T$는 $W_{xh}$를 한 번 거쳐 `tanh`로 바로 들어가고, 학습 전의 작은 활성값에서 `tanh`의
// 미분은 1에 가깝습니다. LSTM에서 $x_T$는 후보 값 `tanh(k_t)`를 만든 뒤 입력 게이트 $i_t$와 곱해져 셀 상태에 들어가고,
// 다시 $\tanh(c_t)$를 거쳐 출력 게이트 $o_t$와 곱해져서야 $h_T$가 됩니다. 학습 전의 게이트는 시그모이드(sigmoid)가
// 0.5 근처이므로 두 게이트를 지나며 기울기가 대략 4분의 1로 작아지고, 그래서 출발점이 낮습니다. 거리가 멀어질 때
// 중요한 것은 출발점의 높이가 아니라 로그 눈금에서 선이 내려가는 가파르기, 곧 시간 단계마다 줄어드는 비율(감소율,
// decay rate)입니다. SimpleRNN의 선이 더 가파르게 내려가므로, 거리가 충분히 멀어지면 두 선의 순서가 바뀝니다(위 표에서 어느
// 거리부터 바뀌는지 찾아보세요).
//
// **왜 LSTM이 도움이 되나?** LSTM은 은닉 상태 말고 따로 **셀 상태(cell state, 책의 `carry`)** `c_t`를 가지고,
// `c_t = f_t * c_{t-1} + i_t * tanh(k_t)`로 갱신합니다. `c_{t-1}`에서 `c_t`로 가는 길에는 행렬 곱도 `tanh`도 없고
// 망각 게이트 `f_t`만 곱해집니다. `f_t`가 1에 가까우면 기울기가 그 길을 따라 거의 줄지 않고 먼 과거까지 흐릅니다.
// 다음 노트북 **05_lstm_gru**에서 LSTM과 GRU를 처음부터 짜고, SimpleRNN이 실패하는 긴 의존성 문제(adding problem)에서
// 실제로 학습되는지 확인합니다.

// %% [markdown]
// ## 8-2. 기울기 폭발과 기울기 클리핑 (exploding gradients, gradient clipping)
//
// 위의 곱 $\prod \mathrm{diag}(1 - h_s^2)\, W_{hh}$는 작아지기만 하는 것이 아닙니다. 시간 단계마다 곱해지는 행렬이 기울기를
// 1보다 크게 늘리면, 먼 과거로 갈수록 기울기가 기하급수적으로 **커집니다**. 이것이 기울기 폭발(exploding gradient)입니다.
// 기울기 소실은 학습이 먼 과거를 "못 보게" 만들고, 기울기 폭발은 한 번의 갱신을 너무 멀리 보내서 학습을 망가뜨립니다.
//
// 직접 일으켜 봅니다. SimpleRNN이 시간 단계 40개짜리 난수 시퀀스를 읽고 그 합을 맞히는 회귀(regression) 문제입니다. 활성화 함수를
// ReLU로, 순환 가중치 $W_{hh}$를 항등 행렬(identity)에 1.1을 곱한 값으로 시작합니다. 그러면 시간 단계마다 기울기에 최대 1.1이
// 곱해져 늘어날 수 있습니다(ReLU의 기울기는 0 또는 1이라 `tanh`처럼 줄여 주지 않습니다). 학습률 0.01의 확률적 경사 하강법(SGD)으로 두 번
// 학습합니다. 두 실행은 초기 가중치와 데이터가 같고, 다른 것은 기울기 클리핑(gradient clipping)뿐입니다.
//
// - **클리핑 없이**: 기울기를 그대로 씁니다.
// - **`clipnorm: 1`**: Keras의 `SGD(lr=0.01, clipnorm=1.0)`처럼, 갱신 전에 각 기울기 텐서의 노름(norm)이 1을 넘으면
//   방향은 그대로 두고 길이만 1로 줄입니다. `rl.withClipNorm(optimizer, 1)`이 tfjs 옵티마이저에 이것을 더하고, 갱신마다
//   클리핑 **전**의 기울기 노름을 `gradientNorms`에 기록합니다.
//
// 첫 실행은 `rl.fit`의 NaN 가드(NaN guard)가 멈춥니다. 셀은 그 메시지를 출력하고 다음으로 넘어갑니다.

// %%
const explodeSteps = 40;
const explodeX = tf.randomNormal([512, explodeSteps, 1], 0, 1, "float32", 1);
const explodeY = tf.sum(explodeX, 1);                                         // [512, 1]: the sum of each sequence
const explodeEpochs = rl.byProfile({ full: 10, quick: 3 });
const buildExploding = () => {
  rl.seedEverything(3);                                                       // the same initial weights for both runs
  return tf.sequential({
    layers: [
      tf.layers.simpleRNN({ units: 16, activation: "relu", recurrentInitializer: tf.initializers.identity({ gain: 1.1 }), inputShape: [explodeSteps, 1] }),
      tf.layers.dense({ units: 1 }),
    ],
  });
};
const explodeRuns: Record<string, { model: rl.tf.Sequential; optimizer: rl.tf.Optimizer & rl.ClipNormInfo; losses: number[]; stopped: string }> = {};
for (const [name, clipnorm] of [["no clipping", Infinity], ["clipnorm 1", 1]] as const) {
  const model = buildExploding();
  const optimizer = rl.withClipNorm(tf.train.sgd(0.01), clipnorm);          // Infinity: records the norms, clips nothing
  model.compile({ optimizer, loss: "meanSquaredError" });
  let losses: number[] = [];
  let stopped = "";
  try {
    losses = (await rl.fit(model, explodeX, explodeY, { name, epochs: explodeEpochs, batchSize: 32 })).history.loss;
  } catch (e) {
    stopped = (e as Error).message.split(";")[0];                             // the NaN guard's first sentence
  }
  await optimizer.readGradientNorms();                                       // the norms are read without blocking
  explodeRuns[name] = { model, optimizer, losses, stopped };
  console.log(`${name}: ${stopped || `trained ${losses.length} epochs, loss ${losses[0].toFixed(1)} -> ${losses[losses.length - 1].toFixed(2)}`}`);
}
const targetVariance = (await tf.moments(explodeY).variance.data())[0];
const clippedLosses = explodeRuns["clipnorm 1"].losses;
const clippedLoss = clippedLosses.length ? clippedLosses[clippedLosses.length - 1] : NaN;
console.log(`for scale: always predicting the mean sum gives a loss of ${targetVariance.toFixed(1)} (the variance of the sums);`,
  `clipnorm 1 ends ${clippedLoss < targetVariance ? "below" : "NOT below"} it, at ${clippedLoss.toFixed(2)}`);

// %% [markdown]
// 갱신마다 기록한 기울기 노름(클리핑 전)을 로그 눈금으로 그리고, 표에 모읍니다. 클리핑하지 않은 실행은 첫 갱신의
// 기울기 노름이 표의 "largest gradient norm"만큼 커서, 학습률 0.01을 곱해도 가중치가 한 번에 그 100분의 1만큼
// 움직입니다. 다음 배치의 출력이 무한대가 되고, 그 기울기는 NaN입니다(표의 "non-finite norms", 그림에는 그리지 않음).
// 클리핑한 실행의 첫 기울기도 똑같이 크지만, 기울기 텐서마다 한 번의 갱신으로 움직이는 거리가 학습률 × 1로 묶여 있어서
// 학습이 망가지지 않고, 손실이 위 셀이 출력한 "평균만 예측할 때의 손실" 아래로 내려갑니다.

// %%
await rl.plotLines(
  Object.entries(explodeRuns).map(([name, r]) => {
    const updates = r.optimizer.gradientNorms.map((v, i) => [i + 1, v]).filter(([, v]) => Number.isFinite(v)); // NaN: not drawn
    return { name, x: updates.map(([i]) => i), y: updates.map(([, v]) => v) };
  }),
  { title: "Gradient norm before clipping, per update", xLabel: "update", yLabel: "global gradient norm (log)", logY: true, points: true },
);
rl.showTable(
  Object.entries(explodeRuns).map(([name, r]) => {
    const finite = r.optimizer.gradientNorms.filter(Number.isFinite);
    return {
      run: name,
      updates: r.optimizer.gradientNorms.length,
      "largest gradient norm": Math.max(...finite).toExponential(1),
      "non-finite norms": r.optimizer.gradientNorms.length - finite.length,
      "last epoch's loss": r.losses.length ? r.losses[r.losses.length - 1].toFixed(2) : "(stopped)",
    };
  }),
  { title: "Exploding gradients with and without clipnorm" },
);

// %% [markdown]
// 클리핑은 기울기 폭발의 **증상**을 막습니다: 기울기 자체는 여전히 크지만(표의 가장 큰 노름), 한 번에 가는 거리가
// 제한됩니다. 기울기 소실에는 클리핑이 소용없습니다. 작은 기울기를 키우지는 않기 때문입니다. 그쪽의 해법이 다음 노트북의
// LSTM과 GRU입니다. 실제 코드에서는 Keras의 `clipnorm`/`clipvalue`, PyTorch의 `torch.nn.utils.clip_grad_norm_`이 같은 일을
// 합니다.

// %%
for (const r of Object.values(explodeRuns)) {
  r.optimizer.dispose();
  r.model.dispose();
}
tf.dispose([explodeX, explodeY]);

// %% [markdown]
// ## 9. 정리 (clean up)
//
// 텐서는 직접 해제(dispose)합니다. 노트북을 다시 실행해도 메모리가 늘지 않아야 합니다.

// %%
tf.dispose([x, h0, x1, fromInput, fromState, h1, h1Lib, byHand, Why, y, stockOut, fastOut, hT, hTByHand, longX, lstmBias]);
tf.dispose([params.kernel, params.recurrentKernel, params.bias, lstmParams.kernel, lstmParams.recurrentKernel, lstmParams.bias]);
tf.dispose(longRun as unknown as rl.tf.TensorContainer);
[stockLayer, fastLayer, lastOnly].forEach((l) => l.dispose());
console.log("tensors still allocated:", tf.memory().numTensors);

// %% [markdown]
// ## 연습 문제 (exercises)
//
// 문제마다 빈칸(skeleton) 셀과 확인(check) 셀이 한 쌍입니다. `rl.notYet()`을 여러분의 코드로 바꾸고 두 셀을 차례로
// 실행하세요. 확인 셀은 여러분의 함수를 기준 구현(reference)과 여러 무작위 입력과 경계 사례에서 비교하고, 틀리면 어떻게
// 틀렸는지 알려 줍니다. 아직 풀지 않은 문제는 "아직 풀지 않았습니다"라고만 합니다. 답은 `notebooks/solutions/`에 있습니다.
//
// ### 연습 03-1. SimpleRNN의 시간 단계 하나 (one step)
//
// 이 노트북의 행 벡터 표기대로 $h_t = \tanh(x_t W_{xh} + h_{t-1} W_{hh} + b)$를 계산하세요. `x`는 `[batch, 특성]`,
// `hPrev`는 `[batch, units]`, `Wxh`는 `[특성, units]`, `Whh`는 `[units, units]`, `b`는 `[units]`입니다.

// %%
function rnnStep(x: rl.tf.Tensor2D, hPrev: rl.tf.Tensor2D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D): rl.tf.Tensor2D {
  // tf's ops are typed as rl.tf.Tensor: return your result `as rl.tf.Tensor2D`
  return rl.notYet();
}

// %%
await rl.checkExercise("03-1", rnnStep);

// %% [markdown]
// ### 연습 03-2. 시간에 따라 펼친 루프 (the unrolled loop)
//
// `x`(`[batch, steps, 특성]`)의 시간 단계를 차례로 `rnnStep`에 넣어 모든 은닉 상태를 `[batch, steps, units]`로
// 돌려주세요. $h_0$은 0입니다. `tf.unstack(x, 1)`은 시간 단계별 `[batch, 특성]` 텐서의 배열을, `tf.stack(hs, 1)`은
// 그 반대를 만듭니다. 결과는 `returnSequences: true`인 `tf.layers.simpleRNN`의 출력과 같아야 합니다.

// %%
function rnnForward(x: rl.tf.Tensor3D, Wxh: rl.tf.Tensor2D, Whh: rl.tf.Tensor2D, b: rl.tf.Tensor1D): rl.tf.Tensor3D {
  // tf's ops are typed as rl.tf.Tensor: return your result `as rl.tf.Tensor3D`
  return rl.notYet();
}

// %%
await rl.checkExercise("03-2", rnnForward);

// %% [markdown]
// ### 연습 03-3. BPTT에서 시간 단계 하나의 곱 (the BPTT factor of one step)
//
// 역전파(BPTT)에서 기울기는 시간 단계마다 야코비 행렬(Jacobian) $J = \partial h_t / \partial h_{t-1}$을 한 번씩 곱하며
// 거슬러 갑니다. 위에서 본 기울기의 감소는 이 곱이 반복된 결과입니다. $h_t$(`[units]`)와 `Whh`를 받아
// $J[j][i] = \partial h_t[j] / \partial h_{t-1}[i]$인 `[units, units]` 행렬을 돌려주세요.
// 실마리: $\tanh'(z) = 1 - \tanh(z)^2$이고, $h_t[j]$에는 $h_{t-1}[i]$가 $W_{hh}[i][j]$를 곱해 들어갑니다.

// %%
function bpttJacobian(h: rl.tf.Tensor1D, Whh: rl.tf.Tensor2D): rl.tf.Tensor2D {
  // tf's ops are typed as rl.tf.Tensor: return your result `as rl.tf.Tensor2D`
  return rl.notYet();
}

// %%
await rl.checkExercise("03-3", bpttJacobian);
