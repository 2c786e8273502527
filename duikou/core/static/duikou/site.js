/* Behaviour shared by every page. No data is written into scripts: charts read their
   options from <script type="application/json"> blocks produced by json_script. */
(function () {
  "use strict";

  /* Series colours told apart by colour-blind readers too (Okabe and Ito's eight, then
     three of Tol's), used by every chart whose options name none of their own. */
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
    "#000000", "#F0E442", "#882255", "#44AA99", "#999933"];

  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function mapTooltip(params) {
    var d = params.data || {};
    var text = escapeHTML(params.name);
    if (d.value !== null && d.value !== undefined) { text += "：" + escapeHTML(d.value); }
    if (d.donors) { text += "<br>" + escapeHTML(d.donors); }
    return text;
  }

  /* A map showing part of its layer (one prefecture's counties): keep the features the
     server listed in the series, so the map zooms to them. */
  function onlyListed(geo, option) {
    var names = {};
    option.series[0].data.forEach(function (d) { names[d.name] = true; });
    return {
      type: geo.type,
      features: geo.features.filter(function (f) { return names[(f.properties || {}).name]; })
    };
  }

  function escapeHTML(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  function drawChart(el) {
    if (!window.echarts || el.dataset.drawn) { return; }
    var option = readJSON(el.dataset.chart);
    if (!option) { return; }
    el.dataset.drawn = "1";
    if (!option.color) { option.color = PALETTE; }
    var chart = window.echarts.init(el);
    if (el.dataset.map) {
      fetch(el.dataset.map, {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (geo) {
          if (el.dataset.mapOnlyListed) { geo = onlyListed(geo, option); }
          window.echarts.registerMap("duikou-area", geo);
          option.tooltip = option.tooltip || {};
          option.tooltip.formatter = mapTooltip;
          chart.setOption(option);
          chart.on("click", function (p) {
            if (p.data && p.data.url) { window.location.href = p.data.url; }
          });
          el.setAttribute("data-ready", "1");
        });
    } else {
      chart.setOption(option);
      el.setAttribute("data-ready", "1");
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(drawChart);
    (root || document).querySelectorAll("select[data-autosubmit]").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });
    /* "返回上一页" on the error pages: the link goes home when there is no page to go back to. */
    (root || document).querySelectorAll("a[data-back]").forEach(function (a) {
      a.addEventListener("click", function (event) {
        if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) { window.htmx.onLoad(init); } else { init(document); }
  });
})();
