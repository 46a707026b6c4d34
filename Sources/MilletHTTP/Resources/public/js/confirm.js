// Asks before a form does what cannot be undone (a cancellation, a refund, a revoked key):
// a form with data-confirm is sent only when the person agrees to its question.
document.addEventListener("submit", (event) => {
  const question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
}, true);
