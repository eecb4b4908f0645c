// Tiny DOM and number-formatting helpers. Data only ever reaches the page as text nodes
// (never innerHTML), so nothing the API returns can inject markup.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | ((e: Event) => void) | undefined>;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") node.addEventListener(name.replace(/^on/, ""), value);
    else if (name === "class") node.className = String(value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

// Replaces everything inside `parent`.
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

// A table: one header row, then rows built by the caller (rows may carry data- attributes).
export function table(headers: string[], rows: HTMLTableRowElement[], emptyText: string): HTMLElement {
  if (rows.length === 0) return el("p", { class: "empty" }, emptyText);
  return el(
    "table",
    {},
    el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {}, h)))),
    el("tbody", {}, ...rows),
  );
}

export const td = (...children: Child[]): HTMLTableCellElement => el("td", {}, ...children);
export const num = (...children: Child[]): HTMLTableCellElement => el("td", { class: "num" }, ...children);

const DASH = "–";

const usdFormat = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
export const usd = (v: number | null | undefined): string => (v == null ? DASH : usdFormat.format(v));

// Shares and uptimes are fractions in the API; shown as percentages.
export const pct = (v: number | null | undefined, digits = 2): string =>
  v == null ? DASH : `${(v * 100).toFixed(digits)} %`;

export const bps = (v: number | null | undefined): string => (v == null ? DASH : `${v.toFixed(2)} bps`);

export const plain = (v: number | null | undefined, digits = 0): string =>
  v == null ? DASH : v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const yesNo = (v: boolean | null | undefined, yes = "yes", no = "no"): string =>
  v == null ? DASH : v ? yes : no;

// Times are shown in UTC, as the API and the reports give them: "2026-12-01 21:44:10 UTC".
export const utcDate = (d: Date): string =>
  Number.isNaN(d.getTime()) ? DASH : `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
export const time = (rfc3339: string | null | undefined): string => (rfc3339 ? utcDate(new Date(rfc3339)) : DASH);

// A badge: small coloured label; `tone` picks the colour in style.css.
export const badge = (text: string, tone: "ok" | "bad" | "warn" | "muted"): HTMLElement =>
  el("span", { class: `badge ${tone}` }, text);
