// %% [markdown]
// # 08. 부록: LSTM으로 내일의 주가 맞히기 (모두를 위한 딥러닝의 주가 실습)
//
// 강의가 참고 자료로 든 *모두를 위한 딥러닝*의 RNN 실습 중 마지막은 주가 예측(stock price prediction)입니다.
// 구글(GOOG) 주식의 일봉(daily) 732일치에서 **7일 동안의 시가·고가·저가·거래량·종가(open, high, low, volume,
// close) 5개 특성을 읽고 다음 날 종가를 맞히는** 회귀(regression) 문제입니다. 실습의 설정을 그대로 따릅니다:
// LSTM 은닉 크기(hidden size) 10, 출력층 Dense(1), 앞의 70%로 학습하고 뒤의 30%로 테스트, 최소-최대 스케일링
// (min-max scaling), Adam 학습률 0.01, 전체 배치(full batch)로 500번 반복, 평가는 RMSE와 그림.
//
// 그리고 실습이 묻지 않은 질문을 하나 더 합니다: **"내일 종가 = 오늘 종가"라고만 말하는 기준선(persistence)보다
// 나은가?** 07에서 상승/하락을 맞힐 때 다수 클래스(majority class) 기준선이 필요했던 것과 같은 이유입니다.
// 숫자는 실행과 프로파일(profile)에 따라 조금씩 달라지므로, 결론은 셀이 출력한 표로 읽습니다.

// %% [markdown]
// ## 1. 준비 (setup)
//
// 라이브러리를 불러오고, 백엔드(backend)를 고르고, 시드(seed)를 고정합니다. `quick` 프로파일은 반복 횟수만 줄입니다.

// %%
import * as rl from "rnnlab";
const tf = rl.tf;
await rl.initRuntime();
rl.seedEverything(42);
const ITERATIONS = rl.byProfile({ full: 500, quick: 200 }); // the lab: 500 full-batch Adam steps
console.log(`profile: ${rl.profile()}, ${ITERATIONS} iterations per model`);

// %% [markdown]
// ## 2. 데이터 (data)
//
// 실습의 파일을 그대로 씁니다(`datasets/stock-daily-goog.csv`, 출처는 `datasets/README.md`). 이 파일에는 **날짜가
// 없고** 행이 **최근 것부터** 적혀 있습니다. 실습은 `xy[::-1]`로 뒤집어 시간 순서로 만들었고, 로더(loader)도
// 같은 일을 하면서 그 가정을 보고서(report)에 적습니다. 날짜 대신 0..731의 "거래일 번호"가 시간 축입니다.

// %%
const goog = rl.loadCandles(rl.datasetPath("stock-daily-goog.csv"));
console.log(rl.formatReport(goog));
const frame = goog.toDataFrame();
rl.showFrame(frame, { rows: 3 });

// %% [markdown]
// 종가와 거래량을 그려 봅니다. 가장 오래된 며칠은 거래량이 아주 작은데(주식 분할 직후의 첫 거래일들로 보입니다),
// 그래서 거래량은 로그 눈금(log scale)으로 그립니다. 종가 그림의 두 색은 앞 70%의 학습 구간과 뒤 30%의 테스트 구간입니다.

// %%
const TRAIN_FRACTION = 0.7;
const splitDay = Math.floor(goog.length * TRAIN_FRACTION);
const days = Array.from({ length: goog.length }, (_, t) => t);
await rl.plotLines(
  [
    { name: `train: days 0..${splitDay - 1}`, x: days.slice(0, splitDay), y: goog.close.slice(0, splitDay) },
    { name: `test: days ${splitDay}..${goog.length - 1}`, x: days.slice(splitDay), y: goog.close.slice(splitDay) },
  ],
  { title: "GOOG daily close", xLabel: "trading day", yLabel: "close (USD)" },
);
await rl.plotLines({ name: "volume", y: goog.volume }, { title: "GOOG daily volume", xLabel: "trading day", yLabel: "shares", logY: true });

