export { WriteBatch, encodeCommand, validateArgs } from "./encoder.js";
export type { CommandArg } from "./encoder.js";
export { RespDecoder, MAX_LINE_LENGTH } from "./decoder.js";
export type { RespValue, DecoderHandlers, DecoderOptions } from "./decoder.js";
