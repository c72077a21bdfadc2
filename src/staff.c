#define _POSIX_C_SOURCE 200809L
#include "staff.h"

#include <pthread.h>
#include <pwquality.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "totp.h"

/* ---------- roles and names ---------- */

static const char *const role_names[] = {"caseworker", "coordinator", "analyst", "admin"};

bool staff_role_from_name(const char *name, unsigned *role)
{
	for (unsigned i = 0; i < sizeof role_names / sizeof *role_names; i++) {
		if (name && strcmp(name, role_names[i]) == 0) {
			*role = 1u << i;
			return true;
		}
	}
	return false;
}

const char *staff_role_name(unsigned role)
{
	for (unsigned i = 0; i < sizeof role_names / sizeof *role_names; i++) {
		if (role == 1u << i)
			return role_names[i];
	}
	return NULL;
}

void staff_roles_text(unsigned roles, char out[STAFF_ROLES_TEXT_SIZE])
{
	size_t used = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < sizeof role_names / sizeof *role_names; i++) {
		if (!(roles & (1u << i)))
			continue;
		int written = snprintf(out + used, STAFF_ROLES_TEXT_SIZE - used, "%s%s", used ? "," : "", role_names[i]);
		if (written < 0 || (size_t)written >= STAFF_ROLES_TEXT_SIZE - used)
			return; /* cannot happen: the size holds all four */
		used += (size_t)written;
	}
}

bool staff_name_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;
	if (len == 0 || len >= DB_STAFF_NAME_SIZE || name[0] < 'a' || name[0] > 'z')
		return false;
	/* plain names only: they appear in the audit log, in URLs and in commands */
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* ---------- password quality ---------- */

/* cracklib, under libpwquality, is not known to be thread-safe */
static pthread_mutex_t pwquality_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct {
	int code;
	struct staff_password_reason reason;
} password_reasons[] = {
	{PWQ_ERROR_MIN_LENGTH,
	 {"Het wachtwoord is te kort: gebruik minstens 12 tekens (een zin van een paar woorden werkt goed).",
	  "The password is too short: use at least 12 characters (a sentence of a few words works well)."}},
	{PWQ_ERROR_CRACKLIB_CHECK,
	 {"Het wachtwoord staat in een woordenboek of lijkt te veel op een bekend woord of patroon. Kies iets dat "
	  "niet te raden is, bijvoorbeeld een zin van vier of meer woorden.",
	  "The password is in a dictionary or too close to a known word or pattern. Choose something that cannot be "
	  "guessed, for example a sentence of four or more words."}},
	{PWQ_ERROR_USER_CHECK,
	 {"Het wachtwoord bevat je gebruikersnaam. Kies een wachtwoord zonder je naam.",
	  "The password contains your user name. Choose a password without your name."}},
	{PWQ_ERROR_PALINDROME,
	 {"Het wachtwoord is hetzelfde van voren en van achteren. Kies een ander wachtwoord.",
	  "The password reads the same backwards. Choose another password."}},
	{PWQ_ERROR_MAX_CONSECUTIVE,
	 {"Het wachtwoord herhaalt hetzelfde teken te vaak achter elkaar.",
	  "The password repeats the same character too often in a row."}},
	{PWQ_ERROR_MAX_SEQUENCE,
	 {"Het wachtwoord bevat een te lange reeks zoals 'abcd' of '1234'.",
	  "The password contains a run that is too long, such as 'abcd' or '1234'."}},
	{PWQ_ERROR_EMPTY_PASSWORD, {"Vul een wachtwoord in.", "Enter a password."}},
};

static const struct staff_password_reason too_long = {
	"Het wachtwoord is te lang: gebruik hoogstens 256 tekens.",
	"The password is too long: use at most 256 characters.",
};
static const struct staff_password_reason refused_otherwise = {
	"Dit wachtwoord is te makkelijk te raden. Kies een langer wachtwoord, bijvoorbeeld een zin van vier of meer "
	"woorden.",
	"This password is too easy to guess. Choose a longer one, for example a sentence of four or more words.",
};

