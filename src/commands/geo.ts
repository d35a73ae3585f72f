import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { exclusive } from "./args.js";
import { strOrNull, toArray, toNumber, toNumberOrNull } from "./replies.js";
import { defineCommands, type Bound, type CommandDef, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret, Without } from "./types.js";

/** A distance unit. */
export type GeoUnit = "m" | "km" | "mi" | "ft" | "M" | "KM" | "MI" | "FT";
export type GeoSort = "ASC" | "DESC" | "asc" | "desc";

/** `[longitude, latitude]`. */
export type GeoCoordinate = [longitude: number, latitude: number];

/**
 * One result of a search with `withdist`, `withhash` or `withcoord`, as redis-py's
 * `parse_geosearch_generic`: `[member, dist?, hash?, [lon, lat]?]`, in that order, with
 * only the parts asked for.
 */
export type GeoSearchResult<T> = [member: T, ...extra: (number | GeoCoordinate)[]];

export interface GeoRadiusReadOptions {
  /** `m` (the default), `km`, `mi` or `ft`. */
  unit?: GeoUnit | null;
  withdist?: boolean;
  withcoord?: boolean;
  withhash?: boolean;
  count?: number | null;
  sort?: GeoSort | null;
  /** With `count`: return as soon as enough matches are found. */
  any?: boolean;
}

export interface GeoRadiusOptions extends GeoRadiusReadOptions {
  /** Store the members in this sorted set (with their geo scores); the reply is then a count. */
  store?: KeyT | null;
  /** Store the members in this sorted set with their distances as scores; the reply is then a count. */
  storeDist?: KeyT | null;
}

interface GeoSearchShape {
  /** Search from this member's position... */
  member?: EncodableT | null;
  /** ...or from these coordinates. */
  longitude?: number | null;
  latitude?: number | null;
  /** `m` (the default), `km`, `mi` or `ft`. */
  unit?: GeoUnit;
  /** A circle of this radius... */
  radius?: number | null;
  /** ...or a box of this width and height. */
  width?: number | null;
  height?: number | null;
  sort?: GeoSort | null;
  count?: number | null;
  any?: boolean;
}

export interface GeoSearchOptions extends GeoSearchShape {
  withcoord?: boolean;
  withdist?: boolean;
  withhash?: boolean;
}

export interface GeoSearchStoreOptions extends GeoSearchShape {
  /** Store distances as the scores instead of geo scores. */
  storedist?: boolean;
}

type WithAny = { withdist: true } | { withcoord: true } | { withhash: true };
type WithNone = { withdist?: false; withcoord?: false; withhash?: false };
type Stores = { store: KeyT } | { storeDist: KeyT };
type NoStore = { store?: null; storeDist?: null };

