// The dashboard's calls to its node: the admin token (when the node has a tokens file) lives in
// this tab's sessionStorage and goes out as a Bearer header; every change is a POST with the
// X-Croupier-CSRF header, which the server requires and a cross-site page cannot send.
"use strict";

const Api = (() => {
  const KEY = "croupier.adminToken";

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  function token() {
    return sessionStorage.getItem(KEY);
  }

  function setToken(t) {
    if (t) {
      sessionStorage.setItem(KEY, t);
    } else {
      sessionStorage.removeItem(KEY);
    }
  }

  async function call(method, path, body) {
    const headers = { "Accept": "application/json" };
    const t = token();
    if (t) {
      headers["Authorization"] = "Bearer " + t;
    }
    const init = { method, headers, cache: "no-store", credentials: "omit" };
    if (method === "POST") {
      headers["X-Croupier-CSRF"] = "1";
      if (body !== undefined) {
        headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
    }
    const res = await fetch("/api/" + path, init);
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      data = null;
    }
    if (!res.ok) {
      const msg = data && data.error ? data.error : text.trim() || res.statusText;
      throw new ApiError(res.status, msg);
    }
    return data;
  }

  function q(params) {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== null && v !== "") {
        s.set(k, String(v));
      }
    }
    const str = s.toString();
    return str ? "?" + str : "";
  }

  const seg = encodeURIComponent;

  return {
    ApiError, token, setToken, q,
    get: (path) => call("GET", path),
    post: (path, body) => call("POST", path, body),
    whoami: () => call("GET", "whoami"),
    tenants: (p) => call("GET", "tenants" + q(p)),
    tenant: (t) => call("GET", "tenants/" + seg(t)),
    pauseTenant: (t) => call("POST", "tenants/" + seg(t) + "/pause"),
    resumeTenant: (t) => call("POST", "tenants/" + seg(t) + "/resume"),
    functions: () => call("GET", "functions"),
    pauseFunction: (f) => call("POST", "functions/" + seg(f) + "/pause"),
    resumeFunction: (f) => call("POST", "functions/" + seg(f) + "/resume"),
    deadLetters: (tenant, limit, cursor) => call("GET", "dead-letters" + q({ tenant, limit, cursor })),
    replay: (id) => call("POST", "dead-letters/" + seg(id) + "/replay"),
    purgeOne: (id) => call("POST", "dead-letters/" + seg(id) + "/purge"),
    replayAll: (tenant) => call("POST", "dead-letters/replay-all" + q({ tenant })),
    purge: (tenant) => call("POST", "dead-letters/purge" + q({ tenant })),
    job: (id) => call("GET", "jobs/" + seg(id)),
    cancelJob: (id) => call("POST", "jobs/" + seg(id) + "/cancel"),
  };
})();
