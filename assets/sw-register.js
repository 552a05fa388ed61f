// Registers the service worker (/sw.js, scope /). It only shows an offline page when a page
// cannot be loaded; it stores no health data (see sw.js).
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" }).catch(function () {
      // No offline page then; the app works the same.
    });
  });
})();
