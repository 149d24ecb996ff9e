// %% [markdown]
// # 04. 순환 신경망의 다섯 가지 모양 (RNN input/output patterns)
//
// 강의는 Karpathy의 그림 하나로 RNN의 유연함을 보여 줍니다: "Recurrent networks offer a lot of flexibility".
// 입력과 출력이 각각 하나(one)인지 여러 개(many, 시퀀스 sequence)인지에 따라 다섯 가지 모양이 있습니다.
//
// | 모양 | 강의의 예 | 이 노트북의 작은 과제 |
// |---|---|---|
// | 1) one-to-one (vanilla) | 보통의 신경망 | 숫자 하나 x → x² |
// | 2) one-to-many | 이미지 캡셔닝 (image → 단어 시퀀스) | 주파수 하나 → 사인파 12 스텝 |
// | 3) many-to-one | 감성 분류 (단어 시퀀스 → 감성) | 숫자 10개 → 합이 양수인가? |
// | 4) many-to-many | 기계 번역 (시퀀스 → 다른 길이의 시퀀스) | 기호 5개 → 거꾸로 + 끝 표시 (6개) |
// | 5) synced many-to-many | 프레임 단위 비디오 분류 | 비트 10개 → 스텝마다 지금까지의 패리티(parity) |
//
// 각 모양마다 데이터와 모델의 모양(shape)을 출력하고, 짧게 학습시키고, 정확도(accuracy)나 손실(loss)을 출력합니다.
// 그다음 *모두를 위한 딥러닝*의 문자 실습 "hihello"를 따라 하고, 마지막으로 여러 층을 쌓은 RNN(multi-layer, stacked RNN)에서
// 층마다 출력 모양이 어떻게 바뀌는지, 그리고 `returnSequences`가 언제 꼭 `true`여야 하는지 봅니다.

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
// 다섯 과제의 결과를 이 표에 모았다가 마지막에 한꺼번에 보여 줍니다.
// 순환 층(recurrent layer)은 `rl.recurrentLayer(cell, args)`로 만듭니다. `tf.layers.lstm`과 같은 가중치를 가진,
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
// 입력 하나에 출력 하나, 시간 축(time axis)이 없습니다. RNN이 필요 없는 경우로, 비교를 위해 밀집층(dense layer)
// 두 개로 x ∈ [-1, 1]에서 x²를 배웁니다. 입력 `[batch, 1]`, 출력 `[batch, 1]`.

// %%
const sq = rl.squareTask({ n: N });
const oneToOne = tf.sequential({
  layers: [tf.layers.dense({ units: 16, activation: "tanh", inputShape: [1] }), tf.layers.dense({ units: 1 })],
});
oneToOne.compile({ optimizer: tf.train.adam(0.03), loss: "meanSquaredError" });
console.log(rl.ioShapes(oneToOne, sq.x, sq.y));

// %% [markdown]
// 학습시키고 검증 데이터(validation data)의 평균 제곱 오차(MSE, mean squared error)를 봅니다. 비교 기준(baseline)으로,
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
// `[batch, 12, 1]`로 만들고, `returnSequences: true`인 LSTM이 스텝마다 출력을 내며, `timeDistributed(dense)`가
// 스텝마다 같은 밀집층을 적용해 숫자 하나씩을 냅니다. (출력에 "Orthogonal initializer ... Slowness may result"가 보이면,
// 순환 가중치의 직교 초기화(orthogonal initializer)가 큰 행렬에서 조금 느리다는 안내일 뿐 에러가 아닙니다.)

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
// LSTM은 `returnSequences: false`(기본값)라 마지막 스텝의 은닉 상태(hidden state) `[batch, 16]`만 내보내고,
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
// 과제는 입력을 거꾸로 쓰고 끝에 끝 표시 `.`(end of sequence)를 붙이는 것: `abdca` → `acdba.`.
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
// ## 5. synced many-to-many: 스텝마다 답하기 (video classification on frame level)
//
// 비디오의 프레임마다 라벨을 붙이듯, 입력 스텝마다 출력이 하나씩 있습니다. 비트 10개를 읽으며 스텝마다
// "지금까지 본 1의 개수가 홀수인가"(running parity, XOR)를 답합니다. 인코더-디코더와 달리 `RepeatVector`가 없고,
// LSTM 하나가 `returnSequences: true`로 스텝마다 은닉 상태를 내보냅니다.

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
// 매 스텝 다음 글자를 맞혀 "ihello"를 내게 합니다 (synced many-to-many). 같은 "h"를 읽어도 첫 번째는 "i",
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
// LSTM 위에 스텝마다 소프트맥스 층을 둡니다. 한 번 반복할 때마다 `trainOnBatch`로 한 번 갱신하고, 5번마다 예측한 문자열을 출력합니다.

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
console.log(`first iteration with the whole "${hi.target}" right: ${hiLearnedAt} (the lab: about 10)`);

