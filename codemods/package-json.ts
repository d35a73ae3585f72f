/**
 * The `aioredis` dependency in a package.json, moved from a 1.x range to `^2.0.0` with
 * semver: never downgraded, its range operator kept (`^`, `~`, `>=`, an exact pin), and
 * specs that are not version ranges (`workspace:`, `file:`, git URLs, dist-tags) left alone
 * with a note. The file is edited as text, so its indentation, key order and final newline
 * stay exactly as they were.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import semver from "semver";

/**
 * The aioredis release this codemod belongs to: the version of the nearest package.json of
 * aioredis-codemod (or, in a development build, of the repository's aioredis; the two are
 * released with one version), without a prerelease tag.
 */
export function releaseVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, "package.json");
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if ((pkg.name === "aioredis-codemod" || pkg.name === "aioredis") && pkg.version) return pkg.version;
    }
    dir = path.dirname(dir);
  }
  throw new Error(`aioredis-codemod: no package.json of aioredis-codemod above ${fileURLToPath(import.meta.url)}`);
}

const release = semver.parse(releaseVersion());
if (!release) throw new Error(`aioredis-codemod: "${releaseVersion()}" is not a version`);
export const TARGET_VERSION = `${release.major}.${release.minor}.${release.patch}`;
const SECTIONS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] as const;

export interface PackageJsonChange {
  section: string;
  from: string;
  /** The new spec, or null when it was left as it is. */
  to: string | null;
  note?: string;
}

export interface PackageJsonResult {
  text: string;
  changes: PackageJsonChange[];
}

const NOT_A_RANGE = /^(workspace:|file:|link:|portal:|patch:|npm:|git\+|git:|github:|gitlab:|bitbucket:|https?:)/;

/** The spec `spec` becomes, or why it stays. */
export function bumpSpec(spec: string, target = TARGET_VERSION): { to: string } | { note: string } {
  const trimmed = spec.trim();
  if (NOT_A_RANGE.test(trimmed) || /^[\w.-]+\/[\w.-]+/.test(trimmed))
    return { note: `"${spec}" is not a version range; update it to aioredis ${target} by hand` };
  const range = semver.validRange(trimmed);
  if (range === null) return { note: `"${spec}" is a tag, not a version range; make sure it resolves to aioredis ${target} or later` };
  if (range === "*" || trimmed === "" || trimmed === "x") return { note: `"${spec}" already allows every version` };
  const min = semver.minVersion(trimmed);
  if (!min) return { note: `"${spec}" matches no version` };
  if (semver.major(min) >= semver.major(target)) return { note: `"${spec}" is already ${semver.major(min)}.x or later` };
  const single = !/\s|\|\|/.test(trimmed);
  let to: string;
  if (single && trimmed.startsWith("^")) to = `^${target}`;
  else if (single && trimmed.startsWith("~")) to = `~${target}`;
  else if (single && (trimmed.startsWith(">=") || trimmed.startsWith(">"))) to = `>=${target}`;
  else if (semver.valid(trimmed)) to = target;
  else to = `^${target}`;
  return { to };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function bumpPackageJson(text: string, target = TARGET_VERSION): PackageJsonResult {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`not valid JSON: ${(err as Error).message}`);
  }
  const changes: PackageJsonChange[] = [];
  let out = text;
  for (const section of SECTIONS) {
    const deps = pkg[section];
    if (!deps || typeof deps !== "object") continue;
    const spec = (deps as Record<string, unknown>)["aioredis"];
    if (typeof spec !== "string") continue;
    const result = bumpSpec(spec, target);
    if ("note" in result) {
      changes.push({ section, from: spec, to: null, note: result.note });
      continue;
    }
    changes.push({ section, from: spec, to: result.to });
    // the first "aioredis": "<spec>" after the section's key
    const sectionAt = out.search(new RegExp(`"${section}"\\s*:\\s*\\{`));
    const re = new RegExp(`("aioredis"\\s*:\\s*)"${escapeRegExp(JSON.stringify(spec).slice(1, -1))}"`, "g");
    re.lastIndex = Math.max(sectionAt, 0);
    const m = re.exec(out);
    if (!m) continue;
    out = out.slice(0, m.index) + `${m[1]}${JSON.stringify(result.to)}` + out.slice(m.index + m[0].length);
  }
  return { text: out, changes };
}
