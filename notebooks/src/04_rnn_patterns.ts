// %% [markdown]
// # 04. 순환 신경망의 다섯 가지 모양 (RNN input/output patterns)
//
// 강의는 Karpathy의 그림 하나로 RNN의 유연함을 보여 줍니다: "Recurrent networks offer a lot of flexibility".
// 입력과 출력이 각각 하나(one)인지 여러 개(many, 시퀀스 sequence)인지에 따라 다섯 가지 모양이 있습니다.
//
// | 모양 | 강의의 예 | 이 노트북의 작은 과제 |
// |---|---|---|
// | 1) one-to-one (vanilla) | 보통의 신경망 | 숫자 하나 x → x² |
// | 2) one-to-many | 이미지 캡셔닝 (image → 단어 시퀀스) | 주파수 하나 → 사인파의 시간 단계 12개 |
// | 3) many-to-one | 감성 분류 (단어 시퀀스 → 감성) | 숫자 10개 → 합이 양수인가? |
// | 4) many-to-many | 기계 번역 (시퀀스 → 다른 길이의 시퀀스) | 기호 5개 → 거꾸로 + 끝 표시 (6개) |
// | 5) synced many-to-many | 프레임 단위 비디오 분류 | 비트 10개 → 시간 단계마다 지금까지의 패리티(parity) |
//
// 각 모양마다 데이터와 모델의 모양(shape)을 출력하고, 짧게 학습시키고, 정확도(accuracy)나 손실(loss)을 출력합니다.
// 그다음 *모두를 위한 딥러닝*의 문자 실습 "hihello"를 따라 하고, 여러 층을 쌓은 RNN(multi-layer, stacked RNN)에서
// 층마다 출력 모양이 어떻게 바뀌는지, 그리고 `returnSequences`가 언제 꼭 `true`여야 하는지 봅니다.
// 마지막으로 같은 강의의 긴 문장 실습을 2층 LSTM으로 따라 하고, 한 층짜리와 나란히 비교합니다.

// %% [markdown]
// ## 0. 준비 (setup)
//
// 라이브러리를 불러오고, 백엔드(backend)를 고르고, 시드(seed)를 고정합니다. 크기와 에포크(epoch) 수는 `rl.byProfile`로
// 정합니다: 기본(full)은 강의용, `RNNLAB_PROFILE=quick`은 CI에서 1분 안에 끝나는 작은 설정입니다.

// %%
import * as rl from "rnnlab";
const tf = rl.tf;
await rl.initRuntime();
rl.seedEverything(42);

const N = rl.byProfile({ full: 2000, quick: 600 }); // examples per task (the last 20% are validation)
const EPOCHS = rl.byProfile({ full: 12, quick: 4 });
console.log(`profile ${rl.profile()}: ${N} examples per task, ${EPOCHS} epochs`);

// %% [markdown]
// 강의에 실린 Karpathy의 그림을 코드로 다시 그린 것입니다(`rl.drawRnnPatterns`): 빨간 상자는 입력, 초록 상자는 RNN의 은닉 상태(hidden state), 파란 상자는 출력이고, 화살표는 함수(행렬 곱 뒤에 활성화)입니다.

// %%
rl.drawRnnPatterns();

// %% [markdown]
// 다섯 과제의 결과를 이 표에 모았다가 마지막에 한꺼번에 보여 줍니다.
// 순환층(recurrent layer)은 `rl.recurrentLayer(cell, args)`로 만듭니다. `tf.layers.lstm`과 같은 가중치를 가진,
// 이 코스의 빠른 구현이며 게이트(gate) 활성화는 강의처럼 시그모이드(sigmoid)입니다.
// 예측값 같은 텐서의 값은 `readData`/`readArray`로 비동기(asynchronous, `await`)로 읽습니다. GPU 백엔드(WebGPU)는 Node.js에서
// `dataSync()` 같은 동기(synchronous) 읽기를 할 수 없기 때문입니다 (00 노트북 참고).

// %%
const results: Record<string, unknown>[] = [];
const lstm = (units: number, args: Record<string, unknown> = {}) => rl.recurrentLayer("lstm", { units, ...args });
// async read: a GPU backend has no synchronous read-back in Node.js. A tf.tidy callback cannot wait for a read,
// so these compute f inside tidy, read the result with await (t.data(): flat, t.array(): nested), and free it.
const readData = async (f: () => rl.tf.Tensor) => {
  const t = tf.tidy(f);
  const values = await t.data();
  t.dispose();
  return values;
};
const readArray = async (f: () => rl.tf.Tensor) => {
  const t = tf.tidy(f);
  const values = await t.array();
  t.dispose();
  return values;
};

// %% [markdown]
// ## 1. one-to-one: 보통의 신경망 (vanilla)
//
// 입력 하나에 출력 하나, 시간 축(time axis)이 없습니다. RNN이 필요 없는 경우로, 비교를 위해 완전 연결 층(fully connected layer, `Dense`)
// 두 개로 x ∈ [-1, 1]에서 x²를 배웁니다. 입력 `[batch, 1]`, 출력 `[batch, 1]`.