// %% [markdown]
// ## 3. 데이터셋: 7일을 읽고 다음 날 종가를 (windows)
//
// 샘플 하나는 연속된 7일의 5개 특성(`[7, 5]`)이고, 레이블은 그다음 날의 종가입니다. 테스트 구간의 첫 샘플들은 창(window)의
// 앞부분이 학습 구간에 걸칩니다: 실습의 `xy[train_size - seq_length:]`와 같습니다. 스케일링은 실습과 한 가지가
// 다릅니다. 실습은 학습 구간과 테스트 구간을 **각자의 최솟값과 최댓값으로** 스케일링했지만, 테스트 구간의 최댓값은 그 구간이
// 끝나야 알 수 있는 미래의 정보입니다. 여기서는 **학습 구간의 최솟값과 최댓값으로만** 맞춘 스케일러(scaler)를 모든
// 구간에 씁니다(실습의 방식은 8절에서 따로 봅니다). 테스트 구간의 종가는 학습 구간의 최고가보다 높이 올라가므로,
// 스케일된 값이 1을 넘는 날이 있습니다.

// %%
const FEATURES = ["open", "high", "low", "volume", "close"] as const; // the lab's column order; close is last
const CLOSE = FEATURES.indexOf("close");
const WINDOW = 7;
const rows = rl.stackColumns(FEATURES.map((f) => goog[f]));
const ds = rl.makeNextValueDataset({ rows, target: CLOSE, window: WINDOW, trainFraction: TRAIN_FRACTION, names: [...FEATURES] });
console.log(ds.report);
const train = ds.tensors(ds.train);
const test = ds.tensors(ds.test);
console.log(`train x ${JSON.stringify(train.x.shape)}, y ${JSON.stringify(train.y.shape)}; test x ${JSON.stringify(test.x.shape)}, y ${JSON.stringify(test.y.shape)}`);
const testScaledMax = Math.max(...ds.test.y);
console.log(`largest scaled close in the test targets: ${testScaledMax.toFixed(3)} (above 1: higher than any close the scaler saw)`);

// %% [markdown]
// 첫 번째 학습 샘플을 표로 봅니다: 7일 × 5개 특성의 스케일된 값, 그리고 맞혀야 할 8일째의 스케일된 종가입니다.

// %%
rl.showTable(
  Array.from({ length: WINDOW }, (_, s) => ({
    day: s,
    ...Object.fromEntries(FEATURES.map((f, j) => [f, ds.train.x[s * FEATURES.length + j]])),
  })),
  { title: `Sample 0: days 0..${WINDOW - 1}, scaled; target = close of day ${WINDOW}, scaled ${ds.train.y[0].toFixed(4)} (${ds.train.actual[0].toFixed(2)} USD)`, digits: 4 },
);

// %% [markdown]
// ## 4. 모델과 학습 (model and training)
//
// 실습의 모델입니다: LSTM(10)의 마지막 시간 단계 출력 -> Dense(1), 활성화 함수 없이 숫자 하나를 냅니다.
// `rl.buildRnnRegressor`가 만들고, 손실(loss)은 평균제곱오차(mean squared error, MSE)입니다(실습은 제곱오차의 합을
// 썼는데, 최솟값의 위치는 같습니다). 학습 샘플 505개 전체를 한 배치(batch)로 써서 한 에포크(epoch)가 곧 한 번의 반복입니다.

// %%
const model = rl.buildRnnRegressor({ cell: "lstm", units: 10, inputShape: [WINDOW, FEATURES.length], learningRate: 0.01 });
rl.showTable(rl.layerTable(model), { title: "LSTM(10) -> Dense(1)" });
const fitLevel = await rl.fit(model, train.x, train.y, { name: "LSTM(10), close", epochs: ITERATIONS, batchSize: ds.train.n, shuffle: false });
console.log(`final training MSE (scaled units) ${fitLevel.history.loss[fitLevel.epochs - 1].toFixed(5)}, ${fitLevel.seconds.toFixed(1)} s`);
await rl.plotLines({ name: "training MSE", y: fitLevel.history.loss }, { title: "LSTM(10): training loss", xLabel: "iteration", yLabel: "MSE (scaled)", logY: true });

