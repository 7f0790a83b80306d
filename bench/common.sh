# Shared by the benchmark scripts (sourced, from the repository root): the photos, a JDK >= 25,
# the distribution's Python with the packages a script needs, and the test classpath.

# The camera photos, extracted by the shared script beside the repository when missing.
bench_photos() {
  local dir=$1
  if ! compgen -G "$dir/*.jpg" > /dev/null; then
    ../shared/photos/fetch-photos.sh "$dir" >&2
  fi
}

# A java >= 25: $JAVA, else $JAVA_HOME's, else the first under /usr/lib/jvm, as the build's
# toolchain discovery finds it.
bench_java() {
  local candidate
  for candidate in "${JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/*/bin/java; do
    [ -x "$candidate" ] || continue
    local major
    major=$("$candidate" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ "${major:-0}" -ge 25 ] 2> /dev/null; then
      echo "$candidate"
      return
    fi
  done
  echo "no JDK >= 25 found: set JAVA or JAVA_HOME" >&2
  return 1
}

# Installs Debian packages for the distribution's python3 when the given modules are missing
# (a python3 earlier on PATH may not see them).
bench_python() {
  local modules=$1
  shift
  if ! /usr/bin/python3 -c "import $modules" 2> /dev/null; then
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y -q "$@" >&2; else sudo apt-get install -y -q "$@" >&2; fi
  fi
}

# Builds with the given goal and prints the test classpath.
bench_classpath() {
  ./mvnw -q -DskipTests -DskipITs -Djacoco.skip=true "$1" >&2
  ./mvnw -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2
  echo "target/test-classes:target/classes:$(cat target/bench.classpath)"
}

# The image's glibc malloc settings (Dockerfile ENV), so the engines render under the
# allocator the worker has in production.
bench_malloc_env() {
  grep -oE '\b(MALLOC_[A-Z_]+|GLIBC_TUNABLES)=[^ \\]+' Dockerfile
}

# The sharp peer's packages, installed from its lock file when missing or older than it.
bench_sharp_peer() {
  if [ ! -d bench/sharp-peer/node_modules ] || [ bench/sharp-peer/package-lock.json -nt bench/sharp-peer/node_modules ]; then
    (cd bench/sharp-peer && npm ci --no-audit --no-fund >&2)
  fi
}