export interface GeoCommands<T, M> {
  /** GEOADD: `values` is flat `[lon, lat, member, lon, lat, member, ...]`; the number added (or changed with `ch`). */
  geoadd(name: KeyT, values: EncodableT[], options?: { nx?: boolean; xx?: boolean; ch?: boolean }): Ret<M, number>;
  geoadd(name: KeyT, values: EncodableT[], nx: boolean, options: Without<{ nx?: boolean; xx?: boolean; ch?: boolean }, "nx">): Ret<M, number>;
  geoadd(name: KeyT, values: EncodableT[], nx?: boolean, xx?: boolean, ch?: boolean): Ret<M, number>;
  /** GEODIST: the distance in `unit` (meters by default), `null` when a member is missing. */
  geodist(name: KeyT, place1: EncodableT, place2: EncodableT, unit?: GeoUnit | null): Ret<M, number | null>;
  geodist(name: KeyT, place1: EncodableT, place2: EncodableT, options: { unit?: GeoUnit | null }): Ret<M, number | null>;
  /** GEOHASH: an 11-character geohash string per member (`null` for a missing one). */
  geohash(name: KeyT, ...values: EncodableT[]): Ret<M, (string | null)[]>;
  /** GEOPOS: `[lon, lat]` per member (`null` for a missing one). */
  geopos(name: KeyT, ...values: EncodableT[]): Ret<M, (GeoCoordinate | null)[]>;
  /** GEORADIUS: members, `[member, dist?, hash?, coord?]` with a `with*` option, or a count with `store`/`storeDist`. */
  georadius(name: KeyT, longitude: number, latitude: number, radius: number, options: GeoRadiusOptions & Stores): Ret<M, number>;
  georadius(
    name: KeyT,
    longitude: number,
    latitude: number,
    radius: number,
    unit: GeoUnit | null,
    options: Without<GeoRadiusOptions & Stores, "unit">,
  ): Ret<M, number>;
  georadius(name: KeyT, longitude: number, latitude: number, radius: number, options: GeoRadiusOptions & NoStore & WithAny): Ret<M, GeoSearchResult<T>[]>;
  georadius(
    name: KeyT,
    longitude: number,
    latitude: number,
    radius: number,
    unit: GeoUnit | null,
    options: Without<GeoRadiusOptions & NoStore & WithAny, "unit">,
  ): Ret<M, GeoSearchResult<T>[]>;
  georadius(name: KeyT, longitude: number, latitude: number, radius: number, options?: GeoRadiusOptions & NoStore & WithNone): Ret<M, T[]>;
  georadius(
    name: KeyT,
    longitude: number,
    latitude: number,
    radius: number,
    unit: GeoUnit | null,
    options: Without<GeoRadiusOptions & NoStore & WithNone, "unit">,
  ): Ret<M, T[]>;
  georadius(name: KeyT, longitude: number, latitude: number, radius: number, options?: GeoRadiusOptions): Ret<M, T[] | GeoSearchResult<T>[] | number>;
  georadius(
    name: KeyT,
    longitude: number,
    latitude: number,
    radius: number,
    unit: GeoUnit | null,
    options: Without<GeoRadiusOptions, "unit">,
  ): Ret<M, T[] | GeoSearchResult<T>[] | number>;
  georadius(
    name: KeyT,
    longitude: number,
    latitude: number,
    radius: number,
    unit?: GeoUnit | null,
    withdist?: boolean,
    withcoord?: boolean,
    withhash?: boolean,
    count?: number | null,
    sort?: GeoSort | null,
    store?: KeyT | null,
    storeDist?: KeyT | null,
    any?: boolean,
  ): Ret<M, T[] | GeoSearchResult<T>[] | number>;
  /** GEORADIUSBYMEMBER: as `georadius`, centered on a member. */
  georadiusbymember(name: KeyT, member: EncodableT, radius: number, options: GeoRadiusOptions & Stores): Ret<M, number>;
  georadiusbymember(name: KeyT, member: EncodableT, radius: number, unit: GeoUnit | null, options: Without<GeoRadiusOptions & Stores, "unit">): Ret<M, number>;
  georadiusbymember(name: KeyT, member: EncodableT, radius: number, options: GeoRadiusOptions & NoStore & WithAny): Ret<M, GeoSearchResult<T>[]>;
  georadiusbymember(
    name: KeyT,
    member: EncodableT,
    radius: number,
    unit: GeoUnit | null,
    options: Without<GeoRadiusOptions & NoStore & WithAny, "unit">,
  ): Ret<M, GeoSearchResult<T>[]>;
  georadiusbymember(name: KeyT, member: EncodableT, radius: number, options?: GeoRadiusOptions & NoStore & WithNone): Ret<M, T[]>;
  georadiusbymember(
    name: KeyT,
    member: EncodableT,
    radius: number,
    unit: GeoUnit | null,
    options: Without<GeoRadiusOptions & NoStore & WithNone, "unit">,
  ): Ret<M, T[]>;
  georadiusbymember(name: KeyT, member: EncodableT, radius: number, options?: GeoRadiusOptions): Ret<M, T[] | GeoSearchResult<T>[] | number>;
  georadiusbymember(
    name: KeyT,
    member: EncodableT,
    radius: number,
    unit: GeoUnit | null,
    options: Without<GeoRadiusOptions, "unit">,
  ): Ret<M, T[] | GeoSearchResult<T>[] | number>;
  georadiusbymember(
    name: KeyT,
    member: EncodableT,
    radius: number,
    unit?: GeoUnit | null,
    withdist?: boolean,
    withcoord?: boolean,
    withhash?: boolean,
    count?: number | null,
    sort?: GeoSort | null,
    store?: KeyT | null,
    storeDist?: KeyT | null,
    any?: boolean,
  ): Ret<M, T[] | GeoSearchResult<T>[] | number>;
  /** GEORADIUS_RO (no redis-py method): `georadius` without `store`/`storeDist`. */
  georadiusRo(name: KeyT, longitude: number, latitude: number, radius: number, options: GeoRadiusReadOptions & WithAny): Ret<M, GeoSearchResult<T>[]>;
  georadiusRo(
    name: KeyT,
    longitude: number,
    latitude: number,
    radius: number,
    unit: GeoUnit | null,
    options: Without<GeoRadiusReadOptions & WithAny, "unit">,
  ): Ret<M, GeoSearchResult<T>[]>;
  georadiusRo(name: KeyT, longitude: number, latitude: number, radius: number, options?: GeoRadiusReadOptions & WithNone): Ret<M, T[]>;
  georadiusRo(
    name: KeyT,
    longitude: number,
    latitude: number,
    radius: number,
    unit: GeoUnit | null,
    options: Without<GeoRadiusReadOptions & WithNone, "unit">,
  ): Ret<M, T[]>;
  georadiusRo(name: KeyT, longitude: number, latitude: number, radius: number, options?: GeoRadiusReadOptions): Ret<M, T[] | GeoSearchResult<T>[]>;
  georadiusRo(
    name: KeyT,
    longitude: number,
    latitude: number,
    radius: number,
    unit: GeoUnit | null,
    options: Without<GeoRadiusReadOptions, "unit">,
  ): Ret<M, T[] | GeoSearchResult<T>[]>;
  georadiusRo(
    name: KeyT,
    longitude: number,
    latitude: number,
    radius: number,
    unit?: GeoUnit | null,
    withdist?: boolean,
    withcoord?: boolean,
    withhash?: boolean,
    count?: number | null,
    sort?: GeoSort | null,
    any?: boolean,
  ): Ret<M, T[] | GeoSearchResult<T>[]>;
  /** GEORADIUSBYMEMBER_RO (no redis-py method): `georadiusbymember` without `store`/`storeDist`. */
  georadiusbymemberRo(name: KeyT, member: EncodableT, radius: number, options: GeoRadiusReadOptions & WithAny): Ret<M, GeoSearchResult<T>[]>;
  georadiusbymemberRo(
    name: KeyT,
    member: EncodableT,
    radius: number,
    unit: GeoUnit | null,
    options: Without<GeoRadiusReadOptions & WithAny, "unit">,
  ): Ret<M, GeoSearchResult<T>[]>;
  georadiusbymemberRo(name: KeyT, member: EncodableT, radius: number, options?: GeoRadiusReadOptions & WithNone): Ret<M, T[]>;
  georadiusbymemberRo(
    name: KeyT,
    member: EncodableT,
    radius: number,
    unit: GeoUnit | null,
    options: Without<GeoRadiusReadOptions & WithNone, "unit">,
  ): Ret<M, T[]>;
  georadiusbymemberRo(name: KeyT, member: EncodableT, radius: number, options?: GeoRadiusReadOptions): Ret<M, T[] | GeoSearchResult<T>[]>;
  georadiusbymemberRo(
    name: KeyT,
    member: EncodableT,
    radius: number,
    unit: GeoUnit | null,
    options: Without<GeoRadiusReadOptions, "unit">,
  ): Ret<M, T[] | GeoSearchResult<T>[]>;
  georadiusbymemberRo(
    name: KeyT,
    member: EncodableT,
    radius: number,
    unit?: GeoUnit | null,
    withdist?: boolean,
    withcoord?: boolean,
    withhash?: boolean,
    count?: number | null,
    sort?: GeoSort | null,
    any?: boolean,
  ): Ret<M, T[] | GeoSearchResult<T>[]>;
  /** GEOSEARCH: from a member or coordinates, in a radius or a box. */
  geosearch(name: KeyT, options: GeoSearchOptions & WithAny): Ret<M, GeoSearchResult<T>[]>;
  geosearch(name: KeyT, member: EncodableT | null, options: Without<GeoSearchOptions & WithAny, "member">): Ret<M, GeoSearchResult<T>[]>;
  geosearch(name: KeyT, options: GeoSearchOptions & WithNone): Ret<M, T[]>;
  geosearch(name: KeyT, member: EncodableT | null, options: Without<GeoSearchOptions & WithNone, "member">): Ret<M, T[]>;
  geosearch(name: KeyT, options: GeoSearchOptions): Ret<M, T[] | GeoSearchResult<T>[]>;
  geosearch(name: KeyT, member: EncodableT | null, options: Without<GeoSearchOptions, "member">): Ret<M, T[] | GeoSearchResult<T>[]>;
  geosearch(
    name: KeyT,
    member?: EncodableT | null,
    longitude?: number | null,
    latitude?: number | null,
    unit?: GeoUnit,
    radius?: number | null,
    width?: number | null,
    height?: number | null,
    sort?: GeoSort | null,
    count?: number | null,
    any?: boolean,
    withcoord?: boolean,
    withdist?: boolean,
    withhash?: boolean,
  ): Ret<M, T[] | GeoSearchResult<T>[]>;
  /** GEOSEARCHSTORE: the number of members stored in `dest`. */
  geosearchstore(dest: KeyT, name: KeyT, options: GeoSearchStoreOptions): Ret<M, number>;
  geosearchstore(dest: KeyT, name: KeyT, member: EncodableT | null, options: Without<GeoSearchStoreOptions, "member">): Ret<M, number>;
  geosearchstore(
    dest: KeyT,
    name: KeyT,
    member?: EncodableT | null,
    longitude?: number | null,
    latitude?: number | null,
    unit?: GeoUnit,
    radius?: number | null,
    width?: number | null,
    height?: number | null,
    sort?: GeoSort | null,
    count?: number | null,
    any?: boolean,
    storedist?: boolean,
  ): Ret<M, number>;
}

