// Reloads the page after the delay an element asks for (data-reload-after, in milliseconds):
// the order page while the payment is being captured.
document.querySelectorAll("[data-reload-after]").forEach(function (element) {
  setTimeout(function () { location.reload(); }, Number(element.dataset.reloadAfter) || 1500);
});
