// Shared helpers of the explorer's pages: JSON routes, links to resource pages, evidence marks.
export const BASE = "https://w3id.org/nq57kg/";

export async function api(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params)) {
    for (const one of [].concat(value)) if (one !== undefined && one !== null) url.searchParams.append(key, one);
  }
  const response = await fetch(url);
  if (!response.ok) {
    const body = await response.json().catch(() => ({ error: response.statusText }));
    throw new Error(body.error || response.statusText);
  }
  return response.json();
}

export function rows(name, params) { return api(`/api/rows/${name}`, params).then(r => r.rows); }

// Where this server shows an IRI of the graph: its own path (a 303 to the description page).
export function href(iri) { return iri && iri.startsWith(BASE) ? "/" + iri.slice(BASE.length) : iri; }

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value; else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

export function link(iri, text) { return el("a", { href: href(iri), title: iri, text: text || iri }); }

export function badge(status) { return el("span", { class: `badge ${status}`, text: status }); }

// The task text with the evidence marked: every line of the quote found in the text (a table row's
// quote holds its number and agencies too); a quote found nowhere in the text is shown beneath it.
export function marked(text, evidence) {
  const container = el("div", { class: "source", lang: "vi" });
  const ranges = [];
  for (const line of (evidence || "").split("\n")) {
    const piece = line.replace(/^\s*([\p{L}\d]{1,4}[.)]|[-+•])\s+/u, "").trim();
    const at = piece.length > 8 ? text.indexOf(piece) : -1;
    if (at >= 0) ranges.push([at, at + piece.length]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  let done = 0;
  for (const [from, to] of ranges) {
    if (from < done) continue;
    container.append(text.slice(done, from), el("mark", { text: text.slice(from, to) }));
    done = to;
  }
  container.append(text.slice(done));
  if (evidence && !ranges.length) container.append(el("blockquote", {}, el("mark", { text: evidence })));
  return container;
}

export function params() { return new URLSearchParams(location.search); }

export function setParams(values) {
  const url = new URL(location.href);
  url.search = "";
  for (const [key, value] of Object.entries(values)) if (value) url.searchParams.set(key, value);
  history.replaceState(null, "", url);
}

export function fail(where, error) {
  where.replaceChildren(el("p", { class: "error", role: "alert", text: `Could not load: ${error.message}` }));
}
