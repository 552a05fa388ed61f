// <html lang> from the language cookie (mes_lang), before anything is read: Reflex writes
// html_lang once at build time, and a screen reader must pronounce English pages as English.
(function () {
  var found = document.cookie.match(/(?:^|;\s*)mes_lang=("?)(en|fr)\1(?:;|$)/);
  document.documentElement.lang = found ? found[2] : "fr";
})();
