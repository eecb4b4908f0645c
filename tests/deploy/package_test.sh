#!/usr/bin/env bash
# The Debian package as an operator gets it: built by CPack from this build directory,
# listed (dpkg-deb -c), unpacked (dpkg-deb -x) and its binary run; lintian-clean when
# lintian is installed.
#   package_test.sh BUILD_DIR EXPECTED_VERSION SOURCE_DIR [CPACK]
set -euo pipefail
build=$1 version=$2 src=$3 cpack=${4:-cpack}
tmp=$(mktemp -d /tmp/mmscore-package-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Into a directory of its own: tests running beside this one never see a half-built package.
"$cpack" --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack"; }
deb="$tmp/out/mmscore_${version}_amd64.deb"
[[ -f $deb ]] || { ls "$tmp/out"; fail "no $deb"; }

dpkg-deb -c "$deb" | awk '{print $1, $6}' | sed 's|^\(.\{10\}\) \./|\1 /|' >"$tmp/list"
for entry in \
  "-rwxr-xr-x /usr/bin/mmscore" \
  "-rw-r--r-- /lib/systemd/system/mmscore.service" \
  "-rw-r--r-- /usr/lib/sysusers.d/mmscore.conf" \
  "-rw-r--r-- /etc/mmscore/mmscore.toml" \
  "-rw-r--r-- /etc/default/mmscore" \
  "-rw-r--r-- /usr/share/doc/mmscore/README.md" \
  "-rw-r--r-- /usr/share/doc/mmscore/deploy-README.md" \
  "-rw-r--r-- /usr/share/doc/mmscore/copyright" \
  "-rw-r--r-- /usr/share/doc/mmscore/changelog.gz" \
  "-rw-r--r-- /usr/share/man/man1/mmscore.1.gz" \
  "-rw-r--r-- /usr/share/mmscore/prometheus/mmscore-rules.yml" \
  "-rw-r--r-- /usr/share/mmscore/prometheus/mmscore-rules-test.yml"; do
  grep -qxF -- "$entry" "$tmp/list" || { cat "$tmp/list"; fail "not in the package: $entry"; }
done
dpkg-deb -f "$deb" Package Version Architecture Depends >"$tmp/fields"
grep -qx "Version: $version" "$tmp/fields" || fail "version: $(cat "$tmp/fields")"
grep -q "^Depends: .*libspdlog" "$tmp/fields" || fail "Depends from the shared libraries: $(cat "$tmp/fields")"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$tmp/conffiles"
diff <(printf '/etc/mmscore/mmscore.toml\n/etc/default/mmscore\n') "$tmp/conffiles" || fail "conffiles"

root="$tmp/root"
dpkg-deb -x "$deb" "$root"
out=$("$root/usr/bin/mmscore" --version)
[[ $out == "mmscore $version" || $out == "mmscore $version (git "*")" ]] || fail "--version said: $out"
"$root/usr/bin/mmscore" check-config "$src/config/demo.toml" >"$tmp/demo.out" || fail "check-config demo.toml"
grep -q "config OK" "$tmp/demo.out" || fail "check-config demo.toml: no 'config OK'"
# The example as installed: its key files are not there (exit 2), and each one is named.
set +e
"$root/usr/bin/mmscore" check-config "$root/etc/mmscore/mmscore.toml" >/dev/null 2>"$tmp/example.err"
code=$?
set -e
[[ $code == 2 ]] || fail "check-config of the unpacked example: exit $code, not 2"
for key in alpha-main alpha-hedge bravo charlie; do
  grep -q "^$root/etc/mmscore/mmscore.toml:[0-9]*: mms\..*: $root/etc/mmscore/keys/$key.secret: cannot open API secret file" \
    "$tmp/example.err" || { cat "$tmp/example.err"; fail "no error for keys/$key.secret"; }
done

# The sysusers.d file, as systemd-sysusers reads it from the unpacked tree (no change made).
if command -v systemd-sysusers >/dev/null; then
  systemd-sysusers --dry-run --root "$root" >"$tmp/sysusers.log" 2>&1 || true
  grep -q "Creating user 'mmscore' (mmscore scoring daemon)" "$tmp/sysusers.log" ||
    { cat "$tmp/sysusers.log"; fail "sysusers.d: no mmscore user"; }
fi

if command -v lintian >/dev/null; then
  # No overrides: errors and warnings fail (info tags are shown, not failed).
  lintian --fail-on error,warning --display-info "$deb" >"$tmp/lintian.log" 2>&1 || { cat "$tmp/lintian.log"; fail "lintian"; }
  grep -v "running with root privileges" "$tmp/lintian.log" || true
else
  echo "lintian not installed: package not linted"
fi
echo "package OK: $(basename "$deb")"