// %%
const sq = rl.squareTask({ n: N });
const oneToOne = tf.sequential({
  layers: [tf.layers.dense({ units: 16, activation: "tanh", inputShape: [1] }), tf.layers.dense({ units: 1 })],
});
oneToOne.compile({ optimizer: tf.train.adam(0.03), loss: "meanSquaredError" });
console.log(rl.ioShapes(oneToOne, sq.x, sq.y));

// %% [markdown]
// 학습시키고 검증 데이터(validation data)의 평균 제곱 오차(MSE, mean squared error)를 봅니다. 기준선(baseline)으로,
// x를 보지 않고 언제나 평균값만 내는 예측의 MSE(= y의 분산 variance)도 함께 출력합니다.

// %%
const EPOCHS_DENSE = rl.byProfile({ full: 30, quick: 20 }); // a dense net's epoch takes a fraction of a second
const fitOneToOne = await rl.fit(oneToOne, sq.x, sq.y, { name: "one-to-one", epochs: EPOCHS_DENSE, batchSize: 32, validationSplit: 0.2 });
const mseOneToOne = fitOneToOne.history.val_loss[fitOneToOne.epochs - 1];
const mseMeanOnly = (await readData(() => tf.moments(sq.y).variance))[0]; // MSE of always predicting the mean
results.push({ pattern: "1) one-to-one", task: "x -> x²", x: "[batch, 1]", y: "[batch, 1]", metric: "val MSE", value: mseOneToOne });
console.log(`one-to-one: validation MSE ${mseOneToOne.toFixed(4)} (always predicting the mean: ${mseMeanOnly.toFixed(4)})`);

// %% [markdown]
// ## 2. one-to-many: 하나에서 시퀀스로 (image captioning)
//
// 이미지 한 장에서 단어 시퀀스를 만드는 캡셔닝처럼, 숫자 하나(각주파수 angular frequency w)에서 사인파
// sin(w·t), t = 1..12를 만듭니다. 입력은 시간 축이 없으므로 `RepeatVector(12)`가 같은 벡터를 12번 복사해
// `[batch, 12, 1]`로 만들고, `returnSequences: true`인 LSTM이 시간 단계마다 출력을 내며, `timeDistributed(dense)`가
// 시간 단계마다 같은 완전 연결 층을 적용해 숫자 하나씩을 냅니다.
//
// 위의 Karpathy 그림과 코드는 한 곳이 다릅니다. 그림의 one-to-many는 입력을 **첫 시간 단계에만** 넣고, 그 뒤의 단계는
// 이전 은닉 상태만으로 출력을 이어 갑니다. 코드는 `RepeatVector`로 같은 입력을 **모든 시간 단계에** 넣습니다. Keras와
// TensorFlow.js의 순환층은 단계마다 입력 벡터를 하나씩 받아야 하므로, 이렇게 복사해 넣는 것이 가장 짧은 코드이고
// 학습도 쉽습니다: 모든 단계가 w를 직접 보므로 w를 은닉 상태에 담아 12단계 동안 들고 갈 필요가 없습니다. 그림과 똑같이
// 하려면 입력을 `[w, 0, 0, ..., 0]`처럼 첫 단계에만 w를 두고 나머지를 0으로 채운 12단계 시퀀스로 만들면 됩니다. 그러면
// 같은 LSTM이 w를 기억해 파형 전체를 그려야 하므로 더 어려운 과제가 됩니다. 두 방식 모두 "입력 하나 → 출력 시퀀스"라는
// 모양은 같습니다.

// %%
const STEPS_WAVE = 12;
const wave = rl.waveTask({ n: N, steps: STEPS_WAVE });
const oneToMany = tf.sequential({
  layers: [
    tf.layers.repeatVector({ n: STEPS_WAVE, inputShape: [1] }),
    lstm(32, { returnSequences: true }),
    tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 1 }) }),
  ],
});
oneToMany.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
console.log(rl.ioShapes(oneToMany, wave.x, wave.y));

// %%
const fitOneToMany = await rl.fit(oneToMany, wave.x, wave.y, { name: "one-to-many", epochs: EPOCHS, batchSize: 32, validationSplit: 0.2 });
const mseOneToMany = fitOneToMany.history.val_loss[fitOneToMany.epochs - 1];
results.push({ pattern: "2) one-to-many", task: "w -> sin(w t), 12 steps", x: "[batch, 1]", y: "[batch, 12, 1]", metric: "val MSE", value: mseOneToMany });
console.log(`one-to-many: validation MSE per step ${mseOneToMany.toFixed(4)} (the wave's values lie in [-1, 1])`);

// %% [markdown]
// 검증 데이터에서 주파수 세 개를 골라, 모델이 숫자 하나만 보고 그린 파형(predicted, 점선)과 정답(true, 실선)을
// 겹쳐 그립니다. 색은 입력 주파수입니다.

