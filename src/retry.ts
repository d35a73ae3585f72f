/**
 * Retry policies and backoff strategies: redis-py's `redis/backoff.py` and
 * `redis/asyncio/retry.py`, in camelCase. Every duration is in seconds.
 *
 * Backoff constructors take redis-py's positional order `(cap, base)` or an options object
 * `{ cap, base }`; a missing value takes redis-py's default (cap 0.512 s, base 0.008 s).
 */

import { ConnectionError, TimeoutError } from "./errors.js";

/** Maximum backoff between two attempts, in seconds (redis-py `DEFAULT_CAP`). */
export const DEFAULT_CAP = 0.512;
/** Minimum backoff between two attempts, in seconds (redis-py `DEFAULT_BASE`). */
export const DEFAULT_BASE = 0.008;

/** An error class, as accepted by `supportedErrors` and `retryOnError`. */
export type ErrorClass = new (...args: never[]) => Error;

/** `{ cap, base }`: the keyword form of the exponential backoffs' arguments. */
export interface BackoffOptions {
  /** Maximum backoff in seconds. */
  cap?: number;
  /** Base backoff in seconds. */
  base?: number;
}

function checkSeconds(owner: string, name: string, value: unknown): number {
  if (typeof value !== "number") {
    throw new TypeError(`${owner}: '${name}' must be a number of seconds, got ${value === null ? "null" : typeof value}`);
  }
  if (Number.isNaN(value) || value < 0 || !Number.isFinite(value)) {
    throw new RangeError(`${owner}: '${name}' must be a finite, non-negative number of seconds, got ${value}`);
  }
  return value;
}

function capAndBase(owner: string, capOrOptions: number | BackoffOptions | undefined, base: number | undefined): [number, number] {
  if (capOrOptions !== null && typeof capOrOptions === "object") {
    if (base !== undefined) throw new TypeError(`${owner}: pass either (cap, base) or ({ cap, base }), not both`);
    return [checkSeconds(owner, "cap", capOrOptions.cap ?? DEFAULT_CAP), checkSeconds(owner, "base", capOrOptions.base ?? DEFAULT_BASE)];
  }
  return [checkSeconds(owner, "cap", capOrOptions ?? DEFAULT_CAP), checkSeconds(owner, "base", base ?? DEFAULT_BASE)];
}

/**
 * `base * 2 ** failures`. Past the float range this is `Infinity`, which every strategy
 * caps; a zero base stays zero (JavaScript's `0 * Infinity` would be `NaN`).
 */
function exponential(base: number, failures: number): number {
  return base === 0 ? 0 : base * 2 ** failures;
}

/** `random.uniform(a, b)`: `a + (b - a) * random()`. */
function uniform(a: number, b: number): number {
  return a + (b - a) * Math.random();
}

/** A backoff strategy: how long to wait before the next attempt. */
export abstract class AbstractBackoff {
  /** Resets internal state. Called once at the start of every `Retry.callWithRetry`. */
  reset(): void {}

  /** Seconds to wait after the `failures`-th consecutive failure (1 for the first). */
  abstract compute(failures: number): number;

  /**
   * A copy with the same settings and its own state (`Retry.clone()` gives each connection
   * its own, as redis-py deep-copies the policy). The default copies own fields onto an
   * object with the same prototype; override it if a subclass holds state that must not
   * be shared.
   */
  clone(): AbstractBackoff {
    return Object.assign(Object.create(Object.getPrototypeOf(this) as object) as AbstractBackoff, this);
  }
}

/** The same backoff after every failure. */
export class ConstantBackoff extends AbstractBackoff {
  readonly backoffSeconds: number;

  /** `backoff`: seconds to wait after every failure. */
  constructor(backoff: number | { backoff: number }) {
    super();
    const value = backoff !== null && typeof backoff === "object" ? backoff.backoff : backoff;
    this.backoffSeconds = checkSeconds(new.target.name, "backoff", value);
  }

  compute(_failures: number): number {
    return this.backoffSeconds;
  }
}

/** Retries at once. */
export class NoBackoff extends ConstantBackoff {
  constructor() {
    super(0);
  }
}

abstract class CappedBackoff extends AbstractBackoff {
  /** Maximum backoff in seconds. */
  readonly cap: number;
  /** Base backoff in seconds. */
  readonly base: number;

