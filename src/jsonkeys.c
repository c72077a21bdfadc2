#include "jsonkeys.h"

#include <stdbool.h>
#include <string.h>

const char *json_unknown_key(json_t *object, const char *const *allowed)
{
	const char *key;
	json_t *value;
	json_object_foreach(object, key, value) {
		bool known = false;
		for (const char *const *a = allowed; *a && !known; a++)
			known = strcmp(*a, key) == 0;
		if (!known)
			return key;
	}
	return NULL;
}
