/* The address search box (标准地址) beside every map where a location is picked: suggestions from
   the register as one types (the staff or the public JSON endpoint, data-url), an accessible
   listbox (arrow keys, Enter, Escape, or a tap), and on a pick the event "jiedao:address-picked"
   with {label, point: [lon, lat], grid} that the page's map moves to; the form's address text
   (data-address-field) takes the label. */
(function () {
  "use strict";

  function setup(box) {
    var input = box.querySelector("input[type=search]");
    var list = box.querySelector("[role=listbox]");
    var status = box.querySelector(".address-search__status");
    if (!input || !list) { return; }
    var results = [];
    var active = -1;
    var timer = null;
    var serial = 0;

    function say(text) { if (status) { status.textContent = text || ""; } }

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      Array.prototype.forEach.call(options, function (option, position) {
        option.setAttribute("aria-selected", position === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function pick(index) {
      var result = results[index];
      if (!result) { return; }
      input.value = result.label;
      close();
      var addressField = box.dataset.addressField ? document.querySelector(box.dataset.addressField) : null;
      if (addressField) { addressField.value = result.label; }
      say("");
      document.dispatchEvent(new CustomEvent("jiedao:address-picked", { detail: result }));
    }

    function show(found) {
      results = found;
      list.textContent = "";
      if (!found.length) {
        close();
        say(box.dataset.none || "");
        return;
      }
      found.forEach(function (result, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "suggestion address-option";
        option.dataset.index = String(index);
        var name = document.createElement("span");
        name.className = "suggestion__name";
        name.textContent = result.label;
        var meta = document.createElement("span");
        meta.className = "suggestion__meta";
        meta.textContent = result.grid || "";
        option.appendChild(name);
        option.appendChild(meta);
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      say(box.dataset.count ? box.dataset.count.replace("{n}", found.length) : "");
    }

    function search() {
      var query = input.value.trim();
      if (!query) { close(); say(""); return; }
      if (!navigator.onLine && box.dataset.offline) { close(); say(box.dataset.offline); return; }
      var mine = ++serial;
      fetch(box.dataset.url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (answer) {
        if (mine !== serial) { return; }  // a later keystroke has its own answer coming
        if (!answer.ok) { close(); say(answer.data.error || ""); return; }
        show(answer.data.results || []);
      }).catch(function () {
        if (mine === serial) { close(); say(box.dataset.offline || ""); }
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) { search(); return; }
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        event.preventDefault();  // Enter here picks or searches, it never submits the report
        if (!list.hidden && results.length) { pick(active >= 0 ? active : 0); } else { search(); }
      } else if (event.key === "Escape") {
        close();
      }
    });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { pick(parseInt(option.dataset.index, 10)); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-address-search]"), setup);
  });
}());
