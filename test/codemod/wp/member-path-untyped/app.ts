/** The client is kept in the application's state, declared `any`. */
export class Application {
  // biome-ignore lint/suspicious/noExplicitAny: the case under test
  readonly state: { pool?: any } = {};
  readonly onCleanup: (() => Promise<void>)[] = [];
}

export async function index(app: Application): Promise<string> {
  const conn = app.state.pool;
  await conn.set("greeting", "hello");
  return `read back: ${await conn.get("greeting")}`;
}
