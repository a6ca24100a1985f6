// Shop location: "I am at the shop now" fills the coordinates from the browser's
// geolocation; the merchant still saves the form (and can type them instead).
(() => {
  const form = document.querySelector("[data-shop-location]");
  if (!form || !navigator.geolocation) return;
  const button = form.querySelector("[data-here]");
  const status = form.querySelector("[data-here-status]");
  button.hidden = false;
  button.addEventListener("click", () => {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition((position) => {
      form.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(6);
      form.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(6);
      button.disabled = false;
      status.textContent = "";
    }, () => {
      button.disabled = false;
      status.textContent = status.dataset.failed;
    }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
