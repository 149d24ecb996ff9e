// rnnlab: the library behind the course's notebooks, imported as `import * as rl from "rnnlab"`. What a notebook
// uses is listed here, grouped by what the notebook does with it; everything else stays inside its module.
//
//   config.ts  the RNNLAB_* settings, read and checked in one place
//   course/    what every lesson runs on: runtime, randomness, the cells from scratch, models, training, metrics
//   data/      the data sets: MNIST, price candles, features, generated tasks
//   show/      what a notebook shows: figures, tables, live progress, diagrams, recorded results
//   lessons/   helpers that belong to one lesson, and the exercises' checks
//   fast/      the fast recurrent layers and the optional native kernels behind them

/**
 * Runtime and settings: pick the TensorFlow.js backend (`await rl.initRuntime()`), seed every source of randomness,
 * size a lesson by profile (`rl.byProfile({ full: 10, quick: 1 })`), and read the RNNLAB_* settings, each checked
 * (`rl.readSettings()`; an unknown value is an error listing the valid ones). `rl.tf` is the TensorFlow.js the
 * library uses. The cell kinds, their gates in storage order and the activations are one shared vocabulary.
 */
export { tf, initRuntime, chooseBackend, guardSyncReads, SYNC_READ_MESSAGE, BACKEND_ORDER, BACKENDS } from "./course/runtime";
export type { BackendKind, BackendAttempt, BackendLoader, ChooseOptions, InitOptions, RuntimeInfo, SyncReader } from "./course/runtime";
export { readSettings, SettingError, PROFILES } from "./config";
export type { Settings, ProfileName } from "./config";
export { profile, byProfile } from "./course/profile";
export { mulberry32, seedEverything, rng, seededRng, permutation } from "./course/random";
export { CELL_KINDS, GATE_ORDER, GATE_COUNT, CELL_ACTIVATIONS } from "./course/vocabulary";
export type { CellKind, CellActivation, RecurrentCellKind, RnnCell } from "./course/vocabulary";
export { stopRequested, requestStop, Interrupted, lastInterrupted, checkStop } from "./course/interrupt";

/**
 * Data: the MNIST digits (`rl.loadMnist()`), price candles read, repaired and reported (`rl.loadCandles(file)`,
 * `rl.formatReport(c)`), the features an RNN reads from prices (changes, standardisation fitted on the training
 * period, windows, up/down labels, a split by time), and generated tasks: the adding problem, Karpathy's patterns,
 * character sequences.
 */
export { datasetPath, displayLocation } from "./data/files";
export { readIdx, findMnistIdx, MNIST_DATA_FILES, mnistDataDir, verifyMnistData, loadMnist, digitCounts } from "./data/mnist";
export type { MnistSplit, MnistTensors, MnistData, LoadMnistOptions, IdxFile } from "./data/mnist";
export { CRYPTO_5M_COLUMNS, CANDLE_TIME_RANGE, parseDate, formatTime, formatDuration, loadCandles, joinOnTime, formatReport, timeRange } from "./data/candles";
export type { CandleField, GapReport, CandleReport, Candles, LoadCandlesOptions, JoinReport, JoinedCandles } from "./data/candles";
export { pctChange, stackColumns, fitStandardizer, upDownLabels, slidingWindows, timeSplit, makeUpDownDataset } from "./data/features";
export type { Matrix, Standardizer, Windows, WindowOptions, TimeRanges, SplitFractions, UpDownPart, UpDownTensors, UpDownDataset, UpDownOptions } from "./data/features";
export { addingProblem, meanPredictorMse } from "./data/tasks";
export type { AddingProblemData, AddingProblemOptions } from "./data/tasks";
export {
  charVocabulary, encodeChars, decodeChars, oneHotChars, nextCharExample, nextCharWindows, joinWindowPredictions, nextCharLossFloor,
  charMatches, squareTask, waveTask, sumSignTask, reverseTask, runningParityTask, runningMaxTask, ioShapes, layerTable, sequenceAccuracy,
} from "./data/patterns";
export type { NextCharExample, NextCharWindows, TaskOptions, SequenceTaskOptions, Task } from "./data/patterns";

/**
 * Models and training: the recurrent cells written from scratch with their weights in plain sight (`rl.lstmStep`,
 * `rl.lstmForward`, ...), the lecture's models (`rl.buildRnnClassifier`, ...), the trainer (`rl.fit`: live
 * progress, NaN guard, early stopping with the best weights, checkpoints), the same guard, early stopping and
 * checkpoint as callbacks for tfjs's own `model.fit` (`rl.nanGuard()`, `rl.earlyStopping()`, `rl.checkpoint()`),
 * predictions, metrics, Keras's decaying Adam, and model files.
 */
