export { WriteBatch, encodeCommand, validateArgs, commandProblem, MAX_ARG_BYTES } from "./encoder.js";
export type { CommandArg } from "./encoder.js";
export { RespDecoder, MAX_LINE_LENGTH } from "./decoder.js";
export type { RespValue, DecoderHandlers, DecoderOptions } from "./decoder.js";