// %% [markdown]
// ## 5. 평가: 실습의 그림 (evaluation)
//
// 테스트 구간의 예측을 학습 구간의 스케일러로 **달러 단위로 되돌린 뒤** RMSE(root mean squared error)를 잽니다.
// 실습은 스케일된 단위로 RMSE를 보고했는데, 그 숫자는 스케일러가 바뀌면 같이 바뀌어 비교하기 어렵습니다.
// 실습처럼 실제 종가와 예측을 한 그림에 그리면, 두 선이 거의 겹쳐 보입니다.

// %%
async function forecastInOriginalUnits(m: rl.tf.LayersModel, x: rl.tf.Tensor, part: rl.NextValuePart, column: number): Promise<Float64Array> {
  const scaled = tf.tidy(() => m.predict(x) as rl.tf.Tensor);
  const values = await scaled.data(); // an asynchronous read: it works on every backend, GPU included
  scaled.dispose();
  return part.scaler.invert(values, column);
}
const predLevel = await forecastInOriginalUnits(model, test.x, ds.test, CLOSE);
const testDays = Array.from(ds.test.targets);
console.log(`LSTM test RMSE: ${rl.rmse(ds.test.actual, predLevel).toFixed(2)} USD (test closes range ${Math.min(...ds.test.actual).toFixed(0)}..${Math.max(...ds.test.actual).toFixed(0)} USD)`);
await rl.plotLines(
  [
    { name: "actual close", x: testDays, y: ds.test.actual },
    { name: "LSTM forecast", x: testDays, y: predLevel },
  ],
  { title: "Test period: actual vs LSTM's next-day close (the lab's plot)", xLabel: "trading day", yLabel: "close (USD)" },
);

// %% [markdown]
// ## 6. 기준선: "내일 = 오늘" (persistence)
//
// 주가는 하루 사이에 크게 움직이지 않으므로, **오늘 종가를 그대로 내일 종가로** 말해도 선은 거의 겹칩니다. 이 기준선과
// 나란히 놓아야 모델이 무엇을 배웠는지 보입니다. `rl.compareForecasts`는 날마다 두 예측의 제곱오차 차이를 구해,
// 그 평균이 표준오차(standard error)의 2배보다 클 때만 "더 좋다(better)"고 말합니다.

// %%
const persistence = ds.test.lastValue; // the close of the window's last day
const levelVsPersistence = rl.compareForecasts(ds.test.actual, { name: "LSTM", forecast: predLevel }, { name: "persistence", forecast: persistence });
rl.showTable(
  [
    { forecast: "LSTM(10), 7 days x 5 features", "RMSE (USD)": rl.rmse(ds.test.actual, predLevel), "MAE (USD)": rl.mae(ds.test.actual, predLevel) },
    { forecast: "persistence: tomorrow = today", "RMSE (USD)": rl.rmse(ds.test.actual, persistence), "MAE (USD)": rl.mae(ds.test.actual, persistence) },
  ],
  { title: `Next-day GOOG close, ${ds.test.n} test days`, digits: 2 },
);
console.log(levelVsPersistence.text);

// %% [markdown]
// 마지막 40일만 확대해 봅니다. 두 가지를 봅니다. LSTM의 선이 실제 종가를 **하루 늦게 따라가는** 모양이라면, 모델이
// 배운 것은 대부분 "어제 종가 근처"이고, 전체 그림에서 선이 겹쳐 보였던 것은 그 때문입니다. 그리고 실제 종가가 학습
// 구간의 최고가(스케일된 값 1)를 넘는 날, 예측이 그 아래에 머무는지 봅니다: 모델은 학습 때 본 범위 밖의 값을 잘
// 내지 못합니다(외삽, extrapolation). 아래 셀은 두 종류의 날에 예측이 평균적으로 얼마나 낮았는지(bias)를 출력합니다.

