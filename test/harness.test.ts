import * as fs from "node:fs";
import * as net from "node:net";
import { afterAll, describe, expect, test } from "vitest";
import {
  PING,
  RespCommandParser,
  rawExchange,
  readTlsMaterial,
  resp,
  runRedisCli,
  startCommandServer,
  startFakeServer,
  startProxy,
  startRedisServer,
  stopAllServers,
  useRedisServer,
  withServer,
  type RedisServer,
} from "./harness/index.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  await stopAllServers();
});

describe("redis-server", () => {
  const plain = useRedisServer({ unixSocket: true });

  test("plain server answers PING via cli and raw socket", async () => {
    const s = plain();
    expect(s.host).toBe("127.0.0.1");
    expect(s.port).not.toBe(6379);
    expect(s.url).toBe(`redis://127.0.0.1:${s.port}`);
    expect(await s.cli("PING")).toBe("PONG");
    const r = await rawExchange({ port: s.port }, PING);
    expect(r.data.toString()).toBe("+PONG\r\n");
  });

  test("unix socket", async () => {
    const s = plain();
    expect(s.socketPath).toBeDefined();
    expect(fs.statSync(s.socketPath!).isSocket()).toBe(true);
    const r = await rawExchange({ path: s.socketPath! }, PING);
    expect(r.data.toString()).toBe("+PONG\r\n");
    const cli = await runRedisCli(["-s", s.socketPath!, "ECHO", "via-unix"]);
    expect(cli.stdout.trim()).toBe("via-unix");
  });

  test("password server requires AUTH", async () => {
    await withServer({ password: "s3cret/pw" }, async (s) => {
      expect(s.password).toBe("s3cret/pw");
      expect(s.url).toBe(`redis://:s3cret%2Fpw@127.0.0.1:${s.port}`);
      expect(await s.cli("PING")).toBe("PONG");
      const noAuth = await runRedisCli(["-h", "127.0.0.1", "-p", String(s.port), "PING"]);
      expect(noAuth.stdout).toContain("NOAUTH");
      const raw = await rawExchange({ port: s.port }, PING);
      expect(raw.data.toString()).toMatch(/^-NOAUTH/);
    });
  });

  test("ACL users", async () => {
    await withServer(
      { aclUsers: [{ name: "alice", password: "alice-pw", rules: "~* +@all -flushall" }], args: ["--rename-command", "HELLO", ""] },
      async (s) => {
        // default user still works without a password
        expect(await s.cli("PING")).toBe("PONG");
        expect(await s.cli("HELLO", "3")).toMatch(/unknown command/);
        const as = (...args: string[]) =>
          runRedisCli(["-h", "127.0.0.1", "-p", String(s.port), "--user", "alice", "--pass", "alice-pw", "--no-auth-warning", ...args]);
        expect((await as("SET", "k", "v")).stdout.trim()).toBe("OK");
        expect((await as("FLUSHALL")).stdout).toContain("NOPERM");
        expect((await as("ACL", "WHOAMI")).stdout.trim()).toBe("alice");
        const wrong = await runRedisCli(["-p", String(s.port), "--user", "alice", "--pass", "nope", "--no-auth-warning", "PING"]);
        expect(wrong.stdout + wrong.stderr).toMatch(/WRONGPASS|invalid username-password/);
      },
    );
  });

  test("kill(SIGKILL) then restart on the same port; stop() leaves no process", async () => {
    const s = await startRedisServer();
    const { port } = s;
    const pid1 = s.pid;
    await s.cli("SET", "k", "v");
    await s.kill("SIGKILL");
    expect(s.running).toBe(false);
    expect(alive(pid1)).toBe(false);
    expect((await rawExchange({ port }, PING)).closed).toBe(true);
    await s.restart();
    expect(s.port).toBe(port);
    expect(s.pid).not.toBe(pid1);
    expect(s.running).toBe(true);
    expect(await s.cli("PING")).toBe("PONG");
    expect(await s.cli("GET", "k")).toBe(""); // no persistence: data is gone
    const pid2 = s.pid;
    await s.stop();
    expect(alive(pid2)).toBe(false);
    await s.stop(); // idempotent
    expect(s.readLog()).toContain("Ready to accept connections");
  });

  test("pause/resume simulates a hung server", async () => {
    await withServer({}, async (s) => {
      s.pause();
      const r = await rawExchange({ port: s.port }, PING, { timeoutMs: 200 });
      expect(r.data.length).toBe(0);
      expect(r.closed).toBe(false);
      s.resume();
      expect(await s.cli("PING")).toBe("PONG");
    });
  });

  test("await using stops the server", async () => {
    let pid = 0;
    {
      await using s = await startRedisServer();
      pid = s.pid;
      expect(alive(pid)).toBe(true);
    }
    expect(alive(pid)).toBe(false);
  });

  test("missing binary gives one clear error", async () => {
    const prev = process.env.REDIS_SERVER_BIN;
    process.env.REDIS_SERVER_BIN = "/nonexistent/redis-server";
    try {
      await expect(startRedisServer()).rejects.toThrow("redis-server not found (set REDIS_SERVER_BIN or install it: apt-get install redis-server)");
    } finally {
      if (prev === undefined) delete process.env.REDIS_SERVER_BIN;
      else process.env.REDIS_SERVER_BIN = prev;
    }
  });

  test("bad config fails with the log/stderr in the error", async () => {
    await expect(startRedisServer({ args: ["--no-such-directive", "x"] })).rejects.toThrow(/no-such-directive/);
  });
});

