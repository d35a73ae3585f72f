import { Holder } from "./holder.js";

export interface State {
  label: string;
  redis: Holder;
}

export type Request = {
  path: string;
  state: State;
};

export const holder = new Holder();

export function request(path: string): Request {
  return { path, state: { label: "wp", redis: holder } };
}
