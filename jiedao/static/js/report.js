/* The report form: pick a category from the live suggestions (htmx fills #item-suggestions). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var suggestions = document.getElementById("item-suggestions");
    var query = document.getElementById("item-query");
    var itemId = document.getElementById("item-id");
    var chosen = document.getElementById("item-chosen");
    if (!suggestions || !query || !itemId) { return; }

    suggestions.addEventListener("click", function (event) {
      var button = event.target.closest("[data-item-id]");
      if (!button) { return; }
      itemId.value = button.dataset.itemId;
      query.value = button.dataset.itemName;
      if (chosen) { chosen.textContent = (chosen.dataset.prefix || "✓ ") + button.dataset.itemCode + " " + button.dataset.itemName; }
      suggestions.innerHTML = "";
    });
    // Typing again means choosing again: the old choice no longer matches the text.
    query.addEventListener("input", function () {
      itemId.value = "";
      if (chosen) { chosen.textContent = ""; }
    });
  });
}());
