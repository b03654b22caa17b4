// "Are you sure?" before an action whose element (or a wrapper) carries data-confirm: the
// browser's own dialog, asked before the click reaches Dash, so "Cancel" sends nothing.
document.addEventListener("click", function (event) {
  const asking = event.target instanceof Element && event.target.closest("[data-confirm]");
  if (asking && !window.confirm(asking.getAttribute("data-confirm"))) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);
