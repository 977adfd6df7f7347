// A resource page's neighbourhood: the resource and what it points to or is pointed at by, drawn with cytoscape.js.
import { api, href } from "./explorer.js";

const box = document.getElementById("neighbourhood");
const elements = await api("/api/neighbourhood", { iri: box.dataset.iri });
const graph = cytoscape({
  container: box,
  elements: [...elements.nodes, ...elements.edges],
  style: [
    { selector: "node", style: { label: "data(label)", "font-size": 9, "text-wrap": "ellipsis", "text-max-width": 120,
                                 "background-color": "#6ea8dc", width: 14, height: 14 } },
    { selector: "node[?focus]", style: { "background-color": "#b3261e", width: 22, height: 22, "font-weight": "bold" } },
    { selector: "edge", style: { label: "data(label)", "font-size": 7, color: "#5b6b7b", width: 1, "line-color": "#c8d1da",
                                 "curve-style": "bezier", "target-arrow-shape": "triangle", "target-arrow-color": "#c8d1da" } },
  ],
  layout: { name: "concentric", concentric: node => (node.data("focus") ? 2 : 1), minNodeSpacing: 24 },
});
graph.on("tap", "node", event => { if (!event.target.data("focus")) location.href = href(event.target.id()); });
box.dataset.ready = String(graph.nodes().length);