// ---- helpers -------------------------------------------------------------------------------

const UNITS = ["m", "km", "mi", "ft"];

function checkUnit(command: string, unit: unknown): void {
  if (typeof unit !== "string" || !UNITS.includes(unit.toLowerCase())) {
    throw new DataError(`${command}: 'unit' must be one of m, km, mi, ft`);
  }
}

function sortWord(command: string, sort: unknown): "ASC" | "DESC" {
  const word = typeof sort === "string" ? sort.toUpperCase() : "";
  if (word !== "ASC" && word !== "DESC") throw new DataError(`${command}: 'sort' must be ASC or DESC`);
  return word;
}

function coordinate(pair: RespValue): GeoCoordinate {
  const [lon, lat] = pair as RespValue[];
  return [toNumber(lon!), toNumber(lat!)];
}

/**
 * redis-py's `parse_geosearch_generic`: plain members without `with*` options, else
 * `[member, dist?, hash?, [lon, lat]?]` with numbers for the distance and the hash.
 */
function parseGeoResults(reply: RespValue, withdist: unknown, withhash: unknown, withcoord: unknown): unknown {
  if (typeof reply === "number") return reply; // STORE / STOREDIST count
  const list = Array.isArray(reply) ? reply : [reply];
  if (!withdist && !withcoord && !withhash) return list;
  return list.map((item) => {
    const parts = item as RespValue[];
    const out: unknown[] = [parts[0]];
    let i = 1;
    if (withdist) out.push(toNumber(parts[i++]!));
    if (withhash) out.push(toNumber(parts[i++]!));
    if (withcoord) out.push(coordinate(parts[i++]!));
    return out;
  });
}

