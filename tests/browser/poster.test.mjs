// Issue 10, point 7: the poster. It refuses to print QR codes that lead to an unset, loopback or private
// address (a clear note on the screen instead); every number is large; printed, it fills one A4 page like
// the regional leaflet (112, the numbers with ESSM's hours, the online forms, the three forms, the codes).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { startServer } from "../support.mjs";
import { launch, axeClean, shoot, root } from "./helpers.mjs";

const output = path.join(root, "build", "browser");
let public_;   // https://meldwijzer.example (support.mjs)
let loopback;  // the default 127.0.0.1 address
let lan;       // a private address
let browser;

before(async () => {
  public_ = await startServer("[site]\noperator = ESSM\n");
  loopback = await startServer("public_base_url = http://127.0.0.1:8080\n");
  lan = await startServer("public_base_url = http://192.168.1.20:8080\n");
  browser = await launch();
});
after(async () => { await browser?.close(); for (const s of [public_, loopback, lan]) await s?.stop(); });

// The lowest row of the first PDF page with ink, as a share of the page height (pdftoppm's gray PGM).
function inkBottom(pdfFile) {
  const pgm = execFileSync("pdftoppm", ["-gray", "-r", "30", "-f", "1", "-l", "1", pdfFile]);
  const header = pgm.toString("latin1", 0, 40).match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = pgm.subarray(header[0].length);
  let bottom = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x] < 128) { bottom = y; break; }
    }
  }
  return bottom / height;
}

async function printPoster(page, where, name) {
  await page.goto(where);
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  const file = path.join(output, `issue10-poster-${name}.pdf`);
  writeFileSync(file, pdf);
  const pages = Number((execFileSync("pdfinfo", [file]).toString().match(/^Pages:\s+(\d+)/m) || [])[1]);
  return { file, pages };
}

test("printed, the poster fills one A4 page in Dutch and English, with every number large", async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1400 } });
  const page = await context.newPage();
  for (const prefix of ["", "/en"]) {
    const { file, pages } = await printPoster(page, `${public_.url}${prefix}/poster`, `public${prefix.replace("/", "-")}`);
    assert.equal(pages, 1, `${prefix}/poster prints on ${pages} pages`);
    const bottom = inkBottom(file);
    assert.ok(bottom > 0.9, `${prefix}/poster: the print reaches ${Math.round(bottom * 100)}% of the page`);
    execFileSync("pdftoppm", ["-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", file,
      path.join(output, "screenshots", `issue10-poster-print${prefix.replace("/", "-")}`)]);
    await page.emulateMedia({ media: "print" });
    const sizes = await page.evaluate(() => ({
      phones: [...document.querySelectorAll(".poster-phone")].map((e) => parseFloat(getComputedStyle(e).fontSize)),
      digits: parseFloat(getComputedStyle(document.querySelector(".poster-112-digits")).fontSize),
      body: parseFloat(getComputedStyle(document.querySelector(".poster-channel-text")).fontSize),
      hours: [...document.querySelectorAll(".poster-hours")].map((e) => e.textContent),
    }));
    assert.ok(sizes.phones.length >= 5);
    for (const size of sizes.phones) assert.ok(size >= 2 * sizes.body, `a number at ${size}px next to text at ${sizes.body}px`);
    assert.ok(sizes.digits >= 4 * sizes.body, "112 is the largest thing on the page");
    assert.ok(sizes.hours.some((h) => /08:30/.test(h)), "ESSM's hours next to its number");
    await page.emulateMedia({ media: null });
    assert.equal(await page.locator(".poster-refused").count(), 0);
    assert.equal(await page.locator("svg.qr").count(), 2);
  }
  await context.close();
});

test("the poster refuses QR codes to a loopback or private address, says why, and still prints", async () => {
  for (const [server, shown] of [[loopback, "http://127.0.0.1:8080"], [lan, "http://192.168.1.20:8080"]]) {
    const context = await browser.newContext({ viewport: { width: 1000, height: 1400 } });
    const page = await context.newPage();
    await page.goto(server.url + "/poster");
    assert.equal(await page.locator("svg.qr").count(), 0, "no QR code");
    const note = page.locator(".poster-refused");
    assert.equal(await note.isVisible(), true);
    assert.match(await note.textContent(), /Deze poster heeft geen QR-codes/);
    assert.ok((await note.textContent()).includes(shown), "the note shows the address that is set");
    assert.match(await note.textContent(), /public_base_url/);
    assert.doesNotMatch(await page.locator(".poster").textContent(), new RegExp(`${shown.replace(/[.]/g, "\\.")}/(signalen|wegwijzer|melden)`),
      "no address that does not work is printed");
    await axeClean(page, "poster without QR codes");
    const { file, pages } = await printPoster(page, server.url + "/poster", `refused-${server === lan ? "lan" : "loopback"}`);
    assert.equal(pages, 1);
    let decoded;
    execFileSync("pdftoppm", ["-png", "-r", "100", "-singlefile", file, file.replace(/\.pdf$/, "")]);
    try {
      decoded = execFileSync("zbarimg", ["--quiet", "--raw", file.replace(/\.pdf$/, ".png")], { stdio: "pipe" }).toString();
    } catch { decoded = ""; } /* zbarimg exits non-zero when it finds no code */
    assert.equal(decoded, "", "the printed page holds no QR code");
    await page.setViewportSize({ width: 375, height: 800 });
    await shoot(page, `poster-refused${server === lan ? "-lan" : ""}`);
    await context.close();
  }
});

test("with JavaScript the poster has a print button; the screen version is axe clean", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const prefix of ["", "/en"]) {
    await page.goto(`${public_.url}${prefix}/poster`);
    assert.equal(await page.locator("[data-print]").isVisible(), true);
    await axeClean(page, `${prefix}/poster`);
  }
  await shoot(page, "poster-en");
  await context.close();
});
