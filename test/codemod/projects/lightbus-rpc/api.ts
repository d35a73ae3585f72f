export class Api {
  constructor(
    readonly meta: { name: string },
    readonly procedures: Record<string, (kwargs: Record<string, unknown>) => unknown>,
  ) {}

  call(name: string, kwargs: Record<string, unknown>): unknown {
    const fn = this.procedures[name];
    if (!fn) throw new Error(`${this.meta.name} has no procedure ${name}`);
    return fn(kwargs);
  }
}