// %%
const waveIdx = [N - 1, N - 2, N - 3];
const waveInputs = tf.gather(wave.x, waveIdx);
const wavePred = (await readArray(() => (oneToMany.predict(waveInputs) as rl.tf.Tensor).squeeze([2]))) as number[][];
const waveTrue = (await readArray(() => tf.gather(wave.y, waveIdx).squeeze([2]))) as number[][];
const waveW = await waveInputs.data();
// One colour per frequency; solid = true wave, dashed = the model's.
const wavePoints = waveIdx.flatMap((_, i) =>
  waveTrue[i].flatMap((v, t) => [
    { t: t + 1, y: v, w: `w=${waveW[i].toFixed(2)}`, curve: "true" },
    { t: t + 1, y: wavePred[i][t], w: `w=${waveW[i].toFixed(2)}`, curve: "predicted" },
  ]),
);
await rl.plotSpec(
  {
    data: { values: wavePoints },
    width: 420,
    height: 240,
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "t", type: "quantitative", title: "step t" },
      y: { field: "y", type: "quantitative", title: "sin(w t)" },
      color: { field: "w", type: "nominal", title: "input" },
      strokeDash: { field: "curve", type: "nominal", title: null, sort: ["true", "predicted"], legend: null },
    },
  },
  { title: "One-to-many: a wave from one number (solid: true, dashed: predicted)" },
);
waveInputs.dispose();

// %% [markdown]
// ## 3. many-to-one: 시퀀스에서 하나로 (sentiment classification)
//
// 문장(단어 시퀀스)을 읽고 감성(긍정/부정) 하나를 내는 것처럼, [-1, 1]의 숫자 10개를 읽고 "합이 양수인가"를 분류합니다.
// LSTM은 `returnSequences: false`(기본값)라 마지막 시간 단계의 은닉 상태(hidden state) `[batch, 16]`만 내보내고,
// 그 위의 소프트맥스(softmax) 층이 두 클래스의 확률을 냅니다. 라이브러리의 `rl.buildRnnClassifier`가 바로 이 모델입니다.

// %%
const STEPS_SUM = 10;
const sum = rl.sumSignTask({ n: N, steps: STEPS_SUM });
const manyToOne = rl.buildRnnClassifier({ cell: "lstm", units: 16, inputShape: [STEPS_SUM, 1], numClasses: 2, learningRate: 0.01 });
console.log(rl.ioShapes(manyToOne, sum.x, sum.y));

// %%
const fitManyToOne = await rl.fit(manyToOne, sum.x, sum.y, { name: "many-to-one", epochs: EPOCHS, batchSize: 32, validationSplit: 0.2 });
const accManyToOne = fitManyToOne.history.val_acc[fitManyToOne.epochs - 1];
const shareSumPositive = (await readData(() => sum.y.mean()))[0];
results.push({ pattern: "3) many-to-one", task: "10 numbers -> sum > 0?", x: "[batch, 10, 1]", y: "[batch] (class)", metric: "val accuracy", value: accManyToOne });
console.log(`many-to-one: validation accuracy ${accManyToOne.toFixed(3)} (share of positive sums: ${shareSumPositive.toFixed(3)})`);

// %% [markdown]
// ## 4. many-to-many: 다른 길이의 시퀀스로 (machine translation, encoder-decoder)
//
// 번역에서는 입력 문장과 출력 문장의 길이가 다릅니다. 인코더-디코더(encoder-decoder) 구조로 이를 흉내 냅니다:
// 인코더 LSTM이 기호 5개(a, b, c, d를 원-핫 one-hot으로)를 읽어 벡터 하나로 요약하고, `RepeatVector(6)`이 그 요약을
// 6번 복사하고, 디코더 LSTM(`returnSequences: true`)과 `timeDistributed(dense)`가 6개의 기호를 냅니다.
// 과제는 입력을 거꾸로 쓰고 끝에 끝 표시 `.`(end of sequence)를 붙이는 것입니다: `abdca` → `acdba.`.
// 출력 길이는 입력 길이가 아니라 `RepeatVector`의 `n`이 정합니다.

