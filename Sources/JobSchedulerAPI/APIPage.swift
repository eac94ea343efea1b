import Hummingbird

/// The API's page for people, at `GET /docs` (linked from the console at `GET /`): a self-contained HTML page (its CSS and script inline, nothing
/// loaded from elsewhere) that reads `GET /swagger.json` and shows every operation with its parameters,
/// bodies, answers and examples, and every schema; each operation can be tried from the page.
enum APIPage {
    static let path = "/docs"

    static func response() -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                // Inline script and style only, and requests to this scheduler only.
                .contentSecurityPolicy: "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html))
        )
    }

    static let html = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>job-scheduler API</title>
<style>
:root { --fg: #1d232a; --muted: #5b6672; --line: #d9dee4; --bg: #f6f8fa; --accent: #0b5cad; --code: #eef1f4; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
header { padding: 18px 28px; border-bottom: 1px solid var(--line); background: var(--bg); }
header h1 { margin: 0; font-size: 22px; }
header .version { color: var(--muted); font-size: 14px; margin-left: 8px; }
.layout { display: flex; align-items: flex-start; }
nav { position: sticky; top: 0; width: 290px; flex: none; max-height: 100vh; overflow: auto; padding: 16px 12px 40px 20px; border-right: 1px solid var(--line); font-size: 14px; }
nav input { width: 100%; padding: 6px 8px; border: 1px solid var(--line); border-radius: 4px; margin-bottom: 10px; }
nav h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 14px 0 4px; }
nav a { display: block; color: var(--fg); text-decoration: none; padding: 2px 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
nav a:hover { color: var(--accent); }
main { flex: 1; min-width: 0; padding: 8px 32px 60px; max-width: 1100px; }
h2 { margin-top: 34px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code); border-radius: 3px; }
code { padding: 1px 4px; }
pre { padding: 10px 12px; overflow: auto; max-height: 420px; white-space: pre-wrap; word-break: break-word; }
.op { border: 1px solid var(--line); border-radius: 6px; margin: 14px 0; }
.op > summary { list-style: none; cursor: pointer; padding: 10px 14px; display: flex; gap: 12px; align-items: center; }
.op > summary::-webkit-details-marker { display: none; }
.op[open] > summary { border-bottom: 1px solid var(--line); background: var(--bg); }
.op .body { padding: 4px 16px 14px; }
.method { font: bold 12px ui-monospace, monospace; color: #fff; border-radius: 3px; padding: 3px 0; width: 62px; text-align: center; flex: none; }
.get { background: #1f7a4d; } .post { background: #0b5cad; } .delete { background: #b3261e; } .put, .patch { background: #8a5a00; }
.path { font: 600 14px ui-monospace, monospace; }
.summary { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.type { font: 13px ui-monospace, monospace; color: #6b3fa0; }
.req { color: #b3261e; font-size: 12px; }
.status { font: bold 14px ui-monospace, monospace; }
.s2 { color: #1f7a4d; } .s4 { color: #8a5a00; } .s5 { color: #b3261e; }
h4 { margin: 16px 0 4px; font-size: 14px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.desc p { margin: 4px 0 8px; }
.desc ul { margin: 4px 0 8px; padding-left: 22px; }
.try { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin-top: 12px; }
.try label { display: block; font-size: 13px; margin: 6px 0 2px; }
.try input, .try textarea, .try select { width: 100%; font: 13px ui-monospace, monospace; padding: 5px 7px; border: 1px solid var(--line); border-radius: 4px; }
.try textarea { min-height: 120px; }
.try button { margin-top: 10px; padding: 6px 16px; border: 0; border-radius: 4px; background: var(--accent); color: #fff; font-weight: 600; cursor: pointer; }
.try .answer { margin-top: 10px; }
.schema { border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 10px; margin: 14px 0; }
.schema h3 { margin: 10px 0 4px; font: 600 16px ui-monospace, monospace; }
a.ref { color: var(--accent); }
#error { color: #b3261e; padding: 20px 0; }
@media (max-width: 800px) { nav { display: none; } main { padding: 8px 14px; } }
</style>
</head>
<body>
<header><h1 id="title">job-scheduler API</h1></header>
<div class="layout">
<nav id="nav"><input id="filter" type="search" placeholder="Filter endpoints" aria-label="Filter endpoints"></nav>
<main id="main"><p>Loading <a href="swagger.json">swagger.json</a>…</p><noscript>This page needs JavaScript to render the API document; the document itself is at <a href="swagger.json">/swagger.json</a>.</noscript></main>
</div>
<script>
"use strict";
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];
let spec = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value; else if (key === "text") node.textContent = value; else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// The little Markdown the document uses: paragraphs, "- " lists and `code`.
function inline(text) {
  const parts = String(text).split("`");
  return parts.map((part, i) => i % 2 ? el("code", { text: part }) : document.createTextNode(part));
}
function markdown(text) {
  const box = el("div", { class: "desc" });
  if (!text) return box;
  for (const block of String(text).split(/\n\s*\n/)) {
    const lines = block.split("\n");
    if (lines.every(line => /^\s*- /.test(line))) {
      box.append(el("ul", {}, lines.map(line => el("li", {}, inline(line.replace(/^\s*- /, ""))))));
    } else {
      box.append(el("p", {}, inline(lines.join(" "))));
    }
  }
  return box;
}

function resolve(ref) {
  let node = spec;
  for (const key of ref.replace(/^#\//, "").split("/")) node = node && node[key.replace(/~1/g, "/").replace(/~0/g, "~")];
  return node || {};
}
function refName(ref) { return ref.split("/").pop(); }
function deref(object) { return object && object.$ref ? resolve(object.$ref) : object; }

function typeOf(schema) {
  if (!schema) return "any";
  if (schema.$ref) return el("a", { class: "ref", href: "#schema-" + refName(schema.$ref), text: refName(schema.$ref) });
  const parts = [];
  if (schema.type === "array") parts.push("array of ", typeOf(schema.items));
  else if (schema.type === "object" && schema.additionalProperties && typeof schema.additionalProperties === "object" && !schema.properties) parts.push("map of ", typeOf(schema.additionalProperties));
  else parts.push(schema.type || "any");
  if (schema.format) parts.push(" (" + schema.format + ")");
  if (schema.nullable) parts.push(", nullable");
  return el("span", { class: "type" }, parts);
}

function constraints(schema) {
  schema = schema || {};
  const out = [];
  if (schema.enum) out.push("one of " + schema.enum.map(v => JSON.stringify(v)).join(", "));
  if (schema.default !== undefined) out.push("default " + JSON.stringify(schema.default));
  for (const [key, label] of [["minimum", "≥ "], ["maximum", "≤ "], ["minLength", "min length "], ["maxLength", "max length "], ["minItems", "min items "], ["pattern", "pattern "]]) {
    if (schema[key] !== undefined) out.push(label + schema[key]);
  }
  return out.join("; ");
}

function pretty(value) {
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

function examplesOf(media) {
  const list = [];
  if (!media) return list;
  if (media.example !== undefined) list.push(["Example", media.example]);
  for (const [name, example] of Object.entries(media.examples || {})) {
    const resolved = deref(example);
    list.push([resolved.summary || name, resolved.value]);
  }
  const schema = deref(media.schema);
  if (!list.length && schema && schema.example !== undefined) list.push(["Example", schema.example]);
  return list;
}

function contentBlock(content) {
  const box = el("div");
  for (const [type, media] of Object.entries(content || {})) {
    box.append(el("div", {}, el("code", { text: type }), " ", typeOf(media.schema)));
    for (const [label, value] of examplesOf(media)) {
      box.append(el("div", { class: "summary", text: label }), el("pre", { text: pretty(value) }));
    }
  }
  return box;
}

function parametersOf(pathItem, operation) {
  const byKey = new Map();
  for (const p of [...(pathItem.parameters || []), ...(operation.parameters || [])]) {
    const param = deref(p);
    byKey.set(param.in + ":" + param.name, param);
  }
  return [...byKey.values()];
}

function tryIt(path, method, params, operation) {
  const form = el("form", { class: "try" });
  form.append(el("strong", { text: "Try it" }));
  const inputs = [];
  for (const param of params) {
    const id = "p-" + method + path + param.in + param.name;
    const schema = param.schema || {};
    let input;
    if (schema.enum || schema.type === "boolean") {
      input = el("select", { id });
      input.append(el("option", { value: "", text: "(not set)" }));
      for (const v of schema.enum || [true, false]) input.append(el("option", { value: String(v), text: String(v) }));
    } else {
      input = el("input", { id, placeholder: param.example !== undefined ? String(param.example) : "" });
    }
    inputs.push([param, input]);
    form.append(el("label", { for: id }, param.name, " (", param.in, ")", param.required ? " *" : ""), input);
  }
  let bodyInput = null;
  const body = deref(operation.requestBody);
  if (body && body.content && body.content["application/json"]) {
    const first = examplesOf(body.content["application/json"])[0];
    bodyInput = el("textarea", { id: "b-" + method + path });
    bodyInput.value = first ? pretty(first[1]) : "";
    form.append(el("label", { for: bodyInput.id, text: "Body (JSON)" }), bodyInput);
  }
  const answer = el("div", { class: "answer" });
  form.append(el("button", { type: "submit", text: "Send " + method.toUpperCase() }), answer);
  form.addEventListener("submit", async event => {
    event.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    for (const [param, input] of inputs) {
      if (input.value === "") continue;
      if (param.in === "path") url = url.replace("{" + param.name + "}", encodeURIComponent(input.value));
      else if (param.in === "query") query.set(param.name, input.value);
    }
    if ([...query].length) url += "?" + query;
    const init = { method: method.toUpperCase(), headers: {} };
    if (bodyInput && bodyInput.value.trim()) { init.body = bodyInput.value; init.headers["Content-Type"] = "application/json"; }
    answer.replaceChildren(el("div", { class: "summary", text: init.method + " " + url }));
    const output = el("pre");
    try {
      const response = await fetch(url, init);
      answer.append(el("div", { class: "status s" + String(response.status)[0], text: response.status + " " + response.statusText + "  " + (response.headers.get("content-type") || "") }), output);
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let text = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        output.textContent = text.length > 200000 ? text.slice(-200000) : text;
      }
      if ((response.headers.get("content-type") || "").startsWith("application/json")) {
        try { output.textContent = JSON.stringify(JSON.parse(text), null, 2); } catch (_) {}
      }
    } catch (error) {
      answer.append(el("div", { class: "status s5", text: String(error) }));
    }
  });
  return form;
}

function operationView(path, method, pathItem, operation) {
  const id = "op-" + (operation.operationId || method + path);
  const details = el("details", { class: "op", id });
  details.dataset.search = (method + " " + path + " " + (operation.summary || "") + " " + (operation.operationId || "")).toLowerCase();
  details.append(el("summary", {}, el("span", { class: "method " + method, text: method.toUpperCase() }),
                    el("span", { class: "path", text: path }), el("span", { class: "summary", text: operation.summary || "" })));
  const body = el("div", { class: "body" });
  if (operation.operationId) body.append(el("div", { class: "summary" }, "operationId ", el("code", { text: operation.operationId })));
  body.append(markdown(operation.description));
  const params = parametersOf(pathItem, operation);
  if (params.length) {
    const rows = params.map(p => el("tr", {},
      el("td", {}, el("code", { text: p.name }), p.required ? el("div", { class: "req", text: "required" }) : null),
      el("td", { text: p.in }), el("td", {}, typeOf(p.schema)),
      el("td", {}, markdown(p.description), constraints(p.schema) ? el("div", { class: "summary", text: constraints(p.schema) }) : null,
         p.example !== undefined ? el("div", {}, "Example: ", el("code", { text: String(p.example) })) : null)));
    body.append(el("h4", { text: "Parameters" }), el("table", {}, el("tr", {}, ["Name", "In", "Type", "Description"].map(h => el("th", { text: h }))), rows));
  }
  const requestBody = deref(operation.requestBody);
  if (requestBody) {
    body.append(el("h4", { text: "Request body" + (requestBody.required ? " (required)" : " (optional)") }), markdown(requestBody.description), contentBlock(requestBody.content));
  }
  body.append(el("h4", { text: "Responses" }));
  const responses = el("table", {}, el("tr", {}, ["Status", "Description and content"].map(h => el("th", { text: h }))));
  for (const [code, r] of Object.entries(operation.responses || {})) {
    const response = deref(r);
    responses.append(el("tr", {}, el("td", {}, el("span", { class: "status s" + code[0], text: code })),
                        el("td", {}, markdown(response.description), contentBlock(response.content))));
  }
  body.append(responses, tryIt(path, method, params, operation));
  details.append(body);
  return details;
}

function schemaView(name, schema) {
  const box = el("section", { class: "schema", id: "schema-" + name });
  box.append(el("h3", { text: name }), el("div", {}, typeOf(Object.assign({}, schema, { $ref: undefined }))), markdown(schema.description));
  const required = new Set(schema.required || []);
  const props = Object.entries(schema.properties || {});
  if (props.length) {
    box.append(el("table", {}, el("tr", {}, ["Property", "Type", "Description"].map(h => el("th", { text: h }))),
      props.map(([prop, value]) => el("tr", {},
        el("td", {}, el("code", { text: prop }), required.has(prop) ? el("div", { class: "req", text: "required" }) : null),
        el("td", {}, typeOf(value)),
        el("td", {}, markdown(deref(value).description || value.description),
           constraints(value) ? el("div", { class: "summary", text: constraints(value) }) : null,
           value.example !== undefined ? el("div", {}, "Example: ", el("code", { text: JSON.stringify(value.example) })) : null)))));
  } else if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
    box.append(el("div", {}, "Values: ", typeOf(schema.additionalProperties), " ", constraints(schema.additionalProperties)));
  }
  if (schema.enum) box.append(el("div", { class: "summary", text: constraints(schema) }));
  if (schema.example !== undefined) box.append(el("div", { class: "summary", text: "Example" }), el("pre", { text: pretty(schema.example) }));
  return box;
}

function render() {
  const info = spec.info || {};
  document.title = (info.title || "API") + " " + (info.version || "");
  document.getElementById("title").replaceChildren(info.title || "API", el("span", { class: "version", text: "v" + (info.version || "?") + " · OpenAPI " + spec.openapi }));
  const main = document.getElementById("main");
  const nav = document.getElementById("nav");
  main.replaceChildren();
  main.append(markdown(info.description));
  const servers = (spec.servers || []).map(s => el("li", {}, el("code", { text: s.url }), " ", inline(s.description || "")));
  main.append(el("p", {}, "The document: ", el("a", { href: "swagger.json", text: "/swagger.json" }), " (OpenAPI " + spec.openapi + ")."));
  if (servers.length) main.append(el("h4", { text: "Servers" }), el("ul", {}, servers));

  const tags = (spec.tags || []).map(t => t.name);
  const operations = [];
  for (const [path, pathItem] of Object.entries(spec.paths || {})) {
    for (const method of METHODS) {
      if (!pathItem[method]) continue;
      const operation = pathItem[method];
      const tag = (operation.tags || ["Other"])[0];
      if (!tags.includes(tag)) tags.push(tag);
      operations.push({ path, method, pathItem, operation, tag });
    }
  }
  for (const tag of tags) {
    const ops = operations.filter(o => o.tag === tag);
    if (!ops.length) continue;
    const tagInfo = (spec.tags || []).find(t => t.name === tag) || {};
    main.append(el("h2", { id: "tag-" + tag, text: tag }), markdown(tagInfo.description));
    nav.append(el("h3", { text: tag }));
    for (const o of ops) {
      const view = operationView(o.path, o.method, o.pathItem, o.operation);
      main.append(view);
      const link = el("a", { href: "#" + view.id }, el("span", { class: "type", text: o.method.toUpperCase() + " " }), o.path);
      link.dataset.search = view.dataset.search;
      link.addEventListener("click", () => { view.open = true; });
      nav.append(link);
    }
  }
  const schemas = Object.entries((spec.components || {}).schemas || {});
  if (schemas.length) {
    main.append(el("h2", { id: "schemas", text: "Schemas" }));
    nav.append(el("h3", { text: "Schemas" }));
    for (const [name, schema] of schemas) {
      main.append(schemaView(name, schema));
      const link = el("a", { href: "#schema-" + name, text: name });
      link.dataset.search = name.toLowerCase();
      nav.append(link);
    }
  }
  document.getElementById("filter").addEventListener("input", event => {
    const needle = event.target.value.trim().toLowerCase();
    for (const node of document.querySelectorAll("[data-search]")) node.style.display = !needle || node.dataset.search.includes(needle) ? "" : "none";
  });
  if (location.hash) { const target = document.getElementById(location.hash.slice(1)); if (target) { if (target.tagName === "DETAILS") target.open = true; target.scrollIntoView(); } }
}

fetch("swagger.json").then(response => {
  if (!response.ok) throw new Error("GET /swagger.json answered " + response.status);
  return response.json();
}).then(document_ => { spec = document_; render(); }).catch(error => {
  document.getElementById("main").replaceChildren(el("p", { id: "error", text: "Could not load the API document: " + error.message }));
});
</script>
</body>
</html>
"""#
}
