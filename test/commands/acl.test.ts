import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import type { AclLogEntry, AclUserInfo } from "../../src/commands/acl.js";
import { AuthenticationError, DataError, NoPermissionError, Redis, ResponseError } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const ADMIN_PASSWORD = "admin-pw-1";
const server = useRedisServer({ password: ADMIN_PASSWORD });

// a server with an ACL file, for ACL SAVE / ACL LOAD
const aclDir = fs.mkdtempSync(path.join(os.tmpdir(), "aioredis-acl-"));
const aclFile = path.join(aclDir, "users.acl");
fs.writeFileSync(aclFile, "user default on nopass ~* &* +@all\n");
const fileServer = useRedisServer({ args: ["--aclfile", aclFile] });
afterAll(() => fs.rmSync(aclDir, { recursive: true, force: true }));

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

describe.each([2, 3] as const)("ACL commands over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const user = (name: string): string => `p${protocol}-${name}`;

  beforeAll(() => {
    r = new Redis({ port: server().port, password: ADMIN_PASSWORD, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, password: ADMIN_PASSWORD, protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  test("whoami, users, list, cat, genpass, help", async () => {
    expect(await r.aclWhoami()).toBe("default");
    expect(await rb.aclWhoami()).toBe("default");
    expect(await r.aclUsers()).toContain("default");
    expect((await r.aclList()).find((line) => line.startsWith("user default "))).toMatch(/^user default on #[0-9a-f]{64} ~\* &\* \+@all$/);
    const categories = await r.aclCat();
    expect(categories).toEqual(expect.arrayContaining(["read", "write", "hyperloglog", "dangerous"]));
    expect((await r.aclCat("hyperloglog")).sort()).toEqual(["pfadd", "pfcount", "pfdebug", "pfmerge", "pfselftest"]);
    expect((await rb.aclCat("hyperloglog")).sort()).toEqual(["pfadd", "pfcount", "pfdebug", "pfmerge", "pfselftest"]);
    await expect(r.aclCat("nosuchcategory")).rejects.toThrow(ResponseError);
    expect(await r.aclGenpass()).toMatch(/^[0-9a-f]{64}$/);
    expect(await r.aclGenpass(32)).toMatch(/^[0-9a-f]{8}$/);
    expect(await r.aclGenpass(5)).toMatch(/^[0-9a-f]{2}$/);
    expect(await rb.aclGenpass({ bits: 4096 })).toMatch(/^[0-9a-f]{1024}$/);
    await expect(r.aclGenpass(5000)).rejects.toThrow(/between 0 and 4096/);
    await expect(r.aclGenpass(-1)).rejects.toThrow(DataError);
    await expect(r.aclGenpass("many" as never)).rejects.toThrow(DataError);
    expect((await r.aclHelp())[0]).toMatch(/^ACL <subcommand>/);
    expectTypeOf(await rb.aclUsers()).toEqualTypeOf<string[]>();
  });

  test("setuser builds the rules; getuser parses them", async () => {
    const name = user("alice");
    expect(
      await r.aclSetuser(name, {
        enabled: true,
        passwords: ["+pw1", "+pw2"],
        categories: ["+@hyperloglog"],
        commands: ["+get", "-pfdebug"],
        keys: ["k:*", "%R~r:*"],
        channels: ["ch:*"],
        selectors: [["+set", "sel:*"]],
        reset: true,
      }),
    ).toBe(true);
    const info = await r.aclGetuser(name);
    expect(info).toEqual({
      flags: ["on", "sanitize-payload"],
      passwords: expect.any(Array),
      commands: expect.any(Array),
      categories: ["-@all", "+@hyperloglog"],
      keys: ["~k:*", "%R~r:*"],
      channels: ["&ch:*"],
      selectors: [{ commands: "-@all +set", keys: "~sel:*", channels: "" }],
      enabled: true,
    });
    expect(info!.passwords.slice().sort()).toEqual([sha256("pw1"), sha256("pw2")].sort());
    expect(info!.commands.slice().sort()).toEqual(["+get", "-pfdebug"]);
    expect(await rb.aclGetuser(name)).toEqual(info);
    expectTypeOf(info).toEqualTypeOf<AclUserInfo | null>();
    expect(await r.aclUsers()).toContain(name);
    expect(await r.aclList()).toContainEqual(expect.stringMatching(new RegExp(`^user ${name} on `)));

    // the user can log in with either password and is limited by the rules
    const alice = new Redis({ port: server().port, username: name, password: "pw2", protocol, decodeResponses: true });
    try {
      expect(await alice.executeCommand("GET", "k:1")).toBeNull();
      await expect(alice.executeCommand("GET", "other")).rejects.toThrow(NoPermissionError);
      await expect(alice.executeCommand("SET", "k:1", "v")).rejects.toThrow(NoPermissionError);
    } finally {
      await alice.close();
    }

    expect(await r.aclDryrun(name, "GET", "k:1")).toBe("OK");
    expect(await r.aclDryrun(name, "SET", "k:1", "v")).toMatch(/^This user has no permissions/);
    expect(await r.aclDryrun(name, "SET", "sel:1", "v")).toBe("OK");
    expect(await rb.aclDryrun(name, "GET", "k:1")).toEqual(Buffer.from("OK"));
    await expect(r.aclDryrun(name)).rejects.toThrow(DataError);

    // positional form, in redis-py's order: change passwords (hashed), keep the rest
    expect(await r.aclSetuser(name, true, false, "-pw1", ["+" + sha256("pw3")], null, null, null, null, null, false, true, true, false)).toBe(true);
    const changed = (await r.aclGetuser(name))!;
    expect(changed.passwords.slice().sort()).toEqual([sha256("pw2"), sha256("pw3")].sort());
    expect(changed.keys).toEqual([]);
    expect(changed.channels).toEqual([]);
    expect(changed.categories).toEqual(["-@all", "+@hyperloglog"]);

    expect(await r.aclSetuser(name, { resetPasswords: true, nopass: true, enabled: false })).toBe(true);
    const nopass = (await r.aclGetuser(name))!;
    expect(nopass.flags).toEqual(["off", "nopass", "sanitize-payload"]);
    expect(nopass.passwords).toEqual([]);
    expect(nopass.enabled).toBe(false);

    // categories without the @ get it; Buffers are rules too
    expect(await r.aclSetuser(name, { reset: true, categories: ["+string", Buffer.from("-hyperloglog")], keys: [Buffer.from("~b:*")] })).toBe(true);
    expect((await r.aclGetuser(name))!).toMatchObject({ categories: ["-@all", "+@string"], keys: ["~b:*"], enabled: false });

    expect(await r.aclDeluser(name, user("nobody"))).toBe(1);
    expect(await r.aclGetuser(name)).toBeNull();
    await expect(r.aclDeluser()).rejects.toThrow(DataError);
  });

  test("setuser argument errors never echo passwords", async () => {
    const secret = "very-secret-password";
    const calls: Promise<unknown>[] = [
      r.aclSetuser(user("x"), { passwords: [secret] }),
      r.aclSetuser(user("x"), { passwords: `+${secret}`, nopass: true }),
      r.aclSetuser(user("x"), { hashedPasswords: [secret] }),
      r.aclSetuser(user("x"), { hashedPasswords: [`+${secret}`] }),
      r.aclSetuser(user("x"), { hashedPasswords: [`-${secret}`] }),
      r.aclSetuser(user("x"), { categories: [secret] }),
      r.aclSetuser(user("x"), { commands: [secret] }),
      r.aclSetuser(user("x"), { selectors: [[secret, "k"]] }),
      r.aclSetuser(user("x"), { selectors: [secret] as never }),
      r.aclSetuser(user("x"), { enabled: secret as never }),
    ];
    for (const call of calls) {
      const error = await call.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).not.toContain(secret);
      expect((error as Error).message).toMatch(/^ACL SETUSER/);
    }
    expect(await r.aclGetuser(user("x"))).toBeNull();
  });

  test("log, log reset", async () => {
    expect(await r.aclLogReset()).toBe(true);
    expect(await r.aclLog()).toEqual([]);
    const intruder = new Redis({ port: server().port, password: "wrong-password", protocol });
    await expect(intruder.ping()).rejects.toThrow(AuthenticationError);
    await intruder.close();
    const name = user("limited");
    await r.aclSetuser(name, { enabled: true, nopass: true, commands: ["+ping"], reset: true });
    const limited = new Redis({ port: server().port, username: name, password: "any", protocol, decodeResponses: true });
    try {
      await expect(limited.executeCommand("GET", "k")).rejects.toThrow(NoPermissionError);
    } finally {
      await limited.close();
    }
    const log = await r.aclLog();
    expect(log.length).toBe(2);
    expect(log[0]).toMatchObject({ count: 1, reason: "command", context: "toplevel", object: "get", username: name });
    expect(log[1]).toMatchObject({ count: 1, reason: "auth", context: "toplevel", username: "default" });
    for (const entry of log) {
      expect(typeof entry["age-seconds"]).toBe("number");
      expect(entry["client-info"]).toMatchObject({ id: expect.any(Number), db: 0, addr: expect.stringMatching(/^127\.0\.0\.1:/) });
    }
    expect(JSON.stringify(log)).not.toContain("wrong-password");
    expect(await r.aclLog(1)).toEqual([expect.objectContaining({ reason: "command" })]);
    expect(await rb.aclLog({ count: 1 })).toEqual([expect.objectContaining({ reason: "command", object: "get" })]);
    expectTypeOf(log).toEqualTypeOf<AclLogEntry[]>();
    await expect(r.aclLog(1.5)).rejects.toThrow(DataError);
    expect(await r.aclLogReset()).toBe(true);
    expect(await r.aclLog()).toEqual([]);
    await r.aclDeluser(name);
  });

  test("save, load", async () => {
    await expect(r.aclSave()).rejects.toThrow(/ACL file/);
    await expect(r.aclLoad()).rejects.toThrow(/ACL file/);
    const f = new Redis({ port: fileServer().port, protocol, decodeResponses: true });
    try {
      const name = user("saved");
      expect(await f.aclSetuser(name, { enabled: true, passwords: ["+pw"], commands: ["+ping"] })).toBe(true);
      expect(await f.aclSave()).toBe(true);
      expect(fs.readFileSync(aclFile, "utf8")).toContain(`user ${name} on #${sha256("pw")}`);
      expect(await f.aclDeluser(name)).toBe(1);
      expect(await f.aclLoad()).toBe(true);
      expect((await f.aclGetuser(name))!.passwords).toEqual([sha256("pw")]);
      expect(await f.aclDeluser(name)).toBe(1);
      expect(await f.aclSave()).toBe(true);
    } finally {
      await f.close();
    }
  });
});
