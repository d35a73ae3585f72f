import type { SiteHandler } from "./views.js";

export type Route = (arg: string) => Promise<unknown>;

export function setupRoutes(handler: SiteHandler): Map<string, Route> {
  return new Map<string, Route>([
    ["GET /", () => handler.index()],
    ["POST /shortify", (body) => handler.shortify(JSON.parse(body) as { url?: unknown })],
    ["GET /{short_id}", (shortId) => handler.redirect(shortId)],
  ]);
}
