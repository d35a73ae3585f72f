import * as net from "node:net";
import { afterAll, describe, expect, test, vi } from "vitest";
import { AuthenticationError, ConnectionError, fromUrl, NoBackoff, NoPermissionError, Redis, ResponseError, Retry, TimeoutError } from "../src/index.js";
import { startFakeServer, startRedisServer, useRedisServer, type RedisServer } from "./harness/index.js";

const SECRET = "s3cr3t-P@ss:/word";

describe("handshake", () => {
  const plain = useRedisServer();
  const noHello = useRedisServer({ args: ["--rename-command", "HELLO", ""], password: SECRET });
  const acl = useRedisServer({
    password: SECRET,
    aclUsers: [
      { name: "reader", password: SECRET, rules: "~* +@read +ping +hello +client" },
      { name: "writer", password: "w-pass", rules: "~app:* +@all" },
    ],
  });

  test("RESP3 by default, RESP2 on request", async () => {
    const r3 = new Redis({ port: plain().port });
    const r2 = new Redis({ port: plain().port, protocol: 2 });
    await r3.ping();
    await r2.ping();
    expect(r3.connectionPool.sharedConnection().protocol).toBe(3);
    expect(r2.connectionPool.sharedConnection().protocol).toBe(2);
    await Promise.all([r3.close(), r2.close()]);
  });

  test("falls back to RESP2 AUTH when the server has no HELLO", async () => {
    const r = new Redis({ port: noHello().port, password: SECRET, decodeResponses: true });
    expect(await r.ping()).toBe(true);
    expect(r.connectionPool.sharedConnection().protocol).toBe(2);
    await r.set("k", "v");
    expect(await r.get("k")).toBe("v");
    await r.close();
    const wrong = new Redis({ port: noHello().port, password: "nope", retry: null });
    await expect(wrong.ping()).rejects.toBeInstanceOf(AuthenticationError);
    await wrong.close();
  });

  test("client name and db are set on connect", async () => {
    const r = new Redis({ port: plain().port, clientName: "my-app", db: 3, decodeResponses: true });
    await r.set("where", "db3");
    expect(await r.executeCommand("CLIENT", "GETNAME")).toBe("my-app");
    expect(await plain().cli("-n", "3", "GET", "where")).toBe("db3");
    expect(await plain().cli("-n", "0", "EXISTS", "where")).toBe("0");
    const r2 = new Redis({ port: plain().port, clientName: "two", protocol: 2, decodeResponses: true });
    expect(await r2.executeCommand("CLIENT", "GETNAME")).toBe("two");
    await Promise.all([r.close(), r2.close()]);
  });

  test("password and ACL users; wrong credentials give AuthenticationError without the password", async () => {
    const ok = new Redis({ port: acl().port, password: SECRET });
    expect(await ok.ping()).toBe(true);
    const user = new Redis({ port: acl().port, username: "writer", password: "w-pass", decodeResponses: true });
    expect(await user.set("app:x", "1")).toBe(true);
    expect(await user.executeCommand("ACL", "WHOAMI")).toBe("writer");
    for (const [username, password] of [
      [null, "wrong"],
      ["writer", SECRET],
      ["nobody", SECRET],
    ] as const) {
      const bad = new Redis({ port: acl().port, username, password, retry: null });
      const err = await bad.ping().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthenticationError);
      expect(err).toBeInstanceOf(ConnectionError);
      expect(String((err as Error).message)).not.toContain(SECRET);
      expect(String((err as Error).stack)).not.toContain(SECRET);
      await bad.close();
    }
    const none = new Redis({ port: acl().port, retry: null });
    await expect(none.ping()).rejects.toBeInstanceOf(AuthenticationError);
    await Promise.all([ok.close(), user.close(), none.close()]);
  });

  test("a missing permission is a NoPermissionError (a ResponseError naming NOPERM)", async () => {
    const reader = new Redis({ port: acl().port, username: "reader", password: SECRET, decodeResponses: true });
    expect(await reader.get("anything")).toBeNull();
    const err = await reader.set("k", "v").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoPermissionError);
    expect(err).toBeInstanceOf(ResponseError);
    expect((err as Error).message).toMatch(/NOPERM/);
    expect((err as ResponseError).code).toBe("NOPERM");
    // the connection is still good
    expect(await reader.ping()).toBe(true);
    await reader.close();
  });

  test("credentials from the URL and from a credentialProvider", async () => {
    const url = `redis://writer:${encodeURIComponent("w-pass")}@127.0.0.1:${acl().port}/0`;
    const r = fromUrl(url, { decodeResponses: true });
    expect(await r.executeCommand("ACL", "WHOAMI")).toBe("writer");
    let calls = 0;
    const provided = new Redis({
      port: acl().port,
      decodeResponses: true,
      credentialProvider: {
        async getCredentials() {
          calls++;
          return { username: "writer", password: "w-pass" };
        },
      },
    });
    expect(await provided.executeCommand("ACL", "WHOAMI")).toBe("writer");
    expect(calls).toBe(1);
    const bad = fromUrl(`redis://writer:${encodeURIComponent(SECRET)}@127.0.0.1:${acl().port}`, { retry: null });
    const err = await bad.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(JSON.stringify({ m: (err as Error).message, s: (err as Error).stack })).not.toContain("s3cr3t");
    expect(String(bad)).not.toContain("s3cr3t");
    await Promise.all([r.close(), provided.close(), bad.close()]);
  });
});

