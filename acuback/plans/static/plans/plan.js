// The plan editor. Loaded as a file: the Content-Security-Policy allows no inline script.
// Adding a point already on the plan shows that row instead of a second copy.
document.addEventListener("htmx:confirm", (event) => {
  const code = event.detail.elt.dataset.addCode;
  const row = code && document.querySelector(`#plan-points [data-code="${CSS.escape(code)}"]`);
  if (row) { event.preventDefault(); row.scrollIntoView({block: "center"}); row.classList.add("flash"); }
});
// "Remove" takes the point's row out of the form; the plan changes only when it is saved.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-remove-row]");
  if (button) button.closest("li").remove();
});
