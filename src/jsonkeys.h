/*
 * jsonkeys: the strict readers' shared check that an object holds only known
 * keys. Each reader words its own message; this only finds the culprit.
 */
#ifndef MELDWIJZER_JSONKEYS_H
#define MELDWIJZER_JSONKEYS_H

#include <jansson.h>

/* The first key of `object` that is not in the NULL-terminated `allowed`, or NULL. */
const char *json_unknown_key(json_t *object, const char *const *allowed);

#endif
