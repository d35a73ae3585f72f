/**
 * A v1 factory given an address known only at run time (`createRedis(this.url)`): v1 took a
 * `redis://`, `rediss://` or `unix://` URL, a `[host, port]` pair or a bare unix socket path,
 * v2's `fromUrl()` takes URLs only. The address goes through a small function written into
 * the module (once), which reads it with v1's rules and gives the v2 URL for it:
 *
 *   - `[host, port]`          -> `redis://host:port` (an IPv6 host in brackets);
 *   - `/path/to/redis.sock`   -> `unix:///path/to/redis.sock`;
 *   - a URL                   -> rebuilt from what v1 read in it: the host (`localhost` when
 *     empty), the port, the db (path or `?db=`), the password (the user info's as written, or
 *     `?password=`), `?ssl=true` as `rediss://`, `?timeout=` as `?socket_connect_timeout=`;
 *     the user name and query options v1 ignored are left out, as v1 did.
 *
 * What the rewrite cannot follow is refused with an error naming it: `?encoding=` (it would
 * decide at run time whether replies are decoded, which the client's type was fixed with), a
 * relative socket path (a v2 URL has none).
 */
import type { Ctx } from "../lib/context.js";
import { moduleHelper } from "../lib/module-helper.js";

const BASE = "v1AddressUrl";
const SIGNATURE = "a v1 address as a v2 URL, written by aioredis-codemod";

function body(ts: boolean): string {
  const t = (s: string): string => (ts ? s : "");
  return `${ts ? "" : "  /** @param {string} why @returns {never} */\n"}  function fail(why${t(": string")})${t(": never")} {
    throw new TypeError(\`v1 address: \${why}\`);
  }
  if (Array.isArray(address)) {
    const [host, port] = address;
    if (address.length !== 2 || typeof host !== "string" || host === "" || !Number.isInteger(port) || port < 0 || port > 65535)
      fail("expected [host, port] with a non-empty host and an integer port from 0 to 65535");
    return \`redis://\${host.includes(":") ? \`[\${host}]\` : encodeURIComponent(host)}:\${port}\`;
  }
  if (typeof address !== "string") return fail("expected a URL, a [host, port] pair or a unix socket path");
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(address)?.[1]?.toLowerCase();
${ts ? "" : "  /** @param {string} path @param {string} query @returns {string} */\n"}  const socket = (path${t(": string")}, query${t(": string")})${t(": string")} => {
    if (!path.startsWith("/")) fail("a relative unix socket path has no v2 URL; give the v2 client { unixSocketPath }");
    return \`unix://\${path.split("/").map(encodeURIComponent).join("/")}\${query}\`;
  };
  if (scheme === undefined) return socket(address, "");
  if (scheme !== "redis" && scheme !== "rediss" && scheme !== "unix") return fail(\`unsupported URI scheme '\${scheme}'\`);
${ts ? "" : "  /** @type {URL} */\n"}  let url${t(": URL")};
  try {
    url = new URL(address);
  } catch {
    return fail("malformed Redis URL");
  }
${ts ? "" : "  /** @type {Record<string, string>} */\n"}  const query${t(": Record<string, string>")} = {};
  for (const [key, value] of url.searchParams) {
    if (key in query) fail(\`multiple parameters are not allowed: '\${key}'\`);
    if (!value) fail(\`empty parameters are not allowed: '\${key}'\`);
    query[key] = value;
  }
  if ("encoding" in query)
    fail("?encoding= would decide at run time whether replies are decoded, which the client's type cannot follow; give the v2 client { encoding, decodeResponses: true } in its options instead");
${ts ? "" : "  /** @type {string[]} */\n"}  const out${t(": string[]")} = [];
${ts ? "" : "  /** @param {string} key @param {string} value */\n"}  const set = (key${t(": string")}, value${t(": string")}) => out.push(\`\${key}=\${encodeURIComponent(value)}\`);
  const path = scheme === "unix" ? "" : url.pathname.replace(/^\\//, "");
  const db = [path, query.db ?? ""].filter((d) => d !== "");
  for (const d of db) if (!/^(0|[1-9][0-9]*)$/.test(d)) fail(\`invalid db: '\${d}'\`);
  if (db.length > 1) fail("single DB value expected, got path and query");
  if (db.length) set("db", db[0]${t("!")});
  // the user info's password as written (v1 did not percent-decode it)
  if (url.password && query.password) fail("single password value is expected, got in net location and query");
  const password = url.password || query.password;
  if (password) set("password", password);
  let tls = scheme === "rediss";
  if ("ssl" in query) {
    if (query.ssl !== "true" && query.ssl !== "false") fail("expected 'ssl' param to be 'true' or 'false' only");
    tls = tls || query.ssl === "true";
  }
  if ("timeout" in query) {
    if (!Number.isFinite(Number(query.timeout))) fail(\`invalid 'timeout' in the URL: '\${query.timeout}'\`);
    set("socket_connect_timeout", String(Number(query.timeout)));
  }
  const search = out.length ? \`?\${out.join("&")}\` : "";
  if (scheme === "unix") {
    if (url.host) fail("netlocation is not allowed for unix scheme");
    return socket(decodeURIComponent(url.pathname), search);
  }
  const host = url.hostname || "localhost";
  return \`\${tls ? "rediss" : "redis"}://\${host}\${url.port ? \`:\${url.port}\` : ""}\${search}\`;`;
}

/** The function's text, as written into a TypeScript (`ts`) or JavaScript module. */
export function v1AddressText(ts: boolean, name: string = BASE): string {
  const doc = `/**
 * ${SIGNATURE}: a redis://, rediss:// or unix:// URL,
 * a [host, port] pair or a unix socket path, read with v1's rules, as the URL v2 reads the same
 * way. What a v2 URL cannot say (?encoding=, a relative socket path) is refused.${ts ? "" : "\n * @param {string | readonly [string, number]} address\n * @returns {string}"}
 */`;
  const head = ts ? `function ${name}(address: string | readonly [string, number]): string {` : `function ${name}(address) {`;
  return `${doc}\n${head}\n${body(ts)}\n}`;
}

/** The name of the conversion function in this module, written at its end on first use. Call it only inside the edit that uses it. */
export function v1AddressFunction(ctx: Ctx): string {
  return moduleHelper(ctx, BASE, SIGNATURE, (name) => v1AddressText(ctx.lang !== "js", name));
}
