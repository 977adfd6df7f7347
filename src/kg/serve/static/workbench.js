// The query workbench: YASGUI on this server's endpoint, the query library beside it, downloads and a permalink.
import { BASE, api, el, href } from "./explorer.js";

const endpoint = new URL("/sparql", location.origin).href;
const yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint, method: "POST" },
  endpointCatalogueOptions: { getData: () => [{ endpoint }] },
  copyEndpointOnNewTab: false,
  persistenceId: null,  // no tabs kept in the browser's storage: the permalink holds the query
  populateFromUrl: false,
  yasr: { defaultPlugin: "table", pluginOrder: ["table", "response"] },
});
const tab = () => yasgui.getTab();
// Cells show values without datatype noise; IRIs of the graph open their page on this server.
Yasgui.Yasr.plugins.table.defaults.openIriInNewWindow = false;
const yasr = tab().getYasr();
yasr.config.plugins.table.dynamicConfig = { ...yasr.config.plugins.table.dynamicConfig, compact: true };
yasr.on("drawn", () => {
  for (const anchor of yasr.resultsEl.querySelectorAll(`a[href^="${BASE}"]`)) anchor.href = href(anchor.href);
});

function currentQuery() { return tab().getYasqe().getValue(); }

function refreshLinks() {
  const query = currentQuery();
  for (const format of ["csv", "tsv", "json"]) {
    const url = new URL("/explore/download", location.origin);
    url.searchParams.set("format", format);
    url.searchParams.set("query", query);
    document.getElementById(`download-${format}`).href = url.pathname + url.search;
  }
  const permalink = new URL("/explore", location.origin);
  permalink.searchParams.set("query", query);
  document.getElementById("permalink").value = permalink.href;
  document.getElementById("permalink-open").href = permalink.pathname + permalink.search;
}

function run(query) {
  tab().setQuery(query);
  refreshLinks();
  tab().query();
}

async function showLibrary() {
  const where = document.getElementById("library");
  const queries = await api("/api/library");
  where.replaceChildren(...queries.map(query => {
    const inputs = query.parameters.map(p => el("label", {}, `?${p.name}`,
      el("input", { name: p.name, value: p.default === "UNDEF" ? "" : p.default.replace(/[<>"]/g, ""),
                    placeholder: "empty = any (UNDEF)" })));
    const form = el("form", { class: "params" }, inputs, el("button", { type: "submit", text: "Run" }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const params = new URLSearchParams();
      for (const input of form.querySelectorAll("input")) {
        for (const value of input.value.split(/\s+/)) params.append(input.name, value);
      }
      const response = await fetch(`/api/library/${query.name}?${params}`);
      run(await response.text());
    });
    return el("div", { class: "query", "data-query": query.name },
      el("button", { type: "button", class: "run-library", "data-query": query.name, text: query.question }),
      el("details", {}, el("summary", { text: "About, parameters" }), el("p", { text: query.description }), form));
  }));
  for (const button of where.querySelectorAll("button.run-library")) {
    const query = queries.find(q => q.name === button.dataset.query);
    button.addEventListener("click", () => run(query.query));
  }
}

tab().getYasqe().on("change", refreshLinks);
const requested = new URLSearchParams(location.search).get("query");
if (requested) run(requested); else refreshLinks();
showLibrary().catch(error => { document.getElementById("library").textContent = `Could not load: ${error.message}`; });
