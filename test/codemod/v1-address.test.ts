/**
 * The function the codemod writes for a v1 address known only at run time: for every v1
 * address form, the v2 URL it gives is read by v2 as compat reads the v1 address (host, port,
 * socket path, db, password, TLS, connect timeout), and what v1 refused or v2 cannot say is
 * refused.
 */
import { describe, expect, it } from "vitest";
import { resolveAddress, v2Options } from "../../compat/address.js";
import { parseUrl } from "../../src/index.js";
import { v1AddressText } from "../../codemods/v2/v1-address.js";

const convert = new Function(`${v1AddressText(false)}\nreturn v1AddressUrl;`)() as (address: unknown) => string;

function viaCompat(address: unknown) {
  const o = v2Options(resolveAddress(address, {}), 10);
  return {
    host: o.unixSocketPath ? undefined : o.host,
    port: o.unixSocketPath ? undefined : o.port,
    unixSocketPath: o.unixSocketPath,
    db: o.db ?? 0,
    password: o.password,
    ssl: !!resolveAddress(address, {}).ssl,
    socketConnectTimeout: o.socketConnectTimeout ?? null,
  };
}

function viaV2(address: unknown) {
  const p = parseUrl(convert(address));
  return {
    host: p.unixSocketPath ? undefined : (p.host ?? "localhost"),
    port: p.unixSocketPath ? undefined : (p.port ?? 6379),
    unixSocketPath: p.unixSocketPath,
    db: p.db ?? 0,
    password: p.password,
    ssl: !!p.ssl,
    socketConnectTimeout: p.socketConnectTimeout ?? null,
  };
}

describe("v1 address as a v2 URL (written by the codemod)", () => {
  const same: unknown[] = [
    "redis://localhost",
    "redis://localhost:6380/2",
    "redis://:secret@example.com:6379?db=3",
    "redis://:p%40ss@h",
    "redis://h?password=a%26b c",
    "redis://",
    "redis://[::1]:7000",
    "rediss://h:6390",
    "redis://h?ssl=true&timeout=1.5",
    "redis://h?ssl=false&unknown=ignored",
    "redis://user:pw@h",
    "unix:///tmp/redis.sock?db=1",
    "unix:///tmp/a%20b.sock",
    "/var/run/redis/redis.sock",
    "/tmp/with space#and?query.sock",
    ["localhost", 6379],
    ["127.0.0.1", 6380],
    ["::1", 6379],
  ];
  for (const address of same) {
    it(`reads ${JSON.stringify(address)} as v1 did`, () => {
      expect(viaV2(address)).toEqual(viaCompat(address));
    });
  }

  const refusedByBoth: unknown[] = ["ftp://h", "redis://h/01", "redis://h/1?db=2", "redis://h?ssl=yes", "redis://h?db=", ["h"], ["h", 70000], 42];
  for (const address of refusedByBoth) {
    it(`refuses ${JSON.stringify(address)} as v1 did`, () => {
      expect(() => viaCompat(address)).toThrow();
      expect(() => convert(address)).toThrow(/^v1 address: /);
    });
  }

  it("refuses what a v2 URL cannot say, naming it", () => {
    expect(() => convert("redis://h?encoding=utf-8")).toThrow(/\?encoding= would decide at run time/);
    expect(() => convert("redis.sock")).toThrow(/relative unix socket path/);
  });
});
