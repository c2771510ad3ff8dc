// The events a chart's time range or a map point stands for, as rows of a table: date, actor,
// the event (a link to its page), recipient, Goldstein and the start of the sentence. Each
// event is {id, date, actor, type, recipient, goldstein, sentence}, names already chosen.
"use strict";
window.dyadListEvents = function (table, events) {
  table.replaceChildren();
  const head = table.insertRow();
  for (const name of ["date", "actor", "event", "recipient", "Goldstein", "sentence"]) {
    const th = document.createElement("th");
    th.textContent = name;
    head.appendChild(th);
  }
  for (const e of events) {
    const row = table.insertRow();
    const cell = (text, href) => {
      const td = row.insertCell();
      if (href) {
        const a = document.createElement("a");
        a.href = href;
        a.textContent = text;
        td.appendChild(a);
      } else {
        td.textContent = text;
      }
      return td;
    };
    cell(e.date || "-");
    cell(e.actor || "-");
    cell(e.type || "statement", "/events/" + e.id);
    cell(e.recipient || "-");
    cell((e.goldstein > 0 ? "+" : "") + e.goldstein.toFixed(1)).className = "num";
    cell(e.sentence.length > 110 ? e.sentence.slice(0, 109) + "…" : e.sentence);
  }
};
