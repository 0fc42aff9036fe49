// The phone menu (issue 15, point 5): a real button that Tab reaches and Enter or Space opens, telling screen
// readers whether the menu is open (aria-expanded); Escape closes it and gives the focus back to the button.
// Without this script the button stays hidden and the menu stays open (static/css/portal.css).
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) {
    return;
  }
  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.setAttribute("aria-label", open ? "收起菜单" : "展开菜单");
    menu.classList.toggle("open", open);
  }
  button.closest("nav").classList.add("menu-ready");
  button.hidden = false;
  setOpen(false);
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();