// %% [markdown]
// 손실 곡선과, 학습이 끝난 뒤 스텝마다 다음 글자의 확률(predicted probabilities)입니다. 두 "h" 중 첫 번째(t0) 뒤에는 "i",
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
// 순환 층을 여러 개 쌓으면 아래 층의 출력 시퀀스가 위 층의 입력 시퀀스가 됩니다. 그래서 **위에 순환 층이 또 있는 층은
// `returnSequences: true`** 로 스텝마다 출력을 내야 합니다 (`[batch, steps, units]`). 맨 위 층은 과제에 따라 정합니다:
// many-to-one이면 `false`(마지막 스텝만, `[batch, units]`), synced many-to-many이면 `true`.
// `rl.buildRnnClassifier({layers: 3})`는 맨 위를 뺀 모든 층에 `returnSequences: true`를 줍니다. 층마다 출력 모양과 파라미터(parameter) 수를 봅니다.

// %%
const stacked = rl.buildRnnClassifier({ cell: "lstm", units: 16, layers: 3, inputShape: [STEPS_SUM, 1], numClasses: 2, learningRate: 0.01 });
rl.showTable(rl.layerTable(stacked), { title: "3-layer LSTM classifier (many-to-one)" });
console.log(`total parameters ${stacked.countParams()}`);

// %% [markdown]
// 아래 층에서 `returnSequences`를 빠뜨리면 어떻게 될까요? 첫 LSTM이 `[batch, 16]`(시간 축 없음)을 내므로, 3차원 입력
// `[batch, steps, features]`를 기대하는 두 번째 LSTM을 연결하는 순간 에러가 납니다.

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
// 이 쉬운 과제에서는 층을 쌓아도 크게 나아지지 않을 수 있습니다: 깊이는 더 어려운 과제(긴 문장, MNIST 실습)에서 값을 합니다.

// %%
const fitStacked = await rl.fit(stacked, sum.x, sum.y, { name: "3-layer many-to-one", epochs: EPOCHS, batchSize: 32, validationSplit: 0.2 });
const accStacked = fitStacked.history.val_acc[fitStacked.epochs - 1];
rl.showTable([
  { model: "1 x LSTM(16)", params: manyToOne.countParams(), "val accuracy": accManyToOne, seconds: fitManyToOne.seconds },
  { model: "3 x LSTM(16)", params: stacked.countParams(), "val accuracy": accStacked, seconds: fitStacked.seconds },
], { title: "Sum > 0: one layer vs three", digits: 3 });

// %% [markdown]
// ## 8. 정리 (clean up)
//
// 데이터 텐서와 모델을 해제(dispose)하고, 남은 텐서 수를 확인합니다.

// %%
for (const t of [sq, wave, sum, rev, par]) tf.dispose([t.x, t.y]);
tf.dispose([hi.x, hi.y]);
// model.dispose() frees the weights; an optimizer passed as an object (tf.train.adam) keeps its moments until disposed.
for (const m of [oneToOne, oneToMany, manyToOne, manyToMany, synced, hiModel, stacked]) {
  m.optimizer.dispose();
  m.dispose();
}
console.log("tensors still allocated:", tf.memory().numTensors);