/** The radius options of a call by name (the read-only variants have no `store`/`storeDist`). */
type RadiusArgs = Partial<Record<"unit" | "withdist" | "withcoord" | "withhash" | "count" | "sort" | "store" | "storeDist" | "any", unknown>>;

/** redis-py's `_georadiusgeneric`, after the center arguments. */
function pushRadiusOptions(command: string, argv: CommandArg[], o: RadiusArgs): void {
  if (o.unit !== undefined) {
    checkUnit(command, o.unit);
    argv.push(o.unit as string);
  } else {
    argv.push("m");
  }
  if (o.any && o.count === undefined) throw new DataError(`${command}: 'any' needs 'count'`);
  if (o.withdist) argv.push("WITHDIST");
  if (o.withcoord) argv.push("WITHCOORD");
  if (o.withhash) argv.push("WITHHASH");
  if (o.count !== undefined) {
    argv.push("COUNT", o.count as number);
    if (o.any) argv.push("ANY");
  }
  if (o.sort !== undefined) argv.push(sortWord(command, o.sort));
  exclusive(command, { store: o.store, storeDist: o.storeDist });
  if (o.store !== undefined) argv.push("STORE", o.store as CommandArg);
  if (o.storeDist !== undefined) argv.push("STOREDIST", o.storeDist as CommandArg);
}