int staff_check_password(const char *name, const char *password, struct staff_password_reason *reason)
{
	size_t len = password ? strlen(password) : 0;
	if (len > STAFF_PASSWORD_MAX) {
		*reason = too_long;
		return 1;
	}
	pwquality_settings_t *settings = pwquality_default_settings();
	if (!settings)
		return -1;
	int status = -1;
	/* length and the dictionary, as NCSC advises: no rules about character
	 * classes, which make passwords harder to remember, not to guess. No
	 * max-repeat rule: libpwquality 1.4.5 reads uninitialised memory in it
	 * (valgrind), and cracklib refuses "aaaa..." as too simple anyway. */
	if (pwquality_set_int_value(settings, PWQ_SETTING_MIN_LENGTH, STAFF_PASSWORD_MIN) ||
	    pwquality_set_int_value(settings, PWQ_SETTING_DIG_CREDIT, 0) ||
	    pwquality_set_int_value(settings, PWQ_SETTING_UP_CREDIT, 0) ||
	    pwquality_set_int_value(settings, PWQ_SETTING_LOW_CREDIT, 0) ||
	    pwquality_set_int_value(settings, PWQ_SETTING_OTH_CREDIT, 0) ||
	    pwquality_set_int_value(settings, PWQ_SETTING_MIN_CLASS, 0) ||
	    pwquality_set_int_value(settings, PWQ_SETTING_MAX_SEQUENCE, 4) ||
	    pwquality_set_int_value(settings, PWQ_SETTING_DICT_CHECK, 1) ||
	    pwquality_set_int_value(settings, PWQ_SETTING_USER_CHECK, 1))
		goto done;
	void *auxerror = NULL;
	pthread_mutex_lock(&pwquality_lock);
	int score = pwquality_check(settings, len ? password : "", NULL, name, &auxerror);
	pthread_mutex_unlock(&pwquality_lock);
	if (score >= 0) {
		status = 0;
		goto done;
	}
	if (score == PWQ_ERROR_MEM_ALLOC || score == PWQ_ERROR_FATAL_FAILURE)
		goto done;
	*reason = refused_otherwise;
	for (size_t i = 0; i < sizeof password_reasons / sizeof *password_reasons; i++) {
		if (password_reasons[i].code == score)
			*reason = password_reasons[i].reason;
	}
	status = 1;
done:
	pwquality_free_settings(settings);
	return status;
}

/* ---------- failure counts ---------- */

#define THROTTLE_SLOTS 2048
#define THROTTLE_NAME_FREE 5     /* failures per name before waits begin */
#define THROTTLE_CLIENT_FREE 20  /* per client: an office behind one address */
#define THROTTLE_LONGEST 900     /* seconds */
#define THROTTLE_FORGET 3600     /* a count an hour old starts again */
#define THROTTLE_KEY_SIZE DB_STAFF_NAME_SIZE

struct throttle_slot {
	unsigned char key[THROTTLE_KEY_SIZE]; /* a name, or the first half of a client tag */
	size_t key_len;                       /* 0: empty */
	bool client;
	unsigned failures;
	int64_t last_failure;
};

struct staff {
	struct db *db;
	pthread_mutex_t lock;
	struct throttle_slot slots[THROTTLE_SLOTS];
};

struct staff *staff_new(struct db *db)
{
	if (totp_init() != 0)
		return NULL;
	struct staff *staff = calloc(1, sizeof *staff);
	if (!staff)
		return NULL;
	if (pthread_mutex_init(&staff->lock, NULL) != 0) {
		free(staff);
		return NULL;
	}
	staff->db = db;
	return staff;
}

void staff_free(struct staff *staff)
{
	if (!staff)
		return;
	pthread_mutex_destroy(&staff->lock);
	free(staff);
}

/* The slot for a key, or NULL; a slot whose count is forgotten is emptied. Lock held. */
static struct throttle_slot *find_slot(struct staff *staff, bool client, const void *key, size_t len, int64_t now)
{
	for (size_t i = 0; i < THROTTLE_SLOTS; i++) {
		struct throttle_slot *slot = &staff->slots[i];
		if (slot->key_len != len || slot->client != client || memcmp(slot->key, key, len) != 0)
			continue;
		if (now - slot->last_failure >= THROTTLE_FORGET) {
			memset(slot, 0, sizeof *slot);
			return NULL;
		}
		return slot;
	}
	return NULL;
}

