// The FsmV2 live page: one EventSource on api/events; every message is the whole view, rendered with
// textContent only (worker data never becomes markup). State graphs come once from api/graphs (SVG drawn by the server).
(() => {
  "use strict";
  const base = document.body.dataset.base;
  const tbody = document.querySelector("#tree tbody");
  const details = document.getElementById("details");
  const openDetails = new Set();
  let token = null;

  const el = (tag, attrs = {}, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v !== undefined && v !== null) e.setAttribute(k, v);
    }
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  const ms = v => v === null || v === undefined ? "—" : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`;
  const circuitText = c => {
    if (!c) return "—";
    let t = c.state + (c.isolated ? " (isolated)" : "");
    if (c.state !== "Closed") t += ` attempt ${c.attempt}/${c.maxAttempts}` + (c.nextProbeInMs !== null ? `, probe in ${ms(c.nextProbeInMs)}` : "");
    if (c.escalated) t += " — ESCALATED";
    return t;
  };

  async function act(action, id, scope) {
    if (!token) {
      const r = await fetch(`${base}/api/antiforgery`, { credentials: "same-origin" });
      if (!r.ok) { alert(`${action}: ${r.status} ${r.statusText}`); return; }
      token = await r.json();
    }
    const q = new URLSearchParams({ id, scope });
    const r = await fetch(`${base}/api/${action}?${q}`, { method: "POST", credentials: "same-origin", headers: { [token.headerName]: token.token } });
    if (!r.ok) alert(`${action} ${id}: ${r.status} ${await r.text()}`);
  }

  function actionButtons(w) {
    const td = el("td", { class: "cell-actions" });
    const add = (label, action, scope) => {
      const b = el("button", { type: "button", "data-action": action, "data-scope": scope }, label);
      b.addEventListener("click", () => act(action, w.id, scope));
      td.append(b);
    };
    add("Restart", "restart", "Worker");
    add(w.fault.isolated ? "Close circuit" : "Isolate", w.fault.isolated ? "close" : "isolate", "Worker");
    if (w.fault.state !== "Closed" && !w.fault.isolated) add("Close circuit", "close", "Worker");
    if (w.infrastructure) add(w.infrastructure.state === "Closed" ? "Isolate infra" : "Close infra", w.infrastructure.state === "Closed" ? "isolate" : "close", "Infrastructure");
    return td;
  }

  function row(w, actions) {
    const tr = el("tr", { "data-worker-id": w.id, "data-state": w.state, "data-phase": w.phase });
    const name = el("td", { class: "cell-id" }, (w.depth > 0 ? "\u00a0\u00a0".repeat(w.depth) + "└ " : "") + w.name);
    name.title = w.id;
    const age = el("td", { class: "cell-age" + (w.isStale ? " stale" : "") }, ms(w.observationAgeMs) + (w.isStale ? " (stale)" : ""));
    if (w.collectError) age.title = w.collectError;
    tr.append(
      name,
      el("td", { class: "cell-type" }, w.workerType),
      el("td", { class: `cell-state phase-${w.phase}` }, w.state),
      el("td", { class: `cell-phase phase-${w.phase}` }, w.phase + (w.lifecycle ? ` · ${w.lifecycle}` : "")),
      el("td", { class: "cell-reason" }, w.reason),
      el("td", { class: `cell-fault circuit-${w.fault.state}`, "data-circuit": w.fault.state }, circuitText(w.fault)),
      el("td", { class: `cell-infra ${w.infrastructure ? "circuit-" + w.infrastructure.state : "muted"}`, "data-circuit": w.infrastructure ? w.infrastructure.state : "" }, circuitText(w.infrastructure)),
      el("td", { class: "cell-restarts" }, w.restartCount),
      el("td", { class: "cell-action" }, w.actionInFlight ?? "—"),
      age);
    if (actions) tr.append(actionButtons(w));
    return tr;
  }

  function table(headers, rows, cls) {
    const t = el("table", { class: cls });
    const head = el("tr");
    headers.forEach(h => head.append(el("th", {}, h)));
    t.append(head);
    rows.forEach(r => { const tr = el("tr"); r.forEach(c => tr.append(el("td", {}, c))); t.append(tr); });
    return t;
  }

  function detail(w) {
    const d = el("details", { "data-worker-id": w.id });
    d.open = openDetails.has(w.id);
    d.addEventListener("toggle", () => d.open ? openDetails.add(w.id) : openDetails.delete(w.id));
    d.append(el("summary", {}, `${w.id} — ${w.state}: ${w.reason}`));
    d.append(el("p", {}, `faults ${w.faultCount}${w.lastFault ? ", last: " + w.lastFault : ""}; last action: ${w.lastAction ?? "—"}`));
    d.append(el("h3", {}, `Restarts (${w.restartCount})`));
    d.append(w.restartHistory.length === 0 ? el("p", { class: "muted" }, "none")
      : table(["at", "reason", "strategy"], w.restartHistory.map(r => [r.at, r.reason, r.strategy ?? "—"]), "history"));
    d.append(el("h3", {}, "Desired state"));
    d.append(el("pre", { class: "spec" }, w.spec));
    if (w.timeline) {
      d.append(el("h3", {}, "Flight recorder (latest last)"));
      d.append(w.timeline.length === 0 ? el("p", { class: "muted" }, "no decisions recorded yet")
        : table(["at", "×", "state", "decision", "target", "reason", "obs. version", "obs. age", "desired version"],
          w.timeline.map(t => [t.count > 1 ? `${t.at} … ${t.lastAt}` : t.at, t.count, t.state, t.kind, t.target ?? "—", t.reason ?? "", t.observationVersion, ms(t.observationAgeMs), t.desiredVersion]), "timeline"));
    }
    return d;
  }

  function highlight(workers) {
    document.querySelectorAll("#graphs figure").forEach(fig => {
      const current = new Set(workers.filter(w => w.workerType === fig.dataset.workerType).map(w => w.state));
      fig.querySelectorAll("g.state").forEach(g => g.classList.toggle("current", current.has(g.dataset.state)));
      fig.dataset.current = [...current].join(",");
    });
  }

  // Updates in place what changed, so a button or a summary under the pointer is not replaced every refresh.
  function morph(parent, fresh, patch) {
    const old = new Map([...parent.children].map(e => [e.dataset.workerId, e]));
    const next = fresh.map(e => {
      const kept = old.get(e.dataset.workerId);
      return kept && patch(kept, e) ? kept : e;
    });
    const same = next.length === parent.children.length && next.every((e, i) => parent.children[i] === e);
    if (!same) parent.replaceChildren(...next);
  }

  function patchRow(kept, fresh) {
    if (kept.children.length !== fresh.children.length) return false;
    for (const name of ["data-state", "data-phase"]) kept.setAttribute(name, fresh.getAttribute(name));
    [...fresh.children].forEach((cell, i) => {
      if (kept.children[i].outerHTML !== cell.outerHTML) kept.children[i].replaceWith(cell);
    });
    return true;
  }

  function patchDetail(kept, fresh) {
    if (kept.innerHTML !== fresh.innerHTML) kept.replaceChildren(...fresh.childNodes);
    return true;
  }

  function render(view) {
    const health = document.getElementById("health");
    health.textContent = view.health;
    health.dataset.health = view.health;
    health.title = view.healthDescription;
    document.getElementById("health-workers").textContent = view.healthWorkers.length ? view.healthWorkers.join(", ") : view.health === "Healthy" ? "" : view.healthDescription;
    const t = view.totals;
    document.getElementById("totals").textContent = `supervised ${t.supervised} · running ${t.running} · failed ${t.failed} · restarts ${t.restarts}`;
    document.getElementById("actions-head").hidden = !view.actions;
    morph(tbody, view.workers.map(w => row(w, view.actions)), patchRow);
    morph(details, view.workers.map(detail), patchDetail);
    highlight(view.workers);
    document.body.dataset.updated = view.at;
  }

  fetch(`${base}/api/graphs`).then(r => r.json()).then(graphs => {
    const box = document.getElementById("graphs");
    for (const g of graphs) {
      const fig = el("figure", { "data-worker-type": g.workerType });
      fig.append(el("figcaption", {}, g.workerType));
      fig.insertAdjacentHTML("beforeend", g.svg); // drawn by the server from the worker type's definition, names escaped
      box.append(fig);
    }
    if (graphs.length === 0) box.append(el("p", { class: "muted" }, "no worker types added (DashboardOptions.AddWorkerType)"));
    source();
  });

  function source() {
    const connection = document.getElementById("connection");
    const events = new EventSource(`${base}/api/events`);
    events.addEventListener("view", e => { connection.textContent = "live"; render(JSON.parse(e.data)); });
    events.onerror = () => { connection.textContent = "reconnecting…"; };
  }
})();
