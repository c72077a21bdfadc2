# A new database, and a recovery key that is not its own.
dir=/tmp/meldwijzer-cli-user-key
rm -rf "$dir" && mkdir -p "$dir"
"${BUILD:-build}/meldwijzer" init --db "sqlite:$dir/m.db" > /dev/null
echo "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"
