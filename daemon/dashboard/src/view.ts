// What every view (MM standing, markets, program) offers the page shell.
import type { ChartGroup } from "./charts";
import type { Update } from "./types";

// Requests made on the viewer's behalf. A 401 anywhere signs the page out (the shell
// handles that); other failures are thrown for the view to show.
export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  // A file download (a CSV export): fetched with the token, then saved by the browser.
  download(path: string, fallbackName: string): Promise<void>;
}

export interface View {
  readonly id: string; // the URL hash that selects it
  readonly title: string; // its tab
  readonly root: HTMLElement;
  readonly charts: ChartGroup;
  // Every stream update, whether the view is shown or not (so a tab switch shows live data).
  update(update: Update): void;
  // The view became visible: a chance to refresh what the stream does not carry.
  shown(): void;
}

// Runs `fetch` at most once per `everyMs`, never two at a time; the last result is kept.
export class Throttle {
  private last = 0;
  private busy = false;

  constructor(private readonly everyMs: number, private readonly fetch: () => Promise<void>) {}

  run(force = false): void {
    const now = Date.now();
    if (this.busy || (!force && now - this.last < this.everyMs)) return;
    this.busy = true;
    this.last = now;
    this.fetch().finally(() => (this.busy = false));
  }
}
