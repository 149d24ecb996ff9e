// rnnlab: the shared library behind the course's notebooks. Each module has one job.
export * from "./runtime";
export * from "./profile";
export * from "./random";
export * from "./display";
export * from "./plot";
export * from "./progress";
export * from "./train";
export * from "./scratch";
export * from "./layers";
export * from "./models";
export * from "./metrics";
export * from "./mnist";
export * from "./candles";
export * from "./features";
export * from "./basics";
export * from "./patterns";
export * from "./report";
