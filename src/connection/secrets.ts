/**
 * Secrets (passwords, TLS key passphrases, credential providers) kept out of every printable
 * form of the objects that carry them: `util.inspect` (with or without `customInspect`,
 * `showHidden` or `getters`), `JSON.stringify`, `Object.keys`/`entries` and spreads.
 *
 * The value lives in a closure; the object reads and writes it through an accessor on a
 * prototype of its own, which none of those forms look at.
 */

/** Option names whose values are secrets. */
export const SECRET_OPTION_NAMES = ["password", "sslPassword", "credentialProvider"] as const;

type SecretName = (typeof SECRET_OPTION_NAMES)[number];

/**
 * A copy of `source` whose secret options are reachable only as `copy.password` (etc.), never
 * listed. Options that `source` lacks stay absent (reading them gives `undefined`).
 */
export function hideSecrets<T extends object>(source: T): T {
  const values = new Map<string, unknown>();
  const proto: Record<string, unknown> = {};
  // An own `constructor` makes util.inspect (showHidden) treat this as a plain object and not
  // list the prototype's accessors.
  Object.defineProperty(proto, "constructor", { value: Object, enumerable: false });
  for (const name of SECRET_OPTION_NAMES) {
    if (!(name in source)) continue;
    values.set(name, (source as Record<string, unknown>)[name]);
    Object.defineProperty(proto, name, {
      get: () => values.get(name),
      set: (value: unknown) => void values.set(name, value),
      enumerable: false,
      configurable: false,
    });
  }
  const copy = Object.create(proto) as Record<string, unknown>;
  for (const [key, value] of Object.entries(source)) {
    if (!values.has(key)) copy[key] = value;
  }
  return copy as T;
}

/** A plain copy of `options` including its hidden secrets, to build other options from. */
export function withSecrets<T extends object>(options: T): T {
  const copy: Record<string, unknown> = { ...(options as Record<string, unknown>) };
  for (const name of SECRET_OPTION_NAMES as readonly SecretName[]) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined) copy[name] = value;
  }
  return copy as T;
}
