/** Stands in for the asyncpg pool of the original: a table of pages in memory. */
export class Database {
  private pages: Map<string, string> | null = null;

  async ainit(): Promise<void> {
    this.pages = new Map([
      ["/", "Home"],
      ["/about", "About us"],
    ]);
  }

  async fetchPage(path: string): Promise<string | null> {
    if (!this.pages) throw new Error("Database.ainit() was not awaited");
    return this.pages.get(path) ?? null;
  }
}
