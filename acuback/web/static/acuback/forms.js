// After a failed save the page opens with an error summary at the top of the form: move the
// focus there, so a keyboard or screen-reader user lands on what went wrong, and let each of
// its links put the focus in the field it names (not just scroll to it).
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    event.preventDefault();
    var field = target.matches("input, select, textarea") ? target
      : target.querySelector("input, select, textarea");
    (field || target).focus();
    target.scrollIntoView({block: "center"});
  });
}());
