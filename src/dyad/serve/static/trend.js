// The dyad page's trend, drawn with uPlot from the JSON block #trend-data (see dyad.charts and
// dyad.series): stacked QuadClass bars per period on a time axis, the mean Goldstein line with
// its zero, values on hover. Dragging across the chart lists the events of that time range
// below it; a click lists one period's. Without JavaScript the server's SVG stays.
"use strict";
(function () {
  const source = document.getElementById("trend-data");
  const box = document.getElementById("trend-plot");
  if (!source || !box || typeof uPlot === "undefined") return;
  const chart = JSON.parse(source.textContent);
  const periods = chart.periods;
  if (!periods.length) return;
  const KEYS = ["verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"];
  const NAMES = ["verbal cooperation", "material cooperation", "verbal conflict", "material conflict"];
  const COLOURS = ["#8fc1e3", "#2b7bba", "#f4a582", "#ca0020"];
  const seconds = (iso) => Date.parse(iso + "T00:00:00Z") / 1000;
  const starts = periods.map((p) => seconds(p.start));
  const ends = periods.map((p) => seconds(p.end) + 86400);
  const middles = starts.map((s, i) => (s + ends[i]) / 2);  // a bar is centred in its period

  // stacked bars: series k is the sum of the first k+1 QuadClasses, drawn tallest first so the
  // shorter ones cover its lower part; hover shows each class's own count
  const stacks = KEYS.map((_, k) => periods.map((p) => KEYS.slice(0, k + 1).reduce((s, key) => s + p[key], 0)));
  const order = [3, 2, 1, 0];
  const bars = uPlot.paths.bars({ size: [0.85, Infinity], align: 0 });
  const series = [{ label: "period", value: (u, v, s, i) => (i == null ? "-" : periods[i].label) }];
  for (const k of order) {
    series.push({ label: NAMES[k], fill: COLOURS[k], stroke: COLOURS[k], width: 0, paths: bars, points: { show: false },
                  value: (u, v, s, i) => (i == null ? "-" : periods[i][KEYS[k]]) });
  }
  series.push({ label: "mean Goldstein", scale: "g", stroke: "#111", width: 1.5, spanGaps: false,
                points: { show: true, size: 5, fill: "#111" },
                value: (u, v) => (v == null ? "-" : (v > 0 ? "+" : "") + v.toFixed(2)) });
  const data = [middles, ...order.map((k) => stacks[k]), periods.map((p) => (p.events ? p.mean_goldstein : null))];

  const label = (t) => {
    const i = starts.findIndex((s, j) => t >= s && t < ends[j]);
    return i < 0 ? "" : periods[i].label;
  };
  const ticks = (u, axis, min, max) => {  // periods' middles, thinned to one label per ~90 px
    const shown = middles.filter((t) => t >= min && t <= max);
    const every = Math.max(1, Math.ceil(shown.length / Math.max(1, u.bbox.width / devicePixelRatio / 90)));
    return shown.filter((_, i) => i % every === 0);
  };
  const zeroLine = (u) => {
    const y = u.valToPos(0, "g", true);
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = "#999";
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(u.bbox.left, y);
    ctx.lineTo(u.bbox.left + u.bbox.width, y);
    ctx.stroke();
    ctx.restore();
  };

  const range = document.getElementById("range");
  const rangeTitle = document.getElementById("range-title");
  const rangeTable = document.getElementById("range-events");
  const rangeLink = document.getElementById("range-link");

  function listEvents(first, last) {  // indexes of the first and last period of the range
    const since = periods[first].start, until = periods[last].end;
    const span = first === last ? periods[first].label : periods[first].label + " to " + periods[last].label;
    const query = "&since=" + since + "&until=" + until;
    rangeLink.href = chart.events_page + query;
    rangeTitle.textContent = "Events " + span;
    range.hidden = false;
    range.dataset.since = since;
    range.dataset.until = until;
    fetch(chart.events_api + query + "&limit=200")
      .then((r) => r.json())
      .then((answer) => {
        if (range.dataset.since !== since || range.dataset.until !== until) return;  // a newer range was chosen
        showEvents(answer.events || [], answer.next_offset != null);
      });
  }

  function showEvents(events, more) {
    window.dyadListEvents(rangeTable, events.map((e) => ({
      id: e.id, date: e.date, actor: e.actor.code || e.actor.text, type: e.event_type,
      recipient: e.recipient ? e.recipient.code || e.recipient.text : null, goldstein: e.goldstein,
      sentence: e.sentence})));
    rangeTitle.textContent = rangeTitle.textContent.replace(/ \(.*\)$/, "") +
      " (" + events.length + (more ? "+, the first shown" : "") + ")";
  }

  function periodAt(t, fromEnd) {  // the period holding second t, or the nearest one inside
    let i = starts.findIndex((s, j) => t < ends[j]);
    if (i < 0) i = periods.length - 1;
    if (fromEnd && t < starts[i] && i > 0) i -= 1;
    return i;
  }

  box.hidden = false;  // shown before it is measured: its width is the page's, inside the padding
  const width = () => Math.max(260, box.clientWidth || 800);
  const plot = new uPlot({
    width: width(),
    height: 300,
    series: series,
    scales: { x: { time: true, range: () => [starts[0], ends[ends.length - 1]] }, g: { range: [-10, 10] } },
    axes: [
      { splits: ticks, values: (u, vals) => vals.map(label), space: 60 },
      { label: "events" },
      { scale: "g", side: 1, label: "mean Goldstein", grid: { show: false } },
    ],
    cursor: { drag: { x: true, y: false, setScale: false } },
    legend: { live: true },
    hooks: {
      draw: [zeroLine],
      setSelect: [(u) => {
        if (u.select.width < 3) return;  // a click, handled below
        const first = periodAt(u.posToVal(u.select.left, "x"), false);
        const last = periodAt(u.posToVal(u.select.left + u.select.width, "x"), true);
        listEvents(first, Math.max(first, last));
      }],
    },
  }, data, box);
  document.getElementById("trend-chart").hidden = true;
  for (const hint of document.querySelectorAll(".js-only")) hint.hidden = false;
  plot.over.addEventListener("click", () => {
    if (plot.select.width >= 3 || plot.cursor.left == null || plot.cursor.left < 0) return;
    const i = periodAt(plot.posToVal(plot.cursor.left, "x"), false);
    listEvents(i, i);
  });
  document.getElementById("range-clear").addEventListener("click", () => {
    range.hidden = true;
    plot.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
  });
  window.addEventListener("resize", () => plot.setSize({ width: width(), height: 300 }));
  window.dyadTrend = plot;  // for the browser tests
})();
