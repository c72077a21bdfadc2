# A new database; its recovery key is the first line the command reads.
dir=/tmp/meldwijzer-cli-user-add
rm -rf "$dir" && mkdir -p "$dir"
"${BUILD:-build}/meldwijzer" init --db "sqlite:$dir/m.db" | grep -E '^    [0-9A-Z]{4}-' | tr -d ' '