// %%
const ZOOM = 40;
const zoom = (a: ArrayLike<number>) => Array.from(a).slice(-ZOOM);
await rl.plotLines(
  [
    { name: "actual close", x: zoom(testDays), y: zoom(ds.test.actual) },
    { name: "LSTM forecast", x: zoom(testDays), y: zoom(predLevel) },
    { name: "persistence", x: zoom(testDays), y: zoom(persistence) },
  ],
  { title: `Last ${ZOOM} test days, zoomed in`, xLabel: "trading day", yLabel: "close (USD)", points: true },
);
const trainMax = ds.train.scaler.max[CLOSE];
const bias = (keep: (actual: number) => boolean) => {
  const errors = Array.from(predLevel, (p, i) => p - ds.test.actual[i]).filter((_, i) => keep(ds.test.actual[i]));
  return `${errors.length} days, mean forecast - actual ${(errors.reduce((s, v) => s + v, 0) / Math.max(errors.length, 1)).toFixed(2)} USD`;
};
console.log(`test days with a close above the train period's highest (${trainMax.toFixed(2)}): ${bias((a) => a > trainMax)}`);
console.log(`test days inside the train range: ${bias((a) => a <= trainMax)}`);

// %% [markdown]
// 종가 자체가 아니라 **변화**를 보면 더 분명해집니다. 가로축은 실제 하루 변화(내일 종가 - 오늘 종가), 세로축은 LSTM이
// 예측한 변화(예측 - 오늘 종가)입니다. 점들이 오른쪽 위로 기운 띠를 이루지 않는다면, 모델은 내일의 움직임을 모릅니다.
// 방향만 따져도 같은지 봅니다: 예측이 오늘보다 높으면 "상승"이라고 읽어 실제 상승/하락과 맞춘 비율(direction
// accuracy)을 잽니다. 비교 대상은 모델 없이 말할 수 있는 두 답, "늘 상승"과 "늘 하락"입니다. 어느 쪽이 나을지는
// 테스트 구간이 끝나야 알 수 있으므로, 모델은 둘 중 **나은 쪽**보다 2 표준오차 넘게 높아야 방향을 안다고 말할 수 있습니다.

// %%
const actualChange = ds.test.actual.map((v, i) => v - persistence[i]);
const predictedChange = predLevel.map((v, i) => v - persistence[i]);
await rl.plotScatter(
  Array.from(actualChange, (a, i) => ({ x: a, y: predictedChange[i] })),
  { title: "Next-day change: LSTM's forecast vs what happened", xLabel: "actual change (USD)", yLabel: "forecast change (USD)" },
);
const upActual = rl.upDownFromForecast(persistence, ds.test.actual);
const upLstm = rl.upDownFromForecast(persistence, predLevel);
const directionLevel = rl.directionCheck("LSTM: forecast above today's close", upActual, upLstm);
rl.showTable(directionLevel.rows.map((r) => ({ calls: r.model, "direction accuracy": r.accuracy, "said up": r.predictedUp })), { title: "Up or down tomorrow? (test days)", digits: 3 });
console.log(directionLevel.verdict.text);

// %% [markdown]
// ## 7. 변화를 직접 예측하면 (predicting the change)
//
// 종가 대신 **하루 변화율(percentage change)** 을 맞히게 하면, "어제 값 근처"로 도망갈 곳이 없습니다. 다섯 열 모두를
// 변화율로 바꾸고(`rl.pctChange`, 첫날은 변화율이 없어 빠집니다), 같은 모델과 같은 반복 횟수로 학습합니다. 기준선은
// "변화 0"(내일 = 오늘과 같은 말)과 "학습 구간의 평균 변화율"입니다.

