/* cases_account: activates a staff account made by `meldwijzer user add`, for the HTTP tests of the
 * case pages (tests/http/cases.test.mjs compiles it against the library). It stands in for the
 * activation page (/team/activeren), which is not in this tree yet: the same staff_activate() call,
 * with a TOTP secret the test chose (base32) and the code of the step before now, so that the test's
 * login (oathtool, the current step) is not a replay.
 *
 * Usage: cases_account DB_URL NAME ACTIVATION_CODE PASSWORD TOTP_BASE32; exit 0 activated, 1 not. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>

#include "crypt.h"
#include "db.h"
#include "staff.h"
#include "totp.h"

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: cases_account DB_URL NAME ACTIVATION_CODE PASSWORD TOTP_BASE32\n");
		return 1;
	}
	struct db *db = NULL;
	char error[DB_ERROR_SIZE];
	if (crypt_init() || totp_init() || db_open(&db, argv[1], false, error)) {
		fprintf(stderr, "cases_account: cannot start: %s\n", db ? "" : error);
		return 1;
	}
	struct staff *staff = staff_new(db);
	unsigned char secret[TOTP_SECRET_BYTES];
	char code[TOTP_CODE_SIZE];
	int64_t now = (int64_t)time(NULL);
	struct staff_password_reason reason = {NULL, NULL};
	int status = -1;
	if (staff && totp_secret_from_base32(argv[5], secret) == 0 &&
	    totp_code_at(secret, sizeof secret, now - TOTP_STEP_SECONDS, 6, code) == 0)
		status = staff_activate(staff, argv[2], argv[3], argv[4], secret, code, now, &reason);
	if (status != STAFF_OK)
		fprintf(stderr, "cases_account: activation failed (%d)%s%s\n", status, reason.en ? ": " : "",
			reason.en ? reason.en : "");
	crypt_wipe(secret, sizeof secret);
	staff_free(staff);
	db_close(db);
	return status == STAFF_OK ? 0 : 1;
}
