/*
 * qr: QR codes (libqrencode) as inline SVG markup, for the printable poster.
 * Dark modules are drawn as one path of horizontal runs, with the standard
 * quiet zone of four modules.
 */
#ifndef MELDWIJZER_QR_H
#define MELDWIJZER_QR_H

#include "strbuf.h"

/* Appends an <svg> element encoding `text` (error correction M) with `label`
 * as its accessible name. Returns 0, or -1 when encoding or appending fails. */
__attribute__((warn_unused_result)) int qr_svg(struct strbuf *out, const char *text, const char *label);

#endif
