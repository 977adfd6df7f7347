// Targets compared: per indicator, the provinces' target values as bars and the national target as a reference line.
import { el, fail, link, params, rows, setParams } from "./explorer.js";

const form = document.getElementById("controls");
const result = document.getElementById("result");
const SVG = "http://www.w3.org/2000/svg";
const LABEL = 190, WIDTH = 640, ROW = 24, TOP = 34;

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function unitName(iri) {
  if (!iri) return "";
  const name = iri.split("/").pop();
  return name === "PERCENT" ? "%" : name.replace(/-/g, " ");
}

const COMPARATORS = { ge: "≥ ", gt: "> ", le: "≤ ", lt: "< ", eq: "", range: "" };
const number = v => (v === null || v === undefined ? null : Number(v));

function chart(targets, national) {
  const values = targets.flatMap(t => [number(t.value), number(t.maxValue), number(t.minValue)])
    .concat(national.map(n => number(n.value))).filter(v => v !== null && !Number.isNaN(v));
  const max = Math.max(1, ...values) * 1.1;
  const x = v => LABEL + (WIDTH - LABEL - 10) * v / max;
  const height = TOP + targets.length * ROW + 10;
  const root = svg("svg", { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-label": "target values by province" });
  targets.forEach((t, i) => {
    const y = TOP + i * ROW;
    const from = number(t.minValue) ?? 0, to = number(t.value) ?? number(t.maxValue);
    root.append(svg("text", { x: 4, y: y + 15 }, `${t.provinceName || t.province} · ${t.year || "no year"}`));
    if (to !== null) root.append(svg("rect", { class: "bar", x: x(from), y: y + 4, width: Math.max(2, x(to) - x(from)), height: ROW - 8,
                                                "data-target": t.target }));
    const shown = t.value !== null ? `${COMPARATORS[t.comparator] ?? ""}${t.value}`
      : t.minValue !== null ? `${t.minValue}–${t.maxValue ?? ""}` : (t.valueText || "");
    const caption = svg("text", { x: (to !== null ? x(to) : LABEL) + 4, y: y + 15 }, shown);
    caption.append(svg("title", {}, t.valueText || ""));
    root.append(caption);
  });
  national.forEach((n, i) => {
    const v = number(n.value);
    if (v === null) return;
    root.append(svg("line", { class: "ref", x1: x(v), x2: x(v), y1: 4 + i * 12, y2: height - 6, "data-national": n.target }));
    root.append(svg("text", { x: Math.min(x(v) + 4, WIDTH - 150), y: 12 + i * 12 }, `${n.documentNumber} ${n.year || ""}: ${n.value}`));
  });
  return el("div", { class: "chart" }, root);
}

function group(items, key) {
  const groups = new Map();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) || []), item]);
  return groups;
}

let targets = [], national = [];

function draw() {
  const only = form.elements.indicator.value;
  setParams({ indicator: only });
  // one bar per local target: a target echoing two national targets comes in two rows
  const unique = [...group(targets, t => `${t.target} ${t.value} ${t.minValue}`).values()].map(g => g[0]);
  const byIndicator = group(unique.filter(t => t.indicator && (!only || t.indicator === only)), t => t.indicator);
  const sections = [...byIndicator].map(([indicator, local]) => {
    const reference = [...group(national.filter(n => n.indicator === indicator), n => `${n.target} ${n.value}`).values()].map(g => g[0]);
    const first = reference[0] || {};
    const unit = unitName(local[0].unit);
    return el("section", { class: "card indicator", "data-indicator": indicator },
      el("h2", {}, link(indicator, local[0].indicatorLabel || indicator)),
      first.indicatorLabelEn ? el("span", { class: "en", text: first.indicatorLabelEn }) : null,
      el("p", { class: "muted", text: `${local.length} provincial ${local.length === 1 ? "target" : "targets"}${unit ? ", unit " + unit : ""}; `
        + (reference.length ? `national: ${reference.map(n => `${n.documentNumber} ${n.value ?? "(no number)"} by ${n.year || "?"}`).join("; ")}`
                            : "no national target") }),
      chart(local, reference));
  });
  const unassigned = unique.filter(t => !t.indicator);
  result.replaceChildren(...sections, only ? "" : el("section", {},
    el("h2", { text: `Targets not yet assigned to an indicator (${unassigned.length})` }),
    el("ul", {}, unassigned.map(t => el("li", {}, `${t.provinceName} · `, link(t.target, t.indicatorText), ` — ${t.valueText || t.value || ""} ${t.year || ""}`)))));
}

async function start() {
  [targets, national] = await Promise.all([rows("targets-compared"), rows("national-targets")]);
  const names = group(targets.filter(t => t.indicator), t => t.indicator);
  form.elements.indicator.append(...[...names].map(([iri, local]) =>
    el("option", { value: iri, text: `${local[0].indicatorLabel} (${local.length})` })));
  form.elements.indicator.value = params().get("indicator") || "";
  form.addEventListener("change", draw);
  draw();
}

start().catch(error => fail(result, error));
