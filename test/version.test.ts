import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { __version__ } from "../src/index.js";
import { __version__ as compatVersion } from "../compat/index.js";

describe("__version__", () => {
  it("is the package's version (compat keeps the v1 version it emulates)", () => {
    const pkg = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(__version__).toBe(pkg.version);
    expect(compatVersion).toBe("1.3.1");
  });
});
