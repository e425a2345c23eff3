/* The projections page: draws the plotly charts from the JSON the result embeds (<script
   id="projection-charts" type="application/json">), after a full page load and after each htmx swap;
   marks the result busy while a projection runs; lets htmx swap a 422 answer (the refusal message). */
(function () {
  "use strict";
  var COLOURS = ["#0b4f8a", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#be123c"];

  function width(text) {  // in narrow-character units: a CJK character counts two
    var n = 0;
    for (var i = 0; i < text.length; i++) n += text.charCodeAt(i) > 0x2e7f ? 2 : 1;
    return n;
  }

  function wrap(text, most) {  // plotly does not wrap: break into lines of at most `most` units, as escaped text
    var lines = [], line = "";
    var pieces = text.split(/(\s+)/).reduce(function (out, piece) {
      while (width(piece) > most) {  // a long word or CJK text: cut it
        var cut = 0, w = 0;
        while (cut < piece.length && w + width(piece[cut]) <= most) { w += width(piece[cut]); cut++; }
        out.push(piece.slice(0, cut));
        piece = piece.slice(cut);
      }
      if (piece) out.push(piece);
      return out;
    }, []);
    pieces.forEach(function (piece) {
      if (/^\s+$/.test(piece)) { if (line) line += " "; return; }
      if (line && width(line + piece) > most) { lines.push(line.trim()); line = ""; }
      line += piece;
    });
    if (line.trim()) lines.push(line.trim());
    return lines.map(function (l) {
      return l.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    }).join("<br>");
  }

  function layout(chart, element) {
    var units = Math.max(20, Math.floor((element.clientWidth || 360) / 8));
    var title = wrap(chart.title, units);
    var titleLines = title.split("<br>").length;
    return {
      title: { text: title, font: { size: 14 } },
      xaxis: { title: { text: chart.x }, type: chart.xtype || "-" },  // "category": months as written, not dates
      yaxis: { title: { text: chart.y }, tickformat: chart.format, zeroline: true },
      legend: { orientation: "h", y: -0.3 },
      margin: { l: 60, r: 10, t: 24 + 18 * titleLines, b: 60 },
      autosize: true,
      height: 360,
    };
  }

  function drawChart(years, chart, element) {
    var traces, units = Math.max(20, Math.floor((element.clientWidth || 360) / 7) - 6);
    if (chart.kind === "lines") {
      traces = chart.traces.map(function (t, i) {
        return { x: years, y: t.y, name: wrap(t.name, units), type: "scatter", mode: "lines", line: { color: COLOURS[i % COLOURS.length], width: 2 } };
      });
    } else {
      var b = chart.bands, edge = { width: 0 }, colour = "#0b4f8a";
      traces = [
        { x: years, y: b.p95, type: "scatter", mode: "lines", line: edge, showlegend: false, hoverinfo: "skip" },
        { x: years, y: b.p5, type: "scatter", mode: "lines", line: edge, fill: "tonexty", fillcolor: "rgba(11,79,138,0.18)", name: chart.labels.outer },
        { x: years, y: b.p75, type: "scatter", mode: "lines", line: edge, showlegend: false, hoverinfo: "skip" },
        { x: years, y: b.p25, type: "scatter", mode: "lines", line: edge, fill: "tonexty", fillcolor: "rgba(11,79,138,0.38)", name: chart.labels.inner },
        { x: years, y: b.p50, type: "scatter", mode: "lines", line: { color: colour, width: 2 }, name: chart.labels.median },
      ];
    }
    window.Plotly.newPlot(element, traces, layout(chart, element), { responsive: true, displayModeBar: false });
  }

  function draw(root) {
    var holder = root && root.querySelector ? root.querySelector("#projection-charts") : null;
    if (!holder || !window.Plotly) return;
    var data = JSON.parse(holder.textContent);
    data.charts.forEach(function (chart) {
      var element = document.getElementById(chart.id);
      if (element && !element.dataset.drawn) {
        element.dataset.drawn = "true";
        drawChart(data.years, chart, element);
      }
    });
  }

  function busy(value) {
    var region = document.getElementById("projection-result");
    if (region && value) region.setAttribute("aria-busy", "true");
    else if (region) region.removeAttribute("aria-busy");
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:load", function (event) { draw(event.detail.elt); });
  document.addEventListener("htmx:beforeRequest", function () { busy(true); });
  document.addEventListener("htmx:afterRequest", function () { busy(false); });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
