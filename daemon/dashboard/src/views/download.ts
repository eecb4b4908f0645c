// A "Download ... (CSV)" control: the export is fetched with the token (a plain link
// could not send it) and saved by the browser; a failure is said next to it.
import { el, fill } from "../dom";
import type { Api } from "../view";

export function downloadButton(api: Api, label: string, path: string, fallbackName: string): HTMLElement {
  const result = el("span", { class: "download-result", role: "status" });
  const button = el("button", { type: "button", class: "download", "data-download": path, onclick: async () => {
    button.disabled = true;
    fill(result);
    try {
      await api.download(path, fallbackName);
    } catch (e) {
      fill(result, `Not downloaded: ${(e as Error).message}`);
    } finally {
      button.disabled = false;
    }
  } }, label);
  return el("span", { class: "download-control" }, button, " ", result);
}
