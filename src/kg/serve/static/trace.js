// The trace: directive -> provinces -> documents -> local tasks with evidence, and plan -> what it implements.
import { badge, el, fail, link, marked, params, rows, setParams } from "./explorer.js";

const form = document.getElementById("controls");
const result = document.getElementById("result");
const field = name => form.elements[name];
let directives = [], documents = [];

function option(value, text, selected) { return el("option", { value, selected: value === selected, text }); }

function directiveText(d) {
  const number = d.kind === "03-task" ? `03/NQ-CP task ${d.number}` : d.kind === "57-group" ? `57-NQ/TW group ${d.number}` : d.number;
  const label = d.label.length > 90 ? d.label.slice(0, 90).replace(/\s+\S*$/, "") + "…" : d.label;
  return `${number} · ${d.labelEn || label}`;
}

function fillDirectives(selected) {
  const kind = field("kind").value;
  field("directive").replaceChildren(...directives.filter(d => d.kind === kind)
    .map(d => option(d.directive, directiveText(d), selected)));
}

function showMode() {
  const mode = field("direction").value;
  for (const label of form.querySelectorAll("label[data-for]")) label.hidden = label.dataset.for !== mode;
}

const statuses = () => field("accepted").checked ? ["accepted"] : ["accepted", "suggested"];

function taskCard(row, extra) {
  return el("article", { class: "card task", "data-task": row.task },
    el("div", { class: "meta" }, badge(row.status), ` confidence ${Number(row.confidence).toFixed(2)} · method ${row.method} · `,
       link(row.task, row.localId)),
    extra, marked(row.taskText, row.evidence));
}

async function traceDown() {
  const directive = field("directive").value;
  const chosen = directives.find(d => d.directive === directive);
  setParams({ directive, province: field("province").value, doctype: field("doctype").value,
              accepted: field("accepted").checked ? "1" : "" });
  const found = (await rows("trace", { directive, status: statuses() }))
    .filter(r => !field("province").value || r.province === field("province").value)
    .filter(r => !field("doctype").value || docType(r.document) === field("doctype").value);
  const heading = el("div", {}, el("h2", {}, link(directive, directiveText(chosen))),
    el("p", { class: "source", lang: "vi", text: chosen.label }), chosen.labelEn ? el("p", { class: "en", text: chosen.labelEn }) : null);
  const byProvince = group(found, r => r.province);
  const sections = [...byProvince].map(([province, provinceRows]) => el("section", { class: "province", "data-province": province },
    el("h2", { text: `${provinceName(province)} (${provinceRows.length} ${provinceRows.length === 1 ? "task" : "tasks"})` }),
    [...group(provinceRows, r => r.document)].map(([document, docRows]) => el("div", {},
      el("h3", {}, link(document, docRows[0].documentLabel || document)),
      docRows.map(r => taskCard(r))))));
  result.replaceChildren(heading, found.length ? el("p", { text: `${found.length} local tasks in ${byProvince.size} provinces.` })
    : el("p", { text: "No local task is linked to this directive with these filters." }), ...sections);
}

async function traceUp() {
  const document = field("document").value;
  setParams({ direction: "up", document, accepted: field("accepted").checked ? "1" : "" });
  const found = await rows("plan-links", { document, status: statuses() });
  const plan = documents.find(d => d.document === document);
  const byTask = group(found, r => r.task);
  result.replaceChildren(el("h2", {}, link(document, plan ? plan.title : document)),
    el("p", { text: `${byTask.size} tasks and targets of this plan carry ${found.length} links.` }),
    ...[...byTask].map(([task, links]) => el("article", { class: "card task", "data-task": task },
      el("div", { class: "meta" }, link(task, links[0].localId)), marked(links[0].taskText, links[0].evidence),
      el("ul", {}, links.map(l => el("li", {}, badge(l.status), ` ${l.linkType} `, link(l.directive, l.directiveId || l.directive),
        ` — confidence ${Number(l.confidence).toFixed(2)}, ${l.method}`,
        l.directiveText ? el("div", { class: "muted", lang: "vi", text: l.directiveText }) : null))))));
}

function group(items, key) {
  const groups = new Map();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) || []), item]);
  return groups;
}

const docType = iri => (documents.find(d => d.document === iri) || {}).type;
const provinceName = slug => (documents.find(d => d.jurisdiction === slug) || {}).provinceName || slug;

function refresh() {
  showMode();
  (field("direction").value === "up" ? traceUp() : traceDown()).catch(error => fail(result, error));
}

async function start() {
  const given = params();
  [directives, documents] = await Promise.all([rows("directives"), rows("documents", { loaded: [] })]);
  documents = documents.filter(d => d.loaded === "true" && d.jurisdiction !== "vn");  // the provinces' own documents
  const names = await rows("coverage-by-province", {});
  for (const d of documents) {
    d.provinceName = (names.find(n => n.province === d.jurisdiction) || {}).provinceName;
    d.title = `${d.provinceName || d.jurisdiction} · ${d.number || "(no number)"}`;
  }
  const directive = given.get("directive") || "";
  const kind = (directives.find(d => d.directive === directive) || { kind: "03-task" }).kind;
  field("direction").value = given.get("direction") || "down";
  field("kind").value = kind;
  fillDirectives(directive || directives.find(d => d.kind === kind).directive);
  field("document").replaceChildren(...documents.map(d => option(d.document, d.title, given.get("document"))));
  field("province").append(...[...new Set(documents.map(d => d.jurisdiction))].sort()
    .map(slug => option(slug, provinceName(slug), given.get("province"))));
  field("doctype").append(...[...new Set(documents.map(d => d.type).filter(Boolean))].sort()
    .map(type => option(type, type.toUpperCase(), given.get("doctype"))));
  field("accepted").checked = given.get("accepted") === "1";
  form.addEventListener("change", event => {
    if (event.target.name === "kind") fillDirectives();
    refresh();
  });
  refresh();
}

start().catch(error => fail(result, error));