// %%
const changeRows = rl.stackColumns(FEATURES.map((f) => rl.pctChange(goog[f])));
const dsChange = rl.makeNextValueDataset({ rows: changeRows, target: CLOSE, window: WINDOW, trainFraction: TRAIN_FRACTION, names: FEATURES.map((f) => `${f} % change`) });
console.log(dsChange.report);
const trainChange = dsChange.tensors(dsChange.train);
const testChange = dsChange.tensors(dsChange.test);
rl.seedEverything(42);
const modelChange = rl.buildRnnRegressor({ cell: "lstm", units: 10, inputShape: [WINDOW, FEATURES.length], learningRate: 0.01 });
const fitChange = await rl.fit(modelChange, trainChange.x, trainChange.y, { name: "LSTM(10), % change", epochs: ITERATIONS, batchSize: dsChange.train.n, shuffle: false });
const predChange = await forecastInOriginalUnits(modelChange, testChange.x, dsChange.test, CLOSE); // a fraction: 0.01 = +1%
const meanTrainChange = dsChange.train.actual.reduce((s, v) => s + v, 0) / dsChange.train.n;
const zeroChange = new Float64Array(dsChange.test.n);
const trainMeanChange = new Float64Array(dsChange.test.n).fill(meanTrainChange);
rl.showTable(
  [
    { forecast: "LSTM(10) on % changes", "RMSE (% points)": 100 * rl.rmse(dsChange.test.actual, predChange) },
    { forecast: "zero change (tomorrow = today)", "RMSE (% points)": 100 * rl.rmse(dsChange.test.actual, zeroChange) },
    { forecast: `train-period mean change (${(100 * meanTrainChange).toFixed(3)}%)`, "RMSE (% points)": 100 * rl.rmse(dsChange.test.actual, trainMeanChange) },
  ],
  { title: `Next-day % change of GOOG's close, ${dsChange.test.n} test days`, digits: 4 },
);
const changeVsZero = rl.compareForecasts(dsChange.test.actual, { name: "LSTM", forecast: predChange }, { name: "zero change", forecast: zeroChange });
console.log(changeVsZero.text);
const upChange = Int32Array.from(dsChange.test.actual, (v) => (v > 0 ? 1 : 0));
const upChangeCalls = Int32Array.from(predChange, (v) => (v > 0 ? 1 : 0));
console.log(rl.directionCheck("LSTM: forecast change above 0", upChange, upChangeCalls).verdict.text);

// %% [markdown]
// ## 8. 실습의 스케일링 (the lab's scaling)
//
// 실습은 테스트 구간(과 그 앞 7일)을 **테스트 구간 자신의 최솟값과 최댓값으로** 스케일링했습니다. 같은 모델을 그 방식으로
// 학습·평가해서 달러 단위 RMSE를 나란히 놓습니다. 차이는 작고, 실행마다 어느 쪽으로든 나올 수 있습니다: 모델이 거의
// "어제 종가"를 말하면, 어떤 스케일러로 갔다가 돌아와도 결과가 비슷하기 때문입니다. 그래도 이 방식은 쓰면 안 됩니다. 테스트 구간의 최고가와
// 최저가는 그 구간이 다 지나야 알 수 있으므로, 실제로 내일을 예측하는 순간에는 이 스케일러를 만들 수 없습니다.
// 또 스케일된 단위의 RMSE는 스케일러마다 눈금이 달라서, 두 방식의 스케일된 RMSE끼리는 비교할 수 없습니다.

