// A small hand-written SVG line chart: each tenant's served share over time (solid) against the
// share its weight entitles it to (dashed), in the same colour. It keeps a bounded history per
// tenant in the browser; the server holds no history for it.
"use strict";

const ShareChart = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
  const W = 900, H = 260, LEFT = 44, RIGHT = 8, TOP = 10, BOTTOM = 22;
  const MIN_SPAN_MS = 20000;

  class Chart {
    constructor(svg, legend, windowMs, maxSeries) {
      this.svg = svg;
      this.legend = legend;
      this.windowMs = windowMs;
      this.maxSeries = maxSeries;
      this.history = new Map(); // tenant -> [{t, served, weight}]
    }

    /** Adds one sample per row (the rows shown in the table) and redraws. */
    push(now, rows) {
      const shown = rows.slice(0, this.maxSeries);
      for (const r of shown) {
        if (r.servedShare === null || r.servedShare === undefined) {
          continue;
        }
        let h = this.history.get(r.tenant);
        if (!h) {
          h = [];
          this.history.set(r.tenant, h);
        }
        h.push({ t: now, served: r.servedShare, weight: r.weightShare });
      }
      const cutoff = now - this.windowMs;
      for (const [k, h] of this.history) {
        while (h.length && h[0].t < cutoff) {
          h.shift();
        }
        if (!h.length) {
          this.history.delete(k);
        }
      }
      this.draw(now, shown.map((r) => r.tenant).filter((t) => this.history.has(t)));
    }

    draw(now, tenants) {
      const svg = this.svg;
      while (svg.firstChild) {
        svg.removeChild(svg.firstChild);
      }
      let max = 0.05;
      let earliest = now;
      for (const t of tenants) {
        for (const p of this.history.get(t)) {
          max = Math.max(max, p.served || 0, p.weight || 0);
          earliest = Math.min(earliest, p.t);
        }
      }
      // Headroom, rounded so the four grid steps fall on whole percents.
      max = Math.min(1, Math.ceil((max * 1.1) / 0.04) * 0.04);
      // The time axis spans what has been seen (at least 20 s, at most the window), so a page
      // just opened shows its lines across the chart instead of squeezed at the right edge.
      const span = Math.max(MIN_SPAN_MS, Math.min(this.windowMs, now - earliest));
      const x = (t) => LEFT + (W - LEFT - RIGHT) * (1 - (now - t) / span);
      const y = (v) => TOP + (H - TOP - BOTTOM) * (1 - v / max);
      for (let i = 0; i <= 4; i++) {
        const v = (max * i) / 4;
        svg.appendChild(el("line", { x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v), class: "grid" }));
        svg.appendChild(text(LEFT - 4, y(v) + 4, Math.round(v * 100) + "%", "end"));
      }
      const secs = Math.round(span / 1000);
      svg.appendChild(text(LEFT, H - 6, "−" + secs + " s", "start"));
      svg.appendChild(text(W - RIGHT, H - 6, "now", "end"));
      this.legend.replaceChildren();
      tenants.forEach((t, i) => {
        const color = COLORS[i % COLORS.length];
        const h = this.history.get(t);
        svg.appendChild(line(h.map((p) => [x(p.t), y(p.weight || 0)]), color, "5 4", 1.2));
        svg.appendChild(line(h.map((p) => [x(p.t), y(p.served || 0)]), color, null, 2));
        const last = h[h.length - 1];
        const item = document.createElement("span");
        item.dataset.tenant = t;
        const sw = document.createElement("span");
        sw.className = "swatch";
        sw.style.background = color;
        item.append(sw, t + " " + pct(last.served) + " of " + pct(last.weight));
        this.legend.appendChild(item);
      });
    }
  }

  function el(name, attrs) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) {
      e.setAttribute(k, String(v));
    }
    return e;
  }

  function text(xp, yp, s, anchor) {
    const t = el("text", { x: xp, y: yp, class: "axis", "text-anchor": anchor });
    t.textContent = s;
    return t;
  }

  function line(points, color, dash, width) {
    const attrs = { points: points.map(([a, b]) => a.toFixed(1) + "," + b.toFixed(1)).join(" "),
      fill: "none", stroke: color, "stroke-width": width };
    if (dash) {
      attrs["stroke-dasharray"] = dash;
    }
    return el("polyline", attrs);
  }

  function pct(v) {
    return v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%";
  }

  return { Chart, pct };
})();
