/* The executives' dashboards (/dashboards): each chart drawn by Apache ECharts
   (static/vendor/echarts) with the SVG renderer, from the figures the page embeds as JSON
   (#dashboard-data, the same as /api/dashboards). Each chart's data table is in the page.
   Printing: the charts are redrawn at the A4 width (see dashboards.css) and patterned. */
(function () {
  "use strict";

  const PRINT_WIDTH = 680; /* 180 mm at 96 px per inch: dashboards.css @media print .chart */
  const PRINT_HEIGHT = 340; /* 90 mm; a tall chart (many bars) 125 mm */
  const PRINT_HEIGHT_TALL = 472;
  const FONT = "Sarabun, 'Noto Sans Thai', sans-serif";
  const COLOURS = ["#1f3b6e", "#c9a227", "#2e7d4f", "#b23a2e", "#6a4c93", "#3f8fb5", "#8a6d3b"];
  const STATUS_COLOURS = {
    completed: "#2e7d4f",
    in_progress: "#3f8fb5",
    not_done: "#b23a2e",
    awaiting: "#9aa5b1",
  };
  const charts = [];

  function base(extra) {
    return Object.assign(
      {
        animation: false,
        color: COLOURS,
        textStyle: { fontFamily: FONT, fontSize: 12, color: "#1d2430" },
        aria: { enabled: true, decal: { show: false } },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0, textStyle: { fontFamily: FONT } },
        grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      },
      extra
    );
  }

  function targetLine(name, value, colour, below) {
    return {
      silent: true,
      symbol: "none",
      lineStyle: { type: "dashed", color: colour, width: 2 },
      label: {
        formatter: (name ? name + " " : "") + value + "%",
        position: below ? "insideEndBottom" : "insideEndTop",
        fontFamily: FONT,
        color: colour,
      },
      data: [{ yAxis: value }],
    };
  }

  function targetLineX(value, colour, align) {
    const line = targetLine("", value, colour);
    line.data = [{ xAxis: value }];
    line.label.position = "end";
    line.label.align = align; /* the two targets' labels side by side, not on each other */
    return line;
  }

  function valueAxis(name, extra) {
    return Object.assign({ type: "value", name: name, nameLocation: "middle", nameGap: 26 }, extra);
  }

  function categoryAxis(labels, width) {
    return {
      type: "category",
      data: labels,
      axisLabel: { width: width, overflow: "break", lineHeight: 16 },
    };
  }

  function complaintMonths(c) {
    const t = c.targets_percent;
    const labels = c.months.map((m) => m.label);
    return base({
      xAxis: { type: "category", data: labels },
      yAxis: [
        { type: "value", name: "เรื่อง", minInterval: 1 },
        { type: "value", name: "ร้อยละ", min: 0, max: 100, splitLine: { show: false } },
      ],
      series: [
        { name: "เรื่องทั้งหมด", type: "bar", data: c.months.map((m) => m.total), itemStyle: { color: "#c8d3e6" },
          label: { show: true, position: "top" } },
        { name: "ร้อยละแก้ไขได้", type: "line", yAxisIndex: 1, connectNulls: true, symbolSize: 8,
          data: c.months.map((m) => m.solved_percent), itemStyle: { color: "#1f3b6e" },
          markLine: targetLine("เป้าแก้ไขได้", t.solved, "#1f3b6e") },
        { name: "ร้อยละพึงพอใจ", type: "line", yAxisIndex: 1, connectNulls: true, symbolSize: 8,
          data: c.months.map((m) => m.satisfied_percent), itemStyle: { color: "#c9a227" },
          lineStyle: { type: "dotted", width: 3 },
          markLine: targetLine("เป้าพึงพอใจ", t.satisfied, "#8a6d1b", true) },
      ],
    });
  }

  function complaintDivisions(c) {
    const t = c.targets_percent;
    const rows = c.divisions.slice().reverse();
    return base({
      grid: { left: 8, right: 40, top: 40, bottom: 30, containLabel: true },
      xAxis: valueAxis("ร้อยละ", { min: 0, max: 100 }),
      yAxis: categoryAxis(rows.map((d) => d.name), 250),
      series: [
        { name: "ร้อยละแก้ไขได้", type: "bar", data: rows.map((d) => d.solved_percent), itemStyle: { color: "#1f3b6e" },
          label: { show: true, position: "right", formatter: (p) => (p.value == null ? "-" : p.value) },
          markLine: targetLineX(t.solved, "#1f3b6e", "left") },
        { name: "ร้อยละพึงพอใจ", type: "bar", data: rows.map((d) => d.satisfied_percent), itemStyle: { color: "#c9a227" },
          label: { show: true, position: "right", formatter: (p) => (p.value == null ? "-" : p.value) },
          markLine: targetLineX(t.satisfied, "#8a6d1b", "right") },
      ],
    });
  }

  function screeningFunnel(s) {
    /* every stage; of the benefits, those someone receives (the table lists them all) */
    const received = s.benefits.filter((b) => b.count > 0);
    const stages = s.stages.concat(received.map((b) => ({ key: b.key, title: "ได้รับ" + b.title, count: b.count })));
    const rows = stages.slice().reverse();
    return base({
      tooltip: { trigger: "item" },
      legend: { show: false },
      grid: { left: 8, right: 40, top: 8, bottom: 30, containLabel: true },
      xAxis: valueAxis("คน", { minInterval: 1 }),
      yAxis: categoryAxis(rows.map((x) => x.title), 240),
      series: [
        { name: "จำนวน (คน)", type: "bar", data: rows.map((x) => ({
            value: x.count,
            itemStyle: { color: x.key.startsWith("benefit:") ? "#2e7d4f" : "#1f3b6e" },
          })),
          label: { show: true, position: "right" } },
      ],
    });
  }

  function pdcaStacked(p, groups, label) {
    const rows = groups.slice().reverse();
    return base({
      grid: { left: 8, right: 24, top: 40, bottom: 30, containLabel: true },
      xAxis: valueAxis("โครงการ", { minInterval: 1 }),
      yAxis: categoryAxis(rows.map(label), 220),
      series: p.statuses.map((s) => ({
        name: s.title,
        type: "bar",
        stack: "projects",
        itemStyle: { color: STATUS_COLOURS[s.status] },
        label: { show: true, formatter: (x) => (x.value ? x.value : ""), color: "#fff" },
        data: rows.map((g) => g.by_status[s.status]),
      })),
    });
  }

  function overdue(o) {
    const rows = o.divisions.slice().reverse();
    return base({
      grid: { left: 8, right: 24, top: 40, bottom: 30, containLabel: true },
      xAxis: valueAxis("ขั้นตอน", { minInterval: 1 }),
      yAxis: categoryAxis(rows.map((r) => r.name), 220),
      series: o.workflows.map((w) => ({
        name: w.title,
        type: "bar",
        stack: "steps",
        label: { show: true, formatter: (x) => (x.value ? x.value : ""), color: "#fff" },
        data: rows.map((r) => r.by_workflow[w.case_type] || 0),
      })),
    });
  }

  function draw(id, option) {
    const element = document.getElementById(id);
    if (!element) return;
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    element.dataset.drawn = "1";
    charts.push(chart);
  }

  function forPrint(printing) {
    charts.forEach((chart) => {
      const tall = chart.getDom().classList.contains("tall");
      chart.setOption({ aria: { decal: { show: printing } } });
      if (printing) chart.resize({ width: PRINT_WIDTH, height: tall ? PRINT_HEIGHT_TALL : PRINT_HEIGHT });
      else chart.resize({ width: "auto", height: "auto" });
    });
  }

  function start() {
    const data = JSON.parse(document.getElementById("dashboard-data").textContent);
    draw("chart-complaints-months", complaintMonths(data.complaints));
    draw("chart-complaints-divisions", complaintDivisions(data.complaints));
    draw("chart-screening-funnel", screeningFunnel(data.screening));
    draw("chart-pdca-divisions", pdcaStacked(data.pdca, data.pdca.divisions, (g) => g.title));
    /* the dimensions' full names are long: "มิติที่ 1" on the axis, the name in the table */
    draw("chart-pdca-dimensions", pdcaStacked(data.pdca, data.pdca.dimensions, (g) => "มิติที่ " + g.key));
    draw("chart-overdue", overdue(data.overdue));

    let resizing = null;
    window.addEventListener("resize", () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => charts.forEach((c) => c.resize()), 150);
    });
    const print = window.matchMedia("print");
    print.addEventListener("change", (e) => forPrint(e.matches));
    window.addEventListener("beforeprint", () => forPrint(true));
    window.addEventListener("afterprint", () => forPrint(false));
    const button = document.getElementById("dash-print");
    if (button) button.addEventListener("click", () => window.print());
    document.body.dataset.chartsReady = String(charts.length);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
