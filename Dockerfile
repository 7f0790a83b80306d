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

# Split the jar into layers so a code change rebuilds only the last, small layer. Without
# --launcher: the application stays a plain jar (app.jar) whose manifest puts the
# dependencies' jars (lib/) on the class path, the form an AOT cache can be made for.
FROM eclipse-temurin:25.0.1_8-jdk-noble AS extract
WORKDIR /workspace
COPY --from=build /workspace/app.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --destination extracted

FROM eclipse-temurin:25.0.1_8-jre-noble
# libvips for the native render engine. Ubuntu 24.04 ships it as libvips42t64 (the 64-bit
# time_t rename of libvips42); either provides libvips.so.42, which is what the binding loads.
# libheif, which libvips reads and writes HEIF files with, finds its codecs as plugins that
# it only recommends, so they are named: aomenc encodes AVIF, dav1d decodes it, libde265
# decodes HEIC (HEVC).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libheif-plugin-aomenc libheif-plugin-dav1d libheif-plugin-libde265 \
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
# The AOT cache (JEP 483, 514, 515): a training run starts the worker up to the end of its
# context refresh (spring.context.exit=onRefresh: every singleton made, the listener not
# started) and writes the classes it loaded and linked, and their profiles, to app.aot,
# which the ENTRYPOINT maps so that a new worker starts without loading them again. The
# cache holds only for this JVM, this class path and compatible flags, so the training
# runs here, on the runtime image, with the same jar path and jvm.args as the ENTRYPOINT.
# MaxRAM as a worker's container: on a build host with much memory, 35% of it would be a
# heap beyond 32 GiB, without compressed oops, and the cache unusable in the container.
# No AWS during the build: a dummy region and credentials, and an endpoint that refuses
# connections, for the one request made at refresh (the queue's settings), which fails
# and is retried once the worker runs.
RUN AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=training AWS_SECRET_ACCESS_KEY=training \
    java -XX:AOTCacheOutput=/app/app.aot -XX:MaxRAM=2g @/app/jvm.args -Dspring.context.exit=onRefresh \
        -jar /app/app.jar --spring.cloud.aws.endpoint=http://127.0.0.1:9
# Numeric so Kubernetes can verify runAsNonRoot without looking the name up.
USER 10001:10001
# The JVM's flags, each with what it does, are in jvm.args (src/main/jvm/), which the
# drills and the benchmarks pass to java as well. Without its cache (another JVM or class
# path) the worker starts all the same, only slower.
ENTRYPOINT ["java", "-XX:AOTCache=/app/app.aot", "@/app/jvm.args", "-jar", "/app/app.jar"]
