// Product page: the gallery's "2 / 5" counter and the share button.
(function () {
  "use strict";
  const track = document.querySelector(".gallery-track");
  const position = document.querySelector("[data-gallery-position]");
  if (track && position) {
    track.addEventListener("scroll", () => {
      const index = Math.round(track.scrollLeft / track.clientWidth);
      position.textContent = String(Math.abs(index) + 1);
    }, { passive: true });
  }

  const share = document.querySelector("[data-share]");
  if (share) {
    share.addEventListener("click", (event) => {
      const url = share.href;
      if (navigator.share) {
        event.preventDefault();
        navigator.share({ title: share.dataset.title, url: url }).catch(() => {});
      } else if (navigator.clipboard) {
        event.preventDefault();
        navigator.clipboard.writeText(url).then(() => {
          share.textContent = document.getElementById("shop-messages").dataset.copied;
        });
      }
    });
  }
})();