/* A client's slot under this hour's tag or last hour's (the salt changes every hour). */
static struct throttle_slot *find_client(struct staff *staff, const unsigned char *tag, int64_t now)
{
	struct throttle_slot *slot = find_slot(staff, true, tag, CRYPT_CLIENT_TAG_BYTES / 2, now);
	if (!slot)
		slot = find_slot(staff, true, tag + CRYPT_CLIENT_TAG_BYTES / 2, CRYPT_CLIENT_TAG_BYTES / 2, now);
	if (slot)
		memcpy(slot->key, tag, CRYPT_CLIENT_TAG_BYTES / 2); /* known under this hour's tag from now on */
	return slot;
}

static unsigned wait_of(const struct throttle_slot *slot, unsigned free_failures, int64_t now)
{
	if (!slot || slot->failures < free_failures)
		return 0;
	unsigned over = slot->failures - free_failures;
	int64_t wait = over >= 4 ? THROTTLE_LONGEST : (int64_t)60 << over;
	int64_t until = slot->last_failure + wait;
	return until > now ? (unsigned)(until - now) : 0;
}

/* Seconds to wait before this name and client may try again (0: now). */
static unsigned throttle_wait(struct staff *staff, const char *name, const unsigned char *tag, int64_t now)
{
	size_t len = strnlen(name, THROTTLE_KEY_SIZE);
	pthread_mutex_lock(&staff->lock);
	unsigned by_name = len < THROTTLE_KEY_SIZE ? wait_of(find_slot(staff, false, name, len, now), THROTTLE_NAME_FREE, now) : 0;
	unsigned by_client = tag ? wait_of(find_client(staff, tag, now), THROTTLE_CLIENT_FREE, now) : 0;
	pthread_mutex_unlock(&staff->lock);
	return by_name > by_client ? by_name : by_client;
}

/* A slot to count in: the key's own, else an empty one, else the one whose
 * last failure is oldest (a full table forgets the stalest count). Lock held. */
static struct throttle_slot *slot_for(struct staff *staff, bool client, const void *key, size_t len, int64_t now)
{
	struct throttle_slot *slot = client ? find_client(staff, key, now) : find_slot(staff, false, key, len, now);
	if (slot)
		return slot;
	struct throttle_slot *oldest = &staff->slots[0];
	for (size_t i = 0; i < THROTTLE_SLOTS; i++) {
		if (staff->slots[i].key_len == 0) {
			oldest = &staff->slots[i];
			break;
		}
		if (staff->slots[i].last_failure < oldest->last_failure)
			oldest = &staff->slots[i];
	}
	memset(oldest, 0, sizeof *oldest);
	memcpy(oldest->key, key, len);
	oldest->key_len = len;
	oldest->client = client;
	return oldest;
}

static void count_failure(struct staff *staff, const char *name, const unsigned char *tag, int64_t now)
{
	size_t len = strnlen(name, THROTTLE_KEY_SIZE);
	pthread_mutex_lock(&staff->lock);
	/* a name longer than any account's is not counted: no account has it */
	if (len > 0 && len < THROTTLE_KEY_SIZE) {
		struct throttle_slot *slot = slot_for(staff, false, name, len, now);
		slot->failures++;
		slot->last_failure = now;
	}
	if (tag) {
		struct throttle_slot *slot = slot_for(staff, true, tag, CRYPT_CLIENT_TAG_BYTES / 2, now);
		slot->failures++;
		slot->last_failure = now;
	}
	pthread_mutex_unlock(&staff->lock);
}

static void clear_failures(struct staff *staff, const char *name, int64_t now)
{
	pthread_mutex_lock(&staff->lock);
	struct throttle_slot *slot = find_slot(staff, false, name, strnlen(name, THROTTLE_KEY_SIZE), now);
	if (slot)
		memset(slot, 0, sizeof *slot);
	pthread_mutex_unlock(&staff->lock);
}

/* ---------- keys of an account ---------- */

/* The wrapping contexts name the account, so a box copied to another row
 * does not open there. */
static void context_for(char *out, size_t size, const char *name, const char *what)
{
	snprintf(out, size, "staff:%s:%s", name, what);
}

#define CONTEXT_SIZE (DB_STAFF_NAME_SIZE + 16)

/* The account's key from `secret` (canonical activation code or password), with its salt and cost. */
static int account_key(const struct db_staff_account *account, const char *secret, unsigned char key[CRYPT_KEY_BYTES])
{
	return crypt_slow_key(secret, strlen(secret), account->salt, account->kdf_opslimit, account->kdf_memlimit, key);
}

/* Makes `account` pending with a new activation code: a new salt, the
 * current cost, the code's verifier, the team secret wrapped by the code's
 * key for content roles; no TOTP. `key` is scratch memory (guarded). */
