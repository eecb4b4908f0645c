// Browser test of the dashboard against a real `mmscore run` of the offline demo (daemon +
// built-in simulator), driven in headless Debian Chromium by playwright-core.
//
//   node dashboard.test.mjs --mmscore BIN --config config/demo.toml --dashboard daemon/dashboard
//
// Exit status: 0 passed, 1 failed, 77 skipped (no Chromium: ctest's SKIP_RETURN_CODE).
// Built for a loaded 2-core machine: every wait polls with a generous limit and says
// what it was waiting for when it gives up.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const SKIP = 77;
const TOTAL_LIMIT_MS = 170_000; // ctest kills at 180 s; stop first, with a message and cleanup
const OTHER_MMS = ["bravo", "charlie", "delta", "echo"];
const ALL_MMS = ["alpha", ...OTHER_MMS];

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
for (const name of ["mmscore", "config", "dashboard"]) {
  if (!args[name]) {
    console.error(`usage: node dashboard.test.mjs --mmscore BIN --config DEMO.toml --dashboard DASHBOARD_DIR (missing --${name})`);
    process.exit(2);
  }
}

const started = Date.now();
const log = (...parts) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s]`, ...parts);

const chromiumPath = process.env.MMSCORE_CHROMIUM || "/usr/bin/chromium";
try {
  accessSync(chromiumPath, constants.X_OK);
} catch {
  console.log(`SKIP: no Chromium at ${chromiumPath} (install Debian's chromium, or set MMSCORE_CHROMIUM)`);
  process.exit(SKIP);
}
let chromium;
try {
  chromium = createRequire(path.resolve(args.dashboard, "package.json"))("playwright-core").chromium;
} catch (e) {
  console.error(`FAIL: playwright-core not found under ${args.dashboard}/node_modules (the dashboard build runs npm ci): ${e.message}`);
  process.exit(1);
}

// ---- helpers -------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Thrown by a probe to stop waiting at once (the daemon died: no point in polling on).
class Fatal extends Error {}

// Polls `probe` until it returns a truthy value; fails naming `what` after `ms`.
async function waitFor(what, ms, probe, every = 500) {
  const until = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      if (e instanceof Fatal) throw e;
      last = e;
    }
    if (Date.now() > until) {
      throw new Error(`timed out after ${ms / 1000} s waiting for ${what}${last ? ` (last error: ${last.message})` : ""}`);
    }
    await sleep(every);
  }
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// The demo config with this test's API address, token file and temporary folders: the
// [journal], [report] and [api] sections are replaced, everything else is kept.
function testConfig(demoText, tmp, port) {
  const replaced = new Set(["journal", "report", "api"]);
  const kept = [];
  let skipping = false;
  for (const line of demoText.split("\n")) {
    const section = /^\s*\[+([^\]]+)\]+/.exec(line);
    if (section) skipping = replaced.has(section[1].trim());
    if (!skipping) kept.push(line);
  }
  return `${kept.join("\n")}
[journal]
dir = "${tmp}/journal"

[report]
dir = "${tmp}/reports"

[api]
listen = "127.0.0.1:${port}"
tokens_file = "${tmp}/tokens"
`;
}

// ---- the daemon ----------------------------------------------------------------------

const tmp = mkdtempSync(path.join(os.tmpdir(), "mmscore-dashboard-"));
const token = (role) => `${role.replace(":", "-")}-${randomBytes(16).toString("hex")}`;
const tokens = { ops: token("ops"), risk: token("risk"), alpha: token("mm:alpha"), bravo: token("mm:bravo") };
writeFileSync(path.join(tmp, "tokens"),
  `# dashboard test tokens\n${tokens.ops} ops\n${tokens.risk} risk\n${tokens.alpha} mm:alpha\n${tokens.bravo} mm:bravo\n`,
  { mode: 0o600 });
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const configPath = path.join(tmp, "demo.toml");
writeFileSync(configPath, testConfig(readFileSync(args.config, "utf8"), tmp, port));

let daemonLog = "";
let daemon = null; // the running `mmscore run`, or null
let daemonExit = null; // how the last one ended, once it has

function startDaemon() {
  log(`starting ${args.mmscore} run --config ${configPath}`);
  const child = spawn(args.mmscore, ["run", "--config", configPath], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d) => (daemonLog += d));
  child.stderr.on("data", (d) => (daemonLog += d));
  daemonExit = null;
  child.on("exit", (code, signal) => (daemonExit = { code, signal }));
  child.on("error", (e) => (daemonExit = { error: e.message })); // e.g. no such binary
  daemon = child;
}

