/**
 * The two packages as users get them: `npm pack` once (the prepack builds run as they do
 * before a publish), then checks of the tarballs (contents, metadata, publint,
 * @arethetypeswrong/cli) and throwaway consumer projects outside the repository that install
 * the tarballs and run a program against a real redis-server: ESM, CommonJS, TypeScript with
 * module node16 / nodenext (in both module kinds) / bundler (bundled with rolldown), and the
 * codemod's bin through npx. The client installs offline (it has no dependencies); the codemod
 * installs from npm's cache (--prefer-offline).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useRedisServer } from "../harness/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const tsc = path.join(root, "node_modules/typescript/bin/tsc");
const rootPkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as PackageJson;
const codemodPkg = JSON.parse(fs.readFileSync(path.join(root, "codemods/package.json"), "utf8")) as PackageJson;

interface PackageJson {
  name: string;
  version: string;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  bundleDependencies?: unknown;
  bundledDependencies?: unknown;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a child process: without the settings an outer `npm test` passes down
 * about the repository's own project (its prefix), so npm in a consumer project works on
 * that project.
 */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of ["npm_config_local_prefix", "npm_config_prefix", "npm_config_call", "npm_package_json", "INIT_CWD"]) delete env[key];
  return env;
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}, timeout = 240_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: childEnv(env), timeout, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs and expects exit code 0, showing the output when it is not. */
async function ok(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  const r = await run(cmd, args, cwd, env);
  expect(r.code, `${cmd} ${args.join(" ")} in ${cwd}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

let work: string;
let clientTgz: string;
let codemodTgz: string;
// The npm cache of this machine (filled by `npm ci`): the codemod's dependencies come from it.
const npmEnv = { npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "aioredis-package-"));
  const out = await ok(npm, ["pack", "--json", "--pack-destination", work, "--workspaces", "--include-workspace-root"], root, npmEnv);
  // npm prints the prepack scripts' output before the JSON
  const packed = JSON.parse(out.slice(out.indexOf("["))) as { name: string; filename: string }[];
  clientTgz = path.join(work, packed.find((p) => p.name === "aioredis")!.filename);
  codemodTgz = path.join(work, packed.find((p) => p.name === "aioredis-codemod")!.filename);
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function tarList(tgz: string): Promise<string[]> {
  return (await ok("tar", ["tzf", tgz], work)).split("\n").filter(Boolean);
}

async function tarPackageJson(tgz: string): Promise<PackageJson> {
  return JSON.parse(await ok("tar", ["xzOf", tgz, "package/package.json"], work)) as PackageJson;
}

describe("the aioredis tarball", () => {
  it("has no runtime dependencies of any kind", async () => {
    const pkg = await tarPackageJson(clientTgz);
    expect(pkg.name).toBe("aioredis");
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies", "bundleDependencies", "bundledDependencies"] as const) {
      expect(pkg[field], field).toBeUndefined();
    }
    expect(pkg.bin).toBeUndefined();
  });

  it("imports nothing but Node.js built-ins and its own files", async () => {
    const dir = path.join(work, "client-unpacked");
    fs.mkdirSync(dir, { recursive: true });
    await ok("tar", ["xzf", clientTgz, "-C", dir], work);
    const outside = new Set<string>();
    let files = 0;
    for (const f of fs.readdirSync(path.join(dir, "package/dist"), { recursive: true, encoding: "utf8" })) {
      if (!/\.c?js$/.test(f)) continue;
      files++;
      const text = fs.readFileSync(path.join(dir, "package/dist", f), "utf8");
      for (const m of text.matchAll(/^(?:(?:import|export)\s[^;"\n]*?\sfrom\s*|import\s*)"([^"]+)";$|\b(?:require|import)\(\s*"([^"]+)"\s*\)/gm)) {
        const spec = (m[1] ?? m[2])!;
        if (!spec.startsWith("node:") && !spec.startsWith(".")) outside.add(`${f}: ${spec}`);
      }
    }
    expect(files).toBeGreaterThan(50);
    expect([...outside]).toEqual([]);
  });

  it("ships the client, compat, the CommonJS face, the docs and the licence, and no tests, source maps or codemod", async () => {
    const files = await tarList(clientTgz);
    for (const f of [
      "package/package.json",
      "package/LICENSE",
      "package/README.md",
      "package/dist/src/index.js",
      "package/dist/src/index.d.ts",
      "package/dist/compat/index.js",
      "package/dist/cjs/src/index.cjs",
      "package/dist/cjs/src/index.d.cts",
      "package/dist/cjs/compat/index.cjs",
      "package/docs/api.md",
    ]) {
      expect(files).toContain(f);
    }
    const unwanted = files.filter((f) =>
      /(^package\/test\/|\.test\.|\/fixtures\/|\.map$|^package\/dist\/codemods\/|^package\/(src|compat|codemods|bench|examples)\/|\.ts$(?<!\.d\.ts))/.test(f),
    );
    expect(unwanted).toEqual([]);
    // every file is JavaScript, a declaration, package.json or documentation
    expect(files.filter((f) => !/\.(js|cjs|d\.ts|d\.cts|md)$|\/package\.json$|\/LICENSE$/.test(f))).toEqual([]);
  });

  it("passes publint and @arethetypeswrong/cli", async () => {
    await ok(process.execPath, [path.join(root, "node_modules/publint/src/cli.js"), "--strict", clientTgz], work);
    await ok(process.execPath, [path.join(root, "node_modules/@arethetypeswrong/cli/dist/index.js"), "--no-color", clientTgz], work);
  }, 120_000);
});

describe("the aioredis-codemod tarball", () => {
  it("has the bin, the version of the client, and every package its code imports as a dependency", async () => {
    const pkg = await tarPackageJson(codemodTgz);
    expect(pkg.name).toBe("aioredis-codemod");
    expect(pkg.version).toBe(rootPkg.version);
    expect(codemodPkg.version).toBe(rootPkg.version);
    expect(pkg.bin).toEqual({ "aioredis-codemod": "./dist/bin.js" });
    const files = await tarList(codemodTgz);
    expect(files).toContain("package/dist/bin.js");
    expect(files.filter((f) => /\.test\.|\/fixtures\/|\.map$|\.ts$/.test(f))).toEqual([]);
    // the bare imports of the shipped code, read from the sources it is built from
    const imported = new Set<string>();
    for (const f of files.filter((f) => f.endsWith(".js"))) {
      const text = await ok("tar", ["xzOf", codemodTgz, f], work);
      for (const m of text.matchAll(/^(?:(?:import|export)\s[^;"\n]*?\sfrom\s*|import\s*)"([^".][^"]*)";$/gm)) {
        const spec = m[1]!;
        if (spec.startsWith("node:")) continue;
        imported.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
      }
    }
    expect([...imported].sort()).toEqual(Object.keys(pkg.dependencies ?? {}).sort());
  });

  it("passes publint", async () => {
    await ok(process.execPath, [path.join(root, "node_modules/publint/src/cli.js"), "--strict", codemodTgz], work);
  }, 60_000);
});

const PROGRAM_BODY = `
  const url = process.env.REDIS_URL;
  const key = "consumer:" + process.env.KIND;
  const r = fromUrl(url, { decodeResponses: true });
  await r.set(key, "v2");
  const got = await r.get(key);
  await r.close();
  const v1 = await compat.createRedis(url, { encoding: "utf-8" });
  const fromV1 = await v1.get(key);
  v1.close();
  await v1.waitClosed();
  const sameErrors = compat.RedisError === RedisError;
  console.log(JSON.stringify({ got, fromV1, sameErrors }));
`;

const EXPECTED = { got: "v2", fromV1: "v2", sameErrors: true };

const TS_PROGRAM = `import { fromUrl, RedisError, type Redis } from "aioredis";
import * as compat from "aioredis/compat";

/** Never called: the types come from the package, so this line must be an error. */
export function typesAreLoaded(r: Redis<string>): void {
  // @ts-expect-error there is no such command
  r.noSuchCommand();
}

async function main(): Promise<void> {${PROGRAM_BODY.replace("process.env.REDIS_URL;", "process.env.REDIS_URL!;").replace("const got = ", "const got: string | null = ")}
}
void main();
`;

function tsconfig(options: Record<string, unknown>): string {
  return JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        target: "es2022",
        outDir: "out",
        skipLibCheck: false,
        types: ["node"],
        typeRoots: [path.join(root, "node_modules/@types")],
        ...options,
      },
      include: ["main.ts"],
    },
    null,
    2,
  );
}

describe("consumer projects (packed tarball, fresh install)", () => {
  const server = useRedisServer();
  let consumers: string;

  beforeAll(async () => {
    // one install shared by the projects below, each a directory with its own package.json
    consumers = path.join(work, "consumers");
    write(consumers, { "package.json": JSON.stringify({ name: "consumers", private: true }) });
    await ok(npm, ["install", "--offline", "--no-package-lock", clientTgz], consumers, npmEnv);
  }, 120_000);

  async function runProgram(dir: string, file: string, kind: string): Promise<unknown> {
    const out = await ok(process.execPath, [file], dir, { REDIS_URL: server().url, KIND: kind });
    return JSON.parse(out.trim().split("\n").pop()!);
  }

  it("ESM: import", async () => {
    const dir = path.join(consumers, "esm");
    write(dir, {
      "package.json": JSON.stringify({ type: "module" }),
      "main.js": `import { fromUrl, RedisError } from "aioredis";\nimport * as compat from "aioredis/compat";\n${PROGRAM_BODY}`,
    });
    expect(await runProgram(dir, "main.js", "esm")).toEqual(EXPECTED);
  });

  it("CommonJS: require", async () => {
    const dir = path.join(consumers, "cjs");
    write(dir, {
      "package.json": JSON.stringify({ type: "commonjs" }),
      "main.js": `const { fromUrl, RedisError } = require("aioredis");\nconst compat = require("aioredis/compat");\n(async () => {${PROGRAM_BODY}})();`,
    });
    expect(await runProgram(dir, "main.js", "cjs")).toEqual(EXPECTED);
    // the same module instance whichever way it is loaded
    const same = await ok(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { createRequire } from "node:module"; const a = createRequire(process.cwd() + "/")("aioredis"); const b = await import("aioredis"); console.log(a.Redis === b.Redis)`,
      ],
      dir,
    );
    expect(same.trim()).toBe("true");
  });

  it.skipIf(!process.allowedNodeEnvironmentFlags.has("--no-experimental-require-module"))(
    "CommonJS on a Node.js that cannot require() ES modules: a clear error",
    async () => {
      const dir = path.join(consumers, "cjs-old");
      write(dir, { "package.json": JSON.stringify({ type: "commonjs" }), "main.js": `require("aioredis/compat");` });
      const r = await run(process.execPath, ["--no-experimental-require-module", "main.js"], dir);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('require("aioredis/compat") needs Node.js >= 20.19');
      expect(r.stderr).toContain('import("aioredis/compat")');
    },
  );

  for (const [kind, type, options] of [
    ["ts-node16-cjs", "commonjs", { module: "node16", moduleResolution: "node16" }],
    ["ts-node16-esm", "module", { module: "node16", moduleResolution: "node16" }],
    ["ts-nodenext-esm", "module", { module: "nodenext", moduleResolution: "nodenext" }],
    ["ts-nodenext-cjs", "commonjs", { module: "nodenext", moduleResolution: "nodenext" }],
  ] as const) {
    it(`TypeScript, module ${options.module}, package type ${type}`, async () => {
      const dir = path.join(consumers, kind);
      write(dir, { "package.json": JSON.stringify({ type }), "tsconfig.json": tsconfig(options), "main.ts": TS_PROGRAM });
      await ok(process.execPath, [tsc, "-p", "tsconfig.json"], dir);
      const emitted = fs.readFileSync(path.join(dir, "out/main.js"), "utf8");
      expect(emitted).toContain(type === "commonjs" ? 'require("aioredis")' : 'from "aioredis"');
      expect(await runProgram(dir, "out/main.js", kind)).toEqual(EXPECTED);
    }, 60_000);
  }

  it("TypeScript with moduleResolution bundler, bundled by rolldown", async () => {
    const dir = path.join(consumers, "bundler");
    write(dir, {
      "package.json": JSON.stringify({ type: "module" }),
      "tsconfig.json": tsconfig({ module: "esnext", moduleResolution: "bundler", noEmit: true }),
      "main.ts": TS_PROGRAM,
    });
    await ok(process.execPath, [tsc, "-p", "tsconfig.json"], dir);
    const { rolldown } = await import("rolldown");
    const bundle = await rolldown({ input: path.join(dir, "main.ts"), platform: "node", cwd: dir, logLevel: "silent" });
    await bundle.write({ file: path.join(dir, "out/bundle.mjs"), format: "esm" });
    await bundle.close();
    // the client is inside the bundle, not loaded from node_modules
    expect(fs.readFileSync(path.join(dir, "out/bundle.mjs"), "utf8")).not.toMatch(/from "aioredis/);
    expect(await runProgram(dir, "out/bundle.mjs", "bundler")).toEqual(EXPECTED);
  }, 60_000);

  it("the codemod through npx, installed alone: rewrites a v1 file and bumps package.json to the client's version", async () => {
    const dir = path.join(work, "codemod-user");
    write(dir, { "package.json": JSON.stringify({ name: "v1-app", private: true }) });
    await ok(npm, ["install", "--prefer-offline", "--no-save", codemodTgz], dir, npmEnv);
    write(dir, {
      "package.json": `${JSON.stringify({ name: "v1-app", private: true, dependencies: { aioredis: "^1.3.1" } }, null, 2)}\n`,
      "src/app.ts": `import * as aioredis from "aioredis";\n\nexport async function main(): Promise<void> {\n  const redis = await aioredis.createRedis("redis://localhost");\n  await redis.set("k", "v");\n  redis.close();\n  await redis.waitClosed();\n}\n`,
    });
    expect((await ok(npm, ["exec", "--offline", "--", "aioredis-codemod", "--version"], dir, npmEnv)).trim()).toBe(codemodPkg.version);
    await ok(npm, ["exec", "--offline", "--", "aioredis-codemod", "--force", "src/"], dir, npmEnv);
    const app = fs.readFileSync(path.join(dir, "src/app.ts"), "utf8");
    expect(app).toContain("fromUrl");
    expect(app).not.toContain("createRedis");
    const target = codemodPkg.version.replace(/-.*/, "");
    expect(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).dependencies.aioredis).toBe(`^${target}`);
  }, 240_000);
});
