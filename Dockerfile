# syntax=docker/dockerfile:1

# Build with the Maven wrapper on the same JDK the runtime image carries, so the toolchains
# plugin finds Java 25 as the current JDK.
FROM eclipse-temurin:25.0.1_8-jdk-noble AS build
WORKDIR /workspace
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q dependency:go-offline
COPY src src
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package \
    && cp target/image-worker-*.jar /workspace/app.jar

# Split the jar into layers so a code change rebuilds only the last, small layer.
FROM eclipse-temurin:25.0.1_8-jdk-noble AS extract
WORKDIR /workspace
COPY --from=build /workspace/app.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

FROM eclipse-temurin:25.0.1_8-jre-noble
# libvips for the native render engine. Ubuntu 24.04 ships it as libvips42t64 (the 64-bit
# time_t rename of libvips42); either provides libvips.so.42, which is what the binding loads.
RUN apt-get update \
    && (apt-get install -y --no-install-recommends libvips42 \
        || apt-get install -y --no-install-recommends libvips42t64) \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 worker \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin worker
WORKDIR /app
# Least to most frequently changed, so layers stay cached between releases.
COPY --from=extract /workspace/extracted/dependencies/ ./
COPY --from=extract /workspace/extracted/spring-boot-loader/ ./
COPY --from=extract /workspace/extracted/snapshot-dependencies/ ./
COPY --from=extract /workspace/extracted/application/ ./
# Numeric so Kubernetes can verify runAsNonRoot without looking the name up.
USER 10001:10001
# The root filesystem may be read-only: the JVM and the app write only to /tmp.
# glibc malloc, for libvips' and the JVM's native memory:
#   MALLOC_ARENA_MAX: two arenas instead of up to eight per core, so freed native memory
#     does not linger spread over many arenas.
#   MALLOC_MMAP_THRESHOLD_: buffers of 1 MiB or more (sources, decoded images) are mapped
#     and given back to the system when freed; by default glibc raises the threshold after
#     the first large free, and later buffers stay resident in the arenas.
#   GLIBC_TUNABLES, malloc's hugetlb tunable: those mappings, made afresh for every image, ask
#     for transparent huge pages: one page fault per 2 MiB instead of per 4 KiB (where the
#     kernel's THP mode is madvise or always).
ENV LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=1048576 \
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1
# The JVM sizes itself from the container's memory limit (docs/operations.md, "Memory
# sizing"; what each flag was measured to save is in docs/benchmarks.md):
#   MaxRAMPercentage, InitialRAMPercentage: the heap is this share of the limit, committed
#     from the start as a busy worker's heap grows to its maximum anyway; the rest is the
#     JVM's own memory and libvips' native decodes, which the memory budget admits against.
#   UseSerialGC: no G1 remembered sets or card tables.
#   MaxMetaspaceSize, ReservedCodeCacheSize, MaxDirectMemorySize, Xss: the JVM's own memory
#     bounded, so that image-worker.processing.memory-reserve covers it.
#   TieredStopAtLevel 1: C1 only. Pixels are rendered in native code; the Java that runs per
#     image, mostly AWS SDK calls made once or twice an image, does not repay C2's compiler
#     threads, arenas and code cache.
#   CompileThresholdScaling 0.1: methods compile after a tenth of the usual calls, so code
#     that runs once per image is compiled within the first images, not the first hundreds.
#   ExitOnOutOfMemoryError: the orchestrator replaces the worker instead of keeping a sick one.
#   java.io.tmpdir: /tmp, the one writable path.
#   enable-native-access: the native engine calls libvips through FFM, which Java 25 permits
#     only with native access enabled.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=35.0", "-XX:InitialRAMPercentage=35.0", "-XX:+UseSerialGC", \
    "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m", "-XX:MaxDirectMemorySize=32m", "-Xss512k", \
    "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=0.1", "-XX:+ExitOnOutOfMemoryError", \
    "-Djava.io.tmpdir=/tmp", "--enable-native-access=ALL-UNNAMED", "org.springframework.boot.loader.launch.JarLauncher"]
