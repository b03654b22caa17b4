// Every form's field errors, for screen readers and the keyboard (issue 19, item 7): an
// error message shown in "<field id>-error" (class field-error) marks its field with
// aria-invalid and aria-describedby, and when a save brings new errors, focus moves to the
// first field in error. One mechanism for every form: callbacks only write the messages.
(function () {
  "use strict";

  // Dash writes a pattern id as JSON with its keys sorted: {"activity":1,"type":"sess-rating"}.
  function fieldIdFor(errorId) {
    if (errorId.charAt(0) === "{") {
      let id;
      try { id = JSON.parse(errorId); } catch (e) { return null; }
      if (typeof id.type !== "string" || !id.type.endsWith("-error")) return null;
      id.type = id.type.slice(0, -"-error".length);
      return "{" + Object.keys(id).sort().map(function (k) {
        return JSON.stringify(k) + ":" + JSON.stringify(id[k]);
      }).join(",") + "}";
    }
    return errorId.endsWith("-error") ? errorId.slice(0, -"-error".length) : null;
  }

  function setDescribedBy(field, errorId, on) {
    const tokens = (field.getAttribute("aria-describedby") || "").split(/\s+/)
      .filter(function (t) { return t && t !== errorId; });
    if (on) tokens.push(errorId);
    if (tokens.length) field.setAttribute("aria-describedby", tokens.join(" "));
    else field.removeAttribute("aria-describedby");
  }

  let scheduled = false;

  function update() {
    scheduled = false;
    const newlyInvalid = [];
    document.querySelectorAll(".field-error[id]").forEach(function (error) {
      const fieldId = fieldIdFor(error.id);
      const field = fieldId && document.getElementById(fieldId);
      if (!field) return;
      const message = error.textContent.trim();
      const shown = field.getAttribute("data-error-shown") || "";
      if (message) {
        if (shown !== message) newlyInvalid.push(field);
        field.setAttribute("aria-invalid", "true");
        field.setAttribute("data-error-shown", message);
        setDescribedBy(field, error.id, true);
      } else if (field.hasAttribute("aria-invalid")) {
        field.removeAttribute("aria-invalid");
        field.removeAttribute("data-error-shown");
        setDescribedBy(field, error.id, false);
      }
    });
    if (!newlyInvalid.length) return;
    // The first field in error of the form that just reported, in the order of the page.
    const form = newlyInvalid[0].closest("form") || document;
    const first = form.querySelector("[aria-invalid='true']");
    if (first && typeof first.focus === "function") first.focus();
  }

  new MutationObserver(function () {
    if (!scheduled) {
      scheduled = true;
      window.requestAnimationFrame(update);
    }
  }).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
})();
