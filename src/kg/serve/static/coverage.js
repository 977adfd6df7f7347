// The coverage heatmap: provinces x 57-NQ/TW groups (or 03/NQ-CP tasks), cells linking to the trace.
import { el, fail, link, params, rows, setParams } from "./explorer.js";

const form = document.getElementById("controls");
const result = document.getElementById("result");
let directives = [], provinces = [];

function shade(count, max) {
  const strength = max ? 0.15 + 0.85 * count / max : 0;
  return `background: rgba(11, 95, 165, ${strength.toFixed(2)}); color: ${strength > 0.55 ? "#fff" : "inherit"}`;
}

async function draw() {
  const kind = form.elements.kind.value;
  const suggested = form.elements.suggested.checked;
  setParams({ kind, suggested: suggested ? "1" : "" });
  const cells = await rows("coverage-matrix", { kind, status: suggested ? ["accepted", "suggested"] : ["accepted"] });
  const count = new Map(cells.map(c => [`${c.province} ${c.directive}`, Number(c.tasks)]));
  const max = Math.max(0, ...count.values());
  const columns = directives.filter(d => d.kind === kind);
  const header = el("tr", {}, el("th", { class: "row", text: "Province" }), columns.map(d =>
    el("th", { scope: "col", title: d.labelEn || d.label }, link(d.directive, d.number))));
  const body = provinces.map(p => el("tr", { "data-province": p.province },
    el("th", { class: "row", scope: "row" }, p.provinceName || p.province),
    columns.map(d => {
      const n = count.get(`${p.province} ${d.directive}`) || 0;
      const trace = `/explore/trace?directive=${encodeURIComponent(d.directive)}&province=${p.province}`
        + (suggested ? "" : "&accepted=1");
      const what = `${p.provinceName}: ${n} ${n === 1 ? "task" : "tasks"} for ${kind === "57-group" ? "group" : "task"} ${d.number}`;
      return el("td", { class: n ? "covered" : "gap", "data-directive": d.directive, "data-count": n,
                        style: n ? shade(n, max) : null },
        el("a", { href: trace, title: what, text: n ? String(n) : "–" }));
    })));
  const gaps = provinces.map(p => `${p.provinceName}: ${columns.filter(d => !count.get(`${p.province} ${d.directive}`)).length}`);
  result.replaceChildren(
    el("p", { text: `Gaps (directives with no linked task): ${gaps.join(" · ")}. Darker cells have more linked tasks (most: ${max}).` }),
    el("div", { class: "scroll" }, el("table", { class: "heatmap" }, el("thead", {}, header), el("tbody", {}, body))),
    el("h2", { text: kind === "57-group" ? "The groups" : "The tasks" }),
    el("ol", { class: "legend" }, columns.map(d => el("li", { value: /^\d+$/.test(d.number) ? d.number : null },
      link(d.directive, d.label), d.labelEn ? el("span", { class: "en", text: d.labelEn }) : null))));
}

async function start() {
  const given = params();
  [directives, provinces] = await Promise.all([rows("directives"), rows("coverage-by-province")]);
  form.elements.kind.value = given.get("kind") || "57-group";
  form.elements.suggested.checked = given.get("suggested") === "1";
  form.addEventListener("change", () => draw().catch(error => fail(result, error)));
  await draw();
}

start().catch(error => fail(result, error));
