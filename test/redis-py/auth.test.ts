/**
 * Issue 14 item 3: a user name without a password. redis-py
 * (redis/asyncio/connection.py `on_connect_check_health` with
 * redis/credentials.py `UsernamePasswordCredentialProvider`, whose `password or ""`
 * turns a missing password into "") authenticates as that user with an empty password:
 * `HELLO 3 AUTH user ""` on RESP3, `AUTH user ""` on RESP2. It never falls back to
 * `default` silently.
 */
import { describe, expect, test } from "vitest";
import { AuthenticationError, fromUrl, Redis } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const users = [
  { name: "pw", password: "pw-secret", rules: "~* +@all" },
  { name: "helper", password: "h", rules: "~* +@all" },
];

async function addNopassUser(port: number): Promise<void> {
  const admin = new Redis({ port, username: "helper", password: "h" });
  await admin.executeCommand("ACL", "SETUSER", "free", "on", "nopass", "~*", "+@all");
  await admin.close();
}

describe('username without a password (redis-py: AUTH user "")', () => {
  // `default` is left open (no requirepass): a silent fall back to it would succeed.
  const server = useRedisServer({ aclUsers: users });
  const noHello = useRedisServer({ aclUsers: users, args: ["--rename-command", "HELLO", ""] });

  for (const [label, which, protocol] of [
    ['RESP3 (HELLO 3 AUTH user "")', server, 3],
    ['RESP2 (AUTH user "")', server, 2],
    ["RESP2 fallback, server without HELLO", noHello, 3],
  ] as const) {
    test(`${label}: a nopass user is authenticated as itself`, async () => {
      await addNopassUser(which().port);
      const r = new Redis({ port: which().port, protocol, username: "free", decodeResponses: true });
      expect(await r.executeCommand("ACL", "WHOAMI")).toBe("free");
      await r.close();
    });

    test(`${label}: a user with a password fails with AuthenticationError, never connects as default`, async () => {
      const r = new Redis({ port: which().port, protocol, username: "pw", retry: null, decodeResponses: true });
      const err = await r.executeCommand("ACL", "WHOAMI").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthenticationError);
      await r.close();
    });
  }

  test("URL redis://user@host authenticates as that user", async () => {
    await addNopassUser(server().port);
    const r = fromUrl(`redis://free@127.0.0.1:${server().port}/0`, { decodeResponses: true });
    expect(await r.executeCommand("ACL", "WHOAMI")).toBe("free");
    await r.close();
    const bad = fromUrl(`redis://pw@127.0.0.1:${server().port}/0`, { retry: null });
    await expect(bad.ping()).rejects.toBeInstanceOf(AuthenticationError);
    await bad.close();
  });

  test("a credentialProvider returning only a username", async () => {
    await addNopassUser(server().port);
    for (const protocol of [2, 3] as const) {
      const r = new Redis({
        port: server().port,
        protocol,
        decodeResponses: true,
        credentialProvider: { getCredentials: () => ({ username: "free" }) },
      });
      expect(await r.executeCommand("ACL", "WHOAMI")).toBe("free");
      await r.close();
      const bad = new Redis({ port: server().port, protocol, retry: null, credentialProvider: { getCredentials: async () => ({ username: "pw" }) } });
      await expect(bad.ping()).rejects.toBeInstanceOf(AuthenticationError);
      await bad.close();
    }
  });

  test("credentials of the wrong type are a DataError naming the field", async () => {
    const r = new Redis({
      port: server().port,
      retry: null,
      credentialProvider: { getCredentials: () => ({ username: "free", password: 42 as unknown as string }) },
    });
    await expect(r.ping()).rejects.toThrow(/'password' must be a string/);
    await r.close();
  });
});
