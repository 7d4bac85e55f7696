// Unit report charts (ECharts). The figures come from json_script tags written by the server; the same
// figures are in tables beside each chart, so the page works without this file.
(function () {
  // ECharts puts a tooltip formatter's string into the page as HTML: every name and figure in it is escaped
  // (a unit may be named "<img src=x onerror=…>").
  const escapeHtml = (value) =>
    String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  function read(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function draw(root) {
    if (!window.echarts) return;
    root.querySelectorAll(".report-chart").forEach((el) => {
      const data = read(el.dataset.source);
      if (!data) return;
      const existing = window.echarts.getInstanceByDom(el);
      if (existing) existing.dispose();
      const chart = window.echarts.init(el);
      if (el.dataset.chart === "completion") {
        chart.setOption({
          grid: { left: 40, right: 10, top: 10, bottom: 70 },
          tooltip: {
            trigger: "axis",
            formatter: (p) => {
              const i = p[0].dataIndex;
              return `${escapeHtml(p[0].name)}<br>${escapeHtml(p[0].value)}%（${escapeHtml(data.met[i])} / ${escapeHtml(data.counted[i])}）`;
            },
          },
          xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 30, interval: 0 } },
          yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
          series: [{ type: "bar", data: data.rates, itemStyle: { color: "#0d6efd" } }],
        });
      } else {
        chart.setOption({
          grid: { left: 40, right: 10, top: 10, bottom: 40 },
          // Our own formatter rather than ECharts' default, whose markup carries style="" attributes that
          // the Content-Security-Policy refuses.
          tooltip: { trigger: "axis", formatter: (p) => `${escapeHtml(p[0].name)}<br>${escapeHtml(p[0].value)} 人` },
          xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 30 } },
          yAxis: { type: "value", minInterval: 1 },
          series: [{ type: "bar", data: data.counts, itemStyle: { color: "#198754" } }],
        });
      }
    });
  }
  window.addEventListener("resize", () => {
    if (!window.echarts) return;
    document.querySelectorAll(".report-chart").forEach((el) => window.echarts.getInstanceByDom(el)?.resize());
  });
  document.addEventListener("DOMContentLoaded", () => draw(document));
  document.addEventListener("htmx:afterSettle", (event) => draw(event.target));
})();