const RADIUS_OPTIONS = ["unit?", "withdist?:bool", "withcoord?:bool", "withhash?:bool", "count?:int", "sort?", "store?", "storeDist?", "any?:bool"] as const;
const RADIUS_RO_OPTIONS = ["unit?", "withdist?:bool", "withcoord?:bool", "withhash?:bool", "count?:int", "sort?", "any?:bool"] as const;

/**
 * GEORADIUS and its variants: `name`, the center parameters (`center`), then the radius options.
 * The parameter list is not a literal here, so the bound values are read from a plain record.
 */
function radiusSpec(command: string, center: string[], ro: boolean): CommandDef<readonly string[]> {
  const centerNames = center.map((decl) => decl.split(":")[0]!);
  return {
    command,
    params: ["name", ...center, ...(ro ? RADIUS_RO_OPTIONS : RADIUS_OPTIONS)],
    build(p): CommandArg[] {
      const argv: CommandArg[] = [command, p.name as CommandArg, ...centerNames.map((name) => p[name] as CommandArg)];
      pushRadiusOptions(command, argv, p);
      return argv;
    },
    reply(reply, p): unknown {
      if (p.store !== undefined || p.storeDist !== undefined) return reply;
      return parseGeoResults(reply, p.withdist, p.withhash, p.withcoord);
    },
    readonly: ro,
    keys: ro ? ["name"] : ["name", "store", "storeDist"],
  };
}

const SEARCH_SHAPE = [
  "member?",
  "longitude?:num",
  "latitude?:num",
  "unit?",
  "radius?:num",
  "width?:num",
  "height?:num",
  "sort?",
  "count?:int",
  "any?:bool",
] as const;

/** redis-py's `_geosearchgeneric`: the shape options. */
function pushSearchShape(command: string, argv: CommandArg[], p: Bound<typeof SEARCH_SHAPE>): void {
  const { member, longitude: lon, latitude: lat, unit, radius, width, height, sort, count, any } = p;
  if (member === undefined) {
    if (lon === undefined || lat === undefined) throw new DataError(`${command} needs 'member', or 'longitude' and 'latitude'`);
    argv.push("FROMLONLAT", lon as number, lat as number);
  } else {
    if (lon !== undefined || lat !== undefined) {
      throw new DataError(`${command}: 'member' and 'longitude'/'latitude' are mutually exclusive`);
    }
    argv.push("FROMMEMBER", member as CommandArg);
  }
  const u = unit ?? "m";
  checkUnit(command, u);
  if (radius === undefined) {
    if (width === undefined || height === undefined) throw new DataError(`${command} needs 'radius', or 'width' and 'height'`);
    argv.push("BYBOX", width as number, height as number, u as string);
  } else {
    if (width !== undefined || height !== undefined) {
      throw new DataError(`${command}: 'radius' and 'width'/'height' are mutually exclusive`);
    }
    argv.push("BYRADIUS", radius as number, u as string);
  }
  if (sort !== undefined) argv.push(sortWord(command, sort));
  if (count !== undefined) {
    argv.push("COUNT", count as number);
    if (any) argv.push("ANY");
  } else if (any) {
    throw new DataError(`${command}: 'any' needs 'count'`);
  }
}