static int make_pending(struct db_staff_account *account, const unsigned char *team_secret, int64_t now,
			char code[CRYPT_ACTIVATION_TEXT_SIZE], unsigned char *key)
{
	char canonical[CRYPT_ACTIVATION_CHARS + 1], context[CONTEXT_SIZE];
	int status = -1;
	crypt_new_activation_code(code);
	if (!crypt_normalize_activation_code(code, canonical))
		goto done;
	snprintf(account->state, sizeof account->state, "pending");
	account->activation_expires = now + STAFF_ACTIVATION_SECONDS;
	crypt_random(account->salt, sizeof account->salt);
	crypt_slow_key_cost(&account->kdf_opslimit, &account->kdf_memlimit);
	if (account_key(account, canonical, key))
		goto done;
	crypt_key_verifier(key, account->verifier);
	account->has_team_secret = (account->roles & STAFF_CONTENT_ROLES) != 0;
	context_for(context, sizeof context, account->name, "team");
	if (account->has_team_secret && crypt_wrap(key, context, team_secret, CRYPT_KEY_BYTES, account->team_secret))
		goto done;
	account->has_totp = false;
	memset(account->totp, 0, sizeof account->totp);
	status = 0;
done:
	crypt_wipe(canonical, sizeof canonical);
	if (status)
		crypt_wipe(code, CRYPT_ACTIVATION_TEXT_SIZE);
	return status;
}

int staff_create(struct staff *staff, const char *actor, const char *name, unsigned roles,
		 const unsigned char *team_secret, int64_t now, char code[CRYPT_ACTIVATION_TEXT_SIZE])
{
	if (!staff_name_valid(name))
		return STAFF_BAD_NAME;
	if (roles == 0 || (roles & ~STAFF_ROLES_ALL))
		return STAFF_NO_ROLES;
	if ((roles & STAFF_CONTENT_ROLES) && !team_secret)
		return STAFF_NEEDS_TEAM_SECRET;
	struct db_staff_account account;
	memset(&account, 0, sizeof account);
	snprintf(account.name, sizeof account.name, "%s", name);
	account.roles = roles;
	account.created_at = now;
	unsigned char *key = crypt_secure_alloc(CRYPT_KEY_BYTES);
	int status = -1;
	if (!key || make_pending(&account, team_secret, now, code, key))
		goto done;
	int stored = db_staff_insert(staff->db, &account);
	if (stored == 1)
		status = STAFF_NAME_TAKEN;
	else if (stored == 0)
		status = audit_append(staff->db, now, actor, "account_created", name) ? -1 : STAFF_OK;
done:
	if (status != STAFF_OK)
		crypt_wipe(code, CRYPT_ACTIVATION_TEXT_SIZE);
	crypt_secure_free(key);
	return status;
}

/* Secrets handled during an activation or a login, in one guarded block. */
struct secrets {
	unsigned char code_key[CRYPT_KEY_BYTES];
	unsigned char password_key[CRYPT_KEY_BYTES];
	unsigned char team_secret[CRYPT_KEY_BYTES];
	unsigned char totp[DB_STAFF_TOTP_BYTES];
	unsigned char session_key[CRYPT_KEY_BYTES];
	char canonical[CRYPT_ACTIVATION_CHARS + 1];
};