// %%
const STEPS_REV = 5;
const rev = rl.reverseTask({ n: N, steps: STEPS_REV, symbols: 4 });
const revVocab = ["a", "b", "c", "d", "."];
const manyToMany = tf.sequential({
  layers: [
    lstm(64, { inputShape: [STEPS_REV, rev.symbols] }), // encoder: the whole input -> one vector
    tf.layers.repeatVector({ n: STEPS_REV + 1 }), // that vector, once per output step
    lstm(64, { returnSequences: true }), // decoder: one output per step
    tf.layers.timeDistributed({ layer: tf.layers.dense({ units: rev.symbols + 1, activation: "softmax" }) }),
  ],
});
manyToMany.compile({ optimizer: tf.train.adam(0.01), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
console.log(rl.ioShapes(manyToMany, rev.x, rev.y));

// %% [markdown]
// 정확도는 두 가지로 봅니다: 기호 하나하나가 맞은 비율(token accuracy, `rl.fit`이 보여 주는 accuracy)과,
// 6개가 모두 맞은 시퀀스의 비율(sequence accuracy). 번역이라면 뒤의 것이 "문장이 맞았다"에 가깝습니다.

// %%
const EPOCHS_REV = rl.byProfile({ full: 12, quick: 6 });
const fitManyToMany = await rl.fit(manyToMany, rev.x, rev.y, { name: "many-to-many", epochs: EPOCHS_REV, batchSize: 32, validationSplit: 0.2 });
const nValRev = N - Math.floor(N * 0.8);
const revValX = rev.x.slice(N - nValRev);
const revPred = (await readArray(() => (manyToMany.predict(revValX) as rl.tf.Tensor).argMax(-1))) as number[][];
const revAcc = rl.sequenceAccuracy(rev.targets.slice(N - nValRev), revPred);
results.push({ pattern: "4) many-to-many", task: "reverse 5 symbols + end", x: "[batch, 5, 4]", y: "[batch, 6, 1]", metric: "val sequence accuracy", value: revAcc.sequence });
console.log(`many-to-many: validation token accuracy ${revAcc.token.toFixed(3)}, whole-sequence accuracy ${revAcc.sequence.toFixed(3)}`);
for (let i = 0; i < 4; i++) {
  const k = N - nValRev + i;
  console.log(`  ${rl.decodeChars(rev.tokens[k], revVocab)} -> ${rl.decodeChars(revPred[i], revVocab)}  (target ${rl.decodeChars(rev.targets[k], revVocab)})`);
}
revValX.dispose();

// %% [markdown]
// ## 5. synced many-to-many: 시간 단계마다 답하기 (video classification on frame level)
//
// 비디오의 프레임마다 레이블을 붙이듯, 입력의 시간 단계마다 출력이 하나씩 있습니다. 비트 10개를 읽으며 시간 단계마다
// "지금까지 본 1의 개수가 홀수인가"(running parity, XOR)를 답합니다. 인코더-디코더와 달리 `RepeatVector`가 없고,
// LSTM 하나가 `returnSequences: true`로 시간 단계마다 은닉 상태를 내보냅니다.

// %%
const STEPS_PAR = 10;
const par = rl.runningParityTask({ n: N, steps: STEPS_PAR });
const synced = tf.sequential({
  layers: [
    lstm(16, { returnSequences: true, inputShape: [STEPS_PAR, 1] }),
    tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: "softmax" }) }),
  ],
});
synced.compile({ optimizer: tf.train.adam(0.02), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
console.log(rl.ioShapes(synced, par.x, par.y));

// %%
const fitSynced = await rl.fit(synced, par.x, par.y, { name: "synced many-to-many", epochs: EPOCHS, batchSize: 32, validationSplit: 0.2 });
const accSynced = fitSynced.history.val_acc[fitSynced.epochs - 1];
results.push({ pattern: "5) synced many-to-many", task: "running parity of 10 bits", x: "[batch, 10, 1]", y: "[batch, 10, 1]", metric: "val accuracy", value: accSynced });
console.log(`synced many-to-many: validation accuracy per step ${accSynced.toFixed(3)}`);
const parX = par.x.slice(N - 1, 1);
const parPred = await readData(() => (synced.predict(parX) as rl.tf.Tensor).argMax(-1));
const parTrue = await readData(() => par.y.slice(N - 1, 1));
console.log(`  bits      ${Array.from(await parX.data()).join("")}`);
console.log(`  parity    ${Array.from(parTrue).join("")}`);
console.log(`  predicted ${Array.from(parPred).join("")}`);
parX.dispose();

// %% [markdown]
// ### 다섯 모양 한눈에 보기
//
// 같은 LSTM이라도 `RepeatVector`, `returnSequences`, `timeDistributed`를 어떻게 조합하느냐에 따라 입력과 출력의 모양이
// 달라집니다. 위에서 출력한 숫자를 표 하나로 모읍니다.

// %%
rl.showTable(results, { title: "Five patterns: shapes and validation results", digits: 4 });

// %% [markdown]
// 분류 과제 세 개(3, 4, 5)의 학습 곡선(training curves)입니다. 실선은 학습 데이터, 점선은 검증 데이터입니다.

// %%
await rl.plotTrainingCurves(
  { "many-to-one": fitManyToOne.history, "many-to-many": fitManyToMany.history, "synced many-to-many": fitSynced.history },
  { title: "Patterns 3-5: training curves" },
);

// %% [markdown]
// ## 6. 문자 실습: "hihello" (모두를 위한 딥러닝)
//
// *모두를 위한 딥러닝*의 RNN 실습입니다. 문자 h, i, e, l, o를 원-핫 벡터로 바꾸고, "hihell"을 한 글자씩 읽으며
// 시간 단계마다 다음 글자를 맞혀 "ihello"를 내게 합니다 (synced many-to-many). 같은 "h"를 읽어도 첫 번째는 "i",
// 두 번째는 "e"가 답이므로, 앞에서 무엇을 읽었는지 기억하는 은닉 상태가 필요합니다.

// %%
const hi = rl.nextCharExample("hihello");
console.log(`vocabulary ${JSON.stringify(hi.vocab)}; input "${hi.input}" -> target "${hi.target}"`);
console.log(`x ${JSON.stringify(hi.x.shape)} (one example, 6 steps, 5 one-hot features), y ${JSON.stringify(hi.y.shape)}`);
await rl.plotHeatmap(rl.oneHotChars(hi.input, hi.vocab), {
  title: "One-hot input of \"hihell\"", xLabels: hi.vocab, yLabels: [...hi.input].map((c, t) => `t${t} ${c}`), annotate: true,
});

// %% [markdown]
// 실습과 같이 LSTM의 은닉 크기(hidden size)는 5, Adam 학습률(learning rate) 0.1, 50번 반복(iteration)합니다.
// LSTM 위에 시간 단계마다 소프트맥스 층을 둡니다. 한 번 반복할 때마다 `trainOnBatch`로 한 번 갱신하고, 5번마다 예측한 문자열을 출력합니다.

// %%
const hiModel = tf.sequential({
  layers: [
    lstm(5, { returnSequences: true, inputShape: [hi.input.length, hi.vocab.length] }),
    tf.layers.timeDistributed({ layer: tf.layers.dense({ units: hi.vocab.length, activation: "softmax" }) }),
  ],
});
hiModel.compile({ optimizer: tf.train.adam(0.1), loss: "sparseCategoricalCrossentropy" });
const hiLoss: number[] = [];
let hiLearnedAt = -1;
for (let i = 0; i < 50; i++) {
  hiLoss.push((await hiModel.trainOnBatch(hi.x, hi.y)) as number);
  const idx = await readData(() => (hiModel.predict(hi.x) as rl.tf.Tensor).argMax(-1));
  const said = rl.decodeChars(idx, hi.vocab);
  if (said === hi.target && hiLearnedAt < 0) hiLearnedAt = i;
  if (i % 5 === 0 || i === 49) console.log(`iteration ${String(i).padStart(2)}  loss ${hiLoss[i].toFixed(4)}  prediction "${said}"`);
}
// Source: the lab's printed log (모두를 위한 딥러닝, the "hihello" lab) has the whole target right from about iteration 10.
const labLearnedAt = 10;
console.log(`first iteration with the whole "${hi.target}" right: ${hiLearnedAt} here; about ${labLearnedAt} in the lab's printed log`,
  `(${hiLearnedAt < 0 ? "not learned here in 50 iterations" : hiLearnedAt <= labLearnedAt ? "no later than the lab" : "later than the lab"}; other initial weights and framework)`);

// %% [markdown]
// 손실 곡선과, 학습이 끝난 뒤 시간 단계마다 다음 글자의 확률(predicted probabilities)입니다. 두 "h" 중 첫 번째(t0) 뒤에는 "i",
// 두 번째(t2) 뒤에는 "e"에 확률이 몰려 있다면, 모델이 입력 한 글자가 아니라 지금까지의 문맥을 쓰고 있다는 뜻입니다.

// %%
await rl.plotLines({ name: "loss", y: hiLoss }, { title: "hihello: training loss", xLabel: "iteration", yLabel: "cross-entropy", logY: true });

// %%
const hiProbs = (await readArray(() => (hiModel.predict(hi.x) as rl.tf.Tensor).squeeze([0]))) as number[][];
await rl.plotHeatmap(hiProbs, {
  title: "hihello: P(next character) per step", xLabels: hi.vocab, yLabels: [...hi.input].map((c, t) => `t${t} ${c}`),
  xTitle: "next character", yTitle: "input step", annotate: true,
});
console.log(`P(next='i' | t0 'h') = ${hiProbs[0][hi.vocab.indexOf("i")].toFixed(3)}, P(next='e' | t2 'h') = ${hiProbs[2][hi.vocab.indexOf("e")].toFixed(3)}`);

// %% [markdown]
// ## 7. 여러 층 RNN (multi-layer, stacked RNN)
//
// 순환층을 여러 개 쌓으면 아래 층의 출력 시퀀스가 위 층의 입력 시퀀스가 됩니다. 그래서 **위에 순환층이 또 있는 층은
// `returnSequences: true`** 로 시간 단계마다 출력을 내야 합니다 (`[batch, steps, units]`). 맨 위 층은 과제에 따라 정합니다:
// many-to-one이면 `false`(마지막 시간 단계만, `[batch, units]`), synced many-to-many이면 `true`.
// `rl.buildRnnClassifier({layers: 3})`는 맨 위를 뺀 모든 층에 `returnSequences: true`를 줍니다. 층마다 출력 모양과 파라미터(parameter) 수를 봅니다.

// %%
const stacked = rl.buildRnnClassifier({ cell: "lstm", units: 16, layers: 3, inputShape: [STEPS_SUM, 1], numClasses: 2, learningRate: 0.01 });
rl.showTable(rl.layerTable(stacked), { title: "3-layer LSTM classifier (many-to-one)" });
console.log(`total parameters ${stacked.countParams()}`);

// %% [markdown]
// 같은 모델을 그림으로 보면 3층 × 시간 단계 10개의 격자입니다: 아래 두 층은 시간 단계마다 출력을 위 층으로 올리고(`returnSequences: true`), 맨 위 층은 마지막 시간 단계에서만 출력합니다(many-to-one).

// %%
rl.drawStackedRnn({ layers: 3, steps: STEPS_SUM, output: "last" });

// %% [markdown]
// 아래 층에서 `returnSequences`를 빠뜨리면 어떻게 될까요? 첫 LSTM이 `[batch, 16]`(시간 축 없음)을 내므로, 3차원 입력
// `[batch, steps, features]`를 기대하는 두 번째 LSTM을 연결하는 순간 오류가 납니다.

// %%
const wrongStack = [lstm(16, { inputShape: [STEPS_SUM, 1] }), lstm(16)]; // the first layer lacks returnSequences: true
try {
  tf.sequential({ layers: wrongStack });
  console.log("no error (unexpected)");
} catch (e) {
  console.log(`error: ${(e as Error).message.split("\n")[0]}`);
} finally {
  wrongStack[0].dispose(); // it was built (its weights exist) before the second layer failed
}

// %% [markdown]
// 쌓은 모델을 3절의 "합이 양수인가" 과제에 같은 에포크만큼 학습시키고 한 층짜리와 검증 정확도를 나란히 놓습니다.
// 이 쉬운 과제에서는 층을 쌓아도 크게 나아지지 않을 수 있습니다. 깊이가 값을 하는지는 과제에 달려 있어서,
// 다음 절의 긴 문장 실습과 06의 MNIST 실습에서 다시 층 수가 다른 모델을 나란히 봅니다.

// %%
const fitStacked = await rl.fit(stacked, sum.x, sum.y, { name: "3-layer many-to-one", epochs: EPOCHS, batchSize: 32, validationSplit: 0.2 });
const accStacked = fitStacked.history.val_acc[fitStacked.epochs - 1];
rl.showTable([
  { model: "1 x LSTM(16)", params: manyToOne.countParams(), "val accuracy": accManyToOne, seconds: fitManyToOne.seconds },
  { model: "3 x LSTM(16)", params: stacked.countParams(), "val accuracy": accStacked, seconds: fitStacked.seconds },
], { title: "Sum > 0: one layer vs three", digits: 3 });

// %% [markdown]
// ## 8. 긴 문장 실습: 2층 LSTM (모두를 위한 딥러닝)
//
// *모두를 위한 딥러닝*의 또 다른 문자 실습은 "hihello"보다 훨씬 긴 문장 하나를 배웁니다:
//
// > if you want to build a ship, don't drum up people together to collect wood and don't assign them tasks and work,
// > but rather teach them to long for the endless immensity of the sea.
//
// 180글자를 한 시퀀스로 넣는 대신, 길이 10의 창(window)을 한 글자씩 밀며(sliding window) 자릅니다:
// x = sentence[i:i+10], y = sentence[i+1:i+11]. y는 x를 한 글자 뒤로 민 것이므로, 창마다 hihello와 같은
// synced many-to-many 과제가 됩니다. 창은 180 − 10 = 170개이고, 실습처럼 170개를 한 배치(batch)로 한꺼번에 학습합니다.
// `rl.nextCharWindows(text, seqLength)`가 창들을 원-핫 x `[창, 10, 어휘]`와 정답 y `[창, 10, 1]`로 만듭니다.

// %%
const LONG = "if you want to build a ship, don't drum up people together to collect wood and don't assign them tasks and work, "
  + "but rather teach them to long for the endless immensity of the sea.";
const SEQ_LEN = 10;
const win = rl.nextCharWindows(LONG, SEQ_LEN);
console.log(`${LONG.length} characters, vocabulary of ${win.vocab.length}: ${JSON.stringify(win.vocab.join(""))}`);
console.log(`${win.inputs.length} windows: x ${JSON.stringify(win.x.shape)} (one-hot), y ${JSON.stringify(win.y.shape)} (next-character indices)`);
for (const i of [0, 1, 2, win.inputs.length - 1]) {
  console.log(`  window ${String(i).padStart(3)}  x "${win.inputs[i]}" -> y "${win.targets[i]}"`);
}

// %% [markdown]
// 모델은 실습과 같습니다: 은닉 크기가 어휘 크기(25)인 LSTM 두 층(7절처럼 아래 층은 `returnSequences: true`, 위 층도 시간 단계마다
// 답해야 하므로 `true`), 그 위에 시간 단계마다 어휘 25개의 소프트맥스 층(실습의 완전 연결 층), Adam 학습률 0.1.
// 실습은 500번 반복합니다. 이 설정은 tfjs에서도 그대로 학습되므로 바꾸지 않았고, quick 프로파일만 반복을 150번으로 줄입니다.
// 모델을 만들 때마다 시드를 다시 고정합니다. 그러면 결과가 앞 절들에서 무엇을 실행했는지와 상관없이 같고, 뒤에서 비교할
// 한 층짜리와 두 층짜리의 첫 LSTM 층이 같은 초기 가중치에서 시작합니다.

// %%
const ITER_LONG = rl.byProfile({ full: 500, quick: 150 }); // the lab: 500
const LR_LONG = 0.1; // the lab's Adam learning rate
const buildCharLstm = (layers: number) => {
  rl.seedEverything(42); // the same start for every depth, whatever ran before
  const model = tf.sequential({
    layers: [
      ...Array.from({ length: layers }, (_, l) =>
        lstm(win.vocab.length, { returnSequences: true, ...(l === 0 ? { inputShape: [SEQ_LEN, win.vocab.length] } : {}) })),
      tf.layers.timeDistributed({ layer: tf.layers.dense({ units: win.vocab.length, activation: "softmax" }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(LR_LONG), loss: "sparseCategoricalCrossentropy" });
  return model;
};
const longModel2 = buildCharLstm(2);
rl.showTable(rl.layerTable(longModel2), { title: "Long sentence: 2-layer LSTM, a softmax at every step" });

// %% [markdown]
// 학습하면서 매번 170개 창을 모두 예측하고, 실습처럼 문장 하나로 이어 붙입니다: 첫 창의 예측 10글자 전부, 그다음부터는 각 창의
// 마지막 예측 글자 하나씩 (`rl.joinWindowPredictions`). 그러면 문장의 둘째 글자부터 끝까지(179글자)가 되고, 그중 몇 글자가 맞는지
// (`rl.charMatches`) 반복마다 기록합니다. 50번마다 손실과 맞은 글자 수, 이어 붙인 문장의 앞부분을 출력합니다.

// %%
const LONG_TARGET = LONG.slice(1); // what the joined prediction should read
async function trainLongSentence(model: rl.tf.Sequential, name: string, log: boolean) {
  const loss: number[] = [];
  const right: number[] = [];
  let sentence = "";
  const t0 = Date.now();
  for (let i = 0; i < ITER_LONG; i++) {
    loss.push((await model.trainOnBatch(win.x, win.y)) as number);
    const idx = (await readArray(() => (model.predict(win.x) as rl.tf.Tensor).argMax(-1))) as number[][];
    sentence = rl.joinWindowPredictions(idx, win.vocab);
    right.push(rl.charMatches(sentence, LONG_TARGET).right);
    if (log && (i % 50 === 0 || i === ITER_LONG - 1)) {
      console.log(`iteration ${String(i).padStart(3)}  loss ${loss[i].toFixed(4)}  right ${String(right[i]).padStart(3)}/${LONG_TARGET.length}  "${sentence.slice(0, 60)}..."`);
    }
  }
  // first iteration with at most one wrong character (the first one cannot be known, see below)
  const learnedAt = right.findIndex((r) => r >= LONG_TARGET.length - 1);
  return { name, model, loss, right, sentence, learnedAt, seconds: (Date.now() - t0) / 1000 };
}
const long2 = await trainLongSentence(longModel2, "2 x LSTM(25)", true);

// %% [markdown]
// 학습이 끝난 뒤 이어 붙인 문장을 원래 문장 아래에 한 칸 밀어 적습니다 (예측은 둘째 글자부터 시작하므로 같은 열의 글자끼리 비교됩니다).

// %%
const showJoined = (sentence: string) => {
  const m = rl.charMatches(sentence, LONG_TARGET);
  console.log(`sentence   ${LONG}`);
  console.log(`predicted   ${sentence}`);
  const wrong = m.wrongAt.map((k) => `sentence[${k + 1}]: '${sentence[k]}' for '${LONG_TARGET[k]}'`); // index in LONG
  console.log(`${m.right}/${m.total} characters right${wrong.length ? `; wrong at ${wrong.join(", ")}` : ""}`);
};
showJoined(long2.sentence);
// The first predicted character sees only the sentence's first one: every character that follows it in the sentence.
const afterFirst = [...LONG].flatMap((c, k) => (c === LONG[0] && k + 1 < LONG.length ? [`'${LONG[k + 1]}'`] : []));
console.log(`in the sentence '${LONG[0]}' is followed by ${afterFirst.join(", ")}`);
const LOSS_FLOOR = rl.nextCharLossFloor(win);
console.log(`lowest mean loss any model reading each window from its start can reach: ${LOSS_FLOOR.toFixed(4)} (this one: ${long2.loss[ITER_LONG - 1].toFixed(4)})`);

// %% [markdown]
// 틀리는 곳은 (있다면) 맨 첫 글자입니다. 첫 창의 첫 시간 단계는 "i" 한 글자만 보고 다음 글자를 맞혀야 하는데, 문장에서 "i" 뒤에는
// 위에 출력한 여러 글자가 한 번씩 옵니다. 어느 것이 맞는지 알 수 없으니 모델은 그중 하나를 고를 뿐이고, 학습 중 출력에서
// 첫 글자가 바뀌는 것도 이 때문입니다. 나머지 글자는 앞의 9글자라는 문맥이 있어 모두 맞힙니다.
//
// 같은 이유로 손실(창의 시간 단계 10개에 대한 평균 교차 엔트로피, cross-entropy)은 0까지 내려가지 않습니다. 창의 앞쪽 시간 단계는 본 글자가 적어서,
// 같은 글자들 뒤에 문장의 여러 곳에서 서로 다른 글자가 옵니다. 그런 곳에서는 어떤 모델도 그 빈도(frequency)만큼밖에 맞힐 수 없고,
// `rl.nextCharLossFloor`가 그 하한(floor)을 셉니다. 위에 출력한 대로 학습된 모델의 손실은 이 하한에 거의 닿아 있습니다.
//
// ### 한 층 vs 두 층
//
// 같은 창, 같은 반복 횟수, 같은 시드로 LSTM 한 층짜리를 학습시켜 두 층짜리와 나란히 놓습니다. "learned at"은 이어 붙인 문장에서
// 틀린 글자가 처음으로 하나 이하가 된 반복입니다.

// %%
const longModel1 = buildCharLstm(1);
const long1 = await trainLongSentence(longModel1, "1 x LSTM(25)", false);
showJoined(long1.sentence);
rl.showTable([long1, long2].map((r) => ({
  model: r.name,
  params: r.model.countParams(),
  iterations: ITER_LONG,
  "final loss": r.loss[ITER_LONG - 1],
  "characters right": `${r.right[ITER_LONG - 1]}/${LONG_TARGET.length}`,
  "learned at": r.learnedAt,
  seconds: r.seconds.toFixed(1),
})), { title: `Long sentence: one LSTM layer vs two (lowest possible loss ${LOSS_FLOOR.toFixed(4)})`, digits: 4 });

// %% [markdown]
// 두 모델의 손실 곡선(로그 축, 하한도 함께)과, 반복마다 이어 붙인 문장에서 맞은 글자 수입니다.

// %%
await rl.plotLines(
  [
    { name: long1.name, y: long1.loss },
    { name: long2.name, y: long2.loss },
    { name: "lowest possible", y: long1.loss.map(() => LOSS_FLOOR) },
  ],
  { title: "Long sentence: training loss", xLabel: "iteration", yLabel: "cross-entropy", logY: true },
);
await rl.plotLines(
  [{ name: long1.name, y: long1.right }, { name: long2.name, y: long2.right }],
  { title: `Long sentence: characters right of ${LONG_TARGET.length}`, xLabel: "iteration", yLabel: "characters right" },
);

// %% [markdown]
// 표와 그림이 보여 주는 것은, **이 문장에서는 두 번째 층이 도움이 되지 않는다**는 것입니다. 두 모델 모두 수십 번 반복 만에
// 맞힐 수 있는 글자를 모두 맞히고(틀린 하나는 알 수 없는 첫 글자), 손실은 둘 다 하한에 거의 닿습니다. 하한에 닿은 뒤에는 층을
// 더해도 더 나아질 것이 없습니다. 이 시드에서는 오히려 한 층짜리가 조금 먼저 배웠고(learned at), 두 번째 층은 파라미터 수를
// 두 배 가까이로 늘렸을 뿐입니다. 시드 하나로 잰 결과이므로 몇 번 반복의 차이는 우연일 수 있습니다.
// 180글자 문장 하나를 외우는 데는 LSTM(25) 한 층으로 충분합니다. 실습의 2층은 층을 쌓는 방법을 보여 주는 예이지, 이 문장에
// 두 층이 필요하다는 증거는 아닙니다. 06의 MNIST 실습에서는 순환층 하나짜리 LSTM과 강의의 LSTM 두 층짜리를 나란히 봅니다.

// %% [markdown]
// ## 9. 정리 (clean up)
//
// 데이터 텐서와 모델을 해제(dispose)하고, 남은 텐서 수를 확인합니다.

// %%
for (const t of [sq, wave, sum, rev, par]) tf.dispose([t.x, t.y]);
tf.dispose([hi.x, hi.y, win.x, win.y]);
// model.dispose() frees the weights; an optimizer passed as an object (tf.train.adam) keeps its moments until disposed.
for (const m of [oneToOne, oneToMany, manyToOne, manyToMany, synced, hiModel, stacked, longModel1, longModel2]) {
  m.optimizer.dispose();
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
// ### 연습 04-1. 쌓은 순환층의 출력 모양 (shapes of a stack)
//
// 입력 `[batch, steps, features]`가 순환층 여러 개를 차례로 지날 때, 층마다 출력의 모양을 배열로 돌려주세요.
// `layers[k]`는 층 k의 `units`와 `returnSequences`입니다. 모델을 만들지 말고 규칙으로 계산하세요.

// %%
function stackOutputShapes(batch: number, steps: number, features: number, layers: { units: number; returnSequences: boolean }[]): number[][] {
  return rl.notYet();
}

// %%
await rl.checkExercise("04-1", stackOutputShapes);

// %% [markdown]
// ### 연습 04-2. many-to-one과 many-to-many 스택 만들기
//
// `units` 배열의 길이만큼 `tf.layers.simpleRNN`을 쌓은 `tf.sequential` 모델을 돌려주세요. 첫 층의 입력 모양은
// `[steps, features]`입니다. `manyToMany`가 true면 마지막 층도 시간 단계마다 출력하고, false면 마지막 시간 단계의 출력 하나만
// 냅니다. 확인 셀이 모델을 만들어 층마다 출력 모양을 보고, 다 본 모델은 해제합니다.

// %%
function buildStack(units: number[], steps: number, features: number, manyToMany: boolean): rl.tf.Sequential {
  return rl.notYet();
}

// %%
await rl.checkExercise("04-2", buildStack);
