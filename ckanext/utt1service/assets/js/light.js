/* The small script of the public pages (ckanext-utt1service).
 *
 * The home, search, dataset and resource pages use none of CKAN's
 * JavaScript modules, so they load this instead of CKAN's bundles (jQuery,
 * moment, select2, htmx, Bootstrap's script and CKAN's module system, about
 * 230 kB compressed). It does the little those pages need, with the same
 * markup as Bootstrap 5 and CKAN:
 *   - marks the page as having JavaScript (html.js, as CKAN does);
 *   - opens and closes collapsing parts (the menu on a phone) and dropdown
 *     menus, keeping aria-expanded right; Escape closes a dropdown;
 *   - closes dismissible alerts (flash messages);
 *   - submits a form marked data-module="select-switch" (CKAN 2.11) or
 *     hx-trigger="change, …" (CKAN 2.12, which leaves it to htmx, not
 *     loaded here) when one of its lists changes (the search page's sort
 *     order), as CKAN's module or htmx does;
 *   - folds the rows marked toggle-more of a table marked
 *     data-module="table-toggle-more" (the resource page's additional
 *     information) behind a "Show more" button, with CKAN's classes and
 *     style; the button texts come from #utt1service-light-texts.
 * See ckanext.utt1service.light_pages (README "Fast to load"). */
(function () {
  "use strict";
  document.documentElement.className += " js";

  function targetOf(trigger) {
    var selector = trigger.getAttribute("data-bs-target") || trigger.getAttribute("href");
    if (!selector || selector.charAt(0) !== "#") { return null; }
    return document.querySelector(selector);
  }

  function closeDropdowns(except) {
    var open = document.querySelectorAll(".dropdown-menu.show");
    for (var i = 0; i < open.length; i++) {
      if (open[i] === except) { continue; }
      open[i].classList.remove("show");
      var toggle = open[i].parentNode.querySelector("[data-bs-toggle=dropdown]");
      if (toggle) { toggle.setAttribute("aria-expanded", "false"); }
    }
  }

  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target : null;
    if (!el) { return; }
    var collapse = el.closest("[data-bs-toggle=collapse]");
    if (collapse) {
      var target = targetOf(collapse);
      if (target) {
        event.preventDefault();
        var shown = target.classList.toggle("show");
        collapse.setAttribute("aria-expanded", shown ? "true" : "false");
        collapse.classList.toggle("collapsed", !shown);
      }
      return;
    }
    var dropdown = el.closest("[data-bs-toggle=dropdown]");
    if (dropdown) {
      var menu = dropdown.parentNode.querySelector(".dropdown-menu");
      if (menu) {
        event.preventDefault();
        closeDropdowns(menu);
        var open = menu.classList.toggle("show");
        dropdown.setAttribute("aria-expanded", open ? "true" : "false");
      }
      return;
    }
    var dismiss = el.closest("[data-bs-dismiss=alert]");
    if (dismiss) {
      var alert = dismiss.closest(".alert");
      if (alert) { alert.parentNode.removeChild(alert); }
      return;
    }
    if (!el.closest(".dropdown-menu")) { closeDropdowns(null); }
  });

  function foldTables() {
    var texts = document.getElementById("utt1service-light-texts");
    var tables = document.querySelectorAll("table[data-module~=table-toggle-more]");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      var rows = table.querySelectorAll(".toggle-more");
      if (!rows.length || !texts) { continue; }
      var cols = table.querySelectorAll("thead tr th").length || 2;
      var last = rows[rows.length - 1];
      var separator = document.createElement("tr");
      separator.className = "toggle-seperator";
      separator.innerHTML = '<td colspan="' + cols + '"></td>';
      var more = document.createElement("tr");
      more.className = "toggle-show toggle-show-more";
      var cell = document.createElement("td");
      cell.colSpan = cols;
      var small = document.createElement("small");
      [["show-more", "data-show-more", "true"], ["show-less", "data-hide", "false"]].forEach(function (spec) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-link p-0 " + spec[0];
        button.textContent = texts.getAttribute(spec[1]);
        button.setAttribute("data-expand", spec[2]);
        small.appendChild(button);
      });
      cell.appendChild(small);
      more.appendChild(cell);
      last.parentNode.insertBefore(separator, last.nextSibling);
      separator.parentNode.insertBefore(more, separator.nextSibling);
      table.classList.add("table-toggle-more");
      more.addEventListener("click", (function (table) {
        return function (event) {
          var button = event.target.closest("button[data-expand]");
          if (!button) { return; }
          var expand = button.getAttribute("data-expand") === "true";
          table.classList.toggle("table-toggle-more", !expand);
          table.classList.toggle("table-toggle-less", expand);
          var other = table.querySelector(expand ? ".show-less" : ".show-more");
          if (other) { other.focus(); }
        };
      })(table));
    }
  }
  if (document.readyState !== "loading") { foldTables(); } else { document.addEventListener("DOMContentLoaded", foldTables); }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeDropdowns(null); }
  });

  document.addEventListener("change", function (event) {
    var form = event.target.closest
      ? event.target.closest("form[data-module~=select-switch], form[hx-trigger*=change]") : null;
    if (form && event.target.tagName === "SELECT") { form.submit(); }
  });
})();
