/**
 * What Deno.serve runs for each request. The open pixel, the one answer given at volume (every
 * email opened, by people, proxies and scanners), goes straight to its handler; everything else
 * goes through the app's router and middleware. Only GET and HEAD of the pixel's path take the
 * short way; the app serves the same handler at the same path, so both ways answer alike.
 */
import type { Hono } from "hono";
import { getPath } from "hono/utils/url";
import type { AppDeps, AppEnv } from "./deps.ts";
import { PIXEL_PATH, pixelHandler } from "./tracking.ts";

export function serveHandler(app: Hono<AppEnv>, deps: AppDeps): Deno.ServeHandler<Deno.NetAddr> {
  const pixel = pixelHandler(deps);
  return (request, info) => {
    if (request.method === "GET" || request.method === "HEAD") {
      const path = getPath(request);
      if (path.startsWith(PIXEL_PATH)) return pixel(request, info.remoteAddr, path);
    }
    return app.fetch(request, { remoteAddr: info.remoteAddr });
  };
}
