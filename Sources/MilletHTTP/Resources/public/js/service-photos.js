// Sends the chosen photo as the request body (JPEG or PNG, at most 5 MB), as the API takes it,
// then shows the case again with the photo.
document.querySelectorAll("form[data-photo-upload]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = form.querySelector("input[type=file]").files[0];
    if (!file) return;
    fetch(form.action, { method: "POST", body: file, headers: { "Content-Type": file.type || "application/octet-stream", "X-CSRF-Token": form.querySelector("input[name=_csrf]").value }, credentials: "same-origin" })
      .then(function (response) {
        if (response.ok || response.redirected) { location.reload(); return; }
        form.insertAdjacentHTML("beforeend", '<p class="alert" role="alert" id="photo-error">' + response.status + "</p>");
      });
  });
});
