// A safety alert just raised by the practitioner's own save is drawn at the top of the
// client page, a screen's height above the form they were looking at. When it appears,
// move the keyboard focus to it (which scrolls it into view, and screen readers read it):
// the practitioner sees the alert, not only "Session saved".
(function () {
  function focusNewAlert() {
    const alert = document.getElementById("safety-alert-new");
    if (!alert || alert.dataset.focused === "yes") return;
    alert.dataset.focused = "yes";
    alert.scrollIntoView({block: "center"});
    alert.focus({preventScroll: true});
  }
  new MutationObserver(focusNewAlert).observe(document.documentElement,
                                              {childList: true, subtree: true});
})();
