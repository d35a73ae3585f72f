export { WriteBatch, encodeCommand, validateArgs, commandProblem, MAX_ARG_BYTES } from "./encoder.js";
export type { CommandArg } from "./encoder.js";
export { RespDecoder } from "./decoder.js";
export { MAX_LINE_LENGTH } from "./reader.js";
export type { RespValue, DecoderHandlers, DecoderOptions } from "./reader.js";
