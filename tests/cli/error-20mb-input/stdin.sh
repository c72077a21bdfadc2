# 20 MB: a JSON string far past the input cap
printf '{"signals": ["'
head -c 20000000 /dev/zero | tr '\0' a
printf '"]}'