// %%
const dsOwn = rl.makeNextValueDataset({ rows, target: CLOSE, window: WINDOW, trainFraction: TRAIN_FRACTION, scaling: "own", names: [...FEATURES] });
console.log(dsOwn.report);
const trainOwn = dsOwn.tensors(dsOwn.train);
const testOwn = dsOwn.tensors(dsOwn.test);
rl.seedEverything(42);
const modelOwn = rl.buildRnnRegressor({ cell: "lstm", units: 10, inputShape: [WINDOW, FEATURES.length], learningRate: 0.01 });
await rl.fit(modelOwn, trainOwn.x, trainOwn.y, { name: "LSTM(10), lab's scaling", epochs: ITERATIONS, batchSize: dsOwn.train.n, shuffle: false });
const predOwn = await forecastInOriginalUnits(modelOwn, testOwn.x, dsOwn.test, CLOSE);
const scaledRmse = (p: rl.NextValuePart, pred: Float64Array) => rl.rmse(p.y, Float64Array.from(pred, (v) => (v - p.scaler.min[CLOSE]) / (p.scaler.max[CLOSE] - p.scaler.min[CLOSE])));
rl.showTable(
  [
    { scaling: "train period only (sections 3-6)", "RMSE (USD)": rl.rmse(ds.test.actual, predLevel), "RMSE (scaled)": scaledRmse(ds.test, predLevel), "1 scaled unit (USD)": ds.test.scaler.max[CLOSE] - ds.test.scaler.min[CLOSE] },
    { scaling: "test scaled on its own (the lab)", "RMSE (USD)": rl.rmse(dsOwn.test.actual, predOwn), "RMSE (scaled)": scaledRmse(dsOwn.test, predOwn), "1 scaled unit (USD)": dsOwn.test.scaler.max[CLOSE] - dsOwn.test.scaler.min[CLOSE] },
    { scaling: "persistence (no scaling, no model)", "RMSE (USD)": rl.rmse(ds.test.actual, persistence), "RMSE (scaled)": "—", "1 scaled unit (USD)": "—" },
  ],
  { title: "Same LSTM, two ways of scaling the test period", digits: 4 },
);

// %% [markdown]
// ## 9. 정리 (summary)
//
// - 실습의 그림처럼 예측선이 실제 종가와 겹쳐 보이는 것은 성공의 증거가 아닙니다. "내일 = 오늘"도 그렇게 보입니다.
// - 아래 표의 마지막 열이 "better"라고 말하지 않는 한, 이 실행에서 LSTM이 기준선보다 내일 종가(또는 변화)를 더 잘
//   맞혔다고 말할 근거는 없습니다. 07의 비트코인 실습과 같은 결론이 나온다면, 이유도 같습니다: 가격의 다음 움직임은
//   과거 가격만으로는 거의 예측되지 않습니다.
// - 정직한 평가를 위해 지킨 것: 시간 순 분할, 학습 구간으로만 맞춘 스케일러, 원래 단위(달러)의 오차, 그리고 기준선.

// %%
rl.showTable(
  [levelVsPersistence, changeVsZero].map((c, i) => ({
    target: i === 0 ? "next-day close (RMSE in USD)" : "next-day % change (RMSE in % points)",
    model: c.model,
    "its RMSE": i === 0 ? c.rmseModel : 100 * c.rmseModel,
    baseline: c.baseline,
    "baseline RMSE": i === 0 ? c.rmseBaseline : 100 * c.rmseBaseline,
    verdict: c.beats ? "better" : c.meanDifference < 0 ? "within noise" : "not better",
  })),
  { title: "LSTM vs the naive forecast", digits: 4 },
);

// %% [markdown]
// 텐서와 모델을 해제(dispose)하고 남은 텐서 수를 확인합니다.

// %%
tf.dispose([train.x, train.y, test.x, test.y, trainChange.x, trainChange.y, testChange.x, testChange.y, trainOwn.x, trainOwn.y, testOwn.x, testOwn.y]);
// A builder's model owns its optimizer: model.dispose() frees Adam's moment estimates with the weights.
[model, modelChange, modelOwn].forEach((m) => m.dispose());
console.log("tensors still allocated:", tf.memory().numTensors);