// SIGTERM (the daemon's documented stop, within 5 s), then SIGKILL after 10 s.
async function stopDaemon() {
  const child = daemon;
  daemon = null;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", () => resolve(true)));
  child.kill("SIGTERM");
  if (!(await Promise.race([exited, sleep(10_000).then(() => false)]))) {
    log("the daemon did not stop within 10 s of SIGTERM: SIGKILL");
    child.kill("SIGKILL");
    await exited;
  }
}

async function waitForDaemon() {
  await waitFor("GET /v1/health to answer 200 (the daemon publishing)", 60_000, async () => {
    if (daemonExit) throw new Fatal(`mmscore exited early (${JSON.stringify(daemonExit)})`);
    return (await api("/v1/health")).status === 200;
  });
  await waitFor("standings for all five MMs in GET /v1/mms", 60_000, async () => {
    const r = await api("/v1/mms", tokens.ops);
    return r.status === 200 && ALL_MMS.every((id) => r.body.includes(`"${id}"`));
  });
}

let browser = null;
async function cleanup() {
  await browser?.close().catch(() => {});
  await stopDaemon();
}

const watchdog = setTimeout(async () => {
  console.error(`FAIL: the test did not finish within ${TOTAL_LIMIT_MS / 1000} s`);
  await cleanup();
  process.exit(1);
}, TOTAL_LIMIT_MS);

async function api(pathname, bearer) {
  const response = await fetch(base + pathname, { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
  return { status: response.status, body: await response.text() };
}

// ---- the checks ----------------------------------------------------------------------

const results = [];
async function check(name, body) {
  log(`- ${name}`);
  try {
    await body();
    results.push({ name, ok: true });
  } catch (e) {
    results.push({ name, ok: false, error: e });
    log(`  FAILED: ${e.message}`);
  }
}

const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];

// A fresh profile per role (playwright's contexts share nothing, localStorage included).
async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // Failed requests are logged as console errors too (401, 403, a stopped daemon): only
  // Content-Security-Policy refusals count, since they mean part of the page is broken.
  page.on("console", (m) => {
    if (m.type() === "error" && /content security policy/i.test(m.text())) errors.push(m.text());
  });
  page.errors = errors;
  return page;
}

// The end of a check's page: its script errors fail the check, then it is closed.
async function closePage(page) {
  if (page.errors.length) throw new Error(`page errors: ${page.errors.join("; ")}`);
  await page.context().close();
}

async function enterToken(page, value) {
  await page.goto(base + "/", { waitUntil: "domcontentloaded" });
  await page.waitForSelector("input#token", { state: "visible" });
  await page.fill("input#token", value);
  await page.click("form[data-gate] button[type=submit]");
}

// What a view shows that changes with live data: visible text and chart point counts.
const liveState = (page, view) => page.evaluate((v) => {
  const root = document.querySelector(`[data-view=${v}]`);
  const points = [...root.querySelectorAll("[data-points]")].map((c) => c.dataset.points).join(",");
  return `${root.innerText}\n${points}`;
}, view);

