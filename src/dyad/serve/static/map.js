// The overview's map (dyad.charts.map_svg): zoom (wheel, buttons) and pan (drag) by moving the
// SVG's viewBox; places closer than a few pixels merged into a numbered cluster (click it to zoom
// in); a click on a place lists its events under the map; a box hides the dateline places.
// Without JavaScript each place still links its events' JSON.
"use strict";
(function () {
  const svg = document.querySelector("#map svg");
  if (!svg) return;
  const NS = "http://www.w3.org/2000/svg";
  const WORLD = { x: 0, y: 0, w: 360, h: 180 };
  const CLUSTER_PX = 12;  // places nearer than this on screen are drawn as one
  const links = Array.from(svg.querySelectorAll("a.place"));
  const layer = svg.querySelector("g.places");
  const clusters = document.createElementNS(NS, "g");
  clusters.setAttribute("class", "clusters");
  svg.appendChild(clusters);
  let view = { ...WORLD };
  const hideBox = document.getElementById("hide-datelines");

  const zoom = () => WORLD.w / view.w;
  const pxPerUnit = () => svg.getBoundingClientRect().width / view.w;

  function setView(next) {
    const w = Math.min(WORLD.w, Math.max(WORLD.w / 64, next.w));
    const h = w / 2;
    view = { x: Math.min(WORLD.w - w, Math.max(0, next.x)), y: Math.min(WORLD.h - h, Math.max(0, next.y)), w: w, h: h };
    svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
    redraw();
  }

  function zoomAt(factor, cx, cy) {  // cx, cy in map units stay where they are on screen
    const w = view.w / factor;
    setView({ x: cx - (cx - view.x) * (w / view.w), y: cy - (cy - view.y) * (w / view.w), w: w });
  }

  function visible(a) {
    return !(hideBox && hideBox.checked && a.classList.contains("dateline"));
  }

  function redraw() {
    // circles keep about their size on screen as the map zooms
    const shrink = 1 / Math.sqrt(zoom());
    for (const a of links) {
      const c = a.querySelector("circle");
      c.setAttribute("r", (parseFloat(c.dataset.r) * shrink).toFixed(3));
      c.setAttribute("stroke-width", (0.25 * shrink).toFixed(3));
    }
    cluster();
  }

  function cluster() {  // greedy, busiest place first: each takes the places within CLUSTER_PX
    clusters.replaceChildren();
    const cell = CLUSTER_PX / pxPerUnit();
    const shown = links.filter(visible);
    for (const a of links) a.style.display = visible(a) ? "" : "none";
    const at = (a) => { const c = a.querySelector("circle"); return [parseFloat(c.getAttribute("cx")), parseFloat(c.getAttribute("cy"))]; };
    const taken = new Set();
    for (const a of shown) {
      if (taken.has(a)) continue;
      const [x, y] = at(a);
      const group = shown.filter((b) => !taken.has(b) && Math.hypot(at(b)[0] - x, at(b)[1] - y) < cell);
      if (group.length < 2) continue;
      let events = 0, sx = 0, sy = 0;
      for (const b of group) {
        taken.add(b);
        b.style.display = "none";
        const n = parseInt(b.querySelector("circle").dataset.events, 10);
        events += n;
        sx += at(b)[0] * n;
        sy += at(b)[1] * n;
      }
      drawCluster(sx / events, sy / events, group.length, events, cell);
    }
  }

  function drawCluster(x, y, places, events, cell) {
    const g = document.createElementNS(NS, "g");
    g.setAttribute("class", "cluster");
    const c = document.createElementNS(NS, "circle");
    c.setAttribute("cx", x);
    c.setAttribute("cy", y);
    c.setAttribute("r", cell * (0.6 + 0.15 * Math.log2(places)));  // more places, a bigger cluster
    c.setAttribute("fill", "#23395d");
    c.setAttribute("fill-opacity", "0.8");
    const t = document.createElementNS(NS, "text");
    t.setAttribute("x", x);
    t.setAttribute("y", y + cell * 0.18);
    t.setAttribute("text-anchor", "middle");
    t.setAttribute("fill", "#fff");
    t.style.fontSize = cell * 0.55 + "px";  // the stylesheet's 11px would be 11 map units
    t.textContent = places;
    const title = document.createElementNS(NS, "title");
    title.textContent = `${places} places, ${events} events: click to zoom in`;
    g.append(c, t, title);
    g.addEventListener("click", (e) => { e.stopPropagation(); zoomAt(3, x, y); });
    clusters.appendChild(g);
  }

  // a place: its events listed under the map, from the JSON its link points to
  const panel = document.getElementById("place");
  const panelTitle = document.getElementById("place-title");
  const panelTable = document.getElementById("place-events");
  for (const a of links) {
    a.addEventListener("click", (e) => {
      e.preventDefault();
      if (moved) return;
      const name = a.querySelector("title").textContent;
      fetch(a.getAttribute("href")).then((r) => r.json()).then((answer) => showPlace(name, answer.events || []));
    });
  }

  function showPlace(name, events) {
    panelTitle.textContent = name;
    window.dyadListEvents(panelTable, events.map((e) => ({
      id: e.id, date: e.date, actor: e.actor_code, type: e.event_type, recipient: e.recipient_code,
      goldstein: e.goldstein, sentence: e.sentence})));
    panel.hidden = false;
  }

  // zoom and pan
  function mapPoint(e) {
    const box = svg.getBoundingClientRect();
    return [view.x + (e.clientX - box.left) / box.width * view.w, view.y + (e.clientY - box.top) / box.height * view.h];
  }
  svg.addEventListener("wheel", (e) => {
    e.preventDefault();
    const [x, y] = mapPoint(e);
    zoomAt(e.deltaY < 0 ? 1.5 : 1 / 1.5, x, y);
  }, { passive: false });
  let drag = null, moved = false;
  svg.addEventListener("pointerdown", (e) => { drag = [e.clientX, e.clientY, view.x, view.y]; moved = false; });
  window.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const dx = e.clientX - drag[0], dy = e.clientY - drag[1];
    if (Math.abs(dx) + Math.abs(dy) > 3) moved = true;
    if (moved) {
      const scale = view.w / svg.getBoundingClientRect().width;
      view.x = drag[2] - dx * scale;
      view.y = drag[3] - dy * scale;
      setView(view);
    }
  });
  window.addEventListener("pointerup", () => { drag = null; setTimeout(() => { moved = false; }, 0); });
  const centre = () => [view.x + view.w / 2, view.y + view.h / 2];
  document.getElementById("zoom-in").addEventListener("click", () => zoomAt(2, ...centre()));
  document.getElementById("zoom-out").addEventListener("click", () => zoomAt(0.5, ...centre()));
  document.getElementById("zoom-reset").addEventListener("click", () => setView({ ...WORLD }));
  if (hideBox) hideBox.addEventListener("change", cluster);
  for (const hint of document.querySelectorAll(".js-only")) hint.hidden = false;
  window.addEventListener("resize", cluster);
  setView({ ...WORLD });
  window.dyadMap = { zoomAt: zoomAt, setView: setView };  // for the browser tests
})();