describe("TLS", () => {
  let s: RedisServer;
  afterAll(async () => {
    await s?.stop();
  });

  test("TLS server: cli works, rediss url, real TLS handshake, plaintext refused", async () => {
    s = await startRedisServer({ tls: true });
    expect(s.tlsPort).toBe(s.port);
    expect(s.url).toBe(`rediss://127.0.0.1:${s.port}`);
    expect(s.certs).toBeDefined();
    expect(await s.cli("PING")).toBe("PONG");
    const m = readTlsMaterial(s.certs!);

    // verified against the CA, no client cert (tls-auth-clients optional)
    const ok = await rawExchange({ port: s.port, tls: { ca: m.ca } }, PING);
    expect(ok.data.toString()).toBe("+PONG\r\n");
    // hostname "localhost" is in the SAN too
    const byName = await rawExchange({ host: "127.0.0.1", port: s.port, tls: { ca: m.ca, servername: "localhost" } }, PING);
    expect(byName.data.toString()).toBe("+PONG\r\n");
    // wrong CA fails verification
    const wrongCa = await rawExchange({ port: s.port, tls: { ca: m.otherCa } }, PING);
    expect(wrongCa.error?.message).toMatch(/self[- ]signed|unable to verify|certificate/i);
    // plaintext on the TLS port gets no reply and is closed
    const plain = await rawExchange({ port: s.port }, PING, { timeoutMs: 2_000 });
    expect(plain.data.toString()).not.toContain("PONG");
    expect(plain.closed).toBe(true);
  });

  test("tlsAuthClients yes requires the client certificate", async () => {
    await withServer({ tls: true, tlsAuthClients: "yes", password: "pw" }, async (t) => {
      expect(t.url).toBe(`rediss://:pw@127.0.0.1:${t.port}`);
      expect(await t.cli("PING")).toBe("PONG");
      const m = readTlsMaterial(t.certs!);
      const auth = "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n" + PING;
      const withCert = await rawExchange({ port: t.port, tls: { ca: m.ca, cert: m.cert, key: m.key } }, auth, {
        until: (b) => b.toString().includes("PONG"),
      });
      expect(withCert.data.toString()).toBe("+OK\r\n+PONG\r\n");
      const noCert = await rawExchange({ port: t.port, tls: { ca: m.ca } }, auth);
      expect(noCert.closed).toBe(true);
      expect(noCert.data.toString()).not.toContain("PONG");
      const otherCert = await rawExchange(
        { port: t.port, tls: { ca: m.ca, cert: fs.readFileSync(t.certs!.otherClientCert), key: fs.readFileSync(t.certs!.otherClientKey) } },
        auth,
      );
      expect(otherCert.data.toString()).not.toContain("PONG");
    });
  });
});

