/** The Geo command group (aioredis 1.x's `GeoCommandsMixin`), installed on `Redis` by commands/index.ts: `GeoPoint` and `GeoMember` named tuples. */
import { encodingOf, signatures } from "../calling.js";
import { RedisBase } from "./base.js";
import { isInt, isNumber, namedTuple, NOTSET, toFloat, toInt, type Arg, type EncodingOption, type RedisString } from "../util.js";

/** `[longitude, latitude]`, also as `.longitude` and `.latitude`. */
export type GeoPoint = [number, number] & { longitude: number; latitude: number };

/** `[member, dist, hash, coord]` (null for what was not asked), also by name. */
export type GeoMember<M = RedisString> = [M, number | null, number | null, GeoPoint | null] & {
  member: M;
  dist: number | null;
  hash: number | null;
  coord: GeoPoint | null;
};

export function geoPoint(longitude: number, latitude: number): GeoPoint {
  return namedTuple<GeoPoint>(["longitude", "latitude"], [longitude, latitude]);
}

function makeGeocoord(value: unknown): GeoPoint | unknown {
  if (Array.isArray(value)) return geoPoint(toFloat(value[0]), toFloat(value[1]));
  return value;
}

export interface GeoRadiusOptions extends EncodingOption {
  withDist?: boolean;
  withHash?: boolean;
  withCoord?: boolean;
  count?: number | null;
  sort?: "ASC" | "DESC" | null;
}

const UNITS = new Set(["m", "km", "mi", "ft"]);

function radiusArgs(radius: unknown, unit: unknown, o: Record<string, any>): unknown[] {
  const args: unknown[] = [];
  if (o.withDist) args.push("WITHDIST");
  if (o.withHash) args.push("WITHHASH");
  if (o.withCoord) args.push("WITHCOORD");
  if (!UNITS.has(unit as string)) throw new RangeError("unit argument must be 'm', 'km', 'mi' or 'ft'");
  if (!isNumber(radius)) throw new TypeError("radius argument must be int or float");
  if (o.count) {
    if (!isInt(o.count)) throw new TypeError("count argument must be int");
    if (o.count <= 0) throw new RangeError("count argument must be greater than 0");
    args.push("COUNT", o.count);
  }
  if (o.sort) {
    if (o.sort !== "ASC" && o.sort !== "DESC") throw new RangeError("sort argument must be equal 'ASC' or 'DESC'");
    args.push(o.sort);
  }
  return args;
}

function makeGeomembers(o: Record<string, any>): (value: any) => GeoMember[] {
  return (value: any[]) =>
    value.map((raw: unknown[]) => {
      const row = [...raw];
      const name = row.shift();
      let dist: number | null = null;
      let hash: number | null = null;
      let coord: GeoPoint | null = null;
      if (o.withDist) dist = toFloat(row.shift());
      if (o.withHash) hash = toInt(row.shift());
      if (o.withCoord) {
        const c = row.shift() as unknown[];
        coord = geoPoint(toFloat(c[0]), toFloat(c[1]));
      }
      return namedTuple<GeoMember>(["member", "dist", "hash", "coord"], [name, dist, hash, coord]);
    });
}

/** The v1 signatures of the Geo commands (see calling.ts). */
export const geoSignatures = signatures({
  geoadd: "key, longitude, latitude, member, *args, **",
  geohash: "key, member, *members, **",
  geopos: "key, member, *members, **",
  geodist: "key, member1, member2, unit?",
  georadius: "key, longitude, latitude, radius, unit?, *, withDist?, withHash?, withCoord?, count?, sort?, encoding?",
  georadiusbymember: "key, member, radius, unit?, *, withDist?, withHash?, withCoord?, count?, sort?, encoding?",
});

export class GeoCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  /** GEOADD longitude, latitude, member (and more triples). */
  geoadd(key: Arg, longitude: number, latitude: number, member: Arg, ...args: (Arg | EncodingOption)[]): Promise<number> {
    const a = geoSignatures.bind("geoadd", arguments);
    return this._exec("GEOADD", [a.key, a.longitude, a.latitude, a.member, ...a.rest], encodingOf(a));
  }

  geohash(key: Arg, member: Arg, ...members: (Arg | EncodingOption)[]): Promise<(RedisString | null)[]> {
    const a = geoSignatures.bind("geohash", arguments);
    return this._exec("GEOHASH", [a.key, a.member, ...a.rest], encodingOf(a), (reply: unknown[]) => [...reply]);
  }

  /** GEOPOS: a `GeoPoint` (or null) per member. */
  geopos(key: Arg, member: Arg, ...members: (Arg | EncodingOption)[]): Promise<(GeoPoint | null)[]> {
    const a = geoSignatures.bind("geopos", arguments);
    return this._exec("GEOPOS", [a.key, a.member, ...a.rest], encodingOf(a), (reply: unknown[]) => reply.map(makeGeocoord));
  }

  /** GEODIST in `unit` (default metres) as a number, or null. */
  geodist(key: Arg, member1: Arg, member2: Arg, unit?: "m" | "km" | "mi" | "ft" | { unit?: string }): Promise<number | null> {
    const a = geoSignatures.bind("geodist", arguments);
    return this._exec("GEODIST", [a.key, a.member1, a.member2, a.unit ?? "m"], NOTSET, (reply: unknown) => (reply ? toFloat(reply) : reply));
  }

  /** GEORADIUS: members, or with any `with*` option `GeoMember` tuples. */
  georadius(key: Arg, longitude: number, latitude: number, radius: number, unit?: string | GeoRadiusOptions, options?: GeoRadiusOptions): Promise<any[]> {
    const a = geoSignatures.bind("georadius", arguments);
    const unit_ = a.unit ?? "m";
    const args = radiusArgs(a.radius, unit_, a);
    const convert = a.withDist || a.withHash || a.withCoord ? makeGeomembers(a) : undefined;
    return this._exec("GEORADIUS", [a.key, a.longitude, a.latitude, a.radius, unit_, ...args], encodingOf(a), convert);
  }

  georadiusbymember(key: Arg, member: Arg, radius: number, unit?: string | GeoRadiusOptions, options?: GeoRadiusOptions): Promise<any[]> {
    const a = geoSignatures.bind("georadiusbymember", arguments);
    const unit_ = a.unit ?? "m";
    const args = radiusArgs(a.radius, unit_, a);
    const convert = a.withDist || a.withHash || a.withCoord ? makeGeomembers(a) : undefined;
    return this._exec("GEORADIUSBYMEMBER", [a.key, a.member, a.radius, unit_, ...args], encodingOf(a), convert);
  }
}
