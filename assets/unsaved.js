// Unsaved edits (issue 19, item 2): a form area marked data-unsaved-result="<id of the
// element its save reports in>" is compared with what it held when drawn or last saved.
// While it differs, its marker (data-unsaved-marker="<id>") shows, and leaving the page,
// by a link or by closing or reloading the tab, asks first. A save that reports success
// (or "nothing has changed") makes the current values the saved ones.
(function () {
  "use strict";
  const saved = new WeakMap();   // area element -> serialised values when last saved
  const reports = new WeakMap(); // area element -> the result's last seen HTML

  function serialise(area) {
    return Array.from(area.querySelectorAll("input, textarea, select")).map(function (el) {
      if (el.type === "checkbox" || el.type === "radio") return el.checked ? "1" : "0";
      return el.value;
    }).join("\u0001");
  }

  function areas() {
    return Array.from(document.querySelectorAll("[data-unsaved-result]"));
  }

  function dirtyAreas() {
    return areas().filter(function (area) {
      return saved.has(area) && saved.get(area) !== serialise(area);
    });
  }

  function check() {
    areas().forEach(function (area) {
      const now = serialise(area);
      const result = document.getElementById(area.getAttribute("data-unsaved-result"));
      const report = result ? result.innerHTML : "";
      if (!saved.has(area)) {
        saved.set(area, now);
      } else if (report !== reports.get(area) &&
                 result.querySelector(".alert-success, .alert-info")) {
        saved.set(area, now);
      }
      const dirty = saved.get(area) !== now;
      if (result && report !== reports.get(area)) result.hidden = false;  // a new report
      // A success or "nothing has changed" no longer holds once the form is edited again.
      if (result && dirty && result.querySelector(".alert-success, .alert-info")) {
        result.hidden = true;
      }
      reports.set(area, report);
      const marker = document.getElementById(area.getAttribute("data-unsaved-marker"));
      if (marker) marker.hidden = !dirty;
    });
  }

  window.setInterval(check, 400);
  // A save's report must be read against the values the form held when it arrived: waiting
  // for the next tick would count an edit typed just after the save as saved. A mutation
  // observer runs before the next input event can.
  new MutationObserver(check).observe(document.body,
                                      {childList: true, subtree: true, characterData: true});
  document.addEventListener("input", check, true);
  document.addEventListener("change", check, true);

  window.addEventListener("beforeunload", function (event) {
    check();
    if (dirtyAreas().length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Links inside the app change the page without unloading it: ask before following one.
  document.addEventListener("click", function (event) {
    const link = event.target instanceof Element && event.target.closest("a[href]");
    if (!link || link.target === "_blank" || link.hasAttribute("download")) return;
    if (link.getAttribute("href").charAt(0) === "#") return;
    check();
    if (dirtyAreas().length &&
        !window.confirm("You have unsaved changes on this page. Leave without saving?")) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
})();