describe("proxy", () => {
  const server = useRedisServer();

  test("passes data both ways and counts connections", async () => {
    await using proxy = await startProxy({ host: "127.0.0.1", port: server().port });
    const r = await rawExchange({ port: proxy.port }, PING);
    expect(r.data.toString()).toBe("+PONG\r\n");
    expect(proxy.bytesToClient).toBe(7);
    expect(proxy.bytesToServer).toBe(PING.length);
    await proxy.waitForConnections(0);
  });

  test("splitEvery delivers the reply in n-byte pieces", async () => {
    await using proxy = await startProxy({ host: "127.0.0.1", port: server().port });
    proxy.splitEvery(1);
    const pieces: string[] = [];
    const sock = net.connect({ host: "127.0.0.1", port: proxy.port });
    sock.setNoDelay(true);
    const got = new Promise<void>((resolve) => {
      sock.on("data", (d: Buffer) => {
        pieces.push(d.toString());
        if (pieces.join("") === "+PONG\r\n") resolve();
      });
    });
    sock.write(PING);
    await got;
    sock.destroy();
    expect(pieces.join("")).toBe("+PONG\r\n");
    // setImmediate between pieces: an in-process client sees one read per piece
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces).toEqual(["+", "P", "O", "N", "G", "\r", "\n"]);
  });

  test("cutAfter forwards n bytes then destroys the connection", async () => {
    await using proxy = await startProxy({ host: "127.0.0.1", port: server().port });
    proxy.cutAfter(3);
    const r = await rawExchange({ port: proxy.port }, PING, { until: () => false });
    expect(r.data.toString()).toBe("+PO");
    expect(r.closed).toBe(true);
    // one-shot: the next connection works
    const r2 = await rawExchange({ port: proxy.port }, PING);
    expect(r2.data.toString()).toBe("+PONG\r\n");
  });

  test("delay, corrupt and stall", async () => {
    await using proxy = await startProxy({ host: "127.0.0.1", port: server().port });
    proxy.delay(150);
    const t0 = Date.now();
    expect((await rawExchange({ port: proxy.port }, PING)).data.toString()).toBe("+PONG\r\n");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    proxy.delay(0);
    proxy.corrupt((b) => Buffer.from(b.toString().replace("PONG", "PANG")));
    expect((await rawExchange({ port: proxy.port }, PING)).data.toString()).toBe("+PANG\r\n");
    proxy.corrupt(null);
    proxy.stall(true);
    const pending = rawExchange({ port: proxy.port }, PING, { timeoutMs: 3_000 });
    await new Promise((r) => setTimeout(r, 100));
    proxy.stall(false);
    expect((await pending).data.toString()).toBe("+PONG\r\n");
  });

  test("dropConnections and refuse", async () => {
    await using proxy = await startProxy({ host: "127.0.0.1", port: server().port });
    const sock = net.connect({ host: "127.0.0.1", port: proxy.port });
    const closed = new Promise<void>((resolve) => sock.on("close", () => resolve()));
    sock.on("error", () => {});
    await new Promise<void>((resolve) => sock.once("connect", () => resolve()));
    await proxy.waitForConnections(1);
    proxy.dropConnections();
    await closed;
    expect(proxy.connections).toBe(0);

    proxy.refuse(true);
    const refused = await rawExchange({ port: proxy.port }, PING);
    expect(refused.closed).toBe(true);
    expect(refused.data.length).toBe(0);
    proxy.refuse(false);
    expect((await rawExchange({ port: proxy.port }, PING)).data.toString()).toBe("+PONG\r\n");
  });

  test("proxy closes the client when the server is killed", async () => {
    const s = await startRedisServer();
    try {
      await using proxy = await startProxy({ host: "127.0.0.1", port: s.port });
      const sock = net.connect({ host: "127.0.0.1", port: proxy.port });
      sock.on("error", () => {});
      const closed = new Promise<void>((resolve) => sock.on("close", () => resolve()));
      await new Promise<void>((resolve) => sock.once("connect", () => resolve()));
      await proxy.waitForConnections(1);
      await s.kill();
      await closed;
    } finally {
      await s.stop();
    }
  });
});

describe("fake servers", () => {
  test("startFakeServer scripts raw replies", async () => {
    await using fake = await startFakeServer((socket, data) => {
      if (data.toString().includes("PING")) socket.write("-ERR scripted\r\n");
    });
    const r = await rawExchange({ port: fake.port }, PING);
    expect(r.data.toString()).toBe("-ERR scripted\r\n");
  });

  test("startCommandServer parses pipelined commands", async () => {
    const seen: string[][] = [];
    await using fake = await startCommandServer((args, socket) => {
      seen.push(args);
      socket.write(args[0]!.toUpperCase() === "GET" ? resp.bulk(null) : resp.simple("OK"));
    });
    const payload = Buffer.concat([resp.command("SET", "k", "v"), resp.command("GET", "k")]);
    const r = await rawExchange({ port: fake.port }, payload, { until: (b) => b.toString() === "+OK\r\n$-1\r\n" });
    expect(r.data.toString()).toBe("+OK\r\n$-1\r\n");
    expect(seen).toEqual([
      ["SET", "k", "v"],
      ["GET", "k"],
    ]);
  });

  test("RespCommandParser handles split input and inline commands", () => {
    const p = new RespCommandParser();
    const wire = Buffer.concat([resp.command("ECHO", "a\r\nb"), Buffer.from("PING x\r\n")]);
    const out: string[][] = [];
    for (const byte of wire) out.push(...p.push(Buffer.from([byte])).map((c) => c.map(String)));
    expect(out).toEqual([
      ["ECHO", "a\r\nb"],
      ["PING", "x"],
    ]);
  });
});
