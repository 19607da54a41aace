/* Member directory: filter and sort the table in the page, offline.
 *
 * Inlined by tfanalysis.reports.directory.directory_html() into a script element at the end of the
 * directory's markup. Plain JavaScript, no library, nothing loaded from the network.
 *
 * The markup it expects (one or more per page):
 *
 *   <div class="tf-directory">
 *     <select data-filter="service|county|population|language">   first option value "" = no filter
 *     <input data-filter="search">                                   free text, matches any cell
 *     <input type="checkbox" data-filter="around-the-clock">         keep rows reachable 24/7
 *     <button data-action="reset">
 *     <output class="tf-directory-count">
 *     <table>, whose header cells carry data-type="text" or "number" (a <button> inside each),
 *             and whose body rows carry data-service, data-counties ("a|b"),
 *             data-population ("minors|adults|foreign nationals|female|male|nonbinary"),
 *             data-languages ("English|Spanish", or "*" for any language) and
 *             data-around-the-clock ("yes" or "no")
 *   </div>
 *
 * A cell may carry data-sort (the value to sort by, e.g. a raw number). Clicking a header
 * sorts by that column, clicking it again reverses; empty cells stay last. The sort is
 * stable, so sorting by county and then by service keeps counties in order within a service.
 */
(function () {
  "use strict";

  var ANY_LANGUAGE = "*";

  function listOf(value) {
    return value ? value.split("|") : [];
  }

  function has(list, item) {
    return list.indexOf(item) >= 0;
  }

  function currentFilters(root) {
    var filters = {};
    root.querySelectorAll("[data-filter]").forEach(function (control) {
      var name = control.getAttribute("data-filter");
      if (control.type === "checkbox") {
        filters[name] = control.checked;
      } else {
        filters[name] = control.value.trim();
      }
    });
    return filters;
  }

  function rowMatches(row, filters) {
    var data = row.dataset;
    if (filters.service && data.service !== filters.service) return false;
    if (filters.county && !has(listOf(data.counties), filters.county)) return false;
    if (filters.population && !has(listOf(data.population), filters.population)) return false;
    if (filters.language) {
      var languages = listOf(data.languages);
      if (!has(languages, ANY_LANGUAGE) && !has(languages, filters.language)) return false;
    }
    if (filters["around-the-clock"] && data.aroundTheClock !== "yes") return false;
    if (filters.search && row.textContent.toLowerCase().indexOf(filters.search.toLowerCase()) < 0) return false;
    return true;
  }

  function applyFilters(root) {
    var filters = currentFilters(root);
    var rows = root.querySelectorAll("tbody tr");
    var shown = 0;
    rows.forEach(function (row) {
      var keep = rowMatches(row, filters);
      row.hidden = !keep;
      if (keep) shown += 1;
    });
    var count = root.querySelector(".tf-directory-count");
    if (count) count.textContent = "Showing " + shown + " of " + rows.length + " rows";
  }

  function sortKey(cell, type) {
    var text = (cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent).trim();
    if (text === "") return null;
    if (type === "number") {
      var number = parseFloat(text);
      return isNaN(number) ? null : number;
    }
    return text.toLowerCase();
  }

  function sortRows(table, column, descending) {
    var body = table.tBodies[0];
    var type = table.tHead.rows[0].cells[column].getAttribute("data-type");
    var keyed = Array.prototype.map.call(body.rows, function (row, position) {
      return { row: row, key: sortKey(row.cells[column], type), position: position };
    });
    keyed.sort(function (a, b) {
      if (a.key === null || b.key === null) {
        if (a.key === b.key) return a.position - b.position;
        return a.key === null ? 1 : -1; // empty cells last, whichever the direction
      }
      var order = type === "number" ? a.key - b.key : a.key.localeCompare(b.key);
      if (order === 0) return a.position - b.position;
      return descending ? -order : order;
    });
    keyed.forEach(function (item) {
      body.appendChild(item.row);
    });
  }

  function onHeaderClick(table, header) {
    var descending = header.getAttribute("aria-sort") === "ascending";
    table.tHead.rows[0].querySelectorAll("th").forEach(function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
    sortRows(table, header.cellIndex, descending);
  }

  function init(root) {
    if (root.getAttribute("data-ready") === "yes") return;
    root.setAttribute("data-ready", "yes");
    var table = root.querySelector("table");
    root.querySelectorAll("[data-filter]").forEach(function (control) {
      control.addEventListener(control.tagName === "SELECT" || control.type === "checkbox" ? "change" : "input", function () {
        applyFilters(root);
      });
    });
    var reset = root.querySelector("[data-action=reset]");
    if (reset) {
      reset.addEventListener("click", function () {
        root.querySelectorAll("[data-filter]").forEach(function (control) {
          if (control.type === "checkbox") control.checked = false;
          else control.value = "";
        });
        applyFilters(root);
      });
    }
    table.tHead.rows[0].querySelectorAll("th").forEach(function (header) {
      var button = header.querySelector("button") || header;
      button.addEventListener("click", function () {
        onHeaderClick(table, header);
      });
    });
    applyFilters(root);
  }

  var own = document.currentScript && document.currentScript.closest(".tf-directory");
  if (own) init(own);
  document.querySelectorAll(".tf-directory").forEach(init);
})();
