// The page shell: asks for a token (kept in localStorage), learns what the token may see,
// builds the views for it, seeds their charts from /v1/history and keeps them live from
// /v1/stream. A rejected token brings the token form back with a message; an
// unreachable daemon is retried with backoff while the last data stays on screen.
import "./style.css";
import { ApiError, Stream, forgetToken, request, requestFile, saveToken, savedToken, type StreamState } from "./api";
import { badge, el, fill, time } from "./dom";
import type { History, Update } from "./types";
import type { Api, View } from "./view";
import { MarketsView } from "./views/markets";
import { MmView } from "./views/mm";
import { ProgramView } from "./views/program";
import { RiskView } from "./views/risk";

const app = document.getElementById("app")!;
let session: Session | null = null;

// Who the token is (GET /v1/whoami): ops and risk see every MM, an MM only itself.
type Who = { kind: "ops" } | { kind: "risk" } | { kind: "mm"; mmId: string };
interface WhoAmI { role: "ops" | "risk" | "mm"; mm_id: string | null }

function showTokenForm(message = "", tone: "error" | "info" = "error"): void {
  session?.stop();
  session = null;
  const input = el("input", {
    id: "token", name: "token", type: "password", autocomplete: "off", spellcheck: "false",
    placeholder: "API token", required: true,
  });
  const form = el("form", { class: "gate", "data-gate": "" },
    el("h1", {}, "mmscore"),
    el("label", { for: "token" }, "Enter your API token"),
    input,
    el("button", { type: "submit" }, "Open the dashboard"),
    message ? el("p", { class: tone === "error" ? "gate-error" : "gate-info", role: "alert" }, message) : null,
    el("p", { class: "muted" }, "The token is kept in this browser only, until you choose “Forget token”."),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    saveToken(token);
    startSession(token);
  });
  fill(app, form);
  input.focus();
}

function startSession(token: string): void {
  session?.stop();
  session = new Session(token);
  void session.start();
}

class Session {
  private stopped = false;
  private stream: Stream | null = null;
  private views: View[] = [];
  private readonly banner = el("div", { class: "banner", role: "status" });
  private readonly connection = el("span", { class: "connection" });
  private readonly health = el("span", { class: "health-badge" });
  private readonly asOf = el("span", { class: "as-of", "data-as-of": "" });
  private readonly api: Api;

  constructor(private readonly token: string) {
    this.api = {
      get: (path) => this.call(() => request(this.token, path, "GET")),
      post: (path, body) => this.call(() => request(this.token, path, "POST", body)),
      download: (path, fallbackName) =>
        this.call(() => requestFile(this.token, path, fallbackName)).then(({ blob, name }) => saveFile(blob, name)),
    };
  }

  stop(): void {
    this.stopped = true;
    this.stream?.stop();
    window.removeEventListener("hashchange", this.onHash);
  }

  async start(): Promise<void> {
    fill(app, el("div", { class: "loading" }, el("h1", {}, "mmscore"), this.banner));
    const who = await this.discover();
    if (!who || this.stopped) return;
    this.buildShell(who);
    try {
      const history = await this.api.get<History>("/v1/history");
      this.views.forEach((v) => v.charts.seed(history));
    } catch {
      // Charts start empty and fill from the stream; the stream reports outages.
    }
    if (this.stopped) return;
    this.stream = new Stream(this.token, {
      onUpdate: (u) => this.onUpdate(u),
      onMonthClosed: (month) => this.say(`Month ${month} closed: its final report was written.`, "info"),
      onState: (s) => this.onStreamState(s),
      beforeReconnect: () => this.beforeReconnect(),
    });
    this.stream.start();
  }

