/**
 * Builds the island bundles with `deno bundle` (esbuild inside Deno): one small
 * client entry plus a chunk per island and shared chunks, minified, for browsers.
 */
import { sha256Hex } from "../crypto/tokens.ts";

export const BUILD_DIR = "static/build";
const MANIFEST = `${BUILD_DIR}/manifest.json`;
const ENTRY = "lib/islands/client.ts";
/** What the bundle is made of; a change to any of these makes the bundle stale. */
const SOURCES = ["islands", "lib", "components", "deno.json", "deno.lock"];

async function* files(path: string): AsyncGenerator<string> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch {
    return;
  }
  if (info.isFile) {
    yield path;
    return;
  }
  const names: string[] = [];
  for await (const entry of Deno.readDir(path)) names.push(entry.name);
  for (const name of names.sort()) {
    if (/_test\.tsx?$/.test(name)) continue;
    yield* files(`${path}/${name}`);
  }
}

/** A hash of every source file the bundle depends on. */
export async function sourceHash(root = "."): Promise<string> {
  const parts: string[] = [];
  for (const source of SOURCES) {
    for await (const file of files(`${root}/${source}`)) {
      if (!/\.(tsx?|json|lock)$/.test(file)) continue;
      parts.push(file, await sha256Hex(await Deno.readTextFile(file)));
    }
  }
  return (await sha256Hex(parts.join("\n"))).slice(0, 16);
}

export interface BuildManifest {
  hash: string;
  builtAt: string;
}

export async function readManifest(root = "."): Promise<BuildManifest | null> {
  try {
    return JSON.parse(await Deno.readTextFile(`${root}/${MANIFEST}`));
  } catch {
    return null;
  }
}

export async function buildIslands(root = "."): Promise<BuildManifest> {
  const hash = await sourceHash(root);
  await Deno.remove(`${root}/${BUILD_DIR}`, { recursive: true }).catch(() => {});
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform=browser",
      "--format=esm",
      "--minify",
      "--code-splitting",
      `--outdir=${BUILD_DIR}`,
      ENTRY,
    ],
    cwd: root,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`island build failed:\n${new TextDecoder().decode(stderr)}`);
  await refuseServerImports(`${root}/${BUILD_DIR}`);
  const manifest = { hash, builtAt: new Date().toISOString() };
  await Deno.writeTextFile(`${root}/${MANIFEST}`, JSON.stringify(manifest, null, 2));
  return manifest;
}

/** Builds when the bundle is missing or stale; returns the hash pages use to cache-bust. */
export async function ensureIslandsBuilt(root = ".", { canWrite = true } = {}): Promise<string> {
  const [manifest, hash] = await Promise.all([readManifest(root), sourceHash(root)]);
  if (manifest?.hash === hash) return hash;
  if (!canWrite) {
    if (manifest) {
      console.warn("island bundle is stale and this platform cannot rebuild it; run `deno task build`");
      return manifest.hash;
    }
    throw new Error("island bundle is missing: run `deno task build` before starting");
  }
  return (await buildIslands(root)).hash;
}

if (import.meta.main) {
  const started = performance.now();
  const manifest = await buildIslands();
  console.log(`islands built in ${Math.round(performance.now() - started)} ms (hash ${manifest.hash})`);
}

/**
 * A module an island imports that imports a Node built-in (`node:util`, say) bundles into an import no browser
 * can load: the island then fails in the page. The build refuses it, naming the chunk, instead.
 */
export async function refuseServerImports(dir: string) {
  for await (const file of files(dir)) {
    if (!file.endsWith(".js")) continue;
    const found = (await Deno.readTextFile(file)).match(/["'](node:[a-z_/]+)["']/);
    if (found) {
      throw new Error(`island build failed: ${file} imports ${found[1]}, which browsers can't load`);
    }
  }
}
