// The session's idle limit, seen from the page (acuback/accounts/sessions.py).
// - Activity on the page (typing, choosing, a running timer that dispatches "acuback:activity")
//   extends the session: at most one keep-alive request a minute while something happens.
// - A few minutes before the limit a warning offers to stay logged in; another tab's activity
//   is checked first (a status request, which does not itself extend the session).
// - Once the limit has passed the warning says so: a form sent now is kept, not lost.
// No inline script anywhere (Content-Security-Policy): everything is read from data-attributes.
(function () {
  "use strict";
  var body = document.body;
  var expiresAt = Number(body.dataset.sessionExpires || 0) * 1000;
  if (!expiresAt) { return; }  // logged out: nothing to keep alive
  var warnMs = Number(body.dataset.sessionWarn || 300) * 1000;
  var refreshMs = Number(body.dataset.sessionRefresh || 60) * 1000;
  var keepAliveUrl = body.dataset.sessionKeepalive;
  var statusUrl = body.dataset.sessionStatus;
  var box = document.getElementById("session-warning");
  var text = box && box.querySelector("[data-session-text]");
  var stay = box && box.querySelector("[data-session-stay]");
  var active = false;
  var lastPing = Date.now();
  var lastSync = Date.now();
  var SYNC_MS = 5 * 60 * 1000;  // now and then, learn what other tabs did (a read, no write)

  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : body.dataset.csrf || "";
  }

  function update(answer) {
    if (answer && answer.expires_at) { expiresAt = answer.expires_at * 1000; }
    if (answer && answer.expired) { expiresAt = Date.now() - 1; }
    show();
  }

  function request(method, url) {
    return fetch(url, {method: method, credentials: "same-origin",
                       headers: {"X-CSRFToken": csrf(), "Accept": "application/json"}})
      .then(function (r) { return r.json(); }).then(update).catch(function () {});
  }

  function keepAlive() {
    lastPing = Date.now();
    active = false;
    return request("POST", keepAliveUrl);
  }

  function minutes(ms) {
    var m = Math.max(1, Math.ceil(ms / 60000));
    return m === 1 ? "1 minute" : m + " minutes";
  }

  function show() {
    if (!box) { return; }
    var left = expiresAt - Date.now();
    if (left > warnMs) { box.hidden = true; return; }
    box.hidden = false;
    if (left <= 0) {
      text.textContent = "Your session has ended. Anything you send now is kept: log in " +
        "again and you will be back on this page with it.";
      stay.hidden = true;
    } else {
      text.textContent = "Nothing has happened on this page for a while: you will be logged " +
        "out in " + minutes(left) + ".";
      stay.hidden = false;
    }
  }

  function markActive() { active = true; }
  ["input", "change", "keydown", "acuback:activity"].forEach(function (name) {
    document.addEventListener(name, markActive, true);
  });
  if (stay) { stay.addEventListener("click", keepAlive); }

  function sync() {
    lastSync = Date.now();
    return request("GET", statusUrl);
  }

  window.setInterval(function () {
    if (active && Date.now() - lastPing >= refreshMs) { keepAlive(); return; }
    var left = expiresAt - Date.now();
    if ((left <= warnMs && left > 0) || Date.now() - lastSync >= SYNC_MS) {
      sync();  // another tab may have kept the session alive, or ended it
    } else {
      show();
    }
  }, Math.min(15000, refreshMs));
  show();

  // For tests and for a timer on another page: acuback.session.keepAlive(), .expiresAt().
  window.acuback = window.acuback || {};
  window.acuback.session = {
    keepAlive: keepAlive,
    sync: sync,
    expiresAt: function () { return expiresAt; },
    check: function () { if (active) { return keepAlive(); } show(); return null; },
  };
}());