  constructor(capOrOptions?: number | BackoffOptions, base?: number) {
    super();
    [this.cap, this.base] = capAndBase(new.target.name, capOrOptions, base);
  }
}

/** `min(cap, base * 2^failures)`. */
export class ExponentialBackoff extends CappedBackoff {
  constructor(cap?: number, base?: number);
  constructor(options: BackoffOptions);
  constructor(capOrOptions?: number | BackoffOptions, base?: number) {
    super(capOrOptions, base);
  }

  compute(failures: number): number {
    return Math.min(this.cap, exponential(this.base, failures));
  }
}

/** Uniform in `[0, min(cap, base * 2^failures)]`. */
export class FullJitterBackoff extends CappedBackoff {
  constructor(cap?: number, base?: number);
  constructor(options: BackoffOptions);
  constructor(capOrOptions?: number | BackoffOptions, base?: number) {
    super(capOrOptions, base);
  }

  compute(failures: number): number {
    return uniform(0, Math.min(this.cap, exponential(this.base, failures)));
  }
}

/** With `t = min(cap, base * 2^failures) / 2`: `t + uniform(0, t)`. redis-py's `default_backoff()`. */
export class EqualJitterBackoff extends CappedBackoff {
  constructor(cap?: number, base?: number);
  constructor(options: BackoffOptions);
  constructor(capOrOptions?: number | BackoffOptions, base?: number) {
    super(capOrOptions, base);
  }

  compute(failures: number): number {
    const half = Math.min(this.cap, exponential(this.base, failures)) / 2;
    return half + uniform(0, half);
  }
}

/** `min(cap, uniform(base, max(base, previous * 3)))`; `reset()` forgets `previous`. */
export class DecorrelatedJitterBackoff extends CappedBackoff {
  private previousBackoff = 0;

  constructor(cap?: number, base?: number);
  constructor(options: BackoffOptions);
  constructor(capOrOptions?: number | BackoffOptions, base?: number) {
    super(capOrOptions, base);
  }

  override reset(): void {
    this.previousBackoff = 0;
  }

  compute(_failures: number): number {
    const maxBackoff = Math.max(this.base, this.previousBackoff * 3);
    this.previousBackoff = Math.min(this.cap, uniform(this.base, maxBackoff));
    return this.previousBackoff;
  }
}

/** `min(cap, random() * base * 2^failures)`. The backoff of `defaultRetry()`. */
export class ExponentialWithJitterBackoff extends CappedBackoff {
  constructor(cap?: number, base?: number);
  constructor(options: BackoffOptions);
  constructor(capOrOptions?: number | BackoffOptions, base?: number) {
    super(capOrOptions, base);
  }

  compute(failures: number): number {
    return Math.min(this.cap, exponential(Math.random() * this.base, failures));
  }
}

/** redis-py `default_backoff()`: `EqualJitterBackoff()` with the default cap and base. */
export function defaultBackoff(): AbstractBackoff {
  return new EqualJitterBackoff();
}

/** Options of `Retry.callWithRetry`. */
export interface CallWithRetryOptions {
  /** Further narrows which supported errors are retried; `false` rethrows at once (without calling `fail`). */
  isRetryable?: (err: unknown) => boolean;
  /**
   * Stops retrying: when aborted, the next attempt or the current backoff sleep is abandoned
   * and the promise rejects with `signal.reason`. A running `doFn` is not interrupted.
   */
  signal?: AbortSignal;
  /** Told before each backoff sleep: the failures so far and the seconds about to be slept (lifecycle events). */
  onRetry?: (failures: number, delaySeconds: number, err: unknown) => void;
}

/** Longest delay `setTimeout` honours (larger values fire after 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Sleeps `seconds` on a plain (ref'd) timer: a command waiting for its retry keeps the
 * process alive, as `asyncio.sleep` would.
 */
export function sleep(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let remaining = seconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const tick = (): void => {
      if (remaining <= 0) {
        signal?.removeEventListener("abort", onAbort);
        resolve();
        return;
      }
      const step = Math.min(remaining, MAX_TIMER_MS);
      remaining -= step;
      timer = setTimeout(tick, step);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    tick();
  });
}

function checkRetries(value: unknown): number {
  if (typeof value !== "number" || !(Number.isInteger(value) || value === Infinity || value === -Infinity)) {
    throw new RangeError(`Retry: 'retries' must be an integer (negative retries forever), got ${typeof value === "number" ? value : typeof value}`);
  }
  return value;
}

