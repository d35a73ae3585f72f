/**
 * Glob patterns for `--ignore-pattern`, as jscodeshift reads them: `*`, `**`, `?`, `{a,b}`
 * and `[...]`; a pattern without a slash matches a file or directory name anywhere.
 */
export function globToRegExp(pattern: string): RegExp {
  let p = pattern.replace(/\\/g, "/");
  if (p.startsWith("./")) p = p.slice(2);
  if (!p.includes("/")) p = `**/${p}`;
  if (p.endsWith("/")) p = `${p}**`;
  let re = "";
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "*") {
      if (p[i + 1] === "*") {
        const slash = p[i + 2] === "/";
        re += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "{") {
      const end = p.indexOf("}", i);
      if (end === -1) re += "\\{";
      else {
        re += `(?:${p
          .slice(i + 1, end)
          .split(",")
          .map((alt) => alt.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
          .join("|")})`;
        i = end;
      }
    } else if (c === "[") {
      const end = p.indexOf("]", i);
      if (end === -1) re += "\\[";
      else {
        re += `[${p.slice(i + 1, end).replace(/^!/, "^")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  // a directory pattern also matches everything under it
  return new RegExp(`^${re}(?:/.*)?$`);
}

export function matchesAny(relPath: string, patterns: RegExp[]): boolean {
  const p = relPath.replace(/\\/g, "/").replace(/^(?:\.\.?\/)+/, "");
  return patterns.some((re) => re.test(p));
}
