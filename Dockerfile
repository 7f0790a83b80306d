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
# glibc gives threads that malloc their own arenas (up to 8 per core, 64 MiB each) where
# freed native memory lingers; two keep libvips' and the JVM's allocations from spreading.
# A fixed mmap threshold returns every buffer of 1 MiB or more (sources, decoded images)
# to the system when freed: glibc's default raises the threshold after the first large
# free, so later buffers come from the arenas and stay resident. Those buffers are mapped
# afresh for every image, so malloc asks for transparent huge pages on them: one page
# fault per 2 MiB instead of 512 (where the kernel's THP mode is madvise or always).
ENV LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=1048576 \
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1
# Sized for a 512 MiB container (docs/operations.md, "Memory sizing"): 35% for the heap,
# from the start, as a busy worker's heap grows to its maximum anyway; the JVM's own memory
# capped beside it (Serial GC has no G1 remembered sets; metaspace, code cache, direct
# buffers and thread stacks bounded); the rest for libvips' native decoding, which the
# memory budget admits against. Only C1 compiles: the pixels are rendered in native code,
# and what runs in Java, mostly AWS SDK calls made once or twice per image, kept C2
# compiling for thousands of images at a cost in CPU and memory that it never earned back.
# For the same reason methods compile after a tenth of the usual calls: otherwise code that
# runs once per image stays interpreted for about the first 200. The native engine calls
# libvips through FFM, which Java 25 permits only with native access enabled.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=35.0", "-XX:InitialRAMPercentage=35.0", "-XX:+UseSerialGC", \
    "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m", "-XX:MaxDirectMemorySize=32m", "-Xss512k", \
    "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=0.1", "-XX:+ExitOnOutOfMemoryError", \
    "-Djava.io.tmpdir=/tmp", "--enable-native-access=ALL-UNNAMED", "org.springframework.boot.loader.launch.JarLauncher"]
