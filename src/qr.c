#include "qr.h"

#include <qrencode.h>
#include <string.h>

#include "render.h"

#define QUIET_ZONE 4

int qr_svg(struct strbuf *out, const char *text, const char *label)
{
	QRcode *code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!code)
		return -1;
	int size = code->width + 2 * QUIET_ZONE;
	char header[160];
	int header_len = snprintf(header, sizeof header,
				  "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 %d %d\" "
				  "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"",
				  size, size);
	int status = strbuf_add(out, header, (size_t)header_len) ? -1 : 0;
	if (status == 0)
		status = render_escape_html(out, label, strlen(label));
	if (status == 0)
		status = strbuf_addstr(out, "\"><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/><path fill=\"#000000\" d=\"") ? -1 : 0;
	for (int y = 0; status == 0 && y < code->width; y++) {
		for (int x = 0; status == 0 && x < code->width;) {
			if (!(code->data[y * code->width + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < code->width && (code->data[y * code->width + x + run] & 1))
				run++;
			char step[48];
			int len = snprintf(step, sizeof step, "M%d %dh%dv1h-%dz", x + QUIET_ZONE, y + QUIET_ZONE, run, run);
			status = strbuf_add(out, step, (size_t)len) ? -1 : 0;
			x += run;
		}
	}
	if (status == 0)
		status = strbuf_addstr(out, "\"/></svg>") ? -1 : 0;
	QRcode_free(code);
	return status;
}