int staff_activate(struct staff *staff, const char *name, const char *code, const char *password,
		   const unsigned char *totp_secret, const char *totp_code, int64_t now,
		   struct staff_password_reason *reason)
{
	struct db_staff_account account;
	char context[CONTEXT_SIZE];
	int64_t step = 0;
	if (!staff_name_valid(name) || !code || !totp_secret)
		return STAFF_BAD_ACTIVATION;
	int quality = staff_check_password(name, password, reason);
	if (quality != 0)
		return quality < 0 ? -1 : STAFF_WEAK_PASSWORD;
	/* the enrolment is checked before the code: it tells nothing about the account */
	int fits = totp_check(totp_secret, TOTP_SECRET_BYTES, totp_code, now, 0, &step);
	if (fits != 1)
		return fits < 0 ? -1 : STAFF_BAD_TOTP;
	struct secrets *s = crypt_secure_alloc(sizeof *s);
	if (!s)
		return -1;
	int status = STAFF_BAD_ACTIVATION;
	if (!crypt_normalize_activation_code(code, s->canonical))
		goto done;
	int found = db_staff_get(staff->db, name, &account);
	if (found < 0) {
		status = -1;
		goto done;
	}
	bool usable = found == 0 && strcmp(account.state, "pending") == 0 && now < account.activation_expires;
	if (!usable) {
		/* the same argon2id work as for a pending account: the time taken
		 * does not tell which names exist */
		memset(&account, 0, sizeof account);
		crypt_random(account.salt, sizeof account.salt);
		crypt_slow_key_cost(&account.kdf_opslimit, &account.kdf_memlimit);
	}
	status = -1;
	if (account_key(&account, s->canonical, s->code_key))
		goto done;
	status = STAFF_BAD_ACTIVATION;
	if (!usable || !crypt_key_matches(s->code_key, account.verifier))
		goto done;
	context_for(context, sizeof context, account.name, "team");
	if (account.has_team_secret &&
	    crypt_unwrap(s->code_key, context, account.team_secret, CRYPT_WRAPPED_KEY_BYTES, s->team_secret))
		goto done;
	/* from here on the account's key is the password's */
	status = -1;
	crypt_random(account.salt, sizeof account.salt);
	crypt_slow_key_cost(&account.kdf_opslimit, &account.kdf_memlimit);
	if (account_key(&account, password, s->password_key))
		goto done;
	crypt_key_verifier(s->password_key, account.verifier);
	if (account.has_team_secret &&
	    crypt_wrap(s->password_key, context, s->team_secret, CRYPT_KEY_BYTES, account.team_secret))
		goto done;
	context_for(context, sizeof context, account.name, "totp");
	if (crypt_wrap(s->password_key, context, totp_secret, TOTP_SECRET_BYTES, account.totp))
		goto done;
	account.has_totp = true;
	snprintf(account.state, sizeof account.state, "active");
	account.activation_expires = 0;
	int written = db_staff_update(staff->db, &account);
	if (written != 0) {
		/* 1: activated (or reset) by another request meanwhile: this code is spent */
		status = written < 0 ? -1 : STAFF_BAD_ACTIVATION;
		goto done;
	}
	/* the enrolment code may not log in as well; 1 (an older reset left a
	 * later step) keeps that later step, which guards as well */
	if (db_staff_use_totp_step(staff->db, account.id, step) < 0 ||
	    audit_append(staff->db, now, account.name, "account_activated", account.name))
		goto done;
	status = STAFF_OK;
done:
	crypt_secure_free(s);
	return status;
}

/* Stores a new session for `account` and gives its token. */
static int open_session(struct staff *staff, const struct db_staff_account *account, const unsigned char *team_secret,
			int64_t now, char token[CRYPT_TOKEN_SIZE], unsigned char session_key[CRYPT_KEY_BYTES])
{
	struct db_staff_session session;
	memset(&session, 0, sizeof session);
	crypt_token_new(token);
	session.account_id = account->id;
	session.created_at = now;
	session.last_seen = now;
	session.has_team_secret = team_secret != NULL;
	if (crypt_session_lookup(token, session.lookup) || crypt_session_key(token, session_key) ||
	    (team_secret && crypt_wrap(session_key, "session:team", team_secret, CRYPT_KEY_BYTES, session.team_secret)) ||
	    db_staff_session_insert(staff->db, &session)) {
		crypt_wipe(token, CRYPT_TOKEN_SIZE);
		return -1;
	}
	return 0;
}

