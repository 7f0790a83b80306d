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
COPY src/main/jvm/jvm.args ./
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
# The JVM's flags, each with what it does, are in jvm.args (src/main/jvm/), which the
# drills and the end-to-end benchmark pass to java as well.
ENTRYPOINT ["java", "@/app/jvm.args", "org.springframework.boot.loader.launch.JarLauncher"]
