/* Sortable tables, by mouse and keyboard. Progressive enhancement: without
   JavaScript the tables are plain, complete tables. Each column header of a
   table marked data-sortable gets a button; pressing it sorts the rows shown
   (ascending, then descending) and sets aria-sort so screen readers say how the
   table is sorted. Cells may carry data-sort: a number or an ISO date to sort by
   instead of their text. Served from the site itself: no request leaves it. */
(function () {
  "use strict";

  function key(row, index, type) {
    var cell = row.children[index];
    if (!cell) return type === "number" ? -Infinity : "";
    var value = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    if (type === "number") {
      var n = parseFloat(value);
      return isNaN(n) ? -Infinity : n;
    }
    return value;
  }

  function sortBy(table, header, index) {
    var type = header.getAttribute("data-type") || "text";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var collator = new Intl.Collator("en-GB", { numeric: true, sensitivity: "base" });
    rows.sort(function (a, b) {
      var x = key(a, index, type), y = key(b, index, type);
      var order = type === "number" ? (x < y ? -1 : x > y ? 1 : 0) : collator.compare(String(x), String(y));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var status = table.parentNode.parentNode.querySelector(".sort-status");
    if (status) {
      status.textContent = "Sorted by " + header.textContent.trim() + ", " + (ascending ? "ascending" : "descending") + ".";
    }
  }

  function enhance(table) {
    if (table.hasAttribute("data-sort-ready") || !table.tHead || !table.tBodies.length) return;
    table.setAttribute("data-sort-ready", "");
    var status = document.createElement("p");
    status.className = "sort-status";
    status.setAttribute("role", "status");
    table.parentNode.parentNode.insertBefore(status, table.parentNode);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, header, index); });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