int staff_login(struct staff *staff, const char *name, const char *password, const char *totp_code,
		const unsigned char *client_tag, int64_t now, char token[CRYPT_TOKEN_SIZE], unsigned *retry_after)
{
	struct db_staff_account account;
	char context[CONTEXT_SIZE];
	*retry_after = 0;
	token[0] = '\0';
	if (!name || !password || !totp_code)
		return STAFF_LOGIN_FAILED;
	unsigned wait = throttle_wait(staff, name, client_tag, now);
	if (wait) {
		*retry_after = wait;
		return STAFF_THROTTLED;
	}
	struct secrets *s = crypt_secure_alloc(sizeof *s);
	if (!s)
		return -1;
	int status = -1;
	int found = staff_name_valid(name) ? db_staff_get(staff->db, name, &account) : 1;
	if (found < 0)
		goto done;
	bool usable = found == 0 && strcmp(account.state, "active") == 0 && account.has_totp &&
		      strlen(password) <= STAFF_PASSWORD_MAX;
	char known_name[DB_STAFF_NAME_SIZE];
	snprintf(known_name, sizeof known_name, "%s", found == 0 ? account.name : "-");
	if (!usable) {
		/* the same argon2id work as for a real account: the time taken does
		 * not tell whether the name exists */
		memset(&account, 0, sizeof account);
		crypt_random(account.salt, sizeof account.salt);
		crypt_slow_key_cost(&account.kdf_opslimit, &account.kdf_memlimit);
	}
	if (account_key(&account, usable ? password : "-", s->password_key))
		goto done;
	bool ok = usable && crypt_key_matches(s->password_key, account.verifier);
	context_for(context, sizeof context, account.name, "totp");
	ok = ok && crypt_unwrap(s->password_key, context, account.totp, sizeof account.totp, s->totp) == 0;
	int64_t step = 0;
	if (ok) {
		int checked = totp_check(s->totp, DB_STAFF_TOTP_BYTES, totp_code, now, account.totp_last_step, &step);
		if (checked < 0)
			goto done;
		ok = checked == 1;
	}
	if (ok) {
		/* the replay guard, across servers: of two logins with one code, one wins */
		int used = db_staff_use_totp_step(staff->db, account.id, step);
		if (used < 0)
			goto done;
		ok = used == 0;
	}
	context_for(context, sizeof context, account.name, "team");
	bool with_secret = ok && account.has_team_secret && (account.roles & STAFF_CONTENT_ROLES);
	if (with_secret &&
	    crypt_unwrap(s->password_key, context, account.team_secret, CRYPT_WRAPPED_KEY_BYTES, s->team_secret))
		goto done; /* the password fitted but the box does not open: damaged, not a wrong login */
	if (!ok) {
		count_failure(staff, name, client_tag, now);
		/* a typed name that is no account is not written down: it may be a password typed in the wrong field */
		status = audit_append(staff->db, now, known_name, "login_failed", "-")
				 ? -1
				 : STAFF_LOGIN_FAILED;
		goto done;
	}
	/* on record before the session exists: no login goes unlogged */
	if (audit_append(staff->db, now, account.name, "login", "-") ||
	    open_session(staff, &account, with_secret ? s->team_secret : NULL, now, token, s->session_key))
		goto done;
	clear_failures(staff, name, now);
	status = STAFF_OK;
done:
	crypt_secure_free(s);
	return status;
}

/* ---------- sessions ---------- */

int staff_session_find(struct staff *staff, const char *token, int64_t now, struct staff_session *out)
{
	struct db_staff_session session;
	struct db_staff_account account;
	unsigned char lookup[CRYPT_KEY_BYTES];
	memset(out, 0, sizeof *out);
	if (crypt_session_lookup(token, lookup))
		return 1;
	int found = db_staff_session_get(staff->db, lookup, &session);
	if (found != 0)
		return found;
	bool expired = now - session.last_seen >= STAFF_IDLE_SECONDS || now - session.created_at >= STAFF_ABSOLUTE_SECONDS;
	if (!expired) {
		found = db_staff_get_by_id(staff->db, session.account_id, &account);
		if (found < 0)
			return -1;
		expired = found == 1 || strcmp(account.state, "active") != 0;
	}
	if (expired)
		return db_staff_session_delete(staff->db, lookup) ? -1 : 1;
	out->account_id = account.id;
	snprintf(out->name, sizeof out->name, "%s", account.name);
	out->roles = account.roles;
	out->created_at = session.created_at;
	out->last_seen = session.last_seen;
	if (crypt_session_csrf(token, out->csrf))
		return -1;
	/* the roles of now, not of the login: a content role taken away takes the secret with it */
	if (session.has_team_secret && (account.roles & STAFF_CONTENT_ROLES)) {
		unsigned char *key = crypt_secure_alloc(CRYPT_KEY_BYTES);
		out->team_secret = crypt_secure_alloc(CRYPT_KEY_BYTES);
		int opened = key && out->team_secret && crypt_session_key(token, key) == 0 &&
				     crypt_unwrap(key, "session:team", session.team_secret, CRYPT_WRAPPED_KEY_BYTES,
						  out->team_secret) == 0
			     ? 0
			     : -1;
		crypt_secure_free(key);
		if (opened) {
			staff_session_release(out);
			return -1;
		}
	}
	return 0;
}

