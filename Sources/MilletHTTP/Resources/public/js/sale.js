// The live sale page: figures from the server-sent-events stream, and the purchase token with its
// proof of work when the sale asks for one. Without this script the page still reserves and buys.
(function () {
  "use strict";
  var sale = document.getElementById("sale");
  if (!sale || !window.EventSource) return;
  var id = sale.dataset.sale;
  function show(el, visible) { if (el) el.hidden = !visible; }
  function text(elId, value) { var el = document.getElementById(elId); if (el) el.textContent = value; }
  function countdown(s) {
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
    return h + ":" + (m < 10 ? "0" : "") + m + ":" + (sec < 10 ? "0" : "") + sec;
  }
  var stream = new EventSource("/api/v1/flash-sales/" + id + "/events");
  stream.addEventListener("figures", function (event) {
    var f = JSON.parse(event.data);
    var state = f.soldOut ? "sold_out" : f.phase;
    sale.dataset.state = state;
    var label = document.getElementById("sale-state");
    label.textContent = sale.getAttribute("data-label-" + state);
    label.className = "sale-state state-" + state;
    text("countdown", countdown(f.secondsToStart));
    text("reservations", f.reservations);
    text("units", f.units);
    text("left", f.left);
    text("sold", f.sold);
    show(document.getElementById("countdown-box"), f.phase === "upcoming");
    show(document.getElementById("reserve-box"), f.phase === "upcoming");
    // After "try again" (a purchase still being decided elsewhere) the form stays while the sale is open.
    var buyBox = document.getElementById("buy-box");
    show(buyBox, state === "open" || (f.phase === "open" && buyBox && buyBox.dataset.retry === "1"));
    show(document.getElementById("comeback"), state === "open" || state === "sold_out");
    if (f.phase === "ended") stream.close();
  });

  // Leading zero bits of SHA-256(token + ":" + proof), as the server checks them.
  function zeroBits(bytes) {
    var n = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { n += 8; continue; }
      for (var b = 7; b >= 0 && !(bytes[i] >> b & 1); b--) n++;
      break;
    }
    return n;
  }
  async function solve(token, bits) {
    var encoder = new TextEncoder();
    for (var counter = 0; ; counter++) {
      var digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(token + ":" + counter)));
      if (zeroBits(digest) >= bits) return String(counter);
    }
  }
  var form = document.getElementById("buy-form");
  var bits = parseInt(sale.dataset.pow, 10) || 0;
  if (form && bits > 0 && window.crypto && crypto.subtle) {
    form.addEventListener("submit", async function (event) {
      if (form.dataset.ready) return;
      event.preventDefault();
      show(document.getElementById("working"), true);
      var response = await fetch("/sales/" + id + "/token", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": document.querySelector("meta[name=csrf-token]").content } });
      if (!response.ok) { form.dataset.ready = "1"; form.submit(); return; }
      var issued = await response.json();
      var token = document.getElementById("purchase-token"), proof = document.getElementById("proof-of-work");
      token.value = issued.token;
      proof.value = await solve(issued.token, issued.proofOfWorkBits);
      token.disabled = false;
      proof.disabled = false;
      form.dataset.ready = "1";
      form.submit();
    });
  }
})();
