/**
 * Fault matrix: bad input and undecodable replies. An argument over 512 MiB is refused before
 * it is queued (the commands around it are unaffected); executeCommand never throws
 * synchronously; nothing can throw inside the write path; encodingErrors "strict" (the
 * default) raises a DecodeError naming the command.
 */
import { describe, expect, test } from "vitest";
import { DataError, DecodeError, Redis } from "../../src/index.js";
import { MAX_ARG_BYTES } from "../../src/protocol/index.js";
import { useRedisServer } from "../harness/index.js";
import { report } from "./report.js";

const server = useRedisServer();

describe("oversized arguments", () => {
  test("an argument over 512 MiB is refused with a DataError naming the command; 50 queued commands around it succeed", async () => {
    const r = new Redis({ port: server().port, decodeResponses: true });
    await r.ping();
    // allocUnsafe: the pages are never touched, so this costs no real memory.
    const huge = Buffer.allocUnsafe(MAX_ARG_BYTES + 1);
    const before = Array.from({ length: 25 }, (_, i) => r.set(`around:${i}`, "v"));
    let thrown: unknown = null;
    let oversized: Promise<unknown> | null = null;
    try {
      oversized = r.set("big", huge);
    } catch (err) {
      thrown = err;
    }
    const after = Array.from({ length: 25 }, (_, i) => r.set(`around:${25 + i}`, "v"));
    const err = await oversized!.catch((e: unknown) => e);
    const results = await Promise.allSettled([...before, ...after]);
    const ok = results.filter((x) => x.status === "fulfilled").length;
    report("oversized argument", { argBytes: huge.length, thrownSynchronously: thrown !== null, refused: err instanceof DataError, othersOk: ok });
    expect(thrown).toBeNull();
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(/^SET: argument #2 is 536870913 bytes, over the 536870912 bytes/);
    expect(ok).toBe(50);
    // executeCommand: the same, as a rejection
    const viaExecute = r.executeCommand("APPEND", "big", huge);
    expect(viaExecute).toBeInstanceOf(Promise);
    await expect(viaExecute).rejects.toThrow(/^APPEND: argument #2 is 536870913 bytes/);
    // and a pipeline is refused whole, before anything is sent
    const pipe = r.pipeline({ transaction: false });
    pipe.set("p1", "v");
    pipe.set("p2", huge);
    await expect(pipe.execute()).rejects.toThrow(/Command #2 of the batch: SET: argument #2 is 536870913 bytes.*nothing was sent/);
    expect(await r.exists("p1")).toBe(0);
    await r.close();
  });

  test("executeCommand rejects, never throws, whatever it is given", async () => {
    const r = new Redis({ port: server().port });
    const inputs: unknown[][] = [
      [],
      [null],
      [undefined],
      [{}],
      ["GET", Symbol("x")],
      ["GET", NaN],
      ["GET", () => 1],
      [42],
      [Buffer.from("PING")],
      ["GET", ["nested"]],
    ];
    let threw = 0;
    let rejected = 0;
    for (const args of inputs) {
      let p: Promise<unknown>;
      try {
        p = (r.executeCommand as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch {
        threw++;
        continue;
      }
      await p.then(
        () => {},
        () => rejected++,
      );
    }
    report("executeCommand bad input", { inputs: inputs.length, threwSynchronously: threw, rejected });
    expect(threw).toBe(0);
    expect(rejected).toBeGreaterThanOrEqual(inputs.length - 2); // 42 and Buffer("PING") may be valid commands
    await r.close();
  });

  test("nothing throws inside the write path: a command that cannot be encoded fails alone", async () => {
    const r = new Redis({ port: server().port, decodeResponses: true });
    await r.ping();
    const connection = r.connectionPool.sharedConnection();
    const args: unknown[] = ["SET", "mutated", "v"];
    const broken = connection.send(args as never);
    // changed after it was checked and queued, before it is written on the next tick
    args.push(Symbol("bad"));
    const neighbours = [r.set("n1", "a"), r.get("n1")];
    const err = await broken.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(await Promise.all(neighbours)).toEqual([true, "a"]);
    expect(await r.ping()).toBe(true);
    await r.close();
  });
});

describe('encodingErrors "strict"', () => {
  const invalid = Buffer.from([0x61, 0xff, 0xfe, 0x62]);

  test("a reply that is not valid UTF-8 raises DecodeError naming the command; replace and Buffer modes still read it", async () => {
    const raw = new Redis({ port: server().port });
    await raw.set("bin", invalid);
    const strict = new Redis({ port: server().port, decodeResponses: true });
    const err = await strict.get("bin").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as Error).message).toMatch(/^GET: the reply is not valid UTF-8/);
    // the connection stays in step
    expect(await strict.set("fine", "é")).toBe(true);
    expect(await strict.get("fine")).toBe("é");
    // inside a pipeline the error names its command too
    const pipe = strict.pipeline({ transaction: false });
    pipe.get("fine");
    pipe.get("bin");
    const results = await pipe.execute({ raiseOnError: false });
    expect(results[0]).toBe("é");
    expect(results[1]).toBeInstanceOf(DecodeError);
    expect(String((results[1] as Error).message)).toMatch(/GET: the reply is not valid UTF-8/);
    const replace = new Redis({ port: server().port, decodeResponses: true, encodingErrors: "replace" });
    expect(await replace.get("bin")).toBe("a\uFFFD\uFFFDb");
    expect(Buffer.compare((await raw.get("bin"))!, invalid)).toBe(0);
    report("strict decoding", { strictRaises: true, replaceGives: JSON.stringify(await replace.get("bin")) });
    await Promise.all([raw.close(), strict.close(), replace.close()]);
  });
});