void staff_session_release(struct staff_session *session)
{
	crypt_secure_free(session->team_secret); /* wipes */
	session->team_secret = NULL;
	crypt_wipe(session->csrf, sizeof session->csrf);
}

int staff_session_touch(struct staff *staff, const char *token, int64_t now)
{
	unsigned char lookup[CRYPT_KEY_BYTES];
	if (crypt_session_lookup(token, lookup))
		return 1;
	return db_staff_session_touch(staff->db, lookup, now);
}

int staff_session_end(struct staff *staff, const char *token, int64_t now)
{
	struct db_staff_session session;
	struct db_staff_account account;
	unsigned char lookup[CRYPT_KEY_BYTES];
	if (crypt_session_lookup(token, lookup))
		return 0;
	int found = db_staff_session_get(staff->db, lookup, &session);
	if (found < 0 || (found == 0 && db_staff_session_delete(staff->db, lookup)))
		return -1;
	if (found == 1)
		return 0;
	int known = db_staff_get_by_id(staff->db, session.account_id, &account);
	if (known < 0)
		return -1;
	return audit_append(staff->db, now, known == 0 ? account.name : "-", "logout", "-") ? -1 : 0;
}

bool staff_session_csrf_valid(const struct staff_session *session, const char *typed)
{
	return crypt_token_equal(session->csrf, typed);
}

/* ---------- admin actions ---------- */

int staff_disable(struct staff *staff, const char *actor, const char *name, int64_t now)
{
	struct db_staff_account account;
	for (;;) {
		int found = staff_name_valid(name) ? db_staff_get(staff->db, name, &account) : 1;
		if (found != 0)
			return found < 0 ? -1 : STAFF_NOT_FOUND;
		snprintf(account.state, sizeof account.state, "disabled");
		/* its sessions go in the same transaction: nothing works from the next request on */
		int written = db_staff_update(staff->db, &account);
		if (written < 0)
			return -1;
		if (written == 0)
			break;
		/* 1: changed meanwhile; read it again */
	}
	return audit_append(staff->db, now, actor, "account_disabled", name) ? -1 : STAFF_OK;
}

int staff_reset_2fa(struct staff *staff, const char *actor, const char *name, const unsigned char *team_secret,
		    int64_t now, char code[CRYPT_ACTIVATION_TEXT_SIZE])
{
	struct db_staff_account account;
	unsigned char *key = crypt_secure_alloc(CRYPT_KEY_BYTES);
	int status = -1;
	if (!key)
		goto done;
	for (;;) {
		int found = staff_name_valid(name) ? db_staff_get(staff->db, name, &account) : 1;
		if (found != 0) {
			status = found < 0 ? -1 : STAFF_NOT_FOUND;
			goto done;
		}
		if ((account.roles & STAFF_CONTENT_ROLES) && !team_secret) {
			status = STAFF_NEEDS_TEAM_SECRET;
			goto done;
		}
		if (make_pending(&account, team_secret, now, code, key))
			goto done;
		int written = db_staff_update(staff->db, &account);
		if (written < 0)
			goto done;
		if (written == 0)
			break;
	}
	status = audit_append(staff->db, now, actor, "account_2fa_reset", name) ? -1 : STAFF_OK;
done:
	if (status != STAFF_OK && code)
		crypt_wipe(code, CRYPT_ACTIVATION_TEXT_SIZE);
	crypt_secure_free(key);
	return status;
}

struct list_context {
	int64_t now;
	void (*each)(void *ctx, const struct staff_account_info *);
	void *ctx;
};

static void list_one(void *ctx, const struct db_staff_account *account)
{
	const struct list_context *list = ctx;
	struct staff_account_info info;
	memset(&info, 0, sizeof info);
	snprintf(info.name, sizeof info.name, "%s", account->name);
	info.roles = account->roles;
	bool expired = strcmp(account->state, "pending") == 0 && list->now >= account->activation_expires;
	snprintf(info.state, sizeof info.state, "%s", expired ? "expired" : account->state);
	info.created_at = account->created_at;
	info.activation_expires = account->activation_expires;
	list->each(list->ctx, &info);
}

int staff_list(struct staff *staff, int64_t now, void (*each)(void *ctx, const struct staff_account_info *), void *ctx)
{
	struct list_context list = {now, each, ctx};
	return db_staff_list(staff->db, list_one, &list);
}
