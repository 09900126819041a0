// Questionnaire pages: keep "N of M answered" and the progress bar up to date as answers are
// tapped. The server renders the same count, so the page works without this script.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-questionnaire]")) {
    const items = form.querySelectorAll("fieldset[data-item]");
    const text = form.querySelector("[data-progress]");
    const bar = form.querySelector(".q-progress progress");
    const update = () => {
      let answered = 0;
      for (const item of items) {
        const done = item.querySelector("input[type=radio]:checked") !== null;
        item.classList.toggle("answered", done);
        if (done) answered += 1;
      }
      if (text) text.textContent = `${answered} of ${items.length} answered`;
      if (bar) bar.value = answered;
    };
    form.addEventListener("change", update);
    update();
  }
});
