// Ctrl+Enter (Cmd+Enter on a Mac) inside a text box submits its form, as Enter does in a
// single-line field; plain Enter keeps adding new lines to the notes.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  const target = event.target;
  if (!(target instanceof HTMLTextAreaElement)) return;
  const form = target.closest("form");
  if (form) {
    event.preventDefault();
    form.requestSubmit();
  }
});
