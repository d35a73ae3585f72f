import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, test } from "vitest";
import { DataError, Redis, ResponseError } from "../../src/index.js";
import type { GeoCoordinate, GeoSearchResult } from "../../src/commands/geo.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

const PALERMO = [13.361389, 38.115556, "Palermo"] as const;
const CATANIA = [15.087269, 37.502669, "Catania"] as const;
// the positions as stored (52-bit geohash precision)
const PALERMO_POS: GeoCoordinate = [13.361389338970184, 38.1155563954963];
const CATANIA_POS: GeoCoordinate = [15.087267458438873, 37.50266842333162];
const PALERMO_HASH = 3479099956230698;
const CATANIA_HASH = 3479447370796909;

describe.each([2, 3] as const)("geo commands over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const k = (name: string): string => `p${protocol}:${name}`;
  const g = k("sicily");

  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });
  beforeEach(async () => {
    await r.executeCommand("DEL", g);
    expect(await r.geoadd(g, [...PALERMO, ...CATANIA])).toBe(2);
  });

  test("geoadd with nx, xx, ch", async () => {
    expect(await r.geoadd(g, [13.5, 38.2, "Palermo"], { nx: true })).toBe(0);
    expect(await r.geopos(g, "Palermo")).toEqual([PALERMO_POS]);
    expect(await r.geoadd(g, [13.5, 38.2, "Palermo", 12.5, 37.8, "Marsala"], { xx: true, ch: true })).toBe(1);
    expect(await r.geopos(g, "Marsala")).toEqual([null]);
    expect(await r.geoadd(g, [12.5, 37.8, "Marsala"], false, false, true)).toBe(1);
    await expect(r.geoadd(g, [1, 2, "a"], { nx: true, xx: true })).rejects.toThrow(/GEOADD: 'nx' and 'xx' are mutually exclusive/);
    await expect(r.geoadd(g, [1, 2])).rejects.toThrow(/GEOADD: 'values' must be longitude, latitude and member triples/);
    await expect(r.geoadd(g, [])).rejects.toThrow(DataError);
    await expect(r.geoadd(g, [1, 2, { a: 1 }] as never)).rejects.toThrow(/GEOADD: argument 'values'/);
    await expect(r.geoadd(g, [500, 2, "bad"])).rejects.toThrow(ResponseError);
  });

  test("geodist, geohash, geopos", async () => {
    expect(await r.geodist(g, "Palermo", "Catania")).toBe(166274.1516);
    expect(await r.geodist(g, "Palermo", "Catania", "km")).toBe(166.2742);
    expect(await r.geodist(g, "Palermo", "Catania", { unit: "mi" })).toBe(103.3182);
    expect(await r.geodist(g, "Palermo", "Nowhere")).toBeNull();
    await expect(r.geodist(g, "Palermo", "Catania", "yards" as never)).rejects.toThrow(/GEODIST: 'unit' must be one of m, km, mi, ft/);

    expect(await r.geohash(g, "Palermo", "Catania", "Nowhere")).toEqual(["sqc8b49rny0", "sqdtr74hyu0", null]);
    expect(await rb.geohash(g, "Palermo")).toEqual(["sqc8b49rny0"]);
    expectTypeOf(await rb.geohash(g, "Palermo")).toEqualTypeOf<(string | null)[]>();

    expect(await r.geopos(g, "Palermo", "Nowhere", "Catania")).toEqual([PALERMO_POS, null, CATANIA_POS]);
    expect(await rb.geopos(g, "Catania")).toEqual([CATANIA_POS]);
    expect(await r.geopos(k("none"), "x")).toEqual([null]);
  });

  test("georadius and georadiusbymember", async () => {
    expect(await r.georadius(g, 15, 37, 200, { unit: "km", sort: "ASC" })).toEqual(["Catania", "Palermo"]);
    expect(await r.georadius(g, 15, 37, 100, "km")).toEqual(["Catania"]);
    expect(await r.georadius(g, 15, 37, 100)).toEqual([]);
    const full = await r.georadius(g, 15, 37, 200, { unit: "km", withdist: true, withcoord: true, withhash: true, sort: "ASC" });
    expect(full).toEqual([
      ["Catania", 56.4413, CATANIA_HASH, CATANIA_POS],
      ["Palermo", 190.4424, PALERMO_HASH, PALERMO_POS],
    ]);
    expectTypeOf(full).toEqualTypeOf<GeoSearchResult<string>[]>();
    expect(await r.georadius(g, 15, 37, 200, "km", true, false, false, 1, "DESC")).toEqual([["Palermo", 190.4424]]);
    expect(await r.georadius(g, 15, 37, 200, { unit: "km", withcoord: true, count: 1, any: true })).toHaveLength(1);
    expect(await rb.georadius(g, 15, 37, 100, { unit: "km", withhash: true })).toEqual([[Buffer.from("Catania"), CATANIA_HASH]]);

    const dest = k("dest");
    expect(await r.georadius(g, 15, 37, 200, { unit: "km", store: dest })).toBe(2);
    expect(await r.geopos(dest, "Palermo")).toEqual([PALERMO_POS]);
    const distDest = k("distdest");
    expect(await r.georadius(g, 15, 37, 200, { unit: "km", storeDist: distDest, sort: "asc" })).toBe(2);
    expect(Number(await r.executeCommand("ZSCORE", distDest, "Catania"))).toBeCloseTo(56.4413, 3);

    expect(await r.georadiusbymember(g, "Palermo", 180, { unit: "km", sort: "ASC" })).toEqual(["Palermo", "Catania"]);
    expect(await r.georadiusbymember(g, "Palermo", 100, "km", true)).toEqual([["Palermo", 0]]);
    expect(await r.georadiusbymember(g, "Palermo", 200, { unit: "km", store: dest })).toBe(2);

    await expect(r.georadius(g, 15, 37, 200, { unit: "yd" as never })).rejects.toThrow(/GEORADIUS: 'unit'/);
    await expect(r.georadius(g, 15, 37, 200, { any: true })).rejects.toThrow(/GEORADIUS: 'any' needs 'count'/);
    await expect(r.georadius(g, 15, 37, 200, { sort: "UP" as never })).rejects.toThrow(/GEORADIUS: 'sort' must be ASC or DESC/);
    await expect(r.georadius(g, 15, 37, 200, { store: dest, storeDist: dest } as never)).rejects.toThrow(/mutually exclusive/);
    await expect(r.georadius(g, "east" as never, 37, 200)).rejects.toThrow(/GEORADIUS: argument 'longitude' must be a finite number/);
    await expect(r.georadiusbymember(g, "Nowhere", 10)).rejects.toThrow(ResponseError);
  });

  test("georadiusRo and georadiusbymemberRo", async () => {
    expect(await r.georadiusRo(g, 15, 37, 200, { unit: "km", sort: "DESC" })).toEqual(["Palermo", "Catania"]);
    expect(await r.georadiusRo(g, 15, 37, 200, "km", true, false, false, null, "ASC")).toEqual([
      ["Catania", 56.4413],
      ["Palermo", 190.4424],
    ]);
    expect(await r.georadiusbymemberRo(g, "Catania", 200, { unit: "km", withcoord: true, sort: "ASC" })).toEqual([
      ["Catania", CATANIA_POS],
      ["Palermo", PALERMO_POS],
    ]);
    expect(await r.georadiusbymemberRo(g, "Catania", 1)).toEqual(["Catania"]);
    await expect(r.georadiusRo(g, 15, 37, 200, { store: "x" } as never)).rejects.toThrow(/unknown keyword argument 'store'/);
  });

  test("geosearch", async () => {
    expect(await r.geosearch(g, { longitude: 15, latitude: 37, radius: 200, unit: "km", sort: "ASC" })).toEqual(["Catania", "Palermo"]);
    expect(await r.geosearch(g, { member: "Palermo", width: 400, height: 400, unit: "km", sort: "DESC" })).toEqual(["Catania", "Palermo"]);
    expect(
      await r.geosearch(g, { longitude: 15, latitude: 37, radius: 200, unit: "km", sort: "ASC", withdist: true, withhash: true, withcoord: true }),
    ).toEqual([
      ["Catania", 56.4413, CATANIA_HASH, CATANIA_POS],
      ["Palermo", 190.4424, PALERMO_HASH, PALERMO_POS],
    ]);
    // positional, in redis-py's order: member, longitude, latitude, unit, radius, width, height, sort, count, any, withcoord
    expect(await r.geosearch(g, null, 15, 37, "km", 200, null, null, "ASC", 1, false, true)).toEqual([["Catania", CATANIA_POS]]);
    expect(await r.geosearch(g, { member: "Palermo", radius: 200_000, count: 1, any: true })).toHaveLength(1);
    expect(await rb.geosearch(g, { member: "Catania", radius: 10 })).toEqual([Buffer.from("Catania")]);

    await expect(r.geosearch(g, { radius: 10 })).rejects.toThrow(/GEOSEARCH needs 'member', or 'longitude' and 'latitude'/);
    await expect(r.geosearch(g, { member: "Palermo", longitude: 1, latitude: 2, radius: 10 })).rejects.toThrow(/mutually exclusive/);
    await expect(r.geosearch(g, { member: "Palermo" })).rejects.toThrow(/GEOSEARCH needs 'radius', or 'width' and 'height'/);
    await expect(r.geosearch(g, { member: "Palermo", radius: 1, width: 1, height: 1 })).rejects.toThrow(/mutually exclusive/);
    await expect(r.geosearch(g, { member: "Palermo", radius: 1, unit: "yd" as never })).rejects.toThrow(/'unit'/);
    await expect(r.geosearch(g, { member: "Palermo", radius: 1, any: true })).rejects.toThrow(/GEOSEARCH: 'any' needs 'count'/);
    await expect(r.geosearch(g, { member: "Palermo", radius: 1, sort: "x" as never })).rejects.toThrow(/'sort'/);
  });

  test("geosearchstore", async () => {
    const dest = k("store");
    expect(await r.geosearchstore(dest, g, { longitude: 15, latitude: 37, radius: 100, unit: "km" })).toBe(1);
    expect(await r.geopos(dest, "Catania")).toEqual([CATANIA_POS]);
    expect(await r.geosearchstore(dest, g, { member: "Palermo", radius: 200, unit: "km", storedist: true, sort: "ASC", count: 2 })).toBe(2);
    expect(await r.executeCommand("ZRANGE", dest, 0, -1)).toEqual(["Palermo", "Catania"]);
    expect(await r.geosearchstore(dest, g, "Palermo", null, null, "m", 1)).toBe(1);
    await expect(r.geosearchstore(dest, g, {})).rejects.toThrow(/GEOSEARCHSTORE needs 'member'/);
  });
});
