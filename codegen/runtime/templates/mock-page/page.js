// The apigen mock page: reads the JSON endpoints beside it (relative URLs, so the page also
// works under a path prefix) and renders them. No framework, no network beyond the mock.
"use strict";

const $ = (sel) => document.querySelector(sel);
let records = [];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

async function getJson(url) {
  const r = await fetch(url, { cache: "no-store" });
  if (!r.ok) return null;
  return r.json();
}

function statusClass(s) { return s ? "status-" + String(s)[0] : "muted"; }

function matches(r) {
  const op = $("#f-op").value, st = $("#f-status").value;
  if (op && r.operation !== op) return false;
  if (st && String(r.status || "")[0] !== st[0]) return false;
  if ($("#f-violations").checked && !(r.violations || []).length) return false;
  return true;
}

function violationList(vs) {
  if (!vs || !vs.length) return el("span", { class: "muted" }, "none");
  const ul = el("ul", { class: "violations" });
  for (const v of vs) {
    const li = el("li", {});
    if (v.line) li.append(el("span", { class: "line" }, "L" + v.line), " ");
    if (v.parameter) li.append(el("b", {}, v.parameter), ": ");
    li.append(v.message);
    ul.append(li);
  }
  return ul;
}

function renderRequests() {
  const body = $("#req-table tbody");
  body.replaceChildren();
  const shown = records.filter(matches).reverse();
  for (const r of shown) {
    const failed = r.status >= 400;
    const cls = failed ? "failed" : (r.violations || []).length ? "violations" : "";
    const tr = el("tr", { class: cls, "data-op": r.operation, "data-status": r.status || "" },
      el("td", {}, new Date(r.time).toISOString().slice(11, 23)),
      el("td", {}, r.method),
      el("td", {}, r.operation),
      el("td", { class: statusClass(r.status) }, r.status || "…"),
      el("td", {}, violationList(r.violations)));
    body.append(tr);
  }
  $("#shown").textContent = shown.length + " of " + records.length;
}

function renderStats(stats) {
  $("#service").textContent = stats.service;
  document.title = stats.service + " — apigen mock";
  $("#settings").textContent = [
    stats.protocol, stats.version && "version " + stats.version,
    "validation: " + stats.validation, stats.stateful ? "stateful" : "stateless",
  ].filter(Boolean).join(" · ");
  const sel = $("#f-op"), keep = sel.value;
  sel.replaceChildren(el("option", { value: "" }, "all"));
  const body = $("#hit-table tbody");
  body.replaceChildren();
  const ops = [...stats.operations].sort((a, b) => (stats.counts[b.id] - stats.counts[a.id]) || a.id.localeCompare(b.id));
  for (const o of ops) {
    sel.append(el("option", { value: o.id }, o.id));
    const n = stats.counts[o.id] || 0;
    if (n) body.append(el("tr", { "data-op": o.id }, el("td", {}, o.id), el("td", {}, o.method + " " + o.path), el("td", {}, n)));
  }
  if (!body.children.length) body.append(el("tr", {}, el("td", { colspan: 3, class: "muted" }, "no requests yet")));
  sel.value = keep;
}

function renderState(state) {
  const box = $("#state-body");
  box.replaceChildren();
  if (state === null) {
    box.append(el("p", { class: "muted" }, "Stateless mock (start it with --stateful to keep resources)."));
    return;
  }
  const kinds = Object.keys(state);
  if (!kinds.length) box.append(el("p", { class: "muted" }, "No resources yet."));
  for (const k of kinds) {
    box.append(el("h3", {}, k + " (" + state[k].length + ")"), el("pre", {}, JSON.stringify(state[k], null, 2)));
  }
}

function schemaType(s) {
  if (!s) return "";
  if (s.$ref) return s.$ref.split("/").pop();
  if (s.type === "array") return "array of " + schemaType(s.items);
  return (s.type || "object") + (s.enum ? " (" + s.enum.join(", ") + ")" : "");
}

function renderDoc(doc) {
  const box = $("#doc-body");
  box.replaceChildren();
  if (!doc) { box.append(el("p", { class: "muted" }, "This mock carries no OpenAPI document.")); return; }
  $("#doc-title").textContent = (doc.info.title || "") + " " + (doc.info.version || "") + " · OpenAPI " + doc.openapi;
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      if (typeof op !== "object" || !op.responses) continue;
      const d = el("details", { "data-op": op.operationId || "" },
        el("summary", {}, el("span", { class: "method" }, method.toUpperCase()), " ", path, " ",
          el("b", {}, op.operationId || ""), " ", el("span", { class: "muted" }, op.summary || "")));
      if (op.description) d.append(el("p", {}, op.description));
      const params = (op.parameters || []).filter((p) => p.name);
      if (params.length) {
        const t = el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Parameter"), el("th", {}, "In"), el("th", {}, "Type"), el("th", {}, "Required"), el("th", {}, "Description"))));
        const tb = el("tbody", {});
        for (const p of params) tb.append(el("tr", {}, el("td", {}, p.name), el("td", {}, p.in), el("td", {}, schemaType(p.schema)), el("td", {}, p.required ? "yes" : ""), el("td", {}, p.description || "")));
        t.append(tb);
        d.append(t);
      }
      const rb = op.requestBody && op.requestBody.content;
      if (rb) for (const [ct, m] of Object.entries(rb)) d.append(el("p", {}, "Body (" + ct + "): " + schemaType(m.schema)));
      d.append(el("p", {}, "Responses: " + Object.keys(op.responses).join(", ")));
      box.append(d);
    }
  }
}

async function refresh() {
  const [stats, reqs, state] = await Promise.all([getJson("stats"), getJson("requests"), getJson("state")]);
  if (stats) renderStats(stats);
  records = reqs || [];
  renderRequests();
  renderState(state);
  document.body.dataset.loaded = "yes";
}

async function start() {
  for (const id of ["#f-op", "#f-status", "#f-violations"]) $(id).addEventListener("change", renderRequests);
  $("#refresh").addEventListener("click", refresh);
  await refresh();
  renderDoc(await getJson("openapi.json"));
  document.body.dataset.doc = "yes";
}

start();
