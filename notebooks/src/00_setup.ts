// %% [markdown]
// # 00. 준비: 이 머신에서 코스가 돌아가는지 확인하기 (setup check)
//
// 이 노트북은 코스를 시작하기 전에 가장 먼저 여는 노트북입니다. 커널(kernel), Node.js와 TypeScript 버전,
// TensorFlow.js가 고른 백엔드(backend), 텐서(tensor) 왕복, danfo 데이터프레임(DataFrame), 그림(figure) 하나,
// 그리고 작은 모델 하나를 몇 스텝 학습시키며 진행 상황(progress)이 보이는지 확인합니다.
// 모든 셀이 에러 없이 끝나면 이 머신은 코스를 돌릴 준비가 된 것입니다.

// %% [markdown]
// ## 1. 커널과 버전 (kernel and versions)
//
// 이 노트북은 **tslab** 커널 위에서 TypeScript로 실행됩니다. 코스의 공용 라이브러리는 패키지 이름 `rnnlab`으로 불러옵니다.

// %%
import * as tslab from "tslab";
import * as rl from "rnnlab";
const tf = rl.tf;

console.log(`tslab ${tslab.versions.tslab}, TypeScript ${tslab.versions.typescript}, Node.js ${tslab.versions.node}`);
console.log(`profile: ${rl.profile()}  (RNNLAB_PROFILE=quick gives smaller data and fewer epochs)`);

// %% [markdown]
// ## 2. 백엔드 고르기 (backend)
//
// TensorFlow.js는 여러 백엔드 위에서 돌아갑니다. `initRuntime()`은 있는 것 중 가장 빠른 것을 순서대로 시도합니다:
// `tfjs-node-gpu`(CUDA), `webgpu`(GPU), `tfjs-node`(네이티브 libtensorflow), `wasm`(WebAssembly), `cpu`(순수 JavaScript).
// 고른 것과, 건너뛴 것마다 그 이유를 한 줄씩 보여 줍니다. 환경 변수 `RNNLAB_BACKEND`로 하나를 강제할 수 있습니다.
// `seedEverything`은 가중치 초기화, 셔플(shuffle), 데이터 분할을 한꺼번에 시드(seed)해서 다시 실행해도 같은 숫자가 나오게 합니다.

// %%
const runtime = await rl.initRuntime();
rl.seedEverything(42);
console.log(`chosen: ${runtime.backend}`);

// %% [markdown]
// ## 3. 텐서 왕복 (tensor round trip)
//
// JavaScript 배열을 텐서로 만들고, 연산을 하고, 다시 배열로 꺼냅니다. 계산은 위에서 고른 백엔드에서 일어납니다.
//
// 값을 꺼낼 때는 `await t.array()`나 `await t.data()`처럼 비동기(asynchronous)로 읽습니다. GPU 백엔드(WebGPU)에서는
// 결과가 GPU 메모리에 있어서, Node.js에서는 `dataSync()`/`arraySync()` 같은 동기(synchronous) 읽기가 불가능하기
// 때문입니다. 이 강의의 모든 노트북은 이 방식으로 써서 CPU에서도 GPU에서도 그대로 돌아갑니다.

// %%
const a = tf.tensor2d([[1, 2], [3, 4]]);
const b = tf.tensor2d([[5, 6], [7, 8]]);
const product = a.matMul(b);
console.log("a @ b =", await product.array()); // async read: works on every backend, GPU included
console.log("shape:", product.shape, "dtype:", product.dtype, "backend:", tf.getBackend());
tf.dispose([a, b, product]);

// %% [markdown]
// ## 4. danfo 데이터프레임 (DataFrame)
//
// 표 형태의 데이터는 `danfojs-node`로 다룹니다 (파이썬의 pandas와 비슷한 API). 코스에 들어 있는 비트코인 일봉(daily candles)
// 파일 `datasets/btc-usd-daily.csv`를 읽어 행 수와 열 이름을 보고, 앞의 5일을 표로 찍어 봅니다.

// %%
import * as dfd from "danfojs-node";
const daily = await dfd.readCSV(rl.datasetPath("btc-usd-daily.csv"));
console.log(`rows: ${daily.shape[0]}, columns: ${daily.columns.join(", ")}`);
const frame = daily.head(5).loc({ columns: ["timestamp", "open", "high", "low", "close", "volume"] });
frame.print();
console.log("mean close of these 5 days:", frame["close"].mean());

// %% [markdown]
// ## 5. 그림 (figure)
//
// 코스의 그림은 라이브러리가 PNG 이미지로 그려서 노트북에 넣습니다. 그래서 JupyterLab, HTML 내보내기, VS Code,
// GitHub 어디서나 그대로 보입니다. 여기서는 활성화 함수(activation function) 세 개를 그립니다.

// %%
const xs = Array.from({ length: 81 }, (_, i) => -4 + i * 0.1);
await rl.plotLines(
  [
    { name: "sigmoid", x: xs, y: xs.map((x) => 1 / (1 + Math.exp(-x))) },
    { name: "tanh", x: xs, y: xs.map(Math.tanh) },
    { name: "ReLU", x: xs, y: xs.map((x) => Math.max(0, x)) },
  ],
  { title: "Activation functions", xLabel: "x", yLabel: "f(x)" },
);

// %% [markdown]
// ## 6. 작은 모델 학습 (a tiny model, trained with live progress)
//
// XOR 문제를 푸는 작은 신경망을 몇 에포크(epoch) 학습시킵니다. `rl.fit`은 노트북 안에서는 한 자리에서 갱신되는
// 진행 표시(에포크, 손실 loss, 정확도 accuracy, 시간)를 보여 주고, 끝나면 에포크별 숫자를 돌려줍니다.
//
// 학습이 너무 오래 걸리면 Jupyter의 중단(Interrupt, ■) 버튼을 누릅니다. 학습은 진행 중인 배치(batch, 한 번에 학습하는 샘플 묶음)가
// 끝나는 곳에서 멈추고, 모델은 그때까지 배운 가중치를 그대로 가집니다. 셀은 어디서 멈췄는지 한 줄로 알려 주고, 다음 셀은 곧바로 실행됩니다.

// %%
const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 8, inputShape: [2], activation: "tanh" }),
    tf.layers.dense({ units: 1, activation: "sigmoid" }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.05), loss: "binaryCrossentropy", metrics: ["accuracy"] });
const xorX = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]]);
const xorY = tf.tensor2d([[0], [1], [1], [0]]);
const result = await rl.fit(model, xorX, xorY, { name: "xor", epochs: rl.byProfile({ full: 200, quick: 50 }), batchSize: 4 });
console.log(`loss ${result.history.loss[0].toFixed(4)} -> ${result.history.loss[result.epochs - 1].toFixed(4)} over ${result.epochs} epochs`);
console.log("predictions:", await rl.predictClasses(model, xorX));

// %%
await rl.plotTrainingCurves(result.history, { title: "XOR: training curves" });

// %% [markdown]
// ## 7. 정리 (clean up)
//
// 텐서는 JavaScript의 가비지 컬렉터(garbage collector)가 치우지 않으므로 직접 해제(dispose)합니다. 남은 텐서 수를 확인합니다.

// %%
tf.dispose([xorX, xorY]);
model.optimizer.dispose(); // Adam keeps tensors of its own (its moment estimates), which model.dispose() leaves
model.dispose();
console.log("tensors still allocated:", tf.memory().numTensors);
