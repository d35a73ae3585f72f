import { afterEach, describe, expect, it, vi } from "vitest";

import { AuthenticationError, ConnectionError, DataError, ResponseError, TimeoutError } from "../src/errors.js";
import {
  type AbstractBackoff,
  ConstantBackoff,
  DecorrelatedJitterBackoff,
  DEFAULT_BASE,
  DEFAULT_CAP,
  defaultBackoff,
  defaultRetry,
  EqualJitterBackoff,
  ExponentialBackoff,
  ExponentialWithJitterBackoff,
  FullJitterBackoff,
  NoBackoff,
  Retry,
} from "../src/retry.js";

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

function stubRandom(...values: number[]): void {
  let i = 0;
  vi.spyOn(Math, "random").mockImplementation(() => values[Math.min(i++, values.length - 1)]!);
}

describe("backoffs", () => {
  it("NoBackoff and ConstantBackoff", () => {
    expect(new NoBackoff().compute(1)).toBe(0);
    expect(new NoBackoff().compute(100)).toBe(0);
    expect(new ConstantBackoff(0.25).compute(1)).toBe(0.25);
    expect(new ConstantBackoff(0.25).compute(50)).toBe(0.25);
    expect(new ConstantBackoff({ backoff: 2 }).compute(3)).toBe(2);
  });

  it("ExponentialBackoff = min(cap, base * 2^n), with redis-py's defaults", () => {
    const b = new ExponentialBackoff();
    expect([b.cap, b.base]).toEqual([DEFAULT_CAP, DEFAULT_BASE]);
    expect([DEFAULT_CAP, DEFAULT_BASE]).toEqual([0.512, 0.008]);
    expect([0, 1, 2, 3, 6, 7, 8, 20].map((n) => b.compute(n))).toEqual([0.008, 0.016, 0.032, 0.064, 0.512, 0.512, 0.512, 0.512]);
    const c = new ExponentialBackoff(10, 1);
    expect([1, 2, 3, 4, 5].map((n) => c.compute(n))).toEqual([2, 4, 8, 10, 10]);
    // Past the float range the delay is capped, never NaN or Infinity.
    expect(c.compute(5000)).toBe(10);
    expect(new ExponentialBackoff(1, 0).compute(5000)).toBe(0);
  });

  it("takes (cap, base) positionally or as { cap, base }", () => {
    const positional = new ExponentialBackoff(2, 0.5);
    const named = new ExponentialBackoff({ base: 0.5, cap: 2 });
    expect([named.cap, named.base]).toEqual([2, 0.5]);
    expect([1, 2, 3].map((n) => named.compute(n))).toEqual([1, 2, 2]);
    expect([1, 2, 3].map((n) => positional.compute(n))).toEqual([1, 2, 2]);
    expect(new FullJitterBackoff({ cap: 3 }).base).toBe(DEFAULT_BASE);
    expect(new EqualJitterBackoff(undefined, 0.1).cap).toBe(DEFAULT_CAP);
  });

  it("rejects bad arguments naming the parameter", () => {
    expect(() => new ExponentialBackoff(-1)).toThrow(RangeError);
    expect(() => new ExponentialBackoff(-1)).toThrow(/'cap'/);
    expect(() => new EqualJitterBackoff(1, Number.NaN)).toThrow(/'base'/);
    expect(() => new EqualJitterBackoff(1, Number.NaN)).toThrow(RangeError);
    expect(() => new FullJitterBackoff({ base: -0.1 })).toThrow(/'base'/);
    expect(() => new DecorrelatedJitterBackoff(Infinity)).toThrow(RangeError);
    expect(() => new ConstantBackoff(-2)).toThrow(/'backoff'/);
    expect(() => new ConstantBackoff(Number.NaN)).toThrow(RangeError);
    expect(() => new ExponentialWithJitterBackoff("1" as unknown as number)).toThrow(TypeError);
    expect(() => new ExponentialBackoff({ cap: 1 } as never, 2)).toThrow(TypeError);
  });

  it("FullJitterBackoff = uniform(0, min(cap, base * 2^n))", () => {
    stubRandom(0, 0.5, 1);
    const b = new FullJitterBackoff(1, 0.1);
    expect(b.compute(2)).toBe(0);
    expect(b.compute(2)).toBeCloseTo(0.2, 12);
    expect(b.compute(4)).toBe(1);
  });

  it("EqualJitterBackoff = t/2 + uniform(0, t/2)", () => {
    stubRandom(0, 1, 0.5);
    const b = new EqualJitterBackoff(1, 0.1);
    expect(b.compute(1)).toBeCloseTo(0.1, 12);
    expect(b.compute(1)).toBeCloseTo(0.2, 12);
    expect(b.compute(10)).toBeCloseTo(0.75, 12);
  });

  it("DecorrelatedJitterBackoff = min(cap, uniform(base, max(base, previous * 3))) and reset()", () => {
    stubRandom(1);
    const b = new DecorrelatedJitterBackoff(1, 0.1);
    // previous 0: uniform(0.1, 0.1) = 0.1; then 0.3, 0.9, then capped at 1.
    const seq = [1, 2, 3, 4, 5].map((n) => b.compute(n));
    expect(seq[0]).toBeCloseTo(0.1, 12);
    expect(seq[1]).toBeCloseTo(0.3, 12);
    expect(seq[2]).toBeCloseTo(0.9, 12);
    expect(seq.slice(3)).toEqual([1, 1]);
    b.reset();
    expect(b.compute(6)).toBeCloseTo(0.1, 12);
  });

  it("ExponentialWithJitterBackoff = min(cap, random() * base * 2^n)", () => {
    stubRandom(0.5, 0.25, 1, 0);
    const b = new ExponentialWithJitterBackoff(1, 0.01);
    expect(b.compute(3)).toBeCloseTo(0.04, 12);
    expect(b.compute(4)).toBeCloseTo(0.04, 12);
    expect(b.compute(10)).toBe(1);
    expect(b.compute(5000)).toBe(0);
  });

  it("jittered backoffs stay within their bounds", () => {
    const cap = 0.5;
    const base = 0.01;
    const full = new FullJitterBackoff(cap, base);
    const equal = new EqualJitterBackoff(cap, base);
    const withJitter = new ExponentialWithJitterBackoff(cap, base);
    const decorrelated = new DecorrelatedJitterBackoff(cap, base);
    for (let i = 0; i < 2000; i++) {
      const n = (i % 12) + 1;
      const t = Math.min(cap, base * 2 ** n);
      const f = full.compute(n);
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThanOrEqual(t);
      const e = equal.compute(n);
      expect(e).toBeGreaterThanOrEqual(t / 2);
      expect(e).toBeLessThanOrEqual(t);
      const w = withJitter.compute(n);
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThanOrEqual(t);
      const d = decorrelated.compute(n);
      expect(d).toBeGreaterThanOrEqual(base);
      expect(d).toBeLessThanOrEqual(cap);
    }
  });

  it("defaultBackoff() is EqualJitterBackoff with the default cap and base", () => {
    const b = defaultBackoff();
    expect(b).toBeInstanceOf(EqualJitterBackoff);
    expect([(b as EqualJitterBackoff).cap, (b as EqualJitterBackoff).base]).toEqual([0.512, 0.008]);
  });

  it("clone() copies settings and state without sharing it", () => {
    stubRandom(1);
    const b = new DecorrelatedJitterBackoff(1, 0.1);
    b.compute(1);
    b.compute(2); // previous = 0.3
    const copy = b.clone() as DecorrelatedJitterBackoff;
    expect(copy).toBeInstanceOf(DecorrelatedJitterBackoff);
    expect(copy).not.toBe(b);
    expect(copy.compute(3)).toBeCloseTo(0.9, 12);
    copy.reset();
    expect(b.compute(3)).toBeCloseTo(0.9, 12);
  });
});