describe("TLS", () => {
  let tlsServer: RedisServer;
  let mtlsServer: RedisServer;
  afterAll(async () => {
    await tlsServer?.stop();
    await mtlsServer?.stop();
  });

  test("verifies the certificate by default", async () => {
    tlsServer = await startRedisServer({ tls: true });
    const certs = tlsServer.certs!;
    const unverified = new Redis({ port: tlsServer.port, host: "127.0.0.1", ssl: true, retry: null });
    const err = await unverified.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/certificate/i);
    await unverified.close();

    const wrongCa = new Redis({ port: tlsServer.port, ssl: true, sslCaCerts: certs.otherCaCert, retry: null });
    await expect(wrongCa.ping()).rejects.toBeInstanceOf(ConnectionError);
    await wrongCa.close();

    const verified = new Redis({ port: tlsServer.port, host: "127.0.0.1", ssl: true, sslCaCerts: certs.caCert, decodeResponses: true });
    expect(await verified.set("tls", "yes")).toBe(true);
    expect(await verified.get("tls")).toBe("yes");
    await verified.close();

    const byName = new Redis({ port: tlsServer.port, host: "localhost", ssl: true, sslCaCerts: certs.caCert });
    expect(await byName.ping()).toBe(true);
    await byName.close();

    const skip = new Redis({ port: tlsServer.port, ssl: true, sslCertReqs: "none" });
    expect(await skip.ping()).toBe(true);
    await skip.close();

    const viaUrl = fromUrl(`rediss://127.0.0.1:${tlsServer.port}?ssl_ca_certs=${encodeURIComponent(certs.caCert)}`);
    expect(await viaUrl.ping()).toBe(true);
    await viaUrl.close();
  });

  test("client certificates", async () => {
    mtlsServer = await startRedisServer({ tls: true, tlsAuthClients: "yes" });
    const certs = mtlsServer.certs!;
    const withCert = new Redis({
      port: mtlsServer.port,
      ssl: true,
      sslCaCerts: certs.caCert,
      sslCertfile: certs.clientCert,
      sslKeyfile: certs.clientKey,
    });
    expect(await withCert.ping()).toBe(true);
    await withCert.close();
    const without = new Redis({ port: mtlsServer.port, ssl: true, sslCaCerts: certs.caCert, retry: null });
    await expect(without.ping()).rejects.toBeInstanceOf(ConnectionError);
    await without.close();
  });
});

