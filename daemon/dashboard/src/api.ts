// Talking to the daemon: the token, JSON requests, and the live stream.
// Everything goes to the daemon that served this page.
import type { Update } from "./types";

const TOKEN_KEY = "mmscore.token";

export const savedToken = (): string | null => localStorage.getItem(TOKEN_KEY);
export const saveToken = (token: string): void => localStorage.setItem(TOKEN_KEY, token);
export const forgetToken = (): void => localStorage.removeItem(TOKEN_KEY);

// Why a request failed, in the terms the page reacts to.
export type Failure =
  | { kind: "unauthorized" } // 401: the token is unknown (or was revoked)
  | { kind: "forbidden" } // 403: the role may not use this endpoint
  | { kind: "not_found"; message: string } // 404: what the daemon said is not there
  | { kind: "unavailable"; message: string } // 503: nothing published yet
  | { kind: "down"; message: string } // no answer at all: the daemon is down or restarting
  | { kind: "error"; status: number; message: string };

export class ApiError extends Error {
  constructor(readonly failure: Failure) {
    super(describe(failure));
  }
}

function describe(f: Failure): string {
  switch (f.kind) {
    case "unauthorized": return "The daemon did not accept this token.";
    case "forbidden": return "This token's role may not use this.";
    case "not_found": return f.message ? `Not found: ${f.message}.` : "Not found.";
    case "unavailable": return `The daemon has not published its state yet (${f.message}).`;
    case "down": return `Cannot reach the daemon (${f.message}).`;
    case "error": return `The daemon answered ${f.status}: ${f.message}`;
  }
}

// API paths are written "/v1/..." but resolved against the page's own address, so the
// dashboard also works behind a reverse proxy that serves the daemon under a prefix.
const apiUrl = (path: string): URL => new URL(path.replace(/^\//, ""), document.baseURI);

// A request with the token; `body` (JSON) for POSTs that take one. Throws ApiError.
async function send(token: string, path: string, method: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(apiUrl(path), {
      method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError({ kind: "down", message: String((e as Error).message ?? e) });
  }
  if (!response.ok) throw await failure(response);
  return response;
}

async function failure(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // A proxy's HTML error page, or an empty body: the status says enough.
  }
  const message = (body as { error?: string } | null)?.error ?? response.statusText;
  switch (response.status) {
    case 401: return new ApiError({ kind: "unauthorized" });
    case 403: return new ApiError({ kind: "forbidden" });
    case 404: return new ApiError({ kind: "not_found", message: (body as { error?: string } | null)?.error ?? "" });
    case 503: return new ApiError({ kind: "unavailable", message });
    case 502: case 504: return new ApiError({ kind: "down", message });
    default: return new ApiError({ kind: "error", status: response.status, message });
  }
}

export async function request<T>(token: string, path: string, method = "GET", body?: unknown): Promise<T> {
  const response = await send(token, path, method, body);
  try {
    return (await response.json()) as T;
  } catch {
    return null as T; // an empty 2xx body
  }
}

// A file the API serves as an attachment: its bytes and the name its
// Content-Disposition suggests (`fallbackName` without one).
export async function requestFile(token: string, path: string, fallbackName: string): Promise<{ blob: Blob; name: string }> {
  const response = await send(token, path, "GET");
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  return { blob: await response.blob(), name };
}

export type StreamState =
  | { state: "connecting" }
  | { state: "live" }
  | { state: "retrying"; inSeconds: number; reason: string };

export interface StreamHandlers {
  onUpdate(update: Update): void;
  onMonthClosed(month: string): void;
  onState(state: StreamState): void;
  // Called before every reconnect: resolves true to go on, false to stop (bad token).
  // It is also where the page fills the gap the disconnection left.
  beforeReconnect(): Promise<boolean>;
}

// The WebSocket /v1/stream with reconnection: 1 s, 2 s, 4 s ... 30 s between tries,
// back to 1 s once a connection delivered a message. A browser cannot set headers on a
// WebSocket, so the token goes in the query (the API accepts it there for this path only).
export class Stream {
  private socket: WebSocket | null = null;
  private timer = 0;
  private delay = 1;
  private stopped = false;

  constructor(private readonly token: string, private readonly handlers: StreamHandlers) {}

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    this.socket?.close();
    this.socket = null;
  }

  private connect(): void {
    if (this.stopped) return;
    this.handlers.onState({ state: "connecting" });
    const url = apiUrl(`/v1/stream?token=${encodeURIComponent(this.token)}`);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      this.delay = 1;
      this.handlers.onState({ state: "live" });
      let message: { type?: string; month?: string };
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return; // never sent by the daemon; ignore rather than break the page
      }
      if (message.type === "update") this.handlers.onUpdate(message as Update);
      else if (message.type === "month_closed" && message.month) this.handlers.onMonthClosed(message.month);
    };
    socket.onclose = (event) => {
      if (socket !== this.socket || this.stopped) return;
      this.socket = null;
      this.retry(event.reason || (event.wasClean ? "closed by the daemon" : "connection lost"));
    };
  }

  private retry(reason: string): void {
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, 30);
    this.handlers.onState({ state: "retrying", inSeconds: wait, reason });
    this.timer = window.setTimeout(async () => {
      if (this.stopped) return;
      let goOn = true;
      try {
        goOn = await this.handlers.beforeReconnect();
      } catch (e) {
        // Still down (or not published yet): wait longer, try again.
        this.retry(e instanceof Error ? e.message : String(e));
        return;
      }
      if (goOn) this.connect();
    }, wait * 1000);
  }
}
