/**
 * The baseline for bench/tracking.ts: a bare Deno.serve that answers every request with the same
 * 43-byte GIF and the same headers as Beacon's open pixel (routes/tracking.ts), and does nothing else.
 *
 *   PORT=8123 deno run --allow-net --allow-env bench/bare_gif_server.ts
 */
import { GIF, HEADERS } from "./gif.ts";

const port = Number(Deno.env.get("PORT") ?? 8123);

Deno.serve(
  { port, onListen: ({ port }) => console.log(`bare GIF server on http://127.0.0.1:${port}`) },
  (request) => new Response(request.method === "HEAD" ? null : GIF, { status: 200, headers: HEADERS }),
);