// MMSCORE_DASHBOARD_SCREENSHOTS=DIR keeps a full-page screenshot of each role's view.
async function screenshot(page, name) {
  const dir = process.env.MMSCORE_DASHBOARD_SCREENSHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

const textOf = (page, selector) => page.evaluate((s) => document.querySelector(s)?.innerText ?? "", selector);

try {
  startDaemon();
  await waitForDaemon();
  log("daemon is up at", base);

  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: FLAGS, timeout: 60_000 });

  await check("the page loads and asks for a token", async () => {
    const page = await newPage();
    await page.goto(base + "/", { waitUntil: "domcontentloaded" });
    await page.waitForSelector("input#token", { state: "visible" });
    const text = await textOf(page, "body");
    if (!/enter your api token/i.test(text)) throw new Error(`no token prompt; page text: ${text}`);
    await page.context().close();
  });

  await check("a bad token shows an error", async () => {
    const page = await newPage();
    await enterToken(page, "not-a-valid-token-0123456789");
    await page.waitForSelector(".gate-error", { state: "visible" });
    const text = await textOf(page, ".gate-error");
    if (!/did not accept/i.test(text)) throw new Error(`unexpected error text: ${text}`);
    await screenshot(page, "bad-token");
    await page.context().close();
  });

  await check("ops: the program view lists all five MMs and updates live", async () => {
    const page = await newPage();
    await enterToken(page, tokens.ops);
    await page.waitForSelector("[data-view=program]:not([hidden])");
    for (const id of ALL_MMS) await page.waitForSelector(`[data-view=program] tr[data-mm=${id}]`);
    const before = await liveState(page, "program");
    await waitFor("the program view to change (a figure or a chart's point count)", 20_000,
      async () => (await liveState(page, "program")) !== before);
    const points = await page.$$eval("[data-view=program] [data-points]", (cs) => cs.map((c) => Number(c.dataset.points)));
    if (!points.length || points.some((n) => n < 1)) throw new Error(`charts without points: ${points}`);
    const health = await textOf(page, "[data-view=program] .health");
    if (!/public feed/i.test(health)) throw new Error(`no feed health shown: ${health}`);

    await screenshot(page, "ops-program");
    // A row's detail offers that MM's standing and statement; before any month end the
    // statement's 404 is said next to its button.
    await page.click("[data-view=program] tr[data-mm=bravo]");
    const statement = '[data-mm-downloads=bravo] button.download[data-download="/v1/mms/bravo/statement?format=csv"]';
    await page.waitForSelector(statement);
    if (!await page.$('[data-mm-downloads=bravo] button.download[data-download="/v1/mms/bravo?format=csv"]'))
      throw new Error("no standing download in bravo's detail");
    await page.click(statement);
    await waitFor("bravo's statement button's message", 10_000, async () =>
      /Not downloaded: .*no statement for bravo yet/.test(await page.$eval(statement, (b) =>
        b.parentElement.querySelector(".download-result").innerText)));
    await page.click("button.snapshot");
    await waitFor("the snapshot result", 20_000, async () => /written/.test(await textOf(page, ".snapshot-result")));
    const result = await textOf(page, ".snapshot-result");
    if (!/^\s*written/.test(result)) throw new Error(`snapshot not written: ${result}`);

    // The token is kept: a reload goes straight to the dashboard; "Forget token" asks again.
    await page.reload({ waitUntil: "domcontentloaded" });
    await page.waitForSelector("[data-view=program] tr[data-mm=alpha]");
    await page.click("button.forget");
    await page.waitForSelector("input#token", { state: "visible" });
    if (await page.evaluate(() => localStorage.length) !== 0) throw new Error("the token is still in localStorage");
    await closePage(page);
  });

  await check("risk: lands on the markets view, with per-MM rows; no snapshot button", async () => {
    const page = await newPage();
    await enterToken(page, tokens.risk);
    // No click: risk's first view is market liquidity.
    await page.waitForSelector("[data-view=markets]:not([hidden]) tr[data-market=BTC_USDC_PERP]");
    const who = await textOf(page, "header .who");
    if (who.trim() !== "risk") throw new Error(`header shows "${who}" for the risk token`);
    for (const id of ALL_MMS) await page.waitForSelector(`[data-view=markets] tr[data-mm=${id}]`);
    const markets = await page.$$eval("[data-view=markets] tr.market-row", (rows) => rows.length);
    if (markets !== 9) throw new Error(`expected the demo's 9 markets, saw ${markets}`);
    await screenshot(page, "risk-markets");
    await page.click("[data-tab=program]");
    await page.waitForSelector("[data-view=program]:not([hidden]) tr[data-mm=alpha]");
    if (await page.$("button.snapshot")) throw new Error("risk is offered the snapshot button (ops only)");
    await closePage(page);
  });

  await check("mm:alpha: alpha's standing, and nothing about any other MM anywhere", async () => {
    const page = await newPage();
    const bodies = []; // every response body and WebSocket frame the page received
    const pending = [];
    const urls = [];
    page.on("request", (r) => urls.push(r.url()));
    page.on("response", (r) => pending.push(r.body().then((b) => bodies.push([r.url(), b.toString("utf8")]), () => {})));
    page.on("websocket", (ws) => ws.on("framereceived", (f) => bodies.push([ws.url(), String(f.payload)])));

    await enterToken(page, tokens.alpha);
    await page.waitForSelector("[data-view=standing] [data-standing=alpha] tr[data-market=BTC_USDC_PERP]");
    const view = await textOf(page, "[data-view=standing]");
    if (!/projected reward/i.test(view) || !/fee tiers/i.test(view)) throw new Error(`standing incomplete: ${view.slice(0, 400)}`);
    await screenshot(page, "alpha-standing");
    await page.click("[data-tab=markets]");
    await page.waitForSelector("[data-view=markets] tr[data-mm=alpha]");
    // Let a few updates and standing refreshes arrive before looking at everything.
    const frames = () => bodies.filter(([url]) => url.includes("/v1/stream")).length;
    await waitFor("three stream frames", 30_000, () => frames() >= 3);
    await sleep(4000);
    await Promise.all(pending);

    const dom = (await page.evaluate(() => document.documentElement.outerHTML + document.body.innerText)).toLowerCase();
    for (const other of OTHER_MMS) {
      if (dom.includes(other)) throw new Error(`"${other}" appears in alpha's DOM`);
      for (const [url, body] of bodies)
        if (body.toLowerCase().includes(other)) throw new Error(`"${other}" appears in a response to alpha: ${url}`);
    }
    // Its own standing and its own evidence rows (the uptime strips), nothing else.
    const mmRequests = urls.filter((u) => u.includes("/v1/mms/"));
    if (mmRequests.some((u) => !/^\/v1\/mms\/alpha(\/snapshots)?$/.test(new URL(u).pathname)))
      throw new Error(`requested another MM: ${mmRequests}`);
    if (!mmRequests.some((u) => new URL(u).pathname === "/v1/mms/alpha/snapshots"))
      throw new Error("the page never asked for alpha's evidence rows (uptime strips)");
    log(`  checked ${bodies.length} responses and frames, ${urls.length} requests`);
    await closePage(page);
  });

  // The CSV header the API serves, for comparing what the page downloads.
  const csvHeader = async (pathname, bearer) => {
    const r = await api(pathname, bearer);
    if (r.status !== 200) throw new Error(`GET ${pathname} answered ${r.status}: ${r.body}`);
    return r.body.split("\n")[0];
  };

  // Clicks a download button; returns the saved file's text, its suggested name, and the
  // response and request the page made for it.
  async function download(page, selector, urlPart) {
    const [file, response] = await Promise.all([
      page.waitForEvent("download"),
      page.waitForResponse((r) => r.url().includes(urlPart)),
      page.click(selector),
    ]);
    const saved = await file.path();
    if (!saved) throw new Error(`the download from ${urlPart} failed: ${await file.failure()}`);
    return { text: readFileSync(saved, "utf8"), name: file.suggestedFilename(), response, request: response.request() };
  }

  await check("ops: the report downloads as CSV from the program and markets views", async () => {
    const header = await csvHeader("/v1/report?format=csv", tokens.ops);
    if (!header.startsWith("mm_id,")) throw new Error(`unexpected report CSV header from the API: ${header}`);
    const page = await newPage();
    await enterToken(page, tokens.ops);
    await page.waitForSelector("[data-view=program] tr[data-mm=alpha]");
    const got = await download(page, "[data-view=program] button.download", "/v1/report?format=csv");
    if (got.response.status() !== 200 || !/^text\/csv/.test(got.response.headers()["content-type"] ?? ""))
      throw new Error(`report download answered ${got.response.status()} ${got.response.headers()["content-type"]}`);
    if (got.request.headers()["authorization"] !== `Bearer ${tokens.ops}`) throw new Error("the download did not send the token");
    if (got.text.split("\n")[0] !== header) throw new Error(`the saved file starts with ${got.text.slice(0, 200)}`);
    for (const id of ALL_MMS) if (!got.text.includes(`\n${id},`)) throw new Error(`no row of ${id} in the report CSV`);
    if (!/^report-\d{4}-\d{2}\.csv$/.test(got.name)) throw new Error(`unexpected file name ${got.name}`);
    await page.click("[data-tab=markets]");
    await page.waitForSelector("[data-view=markets]:not([hidden]) tr[data-mm=alpha]");
    const again = await download(page, "[data-view=markets] button.download", "/v1/report?format=csv");
    if (again.text.split("\n")[0] !== header) throw new Error(`the markets view's file starts with ${again.text.slice(0, 200)}`);
    await closePage(page);
  });

  await check("mm:alpha: standing CSV download and the what-if panel", async () => {
    const header = await csvHeader("/v1/mms/alpha?format=csv", tokens.alpha);
    const page = await newPage();
    const posts = [];
    page.on("request", (r) => r.method() === "POST" && posts.push([r.url(), r.postData()]));
    await enterToken(page, tokens.alpha);
    await page.waitForSelector("[data-view=standing] [data-standing=alpha] tr[data-market=BTC_USDC_PERP]");
    if (await page.$("[data-view=markets] button.download")) throw new Error("an MM is offered the report download");

    const got = await download(page, "[data-view=standing] button.download", "/v1/mms/alpha?format=csv");
    if (got.text.split("\n")[0] !== header || !header.startsWith("mm_id,"))
      throw new Error(`the standing file starts with ${got.text.slice(0, 200)} (API header: ${header})`);
    const rows = got.text.trim().split("\n").slice(1);
    if (rows.length !== 9 || rows.some((r) => !r.startsWith("alpha,")))
      throw new Error(`expected alpha's 9 market rows, got ${rows.length}: ${got.text.slice(0, 300)}`);
    if (!/^standing-\d{4}-\d{2}-alpha\.csv$/.test(got.name)) throw new Error(`unexpected file name ${got.name}`);
    // The statement button: the demo's month has not closed, so the API's 404 is said
    // next to it (the download itself is checked against a closed month in
    // live_month_close_test).
    const statement = '[data-view=standing] button.download[data-download="/v1/mms/alpha/statement?format=csv"]';
    const [none] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("/v1/mms/alpha/statement")),
      page.click(statement),
    ]);
    if (none.status() !== 404) throw new Error(`statement before any month end: ${none.status()}`);
    await waitFor("the statement button's message", 10_000, async () =>
      /Not downloaded: .*no statement for alpha yet/.test(await page.$eval(statement, (b) =>
        b.parentElement.querySelector(".download-result").innerText)));

    // The panel: one row per market, current rewards filled in from the standing.
    const panel = "[data-view=standing] [data-whatif]";
    await waitFor("the what-if panel's 9 market rows with current rewards", 20_000, async () =>
      (await page.$$eval(`${panel} tbody tr[data-market]`, (rs) => rs.filter((r) => /\$/.test(r.innerText)).length)) === 9);
    const usdText = (v) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(v);
    const project = async () => {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/v1/mms/alpha/whatif")),
        page.click(`${panel} button.project`),
      ]);
      await page.waitForFunction((p) => !document.querySelector(`${p} button.project`).disabled, panel);
      return response;
    };

    // An empty plan: the plain projection, its total shown as the API answered it.
    const plain = await project();
    const answer = await plain.json();
    if (plain.status() !== 200 || answer.mm_id !== "alpha" || answer.planned_markets !== 0)
      throw new Error(`empty plan answered ${plain.status()}: ${JSON.stringify(answer).slice(0, 300)}`);
    if (posts.at(-1)[1] !== "{}") throw new Error(`the empty plan sent ${posts.at(-1)[1]}`);
    const total = await textOf(page, `${panel} [data-projected-total]`);
    if (total !== usdText(answer.standing.total_reward_usd))
      throw new Error(`projected total shows "${total}", the API answered ${answer.standing.total_reward_usd}`);
    const btc = answer.standing.markets.find((m) => m.symbol === "BTC_USDC_PERP");
    const btcCell = await textOf(page, `${panel} tr[data-market=BTC_USDC_PERP] td:last-child`);
    if (!btcCell.startsWith(usdText(btc.reward_usd)) || !btcCell.includes(btc.eligible ? "eligible" : "not eligible"))
      throw new Error(`BTC_USDC_PERP projected cell "${btcCell}", API: ${JSON.stringify(btc).slice(0, 200)}`);

    // Spread without size: the API's 400 message, as it says it; no projected total left.
    await page.fill(`${panel} tr[data-market=BTC_USDC_PERP] input[data-field=spread_bps]`, "5");
    const bad = await project();
    if (bad.status() !== 400) throw new Error(`spread without size answered ${bad.status()}`);
    if (posts.at(-1)[1] !== JSON.stringify({ markets: { BTC_USDC_PERP: { spread_bps: 5 } } }))
      throw new Error(`the plan sent ${posts.at(-1)[1]}`);
    const error = await textOf(page, `${panel} .whatif-error`);
    if (error !== "markets.BTC_USDC_PERP: size_per_side_usd and spread_bps go together")
      throw new Error(`error shown: "${error}"`);
    if ((await textOf(page, `${panel} [data-projected-total]`)) !== "–") throw new Error("a stale projected total is shown");

    // Adding the size makes it a valid one-market plan.
    await page.fill(`${panel} tr[data-market=BTC_USDC_PERP] input[data-field=size_per_side_usd]`, "50000");
    const good = await project();
    if (good.status() !== 200 || (await good.json()).planned_markets !== 1) throw new Error(`the plan answered ${good.status()}`);
    if (posts.at(-1)[1] !== JSON.stringify({ markets: { BTC_USDC_PERP: { size_per_side_usd: 50000, spread_bps: 5 } } }))
      throw new Error(`the plan sent ${posts.at(-1)[1]}`);
    if (!/1 market planned/.test(await textOf(page, `${panel} .whatif-result`))) throw new Error("no projection summary");
    if (await page.$(`${panel} .whatif-error`)) throw new Error("the error is still shown");
    await screenshot(page, "alpha-whatif");
    if (posts.some(([url]) => !/\/v1\/mms\/alpha\/whatif$/.test(url))) throw new Error(`unexpected POSTs: ${posts}`);
    await closePage(page);
  });

  await check("ops: a one-sided MM (delta) is told it was never active, the minimum allocation once", async () => {
    // The demo's delta quotes one side only: wait until the API has it observed, never active.
    let standing = null;
    const oneSided = (s) => s.markets.filter((m) => m.snapshots_observed > 0 && m.snapshots_active === 0);
    await waitFor("a delta market observed and never active", 30_000, async () => {
      const r = await api("/v1/mms/delta", tokens.ops);
      standing = r.status === 200 ? JSON.parse(r.body) : null;
      return standing != null && oneSided(standing).length > 0;
    });
    const page = await newPage();
    await enterToken(page, tokens.ops);
    await page.waitForSelector("[data-view=program] tr[data-mm=delta]");
    await page.click("[data-view=program] tr[data-mm=delta]");
    const section = "[data-view=program] [data-standing=delta]";
    await page.waitForSelector(`${section} tr[data-market]`);
    for (const m of oneSided(standing)) {
      if (m.missing.cause !== "no_active_snapshot") throw new Error(`${m.symbol}: missing.cause is ${m.missing.cause}`);
      const cells = await page.$$eval(`${section} tr[data-market="${m.symbol}"] td`, (tds) => tds.map((t) => t.innerText));
      if (!/never active/.test(cells[2]) || /more per side/.test(cells[2]))
        throw new Error(`${m.symbol} says "${cells[2]}", not that it was never active`);
      if (cells[5] !== "–" || cells[7] !== "–") throw new Error(`${m.symbol}: avg size "${cells[5]}", avg spread "${cells[7]}"`);
    }
    const text = await textOf(page, section);
    if (/under the minimum allocation/.test(text)) throw new Error("a market row repeats the minimum allocation shortfall");
    const shortfalls = text.match(/\bshort\b/g)?.length ?? 0;
    if (shortfalls > 1) throw new Error(`the minimum allocation shortfall is said ${shortfalls} times`);
    await closePage(page);
  });

  // The evidence rows the API serves for one MM and market, by interval.
  const evidence = async (mm, market, bearer) => {
    const r = await api(`/v1/mms/${mm}/snapshots?market=${market}`, bearer);
    if (r.status !== 200) throw new Error(`GET /v1/mms/${mm}/snapshots answered ${r.status}: ${r.body}`);
    return new Map(JSON.parse(r.body).rows.map((row) => [row.interval, row]));
  };
  const stateOf = (row) => (!row.observed ? "unobserved" : row.active ? "active" : "inactive");
  const TITLE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, snapshot \d+: (active, size \S+, spread \S+|inactive: .+ \((no_bid_in_band|no_ask_in_band|below_min_side)\)|unobserved: .+ \((public_down|book_not_in_sync|private_down|orders_not_in_sync|anomaly)\))/;
  const stripCells = (page, selector) => page.$$eval(`${selector} .cell`, (cs) =>
    cs.map((c) => ({ interval: Number(c.dataset.interval), state: c.dataset.state, title: c.title })));

  await check("mm:alpha: an uptime strip per market; titles with the reason; a click shows the API's row", async () => {
    const page = await newPage();
    await enterToken(page, tokens.alpha);
    const strip = "[data-view=standing] .strip[data-mm=alpha][data-market=BTC_USDC_PERP]";
    await waitFor("cells in alpha's BTC_USDC_PERP strip", 30_000, async () => (await page.$$(`${strip} .cell`)).length >= 3);
    const markets = await page.$$eval("[data-view=standing] .strip", (ss) => ss.map((x) => x.dataset.market));
    if (markets.length !== 9) throw new Error(`expected a strip per market (9), saw ${markets}`);
    const cells = await stripCells(page, strip);
    if (cells.length > 120) throw new Error(`${cells.length} cells: more than the last 120 snapshots`);
    const rows = await evidence("alpha", "BTC_USDC_PERP", tokens.alpha);
    for (const c of cells) {
      if (c.state === "none") continue;
      if (!TITLE.test(c.title)) throw new Error(`cell ${c.interval}: title "${c.title}"`);
      const row = rows.get(c.interval);
      if (row && stateOf(row) !== c.state) throw new Error(`cell ${c.interval} is ${c.state}, the API's row is ${stateOf(row)}`);
    }
    const last = cells.filter((c) => c.state !== "none").at(-1);
    await page.hover(`${strip} .cell[data-interval="${last.interval}"]`);
    await page.click(`${strip} .cell[data-interval="${last.interval}"]`);
    const detail = `[data-view=standing] [data-snapshot-detail] table[data-interval="${last.interval}"]`;
    await page.waitForSelector(detail);
    const shown = await page.$$eval(`${detail} td[data-field]`, (tds) =>
      Object.fromEntries(tds.map((t) => [t.dataset.field, t.dataset.value])));
    const row = (await evidence("alpha", "BTC_USDC_PERP", tokens.alpha)).get(last.interval);
    if (!row) throw new Error(`the API has no row for interval ${last.interval}`);
    for (const f of ["symbol", "interval", "instant", "observed", "unobserved_reason", "active", "inactive_reason", "size_usd", "spread_bps"])
      if ((shown[f] ?? "") !== (row[f] == null ? "" : String(row[f])))
        throw new Error(`detail ${f} = "${shown[f]}", the API's row has ${JSON.stringify(row[f])}`);
    log(`  ${cells.length} cells; snapshot ${last.interval}: ${last.title}`);
    await screenshot(page, "alpha-strips");
    await closePage(page);
  });

  await check("ops: uptime strips per MM row on the markets view (delta's cells say why it is inactive)", async () => {
    const page = await newPage();
    await enterToken(page, tokens.ops);
    await page.waitForSelector("[data-view=program] tr[data-mm=alpha]");
    await page.click("[data-tab=markets]");
    const strip = "[data-view=markets] .strip[data-mm=delta][data-market=BTC_USDC_PERP]";
    await waitFor("cells in delta's BTC_USDC_PERP strip", 30_000, async () => (await page.$$(`${strip} .cell`)).length >= 3);
    for (const id of ALL_MMS) await page.waitForSelector(`[data-view=markets] .strip[data-mm=${id}][data-market=BTC_USDC_PERP]`);
    const cells = await stripCells(page, strip);
    const inactive = cells.find((c) => c.state === "inactive");
    if (!inactive) throw new Error(`no inactive cell for one-sided delta: ${JSON.stringify(cells.slice(-5))}`);
    if (!/inactive: .+\((no_bid_in_band|no_ask_in_band)\)$/.test(inactive.title)) throw new Error(`delta's title: "${inactive.title}"`);
    const rows = await evidence("delta", "BTC_USDC_PERP", tokens.ops);
    const row = rows.get(inactive.interval);
    if (row && (row.active || !inactive.title.includes(row.inactive_reason)))
      throw new Error(`cell ${inactive.interval} "${inactive.title}", the API's row ${JSON.stringify(row)}`);
    await closePage(page);
  });

  await check("risk: the heat map has a cell per MM and market, each the API's uptime", async () => {
    const page = await newPage();
    await enterToken(page, tokens.risk);
    await page.waitForSelector("[data-view=markets]:not([hidden]) tr[data-market=BTC_USDC_PERP]");
    await page.click("[data-tab=risk]");
    const map = "[data-view=risk] [data-heatmap=uptime] table.heatmap";
    await page.waitForSelector(`${map} td.heat`);
    const cells = () => page.evaluate((m) => {
      const table = document.querySelector(m);
      return { asOf: table?.dataset.asOf, cells: [...(table?.querySelectorAll("td.heat") ?? [])].map((c) =>
        ({ mm: c.dataset.mm, market: c.dataset.market, value: c.dataset.value, text: c.innerText })) };
    }, map);
    let compared = null;
    await waitFor("the page's heat map and GET /v1/markets at the same as_of", 30_000, async () => {
      const shown = await cells();
      const r = await api("/v1/markets", tokens.risk);
      const body = JSON.parse(r.body);
      if (r.status !== 200 || body.as_of !== shown.asOf) return false;
      compared = { shown, body };
      return true;
    }, 200);
    const { shown, body } = compared;
    if (shown.cells.length !== ALL_MMS.length * body.markets.length || body.markets.length !== 9)
      throw new Error(`${shown.cells.length} cells for ${ALL_MMS.length} MMs x ${body.markets.length} markets`);
    for (const m of body.markets) {
      for (const id of ALL_MMS) {
        const cell = shown.cells.find((c) => c.mm === id && c.market === m.symbol);
        const row = m.mms.find((x) => x.mm_id === id);
        if (!cell || !row) throw new Error(`no cell or no API row for ${id} x ${m.symbol}`);
        if (Number(cell.value) !== row.uptime || cell.value === "")
          throw new Error(`${id} x ${m.symbol}: cell ${cell.value} ("${cell.text}"), API uptime ${row.uptime}`);
        if (cell.text !== `${(row.uptime * 100).toFixed(0)} %`) throw new Error(`${id} x ${m.symbol}: "${cell.text}"`);
      }
    }
    const hasDense = body.markets.some((m) => m.mms.some((r) => "dense_uptime" in r));
    const dense = await page.$$("[data-view=risk] [data-heatmap=dense_uptime] td.heat");
    if (hasDense !== dense.length > 0) throw new Error(`dense uptime in the API: ${hasDense}, cells: ${dense.length}`);
    const flags = await textOf(page, "[data-view=risk] [data-flags]");
    if (!flags.trim()) throw new Error("no flags table");
    const multiples = await page.$$eval("[data-view=risk] .multiples [data-chart]", (cs) => cs.map((c) => c.dataset.id));
    if (multiples.length !== 9) throw new Error(`expected a small chart per market, saw ${multiples}`);
    log(`  ${shown.cells.length} cells at ${shown.asOf}; dense uptime ${hasDense ? "shown" : "not in the rows"}`);
    await screenshot(page, "risk-heatmap");
    await closePage(page);
  });

  await check("mm:bravo: the page finds the token's own MM (bravo, not alpha)", async () => {
    const page = await newPage();
    await enterToken(page, tokens.bravo);
    await page.waitForSelector("[data-view=standing] [data-standing=bravo] tr[data-market=BTC_USDC_PERP]");
    if ((await textOf(page, "body")).toLowerCase().includes("alpha")) throw new Error(`"alpha" appears in bravo's page`);
    await page.context().close();
  });

  let beforeRestart = null; // GET /v1/history just before the SIGTERM
  await check("daemon down: the page says it is retrying, then goes live again", async () => {
    const page = await newPage();
    await enterToken(page, tokens.ops);
    await page.waitForSelector("[data-view=program] tr[data-mm=alpha]");
    await waitFor("the live badge", 20_000, async () => /live/.test(await textOf(page, ".connection")));
    await waitFor("two points in GET /v1/history (one per 10 s)", 30_000, async () => {
      beforeRestart = JSON.parse((await api("/v1/history", tokens.ops)).body);
      return beforeRestart.t_ms.length >= 2;
    });
    await stopDaemon();
    await waitFor("the retrying message", 20_000, async () => /retrying/i.test(await textOf(page, ".banner")));
    await screenshot(page, "daemon-down");
    startDaemon();
    await waitForDaemon();
    // The page's backoff has grown while the daemon was away (at most 30 s between tries).
    await waitFor("the page to be live again", 60_000, async () =>
      /live/.test(await textOf(page, ".connection")) && !/retrying/i.test(await textOf(page, ".banner")));
    await page.waitForSelector("[data-view=program] tr[data-mm=echo]");
    await closePage(page);
  });

  await check("the charts' history outlives the restart (GET /v1/history and the drawn series)", async () => {
    if (!beforeRestart) throw new Error("no history was read before the restart");
    const times = beforeRestart.t_ms;
    const after = JSON.parse((await api("/v1/history", tokens.ops)).body);
    const kept = new Set(after.t_ms);
    const lost = times.filter((t) => !kept.has(t));
    if (lost.length) throw new Error(`${lost.length} of ${times.length} points from before the restart are gone: ${lost.slice(0, 3)}`);
    const alpha = (h) => h.mms.find((m) => m.mm_id === "alpha").total_reward_usd;
    const i = after.t_ms.indexOf(times[0]);
    if (alpha(after)[i] !== alpha(beforeRestart)[0]) throw new Error(`alpha's first reward ${alpha(after)[i]}, before ${alpha(beforeRestart)[0]}`);
    // An outage longer than two intervals is a null row after the last point before it.
    const lastBefore = times.at(-1);
    const next = after.t_ms.find((t) => t > lastBefore);
    if (next != null && next - lastBefore > 2 * after.interval_ms) {
      const k = after.t_ms.indexOf(next);
      if (alpha(after)[k] !== null) throw new Error(`no gap row after ${lastBefore}: next ${next} has ${alpha(after)[k]}`);
    }
    // A page opened now draws the time before the restart.
    const page = await newPage();
    await enterToken(page, tokens.ops);
    const chart = `[data-view=program] figure[data-chart="Projected reward (USD)"]`;
    await page.waitForSelector(`${chart} .uplot canvas`);
    const drawn = await page.$eval(chart, (f) => ({ first: Number(f.dataset.firstT), points: Number(f.dataset.points) }));
    if (!(drawn.first <= times[0]) || drawn.points < times.length)
      throw new Error(`the chart starts at ${drawn.first} with ${drawn.points} points; before the restart: ${times[0]}, ${times.length}`);
    log(`  ${times.length} points from before the restart kept; the chart has ${drawn.points}`);
    await closePage(page);
  });
} catch (e) {
  results.push({ name: "setup", ok: false, error: e });
  log(`FAILED: ${e.message}`);
}

clearTimeout(watchdog);
await cleanup();
const failed = results.filter((r) => !r.ok);
if (failed.length) {
  console.log("\n--- mmscore output (last 4000 characters) ---\n" + daemonLog.slice(-4000));
  console.log(`--- kept for inspection: ${tmp}`);
} else {
  rmSync(tmp, { recursive: true, force: true });
}
for (const r of results) console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name}${r.ok ? "" : `: ${r.error.message}`}`);
console.log(`dashboard: ${results.length - failed.length} passed, ${failed.length} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(failed.length ? 1 : 0);
