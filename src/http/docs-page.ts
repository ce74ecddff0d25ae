/**
 * `GET /docs`: a self-contained HTML page that renders /openapi.json (no
 * external scripts or styles, so it works offline and under a strict CSP hash).
 */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>edge-kv API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1rem 2rem;color:#1d2330}
h1{margin-bottom:0}h2{margin-top:2rem;border-bottom:1px solid #ddd}
details{border:1px solid #ddd;border-radius:6px;margin:.5rem 0;padding:.4rem .8rem}
summary{cursor:pointer}code,pre{font:13px ui-monospace,monospace;background:#f5f6f8;border-radius:4px}
pre{padding:.6rem;overflow:auto}.m{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}
.get{color:#1a7f37}.put{color:#9a6700}.post{color:#0969da}.delete{color:#cf222e}.patch{color:#8250df}.head{color:#57606a}
table{border-collapse:collapse}td,th{border-bottom:1px solid #eee;padding:.2rem .6rem;text-align:left;vertical-align:top}
</style>
</head>
<body>
<h1>edge-kv API</h1>
<p id="intro">Loading <a href="/openapi.json">/openapi.json</a>…</p>
<main id="api"></main>
<script>
const el = (tag, attrs, ...kids) => {
  const node = document.createElement(tag);
  Object.assign(node, attrs || {});
  for (const kid of kids) node.append(kid);
  return node;
};
const pre = (value) => el("pre", {}, JSON.stringify(value, null, 2));
fetch("/openapi.json").then((r) => r.json()).then((doc) => {
  document.getElementById("intro").textContent = doc.info.description;
  const main = document.getElementById("api");
  for (const tag of doc.tags) {
    main.append(el("h2", {}, tag.name), el("p", {}, tag.description));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!op.tags.includes(tag.name)) continue;
        const body = el("div");
        if (op.description) body.append(el("p", {}, op.description));
        if (op["x-scope"]) body.append(el("p", {}, "Token scope: " + op["x-scope"]));
        if (op.parameters.length) {
          const rows = op.parameters.map((p) => el("tr", {}, el("td", {}, el("code", {}, p.name)), el("td", {}, p.in), el("td", {}, p.description || "")));
          body.append(el("table", {}, ...rows));
        }
        if (op.requestBody) {
          const media = op.requestBody.content["application/json"];
          body.append(el("h4", {}, "Request body"), pre(media.schema), el("h4", {}, "Example"), pre(media.example));
        }
        for (const [status, res] of Object.entries(op.responses)) {
          body.append(el("h4", {}, status + " " + res.description));
          const media = res.content && Object.values(res.content)[0];
          if (media && media.example !== undefined) body.append(pre(media.example));
        }
        main.append(el("details", {}, el("summary", {}, el("span", { className: "m " + method }, method), " ", el("code", {}, path), " ", op.summary), body));
      }
    }
  }
});
</script>
</body>
</html>
`;