describe("Retry", () => {
  const noSleep = new NoBackoff();

  it("defaults to ConnectionError and TimeoutError and exposes its settings", () => {
    const r = new Retry(noSleep, 3);
    expect(r.getRetries()).toBe(3);
    expect(r.backoff).toBe(noSleep);
    expect(r.supportedErrors).toEqual([ConnectionError, TimeoutError]);
    expect(r.isRetryable(new ConnectionError("x"))).toBe(true);
    expect(r.isRetryable(new AuthenticationError("x"))).toBe(true); // a ConnectionError subclass
    expect(r.isRetryable(new TimeoutError("x"))).toBe(true);
    expect(r.isRetryable(new ResponseError("ERR x"))).toBe(false);
    expect(r.isRetryable("not an error")).toBe(false);
    r.updateRetries(-1);
    expect(r.getRetries()).toBe(-1);
  });

  it("updateSupportedErrors() adds to the set without duplicates", () => {
    const r = new Retry(noSleep, 1);
    r.updateSupportedErrors([ResponseError, ConnectionError]);
    expect(r.supportedErrors).toEqual([ConnectionError, TimeoutError, ResponseError]);
    expect(r.isRetryable(new ResponseError("ERR x"))).toBe(true);
  });

  it("validates its arguments", () => {
    expect(() => new Retry(noSleep, 1.5)).toThrow(/'retries'/);
    expect(() => new Retry(noSleep, Number.NaN)).toThrow(RangeError);
    expect(() => new Retry({} as AbstractBackoff, 1)).toThrow(TypeError);
    expect(() => new Retry(noSleep, 1, "x" as never)).toThrow(TypeError);
    expect(() => new Retry(noSleep, 1).updateRetries(0.5)).toThrow(RangeError);
  });

  it("returns at once on success, calling neither fail nor compute", async () => {
    const backoff = new ExponentialBackoff();
    const compute = vi.spyOn(backoff, "compute");
    const fail = vi.fn();
    await expect(new Retry(backoff, 3).callWithRetry(async () => 42, fail)).resolves.toBe(42);
    expect(fail).not.toHaveBeenCalled();
    expect(compute).not.toHaveBeenCalled();
  });

  it("makes 1 + retries attempts, calls fail(err, failures) each time, then rethrows the last error", async () => {
    const errors = [1, 2, 3, 4].map((i) => new ConnectionError(`attempt ${i}`));
    let calls = 0;
    const doFn = vi.fn(async () => {
      throw errors[calls++]!;
    });
    const fail = vi.fn();
    const backoff = new ConstantBackoff(0);
    const compute = vi.spyOn(backoff, "compute");
    const err = await new Retry(backoff, 3).callWithRetry(doFn, fail).catch((e: unknown) => e);
    expect(err).toBe(errors[3]);
    expect(doFn).toHaveBeenCalledTimes(4);
    expect(fail.mock.calls).toEqual([
      [errors[0], 1],
      [errors[1], 2],
      [errors[2], 3],
      [errors[3], 4],
    ]);
    expect(compute.mock.calls).toEqual([[1], [2], [3]]);
  });

  it("succeeds after some failures", async () => {
    let calls = 0;
    const result = await new Retry(noSleep, 5).callWithRetry(
      async () => {
        if (++calls < 3) throw new TimeoutError("slow");
        return "ok";
      },
      () => undefined,
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
  });

  it("retries = 0 makes a single attempt", async () => {
    const doFn = vi.fn(async () => {
      throw new ConnectionError("down");
    });
    const fail = vi.fn();
    await expect(new Retry(noSleep, 0).callWithRetry(doFn, fail)).rejects.toThrow("down");
    expect(doFn).toHaveBeenCalledTimes(1);
    expect(fail).toHaveBeenCalledTimes(1);
  });

  it("retries < 0 retries forever", async () => {
    let calls = 0;
    const result = await new Retry(noSleep, -1).callWithRetry(
      async () => {
        if (++calls < 500) throw new ConnectionError("down");
        return calls;
      },
      () => undefined,
    );
    expect(result).toBe(500);
  });

  it("rethrows unsupported errors at once, without calling fail", async () => {
    const doFn = vi.fn(async () => {
      throw new DataError("bad input");
    });
    const fail = vi.fn();
    await expect(new Retry(noSleep, 5).callWithRetry(doFn, fail)).rejects.toBeInstanceOf(DataError);
    expect(doFn).toHaveBeenCalledTimes(1);
    expect(fail).not.toHaveBeenCalled();
  });

  it("opts.isRetryable narrows the supported errors", async () => {
    const doFn = vi.fn(async () => {
      throw new AuthenticationError("WRONGPASS");
    });
    const fail = vi.fn();
    const retry = new Retry(noSleep, 5);
    const isRetryable = vi.fn((err: unknown) => !(err instanceof AuthenticationError));
    await expect(retry.callWithRetry(doFn, fail, { isRetryable })).rejects.toBeInstanceOf(AuthenticationError);
    expect(doFn).toHaveBeenCalledTimes(1);
    expect(fail).not.toHaveBeenCalled();
    // Not consulted for errors outside supportedErrors.
    isRetryable.mockClear();
    await expect(retry.callWithRetry(async () => Promise.reject(new DataError("x")), fail, { isRetryable })).rejects.toBeInstanceOf(DataError);
    expect(isRetryable).not.toHaveBeenCalled();
  });

  it("awaits an async fail, and an error thrown by fail propagates", async () => {
    const order: string[] = [];
    let calls = 0;
    await new Retry(noSleep, 2).callWithRetry(
      async () => {
        order.push(`do${++calls}`);
        if (calls < 2) throw new ConnectionError("x");
      },
      async () => {
        await new Promise((r) => setTimeout(r, 5));
        order.push("fail");
      },
    );
    expect(order).toEqual(["do1", "fail", "do2"]);
    const boom = new Error("fail failed");
    await expect(
      new Retry(noSleep, 2).callWithRetry(
        async () => {
          throw new ConnectionError("x");
        },
        () => {
          throw boom;
        },
      ),
    ).rejects.toBe(boom);
  });

  it("calls backoff.reset() at the start of every call", async () => {
    const backoff = new DecorrelatedJitterBackoff(1, 0);
    const reset = vi.spyOn(backoff, "reset");
    const retry = new Retry(backoff, 1);
    await retry.callWithRetry(
      async () => 1,
      () => undefined,
    );
    await retry.callWithRetry(
      async () => 2,
      () => undefined,
    );
    expect(reset).toHaveBeenCalledTimes(2);
  });

  it("sleeps backoff.compute(failures) seconds between attempts, on a ref'd timer", async () => {
    vi.useFakeTimers();
    const times: number[] = [];
    let calls = 0;
    const retry = new Retry(new ExponentialBackoff(10, 1), 3);
    const promise = retry.callWithRetry(
      async () => {
        times.push(Date.now());
        if (++calls < 4) throw new ConnectionError("x");
        return "done";
      },
      () => undefined,
    );
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(4000);
    expect(calls).toBe(3);
    await vi.advanceTimersByTimeAsync(8000);
    await expect(promise).resolves.toBe("done");
    expect(times.map((t) => t - times[0]!)).toEqual([0, 2000, 6000, 14000]);
  });

  it("really waits with real timers", async () => {
    let calls = 0;
    const started = performance.now();
    await new Retry(new ConstantBackoff(0.03), 2).callWithRetry(
      async () => {
        if (++calls < 3) throw new ConnectionError("x");
      },
      () => undefined,
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it("stops when the signal aborts, during a sleep or before an attempt", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    let calls = 0;
    const promise = new Retry(new ConstantBackoff(60), -1)
      .callWithRetry(
        async () => {
          calls++;
          throw new ConnectionError("down");
        },
        () => undefined,
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(60_000 * 2 + 10);
    expect(calls).toBe(3);
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(promise).resolves.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);

    const doFn = vi.fn(async () => 1);
    await expect(new Retry(noSleep, 1).callWithRetry(doFn, () => undefined, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(doFn).not.toHaveBeenCalled();
  });

  it("clone() copies retries, errors and backoff state independently", () => {
    const original = new Retry(new DecorrelatedJitterBackoff(1, 0.1), 4, [ConnectionError]);
    const copy = original.clone();
    expect(copy).not.toBe(original);
    expect(copy.getRetries()).toBe(4);
    expect(copy.supportedErrors).toEqual([ConnectionError]);
    expect(copy.backoff).not.toBe(original.backoff);
    expect(copy.backoff).toBeInstanceOf(DecorrelatedJitterBackoff);
    copy.updateRetries(1);
    copy.updateSupportedErrors([ResponseError]);
    expect(original.getRetries()).toBe(4);
    expect(original.supportedErrors).toEqual([ConnectionError]);
  });

  it("defaultRetry() is redis-py 8's: 10 retries, ExponentialWithJitterBackoff(cap 1, base 0.01)", () => {
    const r = defaultRetry();
    expect(r.getRetries()).toBe(10);
    expect(r.backoff).toBeInstanceOf(ExponentialWithJitterBackoff);
    const b = r.backoff as ExponentialWithJitterBackoff;
    expect([b.cap, b.base]).toEqual([1, 0.01]);
    expect(r.supportedErrors).toEqual([ConnectionError, TimeoutError]);
    expect(defaultRetry()).not.toBe(r);
  });
});
