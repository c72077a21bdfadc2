// Quick exit: leave at once for a neutral site, replacing this page in the
// history so that "back" does not return here. Without JavaScript the same
// control is a plain link. Escape pressed twice also leaves.
(function () {
	"use strict";
	var exitLink = document.querySelector("[data-quick-exit]");
	if (!exitLink) {
		return;
	}
	function leave(event) {
		if (event) {
			event.preventDefault();
		}
		document.body.hidden = true;
		window.location.replace(exitLink.href);
	}
	exitLink.addEventListener("click", leave);
	var lastEscape = 0;
	document.addEventListener("keydown", function (event) {
		if (event.key !== "Escape") {
			return;
		}
		var now = Date.now();
		if (now - lastEscape < 800) {
			leave(event);
		}
		lastEscape = now;
	});
}());
