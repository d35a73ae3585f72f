import type { CommandSpec } from "./spec.js";

/**
 * Makes the generated methods of a command table on a prototype: one method per spec,
 * calling `run(this, spec, args)`. `Redis`, `Pipeline`, `RedisCluster` and its pipeline all
 * get their command methods this way, from the same table.
 */
export function installCommands(proto: object, specs: Record<string, CommandSpec>, run: (self: any, spec: CommandSpec, args: unknown[]) => unknown): void {
  for (const [method, spec] of Object.entries(specs)) {
    Object.defineProperty(proto, method, {
      value: function (this: unknown, ...args: unknown[]) {
        return run(this, spec, args);
      },
      writable: true,
      configurable: true,
    });
  }
}