  // Requests with the token. A 401 at any time means the token was removed: sign out.
  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (e) {
      if (e instanceof ApiError && e.failure.kind === "unauthorized" && !this.stopped) {
        forgetToken();
        showTokenForm("The daemon did not accept this token (401). Check it and enter it again.");
      }
      throw e;
    }
  }

  // Retries with backoff while the daemon is unreachable or has not published yet;
  // null when the token is refused (the token form is then shown).
  private async discover(): Promise<Who | null> {
    for (let delay = 1; !this.stopped; delay = Math.min(delay * 2, 30)) {
      this.say("Checking the token…", "info");
      try {
        return await this.whoIs();
      } catch (e) {
        if (e instanceof ApiError && e.failure.kind === "unauthorized") return null;
        this.say(`${e instanceof Error ? e.message : String(e)} Retrying in ${delay} s…`, "error");
      }
      await new Promise((resolve) => setTimeout(resolve, delay * 1000));
    }
    return null;
  }

  private async whoIs(): Promise<Who> {
    const me = await this.api.get<WhoAmI>("/v1/whoami");
    if (me.role === "mm" && me.mm_id) return { kind: "mm", mmId: me.mm_id };
    if (me.role === "ops" || me.role === "risk") return { kind: me.role };
    throw new Error(`The daemon answered an unknown role: ${me.role}.`);
  }

  // Each role lands on its own view: an MM on its standing, risk on market liquidity,
  // ops on the whole program (with the snapshot button, which only ops may use).
  private buildShell(who: Who): void {
    this.views = who.kind === "mm" ? [new MmView(this.api, who.mmId), new MarketsView()]
      : who.kind === "risk" ? [new MarketsView(this.api), new ProgramView(this.api, false), new RiskView()]
      : [new ProgramView(this.api, true), new MarketsView(this.api), new RiskView()];
    const tabs = el("nav", { class: "tabs" },
      ...this.views.map((v) => el("a", { href: `#${v.id}`, "data-tab": v.id }, v.title)));
    const forget = el("button", { type: "button", class: "forget", onclick: () => {
      forgetToken();
      showTokenForm("Token forgotten.", "info");
    } }, "Forget token");
    fill(app,
      el("header", {},
        el("h1", {}, "mmscore"),
        tabs,
        el("span", { class: "who", "data-who": who.kind }, who.kind === "mm" ? `MM ${who.mmId}` : who.kind),
        this.connection, this.health, this.asOf, forget),
      this.banner,
      el("main", {}, ...this.views.map((v) => v.root)));
    this.say("");
    window.addEventListener("hashchange", this.onHash);
    this.onHash();
  }

  private readonly onHash = (): void => {
    const current = this.views.find((v) => `#${v.id}` === location.hash) ?? this.views[0];
    for (const v of this.views) v.root.hidden = v !== current;
    app.querySelectorAll<HTMLElement>("[data-tab]").forEach((a) =>
      a.classList.toggle("active", a.dataset.tab === current.id));
    current.shown();
  };

  private onUpdate(update: Update): void {
    fill(this.asOf, `as of ${time(update.as_of)}`);
    this.asOf.dataset.asOf = update.as_of ?? "";
    fill(this.health, update.health.status === "ok" ? badge("feeds ok", "ok") : badge(`feeds ${update.health.status}`, "warn"));
    if (this.banner.dataset.tone === "error") this.say("");
    for (const v of this.views) v.update(update);
  }

  private onStreamState(s: StreamState): void {
    if (s.state === "live") fill(this.connection, badge("live", "ok"));
    else if (s.state === "connecting") fill(this.connection, badge("connecting", "muted"));
    else {
      fill(this.connection, badge("reconnecting", "warn"));
      fill(this.health, badge("feeds unknown", "muted")); // the last status may no longer hold
      this.say(`Live updates interrupted (${s.reason}). Retrying in ${s.inSeconds} s; the figures shown may be old.`,
        "error");
    }
  }

  // Before reopening the stream: is the token still good (a WebSocket cannot tell us
  // 401), and fill the charts' gap from the history.
  private async beforeReconnect(): Promise<boolean> {
    if (this.stopped) return false;
    try {
      await this.api.get("/v1/mms");
    } catch (e) {
      if (e instanceof ApiError && e.failure.kind === "unauthorized") return false;
      throw e;
    }
    const since = this.views[0]?.charts.lastTimeMs;
    try {
      const history = await this.api.get<History>(since == null ? "/v1/history" : `/v1/history?since=${since}`);
      this.views.forEach((v) => v.charts.merge(history));
    } catch {
      // A gap in the charts is not worth delaying live data for.
    }
    return !this.stopped;
  }

  private say(text: string, tone: "info" | "error" = "info"): void {
    this.banner.dataset.tone = text ? tone : "";
    fill(this.banner, text);
  }
}

// The page cannot hand the browser an authenticated URL, so the fetched bytes are saved
// through an object URL (a download, not a navigation: the CSP does not stand in the way).
function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const token = savedToken();
if (token) startSession(token);
else showTokenForm();
