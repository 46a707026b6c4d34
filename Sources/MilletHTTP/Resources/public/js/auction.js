// The live auction page: the price, the leader, the time left and the history follow the
// server-sent-events stream. Without this script the page still bids; it shows what it read.
(function () {
  "use strict";
  var page = document.getElementById("auction");
  if (!page) return;
  var id = page.dataset.auction, digits = parseInt(page.dataset.digits, 10) || 0, loadedAs = page.dataset.status;
  var left = document.getElementById("auction-left"), endsAt = Date.now() + 1000 * (parseInt(left.dataset.seconds, 10) || 0);
  function text(elId, value) { var el = document.getElementById(elId); if (el) el.textContent = value; }
  function money(minor) {
    try {
      return new Intl.NumberFormat(page.dataset.lang || undefined, { style: "currency", currency: page.dataset.currency,
        minimumFractionDigits: digits, maximumFractionDigits: digits }).format(minor / Math.pow(10, digits));
    } catch (e) { return page.dataset.currency + " " + (minor / Math.pow(10, digits)).toFixed(digits); }
  }
  // "Bidder 3" as the stream names it, in the page's words; its number.
  function number(name) { return (name || "").split(" ").pop(); }
  function bidder(name) { return page.dataset.bidder ? page.dataset.bidder.replace("{n}", number(name)) : name; }
  function tick() {
    var s = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    var d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60, sec = s % 60;
    left.textContent = (d > 0 ? d + " " + (page.dataset.days || "d") + " " : "") + h + ":" + (m < 10 ? "0" : "") + m + ":" + (sec < 10 ? "0" : "") + sec;
  }
  tick();
  setInterval(tick, 1000);
  if (!window.EventSource) return;
  var stream = new EventSource("/api/v1/auctions/" + id + "/events");
  // An event made before this page was (a node keeps one for a quarter second) is older than it.
  var lastBids = parseInt(document.getElementById("auction-bids").textContent, 10) || 0;
  stream.addEventListener("auction", function (event) {
    var a = JSON.parse(event.data);
    if (a.bids < lastBids) return;
    endsAt = Date.now() + 1000 * a.secondsLeft;
    tick();
    page.dataset.status = a.status;
    var status = document.getElementById("auction-status");
    status.textContent = page.getAttribute("data-label-" + a.status);
    status.className = "auction-status status-" + a.status;
    text("auction-price", money(a.price));
    if (a.leader) text("auction-leader", bidder(a.leader));
    // The end as the server wrote it, until a late bid moves it.
    if (Date.parse(a.endsAt) !== Date.parse(page.dataset.ends)) {
      page.dataset.ends = a.endsAt;
      // On the page's clock, written as the server writes it (LocaleFormat.dateTime).
      var at = new Date(Date.parse(a.endsAt) + Number(page.dataset.zoneOffset || 0) * 60000).toISOString();
      var day = document.documentElement.lang === "zh-Hans" ? at.slice(0, 10) : at.slice(8, 10) + "/" + at.slice(5, 7) + "/" + at.slice(0, 4);
      text("auction-ends", day + " " + at.slice(11, 16) + " " + (page.dataset.zoneLabel || "UTC"));
    }
    var input = document.getElementById("maximum");
    if (input) input.placeholder = (a.minimumBid / Math.pow(10, digits)).toFixed(digits);
    text("auction-bids", a.bids);
    text("auction-minimum", money(a.minimumBid));
    text("auction-reserve", page.getAttribute("data-reserve-" + a.reserve));
    var box = document.getElementById("bid-box");
    if (box) box.hidden = a.status !== "open";
    var you = page.dataset.you;
    if (you) {
      var closed = a.status === "closed", leads = !!a.leader && number(a.leader) === you;
      text("auction-standing", !closed ? (leads ? page.dataset.youLead : page.dataset.outbid)
        : a.reserve === "not_met" ? page.dataset.noSale : leads ? page.dataset.youWon : page.dataset.youLost);
    }
    if (a.status === "closed") text("auction-leader-label", page.dataset.winner);
    var starts = document.getElementById("auction-starts-box");
    if (starts) starts.hidden = a.status !== "scheduled";
    // The history is read again when a bid came in: it is the server's to word.
    if (a.bids !== lastBids) {
      fetch("/auctions/" + id, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("auction-history");
        var table = document.getElementById("auction-history");
        if (fresh && table) table.replaceWith(fresh);
      });
    }
    lastBids = a.bids;
    var sealed = document.getElementById("sealed-form");
    if (sealed) sealed.hidden = a.status !== "open";
    if (a.status === "closed") {
      stream.close();
      // A sealed-bid auction's result (and the winner's offer, a few seconds after the close)
      // is the server's to show: read the page again.
      if (page.dataset.format === "lowest_unique" && loadedAs !== "closed") setTimeout(function () { location.reload(); }, 9000);
    }
  });
})();
