// The treatment-room page: rows added and removed, the pain drawing, the needle for every
// point, point search by keyboard, and retention countdowns. Hooked by data- attributes only
// (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";

  function token() {
    const bytes = new Uint8Array(4);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // Rows from a <template>: each gets a fresh token in its field names.
  document.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add-row]");
    if (add) {
      const template = document.getElementById(add.dataset.addRow);
      const into = document.getElementById(add.dataset.into);
      const html = template.innerHTML.replaceAll("__TOKEN__", token());
      into.insertAdjacentHTML("beforeend", html);
      const first = into.lastElementChild.querySelector("input:not([type=hidden]), select");
      if (first) first.focus();
      return;
    }
    const remove = event.target.closest("[data-remove-row]");
    if (remove) {
      const row = remove.closest("[data-row]");
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      const focus = next && next.querySelector("input:not([type=hidden]), select, button");
      if (focus) focus.focus();
      return;
    }
    if (event.target.closest("[data-apply-needle]")) {
      const defaults = document.querySelectorAll("[data-needle-defaults] [data-default]");
      defaults.forEach((input) => {
        if (!input.value) return;
        document.querySelectorAll(`#visit-points [data-needle="${input.dataset.default}"]`)
          .forEach((field) => { field.value = input.value; });
      });
      return;
    }
    const region = event.target.closest(".drawing.interactive [data-region]");
    if (region) {
      const box = document.querySelector(
        `input[name="pain_regions"][value="${CSS.escape(region.dataset.region)}"]`);
      if (box) { box.checked = !box.checked; box.dispatchEvent(new Event("change", {bubbles: true})); }
    }
  });

  // The figure follows the boxes (and the boxes are what the form sends).
  document.addEventListener("change", (event) => {
    const box = event.target;
    if (box.name !== "pain_regions") return;
    const shape = document.querySelector(
      `.drawing.interactive [data-region="${CSS.escape(box.value)}"]`);
    if (shape) shape.classList.toggle("marked", box.checked);
  });

  // New point rows take the needle typed in "the needle for every point".
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "visit-points") return;
    const row = event.detail.target.lastElementChild;
    document.querySelectorAll("[data-needle-defaults] [data-default]").forEach((input) => {
      const field = row && row.querySelector(`[data-needle="${input.dataset.default}"]`);
      if (field && input.value && !field.value) field.value = input.value;
    });
    const search = document.querySelector("[data-point-search]");
    if (search) { search.value = ""; search.focus(); }
    document.getElementById("point-hits").innerHTML = "";
  });

  // A needle count or timer answered for the version this page holds: take the new one, so
  // that saving or signing next is not refused as stale.
  document.body.addEventListener("visit-version", (event) => {
    ["visit-version", "sign-version"].forEach((id) => {
      const input = document.getElementById(id);
      if (input) input.value = event.detail.version;
    });
  });

  // Enter in the point search adds the first suggestion instead of submitting the form.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !event.target.matches("[data-point-search]")) return;
    event.preventDefault();
    const first = document.querySelector("#point-hits [data-add-hit]");
    if (first) first.click();
  });

  // Retention countdowns: "Room 2: 4 min left", "3 min over". A countdown still running is
  // activity on the page (acuback/web/static/acuback/session.js): needles are in, so the
  // session is kept alive until the timer ends, never past it (a tablet left alone logs out).
  function tick() {
    const now = Date.now();
    let running = false;
    document.querySelectorAll("[data-ends-at]").forEach((el) => {
      const left = Math.round((Date.parse(el.dataset.endsAt) - now) / 1000);
      if (left > 0) running = true;
      const minutes = Math.ceil(Math.abs(left) / 60);
      const words = left >= 0 ? `${minutes} min left` : `${minutes} min over`;
      const room = el.dataset.room;
      const target = el.matches("[data-countdown]") ? el : el.querySelector("[data-countdown]");
      if (target) target.textContent = room ? `${room}: ${words}` : words;
      el.classList.toggle("over", left < 0);
    });
    if (running) document.dispatchEvent(new CustomEvent("acuback:activity"));
  }
  tick();
  setInterval(tick, 5000);
  document.addEventListener("htmx:afterSettle", tick);
})();