export {
  initSimpleRnnParams, initLstmParams, initGruParams, simpleRnnParamsFromLayer, lstmParamsFromLayer, gruParamsFromLayer, simpleRnnParamsToLayer,
  lstmParamsToLayer, gruParamsToLayer, splitGates, simpleRnnStep, lstmStep, lstmBookSketchStep, simpleRnnForward, lstmForward, lstmBookSketchForward,
  gruForward, simpleRnnPseudocode, gradientNormsOverTime,
} from "./course/scratch";
export type {
  RecurrentCellParams, SimpleRnnParams, LstmParams, GruParams, LstmState, RecurrentLayerLike, GateWeights, RecurrentForwardOptions, LstmForwardOptions,
  RecurrentForwardResult, LstmForwardResult, GradientNormsOptions,
} from "./course/scratch";
export { recurrentLayer, ownOptimizer, withNativeAdam, buildRnnClassifier, buildLectureMnistLstm, buildSequenceModel, buildRnnRegressor } from "./course/models";
export type { RnnImpl, CompileOptions, RnnClassifierOptions, SequenceModelOptions, RnnRegressorOptions } from "./course/models";
export { fit, predictClasses, predictProbabilities, evaluate } from "./course/train";
export type { Tensors, FitOptions, FitResult } from "./course/train";
export { nanGuard, earlyStopping, checkpoint, checkpointInfo } from "./course/callbacks";
export type { NanGuardCallback, EarlyStoppingCallback, CheckpointCallback, NanGuardOptions, EarlyStoppingOptions, CheckpointOptions, CheckpointInfo } from "./course/callbacks";
export { accuracy, confusionMatrix, classBalance, majorityBaseline, precisionRecall, rmse, mae } from "./course/metrics";
export { kerasDecayedLearningRate, AdamDecay, adamDecay, withClipNorm, ClipNormInfo } from "./course/optimizers";
export { orthogonal } from "./course/initializers";
export { savedModelUrl, saveModel, loadModel } from "./course/modelfiles";

/**
 * Fast layers: SimpleRNN, LSTM and GRU with a hand-written backward pass over the whole sequence, and
 * BatchNormalization and Dropout with a cheaper training pass (`rl.fastLayers.lstm({ units: 128 })`, a drop-in for
 * tf.layers), running on rnnlab's own kernels (native, else WebAssembly); switches and status for comparisons.
 */
export {
  fastLayers, FastSimpleRNN, FastLSTM, FastGRU, FastBatchNormalization, FastDropout, useNativeKernels, setNativeThreads, nativeKernelInfo, recurrentKernelPath, kernelModule, useKernelBuild,
  useTensorOpsForSteps,
} from "./fast/layers";
export { useFastWasmMatMul } from "./fast/matmul";
export { useFastWasmGather } from "./fast/gather";
export type { FastRecurrentArgs, NativeKernelInfo } from "./fast/layers";

/**
 * Showing: figures drawn by vega-lite and shown as PNG (`rl.plotLines`, `rl.plotTrainingCurves`, ...), HTML tables
 * (danfo DataFrames too: `rl.showFrame`) and live output in a notebook, the lecture's diagrams, per-epoch tables and misclassified samples, and the
 * results a cell records for the prose to quote (`rl.record`).
 */
export { serializeZmqSends, publish, liveOutput, showHtml, showTable } from "./show/display";
export { currentKernel, kernelLine } from "./show/kernel";
export type { KernelName } from "./show/kernel";
export type { MimeBundle, LiveOutput } from "./show/display";
export { showFrame, frameHtml, frameText } from "./show/frame";
export type { FrameLike, FrameOptions } from "./show/frame";
export {
  Figure, svgToPng, plotSpec, plotLines, plotScatter, plotHeatmap, plotConfusionMatrix, plotTrainingCurves, plotImageGrid, plotInteractive,
} from "./show/plot";
export type { VegaLiteSpec, FigureOptions, LineSeries, LineOptions, ScatterPoint, HeatmapOptions, EpochLogs, ImageGridOptions } from "./show/plot";
export type { ProgressOptions } from "./show/progress";
export { epochTable, pickMisclassified } from "./show/report";
export type { RunHistory, EpochTableOptions, Misclassified } from "./show/report";
export { drawPerceptron, drawRnnLoop, drawRnnUnrolled, drawRnnPatterns, drawStackedRnn, drawLstmCell, drawGruCell } from "./show/diagrams";
export type { DiagramOptions, PerceptronOptions, UnrolledOptions, StackedOptions } from "./show/diagrams";
export { record } from "./show/results";
export type { RecordedValue } from "./show/results";

/**
 * Lessons: helpers that belong to one lesson — activations and logic gates of the perceptron (01-02), the
 * up/down baselines and leaks of the bitcoin lab (07), the next-value regression of the stock lab (08).
 */
export { sigmoid, step, relu, ACTIVATIONS, logicGate, boundarySegment, modelPredictor, gridPoints, plotDecisionBoundary } from "./lessons/basics";
export type { GateName, Predictor, BoundaryLine, DecisionBoundaryOptions } from "./lessons/basics";
export {
  persistencePredictions, buildLogisticRegression, majorityPredictions, scoreRow, testWindowsScaledOnTheirOwn, makeLeakyUpDownDataset, partTensors,
  plotPricePredictions, verdictAgainstBaselines,
} from "./lessons/baselines";
export type { LogisticRegressionOptions, BaselineRow, LeakyOptions, LeakyDataset, PricePredictionOptions, Verdict } from "./lessons/baselines";
export { fitMinMaxScaler, makeNextValueDataset, upDownFromForecast, compareForecasts, directionCheck } from "./lessons/prices";
export type { MinMaxScaler, NextValuePart, NextValueOptions, NextValueDataset, ForecastComparison } from "./lessons/prices";

/**
 * Exercises: each lesson's exercises checked against a reference on seeded inputs and edge cases, saying how an
 * answer is wrong (`await rl.checkExercise("03.simpleRnnStep", mySimpleRnnStep)`); `rl.notYet()` marks one not
 * attempted yet.
 */
export { EXERCISE_MIME, notYet, lessonExercises, evaluateExercise, formatExerciseResult, checkExercise } from "./lessons/exercises";
export type { ExerciseStatus, ExerciseResult } from "./lessons/exercises";
