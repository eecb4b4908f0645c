// Builds the dashboard into OUT_DIR (default: dist/): index.html, app.js, app.css.
// Usage: node build.mjs [OUT_DIR]. CMake passes a folder of the build tree, so the
// source tree stays clean. File names are fixed (no content hashes): the daemon serves
// them with ETags and `Cache-Control: no-cache`, so browsers revalidate anyway.
import { build } from "esbuild";
import { copyFile, mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(here, "dist"));

// Start from an empty folder: every file in it is embedded in the binary.
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

await build({
  entryPoints: { app: path.join(here, "src/main.ts") },
  outdir: out,
  bundle: true,
  format: "esm",
  target: ["es2022"],
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
await copyFile(path.join(here, "index.html"), path.join(out, "index.html"));

console.log(`dashboard: ${(await readdir(out)).sort().join(", ")} -> ${out}`);