describe("unix sockets", () => {
  const server = useRedisServer({ unixSocket: true });
  test("unixSocketPath and unix:// URLs", async () => {
    const r = new Redis({ unixSocketPath: server().socketPath!, decodeResponses: true });
    await r.set("unix", "1");
    expect(await r.get("unix")).toBe("1");
    const u = fromUrl(`unix://${server().socketPath}?db=2`, { decodeResponses: true });
    await u.set("unix2", "2");
    expect(await server().cli("-n", "2", "GET", "unix2")).toBe("2");
    await Promise.all([r.close(), u.close()]);
  });
});

describe("timeouts and keepalive", () => {
  test("socketTimeout: a server that stops answering gives TimeoutError, then the client recovers", async () => {
    const server = await startRedisServer();
    try {
      const r = new Redis({ port: server.port, socketTimeout: 0.3, retry: new Retry(new NoBackoff(), 0) });
      await r.ping();
      server.pause();
      const started = Date.now();
      const err = await r.get("k").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as Error).message).toMatch(/Timeout reading from localhost:\d+/);
      expect(Date.now() - started).toBeLessThan(10_000);
      server.resume();
      expect(await r.ping()).toBe(true);
      await r.close();
    } finally {
      server.resume();
      await server.stop();
    }
  });

  test("socketConnectTimeout: a peer that never finishes the TLS handshake", async () => {
    const silent = await startFakeServer(() => {});
    try {
      const r = new Redis({ port: silent.port, ssl: true, socketConnectTimeout: 0.2, retry: null });
      const err = await r.ping().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as Error).message).toMatch(/Timeout connecting/);
      await r.close();
    } finally {
      await silent.close();
    }
  });

  test("socketKeepalive sets TCP keepalive", async () => {
    const server = await startRedisServer();
    const spy = vi.spyOn(net.Socket.prototype, "setKeepAlive");
    try {
      const on = new Redis({ port: server.port, socketKeepaliveDelay: 12 });
      await on.ping();
      expect(spy).toHaveBeenCalledWith(true, 12_000);
      spy.mockClear();
      const off = new Redis({ port: server.port, socketKeepalive: false });
      await off.ping();
      expect(spy).not.toHaveBeenCalled();
      await Promise.all([on.close(), off.close()]);
    } finally {
      spy.mockRestore();
      await server.stop();
    }
  });

  test("healthCheckInterval: an idle connection is PINGed before the next command", async () => {
    const server = await startRedisServer();
    try {
      const r = new Redis({ port: server.port, healthCheckInterval: 0.2, decodeResponses: true });
      const pings = async () => {
        const stats = await server.cli("INFO", "commandstats");
        return Number(/cmdstat_ping:calls=(\d+)/.exec(stats)?.[1] ?? 0);
      };
      await r.set("hc", "1");
      const before = await pings();
      await r.get("hc");
      expect(await pings()).toBe(before);
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect(await r.get("hc")).toBe("1");
      expect(await pings()).toBe(before + 1);
      await r.close();
    } finally {
      await server.stop();
    }
  });
});

describe("connect rounds and the offline queue", () => {
  test("failed connect rounds are spaced 50 ms, doubling up to 1 s", async () => {
    const { roundBackoffMs } = await import("../src/connection/connection.js");
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(roundBackoffMs)).toEqual([0, 50, 100, 200, 400, 800, 1000, 1000]);
  });

  test("maxQueuedCommands is checked", () => {
    expect(() => new Redis({ maxQueuedCommands: -1 })).toThrow(/maxQueuedCommands/);
    expect(() => new Redis({ maxQueuedCommands: 1.5 })).toThrow(/maxQueuedCommands/);
    expect(new Redis({ maxQueuedCommands: 0 }).connectionPool.connectionKwargs.maxQueuedCommands).toBe(0);
    expect(new Redis().connectionPool.connectionKwargs.maxQueuedCommands).toBe(10_000);
  });
});
