/**
 * Every relative link in the user-facing Markdown (README.md, MIGRATION.md, CHANGELOG.md,
 * docs/, codemods/README.md) resolves to a file of the repository, and every #anchor to a
 * heading of that file (GitHub's heading slugs). External http(s) links are not fetched.
 * The team's working notes (API.md, DESIGN.md, V1-API.md) are not part of the repository,
 * so the documents must not send readers to them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function markdownFiles(): string[] {
  const files = ["README.md", "MIGRATION.md", "CHANGELOG.md", "codemods/README.md"].filter((f) => fs.existsSync(path.join(root, f)));
  for (const f of fs.readdirSync(path.join(root, "docs"), { recursive: true, encoding: "utf8" })) {
    if (f.endsWith(".md")) files.push(path.join("docs", f));
  }
  return files;
}

/** The text without fenced code blocks and inline code, where brackets are not links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
}

function links(markdown: string): string[] {
  const text = prose(markdown);
  const out: string[] = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]!);
  for (const m of text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)) out.push(m[1]!);
  return out;
}

/** GitHub's anchors for the headings of a Markdown file. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The links of `text` (the contents of `file`, relative to the root) that do not resolve. */
function brokenLinks(file: string, text: string): string[] {
  const broken: string[] = [];
  for (const link of links(text)) {
    if (/^(https?|mailto):/i.test(link)) continue;
    const [target = "", anchor] = link.split("#", 2) as [string, string | undefined];
    const resolved = target === "" ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), decodeURIComponent(target));
    if (target !== "" && (!resolved.startsWith(root + path.sep) || !fs.existsSync(resolved))) {
      broken.push(`${link}: no such file in the repository`);
      continue;
    }
    const targetText = target === "" ? text : fs.readFileSync(resolved, "utf8");
    if (anchor !== undefined && !anchors(targetText).has(anchor)) broken.push(`${link}: no heading #${anchor} in ${path.relative(root, resolved)}`);
  }
  return broken;
}

describe("the anchor and link readers", () => {
  it("make GitHub's slugs and find inline and reference links outside code", () => {
    expect([...anchors("# Pub/sub\n## Locks, scripts and MONITOR\n## Pub/sub\n```\n# not a heading\n```\n")]).toEqual([
      "pubsub",
      "locks-scripts-and-monitor",
      "pubsub-1",
    ]);
    expect(
      brokenLinks(
        "docs/x.md",
        "# Here\n[ok](#here) [up](../README.md#install) [gone](nope.md) [bad](#there) [out](../../etc/passwd) [web](https://example.com/x)",
      ),
    ).toEqual(["nope.md: no such file in the repository", "#there: no heading #there in docs/x.md", "../../etc/passwd: no such file in the repository"]);
    expect(links('See [a](docs/a.md#x), ![img](b.svg "t"), `[c](nope.md)`.\n\n[ref]: ../c.md\n```\n[d](code.md)\n```\n')).toEqual([
      "docs/a.md#x",
      "b.svg",
      "../c.md",
    ]);
  });
});

describe("documentation links", () => {
  const files = markdownFiles();

  it("covers the README, MIGRATION.md and the docs", () => {
    expect(files).toEqual(
      expect.arrayContaining(["README.md", "MIGRATION.md", "docs/api.md", "docs/design.md", "docs/v1-api.md", "docs/failure-behaviour.md"]),
    );
  });

  for (const file of files) {
    it(`${file}: every relative link and anchor resolves`, () => {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      const broken = brokenLinks(file, text);
      expect(broken).toEqual([]);
    });

    it(`${file}: does not send readers to the team's notes`, () => {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      expect(text.match(/\b(?:API|DESIGN|V1-API)\.md\b/g) ?? []).toEqual([]);
    });
  }
});
