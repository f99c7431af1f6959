// The uptime days of /status/ open as <details> without this script. With it, one day is open at a
// time, and Escape or a tap elsewhere closes it, as a reader expects of a pop-up.
const openDays = () => document.querySelectorAll(".bar details[open]");
document.addEventListener("toggle", (event) => {
  const day = event.target;
  if (day.open && day.matches(".bar details")) {
    for (const other of openDays()) if (other !== day) other.open = false;
  }
}, true);
document.addEventListener("keydown", (event) => {
  const day = event.key === "Escape" && document.querySelector(".bar details[open]");
  if (day) {
    day.open = false;
    day.querySelector("summary").focus();
  }
});
document.addEventListener("click", (event) => {
  for (const day of openDays()) if (!day.contains(event.target)) day.open = false;
});
