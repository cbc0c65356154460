// The dashboard's views. Everything is rendered with DOM calls and textContent (never innerHTML),
// so nothing the API returns (an error message, a tenant name) is ever parsed as HTML. Only the
// visible view refreshes, and only one page of rows is ever in the DOM.
"use strict";

(() => {
  const REFRESH_MS = 1500;
  const CHART_WINDOW_MS = 120000;
  const CHART_SERIES = 8;

  const $ = (id) => document.getElementById(id);
  // Tenant pages are cursor-based: cursors[i] opens page i (null: the first), so Prev is a
  // step back in this list and Next appends the page's nextCursor.
  const state = { view: "tenants", sort: "backlog", query: "", cursors: [null], limit: 50,
    nextCursor: null, timer: null, running: false, dlqTenant: null, dlqCursors: [null],
    jobId: null };
  const chart = new ShareChart.Chart($("share-chart"), $("share-legend"), CHART_WINDOW_MS, CHART_SERIES);

  // ---- small helpers ----

  function td(value, cls) {
    const c = document.createElement("td");
    if (cls) {
      c.className = cls;
    }
    if (value instanceof Node) {
      c.appendChild(value);
    } else {
      c.textContent = value === null || value === undefined ? "–" : String(value);
    }
    return c;
  }

  function button(label, onClick, cls) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    if (cls) {
      b.className = cls;
    }
    b.addEventListener("click", onClick);
    return b;
  }

  function ms(v) {
    if (v === null || v === undefined) {
      return "–";
    }
    if (v < 1000) {
      return Math.round(v) + " ms";
    }
    if (v < 120000) {
      return (v / 1000).toFixed(1) + " s";
    }
    return (v / 60000).toFixed(1) + " min";
  }

  function when(epochMs) {
    return epochMs === null || epochMs === undefined ? "–" : new Date(epochMs).toLocaleString();
  }

  function num(v) {
    return v === null || v === undefined ? "–" : Number(v).toLocaleString();
  }

  function pill(paused) {
    const s = document.createElement("span");
    s.className = paused ? "pill paused" : "pill";
    s.textContent = paused ? "paused" : "active";
    return s;
  }

  let toastTimer = null;
  function toast(message, isError) {
    const t = $("toast");
    t.textContent = message;
    t.className = isError ? "error" : "";
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, isError ? 8000 : 3000);
  }

  async function act(promise, after) {
    try {
      const r = await promise;
      toast(r && r.message ? r.message : "done", r && r.ok === false);
      if (after) {
        await after();
      }
    } catch (e) {
      failed(e);
    }
  }

  function failed(e) {
    if (e instanceof Api.ApiError && e.status === 401) {
      showLogin("The token was refused: " + e.message);
      return;
    }
    if (e instanceof Api.ApiError && e.status === 403 && Api.token()) {
      showLogin(e.message);
      return;
    }
    toast(e.message || String(e), true);
  }

  // ---- login ----

  function showLogin(message) {
    stop();
    Api.setToken(null);
    $("login").hidden = false;
    document.querySelectorAll(".view").forEach((v) => { v.hidden = true; });
    $("login-error").textContent = message || "";
    $("status").textContent = "not signed in";
    $("logout").hidden = true;
  }

  async function start() {
    let who;
    try {
      who = await Api.whoami();
    } catch (e) {
      if (e instanceof Api.ApiError && (e.status === 401 || e.status === 403)) {
        showLogin(Api.token() ? e.message : "");
      } else {
        $("status").textContent = "cannot reach the node: " + e.message;
      }
      return;
    }
    $("login").hidden = true;
    $("logout").hidden = !who.tokens;
    state.tokens = who.tokens;
    show(state.view);
  }

  // ---- views ----

  function show(view) {
    state.view = view;
    document.querySelectorAll("#tabs button").forEach((b) => {
      b.classList.toggle("active", b.dataset.view === view);
    });
    document.querySelectorAll(".view").forEach((v) => { v.hidden = v.id !== "view-" + view; });
    stop();
    tick();
  }

  function stop() {
    clearTimeout(state.timer);
    state.timer = null;
  }

  async function tick() {
    if (state.running) {
      return;
    }
    state.running = true;
    try {
      if (state.view === "tenants") {
        await refreshTenants();
      } else if (state.view === "functions") {
        await refreshFunctions();
      }
      const mode = state.tokens ? "admin token" : "loopback";
      $("status").textContent = "updated " + new Date().toLocaleTimeString() + " · " + mode;
    } catch (e) {
      failed(e);
      if (e instanceof Api.ApiError && (e.status === 401 || e.status === 403)) {
        state.running = false;
        return;
      }
      $("status").textContent = "refresh failed: " + e.message;
    }
    state.running = false;
    if (state.view === "tenants" || state.view === "functions") {
      stop();
      state.timer = setTimeout(tick, REFRESH_MS);
    }
  }

  // ---- tenants ----

  function resetPaging() {
    state.cursors = [null];
    state.nextCursor = null;
  }

  async function refreshTenants() {
    const cursor = state.cursors[state.cursors.length - 1];
    const page = await Api.tenants({ sort: state.sort, tenant: state.query, cursor,
      limit: state.limit });
    if (page.items.length === 0 && state.cursors.length > 1) {
      // The page we were on emptied (tenants drained): back to the first.
      resetPaging();
      return refreshTenants();
    }
    state.nextCursor = page.nextCursor;
    renderTenants(page);
    chart.push(Date.now(), page.items);
  }

  function renderTenants(page) {
    const body = $("tenant-table").tBodies[0];
    const rows = page.items.map((t) => {
      const tr = document.createElement("tr");
      tr.dataset.tenant = t.tenant;
      tr.className = t.paused ? "paused" : "";
      const deficit = t.deficit === null || t.deficit === undefined ? null : t.deficit;
      const dCell = td(deficit === null ? "–" : (deficit * 100).toFixed(1) + " pt", "num");
      if (deficit !== null) {
        dCell.classList.add(deficit > 0.005 ? "deficit-pos" : "deficit-neg");
      }
      const actions = document.createElement("span");
      actions.append(
        button(t.paused ? "Resume" : "Pause", () => act(
          t.paused ? Api.resumeTenant(t.tenant) : Api.pauseTenant(t.tenant), refreshTenants),
          "tenant-" + (t.paused ? "resume" : "pause")),
        " ",
        button("Dead letters", () => openDeadLetters(t.tenant)));
      tr.append(td(t.tenant), td(t.weight, "num"), td(ShareChart.pct(t.weightShare), "num"),
        td(ShareChart.pct(t.servedShare), "num"), dCell, td(num(t.queued), "num"),
        td(num(t.due), "num"), td(num(t.delayed), "num"), td(num(t.running), "num"),
        td(num(t.dead), "num"), td(ms(t.waitP50Ms), "num"), td(ms(t.waitP99Ms), "num"),
        td(t.concurrencyLimit || "none", "num"), td(pill(t.paused)), td(actions));
      return tr;
    });
    body.replaceChildren(...rows);
    const first = (state.cursors.length - 1) * state.limit;
    const from = page.items.length === 0 ? 0 : first + 1;
    $("tenant-range").textContent = "rows " + from + "–" + (first + page.items.length) + " of "
      + num(page.total) + " tenants";
    $("tenant-prev").disabled = state.cursors.length === 1;
    $("tenant-next").disabled = !page.nextCursor;
  }

  // ---- functions ----

  async function refreshFunctions() {
    const list = await Api.functions();
    const rows = list.items.map((f) => {
      const tr = document.createElement("tr");
      tr.dataset.function = f.name;
      tr.className = f.paused ? "paused" : "";
      const keyed = f.keyedLimits.map((k) => k.key + " ≤ " + k.limit).join(", ") || "–";
      const retry = f.maxAttempts + " attempts, " + ms(f.retryBaseMs) + " ×" + f.retryFactor
        + " ≤ " + ms(f.retryCapMs);
      const known = (v) => (v === null || v === undefined || v < 0 ? "–" : num(v));
      tr.append(td(f.name), td(f.concurrencyLimit || "none", "num"),
        td(f.perTenantLimit || "none", "num"), td(keyed), td(retry), td(ms(f.leaseTimeoutMs), "num"),
        td((f.registration || "").toLowerCase()), td(num(f.queued), "num"), td(num(f.running), "num"),
        td(num(f.dead), "num"), td(known(f.workers), "num"), td(known(f.freeCredits), "num"),
        td(pill(f.paused)),
        td(button(f.paused ? "Resume" : "Pause", () => act(
          f.paused ? Api.resumeFunction(f.name) : Api.pauseFunction(f.name), refreshFunctions),
          "function-" + (f.paused ? "resume" : "pause"))));
      return tr;
    });
    $("function-table").tBodies[0].replaceChildren(...rows);
  }

  // ---- dead letters ----

  function openDeadLetters(tenant) {
    $("dlq-tenant").value = tenant;
    show("dead-letters");
    state.dlqCursors = [null];
    listDeadLetters();
  }

  async function listDeadLetters() {
    const tenant = $("dlq-tenant").value.trim();
    if (!tenant) {
      return;
    }
    if (tenant !== state.dlqTenant) {
      state.dlqCursors = [null];
    }
    try {
      const cursor = state.dlqCursors[state.dlqCursors.length - 1];
      const r = await Api.deadLetters(tenant, $("dlq-limit").value, cursor);
      state.dlqTenant = tenant;
      state.dlqNext = r.nextCursor;
      $("dlq-purge").disabled = r.total === 0;
      $("dlq-replay-all").disabled = r.total === 0;
      $("dlq-prev").disabled = state.dlqCursors.length === 1;
      $("dlq-next").disabled = !r.nextCursor;
      $("dlq-summary").textContent = r.total === 0 ? tenant + " has no dead letters"
        : num(r.total) + " dead letters of " + tenant + ", oldest death first; showing "
          + r.items.length;
      const rows = r.items.map((j) => {
        const tr = document.createElement("tr");
        tr.dataset.job = j.id;
        const link = button(j.id, () => openJob(j.id));
        link.className = "link";
        tr.append(td(link), td(j.function), td(j.attempts + "/" + j.maxAttempts, "num"),
          td(j.lastError, "wrap"), td(when(j.finishedAt)),
          td(button("Replay", () => act(Api.replay(j.id), listDeadLetters), "dlq-replay"),
            "actions"));
        tr.lastChild.append(" ", button("Purge", () => {
          if (confirm("Delete dead job " + j.id + " for good?")) {
            act(Api.purgeOne(j.id), listDeadLetters);
          }
        }, "danger dlq-purge-one"));
        return tr;
      });
      $("dlq-table").tBodies[0].replaceChildren(...rows);
    } catch (e) {
      failed(e);
    }
  }

  // ---- job lookup ----

  function openJob(id) {
    $("job-id").value = id;
    show("jobs");
    lookupJob();
  }

  async function lookupJob() {
    const id = $("job-id").value.trim();
    if (!id) {
      return;
    }
    try {
      const r = await Api.job(id);
      state.jobId = r.job.id;
      renderExplanation(r.explanation);
      const j = r.job;
      const fields = [["Id", j.id], ["Tenant", j.tenant], ["Function", j.function],
        ["State", j.state], ["Attempts", j.attempts + " of " + j.maxAttempts],
        ["Last error", j.lastError], ["Run at", when(j.runAt)], ["Enqueued", when(j.enqueuedAt)],
        ["Finished", when(j.finishedAt)],
        ["Concurrency keys", Object.entries(j.concurrencyKeys || {}).map(([k, v]) => k + "=" + v)
          .join(", ") || null]];
      $("job-fields").tBodies[0].replaceChildren(...fields.map(([k, v]) => {
        const tr = document.createElement("tr");
        const th = document.createElement("th");
        th.textContent = k;
        tr.append(th, td(v, "wrap"));
        return tr;
      }));
      $("job-cancel").disabled = ["SUCCEEDED", "DEAD", "CANCELLED"].includes(j.state);
      $("job-result").hidden = false;
    } catch (e) {
      $("job-result").hidden = true;
      failed(e);
    }
  }

  function renderExplanation(x) {
    const box = $("job-explain");
    box.replaceChildren();
    if (!x) {
      return;
    }
    const reason = document.createElement("div");
    reason.className = "reason";
    reason.textContent = x.reason;
    const msg = document.createElement("div");
    msg.className = "message";
    msg.textContent = x.message;
    box.append(reason, msg);
    const entries = Object.entries(x.details || {});
    if (entries.length) {
      const dl = document.createElement("dl");
      for (const [k, v] of entries) {
        const dt = document.createElement("dt");
        dt.textContent = k;
        const dd = document.createElement("dd");
        dd.textContent = v === null ? "–" : String(v);
        dl.append(dt, dd);
      }
      box.append(dl);
    }
  }

  // ---- wiring ----

  document.querySelectorAll("#tabs button").forEach((b) => {
    b.addEventListener("click", () => show(b.dataset.view));
  });
  $("login-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    Api.setToken($("login-token").value.trim());
    $("login-token").value = "";
    start();
  });
  $("logout").addEventListener("click", () => showLogin(""));
  $("tenant-sort").addEventListener("change", (ev) => {
    state.sort = ev.target.value;
    resetPaging();
    show("tenants");
  });
  let searchTimer = null;
  $("tenant-search").addEventListener("input", (ev) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      state.query = ev.target.value.replace(/\s+/g, "");
      resetPaging();
      show("tenants");
    }, 250);
  });
  $("tenant-limit").addEventListener("change", (ev) => {
    state.limit = Number(ev.target.value);
    resetPaging();
    show("tenants");
  });
  $("tenant-prev").addEventListener("click", () => {
    if (state.cursors.length > 1) {
      state.cursors.pop();
      show("tenants");
    }
  });
  $("tenant-next").addEventListener("click", () => {
    if (state.nextCursor) {
      state.cursors.push(state.nextCursor);
      show("tenants");
    }
  });
  $("dlq-prev").addEventListener("click", () => {
    state.dlqCursors = [null];
    listDeadLetters();
  });
  $("dlq-next").addEventListener("click", () => {
    if (state.dlqNext) {
      state.dlqCursors.push(state.dlqNext);
      listDeadLetters();
    }
  });
  $("dlq-replay-all").addEventListener("click", () => {
    const tenant = state.dlqTenant;
    if (tenant && confirm("Replay every dead letter of " + tenant + "?")) {
      state.dlqCursors = [null];
      act(Api.replayAll(tenant), listDeadLetters);
    }
  });
  $("dlq-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    listDeadLetters();
  });
  $("dlq-purge").addEventListener("click", () => {
    const tenant = state.dlqTenant;
    if (tenant && confirm("Delete every dead letter of " + tenant + "? This cannot be undone.")) {
      state.dlqCursors = [null];
      act(Api.purge(tenant), listDeadLetters);
    }
  });
  $("job-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    lookupJob();
  });
  $("job-cancel").addEventListener("click", () => {
    if (state.jobId) {
      act(Api.cancelJob(state.jobId), lookupJob);
    }
  });
  start();
})();
