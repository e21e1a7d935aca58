/* rusgraph graph page: search, filters and a side panel over the cytoscape.js export.
 *
 * By default the page shows the measures and what they reach by following upward links
 * (goals, strategies, main goals, national goals, standards). The select boxes narrow the
 * measures (district, strategy reached, theme); the legend switches node types on and off
 * (types outside the upward chain, such as themes or units, appear next to the nodes they
 * are linked to). The URL fragment carries the state: #q=...&district=...&strategy=...&theme=...&node=IRI
 */
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("graph-data").textContent);
  const CONF = JSON.parse(document.getElementById("page-config").textContent);
  const T = CONF.strings;
  const $ = (id) => document.getElementById(id);

  const nodes = DATA.elements.nodes.map((n) => n.data);
  const edges = DATA.elements.edges.map((e) => e.data);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const outE = new Map(), inE = new Map();
  nodes.forEach((n) => { outE.set(n.id, []); inE.set(n.id, []); });
  edges.forEach((e) => {
    if (outE.has(e.source)) outE.get(e.source).push(e);
    if (inE.has(e.target)) inE.get(e.target).push(e);
  });
  const UP = new Set(CONF.upward);
  const CHAIN = new Set(CONF.chainTypes);
  const fold = (s) => (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

  // ----------------------------------------------------------------- facets of measures
  function upward(id) {
    const seen = new Set([id]), todo = [id];
    while (todo.length) {
      const x = todo.pop();
      for (const e of outE.get(x) || []) {
        if (UP.has(e.relation) && !seen.has(e.target) && byId.has(e.target)) { seen.add(e.target); todo.push(e.target); }
      }
    }
    return seen;
  }
  const measures = nodes.filter((n) => n.type === "Measure");
  const reachOf = new Map(), facet = new Map();
  const districtNodes = new Map();
  for (const m of measures) {
    const reach = upward(m.id);
    reachOf.set(m.id, reach);
    const districts = new Set(), themes = new Set(), strategies = new Set();
    for (const e of outE.get(m.id)) {
      if (e.relation === "district") districts.add(e.target);
      if (e.relation === "dcterms_subject") themes.add(e.target);
    }
    for (const x of reach) { if ((byId.get(x) || {}).type === "Strategy") strategies.add(x); }
    districts.forEach((d) => districtNodes.set(d, (districtNodes.get(d) || 0) + 1));
    facet.set(m.id, { districts, themes, strategies });
  }

  // ------------------------------------------------------------------------ controls
  const short = (n) => n.skos_notation && n.type !== "District" ? n.skos_notation : n.label;
  function fillSelect(sel, label, options) {
    sel.innerHTML = "";
    const all = document.createElement("option");
    all.value = ""; all.textContent = label; sel.appendChild(all);
    for (const [value, text] of options) {
      const o = document.createElement("option"); o.value = value; o.textContent = text; sel.appendChild(o);
    }
  }
  const code = (id) => (byId.get(id) || {}).skos_notation || "";
  const districtOptions = [...districtNodes.keys()].sort((a, b) => code(a).localeCompare(code(b)))
    .map((id) => [code(id) || id, (byId.get(id).foaf_name || byId.get(id).label) + " (" + code(id) + ")"]);
  const strategyOptions = nodes.filter((n) => n.type === "Strategy")
    .sort((a, b) => fold(short(a)).localeCompare(fold(short(b))))
    .map((n) => [n.skos_notation || n.id, (n.skos_notation ? n.skos_notation + " " : "") + n.label]);
  const usedThemes = new Set(); facet.forEach((f) => f.themes.forEach((t) => usedThemes.add(t)));
  const themeOptions = [...usedThemes].map((id) => byId.get(id)).sort((a, b) => fold(a.label).localeCompare(fold(b.label)))
    .map((n) => [n.id.split("/").pop(), n.label]);
  for (const k of ["search", "district", "strategy", "theme", "layout", "show-all"]) $("l-" + k).textContent = T[k];
  $("q").placeholder = T.searchPlaceholder;
  fillSelect($("f-district"), T.allDistricts, districtOptions);
  fillSelect($("f-strategy"), T.allStrategies, strategyOptions);
  fillSelect($("f-theme"), T.allThemes, themeOptions);
  const layoutSel = $("layout");
  for (const name of ["auto", "cose", "concentric", "breadthfirst", "circle"]) {
    const o = document.createElement("option"); o.value = name; o.textContent = T.layouts[name] || name; layoutSel.appendChild(o);
  }

  // the legend: one switch per type, with its colour and count
  const typeCount = new Map();
  nodes.forEach((n) => typeCount.set(n.type, (typeCount.get(n.type) || 0) + 1));
  const typeColour = new Map(nodes.map((n) => [n.type, n.colour]));
  const enabled = new Set(CONF.defaultTypes.filter((t) => typeCount.has(t)));
  const legend = $("legend");
  legend.innerHTML = "<h2>" + T.types + "</h2>";
  const typeOrder = [...typeCount.keys()].sort((a, b) => {
    const ia = CONF.typeOrder.indexOf(a), ib = CONF.typeOrder.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  for (const t of typeOrder) {
    const lab = document.createElement("label");
    const cb = document.createElement("input");
    cb.type = "checkbox"; cb.checked = enabled.has(t); cb.dataset.type = t;
    cb.addEventListener("change", () => { cb.checked ? enabled.add(t) : enabled.delete(t); refresh(true); });
    const sw = document.createElement("span"); sw.className = "sw"; sw.style.background = typeColour.get(t);
    const name = document.createElement("span"); name.textContent = (T.typeNames[t] || t);
    const n = document.createElement("span"); n.className = "n"; n.textContent = typeCount.get(t);
    lab.append(cb, sw, name, n); legend.appendChild(lab);
  }
  const help = document.createElement("p"); help.textContent = T.help; legend.appendChild(help);

  // ------------------------------------------------------------------------- the graph
  const cy = cytoscape({
    container: $("cy"),
    elements: [],
    wheelSensitivity: 0.3,
    minZoom: 0.05,
    maxZoom: 4,
    style: [
      { selector: "node", style: {
          "background-color": "data(colour)", "width": "data(size)", "height": "data(size)",
          "label": "data(short)", "font-size": 9, "text-valign": "bottom", "text-margin-y": 2,
          "text-wrap": "ellipsis", "text-max-width": 110, "color": "#2b3240",
          "text-background-color": "#fff", "text-background-opacity": 0.7, "text-background-padding": 1,
          "border-width": 1, "border-color": "#ffffff" } },
      { selector: "node[type = 'Measure'], node[type = 'DistrictGoal']", style: { "label": "" } },
      { selector: "node.labelled, node:selected, node.hit", style: { "label": "data(short)", "z-index": 20 } },
      { selector: "edge", style: {
          "width": 1, "line-color": "#b9c0cc", "target-arrow-color": "#b9c0cc", "target-arrow-shape": "triangle",
          "arrow-scale": 0.6, "curve-style": "bezier", "opacity": 0.7 } },
      { selector: "edge[basis = 'curated']", style: { "line-style": "dashed" } },
      { selector: "edge[inferred = 'true']", style: { "line-style": "dotted" } },
      { selector: "node.hit", style: { "border-width": 4, "border-color": "#f5b400" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#111" } },
      { selector: ".dim", style: { "opacity": 0.3 } },
      { selector: "edge.near", style: { "line-color": "#4a5263", "target-arrow-color": "#4a5263", "width": 2, "opacity": 1,
          "label": "data(label)", "font-size": 8, "text-rotation": "autorotate", "color": "#4a5263" } },
    ],
  });
  const SIZE = CONF.sizes;

  // which nodes to show
  const pinned = new Set();
  function filters() {
    return { district: $("f-district").value, strategy: $("f-strategy").value, theme: $("f-theme").value };
  }
  function measureMatches(m, f) {
    const fc = facet.get(m.id);
    if (f.district && ![...fc.districts].some((d) => code(d) === f.district || d === f.district)) return false;
    if (f.strategy && ![...fc.strategies].some((s) => (byId.get(s).skos_notation || s) === f.strategy)) return false;
    if (f.theme && ![...fc.themes].some((t) => t.split("/").pop() === f.theme || t === f.theme)) return false;
    return true;
  }
  function visibleIds() {
    const show = new Set();
    if ($("show-all").checked) {
      nodes.forEach((n) => { if (enabled.has(n.type)) show.add(n.id); });
    } else {
      const f = filters();
      for (const m of measures) {
        if (!measureMatches(m, f)) continue;
        for (const x of reachOf.get(m.id)) if (enabled.has(byId.get(x).type)) show.add(x);
      }
      // types outside the upward chain appear beside the nodes they are linked to
      for (const id of [...show]) {
        for (const e of [...outE.get(id), ...inE.get(id)]) {
          const other = e.source === id ? e.target : e.source;
          const n = byId.get(other);
          if (n && !CHAIN.has(n.type) && enabled.has(n.type)) show.add(other);
        }
      }
    }
    pinned.forEach((id) => show.add(id));
    return show;
  }

  let lastKey = "";
  function refresh(relayout) {
    const show = visibleIds();
    const key = [...show].sort().join("\n");
    if (key !== lastKey) {
      lastKey = key;
      const els = [];
      // insertion order groups a district's goals and measures, so rings and circles keep them together
      const order = (id) => { const n = byId.get(id); const d = homeDistrict(id); return (d ? code(d) : "~") + " " + n.type + " " + n.id; };
      for (const id of [...show].sort((a, b) => order(a).localeCompare(order(b), undefined, { numeric: true }))) {
        const n = byId.get(id);
        els.push({ group: "nodes", data: Object.assign({}, n, { short: short(n), size: SIZE[n.type] || 14 }) });
      }
      for (const e of edges) if (show.has(e.source) && show.has(e.target)) els.push({ group: "edges", data: e });
      cy.batch(() => { cy.elements().remove(); cy.add(els); });
      relayout = true;
    }
    if (relayout) runLayout();
    $("stats").dataset.nodes = cy.nodes().length;
    $("stats").dataset.edges = cy.edges().length;
    $("stats").dataset.totalNodes = nodes.length;
    $("stats").dataset.totalEdges = edges.length;
    $("stats").textContent = T.stats.replace("{n}", cy.nodes().length).replace("{N}", nodes.length)
      .replace("{e}", cy.edges().length).replace("{E}", edges.length);
    applySearch(false);
    writeHash();
  }

  function homeDistrict(id) {
    for (const e of outE.get(id)) if (e.relation === "district") return e.target;
    return null;
  }
  function runLayout() {
    let name = layoutSel.value || "auto";
    // a large graph reads best as rings by level; a filtered one as a force-directed picture
    if (name === "auto") name = cy.nodes().length > CONF.autoRingsAbove ? "concentric" : "cose";
    const level = (n) => CONF.levels[n.data("type")] || 0;
    const opts = {
      cose: { name: "cose", animate: false, randomize: true, nodeRepulsion: () => 9000, idealEdgeLength: () => 60,
              nodeOverlap: 8, gravity: 0.25, numIter: 1500, componentSpacing: 60 },
      // the order of insertion (by district) is kept within each ring
      concentric: { name: "concentric", animate: false, concentric: level, levelWidth: () => 1, minNodeSpacing: 6 },
      breadthfirst: { name: "breadthfirst", animate: false, directed: true, spacingFactor: 0.9,
                      roots: cy.nodes().filter((n) => n.data("type") === "Measure") },
      circle: { name: "circle", animate: false, sort: (a, b) => level(a) - level(b) },
    }[name];
    if (!cy.nodes().length) return;
    cy.resize();  // the header may have wrapped since the last layout
    cy.layout(opts).run();
    cy.fit(undefined, 20);
  }

  // ------------------------------------------------------------------------ searching
  function haystack(n) {
    return fold(Object.entries(n).filter(([k]) => !CONF.notSearched.includes(k)).map(([, v]) => v).join("\n"));
  }
  const hay = new Map(nodes.map((n) => [n.id, haystack(n)]));
  function applySearch(focus) {
    const q = fold($("q").value.trim());
    const box = $("hits");
    cy.elements().removeClass("hit dim");
    if (!q) { box.hidden = true; box.innerHTML = ""; return; }
    const hits = nodes.filter((n) => hay.get(n.id).includes(q));
    hits.sort((a, b) => (fold(b.label).includes(q) - fold(a.label).includes(q)) ||
      ((b.type === "Measure") - (a.type === "Measure")) || a.label.localeCompare(b.label));
    const onGraph = cy.collection();
    hits.forEach((n) => { const el = cy.getElementById(n.id); if (el.nonempty()) onGraph.merge(el); });
    cy.elements().addClass("dim");
    onGraph.removeClass("dim").addClass("hit");
    onGraph.connectedEdges().removeClass("dim");
    box.hidden = false;
    box.innerHTML = "";
    const h = document.createElement("h2"); h.textContent = T.hits;
    const count = document.createElement("p"); count.id = "hits-count";
    count.dataset.count = hits.length;
    count.textContent = T.hitCount.replace("{n}", hits.length).replace("{m}", onGraph.length);
    const ul = document.createElement("ul"); ul.id = "hit-list";
    for (const n of hits.slice(0, 300)) {
      const li = document.createElement("li");
      li.dataset.id = n.id;
      if (cy.getElementById(n.id).empty()) { li.className = "hidden-hit"; li.title = T.hiddenHit; }
      li.append(nodeLink(n));
      const rel = document.createElement("span"); rel.className = "rel"; rel.textContent = typeName(n.type) + districtOf(n);
      li.append(rel); ul.appendChild(li);
    }
    box.append(h, count, ul);
    if (focus && onGraph.nonempty()) cy.animate({ fit: { eles: onGraph, padding: 60 } }, { duration: 300 });
  }
  function districtOf(n) {
    const f = facet.get(n.id);
    if (!f || !f.districts.size) return "";
    return " · " + [...f.districts].map((d) => byId.get(d).foaf_name || byId.get(d).label).join(", ");
  }
  const typeName = (t) => T.typeNames[t] || t;

  // ------------------------------------------------------------------------ the panel
  function nodeLink(n) {
    const a = document.createElement("a");
    a.textContent = n.label; a.dataset.id = n.id; a.title = n.id;
    a.addEventListener("click", (ev) => { ev.preventDefault(); select(n.id, true); });
    return a;
  }
  function select(id, reveal) {
    if (!byId.has(id)) return;
    if (reveal && cy.getElementById(id).empty()) { pinned.add(id); refresh(false); }
    cy.$(":selected").unselect();
    const el = cy.getElementById(id);
    if (el.nonempty()) {
      el.select();
      // move only when the node is off screen or too small to click
      const ext = cy.extent(), pos = el.position();
      const inside = pos.x > ext.x1 && pos.x < ext.x2 && pos.y > ext.y1 && pos.y < ext.y2;
      if (cy.zoom() < 0.6) cy.animate({ center: { eles: el }, zoom: 0.9 }, { duration: 300 });
      else if (!inside) cy.animate({ center: { eles: el } }, { duration: 300 });
    }
    showDetails(id);
    writeHash();
  }
  function showDetails(id) {
    const n = byId.get(id), box = $("details");
    box.innerHTML = "";
    cy.edges().removeClass("near");
    cy.getElementById(id).connectedEdges().addClass("near");
    const h = document.createElement("h2"); h.textContent = n.label; h.id = "details-label";
    const type = document.createElement("span"); type.className = "type";
    const sw = document.createElement("span"); sw.className = "sw"; sw.style.cssText =
      "display:inline-block;width:.8rem;height:.8rem;border-radius:50%;background:" + n.colour;
    type.append(sw, document.createTextNode(typeName(n.type)));
    const iri = document.createElement("p"); iri.className = "iri";
    const a = document.createElement("a"); a.href = n.id; a.textContent = n.id; a.target = "_blank"; a.rel = "noopener";
    iri.appendChild(a);
    const table = document.createElement("table");
    for (const [k, v] of Object.entries(n)) {
      if (CONF.notShown.includes(k) || v === "") continue;
      const tr = document.createElement("tr");
      const th = document.createElement("th"); th.textContent = k;
      const td = document.createElement("td"); td.textContent = v;
      tr.append(th, td); table.appendChild(tr);
    }
    box.append(h, type, iri, table, neighbours(T.outgoing, outE.get(id), "target"), neighbours(T.incoming, inE.get(id), "source"));
  }
  function neighbours(title, list, end) {
    const wrap = document.createElement("div");
    const h = document.createElement("h2"); h.textContent = title + " (" + list.length + ")";
    const ul = document.createElement("ul"); ul.className = "neighbours";
    const sorted = [...list].sort((a, b) => a.label.localeCompare(b.label) || byId.get(a[end]).label.localeCompare(byId.get(b[end]).label));
    for (const e of sorted) {
      const other = byId.get(e[end]);
      const li = document.createElement("li");
      const rel = document.createElement("span"); rel.className = "rel";
      rel.textContent = e.label + " · " + typeName(other.type) + (e.inferred === "true" ? " · " + T.inferred : "");
      li.append(rel, nodeLink(other));
      if (e.reason) { const why = document.createElement("span"); why.className = "why"; why.textContent = e.reason; li.append(why); }
      ul.appendChild(li);
    }
    wrap.append(h, ul);
    return wrap;
  }

  // ---------------------------------------------------------------- the URL fragment
  function readHash() {
    const raw = location.hash.replace(/^#/, "") || location.search.replace(/^\?/, "");
    const p = new URLSearchParams(raw);
    if (p.get("q") !== null) $("q").value = p.get("q");
    const setSel = (sel, v) => { if (v && [...sel.options].some((o) => o.value === v)) sel.value = v; };
    setSel($("f-district"), p.get("district"));
    if (p.get("district") && !$("f-district").value) {
      const w = fold(p.get("district"));
      for (const o of $("f-district").options) if (o.value && fold(o.textContent).includes(w)) { $("f-district").value = o.value; break; }
    }
    setSel($("f-strategy"), p.get("strategy"));
    setSel($("f-theme"), p.get("theme"));
    setSel(layoutSel, p.get("layout"));
    if (p.get("all") === "1") $("show-all").checked = true;
    return p.get("node");
  }
  let writing = false;
  function writeHash() {
    const p = new URLSearchParams();
    if ($("q").value) p.set("q", $("q").value);
    const f = filters();
    for (const k of ["district", "strategy", "theme"]) if (f[k]) p.set(k, f[k]);
    if (layoutSel.value !== "auto") p.set("layout", layoutSel.value);
    if ($("show-all").checked) p.set("all", "1");
    const sel = cy.$("node:selected");
    if (sel.nonempty()) p.set("node", sel.id());
    const text = p.toString();
    if (text !== location.hash.replace(/^#/, "")) {
      writing = true;
      history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
      writing = false;
    }
  }

  // ---------------------------------------------------------------------------- wiring
  let timer = null;
  $("q").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => { applySearch(true); writeHash(); }, 200); });
  $("q").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { const first = document.querySelector("#hit-list a"); if (first) select(first.dataset.id, true); }
  });
  for (const id of ["f-district", "f-strategy", "f-theme", "show-all"]) $(id).addEventListener("change", () => { pinned.clear(); refresh(true); });
  layoutSel.addEventListener("change", () => refresh(true));
  cy.on("tap", "node", (ev) => select(ev.target.id(), false));
  cy.on("mouseover", "node", (ev) => ev.target.addClass("labelled"));
  cy.on("mouseout", "node", (ev) => ev.target.removeClass("labelled"));
  window.addEventListener("hashchange", () => { if (!writing) { const node = readHash(); refresh(false); if (node) select(node, true); } });

  if (!measures.length) $("show-all").checked = true;  // data without measures: nothing to start from
  const startNode = readHash();
  refresh(true);
  if (startNode) select(startNode, true);
  else $("details").innerHTML = "<p class='muted'>" + T.clickHint + "</p>";
  document.body.dataset.ready = "true";
})();
