/* Small behaviours every page may use, declared in the markup with data attributes (the
   Content-Security-Policy allows no inline script and no inline event handler):
   - data-autosubmit on a <select>: choosing an option submits its form;
   - data-confirm on a <form>: asked once more before it is sent (作废); with data-confirm-field and
     data-confirm-value, only when that field has that value (同意 a void request);
   - on a phone the inbox's tabs scroll sideways: the open one is brought into view. */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-confirm]")) { return; }
    var field = form.getAttribute("data-confirm-field");
    if (field) {
      var input = form.elements[field];
      if (!input || input.value !== form.getAttribute("data-confirm-value")) { return; }
    }
    if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
  });

  function ready() {
    var activeTab = document.querySelector(".tabs .is-active");
    if (activeTab && activeTab.scrollIntoView) {
      activeTab.scrollIntoView({ inline: "center", block: "nearest" });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();

/* Alpine components (Alpine's CSP build evaluates no code from the markup: the markup names a
   component and its properties, the logic is here). */
document.addEventListener("alpine:init", function () {
  "use strict";

  /* A named period, or "custom" with two dates (web/_period_picker.html): choosing a named one
     reloads the page; "custom" shows the dates and waits for the button. */
  window.Alpine.data("periodPicker", function () {
    return {
      period: "",
      init: function () {
        this.period = this.$el.querySelector("select").value;
      },
      get isCustom() { return this.period === "custom"; },
      choose: function (event) {
        this.period = event.target.value;
        if (this.period !== "custom" && event.target.form) { event.target.form.submit(); }
      }
    };
  });

  /* The staff report form (web/case_form.html): the reporter's name and phone for cases phoned in
     or brought by a resident; after-photos when the reporter fixed it on the spot. */
  window.Alpine.data("reportForm", function () {
    var REPORTER_SOURCES = ["hotline", "resident"];
    return {
      source: "",
      selfHandled: false,
      init: function () {
        var source = this.$el.querySelector("select[name=source]");
        var selfHandled = this.$el.querySelector("input[name=self_handled]");
        this.source = source ? source.value : "";
        this.selfHandled = !!(selfHandled && selfHandled.checked);
      },
      get asksForReporter() { return REPORTER_SOURCES.indexOf(this.source) >= 0; },
      pickSource: function (event) { this.source = event.target.value; },
      toggleSelfHandled: function (event) { this.selfHandled = event.target.checked; }
    };
  });
});
