// meldwijzer in the browser. Every page works without this file; with it:
// - fewer traces: a link inside the site replaces the page in the history
//   (location.replace), and a form is sent in the background and its answer
//   takes the place of the page (history.replaceState), so the whole visit is
//   one entry in the back button's list and no answer ever shows up in an address;
// - quick exit replaces that one entry with a neutral site (Escape twice too);
// - none of the above on the back office's pages (body class "team"), which keep the usual history;
// - the error summary gets the focus, its links move to the field;
// - the receipt page gets a copy button and asks before leaving while the code
//   is not marked as saved; the poster gets a print button.
// No inline script anywhere: the Content-Security-Policy forbids it.
(function () {
	"use strict";

	var busy = false;

	// The back office (/team/) is for staff on their own devices: its pages keep the browser's usual
	// history (a reload, Back to the case), and Escape is a key they use, not a way out. There only
	// the error summary and the copy and print buttons are this file's.
	function teamPage() {
		return document.body.classList.contains("team");
	}

	function exitLink() {
		return document.querySelector("[data-quick-exit]");
	}

	function leave(event) {
		var link = exitLink();
		if (event) {
			event.preventDefault();
		}
		document.body.hidden = true;
		document.title = "";
		window.location.replace(link ? link.href : "https://www.google.com/");
	}

	function sameOrigin(url) {
		return url.protocol === window.location.protocol && url.host === window.location.host;
	}

	// Moves the focus to an element of this page without a new history entry.
	function moveTo(id) {
		var target = document.getElementById(id);
		if (!target) {
			return;
		}
		if (!/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName) && !target.hasAttribute("tabindex")) {
			target.setAttribute("tabindex", "-1");
		}
		target.focus();
		target.scrollIntoView({ block: "center" });
	}

	// The receipt page: has the person marked the code as saved?
	function receiptUnsaved() {
		var saved = document.getElementById("saved");
		return Boolean(document.querySelector("[data-receipt]") && saved && !saved.checked);
	}

	function confirmLeavingReceipt(event) {
		if (!receiptUnsaved()) {
			return true;
		}
		var question = document.querySelector("[data-receipt]").getAttribute("data-leave-question");
		if (window.confirm(question)) {
			return true;
		}
		event.preventDefault();
		moveTo("receipt");
		return false;
	}

	// After a page was shown (loaded, or put in place of the old one).
	function ready(replaced) {
		var summary = document.getElementById("error-summary");
		var copy = document.querySelectorAll("[data-copy], [data-print]");
		for (var i = 0; i < copy.length; i++) {
			copy[i].hidden = false;
		}
		if (summary) {
			summary.focus();
		} else if (replaced) {
			var heading = document.querySelector("main h1");
			if (heading) {
				heading.setAttribute("tabindex", "-1");
				heading.focus();
			}
		}
	}

	// Puts a page that came back from a form in place of this one.
	function show(html, url) {
		var next = new DOMParser().parseFromString(html, "text/html");
		document.title = next.title;
		document.documentElement.lang = next.documentElement.lang;
		document.body.replaceWith(document.adoptNode(next.body));
		window.history.replaceState(null, "", url);
		window.scrollTo(0, 0);
		ready(true);
	}

	function formBody(form, submitter) {
		var data;
		try {
			data = new FormData(form, submitter || undefined);
		} catch (error) {
			data = new FormData(form);
			if (submitter && submitter.name) {
				data.append(submitter.name, submitter.value);
			}
		}
		var body = new URLSearchParams();
		data.forEach(function (value, key) {
			if (typeof value === "string") {
				body.append(key, value);
			}
		});
		return body;
	}

	document.addEventListener("click", function (event) {
		if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
			event.altKey || !event.target.closest) {
			return;
		}
		var copyButton = event.target.closest("[data-copy]");
		if (copyButton) {
			copyCode(copyButton);
			return;
		}
		if (event.target.closest("[data-print]")) {
			window.print();
			return;
		}
		var link = event.target.closest("a[href]");
		if (!link || teamPage()) {
			return;
		}
		if (link.hasAttribute("data-quick-exit")) {
			leave(event);
			return;
		}
		if (link.target || link.hasAttribute("download")) {
			return;
		}
		var url = new URL(link.href, window.location.href);
		if (!sameOrigin(url) || !/^https?:$/.test(url.protocol)) {
			return;
		}
		if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) {
			event.preventDefault();
			moveTo(decodeURIComponent(url.hash.slice(1)));
			return;
		}
		if (!confirmLeavingReceipt(event)) {
			return;
		}
		event.preventDefault();
		window.location.replace(url.href);
	});

	document.addEventListener("submit", function (event) {
		var form = event.target;
		if (event.defaultPrevented || teamPage() || form.hasAttribute("data-native") ||
			(form.getAttribute("method") || "").toLowerCase() !== "post") {
			return;
		}
		var action = new URL(form.action, window.location.href);
		if (!sameOrigin(action)) {
			return;
		}
		event.preventDefault();
		if (busy) {
			return; // sent once; a second press waits for the answer
		}
		busy = true;
		var body = formBody(form, event.submitter);
		window.fetch(action.href, { method: "POST", body: body, credentials: "same-origin", cache: "no-store" })
			.then(function (response) {
				var type = response.headers.get("Content-Type") || "";
				if (type.indexOf("text/html") !== 0) {
					throw new Error("not a page");
				}
				return response.text().then(function (html) {
					busy = false;
					show(html, action.pathname);
				});
			}, function () {
				// the request could not be made here (an older browser, a stricter policy): send it the plain way
				busy = false;
				form.setAttribute("data-native", "");
				HTMLFormElement.prototype.submit.call(form);
			})
			.catch(function () {
				busy = false;
			});
	});

	function copyCode(button) {
		var source = document.getElementById(button.getAttribute("data-copy"));
		var status = document.getElementById(button.getAttribute("data-status"));
		if (!source) {
			return;
		}
		var text = source.textContent.replace(/\s+/g, "");
		function done() {
			if (status) {
				status.textContent = button.getAttribute("data-copied");
			}
		}
		function byHand() {
			var range = document.createRange();
			range.selectNodeContents(source);
			var selection = window.getSelection();
			selection.removeAllRanges();
			selection.addRange(range);
			try {
				if (document.execCommand("copy")) {
					done();
				}
			} catch (error) {
				// the code stays selected: the person can copy it themselves
			}
		}
		if (navigator.clipboard && navigator.clipboard.writeText) {
			navigator.clipboard.writeText(text).then(done, byHand);
		} else {
			byHand();
		}
	}

	var lastEscape = 0;
	document.addEventListener("keydown", function (event) {
		if (event.key !== "Escape" || teamPage()) {
			return;
		}
		var now = Date.now();
		if (now - lastEscape < 800) {
			leave(event);
		}
		lastEscape = now;
	});

	if (document.readyState === "loading") {
		document.addEventListener("DOMContentLoaded", function () { ready(false); });
	} else {
		ready(false);
	}
}());
