// The decision form of a step (templates/pages/step.html): the "return to" choice is needed,
// and enabled, only when the outcome "return" is chosen. A file of its own, not an inline
// script, so that the Content-Security-Policy needs no 'unsafe-inline' (api/middleware.py).
(function () {
  var form = document.getElementById("decision-form");
  var target = document.getElementById("return_to");
  if (!form || !target) { return; }
  function sync() {
    var chosen = form.querySelector('input[name="outcome"]:checked');
    var back = chosen && chosen.value === "return";
    target.disabled = !back;
    target.required = !!back;
  }
  form.addEventListener("change", sync);
  sync();
})();