function checkErrorClasses(name: string, errors: unknown): ErrorClass[] {
  const list = errors as unknown[];
  if (!Array.isArray(list) || !list.every((e) => typeof e === "function")) {
    throw new TypeError(`Retry: '${name}' must be an array of error classes`);
  }
  return list as ErrorClass[];
}

/**
 * A retry policy: `retries` more attempts after the first one (negative: forever), with
 * `backoff` between them, on errors that are instances of one of `supportedErrors`
 * (default `ConnectionError` and `TimeoutError`).
 */
export class Retry {
  private _backoff: AbstractBackoff;
  private _retries: number;
  private _supportedErrors: ErrorClass[];

  constructor(backoff: AbstractBackoff, retries: number, supportedErrors?: ReadonlyArray<ErrorClass>) {
    if (backoff === null || typeof backoff !== "object" || typeof (backoff as AbstractBackoff).compute !== "function") {
      throw new TypeError("Retry: 'backoff' must be a backoff object such as new ExponentialWithJitterBackoff()");
    }
    this._backoff = backoff;
    this._retries = checkRetries(retries);
    this._supportedErrors = supportedErrors === undefined ? [ConnectionError, TimeoutError] : [...checkErrorClasses("supportedErrors", supportedErrors)];
  }

  /** The backoff strategy. */
  get backoff(): AbstractBackoff {
    return this._backoff;
  }

  /** The error classes that trigger a retry. */
  get supportedErrors(): ReadonlyArray<ErrorClass> {
    return this._supportedErrors;
  }

  /** Adds error classes to the supported ones (a set union, as in redis-py). */
  updateSupportedErrors(errors: Iterable<ErrorClass>): void {
    const added = checkErrorClasses("errors", errors === null || typeof errors !== "object" ? errors : [...errors]);
    this._supportedErrors = [...new Set([...this._supportedErrors, ...added])];
  }

  /** Retries after the first attempt; negative means forever. */
  getRetries(): number {
    return this._retries;
  }

  updateRetries(retries: number): void {
    this._retries = checkRetries(retries);
  }

  /** Whether `err` is an instance of one of the supported error classes. */
  isRetryable(err: unknown): boolean {
    for (const cls of this._supportedErrors) {
      if (err instanceof cls) return true;
    }
    return false;
  }

  /**
   * Calls `doFn` until it succeeds. A supported error (that `opts.isRetryable` also accepts)
   * is passed to `fail(err, failures)` (failures counts from 1; the client's `fail`
   * disconnects) and is rethrown once `failures > retries`; otherwise the call sleeps
   * `backoff.compute(failures)` seconds and tries again. Any other error is rethrown at once,
   * as is an error thrown by `fail`. `backoff.reset()` is called first.
   */
  async callWithRetry<T>(doFn: () => Promise<T>, fail: (err: unknown, failures: number) => unknown, opts?: CallWithRetryOptions): Promise<T> {
    const signal = opts?.signal;
    const extraCheck = opts?.isRetryable;
    this._backoff.reset();
    let failures = 0;
    for (;;) {
      signal?.throwIfAborted();
      try {
        return await doFn();
      } catch (err) {
        if (!this.isRetryable(err) || (extraCheck !== undefined && !extraCheck(err))) throw err;
        failures += 1;
        await fail(err, failures);
        if (this._retries >= 0 && failures > this._retries) throw err;
        signal?.throwIfAborted();
        const delay = this._backoff.compute(failures);
        opts?.onRetry?.(failures, delay, err);
        if (delay > 0) await sleep(delay, signal);
      }
    }
  }

  /** A copy with its own backoff state and error list (redis-py deep-copies the policy per pool). */
  clone(): Retry {
    const backoff = typeof this._backoff.clone === "function" ? this._backoff.clone() : this._backoff;
    return new Retry(backoff, this._retries, this._supportedErrors);
  }
}

/**
 * redis-py 8's default policy: `Retry(ExponentialWithJitterBackoff(cap=1, base=0.01), 10)`
 * on `ConnectionError` and `TimeoutError`. A new object on every call.
 */
export function defaultRetry(): Retry {
  return new Retry(new ExponentialWithJitterBackoff(1, 0.01), 10);
}
