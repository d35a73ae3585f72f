// Removes the directories given as arguments (a portable `rm -rf` for package scripts).
import * as fs from "node:fs";

for (const dir of process.argv.slice(2)) fs.rmSync(dir, { recursive: true, force: true });
