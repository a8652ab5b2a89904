// Call mode, faster with the keyboard and never behind on an emergency (progressive
// enhancement: without JavaScript the page works by Tab, Space and arrows, and the emergency
// banner appears when the form is sent). Served from this site; no inline script.
//  - After each answer, ask the server (POST /call/level, the same rules engine) what the
//    answers so far call for, and show it at once: an emergency is a banner that cannot be missed.
//  - Digits 1-9 on a question choose that answer and go on to the next question.
//  - 0 on a question of a group (one step of the check) answers it and every question of the
//    group after it not yet answered with its first answer ("No": the nurse asked the group at
//    once), leaves a number blank (not known), and goes on to the next group.
//  - Enter never sends a half-filled call: it goes to the next question not yet answered (from
//    the patient reference: the first), and sends the call once every question is answered.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("call-form");
  var slot = document.getElementById("call-alert");
  if (!form || !slot) { return; }
  form.classList.add("js-keys");
  var questions = Array.prototype.slice.call(form.querySelectorAll("[data-question]"));

  function answered(question) {
    if (question.tagName === "INPUT") { return true; }  // a number may be left blank: not known
    return question.querySelector("input:checked") !== null;
  }
  function target(question) {
    if (question.tagName === "INPUT") { return question; }
    return question.querySelector("input:checked") || question.querySelector("input");
  }
  function questionOf(element) {
    return questions.filter(function (q) { return q === element || q.contains(element); })[0];
  }
  function goOn(from) {  // to the next question not yet answered after `from` (none: the top)
    var start = from ? questions.indexOf(from) : -1;
    var order = questions.slice(start + 1).concat(questions.slice(0, start + 1));
    var next = order.filter(function (q) { return !answered(q); })[0];
    if (next) { target(next).focus(); return true; }
    return false;
  }

  var pending = null;
  function refresh() {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var body = new FormData(form);
    fetch(slot.dataset.levelUrl, {method: "POST", body: body, credentials: "same-origin",
                                  signal: pending.signal})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null && slot.innerHTML.trim() !== html.trim()) { slot.innerHTML = html; }
      })
      .catch(function () { /* the banner still comes when the form is sent */ });
  }
  form.addEventListener("change", refresh);

  form.addEventListener("keydown", function (event) {
    var element = event.target;
    var question = questionOf(element);
    if (event.key === "Enter" && element.tagName === "INPUT" && !event.altKey && !event.ctrlKey) {
      event.preventDefault();
      if (questions.every(answered)) {
        form.requestSubmit(document.getElementById("show-result"));
      } else {
        goOn(question);
      }
      return;
    }
    var group = question && question.closest("[data-none-key]");
    if (event.key === "0" && group && element.type === "radio" &&
        !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      var rest = questions.slice(questions.indexOf(question)).filter(function (q) {
        return group.contains(q);
      });
      rest.forEach(function (q) {
        if (q.tagName === "INPUT" || (q !== question && answered(q))) { return; }  // kept as given
        q.querySelector("input[type=radio]").checked = true;
      });
      element.dispatchEvent(new Event("change", {bubbles: true}));
      var after = questions[questions.indexOf(rest[rest.length - 1]) + 1];
      (after ? target(after) : document.getElementById("show-result")).focus();
      return;
    }
    if (!question || element.type !== "radio" || !/^[1-9]$/.test(event.key) ||
        event.altKey || event.ctrlKey || event.metaKey) { return; }
    var radios = question.querySelectorAll("input[type=radio]");
    var chosen = radios[Number(event.key) - 1];
    if (!chosen) { return; }
    event.preventDefault();
    chosen.checked = true;
    chosen.dispatchEvent(new Event("change", {bubbles: true}));
    var next = questions[questions.indexOf(question) + 1];
    (next ? target(next) : document.getElementById("show-result")).focus();
  });
});