// ---- the table -----------------------------------------------------------------------------

export const GEO_COMMANDS: Record<string, CommandSpec> = defineCommands({
  geoadd: {
    command: "GEOADD",
    params: ["name", "values:list", "nx?:bool", "xx?:bool", "ch?:bool"],
    keys: ["name"],
    build(p) {
      exclusive("GEOADD", { nx: p.nx, xx: p.xx });
      const values = p.values as CommandArg[];
      if (values.length === 0 || values.length % 3 !== 0) {
        throw new DataError("GEOADD: 'values' must be longitude, latitude and member triples");
      }
      const argv: CommandArg[] = ["GEOADD", p.name];
      if (p.nx) argv.push("NX");
      if (p.xx) argv.push("XX");
      if (p.ch) argv.push("CH");
      argv.push(...values);
      return argv;
    },
  },
  geodist: {
    command: "GEODIST",
    params: ["name", "place1", "place2", "unit?"],
    keys: ["name"],
    build({ name, place1, place2, unit }) {
      const argv: CommandArg[] = ["GEODIST", name, place1, place2];
      if (unit !== undefined) {
        checkUnit("GEODIST", unit);
        argv.push(unit as string);
      }
      return argv;
    },
    reply: toNumberOrNull,
    readonly: true,
  },
  geohash: {
    command: "GEOHASH",
    params: ["name", "...values"],
    keys: ["name"],
    build: ({ name, values }) => ["GEOHASH", name, ...(values as CommandArg[])],
    reply: (reply) => toArray(reply).map(strOrNull),
    decode: true,
    readonly: true,
  },
  geopos: {
    command: "GEOPOS",
    params: ["name", "...values"],
    keys: ["name"],
    build: ({ name, values }) => ["GEOPOS", name, ...(values as CommandArg[])],
    reply: (reply) => toArray(reply).map((pos) => (pos === null ? null : coordinate(pos))),
    readonly: true,
  },
  georadius: radiusSpec("GEORADIUS", ["longitude:num", "latitude:num", "radius:num"], false),
  georadiusbymember: radiusSpec("GEORADIUSBYMEMBER", ["member", "radius:num"], false),
  georadiusRo: radiusSpec("GEORADIUS_RO", ["longitude:num", "latitude:num", "radius:num"], true),
  georadiusbymemberRo: radiusSpec("GEORADIUSBYMEMBER_RO", ["member", "radius:num"], true),
  geosearch: {
    command: "GEOSEARCH",
    params: ["name", ...SEARCH_SHAPE, "withcoord?:bool", "withdist?:bool", "withhash?:bool"],
    keys: ["name"],
    build(p) {
      const argv: CommandArg[] = ["GEOSEARCH", p.name];
      pushSearchShape("GEOSEARCH", argv, p);
      if (p.withdist) argv.push("WITHDIST");
      if (p.withcoord) argv.push("WITHCOORD");
      if (p.withhash) argv.push("WITHHASH");
      return argv;
    },
    reply: (reply, { withdist, withhash, withcoord }) => parseGeoResults(reply, withdist, withhash, withcoord),
    readonly: true,
  },
  geosearchstore: {
    command: "GEOSEARCHSTORE",
    params: ["dest", "name", ...SEARCH_SHAPE, "storedist?:bool"],
    keys: ["dest", "name"],
    build(p) {
      const argv: CommandArg[] = ["GEOSEARCHSTORE", p.dest, p.name];
      pushSearchShape("GEOSEARCHSTORE", argv, p);
      if (p.storedist) argv.push("STOREDIST");
      return argv;
    },
  },
});
