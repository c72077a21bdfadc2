/* purge_job_close: closes a case at a moment in the past, for tests/http/purge_job.test.mjs (which
 * compiles it against the library). The same case_set_status() call a coordinator's "close" makes
 * on the case page, only with `now` in the past, so that the case's destroy day (closing + [cases]
 * retention_months) has passed when the server starts.
 *
 * Usage: purge_job_close DB_URL KEY_PATH DATA_DIR REF CLOSED_AT (UTC seconds); exit 0 closed, 1 not. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "case.h"
#include "crypt.h"
#include "db.h"
#include "kb.h"
#include "report.h"
#include "staff.h"

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: purge_job_close DB_URL KEY_PATH DATA_DIR REF CLOSED_AT\n");
		return 1;
	}
	struct kb kb;
	struct kb_error kb_error;
	struct db *db = NULL;
	struct reporting reporting;
	char error[DB_ERROR_SIZE], report_error[REPORT_ERROR_SIZE];
	char *end;
	long long closed_at = strtoll(argv[5], &end, 10);
	if (*end || crypt_init() || kb_load(&kb, argv[3], &kb_error)) {
		fprintf(stderr, "purge_job_close: cannot start\n");
		return 1;
	}
	if (db_open(&db, argv[1], false, error) || reporting_open(&reporting, &kb, db, argv[2], report_error)) {
		fprintf(stderr, "purge_job_close: cannot open the database\n");
		return 1;
	}
	static const struct case_actor coordinator = {"test", STAFF_ROLE_COORDINATOR, 0};
	struct case_settings settings;
	case_settings_default(&settings);
	int status = case_set_status(&reporting, &settings, &coordinator, argv[4], "closed", "advice_given",
				     (int64_t)closed_at);
	if (status != CASE_OK)
		fprintf(stderr, "purge_job_close: case_set_status answered %d\n", status);
	reporting_close(&reporting);
	db_close(db);
	kb_release(&kb);
	return status == CASE_OK ? 0 : 1;
}
